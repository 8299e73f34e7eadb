/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The prompt player (media-prompt.c) in the graph it serves: linked to a
 * live, force-live audiomixer next to another live source, as in a call's
 * pipeline (prompt-test-mixer.c).  Checked on both sides of the mixer:
 * - what the player pushes: the embedded prompt itself (no copy) in 20 ms
 *   slices, stamped back to back from when it was asked for, cut at a slice
 *   when interrupted or stopped, resumed where it was after a pause;
 * - what the mixer puts out: speech over a 440 Hz baseline for the prompt's
 *   duration, back to the baseline after; with a silent neighbour, the
 *   prompt's very samples in their places, once; the mixer never waits. */
#include <gst/check/gstcheck.h>
#include <math.h>

#include "prompt-test-mixer.h"

static gdouble
seconds (GstClockTime t)
{
  return (gdouble) t / GST_SECOND;
}

static guint
slices_of (GwPrompt prompt)
{
  return (gw_prompt_get_duration (prompt) * PT_RATE / GST_SECOND +
      PT_SLICE - 1) / PT_SLICE;
}

/* The median level of the 20 ms frames: the level of a steady sound even
 * if a starved mixer dropped a few of its frames. */
static gdouble
median_level (const GwTestAudio * audio)
{
  guint n = audio->n_frames / PT_SLICE;
  g_autofree gdouble *levels = g_new (gdouble, n);

  fail_unless (n > 0);
  for (guint i = 0; i < n; i++) {
    g_autoptr (GwTestAudio) frame = gw_test_audio_slice (audio,
        (gdouble) i * PT_SLICE / PT_RATE, (gdouble) PT_SLICE / PT_RATE);

    levels[i] = gw_test_tone_rms_dbfs (frame);
  }
  for (guint i = 1; i < n; i++) {
    for (guint j = i; j > 0 && levels[j - 1] > levels[j]; j--) {
      gdouble t = levels[j];

      levels[j] = levels[j - 1];
      levels[j - 1] = t;
    }
  }
  return levels[n / 2];
}

/* A whole prompt played from slice first on, as one run. */
static void
assert_played (PtMixer * m, guint first, GwPrompt prompt)
{
  fail_unless (pt_slice (m, first).discont);
  pt_assert_slices (m, first, slices_of (prompt), prompt, 0);
}

GST_START_TEST (test_speech_over_tone)
{
  PtMixer *m = pt_mixer_new (TRUE);
  GstClockTime asked, duration = gw_prompt_get_duration (GW_PROMPT_FORCE_MUTED);
  g_autoptr (GwTestAudio) before = NULL;
  g_autoptr (GwTestAudio) during = NULL;
  g_autoptr (GwTestAudio) after = NULL;
  g_autoptr (GwTestAudio) whole = NULL;
  g_autoptr (GArray) segments = NULL;
  GwTestSegment *seg;
  PtPcm pcm = pt_pcm (GW_PROMPT_FORCE_MUTED);
  g_autoptr (GwTestAudio) reference = gw_test_audio_new_s16 (pcm.s, pcm.n,
      PT_RATE, 1);
  gdouble base, speech, start;

  pt_mixer_set_state (m, GST_STATE_PLAYING);
  pt_mixer_wait_output (m, 600 * GST_MSECOND);
  asked = pt_mixer_running_time (m);
  gw_media_prompt_play (pt_mixer_prompt (m), GW_PROMPT_FORCE_MUTED);
  pt_mixer_wait_output (m, asked + duration + 700 * GST_MSECOND);
  pt_mixer_set_state (m, GST_STATE_NULL);
  assert_played (m, 0, GW_PROMPT_FORCE_MUTED);

  /* Only the 440 Hz neighbour before the prompt, and again after it. */
  before = pt_mixer_audio (m, asked - 400 * GST_MSECOND, 0.35);
  base = median_level (before);
  fail_unless (base > -46 && base < -40, "baseline %.1f dBFS", base);
  fail_unless (fabs (gw_test_tone_dominant_frequency (before, 100, 4000) -
          440) < 5);
  after = pt_mixer_audio (m, asked + duration + 150 * GST_MSECOND, 0.45);
  fail_unless (fabs (median_level (after) - base) < 1.0, "after: %.1f dBFS",
      median_level (after));
  fail_unless (fabs (gw_test_tone_dominant_frequency (after, 100, 4000) -
          440) < 5);

  /* Speech for the prompt's duration, as loud as the prompt. */
  during = pt_mixer_audio (m, asked, seconds (duration));
  speech = gw_test_tone_rms_dbfs (during);
  GST_INFO ("baseline %.1f dBFS, speech %.1f dBFS (prompt %.1f)", base,
      speech, gw_test_tone_rms_dbfs (reference));
  fail_unless (fabs (speech - gw_test_tone_rms_dbfs (reference)) < 1.5,
      "speech at %.1f dBFS", speech);

  /* Loud from when asked (after the 100 ms lead-in) for as long as the
   * prompt speaks: one stretch, its pauses shorter than half a second. */
  whole = pt_mixer_audio (m, 0, 1e6);
  segments = gw_test_tone_segments (whole, -35, 0.5);
  fail_unless_equals_int (segments->len, 1);
  seg = &g_array_index (segments, GwTestSegment, 0);
  start = pt_mixer_seconds_of (m, 0) + seg->start;
  GST_INFO ("speech from %.3f s for %.3f s, asked at %.3f s", start,
      seg->end - seg->start, seconds (asked));
  fail_unless (start > seconds (asked) + 0.1 - 0.08);
  fail_unless (start < seconds (asked) + 0.1 + 0.08 +
      seconds (pt_mixer_stalled (m)));
  fail_unless (fabs (seg->end - seg->start - (seconds (duration) - 0.2)) < 0.1);

  pt_pcm_clear (&pcm);
  pt_mixer_free (m);
}

