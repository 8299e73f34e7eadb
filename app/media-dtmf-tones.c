/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DTMF sender's in-band player, for a far end without telephone-event:
 * the tone pairs are added to the mix (a buffer per ptime, before the
 * resampler and encoder), sample-exact in length, with the phase carried
 * across buffers.  Nothing is touched, not even mapped, while the queue is
 * empty. */
#include <math.h>

#include "media-dtmf-private.h"

GST_DEBUG_CATEGORY_STATIC (gw_media_dtmf_tones_debug);
#define GST_CAT_DEFAULT gw_media_dtmf_tones_debug

/* Each tone of an in-band pair, peak: about -10 dBFS, well above speech
 * mixed with it and below clipping for the pair. */
#define TONE_AMPLITUDE (0.3 * G_MAXINT16)

/* Low and high frequencies (Hz) by event code (ITU-T Q.23). */
static const guint16 tone_pairs[16][2] = {
  {941, 1336}, {697, 1209}, {697, 1336}, {697, 1477},
  {770, 1209}, {770, 1336}, {770, 1477}, {852, 1209},
  {852, 1336}, {852, 1477}, {941, 1209}, {941, 1477},
  {697, 1633}, {770, 1633}, {852, 1633}, {941, 1633},
};

static void
add_tones (GwMediaDtmfSender * self, gint16 * samples, guint n)
{
  gdouble w_low = 2 * G_PI * tone_pairs[self->event][0] / self->rate;
  gdouble w_high = 2 * G_PI * tone_pairs[self->event][1] / self->rate;

  for (guint i = 0; i < n; i++) {
    gdouble t = (gdouble) (self->elapsed + i);
    gdouble v = GINT16_FROM_LE (samples[i]) +
        TONE_AMPLITUDE * (sin (w_low * t) + sin (w_high * t));

    samples[i] = GINT16_TO_LE ((gint16) CLAMP (lrint (v), G_MININT16,
            G_MAXINT16));
  }
}

/* Plays the queue into n samples of the mix. */
static void
play_inband (GwMediaDtmfSender * self, gint16 * samples, guint n)
{
  guint done = 0;

  while (done < n) {
    guint64 left = n - done, tone =
        gw_media_dtmf_ms_to_ticks (self, GW_MEDIA_DTMF_TONE_MS);
    guint take;

    if (self->phase == PHASE_IDLE && !gw_media_dtmf_sender_next (self))
      return;
    if (self->phase == PHASE_TONE) {
      take = MIN (left, tone - self->elapsed);
      add_tones (self, samples + done, take);
      self->elapsed += take;
      if (self->elapsed >= tone)
        self->phase = PHASE_GAP;
    } else {
      guint ms = self->phase == PHASE_PAUSE ? GW_MEDIA_DTMF_PAUSE_MS :
          GW_MEDIA_DTMF_GAP_MS;

      take = MIN (left, gw_media_dtmf_ms_to_ticks (self, ms) - self->silent);
      gw_media_dtmf_sender_add_silence (self, take);
    }
    done += take;
  }
}

/* The mix is S16LE mono (sip-session.pipeline's caps after the mixer). */
static gboolean
read_mix_format (GwMediaDtmfSender * self, GstPad * pad)
{
  static gsize debug_done = 0;

  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  GstStructure *s = caps ? gst_caps_get_structure (caps, 0) : NULL;
  gint rate = 0, channels = 0;

  if (g_once_init_enter (&debug_done)) {
    GST_DEBUG_CATEGORY_INIT (gw_media_dtmf_tones_debug, "gwmediadtmftones",
        0, "DTMF tones mixed into what the far end hears");
    g_once_init_leave (&debug_done, 1);
  }
  if (s == NULL || g_strcmp0 (gst_structure_get_string (s, "format"),
          "S16LE") != 0 || !gst_structure_get_int (s, "channels", &channels)
      || channels != 1 || !gst_structure_get_int (s, "rate", &rate)
      || rate <= 0) {
    GST_ERROR ("call %s: cannot add DTMF tones to %" GST_PTR_FORMAT,
        self->name, caps);
    self->unusable = TRUE;
    return FALSE;
  }
  self->rate = rate;
  return TRUE;
}

GstPadProbeReturn
gw_media_dtmf_tones_probe (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  GwMediaDtmfSender *self = user_data;
  GstBuffer *buffer;
  GstMapInfo map;

  g_mutex_lock (&self->lock);
  if ((self->phase == PHASE_IDLE && self->queue->len == 0) || self->unusable
      || (self->rate == 0 && !read_mix_format (self, pad))) {
    g_mutex_unlock (&self->lock);
    return GST_PAD_PROBE_OK;
  }
  buffer = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  info->data = buffer;
  if (gst_buffer_map (buffer, &map, GST_MAP_READWRITE)) {
    play_inband (self, (gint16 *) map.data, map.size / sizeof (gint16));
    gst_buffer_unmap (buffer, &map);
    /* Not silence any more: the resampler and encoder must not skip it. */
    GST_BUFFER_FLAG_UNSET (buffer, GST_BUFFER_FLAG_GAP);
  }
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_OK;
}
