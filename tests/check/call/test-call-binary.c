/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The real ot-sip-gateway binary with a call in progress: its ready line
 * names the SIP port given with --sip-port, a dial through REST reaches a
 * SIPp far end, and SIGTERM ends the call cleanly (SIPp sees our BYE, the
 * callbacks end with HANGUP and callDestroyed 700) before the process exits
 * with status 0. */
#include <signal.h>
#include <string.h>

#include "call-test-utils.h"
#include "gw-test-ports.h"
#include "gw-test-process.h"
#include "gw-test-sipp.h"

#define CHECK(call) G_STMT_START {                                      \
    gboolean ok_ = (call);                                              \
    g_assert_no_error (error);                                          \
    g_assert_true (ok_);                                                \
  } G_STMT_END

typedef struct
{
  gchar *line;
  GError *error;
  gboolean done;
} LineRead;

static void
line_read (GObject * source, GAsyncResult * result, gpointer data)
{
  LineRead *r = data;

  r->line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM
      (source), result, NULL, &r->error);
  r->done = TRUE;
}

/* The first line on @proc's stdout, iterating the main context. */
static gchar *
read_ready_line (GSubprocess * proc)
{
  g_autoptr (GDataInputStream) in =
      g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  LineRead r = { 0 };

  g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, NULL,
      line_read, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.line);
  return r.line;
}

static GSubprocess *
spawn_gateway (const gchar * config, guint sip_port)
{
  g_autofree gchar *exe = g_build_filename (g_getenv ("OT_BUILD_ROOT"),
      "app", "ot-sip-gateway", NULL);
  g_autofree gchar *port = g_strdup_printf ("%u", sip_port);
  g_autoptr (GError) error = NULL;
  GSubprocess *proc;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, exe,
      "--config", config, "--sip-port", port, NULL);
  g_assert_no_error (error);
  return proc;
}

static gboolean
exited (gpointer data)
{
  return !gw_test_process_is_running (data);
}

static void
test_sigterm_with_active_call (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CallReceiver) rx = call_receiver_new ();
  g_autofree gchar *dir = gw_test_tmpdir_new ("gw-call-binary", &error);
  g_autofree gchar *config = g_build_filename (dir, "gateway.conf", NULL);
  g_autofree gchar *settings = call_settings_text (call_receiver_get_url (rx),
      NULL);
  guint sip_port = gw_test_ports_pick (&error);
  g_autoptr (GSubprocess) gateway = NULL;
  g_autoptr (GRegex) ready = g_regex_new ("^ready http=127\\.0\\.0\\.1:"
      "([0-9]+) sip=127\\.0\\.0\\.1:([0-9]+)$", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree gchar *line = NULL, *http_port = NULL, *got_sip_port = NULL;
  g_autoptr (GwTestSipp) far = gw_test_sipp_new
      ("tests/sipp/call-answer-wait-bye.xml");
  RestFixture rest = { 0 };
  g_autofree gchar *sid = NULL, *token = NULL, *uri = NULL, *body = NULL;
  g_autofree gchar *rest_token = NULL;
  g_autoptr (RestReply) reply = NULL;
  g_autoptr (JsonNode) node = NULL;
  const gchar *call_id, *connection_id;

  g_assert_no_error (error);
  CHECK (g_file_set_contents (config, settings, -1, &error));
  gateway = spawn_gateway (config, sip_port);
  line = read_ready_line (gateway);
  g_test_message ("%s", line);
  g_assert_true (g_regex_match (ready, line, 0, &match));
  http_port = g_match_info_fetch (match, 1);
  got_sip_port = g_match_info_fetch (match, 2);
  g_assert_cmpuint (g_ascii_strtoull (got_sip_port, NULL, 10), ==, sip_port);

  rest.base_url = g_strdup_printf ("http://127.0.0.1:%s", http_port);
  rest.client = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  sid = test_create_session (&rest, TEST_API_KEY, TEST_SECRET);
  token = call_client_token (sid, "name=sip");
  rest_token = test_rest_jwt (TEST_API_KEY, TEST_SECRET, 300);

  gw_test_sipp_add_arg (far, "-rtp_echo");
  gw_test_sipp_set_timeout (far, 25);
  CHECK (gw_test_sipp_start (far, &error));
  uri = gw_test_sipp_get_uri (far, "bob");
  body = g_strdup_printf ("{\"sessionId\":\"%s\",\"token\":\"%s\",\"sip\":"
      "{\"uri\":\"%s\"}}", sid, token, uri);
  reply = rest_call (&rest, "POST", "/v2/project/" TEST_API_KEY "/dial",
      rest_token, body);
  node = rest_assert_json (reply);
  call_id = json_object_get_string_member (json_node_get_object (node), "id");
  connection_id = json_object_get_string_member (json_node_get_object (node),
      "connectionId");
  g_assert_true (call_receiver_wait (rx, call_id, "ACTIVE", 10000));

  g_subprocess_send_signal (gateway, SIGTERM);
  g_assert_true (gw_test_wait_until (exited, gateway, 20000));
  g_assert_true (g_subprocess_get_if_exited (gateway));
  g_assert_cmpint (g_subprocess_get_exit_status (gateway), ==, 0);
  CHECK (gw_test_sipp_wait_success (far, 10000, &error));
  /* The process flushed its callbacks before exiting. */
  call_receiver_assert (rx, call_id, sid, connection_id,
      "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");

  g_clear_object (&rest.client);
  g_free (rest.base_url);
  gw_test_tmpdir_remove (dir);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/call-binary/sigterm-with-active-call",
      test_sigterm_with_active_call);
  return g_test_run ();
}
