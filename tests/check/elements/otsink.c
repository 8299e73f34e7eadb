/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* otsink alone: GstHarness feeds it, the hub API checks what it publishes. */

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>
#include "ot-hub.h"
#include "ot-capture.h"

static GstElement *
make_sink (const gchar * session_id)
{
  GstElement *sink = gst_element_factory_make ("otsink", NULL);

  fail_unless (sink != NULL);
  g_object_set (sink, "session-id", session_id, NULL);
  return sink;
}

static gchar *
get_string (GstElement * element, const gchar * prop)
{
  gchar *value = NULL;

  g_object_get (element, prop, &value, NULL);
  return value;
}

static GstBuffer *
raw_buffer (GstClockTime pts, GstClockTime duration)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 960 * 2, NULL);

  gst_buffer_memset (buf, 0, 0x11, 960 * 2);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = duration;
  return buf;
}

static OtSubscription *
subscribe (OtSession * session, const gchar * stream_id, OtTrackKind kind,
    const gchar * caps_str)
{
  g_autoptr (OtStream) stream = ot_session_lookup_stream (session, stream_id);
  g_autoptr (OtTrack) track = NULL;
  g_autoptr (GstCaps) caps = gst_caps_from_string (caps_str);

  fail_unless (stream != NULL);
  track = ot_stream_get_track (stream, kind);
  fail_unless (track != NULL);
  return ot_track_subscribe (track, caps, 100, NULL, NULL, NULL, NULL);
}

/* The next queued buffer, skipping CAPS events. */
static GstBuffer *
pop_buffer (OtSubscription * sub)
{
  GstMiniObject *item;

  while ((item = ot_subscription_pop (sub)) && !GST_IS_BUFFER (item))
    gst_mini_object_unref (item);
  return (GstBuffer *) item;
}

static GstMessage *
pop_error (GstBus * bus, GError ** err)
{
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

  fail_unless (msg != NULL);
  gst_message_parse_error (msg, err, NULL);
  return msg;
}

GST_START_TEST (test_publish_raw_audio)
{
  GstElement *sink = make_sink ("sink-raw");
  GstHarness *h;
  g_autoptr (OtSession) session = NULL;
  g_autoptr (OtSubscription) sub = NULL;
  g_autoptr (OtStream) stream = NULL;
  g_autofree gchar *stream_id = NULL, *conn_id = NULL;
  GstBuffer *in, *out;

  g_object_set (sink, "stream-name", "Alice", "video-type", 1, NULL);
  h = gst_harness_new_with_element (sink, "audio", NULL);
  gst_harness_set_src_caps_str (h, OT_AUDIO_RAW_CAPS);

  /* create-session (default): the session exists now; IDs are generated. */
  session = ot_hub_lookup_session (ot_hub_get_default (), "sink-raw");
  fail_unless (session != NULL);
  stream_id = get_string (sink, "stream-id");
  conn_id = get_string (sink, "connection-id");
  fail_unless (g_uuid_string_is_valid (stream_id));
  fail_unless (g_uuid_string_is_valid (conn_id));
  stream = ot_session_lookup_stream (session, stream_id);
  fail_unless (stream != NULL);
  fail_unless_equals_string (ot_stream_get_connection_id (stream), conn_id);
  fail_unless_equals_string (ot_stream_get_name (stream), "Alice");
  fail_unless_equals_int (ot_stream_get_video_type (stream),
      OT_VIDEO_TYPE_SCREEN);
  fail_unless (ot_stream_has_audio (stream));
  fail_if (ot_stream_has_video (stream));

  sub = subscribe (session, stream_id, OT_TRACK_AUDIO, OT_AUDIO_RAW_CAPS);
  in = raw_buffer (GST_SECOND, 20 * GST_MSECOND);
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (in)),
      GST_FLOW_OK);
  /* A standalone element: base time 0, no sync: running time = clock time */
  out = pop_buffer (sub);
  fail_unless (out != NULL);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), GST_SECOND);
  fail_unless (gst_buffer_peek_memory (out, 0) ==
      gst_buffer_peek_memory (in, 0));
  gst_buffer_unref (out);
  gst_buffer_unref (in);

  /* No duration: 960 samples are 20 ms. */
  gst_harness_push (h, raw_buffer (2 * GST_SECOND, GST_CLOCK_TIME_NONE));
  out = pop_buffer (sub);
  fail_unless_equals_uint64 (GST_BUFFER_DURATION (out), 20 * GST_MSECOND);
  gst_buffer_unref (out);

  /* Unpublished on READY: the stream and our connection are gone. */
  gst_harness_teardown (h);
  fail_if (ot_session_lookup_stream (session, stream_id));
  fail_if (ot_session_lookup_connection (session, conn_id));
}

GST_END_TEST;

