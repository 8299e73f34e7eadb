/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* otsrc alone: streams are published straight through the hub API (no
 * otsink), otsrc's pads are checked with GstHarness or fakesinks. */

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <string.h>
#include "ot-hub.h"
#include "ot-capture.h"

/* ---- publishing through the hub ---- */

static OtTrack *
publish (OtSession * session, const gchar * connection_id,
    const gchar * stream_id, OtTrackKind kind, const gchar * caps_str)
{
  g_autoptr (OtConnection) conn = NULL;
  g_autoptr (OtStream) stream = NULL;
  g_autoptr (GstCaps) caps = NULL;
  OtTrack *track;

  conn = ot_session_lookup_connection (session, connection_id);
  if (!conn)
    conn = ot_session_add_connection (session, connection_id, NULL, NULL);
  fail_unless (conn != NULL);
  stream = ot_session_lookup_stream (session, stream_id);
  if (!stream)
    stream = ot_session_add_stream (session, conn, stream_id, stream_id,
        OT_VIDEO_TYPE_CAMERA, NULL);
  fail_unless (stream != NULL);
  track = ot_stream_ensure_track (stream, kind);
  if (caps_str) {
    caps = gst_caps_from_string (caps_str);
    fail_unless (ot_track_set_caps (track, caps, NULL));
  }
  return track;
}

/* 20 ms of a constant raw sample value, at absolute time `pts`. */
static GstBuffer *
raw_buffer (GstClockTime pts, gint16 value)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 960 * 2, NULL);
  GstMapInfo map;
  guint i;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (i = 0; i < 960; i++)
    ((gint16 *) map.data)[i] = GINT16_TO_LE (value);
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = 20 * GST_MSECOND;
  return buf;
}

/* ---- otsrc with its pads recorded ---- */

typedef struct
{
  GMutex lock;
  GCond cond;
  GHashTable *pads;             /* name → GstPad (no ref), current pads */
  guint n_added, n_removed;
  GstHarness *h;                /* links the first pad added, when set */
} PadLog;

static void
pad_added (GstElement * src, GstPad * pad, PadLog * log)
{
  if (log->h && log->n_added == 0)
    gst_harness_add_element_src_pad (log->h, pad);
  g_mutex_lock (&log->lock);
  g_hash_table_insert (log->pads, gst_pad_get_name (pad), pad);
  log->n_added++;
  g_cond_broadcast (&log->cond);
  g_mutex_unlock (&log->lock);
}

static void
pad_removed (GstElement * src, GstPad * pad, PadLog * log)
{
  g_mutex_lock (&log->lock);
  g_hash_table_remove (log->pads, GST_PAD_NAME (pad));
  log->n_removed++;
  g_cond_broadcast (&log->cond);
  g_mutex_unlock (&log->lock);
}

static void
pad_log_init (PadLog * log, GstElement * src, GstHarness * h)
{
  g_mutex_init (&log->lock);
  g_cond_init (&log->cond);
  log->pads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  log->h = h;
  g_signal_connect (src, "pad-added", G_CALLBACK (pad_added), log);
  g_signal_connect (src, "pad-removed", G_CALLBACK (pad_removed), log);
}

static void
pad_log_clear (PadLog * log)
{
  g_hash_table_unref (log->pads);
  g_cond_clear (&log->cond);
  g_mutex_clear (&log->lock);
}

/* Waits (5 s at most) until the current pads are exactly `names`
 * (comma-separated, "" = none). */
static gboolean
pad_log_wait_pads (PadLog * log, const gchar * names)
{
  g_auto (GStrv) want = g_strsplit (names, ",", -1);
  gint64 end = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;
  gboolean ok;
  guint i, n = names[0] ? g_strv_length (want) : 0;

  g_mutex_lock (&log->lock);
  do {
    ok = g_hash_table_size (log->pads) == n;
    for (i = 0; i < n && ok; i++)
      ok = g_hash_table_contains (log->pads, want[i]);
  } while (!ok && g_cond_wait_until (&log->cond, &log->lock, end));
  g_mutex_unlock (&log->lock);
  return ok;
}

