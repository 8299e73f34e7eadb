/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small RIFF/WAVE reader and writer.  It reads integer PCM (8, 16, 24,
 * 32 bit) and IEEE float (32, 64 bit), plain or WAVE_FORMAT_EXTENSIBLE.
 * Recorders that are still writing (or were killed) leave the data size at
 * 0 or beyond the end of the file: then the rest of the file is the data,
 * cut to whole frames, so a recording can be checked mid-call. */
#include "gw-test-wav.h"

#include <gio/gio.h>
#include <string.h>

#define WAVE_FORMAT_PCM 0x0001
#define WAVE_FORMAT_IEEE_FLOAT 0x0003
#define WAVE_FORMAT_EXTENSIBLE 0xFFFE

typedef struct
{
  guint16 tag;
  guint16 channels;
  guint32 rate;
  guint16 block_align;
  guint16 bits;
} WavFormat;

static guint16
rd16 (const guint8 * p)
{
  return p[0] | (p[1] << 8);
}

static guint32
rd32 (const guint8 * p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);
}

static gboolean
parse_fmt (const guint8 * p, guint32 size, WavFormat * fmt, GError ** error)
{
  if (size < 16) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "WAV fmt chunk too short (%u bytes)", size);
    return FALSE;
  }
  fmt->tag = rd16 (p);
  fmt->channels = rd16 (p + 2);
  fmt->rate = rd32 (p + 4);
  fmt->block_align = rd16 (p + 12);
  fmt->bits = rd16 (p + 14);
  /* EXTENSIBLE: the real tag is the first two bytes of the subformat GUID */
  if (fmt->tag == WAVE_FORMAT_EXTENSIBLE && size >= 40)
    fmt->tag = rd16 (p + 24);
  if (fmt->tag != WAVE_FORMAT_PCM && fmt->tag != WAVE_FORMAT_IEEE_FLOAT) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
        "WAV format 0x%04x is not PCM or float", fmt->tag);
    return FALSE;
  }
  if (fmt->channels == 0 || fmt->rate == 0
      || fmt->block_align != fmt->channels * (fmt->bits / 8)
      || (fmt->tag == WAVE_FORMAT_PCM && fmt->bits != 8 && fmt->bits != 16
          && fmt->bits != 24 && fmt->bits != 32)
      || (fmt->tag == WAVE_FORMAT_IEEE_FLOAT && fmt->bits != 32
          && fmt->bits != 64)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
        "WAV layout not supported: %u channels, %u Hz, %u bits, block %u",
        fmt->channels, fmt->rate, fmt->bits, fmt->block_align);
    return FALSE;
  }
  return TRUE;
}

static gfloat
read_sample (const WavFormat * fmt, const guint8 * p)
{
  if (fmt->tag == WAVE_FORMAT_IEEE_FLOAT) {
    union
    {
      guint32 u;
      gfloat f;
    } f32;
    union
    {
      guint64 u;
      gdouble d;
    } f64;

    if (fmt->bits == 32) {
      f32.u = rd32 (p);
      return f32.f;
    }
    f64.u = rd32 (p) | ((guint64) rd32 (p + 4) << 32);
    return (gfloat) f64.d;
  }
  switch (fmt->bits) {
    case 8:
      return (p[0] - 128) / 128.0f;
    case 16:
      return (gint16) rd16 (p) / 32768.0f;
    case 24:
      return (gint32) ((guint32) p[0] << 8 | (guint32) p[1] << 16 |
          (guint32) p[2] << 24)
          / 2147483648.0f;
    default:
      return (gint32) rd32 (p) / 2147483648.0f;
  }
}

/**
 * gw_test_wav_parse:
 * Returns: (transfer full): the samples of a WAV file held in @bytes.
 */
GwTestAudio *
gw_test_wav_parse (GBytes * bytes, GError ** error)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  WavFormat fmt = { 0 };
  gboolean have_fmt = FALSE;
  gsize pos = 12;

  if (len < 12 || memcmp (d, "RIFF", 4) || memcmp (d + 8, "WAVE", 4)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "not a RIFF/WAVE file");
    return NULL;
  }
  while (pos + 8 <= len) {
    const guint8 *chunk = d + pos + 8;
    gsize avail = len - pos - 8;
    gsize size = rd32 (d + pos + 4);

    if (!memcmp (d + pos, "data", 4)) {
      GwTestAudio *audio;
      gsize n_frames;

      if (!have_fmt) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
            "WAV data chunk before fmt chunk");
        return NULL;
      }
      if (size == 0 || size > avail)
        size = avail;
      n_frames = size / fmt.block_align;
      audio = g_new0 (GwTestAudio, 1);
      audio->rate = fmt.rate;
      audio->channels = fmt.channels;
      audio->n_frames = n_frames;
      audio->data = g_new (gfloat, MAX (n_frames * fmt.channels, 1));
      for (gsize i = 0; i < n_frames * fmt.channels; i++)
        audio->data[i] = read_sample (&fmt, chunk + i * (fmt.bits / 8));
      return audio;
    }
    if (size > avail) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
          "WAV chunk '%.4s' truncated", (const gchar *) d + pos);
      return NULL;
    }
    if (!memcmp (d + pos, "fmt ", 4)) {
      if (!parse_fmt (chunk, size, &fmt, error))
        return NULL;
      have_fmt = TRUE;
    }
    pos += 8 + size + (size & 1);
  }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
      "WAV file has no data chunk");
  return NULL;
}

/**
 * gw_test_wav_load:
 * Returns: (transfer full): the samples of the WAV file at @path; the error
 * names the file.
 */
GwTestAudio *
gw_test_wav_load (const gchar * path, GError ** error)
{
  g_autoptr (GError) local = NULL;
  g_autofree gchar *contents = NULL;
  g_autoptr (GBytes) bytes = NULL;
  GwTestAudio *audio;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  audio = gw_test_wav_parse (bytes, &local);
  if (!audio)
    g_set_error (error, local->domain, local->code, "%s: %s", path,
        local->message);
  return audio;
}

static void
put16 (GByteArray * out, guint16 v)
{
  guint8 b[2] = { v & 0xff, v >> 8 };

  g_byte_array_append (out, b, 2);
}

static void
put32 (GByteArray * out, guint32 v)
{
  put16 (out, v & 0xffff);
  put16 (out, v >> 16);
}

/**
 * gw_test_wav_save:
 * Writes @audio as 16-bit PCM (clipped), e.g. to keep a failing recording.
 */
gboolean
gw_test_wav_save (const GwTestAudio * audio, const gchar * path,
    GError ** error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize n = audio->n_frames * audio->channels;

  g_byte_array_append (out, (const guint8 *) "RIFF", 4);
  put32 (out, 36 + n * 2);
  g_byte_array_append (out, (const guint8 *) "WAVEfmt ", 8);
  put32 (out, 16);
  put16 (out, WAVE_FORMAT_PCM);
  put16 (out, audio->channels);
  put32 (out, audio->rate);
  put32 (out, audio->rate * audio->channels * 2);
  put16 (out, audio->channels * 2);
  put16 (out, 16);
  g_byte_array_append (out, (const guint8 *) "data", 4);
  put32 (out, n * 2);
  for (gsize i = 0; i < n; i++)
    put16 (out, (guint16) (gint16) CLAMP (audio->data[i] * 32768.0f,
            -32768.0f, 32767.0f));
  return g_file_set_contents (path, (const gchar *) out->data, out->len, error);
}
