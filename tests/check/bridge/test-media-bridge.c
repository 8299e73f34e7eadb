/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The per-call media bridge against a far end on 127.0.0.1 and a real
 * session hub: tones both ways for each codec, silence while nobody
 * publishes, streams joining and leaving, hold/resume/re-point, ports,
 * errors and dot dumps. */
#include <string.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "bridge-test-utils.h"
#include "gw-error.h"
#include "media-bridge.h"
#include "ot-hub.h"

#define TIMEOUT_MS 10000
#define SIP_CONNECTION "sip-conn"
#define SIP_STREAM "sip-stream"

typedef struct
{
  gchar *session_id;
  gchar *call_id;
  OtSession *session;
  OtStream *stream;
  GwMediaPorts *ports;
  guint first_port;
  GwMediaBridge *bridge;
  GwMediaParams params;
  /* What the bridge signalled, on the main thread. */
  guint n_first_rtp;
  guint n_errors;
  GError *error;
  guint n_streams;
} Fixture;

static Fixture f;
static gchar *dot_dir;

static void
on_first_rtp (GwMediaBridge * bridge, gpointer data)
{
  fail_unless (g_main_context_is_owner (g_main_context_default ()));
  f.n_first_rtp++;
}

static void
on_error (GwMediaBridge * bridge, GError * error, gpointer data)
{
  fail_unless (g_main_context_is_owner (g_main_context_default ()));
  f.n_errors++;
  g_clear_error (&f.error);
  f.error = g_error_copy (error);
}

static void
on_streams_changed (GwMediaBridge * bridge, guint n_streams, gpointer data)
{
  fail_unless (g_main_context_is_owner (g_main_context_default ()));
  f.n_streams = n_streams;
}

static GwMediaBridge *
new_bridge (const gchar * call_id, const gchar * session_id, GError ** error)
{
  GwMediaBridgeConfig config = {
    .call_id = call_id,
    .bind_address = "127.0.0.1",
    .ports = f.ports,
    .session_id = session_id,
    .connection_id = SIP_CONNECTION,
    .stream_id = SIP_STREAM,
  };
  GwMediaBridge *bridge = gw_media_bridge_new (&config, error);

  if (bridge == NULL)
    return NULL;
  g_signal_connect (bridge, "first-rtp-received", G_CALLBACK (on_first_rtp),
      NULL);
  g_signal_connect (bridge, "error", G_CALLBACK (on_error), NULL);
  g_signal_connect (bridge, "streams-changed",
      G_CALLBACK (on_streams_changed), NULL);
  return bridge;
}

/* The session and the call's connection and stream, as the gateway makes
 * them at dial time, and a bridge for the call. */
static void
setup (void)
{
  static guint counter;
  g_autoptr (OtConnection) connection = NULL;
  g_autoptr (GError) error = NULL;

  memset (&f, 0, sizeof (f));
  f.session_id = g_strdup_printf ("bridge-session-%u-%u", getpid (), ++counter);
  f.call_id = g_strdup_printf ("call-%u", counter);
  f.session = ot_hub_ensure_session (ot_hub_get_default (), f.session_id);
  connection = ot_session_add_connection (f.session, SIP_CONNECTION, NULL,
      &error);
  g_assert_no_error (error);
  f.stream = ot_session_add_stream (f.session, connection, SIP_STREAM, "sip",
      OT_VIDEO_TYPE_CAMERA, &error);
  g_assert_no_error (error);
  f.first_port = bt_find_free_ports (4);
  f.ports = gw_media_ports_new (f.first_port, f.first_port + 3, &error);
  g_assert_no_error (error);
  f.bridge = new_bridge (f.call_id, f.session_id, &error);
  g_assert_no_error (error);
}

static void
teardown (void)
{
  g_clear_object (&f.bridge);
  fail_unless_equals_int (gw_media_ports_get_n_allocated (f.ports), 0);
  g_clear_object (&f.ports);
  ot_hub_remove_session (ot_hub_get_default (), f.session_id);
  g_clear_object (&f.stream);
  g_clear_object (&f.session);
  gw_media_params_clear (&f.params);
  g_clear_error (&f.error);
  g_free (f.session_id);
  g_free (f.call_id);
}

static gboolean
first_rtp_seen (gpointer data)
{
  return f.n_first_rtp > 0;
}

static gboolean
streams_are (gpointer data)
{
  return f.n_streams == GPOINTER_TO_UINT (data);
}

static gboolean
error_seen (gpointer data)
{
  return f.n_errors > 0;
}

