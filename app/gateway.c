/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The service object: everything lives on the one main loop, so no locks. */
#include "config.h"

#include <string.h>

#include "call-registry.h"
#include "gateway.h"
#include "gw-error.h"
#include "rest-api.h"
#include "sip-agent.h"

GST_DEBUG_CATEGORY_STATIC (gw_gateway_debug);
#define GST_CAT_DEFAULT gw_gateway_debug

/* Seconds between in-dialog OPTIONS to an answered call's far end: notices
 * a far end or a connection that went away (703) well before the media
 * timeout would. */
#define SIP_KEEPALIVE_S 30

struct _GwGateway
{
  GObject parent;

  GwSettings *settings;
  GwCallbacks *callbacks;
  OtHub *hub;                   /* not owned: the process's hub */
  SoupServer *server;
  guint http_port;              /* bound port, 0 = not listening */
  GwSipAgent *agent;            /* from start; shut down by stop */
  GwMediaPorts *ports;          /* RTP port pairs, from start */
  GwCallRegistry *calls;
  gboolean stopping;            /* no more dials */
};

G_DEFINE_FINAL_TYPE (GwGateway, gw_gateway, G_TYPE_OBJECT);

static void
gw_gateway_init (GwGateway * self)
{
  self->hub = ot_hub_get_default ();
  self->callbacks = gw_callbacks_new ();
  self->calls = gw_call_registry_new ();
}

static void
gw_gateway_finalize (GObject * object)
{
  GwGateway *self = GW_GATEWAY (object);

  if (self->server)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Calls still there are abandoned (each sends callDestroyed) while the
   * SIP agent can still end their dialogs. */
  g_clear_object (&self->calls);
  g_clear_object (&self->agent);
  g_clear_object (&self->ports);
  g_clear_object (&self->callbacks);
  g_clear_pointer (&self->settings, gw_settings_free);
  G_OBJECT_CLASS (gw_gateway_parent_class)->finalize (object);
}

static void
gw_gateway_class_init (GwGatewayClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gw_gateway_finalize;
  GST_DEBUG_CATEGORY_INIT (gw_gateway_debug, "gwgateway", 0,
      "ot-sip-gateway service");
}

GwGateway *
gw_gateway_new (GwSettings * settings)
{
  GwGateway *self = g_object_new (GW_TYPE_GATEWAY, NULL);

  self->settings = settings;
  return self;
}

const GwSettings *
gw_gateway_get_settings (GwGateway * self)
{
  return self->settings;
}

GwCallbacks *
gw_gateway_get_callbacks (GwGateway * self)
{
  return self->callbacks;
}

OtHub *
gw_gateway_get_hub (GwGateway * self)
{
  return self->hub;
}

static guint
bound_port (SoupServer * server)
{
  GSList *listeners = soup_server_get_listeners (server);
  g_autoptr (GSocketAddress) local = NULL;
  guint port = 0;

  if (listeners)
    local = g_socket_get_local_address (listeners->data, NULL);
  if (local && G_IS_INET_SOCKET_ADDRESS (local))
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  g_slist_free (listeners);
  return port;
}

/* SIP before HTTP: a dial that reaches REST always finds the agent. */
static gboolean
start_sip (GwGateway * self, GError ** error)
{
  const GwSettings *s = self->settings;
  GwSipAgentConfig config = {
    .address = s->sip_address,
    .port = s->sip_port,
    .public_address = s->sip_public_address,
    .tls_port = s->sip_tls_port,
    .tls_certificate = s->tls_certificate,
    .tls_private_key = s->tls_private_key,
    .tls_ca_file = s->tls_ca_file,
    .tls_verify = s->tls_verify,
    .keepalive_interval = SIP_KEEPALIVE_S,
  };

  self->ports = gw_media_ports_new (s->rtp_ports.min, s->rtp_ports.max, error);
  if (self->ports == NULL)
    return FALSE;
  self->agent = gw_sip_agent_new (&config, error);
  if (self->agent == NULL) {
    g_clear_object (&self->ports);
    return FALSE;
  }
  GST_INFO_OBJECT (self, "SIP on %s:%u", gw_sip_agent_get_address
      (self->agent), gw_sip_agent_get_port (self->agent));
  return TRUE;
}

gboolean
gw_gateway_start (GwGateway * self, GError ** error)
{
  const GwSettings *s = self->settings;
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GError) err = NULL;

  g_return_val_if_fail (self->server == NULL, FALSE);
  if (!start_sip (self, error))
    return FALSE;
  address = g_inet_socket_address_new_from_string (s->http_address,
      s->http_port);
  self->server = soup_server_new ("server-header", PACKAGE "/" VERSION, NULL);
  gw_rest_api_attach (self->server, self);
  if (address == NULL || !soup_server_listen (self->server, address, 0, &err)) {
    g_set_error (error, GW_ERROR, GW_ERROR_UNAVAILABLE,
        "cannot listen for HTTP on %s port %u: %s", s->http_address,
        s->http_port, err ? err->message : "bad address");
    g_clear_object (&self->server);
    gw_sip_agent_shutdown (self->agent);
    g_clear_object (&self->agent);
    g_clear_object (&self->ports);
    return FALSE;
  }
  self->http_port = bound_port (self->server);
  GST_INFO_OBJECT (self, "REST on %s:%u", s->http_address, self->http_port);
  return TRUE;
}

