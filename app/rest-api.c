/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One route table; one catch-all SoupServer handler routes by it, so that
 * an unknown path (404) and a known path with the wrong method (405) are
 * told apart, and every error reply has the same JSON shape. */
#include <string.h>

#include "auth.h"
#include "gw-error.h"
#include "rest-api.h"
#include "rest-dial.h"
#include "rest-dtmf.h"
#include "rest-json.h"
#include "rest-session.h"

GST_DEBUG_CATEGORY_STATIC (gw_rest_debug);
#define GST_CAT_DEFAULT gw_rest_debug

typedef enum
{
  AUTH_PATH_KEY,                /* the project is {apiKey} */
  AUTH_ISSUER,                  /* the project is the JWT's iss */
} RouteAuth;

typedef enum
{
  BODY_NONE,                    /* any body is ignored */
  BODY_JSON,                    /* empty, or one JSON object */
  BODY_FORM,                    /* application/x-www-form-urlencoded */
} RouteBody;

typedef struct
{
  const gchar *method;
  const gchar *pattern;
  RouteAuth auth;
  RouteBody body;
  GwRestHandler handler;
} GwRestRoute;

#define PROJECT "/v2/project/{apiKey}"
#define SESSION PROJECT "/session/{sessionId}"
static const GwRestRoute routes[] = {
  {"POST", "/session/create", AUTH_ISSUER, BODY_FORM, gw_rest_session_create},
  {"GET", SESSION "/stream", AUTH_PATH_KEY, BODY_NONE,
      gw_rest_session_list_streams},
  {"GET", SESSION "/stream/{streamId}", AUTH_PATH_KEY, BODY_NONE,
      gw_rest_session_get_stream},
  {"POST", SESSION "/stream/{streamId}/mute", AUTH_PATH_KEY, BODY_JSON,
      gw_rest_session_mute_stream},
  {"POST", SESSION "/mute", AUTH_PATH_KEY, BODY_JSON,
      gw_rest_session_mute_all},
  {"DELETE", SESSION "/connection/{connectionId}", AUTH_PATH_KEY, BODY_NONE,
      gw_rest_session_disconnect},
  {"POST", PROJECT "/dial", AUTH_PATH_KEY, BODY_JSON, gw_rest_dial},
  /* PHP dials here. */
  {"POST", PROJECT "/call", AUTH_PATH_KEY, BODY_JSON, gw_rest_dial},
  {"POST", SESSION "/play-dtmf", AUTH_PATH_KEY, BODY_JSON,
      gw_rest_dtmf_play_session},
  {"POST", SESSION "/connection/{connectionId}/play-dtmf", AUTH_PATH_KEY,
      BODY_JSON, gw_rest_dtmf_play_connection},
};

#undef SESSION
#undef PROJECT

typedef struct
{
  const gchar *api_key;
  const gchar *session_id;
  const gchar *stream_id;
  const gchar *connection_id;
} PathParams;

void
gw_rest_api_reply (SoupServerMessage * msg, guint status,
    const gchar * content_type, gchar * body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE,
        body, strlen (body));
}

void
gw_rest_api_reply_json (SoupServerMessage * msg, guint status,
    JsonBuilder * builder)
{
  gw_rest_api_reply (msg, status, "application/json",
      gw_rest_json_to_string (builder));
}

void
gw_rest_api_reply_error (SoupServerMessage * msg, const GError * error)
{
  guint status = gw_error_to_http_status (error);

  GST_INFO ("%s %s: %u %s", soup_server_message_get_method (msg),
      g_uri_get_path (soup_server_message_get_uri (msg)), status,
      error->message);
  gw_rest_api_reply (msg, status, "application/json",
      gw_rest_json_error_body (status, error->message));
}

static gboolean
match_route (const GwRestRoute * route, gchar ** segments, PathParams * params)
{
  g_auto (GStrv) pattern = g_strsplit (route->pattern, "/", -1);
  PathParams p = { 0 };

  if (g_strv_length (pattern) != g_strv_length (segments))
    return FALSE;
  for (guint i = 0; pattern[i]; i++) {
    const gchar *want = pattern[i], *have = segments[i];

    if (want[0] != '{') {
      if (!g_str_equal (want, have))
        return FALSE;
    } else if (*have == '\0') {
      return FALSE;
    } else if (g_str_equal (want, "{apiKey}")) {
      p.api_key = have;
    } else if (g_str_equal (want, "{sessionId}")) {
      p.session_id = have;
    } else if (g_str_equal (want, "{streamId}")) {
      p.stream_id = have;
    } else if (g_str_equal (want, "{connectionId}")) {
      p.connection_id = have;
    }
  }
  *params = p;
  return TRUE;
}

/* The route for (method, path); NULL with the allowed methods in `allow`
 * when only the method is wrong, NULL with `allow` empty when unknown. */
