/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GstOtTrackSink: one of otsink's internal sinks (see gstotsink.c).
 *
 * GstBaseSink does the sink's work (preroll, async state changes, clock
 * sync, latency, EOS); render() restamps each buffer in absolute clock time
 * (the moment it is rendered) and hands it to the hub.  It is not registered
 * as an element: otsink creates it with gst_ot_track_sink_new(). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/video/video.h>
#include "gstottracksink.h"

GST_DEBUG_CATEGORY_STATIC (gst_ot_track_sink_debug);
#define GST_CAT_DEFAULT gst_ot_track_sink_debug

struct _GstOtTrackSink
{
  GstBaseSink parent;

  OtTrackKind kind;             /* fixed at creation */

  /* Guarded by the object lock. */
  OtTrack *track;
  GstCaps *caps;                /* last negotiated, to apply on attach */

  /* Streaming thread only. */
  GstClockTime frame_duration;  /* from the caps' framerate, or NONE */
  gboolean raw_audio;           /* S16LE mono 48 kHz: duration from size */

  /* Set by the hub from any thread, consumed by render(). */
  gint keyframe_requested;
  /* EOS told the hub the publisher stopped, which forgets our keyframe
   * callback: data after a flush publishes again. */
  gint stopped;
};

G_DEFINE_TYPE (GstOtTrackSink, gst_ot_track_sink, GST_TYPE_BASE_SINK);

GstCaps *
gst_ot_track_sink_kind_caps (OtTrackKind kind)
{
  if (kind == OT_TRACK_AUDIO)
    return gst_caps_from_string (OT_AUDIO_RAW_CAPS "; audio/x-opus");
  return gst_caps_from_string (OT_VIDEO_CAPS);
}

/* The hub calls this from any thread (a new video subscriber, or one that
 * lost data); the event is sent from the streaming thread in render(), so
 * that no foreign thread ever pushes on our pad. */
static void
gst_ot_track_sink_keyframe_requested (OtTrack * track, gpointer user_data)
{
  GstOtTrackSink *self = GST_OT_TRACK_SINK (user_data);

  GST_DEBUG_OBJECT (self, "keyframe requested by the hub");
  g_atomic_int_set (&self->keyframe_requested, 1);
}

static gboolean
gst_ot_track_sink_apply_caps (GstOtTrackSink * self, OtTrack * track,
    GstCaps * caps)
{
  g_autoptr (GError) err = NULL;

  if (ot_track_set_caps (track, caps, &err))
    return TRUE;
  GST_ELEMENT_ERROR (self, STREAM, FORMAT, (NULL),
      ("The session hub refused the format %" GST_PTR_FORMAT ": %s",
          caps, err->message));
  return FALSE;
}

static void
gst_ot_track_sink_start_publishing (GstOtTrackSink * self, OtTrack * track)
{
  g_atomic_int_set (&self->stopped, 0);
  if (self->kind == OT_TRACK_VIDEO)
    ot_track_set_keyframe_request_func (track,
        gst_ot_track_sink_keyframe_requested, gst_object_ref (self),
        gst_object_unref);
}

void
gst_ot_track_sink_set_track (GstOtTrackSink * self, OtTrack * track)
{
  OtTrack *old;
  GstCaps *caps = NULL;

  GST_OBJECT_LOCK (self);
  old = self->track;
  self->track = track ? ot_track_ref (track) : NULL;
  if (track && self->caps)
    caps = gst_caps_ref (self->caps);
  GST_OBJECT_UNLOCK (self);

  if (old) {
    ot_track_set_keyframe_request_func (old, NULL, NULL, NULL);
    ot_track_publisher_stopped (old);
    ot_track_unref (old);
  }
  if (track)
    gst_ot_track_sink_start_publishing (self, track);
  if (caps) {
    gst_ot_track_sink_apply_caps (self, track, caps);
    gst_caps_unref (caps);
  }
}

OtTrackKind
gst_ot_track_sink_get_kind (GstOtTrackSink * self)
{
  return self->kind;
}

static OtTrack *
gst_ot_track_sink_get_track (GstOtTrackSink * self)
{
  OtTrack *track;

  GST_OBJECT_LOCK (self);
  track = self->track ? ot_track_ref (self->track) : NULL;
  GST_OBJECT_UNLOCK (self);
  return track;
}