static GstElement *
make_src (const gchar * session_id)
{
  GstElement *src = gst_element_factory_make ("otsrc", NULL);

  fail_unless (src != NULL);
  g_object_set (src, "session-id", session_id, NULL);
  return src;
}

static GstEvent *
pull_event_of_type (GstHarness * h, GstEventType type)
{
  GstEvent *event;

  while ((event = gst_harness_pull_event (h))) {
    if (GST_EVENT_TYPE (event) == type)
      return event;
    gst_event_unref (event);
  }
  return NULL;
}

/* otsrc in a harness that links its first pad, playing. */
typedef struct
{
  GstElement *src;
  GstHarness *h;
  PadLog log;
} SrcHarness;

static void
src_harness_start (SrcHarness * sh, const gchar * session_id,
    const gchar * sink_caps)
{
  sh->src = make_src (session_id);
  sh->h = gst_harness_new_with_element (sh->src, NULL, NULL);
  if (sink_caps)
    gst_harness_set_sink_caps_str (sh->h, sink_caps);
  pad_log_init (&sh->log, sh->src, sh->h);
  gst_harness_play (sh->h);
}

/* The pad comes first, then its subscription. */
static void
src_harness_wait_subscribed (SrcHarness * sh, const gchar * pad_name,
    OtTrack * track)
{
  fail_unless (pad_log_wait_pads (&sh->log, pad_name));
  OT_WAIT_FOR (ot_track_get_n_subscriptions (track) == 1);
}

static void
src_harness_stop (SrcHarness * sh)
{
  gst_harness_teardown (sh->h);
  pad_log_clear (&sh->log);
}

/* ---- tests ---- */

GST_START_TEST (test_pad_events_and_timestamps)
{
  g_autoptr (OtSession) session =
      ot_hub_ensure_session (ot_hub_get_default (), "src-events");
  g_autoptr (OtTrack) track = publish (session, "c1", "a", OT_TRACK_AUDIO,
      OT_AUDIO_RAW_CAPS);
  g_autoptr (GstCaps) raw_caps = gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  GstElement *src = make_src ("src-events");
  GstHarness *h = gst_harness_new_with_element (src, NULL, NULL);
  GstBuffer *in, *out;
  GstEvent *event;
  const GstSegment *segment;
  GstCaps *caps;
  guint group_id;
  PadLog log = { 0, };
  GstQuery *query;
  gboolean live;
  GstClockTime min, max;

  pad_log_init (&log, src, h);
  gst_element_set_base_time (src, 10 * GST_SECOND);
  gst_harness_play (h);
  /* Published before otsrc started: its pad comes at once. */
  fail_unless (pad_log_wait_pads (&log, "audio_a"));
  /* The pad comes first, then the subscription. */
  OT_WAIT_FOR (ot_track_get_n_subscriptions (track) == 1);

  /* Absolute 12 s is running time 2 s for a base time of 10 s; what
   * precedes the base time is dropped. */
  ot_track_push (track, raw_buffer (9 * GST_SECOND, 1));
  in = raw_buffer (12 * GST_SECOND, 1000);
  ot_track_push (track, gst_buffer_ref (in));
  out = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), 2 * GST_SECOND);
  fail_unless_equals_uint64 (GST_BUFFER_DURATION (out), 20 * GST_MSECOND);
  fail_unless (GST_BUFFER_FLAG_IS_SET (out, GST_BUFFER_FLAG_DISCONT));
  /* The same memory: the hub and otsrc never copy samples. */
  fail_unless (gst_buffer_peek_memory (out, 0) ==
      gst_buffer_peek_memory (in, 0));
  gst_buffer_unref (out);
  gst_buffer_unref (in);

  /* Sticky events came first, in order. */
  event = pull_event_of_type (h, GST_EVENT_STREAM_START);
  fail_unless (gst_event_parse_group_id (event, &group_id));
  gst_event_unref (event);
  event = gst_harness_pull_event (h);
  fail_unless_equals_int (GST_EVENT_TYPE (event), GST_EVENT_CAPS);
  gst_event_parse_caps (event, &caps);
  fail_unless (gst_caps_is_equal (caps, raw_caps));
  gst_event_unref (event);
  event = gst_harness_pull_event (h);
  fail_unless_equals_int (GST_EVENT_TYPE (event), GST_EVENT_SEGMENT);
  gst_event_parse_segment (event, &segment);
  fail_unless_equals_int (segment->format, GST_FORMAT_TIME);
  fail_unless_equals_uint64 (segment->start, 0);
  gst_event_unref (event);

  query = gst_query_new_latency ();
  fail_unless (gst_pad_peer_query (h->sinkpad, query));
  gst_query_parse_latency (query, &live, &min, &max);
  fail_unless (live);
  fail_unless_equals_uint64 (min, 20 * GST_MSECOND);
  gst_query_unref (query);

  gst_harness_teardown (h);
  /* Stopped: no subscription left behind. */
  fail_unless_equals_int (ot_track_get_n_subscriptions (track), 0);
  pad_log_clear (&log);
}

