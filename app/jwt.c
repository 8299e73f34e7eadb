/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "gw-error.h"
#include "jwt.h"

gchar *
gw_base64url_encode (const guchar * data, gsize len)
{
  gchar *text = g_base64_encode (data, len);
  gsize n = strlen (text);

  while (n > 0 && text[n - 1] == '=')
    text[--n] = '\0';
  for (gchar * p = text; *p; p++) {
    if (*p == '+')
      *p = '-';
    else if (*p == '/')
      *p = '_';
  }
  return text;
}

guchar *
gw_base64url_decode (const gchar * text, gsize * out_len)
{
  gsize n = strlen (text);
  g_autofree gchar *std = g_malloc (n + 4);
  gsize i;

  for (i = 0; i < n; i++) {
    gchar c = text[i];
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (!g_ascii_isalnum (c) && c != '+' && c != '/' && c != '=')
      return NULL;
    std[i] = c;
  }
  while (i % 4 != 0)
    std[i++] = '=';
  std[i] = '\0';
  return g_base64_decode (std, out_len);
}

static gchar *
object_to_b64 (JsonObject * object)
{
  g_autoptr (JsonNode) node =
      json_node_init_object (json_node_alloc (), object);
  g_autofree gchar *json = json_to_string (node, FALSE);

  return gw_base64url_encode ((const guchar *) json, strlen (json));
}

static gchar *
sign (const gchar * signing_input, const gchar * secret)
{
  guint8 digest[32];
  gsize len = sizeof (digest);
  g_autoptr (GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256,
      (const guchar *) secret, strlen (secret));

  g_hmac_update (hmac, (const guchar *) signing_input, strlen (signing_input));
  g_hmac_get_digest (hmac, digest, &len);
  return gw_base64url_encode (digest, len);
}

gchar *
gw_jwt_encode_hs256 (JsonObject * claims, JsonObject * extra_header,
    const gchar * secret)
{
  g_autoptr (JsonObject) header = json_object_new ();
  g_autofree gchar *h64 = NULL;
  g_autofree gchar *c64 = NULL;
  g_autofree gchar *input = NULL;
  g_autofree gchar *sig = NULL;

  json_object_set_string_member (header, "alg", "HS256");
  json_object_set_string_member (header, "typ", "JWT");
  if (extra_header) {
    g_autoptr (GList) names = json_object_get_members (extra_header);
    for (GList * l = names; l; l = l->next)
      json_object_set_member (header, l->data,
          json_object_dup_member (extra_header, l->data));
  }
  h64 = object_to_b64 (header);
  c64 = object_to_b64 (claims);
  input = g_strconcat (h64, ".", c64, NULL);
  sig = sign (input, secret);
  return g_strconcat (input, ".", sig, NULL);
}

static JsonObject *
decode_object (const gchar * part, const gchar * what, GError ** error)
{
  gsize len = 0;
  g_autofree guchar *raw = gw_base64url_decode (part, &len);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (raw == NULL || !json_parser_load_from_data (parser, (const gchar *) raw,
          len, NULL)) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH, "JWT %s is not base64url JSON",
        what);
    return NULL;
  }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH, "JWT %s is not a JSON object",
        what);
    return NULL;
  }
  return json_object_ref (json_node_get_object (root));
}

JsonObject *
gw_jwt_decode_hs256 (const gchar * token, const gchar * secret,
    JsonObject ** header_out, GError ** error)
{
  g_auto (GStrv) parts = NULL;
  g_autoptr (JsonObject) header = NULL;
  g_autoptr (JsonObject) claims = NULL;
  g_autofree gchar *input = NULL;
  g_autofree gchar *expected = NULL;
  const gchar *alg;

  if (token == NULL || *token == '\0') {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH, "missing JWT");
    return NULL;
  }
  parts = g_strsplit (token, ".", 4);
  if (g_strv_length (parts) != 3 || parts[2][0] == '\0') {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH,
        "JWT must have three parts and a signature");
    return NULL;
  }
  header = decode_object (parts[0], "header", error);
  if (header == NULL)
    return NULL;
  alg = NULL;
  if (json_object_has_member (header, "alg")) {
    JsonNode *node = json_object_get_member (header, "alg");
    /* A hostile header may carry any JSON type here. */
    if (JSON_NODE_HOLDS_VALUE (node)
        && json_node_get_value_type (node) == G_TYPE_STRING)
      alg = json_node_get_string (node);
  }
  if (g_strcmp0 (alg, "HS256") != 0) {
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH,
        "JWT algorithm %s is not accepted (HS256 only)", alg ? alg : "(none)");
    return NULL;
  }
  input = g_strconcat (parts[0], ".", parts[1], NULL);
  expected = sign (input, secret);
  /* Constant-time comparison of the signatures. */
  {
    gsize a = strlen (expected), b = strlen (parts[2]);
    guint diff = a ^ b;
    for (gsize i = 0; i < a && i < b; i++)
      diff |= (guchar) expected[i] ^ (guchar) parts[2][i];
    if (diff != 0) {
      g_set_error (error, GW_ERROR, GW_ERROR_AUTH, "JWT signature mismatch");
      return NULL;
    }
  }
  claims = decode_object (parts[1], "payload", error);
  if (claims == NULL)
    return NULL;
  if (header_out)
    *header_out = g_steal_pointer (&header);
  return g_steal_pointer (&claims);
}
