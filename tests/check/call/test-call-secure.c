/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Secure calls end to end, dialled through the REST API of a gateway in the
 * test process:
 *  - SDES: two baresip phones that insist on SRTP (srtp-mand, 440 Hz and
 *    660 Hz) hear each other through the session; one is dialled with the
 *    PHP SDK's body (nulls, secure true) on /call; the other holds and
 *    resumes, and both still hear each other after it (SRTP survives hold).
 *  - DTLS-SRTP (secure-media=dtls): the same with baresip's dtls_srtp.
 *  - On the wire: tshark on lo sees what the gateway sends a secure call
 *    and a plain call of the same session (both PCMU): the plain one
 *    decodes to its tone, the secure one carries an SRTP auth tag and
 *    decodes to noise.
 *  - A plain answer to a secure offer: BYE and callDestroyed 488.
 *  - Re-INVITEs of an SDES call: hold with the same key, resume with a new
 *    one (rekey), a plain re-offer refused (the call stays secure).
 *  - SIP over TLS (SIPp behind a GIO TLS relay; CA made at test time):
 *    sips: is answered, with our client certificate from the settings;
 *    a server of an untrusted CA is refused: callDestroyed 503 "TLS: ...".
 * The TLS support (tls-pki.c, tls-relay.c) is the SIP tests'. */
#include <string.h>

#include "call-registry.h"
#include "call-test-utils.h"
#include "gw-test-baresip.h"
#include "gw-test-ports.h"
#include "gw-test-process.h"
#include "gw-test-sipp.h"
#include "tls-pki.h"
#include "tls-relay.h"

#define WAIT_MS 10000
#define SIPP_TIMEOUT_S 20
/* PCMU, 20 ms: the RTP header and 160 bytes. */
#define PCMU_PACKET_LEN (12 + 160)
#define CAPTURE_PACKETS 100

#define CHECK(call) G_STMT_START {                                      \
    gboolean ok_ = (call);                                              \
    g_assert_no_error (error);                                          \
    g_assert_true (ok_);                                                \
  } G_STMT_END

static GwTestPki *pki;

/* ---- far ends and dialling ---- */

static GwTestBaresip *
far_end_new (const gchar * user, guint tone, const gchar * mediaenc,
    const gchar * codecs)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestBaresip) far = gw_test_baresip_new (user);

  gw_test_baresip_set_tone (far, tone);
  gw_test_baresip_set_media_encryption (far, mediaenc);
  if (codecs)
    gw_test_baresip_set_codecs (far, codecs);
  CHECK (gw_test_baresip_start (far, &error));
  return g_steal_pointer (&far);
}

static void
wait_active (CallFixture * f, GwTestBaresip * far, const GwDialReply * call)
{
  g_autoptr (GError) error = NULL;

  CHECK (gw_test_baresip_wait_established (far, WAIT_MS, &error));
  g_assert_true (call_receiver_wait (f->rx, call->call_id, "ACTIVE", WAIT_MS));
}

/* Node-style: {"uri": ..., "secure": ...} on /dial. */
static void
dial (CallFixture * f, GwTestBaresip * far, gboolean secure, GwDialReply * out)
{
  g_autofree gchar *uri = gw_test_baresip_get_uri (far);
  g_autofree gchar *sip = g_strdup_printf ("{\"uri\":\"%s\",\"secure\":%s}",
      uri, secure ? "true" : "false");

  call_dial (f, sip, out);
  wait_active (f, far, out);
}

/* What the PHP SDK sends, on the route it uses (/call): nulls for what is
 * not set, [] for empty maps, and secure true by default. */
static void
dial_php (CallFixture * f, GwTestBaresip * far, GwDialReply * out)
{
  g_autofree gchar *uri = gw_test_baresip_get_uri (far);
  g_autofree gchar *sip = g_strdup_printf ("{\"uri\":\"%s\",\"from\":null,"
      "\"headers\":[],\"auth\":null,\"secure\":true,\"video\":null,"
      "\"observeForceMute\":null,\"streams\":null}", uri);
  g_autofree gchar *body = call_dial_body (f, sip);
  g_autoptr (RestReply) reply = rest_call (&f->rest, "POST",
      "/v2/project/" TEST_API_KEY "/call", f->rest_token, body);
  g_autoptr (JsonNode) node = rest_assert_json (reply);
  JsonObject *o = json_node_get_object (node);

  out->call_id = g_strdup (json_object_get_string_member (o, "id"));
  out->connection_id =
      g_strdup (json_object_get_string_member (o, "connectionId"));
  out->stream_id = g_strdup (json_object_get_string_member (o, "streamId"));
  wait_active (f, far, out);
}

