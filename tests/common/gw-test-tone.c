/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Measurements on PCM for end-to-end tests.  The spectrum is Welch's
 * method: Hann-windowed FFT frames (gst_fft, ~5 Hz bins at any rate) with
 * 50 % overlap, their power averaged.  Averaging makes the peak robust to
 * codec noise and to a few lost packets; the peak is refined by a parabola
 * through the log power of its neighbours, which is accurate to a small
 * fraction of a bin for a Hann window. */
#include "gw-test-tone.h"

#include <gst/fft/gstfftf32.h>
#include <math.h>
#include <string.h>

/* Frequencies below this are rumble or DC, never a test tone. */
#define LOW_CUT_HZ 20.0
/* Level windows of 20 ms: one RTP packet of audio. */
#define WINDOWS_PER_SECOND 50

static GwTestAudio *
audio_alloc (guint rate, guint channels, gsize n_frames)
{
  GwTestAudio *audio;

  g_return_val_if_fail (rate > 0 && channels > 0, NULL);
  audio = g_new0 (GwTestAudio, 1);
  audio->rate = rate;
  audio->channels = channels;
  audio->n_frames = n_frames;
  audio->data = g_new0 (gfloat, MAX (n_frames * channels, 1));
  return audio;
}

/**
 * gw_test_audio_new_s16:
 * Copies interleaved S16 (host order) samples.
 */
GwTestAudio *
gw_test_audio_new_s16 (const gint16 * samples, gsize n_frames, guint rate,
    guint channels)
{
  GwTestAudio *audio = audio_alloc (rate, channels, n_frames);

  for (gsize i = 0; audio && i < n_frames * channels; i++)
    audio->data[i] = samples[i] / 32768.0f;
  return audio;
}

/**
 * gw_test_audio_new_tones:
 * A sum of sines, the same in every channel; each of the @n_freqs tones has
 * amplitude @amplitude / @n_freqs, so the sum never clips.
 */
GwTestAudio *
gw_test_audio_new_tones (guint rate, guint channels, gdouble seconds,
    gdouble amplitude, const gdouble * freqs, guint n_freqs)
{
  gsize n_frames = (gsize) llround (seconds * rate);
  GwTestAudio *audio = audio_alloc (rate, channels, n_frames);

  for (gsize i = 0; audio && i < n_frames; i++) {
    gdouble v = 0;

    for (guint f = 0; f < n_freqs; f++)
      v += sin (2 * G_PI * freqs[f] * i / rate);
    for (guint c = 0; c < channels; c++)
      audio->data[i * channels + c] = amplitude * v / MAX (n_freqs, 1);
  }
  return audio;
}

GwTestAudio *
gw_test_audio_copy_channel (const GwTestAudio * audio, guint channel)
{
  GwTestAudio *mono;

  g_return_val_if_fail (channel < audio->channels, NULL);
  mono = audio_alloc (audio->rate, 1, audio->n_frames);
  for (gsize i = 0; i < audio->n_frames; i++)
    mono->data[i] = audio->data[i * audio->channels + channel];
  return mono;
}

/**
 * gw_test_audio_slice:
 * @start: seconds to skip
 * @length: seconds to keep, negative for "up to the end"
 *
 * Returns: (transfer full): a copy of the part that exists (maybe empty).
 */
GwTestAudio *
gw_test_audio_slice (const GwTestAudio * audio, gdouble start, gdouble length)
{
  gsize first = MIN ((gsize) llround (MAX (start, 0) * audio->rate),
      audio->n_frames);
  gsize n = audio->n_frames - first;
  GwTestAudio *part;

  if (length >= 0)
    n = MIN (n, (gsize) llround (length * audio->rate));
  part = audio_alloc (audio->rate, audio->channels, n);
  memcpy (part->data, audio->data + first * audio->channels,
      n * audio->channels * sizeof (gfloat));
  return part;
}

gdouble
gw_test_audio_duration (const GwTestAudio * audio)
{
  return (gdouble) audio->n_frames / audio->rate;
}

void
gw_test_audio_free (GwTestAudio * audio)
{
  if (!audio)
    return;
  g_free (audio->data);
  g_free (audio);
}