GST_END_TEST;

GST_START_TEST (test_exact_samples)
{
  PtMixer *m = pt_mixer_new (FALSE);
  PtPcm pcm = pt_pcm (GW_PROMPT_MUTED);
  GstClockTime asked;
  gsize at;

  pt_mixer_set_state (m, GST_STATE_PLAYING);
  pt_mixer_wait_output (m, 300 * GST_MSECOND);
  asked = pt_mixer_running_time (m);
  gw_media_prompt_play (pt_mixer_prompt (m), GW_PROMPT_MUTED);
  pt_mixer_wait_output (m, asked + gw_prompt_get_duration (GW_PROMPT_MUTED) +
      300 * GST_MSECOND);
  pt_mixer_set_state (m, GST_STATE_NULL);

  /* Stamped from when asked, in slices of the embedded data, once. */
  fail_unless_equals_int (pt_slices_count (m), slices_of (GW_PROMPT_MUTED));
  assert_played (m, 0, GW_PROMPT_MUTED);
  fail_unless (pt_slice (m, 0).pts >= asked);
  fail_unless (pt_slice (m, 0).pts < asked + 20 * GST_MSECOND +
      pt_mixer_stalled (m));

  /* Mixed there, sample for sample. */
  at = pt_find_start (m, 0, &pcm);
  GST_INFO ("asked at %.3f s, mixed from %.3f s", seconds (asked),
      pt_mixer_seconds_of (m, at));
  fail_unless (fabs (pt_mixer_seconds_of (m, at) -
          seconds (pt_slice (m, 0).pts)) < 0.0005);
  pt_assert_silent (m, 0, at);
  pt_assert_prompt (m, at, &pcm, 0, pcm.n);
  pt_assert_silent (m, at + pcm.n, m->out->len);

  pt_pcm_clear (&pcm);
  pt_mixer_free (m);
}

GST_END_TEST;

