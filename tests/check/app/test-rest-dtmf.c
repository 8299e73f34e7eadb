/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* play-dtmf over real HTTP: the digit rules, and the route's answers for
 * sessions and connections that are not there or are not SIP legs.  The
 * session has no SIP leg: a valid session-wide request answers 404
 * (test-call-dtmf.c plays to real ones). */
#include <gst/gst.h>
#include <string.h>

#include "gw-error.h"
#include "ot-hub.h"
#include "rest-dtmf.h"
#include "rest-test-utils.h"

typedef struct
{
  RestFixture rest;
  gchar *token;
  gchar *sid;
  gchar *prefix;                /* /v2/project/KEY/session/SID */
  OtSession *session;
  OtConnection *conn;           /* a connection that is no SIP leg */
} DtmfFixture;

static void
dtmf_setup (DtmfFixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  rest_fixture_setup (&f->rest, data);
  f->token = test_rest_jwt (TEST_API_KEY, TEST_SECRET, 300);
  f->sid = test_create_session (&f->rest, TEST_API_KEY, TEST_SECRET);
  f->prefix = g_strdup_printf ("/v2/project/%s/session/%s", TEST_API_KEY,
      f->sid);
  f->session = ot_hub_lookup_session (ot_hub_get_default (), f->sid);
  f->conn = ot_session_add_connection (f->session, NULL, "name=web", &error);
  g_assert_no_error (error);
}

static void
dtmf_teardown (DtmfFixture * f, gconstpointer data)
{
  ot_hub_remove_session (ot_hub_get_default (), f->sid);
  g_clear_object (&f->conn);
  g_clear_object (&f->session);
  g_free (f->token);
  g_free (f->sid);
  g_free (f->prefix);
  rest_fixture_teardown (&f->rest, data);
}

static RestReply *
play (DtmfFixture * f, const gchar * suffix, const gchar * body)
{
  g_autofree gchar *path = g_strconcat (f->prefix, suffix, NULL);

  return rest_call (&f->rest, "POST", path, f->token, body);
}

static gchar *
connection_suffix (const gchar * connection_id)
{
  return g_strdup_printf ("/connection/%s/play-dtmf", connection_id);
}

static void
assert_error (RestReply * reply, guint status, const gchar * text)
{
  g_autofree gchar *message = rest_assert_error (reply, status);

  if (!strstr (message, text))
    g_error ("“%s” does not contain “%s”", message, text);
}

static void
test_digits (void)
{
  g_autofree gchar *longest = g_strnfill (GW_DTMF_MAX_DIGITS, '#');
  g_autofree gchar *too_long = g_strnfill (GW_DTMF_MAX_DIGITS + 1, '1');
  const gchar *good[] = { "0", "0123456789*#", "p", "1p2pp3#", longest };
  const gchar *bad[] = { NULL, "", "12a", "P", "1 2", "1,2", "ABCD", "+1",
    "１", "1\n", too_long,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (gw_dtmf_digits_validate (good[i], NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;

    g_assert_false (gw_dtmf_digits_validate (bad[i], &error));
    g_assert_error (error, GW_ERROR, GW_ERROR_INVALID);
    g_assert_true (g_str_has_prefix (error->message, "digits "));
  }
}

static void
test_body_errors (DtmfFixture * f, gconstpointer data)
{
  g_autofree gchar *conn = connection_suffix (ot_connection_get_id (f->conn));
  g_autofree gchar *ones = g_strnfill (GW_DTMF_MAX_DIGITS + 1, '1');
  g_autofree gchar *too_long = g_strdup_printf ("{\"digits\":\"%s\"}",
      ones);
  struct
  {
    const gchar *body, *reason;
  } cases[] = {
    {NULL, "digits is required"}, {"{}", "digits is required"},
    {"{\"digits\":null}", "digits is required"},
    {"{\"digits\":1234}", "digits must be a string"},
    {"{\"digits\":\"\"}", "digits is empty"},
    {"{\"digits\":\"12x\"}", "digits may only contain"},
    {too_long, "digits is longer than 256"},
    {"{\"digits\":", "malformed JSON"},
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (RestReply) a = play (f, "/play-dtmf", cases[i].body);
    g_autoptr (RestReply) b = play (f, conn, cases[i].body);

    assert_error (a, 400, cases[i].reason);
    assert_error (b, 400, cases[i].reason);
  }
}

static void
test_statuses (DtmfFixture * f, gconstpointer data)
{
  g_autofree gchar *known = connection_suffix (ot_connection_get_id (f->conn));
  g_autofree gchar *other_sid = test_create_session (&f->rest, OTHER_API_KEY,
      OTHER_SECRET);
  g_autofree gchar *other = g_strdup_printf ("/v2/project/%s/session/%s/"
      "play-dtmf", TEST_API_KEY, other_sid);
  g_autoptr (OtSession) gone = ot_hub_create_session (ot_hub_get_default (),
      TEST_API_KEY, NULL, TRUE);
  g_autofree gchar *gone_path = g_strdup_printf ("/v2/project/%s/session/%s/"
      "connection/c1/play-dtmf", TEST_API_KEY, ot_session_get_id (gone));
  const gchar *ok = "{\"digits\":\"1p2#\"}";

  ot_hub_remove_session (ot_hub_get_default (), ot_session_get_id (gone));
  {
    /* Every SIP leg: accepted, but there is none to play to. */
    g_autoptr (RestReply) r = play (f, "/play-dtmf", ok);
    assert_error (r, 404, "has no answered SIP call");
  }
  {
    /* A connection of the session that is not a SIP leg. */
    g_autoptr (RestReply) r = play (f, known, ok);
    assert_error (r, 404, "is not a SIP call");
  }
  {
    g_autoptr (RestReply) r = play (f, "/connection/nobody/play-dtmf", ok);
    assert_error (r, 404, "connection nobody not found");
  }
  {
    g_autoptr (RestReply) r = play (f, "/connection/a%20b/play-dtmf", ok);
    assert_error (r, 400, "connectionId is not a valid ID");
  }
  {
    g_autoptr (RestReply) r = rest_call (&f->rest, "POST", gone_path,
        f->token, ok);
    assert_error (r, 404, "session");
  }
  {
    /* Another project's session is unknown here. */
    g_autoptr (RestReply) r = rest_call (&f->rest, "POST", other, f->token, ok);
    assert_error (r, 404, "not found");
  }
  {
    g_autoptr (RestReply) r = rest_call (&f->rest, "POST", "/v2/project/"
        TEST_API_KEY "/session/bad/play-dtmf", f->token, ok);
    assert_error (r, 400, "sessionId");
  }
  {
    /* Bad digits for an unknown session: the body first. */
    g_autoptr (RestReply) r = rest_call (&f->rest, "POST", gone_path,
        f->token, "{\"digits\":\"x\"}");
    assert_error (r, 400, "digits");
  }
  {
    g_autofree gchar *path = g_strconcat (f->prefix, "/play-dtmf", NULL);
    g_autoptr (RestReply) r = rest_call (&f->rest, "POST", path, NULL, ok);
    assert_error (r, 403, "missing credentials");
  }
  /* Nothing was disturbed. */
  g_assert_true (ot_connection_is_connected (f->conn));
  ot_hub_remove_session (ot_hub_get_default (), other_sid);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rest-dtmf/digits", test_digits);
#define ADD(name, func) g_test_add ("/rest-dtmf/" name, DtmfFixture, NULL, \
    dtmf_setup, func, dtmf_teardown)
  ADD ("body-errors", test_body_errors);
  ADD ("statuses", test_statuses);
#undef ADD
  return g_test_run ();
}
