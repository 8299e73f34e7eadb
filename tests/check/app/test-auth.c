/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* REST JWTs as each SDK makes them, and client tokens in both forms. */
#include <gst/gst.h>
#include <string.h>

#include "auth.h"
#include "gw-error.h"
#include "rest-test-utils.h"

#define KEY TEST_API_KEY
#define SECRET TEST_SECRET
#define SID "2_MX40NzAwMDAxfn4xNzAwMDAwMDAwMDAwfmFiY34"
#define NOW ((gint64) 1700000000)
#define HS256 "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

static gchar *
claims_jwt (const gchar * header, const gchar * secret, const gchar * fmt, ...)
{
  g_autofree gchar *claims = NULL;
  va_list args;

  va_start (args, fmt);
  claims = g_strdup_vprintf (fmt, args);
  va_end (args);
  return test_jwt_raw (header, claims, secret, G_CHECKSUM_SHA256);
}

static void
assert_rest_ok (const gchar * token)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (gw_auth_verify_rest_token (token, KEY, SECRET, NOW, &error));
  g_assert_no_error (error);
}

static void
assert_rest_refused (const gchar * token, const gchar * reason)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (gw_auth_verify_rest_token (token, KEY, SECRET, NOW, &error));
  g_assert_error (error, GW_ERROR, GW_ERROR_AUTH);
  if (!strstr (error->message, reason))
    g_error ("“%s” does not contain “%s”", error->message, reason);
}

static void
test_rest_sdk_variants (void)
{
  g_autofree gchar *node = claims_jwt (HS256, SECRET, "{\"iss\":\"" KEY
      "\",\"ist\":\"project\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%"
      G_GINT64_FORMAT ",\"jti\":\"c6b2b1c0-1\"}", NOW, NOW + 300);
  /* Ruby: ist in the JOSE header. */
  g_autofree gchar *ruby = claims_jwt ("{\"alg\":\"HS256\",\"typ\":\"JWT\","
      "\"ist\":\"project\"}", SECRET, "{\"iss\":\"" KEY "\",\"iat\":%"
      G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT ",\"jti\":\"abc\"}",
      NOW, NOW + 300);
  /* Python: 180 s, jti a float as a string. */
  g_autofree gchar *python = claims_jwt (HS256, SECRET, "{\"iss\":\"" KEY
      "\",\"ist\":\"project\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%"
      G_GINT64_FORMAT ",\"jti\":\"0.8837487354687465\"}", NOW, NOW + 180);
  /* Vonage-style: no ist, no jti. */
  g_autofree gchar *no_ist = claims_jwt (HS256, SECRET, "{\"iss\":\"" KEY
      "\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
      NOW, NOW + 180);
  /* A numeric iss naming the same project. */
  g_autofree gchar *numeric = claims_jwt (HS256, SECRET, "{\"iss\":" KEY
      ",\"exp\":%" G_GINT64_FORMAT "}", NOW + 10);

  assert_rest_ok (node);
  assert_rest_ok (ruby);
  assert_rest_ok (python);
  assert_rest_ok (no_ist);
  assert_rest_ok (numeric);
}

static void
test_rest_lifetime (void)
{
  g_autofree gchar *within_skew = claims_jwt (HS256, SECRET, "{\"iss\":\""
      KEY "\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
      NOW - 330, NOW - 30);
  g_autofree gchar *expired = claims_jwt (HS256, SECRET, "{\"iss\":\"" KEY
      "\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
      NOW - 400, NOW - GW_AUTH_CLOCK_SKEW - 1);
  g_autofree gchar *no_exp = claims_jwt (HS256, SECRET, "{\"iss\":\"" KEY
      "\",\"iat\":%" G_GINT64_FORMAT "}", NOW);
  g_autofree gchar *future = claims_jwt (HS256, SECRET, "{\"iss\":\"" KEY
      "\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
      NOW + 600, NOW + 900);
  g_autofree gchar *bad_exp = claims_jwt (HS256, SECRET, "{\"iss\":\"" KEY
      "\",\"exp\":{}}");

  assert_rest_ok (within_skew);
  assert_rest_refused (expired, "expired");
  assert_rest_refused (no_exp, "exp");
  assert_rest_refused (future, "future");
  assert_rest_refused (bad_exp, "exp");
}