static void
wait_streams (guint n)
{
  fail_unless (bt_wait (streams_are, GUINT_TO_POINTER (n), TIMEOUT_MS),
      "%u streams mixed, expected %u", f.n_streams, n);
}

/* Collects ms of audio after letting `settle_ms` pass. */
static void
listen (BtAudio * audio, guint settle_ms, guint ms)
{
  bt_run (settle_ms);
  bt_audio_reset (audio);
  fail_unless (bt_audio_wait (audio, ms, TIMEOUT_MS), "no audio");
}

static void
assert_tone (BtAudio * audio, gdouble freq)
{
  gdouble measured = bt_audio_frequency (audio);
  gdouble level = bt_audio_level (audio);

  GST_INFO ("tone %.1f Hz at %.1f dBFS, expected %.0f Hz", measured, level,
      freq);
  fail_unless (fabs (measured - freq) < freq * 0.03,
      "measured %.1f Hz, expected %.0f Hz", measured, freq);
  fail_unless (level > -25.0, "level %.1f dBFS", level);
}

static void
assert_silence (BtAudio * audio)
{
  gdouble level = bt_audio_level (audio);

  fail_unless (level < -50.0, "expected silence, level %.1f dBFS", level);
}

/* The bridge's RTP as the far end received it for `ms`: the negotiated
 * payload type, a packet per ptime, without timestamp jumps. */
static void
assert_cadence (BtFarEnd * far, guint pt, guint ms)
{
  g_autoptr (GArray) packets = NULL;
  guint step = far->clock_rate / 50;
  const BtPacket *p;
  gdouble mean_ms;

  bt_far_end_clear_packets (far);
  bt_run (ms);
  packets = bt_far_end_take_packets (far);
  fail_unless (packets->len >= ms / 20 / 2, "%u packets in %u ms",
      packets->len, ms);
  p = (const BtPacket *) packets->data;
  for (guint i = 0; i < packets->len; i++) {
    fail_unless_equals_int (p[i].pt, pt);
    if (i == 0)
      continue;
    fail_unless_equals_int ((guint16) (p[i].seq - p[i - 1].seq), 1);
    fail_unless_equals_int (p[i].timestamp - p[i - 1].timestamp, step);
  }
  mean_ms = (p[packets->len - 1].arrival_us - p[0].arrival_us) / 1000.0 /
      (packets->len - 1);
  /* Paced in real time, neither in bursts nor stalled; loose, because a
   * loaded machine (sanitizers) delays and bunches some packets. */
  fail_unless (mean_ms > 8.0 && mean_ms < 40.0, "a packet per %.1f ms",
      mean_ms);
}

/* Starts the bridge and lets its first packets go: they may be short (the
 * resampler's and encoders' delay). */
static void
start_bridge (void)
{
  g_autoptr (GError) error = NULL;

  fail_unless (gw_media_bridge_start (f.bridge, &f.params, &error));
  g_assert_no_error (error);
  bt_run (200);
}

/* ---- tones both ways, per codec ---- */

static const struct
{
  GwAudioCodec codec;
  guint pt;
} codec_cases[] = {
  {GW_AUDIO_CODEC_PCMU, 0},
  {GW_AUDIO_CODEC_PCMA, 8},
  {GW_AUDIO_CODEC_G722, 9},
  {GW_AUDIO_CODEC_OPUS, 111},
};

GST_START_TEST (test_codec_both_ways)
{
  GwAudioCodec codec = codec_cases[__i__].codec;
  guint pt = codec_cases[__i__].pt;
  g_autoptr (GError) error = NULL;
  BtFarEnd *far;
  BtSubscriber *sub;
  GstElement *publisher;

  GST_INFO ("codec %s", gw_audio_codec_to_string (codec));
  far = bt_far_end_new (codec, pt, 440,
      gw_media_bridge_get_rtp_port (f.bridge));
  bt_far_end_params (far, codec, pt, &f.params);
  sub = bt_subscriber_new (f.session_id, SIP_STREAM);
  start_bridge ();

  /* Far end → session: the 440 Hz tone is published in the call's stream. */
  fail_unless (bt_wait (first_rtp_seen, NULL, TIMEOUT_MS));
  fail_unless (gw_media_bridge_get_last_rtp_time (f.bridge) > 0);
  listen (sub->audio, 300, 600);
  assert_tone (sub->audio, 440);

  /* Session → far end: silence, as steady RTP, while nobody publishes. */
  assert_cadence (far, pt, 600);
  listen (far->audio, 0, 300);
  assert_silence (far->audio);

  /* Someone publishes 660 Hz: the far end hears it. */
  publisher = bt_publisher_new (f.session_id, "pub-conn", "pub-stream", 660);
  wait_streams (1);
  listen (far->audio, 300, 600);
  assert_tone (far->audio, 660);
  assert_cadence (far, pt, 400);

  /* Unpublished: silence again, still sent. */
  bt_publisher_free (publisher);
  wait_streams (0);
  listen (far->audio, 300, 300);
  assert_silence (far->audio);
  assert_cadence (far, pt, 400);
  fail_unless_equals_int (f.n_first_rtp, 1);
  fail_unless_equals_int (f.n_errors, 0);

  gw_media_bridge_stop (f.bridge);
  bt_subscriber_free (sub);
  bt_far_end_free (far);
}

