/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What call.c (life, events, timers, the session) and call-dialog.c (the
 * SIP dialog and the offer/answer driving the media bridge) share about
 * a GwCall.  Nothing else includes this. */
#pragma once

#include <gst/gst.h>

#include "call-timers.h"
#include "call.h"
#include "media-bridge.h"
#include "sip-sdp.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gw_call_debug);

/* Reasons of callDestroyed, as (code, message) argument pairs. */
#define GW_CALL_NORMAL_CLEARING 700, "Normal Clearing"
#define GW_CALL_UNEXPECTED_CLEARING 703, "Unexpected Clearing"
#define GW_CALL_NOT_ACCEPTABLE 488, "Not Acceptable Here"

struct _GwCall
{
  GObject parent;

  /* Set at creation, constant. */
  gchar *id;
  gchar *connection_id;
  gchar *stream_id;
  GMainContext *context;
  GwDialRequest *request;
  gchar *callback_url;          /* NULL = no callbacks */
  gchar *callback_secret;
  gint64 created_at;            /* ms since epoch, for the events */
  GwCallbacks *callbacks;
  OtSession *session;

  /* Released by end_call() (connection, stream, bridge, timer) or finish()
   * (sip). */
  OtConnection *connection;
  OtStream *stream;
  gulong connection_removed_id;
  GwSipCall *sip;
  GwMediaBridge *bridge;
  GSource *timer;
  GSource *deferred_end;

  GwMediaParams params;         /* what the last offer/answer decided */
  GwSipSdpLocal local;
  gchar *local_address;
  gchar *last_sdp;              /* our last SDP: sess-version moves with it */
  GwCallTimers timers;
  GwCallState state;
  guint end_code;               /* 0 until the call is ending */
  gchar *end_phrase;
  guint deferred_code;
  const gchar *deferred_phrase;

  /* Mute (call-mute.c). */
  gint64 star_time;             /* monotonic µs of the caller's last '*' */
  gboolean prompt_pending;      /* prompt waits for media to the caller */
  GwPrompt pending_prompt;
};

/* call.c */
void gw_call_set_state (GwCall * self, GwCallState state);
/* Ends the call with this reason, unless it is ending already. */
void gw_call_end (GwCall * self, guint code, const gchar * phrase);
/* The same from the main loop: for causes found while the SIP side waits
 * for our answer to a re-INVITE. */
void gw_call_end_later (GwCall * self, guint code, const gchar * phrase);
/* The dialog is over (its final SIP callback): ends the call with this
 * reason unless it was ending already, and finishes it. */
void gw_call_sip_over (GwCall * self, guint code, const gchar * phrase);
/* Re-arms the call's one timer after its timers or media changed. */
void gw_call_arm_timer (GwCall * self);

/* call-mute.c */
/* Listens to the caller's keys (*6) on the call's media bridge. */
void gw_call_mute_attach (GwCall * self);
/* Speaks @prompt to the caller now, or once media flows to the caller. */
void gw_call_announce (GwCall * self, GwPrompt prompt);
/* Media flows to the caller again (answered, resumed): plays the prompt
 * that waited, if any. */
void gw_call_announce_pending (GwCall * self);

/* call-dialog.c */
/* The media bridge (its RTP ports) and our side of the SDP. */
gboolean gw_call_prepare_media (GwCall * self, const GwCallEnv * env,
    GError ** error);
/* Our offer, and the INVITE on its way. */
gboolean gw_call_send_invite (GwCall * self, const GwCallEnv * env,
    GError ** error);

G_END_DECLS
