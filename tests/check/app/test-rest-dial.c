/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dial routes over real HTTP (every refusal, with its field, in the
 * documented order) and the typed request they build, as the SDKs send
 * it.  A valid dial reaches the SIP side (tests/check/call/ dials real
 * peers). */
#include <gst/gst.h>
#include <string.h>

#include "gw-error.h"
#include "ot-hub.h"
#include "rest-dial.h"
#include "rest-json.h"
#include "rest-test-utils.h"

#define DIAL "/v2/project/" TEST_API_KEY "/dial"
#define CALL "/v2/project/" TEST_API_KEY "/call"
#define HS256 "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define SIP_OK "{\"uri\":\"sip:bob@127.0.0.1:5090\"}"

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* A Node 2.23 client token (JWT). */
static gchar *
client_jwt (const gchar * secret, const gchar * sid, const gchar * role,
    gint64 exp, const gchar * data)
{
  g_autofree gchar *claims = g_strdup_printf ("{\"iss\":\"" TEST_API_KEY
      "\",\"ist\":\"project\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%"
      G_GINT64_FORMAT ",\"session_id\":\"%s\",\"role\":\"%s\",\"scope\":"
      "\"session.connect\",\"nonce\":0.5,\"initial_layout_class_list\":[],"
      "\"connection_data\":\"%s\"}", now (), exp, sid, role, data);

  return test_jwt_raw (HS256, claims, secret, G_CHECKSUM_SHA256);
}

/* A legacy T1 client token, as PHP makes it (connection_data
 * urlencoded with '+' for spaces). */
static gchar *
client_t1 (const gchar * sid, const gchar * role, const gchar * data_form)
{
  g_autofree gchar *data = g_strdup_printf ("session_id=%s&create_time=%"
      G_GINT64_FORMAT "&role=%s&nonce=1700000000.1234&expire_time=%"
      G_GINT64_FORMAT "&connection_data=%s", sid, now (), role,
      now () + 3600, data_form);
  g_autofree gchar *sig = g_compute_hmac_for_string (G_CHECKSUM_SHA1,
      (const guchar *) TEST_SECRET, strlen (TEST_SECRET), data, -1);
  g_autofree gchar *raw = g_strdup_printf ("partner_id=" TEST_API_KEY
      "&sig=%s:%s", sig, data);
  g_autofree gchar *b64 = g_base64_encode ((const guchar *) raw,
      strlen (raw));

  return g_strconcat ("T1==", b64, NULL);
}

typedef struct
{
  RestFixture rest;
  gchar *rest_token;            /* X-OPENTOK-AUTH */
  gchar *sid;                   /* a routed session */
  gchar *token;                 /* a publisher token for it */
} DialFixture;

static void
dial_setup (DialFixture * f, gconstpointer data)
{
  rest_fixture_setup (&f->rest, data);
  f->rest_token = test_rest_jwt (TEST_API_KEY, TEST_SECRET, 300);
  f->sid = test_create_session (&f->rest, TEST_API_KEY, TEST_SECRET);
  f->token = client_jwt (TEST_SECRET, f->sid, "publisher", now () + 600,
      "name=sip");
}

static void
dial_teardown (DialFixture * f, gconstpointer data)
{
  ot_hub_remove_session (ot_hub_get_default (), f->sid);
  g_free (f->rest_token);
  g_free (f->sid);
  g_free (f->token);
  rest_fixture_teardown (&f->rest, data);
}

static gchar *
body_for (const gchar * sid, const gchar * token, const gchar * sip)
{
  return g_strdup_printf ("{\"sessionId\":\"%s\",\"token\":\"%s\",\"sip\":"
      "%s}", sid, token, sip);
}

static RestReply *
post (DialFixture * f, const gchar * path, const gchar * body)
{
  return rest_call (&f->rest, "POST", path, f->rest_token, body);
}

static void
assert_error (RestReply * reply, guint status, const gchar * text)
{
  g_autofree gchar *message = rest_assert_error (reply, status);

  if (!strstr (message, text))
    g_error ("“%s” does not contain “%s”", message, text);
}

/* The dial was accepted up to the SIP side: a call (200 and its IDs), or
 * a refusal of what the SIP side does not have yet (501: video). */
