/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An audio converter: Opus to raw (opusdec ! audioconvert ! audioresample
 * ! capsfilter) or raw to Opus (opusenc), run synchronously in the
 * publisher's thread.
 *
 * The elements sit in a bin with no pipeline and no thread of its own: the
 * hub pushes into them through a source pad it owns, and collects what
 * comes out on a sink pad it owns, as GstHarness does.  Nothing here
 * knows about subscribers; the track fans out what the converter returns. */
#include "ot-converter-private.h"

#include <gst/base/gstadapter.h>

GST_DEBUG_CATEGORY_STATIC (ot_converter_debug);
#define GST_CAT_DEFAULT ot_converter_debug

/* Raw output goes out in 20 ms buffers, as raw publishers send it. */
#define RAW_RATE 48000
#define RAW_BYTES_PER_SAMPLE 2
#define RAW_BUFFER_SAMPLES (RAW_RATE / 50)
#define RAW_BUFFER_BYTES (RAW_BUFFER_SAMPLES * RAW_BYTES_PER_SAMPLE)

#define DECODER_DESC "opusdec ! audioconvert ! audioresample ! " \
  "capsfilter caps=\"" OT_AUDIO_RAW_CAPS "\""
#define ENCODER_DESC "opusenc complexity=5 frame-size=20"

struct _OtConverter
{
  gint ref_count;               /* atomic */

  /* Immutable after construction. */
  OtFormat out_format;
  GstElement *bin;
  GstPad *srcpad;               /* ours, feeds the bin */
  GstPad *sinkpad;              /* ours, collects from the bin */

  /* Held while converting, so the elements see one caller at a time. */
  GMutex lock;
  GstCaps *in_caps;             /* lock */
  GstCaps *out_caps;            /* lock: once the elements said */
  gboolean need_start;          /* lock: stream-start, caps, segment due */
  gboolean need_caps;           /* lock: new input caps due */
  GPtrArray *out;               /* lock: while converting, where output goes */
  GstAdapter *adapter;          /* lock: raw output cut into 20 ms */
};

static gint n_running;

static void
ensure_debug (void)
{
  static gsize done;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (ot_converter_debug, "otconverter", 0,
        "Session hub audio converters");
    g_once_init_leave (&done, 1);
  }
}

/* ---- what comes out of the elements (the publisher's thread, with the
 * converter lock held by ot_converter_process) ---- */

static void
emit_raw_locked (OtConverter * conv, GstBuffer * buffer)
{
  gsize dist;
  GstClockTime pts;

  /* The common case, one 20 ms frame in and out: pass it on. */
  if (gst_adapter_available (conv->adapter) == 0 &&
      gst_buffer_get_size (buffer) == RAW_BUFFER_BYTES) {
    g_ptr_array_add (conv->out, buffer);
    return;
  }
  if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DISCONT))
    gst_adapter_clear (conv->adapter);
  gst_adapter_push (conv->adapter, buffer);
  while (gst_adapter_available (conv->adapter) >= RAW_BUFFER_BYTES) {
    GstBuffer *frame;

    pts = gst_adapter_prev_pts (conv->adapter, &dist);
    if (GST_CLOCK_TIME_IS_VALID (pts))
      pts += gst_util_uint64_scale (dist / RAW_BYTES_PER_SAMPLE, GST_SECOND,
          RAW_RATE);
    /* Sub-buffers or a list of memories, never a copy. */
    frame = gst_adapter_take_buffer_fast (conv->adapter, RAW_BUFFER_BYTES);
    frame = gst_buffer_make_writable (frame);
    GST_BUFFER_PTS (frame) = pts;
    GST_BUFFER_DTS (frame) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION (frame) = 20 * GST_MSECOND;
    g_ptr_array_add (conv->out, frame);
  }
}

static GstFlowReturn
sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  OtConverter *conv = gst_pad_get_element_private (pad);

  if (conv->out == NULL) {
    /* Not converting (e.g. a drain on a state change): nobody waits. */
    gst_buffer_unref (buffer);
    return GST_FLOW_OK;
  }
  if (conv->out_format == OT_FORMAT_RAW)
    emit_raw_locked (conv, buffer);
  else
    g_ptr_array_add (conv->out, buffer);
  return GST_FLOW_OK;
}

