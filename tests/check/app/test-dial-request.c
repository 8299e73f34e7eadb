/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GwDialRequest's parsers on their own: the strict SIP URI parser, the
 * custom header rules and the From value. */
#include <glib.h>
#include <string.h>

#include "dial-request.h"
#include "gw-error.h"

static void
assert_invalid (GError * error, const gchar * reason)
{
  g_assert_error (error, GW_ERROR, GW_ERROR_INVALID);
  if (!strstr (error->message, reason))
    g_error ("“%s” does not contain “%s”", error->message, reason);
}

static void
test_uri_valid (void)
{
  struct
  {
    const gchar *text, *user, *host;
    guint port;
    gboolean sips, ipv6;
    GwDialTransport transport;
  } cases[] = {
    {"sip:alice@example.com", "alice", "example.com", 0, FALSE, FALSE,
        GW_DIAL_TRANSPORT_DEFAULT},
    {"SIP:+15551234@127.0.0.1:5070;transport=UDP", "+15551234",
        "127.0.0.1", 5070, FALSE, FALSE, GW_DIAL_TRANSPORT_UDP},
    {"sip:user@sip.partner.com;transport=tls", "user", "sip.partner.com", 0,
        FALSE, FALSE, GW_DIAL_TRANSPORT_TLS},
    {"sips:bob@[::1]:5061", "bob", "::1", 5061, TRUE, TRUE,
        GW_DIAL_TRANSPORT_DEFAULT},
    {"sips:b@[2001:db8::2];transport=tcp;lr", "b", "2001:db8::2", 0, TRUE,
        TRUE, GW_DIAL_TRANSPORT_TCP},
    {"sip:a%20b;x=1@host-1.example.:65535;user=phone;maddr=10.0.0.1",
          "a%20b;x=1", "host-1.example.", 65535, FALSE, FALSE,
        GW_DIAL_TRANSPORT_DEFAULT},
    /* '#' must be escaped in a user part (see test_uri_invalid). */
    {"sip:*123%23@pbx", "*123%23", "pbx", 0, FALSE, FALSE,
        GW_DIAL_TRANSPORT_DEFAULT},
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    GwDialUri uri = { 0 };
    g_autoptr (GError) error = NULL;

    if (!gw_dial_uri_parse (cases[i].text, &uri, &error))
      g_error ("%s: %s", cases[i].text, error->message);
    g_assert_cmpstr (uri.user, ==, cases[i].user);
    g_assert_cmpstr (uri.host, ==, cases[i].host);
    g_assert_cmpuint (uri.port, ==, cases[i].port);
    g_assert_cmpint (uri.sips, ==, cases[i].sips);
    g_assert_cmpint (uri.host_is_ipv6, ==, cases[i].ipv6);
    g_assert_cmpint (uri.transport, ==, cases[i].transport);
    gw_dial_uri_clear (&uri);
  }
}

static void
test_uri_invalid (void)
{
  g_autofree gchar *long_user = g_strnfill (GW_DIAL_MAX_URI, 'a');
  g_autofree gchar *long_uri = g_strdup_printf ("sip:%s@example.com",
      long_user);
  struct
  {
    const gchar *text, *reason;
  } cases[] = {
    {"", "not a sip: or sips: URI"},
    {"tel:+15551234", "not a sip: or sips: URI"},
    {"http://alice@example.com", "not a sip: or sips: URI"},
    {"sip://alice@example.com", "“//”"},
    {"sip:example.com", "no user"},
    {"sip:@example.com", "no user"},
    {"sip:a@b@example.com", "more than one '@'"},
    {"sip:alice:secret@example.com", "password"},
    {"sip:al ice@example.com", "user part"},
    {"sip:*123#@pbx", "user part"},
    {"sip:a%2@example.com", "user part"},
    {"sip:a%00b@example.com", "user part"},
    {"sip:alice@", "host is empty"},
    {"sip:alice@:5060", "host is empty"},
    {"sip:alice@exa mple.com", "not a hostname"},
    {"sip:alice@-bad.com", "not a hostname"},
    {"sip:alice@1.2.3.999", "not a hostname"},
    {"sip:alice@1.2.3", "not a hostname"},
    {"sip:alice@a..b", "not a hostname"},
    {"sip:alice@host_name", "not a hostname"},
    {"sip:alice@::1", "host is empty"},
    {"sip:alice@[::1", "closing ']'"},
    {"sip:alice@[1.2.3.4]", "not an IPv6 address"},
    {"sip:alice@[fe80::1%25eth0]", "not an IPv6 address"},
    {"sip:alice@[::1]x", "after the IPv6 address"},
    {"sip:alice@example.com:0", "port"},
    {"sip:alice@example.com:65536", "port"},
    {"sip:alice@example.com:", "port"},
    {"sip:alice@example.com:+50", "port"},
    {"sip:alice@example.com:050600", "port"},
    {"sip:alice@example.com;transport=sctp", "transport must be"},
    {"sip:alice@example.com;transport", "transport must be"},
    {"sip:alice@example.com;transport=udp;Transport=tcp", "twice"},
    {"sip:alice@example.com;lr;lr", "twice"},
    {"sips:alice@example.com;transport=udp", "sips:"},
    {"sip:alice@example.com;", "malformed"},
    {"sip:alice@example.com;a=", "malformed"},
    {"sip:alice@example.com;a b", "malformed"},
    {"sip:alice@example.com;a=\r\nX-Evil: 1", "malformed"},
    {"sip:alice@example.com?Subject=hi", "?headers"},
    {NULL, "longer than"},
  };

  cases[G_N_ELEMENTS (cases) - 1].text = long_uri;
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    GwDialUri uri = { 0 };
    g_autoptr (GError) error = NULL;

    if (gw_dial_uri_parse (cases[i].text, &uri, &error))
      g_error ("%s was accepted", cases[i].text);
    assert_invalid (error, cases[i].reason);
    g_assert_null (uri.user);
    g_assert_null (uri.host);
  }
}

