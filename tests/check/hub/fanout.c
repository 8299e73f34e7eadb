/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Session hub: fan-out from one publisher to many subscribers, by
 * reference, never blocking the publisher; queue policies; muting;
 * cancelling while the publisher pushes. */
#include <gst/check/gstcheck.h>
#include <string.h>

#include "ot-hub.h"

#define T0 (1000 * GST_SECOND)  /* an absolute clock time */
#define FRAME (20 * GST_MSECOND)

typedef struct
{
  OtSession *session;
  OtStream *stream;
  OtTrack *track;
} Publisher;

static void
publisher_init (Publisher * pub, OtTrackKind kind, const gchar * caps_str)
{
  g_autoptr (OtConnection) conn = NULL;
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GError) error = NULL;

  pub->session = ot_hub_create_session (ot_hub_get_default (), "42", NULL,
      TRUE);
  conn = ot_session_add_connection (pub->session, NULL, NULL, NULL);
  pub->stream = ot_session_add_stream (pub->session, conn, NULL, "pub",
      OT_VIDEO_TYPE_CAMERA, NULL);
  pub->track = ot_stream_ensure_track (pub->stream, kind);
  if (caps_str) {
    caps = gst_caps_from_string (caps_str);
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

/* A raw audio buffer, 20 ms, filled with `value`. */
static GstBuffer *
raw_buffer (guint index, guint8 value)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 1920, NULL);

  gst_buffer_memset (buf, 0, value, 1920);
  GST_BUFFER_PTS (buf) = T0 + index * FRAME;
  GST_BUFFER_DURATION (buf) = FRAME;
  return buf;
}

static GstBuffer *
video_buffer (guint index, gboolean key)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 100, NULL);

  gst_buffer_memset (buf, 0, index, 100);
  GST_BUFFER_PTS (buf) = T0 + index * 33 * GST_MSECOND;
  GST_BUFFER_DURATION (buf) = 33 * GST_MSECOND;
  if (!key)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  return buf;
}

static void
count_notify (OtSubscription * sub, gpointer data)
{
  g_atomic_int_inc ((gint *) data);
}

static OtSubscription *
subscribe (OtTrack * track, const gchar * caps_str, guint max_items,
    gint * notified)
{
  g_autoptr (GstCaps) caps = gst_caps_from_string (caps_str);
  g_autoptr (GError) error = NULL;
  OtSubscription *sub;

  sub = ot_track_subscribe (track, caps, max_items,
      notified ? count_notify : NULL, notified, NULL, &error);
  g_assert_no_error (error);
  fail_unless (sub != NULL);
  return sub;
}

/* Pops a CAPS event and checks its media type. */
static void
pop_caps (OtSubscription * sub, const gchar * media_type)
{
  GstMiniObject *item = ot_subscription_pop (sub);
  GstCaps *caps;

  fail_unless (item && GST_IS_EVENT (item), "expected an event");
  fail_unless_equals_int (GST_EVENT_TYPE (item), GST_EVENT_CAPS);
  gst_event_parse_caps (GST_EVENT (item), &caps);
  fail_unless_equals_string (gst_structure_get_name (gst_caps_get_structure
          (caps, 0)), media_type);
  gst_mini_object_unref (item);
}

static GstBuffer *
pop_buffer (OtSubscription * sub)
{
  GstMiniObject *item = ot_subscription_pop (sub);

  fail_unless (item && GST_IS_BUFFER (item), "expected a buffer");
  return GST_BUFFER (item);
}

#define N_SUBS 50
#define N_PUSH 20