static gboolean
sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  OtConverter *conv = gst_pad_get_element_private (pad);

  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    GstCaps *caps;

    gst_event_parse_caps (event, &caps);
    GST_DEBUG ("converter %p produces %" GST_PTR_FORMAT, conv, caps);
    gst_caps_replace (&conv->out_caps, caps);
    if (conv->out) {
      g_ptr_array_add (conv->out, event);
      return TRUE;
    }
  }
  /* Segments and the like: the subscriber has its own. */
  gst_event_unref (event);
  return TRUE;
}

static gboolean
src_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  /* Upstream events (latency, QoS, reconfigure) have nowhere to go: the
   * publisher is not ours to steer. */
  gst_event_unref (event);
  return TRUE;
}

/* ---- lifecycle ---- */

static GstPad *
make_pad (const gchar * name, GstPadDirection direction, GstCaps * caps)
{
  GstPadTemplate *templ = gst_pad_template_new (name, direction,
      GST_PAD_ALWAYS, caps);
  GstPad *pad = gst_pad_new_from_template (templ, name);

  gst_object_unref (templ);
  return gst_object_ref_sink (pad);
}

static gboolean
link_pads (OtConverter * conv, GError ** error)
{
  g_autoptr (GstPad) bin_sink = gst_element_get_static_pad (conv->bin, "sink");
  g_autoptr (GstPad) bin_src = gst_element_get_static_pad (conv->bin, "src");

  if (bin_sink == NULL || bin_src == NULL ||
      gst_pad_link (conv->srcpad, bin_sink) != GST_PAD_LINK_OK ||
      gst_pad_link (bin_src, conv->sinkpad) != GST_PAD_LINK_OK) {
    g_set_error (error, OT_HUB_ERROR, OT_HUB_ERROR_FORMAT,
        "cannot link the converter's elements");
    return FALSE;
  }
  gst_pad_set_active (conv->srcpad, TRUE);
  gst_pad_set_active (conv->sinkpad, TRUE);
  return TRUE;
}

static void
converter_free (OtConverter * conv)
{
  if (conv->bin) {
    gst_element_set_state (conv->bin, GST_STATE_NULL);
    gst_object_unref (conv->bin);
  }
  gst_pad_set_active (conv->srcpad, FALSE);
  gst_pad_set_active (conv->sinkpad, FALSE);
  gst_object_unref (conv->srcpad);
  gst_object_unref (conv->sinkpad);
  g_object_unref (conv->adapter);
  gst_clear_caps (&conv->in_caps);
  gst_clear_caps (&conv->out_caps);
  g_mutex_clear (&conv->lock);
  g_free (conv);
}

