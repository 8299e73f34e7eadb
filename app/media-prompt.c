/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The prompt player of a call's audiomixer.
 *
 * A small GstPushSrc, not appsrc, for three reasons:
 * - While idle it pushes nothing at all and its thread sleeps on a condition:
 *   no wake-up per packet for the 99.9 % of a call without a prompt.  The
 *   mixer (force-live) treats the empty pad like any absent stream: it mixes
 *   at its deadline without waiting for it.
 * - A new prompt interrupts the old at the next 20 ms slice.  With appsrc the
 *   queued remainder could only be dropped by flushing, and a flush would
 *   reach the mixer's pad and reset its segment.
 * - It stamps every slice itself in running time and releases it on the
 *   clock shortly (LEAD) before it is due: the mixer gets the prompt in
 *   time, contiguous within a play, and little of it is committed when a
 *   new play or stop comes.
 * Slices share the embedded PCM (gst_buffer_copy_region shares memory): no
 * sample is ever copied.
 */
#include "media-prompt.h"

GST_DEBUG_CATEGORY_STATIC (gw_media_prompt_debug);
#define GST_CAT_DEFAULT gw_media_prompt_debug

/* A slice per ptime, as the mixer's output-buffer-duration. */
#define SLICE_SAMPLES (GW_PROMPT_RATE / 50)
#define SLICE_BYTES (SLICE_SAMPLES * GW_PROMPT_BYTES_PER_SAMPLE)
/* A slice leaves this long before its time: the mixer holds it on its pad
 * and does not have to mix without it when this thread wakes up late on a
 * busy machine.  A new play or a stop takes effect this much later. */
#define LEAD (40 * GST_MSECOND)

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (GW_PROMPT_CAPS));

struct _GwMediaPrompt
{
  GstPushSrc parent;

  GMutex lock;
  GCond cond;                   /* pcm, playing or flushing changed */
  /* All below guarded by lock. */
  GstBuffer *pcm;               /* the whole prompt playing; NULL: idle */
  GwPrompt prompt;              /* which one, for logs */
  gsize offset;                 /* bytes of pcm already pushed */
  /* A run is the contiguous stretch of slices from a play on an idle
   * element to the end of the last prompt (interruptions continue it). */
  GstClockTime run_start;       /* running time; NONE: no run */
  guint64 run_samples;          /* samples pushed in this run */
  GstClockTime last_end;        /* end of the last slice pushed, or NONE */
  GstClockID clock_id;          /* the wait in progress, to unschedule */
  gboolean playing;             /* the element is PLAYING */
  gboolean flushing;            /* unlock: leave create now */
};

G_DEFINE_TYPE (GwMediaPrompt, gw_media_prompt, GST_TYPE_PUSH_SRC);

static void
gw_media_prompt_init (GwMediaPrompt * self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->run_start = GST_CLOCK_TIME_NONE;
  self->last_end = GST_CLOCK_TIME_NONE;
  gst_base_src_set_live (GST_BASE_SRC (self), TRUE);
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
}

static void
gw_media_prompt_finalize (GObject * object)
{
  GwMediaPrompt *self = GW_MEDIA_PROMPT (object);

  gst_clear_buffer (&self->pcm);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (gw_media_prompt_parent_class)->finalize (object);
}

/* ---- API ---- */

GstElement *
gw_media_prompt_new (const gchar * name)
{
  return g_object_new (GW_TYPE_MEDIA_PROMPT, "name", name, NULL);
}

/* Replaces what plays; the streaming thread takes the next slice from it. */
static void
set_pcm (GwMediaPrompt * self, GstBuffer * pcm, GwPrompt prompt)
{
  GstBuffer *old;

  g_mutex_lock (&self->lock);
  old = self->pcm;
  self->pcm = pcm;
  self->prompt = prompt;
  self->offset = 0;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  gst_clear_buffer (&old);
}

