/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GwCall: one dialled SIP call bridged into a session.  The one place that
 * ties a SIP dialog (GwSipCall), a media bridge, the call's hub connection
 * and stream, its timers and its call-monitoring events together; all of
 * them hang off the call and are released in one place when it ends.
 *
 * Life (architecture.md, "A call's life and its callbacks"): created by a
 * dial with its connection and stream already in the session, callCreated,
 * INVITE → DIALING, 18x → RINGING, 2xx → ACTIVE, re-INVITE hold ⇄ ON_HOLD.
 * Whatever ends it (either side's BYE, a CANCEL, a failed INVITE, a
 * timeout, a media error, shutdown) → HANGUP, the connection and stream
 * leave the session, the media stops, and once the SIP dialog is over,
 * exactly one callDestroyed, last, and the "ended" signal.
 *
 * Reasons of callDestroyed: the final status of a failed INVITE (3xx-6xx,
 * 401/407 after our one authentication attempt, 408/503 generated locally;
 * a SIP over TLS failure is 503 with the phrase "TLS: <why>");
 * 408 ring timeout; 488 "Not Acceptable Here" when the far end's 2xx
 * carries no usable SDP answer (no answer, no codec in common, media the
 * bridge cannot serve, an unencrypted answer to a secure offer): the call
 * was technically answered (so it gets a BYE) but never had media, which
 * 488 says better than a generic 703; 700 Normal Clearing
 * (either side hung up on purpose, force disconnect, shutdown); 703
 * Unexpected Clearing (transport failure mid-call, media pipeline error);
 * 704 no RTP after the answer; 705 max duration; 706 RTP stopped.
 *
 * Secure calls (the dial's secure: true): the offer is SRTP, SDES or
 * DTLS-SRTP as the settings' secure-media says, and the call never falls
 * back to plain RTP; the signalling is TLS when the URI says so (sips:,
 * ;transport=tls), independently of secure.
 *
 * Main thread only (the thread-default context at creation). */
#pragma once

#include <glib-object.h>

#include "callbacks.h"
#include "dial-request.h"
#include "media-bridge.h"
#include "media-ports.h"
#include "ot-hub.h"
#include "settings.h"
#include "sip-agent.h"

G_BEGIN_DECLS

typedef enum
{
  GW_CALL_STATE_DIALING,        /* INVITE sent */
  GW_CALL_STATE_RINGING,        /* 180/183 */
  GW_CALL_STATE_ACTIVE,         /* answered, media running */
  GW_CALL_STATE_ON_HOLD,        /* the far end put us on hold */
  GW_CALL_STATE_HANGUP,         /* ending: waiting for the dialog to end */
  GW_CALL_STATE_DESTROYED,      /* over: callDestroyed sent */
} GwCallState;

/* The state as the callbacks spell it ("DIALING", ...). */
const gchar *gw_call_state_to_string (GwCallState state);

/* What a call needs from the service (all borrowed; the call takes its own
 * references). */
typedef struct
{
  GwSipAgent *agent;
  GwMediaPorts *ports;
  GwCallbacks *callbacks;
  /* Timers, default-from, the RTP bind address; read at creation. */
  const GwSettings *settings;
} GwCallEnv;

#define GW_TYPE_CALL (gw_call_get_type ())
G_DECLARE_FINAL_TYPE (GwCall, gw_call, GW, CALL, GObject);

/* Dials @request (transfer full) into @session, a routed session of the
 * request's project.  On success the connection and stream are in the
 * session, callCreated and callUpdated DIALING are queued and the INVITE is
 * on its way.  On failure nothing is left behind and no event is sent:
 * GW_ERROR_NOT_IMPLEMENTED for video calls, GW_ERROR_INVALID for what the
 * SIP side refuses (URI, header, credentials), GW_ERROR_UNAVAILABLE when
 * out of RTP ports or the SIP agent is shut down, GW_ERROR_FAILED when a
 * secure call cannot have its keys (no DTLS certificate, no randomness). */
GwCall *gw_call_new (const GwCallEnv * env, OtSession * session,
    GwDialRequest * request, GError ** error);

const gchar *gw_call_get_id (GwCall * self);
const gchar *gw_call_get_session_id (GwCall * self);
const gchar *gw_call_get_connection_id (GwCall * self);
const gchar *gw_call_get_stream_id (GwCall * self);
GwCallState gw_call_get_state (GwCall * self);

/* Hangs up on purpose (force disconnect, shutdown): CANCEL while
 * unanswered, BYE once answered; reason 700.  The connection and stream
 * leave the session at once; "ended" follows when the dialog is over.
 * Does nothing when the call is ending already. */
void gw_call_hangup (GwCall * self);

/* Ends the call now without waiting for the SIP dialog (shutdown past its
 * deadline): whatever it was ending with (700 if it was not), then
 * callDestroyed and "ended".  The SIP stack finishes the dialog on its own. */
void gw_call_abandon (GwCall * self);

/* The call's media bridge (transfer none; NULL once the call is ending):
 * tests and stats. */
GwMediaBridge *gw_call_get_media_bridge (GwCall * self);

/* Queues @digits (0-9 * # and p, a 500 ms pause) for the far end, after
 * what was queued before (one queue per call: a second request waits for
 * the first).  RFC 4733 events on the negotiated telephone-event payload
 * type, in-band tones when the far end has none.  Digits for a call not
 * answered yet wait and play from the answer.  GW_ERROR_INVALID for bad
 * digits, GW_ERROR_UNAVAILABLE when the queue is full, GW_ERROR_CONFLICT
 * while the far end holds the call (it receives no media; digits queued
 * before a hold are lost in it), GW_ERROR_NOT_FOUND once the call is
 * ending. */
gboolean gw_call_play_dtmf (GwCall * self, const gchar * digits,
    GError ** error);

/* Mute (call-mute.c).  Only a call dialled with observeForceMute obeys
 * force mute and the caller's *6; a call without it ignores both.
 * - Force mute (one stream, "mute all", or joining while "mute all" is
 *   active): the hub mutes the stream and the gateway calls
 *   gw_call_notify_mute_forced(): the muteForced event is sent and the
 *   caller hears "You have been muted by the host.  Press star six to
 *   unmute."
 * - *6 from the caller ('*' then '6' within GW_CALL_STAR_SIX_WINDOW_MS, RFC
 *   4733 events only: SIP INFO and in-band tones are not decoded) toggles
 *   the stream's mute and the caller hears "You are muted." or "You are
 *   unmuted."  No event is sent for *6: muteForced is for force mutes
 *   only, as on the platform; the stream shows muted either way.
 * A prompt asked for while the call has no media flowing to the caller
 * (ringing, on hold) plays when it has. */
#define GW_CALL_STAR_SIX_WINDOW_MS 2000

/* The call's stream was force muted (it observes force mute): sends the
 * muteForced event and plays the announcement. */
void gw_call_notify_mute_forced (GwCall * self);

G_END_DECLS
