/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GwGateway: the service object.  It owns the settings, the REST server,
 * the callbacks sender, the SIP agent, the RTP ports and the call registry,
 * and holds the operations REST and calls share, so both take the same
 * path. */
#pragma once

#include <gst/gst.h>
#include <libsoup/soup.h>

#include "call-registry.h"
#include "callbacks.h"
#include "dial-request.h"
#include "ot-hub.h"
#include "settings.h"

G_BEGIN_DECLS

#define GW_TYPE_GATEWAY (gw_gateway_get_type ())
G_DECLARE_FINAL_TYPE (GwGateway, gw_gateway, GW, GATEWAY, GObject);

/* Takes ownership of `settings`.  Uses the thread-default main context. */
GwGateway *gw_gateway_new (GwSettings * settings);

const GwSettings *gw_gateway_get_settings (GwGateway * self);
GwCallbacks *gw_gateway_get_callbacks (GwGateway * self);
/* The process's session hub (transfer none). */
OtHub *gw_gateway_get_hub (GwGateway * self);

/* Starts the SIP agent (on [sip] address and port) and then listens for
 * REST; GError when an address cannot be bound. */
gboolean gw_gateway_start (GwGateway * self, GError ** error);
/* The bound HTTP port (ephemeral ports resolved), 0 before start. */
guint gw_gateway_get_http_port (GwGateway * self);
/* The bound SIP port (UDP and TCP), 0 before start. */
guint gw_gateway_get_sip_port (GwGateway * self);
/* The calls in progress (transfer none). */
GwCallRegistry *gw_gateway_get_calls (GwGateway * self);
/* The one line printed on stdout once listening:
 * "ready http=ADDR:PORT sip=ADDR:PORT". */
gchar *gw_gateway_get_ready_line (GwGateway * self);
/* Stops listening, hangs up every call (BYE or CANCEL) and waits for them
 * to end for at most `flush_timeout_ms` (abandoning the rest: each still
 * sends callDestroyed), then lets pending callbacks go out for at most
 * `flush_timeout_ms`, then shuts the SIP agent down.  Returns FALSE if
 * callbacks were still pending. */
gboolean gw_gateway_stop (GwGateway * self, guint flush_timeout_ms);

/* The session `session_id` of project `api_key` (new ref).  GW_ERROR_INVALID
 * when the ID does not have the session ID shape, GW_ERROR_NOT_FOUND when it
 * is unknown or belongs to another project (404 either way: a project does
 * not learn which sessions other projects have). */
OtSession *gw_gateway_lookup_session (GwGateway * self, const gchar * api_key,
    const gchar * session_id, GError ** error);

/* Force disconnect: removes the connection and its streams from the
 * session; a SIP leg's call hangs up (BYE, or CANCEL while ringing; reason
 * 700).  GW_ERROR_NOT_FOUND when unknown. */
gboolean gw_gateway_disconnect (GwGateway * self, OtSession * session,
    const gchar * connection_id, GError ** error);

/* Force mute one stream.  Sets `muted` to whether the stream is now muted by
 * this request (FALSE when it ignores force mute).  GW_ERROR_NOT_FOUND when
 * the stream is unknown. */
gboolean gw_gateway_force_mute_stream (GwGateway * self, OtSession * session,
    const gchar * stream_id, gboolean * muted, GError ** error);

/* "Mute all" on (with exclusions) or off; returns the streams muted now
 * (transfer full list of new refs). */
GList *gw_gateway_set_mute_all (GwGateway * self, OtSession * session,
    gboolean active, const gchar * const *excluded_stream_ids);

/* Dials `request` (transfer full) into `session`, a routed session of the
 * request's project whose client token the caller has verified.  On
 * success, fills `reply` (clear it with gw_dial_reply_clear) with the new
 * call's ID and the SIP connection and stream IDs, which are in the session
 * from then on, before the far end answers (see call.h).  GW_ERROR_INVALID
 * for a request the SIP side refuses, GW_ERROR_UNAVAILABLE when shutting
 * down or out of ports, GW_ERROR_NOT_IMPLEMENTED for what is not built yet
 * (secure media, video, sips:/TLS). */
gboolean gw_gateway_dial (GwGateway * self, OtSession * session,
    GwDialRequest * request, GwDialReply * reply, GError ** error);

/* Plays `digits` (checked by gw_dtmf_digits_validate: 0-9 * # and p, a
 * 500 ms pause) to the SIP leg `connection_id` of `session` (queued until
 * the answer when it is still ringing), or, when NULL, to every SIP leg of
 * the session that is answered (ringing and held ones are skipped).  Per
 * call the digits queue after earlier requests (gw_call_play_dtmf).
 * GW_ERROR_NOT_FOUND when `connection_id` is not a SIP leg of the session
 * (unknown, or another kind of connection) or, session-wide, when no SIP
 * leg is answered; GW_ERROR_UNAVAILABLE when a call's queue is full,
 * GW_ERROR_CONFLICT when the connection's call is on hold. */
gboolean gw_gateway_play_dtmf (GwGateway * self, OtSession * session,
    const gchar * connection_id, const gchar * digits, GError ** error);

G_END_DECLS