static GstCaps *
gst_ot_track_sink_get_caps (GstBaseSink * sink, GstCaps * filter)
{
  GstOtTrackSink *self = GST_OT_TRACK_SINK (sink);
  GstCaps *caps = gst_ot_track_sink_kind_caps (self->kind);

  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (caps);
    caps = tmp;
  }
  return caps;
}

static gboolean
gst_ot_track_sink_set_caps (GstBaseSink * sink, GstCaps * caps)
{
  GstOtTrackSink *self = GST_OT_TRACK_SINK (sink);
  GstStructure *s = gst_caps_get_structure (caps, 0);
  g_autoptr (OtTrack) track = NULL;
  gint num = 0, den = 0;

  GST_DEBUG_OBJECT (self, "caps %" GST_PTR_FORMAT, caps);
  self->frame_duration = GST_CLOCK_TIME_NONE;
  self->raw_audio = gst_structure_has_name (s, "audio/x-raw");
  if (gst_structure_get_fraction (s, "framerate", &num, &den) && num > 0)
    self->frame_duration = gst_util_uint64_scale_int (GST_SECOND, den, num);

  GST_OBJECT_LOCK (self);
  gst_caps_replace (&self->caps, caps);
  track = self->track ? ot_track_ref (self->track) : NULL;
  GST_OBJECT_UNLOCK (self);

  /* Not attached yet: otsink attaches on READY→PAUSED, set_track applies
   * the caps then. */
  return !track || gst_ot_track_sink_apply_caps (self, track, caps);
}

static gboolean
gst_ot_track_sink_event (GstBaseSink * sink, GstEvent * event)
{
  GstOtTrackSink *self = GST_OT_TRACK_SINK (sink);

  /* Subscribers keep their pads; they just stop receiving. */
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    g_autoptr (OtTrack) track = gst_ot_track_sink_get_track (self);
    if (track) {
      ot_track_publisher_stopped (track);
      g_atomic_int_set (&self->stopped, 1);
    }
  }
  return GST_BASE_SINK_CLASS (gst_ot_track_sink_parent_class)->event (sink,
      event);
}

/* Running time → absolute clock time.  When syncing, the buffer is rendered
 * latency (+ render delay + ts-offset) later than its running time: stamp
 * that moment, so subscribers see when it was really published. */
static GstClockTime
gst_ot_track_sink_to_clock_time (GstOtTrackSink * self, GstClockTime ts)
{
  GstBaseSink *sink = GST_BASE_SINK (self);
  GstClockTime rt, abs;
  GstClockTimeDiff offset;

  if (!GST_CLOCK_TIME_IS_VALID (ts))
    return GST_CLOCK_TIME_NONE;
  rt = gst_segment_to_running_time (&sink->segment, GST_FORMAT_TIME, ts);
  if (!GST_CLOCK_TIME_IS_VALID (rt))
    return GST_CLOCK_TIME_NONE;
  abs = gst_element_get_base_time (GST_ELEMENT (self)) + rt;
  if (gst_base_sink_get_sync (sink)) {
    abs += gst_base_sink_get_latency (sink);
    abs += gst_base_sink_get_render_delay (sink);
    offset = gst_base_sink_get_ts_offset (sink);
    if (offset < 0 && (GstClockTime) (-offset) > abs)
      abs = 0;
    else
      abs += offset;
  }
  return abs;
}

static GstClockTime
gst_ot_track_sink_now (GstOtTrackSink * self)
{
  g_autoptr (GstClock) clock = gst_element_get_clock (GST_ELEMENT (self));

  return clock ? gst_clock_get_time (clock) : GST_CLOCK_TIME_NONE;
}

static void
gst_ot_track_sink_send_keyframe_request (GstOtTrackSink * self)
{
  GstEvent *event;

  if (!g_atomic_int_compare_and_exchange (&self->keyframe_requested, 1, 0))
    return;
  event = gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
      TRUE, 0);
  GST_DEBUG_OBJECT (self, "asking upstream for a keyframe");
  gst_pad_push_event (GST_BASE_SINK_PAD (self), event);
}