GST_START_TEST (test_unknown_session)
{
  GstElement *sink = make_sink ("sink-no-such-session");
  g_autoptr (GstBus) bus = gst_bus_new ();
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GError) err = NULL;
  GstPad *pad;

  g_object_set (sink, "create-session", FALSE, NULL);
  gst_element_set_bus (sink, bus);
  pad = gst_element_request_pad_simple (sink, "audio");
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  msg = pop_error (bus, &err);
  fail_unless (strstr (err->message, "sink-no-such-session") != NULL);
  fail_if (ot_hub_lookup_session (ot_hub_get_default (),
          "sink-no-such-session"));
  gst_element_set_state (sink, GST_STATE_NULL);
  gst_element_release_request_pad (sink, pad);
  gst_object_unref (pad);
  gst_element_set_bus (sink, NULL);
  gst_object_unref (sink);
}

GST_END_TEST;

/* The gateway pre-creates a SIP leg's connection and stream: otsink
 * publishes that stream's tracks and leaves both in place afterwards. */
GST_START_TEST (test_attach_to_existing_stream)
{
  g_autoptr (OtSession) session =
      ot_hub_ensure_session (ot_hub_get_default (), "sink-attach");
  g_autoptr (OtConnection) conn =
      ot_session_add_connection (session, "sip-conn", "data", NULL);
  g_autoptr (OtStream) stream = ot_session_add_stream (session, conn,
      "sip-stream", "SIP", OT_VIDEO_TYPE_CAMERA, NULL);
  g_autoptr (OtTrack) track = NULL;
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GList) streams = NULL;
  GstElement *sink = make_sink ("sink-attach");
  GstHarness *h;

  g_object_set (sink, "create-session", FALSE, "connection-id", "sip-conn",
      "stream-id", "sip-stream", NULL);
  h = gst_harness_new_with_element (sink, "audio", NULL);
  gst_harness_set_src_caps_str (h, OT_AUDIO_RAW_CAPS);
  gst_harness_push (h, raw_buffer (0, 20 * GST_MSECOND));

  track = ot_stream_get_track (stream, OT_TRACK_AUDIO);
  fail_unless (track != NULL);
  caps = ot_track_get_caps (track);
  fail_unless (caps != NULL);
  streams = ot_session_list_streams (session);
  fail_unless_equals_int (g_list_length (streams), 1);
  g_list_free_full (g_steal_pointer (&streams), g_object_unref);

  gst_harness_teardown (h);
  fail_unless (ot_stream_is_published (stream));
  fail_unless (ot_connection_is_connected (conn));
}

GST_END_TEST;

GST_START_TEST (test_stream_of_another_connection)
{
  g_autoptr (OtSession) session =
      ot_hub_ensure_session (ot_hub_get_default (), "sink-foreign");
  g_autoptr (OtConnection) conn =
      ot_session_add_connection (session, "owner", NULL, NULL);
  g_autoptr (OtStream) stream = ot_session_add_stream (session, conn,
      "taken", NULL, OT_VIDEO_TYPE_CAMERA, NULL);
  GstElement *sink = make_sink ("sink-foreign");
  g_autoptr (GstBus) bus = gst_bus_new ();
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GError) err = NULL;

  g_object_set (sink, "connection-id", "intruder", "stream-id", "taken", NULL);
  gst_element_set_bus (sink, bus);
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  msg = pop_error (bus, &err);
  fail_unless (strstr (err->message, "taken") != NULL);
  /* What otsink created for the attempt is gone again. */
  fail_if (ot_session_lookup_connection (session, "intruder"));
  gst_element_set_state (sink, GST_STATE_NULL);
  gst_element_set_bus (sink, NULL);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_force_disconnect_errors)
{
  GstElement *sink = make_sink ("sink-disconnect");
  g_autoptr (GstBus) bus = gst_bus_new ();
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GError) err = NULL;
  g_autoptr (OtSession) session = NULL;
  g_autofree gchar *conn_id = NULL, *details = NULL;
  GstHarness *h;

  gst_element_set_bus (sink, bus);
  g_object_set (sink, "stream-id", "doomed", NULL);
  h = gst_harness_new_with_element (sink, "audio", NULL);
  gst_harness_set_src_caps_str (h, OT_AUDIO_RAW_CAPS);
  fail_unless_equals_int (gst_harness_push (h, raw_buffer (0,
              20 * GST_MSECOND)), GST_FLOW_OK);

  session = ot_hub_lookup_session (ot_hub_get_default (), "sink-disconnect");
  conn_id = get_string (sink, "connection-id");
  fail_unless (ot_session_remove_connection (session, conn_id));
  fail_unless_equals_int (gst_harness_push (h, raw_buffer (20 * GST_MSECOND,
              20 * GST_MSECOND)), GST_FLOW_ERROR);
  msg = pop_error (bus, &err);
  fail_unless_equals_int (err->domain, GST_RESOURCE_ERROR);
  details = gst_structure_to_string (gst_message_get_structure (msg));
  fail_unless (strstr (details, "doomed") != NULL);

  gst_harness_teardown (h);
  gst_element_set_bus (sink, NULL);
}

