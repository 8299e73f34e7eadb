/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sessions, streams, force mute and force disconnect over real HTTP, checked
 * against the hub's own state. */
#include <gst/gst.h>
#include <string.h>

#include "ot-hub.h"
#include "rest-test-utils.h"

#define FORM "application/x-www-form-urlencoded"

static RestReply *
create (RestFixture * f, const gchar * accept, const gchar * form)
{
  g_autofree gchar *token = test_rest_jwt (TEST_API_KEY, TEST_SECRET, 300);
  SoupMessage *msg = rest_message_new (f, "POST", "/session/create");

  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "X-OPENTOK-AUTH", token);
  if (accept)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Accept", accept);
  rest_message_set_body (msg, FORM, form);
  return rest_send (f, msg);
}

/* Decodes a session ID as the SDKs do: drop "2_", '-' -> '+', '_' -> '/',
 * base64, split on '~'. */
static gchar **
decode_session_id (const gchar * sid)
{
  GString *b64 = g_string_new (sid + 2);
  g_autofree guchar *raw = NULL;
  g_autofree gchar *text = NULL;
  gsize len = 0;

  g_assert_true (g_str_has_prefix (sid, "2_"));
  g_assert_cmpuint (strspn (sid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
          "qrstuvwxyz0123456789-_"), ==, strlen (sid));
  g_strdelimit (b64->str, "-", '+');
  g_strdelimit (b64->str, "_", '/');
  while (b64->len % 4)
    g_string_append_c (b64, '=');
  raw = g_base64_decode (b64->str, &len);
  g_string_free (b64, TRUE);
  text = g_strndup ((gchar *) raw, len);
  return g_strsplit (text, "~", -1);
}

static OtSession *
hub_session (const gchar * sid)
{
  OtSession *session = ot_hub_lookup_session (ot_hub_get_default (), sid);

  g_assert_nonnull (session);
  return session;
}

static void
test_create_json (RestFixture * f, gconstpointer data)
{
  g_autoptr (RestReply) r = create (f, "application/json",
      "archiveMode=manual&p2p.preference=disabled&location=null&e2ee=false");
  g_autoptr (JsonNode) root = rest_assert_json (r);
  g_autoptr (OtSession) session = NULL;
  g_auto (GStrv) fields = NULL;
  JsonArray *array;
  JsonObject *s;
  const gchar *sid;

  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  s = json_array_get_object_element (array, 0);
  sid = json_object_get_string_member (s, "session_id");
  g_assert_cmpstr (json_object_get_string_member (s, "project_id"), ==,
      TEST_API_KEY);
  g_assert_cmpstr (json_object_get_string_member (s, "partner_id"), ==,
      TEST_API_KEY);
  g_assert_cmpstr (json_object_get_string_member (s, "media_server_url"), ==,
      "");
  /* Java's Date.toString shape, as the platform sends it. */
  g_assert_true (g_regex_match_simple ("^[A-Z][a-z]{2} [A-Z][a-z]{2} \\d\\d "
          "\\d\\d:\\d\\d:\\d\\d UTC \\d{4}$", json_object_get_string_member (s,
              "create_dt"), 0, 0));
  fields = decode_session_id (sid);
  g_assert_cmpuint (g_strv_length (fields), >=, 5);
  g_assert_cmpstr (fields[0], ==, "1");
  g_assert_cmpstr (fields[1], ==, TEST_API_KEY);
  session = hub_session (sid);
  g_assert_true (ot_session_is_routed (session));
  g_assert_cmpstr (ot_session_get_api_key (session), ==, TEST_API_KEY);
}

