/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Element tests: OtCapture, see ot-capture.h.  The probe runs in the
 * streaming thread; everything it records is guarded by `lock`. */

#include "ot-capture.h"

struct _OtCapture
{
  GstPad *pad;
  gulong probe;

  GMutex lock;
  GCond cond;
  guint n_buffers;
  guint n_gap_buffers;
  guint n_discont;
  guint n_pts_jumps;
  gboolean run_gap;             /* the kind of the last buffers */
  guint run_length;             /* how many in a row */
  GstClockTime first_pts;
  gboolean first_is_keyframe;
  GstClockTime next_pts;        /* where the last buffer ended */
  GByteArray *samples;          /* S16LE mono 48 kHz */
  GArray *events;               /* GstEventType */
  GstCaps *caps;                /* of the last CAPS event */
  gboolean eos;
};

static void
ot_capture_record_buffer (OtCapture * c, GstBuffer * buf, gboolean raw)
{
  gboolean gap = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP);
  GstClockTime pts = GST_BUFFER_PTS (buf);
  GstMapInfo map;

  if (c->n_buffers == 0) {
    c->first_pts = pts;
    c->first_is_keyframe =
        !GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  }
  c->n_buffers++;
  if (gap)
    c->n_gap_buffers++;
  if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT))
    c->n_discont++;
  if (c->run_length > 0 && c->run_gap == gap) {
    c->run_length++;
  } else {
    c->run_gap = gap;
    c->run_length = 1;
  }
  if (GST_CLOCK_TIME_IS_VALID (c->next_pts) && GST_CLOCK_TIME_IS_VALID (pts)
      && pts > c->next_pts + 5 * GST_MSECOND)
    c->n_pts_jumps++;
  c->next_pts = GST_CLOCK_TIME_IS_VALID (pts) &&
      GST_BUFFER_DURATION_IS_VALID (buf) ? pts + GST_BUFFER_DURATION (buf) :
      GST_CLOCK_TIME_NONE;
  if (raw && gst_buffer_map (buf, &map, GST_MAP_READ)) {
    g_byte_array_append (c->samples, map.data, map.size);
    gst_buffer_unmap (buf, &map);
  }
}

static GstPadProbeReturn
ot_capture_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  OtCapture *c = user_data;
  gboolean raw = FALSE;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
    GstCaps *caps = gst_pad_get_current_caps (pad);

    raw = caps && gst_structure_has_name (gst_caps_get_structure (caps, 0),
        "audio/x-raw");
    gst_clear_caps (&caps);
  }

  g_mutex_lock (&c->lock);
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
    ot_capture_record_buffer (c, GST_PAD_PROBE_INFO_BUFFER (info), raw);
  } else {
    GstEventType type = GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info));

    g_array_append_val (c->events, type);
    if (type == GST_EVENT_EOS)
      c->eos = TRUE;
    if (type == GST_EVENT_CAPS) {
      GstCaps *caps;

      gst_event_parse_caps (GST_PAD_PROBE_INFO_EVENT (info), &caps);
      gst_caps_replace (&c->caps, caps);
    }
  }
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
  return GST_PAD_PROBE_OK;
}

OtCapture *
ot_capture_new (GstPad * pad)
{
  OtCapture *c = g_new0 (OtCapture, 1);

  c->pad = gst_object_ref (pad);
  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  c->samples = g_byte_array_new ();
  c->events = g_array_new (FALSE, FALSE, sizeof (GstEventType));
  c->first_pts = c->next_pts = GST_CLOCK_TIME_NONE;
  c->probe = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, ot_capture_probe, c, NULL);
  return c;
}

void
ot_capture_free (OtCapture * c)
{
  gst_pad_remove_probe (c->pad, c->probe);
  gst_object_unref (c->pad);
  g_byte_array_unref (c->samples);
  g_array_unref (c->events);
  gst_clear_caps (&c->caps);
  g_cond_clear (&c->cond);
  g_mutex_clear (&c->lock);
  g_free (c);
}

GstPad *
ot_capture_get_pad (OtCapture * c)
{
  return c->pad;
}

