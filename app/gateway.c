/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The service object: everything lives on the one main loop, so no locks. */
#include "config.h"

#include <string.h>

#include "gateway.h"
#include "gw-error.h"
#include "rest-api.h"

GST_DEBUG_CATEGORY_STATIC (gw_gateway_debug);
#define GST_CAT_DEFAULT gw_gateway_debug

struct _GwGateway
{
  GObject parent;

  GwSettings *settings;
  GwCallbacks *callbacks;
  OtHub *hub;                   /* not owned: the process's hub */
  SoupServer *server;
  guint http_port;              /* bound port, 0 = not listening */
};

G_DEFINE_FINAL_TYPE (GwGateway, gw_gateway, G_TYPE_OBJECT);

static void
gw_gateway_init (GwGateway * self)
{
  self->hub = ot_hub_get_default ();
  self->callbacks = gw_callbacks_new ();
}

static void
gw_gateway_finalize (GObject * object)
{
  GwGateway *self = GW_GATEWAY (object);

  if (self->server)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
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

gboolean
gw_gateway_start (GwGateway * self, GError ** error)
{
  const GwSettings *s = self->settings;
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GError) err = NULL;

  g_return_val_if_fail (self->server == NULL, FALSE);
  address = g_inet_socket_address_new_from_string (s->http_address,
      s->http_port);
  self->server = soup_server_new ("server-header", PACKAGE "/" VERSION, NULL);
  gw_rest_api_attach (self->server, self);
  if (address == NULL || !soup_server_listen (self->server, address, 0, &err)) {
    g_set_error (error, GW_ERROR, GW_ERROR_UNAVAILABLE,
        "cannot listen for HTTP on %s port %u: %s", s->http_address,
        s->http_port, err ? err->message : "bad address");
    g_clear_object (&self->server);
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
  return g_string_free (line, FALSE);
}

gboolean
gw_gateway_stop (GwGateway * self, guint flush_timeout_ms)
{
  gboolean flushed;

  if (self->server)
    soup_server_disconnect (self->server);
  self->http_port = 0;
  flushed = gw_callbacks_flush (self->callbacks, flush_timeout_ms);
  if (!flushed)
    GST_WARNING_OBJECT (self, "%u callbacks still pending at shutdown",
        gw_callbacks_get_n_pending (self->callbacks));
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

gboolean
gw_gateway_disconnect (GwGateway * self, OtSession * session,
    const gchar * connection_id, GError ** error)
{
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
 * observeForceMute plays its announcement and sends muteForced when its
 * stream is among these (it comes with the SIP legs). */
static void
streams_force_muted (GwGateway * self, OtSession * session, GList * streams)
{
  for (GList * l = streams; l; l = l->next)
    GST_INFO_OBJECT (self, "force muted stream %s in %s",
        ot_stream_get_id (l->data), ot_session_get_id (session));
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

  g_return_val_if_fail (request != NULL, FALSE);
  /* The call registry and the SIP agent come next; until then a dial is
   * refused rather than faked. */
  g_set_error (error, GW_ERROR, GW_ERROR_NOT_IMPLEMENTED,
      "SIP dialing is not available yet");
  return FALSE;
}

gboolean
gw_gateway_play_dtmf (GwGateway * self, OtSession * session,
    const gchar * connection_id, const gchar * digits, GError ** error)
{
  g_autoptr (OtConnection) connection = NULL;

  /* No connection is a SIP leg until calls exist: a known connection is
   * still 404, as the contract says for one that is not a SIP leg. */
  if (connection_id) {
    connection = ot_session_lookup_connection (session, connection_id);
    g_set_error (error, GW_ERROR, GW_ERROR_NOT_FOUND, connection ?
        "connection %s is not a SIP call" : "connection %s not found",
        connection_id);
    return FALSE;
  }
  g_set_error (error, GW_ERROR, GW_ERROR_NOT_IMPLEMENTED,
      "playing DTMF is not available yet");
  return FALSE;
}