static void
assert_reached_sip (RestReply * reply)
{
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o;

  if (reply->status == 501) {
    assert_error (reply, 501, "not supported yet");
    return;
  }
  node = rest_assert_json (reply);
  o = json_node_get_object (node);
  g_assert_nonnull (json_object_get_string_member_with_default (o, "id", NULL));
  g_assert_nonnull (json_object_get_string_member_with_default (o,
          "connectionId", NULL));
  g_assert_nonnull (json_object_get_string_member_with_default (o,
          "streamId", NULL));
}

static void
test_top_level_errors (DialFixture * f, gconstpointer data)
{
  g_autofree gchar *no_sid = g_strdup_printf ("{\"token\":\"%s\",\"sip\":"
      SIP_OK "}", f->token);
  g_autofree gchar *null_token = g_strdup_printf ("{\"sessionId\":\"%s\","
      "\"token\":null,\"sip\":" SIP_OK "}", f->sid);
  g_autofree gchar *empty_token = body_for (f->sid, "", SIP_OK);
  g_autofree gchar *bad_sid = body_for ("2_notasession", f->token, SIP_OK);
  g_autofree gchar *no_sip = g_strdup_printf ("{\"sessionId\":\"%s\","
      "\"token\":\"%s\",\"sip\":null}", f->sid, f->token);
  g_autofree gchar *sip_string = body_for (f->sid, f->token, "\"sip:a@b\"");
  g_autofree gchar *sid_number = g_strdup_printf ("{\"sessionId\":1,"
      "\"token\":\"%s\",\"sip\":" SIP_OK "}", f->token);
  struct
  {
    const gchar *body, *reason;
  } cases[] = {
    {NULL, "sessionId is required"}, {"{}", "sessionId is required"},
    {no_sid, "sessionId is required"}, {sid_number, "sessionId must be"},
    {null_token, "token is required"}, {empty_token, "token is empty"},
    {bad_sid, "sessionId is not a session ID"},
    {no_sip, "sip is required"}, {sip_string, "sip must be an object"},
    {"[1]", "malformed JSON"},
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (RestReply) r = post (f, DIAL, cases[i].body);
    assert_error (r, 400, cases[i].reason);
  }
}

static void
test_sip_errors (DialFixture * f, gconstpointer data)
{
  g_autoptr (GString) many = g_string_new ("{\"uri\":\"sip:a@b\","
      "\"headers\":{");
  struct
  {
    const gchar *sip, *reason;
  } cases[] = {
    {"{}", "sip.uri is required"}, {"{\"uri\":null}", "sip.uri is required"},
    {"{\"uri\":5}", "sip.uri must be a string"},
    {"{\"uri\":\"tel:+1555\"}", "sip.uri: not a sip: or sips: URI"},
    {"{\"uri\":\"sip:bob@host:99999\"}", "sip.uri: the port"},
    {"{\"uri\":\"sip:bob@host;transport=ws\"}", "sip.uri: transport"},
    {"{\"uri\":\"sip:host\"}", "sip.uri: the URI has no user"},
    {"{\"uri\":\"sip:a@b\",\"from\":7}", "sip.from must be a string"},
    {"{\"uri\":\"sip:a@b\",\"from\":\"a b\"}", "sip.from: must not"},
    {"{\"uri\":\"sip:a@b\",\"from\":\"x@-\"}", "sip.from: “-” is not"},
    {"{\"uri\":\"sip:a@b\",\"headers\":\"X-A: 1\"}",
        "sip.headers must be an object"},
    {"{\"uri\":\"sip:a@b\",\"headers\":{\"Subject\":\"hi\"}}",
        "sip.headers: the header name “Subject” does not start with X-"},
    {"{\"uri\":\"sip:a@b\",\"headers\":{\"X-A B\":\"1\"}}",
        "sip.headers: the header name “X-A B” is not a SIP token"},
    {"{\"uri\":\"sip:a@b\",\"headers\":{\"X-A\":\"1\\r\\nVia: x\"}}",
        "sip.headers: the value of X-A contains CR, LF"},
    {"{\"uri\":\"sip:a@b\",\"headers\":{\"X-A\":1}}",
        "sip.headers: the value of X-A must be a string"},
    {"{\"uri\":\"sip:a@b\",\"auth\":{\"password\":\"p\"}}",
        "sip.auth.username is required"},
    {"{\"uri\":\"sip:a@b\",\"auth\":{}}", "sip.auth.username is required"},
    {"{\"uri\":\"sip:a@b\",\"auth\":{\"username\":\"\"}}",
        "sip.auth: the username is empty"},
    {"{\"uri\":\"sip:a@b\",\"auth\":{\"username\":\"u\",\"password\":1}}",
        "sip.auth.password must be a string"},
    {"{\"uri\":\"sip:a@b\",\"auth\":\"u:p\"}", "sip.auth must be an object"},
    {"{\"uri\":\"sip:a@b\",\"secure\":\"yes\"}",
        "sip.secure must be a boolean"},
    {"{\"uri\":\"sip:a@b\",\"video\":1}", "sip.video must be a boolean"},
    {"{\"uri\":\"sip:a@b\",\"observeForceMute\":\"TRUE\"}",
        "sip.observeForceMute must be a boolean"},
    {"{\"uri\":\"sip:a@b\",\"streams\":\"s1\"}",
        "sip.streams must be an array of strings"},
    {"{\"uri\":\"sip:a@b\",\"streams\":[\"s1\",2]}",
        "sip.streams must be an array of strings"},
    {"{\"uri\":\"sip:a@b\",\"streams\":[\"s1\",\"a b\"]}",
        "sip.streams[1] is not a valid ID"},
    {NULL, "sip.headers: more than 20 headers"},
  };

  for (guint i = 0; i <= GW_DIAL_MAX_HEADERS; i++)
    g_string_append_printf (many, "%s\"X-H%u\":\"v\"", i ? "," : "", i);
  g_string_append (many, "}}");
  cases[G_N_ELEMENTS (cases) - 1].sip = many->str;
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree gchar *body = body_for (f->sid, f->token, cases[i].sip);
    g_autoptr (RestReply) a = post (f, DIAL, body);
    g_autoptr (RestReply) b = post (f, CALL, body);

    assert_error (a, 400, cases[i].reason);
    assert_error (b, 400, cases[i].reason);
  }
}

