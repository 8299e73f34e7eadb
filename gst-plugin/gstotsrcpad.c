/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GstOtSrcPad: one of otsrc's source pads (see gstotsrcpad.h, gstotsrc.c).
 *
 * The hub hands out the publisher's buffers themselves, stamped in absolute
 * clock time and shared with every other subscriber: each is restamped in
 * a new GstBuffer (the memory stays shared) with this pipeline's running
 * time. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstotsrcpad.h"

GST_DEBUG_CATEGORY_STATIC (gst_ot_src_pad_debug);
#define GST_CAT_DEFAULT gst_ot_src_pad_debug

/* Queue bounds of a subscription: about a second of audio (20 ms buffers)
 * and of video; beyond that the hub drops, the publisher never waits. */
#define AUDIO_QUEUE_ITEMS 50
#define VIDEO_QUEUE_ITEMS 60
/* Items pushed on one pad before serving the others. */
#define MAX_BURST 16

struct _GstOtSrcPad
{
  GstPad parent;

  /* Set at creation, then immutable (the caps query reads them). */
  OtTrackKind kind;
  OtTrack *track;
  gchar *stream_id;
  OtSubscriptionNotify wake;
  gpointer wake_data;

  /* Streaming thread only. */
  OtSubscription *sub;
  GstCaps *caps;                /* the format delivered */
  gboolean need_segment;
  gboolean discont;
  gboolean eos;                 /* sent, or downstream returned EOS */
  guint64 n_dropped;
};

G_DEFINE_TYPE_WITH_CODE (GstOtSrcPad, gst_ot_src_pad, GST_TYPE_PAD,
    GST_DEBUG_CATEGORY_INIT (gst_ot_src_pad_debug, "otsrcpad", 0,
        "otsrc's pads"));

/* ---- queries and upstream events (any thread) ---- */

/* What the pad can deliver: video as published; audio as published, raw or
 * Opus (the hub converts). */
static GstCaps *
gst_ot_src_pad_possible_caps (GstOtSrcPad * pad)
{
  GstCaps *caps = ot_track_get_caps (pad->track);

  if (!caps)
    caps = gst_pad_get_pad_template_caps (GST_PAD (pad));
  if (pad->kind == OT_TRACK_AUDIO) {
    caps = gst_caps_make_writable (caps);
    gst_caps_append (caps, gst_caps_from_string (OT_AUDIO_RAW_CAPS));
    gst_caps_append (caps, gst_caps_from_string (OT_AUDIO_OPUS_CAPS));
  }
  return caps;
}

static gboolean
gst_ot_src_pad_query (GstPad * gpad, GstObject * parent, GstQuery * query)
{
  GstOtSrcPad *pad = GST_OT_SRC_PAD (gpad);
  GstCaps *filter, *caps;
  guint latency_ms = 0;

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
      gst_query_parse_caps (query, &filter);
      caps = gst_ot_src_pad_possible_caps (pad);
      if (filter) {
        GstCaps *tmp = gst_caps_intersect_full (filter, caps,
            GST_CAPS_INTERSECT_FIRST);
        gst_caps_unref (caps);
        caps = tmp;
      }
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    case GST_QUERY_LATENCY:
      /* Live: buffers come as the publisher renders them. */
      g_object_get (parent, "latency", &latency_ms, NULL);
      gst_query_set_latency (query, TRUE, latency_ms * GST_MSECOND,
          GST_CLOCK_TIME_NONE);
      return TRUE;
    case GST_QUERY_SCHEDULING:
      gst_query_set_scheduling (query, GST_SCHEDULING_FLAG_SEQUENTIAL, 1, -1,
          0);
      gst_query_add_scheduling_mode (query, GST_PAD_MODE_PUSH);
      return TRUE;
    default:
      return gst_pad_query_default (gpad, parent, query);
  }
}

