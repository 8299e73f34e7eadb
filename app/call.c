/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A call's state machine.  Every way a call ends goes through gw_call_end()
 * (first cause wins: it names the reason), which sends HANGUP, releases
 * the media and the session's connection and stream at once and hangs up
 * the dialog; the call is over in finish(), when the SIP side reports the
 * dialog ended (or shutdown abandons it): callDestroyed, then "ended". */
#include "config.h"

#include "call-private.h"
#include "gw-error.h"

GST_DEBUG_CATEGORY (gw_call_debug);
#define GST_CAT_DEFAULT gw_call_debug

enum
{
  SIGNAL_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (GwCall, gw_call, G_TYPE_OBJECT);

const gchar *
gw_call_state_to_string (GwCallState state)
{
  static const gchar *const names[] = { "DIALING", "RINGING", "ACTIVE",
    "ON_HOLD", "HANGUP", "DESTROYED"
  };

  return state < G_N_ELEMENTS (names) ? names[state] : "UNKNOWN";
}

/* ---- events ---- */

static void
send_event (GwCall * self, const gchar * event, const gchar * state,
    guint code, const gchar * phrase)
{
  g_autofree gchar *code_text = code ? g_strdup_printf ("%u", code) : NULL;
  GwCallEvent ev = {
    .session_id = ot_session_get_id (self->session),
    .project_id = self->request->api_key,
    .event = event,
    .call_id = self->id,
    .connection_id = self->connection_id,
    .created_at = self->created_at,
    .state = state,
    .reason_code = code_text,
    .reason_message = phrase,
  };

  gw_callbacks_send (self->callbacks, self->callback_url,
      self->callback_secret, &ev);
}

void
gw_call_set_state (GwCall * self, GwCallState state)
{
  if (self->state == state)
    return;
  GST_INFO ("call %s: %s -> %s", self->id,
      gw_call_state_to_string (self->state), gw_call_state_to_string (state));
  self->state = state;
  send_event (self, "callUpdated", gw_call_state_to_string (state), 0, NULL);
  if (state == GW_CALL_STATE_ACTIVE)
    gw_call_announce_pending (self);
}

/* ---- the end ---- */

/* The media, the timers and the session's connection and stream. */
static void
release (GwCall * self)
{
  if (self->timer)
    g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);
  if (self->deferred_end)
    g_source_destroy (self->deferred_end);
  g_clear_pointer (&self->deferred_end, g_source_unref);
  if (self->bridge) {
    g_signal_handlers_disconnect_by_data (self->bridge, self);
    gw_media_bridge_stop (self->bridge);
    g_clear_object (&self->bridge);
  }
  if (self->connection_removed_id)
    g_signal_handler_disconnect (self->session, self->connection_removed_id);
  self->connection_removed_id = 0;
  /* Takes the stream with it. */
  if (self->connection)
    ot_session_remove_connection (self->session, self->connection_id);
  g_clear_object (&self->stream);
  g_clear_object (&self->connection);
}

static void
finish (GwCall * self)
{
  if (self->state == GW_CALL_STATE_DESTROYED)
    return;
  g_object_ref (self);
  release (self);
  if (self->sip) {
    gw_sip_call_disconnect (self->sip);
    g_clear_object (&self->sip);
  }
  self->state = GW_CALL_STATE_DESTROYED;
  GST_INFO ("call %s: destroyed: %u %s", self->id, self->end_code,
      self->end_phrase);
  send_event (self, "callDestroyed", NULL, self->end_code, self->end_phrase);
  g_signal_emit (self, signals[SIGNAL_ENDED], 0);
  g_object_unref (self);
}

void
gw_call_end (GwCall * self, guint code, const gchar * phrase)
{
  if (self->end_code != 0)
    return;
  GST_INFO ("call %s: ending: %u %s", self->id, code, phrase);
  g_object_ref (self);
  self->end_code = code;
  self->end_phrase = g_strdup (phrase);
  gw_call_set_state (self, GW_CALL_STATE_HANGUP);
  release (self);
  /* CANCEL or BYE; terminated() comes back when the dialog is over. */
  if (self->sip)
    gw_sip_call_hangup (self->sip);
  else
    finish (self);
  g_object_unref (self);
}

static gboolean
deferred_end_cb (gpointer data)
{
  GwCall *self = data;

  g_clear_pointer (&self->deferred_end, g_source_unref);
  gw_call_end (self, self->deferred_code, self->deferred_phrase);
  return G_SOURCE_REMOVE;
}

/* For a cause found while the SIP side waits for our answer (a
 * re-INVITE): the BYE goes after that answer. */
void
gw_call_end_later (GwCall * self, guint code, const gchar * phrase)
{
  if (self->deferred_end || self->end_code)
    return;
  self->deferred_code = code;
  self->deferred_phrase = phrase;
  self->deferred_end = g_idle_source_new ();
  g_source_set_callback (self->deferred_end, deferred_end_cb, self, NULL);
  g_source_attach (self->deferred_end, self->context);
}