static gdouble
power_to_dbfs (gdouble mean_square)
{
  if (mean_square <= 0)
    return GW_TEST_TONE_FLOOR_DBFS;
  return MAX (10 * log10 (mean_square), GW_TEST_TONE_FLOOR_DBFS);
}

static gdouble
mean_square (const gfloat * data, gsize n)
{
  gdouble sum = 0;

  for (gsize i = 0; i < n; i++)
    sum += (gdouble) data[i] * data[i];
  return n ? sum / n : 0;
}

/**
 * gw_test_tone_rms_dbfs:
 * RMS over all samples of all channels, in dB relative to full scale
 * (a full-scale square wave is 0 dBFS, a full-scale sine -3 dBFS).
 * Digital silence and empty audio give %GW_TEST_TONE_FLOOR_DBFS.
 */
gdouble
gw_test_tone_rms_dbfs (const GwTestAudio * audio)
{
  return power_to_dbfs (mean_square (audio->data,
          audio->n_frames * audio->channels));
}

/**
 * gw_test_tone_is_silent:
 * @threshold_dbfs: e.g. %GW_TEST_TONE_SILENCE_DBFS
 */
gboolean
gw_test_tone_is_silent (const GwTestAudio * audio, gdouble threshold_dbfs)
{
  return gw_test_tone_rms_dbfs (audio) < threshold_dbfs;
}

/* Even FFT length (gst_fft needs it) giving bins of about 5 Hz. */
static gint
fft_length (guint rate)
{
  gint n = gst_fft_next_fast_length (MAX (rate / 5, 64));

  while (n % 2)
    n = gst_fft_next_fast_length (n + 1);
  return n;
}

/* Welch power spectrum of the channels' average: nfft / 2 + 1 bins. */
static gdouble *
welch_power (const GwTestAudio * audio, gint * out_nfft)
{
  gint nfft = fft_length (audio->rate);
  gsize n = audio->n_frames;
  GstFFTF32 *fft = gst_fft_f32_new (nfft, FALSE);
  g_autofree gfloat *frame = g_new (gfloat, nfft);
  g_autofree GstFFTF32Complex *freq = g_new (GstFFTF32Complex, nfft / 2 + 1);
  gdouble *power = g_new0 (gdouble, nfft / 2 + 1);

  for (gsize start = 0; start == 0 || start + nfft <= n; start += nfft / 2) {
    for (gint i = 0; i < nfft; i++) {
      gfloat sum = 0;

      for (guint c = 0; start + i < n && c < audio->channels; c++)
        sum += audio->data[(start + i) * audio->channels + c];
      frame[i] = sum / audio->channels;
    }
    gst_fft_f32_window (fft, frame, GST_FFT_WINDOW_HANN);
    gst_fft_f32_fft (fft, frame, freq);
    for (gint k = 0; k <= nfft / 2; k++)
      power[k] += (gdouble) freq[k].r * freq[k].r +
          (gdouble) freq[k].i * freq[k].i;
  }
  gst_fft_f32_free (fft);
  *out_nfft = nfft;
  return power;
}

/**
 * gw_test_tone_dominant_frequency:
 * @min_hz, @max_hz: the range to search (clamped to 20 Hz .. rate / 2)
 *
 * Returns: the frequency with the most power in the range, in Hz, or 0 when
 * the range holds no power at all.
 */
gdouble
gw_test_tone_dominant_frequency (const GwTestAudio * audio, gdouble min_hz,
    gdouble max_hz)
{
  gint nfft;
  g_autofree gdouble *power = welch_power (audio, &nfft);
  gdouble bin = (gdouble) audio->rate / nfft;
  gint lo = MAX ((gint) ceil (MAX (min_hz, LOW_CUT_HZ) / bin), 1);
  gint hi = MIN ((gint) floor (max_hz / bin), nfft / 2 - 1);
  gint best = -1;
  gdouble a, b, c, den;

  for (gint k = lo; k <= hi; k++)
    if (power[k] > 0 && (best < 0 || power[k] > power[best]))
      best = k;
  if (best < 0)
    return 0;
  /* Parabolic interpolation of the log power around the peak bin. */
  a = log (power[best - 1] + 1e-30);
  b = log (power[best] + 1e-30);
  c = log (power[best + 1] + 1e-30);
  den = a - 2 * b + c;
  return (best + (den < 0 ? 0.5 * (a - c) / den : 0)) * bin;
}

