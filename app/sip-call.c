/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One outgoing INVITE dialog on a nua handle.  The handle's magic is the
 * call; the agent holds a reference until nua reports the dialog
 * terminated, when the call destroys the handle (from here, not from a
 * finalize run by some unref) and runs its one final callback. */
#include <string.h>

#include <gst/gst.h>

#include "gw-error.h"
#include "sip-agent-private.h"

GST_DEBUG_CATEGORY_STATIC (gw_sip_call_debug);
#define GST_CAT_DEFAULT gw_sip_call_debug

#define SDP_TYPE "application/sdp"
#define NO_REASON ((GwSipEndReason) -1)

struct _GwSipCall
{
  GObject parent;

  GwSipAgent *agent;            /* not a ref: it detaches its calls first */
  nua_handle_t *nh;             /* NULL once the dialog is over */
  GwSipCallCallbacks callbacks;
  gpointer user_data;
  gchar *call_id;
  gchar *uri;
  gchar *offer;                 /* the INVITE's body, sent again with auth */
  gchar *headers;               /* the caller's extra headers, CRLF-separated */
  gchar *contact;               /* ours, on the URI's transport */
  gchar *auth_username;
  gchar *auth_password;
  gchar *auth_header;           /* credentials for the next INVITE */
  gchar *early_sdp;             /* SDP of a provisional response */
  gchar *tls_host;              /* over TLS: the URI's host and port, */
  guint tls_port;               /* to find why a connection failed */
  gint64 started;               /* monotonic µs of the first INVITE */

  gboolean auth_sent;
  gboolean answered;
  gboolean ended;               /* the final callback ran (or never will) */
  gboolean reinvite_sent;       /* our re-INVITE awaits its final response */
  gboolean ack_answer_pending;  /* our offer in a 200 awaits the ACK */
  guint fail_status;            /* final response of the initial INVITE */
  gchar *fail_phrase;
  GwSipEndReason end_reason;    /* first cause of the end, or NO_REASON */
  guint end_status;
  gchar *end_phrase;
  gboolean ping_pending;        /* keepalive OPTIONS sent */
};

G_DEFINE_TYPE (GwSipCall, gw_sip_call, G_TYPE_OBJECT);

const gchar *
gw_sip_end_reason_to_string (GwSipEndReason reason)
{
  static const gchar *const names[] = { "local hangup", "remote hangup",
    "unexpected end"
  };

  return reason < G_N_ELEMENTS (names) ? names[reason] : "unknown";
}

