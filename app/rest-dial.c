/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* POST /v2/project/{apiKey}/dial (and /call, which PHP uses).  The body is
 * read through rest-json tables and every value is checked by
 * dial-request.c's parsers before anything is looked up, so the order of
 * answers is: 400 (the body, naming the field), then 404 (no such session
 * in this project) and 409 (a relayed session), then 403 (the client token
 * does not verify for that session), then whatever the dial says.  The
 * token comes last because it can only be checked against a session that
 * exists. */
#include "auth.h"
#include "gw-error.h"
#include "rest-dial.h"
#include "rest-json.h"

GST_DEBUG_CATEGORY_STATIC (gw_rest_dial_debug);
#define GST_CAT_DEFAULT gw_rest_dial_debug

static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gw_rest_dial_debug, "gwrestdial", 0, "REST dial");
    g_once_init_leave (&done, 1);
  }
}

typedef struct
{
  gchar *session_id;
  gchar *token;
  JsonObject *sip;
} DialBody;

static const GwRestJsonField dial_fields[] = {
  {"sessionId", GW_REST_JSON_STRING, TRUE, G_STRUCT_OFFSET (DialBody,
          session_id)},
  {"token", GW_REST_JSON_STRING, TRUE, G_STRUCT_OFFSET (DialBody, token)},
  {"sip", GW_REST_JSON_OBJECT, TRUE, G_STRUCT_OFFSET (DialBody, sip)},
  {NULL}
};

typedef struct
{
  gchar *uri;
  gchar *from;
  JsonObject *headers;
  JsonObject *auth;
  gboolean secure;
  gboolean video;
  gboolean observe_force_mute;
  GStrv streams;
} SipBody;

static const GwRestJsonField sip_fields[] = {
  {"uri", GW_REST_JSON_STRING, TRUE, G_STRUCT_OFFSET (SipBody, uri)},
  {"from", GW_REST_JSON_STRING, FALSE, G_STRUCT_OFFSET (SipBody, from)},
  {"headers", GW_REST_JSON_OBJECT, FALSE, G_STRUCT_OFFSET (SipBody, headers)},
  {"auth", GW_REST_JSON_OBJECT, FALSE, G_STRUCT_OFFSET (SipBody, auth)},
  {"secure", GW_REST_JSON_BOOLEAN, FALSE, G_STRUCT_OFFSET (SipBody, secure)},
  {"video", GW_REST_JSON_BOOLEAN, FALSE, G_STRUCT_OFFSET (SipBody, video)},
  {"observeForceMute", GW_REST_JSON_BOOLEAN, FALSE, G_STRUCT_OFFSET (SipBody,
          observe_force_mute)},
  {"streams", GW_REST_JSON_STRING_ARRAY, FALSE, G_STRUCT_OFFSET (SipBody,
          streams)},
  {NULL}
};

typedef struct
{
  gchar *username;
  gchar *password;
} AuthBody;

static const GwRestJsonField auth_fields[] = {
  {"username", GW_REST_JSON_STRING, TRUE, G_STRUCT_OFFSET (AuthBody,
          username)},
  {"password", GW_REST_JSON_STRING, FALSE, G_STRUCT_OFFSET (AuthBody,
          password)},
  {NULL}
};

/* Prefixes dial-request.c's message with the field and evaluates to
 * FALSE. */
#define field_error(error, field) (g_prefix_error (error, "%s: ", field), FALSE)

static gboolean
check_top (DialBody * body, GError ** error)
{
  g_autofree gchar *key = NULL;

  if (*body->token == '\0') {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "token is empty");
    return FALSE;
  }
  key = ot_session_id_get_api_key (body->session_id);
  if (key == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "sessionId is not a session ID");
    return FALSE;
  }
  return TRUE;
}

/* sip.headers in body order; null values count as absent. */
static gboolean
read_headers (GwDialRequest * dial, JsonObject * headers, GError ** error)
{
  JsonObjectIter iter;
  const gchar *name;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, headers);
  while (json_object_iter_next_ordered (&iter, &name, &value)) {
    if (JSON_NODE_HOLDS_NULL (value))
      continue;
    if (!JSON_NODE_HOLDS_VALUE (value)
        || json_node_get_value_type (value) != G_TYPE_STRING) {
      g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
          "sip.headers: the value of %s must be a string", name);
      return FALSE;
    }
    if (!gw_dial_request_add_header (dial, name, json_node_get_string (value),
            error))
      return field_error (error, "sip.headers");
  }
  return TRUE;
}

static gboolean
read_auth (GwDialRequest * dial, JsonObject * object, GError ** error)
{
  AuthBody auth = { 0 };
  gboolean ok;

  ok = gw_rest_json_read (object, "sip.auth", auth_fields, &auth, error);
  if (ok && !gw_dial_request_set_auth (dial, auth.username, auth.password,
          error))
    ok = field_error (error, "sip.auth");
  gw_rest_json_clear (auth_fields, &auth);
  return ok;
}