OtConverter *
ot_converter_new (GstCaps * in_caps, OtFormat out_format, GError ** error)
{
  OtFormat in_format = ot_format_from_caps (in_caps);
  g_autoptr (GstCaps) out_template = NULL;
  OtConverter *conv;
  const gchar *desc;

  ensure_debug ();
  if (in_format == OT_FORMAT_OPUS && out_format == OT_FORMAT_RAW) {
    desc = DECODER_DESC;
    out_template = gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  } else if (in_format == OT_FORMAT_RAW && out_format == OT_FORMAT_OPUS) {
    desc = ENCODER_DESC;
    out_template = gst_caps_new_empty_simple ("audio/x-opus");
  } else {
    g_set_error (error, OT_HUB_ERROR, OT_HUB_ERROR_FORMAT,
        "no converter from %s to %s", ot_format_get_name (in_format),
        ot_format_get_name (out_format));
    return NULL;
  }

  conv = g_new0 (OtConverter, 1);
  conv->ref_count = 1;
  conv->out_format = out_format;
  g_mutex_init (&conv->lock);
  conv->in_caps = gst_caps_ref (in_caps);
  conv->need_start = TRUE;
  conv->adapter = gst_adapter_new ();
  conv->srcpad = make_pad ("src", GST_PAD_SRC, gst_caps_new_any ());
  conv->sinkpad = make_pad ("sink", GST_PAD_SINK, out_template);
  gst_pad_set_element_private (conv->srcpad, conv);
  gst_pad_set_element_private (conv->sinkpad, conv);
  gst_pad_set_event_function (conv->srcpad, src_event);
  gst_pad_set_chain_function (conv->sinkpad, sink_chain);
  gst_pad_set_event_function (conv->sinkpad, sink_event);

  conv->bin = gst_parse_bin_from_description_full (desc, TRUE, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (conv->bin)
    gst_object_ref_sink (conv->bin);
  if (conv->bin == NULL || !link_pads (conv, error) ||
      gst_element_set_state (conv->bin, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    if (error && *error == NULL)
      g_set_error (error, OT_HUB_ERROR, OT_HUB_ERROR_FORMAT,
          "cannot start \"%s\"", desc);
    converter_free (conv);
    return NULL;
  }
  g_atomic_int_inc (&n_running);
  GST_INFO ("converter %p: %s to %s", conv, ot_format_get_name (in_format),
      ot_format_get_name (out_format));
  return conv;
}

OtConverter *
ot_converter_ref (OtConverter * conv)
{
  g_atomic_int_inc (&conv->ref_count);
  return conv;
}

void
ot_converter_unref (OtConverter * conv)
{
  if (!g_atomic_int_dec_and_test (&conv->ref_count))
    return;
  GST_INFO ("converter %p stopped", conv);
  converter_free (conv);
  g_atomic_int_add (&n_running, -1);
}

guint
ot_converter_get_n_running (void)
{
  return g_atomic_int_get (&n_running);
}

GstCaps *
ot_converter_get_out_caps (OtConverter * conv)
{
  GstCaps *caps;

  g_mutex_lock (&conv->lock);
  caps = conv->out_caps ? gst_caps_ref (conv->out_caps) : NULL;
  g_mutex_unlock (&conv->lock);
  return caps;
}

void
ot_converter_set_in_caps (OtConverter * conv, GstCaps * caps)
{
  g_mutex_lock (&conv->lock);
  gst_caps_replace (&conv->in_caps, caps);
  conv->need_caps = TRUE;
  g_mutex_unlock (&conv->lock);
}

void
ot_converter_reset (OtConverter * conv)
{
  g_mutex_lock (&conv->lock);
  /* READY drops the codec state; the next buffer starts a new stream. */
  gst_element_set_state (conv->bin, GST_STATE_READY);
  gst_element_set_state (conv->bin, GST_STATE_PLAYING);
  gst_adapter_clear (conv->adapter);
  conv->need_start = TRUE;
  g_mutex_unlock (&conv->lock);
}

/* ---- converting ---- */

static void
start_stream_locked (OtConverter * conv)
{
  g_autofree gchar *stream_id = g_strdup_printf ("ot-converter-%p", conv);
  GstSegment segment;

  /* PTS are absolute clock times: a segment from 0 keeps them as they are. */
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (conv->srcpad, gst_event_new_stream_start (stream_id));
  gst_pad_push_event (conv->srcpad, gst_event_new_caps (conv->in_caps));
  gst_pad_push_event (conv->srcpad, gst_event_new_segment (&segment));
  conv->need_start = conv->need_caps = FALSE;
}

void
ot_converter_process (OtConverter * conv, GstBuffer * buffer, GPtrArray * out)
{
  GstFlowReturn ret;

  g_mutex_lock (&conv->lock);
  if (conv->need_start) {
    start_stream_locked (conv);
  } else if (conv->need_caps) {
    gst_pad_push_event (conv->srcpad, gst_event_new_caps (conv->in_caps));
    conv->need_caps = FALSE;
  }
  conv->out = out;
  ret = gst_pad_push (conv->srcpad, gst_buffer_ref (buffer));
  conv->out = NULL;
  if (ret != GST_FLOW_OK) {
    /* A codec error: start over with the next buffer rather than stay
     * silent for good. */
    GST_WARNING ("converter %p: %s, restarting", conv, gst_flow_get_name (ret));
    gst_element_set_state (conv->bin, GST_STATE_READY);
    gst_element_set_state (conv->bin, GST_STATE_PLAYING);
    gst_adapter_clear (conv->adapter);
    conv->need_start = TRUE;
  }
  g_mutex_unlock (&conv->lock);
}