GST_END_TEST;

GST_START_TEST (test_stream_removed)
{
  g_autoptr (OtSession) session =
      ot_hub_ensure_session (ot_hub_get_default (), "src-removed");
  SrcHarness sh = { 0, };
  g_autoptr (OtTrack) track = NULL;
  GstEvent *event;

  src_harness_start (&sh, "src-removed", NULL);
  /* A stream without a format has no pad yet. */
  track = publish (session, "c1", "late", OT_TRACK_AUDIO, NULL);
  fail_unless (pad_log_wait_pads (&sh.log, ""));
  ot_track_unref (publish (session, "c1", "late", OT_TRACK_AUDIO,
          OT_AUDIO_RAW_CAPS));
  fail_unless (pad_log_wait_pads (&sh.log, "audio_late"));

  fail_unless (ot_session_remove_stream (session, "late"));
  fail_unless (pad_log_wait_pads (&sh.log, ""));
  event = pull_event_of_type (sh.h, GST_EVENT_EOS);
  fail_unless (event != NULL);
  gst_event_unref (event);
  fail_unless_equals_int (ot_track_get_n_subscriptions (track), 0);

  src_harness_stop (&sh);
}

GST_END_TEST;

static GstElement *
filtered_pipeline (const gchar * session_id, const gchar * prop,
    const gchar * value, PadLog * log, GstElement ** src)
{
  GstElement *pipeline = gst_pipeline_new (NULL);

  *src = make_src (session_id);
  gst_util_set_object_arg (G_OBJECT (*src), prop, value);
  gst_bin_add (GST_BIN (pipeline), gst_object_ref (*src));
  pad_log_init (log, *src, NULL);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return pipeline;
}

GST_START_TEST (test_streams_filter_and_exclude)
{
  g_autoptr (OtSession) session =
      ot_hub_ensure_session (ot_hub_get_default (), "src-filter");
  GstElement *p1, *p2, *src1, *src2;
  PadLog log1 = { 0, }, log2 = { 0, };
  OtTrack *tracks[4];

  tracks[0] = publish (session, "c1", "a", OT_TRACK_AUDIO, OT_AUDIO_RAW_CAPS);
  tracks[1] = publish (session, "c1", "b", OT_TRACK_AUDIO, OT_AUDIO_RAW_CAPS);
  tracks[2] = publish (session, "c2", "c", OT_TRACK_AUDIO, OT_AUDIO_RAW_CAPS);
  tracks[3] = publish (session, "c2", "c", OT_TRACK_VIDEO, "video/x-vp8");

  p1 = filtered_pipeline ("src-filter", "streams", " a , c", &log1, &src1);
  p2 = filtered_pipeline ("src-filter", "exclude-connection-id", "c2", &log2,
      &src2);
  fail_unless (pad_log_wait_pads (&log1, "audio_a,audio_c,video_c"));
  fail_unless (pad_log_wait_pads (&log2, "audio_a,audio_b"));

  /* The filter changes while playing: pads follow. */
  g_object_set (src1, "streams", "b", NULL);
  fail_unless (pad_log_wait_pads (&log1, "audio_b"));
  g_object_set (src2, "exclude-connection-id", "c1", NULL);
  fail_unless (pad_log_wait_pads (&log2, "audio_c,video_c"));
  g_object_set (src1, "streams", "", NULL);
  fail_unless (pad_log_wait_pads (&log1, "audio_a,audio_b,audio_c,video_c"));

  /* A stream published later joins only where it passes the filter. */
  g_object_set (src1, "streams", "a,d", NULL);
  fail_unless (pad_log_wait_pads (&log1, "audio_a"));
  g_clear_pointer (&tracks[0], ot_track_unref);
  tracks[0] = publish (session, "c1", "d", OT_TRACK_AUDIO, OT_AUDIO_RAW_CAPS);
  fail_unless (pad_log_wait_pads (&log1, "audio_a,audio_d"));
  fail_unless (pad_log_wait_pads (&log2, "audio_c,video_c"));

  gst_element_set_state (p1, GST_STATE_NULL);
  gst_element_set_state (p2, GST_STATE_NULL);
  fail_unless (pad_log_wait_pads (&log1, ""));
  gst_object_unref (src1);
  gst_object_unref (src2);
  gst_object_unref (p1);
  gst_object_unref (p2);
  pad_log_clear (&log1);
  pad_log_clear (&log2);
  for (guint i = 0; i < G_N_ELEMENTS (tracks); i++) {
    fail_unless_equals_int (ot_track_get_n_subscriptions (tracks[i]), 0);
    ot_track_unref (tracks[i]);
  }
}

