/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The REST plumbing over real HTTP: routing errors, body limits, malformed
 * bodies, and every JWT variant as the credential. */
#include <gst/gst.h>
#include <string.h>

#include "rest-api.h"
#include "rest-test-utils.h"

#define HS256 "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

static gchar *
streams_path (const gchar * api_key, const gchar * session_id)
{
  return g_strdup_printf ("/v2/project/%s/session/%s/stream", api_key,
      session_id);
}

static void
assert_message_contains (RestReply * reply, guint status, const gchar * text)
{
  g_autofree gchar *message = rest_assert_error (reply, status);

  if (!strstr (message, text))
    g_error ("“%s” does not contain “%s”", message, text);
}

static void
test_unknown_route (RestFixture * f, gconstpointer data)
{
  const gchar *paths[] = { "/", "/nope", "/session/create/",
    "/v2/project/" TEST_API_KEY "/session", "/v2/project//dial",
    "/v2/project/" TEST_API_KEY "/session/x/stream/y/z",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++) {
    g_autoptr (RestReply) r = rest_call (f, "GET", paths[i], NULL, NULL);
    g_autofree gchar *m = rest_assert_error (r, 404);
  }
}

static void
test_wrong_method (RestFixture * f, gconstpointer data)
{
  g_autoptr (RestReply) a = rest_call (f, "GET", "/session/create", NULL, NULL);
  g_autoptr (RestReply) b = rest_call (f, "DELETE",
      "/v2/project/1/session/s/stream", NULL, NULL);
  g_autoptr (RestReply) c = rest_call (f, "GET",
      "/v2/project/1/session/s/connection/c", NULL, NULL);
  g_autoptr (RestReply) d = rest_call (f, "PUT", "/v2/project/1/dial", NULL,
      "{}");
  g_autofree gchar *ma = rest_assert_error (a, 405);
  g_autofree gchar *mb = rest_assert_error (b, 405);
  g_autofree gchar *mc = rest_assert_error (c, 405);
  g_autofree gchar *md = rest_assert_error (d, 405);

  g_assert_cmpstr (a->allow, ==, "POST");
  g_assert_cmpstr (b->allow, ==, "GET");
  g_assert_cmpstr (c->allow, ==, "DELETE");
  g_assert_cmpstr (d->allow, ==, "POST");
}

static void
test_too_large (RestFixture * f, gconstpointer data)
{
  g_autofree gchar *token = test_rest_jwt (TEST_API_KEY, TEST_SECRET, 300);
  g_autofree gchar *big = g_strnfill (GW_REST_MAX_BODY + 1, ' ');
  g_autofree gchar *ok = g_strnfill (GW_REST_MAX_BODY, ' ');
  const gchar *path = "/v2/project/" TEST_API_KEY "/dial";
  g_autoptr (RestReply) declared = rest_call (f, "POST", path, token, big);
  g_autoptr (RestReply) at_limit = NULL;
  g_autoptr (RestReply) chunked = NULL;
  g_autoptr (GInputStream) stream = NULL;
  SoupMessage *msg;

  assert_message_contains (declared, 413, "over 65536");
  /* Exactly at the limit passes the size check (then dial reads it). */
  ok[0] = '{';
  ok[GW_REST_MAX_BODY - 1] = '}';
  at_limit = rest_call (f, "POST", path, token, ok);
  assert_message_contains (at_limit, 400, "sessionId is required");
  /* No Content-Length: libsoup sends it chunked. */
  msg = rest_message_new (f, "POST", path);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "X-OPENTOK-AUTH", token);
  stream = g_memory_input_stream_new_from_data (g_strdup (big),
      GW_REST_MAX_BODY + 1, g_free);
  soup_message_set_request_body (msg, "application/json", stream, -1);
  chunked = rest_send (f, msg);
  assert_message_contains (chunked, 413, "over 65536");
}

static void
test_malformed_json (RestFixture * f, gconstpointer data)
{
  g_autofree gchar *token = test_rest_jwt (TEST_API_KEY, TEST_SECRET, 300);
  g_autofree gchar *sid = test_create_session (f, TEST_API_KEY, TEST_SECRET);
  g_autofree gchar *path = g_strdup_printf ("/v2/project/%s/session/%s/mute",
      TEST_API_KEY, sid);
  const gchar *bodies[] =
      { "{\"active\":", "[true]", "\"x\"", "{\"a\":1,}", "{} x",
    "\xff\xfe",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++) {
    g_autoptr (RestReply) r = rest_call (f, "POST", path, token, bodies[i]);
    assert_message_contains (r, 400, "malformed JSON");
  }
}

