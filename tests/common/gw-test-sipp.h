/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test support: SIPp 3.6 as a SIP peer on loopback. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define GW_TEST_TYPE_SIPP (gw_test_sipp_get_type ())
G_DECLARE_FINAL_TYPE (GwTestSipp, gw_test_sipp, GW_TEST, SIPP, GObject)

GwTestSipp *gw_test_sipp_new (const gchar * scenario);
void gw_test_sipp_set_port (GwTestSipp * self, guint port);
void gw_test_sipp_set_media_port (GwTestSipp * self, guint port);
void gw_test_sipp_set_remote (GwTestSipp * self, const gchar * host_port);
void gw_test_sipp_set_calls (GwTestSipp * self, guint calls);
void gw_test_sipp_set_timeout (GwTestSipp * self, guint seconds);
void gw_test_sipp_set_transport (GwTestSipp * self, const gchar * mode);
void gw_test_sipp_set_key (GwTestSipp * self, const gchar * name,
    const gchar * value);
void gw_test_sipp_add_arg (GwTestSipp * self, const gchar * arg);

const gchar *gw_test_sipp_get_workdir (GwTestSipp * self);
gboolean gw_test_sipp_start (GwTestSipp * self, GError ** error);
guint gw_test_sipp_get_port (GwTestSipp * self);
guint gw_test_sipp_get_media_port (GwTestSipp * self);
gchar *gw_test_sipp_get_uri (GwTestSipp * self, const gchar * user);
gboolean gw_test_sipp_wait (GwTestSipp * self, guint timeout_ms,
    gint * exit_status, GError ** error);
gboolean gw_test_sipp_wait_success (GwTestSipp * self, guint timeout_ms,
    GError ** error);
gchar *gw_test_sipp_get_diagnostics (GwTestSipp * self);
void gw_test_sipp_stop (GwTestSipp * self);

G_END_DECLS
