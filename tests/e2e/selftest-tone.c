/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The tone analysis and WAV reader of gw_test_support, on generated audio
 * (and on files written by sox, when it is installed). */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "gw-test-process.h"
#include "gw-test-tone.h"
#include "gw-test-wav.h"

/* Runs a call that takes &error; on failure the error's message is shown. */
#define CHECK(call) G_STMT_START {                                      \
    gboolean ok_ = (call);                                              \
    g_assert_no_error (error);                                          \
    g_assert_true (ok_);                                                \
  } G_STMT_END

static void
test_dominant_frequency (void)
{
  const guint rates[] = { 8000, 16000, 44100, 48000 };
  const gdouble freqs[] = { 300, 437.3, 440, 1000, 2222.2, 3000 };

  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    for (guint f = 0; f < G_N_ELEMENTS (freqs); f++) {
      g_autoptr (GwTestAudio) a = gw_test_audio_new_tones (rates[r], 1, 1.0,
          0.5, &freqs[f], 1);
      gdouble got = gw_test_tone_dominant_frequency (a, 50, 4000);

      g_test_message ("%u Hz: %.2f -> %.2f", rates[r], freqs[f], got);
      g_assert_cmpfloat_with_epsilon (got, freqs[f], 1.0);
    }
}

static void
test_short_and_empty (void)
{
  const gdouble f = 440;
  g_autoptr (GwTestAudio) blip = gw_test_audio_new_tones (8000, 1, 0.1, 0.5,
      &f, 1);
  g_autoptr (GwTestAudio) empty = gw_test_audio_new_tones (8000, 1, 0, 0.5,
      &f, 1);

  /* shorter than one FFT frame: zero-padded, still within 5 Hz */
  g_assert_cmpfloat_with_epsilon (gw_test_tone_dominant_frequency (blip, 50,
          4000), 440, 5.0);
  g_assert_cmpuint (empty->n_frames, ==, 0);
  g_assert_cmpfloat (gw_test_tone_dominant_frequency (empty, 50, 4000), ==, 0);
  g_assert_cmpfloat (gw_test_tone_rms_dbfs (empty), ==,
      GW_TEST_TONE_FLOOR_DBFS);
  g_assert_cmpfloat (gw_test_tone_power_fraction (empty, 440, 10), ==, 0);
}

static void
test_two_tone_mix (void)
{
  const gdouble both[] = { 440, 660 };
  const guint rates[] = { 8000, 16000, 48000 };

  for (guint r = 0; r < G_N_ELEMENTS (rates); r++) {
    g_autoptr (GwTestAudio) a = gw_test_audio_new_tones (rates[r], 1, 1.0,
        0.8, both, 2);
    gdouble p440 = gw_test_tone_power_fraction (a, 440, 5);
    gdouble p660 = gw_test_tone_power_fraction (a, 660, 5);
    gdouble p1000 = gw_test_tone_power_fraction (a, 1000, 5);
    gdouble peak = gw_test_tone_dominant_frequency (a, 50, 4000);

    g_test_message ("%u Hz: 440 %.3f 660 %.3f 1000 %.4f", rates[r], p440,
        p660, p1000);
    g_assert_cmpfloat (p440, >, 0.45);
    g_assert_cmpfloat (p440, <, 0.55);
    g_assert_cmpfloat (p660, >, 0.45);
    g_assert_cmpfloat (p660, <, 0.55);
    g_assert_cmpfloat (p1000, <, 0.001);
    g_assert_true (fabs (peak - 440) < 1 || fabs (peak - 660) < 1);
  }
}

static void
test_stereo_channels (void)
{
  const gdouble left = 440, right = 660;
  g_autoptr (GwTestAudio) l = gw_test_audio_new_tones (48000, 1, 0.5, 0.5,
      &left, 1);
  g_autoptr (GwTestAudio) r = gw_test_audio_new_tones (48000, 1, 0.5, 0.5,
      &right, 1);
  g_autofree gint16 *s16 = g_new (gint16, l->n_frames * 2);
  g_autoptr (GwTestAudio) stereo = NULL;
  g_autoptr (GwTestAudio) ch0 = NULL;
  g_autoptr (GwTestAudio) ch1 = NULL;

  for (gsize i = 0; i < l->n_frames; i++) {
    s16[2 * i] = (gint16) lrintf (l->data[i] * 32767);
    s16[2 * i + 1] = (gint16) lrintf (r->data[i] * 32767);
  }
  stereo = gw_test_audio_new_s16 (s16, l->n_frames, 48000, 2);
  ch0 = gw_test_audio_copy_channel (stereo, 0);
  ch1 = gw_test_audio_copy_channel (stereo, 1);
  g_assert_cmpfloat_with_epsilon (gw_test_tone_dominant_frequency (ch0, 50,
          4000), 440, 1.0);
  g_assert_cmpfloat_with_epsilon (gw_test_tone_dominant_frequency (ch1, 50,
          4000), 660, 1.0);
  /* the whole stereo signal is analysed as the channels' average */
  g_assert_cmpfloat (gw_test_tone_power_fraction (stereo, 440, 5), >, 0.45);
  g_assert_cmpfloat (gw_test_tone_power_fraction (stereo, 660, 5), >, 0.45);
}

