/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A call's SIP dialog: the INVITE and what answers it, the far end's
 * re-INVITEs (hold, resume, re-pointed media), and the SDP offer/answer
 * that drives the media bridge.  What the dialog says is turned into call
 * states and reasons here; call.c does the rest. */
#include "config.h"

#include "call-private.h"
#include "gw-error.h"

#define GST_CAT_DEFAULT gw_call_debug

/* ---- media ---- */

/* New media params from an offer/answer after the answer: re-point or hold
 * the bridge, and follow hold and resume. */
static gboolean
apply_media (GwCall * self, const GwMediaParams * params, GError ** error)
{
  g_autoptr (GError) err = NULL;
  gboolean hold = gw_media_params_is_hold (params);

  if (!gw_media_bridge_update (self->bridge, params, &err)) {
    GST_WARNING ("call %s: media update refused: %s", self->id, err->message);
    /* INVALID: params the bridge cannot serve, it runs on as it was. */
    if (!g_error_matches (err, GW_ERROR, GW_ERROR_INVALID))
      gw_call_end_later (self, GW_CALL_UNEXPECTED_CLEARING);
    g_propagate_error (error, g_steal_pointer (&err));
    return FALSE;
  }
  gw_media_params_copy (&self->params, params);
  if (hold && self->state == GW_CALL_STATE_ACTIVE) {
    gw_call_timers_hold (&self->timers);
    gw_call_set_state (self, GW_CALL_STATE_ON_HOLD);
  } else if (!hold && self->state == GW_CALL_STATE_ON_HOLD) {
    gw_call_timers_resume (&self->timers, g_get_monotonic_time ());
    gw_call_set_state (self, GW_CALL_STATE_ACTIVE);
  }
  gw_call_arm_timer (self);
  return TRUE;
}

static void
on_media_error (GwMediaBridge * bridge, GError * error, gpointer user_data)
{
  GwCall *self = user_data;

  GST_ERROR ("call %s: media failed: %s", self->id, error->message);
  gw_call_end (self, GW_CALL_UNEXPECTED_CLEARING);
}

/* The media deadline moves from the answer's initial timeout to the
 * (maybe shorter) inactivity timeout counted from the last packet. */
static void
on_first_rtp (GwMediaBridge * bridge, gpointer user_data)
{
  GwCall *self = user_data;

  GST_INFO ("call %s: first RTP from the far end", self->id);
  gw_call_arm_timer (self);
}

/* Our SDP with sess-version moved on only when it differs from the last
 * one we sent (RFC 3264 §8).  @write builds it from self->local. */
typedef gchar *(*SdpWriter) (GwCall * self, gpointer data, GError ** error);

static gchar *
write_sdp (GwCall * self, SdpWriter write, gpointer data, GError ** error)
{
  gchar *sdp = write (self, data, error);

  if (sdp && self->last_sdp && !g_str_equal (sdp, self->last_sdp)) {
    self->local.session_version++;
    g_free (sdp);
    sdp = write (self, data, error);
  }
  if (sdp) {
    g_free (self->last_sdp);
    self->last_sdp = g_strdup (sdp);
  }
  return sdp;
}

static gchar *
write_offer (GwCall * self, gpointer data, GError ** error)
{
  return gw_sip_sdp_build_offer (&self->local, error);
}

typedef struct
{
  const gchar *offer;
  GwMediaParams *params;
} OfferToAnswer;

static gchar *
write_answer (GwCall * self, gpointer data, GError ** error)
{
  OfferToAnswer *o = data;

  return gw_sip_sdp_answer_offer (o->offer, &self->local, &self->params,
      o->params, error);
}

/* ---- SIP ---- */

static void
on_progress (GwSipCall * sip, guint status, const gchar * phrase,
    gpointer user_data)
{
  GwCall *self = user_data;

  GST_INFO ("call %s: %u %s", self->id, status, phrase);
  if (self->state == GW_CALL_STATE_DIALING)
    gw_call_set_state (self, GW_CALL_STATE_RINGING);
}

/* The answer to our INVITE's offer: the media start.  A 2xx without a
 * usable answer ends the call (488, see call.h). */
