/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* otsink → otsrc across pipelines of one process, in real time: what a
 * publisher sends is what subscribers receive (tone, level, keyframes,
 * silence), and the hub's rules hold (filters, slow subscribers,
 * converters). */

#include <gst/check/gstcheck.h>
#include <gst/video/video.h>
#include <math.h>
#include "ot-hub.h"
#include "ot-capture.h"

#define RAW OT_AUDIO_RAW_CAPS
/* A 0.5 amplitude sine: -3 dBFS for full scale, -6 dB. */
#define TONE_DBFS (-9.03)

/* ---- publishers: gst-launch descriptions ---- */

static GstElement *
start_pipeline (const gchar * desc)
{
  g_autoptr (GError) err = NULL;
  GstElement *pipeline = gst_parse_launch_full (desc, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &err);

  fail_unless (pipeline != NULL, "%s: %s", desc, err ? err->message : "");
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  return pipeline;
}

static GstElement *
start_tone (const gchar * session_id, const gchar * stream_id,
    const gchar * extra)
{
  g_autofree gchar *desc = g_strdup_printf ("audiotestsrc is-live=true "
      "freq=440 volume=0.5 samplesperbuffer=960 ! " RAW " ! %s otsink "
      "name=sink session-id=%s stream-id=%s", extra ? extra : "", session_id,
      stream_id);

  return start_pipeline (desc);
}

static void
assert_no_error (GstElement * pipeline)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_autoptr (GError) err = NULL;
  g_autofree gchar *dbg = NULL;

  if (msg)
    gst_message_parse_error (msg, &err, &dbg);
  fail_if (msg != NULL, "%s: %s (%s)", GST_OBJECT_NAME (msg->src),
      err->message, dbg);
}

static void
stop_pipeline (GstElement * pipeline)
{
  assert_no_error (pipeline);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipeline);
}

/* ---- subscribers: otsrc, each pad → [capsfilter] → fakesink ---- */

typedef struct
{
  GstElement *pipeline;
  GstElement *src;
  gchar *caps;                  /* filter before the fakesinks, or NULL */
  GMutex lock;
  GCond cond;
  GHashTable *captures;         /* pad name → OtCapture */
  GHashTable *removed;          /* names of removed pads */
} Sub;

static void
sub_pad_added (GstElement * src, GstPad * pad, Sub * sub)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstElement *head = sink;
  g_autoptr (GstPad) sinkpad = NULL;

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (sub->pipeline), sink);
  if (sub->caps) {
    head = gst_element_factory_make ("capsfilter", NULL);
    gst_util_set_object_arg (G_OBJECT (head), "caps", sub->caps);
    gst_bin_add (GST_BIN (sub->pipeline), head);
    fail_unless (gst_element_link (head, sink));
    gst_element_sync_state_with_parent (head);
  }
  gst_element_sync_state_with_parent (sink);
  sinkpad = gst_element_get_static_pad (head, "sink");
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);

  g_mutex_lock (&sub->lock);
  g_hash_table_insert (sub->captures, gst_pad_get_name (pad),
      ot_capture_new (pad));
  g_cond_broadcast (&sub->cond);
  g_mutex_unlock (&sub->lock);
}

static void
sub_pad_removed (GstElement * src, GstPad * pad, Sub * sub)
{
  g_mutex_lock (&sub->lock);
  g_hash_table_add (sub->removed, gst_pad_get_name (pad));
  g_cond_broadcast (&sub->cond);
  g_mutex_unlock (&sub->lock);
}

/* props: gst-launch style properties of otsrc (may be NULL); caps: what
 * downstream accepts (NULL = anything). */