static void
test_levels (void)
{
  const gdouble f = 1000;
  g_autoptr (GwTestAudio) loud = gw_test_audio_new_tones (16000, 2, 0.5, 0.5,
      &f, 1);
  g_autoptr (GwTestAudio) quiet = gw_test_audio_new_tones (16000, 1, 0.5,
      0.001, &f, 1);
  g_autoptr (GwTestAudio) zero = gw_test_audio_new_tones (16000, 1, 0.5, 0,
      &f, 1);

  /* a sine of amplitude A has RMS A/sqrt(2): 0.5 -> -9.03 dBFS */
  g_assert_cmpfloat_with_epsilon (gw_test_tone_rms_dbfs (loud),
      20 * log10 (0.5 / G_SQRT2), 0.05);
  g_assert_false (gw_test_tone_is_silent (loud, GW_TEST_TONE_SILENCE_DBFS));
  g_assert_cmpfloat_with_epsilon (gw_test_tone_rms_dbfs (quiet), -63.0, 0.1);
  g_assert_true (gw_test_tone_is_silent (quiet, GW_TEST_TONE_SILENCE_DBFS));
  g_assert_cmpfloat (gw_test_tone_rms_dbfs (zero), ==, GW_TEST_TONE_FLOOR_DBFS);
  g_assert_true (gw_test_tone_is_silent (zero, GW_TEST_TONE_SILENCE_DBFS));
}

/* tone 0.5 s, silence 1 s, tone 0.3 s, a 40 ms dip, tone 0.2 s */
static GwTestAudio *
bursts (guint rate)
{
  const gdouble f = 800;
  const gdouble layout[][2] = { {0.5, 1}, {1.0, 0}, {0.3, 1}, {0.04, 0},
  {0.2, 1}
  };
  g_autoptr (GwTestAudio) tone = gw_test_audio_new_tones (rate, 1, 2.04, 0.3,
      &f, 1);
  gsize pos = 0;

  for (guint i = 0; i < G_N_ELEMENTS (layout); i++) {
    gsize n = (gsize) llround (layout[i][0] * rate);

    if (layout[i][1] == 0)
      memset (tone->data + pos, 0, n * sizeof (gfloat));
    pos += n;
  }
  return g_steal_pointer (&tone);
}