GST_END_TEST;

static gboolean
buffer_is_zero (GstBuffer * buf)
{
  GstMapInfo map;
  gboolean zero = TRUE;
  gsize i;

  gst_buffer_map (buf, &map, GST_MAP_READ);
  for (i = 0; i < map.size && zero; i++)
    zero = map.data[i] == 0;
  gst_buffer_unmap (buf, &map);
  return zero;
}

GST_START_TEST (test_muted_stream_sends_gap_silence)
{
  g_autoptr (OtSession) session =
      ot_hub_ensure_session (ot_hub_get_default (), "src-muted");
  g_autoptr (OtTrack) track = publish (session, "c1", "m", OT_TRACK_AUDIO,
      OT_AUDIO_RAW_CAPS);
  g_autoptr (OtStream) stream = ot_session_lookup_stream (session, "m");
  SrcHarness sh = { 0, };
  GstBuffer *out;

  src_harness_start (&sh, "src-muted", NULL);
  src_harness_wait_subscribed (&sh, "audio_m", track);

  ot_stream_set_muted (stream, TRUE);
  ot_track_push (track, raw_buffer (GST_SECOND, 12345));
  out = gst_harness_pull (sh.h);
  fail_unless (GST_BUFFER_FLAG_IS_SET (out, GST_BUFFER_FLAG_GAP));
  fail_unless_equals_int (gst_buffer_get_size (out), 960 * 2);
  fail_unless (buffer_is_zero (out));
  gst_buffer_unref (out);

  ot_stream_set_muted (stream, FALSE);
  ot_track_push (track, raw_buffer (GST_SECOND + 20 * GST_MSECOND, 12345));
  out = gst_harness_pull (sh.h);
  fail_if (GST_BUFFER_FLAG_IS_SET (out, GST_BUFFER_FLAG_GAP));
  fail_if (buffer_is_zero (out));
  gst_buffer_unref (out);

  src_harness_stop (&sh);
}

GST_END_TEST;

GST_START_TEST (test_negotiates_opus)
{
  g_autoptr (OtSession) session =
      ot_hub_ensure_session (ot_hub_get_default (), "src-opus");
  g_autoptr (OtTrack) track = publish (session, "c1", "o", OT_TRACK_AUDIO,
      OT_AUDIO_RAW_CAPS);
  SrcHarness sh = { 0, };
  GstBuffer *out = NULL;
  GstCaps *caps;
  guint i;

  /* Downstream takes Opus only: the hub encodes, once. */
  src_harness_start (&sh, "src-opus", "audio/x-opus");
  fail_unless (pad_log_wait_pads (&sh.log, "audio_o"));
  OT_WAIT_FOR (ot_hub_get_n_converters (ot_hub_get_default ()) == 1);

  for (i = 0; i < 10 && !out; i++) {
    ot_track_push (track, raw_buffer (GST_SECOND + i * 20 * GST_MSECOND,
            (i % 2) ? 8000 : -8000));
    out = gst_harness_try_pull (sh.h);
  }
  if (!out)
    out = gst_harness_pull (sh.h);
  fail_unless (out != NULL);
  caps = gst_pad_get_current_caps (sh.h->sinkpad);
  fail_unless (gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "audio/x-opus"));
  gst_caps_unref (caps);
  gst_buffer_unref (out);

  src_harness_stop (&sh);
  fail_unless_equals_int (ot_hub_get_n_converters (ot_hub_get_default ()), 0);
}