/* The dialog is over (SIP reports its final callback). */
void
gw_call_sip_over (GwCall * self, guint code, const gchar * phrase)
{
  g_clear_object (&self->sip);
  if (self->end_code == 0)
    gw_call_end (self, code, phrase);
  else
    finish (self);
}

/* ---- timers ---- */

static gint64
last_rtp (GwCall * self)
{
  return self->bridge ? gw_media_bridge_get_last_rtp_time (self->bridge) : 0;
}

static gboolean
on_timer (gpointer data)
{
  GwCall *self = data;
  gint64 next;
  GwCallTimeout timeout;

  g_clear_pointer (&self->timer, g_source_unref);
  timeout = gw_call_timers_check (&self->timers, g_get_monotonic_time (),
      last_rtp (self), &next);
  if (timeout == GW_CALL_TIMEOUT_NONE) {
    gw_call_arm_timer (self);
    return G_SOURCE_REMOVE;
  }
  GST_INFO ("call %s: timeout, last RTP %" G_GINT64_FORMAT " µs ago",
      self->id, last_rtp (self) ? g_get_monotonic_time () - last_rtp (self) :
      -1);
  gw_call_end (self, gw_call_timeout_get_code (timeout),
      gw_call_timeout_get_phrase (timeout));
  return G_SOURCE_REMOVE;
}

/* One timer per call, at the nearest deadline; on_timer looks again with
 * the newest RTP time and either ends the call or re-arms.  An expired
 * deadline fires from the loop, never from the caller's stack. */
void
gw_call_arm_timer (GwCall * self)
{
  gint64 now = g_get_monotonic_time (), next = 0;

  if (self->timer)
    g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);
  if (self->end_code)
    return;
  if (gw_call_timers_check (&self->timers, now, last_rtp (self), &next))
    next = now;
  if (next == 0)
    return;
  self->timer = g_timeout_source_new ((next - now + 999) / 1000);
  g_source_set_callback (self->timer, on_timer, self, NULL);
  g_source_attach (self->timer, self->context);
}

/* ---- the session ---- */

static gboolean
connection_gone (gpointer data)
{
  GwCall *self = data;

  if (self->connection == NULL)
    return G_SOURCE_REMOVE;
  GST_INFO ("call %s: its connection left the session", self->id);
  g_clear_object (&self->stream);
  g_clear_object (&self->connection);
  gw_call_end (self, GW_CALL_NORMAL_CLEARING);
  return G_SOURCE_REMOVE;
}

/* Someone else removed the call's connection (e.g. the whole session):
 * the SIP party is no longer in the session, so the call hangs up.  The
 * hub may signal from any thread: hop to the call's. */
static void
on_connection_removed (OtSession * session, OtConnection * connection,
    gpointer user_data)
{
  GwCall *self = user_data;

  if (g_strcmp0 (ot_connection_get_id (connection), self->connection_id) == 0)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
        connection_gone, g_object_ref (self), g_object_unref);
}

/* ---- creation ---- */

static gboolean
check_supported (const GwDialRequest * request, GError ** error)
{
  /* Refused rather than silently downgraded: the caller asked for
   * something the media bridge cannot do yet.  (secure is served: SRTP,
   * see gw_call_prepare_media.) */
  if (!request->video)
    return TRUE;
  g_set_error (error, GW_ERROR, GW_ERROR_NOT_IMPLEMENTED,
      "video calls are not supported yet: dial with sip.video false");
  return FALSE;
}

/* The stream is named for the SIP party: the dialled URI's user. */
static gchar *
stream_name (const GwDialRequest * request)
{
  gchar *name = g_uri_unescape_string (request->target.user, NULL);

  return name ? name : g_strdup (request->target.user);
}

static gboolean
join_session (GwCall * self, GError ** error)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *name = stream_name (self->request);

  self->connection = ot_session_add_connection (self->session, NULL,
      self->request->connection_data, &err);
  if (self->connection) {
    self->connection_id = g_strdup (ot_connection_get_id (self->connection));
    self->stream = ot_session_add_stream (self->session, self->connection,
        NULL, name, OT_VIDEO_TYPE_CAMERA, &err);
  }
  if (self->stream == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_UNAVAILABLE,
        "cannot join session %s: %s", ot_session_get_id (self->session),
        err->message);
    return FALSE;
  }
  ot_stream_set_observe_force_mute (self->stream,
      self->request->observe_force_mute);
  self->stream_id = g_strdup (ot_stream_get_id (self->stream));
  self->connection_removed_id = g_signal_connect (self->session,
      "connection-removed", G_CALLBACK (on_connection_removed), self);
  return TRUE;
}