/* @far hears @freq in what it received from now on. */
static void
assert_hears (GwTestBaresip * far, gdouble freq)
{
  g_autoptr (GError) error = NULL;

  if (!gw_test_baresip_wait_heard (far, freq, WAIT_MS, &error)) {
    g_autofree gchar *log = gw_test_baresip_get_log (far);

    g_printerr ("baresip:\n%s\n", log);
  }
  g_assert_no_error (error);
}

/* More audio than now reached @far, then @freq in it: media flows again. */
static void
assert_hears_again (GwTestBaresip * far, gdouble freq)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestAudio) so_far = gw_test_baresip_load_received (far, &error);

  g_assert_no_error (error);
  CHECK (gw_test_baresip_wait_received_seconds (far,
          gw_test_audio_duration (so_far) + 1.0, WAIT_MS, &error));
  assert_hears (far, freq);
}

/* The session hears @tone on the call's stream. */
static void
assert_published (CallFixture * f, const GwDialReply * call, gdouble tone)
{
  g_autoptr (CallListener) listener = call_listener_new (f->session_id,
      call->stream_id);
  g_autoptr (GwTestAudio) heard = call_listener_record (listener, 0.5, WAIT_MS);

  g_assert_nonnull (heard);
  g_assert_cmpfloat_with_epsilon (gw_test_tone_dominant_frequency (heard, 100,
          4000), tone, 5);
}

static void
hang_up_both (CallFixture * f, GwTestBaresip * alice, const GwDialReply * a,
    GwTestBaresip * bob)
{
  g_autoptr (GError) error = NULL;

  call_disconnect (f, a->connection_id);
  CHECK (gw_test_baresip_wait_closed (alice, WAIT_MS, NULL, &error));
  /* Bob hangs up himself: BYE from the far end. */
  CHECK (gw_test_baresip_hangup (bob, &error));
}

static void
assert_events (CallFixture * f, const GwDialReply * call,
    const gchar * expected)
{
  call_receiver_assert (f->rx, call->call_id, f->session_id,
      call->connection_id, expected);
}

/* Both hang up; Alice's call went the plain way, Bob's as @b_expected. */
static void
finish_two_calls (CallFixture * f, GwTestBaresip * alice, const GwDialReply * a,
    GwTestBaresip * bob, const GwDialReply * b, const gchar * b_expected)
{
  hang_up_both (f, alice, a, bob);
  assert_events (f, a, "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
  assert_events (f, b, b_expected);
}

/* ---- SDES and DTLS-SRTP with baresip ---- */

typedef struct
{
  CallReceiver *rx;
  const gchar *call_id;
  const gchar *text;
} Sequence;

static gboolean
has_sequence (gpointer data)
{
  Sequence *s = data;
  g_autofree gchar *events = call_receiver_describe (s->rx, s->call_id);

  return strstr (events, s->text) != NULL;
}

/* Waits until the call's events contain @text (several words in a row). */
static gboolean
wait_sequence (CallFixture * f, const GwDialReply * call, const gchar * text)
{
  Sequence s = { f->rx, call->call_id, text };

  return gw_test_wait_until (has_sequence, &s, WAIT_MS);
}

/* Bob holds and resumes: ON_HOLD, then ACTIVE (both re-INVITEs answered
 * with our same SDES key: baresip insists on SRTP), and what Bob sends
 * after it is decrypted again: Alice hears him in fresh audio, and so does
 * the session on Bob's stream.  (What the gateway sends Bob after his
 * resume cannot be checked here: baresip 1.0 stops recording what it
 * receives after its own hold, plain calls too, though the tone is on the
 * wire.) */
static void
hold_and_resume (CallFixture * f, GwTestBaresip * alice, GwTestBaresip * bob,
    const GwDialReply * b)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *held = NULL, *resumed = NULL;

  held = gw_test_baresip_command (bob, "hold", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (call_receiver_wait (f->rx, b->call_id, "ON_HOLD", WAIT_MS));
  resumed = gw_test_baresip_command (bob, "resume", NULL, &error);
  g_assert_no_error (error);
  /* The second ACTIVE: after ON_HOLD. */
  g_assert_true (wait_sequence (f, b, "ON_HOLD ACTIVE"));
  assert_hears_again (alice, 660);
  assert_published (f, b, 660);
}

static void
test_sdes (CallFixture * f, gconstpointer data)
{
  g_autoptr (GwTestBaresip) alice = far_end_new ("alice", 440, "srtp-mand",
      NULL);
  g_autoptr (GwTestBaresip) bob = far_end_new ("bob", 660, "srtp-mand", NULL);
  g_auto (GwDialReply) a = { 0 };
  g_auto (GwDialReply) b = { 0 };

  dial_php (f, alice, &a);
  dial (f, bob, TRUE, &b);
  assert_hears (alice, 660);
  assert_hears (bob, 440);
  hold_and_resume (f, alice, bob, &b);
  finish_two_calls (f, alice, &a, bob, &b, "callCreated DIALING RINGING "
      "ACTIVE ON_HOLD ACTIVE HANGUP callDestroyed(700 Normal Clearing)");
}

/* baresip's word that DTLS-SRTP keyed the call's media ("0,audio,RTP" or
 * "0,audio,RTCP"): after the answer, once the handshake is done. */
static void
assert_dtls_keyed (GwTestBaresip * far)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) ev = gw_test_baresip_wait_event (far, "CALL_MENC",
      WAIT_MS, &error);
  const gchar *param;

  g_assert_no_error (error);
  param = json_object_get_string_member (ev, "param");
  if (!g_str_has_prefix (param, "0,audio,RTP")
      && !g_str_has_prefix (param, "0,audio,RTCP"))
    g_error ("baresip says '%s', not that DTLS-SRTP is up", param);
}

