/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Calls end to end against SIPp far ends on 127.0.0.1: the gateway runs in
 * the test process, dials through the real REST API, and each test checks
 * the exact call-monitoring callbacks a local receiver got, what SIPp saw
 * on the wire (its scenario fails otherwise), and that the call's
 * connection, stream and RTP ports are gone afterwards. */
#include <string.h>

#include "call-test-utils.h"
#include "gw-test-pcap.h"
#include "gw-test-ports.h"
#include "gw-test-process.h"
#include "gw-test-sipp.h"

#define WAIT_MS 10000
#define SIPP_WAIT_MS 30000

#define CHECK(call) G_STMT_START {                                      \
    gboolean ok_ = (call);                                              \
    g_assert_no_error (error);                                          \
    g_assert_true (ok_);                                                \
  } G_STMT_END

/* One /call/ case: its fixture settings and, for test_scenario, what the
 * far end does and the exact events the call must give. */
typedef struct
{
  const gchar *path;
  void (*test) (CallFixture * f, gconstpointer data);
  const gchar *calls;           /* settings for the fixture, or NULL */
  const gchar *scenario;        /* tests/sipp/ file for test_scenario */
  gboolean rtp_echo;            /* SIPp echoes our RTP back */
  const gchar *hang_up_on;      /* DELETE the connection after this event */
  const gchar *expected;        /* the call's events, in order */
} SippCase;

/* A SIPp far end running @scenario (tests/sipp/ or a path). */
static GwTestSipp *
far_end_new (const gchar * scenario)
{
  g_autofree gchar *path = strchr (scenario, '/') ? g_strdup (scenario) :
      g_build_filename ("tests", "sipp", scenario, NULL);
  GwTestSipp *far = gw_test_sipp_new (path);

  gw_test_sipp_set_timeout (far, 25);
  return far;
}

static void
far_end_start (GwTestSipp * far)
{
  g_autoptr (GError) error = NULL;

  CHECK (gw_test_sipp_start (far, &error));
}

static void
far_end_wait (GwTestSipp * far)
{
  g_autoptr (GError) error = NULL;

  CHECK (gw_test_sipp_wait_success (far, SIPP_WAIT_MS, &error));
}

/* {"uri":"<the far end's URI>"<extra>} */
static gchar *
sip_json (GwTestSipp * far, const gchar * extra)
{
  g_autofree gchar *uri = gw_test_sipp_get_uri (far, "bob");

  return g_strdup_printf ("{\"uri\":\"%s\"%s}", uri, extra ? extra : "");
}

static void
wait_word (CallFixture * f, const GwDialReply * call, const gchar * word)
{
  if (!call_receiver_wait (f->rx, call->call_id, word, WAIT_MS)) {
    g_autofree gchar *got = call_receiver_describe (f->rx, call->call_id);
    g_error ("no %s for call %s; events so far: %s", word, call->call_id, got);
  }
}

static void
assert_events (CallFixture * f, const GwDialReply * call,
    const gchar * expected)
{
  call_receiver_assert (f->rx, call->call_id, f->session_id,
      call->connection_id, expected);
}

/* Starts @far and dials it with sip_json (@far, @extra). */
static void
start_and_dial (CallFixture * f, GwTestSipp * far, const gchar * extra,
    GwDialReply * call)
{
  g_autofree gchar *sip = NULL;

  far_end_start (far);
  sip = sip_json (far, extra);
  call_dial (f, sip, call);
}

/* SIPp's scenario passes, then the call's events are exactly @expected. */
static void
finish (CallFixture * f, GwTestSipp * far, const GwDialReply * call,
    const gchar * expected)
{
  far_end_wait (far);
  assert_events (f, call, expected);
}

static void
setup (CallFixture * f, gconstpointer data)
{
  call_fixture_setup (f, ((const SippCase *) data)->calls);
}