/**
 * gw_test_tone_power_fraction:
 * @tolerance_hz: how far from @freq still counts (the window's main lobe,
 *   ±2 bins, is always added)
 *
 * Returns: the share (0..1) of the power above 20 Hz that lies near @freq.
 * A pure tone gives about 1, each tone of an equal two-tone mix about 0.5.
 */
gdouble
gw_test_tone_power_fraction (const GwTestAudio * audio, gdouble freq,
    gdouble tolerance_hz)
{
  gint nfft;
  g_autofree gdouble *power = welch_power (audio, &nfft);
  gdouble bin = (gdouble) audio->rate / nfft;
  gdouble reach = tolerance_hz + 2 * bin;
  gdouble total = 0, near = 0;

  for (gint k = 0; k <= nfft / 2; k++) {
    if (k * bin < LOW_CUT_HZ)
      continue;
    total += power[k];
    if (fabs (k * bin - freq) <= reach)
      near += power[k];
  }
  return total > 0 ? near / total : 0;
}

static gboolean
window_active (const GwTestAudio * audio, gsize w, gsize frames,
    gdouble threshold_dbfs)
{
  gsize first = w * frames;
  gsize n = MIN (frames, audio->n_frames - first);

  return power_to_dbfs (mean_square (audio->data + first * audio->channels,
          n * audio->channels)) >= threshold_dbfs;
}

/**
 * gw_test_tone_segments:
 * @threshold_dbfs: level (per 20 ms window) that counts as active
 * @min_gap: quieter stretches shorter than this (seconds) do not split a
 *   segment
 *
 * Returns: (transfer full) (element-type GwTestSegment): the active
 * segments in order.
 */
GArray *
gw_test_tone_segments (const GwTestAudio * audio, gdouble threshold_dbfs,
    gdouble min_gap)
{
  GArray *segments = g_array_new (FALSE, FALSE, sizeof (GwTestSegment));
  gsize frames = MAX (audio->rate / WINDOWS_PER_SECOND, 1);
  gsize n_windows = (audio->n_frames + frames - 1) / frames;
  gdouble duration = gw_test_audio_duration (audio);

  for (gsize w = 0; w < n_windows; w++) {
    GwTestSegment seg;

    if (!window_active (audio, w, frames, threshold_dbfs))
      continue;
    seg.start = (gdouble) w *frames / audio->rate;
    seg.end = MIN ((gdouble) (w + 1) * frames / audio->rate, duration);
    if (segments->len > 0) {
      GwTestSegment *last = &g_array_index (segments, GwTestSegment,
          segments->len - 1);

      if (seg.start - last->end < min_gap + 1e-9) {
        last->end = seg.end;
        continue;
      }
    }
    g_array_append_val (segments, seg);
  }
  return segments;
}

/**
 * gw_test_tone_active_seconds:
 * Returns: how long the audio is at or above @threshold_dbfs, counted in
 * 20 ms windows.
 */
gdouble
gw_test_tone_active_seconds (const GwTestAudio * audio, gdouble threshold_dbfs)
{
  g_autoptr (GArray) segments = gw_test_tone_segments (audio, threshold_dbfs,
      0);
  gdouble total = 0;

  for (guint i = 0; i < segments->len; i++) {
    GwTestSegment *seg = &g_array_index (segments, GwTestSegment, i);

    total += seg->end - seg->start;
  }
  return total;
}

/**
 * gw_test_tone_describe:
 * Returns: (transfer full): a one-line summary for assertion messages.
 */
gchar *
gw_test_tone_describe (const GwTestAudio * audio)
{
  return g_strdup_printf ("%.2f s at %u Hz x %u ch, %.1f dBFS, dominant "
      "%.1f Hz", gw_test_audio_duration (audio), audio->rate, audio->channels,
      gw_test_tone_rms_dbfs (audio),
      gw_test_tone_dominant_frequency (audio, LOW_CUT_HZ, audio->rate / 2.0));
}