GST_START_TEST (test_twice)
{
  PtMixer *m = pt_mixer_new (FALSE);
  PtPcm muted = pt_pcm (GW_PROMPT_MUTED), unmuted = pt_pcm (GW_PROMPT_UNMUTED);
  guint n_muted = slices_of (GW_PROMPT_MUTED);
  gsize first, second, third;

  pt_mixer_set_state (m, GST_STATE_PLAYING);
  pt_mixer_wait_more (m, 100);
  gw_media_prompt_play (pt_mixer_prompt (m), GW_PROMPT_MUTED);
  pt_mixer_wait_more (m, 1300);
  gw_media_prompt_play (pt_mixer_prompt (m), GW_PROMPT_UNMUTED);
  pt_mixer_wait_more (m, 1400);
  /* And the first again. */
  gw_media_prompt_play (pt_mixer_prompt (m), GW_PROMPT_MUTED);
  pt_mixer_wait_more (m, 1300);
  pt_mixer_set_state (m, GST_STATE_NULL);

  fail_unless_equals_int (pt_slices_count (m), 2 * n_muted +
      slices_of (GW_PROMPT_UNMUTED));
  assert_played (m, 0, GW_PROMPT_MUTED);
  assert_played (m, n_muted, GW_PROMPT_UNMUTED);
  assert_played (m, n_muted + slices_of (GW_PROMPT_UNMUTED), GW_PROMPT_MUTED);

  first = pt_find_start (m, 0, &muted);
  pt_assert_silent (m, 0, first);
  pt_assert_prompt (m, first, &muted, 0, muted.n);
  second = pt_find_start (m, first + muted.n, &unmuted);
  pt_assert_silent (m, first + muted.n, second);
  pt_assert_prompt (m, second, &unmuted, 0, unmuted.n);
  third = pt_find_start (m, second + unmuted.n, &muted);
  pt_assert_silent (m, second + unmuted.n, third);
  pt_assert_prompt (m, third, &muted, 0, muted.n);
  pt_assert_silent (m, third + muted.n, m->out->len);

  pt_pcm_clear (&muted);
  pt_pcm_clear (&unmuted);
  pt_mixer_free (m);
}

GST_END_TEST;

/* A new play cuts the old one at a slice and follows at once, on the same
 * timeline. */
GST_START_TEST (test_interrupt)
{
  PtMixer *m = pt_mixer_new (FALSE);
  PtPcm long_one = pt_pcm (GW_PROMPT_FORCE_MUTED);
  PtPcm short_one = pt_pcm (GW_PROMPT_MUTED);
  GstClockTime asked;
  guint cut;
  gsize at, next;

  pt_mixer_set_state (m, GST_STATE_PLAYING);
  pt_mixer_wait_more (m, 100);
  gw_media_prompt_play (pt_mixer_prompt (m), GW_PROMPT_FORCE_MUTED);
  pt_mixer_wait_more (m, 800);
  asked = pt_mixer_running_time (m);
  gw_media_prompt_play (pt_mixer_prompt (m), GW_PROMPT_MUTED);
  pt_mixer_wait_more (m, 1300);
  pt_mixer_set_state (m, GST_STATE_NULL);

  /* The player: the first prompt up to the slice due when asked (it gives
   * the mixer its slices 40 ms ahead), then the second from its start. */
  cut = 0;
  while (pt_slice (m, cut).prompt == GW_PROMPT_FORCE_MUTED)
    cut++;
  pt_assert_slices (m, 0, cut, GW_PROMPT_FORCE_MUTED, 0);
  pt_assert_slices (m, cut, slices_of (GW_PROMPT_MUTED), GW_PROMPT_MUTED, 0);
  pt_assert_follows (m, cut);
  fail_unless_equals_int (pt_slices_count (m), cut +
      slices_of (GW_PROMPT_MUTED));
  GST_INFO ("cut after %.3f s; the next one starts %.3f s after asked",
      cut * 0.02, seconds (pt_slice (m, cut).pts) - seconds (asked));
  fail_unless (pt_slice (m, cut).pts + 20 * GST_MSECOND +
      pt_mixer_stalled (m) > asked);
  fail_unless (pt_slice (m, cut).pts < asked + 65 * GST_MSECOND +
      pt_mixer_stalled (m));

  /* The mixer: the same, sample for sample. */
  at = pt_find_start (m, 0, &long_one);
  pt_assert_silent (m, 0, at);
  pt_assert_prompt (m, at, &long_one, 0, cut * PT_SLICE);
  next = pt_find_start (m, at + pt_first_difference (m, at, &long_one, 0),
      &short_one);
  fail_unless_equals_uint64 (next, at + cut * PT_SLICE);
  pt_assert_prompt (m, next, &short_one, 0, short_one.n);
  pt_assert_silent (m, next + short_one.n, m->out->len);

  pt_pcm_clear (&long_one);
  pt_pcm_clear (&short_one);
  pt_mixer_free (m);
}

GST_END_TEST;

