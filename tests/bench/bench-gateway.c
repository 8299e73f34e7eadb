/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench-calls' side of the gateway under test (see the header).  The REST
 * calls are synchronous: the driver does one thing at a time, and the
 * timestamps around a dial are then the request's own. */
#include "bench-gateway.h"
#include "gw-test-process.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#define API_KEY "4700099"
#define SECRET "bench0123456789abcdef0123456789abcdef012"
#define TOKEN_LIFETIME_S 3600
#define STOP_TIMEOUT_MS 60000

struct _BenchGateway
{
  GSubprocess *proc;
  GOutputStream *commands;
  GDataInputStream *replies;
  gchar *log_path;
  gchar *base_url;
  SoupSession *client;
  gchar *rest_token;
};

static gchar *
base64url (const guint8 * data, gsize len)
{
  gchar *s = g_base64_encode (data, len);
  gchar *pad = strchr (s, '=');

  if (pad)
    *pad = '\0';
  g_strdelimit (s, "+", '-');
  g_strdelimit (s, "/", '_');
  return s;
}

/* An HS256 JWT of @claims, signed with the project's secret. */
static gchar *
jwt (const gchar * claims)
{
  static const gchar header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  g_autofree gchar *h = base64url ((const guint8 *) header, strlen (header));
  g_autofree gchar *c = base64url ((const guint8 *) claims, strlen (claims));
  g_autofree gchar *input = g_strconcat (h, ".", c, NULL);
  g_autoptr (GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256,
      (const guchar *) SECRET, strlen (SECRET));
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autofree gchar *sig = NULL;

  g_hmac_update (hmac, (const guchar *) input, -1);
  g_hmac_get_digest (hmac, digest, &len);
  sig = base64url (digest, len);
  return g_strconcat (input, ".", sig, NULL);
}

static gchar *
rest_token (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree gchar *claims = g_strdup_printf ("{\"iss\":\"" API_KEY "\","
      "\"ist\":\"project\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%"
      G_GINT64_FORMAT ",\"jti\":\"bench\"}", now, now + TOKEN_LIFETIME_S);

  return jwt (claims);
}

/* A Node-style client token: the dialled session, role publisher. */
static gchar *
client_token (const gchar * session_id)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree gchar *claims = g_strdup_printf ("{\"iss\":\"" API_KEY "\","
      "\"ist\":\"project\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%"
      G_GINT64_FORMAT ",\"session_id\":\"%s\",\"role\":\"publisher\","
      "\"scope\":\"session.connect\",\"nonce\":1,\"connection_data\":"
      "\"name=bench\"}", now, now + TOKEN_LIFETIME_S, session_id);

  return jwt (claims);
}

static gchar *
read_reply (BenchGateway * gw, GError ** error)
{
  gchar *line = g_data_input_stream_read_line_utf8 (gw->replies, NULL, NULL,
      error);

  if (line == NULL && error && *error == NULL) {
    g_autofree gchar *log = gw_test_read_tail (gw->log_path, 4096);

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
        "bench-calls-host ended; its log:\n%s", log);
  }
  return line;
}

static gboolean
parse_ready (BenchGateway * gw, const gchar * line, GError ** error)
{
  g_autoptr (GRegex) re = g_regex_new ("^ready http=([0-9.]+:[0-9]+) "
      "sip=[0-9.]+:[0-9]+$", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree gchar *http = NULL;

  if (!g_regex_match (re, line, 0, &match)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "bench-calls-host said “%s”, not a ready line", line);
    return FALSE;
  }
  http = g_match_info_fetch (match, 1);
  gw->base_url = g_strdup_printf ("http://%s", http);
  return TRUE;
}

BenchGateway *
bench_gateway_start (const gchar * host_exe, const gchar * workdir,
    const gchar * speech_wav, GError ** error)
{
  g_autoptr (BenchGateway) gw = g_new0 (BenchGateway, 1);
  g_autofree gchar *config = g_build_filename (workdir, "gateway.conf", NULL);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree gchar *ready = NULL;
  /* Callbacks off: the bench watches the media, not the webhooks. */
  static const gchar settings[] = "[http]\naddress=127.0.0.1\nport=0\n"
      "[sip]\naddress=127.0.0.1\nport=0\n"
      "[project " API_KEY "]\nsecret=" SECRET "\n";

  gw->log_path = g_build_filename (workdir, "host.log", NULL);
  if (!g_file_set_contents (config, settings, -1, error))
    return NULL;
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
      G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, gw->log_path);
  gw->proc = g_subprocess_launcher_spawn (launcher, error, host_exe,
      "--config", config, "--speech", speech_wav, "--api-key", API_KEY, NULL);
  if (gw->proc == NULL)
    return NULL;
  gw->commands = g_object_ref (g_subprocess_get_stdin_pipe (gw->proc));
  gw->replies = g_data_input_stream_new (g_subprocess_get_stdout_pipe
      (gw->proc));
  if (!(ready = read_reply (gw, error)) || !parse_ready (gw, ready, error))
    return NULL;
  gw->client = soup_session_new_with_options ("proxy-resolver", NULL,
      "max-conns", 4, NULL);
  gw->rest_token = rest_token ();
  return g_steal_pointer (&gw);
}