static Sub *
sub_start (const gchar * session_id, const gchar * props, const gchar * caps)
{
  g_autofree gchar *desc = g_strdup_printf ("otsrc name=src session-id=%s %s",
      session_id, props ? props : "");
  Sub *sub = g_new0 (Sub, 1);

  g_mutex_init (&sub->lock);
  g_cond_init (&sub->cond);
  sub->caps = g_strdup (caps);
  sub->captures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) ot_capture_free);
  sub->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sub->pipeline = gst_pipeline_new (NULL);
  sub->src = gst_parse_launch (desc, NULL);
  fail_unless (sub->src != NULL);
  gst_bin_add (GST_BIN (sub->pipeline), sub->src);
  g_signal_connect (sub->src, "pad-added", G_CALLBACK (sub_pad_added), sub);
  g_signal_connect (sub->src, "pad-removed", G_CALLBACK (sub_pad_removed), sub);
  fail_if (gst_element_set_state (sub->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  return sub;
}

/* The capture of pad `name` once it exists (10 s at most). */
static OtCapture *
sub_wait_pad (Sub * sub, const gchar * name)
{
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  OtCapture *capture;

  g_mutex_lock (&sub->lock);
  while (!(capture = g_hash_table_lookup (sub->captures, name)) &&
      g_cond_wait_until (&sub->cond, &sub->lock, end));
  g_mutex_unlock (&sub->lock);
  fail_unless (capture != NULL, "no pad %s", name);
  return capture;
}

static gboolean
sub_wait_removed (Sub * sub, const gchar * name)
{
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  gboolean removed;

  g_mutex_lock (&sub->lock);
  while (!(removed = g_hash_table_contains (sub->removed, name)) &&
      g_cond_wait_until (&sub->cond, &sub->lock, end));
  g_mutex_unlock (&sub->lock);
  return removed;
}

static guint
sub_n_pads (Sub * sub)
{
  guint n;

  g_mutex_lock (&sub->lock);
  n = g_hash_table_size (sub->captures) - g_hash_table_size (sub->removed);
  g_mutex_unlock (&sub->lock);
  return n;
}

static void
sub_stop (Sub * sub)
{
  assert_no_error (sub->pipeline);
  fail_unless_equals_int (gst_element_set_state (sub->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (sub->pipeline);
  g_hash_table_unref (sub->captures);
  g_hash_table_unref (sub->removed);
  g_free (sub->caps);
  g_cond_clear (&sub->cond);
  g_mutex_clear (&sub->lock);
  g_free (sub);
}

/* Skips the start, then checks `seconds` of the tone. */
static void
assert_tone (OtCapture * capture, gdouble seconds)
{
  g_autoptr (GwTestAudio) audio = NULL;
  g_autofree gchar *what = NULL;
  guint n = (guint) (seconds * 50);

  fail_unless (ot_capture_wait_buffers (capture, 5, 10000));
  ot_capture_reset (capture);
  fail_unless (ot_capture_wait_buffers (capture, n, 10000));
  audio = ot_capture_get_audio (capture);
  what = gw_test_tone_describe (audio);
  fail_unless (fabs (gw_test_tone_dominant_frequency (audio, 50, 4000) -
          440) < 2, "%s", what);
  fail_unless (fabs (gw_test_tone_rms_dbfs (audio) - TONE_DBFS) < 0.5, "%s",
      what);
}

/* ---- tests ---- */

GST_START_TEST (test_tone_arrives)
{
  GstElement *pub = start_tone ("pair-tone", "tone", NULL);
  Sub *sub = sub_start ("pair-tone", NULL, NULL);
  OtCapture *capture = sub_wait_pad (sub, "audio_tone");
  g_autoptr (GstCaps) raw = gst_caps_from_string (RAW);
  g_autoptr (GstCaps) caps = NULL;

  assert_tone (capture, 1.0);
  /* In real time, continuous, raw as published, not silence. */
  fail_unless_equals_int (ot_capture_get_n_pts_jumps (capture), 0);
  fail_unless_equals_int (ot_capture_get_n_gap_buffers (capture), 0);
  caps = ot_capture_get_caps (capture);
  fail_unless (gst_caps_is_equal (caps, raw));

  sub_stop (sub);
  stop_pipeline (pub);
}

GST_END_TEST;

GST_START_TEST (test_join_and_leave)
{
  Sub *sub = sub_start ("pair-join", NULL, NULL);
  GstElement *a, *b;
  OtCapture *ca, *cb;

  fail_unless_equals_int (sub_n_pads (sub), 0);
  a = start_tone ("pair-join", "a", NULL);
  ca = sub_wait_pad (sub, "audio_a");
  b = start_tone ("pair-join", "b", NULL);
  cb = sub_wait_pad (sub, "audio_b");
  fail_unless (ot_capture_wait_buffers (ca, 10, 5000));
  fail_unless (ot_capture_wait_buffers (cb, 10, 5000));

  /* A leaves: EOS on its pad, then the pad goes; B goes on. */
  stop_pipeline (a);
  fail_unless (sub_wait_removed (sub, "audio_a"));
  fail_unless (ot_capture_wait_eos (ca, 1000));
  fail_unless_equals_int (sub_n_pads (sub), 1);
  ot_capture_reset (cb);
  fail_unless (ot_capture_wait_buffers (cb, 10, 5000));

  stop_pipeline (b);
  fail_unless (sub_wait_removed (sub, "audio_b"));
  sub_stop (sub);
}

GST_END_TEST;

/* As a gateway call: one pipeline publishes its leg and subscribes to the
 * others, leaving out its own connection. */
GST_START_TEST (test_exclude_own_connection)
{
  GstElement *other = start_tone ("pair-own", "other", NULL);
  g_autoptr (GstElement) leg = NULL;
  g_autoptr (GstElement) src = NULL;
  Sub *filtered;
  OtCapture *capture;
  GstPad *pad;

  leg = start_pipeline ("audiotestsrc is-live=true freq=440 volume=0.5 "
      "samplesperbuffer=960 ! " RAW " ! otsink session-id=pair-own "
      "connection-id=leg stream-id=mine "
      "otsrc name=src session-id=pair-own exclude-connection-id=leg "
      "! fakesink name=out sync=false");
  src = gst_bin_get_by_name (GST_BIN (leg), "src");
  /* Only the other stream, and the leg's pipeline runs (it waits for no
   * data of its own). */
  OT_WAIT_FOR (src->numsrcpads == 1);
  pad = src->srcpads->data;
  fail_unless_equals_string (GST_PAD_NAME (pad), "audio_other");
  OT_WAIT_FOR (GST_STATE (leg) == GST_STATE_PLAYING);

  /* Others see the leg's stream; a filter picks it alone. */
  filtered = sub_start ("pair-own", "streams=mine", NULL);
  capture = sub_wait_pad (filtered, "audio_mine");
  assert_tone (capture, 0.5);
  fail_unless_equals_int (sub_n_pads (filtered), 1);

  sub_stop (filtered);
  stop_pipeline (g_steal_pointer (&leg));
  stop_pipeline (other);
}

GST_END_TEST;

#define N_SUBSCRIBERS 50

GST_START_TEST (test_fifty_subscribers)
{
  GstElement *pub = start_tone ("pair-fifty", "tone", NULL);
  Sub *subs[N_SUBSCRIBERS];
  OtCapture *captures[N_SUBSCRIBERS];
  guint i;

  for (i = 0; i < N_SUBSCRIBERS; i++)
    subs[i] = sub_start ("pair-fifty", NULL, NULL);
  for (i = 0; i < N_SUBSCRIBERS; i++) {
    captures[i] = sub_wait_pad (subs[i], "audio_tone");
    ot_capture_reset (captures[i]);
  }
  for (i = 0; i < N_SUBSCRIBERS; i++) {
    g_autoptr (GwTestAudio) audio = NULL;

    fail_unless (ot_capture_wait_buffers (captures[i], 25, 10000));
    audio = ot_capture_get_audio (captures[i]);
    fail_unless (fabs (gw_test_tone_dominant_frequency (audio, 50, 4000) -
            440) < 2, "subscriber %u", i);
  }
  for (i = 0; i < N_SUBSCRIBERS; i++)
    sub_stop (subs[i]);
  stop_pipeline (pub);
}

GST_END_TEST;

static GstPadProbeReturn
block_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  return GST_PAD_PROBE_OK;
}

/* One subscriber's pipeline stops pulling (its streaming thread blocks):
 * the publisher and the other subscriber go on in real time; the stuck one
 * lost the old data (DISCONT) rather than delaying anyone. */
GST_START_TEST (test_stuck_subscriber)
{
  GstElement *pub = start_tone ("pair-stuck", "tone", NULL);
  Sub *stuck = sub_start ("pair-stuck", NULL, NULL);
  Sub *fine = sub_start ("pair-stuck", NULL, NULL);
  OtCapture *cs = sub_wait_pad (stuck, "audio_tone");
  OtCapture *cf = sub_wait_pad (fine, "audio_tone");
  gulong block;

  fail_unless (ot_capture_wait_buffers (cs, 5, 5000));
  fail_unless (ot_capture_wait_buffers (cf, 5, 5000));
  block = gst_pad_add_probe (ot_capture_get_pad (cs),
      GST_PAD_PROBE_TYPE_BLOCK | GST_PAD_PROBE_TYPE_BUFFER, block_probe,
      NULL, NULL);
  ot_capture_reset (cf);
  /* 2 s: more than the stuck subscriber's queue holds (1 s). */
  fail_unless (ot_capture_wait_buffers (cf, 100, 10000));
  fail_unless_equals_int (ot_capture_get_n_pts_jumps (cf), 0);
  fail_unless_equals_int (ot_capture_get_n_discont (cf), 0);

  ot_capture_reset (cs);
  gst_pad_remove_probe (ot_capture_get_pad (cs), block);
  fail_unless (ot_capture_wait_buffers (cs, 10, 5000));
  fail_unless (ot_capture_get_n_discont (cs) >= 1);

  sub_stop (stuck);
  sub_stop (fine);
  stop_pipeline (pub);
}

GST_END_TEST;

static GstPadProbeReturn
count_keyframe_requests (GstPad * pad, GstPadProbeInfo * info, gint * count)
{
  if (gst_video_event_is_force_key_unit (GST_PAD_PROBE_INFO_EVENT (info)))
    g_atomic_int_inc (count);
  return GST_PAD_PROBE_OK;
}

/* The encoder makes a keyframe only when asked (keyframe-max-dist is
 * huge): a subscriber that joins late gets pictures only because its
 * arrival requested one. */
GST_START_TEST (test_keyframe_for_new_subscriber)
{
  GstElement *pub = start_pipeline ("videotestsrc is-live=true ! "
      "video/x-raw,format=I420,width=160,height=120,framerate=30/1 ! "
      "vp8enc name=enc deadline=1 cpu-used=-6 end-usage=cbr threads=1 "
      "keyframe-max-dist=100000 ! otsink session-id=pair-key stream-id=cam");
  g_autoptr (GstElement) enc = gst_bin_get_by_name (GST_BIN (pub), "enc");
  g_autoptr (GstPad) encpad = gst_element_get_static_pad (enc, "src");
  g_autoptr (GstCaps) caps = NULL;
  gint requests = 0;
  OtCapture *capture;
  Sub *sub;

  gst_pad_add_probe (encpad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
      (GstPadProbeCallback) count_keyframe_requests, &requests, NULL);
  /* Running, unsubscribed: its first keyframe is long gone. */
  g_usleep (500 * G_TIME_SPAN_MILLISECOND);
  fail_unless_equals_int (g_atomic_int_get (&requests), 0);

  sub = sub_start ("pair-key", NULL, NULL);
  capture = sub_wait_pad (sub, "video_cam");
  fail_unless (ot_capture_wait_buffers (capture, 5, 5000));
  fail_unless (g_atomic_int_get (&requests) >= 1);
  fail_unless (ot_capture_first_is_keyframe (capture));
  caps = ot_capture_get_caps (capture);
  fail_unless (gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "video/x-vp8"));

  sub_stop (sub);
  stop_pipeline (pub);
}

GST_END_TEST;

static void
assert_silent_then_tone (OtCapture * capture, gboolean expect_silence)
{
  g_autoptr (GwTestAudio) audio = NULL;

  fail_unless (ot_capture_wait_run (capture, expect_silence, 5, 5000));
  if (!expect_silence) {
    assert_tone (capture, 0.5);
    return;
  }
  ot_capture_reset (capture);
  fail_unless (ot_capture_wait_buffers (capture, 10, 5000));
  audio = ot_capture_get_audio (capture);
  fail_unless (gw_test_tone_is_silent (audio, GW_TEST_TONE_SILENCE_DBFS));
  fail_unless_equals_int (ot_capture_get_n_gap_buffers (capture),
      ot_capture_get_n_buffers (capture));
}

GST_START_TEST (test_mute_and_force_mute)
{
  GstElement *pub = start_tone ("pair-mute", "tone", NULL);
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (pub), "sink");
  g_autoptr (OtSession) session = NULL;
  Sub *sub = sub_start ("pair-mute", NULL, NULL);
  OtCapture *capture = sub_wait_pad (sub, "audio_tone");
  gboolean muted = FALSE;

  assert_tone (capture, 0.5);
  g_object_set (sink, "muted", TRUE, NULL);
  assert_silent_then_tone (capture, TRUE);
  g_object_set (sink, "muted", FALSE, NULL);
  assert_silent_then_tone (capture, FALSE);

  /* Force mute from the session; the publisher unmutes itself. */
  session = ot_hub_lookup_session (ot_hub_get_default (), "pair-mute");
  fail_unless (ot_session_force_mute_stream (session, "tone", NULL));
  assert_silent_then_tone (capture, TRUE);
  g_object_get (sink, "muted", &muted, NULL);
  fail_unless (muted);
  g_object_set (sink, "muted", FALSE, NULL);
  assert_silent_then_tone (capture, FALSE);

  sub_stop (sub);
  stop_pipeline (pub);
}

