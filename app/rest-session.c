/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Session, stream, force mute and force disconnect routes.  A session of
 * another project answers 404, as an unknown one does. */
#include <string.h>

#include "gw-error.h"
#include "rest-json.h"
#include "rest-session.h"

GST_DEBUG_CATEGORY_STATIC (gw_rest_session_debug);
#define GST_CAT_DEFAULT gw_rest_session_debug

#define MAX_ID_LENGTH 256

static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gw_rest_session_debug, "gwrestsession", 0,
        "REST sessions and streams");
    g_once_init_leave (&done, 1);
  }
}

/* Stream and connection IDs: UUIDs here, names chosen by gst-launch users
 * for otsink; anything printable and URL-safe. */
static gboolean
check_id (const gchar * what, const gchar * id, GError ** error)
{
  gsize n = strlen (id);

  if (n > 0 && n <= MAX_ID_LENGTH
      && strspn (id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
          "0123456789-._~:@") == n)
    return TRUE;
  g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "%s is not a valid ID", what);
  return FALSE;
}

/* The request's session, checked against the authenticated project. */
static OtSession *
request_session (GwRestRequest * req, GError ** error)
{
  return gw_gateway_lookup_session (req->gateway, req->project->api_key,
      req->session_id, error);
}

/* Like Java's Date.toString, which is what the platform sends. */
static gchar *
format_create_dt (gint64 ms)
{
  static const gchar *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
    "Sat", "Sun"
  };
  static const gchar *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (ms / 1000);

  return g_strdup_printf ("%s %s %02d %02d:%02d:%02d UTC %d",
      days[g_date_time_get_day_of_week (t) - 1],
      months[g_date_time_get_month (t) - 1], g_date_time_get_day_of_month (t),
      g_date_time_get_hour (t), g_date_time_get_minute (t),
      g_date_time_get_second (t), g_date_time_get_year (t));
}

static gboolean
read_create_form (GHashTable * form, gboolean * routed,
    const gchar ** location, GError ** error)
{
  const gchar *p2p = g_hash_table_lookup (form, "p2p.preference");
  const gchar *archive = g_hash_table_lookup (form, "archiveMode");

  *location = g_hash_table_lookup (form, "location");
  if (*location && (**location == '\0' || g_str_equal (*location, "null")))
    *location = NULL;
  *routed = g_strcmp0 (p2p, "disabled") == 0;
  if (p2p && !*routed && !g_str_equal (p2p, "enabled"))
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "p2p.preference must be enabled or disabled");
  else if (archive && *archive && !g_str_equal (archive, "manual")
      && !g_str_equal (archive, "always"))
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "archiveMode must be manual or always");
  else if (g_strcmp0 (archive, "always") == 0 && !*routed)
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "archiveMode always needs a routed session (p2p.preference=disabled)");
  else if (*location && !g_hostname_is_ip_address (*location))
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "location must be an IP address");
  else
    return TRUE;
  return FALSE;
}

static void
reply_created (SoupServerMessage * msg, OtSession * session,
    const gchar * create_dt)
{
  const gchar *accept = soup_message_headers_get_one
      (soup_server_message_get_request_headers (msg), "Accept");
  const gchar *id = ot_session_get_id (session);
  const gchar *key = ot_session_get_api_key (session);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  /* Ruby asks for XML by not asking for JSON. */
  if (accept == NULL || !strstr (accept, "application/json")) {
    gw_rest_api_reply (msg, SOUP_STATUS_OK, "text/xml",
        g_markup_printf_escaped ("<?xml version=\"1.0\" encoding=\"UTF-8\" "
            "standalone=\"yes\"?><sessions><Session><session_id>%s"
            "</session_id><partner_id>%s</partner_id><create_dt>%s"
            "</create_dt></Session></sessions>", id, key, create_dt));
    return;
  }
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "session_id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "project_id");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "partner_id");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "create_dt");
  json_builder_add_string_value (b, create_dt);
  json_builder_set_member_name (b, "media_server_url");
  json_builder_add_string_value (b, "");
  json_builder_end_object (b);
  json_builder_end_array (b);
  gw_rest_api_reply_json (msg, SOUP_STATUS_OK, b);
}

gboolean
gw_rest_session_create (GwRestRequest * req, GError ** error)
{
  OtHub *hub = gw_gateway_get_hub (req->gateway);
  g_autoptr (OtSession) session = NULL;
  g_autofree gchar *create_dt = NULL;
  const gchar *location;
  gboolean routed;

  ensure_debug_category ();
  if (!read_create_form (req->form, &routed, &location, error))
    return FALSE;
  session = ot_hub_create_session (hub, req->project->api_key, location,
      routed);
  create_dt = format_create_dt (ot_session_get_create_time (session));
  GST_INFO ("created %s session %s", routed ? "routed" : "relayed",
      ot_session_get_id (session));
  reply_created (req->msg, session, create_dt);
  return TRUE;
}

