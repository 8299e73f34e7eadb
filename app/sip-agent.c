/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sofia-sip's nua in this thread: the su root is a GSource of the main
 * context (su_root_threading off, so nua starts no thread of its own), and
 * nua's event callback is a switch handing each event to the call it
 * belongs to.  nua's media engine (soa) is off: SDP is sip-sdp.c's, carried
 * as the message body.  That keeps one offer/answer implementation, with
 * the codec and hold rules of the gateway, instead of two that would have
 * to agree. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <gst/gst.h>

#include "gw-error.h"
#include "sip-agent-private.h"

#include <sofia-sip/nta_tag.h>
#include <sofia-sip/su_glib.h>
#include <sofia-sip/tport_tag.h>

GST_DEBUG_CATEGORY_STATIC (gw_sip_debug);
#define GST_CAT_DEFAULT gw_sip_debug

/* nua gives up on its own after 30 s of shutdown (status 500). */
#define SHUTDOWN_DEADLINE_US (40 * G_USEC_PER_SEC)
#define START_DEADLINE_US (5 * G_USEC_PER_SEC)
/* Certificates between a far end and a trusted root, at most. */
#define TLS_VERIFY_DEPTH 5

/* Methods we answer ourselves: a request outside our dialogs gets 403, an
 * OPTIONS inside one 200.  INVITE is in nua's default list. */
#define APPL_METHODS "OPTIONS, MESSAGE, INFO"
#define ALLOWED_METHODS "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO"

struct _GwSipAgent
{
  GObject parent;

  GMainContext *context;
  su_root_t *root;
  nua_t *nua;
  gchar *address;
  gchar *public_address;
  gchar *uri_host;
  gchar *user_agent;
  guint port;
  guint tls_port;
  GPtrArray *calls;             /* GwSipCall refs: dialogs not over yet */
  GSource *keepalive;           /* one timer pinging every answered call */
  gboolean started;             /* nua_r_get_params came */
  gboolean shutdown_done;       /* nua_r_shutdown >= 200 came */
};

G_DEFINE_TYPE (GwSipAgent, gw_sip_agent, G_TYPE_OBJECT);

/* nua is up (its ports came from tport's log: gw_sip_tls_watch_end). */
static void
on_get_params (GwSipAgent * self, tagi_t tags[])
{
  self->started = TRUE;
}

static void
on_shutdown (GwSipAgent * self, int status, char const *phrase)
{
  GST_DEBUG ("nua shutdown: %d %s", status, phrase);
  if (status >= 200)
    self->shutdown_done = TRUE;
}

/* A request that is not part of a dialog of ours.  With invite_enable off
 * (see nua_create below) nua itself refuses INVITEs without a handle; the
 * application methods come here with a fresh handle, which goes at once. */
static void
reject_outside_dialog (GwSipAgent * self, nua_event_t event, int status,
    nua_handle_t * nh, sip_t const *sip)
{
  GST_INFO ("refusing %s from %s (status so far %d)", nua_event_name (event),
      sip && sip->sip_from ? sip->sip_from->a_url->url_host : "?", status);
  if (status < 200)
    nua_respond (nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS (self->nua),
        TAG_END ());
  if (nh != NULL && nh != nua_default (self->nua))
    nua_handle_destroy (nh);
}

static void
on_request (GwSipAgent * self, nua_event_t event, int status,
    nua_handle_t * nh, GwSipCall * call, sip_t const *sip)
{
  if (call == NULL)
    reject_outside_dialog (self, event, status, nh, sip);
  else if (event == nua_i_invite)
    gw_sip_call_handle_reinvite (call, status, sip);
  else
    gw_sip_call_handle_request (call, event, status);
}