static void
on_answered (GwSipCall * sip, const gchar * sdp_answer, gpointer user_data)
{
  GwCall *self = user_data;
  GwMediaParams *p = &self->params;
  g_autoptr (GError) error = NULL;

  if (self->end_code)
    return;
  /* The answer is read against our offer's keys: a secure offer takes
   * only a secure answer (INVALID "not encrypted" otherwise: 488). */
  p->local_srtp = self->local.srtp;
  if (sdp_answer == NULL)
    g_set_error (&error, GW_ERROR, GW_ERROR_INVALID, "no SDP answer");
  else if (gw_sip_sdp_parse_answer (sdp_answer, p, &error))
    gw_media_bridge_start (self->bridge, p, &error);
  if (error) {
    GST_WARNING ("call %s: answered, but no media: %s", self->id,
        error->message);
    if (g_error_matches (error, GW_ERROR, GW_ERROR_INVALID))
      gw_call_end (self, GW_CALL_NOT_ACCEPTABLE);
    else
      gw_call_end (self, GW_CALL_UNEXPECTED_CLEARING);
    return;
  }
  /* The mode and suite only: keys are never logged. */
  GST_INFO ("call %s: answered, %s/%u to %s:%u, %s%s%s", self->id,
      gw_audio_codec_to_string (p->codec), p->clock_rate, p->remote_address,
      p->remote_rtp_port, gw_srtp_mode_to_string (p->srtp),
      p->srtp_suite ? " " : "", p->srtp_suite ?
      gw_srtp_suite_to_string (p->srtp_suite) : "");
  gw_call_timers_answered (&self->timers, g_get_monotonic_time ());
  gw_call_set_state (self, GW_CALL_STATE_ACTIVE);
  if (gw_media_params_is_hold (p)) {
    gw_call_timers_hold (&self->timers);
    gw_call_set_state (self, GW_CALL_STATE_ON_HOLD);
  }
  gw_call_arm_timer (self);
}

static void
on_failed (GwSipCall * sip, guint status, const gchar * phrase,
    gpointer user_data)
{
  GwCall *self = user_data;

  GST_INFO ("call %s: INVITE failed: %u %s", self->id, status, phrase);
  gw_call_sip_over (self, status, phrase);
}

static void
on_terminated (GwSipCall * sip, GwSipEndReason reason, guint status,
    const gchar * phrase, gpointer user_data)
{
  GwCall *self = user_data;

  GST_INFO ("call %s: dialog over: %s (%u %s)", self->id,
      gw_sip_end_reason_to_string (reason), status, phrase);
  if (reason == GW_SIP_END_UNEXPECTED)
    gw_call_sip_over (self, GW_CALL_UNEXPECTED_CLEARING);
  else
    gw_call_sip_over (self, GW_CALL_NORMAL_CLEARING);
}

/* A re-INVITE of the far end: with an offer, answer it (hold, resume,
 * re-point); without one, offer again (the answer comes in the ACK). */
static gchar *
answer_offer (GwCall * self, const gchar * sdp_offer, GError ** error)
{
  GwMediaParams params = { 0 };
  OfferToAnswer o = { sdp_offer, &params };
  guint64 version = self->local.session_version;
  g_autofree gchar *last = g_strdup (self->last_sdp);
  gchar *answer = write_sdp (self, write_answer, &o, error);

  if (answer && !apply_media (self, &params, error)) {
    /* Never sent: the next SDP compares with the last one that was. */
    g_clear_pointer (&answer, g_free);
    self->local.session_version = version;
    g_free (self->last_sdp);
    self->last_sdp = g_steal_pointer (&last);
  }
  gw_media_params_clear (&params);
  return answer;
}

static gchar *
on_remote_offer (GwSipCall * sip, const gchar * sdp_offer, GError ** error,
    gpointer user_data)
{
  GwCall *self = user_data;
  g_autoptr (GError) err = NULL;
  gchar *sdp;

  if (self->end_code || self->bridge == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_CONFLICT, "call %s is ending",
        self->id);
    return NULL;
  }
  sdp = sdp_offer ? answer_offer (self, sdp_offer, &err) :
      write_sdp (self, write_offer, NULL, &err);
  if (sdp == NULL) {
    GST_WARNING ("call %s: refusing a re-INVITE: %s", self->id, err->message);
    g_propagate_error (error, g_steal_pointer (&err));
  }
  return sdp;
}

/* The far end's answer (in the ACK) to the offer we put in the 200 of its
 * offerless re-INVITE. */
