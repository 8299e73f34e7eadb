/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The embedded announcements (prompts.c): they exist, say the right words,
 * last a plausible time, sit at speech level without clipping, start and end
 * promptly, and sound like speech (broadband, syllabic), not like a tone. */
#include <gst/check/gstcheck.h>
#include <gst/fft/gstfftf32.h>
#include <math.h>
#include <string.h>

#include "gw-test-tone.h"
#include "prompts.h"

#define FULL_SCALE 32768.0

typedef struct
{
  GwPrompt prompt;
  const gchar *nick;
  const gchar *text;
  gdouble min_seconds;
  gdouble max_seconds;
} Expected;

static const Expected expected[] = {
  {GW_PROMPT_FORCE_MUTED, "force-muted",
      "You have been muted by the host. Press star six to unmute.", 2.5, 6.0},
  {GW_PROMPT_MUTED, "muted", "You are muted.", 0.6, 3.0},
  {GW_PROMPT_UNMUTED, "unmuted", "You are unmuted.", 0.6, 3.0},
};

static GwTestAudio *
prompt_audio (GwPrompt prompt)
{
  g_autoptr (GBytes) pcm = gw_prompt_get_pcm (prompt);
  gsize size;
  const gint16 *samples = g_bytes_get_data (pcm, &size);

  return gw_test_audio_new_s16 (samples, size / 2, GW_PROMPT_RATE, 1);
}

static gdouble
dbfs (gdouble amplitude)
{
  return 20 * log10 (amplitude / FULL_SCALE);
}

GST_START_TEST (test_words_and_length)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
    const Expected *e = &expected[i];
    g_autoptr (GBytes) pcm = gw_prompt_get_pcm (e->prompt);
    gsize size = g_bytes_get_size (pcm);
    gdouble seconds = (gdouble) size / 2 / GW_PROMPT_RATE;

    GST_INFO ("%s: %.3f s", e->nick, seconds);
    fail_unless_equals_string (gw_prompt_get_nick (e->prompt), e->nick);
    fail_unless_equals_string (gw_prompt_get_text (e->prompt), e->text);
    fail_unless (size % 2 == 0);
    /* Played in place as S16: the embedded data must be aligned for it. */
    fail_unless ((guintptr) g_bytes_get_data (pcm, NULL) % 2 == 0);
    fail_unless (seconds >= e->min_seconds && seconds <= e->max_seconds,
        "%s lasts %.3f s", e->nick, seconds);
    fail_unless_equals_uint64 (gw_prompt_get_duration (e->prompt),
        gst_util_uint64_scale_int (size / 2, GST_SECOND, GW_PROMPT_RATE));
  }
  /* The data is the embedded data, not a copy per call. */
  {
    g_autoptr (GBytes) a = gw_prompt_get_pcm (GW_PROMPT_MUTED);
    g_autoptr (GBytes) b = gw_prompt_get_pcm (GW_PROMPT_MUTED);

    fail_unless (g_bytes_get_data (a, NULL) == g_bytes_get_data (b, NULL));
  }
}

GST_END_TEST;

GST_START_TEST (test_level)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
    g_autoptr (GBytes) pcm = gw_prompt_get_pcm (expected[i].prompt);
    gsize n;
    const gint16 *s = g_bytes_get_data (pcm, &n);
    g_autoptr (GwTestAudio) audio = prompt_audio (expected[i].prompt);
    gdouble rms = gw_test_tone_rms_dbfs (audio);
    gint peak = 0;
    guint clipped = 0;

    n /= 2;
    for (gsize k = 0; k < n; k++) {
      peak = MAX (peak, ABS ((gint) s[k]));
      clipped += s[k] >= G_MAXINT16 || s[k] <= G_MININT16;
    }
    GST_INFO ("%s: RMS %.2f dBFS, peak %.2f dBFS", expected[i].nick, rms,
        dbfs (peak));
    fail_unless (rms > -23 && rms < -17, "RMS %.2f dBFS", rms);
    fail_unless (dbfs (peak) < -1.0 && dbfs (peak) > -9.0, "peak %.2f dBFS",
        dbfs (peak));
    fail_unless_equals_int (clipped, 0);
  }
}