/* The SDP body of a message, if any (pl_data is not NUL-terminated). */
static gchar *
dup_body_sdp (const sip_t * sip)
{
  if (sip == NULL || sip->sip_payload == NULL || sip->sip_content_type == NULL
      || g_ascii_strcasecmp (sip->sip_content_type->c_type, SDP_TYPE) != 0)
    return NULL;
  return g_strndup (sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

static void
set_end (GwSipCall * self, GwSipEndReason reason, guint status,
    const gchar * phrase)
{
  if (self->end_reason != NO_REASON)
    return;
  self->end_reason = reason;
  self->end_status = status;
  g_free (self->end_phrase);
  self->end_phrase = g_strdup (phrase);
}

void
gw_sip_call_ping (GwSipCall * self)
{
  if (self->nh != NULL && self->answered && !self->ping_pending
      && self->end_reason == NO_REASON) {
    self->ping_pending = TRUE;
    nua_options (self->nh, TAG_END ());
  }
}

/* The one final callback: failed() before an answer unless we hung up,
 * else terminated() with what ended the dialog. */
static void
report_end (GwSipCall * self, const GwSipCallCallbacks * cb, guint status,
    const gchar * phrase)
{
  if (!self->answered && self->end_reason == NO_REASON) {
    if (self->fail_status)
      status = self->fail_status, phrase = self->fail_phrase;
    GST_INFO ("call %s failed: %u %s", self->call_id, status, phrase);
    if (cb->failed)
      cb->failed (self, status, phrase ? phrase : "", self->user_data);
    return;
  }
  set_end (self, GW_SIP_END_UNEXPECTED, status, phrase);
  /* The cause's own status (remote BYE, failed keepalive), else the
   * INVITE's final response after a CANCEL (487), else nua's (the BYE's). */
  if (self->end_status)
    status = self->end_status, phrase = self->end_phrase;
  else if (!self->answered && self->fail_status)
    status = self->fail_status, phrase = self->fail_phrase;
  GST_INFO ("call %s ended: %s, %u %s", self->call_id,
      gw_sip_end_reason_to_string (self->end_reason), status, phrase);
  if (cb->terminated)
    cb->terminated (self, self->end_reason, status, phrase ? phrase : "",
        self->user_data);
}

/* The dialog is over: release the handle, then the one final callback. */
static void
finish (GwSipCall * self, guint status, const char *phrase)
{
  GwSipCallCallbacks cb = self->callbacks;
  nua_handle_t *nh = g_steal_pointer (&self->nh);

  if (nh == NULL)
    return;
  g_object_ref (self);
  nua_handle_bind (nh, NULL);
  nua_handle_destroy (nh);
  gw_sip_agent_forget_call (self->agent, self);
  if (!self->ended) {
    self->ended = TRUE;
    report_end (self, &cb, status, phrase);
  }
  g_object_unref (self);
}

/* INVITE (again, with credentials after a challenge). */
static void
send_invite (GwSipCall * self)
{
  g_autoptr (GString) extra = g_string_new (self->headers);

  if (self->auth_header != NULL)
    g_string_append_printf (extra, "%s%s", extra->len ? "\r\n" : "",
        self->auth_header);
  nua_invite (self->nh, SIPTAG_CONTACT_STR (self->contact),
      SIPTAG_CONTENT_TYPE_STR (SDP_TYPE), SIPTAG_PAYLOAD_STR (self->offer),
      TAG_IF (extra->len > 0, SIPTAG_HEADER_STR (extra->str)), TAG_END ());
}

/* A 401/407 for the initial INVITE: credentials for the next one, once.
 * nua ends this INVITE's dialog; the new INVITE goes out on the same
 * handle when it reports the end (gw_sip_call_handle_state). */
static gboolean
prepare_auth (GwSipCall * self, int status, const sip_t * sip)
{
  g_autoptr (GError) error = NULL;

  if (self->auth_sent || self->auth_username == NULL
      || self->end_reason != NO_REASON)
    return FALSE;
  self->auth_header = gw_sip_auth_answer (sip, "INVITE", self->uri,
      self->offer, self->auth_username, self->auth_password, &error);
  if (self->auth_header == NULL) {
    GST_WARNING ("call %s: cannot answer %d: %s", self->call_id, status,
        error->message);
    return FALSE;
  }
  GST_DEBUG ("call %s: will answer %d", self->call_id, status);
  self->auth_sent = TRUE;
  return TRUE;
}

static void
handle_answer (GwSipCall * self, const sip_t * sip)
{
  g_autofree gchar *sdp = dup_body_sdp (sip);

  self->answered = TRUE;
  if (self->end_reason == GW_SIP_END_LOCAL) {
    /* 200 crossed our CANCEL: the dialog exists, end it. */
    nua_bye (self->nh, TAG_END ());
    return;
  }
  GST_INFO ("call %s answered", self->call_id);
  if (self->callbacks.answered)
    self->callbacks.answered (self, sdp ? sdp : self->early_sdp,
        self->user_data);
}

void
gw_sip_call_handle_r_invite (GwSipCall * self, int status, const char *phrase,
    const sip_t * sip)
{
  if (sip && sip->sip_call_id && g_strcmp0 (self->call_id,
          sip->sip_call_id->i_id) != 0) {
    g_free (self->call_id);
    self->call_id = g_strdup (sip->sip_call_id->i_id);
  }
  if (self->answered) {
    /* Our re-INVITE. */
    if (status >= 200 && self->reinvite_sent) {
      g_autofree gchar *sdp = status < 300 ? dup_body_sdp (sip) : NULL;

      self->reinvite_sent = FALSE;
      if (self->callbacks.offer_answered)
        self->callbacks.offer_answered (self, status, phrase, sdp,
            self->user_data);
    }
    return;
  }
  if (status < 200) {
    if (self->early_sdp == NULL)
      self->early_sdp = dup_body_sdp (sip);
    if (status > 100 && self->end_reason == NO_REASON
        && self->callbacks.progress)
      self->callbacks.progress (self, status, phrase, self->user_data);
  } else if (status < 300) {
    handle_answer (self, sip);
  } else {
    self->fail_status = status;
    g_free (self->fail_phrase);
    self->fail_phrase = gw_sip_tls_failure_phrase (self->tls_host,
        self->tls_port, self->started, status, phrase);
    if (status == 401 || status == 407)
      prepare_auth (self, status, sip);
  }
}

void
gw_sip_call_handle_state (GwSipCall * self, int status, const char *phrase,
    tagi_t tags[])
{
  int state = nua_callstate_init;

  tl_gets (tags, NUTAG_CALLSTATE_REF (state), TAG_END ());
  GST_DEBUG ("call %s: %s (%d %s)", self->call_id,
      nua_callstate_name (state), status, phrase);
  if (state != nua_callstate_terminated)
    return;
  if (self->auth_header != NULL && self->end_reason == NO_REASON
      && self->nh != NULL) {
    send_invite (self);
    g_clear_pointer (&self->auth_header, g_free);
    self->fail_status = 0;
    return;
  }
  finish (self, status, phrase);
}

static void
respond_reinvite (GwSipCall * self, const gchar * answer, const GError * err)
{
  guint code;

  if (self->nh == NULL)
    return;
  if (answer != NULL) {
    nua_respond (self->nh, SIP_200_OK, SIPTAG_CONTACT_STR (self->contact),
        SIPTAG_CONTENT_TYPE_STR (SDP_TYPE), SIPTAG_PAYLOAD_STR (answer),
        TAG_END ());
    return;
  }
  code = err == NULL || g_error_matches (err, GW_ERROR, GW_ERROR_INVALID) ?
      488 : gw_error_to_sip_status (err);
  GST_INFO ("call %s: refusing re-INVITE with %u: %s", self->call_id, code,
      err ? err->message : "no handler");
  nua_respond (self->nh, code, code == 488 ? sip_488_Not_acceptable : NULL,
      TAG_END ());
}

void
gw_sip_call_handle_reinvite (GwSipCall * self, int status, const sip_t * sip)
{
  g_autofree gchar *offer = dup_body_sdp (sip);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *answer = NULL;

  if (status >= 200 || self->nh == NULL)
    return;                     /* nua refused it already (491, 500...) */
  g_object_ref (self);
  if (self->callbacks.remote_offer && self->end_reason == NO_REASON)
    answer = self->callbacks.remote_offer (self, offer, &error,
        self->user_data);
  /* Our offer in a 200: the answer comes with the ACK. */
  self->ack_answer_pending = answer != NULL && offer == NULL;
  respond_reinvite (self, answer, error);
  g_object_unref (self);
}

void
gw_sip_call_handle_ack (GwSipCall * self, const sip_t * sip)
{
  g_autofree gchar *sdp = dup_body_sdp (sip);

  if (!self->ack_answer_pending)
    return;
  self->ack_answer_pending = FALSE;
  if (self->callbacks.offer_answered)
    self->callbacks.offer_answered (self, 200, "OK", sdp, self->user_data);
}

void
gw_sip_call_handle_bye (GwSipCall * self)
{
  set_end (self, GW_SIP_END_REMOTE, 200, "OK");
}

void
gw_sip_call_handle_r_options (GwSipCall * self, int status, const char *phrase)
{
  self->ping_pending = FALSE;
  if ((status != 408 && status != 481 && status != 503) || self->nh == NULL
      || self->end_reason != NO_REASON)
    return;
  /* The far end or the connection is gone: end the dialog. */
  GST_INFO ("call %s: keepalive OPTIONS got %d %s", self->call_id, status,
      phrase);
  set_end (self, GW_SIP_END_UNEXPECTED, status, phrase);
  nua_bye (self->nh, TAG_END ());
}

void
gw_sip_call_handle_request (GwSipCall * self, nua_event_t event, int status)
{
  nua_t *nua = gw_sip_agent_get_nua (self->agent);

  /* Only OPTIONS are welcome inside the dialog. */
  if (status < 200 && self->nh != NULL)
    nua_respond (self->nh, event == nua_i_options ? 200 : 403,
        event == nua_i_options ? sip_200_OK : sip_403_Forbidden,
        NUTAG_WITH_THIS (nua), TAG_END ());
}

void
gw_sip_call_hangup (GwSipCall * self)
{
  g_return_if_fail (GW_IS_SIP_CALL (self));

  if (self->nh == NULL || self->end_reason != NO_REASON)
    return;
  set_end (self, GW_SIP_END_LOCAL, 0, NULL);
  GST_INFO ("call %s: hanging up (%s)", self->call_id,
      self->answered ? "BYE" : "CANCEL");
  if (self->answered)
    nua_bye (self->nh, TAG_END ());
  else
    nua_cancel (self->nh, TAG_END ());
}

gboolean
gw_sip_call_reinvite (GwSipCall * self, const gchar * sdp_offer,
    GError ** error)
{
  g_return_val_if_fail (GW_IS_SIP_CALL (self), FALSE);

  if (sdp_offer == NULL || *sdp_offer == '\0') {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "re-INVITE without SDP");
    return FALSE;
  }
  if (self->nh == NULL || !self->answered || self->end_reason != NO_REASON
      || self->reinvite_sent || self->ack_answer_pending) {
    g_set_error (error, GW_ERROR, GW_ERROR_CONFLICT, "call %s cannot send "
        "a re-INVITE now (unanswered, ending or offer/answer in progress)",
        self->call_id);
    return FALSE;
  }
  self->reinvite_sent = TRUE;
  nua_invite (self->nh, SIPTAG_CONTACT_STR (self->contact),
      SIPTAG_CONTENT_TYPE_STR (SDP_TYPE), SIPTAG_PAYLOAD_STR (sdp_offer),
      TAG_END ());
  return TRUE;
}

GwSipCall *
gw_sip_call_new (GwSipAgent * agent, const GwSipInvite * invite,
    const GwSipCallCallbacks * callbacks, gpointer user_data, GError ** error)
{
  g_autofree gchar *from = NULL, *headers = NULL, *to = NULL;
  GwSipCall *self;

  if (!gw_sip_invite_check (invite, gw_sip_agent_get_uri_host (agent), &from,
          &headers, error))
    return NULL;
  self = g_object_new (GW_TYPE_SIP_CALL, NULL);
  self->agent = agent;
  self->callbacks = *callbacks;
  self->user_data = user_data;
  self->call_id = g_uuid_string_random ();
  self->uri = g_strdup (invite->uri);
  self->offer = g_strdup (invite->sdp_offer);
  self->headers = g_steal_pointer (&headers);
  self->auth_username = g_strdup (invite->auth_username);
  self->auth_password = g_strdup (invite->auth_password);
  self->contact = gw_sip_agent_contact_for (agent, invite->uri);
  gw_sip_invite_tls_target (invite->uri, &self->tls_host, &self->tls_port);
  self->started = g_get_monotonic_time ();
  to = g_strdup_printf ("<%s>", invite->uri);

  self->nh = nua_handle (gw_sip_agent_get_nua (agent), self,
      NUTAG_URL (invite->uri), SIPTAG_TO_STR (to), SIPTAG_FROM_STR (from),
      SIPTAG_CALL_ID_STR (self->call_id),
      /* Re-INVITEs of this dialog are welcome (off for the agent). */
      NUTAG_ENABLEINVITE (1), TAG_END ());
  if (self->nh == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "sofia-sip refused a handle for %s", invite->uri);
    g_object_unref (self);
    return NULL;
  }
  GST_INFO ("call %s: INVITE %s from %s", self->call_id, invite->uri, from);
  send_invite (self);
  return self;
}

