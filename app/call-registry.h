/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GwCallRegistry: the calls in progress, by call ID, and the way to them
 * from a session's connection or stream (REST acts on connections and
 * streams; the registry tells which of them are SIP legs).  It owns the
 * calls: a call is dropped when it emits "ended".  Main thread only. */
#pragma once

#include "call.h"

G_BEGIN_DECLS

#define GW_TYPE_CALL_REGISTRY (gw_call_registry_get_type ())
G_DECLARE_FINAL_TYPE (GwCallRegistry, gw_call_registry, GW, CALL_REGISTRY,
    GObject);

GwCallRegistry *gw_call_registry_new (void);

/* Takes a reference until the call ends.  The call must not have ended. */
void gw_call_registry_add (GwCallRegistry * self, GwCall * call);

/* Transfer none; NULL when unknown or over. */
GwCall *gw_call_registry_lookup (GwCallRegistry * self, const gchar * call_id);
/* The call whose connection (stream) in session @session_id this is. */
GwCall *gw_call_registry_lookup_connection (GwCallRegistry * self,
    const gchar * session_id, const gchar * connection_id);
GwCall *gw_call_registry_lookup_stream (GwCallRegistry * self,
    const gchar * session_id, const gchar * stream_id);

/* Calls in progress (ended ones are gone). */
guint gw_call_registry_get_n_calls (GwCallRegistry * self);

/* Shutdown: every call hangs up (gw_call_hangup), then the main context
 * (thread-default) runs until all have ended or @timeout_ms passed; the
 * calls left are abandoned (gw_call_abandon).  Returns TRUE if every call
 * ended by itself. */
gboolean gw_call_registry_end_all (GwCallRegistry * self, guint timeout_ms);

G_END_DECLS