static void
test_create_options (RestFixture * f, gconstpointer data)
{
  g_autoptr (RestReply) relayed = create (f, "application/json", "");
  g_autoptr (RestReply) enabled = create (f, "application/json",
      "p2p.preference=enabled&location=10.1.2.3");
  g_autoptr (JsonNode) a = rest_assert_json (relayed);
  g_autoptr (JsonNode) b = rest_assert_json (enabled);
  const gchar *sid_b = json_object_get_string_member
      (json_array_get_object_element (json_node_get_array (b), 0),
      "session_id");
  g_autoptr (OtSession) sa = hub_session (json_object_get_string_member
      (json_array_get_object_element (json_node_get_array (a), 0),
          "session_id"));
  g_autoptr (OtSession) sb = hub_session (sid_b);
  g_auto (GStrv) fields = decode_session_id (sid_b);
  const gchar *bad[] = { "p2p.preference=sometimes", "location=here",
    "archiveMode=often", "archiveMode=always&p2p.preference=enabled",
  };

  g_assert_false (ot_session_is_routed (sa));
  g_assert_false (ot_session_is_routed (sb));
  g_assert_cmpstr (fields[2], ==, "10.1.2.3");
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (RestReply) r = create (f, "application/json", bad[i]);
    g_free (rest_assert_error (r, 400));
  }
}

static void
test_create_xml (RestFixture * f, gconstpointer data)
{
  /* Ruby's Accept, and no Accept at all. */
  const gchar *accepts[] = { "application/xml", NULL };

  for (gsize i = 0; i < G_N_ELEMENTS (accepts); i++) {
    g_autoptr (RestReply) r = create (f, accepts[i], "p2p.preference=disabled");
    g_autoptr (GMatchInfo) match = NULL;
    g_autoptr (GRegex) re = g_regex_new ("<sessions><Session><session_id>"
        "(2_[A-Za-z0-9_-]+)</session_id><partner_id>" TEST_API_KEY
        "</partner_id><create_dt>[^<]+</create_dt></Session></sessions>$",
        0, 0, NULL);
    g_autofree gchar *sid = NULL;
    g_autoptr (OtSession) session = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (r->content_type, ==, "text/xml");
    g_assert_true (g_str_has_prefix (r->body, "<?xml"));
    g_assert_true (g_regex_match (re, r->body, 0, &match));
    sid = g_match_info_fetch (match, 1);
    session = hub_session (sid);
    g_assert_true (ot_session_is_routed (session));
  }
}

static void
test_create_other_project (RestFixture * f, gconstpointer data)
{
  g_autofree gchar *sid = test_create_session (f, OTHER_API_KEY,
      OTHER_SECRET);
  g_autoptr (OtSession) session = hub_session (sid);
  g_autofree gchar *unknown = test_rest_jwt ("999", TEST_SECRET, 300);
  g_autofree gchar *forged = test_rest_jwt (OTHER_API_KEY, TEST_SECRET, 300);
  const gchar *tokens[] = { unknown, forged, "garbage" };

  /* The project is the JWT's iss. */
  g_assert_cmpstr (ot_session_get_api_key (session), ==, OTHER_API_KEY);
  for (gsize i = 0; i < G_N_ELEMENTS (tokens); i++) {
    SoupMessage *msg = rest_message_new (f, "POST", "/session/create");
    g_autofree gchar *bearer = g_strconcat ("Bearer ", tokens[i], NULL);
    g_autoptr (RestReply) r = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Authorization", bearer);
    rest_message_set_body (msg, FORM, "");
    r = rest_send (f, msg);
    g_free (rest_assert_error (r, 403));
  }
}

typedef struct
{
  gchar *sid;
  gchar *token;
  OtSession *session;
  OtConnection *conn;
  gchar *prefix;                /* /v2/project/KEY/session/SID */
} Published;

static OtStream *
publish (Published * p, const gchar * name, OtVideoType type)
{
  g_autoptr (GError) error = NULL;
  OtStream *stream = ot_session_add_stream (p->session, p->conn, NULL, name,
      type, &error);

  g_assert_no_error (error);
  return stream;
}

static void
published_init (RestFixture * f, Published * p)
{
  g_autoptr (GError) error = NULL;

  p->sid = test_create_session (f, TEST_API_KEY, TEST_SECRET);
  p->token = test_rest_jwt (TEST_API_KEY, TEST_SECRET, 300);
  p->session = hub_session (p->sid);
  p->conn = ot_session_add_connection (p->session, NULL, "name=alice", &error);
  g_assert_no_error (error);
  p->prefix = g_strdup_printf ("/v2/project/%s/session/%s", TEST_API_KEY,
      p->sid);
}