GST_END_TEST;

/* ---- streams joining and leaving ---- */

static void
assert_tones (BtAudio * audio, gboolean has_660, gboolean has_1000)
{
  gdouble l660 = bt_audio_tone_level (audio, 660);
  gdouble l1000 = bt_audio_tone_level (audio, 1000);

  GST_INFO ("660 Hz at %.1f dBFS, 1000 Hz at %.1f dBFS", l660, l1000);
  fail_unless (has_660 ? l660 > -25 : l660 < -45, "660 Hz at %.1f", l660);
  fail_unless (has_1000 ? l1000 > -25 : l1000 < -45, "1000 Hz at %.1f", l1000);
}

GST_START_TEST (test_streams_join_and_leave)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) packets = NULL;
  GstElement *a, *b;
  BtFarEnd *far;
  const BtPacket *p;

  far = bt_far_end_new (GW_AUDIO_CODEC_PCMU, 0, 0, 0);
  bt_far_end_params (far, GW_AUDIO_CODEC_PCMU, 0, &f.params);
  start_bridge ();

  a = bt_publisher_new (f.session_id, "conn-a", "stream-a", 660);
  wait_streams (1);
  listen (far->audio, 300, 500);
  assert_tones (far->audio, TRUE, FALSE);

  /* From here on, every packet is logged: joins and leaves must not
   * interrupt the others (no RTP timestamp jump, no missing packet). */
  bt_far_end_clear_packets (far);
  b = bt_publisher_new (f.session_id, "conn-b", "stream-b", 1000);
  wait_streams (2);
  listen (far->audio, 300, 500);
  assert_tones (far->audio, TRUE, TRUE);

  bt_publisher_free (a);
  wait_streams (1);
  listen (far->audio, 300, 500);
  assert_tones (far->audio, FALSE, TRUE);

  bt_publisher_free (b);
  wait_streams (0);
  listen (far->audio, 300, 300);
  assert_silence (far->audio);

  packets = bt_far_end_take_packets (far);
  p = (const BtPacket *) packets->data;
  fail_unless (packets->len > 50);
  for (guint i = 1; i < packets->len; i++) {
    fail_unless_equals_int ((guint16) (p[i].seq - p[i - 1].seq), 1);
    fail_unless_equals_int (p[i].timestamp - p[i - 1].timestamp, 160);
  }
  gw_media_bridge_stop (f.bridge);
  bt_far_end_free (far);
}

GST_END_TEST;

/* ---- the far end changes its SSRC ---- */

GST_START_TEST (test_far_end_new_ssrc)
{
  BtFarEnd *far, *again;
  BtSubscriber *sub;

  far = bt_far_end_new (GW_AUDIO_CODEC_PCMU, 0, 440,
      gw_media_bridge_get_rtp_port (f.bridge));
  bt_far_end_params (far, GW_AUDIO_CODEC_PCMU, 0, &f.params);
  sub = bt_subscriber_new (f.session_id, SIP_STREAM);
  start_bridge ();
  listen (sub->audio, 300, 400);
  assert_tone (sub->audio, 440);

  /* A PBX switches the call to another source: new SSRC, same address. */
  bt_far_end_free (far);
  again = bt_far_end_new (GW_AUDIO_CODEC_PCMU, 0, 880,
      gw_media_bridge_get_rtp_port (f.bridge));
  listen (sub->audio, 500, 400);
  assert_tone (sub->audio, 880);
  fail_unless_equals_int (f.n_errors, 0);

  gw_media_bridge_stop (f.bridge);
  bt_subscriber_free (sub);
  bt_far_end_free (again);
}

GST_END_TEST;

/* ---- hold, resume, re-point, codec change ---- */