static void
test_rest_refused (void)
{
  const gchar *claims = "{\"iss\":\"" KEY "\",\"exp\":1700000100}";
  g_autofree gchar *none = NULL;
  g_autofree gchar *none_signed = test_jwt_raw ("{\"alg\":\"none\"}", claims,
      SECRET, G_CHECKSUM_SHA256);
  g_autofree gchar *hs512 = test_jwt_raw ("{\"alg\":\"HS512\"}", claims,
      SECRET, G_CHECKSUM_SHA512);
  g_autofree gchar *rs256 = test_jwt_raw ("{\"alg\":\"RS256\"}", claims,
      SECRET, G_CHECKSUM_SHA256);
  g_autofree gchar *wrong_secret = test_jwt_raw (HS256, claims, OTHER_SECRET,
      G_CHECKSUM_SHA256);
  g_autofree gchar *wrong_iss = test_jwt_raw (HS256, "{\"iss\":\""
      OTHER_API_KEY "\",\"exp\":1700000100}", SECRET, G_CHECKSUM_SHA256);
  g_autofree gchar *no_iss = test_jwt_raw (HS256, "{\"exp\":1700000100}",
      SECRET, G_CHECKSUM_SHA256);
  g_autofree gchar *account = test_jwt_raw (HS256, "{\"iss\":\"" KEY
      "\",\"ist\":\"account\",\"exp\":1700000100}", SECRET, G_CHECKSUM_SHA256);
  g_autofree gchar *client = test_jwt_raw (HS256, "{\"iss\":\"" KEY
      "\",\"ist\":\"project\",\"exp\":1700000100,\"scope\":"
      "\"session.connect\",\"session_id\":\"" SID "\",\"role\":\"publisher\"}",
      SECRET, G_CHECKSUM_SHA256);
  g_auto (GStrv) parts = g_strsplit (none_signed, ".", 3);

  none = g_strconcat (parts[0], ".", parts[1], ".", NULL);
  assert_rest_refused (none, "signature");
  assert_rest_refused (none_signed, "none");
  assert_rest_refused (hs512, "HS512");
  assert_rest_refused (rs256, "RS256");
  assert_rest_refused (wrong_secret, "signature");
  assert_rest_refused (wrong_iss, "iss");
  assert_rest_refused (no_iss, "iss");
  assert_rest_refused (account, "ist");
  assert_rest_refused (client, "client token");
  assert_rest_refused ("not-a-jwt", "three parts");
  assert_rest_refused ("a.b.c", "JWT");
}

static void
test_rest_token_headers (void)
{
  g_autoptr (SoupMessageHeaders) h =
      soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree gchar *iss = NULL;
  g_autofree gchar *jwt = test_rest_jwt (KEY, SECRET, 300);

  g_assert_null (gw_auth_get_rest_token (h));
  soup_message_headers_replace (h, "Authorization", "Basic dXNlcjpwYXNz");
  g_assert_null (gw_auth_get_rest_token (h));
  soup_message_headers_replace (h, "authorization", "bearer  tok.en.x");
  g_assert_cmpstr (gw_auth_get_rest_token (h), ==, "tok.en.x");
  soup_message_headers_replace (h, "x-opentok-auth", "other.tok.en");
  g_assert_cmpstr (gw_auth_get_rest_token (h), ==, "other.tok.en");

  iss = gw_auth_peek_issuer (jwt);
  g_assert_cmpstr (iss, ==, KEY);
  g_assert_null (gw_auth_peek_issuer ("x.y.z"));
  g_assert_null (gw_auth_peek_issuer (NULL));
}

/* Client tokens */