GST_START_TEST (test_stop)
{
  PtMixer *m = pt_mixer_new (FALSE);
  PtPcm pcm = pt_pcm (GW_PROMPT_FORCE_MUTED);
  GstClockTime asked;
  guint n;
  gsize at;

  pt_mixer_set_state (m, GST_STATE_PLAYING);
  pt_mixer_wait_more (m, 100);
  gw_media_prompt_play (pt_mixer_prompt (m), GW_PROMPT_FORCE_MUTED);
  pt_mixer_wait_more (m, 700);
  asked = pt_mixer_running_time (m);
  gw_media_prompt_stop (pt_mixer_prompt (m));
  pt_mixer_wait_more (m, 500);
  /* Stopping an idle player changes nothing. */
  gw_media_prompt_stop (pt_mixer_prompt (m));
  pt_mixer_wait_more (m, 100);
  pt_mixer_set_state (m, GST_STATE_NULL);

  n = pt_slices_count (m);
  pt_assert_slices (m, 0, n, GW_PROMPT_FORCE_MUTED, 0);
  GST_INFO ("played %.3f s", n * 0.02);
  fail_unless (n > 25 && n < slices_of (GW_PROMPT_FORCE_MUTED) / 2);
  fail_unless (pt_slice (m, n - 1).pts < asked + 45 * GST_MSECOND +
      pt_mixer_stalled (m));

  at = pt_find_start (m, 0, &pcm);
  pt_assert_prompt (m, at, &pcm, 0, n * PT_SLICE);
  pt_assert_silent (m, at + n * PT_SLICE, m->out->len);

  pt_pcm_clear (&pcm);
  pt_mixer_free (m);
}

GST_END_TEST;

/* Asked for while PAUSED: it plays from the start of PLAYING. */
GST_START_TEST (test_play_before_playing)
{
  PtMixer *m = pt_mixer_new (FALSE);
  PtPcm pcm = pt_pcm (GW_PROMPT_UNMUTED);
  gsize at;

  pt_mixer_set_state (m, GST_STATE_PAUSED);
  gw_media_prompt_play (pt_mixer_prompt (m), GW_PROMPT_UNMUTED);
  g_usleep (200 * 1000);
  fail_unless_equals_int (pt_slices_count (m), 0);
  pt_mixer_set_state (m, GST_STATE_PLAYING);
  pt_mixer_wait_output (m, gw_prompt_get_duration (GW_PROMPT_UNMUTED) +
      400 * GST_MSECOND);
  pt_mixer_set_state (m, GST_STATE_NULL);

  fail_unless_equals_int (pt_slices_count (m), slices_of (GW_PROMPT_UNMUTED));
  assert_played (m, 0, GW_PROMPT_UNMUTED);
  fail_unless (pt_slice (m, 0).pts < 50 * GST_MSECOND + pt_mixer_stalled (m));

  at = pt_find_start (m, 0, &pcm);
  fail_unless (pt_mixer_seconds_of (m, at) < 0.05 +
      seconds (pt_mixer_stalled (m)));
  pt_assert_prompt (m, at, &pcm, 0, pcm.n);
  pt_assert_silent (m, at + pcm.n, m->out->len);

  pt_pcm_clear (&pcm);
  pt_mixer_free (m);
}

GST_END_TEST;

/* PAUSED in the middle of a prompt: the player resumes where it was, on
 * the same timeline, nothing repeated or skipped; a pause while idle is
 * harmless too.  On a loaded machine audiomixer (live) may mix on through
 * part of a pause: it then drops what its inputs stamp before its position,
 * the player's and its neighbour's alike; that hole, no longer than the
 * pause, is excused. */
