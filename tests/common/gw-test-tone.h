/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test support: PCM audio in memory and the measurements tests assert on
 * (dominant frequency, level, silence, tone presence, active segments). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Level reported for digital silence instead of -infinity. */
#define GW_TEST_TONE_FLOOR_DBFS (-150.0)
/* Default "is silent" threshold: below any speech or tone, above the noise
 * of a codec fed with zeros. */
#define GW_TEST_TONE_SILENCE_DBFS (-50.0)

/**
 * GwTestAudio:
 * @rate: frames per second
 * @channels: interleaved channels
 * @n_frames: frames in @data
 * @data: interleaved samples, full scale = ±1.0
 *
 * A block of PCM held as floats, whatever it was loaded from.
 */
typedef struct
{
  guint rate;
  guint channels;
  gsize n_frames;
  gfloat *data;
} GwTestAudio;

/**
 * GwTestSegment:
 * @start: seconds from the start of the audio
 * @end: seconds, exclusive
 */
typedef struct
{
  gdouble start;
  gdouble end;
} GwTestSegment;

GwTestAudio *gw_test_audio_new_s16 (const gint16 * samples, gsize n_frames,
    guint rate, guint channels);
GwTestAudio *gw_test_audio_new_tones (guint rate, guint channels,
    gdouble seconds, gdouble amplitude, const gdouble * freqs, guint n_freqs);
GwTestAudio *gw_test_audio_copy_channel (const GwTestAudio * audio,
    guint channel);
GwTestAudio *gw_test_audio_slice (const GwTestAudio * audio, gdouble start,
    gdouble length);
gdouble gw_test_audio_duration (const GwTestAudio * audio);
void gw_test_audio_free (GwTestAudio * audio);

gdouble gw_test_tone_rms_dbfs (const GwTestAudio * audio);
gboolean gw_test_tone_is_silent (const GwTestAudio * audio,
    gdouble threshold_dbfs);
gdouble gw_test_tone_dominant_frequency (const GwTestAudio * audio,
    gdouble min_hz, gdouble max_hz);
gdouble gw_test_tone_power_fraction (const GwTestAudio * audio, gdouble freq,
    gdouble tolerance_hz);
GArray *gw_test_tone_segments (const GwTestAudio * audio,
    gdouble threshold_dbfs, gdouble min_gap);
gdouble gw_test_tone_active_seconds (const GwTestAudio * audio,
    gdouble threshold_dbfs);
gchar *gw_test_tone_describe (const GwTestAudio * audio);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwTestAudio, gw_test_audio_free)

G_END_DECLS