static void
published_clear (Published * p)
{
  ot_hub_remove_session (ot_hub_get_default (), p->sid);
  g_free (p->sid);
  g_free (p->token);
  g_free (p->prefix);
  g_object_unref (p->conn);
  g_object_unref (p->session);
}

static RestReply *
call (RestFixture * f, Published * p, const gchar * method,
    const gchar * suffix, const gchar * body)
{
  g_autofree gchar *path = g_strconcat (p->prefix, suffix, NULL);

  return rest_call (f, method, path, p->token, body);
}

static void
assert_stream_json (JsonObject * o, OtStream * stream, const gchar * type,
    const gchar * name)
{
  g_assert_cmpstr (json_object_get_string_member (o, "id"), ==,
      ot_stream_get_id (stream));
  g_assert_cmpstr (json_object_get_string_member (o, "videoType"), ==, type);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, name);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o,
              "layoutClassList")), ==, 0);
}

static void
test_streams (RestFixture * f, gconstpointer data)
{
  Published p = { 0 };
  g_autoptr (OtStream) cam = NULL;
  g_autoptr (OtStream) screen = NULL;
  g_autoptr (RestReply) list = NULL;
  g_autoptr (RestReply) one = NULL;
  g_autoptr (JsonNode) lroot = NULL;
  g_autoptr (JsonNode) oroot = NULL;
  g_autofree gchar *one_path = NULL;
  JsonArray *items;

  published_init (f, &p);
  cam = publish (&p, "Alice", OT_VIDEO_TYPE_CAMERA);
  screen = publish (&p, NULL, OT_VIDEO_TYPE_SCREEN);
  list = call (f, &p, "GET", "/stream", NULL);
  lroot = rest_assert_json (list);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (lroot),
          "count"), ==, 2);
  items = json_object_get_array_member (json_node_get_object (lroot), "items");
  assert_stream_json (json_array_get_object_element (items, 0), cam,
      "camera", "Alice");
  assert_stream_json (json_array_get_object_element (items, 1), screen,
      "screen", "");

  one_path = g_strdup_printf ("/stream/%s", ot_stream_get_id (screen));
  one = call (f, &p, "GET", one_path, NULL);
  oroot = rest_assert_json (one);
  assert_stream_json (json_node_get_object (oroot), screen, "screen", "");
  published_clear (&p);
}

static void
test_stream_errors (RestFixture * f, gconstpointer data)
{
  Published p = { 0 };
  g_autofree gchar *other_sid = NULL;
  g_autofree gchar *other_path = NULL;
  g_autofree gchar *unknown_path = NULL;
  g_autoptr (OtSession) unknown = NULL;

  published_init (f, &p);
  {
    g_autoptr (RestReply) r = call (f, &p, "GET", "/stream/nope", NULL);
    g_free (rest_assert_error (r, 404));
  }
  {
    g_autoptr (RestReply) r = call (f, &p, "GET", "/stream/a%20b", NULL);
    g_free (rest_assert_error (r, 400));
  }
  {
    g_autoptr (RestReply) r = rest_call (f, "GET", "/v2/project/" TEST_API_KEY
        "/session/not-a-session/stream", p.token, NULL);
    g_free (rest_assert_error (r, 400));
  }
  /* A session of the other project: 404, as an unknown one. */
  other_sid = test_create_session (f, OTHER_API_KEY, OTHER_SECRET);
  other_path = g_strdup_printf ("/v2/project/%s/session/%s/stream",
      TEST_API_KEY, other_sid);
  {
    g_autoptr (RestReply) r = rest_call (f, "GET", other_path, p.token, NULL);
    g_free (rest_assert_error (r, 404));
  }
  /* A well-formed ID the hub does not have. */
  unknown = ot_hub_create_session (ot_hub_get_default (), TEST_API_KEY, NULL,
      TRUE);
  unknown_path = g_strdup_printf ("/v2/project/%s/session/%s/stream",
      TEST_API_KEY, ot_session_get_id (unknown));
  ot_hub_remove_session (ot_hub_get_default (), ot_session_get_id (unknown));
  {
    g_autoptr (RestReply) r = rest_call (f, "GET", unknown_path, p.token, NULL);
    g_free (rest_assert_error (r, 404));
  }
  published_clear (&p);
}

