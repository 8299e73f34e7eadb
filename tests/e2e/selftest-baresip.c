/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GwTestBaresip against the real baresip 1.0 (and SIPp), no gateway: two
 * far ends call each other and each hears the other's tone; codecs, SRTP,
 * DTMF and a rejected call; baresip calling SIPp's RTP echo and a SIPp
 * far end playing a generated tone pcap. */
#include <gio/gio.h>
#include <string.h>

#include "gw-test-baresip.h"
#include "gw-test-pcap.h"
#include "gw-test-process.h"
#include "gw-test-sipp.h"

/* Runs a call that takes &error; on failure the error's message is shown. */
#define CHECK(call) G_STMT_START {                                      \
    gboolean ok_ = (call);                                              \
    g_assert_no_error (error);                                          \
    g_assert_true (ok_);                                                \
  } G_STMT_END

#define CALL_TIMEOUT_MS 5000
/* Audio to collect per call: enough for the analysis, short for the test. */
#define LISTEN_SECONDS 1.0

static GwTestBaresip *
start_peer (const gchar * user, guint tone, const gchar * codecs,
    const gchar * mediaenc)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestBaresip) peer = gw_test_baresip_new (user);

  gw_test_baresip_set_tone (peer, tone);
  gw_test_baresip_set_codecs (peer, codecs);
  gw_test_baresip_set_media_encryption (peer, mediaenc);
  CHECK (gw_test_baresip_start (peer, &error));
  return g_steal_pointer (&peer);
}

/* Asserts that @peer's newest call received @freq, and returns it. */
static GwTestAudio *
assert_heard (GwTestBaresip * peer, gdouble freq)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestAudio) audio = gw_test_baresip_load_received (peer, &error);
  g_autofree gchar *summary = NULL;

  g_assert_no_error (error);
  summary = gw_test_tone_describe (audio);
  g_test_message ("received: %s", summary);
  g_assert_cmpfloat (gw_test_audio_duration (audio), >=, LISTEN_SECONDS);
  g_assert_false (gw_test_tone_is_silent (audio, GW_TEST_TONE_SILENCE_DBFS));
  g_assert_cmpfloat_with_epsilon (gw_test_tone_dominant_frequency (audio,
          100, 4000), freq, 5.0);
  g_assert_cmpfloat (gw_test_tone_power_fraction (audio, freq, 10), >, 0.8);
  return g_steal_pointer (&audio);
}

/* @caller dials @callee; both collect audio; @caller hangs up. */
static void
call_and_listen (GwTestBaresip * caller, GwTestBaresip * callee)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *uri = gw_test_baresip_get_uri (callee);
  g_autofree gchar *reason = NULL;

  CHECK (gw_test_baresip_dial (caller, uri, &error));
  CHECK (gw_test_baresip_wait_established (caller, CALL_TIMEOUT_MS, &error));
  CHECK (gw_test_baresip_wait_established (callee, CALL_TIMEOUT_MS, &error));
  CHECK (gw_test_baresip_wait_received_seconds (caller,
          LISTEN_SECONDS, CALL_TIMEOUT_MS, &error));
  CHECK (gw_test_baresip_wait_received_seconds (callee,
          LISTEN_SECONDS, CALL_TIMEOUT_MS, &error));
  CHECK (gw_test_baresip_hangup (caller, &error));
  CHECK (gw_test_baresip_wait_closed (callee, CALL_TIMEOUT_MS,
          &reason, &error));
  g_test_message ("callee's call closed: %s", reason);
  CHECK (gw_test_baresip_wait_closed (caller, CALL_TIMEOUT_MS, NULL, &error));
}

static void
test_two_tones (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestBaresip) alice = start_peer ("alice", 440, NULL, NULL);
  g_autoptr (GwTestBaresip) bob = start_peer ("bob", 660, NULL, NULL);
  g_autoptr (GwTestAudio) at_alice = NULL;
  g_autoptr (GwTestAudio) at_bob = NULL;
  g_autoptr (GwTestAudio) sent = NULL;

  call_and_listen (alice, bob);
  at_alice = assert_heard (alice, 660);
  at_bob = assert_heard (bob, 440);
  /* no codec restriction: the first of baresip's list, PCMU */
  g_assert_cmpuint (at_bob->rate, ==, 8000);
  g_assert_cmpuint (at_bob->channels, ==, 1);
  g_assert_cmpfloat (gw_test_tone_power_fraction (at_bob, 660, 10), <, 0.01);
  sent = gw_test_baresip_load_sent (alice, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (gw_test_tone_dominant_frequency (sent, 100,
          4000), 440, 5.0);
}

typedef struct
{
  const gchar *codec;
  guint rate;
  guint channels;
} CodecCase;