static gchar *
client_jwt (const gchar * role, gint64 exp, const gchar * secret)
{
  return claims_jwt (HS256, secret, "{\"iss\":\"" KEY "\",\"ist\":"
      "\"project\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT
      ",\"nonce\":0.5021,\"role\":\"%s\",\"scope\":\"session.connect\","
      "\"session_id\":\"" SID "\",\"connection_data\":\"name=alice\","
      "\"initial_layout_class_list\":\"\",\"create_time\":%" G_GINT64_FORMAT
      ",\"expire_time\":%" G_GINT64_FORMAT "}", NOW, exp, role, NOW, exp);
}

static gchar *
t1_token (const gchar * partner, const gchar * secret, const gchar * data,
    gboolean upper_hex)
{
  g_autofree gchar *sig = g_compute_hmac_for_string (G_CHECKSUM_SHA1,
      (const guchar *) secret, strlen (secret), data, -1);
  g_autofree gchar *text = NULL;
  g_autofree gchar *b64 = NULL;

  if (upper_hex)
    for (gchar * p = sig; *p; p++)
      *p = g_ascii_toupper (*p);
  text = g_strdup_printf ("partner_id=%s&sig=%s:%s", partner, sig, data);
  b64 = g_base64_encode ((const guchar *) text, strlen (text));
  return g_strconcat ("T1==", b64, NULL);
}

static GwClientToken *
verify (const gchar * token, const gchar * session, gboolean publish,
    GError ** error)
{
  return gw_client_token_verify (token, KEY, SECRET, session, publish, NOW,
      error);
}

static void
assert_client_refused (const gchar * token, gboolean publish,
    const gchar * reason)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwClientToken) t = verify (token, SID, publish, &error);

  g_assert_null (t);
  g_assert_error (error, GW_ERROR, GW_ERROR_AUTH);
  if (!strstr (error->message, reason))
    g_error ("“%s” does not contain “%s”", error->message, reason);
}