static void
on_event (nua_event_t event, int status, char const *phrase, nua_t * nua,
    GwSipAgent * self, nua_handle_t * nh, GwSipCall * call,
    sip_t const *sip, tagi_t tags[])
{
  GST_LOG ("%s %d %s call %p", nua_event_name (event), status, phrase, call);

  switch (event) {
    case nua_r_get_params:
      on_get_params (self, tags);
      break;
    case nua_r_shutdown:
      on_shutdown (self, status, phrase);
      break;
    case nua_i_invite:
    case nua_i_options:
    case nua_i_message:
    case nua_i_info:
      on_request (self, event, status, nh, call, sip);
      break;
    case nua_r_invite:
      if (call)
        gw_sip_call_handle_r_invite (call, status, phrase, sip);
      break;
    case nua_i_state:
      if (call)
        gw_sip_call_handle_state (call, status, phrase, tags);
      break;
    case nua_i_ack:
      if (call)
        gw_sip_call_handle_ack (call, sip);
      break;
    case nua_i_bye:
      if (call)
        gw_sip_call_handle_bye (call);
      break;
    case nua_r_options:
      if (call)
        gw_sip_call_handle_r_options (call, status, phrase);
      break;
    default:
      /* Other requests nua answered itself (405, 481...): nothing lasts. */
      if (nua_event_is_incoming_request (event) && call == NULL && nh != NULL
          && nh != nua_default (nua))
        nua_handle_destroy (nh);
      break;
  }
}

/* Iterates the agent's context until *flag is set or the deadline passes. */
static gboolean
iterate_until (GwSipAgent * self, gboolean * flag, gint64 timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  while (!*flag && g_get_monotonic_time () < deadline) {
    /* Never blocks for long: the deadline is checked at least every 100 ms. */
    GSource *tick = g_timeout_source_new (100);

    g_source_set_dummy_callback (tick);
    g_source_attach (tick, self->context);
    g_main_context_iteration (self->context, TRUE);
    g_source_destroy (tick);
    g_source_unref (tick);
  }
  return *flag;
}

static gboolean
on_keepalive (gpointer data)
{
  GwSipAgent *self = data;

  for (guint i = 0; i < self->calls->len; i++)
    gw_sip_call_ping (g_ptr_array_index (self->calls, i));
  return G_SOURCE_CONTINUE;
}

static gboolean
check_config (const GwSipAgentConfig * config, GError ** error)
{
  if (config->address == NULL || !g_hostname_is_ip_address (config->address)) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SIP address '%s' is not an IP address",
        config->address ? config->address : "(null)");
    return FALSE;
  }
  if (config->public_address != NULL && *config->public_address != '\0'
      && !g_hostname_is_ip_address (config->public_address)) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SIP public address '%s' is not an IP address", config->public_address);
    return FALSE;
  }
  if (config->port > 65535) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SIP port %u is out of range", config->port);
    return FALSE;
  }
  return gw_sip_tls_check_config (config, error);
}

static gchar *
uri_host (const gchar * address)
{
  return strchr (address, ':') ? g_strdup_printf ("[%s]", address) :
      g_strdup (address);
}

/* "sip:PUBLIC:PORT;maddr=BIND": nta binds BIND and advertises PUBLIC in Via
 * and Contact.  No transport parameter: nta's default for sip: is UDP and
 * TCP on the same port (sofia-sip 1.12.11 crashes in tport_tbind() on
 * ";transport=udp,tcp"), and for sips: TLS. */
static gchar *
bind_url (GwSipAgent * self, const gchar * scheme, guint port)
{
  g_autofree gchar *bind_host = uri_host (self->address);

  if (g_strcmp0 (self->public_address, self->address) == 0)
    return g_strdup_printf ("%s:%s:%u", scheme, bind_host, port);
  return g_strdup_printf ("%s:%s:%u;maddr=%s", scheme, self->uri_host, port,
      self->address);
}