static gboolean
gst_ot_src_pad_event (GstPad * gpad, GstObject * parent, GstEvent * event)
{
  GstOtSrcPad *pad = GST_OT_SRC_PAD (gpad);
  gboolean ret = TRUE;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_RECONFIGURE:
      /* The pad is flagged; the streaming thread renegotiates. */
      pad->wake (NULL, pad->wake_data);
      break;
    case GST_EVENT_SEEK:
      GST_DEBUG_OBJECT (pad, "live source: cannot seek");
      ret = FALSE;
      break;
    case GST_EVENT_QOS:
    case GST_EVENT_LATENCY:
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      break;
    default:
      ret = FALSE;
      break;
  }
  gst_event_unref (event);
  return ret;
}

/* ---- life ---- */

GstOtSrcPad *
gst_ot_src_pad_new (GstElement * parent, const gchar * name, OtTrack * track,
    guint group_id, OtSubscriptionNotify wake, gpointer wake_data)
{
  OtTrackKind kind = ot_track_get_kind (track);
  GstPadTemplate *templ =
      gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (parent),
      kind == OT_TRACK_AUDIO ? "audio_%s" : "video_%s");
  GstOtSrcPad *pad = g_object_new (GST_TYPE_OT_SRC_PAD, "name", name,
      "direction", GST_PAD_SRC, "template", templ, NULL);
  g_autofree gchar *sid = NULL;
  GstEvent *event;

  pad->kind = kind;
  pad->track = ot_track_ref (track);
  pad->stream_id = g_strdup (ot_stream_get_id (ot_track_peek_stream (track)));
  pad->wake = wake;
  pad->wake_data = wake_data;
  gst_pad_set_query_function (GST_PAD (pad), gst_ot_src_pad_query);
  gst_pad_set_event_function (GST_PAD (pad), gst_ot_src_pad_event);
  gst_pad_set_active (GST_PAD (pad), TRUE);

  /* Stored on the pad, sent downstream once it is linked. */
  sid = gst_pad_create_stream_id (GST_PAD (pad), parent, name);
  event = gst_event_new_stream_start (sid);
  gst_event_set_group_id (event, group_id);
  gst_pad_push_event (GST_PAD (pad), event);
  return pad;
}

void
gst_ot_src_pad_unsubscribe (GstOtSrcPad * pad)
{
  g_clear_pointer (&pad->sub, ot_subscription_unref);
}

static void
gst_ot_src_pad_init (GstOtSrcPad * pad)
{
  pad->need_segment = TRUE;
  pad->discont = TRUE;
}

static void
gst_ot_src_pad_finalize (GObject * object)
{
  GstOtSrcPad *pad = GST_OT_SRC_PAD (object);

  g_clear_pointer (&pad->sub, ot_subscription_unref);
  g_clear_pointer (&pad->track, ot_track_unref);
  g_free (pad->stream_id);
  gst_clear_caps (&pad->caps);
  G_OBJECT_CLASS (gst_ot_src_pad_parent_class)->finalize (object);
}

static void
gst_ot_src_pad_class_init (GstOtSrcPadClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_ot_src_pad_finalize;
}

/* ---- negotiation (streaming thread) ---- */

/* The format to subscribe in: for audio the first of published, raw, Opus
 * that downstream accepts (anything when not linked); video as published. */
static GstCaps *
gst_ot_src_pad_choose_caps (GstOtSrcPad * pad)
{
  g_autoptr (GstCaps) published = ot_track_get_caps (pad->track);
  g_autoptr (GstCaps) peer = NULL;
  GstCaps *candidates[3];
  GstCaps *chosen = NULL;
  guint i;

  if (!published)
    return NULL;
  if (pad->kind == OT_TRACK_VIDEO)
    return g_steal_pointer (&published);

  candidates[0] = published;
  candidates[1] = gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  candidates[2] = gst_caps_from_string (OT_AUDIO_OPUS_CAPS);
  peer = gst_pad_peer_query_caps (GST_PAD (pad), NULL);
  for (i = 0; i < G_N_ELEMENTS (candidates) && !chosen; i++)
    if (gst_caps_can_intersect (candidates[i], peer))
      chosen = gst_caps_ref (candidates[i]);
  gst_caps_unref (candidates[1]);
  gst_caps_unref (candidates[2]);
  /* Nothing fits: offer the published format, pushing will say why. */
  return chosen ? chosen : g_steal_pointer (&published);
}

