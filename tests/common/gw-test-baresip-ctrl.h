/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test support: a client of baresip's ctrl_tcp module (JSON in netstrings):
 * commands with their responses, and the stream of UA/call events. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define GW_TEST_TYPE_BARESIP_CTRL (gw_test_baresip_ctrl_get_type ())
G_DECLARE_FINAL_TYPE (GwTestBaresipCtrl, gw_test_baresip_ctrl, GW_TEST,
    BARESIP_CTRL, GObject)

GwTestBaresipCtrl *gw_test_baresip_ctrl_connect (guint port, GError ** error);
gboolean gw_test_baresip_ctrl_is_open (GwTestBaresipCtrl * self);
JsonObject *gw_test_baresip_ctrl_command (GwTestBaresipCtrl * self,
    const gchar * command, const gchar * params, guint timeout_ms,
    GError ** error);
GPtrArray *gw_test_baresip_ctrl_get_events (GwTestBaresipCtrl * self);
void gw_test_baresip_ctrl_close (GwTestBaresipCtrl * self);

G_END_DECLS