static void
test_malformed_form (RestFixture * f, gconstpointer data)
{
  g_autofree gchar *token = test_rest_jwt (TEST_API_KEY, TEST_SECRET, 300);
  const gchar *bodies[] = { "p2p.preference=%zz", "location=%4",
    "p2p.preference", "a=%00", "a=%ff",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++) {
    SoupMessage *msg = rest_message_new (f, "POST", "/session/create");
    g_autoptr (RestReply) r = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "X-OPENTOK-AUTH", token);
    rest_message_set_body (msg, "application/x-www-form-urlencoded", bodies[i]);
    r = rest_send (f, msg);
    assert_message_contains (r, 400, "malformed form");
  }
}

/* GET the stream list of a fresh session with `token` in `header`. */
static RestReply *
list_with (RestFixture * f, const gchar * header, const gchar * value)
{
  g_autofree gchar *sid = test_create_session (f, TEST_API_KEY, TEST_SECRET);
  g_autofree gchar *path = streams_path (TEST_API_KEY, sid);
  SoupMessage *msg = rest_message_new (f, "GET", path);

  if (header)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        header, value);
  /* Node 2.23 sends a junk header named "headers": ignored. */
  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "headers", "[object Object]");
  return rest_send (f, msg);
}

static gchar *
jwt_at (const gchar * header, const gchar * iss, const gchar * secret,
    gint64 iat_offset, gint64 exp_offset, const gchar * extra)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree gchar *claims = g_strdup_printf ("{\"iss\":\"%s\",\"iat\":%"
      G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "%s}", iss,
      now + iat_offset, now + exp_offset, extra);

  return test_jwt_raw (header, claims, secret, G_CHECKSUM_SHA256);
}

static void
test_auth_accepted (RestFixture * f, gconstpointer data)
{
  const gchar *key = TEST_API_KEY, *secret = TEST_SECRET;
  g_autofree gchar *node = jwt_at (HS256, key, secret, 0, 300,
      ",\"ist\":\"project\",\"jti\":\"6c0d0a2e-3d8e-4b5e-9a43-1f2e3d4c5b6a\"");
  g_autofree gchar *ruby = jwt_at ("{\"alg\":\"HS256\",\"typ\":\"JWT\","
      "\"ist\":\"project\"}", key, secret, 0, 300, ",\"jti\":\"r\"");
  g_autofree gchar *python = jwt_at (HS256, key, secret, 0, 180,
      ",\"ist\":\"project\",\"jti\":\"0.21863917447478417\"");
  g_autofree gchar *no_ist = jwt_at (HS256, key, secret, 0, 180, "");
  g_autofree gchar *skewed = jwt_at (HS256, key, secret, -330, -30, "");
  g_autofree gchar *bearer = g_strconcat ("Bearer ", node, NULL);
  struct
  {
    const gchar *header, *value;
  } cases[] = {
    {"X-OPENTOK-AUTH", node}, {"x-opentok-auth", ruby},
    {"X-OPENTOK-AUTH", python}, {"X-OPENTOK-AUTH", no_ist},
    {"X-OPENTOK-AUTH", skewed}, {"Authorization", bearer},
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (RestReply) r = list_with (f, cases[i].header, cases[i].value);
    g_autoptr (JsonNode) root = rest_assert_json (r);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root),
            "count"), ==, 0);
  }
}