GST_START_TEST (test_pause_resume)
{
  PtMixer *m = pt_mixer_new (FALSE);
  PtPcm pcm = pt_pcm (GW_PROMPT_FORCE_MUTED);
  gsize at;

  pt_mixer_set_state (m, GST_STATE_PLAYING);
  pt_mixer_wait_more (m, 200);
  pt_mixer_set_state (m, GST_STATE_PAUSED);
  g_usleep (100 * 1000);
  pt_mixer_set_state (m, GST_STATE_PLAYING);
  pt_mixer_wait_more (m, 100);
  gw_media_prompt_play (pt_mixer_prompt (m), GW_PROMPT_FORCE_MUTED);
  pt_mixer_wait_more (m, 1000);
  pt_mixer_set_state (m, GST_STATE_PAUSED);
  g_usleep (400 * 1000);
  pt_mixer_set_state (m, GST_STATE_PLAYING);
  pt_mixer_wait_more (m, seconds (gw_prompt_get_duration
          (GW_PROMPT_FORCE_MUTED)) * 1000);
  pt_mixer_set_state (m, GST_STATE_NULL);

  fail_unless_equals_int (pt_slices_count (m),
      slices_of (GW_PROMPT_FORCE_MUTED));
  assert_played (m, 0, GW_PROMPT_FORCE_MUTED);

  at = pt_find_start (m, 0, &pcm);
  pt_assert_silent (m, 0, at);
  pt_assert_prompt_excusing (m, at, &pcm, 0, pcm.n, 0.4);
  pt_assert_silent (m, at + pcm.n, m->out->len);

  pt_pcm_clear (&pcm);
  pt_mixer_free (m);
}

GST_END_TEST;

/* Down to READY forgets a prompt; the player works again afterwards. */
GST_START_TEST (test_ready_forgets)
{
  PtMixer *m = pt_mixer_new (FALSE);
  PtPcm pcm = pt_pcm (GW_PROMPT_MUTED);
  guint before;
  gsize at;

  pt_mixer_set_state (m, GST_STATE_PLAYING);
  gw_media_prompt_play (pt_mixer_prompt (m), GW_PROMPT_FORCE_MUTED);
  pt_mixer_wait_more (m, 300);
  pt_mixer_set_state (m, GST_STATE_READY);
  before = pt_slices_count (m);
  pt_mixer_restart_output (m);

  pt_mixer_set_state (m, GST_STATE_PLAYING);
  pt_mixer_wait_output (m, 600 * GST_MSECOND);
  fail_unless_equals_int (pt_slices_count (m), before);
  gw_media_prompt_play (pt_mixer_prompt (m), GW_PROMPT_MUTED);
  pt_mixer_wait_more (m, 1300);
  pt_mixer_set_state (m, GST_STATE_NULL);

  fail_unless_equals_int (pt_slices_count (m), before +
      slices_of (GW_PROMPT_MUTED));
  assert_played (m, before, GW_PROMPT_MUTED);
  fail_unless (pt_slice (m, before).pts >= 600 * GST_MSECOND);

  at = pt_find_start (m, 0, &pcm);
  pt_assert_silent (m, 0, at);
  pt_assert_prompt (m, at, &pcm, 0, pcm.n);
  pt_assert_silent (m, at + pcm.n, m->out->len);

  pt_pcm_clear (&pcm);
  pt_mixer_free (m);
}

GST_END_TEST;

/* Live, no latency of its own: it adds nothing to the call's. */
GST_START_TEST (test_latency)
{
  PtMixer *m = pt_mixer_new (FALSE);
  g_autoptr (GstQuery) query = gst_query_new_latency ();
  g_autoptr (GstPad) pad = gst_element_get_static_pad (m->prompt, "src");
  gboolean live;
  GstClockTime min, max;

  pt_mixer_set_state (m, GST_STATE_PLAYING);
  pt_mixer_wait_more (m, 100);
  fail_unless (gst_pad_query (pad, query));
  gst_query_parse_latency (query, &live, &min, &max);
  fail_unless (live);
  fail_unless_equals_uint64 (min, 0);
  fail_unless (max == GST_CLOCK_TIME_NONE);
  pt_mixer_free (m);
}

GST_END_TEST;

static Suite *
media_prompt_suite (void)
{
  Suite *s = suite_create ("media-prompt");
  TCase *tc = tcase_create ("mixer");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_speech_over_tone);
  tcase_add_test (tc, test_exact_samples);
  tcase_add_test (tc, test_twice);
  tcase_add_test (tc, test_interrupt);
  tcase_add_test (tc, test_stop);
  tcase_add_test (tc, test_play_before_playing);
  tcase_add_test (tc, test_pause_resume);
  tcase_add_test (tc, test_ready_forgets);
  tcase_add_test (tc, test_latency);
  return s;
}

GST_CHECK_MAIN (media_prompt);