static void
test_mute_stream (RestFixture * f, gconstpointer data)
{
  Published p = { 0 };
  g_autoptr (OtStream) a = NULL;
  g_autoptr (OtStream) b = NULL;
  g_autoptr (OtStream) c = NULL;
  g_autofree gchar *pa = NULL;
  g_autofree gchar *pb = NULL;
  g_autofree gchar *pc = NULL;

  published_init (f, &p);
  a = publish (&p, "a", OT_VIDEO_TYPE_CAMERA);
  b = publish (&p, "b", OT_VIDEO_TYPE_CAMERA);
  c = publish (&p, "c", OT_VIDEO_TYPE_CAMERA);
  pa = g_strdup_printf ("/stream/%s/mute", ot_stream_get_id (a));
  pb = g_strdup_printf ("/stream/%s/mute", ot_stream_get_id (b));
  pc = g_strdup_printf ("/stream/%s/mute", ot_stream_get_id (c));
  {
    /* Body {} with Content-Type. */
    g_autoptr (RestReply) r = call (f, &p, "POST", pa, "{}");
    g_autoptr (JsonNode) root = rest_assert_json (r);
    g_assert_true (json_object_get_boolean_member (json_node_get_object
            (root), "muted"));
  }
  {
    /* Empty body, no Content-Type. */
    g_autofree gchar *path = g_strconcat (p.prefix, pb, NULL);
    SoupMessage *msg = rest_message_new (f, "POST", path);
    g_autoptr (RestReply) r = NULL;
    g_autoptr (JsonNode) root = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "X-OPENTOK-AUTH", p.token);
    r = rest_send (f, msg);
    root = rest_assert_json (r);
  }
  {
    /* Empty body with Content-Type. */
    g_autoptr (RestReply) r = call (f, &p, "POST", pc, "");
    g_autoptr (JsonNode) root = rest_assert_json (r);
  }
  g_assert_true (ot_stream_is_muted (a));
  g_assert_true (ot_stream_is_muted (b));
  g_assert_true (ot_stream_is_muted (c));
  {
    g_autoptr (RestReply) r = call (f, &p, "POST", "/stream/nope/mute", "{}");
    g_free (rest_assert_error (r, 404));
  }
  {
    /* A stream that ignores force mute (a SIP leg without
     * observeForceMute): still 200, reported as not muted. */
    g_autoptr (OtStream) deaf = publish (&p, "deaf", OT_VIDEO_TYPE_CAMERA);
    g_autofree gchar *path = g_strdup_printf ("/stream/%s/mute",
        ot_stream_get_id (deaf));
    g_autoptr (RestReply) r = NULL;
    g_autoptr (JsonNode) root = NULL;

    ot_stream_set_observe_force_mute (deaf, FALSE);
    r = call (f, &p, "POST", path, "{}");
    root = rest_assert_json (r);
    g_assert_false (json_object_get_boolean_member (json_node_get_object
            (root), "muted"));
    g_assert_false (ot_stream_is_muted (deaf));
  }
  published_clear (&p);
}

static void
mute_all (RestFixture * f, Published * p, const gchar * body)
{
  g_autoptr (RestReply) r = call (f, p, "POST", "/mute", body);
  g_autoptr (JsonNode) root = rest_assert_json (r);

  g_assert_true (json_object_has_member (json_node_get_object (root),
          "active"));
}

static void
test_mute_all (RestFixture * f, gconstpointer data)
{
  const gchar *spellings[] = { "excludedStreamIds", "excludedStreams",
    "excudedStreamIds",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (spellings); i++) {
    Published p = { 0 };
    g_autoptr (OtStream) a = NULL;
    g_autoptr (OtStream) kept = NULL;
    g_autoptr (OtStream) later = NULL;
    g_autoptr (OtStream) after_off = NULL;
    g_autofree gchar *body = NULL;

    published_init (f, &p);
    a = publish (&p, "a", OT_VIDEO_TYPE_CAMERA);
    kept = publish (&p, "kept", OT_VIDEO_TYPE_CAMERA);
    body = g_strdup_printf ("{\"active\":%s,\"%s\":[\"%s\"]}",
        i == 1 ? "\"true\"" : "true", spellings[i], ot_stream_get_id (kept));
    mute_all (f, &p, body);
    g_assert_true (ot_stream_is_muted (a));
    g_assert_false (ot_stream_is_muted (kept));
    g_assert_true (ot_session_get_mute_all (p.session));
    /* Kept for streams published later. */
    later = publish (&p, "later", OT_VIDEO_TYPE_CAMERA);
    g_assert_true (ot_stream_is_muted (later));
    mute_all (f, &p, i == 2 ? "{\"active\":\"false\",\"excludedStreamIds\":"
        "null}" : "{\"active\":false}");
    g_assert_false (ot_session_get_mute_all (p.session));
    after_off = publish (&p, "after", OT_VIDEO_TYPE_CAMERA);
    g_assert_false (ot_stream_is_muted (after_off));
    published_clear (&p);
  }
}

