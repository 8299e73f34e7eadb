/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The prompt player's test graph and measures (prompt-test-mixer.h). */
#include <gst/check/gstcheck.h>
#include <string.h>

#include "prompt-test-mixer.h"

#define WAIT_MS 15000
#define WATCH_US 5000
/* Lateness of a wake-up that is only scheduling noise. */
#define NOISE_US 15000
/* What a stall may cost the mixer beyond its length: the slices it holds. */
#define STALL_MARGIN_S 0.1

static gpointer
watch_stalls (gpointer data)
{
  PtMixer *m = data;

  while (!g_atomic_int_get (&m->stop_watch)) {
    gint64 before = g_get_monotonic_time (), late;

    g_usleep (WATCH_US);
    late = g_get_monotonic_time () - before - WATCH_US;
    if (late > NOISE_US)
      g_atomic_pointer_add (&m->stalled_us, late);
  }
  return NULL;
}

/* Which prompt a slice's memory belongs to, and where in it: a slice must
 * be the embedded data itself, never a copy. */
static void
locate (PtSlice * slice, const guint8 * data, gsize size)
{
  slice->prompt = -1;
  for (guint p = 0; p < GW_PROMPT_COUNT; p++) {
    g_autoptr (GBytes) pcm = gw_prompt_get_pcm (p);
    gsize n;
    const guint8 *start = g_bytes_get_data (pcm, &n);

    if (data >= start && data + size <= start + n) {
      slice->prompt = p;
      slice->offset = (data - start) / 2;
    }
  }
}

static GstPadProbeReturn
log_slice (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  PtMixer *m = data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  PtSlice slice = { 0, };
  GstMapInfo map;

  slice.pts = GST_BUFFER_PTS (buffer);
  slice.duration = GST_BUFFER_DURATION (buffer);
  slice.discont = GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DISCONT);
  gst_buffer_map (buffer, &map, GST_MAP_READ);
  slice.samples = map.size / 2;
  locate (&slice, map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  g_mutex_lock (&m->lock);
  g_array_append_val (m->slices, slice);
  g_mutex_unlock (&m->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
collect (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  PtMixer *m = data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  GstMapInfo map;

  gst_buffer_map (buffer, &map, GST_MAP_READ);
  g_mutex_lock (&m->lock);
  /* The output maps to running time by its sample count, from the first
   * buffer's stamp.  audiomixer 1.22 (force-live) now and then restamps its
   * early buffers, its samples staying in place (and after READY and back
   * it may stamp a few on the old timeline): a stamp going back is only
   * logged.  A stamp jumping ahead is a stretch it skipped: silence. */
  if (!GST_CLOCK_TIME_IS_VALID (m->first_pts))
    m->first_pts = pts;
  else if (pts != m->next_pts) {
    GST_INFO ("output at %" GST_TIME_FORMAT ", expected %" GST_TIME_FORMAT,
        GST_TIME_ARGS (pts), GST_TIME_ARGS (m->next_pts));
    m->gaps++;
    if (pts > m->next_pts && !m->restarted)
      g_array_set_size (m->out, m->out->len + gst_util_uint64_scale
          (pts - m->next_pts, PT_RATE, GST_SECOND));
  }
  m->next_pts = pts + GST_BUFFER_DURATION (buffer);
  g_array_append_vals (m->out, map.data, map.size / 2);
  g_mutex_unlock (&m->lock);
  gst_buffer_unmap (buffer, &map);
  return GST_PAD_PROBE_OK;
}

static void
add_probe (GstElement * element, const gchar * pad_name,
    GstPadProbeCallback callback, PtMixer * m)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (element, pad_name);

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, callback, m, NULL);
}

PtMixer *
pt_mixer_new (gboolean tone)
{
  PtMixer *m = g_new0 (PtMixer, 1);
  g_autofree gchar *desc = g_strdup_printf ("audiomixer name=mixer "
      "force-live=true output-buffer-duration=20000000 ! "
      "audio/x-raw,format=S16LE,rate=48000,channels=1 ! "
      "fakesink name=sink sync=false "
      "audiotestsrc is-live=true samplesperbuffer=960 %s ! "
      "audio/x-raw,format=S16LE,rate=48000,channels=1 ! mixer.",
      tone ? "freq=440 volume=0.01" : "wave=silence");
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) mixer = NULL;
  g_autoptr (GstElement) sink = NULL;

  g_mutex_init (&m->lock);
  m->slices = g_array_new (FALSE, FALSE, sizeof (PtSlice));
  m->out = g_array_new (FALSE, FALSE, sizeof (gint16));
  m->first_pts = GST_CLOCK_TIME_NONE;
  m->pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  m->prompt = gw_media_prompt_new ("prompt");
  fail_unless (GW_IS_MEDIA_PROMPT (m->prompt));
  add_probe (m->prompt, "src", log_slice, m);
  gst_bin_add (GST_BIN (m->pipeline), m->prompt);
  mixer = gst_bin_get_by_name (GST_BIN (m->pipeline), "mixer");
  fail_unless (gst_element_link (m->prompt, mixer));
  sink = gst_bin_get_by_name (GST_BIN (m->pipeline), "sink");
  add_probe (sink, "sink", collect, m);
  m->watch = g_thread_new ("stall-watch", watch_stalls, m);
  return m;
}