static void
assert_not_sending_to (BtFarEnd * far)
{
  bt_run (200);
  bt_far_end_clear_packets (far);
  bt_run (400);
  fail_unless_equals_int (bt_far_end_count_packets (far), 0);
}

static void
update (void)
{
  g_autoptr (GError) error = NULL;

  fail_unless (gw_media_bridge_update (f.bridge, &f.params, &error));
  g_assert_no_error (error);
}

GST_START_TEST (test_hold_resume_repoint)
{
  g_autoptr (GError) error = NULL;
  BtFarEnd *far, *moved, *pcma;
  GstElement *pipeline;
  gint64 before;

  far = bt_far_end_new (GW_AUDIO_CODEC_PCMU, 0, 440,
      gw_media_bridge_get_rtp_port (f.bridge));
  bt_far_end_params (far, GW_AUDIO_CODEC_PCMU, 0, &f.params);
  start_bridge ();
  fail_unless (gw_media_bridge_is_sending (f.bridge));
  assert_cadence (far, 0, 400);
  pipeline = gw_media_bridge_get_pipeline (f.bridge);
  g_object_set_data (G_OBJECT (pipeline), "test-marker", f.bridge);

  /* a=sendonly from the far end: we stop sending, still receive. */
  f.params.remote_direction = GW_MEDIA_SENDONLY;
  update ();
  fail_if (gw_media_bridge_is_sending (f.bridge));
  assert_not_sending_to (far);
  before = gw_media_bridge_get_last_rtp_time (f.bridge);
  bt_run (200);
  fail_unless (gw_media_bridge_get_last_rtp_time (f.bridge) > before);

  /* Resumed. */
  f.params.remote_direction = GW_MEDIA_SENDRECV;
  update ();
  fail_unless (gw_media_bridge_is_sending (f.bridge));
  assert_cadence (far, 0, 400);

  /* The old style of hold: c=0.0.0.0. */
  g_free (f.params.remote_address);
  f.params.remote_address = g_strdup ("0.0.0.0");
  update ();
  assert_not_sending_to (far);
  g_free (f.params.remote_address);
  f.params.remote_address = g_strdup ("127.0.0.1");
  update ();
  assert_cadence (far, 0, 400);

  /* The far end moves to another port: re-pointed in place. */
  moved = bt_far_end_new (GW_AUDIO_CODEC_PCMU, 0, 0, 0);
  f.params.remote_rtp_port = moved->rtp_port;
  f.params.remote_rtcp_port = moved->rtcp_port;
  update ();
  assert_cadence (moved, 0, 400);
  assert_not_sending_to (far);
  fail_unless (gw_media_bridge_get_pipeline (f.bridge) == pipeline);
  fail_unless (g_object_get_data (G_OBJECT (pipeline), "test-marker"));

  /* Another codec: rebuilt on the same ports. */
  pcma = bt_far_end_new (GW_AUDIO_CODEC_PCMA, 8, 440,
      gw_media_bridge_get_rtp_port (f.bridge));
  bt_far_end_params (pcma, GW_AUDIO_CODEC_PCMA, 8, &f.params);
  update ();
  bt_run (200);
  fail_if (g_object_get_data (G_OBJECT (gw_media_bridge_get_pipeline
              (f.bridge)), "test-marker"));
  fail_unless_equals_int (gw_media_bridge_get_rtp_port (f.bridge),
      f.first_port);
  assert_cadence (pcma, 8, 400);
  fail_unless_equals_int (f.n_errors, 0);
  fail_unless_equals_int (f.n_first_rtp, 1);

  gw_media_bridge_stop (f.bridge);
  bt_far_end_free (pcma);
  bt_far_end_free (moved);
  bt_far_end_free (far);
}

GST_END_TEST;

/* ---- errors ---- */

static void
assert_start_fails (GwMediaParams * params, GQuark domain, gint code,
    const gchar * needle)
{
  g_autoptr (GError) error = NULL;

  fail_if (gw_media_bridge_start (f.bridge, params, &error));
  fail_unless (g_error_matches (error, domain, code), "%s",
      error ? error->message : "no error");
  fail_unless (strstr (error->message, needle) != NULL,
      "'%s' does not mention '%s'", error->message, needle);
  fail_unless (gw_media_bridge_get_pipeline (f.bridge) == NULL);
}