static void
test_segments (void)
{
  g_autoptr (GwTestAudio) a = bursts (8000);
  g_autoptr (GArray) split = gw_test_tone_segments (a, -40, 0);
  g_autoptr (GArray) joined = gw_test_tone_segments (a, -40, 0.1);
  g_autoptr (GwTestAudio) tail = gw_test_audio_slice (a, 1.5, -1);
  g_autoptr (GwTestAudio) gap = gw_test_audio_slice (a, 0.6, 0.8);

  g_assert_cmpuint (split->len, ==, 3);
  g_assert_cmpfloat_with_epsilon (g_array_index (split, GwTestSegment,
          0).start, 0, 0.001);
  g_assert_cmpfloat_with_epsilon (g_array_index (split, GwTestSegment,
          0).end, 0.5, 0.021);
  g_assert_cmpfloat_with_epsilon (g_array_index (split, GwTestSegment,
          1).start, 1.5, 0.021);
  g_assert_cmpfloat_with_epsilon (g_array_index (split, GwTestSegment,
          2).end, 2.04, 0.021);
  g_assert_cmpuint (joined->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (g_array_index (joined, GwTestSegment,
          1).end - g_array_index (joined, GwTestSegment, 1).start, 0.54, 0.021);
  g_assert_cmpfloat_with_epsilon (gw_test_tone_active_seconds (a, -40), 1.0,
      0.06);
  g_assert_cmpfloat_with_epsilon (gw_test_audio_duration (tail), 0.54, 0.001);
  g_assert_true (gw_test_tone_is_silent (gap, GW_TEST_TONE_SILENCE_DBFS));
}

static void
test_wav_roundtrip (void)
{
  const gdouble f = 1234;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *dir = gw_test_tmpdir_new ("gw-wav", &error);
  g_autofree gchar *path = g_build_filename (dir, "t.wav", NULL);
  g_autoptr (GwTestAudio) a = gw_test_audio_new_tones (16000, 2, 0.3, 0.7,
      &f, 1);
  g_autoptr (GwTestAudio) b = NULL;

  g_assert_no_error (error);
  CHECK (gw_test_wav_save (a, path, &error));
  b = gw_test_wav_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (b->rate, ==, 16000);
  g_assert_cmpuint (b->channels, ==, 2);
  g_assert_cmpuint (b->n_frames, ==, a->n_frames);
  for (gsize i = 0; i < a->n_frames * 2; i++)
    g_assert_cmpfloat_with_epsilon (b->data[i], a->data[i], 1.0 / 32768);
  gw_test_tmpdir_remove (dir);
}

/* A WAV image: fmt (with @fmt_tag, optionally EXTENSIBLE), a LIST chunk of
 * odd size, and a data chunk whose header claims @data_size. */
static GBytes *
make_wav (guint16 fmt_tag, gboolean extensible, guint16 bits,
    const guint8 * data, guint32 len, guint32 data_size)
{
  GByteArray *b = g_byte_array_new ();
  guint16 channels = 1, block = channels * bits / 8;
  guint32 rate = 8000, brate = rate * block, fmt_size = extensible ? 40 : 16;
  guint16 tag = extensible ? 0xFFFE : fmt_tag;
  guint8 zero[22] = { 0 };
  guint32 riff = 0;

#define PUT(v) g_byte_array_append (b, (const guint8 *) &(v), sizeof (v))
  g_byte_array_append (b, (const guint8 *) "RIFF", 4);
  PUT (riff);
  g_byte_array_append (b, (const guint8 *) "WAVEfmt ", 8);
  PUT (fmt_size);
  PUT (tag);
  PUT (channels);
  PUT (rate);
  PUT (brate);
  PUT (block);
  PUT (bits);
  if (extensible) {
    g_byte_array_append (b, zero, 8);   /* cbSize, valid bits, mask */
    PUT (fmt_tag);              /* GUID starts with the real tag */
    g_byte_array_append (b, zero, 14);
  }
  g_byte_array_append (b, (const guint8 *) "LIST\x03\0\0\0abc\0", 12);
  g_byte_array_append (b, (const guint8 *) "data", 4);
  PUT (data_size);
#undef PUT
  g_byte_array_append (b, data, len);
  return g_byte_array_free_to_bytes (b);
}

static GwTestAudio *
parse (GBytes * bytes)
{
  g_autoptr (GBytes) owned = bytes;
  g_autoptr (GError) error = NULL;
  GwTestAudio *a = gw_test_wav_parse (owned, &error);

  g_assert_no_error (error);
  return a;
}

static void
test_wav_formats (void)
{
  const guint8 u8[] = { 0, 128, 255 };
  const guint8 s24[] = { 0, 0, 0x80, 0, 0, 0x40 };
  const gfloat f32[] = { -0.25f, 0.5f };
  g_autoptr (GwTestAudio) a8 = parse (make_wav (1, FALSE, 8, u8, 3, 3));
  g_autoptr (GwTestAudio) a24 = parse (make_wav (1, TRUE, 24, s24, 6, 6));
  g_autoptr (GwTestAudio) af = parse (make_wav (3, FALSE, 32,
          (const guint8 *) f32, 8, 8));
  /* a recorder still writing: size 0, or bigger than the file */
  g_autoptr (GwTestAudio) open0 = parse (make_wav (1, FALSE, 8, u8, 3, 0));
  g_autoptr (GwTestAudio) openmax = parse (make_wav (1, FALSE, 8, u8, 3,
          0xFFFFFFFF));

  g_assert_cmpuint (a8->n_frames, ==, 3);
  g_assert_cmpfloat (a8->data[0], ==, -1.0f);
  g_assert_cmpfloat (a8->data[1], ==, 0.0f);
  g_assert_cmpuint (a24->n_frames, ==, 2);
  g_assert_cmpfloat (a24->data[0], ==, -1.0f);
  g_assert_cmpfloat (a24->data[1], ==, 0.5f);
  g_assert_cmpfloat (af->data[0], ==, -0.25f);
  g_assert_cmpfloat (af->data[1], ==, 0.5f);
  g_assert_cmpuint (open0->n_frames, ==, 3);
  g_assert_cmpuint (openmax->n_frames, ==, 3);
}

static void
expect_error (GBytes * bytes, gint code)
{
  g_autoptr (GBytes) owned = bytes;
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestAudio) a = gw_test_wav_parse (owned, &error);

  g_assert_null (a);
  g_assert_error (error, G_IO_ERROR, code);
  g_test_message ("expected error: %s", error->message);
}