static void
test_client_jwt (void)
{
  g_autofree gchar *pub = client_jwt ("publisher", NOW + 86400, SECRET);
  g_autofree gchar *sub = client_jwt ("subscriber", NOW + 86400, SECRET);
  g_autofree gchar *mod = client_jwt ("moderator", NOW + 86400, SECRET);
  g_autofree gchar *expired = client_jwt ("publisher", NOW - 3600, SECRET);
  g_autofree gchar *bad_role = client_jwt ("admin", NOW + 60, SECRET);
  g_autofree gchar *other = client_jwt ("publisher", NOW + 60, OTHER_SECRET);
  g_autofree gchar *rest = test_jwt_raw (HS256, "{\"iss\":\"" KEY
      "\",\"exp\":1700000100,\"session_id\":\"" SID "\"}", SECRET,
      G_CHECKSUM_SHA256);
  g_autofree gchar *long_data = g_strnfill (1001, 'x');
  g_autofree gchar *too_long = claims_jwt (HS256, SECRET, "{\"iss\":\"" KEY
      "\",\"scope\":\"session.connect\",\"session_id\":\"" SID "\","
      "\"connection_data\":\"%s\"}", long_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (GwClientToken) t = verify (pub, SID, TRUE, &error);
  g_autoptr (GwClientToken) t_sub = NULL;
  g_autoptr (GwClientToken) t_mod = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (t->session_id, ==, SID);
  g_assert_cmpstr (t->role, ==, "publisher");
  g_assert_cmpstr (t->connection_data, ==, "name=alice");
  g_assert_cmpint (t->expire_time, ==, NOW + 86400);
  t_sub = verify (sub, SID, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (t_sub->role, ==, "subscriber");
  t_mod = verify (mod, SID, TRUE, &error);
  g_assert_no_error (error);

  assert_client_refused (sub, TRUE, "subscriber may not publish");
  assert_client_refused (expired, TRUE, "expired");
  assert_client_refused (bad_role, TRUE, "role admin");
  assert_client_refused (other, TRUE, "signature");
  assert_client_refused (rest, TRUE, "not a client token");
  assert_client_refused (too_long, TRUE, "connection_data");
  {
    g_autoptr (GwClientToken) wrong = verify (pub, "2_other", TRUE, &error);
    g_assert_null (wrong);
    g_assert_error (error, GW_ERROR, GW_ERROR_AUTH);
    g_assert_nonnull (strstr (error->message, "not for session"));
  }
}

static void
test_client_t1 (void)
{
  /* Python: '+' for spaces, one field order; PHP/Node: %20, another. */
  g_autofree gchar *plus = t1_token (KEY, SECRET, "session_id=" SID
      "&create_time=1700000000&nonce=0.3914&role=publisher"
      "&expire_time=1700086400&connection_data=name%3Dbob+smith", FALSE);
  g_autofree gchar *pct = t1_token (KEY, SECRET, "role=moderator&session_id="
      SID "&expire_time=1700086400&nonce=123&create_time=1700000000"
      "&connection_data=name%3Dbob%20smith", TRUE);
  g_autofree gchar *sub = t1_token (KEY, SECRET, "session_id=" SID
      "&role=subscriber&expire_time=1700086400", FALSE);
  g_autofree gchar *expired = t1_token (KEY, SECRET, "session_id=" SID
      "&role=publisher&expire_time=1699990000", FALSE);
  g_autofree gchar *wrong_session = t1_token (KEY, SECRET,
      "session_id=2_other&role=publisher&expire_time=1700086400", FALSE);
  g_autofree gchar *other_partner = t1_token (OTHER_API_KEY, SECRET,
      "session_id=" SID "&role=publisher", FALSE);
  g_autofree gchar *other_secret = t1_token (KEY, OTHER_SECRET,
      "session_id=" SID "&role=publisher", FALSE);
  g_autofree gchar *tampered = g_strdup (plus);
  g_autoptr (GError) error = NULL;
  g_autoptr (GwClientToken) a = verify (plus, SID, TRUE, &error);
  g_autoptr (GwClientToken) b = NULL;
  g_autofree guchar *raw = NULL;
  gsize len;

  g_assert_no_error (error);
  g_assert_cmpstr (a->session_id, ==, SID);
  g_assert_cmpstr (a->role, ==, "publisher");
  g_assert_cmpstr (a->connection_data, ==, "name=bob smith");
  g_assert_cmpint (a->expire_time, ==, 1700086400);
  b = verify (pct, SID, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b->role, ==, "moderator");
  g_assert_cmpstr (b->connection_data, ==, "name=bob smith");

  assert_client_refused (sub, TRUE, "subscriber may not publish");
  assert_client_refused (expired, TRUE, "expired");
  assert_client_refused (wrong_session, TRUE, "not for session");
  assert_client_refused (other_partner, TRUE, "partner_id");
  assert_client_refused (other_secret, TRUE, "signature");
  assert_client_refused ("T1==%%%%", TRUE, "base64");
  assert_client_refused ("T1==bm8gY29sb24=", TRUE, "':'");
  assert_client_refused ("", TRUE, "missing");

  /* Change one byte of the signed data: role=publisher -> role=publishes. */
  raw = g_base64_decode (tampered + 4, &len);
  {
    g_autofree gchar *text = g_strndup ((gchar *) raw, len);
    g_autofree gchar *b64 = NULL;
    gchar *p = strstr (text, "role=publisher");
    p[strlen ("role=publishe")] = 's';
    b64 = g_base64_encode ((guchar *) text, len);
    g_free (tampered);
    tampered = g_strconcat ("T1==", b64, NULL);
  }
  assert_client_refused (tampered, TRUE, "signature");
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/auth/rest/sdk-variants", test_rest_sdk_variants);
  g_test_add_func ("/auth/rest/lifetime", test_rest_lifetime);
  g_test_add_func ("/auth/rest/refused", test_rest_refused);
  g_test_add_func ("/auth/rest/headers", test_rest_token_headers);
  g_test_add_func ("/auth/client/jwt", test_client_jwt);
  g_test_add_func ("/auth/client/t1", test_client_t1);
  return g_test_run ();
}