/* 400 before 404/409, those before 403. */
static void
test_order (DialFixture * f, gconstpointer data)
{
  OtHub *hub = ot_hub_get_default ();
  g_autoptr (OtSession) gone = ot_hub_create_session (hub, TEST_API_KEY,
      NULL, TRUE);
  g_autoptr (OtSession) relayed = ot_hub_create_session (hub, TEST_API_KEY,
      NULL, FALSE);
  g_autofree gchar *other_sid = test_create_session (&f->rest, OTHER_API_KEY,
      OTHER_SECRET);
  const gchar *gone_sid = ot_session_get_id (gone);
  const gchar *relayed_sid = ot_session_get_id (relayed);
  g_autofree gchar *gone_token = client_jwt (TEST_SECRET, gone_sid,
      "publisher", now () + 60, "");
  g_autofree gchar *relayed_token = client_jwt (TEST_SECRET, relayed_sid,
      "publisher", now () + 60, "");
  struct
  {
    gchar *body;
    guint status;
    const gchar *reason;
  } cases[] = {
    /* Unknown session and a bad URI: the body first. */
    {body_for (gone_sid, "garbage", "{\"uri\":\"x\"}"), 400, "sip.uri"},
    {body_for (gone_sid, gone_token, SIP_OK), 404, "not found"},
    {body_for (gone_sid, "garbage", SIP_OK), 404, "not found"},
    /* Another project's session is unknown here. */
    {body_for (other_sid, f->token, SIP_OK), 404, "not found"},
    {body_for (relayed_sid, relayed_token, SIP_OK), 409, "relayed"},
    {body_for (relayed_sid, "garbage", SIP_OK), 409, "relayed"},
    {body_for (f->sid, "garbage", SIP_OK), 403, "token"},
  };

  ot_hub_remove_session (hub, gone_sid);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (RestReply) r = post (f, DIAL, cases[i].body);
    assert_error (r, cases[i].status, cases[i].reason);
    g_free (cases[i].body);
  }
  ot_hub_remove_session (hub, relayed_sid);
  ot_hub_remove_session (hub, other_sid);
}