GST_END_TEST;

#define N_CONVERTERS() ot_hub_get_n_converters (ot_hub_get_default ())

/* Opus published, two raw subscribers: one decoder, shared. */
GST_START_TEST (test_one_decoder_for_raw_subscribers)
{
  GstElement *pub = start_tone ("pair-dec", "opus",
      "opusenc complexity=5 frame-size=20 !");
  Sub *s1, *s2;
  OtCapture *c1, *c2;

  s1 = sub_start ("pair-dec", NULL, "audio/x-raw");
  s2 = sub_start ("pair-dec", NULL, "audio/x-raw");
  c1 = sub_wait_pad (s1, "audio_opus");
  c2 = sub_wait_pad (s2, "audio_opus");
  OT_WAIT_FOR (N_CONVERTERS () == 1);
  assert_tone (c1, 0.5);
  assert_tone (c2, 0.5);
  fail_unless_equals_int (N_CONVERTERS (), 1);

  sub_stop (s1);
  fail_unless_equals_int (N_CONVERTERS (), 1);
  /* The last one leaving stops it (once a push walking the old route is
   * done with it). */
  sub_stop (s2);
  OT_WAIT_FOR (N_CONVERTERS () == 0);
  stop_pipeline (pub);
}

GST_END_TEST;

/* Raw published, an Opus subscriber (a browser, later): one encoder; a
 * raw subscriber beside it costs nothing. */