GST_START_TEST (test_bad_params)
{
  g_autoptr (GError) error = NULL;
  BtFarEnd *far = bt_far_end_new (GW_AUDIO_CODEC_PCMU, 0, 0, 0);

  bt_far_end_params (far, GW_AUDIO_CODEC_PCMU, 0, &f.params);
  f.params.codec = GW_AUDIO_CODEC_NONE;
  assert_start_fails (&f.params, GW_ERROR, GW_ERROR_INVALID, "codec");
  f.params.codec = (GwAudioCodec) 42;
  assert_start_fails (&f.params, GW_ERROR, GW_ERROR_INVALID, "codec");

  bt_far_end_params (far, GW_AUDIO_CODEC_PCMU, 0, &f.params);
  f.params.ptime = 15;
  assert_start_fails (&f.params, GW_ERROR, GW_ERROR_INVALID, "ptime");

  bt_far_end_params (far, GW_AUDIO_CODEC_OPUS, 111, &f.params);
  f.params.clock_rate = 8000;
  assert_start_fails (&f.params, GW_ERROR, GW_ERROR_INVALID, "clock rate");

  bt_far_end_params (far, GW_AUDIO_CODEC_PCMU, 0, &f.params);
  f.params.srtp = GW_SRTP_SDES;
  assert_start_fails (&f.params, GW_ERROR, GW_ERROR_INVALID, "SDES");

  bt_far_end_params (far, GW_AUDIO_CODEC_PCMU, 0, &f.params);
  g_free (f.params.remote_address);
  f.params.remote_address = g_strdup ("pbx.example.com");
  assert_start_fails (&f.params, GW_ERROR, GW_ERROR_INVALID, "pbx.example.com");
  g_free (f.params.remote_address);
  f.params.remote_address = g_strdup ("::1");
  assert_start_fails (&f.params, GW_ERROR, GW_ERROR_INVALID, "family");

  /* Nothing broke: good params start. */
  bt_far_end_params (far, GW_AUDIO_CODEC_PCMU, 0, &f.params);
  start_bridge ();
  assert_cadence (far, 0, 400);

  /* Bad params for an update change nothing. */
  f.params.codec = GW_AUDIO_CODEC_NONE;
  fail_if (gw_media_bridge_update (f.bridge, &f.params, &error));
  fail_unless (g_error_matches (error, GW_ERROR, GW_ERROR_INVALID));
  assert_cadence (far, 0, 400);
  gw_media_bridge_stop (f.bridge);
  bt_far_end_free (far);
}

GST_END_TEST;

GST_START_TEST (test_unknown_session)
{
  g_autoptr (GwMediaBridge) bridge = NULL;
  g_autoptr (GError) error = NULL;
  BtFarEnd *far = bt_far_end_new (GW_AUDIO_CODEC_PCMU, 0, 0, 0);

  /* The pipeline cannot start: the reason comes back from start, not
   * later as a signal. */
  g_clear_object (&f.bridge);
  bridge = new_bridge ("call-nowhere", "no-such-session", &error);
  g_assert_no_error (error);
  bt_far_end_params (far, GW_AUDIO_CODEC_PCMU, 0, &f.params);
  fail_if (gw_media_bridge_start (bridge, &f.params, &error));
  fail_unless (g_error_matches (error, GW_ERROR, GW_ERROR_FAILED));
  fail_unless (strstr (error->message, "no-such-session") != NULL, "%s",
      error->message);
  bt_run (100);
  fail_unless_equals_int (f.n_errors, 0);
  g_clear_object (&bridge);
  bt_far_end_free (far);
}

GST_END_TEST;

GST_START_TEST (test_error_while_running)
{
  g_autoptr (GError) error = NULL;
  BtFarEnd *far = bt_far_end_new (GW_AUDIO_CODEC_PCMU, 0, 440,
      gw_media_bridge_get_rtp_port (f.bridge));

  bt_far_end_params (far, GW_AUDIO_CODEC_PCMU, 0, &f.params);
  start_bridge ();
  assert_cadence (far, 0, 400);

  /* The session goes away under the call: otsink fails on the next buffer
   * from the far end, the owner hears it on the main thread, once. */
  ot_hub_remove_session (ot_hub_get_default (), f.session_id);
  fail_unless (bt_wait (error_seen, NULL, TIMEOUT_MS));
  bt_run (200);
  fail_unless_equals_int (f.n_errors, 1);
  fail_unless (g_error_matches (f.error, GW_ERROR, GW_ERROR_FAILED));
  fail_unless (strstr (f.error->message, f.call_id) != NULL, "%s",
      f.error->message);
  gw_media_bridge_stop (f.bridge);
  bt_far_end_free (far);
}