GST_START_TEST (test_fanout_by_reference)
{
  Publisher pub;
  OtSubscription *subs[N_SUBS];
  gint notified[N_SUBS] = { 0, };
  GstMemory *sent[N_PUSH];
  guint i, j;

  publisher_init (&pub, OT_TRACK_AUDIO, OT_AUDIO_RAW_CAPS);
  for (i = 0; i < N_SUBS; i++)
    subs[i] = subscribe (pub.track, OT_AUDIO_RAW_CAPS, 64, &notified[i]);
  fail_unless_equals_int (ot_track_get_n_subscriptions (pub.track), N_SUBS);

  for (j = 0; j < N_PUSH; j++) {
    GstBuffer *buf = raw_buffer (j, j + 1);

    sent[j] = gst_buffer_peek_memory (buf, 0);
    fail_unless (ot_track_push (pub.track, buf));
  }

  for (i = 0; i < N_SUBS; i++) {
    fail_unless_equals_int (notified[i], N_PUSH);
    fail_unless_equals_int (ot_subscription_get_n_queued (subs[i]), N_PUSH + 1);
    pop_caps (subs[i], "audio/x-raw");
    for (j = 0; j < N_PUSH; j++) {
      GstBuffer *buf = pop_buffer (subs[i]);

      /* The very memory that was published: no copy. */
      fail_unless_equals_int (gst_buffer_n_memory (buf), 1);
      fail_unless (gst_buffer_peek_memory (buf, 0) == sent[j]);
      fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), T0 + j * FRAME);
      gst_buffer_unref (buf);
    }
    fail_unless (ot_subscription_pop (subs[i]) == NULL);
    fail_unless_equals_int (ot_subscription_get_n_dropped (subs[i]), 0);
    ot_subscription_unref (subs[i]);
  }
  fail_unless_equals_int (ot_track_get_n_subscriptions (pub.track), 0);
  fail_unless_equals_int (ot_hub_get_n_converters (ot_hub_get_default ()), 0);
  publisher_clear (&pub);
}

GST_END_TEST;

GST_START_TEST (test_slow_subscriber)
{
  Publisher pub;
  g_autoptr (OtSubscription) slow = NULL;
  g_autoptr (OtSubscription) fast = NULL;
  guint j, received = 0;

  publisher_init (&pub, OT_TRACK_AUDIO, OT_AUDIO_RAW_CAPS);
  slow = subscribe (pub.track, OT_AUDIO_RAW_CAPS, 5, NULL);
  fast = subscribe (pub.track, OT_AUDIO_RAW_CAPS, 5, NULL);
  pop_caps (fast, "audio/x-raw");

  for (j = 0; j < 100; j++) {
    GstMiniObject *item;

    fail_unless (ot_track_push (pub.track, raw_buffer (j, 1)));
    while ((item = ot_subscription_pop (fast)) != NULL) {
      received++;
      gst_mini_object_unref (item);
    }
  }
  fail_unless_equals_int (received, 100);
  fail_unless_equals_uint64 (ot_subscription_get_n_dropped (fast), 0);

  /* The slow one kept its format and the newest five. */
  fail_unless_equals_uint64 (ot_subscription_get_n_dropped (slow), 95);
  fail_unless_equals_int (ot_subscription_get_n_queued (slow), 6);
  pop_caps (slow, "audio/x-raw");
  for (j = 95; j < 100; j++) {
    GstBuffer *buf = pop_buffer (slow);

    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), T0 + j * FRAME);
    gst_buffer_unref (buf);
  }
  publisher_clear (&pub);
}

GST_END_TEST;

static void
count_keyframe_request (OtTrack * track, gpointer data)
{
  g_atomic_int_inc ((gint *) data);
}

static void
push_video (Publisher * pub, guint index, gboolean key)
{
  fail_unless (ot_track_push (pub->track, video_buffer (index, key)));
}

