/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Session hub: audio conversion between Opus and raw, once per track and
 * format and only while someone needs it, checked with real audio (a
 * 440 Hz tone through real Opus encoders and decoders). */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <math.h>

#include "ot-hub.h"

#define T0 (1000 * GST_SECOND)  /* an absolute clock time */
#define FRAME (20 * GST_MSECOND)
#define SAMPLES 960
#define TONE_HZ 440.0
#define TONE_AMPLITUDE 0.5      /* of full scale */

typedef struct
{
  OtSession *session;
  OtStream *stream;
  OtTrack *track;
} Publisher;

static void
publisher_init (Publisher * pub, GstCaps * caps)
{
  g_autoptr (OtConnection) conn = NULL;
  g_autoptr (GError) error = NULL;

  pub->session = ot_hub_create_session (ot_hub_get_default (), "42", NULL,
      TRUE);
  conn = ot_session_add_connection (pub->session, NULL, NULL, NULL);
  pub->stream = ot_session_add_stream (pub->session, conn, NULL, "pub",
      OT_VIDEO_TYPE_CAMERA, NULL);
  pub->track = ot_stream_ensure_track (pub->stream, OT_TRACK_AUDIO);
  if (caps) {
    fail_unless (ot_track_set_caps (pub->track, caps, &error));
    g_assert_no_error (error);
  }
}

static void
publisher_clear (Publisher * pub)
{
  ot_hub_remove_session (ot_hub_get_default (),
      ot_session_get_id (pub->session));
  ot_track_unref (pub->track);
  g_object_unref (pub->stream);
  g_object_unref (pub->session);
}

static guint
n_converters (void)
{
  return ot_hub_get_n_converters (ot_hub_get_default ());
}

/* 20 ms of the tone, frame `index` of a continuous signal. */
static GstBuffer *
tone_buffer (guint index)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, SAMPLES * 2, NULL);
  GstMapInfo map;
  gint16 *s;
  guint i;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  s = (gint16 *) map.data;
  for (i = 0; i < SAMPLES; i++) {
    gdouble t = (gdouble) (index * SAMPLES + i) / 48000.0;

    s[i] = (gint16) (TONE_AMPLITUDE * 32767 * sin (2 * G_PI * TONE_HZ * t));
  }
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = T0 + index * FRAME;
  GST_BUFFER_DURATION (buf) = FRAME;
  return buf;
}

/* Runs `n` frames of the tone through a real opusenc; returns the packets
 * (with their PTS) and sets *caps to what the encoder produced. */
static GPtrArray *
encode_tone (guint n, GstCaps ** caps)
{
  GstHarness *h = gst_harness_new_parse ("opusenc frame-size=20");
  GPtrArray *packets = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  GstBuffer *buf;
  guint i;

  gst_harness_set_src_caps_str (h, OT_AUDIO_RAW_CAPS);
  for (i = 0; i < n; i++)
    fail_unless_equals_int (gst_harness_push (h, tone_buffer (i)), GST_FLOW_OK);
  gst_harness_push_event (h, gst_event_new_eos ());
  while ((buf = gst_harness_try_pull (h)) != NULL)
    g_ptr_array_add (packets, buf);
  *caps = gst_pad_get_current_caps (h->sinkpad);
  gst_harness_teardown (h);
  return packets;
}

/* Decodes Opus packets with a real opusdec to 48 kHz mono samples. */
static GArray *
decode_opus (GPtrArray * packets, GstCaps * caps)
{
  GstHarness *h = gst_harness_new_parse ("opusdec ! audioconvert ! "
      "audioresample ! capsfilter caps=\"" OT_AUDIO_RAW_CAPS "\"");
  GArray *samples = g_array_new (FALSE, FALSE, sizeof (gint16));
  GstBuffer *buf;
  guint i;

  gst_harness_set_src_caps (h, gst_caps_copy (caps));
  for (i = 0; i < packets->len; i++)
    gst_harness_push (h, gst_buffer_ref (g_ptr_array_index (packets, i)));
  gst_harness_push_event (h, gst_event_new_eos ());
  while ((buf = gst_harness_try_pull (h)) != NULL) {
    GstMapInfo map;

    gst_buffer_map (buf, &map, GST_MAP_READ);
    g_array_append_vals (samples, map.data, map.size / 2);
    gst_buffer_unmap (buf, &map);
    gst_buffer_unref (buf);
  }
  gst_harness_teardown (h);
  return samples;
}