guint
gw_gateway_get_http_port (GwGateway * self)
{
  return self->http_port;
}

static void
append_endpoint (GString * line, const gchar * name, const gchar * address,
    guint port)
{
  /* IPv6 literals get brackets so that ADDR:PORT stays unambiguous. */
  if (strchr (address, ':'))
    g_string_append_printf (line, " %s=[%s]:%u", name, address, port);
  else
    g_string_append_printf (line, " %s=%s:%u", name, address, port);
}

gchar *
gw_gateway_get_ready_line (GwGateway * self)
{
  GString *line = g_string_new ("ready");

  append_endpoint (line, "http", self->settings->http_address, self->http_port);
  if (self->agent)
    append_endpoint (line, "sip", gw_sip_agent_get_address (self->agent),
        gw_sip_agent_get_port (self->agent));
  return g_string_free (line, FALSE);
}

guint
gw_gateway_get_sip_port (GwGateway * self)
{
  return self->agent ? gw_sip_agent_get_port (self->agent) : 0;
}

GwCallRegistry *
gw_gateway_get_calls (GwGateway * self)
{
  return self->calls;
}

/* Stops taking requests, hangs up every call and lets each end (its BYE or
 * CANCEL answered, HANGUP and callDestroyed 700 queued) for at most
 * flush_timeout_ms, then lets the callbacks go out for as long again, and
 * only then shuts the SIP agent down. */
gboolean
gw_gateway_stop (GwGateway * self, guint flush_timeout_ms)
{
  gboolean flushed;

  if (self->server)
    soup_server_disconnect (self->server);
  self->http_port = 0;
  self->stopping = TRUE;
  gw_call_registry_end_all (self->calls, flush_timeout_ms);
  flushed = gw_callbacks_flush (self->callbacks, flush_timeout_ms);
  if (!flushed)
    GST_WARNING_OBJECT (self, "%u callbacks still pending at shutdown",
        gw_callbacks_get_n_pending (self->callbacks));
  if (self->agent)
    gw_sip_agent_shutdown (self->agent);
  return flushed;
}

OtSession *
gw_gateway_lookup_session (GwGateway * self, const gchar * api_key,
    const gchar * session_id, GError ** error)
{
  g_autofree gchar *owner = ot_session_id_get_api_key (session_id);
  g_autoptr (OtSession) session = NULL;

  if (owner == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "sessionId %s is not a session ID", session_id);
    return NULL;
  }
  if (g_str_equal (owner, api_key))
    session = ot_hub_lookup_session (self->hub, session_id);
  if (session == NULL
      || g_strcmp0 (ot_session_get_api_key (session), api_key) != 0) {
    g_set_error (error, GW_ERROR, GW_ERROR_NOT_FOUND,
        "session %s not found", session_id);
    return NULL;
  }
  return g_steal_pointer (&session);
}

/* The SIP leg of that connection of the session, if it is one still in
 * the session (a call ending has left it already). */
static GwCall *
lookup_sip_leg (GwGateway * self, OtSession * session,
    const gchar * connection_id)
{
  GwCall *call = gw_call_registry_lookup_connection (self->calls,
      ot_session_get_id (session), connection_id);

  return call && gw_call_get_state (call) < GW_CALL_STATE_HANGUP ? call : NULL;
}

gboolean
gw_gateway_disconnect (GwGateway * self, OtSession * session,
    const gchar * connection_id, GError ** error)
{
  GwCall *call = lookup_sip_leg (self, session, connection_id);

  if (call) {
    /* BYE or CANCEL; the connection leaves the session now. */
    GST_INFO_OBJECT (self, "force disconnect of call %s",
        gw_call_get_id (call));
    gw_call_hangup (call);
    return TRUE;
  }
  if (!ot_session_remove_connection (session, connection_id)) {
    g_set_error (error, GW_ERROR, GW_ERROR_NOT_FOUND,
        "connection %s not found", connection_id);
    return FALSE;
  }
  GST_INFO_OBJECT (self, "disconnected %s from %s", connection_id,
      ot_session_get_id (session));
  return TRUE;
}

/* The hook for force mute's side effects: a SIP leg dialled with
 * observeForceMute (the hub only mutes those) sends muteForced and tells
 * its caller when its stream is among these. */