GwCall *
gw_call_new (const GwCallEnv * env, OtSession * session,
    GwDialRequest * request, GError ** error)
{
  g_autoptr (GwDialRequest) owned = request;
  g_autoptr (GwCall) self = NULL;
  const GwProject *project;
  const GwSettings *s = env->settings;

  g_return_val_if_fail (env && session && request, NULL);
  if (!check_supported (request, error))
    return NULL;
  self = g_object_new (GW_TYPE_CALL, NULL);
  self->id = g_uuid_string_random ();
  self->request = g_steal_pointer (&owned);
  self->session = g_object_ref (session);
  self->callbacks = g_object_ref (env->callbacks);
  self->created_at = g_get_real_time () / 1000;
  project = gw_settings_lookup_project (s, request->api_key);
  if (project) {
    self->callback_url = g_strdup (project->callback_url);
    self->callback_secret = g_strdup (project->callback_secret);
  }
  if (!join_session (self, error)
      || !gw_call_prepare_media (self, env, error)
      || !gw_call_send_invite (self, env, error)) {
    release (self);
    return NULL;
  }
  gw_call_timers_init (&self->timers, s->ring_timeout_ms,
      s->initial_media_timeout_ms, s->media_timeout_ms, s->max_duration_ms,
      g_get_monotonic_time ());
  gw_call_mute_attach (self);
  send_event (self, "callCreated", NULL, 0, NULL);
  send_event (self, "callUpdated", "DIALING", 0, NULL);
  /* Joined while "mute all" is active: force muted from the start (the hub
   * left it unmuted when the call ignores force mute). */
  if (ot_stream_is_muted (self->stream))
    gw_call_notify_mute_forced (self);
  gw_call_arm_timer (self);
  return g_steal_pointer (&self);
}

/* ---- API ---- */

const gchar *
gw_call_get_id (GwCall * self)
{
  return self->id;
}

const gchar *
gw_call_get_session_id (GwCall * self)
{
  return ot_session_get_id (self->session);
}

const gchar *
gw_call_get_connection_id (GwCall * self)
{
  return self->connection_id;
}

const gchar *
gw_call_get_stream_id (GwCall * self)
{
  return self->stream_id;
}

GwCallState
gw_call_get_state (GwCall * self)
{
  return self->state;
}

GwMediaBridge *
gw_call_get_media_bridge (GwCall * self)
{
  return self->bridge;
}

void
gw_call_hangup (GwCall * self)
{
  g_return_if_fail (GW_IS_CALL (self));
  gw_call_end (self, GW_CALL_NORMAL_CLEARING);
}

void
gw_call_abandon (GwCall * self)
{
  g_return_if_fail (GW_IS_CALL (self));
  g_object_ref (self);
  gw_call_end (self, GW_CALL_NORMAL_CLEARING);
  if (self->state != GW_CALL_STATE_DESTROYED)
    GST_WARNING ("call %s: abandoned before its dialog ended", self->id);
  finish (self);
  g_object_unref (self);
}

gboolean
gw_call_play_dtmf (GwCall * self, const gchar * digits, GError ** error)
{
  g_return_val_if_fail (GW_IS_CALL (self), FALSE);
  if (self->state >= GW_CALL_STATE_HANGUP || self->bridge == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_NOT_FOUND, "call %s is ending",
        self->id);
    return FALSE;
  }
  /* Held: no media reaches the far end, the digits would go nowhere. */
  if (self->state == GW_CALL_STATE_ON_HOLD) {
    g_set_error (error, GW_ERROR, GW_ERROR_CONFLICT, "call %s is on hold",
        self->id);
    return FALSE;
  }
  GST_INFO ("call %s: DTMF '%s' queued after %u", self->id, digits,
      gw_media_bridge_get_dtmf_pending (self->bridge));
  return gw_media_bridge_send_dtmf (self->bridge, digits, error);
}

void
gw_call_notify_mute_forced (GwCall * self)
{
  g_return_if_fail (GW_IS_CALL (self));
  if (self->state >= GW_CALL_STATE_HANGUP)
    return;
  GST_INFO ("call %s: force muted", self->id);
  send_event (self, "muteForced", NULL, 0, NULL);
  gw_call_announce (self, GW_PROMPT_FORCE_MUTED);
}

/* ---- type ---- */

static void
gw_call_finalize (GObject * object)
{
  GwCall *self = GW_CALL (object);

  release (self);
  if (self->sip) {
    /* Only a call that failed to start gets here with its SIP call. */
    gw_sip_call_disconnect (self->sip);
    gw_sip_call_hangup (self->sip);
    g_object_unref (self->sip);
  }
  gw_media_params_clear (&self->params);
  g_clear_pointer (&self->request, gw_dial_request_free);
  g_clear_object (&self->session);
  g_clear_object (&self->callbacks);
  g_main_context_unref (self->context);
  g_free (self->id);
  g_free (self->connection_id);
  g_free (self->stream_id);
  g_free (self->callback_url);
  g_free (self->callback_secret);
  g_free (self->local_address);
  g_free (self->last_sdp);
  g_free (self->end_phrase);
  G_OBJECT_CLASS (gw_call_parent_class)->finalize (object);
}

static void
gw_call_init (GwCall * self)
{
  self->context = g_main_context_ref_thread_default ();
  self->state = GW_CALL_STATE_DIALING;
}

static void
gw_call_class_init (GwCallClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gw_call_finalize;
  /* The call is over: callDestroyed is queued and everything released. */
  signals[SIGNAL_ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  GST_DEBUG_CATEGORY_INIT (gw_call_debug, "gwcall", 0,
      "SIP calls bridged into sessions");
}