static gboolean
read_streams (GwDialRequest * dial, GStrv * streams, GError ** error)
{
  /* [] counts as absent (every stream), as PHP writes an empty list. */
  if (*streams == NULL || **streams == NULL)
    return TRUE;
  for (guint i = 0; (*streams)[i]; i++) {
    g_autofree gchar *what = g_strdup_printf ("sip.streams[%u]", i);
    if (!gw_rest_json_check_id (what, (*streams)[i], error))
      return FALSE;
  }
  dial->streams = g_steal_pointer (streams);
  return TRUE;
}

static gboolean
read_sip (GwDialRequest * dial, SipBody * sip, GError ** error)
{
  if (!gw_dial_request_set_uri (dial, sip->uri, error))
    return field_error (error, "sip.uri");
  if (!gw_dial_request_set_from (dial, sip->from, error))
    return field_error (error, "sip.from");
  if ((sip->headers && !read_headers (dial, sip->headers, error))
      || (sip->auth && !read_auth (dial, sip->auth, error))
      || !read_streams (dial, &sip->streams, error))
    return FALSE;
  dial->secure = sip->secure;
  dial->video = sip->video;
  dial->observe_force_mute = sip->observe_force_mute;
  return TRUE;
}

/* The body as a typed request, and the client token (not yet verified). */
static GwDialRequest *
read_body (JsonObject * json, const gchar * api_key, gchar ** token,
    GError ** error)
{
  DialBody body = { 0 };
  SipBody sip = { 0 };
  g_autoptr (GwDialRequest) dial = NULL;
  gboolean ok;

  ok = gw_rest_json_read (json, NULL, dial_fields, &body, error)
      && check_top (&body, error)
      && gw_rest_json_read (body.sip, "sip", sip_fields, &sip, error);
  if (ok) {
    dial = gw_dial_request_new (api_key, body.session_id);
    ok = read_sip (dial, &sip, error);
  }
  if (ok)
    *token = g_steal_pointer (&body.token);
  gw_rest_json_clear (sip_fields, &sip);
  gw_rest_json_clear (dial_fields, &body);
  return ok ? g_steal_pointer (&dial) : NULL;
}

GwDialRequest *
gw_rest_dial_prepare (GwGateway * gateway, const GwProject * project,
    JsonObject * body, OtSession ** session_out, GError ** error)
{
  g_autofree gchar *token = NULL;
  g_autoptr (GwDialRequest) dial = NULL;
  g_autoptr (OtSession) session = NULL;
  g_autoptr (GwClientToken) client = NULL;

  dial = read_body (body, project->api_key, &token, error);
  if (dial == NULL)
    return NULL;
  session = gw_gateway_lookup_session (gateway, project->api_key,
      dial->session_id, error);
  if (session == NULL)
    return NULL;
  if (!ot_session_is_routed (session)) {
    g_set_error (error, GW_ERROR, GW_ERROR_CONFLICT, "session %s is relayed "
        "(p2p.preference=enabled): only routed sessions can dial",
        dial->session_id);
    return NULL;
  }
  client = gw_client_token_verify (token, project->api_key, project->secret,
      dial->session_id, TRUE, g_get_real_time () / G_USEC_PER_SEC, error);
  if (client == NULL) {
    g_prefix_error (error, "token: ");
    return NULL;
  }
  dial->connection_data = g_steal_pointer (&client->connection_data);
  *session_out = g_steal_pointer (&session);
  return g_steal_pointer (&dial);
}

static void
reply_dialled (SoupServerMessage * msg, const GwDialReply * reply)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, reply->call_id);
  json_builder_set_member_name (b, "connectionId");
  json_builder_add_string_value (b, reply->connection_id);
  json_builder_set_member_name (b, "streamId");
  json_builder_add_string_value (b, reply->stream_id);
  json_builder_end_object (b);
  /* Exactly 200: Python, Java and Ruby accept nothing else. */
  gw_rest_api_reply_json (msg, SOUP_STATUS_OK, b);
}

gboolean
gw_rest_dial (GwRestRequest * req, GError ** error)
{
  g_autoptr (GwDialRequest) dial = NULL;
  g_autoptr (OtSession) session = NULL;
  g_auto (GwDialReply) reply = { 0 };

  ensure_debug_category ();
  dial = gw_rest_dial_prepare (req->gateway, req->project, req->json,
      &session, error);
  if (dial == NULL)
    return FALSE;
  GST_INFO ("dial %s into %s", dial->uri, dial->session_id);
  if (!gw_gateway_dial (req->gateway, session, g_steal_pointer (&dial),
          &reply, error))
    return FALSE;
  reply_dialled (req->msg, &reply);
  return TRUE;
}