static void
streams_force_muted (GwGateway * self, OtSession * session, GList * streams)
{
  for (GList * l = streams; l; l = l->next) {
    GwCall *call = gw_call_registry_lookup_stream (self->calls,
        ot_session_get_id (session), ot_stream_get_id (l->data));

    GST_INFO_OBJECT (self, "force muted stream %s in %s",
        ot_stream_get_id (l->data), ot_session_get_id (session));
    if (call)
      gw_call_notify_mute_forced (call);
  }
}

gboolean
gw_gateway_force_mute_stream (GwGateway * self, OtSession * session,
    const gchar * stream_id, gboolean * muted, GError ** error)
{
  g_autoptr (OtStream) stream = ot_session_lookup_stream (session, stream_id);
  g_autoptr (GError) err = NULL;
  GList one = { 0 };

  /* Publishers outside the main thread (otsink) may unpublish at any time:
   * the hub's own answer is the one that counts. */
  *muted = stream ? ot_session_force_mute_stream (session, stream_id, &err) :
      FALSE;
  if (stream == NULL || err) {
    g_set_error (error, GW_ERROR, GW_ERROR_NOT_FOUND,
        "stream %s not found", stream_id);
    return FALSE;
  }
  one.data = stream;
  if (*muted)
    streams_force_muted (self, session, &one);
  return TRUE;
}

GList *
gw_gateway_set_mute_all (GwGateway * self, OtSession * session,
    gboolean active, const gchar * const *excluded_stream_ids)
{
  GList *muted = ot_session_set_mute_all (session, active,
      excluded_stream_ids);

  streams_force_muted (self, session, muted);
  return muted;
}

gboolean
gw_gateway_dial (GwGateway * self, OtSession * session,
    GwDialRequest * request, GwDialReply * reply, GError ** error)
{
  g_autoptr (GwDialRequest) owned = request;
  GwCallEnv env = { self->agent, self->ports, self->callbacks,
    self->settings
  };
  g_autoptr (GwCall) call = NULL;

  g_return_val_if_fail (request != NULL, FALSE);
  if (self->agent == NULL || self->stopping) {
    g_set_error (error, GW_ERROR, GW_ERROR_UNAVAILABLE,
        "the gateway is %s", self->stopping ? "shutting down" : "not started");
    return FALSE;
  }
  call = gw_call_new (&env, session, g_steal_pointer (&owned), error);
  if (call == NULL)
    return FALSE;
  gw_call_registry_add (self->calls, call);
  reply->call_id = g_strdup (gw_call_get_id (call));
  reply->connection_id = g_strdup (gw_call_get_connection_id (call));
  reply->stream_id = g_strdup (gw_call_get_stream_id (call));
  return TRUE;
}

/* Session-wide: every SIP leg of the session that is answered and not on
 * hold; legs still ringing are left out, as they are not in the
 * conversation yet (the per-connection route queues for them), and so are
 * held ones, which receive no media.  The digits are queued to each leg
 * whatever happens to another; the first failure is the answer. */
static gboolean
play_dtmf_session (GwGateway * self, OtSession * session,
    const gchar * digits, GError ** error)
{
  GList *connections = ot_session_list_connections (session);
  g_autoptr (GError) first_error = NULL;
  guint n_legs = 0, n_other = 0;

  for (GList * l = connections; l; l = l->next) {
    GwCall *call = lookup_sip_leg (self, session,
        ot_connection_get_id (l->data));
    g_autoptr (GError) err = NULL;

    if (call == NULL)
      continue;
    if (gw_call_get_state (call) != GW_CALL_STATE_ACTIVE) {
      n_other++;
      continue;
    }
    n_legs++;
    if (!gw_call_play_dtmf (call, digits, &err) && first_error == NULL)
      first_error = g_steal_pointer (&err);
  }
  g_list_free_full (connections, g_object_unref);
  if (n_legs == 0) {
    g_set_error (error, GW_ERROR, GW_ERROR_NOT_FOUND,
        "session %s has no answered SIP call (%u ringing or on hold)",
        ot_session_get_id (session), n_other);
    return FALSE;
  }
  if (first_error) {
    g_propagate_error (error, g_steal_pointer (&first_error));
    return FALSE;
  }
  return TRUE;
}

gboolean
gw_gateway_play_dtmf (GwGateway * self, OtSession * session,
    const gchar * connection_id, const gchar * digits, GError ** error)
{
  g_autoptr (OtConnection) connection = NULL;
  GwCall *call;

  if (connection_id == NULL)
    return play_dtmf_session (self, session, digits, error);
  call = lookup_sip_leg (self, session, connection_id);
  if (call)
    return gw_call_play_dtmf (call, digits, error);
  connection = ot_session_lookup_connection (session, connection_id);
  g_set_error (error, GW_ERROR, GW_ERROR_NOT_FOUND, connection ?
      "connection %s is not a SIP call" : "connection %s not found",
      connection_id);
  return FALSE;
}
