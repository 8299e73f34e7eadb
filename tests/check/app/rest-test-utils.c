/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "jwt.h"
#include "rest-test-utils.h"
#include "settings.h"

static const gchar settings_text[] =
    "[http]\naddress=127.0.0.1\nport=0\n"
    "[sip]\naddress=127.0.0.1\nport=0\n"
    "[project " TEST_API_KEY "]\nsecret=" TEST_SECRET "\n"
    "[project " OTHER_API_KEY "]\nsecret=" OTHER_SECRET "\n";

void
rest_fixture_setup (RestFixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GwSettings *settings;

  settings = gw_settings_new_from_data (settings_text, -1, "test.conf", &error);
  g_assert_no_error (error);
  f->gateway = gw_gateway_new (settings);
  g_assert_true (gw_gateway_start (f->gateway, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gw_gateway_get_http_port (f->gateway), >, 0);
  f->base_url = g_strdup_printf ("http://127.0.0.1:%u",
      gw_gateway_get_http_port (f->gateway));
  /* No proxy resolver: libproxy would start a thread (field-notes.md). */
  f->client = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
}

void
rest_fixture_teardown (RestFixture * f, gconstpointer data)
{
  g_assert_true (gw_gateway_stop (f->gateway, 1000));
  g_clear_object (&f->client);
  g_clear_object (&f->gateway);
  g_clear_pointer (&f->base_url, g_free);
  /* Let the server's closed connections finish on the loop. */
  while (g_main_context_iteration (NULL, FALSE));
}

void
rest_reply_free (RestReply * reply)
{
  g_free (reply->content_type);
  g_free (reply->allow);
  g_free (reply->body);
  g_free (reply);
}

SoupMessage *
rest_message_new (RestFixture * f, const gchar * method, const gchar * path)
{
  g_autofree gchar *url = g_strconcat (f->base_url, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  return msg;
}

void
rest_message_set_body (SoupMessage * msg, const gchar * content_type,
    const gchar * body)
{
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

  soup_message_set_request_body_from_bytes (msg, NULL, bytes);
  if (content_type)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Content-Type", content_type);
}

static void
sent_cb (GObject * source, GAsyncResult * result, gpointer user_data)
{
  GBytes **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
      &error);
  g_assert_no_error (error);
}

RestReply *
rest_send (RestFixture * f, SoupMessage * msg)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  RestReply *reply = g_new0 (RestReply, 1);
  GBytes *bytes = NULL;

  soup_session_send_and_read_async (f->client, msg, G_PRIORITY_DEFAULT, NULL,
      sent_cb, &bytes);
  while (bytes == NULL)
    g_main_context_iteration (NULL, TRUE);
  reply->status = soup_message_get_status (msg);
  reply->content_type = g_strdup (soup_message_headers_get_one (headers,
          "Content-Type"));
  reply->allow = g_strdup (soup_message_headers_get_one (headers, "Allow"));
  reply->body = g_strndup (g_bytes_get_data (bytes, NULL),
      g_bytes_get_size (bytes));
  reply->len = g_bytes_get_size (bytes);
  g_bytes_unref (bytes);
  g_object_unref (msg);
  return reply;
}

RestReply *
rest_call (RestFixture * f, const gchar * method, const gchar * path,
    const gchar * token, const gchar * json_body)
{
  SoupMessage *msg = rest_message_new (f, method, path);

  if (token)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "X-OPENTOK-AUTH", token);
  if (json_body)
    rest_message_set_body (msg, "application/json", json_body);
  return rest_send (f, msg);
}

static JsonNode *
parse (const gchar * body)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, body, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

gchar *
rest_assert_error (RestReply * reply, guint status)
{
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object;

  if (reply->status != status)
    g_printerr ("unexpected reply %u: %s\n", reply->status, reply->body);
  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (reply->content_type, ==, "application/json");
  root = parse (reply->body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  object = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (object, "code"), ==, status);
  g_assert_cmpuint (json_object_get_size (object), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "message"), !=, "");
  return g_strdup (json_object_get_string_member (object, "message"));
}

JsonNode *
rest_assert_json (RestReply * reply)
{
  if (reply->status != 200)
    g_printerr ("unexpected reply %u: %s\n", reply->status, reply->body);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (reply->content_type, ==, "application/json");
  return parse (reply->body);
}

gchar *
test_jwt_raw (const gchar * header_json, const gchar * claims_json,
    const gchar * secret, GChecksumType type)
{
  g_autofree gchar *h = gw_base64url_encode ((const guchar *) header_json,
      strlen (header_json));
  g_autofree gchar *c = gw_base64url_encode ((const guchar *) claims_json,
      strlen (claims_json));
  g_autofree gchar *input = g_strconcat (h, ".", c, NULL);
  g_autoptr (GHmac) hmac = g_hmac_new (type, (const guchar *) secret,
      strlen (secret));
  guint8 digest[64];
  gsize len = sizeof (digest);
  g_autofree gchar *sig = NULL;

  g_hmac_update (hmac, (const guchar *) input, -1);
  g_hmac_get_digest (hmac, digest, &len);
  sig = gw_base64url_encode (digest, len);
  return g_strconcat (input, ".", sig, NULL);
}

gchar *
test_rest_jwt (const gchar * api_key, const gchar * secret, gint lifetime)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree gchar *jti = g_uuid_string_random ();
  g_autofree gchar *claims = g_strdup_printf ("{\"iss\":\"%s\",\"ist\":"
      "\"project\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT
      ",\"jti\":\"%s\"}", api_key, now, now + lifetime, jti);

  return test_jwt_raw ("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims, secret,
      G_CHECKSUM_SHA256);
}

gchar *
test_create_session (RestFixture * f, const gchar * api_key,
    const gchar * secret)
{
  g_autofree gchar *token = test_rest_jwt (api_key, secret, 300);
  SoupMessage *msg = rest_message_new (f, "POST", "/session/create");
  g_autoptr (RestReply) reply = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *session;

  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "X-OPENTOK-AUTH", token);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Accept", "application/json");
  rest_message_set_body (msg, "application/x-www-form-urlencoded",
      "p2p.preference=disabled");
  reply = rest_send (f, msg);
  root = rest_assert_json (reply);
  session = json_array_get_object_element (json_node_get_array (root), 0);
  return g_strdup (json_object_get_string_member (session, "session_id"));
}