GST_END_TEST;

static void
count_notify (GObject * object, GParamSpec * pspec, guint * count)
{
  g_atomic_int_inc (count);
}

GST_START_TEST (test_muted)
{
  GstElement *sink = make_sink ("sink-muted");
  g_autoptr (OtSession) session = NULL;
  g_autoptr (OtStream) stream = NULL;
  GstHarness *h;
  gboolean muted;
  guint notified = 0;

  g_object_set (sink, "muted", TRUE, "stream-id", "mutable", NULL);
  h = gst_harness_new_with_element (sink, "audio", NULL);
  session = ot_hub_lookup_session (ot_hub_get_default (), "sink-muted");
  stream = ot_session_lookup_stream (session, "mutable");
  fail_unless (ot_stream_is_muted (stream));

  g_object_set (sink, "muted", FALSE, NULL);
  fail_if (ot_stream_is_muted (stream));

  /* Force mute comes from the session: the property follows. */
  g_signal_connect (sink, "notify::muted", G_CALLBACK (count_notify),
      &notified);
  fail_unless (ot_session_force_mute_stream (session, "mutable", NULL));
  g_object_get (sink, "muted", &muted, NULL);
  fail_unless (muted);
  fail_unless_equals_int (notified, 1);

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_keyframe_request)
{
  GstElement *sink = make_sink ("sink-keyframe");
  g_autoptr (OtSession) session = NULL;
  g_autoptr (OtSubscription) sub = NULL;
  GstHarness *h;
  GstBuffer *buf;
  GstEvent *event;
  gboolean all_headers;

  g_object_set (sink, "stream-id", "camera", NULL);
  h = gst_harness_new_with_element (sink, "video", NULL);
  gst_harness_set_src_caps_str (h, "video/x-vp8, width=(int)320, "
      "height=(int)240, framerate=(fraction)30/1");
  buf = gst_buffer_new_allocate (NULL, 64, NULL);
  GST_BUFFER_PTS (buf) = 0;
  gst_harness_push (h, buf);
  /* Nobody subscribed: no keyframe request among the upstream events. */
  while ((event = gst_harness_try_pull_upstream_event (h))) {
    fail_if (gst_video_event_is_force_key_unit (event));
    gst_event_unref (event);
  }

  /* A new video subscriber asks for a keyframe; it goes upstream with the
   * next buffer. */
  session = ot_hub_lookup_session (ot_hub_get_default (), "sink-keyframe");
  sub = subscribe (session, "camera", OT_TRACK_VIDEO, "video/x-vp8");
  buf = gst_buffer_new_allocate (NULL, 64, NULL);
  GST_BUFFER_PTS (buf) = 33 * GST_MSECOND;
  GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  gst_harness_push (h, buf);
  event = gst_harness_try_pull_upstream_event (h);
  fail_unless (event != NULL);
  fail_unless (gst_video_event_is_force_key_unit (event));
  fail_unless (gst_video_event_parse_upstream_force_key_unit (event, NULL,
          &all_headers, NULL));
  fail_unless (all_headers);
  gst_event_unref (event);

  /* Duration from the framerate. */
  buf = gst_buffer_new_allocate (NULL, 64, NULL);
  GST_BUFFER_PTS (buf) = 66 * GST_MSECOND;
  gst_harness_push (h, buf);
  buf = pop_buffer (sub);
  fail_unless (buf != NULL);
  fail_unless_equals_uint64 (GST_BUFFER_DURATION (buf),
      gst_util_uint64_scale_int (GST_SECOND, 1, 30));
  gst_buffer_unref (buf);

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_pads_and_caps)
{
  GstElement *sink = make_sink ("sink-pads");
  GstPad *audio, *video;
  g_autoptr (GstCaps) avc = gst_caps_from_string ("video/x-h264, "
      "stream-format=(string)avc, alignment=(string)au");
  g_autoptr (GstCaps) bytestream = gst_caps_from_string ("video/x-h264, "
      "stream-format=(string)byte-stream, alignment=(string)au");
  g_autoptr (GstCaps) stereo = gst_caps_from_string ("audio/x-raw, "
      "format=(string)S16LE, layout=(string)interleaved, rate=(int)48000, "
      "channels=(int)2");

  audio = gst_element_request_pad_simple (sink, "audio");
  video = gst_element_request_pad_simple (sink, "video");
  fail_unless (audio && video);
  /* One track of each kind per stream (a second request by name is a
   * g_warning of GStreamer's already). */
  fail_if (gst_element_request_pad (sink,
          gst_element_get_pad_template (sink, "audio"), NULL, NULL));
  fail_unless (gst_pad_query_accept_caps (video, bytestream));
  fail_if (gst_pad_query_accept_caps (video, avc));
  fail_if (gst_pad_query_accept_caps (audio, stereo));

  gst_element_release_request_pad (sink, audio);
  gst_element_release_request_pad (sink, video);
  gst_object_unref (audio);
  gst_object_unref (video);
  gst_object_unref (sink);
}