void
pt_mixer_free (PtMixer * m)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (m->pipeline);
  g_autoptr (GstMessage) error = NULL;

  pt_mixer_set_state (m, GST_STATE_NULL);
  g_atomic_int_set (&m->stop_watch, 1);
  g_thread_join (m->watch);
  error = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (error == NULL, "error on the bus: %" GST_PTR_FORMAT, error);
  for (guint i = 0; i < m->slices->len; i++)
    fail_unless (g_array_index (m->slices, PtSlice, i).prompt >= 0,
        "slice %u is a copy", i);
  gst_object_unref (m->pipeline);
  g_array_unref (m->slices);
  g_array_unref (m->out);
  g_mutex_clear (&m->lock);
  g_free (m);
}

GwMediaPrompt *
pt_mixer_prompt (PtMixer * m)
{
  return GW_MEDIA_PROMPT (m->prompt);
}

void
pt_mixer_set_state (PtMixer * m, GstState state)
{
  GstStateChangeReturn ret = gst_element_set_state (m->pipeline, state);

  if (ret == GST_STATE_CHANGE_ASYNC)
    ret = gst_element_get_state (m->pipeline, NULL, NULL, 5 * GST_SECOND);
  fail_unless (ret == GST_STATE_CHANGE_SUCCESS
      || ret == GST_STATE_CHANGE_NO_PREROLL, "state change: %d", ret);
}

GstClockTime
pt_mixer_running_time (PtMixer * m)
{
  g_autoptr (GstClock) clock = gst_element_get_clock (m->pipeline);

  fail_unless (clock != NULL);
  return gst_clock_get_time (clock) - gst_element_get_base_time (m->pipeline);
}

static GstClockTime
output_end (PtMixer * m)
{
  GstClockTime end;

  g_mutex_lock (&m->lock);
  end = m->out->len == 0 ? GST_CLOCK_TIME_NONE : m->first_pts +
      gst_util_uint64_scale_int (m->out->len, GST_SECOND, PT_RATE);
  g_mutex_unlock (&m->lock);
  return end;
}

void
pt_mixer_wait_output (PtMixer * m, GstClockTime until)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (!GST_CLOCK_TIME_IS_VALID (output_end (m)) || output_end (m) < until) {
    fail_unless (g_get_monotonic_time () < deadline,
        "the mixer stopped at %" GST_TIME_FORMAT,
        GST_TIME_ARGS (output_end (m)));
    g_usleep (5000);
  }
}

void
pt_mixer_wait_more (PtMixer * m, guint ms)
{
  pt_mixer_wait_output (m, pt_mixer_running_time (m) + ms * GST_MSECOND);
}

void
pt_mixer_restart_output (PtMixer * m)
{
  g_mutex_lock (&m->lock);
  g_array_set_size (m->out, 0);
  m->first_pts = GST_CLOCK_TIME_NONE;
  m->restarted = TRUE;
  g_mutex_unlock (&m->lock);
}

GstClockTime
pt_mixer_stalled (PtMixer * m)
{
  return g_atomic_pointer_get (&m->stalled_us) * GST_USECOND;
}

gdouble
pt_mixer_seconds_of (PtMixer * m, gsize index)
{
  return (gdouble) m->first_pts / GST_SECOND + (gdouble) index / PT_RATE;
}

GwTestAudio *
pt_mixer_audio (PtMixer * m, GstClockTime from, gdouble seconds)
{
  gsize first = from <= m->first_pts ? 0 :
      gst_util_uint64_scale (from - m->first_pts, PT_RATE, GST_SECOND);
  gsize n = MIN ((gsize) (seconds * PT_RATE), m->out->len - first);

  fail_unless (first < m->out->len);
  return gw_test_audio_new_s16 (&g_array_index (m->out, gint16, first), n,
      PT_RATE, 1);
}

/* ---- the player's slices ---- */

guint
pt_slices_count (PtMixer * m)
{
  guint n;

  g_mutex_lock (&m->lock);
  n = m->slices->len;
  g_mutex_unlock (&m->lock);
  return n;
}

PtSlice
pt_slice (PtMixer * m, guint i)
{
  PtSlice slice;

  g_mutex_lock (&m->lock);
  fail_unless (i < m->slices->len, "no slice %u of %u", i, m->slices->len);
  slice = g_array_index (m->slices, PtSlice, i);
  g_mutex_unlock (&m->lock);
  return slice;
}

void
pt_assert_follows (PtMixer * m, guint i)
{
  PtSlice before = pt_slice (m, i - 1), slice = pt_slice (m, i);

  fail_unless (slice.pts == before.pts + before.duration,
      "slice %u at %" GST_TIME_FORMAT ", expected %" GST_TIME_FORMAT, i,
      GST_TIME_ARGS (slice.pts), GST_TIME_ARGS (before.pts + before.duration));
  fail_unless (!slice.discont, "slice %u is a DISCONT", i);
}