void
ot_capture_reset (OtCapture * c)
{
  g_mutex_lock (&c->lock);
  c->n_buffers = c->n_gap_buffers = c->n_discont = c->n_pts_jumps = 0;
  c->run_length = 0;
  c->first_pts = c->next_pts = GST_CLOCK_TIME_NONE;
  c->eos = FALSE;
  g_byte_array_set_size (c->samples, 0);
  g_array_set_size (c->events, 0);
  g_mutex_unlock (&c->lock);
}

/* Waits until `done` holds, with c->lock held. */
#define OT_CAPTURE_WAIT(c, timeout_ms, done) G_STMT_START {             \
  gint64 _end = g_get_monotonic_time () + (timeout_ms) * G_TIME_SPAN_MILLISECOND; \
  g_mutex_lock (&(c)->lock);                                            \
  while (!(done) && g_cond_wait_until (&(c)->cond, &(c)->lock, _end));  \
  _ok = (done);                                                         \
  g_mutex_unlock (&(c)->lock);                                          \
} G_STMT_END

gboolean
ot_capture_wait_buffers (OtCapture * c, guint n, guint timeout_ms)
{
  gboolean _ok;

  OT_CAPTURE_WAIT (c, timeout_ms, c->n_buffers >= n);
  return _ok;
}

gboolean
ot_capture_wait_run (OtCapture * c, gboolean gap, guint n, guint timeout_ms)
{
  gboolean _ok;

  OT_CAPTURE_WAIT (c, timeout_ms, c->run_length >= n && !c->run_gap == !gap);
  return _ok;
}

gboolean
ot_capture_wait_eos (OtCapture * c, guint timeout_ms)
{
  gboolean _ok;

  OT_CAPTURE_WAIT (c, timeout_ms, c->eos);
  return _ok;
}

#define OT_CAPTURE_GETTER(type, name, expr)                              \
type                                                                    \
ot_capture_get_##name (OtCapture * c)                                   \
{                                                                       \
  type v;                                                               \
  g_mutex_lock (&c->lock);                                              \
  v = (expr);                                                           \
  g_mutex_unlock (&c->lock);                                            \
  return v;                                                             \
}

OT_CAPTURE_GETTER (guint, n_buffers, c->n_buffers);
OT_CAPTURE_GETTER (guint, n_gap_buffers, c->n_gap_buffers);
OT_CAPTURE_GETTER (guint, n_pts_jumps, c->n_pts_jumps);
OT_CAPTURE_GETTER (guint, n_discont, c->n_discont);
OT_CAPTURE_GETTER (GstClockTime, first_pts, c->first_pts);

gboolean
ot_capture_first_is_keyframe (OtCapture * c)
{
  gboolean key;

  g_mutex_lock (&c->lock);
  key = c->n_buffers > 0 && c->first_is_keyframe;
  g_mutex_unlock (&c->lock);
  return key;
}

gboolean
ot_capture_has_event (OtCapture * c, GstEventType type)
{
  gboolean found = FALSE;
  guint i;

  g_mutex_lock (&c->lock);
  for (i = 0; i < c->events->len && !found; i++)
    found = g_array_index (c->events, GstEventType, i) == type;
  g_mutex_unlock (&c->lock);
  return found;
}

GArray *
ot_capture_get_event_types (OtCapture * c)
{
  GArray *types;

  g_mutex_lock (&c->lock);
  types = g_array_copy (c->events);
  g_mutex_unlock (&c->lock);
  return types;
}

GstCaps *
ot_capture_get_caps (OtCapture * c)
{
  GstCaps *caps;

  g_mutex_lock (&c->lock);
  caps = c->caps ? gst_caps_ref (c->caps) : NULL;
  g_mutex_unlock (&c->lock);
  return caps;
}

GwTestAudio *
ot_capture_get_audio (OtCapture * c)
{
  GwTestAudio *audio;

  g_mutex_lock (&c->lock);
  audio = gw_test_audio_new_s16 ((const gint16 *) c->samples->data,
      c->samples->len / 2, 48000, 1);
  g_mutex_unlock (&c->lock);
  return audio;
}