/* Checks one second of `samples` after the first 100 ms (codec start-up):
 * the frequency from its zero crossings, and its RMS level. */
static void
assert_tone (GArray * samples)
{
  const gint16 *s = (const gint16 *) samples->data;
  guint start = 4800, end = start + 48000, i, crossings = 0;
  gdouble sum = 0, rms, expected_rms;

  fail_unless (samples->len >= end, "only %u samples", samples->len);
  for (i = start; i < end; i++) {
    if ((s[i - 1] < 0) != (s[i] < 0))
      crossings++;
    sum += (gdouble) s[i] * s[i];
  }
  rms = sqrt (sum / (end - start));
  expected_rms = TONE_AMPLITUDE * 32767 / sqrt (2);
  /* Two crossings per period: 880 per second for 440 Hz. */
  fail_unless (crossings >= 870 && crossings <= 890,
      "%u zero crossings per second, expected 880", crossings);
  fail_unless (rms > 0.8 * expected_rms && rms < 1.2 * expected_rms,
      "RMS %.0f, expected %.0f", rms, expected_rms);
}

/* Pops everything: buffers' samples appended to `samples` (when not NULL),
 * buffers kept in `buffers` (when not NULL); returns the number of CAPS
 * events and checks the buffers are 20 ms with steady PTS. */
static guint
drain_raw (OtSubscription * sub, GArray * samples, GPtrArray * buffers)
{
  GstClockTime last = GST_CLOCK_TIME_NONE;
  GstMiniObject *item;
  guint n_caps = 0;

  while ((item = ot_subscription_pop (sub)) != NULL) {
    GstBuffer *buf;
    GstMapInfo map;

    if (GST_IS_EVENT (item)) {
      fail_unless_equals_int (GST_EVENT_TYPE (item), GST_EVENT_CAPS);
      n_caps++;
      gst_mini_object_unref (item);
      continue;
    }
    buf = GST_BUFFER (item);
    fail_unless_equals_int (gst_buffer_get_size (buf), SAMPLES * 2);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (buf), FRAME);
    fail_unless (GST_BUFFER_PTS (buf) >= T0 - FRAME &&
        GST_BUFFER_PTS (buf) < T0 + 10 * GST_SECOND);
    if (GST_CLOCK_TIME_IS_VALID (last))
      fail_unless_equals_uint64 (GST_BUFFER_PTS (buf) - last, FRAME);
    last = GST_BUFFER_PTS (buf);
    if (samples) {
      gst_buffer_map (buf, &map, GST_MAP_READ);
      g_array_append_vals (samples, map.data, map.size / 2);
      gst_buffer_unmap (buf, &map);
    }
    if (buffers)
      g_ptr_array_add (buffers, buf);
    else
      gst_buffer_unref (buf);
  }
  return n_caps;
}