static void
test_mute_all_errors (RestFixture * f, gconstpointer data)
{
  Published p = { 0 };
  struct
  {
    const gchar *body, *reason;
  } cases[] = {
    {"", "active is required"}, {"{}", "active is required"},
    {"{\"active\":null}", "active is required"},
    {"{\"active\":\"maybe\"}", "active must be a boolean"},
    {"{\"active\":1}", "active must be a boolean"},
    {"{\"active\":true,\"excludedStreamIds\":\"x\"}", "excludedStreamIds must"},
    {"{\"active\":true,\"excludedStreams\":[1]}", "excludedStreams must"},
  };

  published_init (f, &p);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (RestReply) r = call (f, &p, "POST", "/mute", cases[i].body);
    g_autofree gchar *message = rest_assert_error (r, 400);
    if (!strstr (message, cases[i].reason))
      g_error ("“%s” does not contain “%s”", message, cases[i].reason);
  }
  published_clear (&p);
}

static void
test_disconnect (RestFixture * f, gconstpointer data)
{
  Published p = { 0 };
  g_autoptr (OtStream) stream = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *full = NULL;

  published_init (f, &p);
  stream = publish (&p, "leaving", OT_VIDEO_TYPE_CAMERA);
  path = g_strdup_printf ("/connection/%s", ot_connection_get_id (p.conn));
  full = g_strconcat (p.prefix, path, NULL);
  {
    /* PHP sends a Content-Type even without a body. */
    SoupMessage *msg = rest_message_new (f, "DELETE", full);
    g_autoptr (RestReply) r = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "X-OPENTOK-AUTH", p.token);
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Content-Type", "application/json");
    r = rest_send (f, msg);
    g_assert_cmpuint (r->status, ==, 204);
    g_assert_cmpuint (r->len, ==, 0);
  }
  g_assert_false (ot_connection_is_connected (p.conn));
  g_assert_false (ot_stream_is_published (stream));
  {
    g_autoptr (RestReply) r = call (f, &p, "GET", "/stream", NULL);
    g_autoptr (JsonNode) root = rest_assert_json (r);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root),
            "count"), ==, 0);
  }
  {
    g_autoptr (RestReply) r = call (f, &p, "DELETE", path, NULL);
    g_free (rest_assert_error (r, 404));
  }
  {
    g_autoptr (RestReply) r = call (f, &p, "DELETE", "/connection/a%20b", NULL);
    g_free (rest_assert_error (r, 400));
  }
  {
    g_autoptr (RestReply) r = rest_call (f, "DELETE", "/v2/project/"
        TEST_API_KEY "/session/bad/connection/c", p.token, NULL);
    g_free (rest_assert_error (r, 400));
  }
  published_clear (&p);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) g_test_add ("/rest-session/" name, RestFixture, NULL, \
    rest_fixture_setup, func, rest_fixture_teardown)
  ADD ("create-json", test_create_json);
  ADD ("create-options", test_create_options);
  ADD ("create-xml", test_create_xml);
  ADD ("create-other-project", test_create_other_project);
  ADD ("streams", test_streams);
  ADD ("stream-errors", test_stream_errors);
  ADD ("mute-stream", test_mute_stream);
  ADD ("mute-all", test_mute_all);
  ADD ("mute-all-errors", test_mute_all_errors);
  ADD ("disconnect", test_disconnect);
#undef ADD
  return g_test_run ();
}