GST_END_TEST;

/* About 100 ms of digital silence at each end, then speech at once. */
GST_START_TEST (test_edges)
{
  const gint16 threshold = FULL_SCALE / 100;    /* -40 dBFS */

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
    g_autoptr (GBytes) pcm = gw_prompt_get_pcm (expected[i].prompt);
    gsize n;
    const gint16 *s = g_bytes_get_data (pcm, &n);
    gsize first = 0, last;
    gdouble lead, tail;

    n /= 2;
    last = n - 1;
    while (first < n && ABS (s[first]) < threshold)
      first++;
    while (last > first && ABS (s[last]) < threshold)
      last--;
    lead = (gdouble) first / GW_PROMPT_RATE;
    tail = (gdouble) (n - 1 - last) / GW_PROMPT_RATE;
    GST_INFO ("%s: %.3f s before, %.3f s after", expected[i].nick, lead, tail);
    fail_unless (lead >= 0.08 && lead <= 0.16, "lead %.3f s", lead);
    fail_unless (tail >= 0.08 && tail <= 0.16, "tail %.3f s", tail);
    fail_unless_equals_int (s[0], 0);
    fail_unless_equals_int (s[n - 1], 0);
  }
}

GST_END_TEST;

/* The standard deviation (dB) of the 20 ms frame levels over the frames
 * within 30 dB of the loudest: a steady tone gives almost 0, speech rises
 * and falls with each syllable. */
static gdouble
envelope_spread_db (const GwTestAudio * audio)
{
  gsize frame = audio->rate / 50, n_frames = audio->n_frames / frame;
  g_autofree gdouble *level = g_new0 (gdouble, n_frames);
  gdouble loudest = -200, sum = 0, sum2 = 0;
  guint used = 0;

  for (gsize f = 0; f < n_frames; f++) {
    g_autoptr (GwTestAudio) part = gw_test_audio_slice (audio,
        (gdouble) f * frame / audio->rate, (gdouble) frame / audio->rate);

    level[f] = gw_test_tone_rms_dbfs (part);
    loudest = MAX (loudest, level[f]);
  }
  for (gsize f = 0; f < n_frames; f++) {
    if (level[f] < loudest - 30)
      continue;
    sum += level[f];
    sum2 += level[f] * level[f];
    used++;
  }
  return used > 1 ? sqrt (sum2 / used - (sum / used) * (sum / used)) : 0;
}

/* Welch power spectrum of @audio (Hamming windows of NFFT, half overlap),
 * NFFT / 2 + 1 bins of rate / NFFT Hz. */
#define NFFT 4096

static gdouble *
power_spectrum (const GwTestAudio * audio)
{
  GstFFTF32 *fft = gst_fft_f32_new (NFFT, FALSE);
  g_autofree gfloat *frame = g_new (gfloat, NFFT);
  g_autofree GstFFTF32Complex *bins = g_new (GstFFTF32Complex, NFFT / 2 + 1);
  gdouble *power = g_new0 (gdouble, NFFT / 2 + 1);

  for (gsize at = 0; at + NFFT <= audio->n_frames; at += NFFT / 2) {
    memcpy (frame, audio->data + at, NFFT * sizeof (gfloat));
    gst_fft_f32_window (fft, frame, GST_FFT_WINDOW_HAMMING);
    gst_fft_f32_fft (fft, frame, bins);
    for (gint k = 0; k <= NFFT / 2; k++)
      power[k] += bins[k].r * bins[k].r + bins[k].i * bins[k].i;
  }
  gst_fft_f32_free (fft);
  return power;
}

typedef struct
{
  gdouble voice_band;           /* share of the power in 300-3000 Hz */
  gdouble strongest;            /* largest share in any 50 Hz band */
  guint bands_used;             /* third-octave bands in 300-3000 Hz with
                                 * at least 1 % of the power */
} Spectrum;