static OtSubscription *
subscribe (OtTrack * track, const gchar * caps_str)
{
  g_autoptr (GstCaps) caps = gst_caps_from_string (caps_str);
  g_autoptr (GError) error = NULL;
  OtSubscription *sub;

  sub = ot_track_subscribe (track, caps, 1000, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return sub;
}

#define N_FRAMES 75             /* 1.5 s */

GST_START_TEST (test_opus_to_raw)
{
  g_autoptr (GPtrArray) packets = NULL;
  g_autoptr (GstCaps) opus_caps = NULL;
  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint16));
  g_autoptr (GPtrArray) got1 = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  g_autoptr (GPtrArray) got2 = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  OtSubscription *raw1, *raw2;
  Publisher pub;
  guint i;

  packets = encode_tone (N_FRAMES, &opus_caps);
  fail_unless (packets->len >= N_FRAMES - 1);
  publisher_init (&pub, opus_caps);
  fail_unless_equals_int (n_converters (), 0);

  /* Two raw subscribers share one decoder. */
  raw1 = subscribe (pub.track, OT_AUDIO_RAW_CAPS);
  fail_unless_equals_int (n_converters (), 1);
  raw2 = subscribe (pub.track, OT_AUDIO_RAW_CAPS);
  fail_unless_equals_int (n_converters (), 1);

  for (i = 0; i < packets->len; i++)
    fail_unless (ot_track_push (pub.track,
            gst_buffer_ref (g_ptr_array_index (packets, i))));

  fail_unless_equals_int (drain_raw (raw1, NULL, got1), 1);
  fail_unless_equals_int (drain_raw (raw2, NULL, got2), 1);
  fail_unless (got1->len >= N_FRAMES - 2);
  fail_unless_equals_int (got1->len, got2->len);
  for (i = 0; i < got1->len; i++) {
    GstBuffer *b = g_ptr_array_index (got1, i);
    GstMapInfo map;

    /* Decoded once, delivered by reference to both. */
    fail_unless (gst_buffer_peek_memory (b, 0) ==
        gst_buffer_peek_memory (g_ptr_array_index (got2, i), 0));
    gst_buffer_map (b, &map, GST_MAP_READ);
    g_array_append_vals (samples, map.data, map.size / 2);
    gst_buffer_unmap (b, &map);
  }
  /* PTS stay in the publisher's clock time. */
  fail_unless (GST_BUFFER_PTS (g_ptr_array_index (got1, 0)) <= T0 + FRAME);
  assert_tone (samples);

  ot_subscription_unref (raw1);
  fail_unless_equals_int (n_converters (), 1);
  ot_subscription_unref (raw2);
  fail_unless_equals_int (n_converters (), 0);
  publisher_clear (&pub);
}

GST_END_TEST;

GST_START_TEST (test_raw_to_opus)
{
  g_autoptr (GPtrArray) packets = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_buffer_unref);
  g_autoptr (GstCaps) raw_caps = gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  g_autoptr (GstCaps) opus_caps = NULL;
  g_autoptr (GArray) decoded = NULL;
  OtSubscription *opus, *raw;
  GstMiniObject *item;
  GstMemory *sent[N_FRAMES];
  Publisher pub;
  guint i;

  publisher_init (&pub, raw_caps);
  raw = subscribe (pub.track, OT_AUDIO_RAW_CAPS);
  fail_unless_equals_int (n_converters (), 0);
  opus = subscribe (pub.track, OT_AUDIO_OPUS_CAPS);
  fail_unless_equals_int (n_converters (), 1);

  for (i = 0; i < N_FRAMES; i++) {
    GstBuffer *buf = tone_buffer (i);

    sent[i] = gst_buffer_peek_memory (buf, 0);
    fail_unless (ot_track_push (pub.track, buf));
  }

  /* The raw subscriber gets the published buffers themselves. */
  item = ot_subscription_pop (raw);
  fail_unless (GST_IS_EVENT (item));
  gst_mini_object_unref (item);
  for (i = 0; i < N_FRAMES; i++) {
    item = ot_subscription_pop (raw);
    fail_unless (gst_buffer_peek_memory (GST_BUFFER (item), 0) == sent[i]);
    gst_mini_object_unref (item);
  }

  /* The Opus subscriber: the encoder's format, then packets. */
  item = ot_subscription_pop (opus);
  fail_unless (item && GST_IS_EVENT (item) &&
      GST_EVENT_TYPE (item) == GST_EVENT_CAPS);
  {
    GstCaps *caps;

    gst_event_parse_caps (GST_EVENT (item), &caps);
    fail_unless (gst_structure_has_name (gst_caps_get_structure (caps, 0),
            "audio/x-opus"));
    opus_caps = gst_caps_ref (caps);
  }
  gst_mini_object_unref (item);
  while ((item = ot_subscription_pop (opus)) != NULL) {
    fail_unless (GST_IS_BUFFER (item));
    fail_unless (GST_BUFFER_PTS (item) >= T0 - FRAME &&
        GST_BUFFER_PTS (item) < T0 + 2 * GST_SECOND);
    g_ptr_array_add (packets, item);
  }
  fail_unless (packets->len >= N_FRAMES - 2);
  {
    g_autoptr (GstCaps) got = ot_subscription_get_caps (opus);

    fail_unless (gst_caps_is_equal (got, opus_caps));
  }

  decoded = decode_opus (packets, opus_caps);
  assert_tone (decoded);

  ot_subscription_unref (opus);
  fail_unless_equals_int (n_converters (), 0);
  ot_subscription_unref (raw);
  publisher_clear (&pub);
}