static nua_t *
create_nua (GwSipAgent * self, const GwSipAgentConfig * config,
    const gchar * cert_dir, gboolean have_cert)
{
  g_autofree gchar *url = bind_url (self, "sip", config->port);
  /* Without a certificate, a TLS listener on an ephemeral port: only for
   * the connections we open. */
  g_autofree gchar *sips_url = bind_url (self, "sips",
      have_cert ? config->tls_port : 0);

  return nua_create (self->root, on_event, self, NUTAG_URL (url),
      NUTAG_SIPS_URL (sips_url), NUTAG_CERTIFICATE_DIR (cert_dir),
      /* TLS_method: TLS 1.2 and 1.3 at OpenSSL 3's security level. */
      TPTAG_TLS_VERSION (0),
      TPTAG_TLS_VERIFY_POLICY (gw_sip_tls_verify_policy (config->tls_verify)),
      TPTAG_TLS_VERIFY_DEPTH (TLS_VERIFY_DEPTH),
      /* A connection that closes (a failed TLS handshake included) fails
       * its pending requests at once (503), not by timeout. */
      TPTAG_SDWN_ERROR (1), NUTAG_MEDIA_ENABLE (0),
      /* nua refuses out-of-dialog INVITEs (403) without a handle; each
       * call's handle turns it back on for its re-INVITEs. */
      NUTAG_ENABLEINVITE (0),
      NUTAG_APPL_METHOD (APPL_METHODS), SIPTAG_ALLOW_STR (ALLOWED_METHODS),
      /* No session timers, no 100rel: nua would refresh sessions with
       * SDP-less re-INVITEs that soa (off) cannot complete. */
      SIPTAG_SUPPORTED_STR (""), NUTAG_SESSION_TIMER (0),
      NUTAG_AUTOANSWER (0), NUTAG_AUTOALERT (0), NUTAG_AUTOACK (1),
      /* nua restarts nothing: it would follow 3xx redirects on its own
       * (toll fraud by redirect); sip-auth.c answers challenges. */
      NUTAG_RETRY_COUNT (0),
      SIPTAG_USER_AGENT_STR (self->user_agent), TAG_END ());
}

static gboolean
start_nua (GwSipAgent * self, const GwSipAgentConfig * config, GError ** error)
{
  gboolean have_cert = config->tls_certificate && *config->tls_certificate;
  g_autofree gchar *cert_dir = NULL;
  gboolean certs_ok;
  int bind_errno;

  if (!(cert_dir = gw_sip_tls_make_certificate_dir (config, error)))
    return FALSE;
  gw_sip_log_set_levels (TRUE);
  gw_sip_tls_watch_start ();
  /* Binds at once, and reads the certificates then. */
  self->nua = create_nua (self, config, cert_dir, have_cert);
  bind_errno = errno;
  certs_ok = gw_sip_tls_watch_end (have_cert, &self->port, &self->tls_port,
      self->nua ? error : NULL);
  gw_sip_log_set_levels (FALSE);
  gw_sip_tls_remove_certificate_dir (cert_dir);
  if (self->nua == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_UNAVAILABLE,
        "cannot listen for SIP on %s (UDP and TCP port %u, TLS port %u): %s",
        self->address, config->port, config->tls_port, g_strerror (bind_errno));
    return FALSE;
  }
  if (!certs_ok)
    return FALSE;
  nua_get_params (self->nua, TAG_ANY (), TAG_END ());
  if (!iterate_until (self, &self->started, START_DEADLINE_US)
      || self->port == 0 || self->tls_port == 0) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "sofia-sip did not report its SIP ports");
    return FALSE;
  }
  return TRUE;
}

GwSipAgent *
gw_sip_agent_new (const GwSipAgentConfig * config, GError ** error)
{
  g_autoptr (GwSipAgent) self = NULL;

  if (!check_config (config, error))
    return NULL;
  self = g_object_new (GW_TYPE_SIP_AGENT, NULL);
  self->address = g_strdup (config->address);
  self->public_address = g_strdup (config->public_address
      && *config->public_address ? config->public_address : config->address);
  self->uri_host = uri_host (self->public_address);
  self->user_agent = g_strdup (config->user_agent ? config->user_agent :
      "ot-sip-gateway/" VERSION);

  gw_sip_log_redirect ();
  su_init ();
  self->root = su_glib_root_create (self);
  if (self->root == NULL) {
    su_deinit ();
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "cannot create the sofia-sip root");
    return NULL;
  }
  su_root_threading (self->root, 0);
  self->context = g_main_context_ref_thread_default ();
  g_source_attach (su_glib_root_gsource (self->root), self->context);
  if (!start_nua (self, config, error))
    return NULL;
  if (config->keepalive_interval > 0) {
    self->keepalive = g_timeout_source_new_seconds (config->keepalive_interval);
    g_source_set_callback (self->keepalive, on_keepalive, self, NULL);
    g_source_attach (self->keepalive, self->context);
  }
  GST_INFO ("SIP agent on %s:%u, TLS %u%s (public %s)", self->address,
      self->port, self->tls_port, config->tls_certificate
      && *config->tls_certificate ? "" : " (no certificate: client only)",
      self->public_address);
  return g_steal_pointer (&self);
}