void
pt_assert_slices (PtMixer * m, guint first, guint n, GwPrompt prompt,
    gsize offset)
{
  g_autoptr (GBytes) pcm = gw_prompt_get_pcm (prompt);
  gsize total = g_bytes_get_size (pcm) / 2;

  for (guint i = first; i < first + n; i++) {
    PtSlice slice = pt_slice (m, i);

    fail_unless_equals_int (slice.prompt, prompt);
    fail_unless_equals_uint64 (slice.offset, offset);
    fail_unless_equals_uint64 (slice.samples, MIN (PT_SLICE, total - offset));
    /* Stamped from the run's sample count: within a nanosecond. */
    fail_unless (ABS ((gint64) slice.duration - (gint64)
            gst_util_uint64_scale_int (slice.samples, GST_SECOND,
                PT_RATE)) <= 1);
    if (i > first)
      pt_assert_follows (m, i);
    offset += slice.samples;
  }
}

/* ---- the output against a prompt's samples ---- */

PtPcm
pt_pcm (GwPrompt prompt)
{
  PtPcm pcm;

  pcm.bytes = gw_prompt_get_pcm (prompt);
  pcm.s = g_bytes_get_data (pcm.bytes, &pcm.n);
  pcm.n /= 2;
  return pcm;
}

void
pt_pcm_clear (PtPcm * pcm)
{
  g_clear_pointer (&pcm->bytes, g_bytes_unref);
}

static gsize
first_sound (const gint16 * s, gsize from, gsize n)
{
  while (from < n && s[from] == 0)
    from++;
  return from;
}

/* Aligned on the first sound, which need not be the prompt's first sound
 * (the mixer may have dropped that slice): the place in the prompt whose
 * next 10 ms are exactly what follows in the output. */
gsize
pt_find_start (PtMixer * m, gsize from, const PtPcm * pcm)
{
  const gint16 *out = (const gint16 *) m->out->data;
  gsize sound = first_sound (out, from, m->out->len);
  gsize span = PT_SLICE / 2;

  fail_unless (sound + span <= m->out->len, "no sound after %.3f s",
      pt_mixer_seconds_of (m, from));
  for (gsize k = 0; k + span <= pcm->n && k <= sound; k++) {
    if (memcmp (out + sound, pcm->s + k, span * 2) == 0)
      return sound - k;
  }
  fail ("the sound at %.3f s is not the prompt's",
      pt_mixer_seconds_of (m, sound));
  return 0;
}

gsize
pt_first_difference (PtMixer * m, gsize at, const PtPcm * pcm, gsize from)
{
  const gint16 *out = (const gint16 *) m->out->data;
  gsize k = from;

  while (at + k < m->out->len && (out[at + k] == 0 || (k < pcm->n
              && out[at + k] == pcm->s[k])))
    k++;
  return k;
}

void
pt_assert_prompt_excusing (PtMixer * m, gsize at, const PtPcm * pcm,
    gsize from, gsize to, gdouble excused)
{
  const gint16 *out = (const gint16 *) m->out->data;
  gdouble stalled, hole_s;
  gsize holes = 0;

  fail_unless (to <= pcm->n && at + to <= m->out->len,
      "the output ends %.3f s into the prompt", (m->out->len - at) /
      (gdouble) PT_RATE);
  for (gsize k = from; k < to; k++) {
    if (out[at + k] == pcm->s[k])
      continue;
    fail_unless (out[at + k] == 0, "%.3f s into the prompt at %.3f s: %d, "
        "not %d", k / (gdouble) PT_RATE, pt_mixer_seconds_of (m, at),
        out[at + k], pcm->s[k]);
    holes++;
  }
  if (holes == 0)
    return;
  stalled = g_atomic_pointer_get (&m->stalled_us) / 1e6;
  hole_s = holes / (gdouble) PT_RATE;
  GST_WARNING ("%.3f s of silence in %.3f s of prompt; the process was "
      "starved for %.3f s, %.3f s excused", hole_s, (to - from) /
      (gdouble) PT_RATE, stalled, excused);
  fail_unless (hole_s <= excused + (stalled > 0 ? stalled + STALL_MARGIN_S :
          0), "%.3f s of silence in %.3f s of prompt, starved for %.3f s",
      hole_s, (to - from) / (gdouble) PT_RATE, stalled);
}

void
pt_assert_prompt (PtMixer * m, gsize at, const PtPcm * pcm, gsize from,
    gsize to)
{
  pt_assert_prompt_excusing (m, at, pcm, from, to, 0);
}

void
pt_assert_silent (PtMixer * m, gsize from, gsize to)
{
  gsize sound = first_sound ((const gint16 *) m->out->data, from, to);

  fail_unless (sound == to, "sound at %.3f s", pt_mixer_seconds_of (m, sound));
}