void
gw_media_prompt_play (GwMediaPrompt * self, GwPrompt prompt)
{
  g_autoptr (GBytes) pcm = NULL;

  g_return_if_fail (GW_IS_MEDIA_PROMPT (self));
  g_return_if_fail ((guint) prompt < GW_PROMPT_COUNT);

  GST_INFO_OBJECT (self, "play %s: \"%s\"", gw_prompt_get_nick (prompt),
      gw_prompt_get_text (prompt));
  pcm = gw_prompt_get_pcm (prompt);
  set_pcm (self, gst_buffer_new_wrapped_bytes (pcm), prompt);
}

void
gw_media_prompt_stop (GwMediaPrompt * self)
{
  g_return_if_fail (GW_IS_MEDIA_PROMPT (self));

  GST_INFO_OBJECT (self, "stop");
  set_pcm (self, NULL, 0);
}

/* ---- streaming thread ---- */

/* Running time now, or @fallback without a clock. */
static GstClockTime
running_time_now (GwMediaPrompt * self, GstClockTime fallback)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));
  GstClockTime now, base_time;

  if (clock == NULL)
    return fallback;
  now = gst_clock_get_time (clock);
  base_time = gst_element_get_base_time (GST_ELEMENT (self));
  gst_object_unref (clock);
  return now > base_time ? now - base_time : 0;
}

/* A new run starts now, but never overlaps the previous one: the mixer may
 * already have mixed up to its end. */
static void
start_run (GwMediaPrompt * self)
{
  GstClockTime last_end = GST_CLOCK_TIME_IS_VALID (self->last_end) ?
      self->last_end : 0;

  self->run_start = MAX (running_time_now (self, last_end), last_end);
  self->run_samples = 0;
  GST_DEBUG_OBJECT (self, "run starts at %" GST_TIME_FORMAT,
      GST_TIME_ARGS (self->run_start));
}

static GstClockTime
run_time (GwMediaPrompt * self, guint64 samples)
{
  return self->run_start + gst_util_uint64_scale_int (samples, GST_SECOND,
      GW_PROMPT_RATE);
}

/* Waits, with lock held and released meanwhile, until @running_time.
 * UNSCHEDULED when paused or unlocked during the wait. */
static GstClockReturn
wait_until (GwMediaPrompt * self, GstClockTime running_time)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));
  GstClockReturn ret;
  GstClockID id;

  if (clock == NULL)
    return GST_CLOCK_OK;
  id = gst_clock_new_single_shot_id (clock, running_time +
      gst_element_get_base_time (GST_ELEMENT (self)));
  gst_object_unref (clock);

  self->clock_id = id;
  g_mutex_unlock (&self->lock);
  ret = gst_clock_id_wait (id, NULL);
  g_mutex_lock (&self->lock);
  self->clock_id = NULL;
  gst_clock_id_unref (id);
  return ret;
}

static void
unschedule (GwMediaPrompt * self)
{
  if (self->clock_id != NULL)
    gst_clock_id_unschedule (self->clock_id);
  g_cond_broadcast (&self->cond);
}

/* The next slice of the prompt, from offset; ends the prompt (and the run)
 * when it is the last. */
static GstBuffer *
take_slice (GwMediaPrompt * self, GstClockTime pts)
{
  gsize total = gst_buffer_get_size (self->pcm);
  gsize size = MIN (SLICE_BYTES, total - self->offset);
  GstBuffer *slice;

  slice = gst_buffer_copy_region (self->pcm, GST_BUFFER_COPY_MEMORY,
      self->offset, size);
  if (self->run_samples == 0)
    GST_BUFFER_FLAG_SET (slice, GST_BUFFER_FLAG_DISCONT |
        GST_BUFFER_FLAG_RESYNC);
  self->offset += size;
  self->run_samples += size / GW_PROMPT_BYTES_PER_SAMPLE;
  self->last_end = run_time (self, self->run_samples);
  GST_BUFFER_PTS (slice) = pts;
  GST_BUFFER_DURATION (slice) = self->last_end - pts;

  if (self->offset == total) {
    GST_DEBUG_OBJECT (self, "%s done at %" GST_TIME_FORMAT,
        gw_prompt_get_nick (self->prompt), GST_TIME_ARGS (self->last_end));
    gst_clear_buffer (&self->pcm);
    self->run_start = GST_CLOCK_TIME_NONE;
  }
  return slice;
}