static void
test_dtls (CallFixture * f, gconstpointer data)
{
  g_autoptr (GwTestBaresip) alice = far_end_new ("alice", 440, "dtls_srtp",
      NULL);
  g_autoptr (GwTestBaresip) bob = far_end_new ("bob", 660, "dtls_srtp", NULL);
  g_auto (GwDialReply) a = { 0 };
  g_auto (GwDialReply) b = { 0 };

  dial (f, alice, TRUE, &a);
  dial (f, bob, TRUE, &b);
  assert_dtls_keyed (alice);
  assert_dtls_keyed (bob);
  assert_hears (alice, 660);
  assert_hears (bob, 440);
  finish_two_calls (f, alice, &a, bob, &b, "callCreated DIALING RINGING "
      "ACTIVE HANGUP callDestroyed(700 Normal Clearing)");
}

/* ---- on the wire ---- */

typedef struct
{
  gboolean done;
  gchar *out;
  gchar *err;
  GError *error;
} Capture;

static void
capture_done (GObject * source, GAsyncResult * result, gpointer data)
{
  Capture *c = data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result,
      &c->out, &c->err, &c->error);
  c->done = TRUE;
}

static gboolean
capture_is_done (gpointer data)
{
  return ((Capture *) data)->done;
}

/* The UDP payloads of CAPTURE_PACKETS packets sent from either port, as
 * tshark on lo prints them: "SRCPORT\tHEX" lines.  NULL, with the test
 * skipped, when this machine cannot capture (no tshark, not allowed). */
static gchar *
capture_udp (guint port_a, guint port_b)
{
  g_autofree gchar *tshark = g_find_program_in_path ("tshark");
  g_autofree gchar *filter = g_strdup_printf ("udp src port %u or udp src "
      "port %u", port_a, port_b);
  g_autofree gchar *count = g_strdup_printf ("%u", CAPTURE_PACKETS);
  const gchar *argv[] = { "tshark", "-i", "lo", "-n", "-f", filter, "-c",
    count, "-a", "duration:15", "-T", "fields", "-e", "udp.srcport", "-e",
    "udp.payload", NULL
  };
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  Capture c = { 0 };
  gchar *out;

  if (tshark == NULL) {
    g_test_skip ("tshark is not installed: cannot look at the wire");
    return NULL;
  }
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE
      | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, capture_done, &c);
  /* The gateway runs on this context meanwhile. */
  g_assert_true (gw_test_wait_until (capture_is_done, &c, 30000));
  g_assert_no_error (c.error);
  if (!g_subprocess_get_successful (proc)) {
    g_autofree gchar *why = g_strdup_printf ("tshark cannot capture on lo "
        "(needs root or the wireshark group): %s", c.err);

    g_test_skip (why);
    g_free (c.out);
    g_free (c.err);
    return NULL;
  }
  g_free (c.err);
  out = c.out;
  return out;
}