static void
test_auth_refused (RestFixture * f, gconstpointer data)
{
  const gchar *key = TEST_API_KEY, *secret = TEST_SECRET;
  g_autofree gchar *good = jwt_at (HS256, key, secret, 0, 300, "");
  g_auto (GStrv) parts = g_strsplit (good, ".", 3);
  g_autofree gchar *none = NULL;
  g_autofree gchar *none_sig = jwt_at ("{\"alg\":\"none\"}", key, secret, 0,
      300, "");
  g_autofree gchar *hs512 = NULL;
  g_autofree gchar *rs256 = jwt_at ("{\"alg\":\"RS256\"}", key, secret, 0,
      300, "");
  g_autofree gchar *wrong_sig = jwt_at (HS256, key, OTHER_SECRET, 0, 300, "");
  g_autofree gchar *expired = jwt_at (HS256, key, secret, -400, -100, "");
  /* Signed with this project's secret, but iss names another project. */
  g_autofree gchar *wrong_iss = jwt_at (HS256, OTHER_API_KEY, secret, 0, 300,
      "");
  /* A valid token of the other project, used on this project's path. */
  g_autofree gchar *other = jwt_at (HS256, OTHER_API_KEY, OTHER_SECRET, 0,
      300, "");
  g_autofree gchar *client = jwt_at (HS256, key, secret, 0, 300,
      ",\"ist\":\"project\",\"scope\":\"session.connect\",\"role\":"
      "\"publisher\",\"session_id\":\"2_x\"");
  g_autofree gchar *basic = g_strdup ("Basic dXNlcjpwYXNz");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree gchar *claims = g_strdup_printf ("{\"iss\":\"%s\",\"exp\":%"
      G_GINT64_FORMAT "}", key, now + 300);
  struct
  {
    const gchar *header, *value, *reason;
  } cases[] = {
    {NULL, NULL, "missing credentials"},
    {"Authorization", basic, "missing credentials"},
    {"X-OPENTOK-AUTH", NULL, "signature"},      /* alg none, no signature */
    {"X-OPENTOK-AUTH", none_sig, "none"},
    {"X-OPENTOK-AUTH", NULL, "HS512"},
    {"X-OPENTOK-AUTH", rs256, "RS256"},
    {"X-OPENTOK-AUTH", wrong_sig, "signature"},
    {"X-OPENTOK-AUTH", expired, "expired"},
    {"X-OPENTOK-AUTH", wrong_iss, "iss"},
    {"X-OPENTOK-AUTH", other, "signature"},
    {"X-OPENTOK-AUTH", client, "client token"},
  };

  none = g_strdup_printf ("%s.%s.", "eyJhbGciOiJub25lIn0", parts[1]);
  hs512 = test_jwt_raw ("{\"alg\":\"HS512\"}", claims, secret,
      G_CHECKSUM_SHA512);
  cases[2].value = none;
  cases[4].value = hs512;
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (RestReply) r = list_with (f, cases[i].header, cases[i].value);
    assert_message_contains (r, 403, cases[i].reason);
  }
}

static void
test_auth_project (RestFixture * f, gconstpointer data)
{
  g_autofree gchar *sid = test_create_session (f, TEST_API_KEY, TEST_SECRET);
  g_autofree gchar *other = test_rest_jwt (OTHER_API_KEY, OTHER_SECRET, 300);
  g_autofree gchar *unknown = test_rest_jwt ("999", TEST_SECRET, 300);
  g_autofree gchar *path = streams_path ("999", sid);
  /* iss = path key = the other project: authenticated, but the session is
   * this project's: 404, as for an unknown session. */
  g_autofree gchar *other_path = streams_path (OTHER_API_KEY, sid);
  g_autoptr (RestReply) a = rest_call (f, "GET", path, unknown, NULL);
  g_autoptr (RestReply) b = rest_call (f, "GET", other_path, other, NULL);

  assert_message_contains (a, 403, "unknown project 999");
  assert_message_contains (b, 404, "not found");
}

/* Dial and DTMF authenticate before reading their bodies (their own
 * answers are in test-rest-dial.c and test-rest-dtmf.c). */
static void
test_dial_dtmf_auth (RestFixture * f, gconstpointer data)
{
  g_autofree gchar *token = test_rest_jwt (TEST_API_KEY, TEST_SECRET, 300);
  const gchar *paths[] = {
    "/v2/project/" TEST_API_KEY "/dial",
    "/v2/project/" TEST_API_KEY "/call",
    "/v2/project/" TEST_API_KEY "/session/2_x/play-dtmf",
    "/v2/project/" TEST_API_KEY "/session/2_x/connection/c/play-dtmf",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++) {
    g_autoptr (RestReply) r = rest_call (f, "POST", paths[i], token, "{}");
    g_autoptr (RestReply) unauth = rest_call (f, "POST", paths[i], NULL, "{}");
    assert_message_contains (r, 400, "is required");
    assert_message_contains (unauth, 403, "missing credentials");
  }
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) g_test_add ("/rest-api/" name, RestFixture, NULL, \
    rest_fixture_setup, func, rest_fixture_teardown)
  ADD ("unknown-route", test_unknown_route);
  ADD ("wrong-method", test_wrong_method);
  ADD ("too-large", test_too_large);
  ADD ("malformed-json", test_malformed_json);
  ADD ("malformed-form", test_malformed_form);
  ADD ("auth-accepted", test_auth_accepted);
  ADD ("auth-refused", test_auth_refused);
  ADD ("auth-project", test_auth_project);
  ADD ("dial-dtmf-auth", test_dial_dtmf_auth);
#undef ADD
  return g_test_run ();
}