static void
test_token_refused (DialFixture * f, gconstpointer data)
{
  g_autofree gchar *other_sid = test_create_session (&f->rest, TEST_API_KEY,
      TEST_SECRET);
  g_autofree gchar *wrong_secret = client_jwt (OTHER_SECRET, f->sid,
      "publisher", now () + 600, "");
  g_autofree gchar *other_session = client_jwt (TEST_SECRET, other_sid,
      "publisher", now () + 600, "");
  g_autofree gchar *expired = client_jwt (TEST_SECRET, f->sid, "publisher",
      now () - 3600, "");
  g_autofree gchar *subscriber = client_jwt (TEST_SECRET, f->sid,
      "subscriber", now () + 600, "");
  g_autofree gchar *t1_subscriber = client_t1 (f->sid, "subscriber", "x");
  struct
  {
    const gchar *token, *reason;
  } cases[] = {
    {wrong_secret, "signature"}, {other_session, "not for session"},
    {expired, "expired"}, {subscriber, "subscriber may not publish"},
    {t1_subscriber, "subscriber may not publish"},
    /* A REST credential is not a client token. */
    {f->rest_token, "not a client token"}, {"T1==%%%", "base64"},
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree gchar *body = body_for (f->sid, cases[i].token, SIP_OK);
    g_autoptr (RestReply) r = post (f, DIAL, body);
    g_autofree gchar *message = rest_assert_error (r, 403);

    if (!g_str_has_prefix (message, "token: ")
        || !strstr (message, cases[i].reason))
      g_error ("“%s” is not about “%s”", message, cases[i].reason);
  }
  ot_hub_remove_session (ot_hub_get_default (), other_sid);
}

static void
test_accepted_tokens (DialFixture * f, gconstpointer data)
{
  g_autofree gchar *t1 = client_t1 (f->sid, "publisher", "name%3Dsip");
  g_autofree gchar *moderator = client_jwt (TEST_SECRET, f->sid,
      "moderator", now () + 600, "");
  g_autofree gchar *publisheronly = client_jwt (TEST_SECRET, f->sid,
      "publisheronly", now () + 600, "");
  const gchar *tokens[] = { f->token, t1, moderator, publisheronly };

  for (gsize i = 0; i < G_N_ELEMENTS (tokens); i++) {
    g_autofree gchar *body = body_for (f->sid, tokens[i], SIP_OK);
    g_autoptr (RestReply) a = post (f, DIAL, body);
    g_autoptr (RestReply) b = post (f, CALL, body);

    assert_reached_sip (a);
    assert_reached_sip (b);
  }
}

static void
test_sdk_bodies (DialFixture * f, gconstpointer data)
{
  const gchar *sips[] = {
    /* Node 2.23 */
    "{\"uri\":\"sip:bob@127.0.0.1:5090;transport=tcp\",\"from\":"
        "\"15551234@example.com\",\"headers\":{\"X-Custom\":\"1\"},"
        "\"auth\":{\"username\":\"u\",\"password\":\"p\"},\"secure\":false,"
        "\"video\":true,\"observeForceMute\":true,\"streams\":[\"s1\"]}",
    /* PHP: nulls, secure true, empty maps as [] */
    "{\"uri\":\"sip:bob@127.0.0.1\",\"secure\":true,\"headers\":[],"
        "\"auth\":null,\"from\":null,\"video\":null,\"observeForceMute\":"
        "null,\"streams\":null}",
    /* Ruby: string booleans (loopback: a test never resolves names) */
    "{\"uri\":\"sips:bob@127.0.0.1:5\",\"secure\":\"true\",\"video\":"
        "\"false\",\"observeForceMute\":\"true\"}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (sips); i++) {
    g_autofree gchar *body = body_for (f->sid, f->token, sips[i]);
    g_autoptr (RestReply) r = post (f, i == 1 ? CALL : DIAL, body);
    assert_reached_sip (r);
  }
}

/* What the route hands to the gateway, built from a body. */
static GwDialRequest *
prepare (DialFixture * f, const gchar * body, GError ** error)
{
  const GwProject *project = gw_settings_lookup_project
      (gw_gateway_get_settings (f->rest.gateway), TEST_API_KEY);
  g_autoptr (JsonObject) json = gw_rest_json_parse_object (body, -1, NULL);
  g_autoptr (OtSession) session = NULL;
  GwDialRequest *dial;

  g_assert_nonnull (json);
  dial = gw_rest_dial_prepare (f->rest.gateway, project, json, &session, error);
  if (dial)
    g_assert_cmpstr (ot_session_get_id (session), ==, f->sid);
  else
    g_assert_null (session);
  return dial;
}

