/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built ot-sip-gateway as the SDK tests drive it: the ready line on
 * stdout, one REST call, SIGTERM, exit 0; and exit 2 on bad settings. */
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <signal.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jwt.h"

#define KEY "4711"
#define SECRET "binary-test-secret"

static gchar *
binary_path (void)
{
  const gchar *root = g_getenv ("OT_BUILD_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "app", "ot-sip-gateway", NULL);
}

/* Starts the binary; `dev_secret` (nullable) goes in its environment. */
static GSubprocess *
spawn (const gchar * const *args, const gchar * dev_secret, GError ** error)
{
  g_autofree gchar *exe = binary_path ();
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
      G_SUBPROCESS_FLAGS_STDERR_PIPE);

  if (dev_secret)
    g_subprocess_launcher_setenv (launcher, "OT_SIP_GATEWAY_DEV_SECRET",
        dev_secret, TRUE);
  g_ptr_array_add (argv, exe);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return g_subprocess_launcher_spawnv (launcher,
      (const gchar * const *) argv->pdata, error);
}

/* Reads the ready line; returns the HTTP port. */
static guint
read_ready (GSubprocess * proc, GDataInputStream ** out)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *line = NULL;
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GRegex) re = g_regex_new ("^ready http=127\\.0\\.0\\.1:(\\d+)"
      "( sip=\\S+:\\d+)?$", 0, 0, NULL);
  g_autofree gchar *port = NULL;

  *out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (*out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  if (!g_regex_match (re, line, 0, &match))
    g_error ("not a ready line: “%s”", line);
  port = g_match_info_fetch (match, 1);
  return atoi (port);
}

static gchar *
rest_jwt (const gchar * api_key, const gchar * secret)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (JsonObject) claims = json_object_new ();

  json_object_set_string_member (claims, "iss", api_key);
  json_object_set_string_member (claims, "ist", "project");
  json_object_set_int_member (claims, "iat", now);
  json_object_set_int_member (claims, "exp", now + 300);
  return gw_jwt_encode_hs256 (claims, NULL, secret);
}

static void
create_session (guint port, const gchar * api_key, const gchar * secret)
{
  g_autoptr (SoupSession) client =
      soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autofree gchar *url = g_strdup_printf ("http://127.0.0.1:%u"
      "/session/create", port);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr (GBytes) body = g_bytes_new_static ("p2p.preference=disabled", 23);
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *token = rest_jwt (api_key, secret);

  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "X-OPENTOK-AUTH", token);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Accept", "application/json");
  soup_message_set_request_body_from_bytes (msg,
      "application/x-www-form-urlencoded", body);
  /* The server is another process: a blocking call is fine here. */
  reply = soup_session_send_and_read (client, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one
      (soup_message_get_response_headers (msg), "Content-Type"), ==,
      "application/json");
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (reply, NULL),
          g_bytes_get_size (reply), "\"session_id\":\"2_"));
}

/* SIGTERM; expects exit 0 and nothing more on stdout. */
static void
terminate (GSubprocess * proc, GDataInputStream * out)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *rest = NULL;

  g_subprocess_send_signal (proc, SIGTERM);
  rest = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (rest);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

static gchar *
write_config (const gchar * text)
{
  g_autoptr (GError) error = NULL;
  gchar *path = NULL;
  gint fd = g_file_open_tmp ("gw-XXXXXX.conf", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_config_file (void)
{
  g_autofree gchar *config = write_config ("[http]\naddress=127.0.0.1\n"
      "port=8080\n[sip]\nport=0\n[project " KEY "]\nsecret=" SECRET "\n");
  const gchar *args[] = { "--http-port", "0", "--config", config, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = spawn (args, NULL, &error);
  g_autoptr (GDataInputStream) out = NULL;
  guint port;

  g_assert_no_error (error);
  port = read_ready (proc, &out);
  g_assert_cmpuint (port, !=, 8080);
  create_session (port, KEY, SECRET);
  terminate (proc, out);
  g_unlink (config);
}

static void
test_development (void)
{
  const gchar *args[] = { "--http-port", "0", "--sip-port", "0", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GDataInputStream) err = NULL;
  g_autofree gchar *line = NULL;
  guint port;

  /* The development project's secret, given instead of random. */
  proc = spawn (args, SECRET, &error);
  g_assert_no_error (error);
  port = read_ready (proc, &out);
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  do {
    g_free (line);
    line = g_data_input_stream_read_line (err, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (line);
  } while (!strstr (line, "API key"));
  g_assert_nonnull (strstr (line, "API key 12345678"));
  g_assert_nonnull (strstr (line, "API secret " SECRET));
  create_session (port, "12345678", SECRET);
  terminate (proc, out);
}

/* Runs to completion; returns the exit status, stderr in `err_text`. */
static gint
run (const gchar * const *args, gchar ** err_text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = spawn (args, NULL, &error);
  g_autofree gchar *out_text = NULL;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out_text,
          err_text, &error));
  g_assert_no_error (error);
  /* Nothing on stdout when it does not start. */
  g_assert_cmpstr (out_text, ==, "");
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

static void
test_bad_settings (void)
{
  g_autofree gchar *config = write_config ("[http]\nport=8080\n[sip]\n"
      "rtp-port-range=9-3\n[project " KEY "]\nsecret=x\n");
  g_autofree gchar *expected = g_strdup_printf ("%s: [sip] rtp-port-range: ",
      config);
  const gchar *bad_file[] = { "--config", config, NULL };
  const gchar *missing[] = { "--config", "/nonexistent/gw.conf", NULL };
  const gchar *bad_port[] = { "--http-port", "70000", NULL };
  const gchar *bad_arg[] = { "extra", NULL };
  g_autofree gchar *e1 = NULL;
  g_autofree gchar *e2 = NULL;
  g_autofree gchar *e3 = NULL;
  g_autofree gchar *e4 = NULL;

  g_assert_cmpint (run (bad_file, &e1), ==, 2);
  g_assert_nonnull (strstr (e1, expected));
  g_assert_cmpint (run (missing, &e2), ==, 2);
  g_assert_nonnull (strstr (e2, "/nonexistent/gw.conf"));
  g_assert_cmpint (run (bad_port, &e3), ==, 2);
  g_assert_nonnull (strstr (e3, "70000"));
  g_assert_cmpint (run (bad_arg, &e4), ==, 2);
  g_assert_nonnull (strstr (e4, "extra"));
  g_unlink (config);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gateway-binary/config-file", test_config_file);
  g_test_add_func ("/gateway-binary/development", test_development);
  g_test_add_func ("/gateway-binary/bad-settings", test_bad_settings);
  return g_test_run ();
}