static gint16
ulaw_to_s16 (guint8 u)
{
  gint t;

  u = ~u;
  t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return (u & 0x80) ? 0x84 - t : t - 0x84;
}

typedef struct
{
  guint packets;
  guint tagged;                 /* PCMU plus 4 or 10 bytes: SRTP */
  GArray *samples;              /* the 160 bytes after the header, as PCMU */
} Flow;

static void
flow_add (Flow * flow, const guint8 * bytes, gsize len)
{
  /* RTP version 2, payload type 0 (PCMU) in the clear either way: SRTP
   * encrypts the payload only. */
  g_assert_cmpuint (len, >=, PCMU_PACKET_LEN);
  g_assert_cmpuint (bytes[0] >> 6, ==, 2);
  g_assert_cmpuint (bytes[1] & 0x7f, ==, 0);
  flow->packets++;
  if (len == PCMU_PACKET_LEN + 10 || len == PCMU_PACKET_LEN + 4)
    flow->tagged++;
  else
    g_assert_cmpuint (len, ==, PCMU_PACKET_LEN);
  for (guint i = 12; i < PCMU_PACKET_LEN; i++) {
    gint16 s = ulaw_to_s16 (bytes[i]);

    g_array_append_val (flow->samples, s);
  }
}

static GwTestAudio *
flow_audio (Flow * flow)
{
  return gw_test_audio_new_s16 ((const gint16 *) flow->samples->data,
      flow->samples->len, 8000, 1);
}

static void
parse_capture (const gchar * text, guint secure_port, Flow * secure,
    Flow * plain)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i]; i++) {
    g_auto (GStrv) fields = g_strsplit (lines[i], "\t", 2);
    g_autoptr (GByteArray) bytes = g_byte_array_new ();
    const gchar *hex;

    if (g_strv_length (fields) != 2)
      continue;
    for (hex = fields[1]; g_ascii_isxdigit (hex[0])
        && g_ascii_isxdigit (hex[1]); hex += 2) {
      guint8 b = (g_ascii_xdigit_value (hex[0]) << 4)
          | g_ascii_xdigit_value (hex[1]);

      g_byte_array_append (bytes, &b, 1);
    }
    flow_add (atoi (fields[0]) == (gint) secure_port ? secure : plain,
        bytes->data, bytes->len);
  }
}

static guint
call_rtp_port (CallFixture * f, const GwDialReply * reply)
{
  GwCall *call = gw_call_registry_lookup (gw_gateway_get_calls
      (f->rest.gateway), reply->call_id);

  g_assert_nonnull (call);
  return gw_media_bridge_get_rtp_port (gw_call_get_media_bridge (call));
}

/* Alice's call is secure, Bob's plain, both PCMU: what the gateway sends
 * Bob is Alice's 440 Hz in the clear (the capture works); what it sends
 * Alice, Bob's 660 Hz, is nowhere to be seen, and every packet carries an
 * auth tag. */
static void
test_capture (CallFixture * f, gconstpointer data)
{
  g_autoptr (GwTestBaresip) alice = far_end_new ("alice", 440, "srtp-mand",
      "PCMU");
  g_autoptr (GwTestBaresip) bob = far_end_new ("bob", 660, NULL, "PCMU");
  g_auto (GwDialReply) a = { 0 };
  g_auto (GwDialReply) b = { 0 };
  g_autofree gchar *text = NULL;
  g_autoptr (GwTestAudio) secure_audio = NULL, plain_audio = NULL;
  Flow secure = { 0 }, plain = { 0 };
  gdouble secure_share, plain_share;

  dial (f, alice, TRUE, &a);
  dial (f, bob, FALSE, &b);
  assert_hears (alice, 660);
  assert_hears (bob, 440);
  text = capture_udp (call_rtp_port (f, &a), call_rtp_port (f, &b));
  if (text) {
    secure.samples = g_array_new (FALSE, FALSE, sizeof (gint16));
    plain.samples = g_array_new (FALSE, FALSE, sizeof (gint16));
    parse_capture (text, call_rtp_port (f, &a), &secure, &plain);
    g_test_message ("captured %u secure (%u tagged), %u plain packets",
        secure.packets, secure.tagged, plain.packets);
    g_assert_cmpuint (secure.packets, >=, CAPTURE_PACKETS / 4);
    g_assert_cmpuint (plain.packets, >=, CAPTURE_PACKETS / 4);
    g_assert_cmpuint (secure.tagged, ==, secure.packets);
    g_assert_cmpuint (plain.tagged, ==, 0);
    secure_audio = flow_audio (&secure);
    plain_audio = flow_audio (&plain);
    plain_share = gw_test_tone_power_fraction (plain_audio, 440, 10);
    secure_share = gw_test_tone_power_fraction (secure_audio, 660, 10);
    g_test_message ("as PCMU: plain %.2f at 440 Hz, secure %.3f at 660 Hz",
        plain_share, secure_share);
    g_assert_cmpfloat (plain_share, >, 0.8);
    g_assert_cmpfloat (secure_share, <, 0.05);
    g_array_unref (secure.samples);
    g_array_unref (plain.samples);
  }
  finish_two_calls (f, alice, &a, bob, &b, "callCreated DIALING RINGING "
      "ACTIVE HANGUP callDestroyed(700 Normal Clearing)");
}