static const GwRestRoute *
find_route (const gchar * method, gchar ** segments, PathParams * params,
    GString * allow)
{
  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++) {
    if (!match_route (&routes[i], segments, params))
      continue;
    if (g_str_equal (routes[i].method, method))
      return &routes[i];
    g_string_append_printf (allow, "%s%s", allow->len ? ", " : "",
        routes[i].method);
  }
  return NULL;
}

static const GwProject *
authenticate (GwGateway * gateway, const GwRestRoute * route,
    SoupServerMessage * msg, const gchar * path_key, GError ** error)
{
  const gchar *token =
      gw_auth_get_rest_token (soup_server_message_get_request_headers (msg));
  g_autofree gchar *issuer = NULL;
  const gchar *api_key = path_key;
  const GwProject *project;

  if (token == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH, "missing credentials: "
        "X-OPENTOK-AUTH or Authorization: Bearer with a JWT");
    return NULL;
  }
  if (route->auth == AUTH_ISSUER)
    api_key = issuer = gw_auth_peek_issuer (token);
  project = gw_settings_lookup_project (gw_gateway_get_settings (gateway),
      api_key);
  if (project == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH, "unknown project %s",
        api_key ? api_key : "(the JWT has no iss)");
    return NULL;
  }
  if (!gw_auth_verify_rest_token (token, project->api_key, project->secret,
          g_get_real_time () / G_USEC_PER_SEC, error))
    return NULL;
  return project;
}

static gboolean
run_route (GwGateway * gateway, const GwRestRoute * route,
    SoupServerMessage * msg, const PathParams * params, GError ** error)
{
  g_autoptr (GBytes) body =
      soup_message_body_flatten (soup_server_message_get_request_body (msg));
  gsize size = g_bytes_get_size (body);
  const gchar *data = g_bytes_get_data (body, NULL);
  g_autoptr (JsonObject) json = NULL;
  g_autoptr (GHashTable) form = NULL;
  GwRestRequest req = { gateway, msg };

  /* Chunked bodies have no Content-Length for the early check. */
  if (size > GW_REST_MAX_BODY) {
    g_set_error (error, GW_ERROR, GW_ERROR_TOO_LARGE,
        "request body over %u bytes", GW_REST_MAX_BODY);
    return FALSE;
  }
  req.project = authenticate (gateway, route, msg, params->api_key, error);
  if (req.project == NULL)
    return FALSE;
  if (route->body == BODY_JSON && size > 0
      && !(json = gw_rest_json_parse_object (data, size, error)))
    return FALSE;
  if (route->body == BODY_FORM
      && !(form = gw_rest_json_decode_form (size ? data : "", size, error)))
    return FALSE;
  req.session_id = params->session_id;
  req.stream_id = params->stream_id;
  req.connection_id = params->connection_id;
  req.json = json;
  req.form = form;
  return route->handler (&req, error);
}

static void
handle_request (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data)
{
  GwGateway *gateway = user_data;
  const gchar *method = soup_server_message_get_method (msg);
  g_auto (GStrv) segments = g_strsplit (path, "/", -1);
  g_autoptr (GString) allow = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  const GwRestRoute *route;
  PathParams params = { 0 };

  GST_DEBUG ("%s %s", method, path);
  route = find_route (method, segments, &params, allow);
  if (route == NULL && allow->len > 0) {
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "Allow", allow->str);
    g_set_error (&error, GW_ERROR, GW_ERROR_METHOD,
        "method %s not allowed (allowed: %s)", method, allow->str);
  } else if (route == NULL) {
    g_set_error (&error, GW_ERROR, GW_ERROR_NOT_FOUND, "no resource %s", path);
  } else {
    run_route (gateway, route, msg, &params, &error);
  }
  if (error)
    gw_rest_api_reply_error (msg, error);
}

/* Refuses a declared oversized body before it is read. */
static void
check_body_size (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr (GError) error = NULL;

  if (soup_message_headers_get_encoding (headers) !=
      SOUP_ENCODING_CONTENT_LENGTH
      || soup_message_headers_get_content_length (headers) <= GW_REST_MAX_BODY)
    return;
  g_set_error (&error, GW_ERROR, GW_ERROR_TOO_LARGE,
      "request body over %u bytes", GW_REST_MAX_BODY);
  soup_message_headers_replace (soup_server_message_get_response_headers
      (msg), "Connection", "close");
  gw_rest_api_reply_error (msg, error);
}

void
gw_rest_api_attach (SoupServer * server, GwGateway * gateway)
{
  GST_DEBUG_CATEGORY_INIT (gw_rest_debug, "gwrest", 0, "REST control plane");
  soup_server_add_early_handler (server, NULL, check_body_size, NULL, NULL);
  /* The gateway owns the server: no reference back. */
  soup_server_add_handler (server, NULL, handle_request, gateway, NULL);
}