void
gw_sip_call_disconnect (GwSipCall * self)
{
  g_return_if_fail (GW_IS_SIP_CALL (self));

  memset (&self->callbacks, 0, sizeof (self->callbacks));
  self->user_data = NULL;
}

void
gw_sip_call_detach (GwSipCall * self)
{
  gw_sip_call_disconnect (self);
  self->ended = TRUE;
  self->nh = NULL;
  self->agent = NULL;
}

const gchar *
gw_sip_call_get_call_id (GwSipCall * self)
{
  return self->call_id;
}

gboolean
gw_sip_call_is_answered (GwSipCall * self)
{
  return self->answered && self->nh != NULL;
}

static void
gw_sip_call_finalize (GObject * object)
{
  GwSipCall *self = GW_SIP_CALL (object);

  /* The agent holds a reference while the handle lives. */
  g_warn_if_fail (self->nh == NULL);
  g_free (self->call_id);
  g_free (self->uri);
  g_free (self->offer);
  g_free (self->headers);
  g_free (self->contact);
  g_free (self->auth_header);
  g_free (self->auth_username);
  g_free (self->auth_password);
  g_free (self->early_sdp);
  g_free (self->tls_host);
  g_free (self->fail_phrase);
  g_free (self->end_phrase);
  G_OBJECT_CLASS (gw_sip_call_parent_class)->finalize (object);
}

static void
gw_sip_call_init (GwSipCall * self)
{
  self->end_reason = NO_REASON;
}

static void
gw_sip_call_class_init (GwSipCallClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gw_sip_call_finalize;
  GST_DEBUG_CATEGORY_INIT (gw_sip_call_debug, "gwsipcall", 0,
      "SIP calls (INVITE dialogs)");
}