/* ---- SIPp: signalling ---- */

/* SIPp on tests/sipp/@scenario: over UDP, or over TCP on @port behind the
 * TLS relay on @relay_port (the scenario's [relay_port]). */
static GwTestSipp *
sipp_start (const gchar * scenario, guint port, guint relay_port)
{
  g_autofree gchar *path = g_build_filename ("tests", "sipp", scenario, NULL);
  g_autoptr (GwTestSipp) sipp = gw_test_sipp_new (path);
  g_autoptr (GError) error = NULL;

  gw_test_sipp_set_timeout (sipp, SIPP_TIMEOUT_S);
  if (relay_port) {
    g_autofree gchar *relay = g_strdup_printf ("%u", relay_port);

    gw_test_sipp_set_transport (sipp, "t1");
    gw_test_sipp_set_port (sipp, port);
    gw_test_sipp_set_key (sipp, "relay_port", relay);
  }
  CHECK (gw_test_sipp_start (sipp, &error));
  return g_steal_pointer (&sipp);
}

static void
sipp_wait (GwTestSipp * sipp)
{
  g_autoptr (GError) error = NULL;

  CHECK (gw_test_sipp_wait_success (sipp, 2 * WAIT_MS, &error));
}

static void
dial_sipp (CallFixture * f, const gchar * uri, GwDialReply * out)
{
  g_autofree gchar *sip = g_strdup_printf ("{\"uri\":\"%s\",\"secure\":true}",
      uri);

  call_dial (f, sip, out);
}

/* A secure call to SIPp on UDP running @scenario, which ends it: SIPp's
 * scenario passes and the call's events are exactly @expected. */
static void
run_sipp_call (CallFixture * f, const gchar * scenario, const gchar * expected)
{
  g_autoptr (GwTestSipp) sipp = sipp_start (scenario, 0, 0);
  g_autofree gchar *uri = gw_test_sipp_get_uri (sipp, "service");
  g_auto (GwDialReply) call = { 0 };

  dial_sipp (f, uri, &call);
  sipp_wait (sipp);
  assert_events (f, &call, expected);
}

/* The answer takes the call out of SRTP: the gateway says BYE at once. */
static void
test_plain_answer (CallFixture * f, gconstpointer data)
{
  run_sipp_call (f, "srtp-uas-plain-answer.xml", "callCreated DIALING HANGUP "
      "callDestroyed(488 Not Acceptable Here)");
}

/* Hold keeps the keys, resume brings new ones, a plain re-offer is
 * refused with 488 and the call goes on until the far end's BYE. */
static void
test_reinvites (CallFixture * f, gconstpointer data)
{
  run_sipp_call (f, "srtp-uas-rekey.xml", "callCreated DIALING ACTIVE "
      "ON_HOLD ACTIVE HANGUP callDestroyed(700 Normal Clearing)");
}

/* ---- SIPp: SIP over TLS ---- */