gboolean
gst_ot_src_pad_subscribe (GstOtSrcPad * pad)
{
  g_autoptr (GstCaps) want = gst_ot_src_pad_choose_caps (pad);
  g_autoptr (GError) err = NULL;
  OtSubscription *sub;

  if (!want || (pad->sub && gst_caps_can_intersect (want, pad->caps)))
    return TRUE;

  GST_DEBUG_OBJECT (pad, "subscribing in %" GST_PTR_FORMAT, want);
  sub = ot_track_subscribe (pad->track, want,
      pad->kind == OT_TRACK_AUDIO ? AUDIO_QUEUE_ITEMS : VIDEO_QUEUE_ITEMS,
      pad->wake, pad->wake_data, NULL, &err);
  if (!sub) {
    GstElement *parent = GST_PAD_PARENT (pad);
    GST_ELEMENT_ERROR (parent, STREAM, FORMAT, (NULL),
        ("Could not subscribe to stream %s in %" GST_PTR_FORMAT ": %s",
            pad->stream_id, want, err->message));
    return FALSE;
  }
  g_clear_pointer (&pad->sub, ot_subscription_unref);
  pad->sub = sub;
  /* Announced by the CAPS event that heads the new queue. */
  gst_clear_caps (&pad->caps);
  pad->caps = ot_subscription_get_caps (sub);
  pad->n_dropped = 0;
  pad->discont = TRUE;
  return TRUE;
}

/* ---- data (streaming thread) ---- */

/* Absolute clock time → our running time; NONE when it precedes our start. */
static GstClockTime
gst_ot_src_pad_running_time (GstClockTime ts, GstClockTime base_time)
{
  if (!GST_CLOCK_TIME_IS_VALID (ts) || ts < base_time)
    return GST_CLOCK_TIME_NONE;
  return ts - base_time;
}

static GstFlowReturn
gst_ot_src_pad_push_buffer (GstOtSrcPad * pad, GstBuffer * buf,
    GstClockTime base)
{
  GstClockTime pts = gst_ot_src_pad_running_time (GST_BUFFER_PTS (buf), base);

  if (!GST_CLOCK_TIME_IS_VALID (pts)) {
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  buf = gst_buffer_make_writable (buf);
  GST_BUFFER_DTS (buf) =
      gst_ot_src_pad_running_time (GST_BUFFER_DTS (buf), base);
  GST_BUFFER_PTS (buf) = pts;
  if (pad->discont) {
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
    pad->discont = FALSE;
  }
  return gst_pad_push (GST_PAD (pad), buf);
}

static void
gst_ot_src_pad_push_event (GstOtSrcPad * pad, GstEvent * event,
    GstClockTime base)
{
  GstClockTime ts, duration, rt;
  GstGapFlags flags = 0;
  GstEvent *gap;

  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    GstCaps *caps;
    gst_event_parse_caps (event, &caps);
    gst_caps_replace (&pad->caps, caps);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_GAP) {
    gst_event_parse_gap (event, &ts, &duration);
    gst_event_parse_gap_flags (event, &flags);
    gst_event_unref (event);
    rt = gst_ot_src_pad_running_time (ts, base);
    if (!GST_CLOCK_TIME_IS_VALID (rt))
      return;
    gap = gst_event_new_gap (rt, duration);
    gst_event_set_gap_flags (gap, flags);
    event = gap;
  }
  gst_pad_push_event (GST_PAD (pad), event);
}