static GstFlowReturn
gw_media_prompt_create (GstPushSrc * src, GstBuffer ** buffer)
{
  GwMediaPrompt *self = GW_MEDIA_PROMPT (src);
  GstFlowReturn ret = GST_FLOW_FLUSHING;

  g_mutex_lock (&self->lock);
  while (!self->flushing) {
    GstClockTime pts;

    if (self->pcm == NULL || !self->playing) {
      /* A stop also ends the run: the next play starts afresh. */
      if (self->pcm == NULL)
        self->run_start = GST_CLOCK_TIME_NONE;
      g_cond_wait (&self->cond, &self->lock);
      continue;
    }
    if (!GST_CLOCK_TIME_IS_VALID (self->run_start))
      start_run (self);
    pts = run_time (self, self->run_samples);
    /* Paused meanwhile: wait again, on the base time of the next PLAYING. */
    if (wait_until (self, pts > LEAD ? pts - LEAD : 0) == GST_CLOCK_UNSCHEDULED)
      continue;
    if (self->flushing || self->pcm == NULL)
      continue;
    *buffer = take_slice (self, pts);
    ret = GST_FLOW_OK;
    break;
  }
  g_mutex_unlock (&self->lock);
  return ret;
}

static gboolean
gw_media_prompt_unlock (GstBaseSrc * src)
{
  GwMediaPrompt *self = GW_MEDIA_PROMPT (src);

  g_mutex_lock (&self->lock);
  self->flushing = TRUE;
  unschedule (self);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
gw_media_prompt_unlock_stop (GstBaseSrc * src)
{
  GwMediaPrompt *self = GW_MEDIA_PROMPT (src);

  g_mutex_lock (&self->lock);
  self->flushing = FALSE;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* Down to READY forgets the prompt and the timeline: running time starts
 * again from zero. */
static gboolean
gw_media_prompt_stop_vfunc (GstBaseSrc * src)
{
  GwMediaPrompt *self = GW_MEDIA_PROMPT (src);

  g_mutex_lock (&self->lock);
  gst_clear_buffer (&self->pcm);
  self->run_start = GST_CLOCK_TIME_NONE;
  self->last_end = GST_CLOCK_TIME_NONE;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* The samples of a slice exist before their time: no latency; and they can
 * wait for ever. */
static gboolean
gw_media_prompt_query (GstBaseSrc * src, GstQuery * query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    gst_query_set_latency (query, TRUE, 0, GST_CLOCK_TIME_NONE);
    return TRUE;
  }
  return GST_BASE_SRC_CLASS (gw_media_prompt_parent_class)->query (src, query);
}

/* basesrc only holds back the buffer our clock wait already released; the
 * wait itself must learn of PAUSED, whose base time is stale. */
static GstStateChangeReturn
gw_media_prompt_change_state (GstElement * element, GstStateChange transition)
{
  GwMediaPrompt *self = GW_MEDIA_PROMPT (element);

  if (transition == GST_STATE_CHANGE_PAUSED_TO_PLAYING
      || transition == GST_STATE_CHANGE_PLAYING_TO_PAUSED) {
    g_mutex_lock (&self->lock);
    self->playing = transition == GST_STATE_CHANGE_PAUSED_TO_PLAYING;
    unschedule (self);
    g_mutex_unlock (&self->lock);
  }
  return GST_ELEMENT_CLASS (gw_media_prompt_parent_class)->change_state
      (element, transition);
}

static void
gw_media_prompt_class_init (GwMediaPromptClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *base_src_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *push_src_class = GST_PUSH_SRC_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gw_media_prompt_debug, "gwmediaprompt", 0,
      "prompt player of a call's mixer");

  object_class->finalize = gw_media_prompt_finalize;
  element_class->change_state = gw_media_prompt_change_state;
  base_src_class->unlock = gw_media_prompt_unlock;
  base_src_class->unlock_stop = gw_media_prompt_unlock_stop;
  base_src_class->stop = gw_media_prompt_stop_vfunc;
  base_src_class->query = gw_media_prompt_query;
  push_src_class->create = gw_media_prompt_create;

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Prompt player",
      "Source/Audio", "Speaks the gateway's announcements on request, "
      "silent (no buffers) otherwise", "ot-sip-gateway");
}
