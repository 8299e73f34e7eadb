/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* REST JWTs and client tokens, accepting every variant the OpenTok server
 * SDKs produce (rest-contract.md): ist in the payload, in the JOSE header or
 * absent; free-form jti; T1 tokens encoded with %20 or '+'. */
#include <string.h>

#include "auth.h"
#include "gw-error.h"
#include "jwt.h"
#include "rest-json.h"

#define MAX_CONNECTION_DATA 1000

const gchar *
gw_auth_get_rest_token (SoupMessageHeaders * headers)
{
  const gchar *v = soup_message_headers_get_one (headers, "X-OPENTOK-AUTH");

  if (v && *v)
    return v;
  v = soup_message_headers_get_one (headers, "Authorization");
  if (v == NULL || g_ascii_strncasecmp (v, "Bearer ", 7) != 0)
    return NULL;
  for (v += 7; *v == ' '; v++);
  return *v ? v : NULL;
}

/* A string member, or `fallback` when absent or not a string (json-glib's
 * _with_default getters are critical on objects and arrays: a token is
 * untrusted input). */
static const gchar *
get_string (JsonObject * object, const gchar * name, const gchar * fallback)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return fallback;
}

/* A claim that SDKs send as a string but might send as a number. */
static gchar *
dup_claim_string (JsonObject * claims, const gchar * name)
{
  JsonNode *node = json_object_get_member (claims, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_dup_string (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

/* A time claim in seconds: number or numeric string.  0 when absent;
 * FALSE when present but not a time. */
static gboolean
get_claim_time (JsonObject * claims, const gchar * name, gint64 * out)
{
  JsonNode *node = json_object_get_member (claims, name);
  g_autofree gchar *text = NULL;

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64) {
    *out = json_node_get_int (node);
    return TRUE;
  }
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE) {
    *out = (gint64) json_node_get_double (node);
    return TRUE;
  }
  text = dup_claim_string (claims, name);
  return text && g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, out, NULL);
}

gchar *
gw_auth_peek_issuer (const gchar * token)
{
  g_auto (GStrv) parts = token ? g_strsplit (token, ".", 4) : NULL;
  g_autofree guchar *raw = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize len = 0;
  JsonNode *root;

  if (parts == NULL || g_strv_length (parts) != 3)
    return NULL;
  raw = gw_base64url_decode (parts[1], &len);
  if (raw == NULL || !json_parser_load_from_data (parser, (gchar *) raw, len,
          NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return dup_claim_string (json_node_get_object (root), "iss");
}

/* Sets a GW_ERROR_AUTH error and evaluates to FALSE. */
#define auth_fail(error, ...) \
  (g_set_error (error, GW_ERROR, GW_ERROR_AUTH, __VA_ARGS__), FALSE)

static gboolean
check_lifetime (JsonObject * claims, gint64 now, GError ** error)
{
  gint64 exp, iat;

  if (!get_claim_time (claims, "exp", &exp) || exp == 0)
    return auth_fail (error, "JWT has no valid exp claim");
  if (now > exp + GW_AUTH_CLOCK_SKEW)
    return auth_fail (error, "JWT expired %" G_GINT64_FORMAT " s ago",
        now - exp);
  if (!get_claim_time (claims, "iat", &iat))
    return auth_fail (error, "JWT iat claim is not a time");
  if (iat > now + GW_AUTH_CLOCK_SKEW)
    return auth_fail (error, "JWT issued %" G_GINT64_FORMAT
        " s in the future", iat - now);
  return TRUE;
}

gboolean
gw_auth_verify_rest_token (const gchar * token, const gchar * api_key,
    const gchar * secret, gint64 now, GError ** error)
{
  g_autoptr (JsonObject) header = NULL;
  g_autoptr (JsonObject) claims = NULL;
  g_autofree gchar *iss = NULL;
  const gchar *scope, *ist;

  claims = gw_jwt_decode_hs256 (token, secret, &header, error);
  if (claims == NULL)
    return FALSE;
  iss = dup_claim_string (claims, "iss");
  if (iss == NULL)
    return auth_fail (error, "JWT has no iss claim");
  if (!g_str_equal (iss, api_key))
    return auth_fail (error, "JWT iss %s is not the project %s", iss, api_key);
  scope = get_string (claims, "scope", "");
  if (g_str_equal (scope, "session.connect"))
    return auth_fail (error, "a client token (scope session.connect) is not "
        "a REST credential");
  /* Ruby puts ist in the JOSE header, the others in the payload. */
  ist = get_string (claims, "ist", get_string (header, "ist", NULL));
  if ((json_object_has_member (claims, "ist")
          || json_object_has_member (header, "ist"))
      && g_strcmp0 (ist, "project") != 0)
    return auth_fail (error, "JWT ist is not \"project\"");
  return check_lifetime (claims, now, error);
}

void
gw_client_token_free (GwClientToken * token)
{
  if (token == NULL)
    return;
  g_free (token->session_id);
  g_free (token->role);
  g_free (token->connection_data);
  g_free (token);
}

static GwClientToken *
client_token_from_jwt (const gchar * token, const gchar * api_key,
    const gchar * secret, GError ** error)
{
  g_autoptr (JsonObject) claims = NULL;
  g_autoptr (GwClientToken) t = g_new0 (GwClientToken, 1);
  g_autofree gchar *iss = NULL;
  gint64 exp, expire_time;

  claims = gw_jwt_decode_hs256 (token, secret, NULL, error);
  if (claims == NULL)
    return NULL;
  iss = dup_claim_string (claims, "iss");
  if (g_strcmp0 (iss, api_key) != 0) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH,
        "token iss is not the project %s", api_key);
    return NULL;
  }
  if (g_strcmp0 (get_string (claims, "scope", NULL), "session.connect") != 0) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH,
        "not a client token (scope is not session.connect)");
    return NULL;
  }
  if (!get_claim_time (claims, "exp", &exp)
      || !get_claim_time (claims, "expire_time", &expire_time)) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH,
        "token exp or expire_time is not a time");
    return NULL;
  }
  t->session_id = dup_claim_string (claims, "session_id");
  t->role = dup_claim_string (claims, "role");
  t->connection_data = dup_claim_string (claims, "connection_data");
  t->expire_time = (exp && expire_time) ? MIN (exp, expire_time) :
      MAX (exp, expire_time);
  return g_steal_pointer (&t);
}