static void
test_headers (void)
{
  g_autoptr (GwDialRequest) r = gw_dial_request_new ("1", "2_x");
  g_autofree gchar *long_value = g_strnfill (GW_DIAL_MAX_HEADER_SIZE - 7,
      'v');
  g_auto (GStrv) lines = NULL;
  struct
  {
    const gchar *name, *value, *reason;
  } bad[] = {
    {"Subject", "x", "does not start with X-"},
    {"X-", "x", "does not start with X-"},
    {"Via", "x", "does not start with X-"},
    {"XFoo", "x", "does not start with X-"},
    {"X-Foo Bar", "x", "not a SIP token"},
    {"X-Foo:", "x", "not a SIP token"},
    {"X-Föö", "x", "not a SIP token"},
    {"X-Foo\r\nVia", "x", "not a SIP token"},
    {"X-Foo", "a\r\nVia: evil", "CR, LF"},
    {"X-Foo", "a\nb", "CR, LF"},
    {"X-Foo", "a\rb", "CR, LF"},
    {"X-Foo", "a\x01", "control"},
    {"X-Long", NULL, "longer than"},
  };

  bad[G_N_ELEMENTS (bad) - 1].value = long_value;
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;

    g_assert_false (gw_dial_request_add_header (r, bad[i].name, bad[i].value,
            &error));
    assert_invalid (error, bad[i].reason);
  }
  g_assert_cmpuint (r->headers->len, ==, 0);
  /* "X-Long: " + value is exactly the limit. */
  long_value[strlen (long_value) - 1] = '\0';
  g_assert_true (gw_dial_request_add_header (r, "X-Long", long_value, NULL));
  g_assert_true (gw_dial_request_add_header (r, "x-lower", "", NULL));
  g_assert_true (gw_dial_request_add_header (r, "X-Token.!%*_+`'~1", "tab\t"
          "and ünïcode", NULL));
  lines = gw_dial_request_dup_header_lines (r);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "X-Long: vvv"));
  g_assert_cmpstr (lines[1], ==, "x-lower: ");
  g_assert_cmpstr (lines[2], ==, "X-Token.!%*_+`'~1: tab\tand ünïcode");
}

static void
test_header_count (void)
{
  g_autoptr (GwDialRequest) r = gw_dial_request_new ("1", "2_x");
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < GW_DIAL_MAX_HEADERS; i++) {
    g_autofree gchar *name = g_strdup_printf ("X-H%u", i);
    g_assert_true (gw_dial_request_add_header (r, name, "v", NULL));
  }
  g_assert_false (gw_dial_request_add_header (r, "X-One-More", "v", &error));
  assert_invalid (error, "more than 20 headers");
  g_assert_cmpstr (((GwDialHeader *) r->headers->pdata[7])->name, ==, "X-H7");
}

static void
test_from (void)
{
  g_autoptr (GwDialRequest) r = gw_dial_request_new ("1", "2_x");
  g_autofree gchar *too_long = g_strnfill (GW_DIAL_MAX_FROM + 1, '1');
  const gchar *bad[] = { "a b", "a<b", "\"x\"", "a\r\n", "@host",
    "a@b@c", "a@bad host", "a@1.2.3.999", "a@host:99999", "a\tb", too_long,
  };

  g_assert_true (gw_dial_request_set_from (r, "+15551234", NULL));
  g_assert_cmpstr (r->from, ==, "+15551234");
  g_assert_cmpstr (r->from_user, ==, "+15551234");
  g_assert_null (r->from_host);
  g_assert_true (gw_dial_request_set_from (r, "Alice.ß@example.com", NULL));
  g_assert_cmpstr (r->from_user, ==, "Alice.ß");
  g_assert_cmpstr (r->from_host, ==, "example.com");
  g_assert_true (gw_dial_request_set_from (r, "bob@[::1]:5060", NULL));
  g_assert_cmpstr (r->from_host, ==, "[::1]:5060");
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;

    if (gw_dial_request_set_from (r, bad[i], &error))
      g_error ("from “%s” was accepted", bad[i]);
    g_assert_error (error, GW_ERROR, GW_ERROR_INVALID);
    /* A refused value leaves the request as it was. */
    g_assert_cmpstr (r->from, ==, "bob@[::1]:5060");
  }
  g_assert_true (gw_dial_request_set_from (r, "", NULL));
  g_assert_null (r->from);
  g_assert_null (r->from_user);
}

static void
test_auth (void)
{
  g_autoptr (GwDialRequest) r = gw_dial_request_new ("1", "2_x");
  g_autoptr (GError) empty = NULL;
  g_autoptr (GError) control = NULL;

  g_assert_false (gw_dial_request_set_auth (r, "", "pw", &empty));
  assert_invalid (empty, "username is empty");
  g_assert_false (gw_dial_request_set_auth (r, "u", "p\r\nw", &control));
  assert_invalid (control, "password contains control");
  g_assert_null (r->auth_username);
  g_assert_true (gw_dial_request_set_auth (r, "u", NULL, NULL));
  g_assert_cmpstr (r->auth_username, ==, "u");
  g_assert_cmpstr (r->auth_password, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dial-request/uri-valid", test_uri_valid);
  g_test_add_func ("/dial-request/uri-invalid", test_uri_invalid);
  g_test_add_func ("/dial-request/headers", test_headers);
  g_test_add_func ("/dial-request/header-count", test_header_count);
  g_test_add_func ("/dial-request/from", test_from);
  g_test_add_func ("/dial-request/auth", test_auth);
  return g_test_run ();
}