static void
test_codec (gconstpointer data)
{
  const CodecCase *c = data;
  g_autoptr (GwTestBaresip) alice = start_peer ("alice", 1000, NULL, NULL);
  /* the callee allows one codec; the answer carries only that one */
  g_autoptr (GwTestBaresip) bob = start_peer ("bob", 2000, c->codec, NULL);
  g_autoptr (GwTestAudio) at_alice = NULL;
  g_autoptr (GwTestAudio) at_bob = NULL;

  call_and_listen (alice, bob);
  at_alice = assert_heard (alice, 2000);
  at_bob = assert_heard (bob, 1000);
  g_assert_cmpuint (at_bob->rate, ==, c->rate);
  g_assert_cmpuint (at_bob->channels, ==, c->channels);
  g_assert_cmpuint (at_alice->rate, ==, c->rate);
}

static void
test_encrypted (gconstpointer data)
{
  const gchar *mediaenc = data;
  g_autoptr (GwTestBaresip) alice = start_peer ("alice", 440, NULL, mediaenc);
  g_autoptr (GwTestBaresip) bob = start_peer ("bob", 660, NULL, mediaenc);
  g_autoptr (GwTestAudio) at_alice = NULL;
  g_autoptr (GwTestAudio) at_bob = NULL;
  g_autofree gchar *log = NULL;

  call_and_listen (alice, bob);
  at_alice = assert_heard (alice, 660);
  at_bob = assert_heard (bob, 440);
  /* the media really was encrypted */
  log = gw_test_baresip_get_log (bob);
  g_assert_nonnull (strstr (log, "Using media encryption"));
  g_assert_nonnull (strstr (log, "SRTP"));
}