static void
test_typed_request (DialFixture * f, gconstpointer data)
{
  g_autofree gchar *body = body_for (f->sid, f->token,
      "{\"uri\":\"sip:+15551234@pbx.example.com:5070;transport=tls\","
      "\"from\":\"+15550000@gw.example.com\",\"headers\":{\"X-B\":\"2\","
      "\"X-A\":\"1\",\"X-Null\":null},\"auth\":{\"username\":\"user\","
      "\"password\":\"pa:ss\"},\"secure\":true,\"video\":\"true\","
      "\"observeForceMute\":true,\"streams\":[\"s1\",\"s2\"]}");
  g_autoptr (GError) error = NULL;
  g_autoptr (GwDialRequest) d = prepare (f, body, &error);
  GwDialHeader *h;

  g_assert_no_error (error);
  g_assert_cmpstr (d->api_key, ==, TEST_API_KEY);
  g_assert_cmpstr (d->session_id, ==, f->sid);
  g_assert_cmpstr (d->connection_data, ==, "name=sip");
  g_assert_cmpstr (d->uri, ==,
      "sip:+15551234@pbx.example.com:5070;transport=tls");
  g_assert_cmpstr (d->target.user, ==, "+15551234");
  g_assert_cmpstr (d->target.host, ==, "pbx.example.com");
  g_assert_cmpuint (d->target.port, ==, 5070);
  g_assert_cmpint (d->target.transport, ==, GW_DIAL_TRANSPORT_TLS);
  g_assert_cmpstr (d->from_user, ==, "+15550000");
  g_assert_cmpstr (d->from_host, ==, "gw.example.com");
  /* Body order, nulls dropped. */
  g_assert_cmpuint (d->headers->len, ==, 2);
  h = g_ptr_array_index (d->headers, 0);
  g_assert_cmpstr (h->name, ==, "X-B");
  g_assert_cmpstr (h->value, ==, "2");
  h = g_ptr_array_index (d->headers, 1);
  g_assert_cmpstr (h->name, ==, "X-A");
  g_assert_cmpstr (d->auth_username, ==, "user");
  g_assert_cmpstr (d->auth_password, ==, "pa:ss");
  g_assert_true (d->secure);
  g_assert_true (d->video);
  g_assert_true (d->observe_force_mute);
  g_assert_cmpuint (g_strv_length (d->streams), ==, 2);
  g_assert_cmpstr (d->streams[1], ==, "s2");
}

static void
test_typed_defaults (DialFixture * f, gconstpointer data)
{
  g_autofree gchar *t1 = client_t1 (f->sid, "publisher", "Bob+%26+Co");
  g_autofree gchar *php = body_for (f->sid, t1, "{\"uri\":\"sip:b@h\","
      "\"secure\":true,\"headers\":[],\"auth\":null,\"from\":null,"
      "\"video\":null,\"observeForceMute\":null,\"streams\":[]}");
  g_autofree gchar *ruby = body_for (f->sid, f->token, "{\"uri\":\"sip:b@h\","
      "\"secure\":\"false\",\"video\":\"false\",\"observeForceMute\":"
      "\"false\",\"from\":\"\"}");
  g_autoptr (GwDialRequest) p = prepare (f, php, NULL);
  g_autoptr (GwDialRequest) r = prepare (f, ruby, NULL);

  g_assert_nonnull (p);
  g_assert_cmpstr (p->connection_data, ==, "Bob & Co");
  g_assert_true (p->secure);
  g_assert_false (p->video);
  g_assert_false (p->observe_force_mute);
  g_assert_null (p->from);
  g_assert_null (p->auth_username);
  g_assert_cmpuint (p->headers->len, ==, 0);
  g_assert_null (p->streams);
  g_assert_nonnull (r);
  g_assert_false (r->secure);
  g_assert_false (r->video);
  g_assert_false (r->observe_force_mute);
  g_assert_null (r->from);
}

static void
test_rest_auth (DialFixture * f, gconstpointer data)
{
  g_autofree gchar *body = body_for (f->sid, f->token, SIP_OK);
  g_autoptr (RestReply) none = rest_call (&f->rest, "POST", DIAL, NULL, body);
  /* The client token is no REST credential either. */
  g_autoptr (RestReply) client = rest_call (&f->rest, "POST", CALL, f->token,
      body);

  assert_error (none, 403, "missing credentials");
  assert_error (client, 403, "client token");
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) g_test_add ("/rest-dial/" name, DialFixture, NULL, \
    dial_setup, func, dial_teardown)
  ADD ("top-level-errors", test_top_level_errors);
  ADD ("sip-errors", test_sip_errors);
  ADD ("order", test_order);
  ADD ("token-refused", test_token_refused);
  ADD ("accepted-tokens", test_accepted_tokens);
  ADD ("sdk-bodies", test_sdk_bodies);
  ADD ("typed-request", test_typed_request);
  ADD ("typed-defaults", test_typed_defaults);
  ADD ("rest-auth", test_rest_auth);
#undef ADD
  return g_test_run ();
}