static gchar *
hmac_sha1_hex (const gchar * secret, const gchar * data)
{
  return g_compute_hmac_for_string (G_CHECKSUM_SHA1, (const guchar *) secret,
      strlen (secret), data, -1);
}

/* Compares hex signatures case-insensitively in constant time. */
static gboolean
hex_equal (const gchar * a, const gchar * b)
{
  gsize n = strlen (a);
  guint diff = n ^ strlen (b);

  for (gsize i = 0; i < n && b[i]; i++)
    diff |= g_ascii_tolower (a[i]) ^ g_ascii_tolower (b[i]);
  return diff == 0;
}

/* "T1==" + base64 ("partner_id=KEY&sig=HEX:DATA"), sig = HMAC-SHA1 over
 * the raw DATA bytes.  Returns DATA (newly allocated) once verified: the
 * SDKs encode it differently, so it is parsed only after this. */
static gchar *
t1_verified_data (const gchar * b64, const gchar * api_key,
    const gchar * secret, GError ** error)
{
  g_autofree guchar *raw = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *expected = NULL;
  g_autoptr (GHashTable) head = NULL;
  gchar *colon;
  gsize len = 0;

  if (*b64 == '\0' || strspn (b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
          "nopqrstuvwxyz0123456789+/=") != strlen (b64)) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH, "T1 token is not base64");
    return NULL;
  }
  raw = g_base64_decode (b64, &len);
  text = g_strndup ((const gchar *) raw, len);
  colon = strchr (text, ':');
  if (colon == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH,
        "T1 token has no ':' before its data");
    return NULL;
  }
  *colon = '\0';
  head = gw_rest_json_decode_form (text, strlen (text), NULL);
  if (head == NULL || g_strcmp0 (g_hash_table_lookup (head, "partner_id"),
          api_key) != 0) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH,
        "T1 token partner_id is not the project %s", api_key);
    return NULL;
  }
  expected = hmac_sha1_hex (secret, colon + 1);
  if (!hex_equal (expected, g_hash_table_lookup (head, "sig") ? : "")) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH, "T1 token signature mismatch");
    return NULL;
  }
  return g_strdup (colon + 1);
}

static GwClientToken *
client_token_from_t1 (const gchar * b64, const gchar * api_key,
    const gchar * secret, GError ** error)
{
  g_autofree gchar *text = t1_verified_data (b64, api_key, secret, error);
  g_autoptr (GHashTable) data = NULL;
  g_autoptr (GwClientToken) t = g_new0 (GwClientToken, 1);
  const gchar *expire;

  if (text == NULL)
    return NULL;
  data = gw_rest_json_decode_form (text, strlen (text), NULL);
  if (data == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH,
        "T1 token data is not a URL-encoded form");
    return NULL;
  }
  expire = g_hash_table_lookup (data, "expire_time");
  if (expire && *expire && !g_ascii_string_to_signed (expire, 10, 0,
          G_MAXINT64, &t->expire_time, NULL)) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH,
        "T1 token expire_time is not a time");
    return NULL;
  }
  t->session_id = g_strdup (g_hash_table_lookup (data, "session_id"));
  t->role = g_strdup (g_hash_table_lookup (data, "role"));
  t->connection_data = g_strdup (g_hash_table_lookup (data, "connection_data"));
  return g_steal_pointer (&t);
}

static gboolean
check_client_token (GwClientToken * t, const gchar * session_id,
    gboolean require_publish, gint64 now, GError ** error)
{
  static const gchar *const roles[] = { "publisher", "publisheronly",
    "subscriber", "moderator", NULL
  };

  if (g_strcmp0 (t->session_id, session_id) != 0)
    return auth_fail (error, "token is not for session %s", session_id);
  if (t->expire_time != 0 && now > t->expire_time + GW_AUTH_CLOCK_SKEW)
    return auth_fail (error, "token expired");
  if (t->role == NULL)
    t->role = g_strdup ("publisher");   /* the SDKs' default */
  if (!g_strv_contains (roles, t->role))
    return auth_fail (error, "token role %s is unknown", t->role);
  if (require_publish && g_str_equal (t->role, "subscriber"))
    return auth_fail (error, "token role subscriber may not publish");
  if (t->connection_data
      && g_utf8_strlen (t->connection_data, -1) > MAX_CONNECTION_DATA)
    return auth_fail (error, "token connection_data is longer than %d "
        "characters", MAX_CONNECTION_DATA);
  return TRUE;
}

GwClientToken *
gw_client_token_verify (const gchar * token, const gchar * api_key,
    const gchar * secret, const gchar * session_id, gboolean require_publish,
    gint64 now, GError ** error)
{
  g_autoptr (GwClientToken) t = NULL;

  if (token == NULL || *token == '\0') {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH, "missing token");
    return NULL;
  }
  if (g_str_has_prefix (token, "T1=="))
    t = client_token_from_t1 (token + 4, api_key, secret, error);
  else
    t = client_token_from_jwt (token, api_key, secret, error);
  if (t == NULL
      || !check_client_token (t, session_id, require_publish, now, error))
    return NULL;
  return g_steal_pointer (&t);
}
