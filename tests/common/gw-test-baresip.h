/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test support: baresip 1.0 as a headless SIP far end on loopback that
 * plays a tone, records what it receives and is driven over ctrl_tcp. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "gw-test-tone.h"

G_BEGIN_DECLS

#define GW_TEST_TYPE_BARESIP (gw_test_baresip_get_type ())
G_DECLARE_FINAL_TYPE (GwTestBaresip, gw_test_baresip, GW_TEST, BARESIP,
    GObject)

GwTestBaresip *gw_test_baresip_new (const gchar * user);
void gw_test_baresip_set_tone (GwTestBaresip * self, guint freq_hz);
void gw_test_baresip_set_codecs (GwTestBaresip * self, const gchar * codecs);
void gw_test_baresip_set_media_encryption (GwTestBaresip * self,
    const gchar * mediaenc);
void gw_test_baresip_set_answer_mode (GwTestBaresip * self,
    const gchar * mode);
void gw_test_baresip_add_config (GwTestBaresip * self, const gchar * line);
void gw_test_baresip_add_account_param (GwTestBaresip * self,
    const gchar * param);

gboolean gw_test_baresip_start (GwTestBaresip * self, GError ** error);
guint gw_test_baresip_get_port (GwTestBaresip * self);
gchar *gw_test_baresip_get_uri (GwTestBaresip * self);
const gchar *gw_test_baresip_get_dir (GwTestBaresip * self);
void gw_test_baresip_stop (GwTestBaresip * self);

gchar *gw_test_baresip_command (GwTestBaresip * self, const gchar * command,
    const gchar * params, GError ** error);
gboolean gw_test_baresip_dial (GwTestBaresip * self, const gchar * uri,
    GError ** error);
gboolean gw_test_baresip_hangup (GwTestBaresip * self, GError ** error);
gboolean gw_test_baresip_send_dtmf (GwTestBaresip * self,
    const gchar * digits, GError ** error);
gboolean gw_test_baresip_switch_tone (GwTestBaresip * self, guint freq_hz,
    GError ** error);

JsonObject *gw_test_baresip_wait_event (GwTestBaresip * self,
    const gchar * type, guint timeout_ms, GError ** error);
gboolean gw_test_baresip_wait_established (GwTestBaresip * self,
    guint timeout_ms, GError ** error);
gboolean gw_test_baresip_wait_closed (GwTestBaresip * self, guint timeout_ms,
    gchar ** reason, GError ** error);
const gchar *gw_test_baresip_get_received_dtmf (GwTestBaresip * self);
gboolean gw_test_baresip_wait_dtmf (GwTestBaresip * self,
    const gchar * expected, guint timeout_ms, GError ** error);

gchar *gw_test_baresip_get_recording (GwTestBaresip * self,
    gboolean received, GError ** error);
GwTestAudio *gw_test_baresip_load_received (GwTestBaresip * self,
    GError ** error);
GwTestAudio *gw_test_baresip_load_sent (GwTestBaresip * self,
    GError ** error);
gboolean gw_test_baresip_wait_received_seconds (GwTestBaresip * self,
    gdouble seconds, guint timeout_ms, GError ** error);
gboolean gw_test_baresip_wait_heard (GwTestBaresip * self, gdouble freq_hz,
    guint timeout_ms, GError ** error);
gchar *gw_test_baresip_get_log (GwTestBaresip * self);

G_END_DECLS