void
gw_sip_agent_shutdown (GwSipAgent * self)
{
  g_return_if_fail (GW_IS_SIP_AGENT (self));

  if (self->keepalive != NULL) {
    g_source_destroy (self->keepalive);
    g_clear_pointer (&self->keepalive, g_source_unref);
  }
  if (self->nua != NULL) {
    for (guint i = 0; i < self->calls->len; i++)
      gw_sip_call_disconnect (g_ptr_array_index (self->calls, i));
    nua_shutdown (self->nua);
    if (iterate_until (self, &self->shutdown_done, SHUTDOWN_DEADLINE_US)) {
      nua_destroy (self->nua);
    } else {
      /* nua_destroy() would abort: leave sofia-sip allocated, but out of
       * the main context so that it never calls us again. */
      g_warning ("sofia-sip did not shut down in time");
      g_source_destroy (su_glib_root_gsource (self->root));
      self->root = NULL;
    }
    self->nua = NULL;
    /* nua freed the handles: the calls must not touch them any more. */
    while (self->calls->len > 0) {
      GwSipCall *call = g_ptr_array_steal_index (self->calls, 0);

      gw_sip_call_detach (call);
      g_object_unref (call);
    }
  }
  if (self->root != NULL) {
    su_root_destroy (g_steal_pointer (&self->root));
    su_deinit ();
  }
}

static void
gw_sip_agent_finalize (GObject * object)
{
  GwSipAgent *self = GW_SIP_AGENT (object);

  gw_sip_agent_shutdown (self);
  g_ptr_array_unref (self->calls);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->address);
  g_free (self->public_address);
  g_free (self->uri_host);
  g_free (self->user_agent);
  G_OBJECT_CLASS (gw_sip_agent_parent_class)->finalize (object);
}

static void
gw_sip_agent_init (GwSipAgent * self)
{
  self->calls = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
gw_sip_agent_class_init (GwSipAgentClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gw_sip_agent_finalize;
  GST_DEBUG_CATEGORY_INIT (gw_sip_debug, "gwsip", 0, "SIP agent");
}

GwSipCall *
gw_sip_agent_invite (GwSipAgent * self, const GwSipInvite * invite,
    const GwSipCallCallbacks * callbacks, gpointer user_data, GError ** error)
{
  GwSipCall *call;

  g_return_val_if_fail (GW_IS_SIP_AGENT (self), NULL);
  g_return_val_if_fail (invite != NULL && callbacks != NULL, NULL);

  if (self->nua == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_UNAVAILABLE,
        "the SIP agent is shut down");
    return NULL;
  }
  call = gw_sip_call_new (self, invite, callbacks, user_data, error);
  if (call != NULL)
    g_ptr_array_add (self->calls, g_object_ref (call));
  return call;
}

void
gw_sip_agent_forget_call (GwSipAgent * self, GwSipCall * call)
{
  g_ptr_array_remove_fast (self->calls, call);
}

const gchar *
gw_sip_agent_get_address (GwSipAgent * self)
{
  return self->address;
}

guint
gw_sip_agent_get_port (GwSipAgent * self)
{
  return self->port;
}

const gchar *
gw_sip_agent_get_public_address (GwSipAgent * self)
{
  return self->public_address;
}

guint
gw_sip_agent_get_tls_port (GwSipAgent * self)
{
  return self->tls_port;
}

guint
gw_sip_agent_get_n_calls (GwSipAgent * self)
{
  return self->calls->len;
}

nua_t *
gw_sip_agent_get_nua (GwSipAgent * self)
{
  return self->nua;
}

const gchar *
gw_sip_agent_get_uri_host (GwSipAgent * self)
{
  return self->uri_host;
}

gchar *
gw_sip_agent_contact_for (GwSipAgent * self, const gchar * uri)
{
  return gw_sip_invite_contact (uri, self->uri_host, self->port,
      self->tls_port);
}

const gchar *
gw_sip_agent_get_user_agent (GwSipAgent * self)
{
  return self->user_agent;
}