static GstBuffer *
gst_ot_track_sink_restamp (GstOtTrackSink * self, GstBuffer * buffer)
{
  GstClockTime pts, dts, duration = GST_BUFFER_DURATION (buffer);
  GstBuffer *out;

  pts = gst_ot_track_sink_to_clock_time (self, GST_BUFFER_PTS (buffer));
  dts = gst_ot_track_sink_to_clock_time (self, GST_BUFFER_DTS (buffer));
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    pts = gst_ot_track_sink_now (self);
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return NULL;

  if (!GST_CLOCK_TIME_IS_VALID (duration)) {
    if (self->raw_audio)
      /* S16LE mono 48 kHz: two bytes a sample */
      duration = gst_util_uint64_scale_int (gst_buffer_get_size (buffer) / 2,
          GST_SECOND, 48000);
    else
      duration = self->frame_duration;
  }

  /* Shallow: the memory is shared, only the metadata is new. */
  out = gst_buffer_copy (buffer);
  GST_BUFFER_PTS (out) = pts;
  GST_BUFFER_DTS (out) = dts;
  GST_BUFFER_DURATION (out) = duration;
  return out;
}

static GstFlowReturn
gst_ot_track_sink_publish (GstOtTrackSink * self, GstBuffer * buffer)
{
  g_autoptr (OtTrack) track = gst_ot_track_sink_get_track (self);
  OtStream *stream;
  GstBuffer *out;

  if (!track) {
    GST_ELEMENT_ERROR (self, CORE, STATE_CHANGE, (NULL),
        ("Not publishing: otsink has no stream in a session"));
    return GST_FLOW_ERROR;
  }
  if (g_atomic_int_get (&self->stopped))
    gst_ot_track_sink_start_publishing (self, track);
  if (self->kind == OT_TRACK_VIDEO)
    gst_ot_track_sink_send_keyframe_request (self);

  out = gst_ot_track_sink_restamp (self, buffer);
  if (!out) {
    GST_WARNING_OBJECT (self, "no timestamp and no clock: dropping %"
        GST_PTR_FORMAT, buffer);
    return GST_FLOW_OK;
  }
  if (ot_track_push (track, out))
    return GST_FLOW_OK;

  stream = ot_track_peek_stream (track);
  GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
      ("The stream is no longer published in its session."),
      ("stream %s of connection %s was removed from the session (unpublished,"
          " or its connection was disconnected)",
          stream ? ot_stream_get_id (stream) : "?",
          stream ? ot_stream_get_connection_id (stream) : "?"));
  return GST_FLOW_ERROR;
}

static GstFlowReturn
gst_ot_track_sink_render (GstBaseSink * sink, GstBuffer * buffer)
{
  return gst_ot_track_sink_publish (GST_OT_TRACK_SINK (sink), buffer);
}

static void
gst_ot_track_sink_init (GstOtTrackSink * self)
{
  self->frame_duration = GST_CLOCK_TIME_NONE;
  /* Keeping the last buffer alive would hold hub memory for nothing. */
  gst_base_sink_set_last_sample_enabled (GST_BASE_SINK (self), FALSE);
  gst_base_sink_set_sync (GST_BASE_SINK (self), TRUE);
}

static void
gst_ot_track_sink_finalize (GObject * object)
{
  GstOtTrackSink *self = GST_OT_TRACK_SINK (object);

  g_clear_pointer (&self->track, ot_track_unref);
  gst_clear_caps (&self->caps);
  G_OBJECT_CLASS (gst_ot_track_sink_parent_class)->finalize (object);
}

GstElement *
gst_ot_track_sink_new (OtTrackKind kind, const gchar * name)
{
  GstOtTrackSink *self = g_object_new (GST_TYPE_OT_TRACK_SINK, "name", name,
      NULL);

  self->kind = kind;
  return GST_ELEMENT (self);
}

static void
gst_ot_track_sink_class_init (GstOtTrackSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);
  GstCaps *caps;

  GST_DEBUG_CATEGORY_INIT (gst_ot_track_sink_debug, "ottracksink", 0,
      "otsink's per-track sink");

  gobject_class->finalize = gst_ot_track_sink_finalize;

  caps = gst_caps_from_string (OT_AUDIO_RAW_CAPS "; audio/x-opus; "
      OT_VIDEO_CAPS);
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new ("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
  gst_caps_unref (caps);
  gst_element_class_set_static_metadata (element_class, "OT track sink",
      "Sink/Network", "Publishes one track of otsink's stream (internal)",
      "ot-sip-gateway developers");

  basesink_class->get_caps = GST_DEBUG_FUNCPTR (gst_ot_track_sink_get_caps);
  basesink_class->set_caps = GST_DEBUG_FUNCPTR (gst_ot_track_sink_set_caps);
  basesink_class->event = GST_DEBUG_FUNCPTR (gst_ot_track_sink_event);
  basesink_class->render = GST_DEBUG_FUNCPTR (gst_ot_track_sink_render);
}