GST_START_TEST (test_video_overflow)
{
  Publisher pub;
  g_autoptr (OtSubscription) sub = NULL;
  g_autoptr (OtSubscription) sub2 = NULL;
  gint requests = 0;
  GstBuffer *buf;
  guint i;

  publisher_init (&pub, OT_TRACK_VIDEO, "video/x-vp8");
  ot_track_set_keyframe_request_func (pub.track, count_keyframe_request,
      &requests, NULL);

  /* Joining asks for a keyframe and skips what cannot be decoded. */
  sub = subscribe (pub.track, "video/x-vp8", 4, NULL);
  fail_unless_equals_int (requests, 1);
  push_video (&pub, 0, FALSE);
  fail_unless_equals_int (ot_subscription_get_n_queued (sub), 1);
  fail_unless_equals_uint64 (ot_subscription_get_n_dropped (sub), 0);

  push_video (&pub, 1, TRUE);
  for (i = 2; i < 5; i++)
    push_video (&pub, i, FALSE);
  fail_unless_equals_int (ot_subscription_get_n_queued (sub), 5);

  /* Overflow: everything goes, up to the next keyframe, which we ask for. */
  push_video (&pub, 5, FALSE);
  fail_unless_equals_int (requests, 2);
  fail_unless_equals_int (ot_subscription_get_n_queued (sub), 1);
  fail_unless_equals_uint64 (ot_subscription_get_n_dropped (sub), 5);
  push_video (&pub, 6, FALSE);
  push_video (&pub, 7, FALSE);
  fail_unless_equals_uint64 (ot_subscription_get_n_dropped (sub), 7);
  fail_unless_equals_int (requests, 2);
  push_video (&pub, 8, TRUE);
  push_video (&pub, 9, FALSE);

  pop_caps (sub, "video/x-vp8");
  buf = pop_buffer (sub);
  fail_if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT));
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), T0 + 8 * 33 * GST_MSECOND);
  gst_buffer_unref (buf);
  buf = pop_buffer (sub);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), T0 + 9 * 33 * GST_MSECOND);
  gst_buffer_unref (buf);

  /* A keyframe that overflows replaces the queue: nothing to ask for. */
  for (i = 10; i < 14; i++)
    push_video (&pub, i, FALSE);
  push_video (&pub, 14, TRUE);
  fail_unless_equals_int (requests, 2);
  fail_unless_equals_int (ot_subscription_get_n_queued (sub), 1);
  fail_unless_equals_uint64 (ot_subscription_get_n_dropped (sub), 11);

  /* Every new video subscriber asks too. */
  sub2 = subscribe (pub.track, "video/x-vp8", 4, NULL);
  fail_unless_equals_int (requests, 3);
  publisher_clear (&pub);
}

GST_END_TEST;

static gint keyframe_funcs_released;

static void
release_keyframe_func (gpointer data)
{
  g_atomic_int_inc (&keyframe_funcs_released);
}

GST_START_TEST (test_keyframe_func_lifecycle)
{
  Publisher pub;
  g_autoptr (OtSubscription) early = NULL;
  g_autoptr (OtSubscription) late = NULL;
  g_autoptr (GstCaps) h264 = NULL;
  g_autoptr (GError) error = NULL;
  gint requests = 0;

  /* Subscribed before the publisher said anything: no request to make. */
  publisher_init (&pub, OT_TRACK_VIDEO, NULL);
  early = subscribe (pub.track, "video/x-vp8", 4, NULL);
  ot_track_set_keyframe_request_func (pub.track, count_keyframe_request,
      &requests, release_keyframe_func);
  fail_unless (ot_track_get_caps (pub.track) == NULL);
  push_video (&pub, 0, TRUE);
  fail_unless_equals_int (ot_subscription_get_n_queued (early), 0);

  /* The caps arrive: the early subscriber starts to receive. */
  h264 = gst_caps_from_string ("video/x-vp8");
  fail_unless (ot_track_set_caps (pub.track, h264, NULL));
  push_video (&pub, 1, TRUE);
  pop_caps (early, "video/x-vp8");
  gst_buffer_unref (pop_buffer (early));

  /* A subscriber of another codec is refused. */
  gst_clear_caps (&h264);
  h264 = gst_caps_from_string ("video/x-h264, stream-format=byte-stream, "
      "alignment=au");
  fail_unless (ot_track_subscribe (pub.track, h264, 4, NULL, NULL, NULL,
          &error) == NULL);
  g_assert_error (error, OT_HUB_ERROR, OT_HUB_ERROR_FORMAT);

  /* The publisher changes codec: subscribers follow, told first. */
  g_clear_error (&error);
  fail_unless (ot_track_set_caps (pub.track, h264, &error));
  g_assert_no_error (error);
  push_video (&pub, 2, TRUE);
  pop_caps (early, "video/x-h264");
  gst_buffer_unref (pop_buffer (early));

  /* The publisher goes: its callback is released and not called. */
  ot_track_publisher_stopped (pub.track);
  fail_unless_equals_int (keyframe_funcs_released, 1);
  late = subscribe (pub.track, "video/x-h264, stream-format=byte-stream, "
      "alignment=au", 4, NULL);
  fail_unless_equals_int (requests, 0);
  publisher_clear (&pub);
}