static void
test_dtmf_and_tone_switch (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestBaresip) alice = start_peer ("alice", 440, NULL, NULL);
  g_autoptr (GwTestBaresip) bob = start_peer ("bob", 660, NULL, NULL);
  g_autofree gchar *uri = gw_test_baresip_get_uri (bob);
  g_autoptr (JsonObject) rtp = NULL;
  g_autoptr (GwTestAudio) heard = NULL;
  g_autoptr (GwTestAudio) after = NULL;

  CHECK (gw_test_baresip_dial (alice, uri, &error));
  CHECK (gw_test_baresip_wait_established (bob, CALL_TIMEOUT_MS, &error));
  /* RTP from alice has arrived at bob: telephone-events will too */
  rtp = gw_test_baresip_wait_event (bob, "CALL_RTPESTAB", CALL_TIMEOUT_MS,
      &error);
  g_assert_no_error (error);
  g_assert_nonnull (rtp);
  CHECK (gw_test_baresip_wait_heard (bob, 440, CALL_TIMEOUT_MS, &error));
  CHECK (gw_test_baresip_send_dtmf (alice, "12#", &error));
  CHECK (gw_test_baresip_wait_dtmf (bob, "12#", CALL_TIMEOUT_MS, &error));
  g_assert_false (gw_test_baresip_send_dtmf (alice, "1x", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (gw_test_baresip_wait_dtmf (bob, "12#4", 300, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);

  /* mid-call the tone changes: bob hears the new one, not the old */
  g_assert_false (gw_test_baresip_wait_heard (bob, 1500, 300, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  CHECK (gw_test_baresip_switch_tone (alice, 1500, &error));
  CHECK (gw_test_baresip_wait_heard (bob, 1500, CALL_TIMEOUT_MS, &error));
  heard = gw_test_baresip_load_received (bob, &error);
  g_assert_no_error (error);
  CHECK (gw_test_baresip_wait_received_seconds (bob,
          gw_test_audio_duration (heard) + 0.5, CALL_TIMEOUT_MS, &error));
  g_clear_pointer (&heard, gw_test_audio_free);
  heard = gw_test_baresip_load_received (bob, &error);
  g_assert_no_error (error);
  after = gw_test_audio_slice (heard, gw_test_audio_duration (heard) - 0.5, -1);
  g_assert_cmpfloat_with_epsilon (gw_test_tone_dominant_frequency (after,
          100, 4000), 1500, 5.0);
  g_assert_cmpfloat (gw_test_tone_power_fraction (after, 440, 10), <, 0.01);
  CHECK (gw_test_baresip_hangup (alice, &error));
  CHECK (gw_test_baresip_wait_closed (bob, CALL_TIMEOUT_MS, NULL, &error));
}

static void
test_rejected_call (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestBaresip) alice = start_peer ("alice", 440, NULL, NULL);
  g_autoptr (GwTestBaresip) bob = gw_test_baresip_new ("bob");
  g_autoptr (JsonObject) incoming = NULL;
  g_autofree gchar *uri = NULL;

  gw_test_baresip_set_answer_mode (bob, "manual");
  CHECK (gw_test_baresip_start (bob, &error));
  uri = gw_test_baresip_get_uri (bob);
  CHECK (gw_test_baresip_dial (alice, uri, &error));
  incoming = gw_test_baresip_wait_event (bob, "CALL_INCOMING",
      CALL_TIMEOUT_MS, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (incoming,
              "peeruri"), "sip:alice@127.0.0.1:"));
  CHECK (gw_test_baresip_hangup (bob, &error));
  g_assert_false (gw_test_baresip_wait_established (alice, CALL_TIMEOUT_MS,
          &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "486"));
}

static void
test_bad_settings (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestBaresip) codec = gw_test_baresip_new ("x");
  g_autoptr (GwTestBaresip) menc = gw_test_baresip_new ("y");
  g_autoptr (GwTestBaresip) idle = gw_test_baresip_new ("z");

  gw_test_baresip_set_codecs (codec, "PCMU,G729");
  g_assert_false (gw_test_baresip_start (codec, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "G729"));
  g_clear_error (&error);
  gw_test_baresip_set_media_encryption (menc, "zrtp");
  g_assert_false (gw_test_baresip_start (menc, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (gw_test_baresip_hangup (idle, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
}

static void
test_calls_sipp_echo (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestSipp) echo = gw_test_sipp_new ("uas");
  g_autoptr (GwTestBaresip) alice = start_peer ("alice", 750, NULL, NULL);
  g_autofree gchar *uri = NULL;
  g_autoptr (GwTestAudio) heard = NULL;

  gw_test_sipp_add_arg (echo, "-rtp_echo");
  gw_test_sipp_set_timeout (echo, 12);
  CHECK (gw_test_sipp_start (echo, &error));
  uri = gw_test_sipp_get_uri (echo, "echo");
  CHECK (gw_test_baresip_dial (alice, uri, &error));
  CHECK (gw_test_baresip_wait_established (alice, CALL_TIMEOUT_MS, &error));
  CHECK (gw_test_baresip_wait_received_seconds (alice,
          LISTEN_SECONDS, CALL_TIMEOUT_MS, &error));
  CHECK (gw_test_baresip_hangup (alice, &error));
  CHECK (gw_test_sipp_wait_success (echo, 5000, &error));
  /* its own tone, back from SIPp */
  heard = assert_heard (alice, 750);
}

static void
test_sipp_plays_tone (gconstpointer data)
{
  const gchar *codec = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestSipp) far = gw_test_sipp_new
      ("tests/common/scenarios/uas-play-pcap.xml");
  g_autoptr (GwTestBaresip) alice = start_peer ("alice", 440, codec, NULL);
  g_autofree gchar *pcap = g_build_filename (gw_test_sipp_get_workdir (far),
      "play.pcap", NULL);
  g_autofree gchar *uri = NULL;
  g_autoptr (GwTestAudio) heard = NULL;

  CHECK (gw_test_pcap_write_tone (pcap, codec, 1234, 3.0, &error));
  gw_test_sipp_set_key (far, "pt", strcmp (codec, "PCMU") ? "8" : "0");
  gw_test_sipp_set_key (far, "codec", codec);
  gw_test_sipp_set_timeout (far, 12);
  CHECK (gw_test_sipp_start (far, &error));
  uri = gw_test_sipp_get_uri (far, "tone");
  CHECK (gw_test_baresip_dial (alice, uri, &error));
  CHECK (gw_test_baresip_wait_established (alice, CALL_TIMEOUT_MS, &error));
  CHECK (gw_test_baresip_wait_received_seconds (alice,
          LISTEN_SECONDS, CALL_TIMEOUT_MS, &error));
  CHECK (gw_test_baresip_hangup (alice, &error));
  CHECK (gw_test_sipp_wait_success (far, 5000, &error));
  heard = assert_heard (alice, 1234);
  /* the pcap's level, -9 dBFS, survives G.711 within a dB */
  g_assert_cmpfloat_with_epsilon (gw_test_tone_rms_dbfs (heard), -9.0, 1.0);
}

int
main (int argc, char **argv)
{
  static const CodecCase codecs[] = { {"PCMA", 8000, 1}, {"G722", 16000, 1},
  {"opus", 48000, 2}
  };
  g_autofree gchar *sipp = g_find_program_in_path ("sipp");

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/baresip/two-tones", test_two_tones);
  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++) {
    g_autofree gchar *path = g_strdup_printf ("/baresip/codec/%s",
        codecs[i].codec);

    g_test_add_data_func (path, &codecs[i], test_codec);
  }
  g_test_add_data_func ("/baresip/srtp-mand", "srtp-mand", test_encrypted);
  g_test_add_data_func ("/baresip/dtls-srtp", "dtls_srtp", test_encrypted);
  g_test_add_func ("/baresip/dtmf-and-tone-switch", test_dtmf_and_tone_switch);
  g_test_add_func ("/baresip/rejected-call", test_rejected_call);
  g_test_add_func ("/baresip/bad-settings", test_bad_settings);
  if (sipp) {
    g_test_add_func ("/peers/baresip-calls-sipp-echo", test_calls_sipp_echo);
    g_test_add_data_func ("/peers/sipp-plays-tone/PCMU", "PCMU",
        test_sipp_plays_tone);
    g_test_add_data_func ("/peers/sipp-plays-tone/PCMA", "PCMA",
        test_sipp_plays_tone);
  }
  return g_test_run ();
}