static void
teardown (CallFixture * f, gconstpointer data)
{
  call_fixture_teardown (f);
}

/* The far end runs the case's scenario; the gateway dials it and, if the
 * case says so, hangs up once that event arrived. */
static void
test_scenario (CallFixture * f, gconstpointer data)
{
  const SippCase *c = data;
  g_autoptr (GwTestSipp) far = far_end_new (c->scenario);
  g_auto (GwDialReply) call = { 0 };

  if (c->rtp_echo)
    gw_test_sipp_add_arg (far, "-rtp_echo");
  start_and_dial (f, far, NULL, &call);
  if (c->hang_up_on) {
    wait_word (f, &call, c->hang_up_on);
    call_disconnect (f, call.connection_id);
  }
  finish (f, far, &call, c->expected);
}

/* Answer, the far end's tone reaches the session, the far end's BYE. */
static void
run_remote_bye (CallFixture * f, const gchar * transport)
{
  g_autoptr (GwTestSipp) far = far_end_new ("call-answer-tone-bye.xml");
  g_autofree gchar *pcap = g_build_filename (gw_test_sipp_get_workdir (far),
      "play.pcap", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CallListener) listener = NULL;
  g_autoptr (GwTestAudio) heard = NULL;
  g_auto (GwDialReply) call = { 0 };
  g_autofree gchar *summary = NULL;

  CHECK (gw_test_pcap_write_tone (pcap, "PCMU", 440, 3.0, &error));
  gw_test_sipp_set_transport (far, transport);
  start_and_dial (f, far, NULL, &call);
  wait_word (f, &call, "ACTIVE");
  listener = call_listener_new (f->session_id, call.stream_id);
  heard = call_listener_record (listener, 1.0, WAIT_MS);
  g_assert_nonnull (heard);
  summary = gw_test_tone_describe (heard);
  g_test_message ("the session heard %s", summary);
  g_assert_cmpfloat_with_epsilon (gw_test_tone_dominant_frequency (heard, 100,
          4000), 440, 5);
  g_assert_cmpfloat (gw_test_tone_power_fraction (heard, 440, 10), >, 0.8);
  finish (f, far, &call, "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
}

static void
test_remote_bye (CallFixture * f, gconstpointer data)
{
  run_remote_bye (f, "u1");
}

static void
test_tcp (CallFixture * f, gconstpointer data)
{
  run_remote_bye (f, "t1");
}

static gchar *
md5_hex (const gchar * text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

/* tests/sipp/uas-auth-{401,407}.xml: realm sipp.test, user alice, password
 * s3cret.  The 407 scenario compares the digest response with the one
 * computed here (SIPp's verifyauth reads Authorization only). */
static void
run_auth (CallFixture * f, const gchar * code, const gchar * password)
{
  g_autofree gchar *scenario = g_strdup_printf ("uas-auth-%s.xml", code);
  g_autoptr (GwTestSipp) far = far_end_new (scenario);
  g_autoptr (GError) error = NULL;
  g_auto (GwDialReply) call = { 0 };
  g_autofree gchar *uri = NULL, *sip = NULL, *expected = NULL;
  g_autofree gchar *ha1 = md5_hex ("alice:sipp.test:s3cret");
  g_autofree gchar *a2 = NULL, *ha2 = NULL, *digest = NULL, *response = NULL;
  guint port = gw_test_ports_pick (&error);
  gboolean right = g_str_equal (password, "s3cret");

  g_assert_no_error (error);
  gw_test_sipp_set_port (far, port);
  uri = gw_test_sipp_get_uri (far, "bob");
  a2 = g_strdup_printf ("INVITE:%s", uri);
  ha2 = md5_hex (a2);
  /* RFC 2617 without qop: MD5(HA1:nonce:HA2) */
  digest = g_strdup_printf ("%s:6f1b0c0e5a3d:%s", ha1, ha2);
  response = md5_hex (digest);
  if (g_str_equal (code, "401")) {
    gw_test_sipp_set_key (far, "user", "alice");
    gw_test_sipp_set_key (far, "password", "s3cret");
  } else {
    gw_test_sipp_add_arg (far, "-set");
    gw_test_sipp_add_arg (far, "expected_response");
    gw_test_sipp_add_arg (far, response);
  }
  far_end_start (far);
  sip = g_strdup_printf ("{\"uri\":\"%s\",\"auth\":{\"username\":\"alice\","
      "\"password\":\"%s\"}}", uri, password);
  call_dial (f, sip, &call);
  if (right) {
    wait_word (f, &call, "ACTIVE");
    call_disconnect (f, call.connection_id);
    expected = g_strdup ("callCreated DIALING ACTIVE HANGUP "
        "callDestroyed(700 Normal Clearing)");
  } else {
    expected = g_strdup_printf ("callCreated DIALING HANGUP "
        "callDestroyed(%s Authentication Required)", code);
  }
  finish (f, far, &call, expected);
}

static void
test_auth_401 (CallFixture * f, gconstpointer data)
{
  run_auth (f, "401", "s3cret");
}

static void
test_auth_401_wrong (CallFixture * f, gconstpointer data)
{
  run_auth (f, "401", "guess");
}

static void
test_auth_407 (CallFixture * f, gconstpointer data)
{
  run_auth (f, "407", "s3cret");
}

static void
test_auth_407_wrong (CallFixture * f, gconstpointer data)
{
  run_auth (f, "407", "guess");
}

/* media-timeout=1.5 and a far end whose RTP stops after 1 s: BYE, 706. */
static void
test_media_stops (CallFixture * f, gconstpointer data)
{
  g_autoptr (GwTestSipp) far =
      far_end_new ("tests/common/scenarios/uas-play-pcap.xml");
  g_autofree gchar *pcap = g_build_filename (gw_test_sipp_get_workdir (far),
      "play.pcap", NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GwDialReply) call = { 0 };

  CHECK (gw_test_pcap_write_tone (pcap, "PCMU", 700, 1.0, &error));
  gw_test_sipp_set_key (far, "pt", "0");
  gw_test_sipp_set_key (far, "codec", "PCMU");
  start_and_dial (f, far, NULL, &call);
  finish (f, far, &call, "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(706 Max Inactive)");
}

/* From and X- headers as SIPp sees them; @from NULL = default-from. */
static void
run_headers (CallFixture * f, const gchar * from, const gchar * expected_user)
{
  g_autoptr (GwTestSipp) far = far_end_new ("call-check-headers.xml");
  g_auto (GwDialReply) call = { 0 };
  g_autofree gchar *extra = NULL;

  gw_test_sipp_add_arg (far, "-set");
  gw_test_sipp_add_arg (far, "expected_from");
  gw_test_sipp_add_arg (far, expected_user);
  extra = g_strdup_printf (",\"headers\":{\"X-Call-Ref\":\"abc 123\","
      "\"X-Second\":\"two\"}%s%s%s", from ? ",\"from\":\"" : "",
      from ? from : "", from ? "\"" : "");
  start_and_dial (f, far, extra, &call);
  wait_word (f, &call, "ACTIVE");
  call_disconnect (f, call.connection_id);
  finish (f, far, &call, "callCreated DIALING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
}

static void
test_headers_and_from (CallFixture * f, gconstpointer data)
{
  run_headers (f, "+15551234@example.com", "+15551234");
}

static void
test_default_from (CallFixture * f, gconstpointer data)
{
  run_headers (f, NULL, "gateway-caller");
}

/* An INVITE (and OPTIONS, MESSAGE) to the gateway outside any dialog: 403. */
static void
test_out_of_dialog (CallFixture * f, gconstpointer data)
{
  g_autoptr (GwTestSipp) far = far_end_new ("uac-out-of-dialog.xml");
  g_autofree gchar *target = g_strdup_printf ("127.0.0.1:%u",
      gw_gateway_get_sip_port (f->rest.gateway));

  gw_test_sipp_set_remote (far, target);
  far_end_start (far);
  far_end_wait (far);
}

/* Force mute of a stream dialled with observeForceMute: muteForced; DTMF
 * to the SIP leg is accepted (test-call-dtmf.c checks it on the wire). */
static void
test_force_mute_and_dtmf (CallFixture * f, gconstpointer data)
{
  g_autoptr (GwTestSipp) far = far_end_new ("call-answer-wait-bye.xml");
  g_auto (GwDialReply) call = { 0 };
  g_autofree gchar *mute = NULL, *dtmf = NULL;
  g_autoptr (RestReply) muted = NULL, played = NULL;
  g_autoptr (OtSession) session = call_fixture_get_session (f);
  g_autoptr (OtStream) stream = NULL;

  gw_test_sipp_add_arg (far, "-rtp_echo");
  start_and_dial (f, far, ",\"observeForceMute\":true", &call);
  wait_word (f, &call, "ACTIVE");
  mute = g_strdup_printf ("/v2/project/" TEST_API_KEY "/session/%s/stream/"
      "%s/mute", f->session_id, call.stream_id);
  muted = rest_call (&f->rest, "POST", mute, f->rest_token, "{}");
  g_assert_cmpuint (muted->status, ==, 200);
  stream = ot_session_lookup_stream (session, call.stream_id);
  g_assert_true (ot_stream_is_muted (stream));
  wait_word (f, &call, "muteForced");
  dtmf = g_strdup_printf ("/v2/project/" TEST_API_KEY "/session/%s/"
      "connection/%s/play-dtmf", f->session_id, call.connection_id);
  played = rest_call (&f->rest, "POST", dtmf, f->rest_token,
      "{\"digits\":\"1\"}");
  g_assert_cmpuint (played->status, ==, 200);
  call_disconnect (f, call.connection_id);
  finish (f, far, &call, "callCreated DIALING RINGING ACTIVE muteForced "
      "HANGUP callDestroyed(700 Normal Clearing)");
}

/* The media pipeline fails mid-call: BYE, 703. */
static void
test_media_error (CallFixture * f, gconstpointer data)
{
  g_autoptr (GwTestSipp) far = far_end_new ("call-answer-wait-bye.xml");
  g_auto (GwDialReply) call = { 0 };
  g_autoptr (GError) failure = g_error_new (GST_STREAM_ERROR,
      GST_STREAM_ERROR_FAILED, "injected by the test");
  GwCall *c;
  GstElement *pipeline, *source;
  GstIterator *it;
  GValue item = G_VALUE_INIT;

  gw_test_sipp_add_arg (far, "-rtp_echo");
  start_and_dial (f, far, NULL, &call);
  wait_word (f, &call, "ACTIVE");
  c = gw_call_registry_lookup (gw_gateway_get_calls (f->rest.gateway),
      call.call_id);
  g_assert_nonnull (c);
  pipeline = gw_media_bridge_get_pipeline (gw_call_get_media_bridge (c));
  g_assert_nonnull (pipeline);
  /* As a source element reports a failure (GST_ELEMENT_ERROR). */
  it = gst_bin_iterate_sources (GST_BIN (pipeline));
  g_assert_cmpint (gst_iterator_next (it, &item), ==, GST_ITERATOR_OK);
  source = g_value_get_object (&item);
  gst_element_post_message (source, gst_message_new_error (GST_OBJECT
          (source), failure, "injected"));
  g_value_unset (&item);
  gst_iterator_free (it);
  finish (f, far, &call, "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(703 Unexpected Clearing)");
}

/* The session goes away with the call in it: the call hangs up, 700. */
static void
test_session_removed (CallFixture * f, gconstpointer data)
{
  g_autoptr (GwTestSipp) far = far_end_new ("call-answer-wait-bye.xml");
  g_auto (GwDialReply) call = { 0 };

  start_and_dial (f, far, NULL, &call);
  wait_word (f, &call, "ACTIVE");
  g_assert_true (ot_hub_remove_session (ot_hub_get_default (), f->session_id));
  finish (f, far, &call, "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
}

/* What is not built yet (video; secure calls are, see test-call-secure.c)
 * is refused, and leaves nothing behind. */
static void
test_refused (CallFixture * f, gconstpointer data)
{
  const gchar *sips[] = {
    "{\"uri\":\"sip:bob@127.0.0.1:5\",\"video\":true}",
    "{\"uri\":\"sip:bob@127.0.0.1:5\",\"secure\":true,\"video\":true}",
  };
  g_autoptr (OtSession) session = call_fixture_get_session (f);

  for (guint i = 0; i < G_N_ELEMENTS (sips); i++) {
    g_autoptr (RestReply) r = call_post_dial (f, sips[i]);
    GList *connections;

    g_assert_cmpuint (r->status, ==, 501);
    connections = ot_session_list_connections (session);
    g_assert_null (connections);
  }
  g_assert_cmpuint (gw_call_registry_get_n_calls (gw_gateway_get_calls
          (f->rest.gateway)), ==, 0);
}

static void
on_ended (GwCall * call, gboolean * ended)
{
  *ended = TRUE;
}

static gboolean
flag_set (gpointer flag)
{
  return *(gboolean *) flag;
}

/* The far end answers over TCP and goes away mid-call: the dialog fails
 * (a keepalive OPTIONS, every second here, cannot be sent) and the call
 * ends with 703.  GwCall alone, with a SIP agent of the test's own. */
static void
test_transport_failure (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CallReceiver) rx = call_receiver_new ();
  g_autofree gchar *text = call_settings_text (call_receiver_get_url (rx),
      NULL);
  g_autoptr (GwSettings) settings = gw_settings_new_from_data (text, -1,
      "call-test.conf", &error);
  GwSipAgentConfig config = {.address = "127.0.0.1",.keepalive_interval = 1
  };
  g_autoptr (GwSipAgent) agent = gw_sip_agent_new (&config, &error);
  g_autoptr (GwMediaPorts) ports = gw_media_ports_new (40000, 40999, &error);
  g_autoptr (GwCallbacks) callbacks = gw_callbacks_new ();
  GwCallEnv env = { agent, ports, callbacks, settings };
  g_autoptr (OtSession) session = ot_hub_create_session (ot_hub_get_default (),
      TEST_API_KEY, NULL, TRUE);
  g_autoptr (GwTestSipp) far = far_end_new ("uas-vanish.xml");
  g_autoptr (GwDialRequest) request = gw_dial_request_new (TEST_API_KEY,
      ot_session_get_id (session));
  g_autofree gchar *uri = NULL;
  g_autoptr (GwCall) call = NULL;
  gboolean ended = FALSE;
  GList *left;

  g_assert_no_error (error);
  gw_test_sipp_set_transport (far, "t1");
  far_end_start (far);
  uri = gw_test_sipp_get_uri (far, "bob");
  CHECK (gw_dial_request_set_uri (request, uri, &error));
  call = gw_call_new (&env, session, g_steal_pointer (&request), &error);
  g_assert_no_error (error);
  g_signal_connect (call, "ended", G_CALLBACK (on_ended), &ended);
  far_end_wait (far);
  g_assert_true (gw_test_wait_until (flag_set, &ended, 10000));
  g_assert_cmpint (gw_call_get_state (call), ==, GW_CALL_STATE_DESTROYED);
  call_receiver_assert (rx, gw_call_get_id (call),
      ot_session_get_id (session), gw_call_get_connection_id (call),
      "callCreated DIALING ACTIVE HANGUP "
      "callDestroyed(703 Unexpected Clearing)");
  left = ot_session_list_connections (session);
  g_assert_null (left);
  g_assert_cmpuint (gw_media_ports_get_n_allocated (ports), ==, 0);
  g_assert_true (gw_callbacks_flush (callbacks, 5000));
  gw_sip_agent_shutdown (agent);
  ot_hub_remove_session (ot_hub_get_default (), ot_session_get_id (session));
}

/* In the order they run; test_scenario cases say what they check. */
static const SippCase cases[] = {
  {"remote-bye", test_remote_bye},
  {"tcp", test_tcp},
  /* Hold and resume three times (SIPp echoes RTP), then the far end's BYE. */
  {"hold-resume", test_scenario, NULL, "call-hold-resume.xml", TRUE, NULL,
      "callCreated DIALING ACTIVE ON_HOLD ACTIVE ON_HOLD ACTIVE ON_HOLD "
        "ACTIVE HANGUP callDestroyed(700 Normal Clearing)"},
  {"busy", test_scenario, NULL, "uas-busy.xml", FALSE, NULL,
      "callCreated DIALING HANGUP callDestroyed(486 Busy Here)"},
  /* A 3xx is a final failure too (not followed): its code and phrase. */
  {"redirect", test_scenario, NULL, "uas-redirect.xml", FALSE, NULL,
      "callCreated DIALING HANGUP callDestroyed(302 Moved Temporarily)"},
  {"auth-401", test_auth_401},
  {"auth-401-wrong", test_auth_401_wrong},
  {"auth-407", test_auth_407},
  {"auth-407-wrong", test_auth_407_wrong},
  /* Ringing, then DELETE connection: CANCEL and 487 on the wire. */
  {"cancel", test_scenario, NULL, "uas-cancel.xml", FALSE, "RINGING",
      "callCreated DIALING RINGING HANGUP callDestroyed(700 Normal Clearing)"},
  /* ring-timeout=1: CANCEL, 408. */
  {"ring-timeout", test_scenario, "ring-timeout=1\n", "uas-cancel.xml", FALSE,
        NULL,
      "callCreated DIALING RINGING HANGUP callDestroyed(408 Request Timeout)"},
  /* initial-media-timeout=2 and a far end that sends no RTP: BYE, 704. */
  {"no-media", test_scenario, "initial-media-timeout=2\n",
        "call-answer-wait-bye.xml", FALSE, NULL,
      "callCreated DIALING RINGING ACTIVE HANGUP "
        "callDestroyed(704 Media Timeout)"},
  {"media-stops", test_media_stops, "media-timeout=1.5\n"},
  /* max-duration=2 with RTP flowing (SIPp echoes ours): BYE, 705. */
  {"max-duration", test_scenario, "max-duration=2\n",
        "call-answer-wait-bye.xml", TRUE, NULL,
      "callCreated DIALING RINGING ACTIVE HANGUP "
        "callDestroyed(705 Max Duration)"},
  /* An answer without a codec we offered: BYE, 488. */
  {"no-common-codec", test_scenario, NULL, "call-answer-no-codec.xml", FALSE,
        NULL,
      "callCreated DIALING RINGING HANGUP "
        "callDestroyed(488 Not Acceptable Here)"},
  {"headers-and-from", test_headers_and_from},
  {"default-from", test_default_from, "default-from=gateway-caller\n"},
  {"out-of-dialog", test_out_of_dialog},
  {"force-mute-and-dtmf", test_force_mute_and_dtmf},
  {"media-error", test_media_error},
  {"session-removed", test_session_removed},
  {"refused", test_refused},
};

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree gchar *path = g_strconcat ("/call/", cases[i].path, NULL);

    g_test_add (path, CallFixture, &cases[i], setup, cases[i].test, teardown);
  }
  g_test_add_func ("/call/transport-failure", test_transport_failure);
  return g_test_run ();
}