GST_END_TEST;

GST_START_TEST (test_bad_formats)
{
  Publisher pub;
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GError) error = NULL;

  publisher_init (&pub, OT_TRACK_AUDIO, NULL);
  caps = gst_caps_from_string ("audio/x-raw, format=S16LE, "
      "layout=interleaved, rate=16000, channels=1");
  fail_if (ot_track_set_caps (pub.track, caps, &error));
  g_assert_error (error, OT_HUB_ERROR, OT_HUB_ERROR_FORMAT);
  g_clear_error (&error);
  fail_if (ot_track_subscribe (pub.track, caps, 4, NULL, NULL, NULL, &error));
  g_assert_error (error, OT_HUB_ERROR, OT_HUB_ERROR_FORMAT);
  g_clear_error (&error);
  gst_clear_caps (&caps);

  caps = gst_caps_from_string ("video/x-vp8");
  fail_if (ot_track_set_caps (pub.track, caps, &error));
  g_assert_error (error, OT_HUB_ERROR, OT_HUB_ERROR_FORMAT);
  g_clear_error (&error);
  gst_clear_caps (&caps);

  caps = gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  fail_if (ot_track_subscribe (pub.track, caps, 0, NULL, NULL, NULL, &error));
  g_assert_error (error, OT_HUB_ERROR, OT_HUB_ERROR_INVALID);
  publisher_clear (&pub);
}

GST_END_TEST;

static void
on_stream_changed (OtSession * session, OtStream * stream, gint * count)
{
  (*count)++;
}

GST_START_TEST (test_muted_raw_audio)
{
  Publisher pub;
  g_autoptr (OtSubscription) sub = NULL;
  g_autoptr (OtSubscription) other = NULL;
  GstMemory *zero = NULL;
  gint changed = 0;
  guint j;

  publisher_init (&pub, OT_TRACK_AUDIO, OT_AUDIO_RAW_CAPS);
  g_signal_connect (pub.session, "stream-changed",
      G_CALLBACK (on_stream_changed), &changed);
  sub = subscribe (pub.track, OT_AUDIO_RAW_CAPS, 16, NULL);
  other = subscribe (pub.track, OT_AUDIO_RAW_CAPS, 16, NULL);
  pop_caps (sub, "audio/x-raw");

  ot_session_force_mute_stream (pub.session, ot_stream_get_id (pub.stream),
      NULL);
  fail_unless_equals_int (changed, 1);
  for (j = 0; j < 8; j++)
    fail_unless (ot_track_push (pub.track, raw_buffer (j, 0x55)));
  ot_stream_set_muted (pub.stream, FALSE);
  fail_unless (ot_track_push (pub.track, raw_buffer (8, 0x55)));

  for (j = 0; j < 8; j++) {
    GstBuffer *buf = pop_buffer (sub);
    GstMapInfo map;
    gsize k;

    fail_unless (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP));
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), T0 + j * FRAME);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (buf), FRAME);
    fail_unless_equals_int (gst_buffer_n_memory (buf), 1);
    /* One shared zeroed memory for all of them. */
    if (zero == NULL)
      zero = gst_buffer_peek_memory (buf, 0);
    fail_unless (gst_buffer_peek_memory (buf, 0) == zero);
    gst_buffer_map (buf, &map, GST_MAP_READ);
    fail_unless_equals_int (map.size, 1920);
    for (k = 0; k < map.size; k++)
      fail_unless (map.data[k] == 0);
    gst_buffer_unmap (buf, &map);
    gst_buffer_unref (buf);
  }
  {
    GstBuffer *buf = pop_buffer (sub);
    guint8 byte;

    fail_if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP));
    gst_buffer_extract (buf, 100, &byte, 1);
    fail_unless_equals_int (byte, 0x55);
    gst_buffer_unref (buf);
  }
  fail_unless_equals_int (changed, 2);
  publisher_clear (&pub);
}