GST_END_TEST;

GST_START_TEST (test_matching_formats_run_no_codec)
{
  g_autoptr (GstCaps) raw_caps = gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  g_autoptr (GPtrArray) packets = NULL;
  g_autoptr (GstCaps) opus_caps = NULL;
  OtSubscription *subs[3];
  Publisher raw_pub, opus_pub;
  guint i;

  packets = encode_tone (5, &opus_caps);
  publisher_init (&raw_pub, raw_caps);
  publisher_init (&opus_pub, opus_caps);
  for (i = 0; i < 3; i++)
    subs[i] = subscribe (i < 2 ? raw_pub.track : opus_pub.track,
        i < 2 ? OT_AUDIO_RAW_CAPS : OT_AUDIO_OPUS_CAPS);
  for (i = 0; i < 5; i++) {
    fail_unless (ot_track_push (raw_pub.track, tone_buffer (i)));
    fail_unless (ot_track_push (opus_pub.track,
            gst_buffer_ref (g_ptr_array_index (packets, i))));
  }
  fail_unless_equals_int (n_converters (), 0);
  fail_unless_equals_int (ot_subscription_get_n_queued (subs[0]), 6);
  fail_unless_equals_int (ot_subscription_get_n_queued (subs[2]), 6);
  for (i = 0; i < 3; i++)
    ot_subscription_unref (subs[i]);
  publisher_clear (&raw_pub);
  publisher_clear (&opus_pub);
}

GST_END_TEST;

GST_START_TEST (test_caps_later_and_changing)
{
  g_autoptr (GstCaps) raw_caps = gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  g_autoptr (GPtrArray) packets = NULL;
  g_autoptr (GstCaps) opus_caps = NULL;
  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint16));
  OtSubscription *sub;
  Publisher pub;
  guint i;

  /* Subscribed before the publisher's format is known. */
  packets = encode_tone (N_FRAMES, &opus_caps);
  publisher_init (&pub, NULL);
  sub = subscribe (pub.track, OT_AUDIO_RAW_CAPS);
  fail_unless_equals_int (n_converters (), 0);

  fail_unless (ot_track_set_caps (pub.track, opus_caps, NULL));
  fail_unless_equals_int (n_converters (), 1);
  for (i = 0; i < N_FRAMES; i++)
    fail_unless (ot_track_push (pub.track,
            gst_buffer_ref (g_ptr_array_index (packets, i))));
  fail_unless_equals_int (drain_raw (sub, samples, NULL), 1);
  assert_tone (samples);

  /* The publisher turns raw: no decoder any more, buffers pass as they
   * are, after the new format. */
  fail_unless (ot_track_set_caps (pub.track, raw_caps, NULL));
  fail_unless_equals_int (n_converters (), 0);
  fail_unless (ot_track_push (pub.track, tone_buffer (100)));
  /* Still raw, same caps: nothing to announce. */
  fail_unless_equals_int (ot_subscription_get_n_queued (sub), 1);
  g_array_set_size (samples, 0);
  fail_unless_equals_int (drain_raw (sub, samples, NULL), 0);

  /* And back to Opus, after a publisher change; this one says no more
   * than the minimal caps (as a depayloader may). */
  ot_track_publisher_stopped (pub.track);
  gst_caps_unref (opus_caps);
  opus_caps = gst_caps_from_string (OT_AUDIO_OPUS_CAPS);
  fail_unless (ot_track_set_caps (pub.track, opus_caps, NULL));
  fail_unless_equals_int (n_converters (), 1);
  g_array_set_size (samples, 0);
  for (i = 0; i < N_FRAMES; i++)
    fail_unless (ot_track_push (pub.track,
            gst_buffer_ref (g_ptr_array_index (packets, i))));
  drain_raw (sub, samples, NULL);
  assert_tone (samples);

  ot_subscription_unref (sub);
  fail_unless_equals_int (n_converters (), 0);
  publisher_clear (&pub);
}