GST_END_TEST;

/* ---- ports ---- */

GST_START_TEST (test_ports)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwMediaBridge) other = NULL;
  GwMediaBridge *third;
  guint rtp_port = gw_media_bridge_get_rtp_port (f.bridge);

  /* Allocated at creation, for the offer, before any answer. */
  fail_unless_equals_int (rtp_port, f.first_port);
  fail_unless_equals_int (gw_media_bridge_get_rtcp_port (f.bridge),
      f.first_port + 1);
  other = new_bridge ("call-other", f.session_id, &error);
  g_assert_no_error (error);
  fail_unless_equals_int (gw_media_bridge_get_rtp_port (other),
      f.first_port + 2);

  /* The range holds two pairs. */
  third = new_bridge ("call-third", f.session_id, &error);
  fail_unless (third == NULL);
  fail_unless (g_error_matches (error, GW_ERROR, GW_ERROR_UNAVAILABLE));
  fail_unless_equals_int (gw_media_ports_get_n_allocated (f.ports), 2);
  g_clear_error (&error);

  /* Stop releases; the port is free for anyone again. */
  gw_media_bridge_stop (other);
  fail_unless_equals_int (gw_media_bridge_get_rtp_port (other), 0);
  fail_unless_equals_int (gw_media_ports_get_n_allocated (f.ports), 1);
  third = new_bridge ("call-third", f.session_id, &error);
  g_assert_no_error (error);
  fail_unless_equals_int (gw_media_bridge_get_rtp_port (third),
      f.first_port + 2);
  g_object_unref (third);
  fail_unless_equals_int (gw_media_ports_get_n_allocated (f.ports), 1);
}

GST_END_TEST;

/* ---- dot dumps ---- */

static gboolean
dot_exists (const gchar * call_id, const gchar * reason)
{
  g_autoptr (GDir) dir = g_dir_open (dot_dir, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir)))
    if (g_str_has_prefix (name, call_id) && strstr (name, reason)
        && g_str_has_suffix (name, ".dot"))
      return TRUE;
  return FALSE;
}

GST_START_TEST (test_dot_dumps)
{
  g_autoptr (GError) error = NULL;
  BtFarEnd *far = bt_far_end_new (GW_AUDIO_CODEC_PCMU, 0, 440,
      gw_media_bridge_get_rtp_port (f.bridge));
  GstElement *publisher;

  bt_far_end_params (far, GW_AUDIO_CODEC_PCMU, 0, &f.params);
  start_bridge ();
  fail_unless (dot_exists (f.call_id, "-playing"));
  publisher = bt_publisher_new (f.session_id, "pub-conn", "pub-stream", 660);
  wait_streams (1);
  fail_unless (dot_exists (f.call_id, "-streams"));
  ot_hub_remove_session (ot_hub_get_default (), f.session_id);
  fail_unless (bt_wait (error_seen, NULL, TIMEOUT_MS));
  fail_unless (dot_exists (f.call_id, "-error"));
  gw_media_bridge_stop (f.bridge);
  bt_publisher_free (publisher);
  bt_far_end_free (far);
}

GST_END_TEST;

static Suite *
media_bridge_suite (void)
{
  Suite *s = suite_create ("media-bridge");
  TCase *tc = tcase_create ("bridge");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_loop_test (tc, test_codec_both_ways, 0, G_N_ELEMENTS (codec_cases));
  tcase_add_test (tc, test_streams_join_and_leave);
  tcase_add_test (tc, test_far_end_new_ssrc);
  tcase_add_test (tc, test_hold_resume_repoint);
  tcase_add_test (tc, test_bad_params);
  tcase_add_test (tc, test_unknown_session);
  tcase_add_test (tc, test_error_while_running);
  tcase_add_test (tc, test_ports);
  tcase_add_test (tc, test_dot_dumps);
  return s;
}

static void
remove_dir (const gchar * path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree gchar *file = g_build_filename (path, name, NULL);
    g_remove (file);
  }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  int failed;

  /* GStreamer reads it at init: every pipeline of the test may dump. */
  dot_dir = g_dir_make_tmp ("media-bridge-dot-XXXXXX", NULL);
  g_setenv ("GST_DEBUG_DUMP_DOT_DIR", dot_dir, TRUE);
  gst_check_init (&argc, &argv);
  failed = gst_check_run_suite (media_bridge_suite (), "media-bridge",
      __FILE__);
  remove_dir (dot_dir);
  g_free (dot_dir);
  return failed;
}