GST_END_TEST;

/* ---- cancel and unref while the publisher pushes ---- */

typedef struct
{
  gint alive;                   /* 0 once unref returned */
  gint destroyed;
} Watch;

static gint late_notifies;

static void
watch_notify (OtSubscription * sub, gpointer data)
{
  Watch *w = data;

  if (!g_atomic_int_get (&w->alive))
    g_atomic_int_inc (&late_notifies);
  /* Widen the window in which a cancel can meet a notify. */
  g_thread_yield ();
}

static void
watch_destroy (gpointer data)
{
  Watch *w = data;

  g_atomic_int_inc (&w->destroyed);
}

static gint stop_pushing;

static gpointer
push_thread (gpointer data)
{
  OtTrack *track = data;
  guint j = 0;

  while (!g_atomic_int_get (&stop_pushing))
    ot_track_push (track, raw_buffer (j++, 1));
  return NULL;
}

GST_START_TEST (test_cancel_while_pushing)
{
  Publisher pub;
  g_autoptr (OtSubscription) steady = NULL;
  GThread *thread;
  Watch watches[400] = { {0,}, };
  guint i;

  publisher_init (&pub, OT_TRACK_AUDIO, OT_AUDIO_RAW_CAPS);
  steady = subscribe (pub.track, OT_AUDIO_RAW_CAPS, 4, NULL);
  thread = g_thread_new ("publisher", push_thread, pub.track);
  for (i = 0; i < G_N_ELEMENTS (watches); i++) {
    g_autoptr (GstCaps) caps = gst_caps_from_string (OT_AUDIO_RAW_CAPS);
    OtSubscription *sub;
    Watch *w = &watches[i];

    w->alive = 1;
    sub = ot_track_subscribe (pub.track, caps, 4, watch_notify, w,
        watch_destroy, NULL);
    g_usleep (g_random_int_range (0, 200));
    if (i % 2)
      ot_subscription_cancel (sub);
    ot_subscription_unref (sub);
    g_atomic_int_set (&w->alive, 0);
    fail_unless_equals_int (g_atomic_int_get (&w->destroyed), 1);
  }
  g_atomic_int_set (&stop_pushing, 1);
  g_thread_join (thread);
  fail_unless_equals_int (late_notifies, 0);
  fail_unless_equals_int (ot_track_get_n_subscriptions (pub.track), 1);
  publisher_clear (&pub);
}

GST_END_TEST;

/* A notify that drops the last reference of its own subscription. */
static void
unref_in_notify (OtSubscription * sub, gpointer data)
{
  OtSubscription **slot = data;

  if (*slot)
    ot_subscription_unref (g_steal_pointer (slot));
}

GST_START_TEST (test_unref_from_notify)
{
  Publisher pub;
  g_autoptr (GstCaps) caps = gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  OtSubscription *sub;
  OtSubscription *slot;

  publisher_init (&pub, OT_TRACK_AUDIO, OT_AUDIO_RAW_CAPS);
  sub = ot_track_subscribe (pub.track, caps, 4, unref_in_notify, &slot,
      NULL, NULL);
  slot = sub;
  fail_unless (ot_track_push (pub.track, raw_buffer (0, 1)));
  fail_unless (slot == NULL);
  fail_unless_equals_int (ot_track_get_n_subscriptions (pub.track), 0);
  fail_unless (ot_track_push (pub.track, raw_buffer (1, 1)));
  publisher_clear (&pub);
}

GST_END_TEST;

static Suite *
hub_fanout_suite (void)
{
  Suite *s = suite_create ("hub-fanout");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_fanout_by_reference);
  tcase_add_test (tc, test_slow_subscriber);
  tcase_add_test (tc, test_video_overflow);
  tcase_add_test (tc, test_keyframe_func_lifecycle);
  tcase_add_test (tc, test_bad_formats);
  tcase_add_test (tc, test_muted_raw_audio);
  tcase_add_test (tc, test_cancel_while_pushing);
  tcase_add_test (tc, test_unref_from_notify);
  return s;
}

GST_CHECK_MAIN (hub_fanout);