GST_START_TEST (test_one_encoder_for_opus_subscriber)
{
  GstElement *pub = start_tone ("pair-enc", "raw", NULL);
  Sub *opus, *raw;
  OtCapture *co, *cr;
  g_autoptr (GstCaps) caps = NULL;

  raw = sub_start ("pair-enc", NULL, NULL);
  cr = sub_wait_pad (raw, "audio_raw");
  fail_unless (ot_capture_wait_buffers (cr, 5, 5000));
  fail_unless_equals_int (N_CONVERTERS (), 0);

  opus = sub_start ("pair-enc", NULL, "audio/x-opus");
  co = sub_wait_pad (opus, "audio_raw");
  OT_WAIT_FOR (N_CONVERTERS () == 1);
  fail_unless (ot_capture_wait_buffers (co, 10, 5000));
  caps = ot_capture_get_caps (co);
  fail_unless (gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "audio/x-opus"));

  sub_stop (opus);
  OT_WAIT_FOR (N_CONVERTERS () == 0);
  assert_tone (cr, 0.5);
  sub_stop (raw);
  stop_pipeline (pub);
}

GST_END_TEST;

static Suite *
otpair_suite (void)
{
  Suite *s = suite_create ("otpair");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_tone_arrives);
  tcase_add_test (tc, test_join_and_leave);
  tcase_add_test (tc, test_exclude_own_connection);
  tcase_add_test (tc, test_fifty_subscribers);
  tcase_add_test (tc, test_stuck_subscriber);
  tcase_add_test (tc, test_keyframe_for_new_subscriber);
  tcase_add_test (tc, test_mute_and_force_mute);
  tcase_add_test (tc, test_one_decoder_for_raw_subscribers);
  tcase_add_test (tc, test_one_encoder_for_opus_subscriber);
  return s;
}

GST_CHECK_MAIN (otpair);
