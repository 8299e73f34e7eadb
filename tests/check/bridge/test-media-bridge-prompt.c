/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Spoken prompts through the media bridge: two calls in one session, each
 * far end on plain sockets on 127.0.0.1.  A prompt played on one call
 * reaches its far end as speech as long and as loud as the prompt itself,
 * and nobody else: the other call keeps hearing the first caller's voice (a
 * tone) and nothing of the prompt. */
#include <string.h>
#include <gst/check/gstcheck.h>

#include "bridge-test-utils.h"
#include "leg-test-utils.h"

#define TIMEOUT_MS 10000
#define VOICE_HZ 300
/* Speech, as opposed to the codec's noise on silence. */
#define SPEECH_DBFS -40.0
/* Pauses between the prompt's words and sentences are shorter. */
#define WORD_GAP_S 0.6

typedef struct
{
  gchar *session_id;
  OtSession *session;
  GwMediaPorts *ports;
  LtLeg *a;
  LtLeg *b;
  LtPeer *peer_a;
  LtPeer *peer_b;
} Fixture;

static Fixture f;

static void
setup (void)
{
  static guint counter;
  g_autoptr (GError) error = NULL;
  guint first_port = bt_find_free_ports (8);

  memset (&f, 0, sizeof (f));
  f.session_id = g_strdup_printf ("prompt-session-%u-%u", getpid (), ++counter);
  f.session = ot_hub_ensure_session (ot_hub_get_default (), f.session_id);
  f.ports = gw_media_ports_new (first_port, first_port + 7, &error);
  g_assert_no_error (error);
  f.a = lt_leg_new (f.session, f.ports, "call-a");
  f.b = lt_leg_new (f.session, f.ports, "call-b");
  f.peer_a = lt_peer_new ();
  f.peer_b = lt_peer_new ();
}

static void
teardown (void)
{
  fail_unless_equals_int (f.a->n_errors + f.b->n_errors, 0);
  lt_leg_free (f.a);
  lt_leg_free (f.b);
  fail_unless_equals_int (gw_media_ports_get_n_allocated (f.ports), 0);
  g_clear_object (&f.ports);
  ot_hub_remove_session (ot_hub_get_default (), f.session_id);
  g_clear_object (&f.session);
  lt_peer_free (f.peer_a);
  lt_peer_free (f.peer_b);
  g_free (f.session_id);
}

static gboolean
b_mixes_a (gpointer data)
{
  return f.b->n_streams == 1;
}

/* The span from the first to the last word, and its level. */
static void
measure_speech (const GwTestAudio * audio, gdouble * span, gdouble * level)
{
  g_autoptr (GArray) segments = gw_test_tone_segments (audio, SPEECH_DBFS,
      WORD_GAP_S);
  g_autoptr (GwTestAudio) speech = NULL;
  GwTestSegment *s;

  fail_unless_equals_int (segments->len, 1);
  s = &g_array_index (segments, GwTestSegment, 0);
  *span = s->end - s->start;
  speech = gw_test_audio_slice (audio, s->start, *span);
  *level = gw_test_tone_rms_dbfs (speech);
}

static void
measure_prompt (GwPrompt prompt, gdouble * span, gdouble * level)
{
  g_autoptr (GBytes) pcm = gw_prompt_get_pcm (prompt);
  gsize size;
  const gint16 *samples = g_bytes_get_data (pcm, &size);
  g_autoptr (GwTestAudio) audio = gw_test_audio_new_s16 (samples,
      size / sizeof (gint16), GW_PROMPT_RATE, 1);

  measure_speech (audio, span, level);
}

static const struct
{
  GwAudioCodec codec;
  guint pt;
} cases[] = {
  {GW_AUDIO_CODEC_PCMU, 0},
  {GW_AUDIO_CODEC_OPUS, 111},
};

GST_START_TEST (test_prompt_to_its_leg_only)
{
  GwAudioCodec codec = cases[__i__].codec;
  guint pt = cases[__i__].pt;
  g_auto (GwMediaParams) params_a = { 0, };
  g_auto (GwMediaParams) params_b = { 0, };
  g_autoptr (GwTestAudio) heard_a = NULL, heard_b = NULL;
  gdouble prompt_span, prompt_level, span, level, voice;
  BtFarEnd *voice_a;

  GST_INFO ("call A in %s", gw_audio_codec_to_string (codec));
  fail_if (gw_media_bridge_play_prompt (f.a->bridge, GW_PROMPT_MUTED));
  /* A's caller speaks (a tone); B hears it. */
  voice_a = bt_far_end_new (codec, pt, VOICE_HZ,
      gw_media_bridge_get_rtp_port (f.a->bridge));
  lt_peer_params (f.peer_a, codec, pt, 0, 0, &params_a);
  lt_peer_params (f.peer_b, GW_AUDIO_CODEC_PCMU, 0, 0, 0, &params_b);
  lt_leg_start (f.a, &params_a);
  lt_leg_start (f.b, &params_b);
  fail_unless (bt_wait (b_mixes_a, NULL, TIMEOUT_MS));
  bt_run (500);
  lt_peer_clear (f.peer_a);
  lt_peer_clear (f.peer_b);

  fail_unless (gw_media_bridge_play_prompt (f.a->bridge,
          GW_PROMPT_FORCE_MUTED));
  bt_run (gw_prompt_get_duration (GW_PROMPT_FORCE_MUTED) / GST_MSECOND + 800);

  /* A's far end: the prompt, as long and as loud as it is. */
  measure_prompt (GW_PROMPT_FORCE_MUTED, &prompt_span, &prompt_level);
  heard_a = lt_peer_decode (f.peer_a, codec, pt);
  measure_speech (heard_a, &span, &level);
  GST_INFO ("prompt: %.2f s at %.1f dBFS; A heard %.2f s at %.1f dBFS",
      prompt_span, prompt_level, span, level);
  fail_unless (fabs (span - prompt_span) < 0.15, "A heard %.2f s of speech, "
      "the prompt has %.2f s", span, prompt_span);
  fail_unless (fabs (level - prompt_level) < 3.0, "A heard %.1f dBFS, the "
      "prompt is at %.1f dBFS", level, prompt_level);

  /* B: A's voice all along, nothing else. */
  heard_b = lt_peer_decode (f.peer_b, GW_AUDIO_CODEC_PCMU, 0);
  voice = gw_test_tone_power_fraction (heard_b, VOICE_HZ, 10);
  GST_INFO ("B: %.2f s, %.3f of the power at %u Hz",
      gw_test_audio_duration (heard_b), voice, VOICE_HZ);
  fail_unless (gw_test_audio_duration (heard_b) > prompt_span);
  fail_unless (voice > 0.95, "B hears more than A's voice: %.3f of the power "
      "is at %u Hz", voice, VOICE_HZ);
  fail_unless (gw_test_tone_active_seconds (heard_b, SPEECH_DBFS) >
      gw_test_audio_duration (heard_b) - 0.1);

  gw_media_bridge_stop (f.a->bridge);
  gw_media_bridge_stop (f.b->bridge);
  fail_if (gw_media_bridge_play_prompt (f.a->bridge, GW_PROMPT_MUTED));
  bt_far_end_free (voice_a);
}

GST_END_TEST;

static Suite *
media_bridge_prompt_suite (void)
{
  Suite *s = suite_create ("media-bridge-prompt");
  TCase *tc = tcase_create ("prompt");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_loop_test (tc, test_prompt_to_its_leg_only, 0,
      G_N_ELEMENTS (cases));
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (media_bridge_prompt);