static void
gst_ot_src_pad_push_segment (GstOtSrcPad * pad)
{
  GstSegment segment;

  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (GST_PAD (pad), gst_event_new_segment (&segment));
  pad->need_segment = FALSE;
}

/* Pushes a popped item (transfer full). */
static GstFlowReturn
gst_ot_src_pad_push_item (GstOtSrcPad * pad, GstMiniObject * item,
    GstClockTime base)
{
  guint64 dropped = ot_subscription_get_n_dropped (pad->sub);

  if (dropped != pad->n_dropped) {
    pad->n_dropped = dropped;
    pad->discont = TRUE;
  }
  /* The segment follows the caps, and precedes data. */
  if (pad->need_segment && !(GST_IS_EVENT (item) &&
          GST_EVENT_TYPE (item) == GST_EVENT_CAPS))
    gst_ot_src_pad_push_segment (pad);
  if (GST_IS_BUFFER (item))
    return gst_ot_src_pad_push_buffer (pad, GST_BUFFER_CAST (item), base);
  gst_ot_src_pad_push_event (pad, GST_EVENT_CAST (item), base);
  return GST_FLOW_OK;
}

void
gst_ot_src_pad_announce (GstOtSrcPad * pad, GstClockTime now,
    GstClockTime base_time)
{
  GstMiniObject *item = pad->sub ? ot_subscription_pop (pad->sub) : NULL;

  if (item)                     /* the CAPS event heading the queue */
    gst_ot_src_pad_push_item (pad, item, base_time);
  if (!GST_CLOCK_TIME_IS_VALID (now) || now < base_time ||
      !gst_pad_has_current_caps (GST_PAD (pad)))
    return;
  if (pad->need_segment)
    gst_ot_src_pad_push_segment (pad);
  gst_pad_push_event (GST_PAD (pad), gst_event_new_gap (now - base_time, 0));
}

GstFlowReturn
gst_ot_src_pad_drain (GstOtSrcPad * pad, GstClockTime base, gboolean * more)
{
  GstFlowReturn ret = GST_FLOW_OK;
  GstMiniObject *item;
  guint n;

  /* Relinked, or downstream changed its mind: maybe another format. */
  if (pad->kind == OT_TRACK_AUDIO && gst_pad_check_reconfigure (GST_PAD (pad))
      && !gst_ot_src_pad_subscribe (pad))
    return GST_FLOW_ERROR;      /* posted */
  if (!pad->sub)
    return GST_FLOW_OK;

  for (n = 0; n < MAX_BURST && ret == GST_FLOW_OK; n++) {
    item = ot_subscription_pop (pad->sub);
    if (!item)
      return GST_FLOW_OK;
    if (pad->eos)
      gst_mini_object_unref (item);
    else
      ret = gst_ot_src_pad_push_item (pad, item, base);
  }
  if (ret == GST_FLOW_OK)
    *more = TRUE;
  return ret;
}

gboolean
gst_ot_src_pad_handle_flow (GstOtSrcPad * pad, GstFlowReturn ret)
{
  switch (ret) {
    case GST_FLOW_OK:
    case GST_FLOW_NOT_LINKED:  /* this pad's data only */
      return TRUE;
    case GST_FLOW_EOS:
      GST_DEBUG_OBJECT (pad, "downstream is EOS");
      pad->eos = TRUE;
      return TRUE;
    case GST_FLOW_FLUSHING:
      /* Downstream flushed: a new segment once it takes data again. */
      pad->need_segment = TRUE;
      return TRUE;
    default:
      return FALSE;
  }
}

void
gst_ot_src_pad_push_eos (GstOtSrcPad * pad)
{
  if (pad->eos)
    return;
  if (pad->need_segment)
    gst_ot_src_pad_push_segment (pad);
  gst_pad_push_event (GST_PAD (pad), gst_event_new_eos ());
  pad->eos = TRUE;
}