static gdouble
band_share (const gdouble * power, gdouble total, gdouble lo, gdouble hi)
{
  gdouble bin = (gdouble) GW_PROMPT_RATE / NFFT, sum = 0;

  for (gint k = (gint) ceil (lo / bin); k <= NFFT / 2 && k * bin <= hi; k++)
    sum += power[k];
  return sum / total;
}

static Spectrum
measure_spectrum (const GwTestAudio * audio)
{
  g_autofree gdouble *power = power_spectrum (audio);
  Spectrum m = { 0, 0, 0 };
  gdouble total = 0;

  for (gint k = 1; k <= NFFT / 2; k++)
    total += power[k];
  m.voice_band = band_share (power, total, 300, 3000);
  for (gdouble f = 50; f <= 8000; f += 10)
    m.strongest = MAX (m.strongest, band_share (power, total, f - 25, f + 25));
  for (gdouble f = 315; f <= 3150; f *= pow (2, 1.0 / 3)) {
    if (band_share (power, total, f / 1.12, f * 1.12) > 0.01)
      m.bands_used++;
  }
  return m;
}

GST_START_TEST (test_is_speech)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
    g_autoptr (GwTestAudio) audio = prompt_audio (expected[i].prompt);
    Spectrum m = measure_spectrum (audio);
    gdouble spread = envelope_spread_db (audio);

    GST_INFO ("%s: %.2f in 300-3000 Hz, strongest 50 Hz band %.2f, %u/10 "
        "third-octave bands used, envelope spread %.1f dB", expected[i].nick,
        m.voice_band, m.strongest, m.bands_used, spread);
    fail_unless (m.voice_band > 0.6, "%.2f of the power in the voice band",
        m.voice_band);
    /* No single narrow band dominates, as a tone would... */
    fail_unless (m.strongest < 0.3, "a narrow band holds %.2f", m.strongest);
    /* ...the power spreads over the voice band... */
    fail_unless (m.bands_used >= 7, "%u bands", m.bands_used);
    /* ...and the level rises and falls with the syllables. */
    fail_unless (spread > 4.0, "envelope spread %.1f dB", spread);
  }
}

GST_END_TEST;

/* A tone in the middle of the voice band fails the same measures: they
 * tell speech from a beep. */
GST_START_TEST (test_tone_is_not_speech)
{
  const gdouble freq = 1000;
  g_autoptr (GwTestAudio) tone = gw_test_audio_new_tones (GW_PROMPT_RATE, 1,
      2.0, 0.1, &freq, 1);
  Spectrum m = measure_spectrum (tone);

  fail_unless (m.voice_band > 0.9);
  fail_unless (m.strongest > 0.9);
  fail_unless (m.bands_used <= 2);
  fail_unless (envelope_spread_db (tone) < 1.0);
}

GST_END_TEST;

static void
count_critical (const gchar * domain, GLogLevelFlags level,
    const gchar * message, gpointer data)
{
  (*(guint *) data)++;
}

/* A prompt that does not exist is a programming error, reported as one. */
GST_START_TEST (test_bad_prompt)
{
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);
  guint criticals = 0;
  guint handler = g_log_set_handler ("gw", G_LOG_LEVEL_CRITICAL,
      count_critical, &criticals);

  fail_unless (gw_prompt_get_pcm (GW_PROMPT_COUNT) == NULL);
  fail_unless (gw_prompt_get_text ((GwPrompt) 17) == NULL);
  fail_unless_equals_uint64 (gw_prompt_get_duration ((GwPrompt) - 1), 0);
  fail_unless_equals_int (criticals, 3);
  g_log_remove_handler ("gw", handler);
  g_log_set_always_fatal (fatal);
}

GST_END_TEST;

static Suite *
prompts_suite (void)
{
  Suite *s = suite_create ("prompts");
  TCase *tc = tcase_create ("embedded");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_words_and_length);
  tcase_add_test (tc, test_level);
  tcase_add_test (tc, test_edges);
  tcase_add_test (tc, test_is_speech);
  tcase_add_test (tc, test_tone_is_not_speech);
  tcase_add_test (tc, test_bad_prompt);
  return s;
}

GST_CHECK_MAIN (prompts);