void
bench_gateway_free (BenchGateway * gw)
{
  /* The identifier is NULL once the process was reaped. */
  if (gw->proc && g_subprocess_get_identifier (gw->proc) != NULL) {
    g_subprocess_force_exit (gw->proc);
    g_subprocess_wait (gw->proc, NULL, NULL);
  }
  g_clear_object (&gw->proc);
  g_clear_object (&gw->commands);
  g_clear_object (&gw->replies);
  g_clear_object (&gw->client);
  g_free (gw->log_path);
  g_free (gw->base_url);
  g_free (gw->rest_token);
  g_free (gw);
}

GPid
bench_gateway_get_pid (BenchGateway * gw)
{
  return atoi (g_subprocess_get_identifier (gw->proc));
}

gboolean
bench_gateway_publish (BenchGateway * gw, guint n, GPtrArray * ids,
    GError ** error)
{
  g_autofree gchar *command = g_strdup_printf ("publish %u\n", n);

  if (!g_output_stream_write_all (gw->commands, command, strlen (command),
          NULL, NULL, error) || !g_output_stream_flush (gw->commands, NULL,
          error))
    return FALSE;
  for (guint i = 0; i < n; i++) {
    g_autofree gchar *line = read_reply (gw, error);

    if (line == NULL)
      return FALSE;
    if (!g_str_has_prefix (line, "session ")) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
          "bench-calls-host: %s", line);
      return FALSE;
    }
    g_ptr_array_add (ids, g_strdup (line + strlen ("session ")));
  }
  return TRUE;
}

/* Sends a request; returns the body of a @want reply, else an error. */
static GBytes *
rest (BenchGateway * gw, const gchar * method, const gchar * path,
    const gchar * body, guint want, GError ** error)
{
  g_autofree gchar *url = g_strconcat (gw->base_url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) reply = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "X-OPENTOK-AUTH", gw->rest_token);
  if (body) {
    g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

    soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  }
  reply = soup_session_send_and_read (gw->client, msg, NULL, error);
  if (reply == NULL)
    return NULL;
  if (soup_message_get_status (msg) != want) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s: %u %.*s",
        method, path, soup_message_get_status (msg),
        (gint) g_bytes_get_size (reply),
        (const gchar *) g_bytes_get_data (reply, NULL));
    return NULL;
  }
  return g_steal_pointer (&reply);
}

gboolean
bench_gateway_dial (BenchGateway * gw, const gchar * session_id,
    const gchar * uri, guint call_no, BenchDial * out, GError ** error)
{
  g_autofree gchar *token = client_token (session_id);
  g_autofree gchar *body = g_strdup_printf ("{\"sessionId\":\"%s\","
      "\"token\":\"%s\",\"sip\":{\"uri\":\"%s\",\"headers\":"
      "{\"X-Bench-Call\":\"%u\"}}}", session_id, token, uri, call_no);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GBytes) reply = NULL;
  JsonNode *root;

  out->sent_us = g_get_real_time ();
  reply = rest (gw, "POST", "/v2/project/" API_KEY "/dial", body, 200, error);
  out->replied_us = g_get_real_time ();
  if (reply == NULL || !json_parser_load_from_data (parser,
          g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "dial: the reply is not an object");
    return FALSE;
  }
  out->connection_id = g_strdup (json_object_get_string_member_with_default
      (json_node_get_object (root), "connectionId", ""));
  return TRUE;
}

gboolean
bench_gateway_hangup (BenchGateway * gw, const gchar * session_id,
    const gchar * connection_id, GError ** error)
{
  g_autofree gchar *path = g_strdup_printf ("/v2/project/" API_KEY
      "/session/%s/connection/%s", session_id, connection_id);
  g_autoptr (GBytes) reply = rest (gw, "DELETE", path, NULL, 204, error);

  return reply != NULL;
}

gboolean
bench_gateway_stop (BenchGateway * gw, gdouble * seconds, GError ** error)
{
  gint64 start = g_get_monotonic_time ();

  g_subprocess_send_signal (gw->proc, SIGTERM);
  if (!gw_test_process_wait (gw->proc, STOP_TIMEOUT_MS)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
        "the gateway did not exit within %u s of SIGTERM",
        STOP_TIMEOUT_MS / 1000);
    return FALSE;
  }
  *seconds = (g_get_monotonic_time () - start) / 1e6;
  return TRUE;
}

const gchar *
bench_gateway_get_log_path (BenchGateway * gw)
{
  return gw->log_path;
}