GST_END_TEST;

GST_START_TEST (test_video_pad)
{
  g_autoptr (OtSession) session =
      ot_hub_ensure_session (ot_hub_get_default (), "src-video");
  g_autoptr (OtTrack) track = publish (session, "c1", "v", OT_TRACK_VIDEO,
      "video/x-vp8, width=(int)320, height=(int)240");
  SrcHarness sh = { 0, };
  GstBuffer *key, *out;
  GstCaps *caps;

  src_harness_start (&sh, "src-video", NULL);
  src_harness_wait_subscribed (&sh, "video_v", track);

  key = gst_buffer_new_allocate (NULL, 100, NULL);
  GST_BUFFER_PTS (key) = GST_SECOND;
  GST_BUFFER_DURATION (key) = 33 * GST_MSECOND;
  ot_track_push (track, key);
  out = gst_harness_pull (sh.h);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), GST_SECOND);
  caps = gst_pad_get_current_caps (sh.h->sinkpad);
  fail_unless (gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "video/x-vp8"));
  gst_caps_unref (caps);
  gst_buffer_unref (out);

  src_harness_stop (&sh);
}

GST_END_TEST;

GST_START_TEST (test_eos_event)
{
  g_autoptr (OtSession) session =
      ot_hub_ensure_session (ot_hub_get_default (), "src-eos");
  g_autoptr (OtTrack) track = publish (session, "c1", "e", OT_TRACK_AUDIO,
      OT_AUDIO_RAW_CAPS);
  SrcHarness sh = { 0, };
  GstEvent *event;

  src_harness_start (&sh, "src-eos", NULL);
  src_harness_wait_subscribed (&sh, "audio_e", track);
  /* gst-launch -e sends EOS to the sources. */
  fail_unless (gst_element_send_event (sh.src, gst_event_new_eos ()));
  event = pull_event_of_type (sh.h, GST_EVENT_EOS);
  fail_unless (event != NULL);
  gst_event_unref (event);

  src_harness_stop (&sh);
}

GST_END_TEST;

GST_START_TEST (test_unknown_session)
{
  GstElement *src = make_src ("src-no-such-session");
  g_autoptr (GstBus) bus = gst_bus_new ();
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GError) err = NULL;
  g_autofree gchar *dbg = NULL;

  g_object_set (src, "create-session", FALSE, NULL);
  gst_element_set_bus (src, bus);
  fail_unless_equals_int (gst_element_set_state (src, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, &dbg);
  fail_unless (strstr (err->message, "src-no-such-session") != NULL);
  fail_if (ot_hub_lookup_session (ot_hub_get_default (),
          "src-no-such-session"));
  gst_element_set_state (src, GST_STATE_NULL);
  gst_element_set_bus (src, NULL);
  gst_object_unref (src);
}

GST_END_TEST;

static Suite *
otsrc_suite (void)
{
  Suite *s = suite_create ("otsrc");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_pad_events_and_timestamps);
  tcase_add_test (tc, test_stream_removed);
  tcase_add_test (tc, test_streams_filter_and_exclude);
  tcase_add_test (tc, test_muted_stream_sends_gap_silence);
  tcase_add_test (tc, test_negotiates_opus);
  tcase_add_test (tc, test_video_pad);
  tcase_add_test (tc, test_eos_event);
  tcase_add_test (tc, test_unknown_session);
  return s;
}

GST_CHECK_MAIN (otsrc);
