/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The session hub: the process-wide registry of sessions (libgstot).
 *
 * One hub per process; the plugin (otsink/otsrc) and the gateway app both
 * link libgstot, so they meet here.  Every function is thread-safe. */
#pragma once

#include "ot-types.h"
#include "ot-session.h"
#include "ot-connection.h"
#include "ot-stream.h"
#include "ot-track.h"
#include "ot-subscription.h"

G_BEGIN_DECLS

#define OT_TYPE_HUB (ot_hub_get_type ())
OT_API G_DECLARE_FINAL_TYPE (OtHub, ot_hub, OT, HUB, GObject);

/* The process's hub (transfer none; lives until exit). */
OT_API OtHub *ot_hub_get_default (void);

/* Creates a session with a fresh ID of the OpenTok shape
 * "2_" + base64url_nopad ("1~<apiKey>~<location>~<createMillis>~<random>~").
 * location may be NULL. Returns a new reference. */
OT_API OtSession *ot_hub_create_session (OtHub * hub, const gchar * api_key,
    const gchar * location, gboolean routed);

/* Adds a session under a given ID (gst-launch use: otsink creates the session
 * named by its property on first use).  The API key (and the creation time)
 * are taken from the ID when it has the OpenTok shape, else the key is
 * empty; such a session is routed.  If it exists, returns it.
 * Returns a new reference. */
OT_API OtSession *ot_hub_ensure_session (OtHub * hub, const gchar * session_id);

/* Returns a new reference or NULL. */
OT_API OtSession *ot_hub_lookup_session (OtHub * hub, const gchar * session_id);

/* Removes a session, its connections and streams (subscribers see their
 * streams removed).  Returns FALSE if unknown. */
OT_API gboolean ot_hub_remove_session (OtHub * hub, const gchar * session_id);

/* Sessions currently in the hub (for tests and stats). */
OT_API guint ot_hub_get_n_sessions (OtHub * hub);

/* Parses a session ID of the OpenTok shape; returns the API key (newly
 * allocated) or NULL when the ID does not have that shape. */
OT_API gchar *ot_session_id_get_api_key (const gchar * session_id);
/* The decoded text of such an ID ("1~<apiKey>~<location>~<createMillis>~
 * <random>~"), decoded as the SDKs do, or NULL when it does not decode. */
OT_API gchar *ot_session_id_decode (const gchar * session_id);

/* For tests and benchmarks: converters currently running (decoders and
 * encoders across all tracks of all sessions).  The hub never copies a
 * published buffer: subscribers in the published format get references. */
OT_API guint ot_hub_get_n_converters (OtHub * hub);

G_END_DECLS