static void
add_stream (JsonBuilder * b, OtStream * stream)
{
  const gchar *name = ot_stream_get_name (stream);
  gboolean screen = ot_stream_get_video_type (stream) == OT_VIDEO_TYPE_SCREEN;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, ot_stream_get_id (stream));
  json_builder_set_member_name (b, "videoType");
  json_builder_add_string_value (b, screen ? "screen" : "camera");
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name ? name : "");
  json_builder_set_member_name (b, "layoutClassList");
  json_builder_begin_array (b);
  json_builder_end_array (b);
  /* Beyond the platform's fields (the SDKs ignore unknown ones): FALSE
   * while the stream is muted (force mute, or a SIP caller's *6), as a
   * client's stream.hasAudio. */
  json_builder_set_member_name (b, "hasAudio");
  json_builder_add_boolean_value (b, !ot_stream_is_muted (stream));
  json_builder_end_object (b);
}

gboolean
gw_rest_session_list_streams (GwRestRequest * req, GError ** error)
{
  g_autoptr (OtSession) session = request_session (req, error);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  GList *streams;

  if (session == NULL)
    return FALSE;
  streams = ot_session_list_streams (session);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, g_list_length (streams));
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (GList * l = streams; l; l = l->next)
    add_stream (b, l->data);
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_list_free_full (streams, g_object_unref);
  gw_rest_api_reply_json (req->msg, SOUP_STATUS_OK, b);
  return TRUE;
}

gboolean
gw_rest_session_get_stream (GwRestRequest * req, GError ** error)
{
  g_autoptr (OtSession) session = NULL;
  g_autoptr (OtStream) stream = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!check_id ("streamId", req->stream_id, error)
      || !(session = request_session (req, error)))
    return FALSE;
  stream = ot_session_lookup_stream (session, req->stream_id);
  if (stream == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_NOT_FOUND, "stream %s not found",
        req->stream_id);
    return FALSE;
  }
  add_stream (b, stream);
  gw_rest_api_reply_json (req->msg, SOUP_STATUS_OK, b);
  return TRUE;
}

gboolean
gw_rest_session_mute_stream (GwRestRequest * req, GError ** error)
{
  g_autoptr (OtSession) session = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gboolean muted = FALSE;

  /* The body is {} or empty: nothing in it to read. */
  if (!check_id ("streamId", req->stream_id, error)
      || !(session = request_session (req, error))
      || !gw_gateway_force_mute_stream (req->gateway, session,
          req->stream_id, &muted, error))
    return FALSE;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "streamId");
  json_builder_add_string_value (b, req->stream_id);
  json_builder_set_member_name (b, "muted");
  json_builder_add_boolean_value (b, muted);
  json_builder_end_object (b);
  gw_rest_api_reply_json (req->msg, SOUP_STATUS_OK, b);
  return TRUE;
}

typedef struct
{
  gboolean active;
  GStrv excluded;
} MuteAllBody;

static const GwRestJsonField mute_all_fields[] = {
  {"active", GW_REST_JSON_BOOLEAN, TRUE, G_STRUCT_OFFSET (MuteAllBody, active)},
  /* Python says excludedStreams, Node's docs excudedStreamIds (sic). */
  {"excludedStreamIds|excludedStreams|excudedStreamIds",
        GW_REST_JSON_STRING_ARRAY, FALSE, G_STRUCT_OFFSET (MuteAllBody,
          excluded)},
  {NULL}
};

static void
reply_mute_all (SoupServerMessage * msg, gboolean active, GList * muted)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "active");
  json_builder_add_boolean_value (b, active);
  json_builder_set_member_name (b, "mutedStreamIds");
  json_builder_begin_array (b);
  for (GList * l = muted; l; l = l->next)
    json_builder_add_string_value (b, ot_stream_get_id (l->data));
  json_builder_end_array (b);
  json_builder_end_object (b);
  gw_rest_api_reply_json (msg, SOUP_STATUS_OK, b);
}

gboolean
gw_rest_session_mute_all (GwRestRequest * req, GError ** error)
{
  g_autoptr (OtSession) session = NULL;
  MuteAllBody body = { 0 };
  GList *muted;
  gboolean ok;

  ok = gw_rest_json_read (req->json, NULL, mute_all_fields, &body, error)
      && (session = request_session (req, error));
  if (ok) {
    muted = gw_gateway_set_mute_all (req->gateway, session, body.active,
        (const gchar * const *) body.excluded);
    reply_mute_all (req->msg, body.active, muted);
    g_list_free_full (muted, g_object_unref);
  }
  gw_rest_json_clear (mute_all_fields, &body);
  return ok;
}

gboolean
gw_rest_session_disconnect (GwRestRequest * req, GError ** error)
{
  g_autoptr (OtSession) session = NULL;

  if (!check_id ("connectionId", req->connection_id, error)
      || !(session = request_session (req, error))
      || !gw_gateway_disconnect (req->gateway, session, req->connection_id,
          error))
    return FALSE;
  /* 204: Python, Java and Ruby raise on 200. */
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
  return TRUE;
}