GST_END_TEST;

GST_START_TEST (test_muted_opus)
{
  g_autoptr (GPtrArray) packets = NULL;
  g_autoptr (GstCaps) opus_caps = NULL;
  OtSubscription *raw, *opus;
  GstMemory *zero = NULL;
  Publisher pub;
  guint i;

  packets = encode_tone (10, &opus_caps);
  publisher_init (&pub, opus_caps);
  raw = subscribe (pub.track, OT_AUDIO_RAW_CAPS);
  opus = subscribe (pub.track, OT_AUDIO_OPUS_CAPS);
  /* Both know their format at once: raw is fixed, Opus is the
   * publisher's. */
  gst_mini_object_unref (ot_subscription_pop (raw));
  gst_mini_object_unref (ot_subscription_pop (opus));
  ot_stream_set_muted (pub.stream, TRUE);
  for (i = 0; i < 10; i++)
    fail_unless (ot_track_push (pub.track,
            gst_buffer_ref (g_ptr_array_index (packets, i))));

  /* Encoded subscribers: a GAP event per packet, with its time. */
  for (i = 0; i < 10; i++) {
    GstBuffer *packet = g_ptr_array_index (packets, i);
    GstMiniObject *item = ot_subscription_pop (opus);
    GstClockTime ts, duration;

    fail_unless (item && GST_IS_EVENT (item));
    fail_unless_equals_int (GST_EVENT_TYPE (item), GST_EVENT_GAP);
    gst_event_parse_gap (GST_EVENT (item), &ts, &duration);
    fail_unless_equals_uint64 (ts, GST_BUFFER_PTS (packet));
    fail_unless_equals_uint64 (duration, GST_BUFFER_DURATION (packet));
    gst_mini_object_unref (item);
  }
  /* Raw subscribers: zeroed GAP buffers sharing one memory. */
  for (i = 0; i < 10; i++) {
    GstBuffer *buf = GST_BUFFER (ot_subscription_pop (raw));
    GstBuffer *packet = g_ptr_array_index (packets, i);

    /* As long as the packet (the first one is shorter: encoder delay). */
    fail_unless (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP));
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (buf),
        GST_BUFFER_DURATION (packet));
    fail_unless_equals_int (gst_buffer_get_size (buf),
        2 * gst_util_uint64_scale_round (GST_BUFFER_DURATION (packet), 48000,
            GST_SECOND));
    if (i > 0) {
      fail_unless_equals_int (gst_buffer_get_size (buf), SAMPLES * 2);
      fail_unless_equals_int (gst_buffer_n_memory (buf), 1);
      if (zero == NULL)
        zero = gst_buffer_peek_memory (buf, 0);
      fail_unless (gst_buffer_peek_memory (buf, 0) == zero);
    }
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), GST_BUFFER_PTS (packet));
    gst_buffer_unref (buf);
  }
  ot_subscription_unref (raw);
  ot_subscription_unref (opus);
  publisher_clear (&pub);
}

GST_END_TEST;

static Suite *
hub_converter_suite (void)
{
  Suite *s = suite_create ("hub-converter");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_opus_to_raw);
  tcase_add_test (tc, test_raw_to_opus);
  tcase_add_test (tc, test_matching_formats_run_no_codec);
  tcase_add_test (tc, test_caps_later_and_changing);
  tcase_add_test (tc, test_muted_opus);
  return s;
}

GST_CHECK_MAIN (hub_converter);