GST_END_TEST;

typedef struct
{
  GMutex lock;
  GstClock *clock;
  guint n;
  guint early;                  /* published before their own time */
} SyncCheck;

static void
sync_check_notify (OtSubscription * sub, gpointer user_data)
{
  SyncCheck *check = user_data;
  GstClockTime now = gst_clock_get_time (check->clock);
  GstMiniObject *item;

  g_mutex_lock (&check->lock);
  while ((item = ot_subscription_pop (sub))) {
    if (GST_IS_BUFFER (item)) {
      check->n++;
      if (GST_BUFFER_PTS (item) > now + 2 * GST_MSECOND)
        check->early++;
    }
    gst_mini_object_unref (item);
  }
  g_mutex_unlock (&check->lock);
}

/* A non-live source runs in real time: with sync (the default) each buffer
 * is published at its time on the clock, never earlier. */
GST_START_TEST (test_sync_to_clock)
{
  GstElement *pipeline = gst_parse_launch ("audiotestsrc num-buffers=15 "
      "samplesperbuffer=960 ! " OT_AUDIO_RAW_CAPS " ! otsink "
      "session-id=sink-sync stream-id=paced", NULL);
  g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (OtSession) session = NULL;
  g_autoptr (OtSubscription) sub = NULL;
  g_autoptr (OtStream) stream = NULL;
  g_autoptr (OtTrack) track = NULL;
  g_autoptr (GstCaps) caps = gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  SyncCheck check = { 0, };

  g_mutex_init (&check.lock);
  check.clock = gst_system_clock_obtain ();
  /* Prerolled: the track has its format, nothing is published yet. */
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_ASYNC);
  fail_unless_equals_int (gst_element_get_state (pipeline, NULL, NULL,
          GST_CLOCK_TIME_NONE), GST_STATE_CHANGE_SUCCESS);
  session = ot_hub_lookup_session (ot_hub_get_default (), "sink-sync");
  stream = ot_session_lookup_stream (session, "paced");
  track = ot_stream_get_track (stream, OT_TRACK_AUDIO);
  sub = ot_track_subscribe (track, caps, 100, sync_check_notify, &check,
      NULL, NULL);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  g_clear_pointer (&sub, ot_subscription_unref);
  fail_unless_equals_int (check.n, 15);
  fail_unless_equals_int (check.early, 0);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  gst_object_unref (check.clock);
  g_mutex_clear (&check.lock);
}

GST_END_TEST;

/* gst-inspect is the documentation: every property says what it does. */
GST_START_TEST (test_properties_documented)
{
  const gchar *names[] = { "otsink", "otsrc" };
  guint i, j, n;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    GstElement *element = gst_element_factory_make (names[i], NULL);
    GType type = G_OBJECT_TYPE (element);
    g_autofree GParamSpec **props =
        g_object_class_list_properties (G_OBJECT_GET_CLASS (element), &n);

    for (j = 0; j < n; j++) {
      const gchar *blurb = g_param_spec_get_blurb (props[j]);

      if (props[j]->owner_type != type)
        continue;
      fail_unless (strchr (props[j]->name, '_') == NULL);
      fail_unless (blurb && strlen (blurb) > 20, "%s::%s", names[i],
          props[j]->name);
      fail_unless ((props[j]->flags & G_PARAM_STATIC_STRINGS) ==
          G_PARAM_STATIC_STRINGS);
    }
    fail_unless (strlen (gst_element_factory_get_metadata
            (gst_element_get_factory (element),
                GST_ELEMENT_METADATA_DESCRIPTION)) > 20);
    gst_object_unref (element);
  }
}

GST_END_TEST;

static Suite *
otsink_suite (void)
{
  Suite *s = suite_create ("otsink");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_publish_raw_audio);
  tcase_add_test (tc, test_unknown_session);
  tcase_add_test (tc, test_attach_to_existing_stream);
  tcase_add_test (tc, test_stream_of_another_connection);
  tcase_add_test (tc, test_force_disconnect_errors);
  tcase_add_test (tc, test_muted);
  tcase_add_test (tc, test_keyframe_request);
  tcase_add_test (tc, test_pads_and_caps);
  tcase_add_test (tc, test_sync_to_clock);
  tcase_add_test (tc, test_properties_documented);
  return s;
}

GST_CHECK_MAIN (otsink);