static void
on_offer_answered (GwSipCall * sip, guint status, const gchar * phrase,
    const gchar * sdp_answer, gpointer user_data)
{
  GwCall *self = user_data;
  GwMediaParams params = { 0 };
  g_autoptr (GError) error = NULL;

  if (self->end_code || status >= 300)
    return;
  params.local_srtp = self->local.srtp;
  if (sdp_answer == NULL)
    g_set_error (&error, GW_ERROR, GW_ERROR_INVALID, "no SDP answer");
  else if (gw_sip_sdp_parse_answer (sdp_answer, &params, &error))
    apply_media (self, &params, &error);
  gw_media_params_clear (&params);
  if (error) {
    GST_WARNING ("call %s: bad answer to our offer: %s", self->id,
        error->message);
    if (g_error_matches (error, GW_ERROR, GW_ERROR_INVALID))
      gw_call_end (self, GW_CALL_NOT_ACCEPTABLE);
  }
}

static const GwSipCallCallbacks sip_callbacks = {
  .progress = on_progress,
  .answered = on_answered,
  .failed = on_failed,
  .remote_offer = on_remote_offer,
  .offer_answered = on_offer_answered,
  .terminated = on_terminated,
};

/* Our keys for a secure call (secure: true), the same in every SDP of the
 * call: SDES keys, or for DTLS the fingerprint of the bridge's
 * certificate, as the settings' secure-media says.  A failure here is
 * ours, not the caller's: GW_ERROR_FAILED (500). */
static gboolean
init_secure_media (GwCall * self, const GwCallEnv * env, GError ** error)
{
  GwSrtpMode mode = env->settings->secure_media;
  const gchar *pem = NULL;
  g_autoptr (GError) err = NULL;

  /* Never a silent downgrade to plain RTP. */
  if (mode == GW_SRTP_NONE)
    g_set_error (&err, GW_ERROR, GW_ERROR_FAILED, "secure-media is unset");
  else if (mode == GW_SRTP_DTLS)
    pem = gw_media_bridge_get_dtls_certificate (self->bridge, &err);
  if (err == NULL)
    gw_srtp_local_init (&self->local.srtp, mode, pem, &err);
  if (err) {
    GST_ERROR ("call %s: no %s keys: %s", self->id,
        gw_srtp_mode_to_string (mode), err->message);
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "cannot set up secure media (%s): %s",
        gw_srtp_mode_to_string (mode), err->message);
    return FALSE;
  }
  GST_INFO ("call %s: secure media, offering %s", self->id,
      gw_srtp_mode_to_string (mode));
  return TRUE;
}

gboolean
gw_call_prepare_media (GwCall * self, const GwCallEnv * env, GError ** error)
{
  GwMediaBridgeConfig config = {
    .call_id = self->id,
    .bind_address = env->settings->sip_address,
    .ports = env->ports,
    .session_id = ot_session_get_id (self->session),
    .connection_id = self->connection_id,
    .stream_id = self->stream_id,
    .streams = (const gchar * const *) self->request->streams,
  };

  self->bridge = gw_media_bridge_new (&config, error);
  if (self->bridge == NULL)
    return FALSE;
  g_signal_connect (self->bridge, "error", G_CALLBACK (on_media_error), self);
  g_signal_connect (self->bridge, "first-rtp-received",
      G_CALLBACK (on_first_rtp), self);
  if (self->request->secure && !init_secure_media (self, env, error))
    return FALSE;
  self->local_address = g_strdup (gw_sip_agent_get_public_address (env->agent));
  self->local.address = self->local_address;
  self->local.rtp_port = gw_media_bridge_get_rtp_port (self->bridge);
  /* o= sess-id: random, and below 2^62 so that any parser takes it. */
  self->local.session_id = ((guint64) g_random_int () << 30)
      ^ g_random_int ();
  self->local.session_version = 1;
  return TRUE;
}

gboolean
gw_call_send_invite (GwCall * self, const GwCallEnv * env, GError ** error)
{
  const GwDialRequest *r = self->request;
  g_auto (GStrv) headers = gw_dial_request_dup_header_lines (r);
  g_autofree gchar *offer = write_sdp (self, write_offer, NULL, error);
  GwSipInvite invite = {
    .uri = r->uri,
    .from_user = r->from_user ? r->from_user : env->settings->default_from,
    .headers = (const gchar * const *) headers,
    .auth_username = r->auth_username,
    .auth_password = r->auth_password,
    .sdp_offer = offer,
  };

  if (offer == NULL)
    return FALSE;
  self->sip = gw_sip_agent_invite (env->agent, &invite, &sip_callbacks, self,
      error);
  if (self->sip == NULL)
    return FALSE;
  GST_INFO ("call %s: INVITE %s (SIP Call-ID %s), connection %s, stream %s "
      "in %s", self->id, r->uri, gw_sip_call_get_call_id (self->sip),
      self->connection_id, self->stream_id, ot_session_get_id (self->session));
  return TRUE;
}