static void
test_tls (CallFixture * f, gconstpointer data)
{
  guint sipp_port = gw_test_ports_pick (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestTlsRelay) relay = gw_test_tls_relay_new (pki->server_cert,
      pki->server_key, sipp_port, &error);
  g_autoptr (GwTestSipp) sipp = NULL;
  g_autofree gchar *uri = NULL;
  g_auto (GwDialReply) call = { 0 };
  GTlsProtocolVersion version;

  g_assert_no_error (error);
  sipp = sipp_start ("call-secure-tls-uas.xml", sipp_port,
      gw_test_tls_relay_get_port (relay));
  uri = g_strdup_printf ("sips:alice@127.0.0.1:%u",
      gw_test_tls_relay_get_port (relay));
  dial_sipp (f, uri, &call);
  g_assert_true (call_receiver_wait (f->rx, call.call_id, "ACTIVE", WAIT_MS));
  call_disconnect (f, call.connection_id);
  sipp_wait (sipp);
  assert_events (f, &call, "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
  /* One TLS connection, 1.2 or newer, with the client certificate of the
   * settings. */
  g_assert_cmpuint (gw_test_tls_relay_get_handshakes (relay), ==, 1);
  g_assert_cmpuint (gw_test_tls_relay_get_failures (relay), ==, 0);
  version = gw_test_tls_relay_get_protocol (relay);
  g_assert_true (version == G_TLS_PROTOCOL_VERSION_TLS_1_2
      || version == G_TLS_PROTOCOL_VERSION_TLS_1_3);
  g_assert_nonnull (strstr (gw_test_tls_relay_get_client_subject (relay),
          "ot-sip-gateway test client"));
}

static void
test_tls_untrusted (CallFixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestTlsRelay) relay = gw_test_tls_relay_new (pki->rogue_cert,
      pki->rogue_key, 0, &error);
  g_autofree gchar *uri = NULL;
  g_auto (GwDialReply) call = { 0 };
  g_autofree gchar *expected = NULL;
  JsonObject *destroyed;
  const gchar *reason;

  g_assert_no_error (error);
  uri = g_strdup_printf ("sips:alice@127.0.0.1:%u",
      gw_test_tls_relay_get_port (relay));
  dial_sipp (f, uri, &call);
  g_assert_true (call_receiver_wait (f->rx, call.call_id, "callDestroyed",
          WAIT_MS));
  destroyed = call_receiver_find (f->rx, call.call_id, "callDestroyed");
  g_assert_cmpstr (json_object_get_string_member (destroyed, "reason_code"),
      ==, "503");
  reason = json_object_get_string_member (destroyed, "reason_message");
  g_test_message ("callDestroyed: 503 %s", reason);
  g_assert_true (g_str_has_prefix (reason, "TLS: "));
  g_assert_nonnull (strstr (reason, "unable to get local issuer"));
  expected = g_strdup_printf ("callCreated DIALING HANGUP "
      "callDestroyed(503 %s)", reason);
  assert_events (f, &call, expected);
}

/* ---- fixtures ---- */

static void
setup (CallFixture * f, gconstpointer sip)
{
  call_fixture_setup_full (f, sip, NULL);
}

/* Trusts the test CA only, checks names, and has a client certificate. */
static void
setup_tls (CallFixture * f, gconstpointer data)
{
  g_autofree gchar *sip = g_strdup_printf ("tls-port=0\ntls-ca-file=%s\n"
      "tls-verify=full\ntls-certificate=%s\ntls-private-key=%s\n", pki->ca,
      pki->client_cert, pki->client_key);

  call_fixture_setup_full (f, sip, NULL);
}

static void
teardown (CallFixture * f, gconstpointer data)
{
  call_fixture_teardown (f);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int result;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  pki = gw_test_pki_new (&error);
  g_assert_no_error (error);

  g_test_add ("/call-secure/sdes-two-calls-hold", CallFixture, NULL, setup,
      test_sdes, teardown);
  g_test_add ("/call-secure/dtls-two-calls", CallFixture,
      "secure-media=dtls\n", setup, test_dtls, teardown);
  g_test_add ("/call-secure/capture", CallFixture, NULL, setup,
      test_capture, teardown);
  g_test_add ("/call-secure/plain-answer", CallFixture, NULL, setup,
      test_plain_answer, teardown);
  g_test_add ("/call-secure/reinvites", CallFixture, NULL, setup,
      test_reinvites, teardown);
  g_test_add ("/call-secure/tls", CallFixture, NULL, setup_tls, test_tls,
      teardown);
  g_test_add ("/call-secure/tls-untrusted", CallFixture, NULL, setup_tls,
      test_tls_untrusted, teardown);
  result = g_test_run ();
  gw_test_pki_free (pki);
  return result;
}