static void
test_wav_errors (void)
{
  const guint8 d[] = { 1, 2, 3, 4 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestAudio) missing = gw_test_wav_load ("/nonexistent.wav",
      &error);

  g_assert_null (missing);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  expect_error (g_bytes_new_static ("RIFX\0\0\0\0WAVE", 12),
      G_IO_ERROR_INVALID_DATA);
  expect_error (g_bytes_new_static ("RIFF", 4), G_IO_ERROR_INVALID_DATA);
  /* A-law, 12-bit PCM: readable WAVs we do not decode */
  expect_error (make_wav (6, FALSE, 8, d, 4, 4), G_IO_ERROR_NOT_SUPPORTED);
  expect_error (make_wav (1, FALSE, 12, d, 4, 4), G_IO_ERROR_NOT_SUPPORTED);
  expect_error (g_bytes_new_static ("RIFF\0\0\0\0WAVEdata\0\0\0\0", 20),
      G_IO_ERROR_INVALID_DATA);
  expect_error (g_bytes_new_static ("RIFF\0\0\0\0WAVEfmt \x10\0\0\0\1\0",
          22), G_IO_ERROR_INVALID_DATA);
}

/* Files from an independent writer: sox's 24-bit and float WAVs. */
static void
test_wav_from_sox (void)
{
  const gchar *variants[][3] = { {"-b", "16", "-esigned-integer"},
  {"-b", "24", "-esigned-integer"}, {"-b", "32", "-efloating-point"}
  };
  g_autofree gchar *sox = g_find_program_in_path ("sox");
  g_autoptr (GError) error = NULL;
  g_autofree gchar *dir = NULL;

  if (!sox) {
    g_test_skip ("sox is not installed");
    return;
  }
  dir = gw_test_tmpdir_new ("gw-wav-sox", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++) {
    g_autofree gchar *path = g_build_filename (dir, "sox.wav", NULL);
    const gchar *argv[] = { sox, "-n", "-r", "16000", "-c", "3",
      variants[i][0], variants[i][1], variants[i][2], path, "synth", "0.5",
      "sine", "1750", "vol", "0.5", NULL
    };
    gint status = -1;
    g_autoptr (GwTestAudio) a = NULL;

    CHECK (g_spawn_sync (NULL, (gchar **) argv, NULL,
            G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error));
    g_assert_cmpint (status, ==, 0);
    a = gw_test_wav_load (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (a->channels, ==, 3);
    g_assert_cmpuint (a->rate, ==, 16000);
    g_assert_cmpuint (a->n_frames, ==, 8000);
    g_assert_cmpfloat_with_epsilon (gw_test_tone_dominant_frequency (a, 50,
            8000), 1750, 1.0);
    g_assert_cmpfloat_with_epsilon (gw_test_tone_rms_dbfs (a),
        20 * log10 (0.5 / G_SQRT2), 0.2);
  }
  gw_test_tmpdir_remove (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tone/dominant-frequency", test_dominant_frequency);
  g_test_add_func ("/tone/short-and-empty", test_short_and_empty);
  g_test_add_func ("/tone/two-tone-mix", test_two_tone_mix);
  g_test_add_func ("/tone/stereo-channels", test_stereo_channels);
  g_test_add_func ("/tone/levels", test_levels);
  g_test_add_func ("/tone/segments", test_segments);
  g_test_add_func ("/wav/roundtrip", test_wav_roundtrip);
  g_test_add_func ("/wav/formats", test_wav_formats);
  g_test_add_func ("/wav/errors", test_wav_errors);
  g_test_add_func ("/wav/from-sox", test_wav_from_sox);
  return g_test_run ();
}
