/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Speech clip, encodings and pcap for bench-calls (see the header).  The
 * codec fragments are the gateway's own (pipelines/sip-<codec>.pipeline),
 * so the far end sends what the gateway itself would, and the codec floor
 * does the same work. */
#include "bench-media.h"

#include <gio/gio.h>
#include <gst/app/app.h>
#include <string.h>

#define PTIME_US 20000
#define HEADERS_LEN (14 + 20 + 8)
#define PCAP_LINKTYPE_ETHERNET 1

static const BenchCodec codecs[] = {
  {"pcmu", 0, "PCMU/8000", 8000, "mulawenc",
        "rtppcmupay pt=0 min-ptime=20000000 max-ptime=20000000",
      "rtppcmudepay", "mulawdec"},
  {"opus", 111, "opus/48000/2", 48000, "opusenc complexity=5 frame-size=20",
      "rtpopuspay pt=111", "rtpopusdepay", "opusdec plc=true"},
};

/* About 15 s of speech with its pauses, like one side of a call. */
static const gchar speech_text[] =
    "Hello, this is the benchmark calling. We are measuring how much work "
    "one audio call costs the gateway. Every call hears one other person "
    "in its session, and sends back what its phone says. Numbers, please: "
    "one, two, three, four, five, six, seven, eight, nine, ten. "
    "Thank you for waiting, the measurement goes on.";

const BenchCodec *
bench_codec_find (const gchar * name)
{
  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (g_strcmp0 (codecs[i].name, name) == 0)
      return &codecs[i];
  return NULL;
}

gchar *
bench_media_make_speech (const gchar * dir, GError ** error)
{
  g_autofree gchar *path = g_build_filename (dir, "speech.wav", NULL);
  const gchar *argv[] = { "espeak-ng", "-v", "en", "-s", "150", "-w", path,
    speech_text, NULL
  };
  gint status;

  if (!g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_SEARCH_PATH |
          G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, error)
      || !g_spawn_check_wait_status (status, error)) {
    g_prefix_error (error, "espeak-ng: ");
    return NULL;
  }
  return g_steal_pointer (&path);
}

/* Pulls everything until EOS; an error upstream ends the wait too (an
 * appsink alone would wait for EOS forever). */
static gboolean
collect (GstElement * pipeline, GstAppSink * sink, GPtrArray * out,
    GstCaps ** caps, GError ** error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);

  for (;;) {
    GstSample *sample = gst_app_sink_try_pull_sample (sink, 100 * GST_MSECOND);
    g_autoptr (GstMessage) msg = NULL;

    if (sample != NULL) {
      g_ptr_array_add (out, gst_buffer_ref (gst_sample_get_buffer (sample)));
      if (caps && *caps == NULL)
        *caps = gst_caps_ref (gst_sample_get_caps (sample));
      gst_sample_unref (sample);
      continue;
    }
    if (gst_app_sink_is_eos (sink))
      break;
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (msg != NULL) {
      g_autoptr (GError) why = NULL;

      gst_message_parse_error (msg, &why, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "encoding: %s",
          why->message);
      return FALSE;
    }
  }
  if (out->len == 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "encoding: no output");
    return FALSE;
  }
  return TRUE;
}

GPtrArray *
bench_media_encode (const gchar * wav, guint rate, const gchar * chain,
    GstCaps ** caps, GError ** error)
{
  g_autofree gchar *desc = g_strdup_printf ("filesrc location=\"%s\" ! "
      "wavparse ! audioconvert ! audioresample ! audio/x-raw,format=S16LE,"
      "rate=%u,channels=1 ! %s ! appsink name=sink sync=false", wav, rate,
      chain);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) sink = NULL;
  gboolean ok;

  if (caps)
    *caps = NULL;
  pipeline = gst_parse_launch_full (desc, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
      error);
  if (pipeline == NULL)
    return NULL;
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  ok = collect (pipeline, GST_APP_SINK (sink), out, caps, error);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (!ok && caps)
    gst_clear_caps (caps);
  return ok ? g_steal_pointer (&out) : NULL;
}

GPtrArray *
bench_media_rtp (const BenchCodec * codec, const gchar * wav,
    GstCaps ** caps, GError ** error)
{
  g_autofree gchar *chain = g_strdup_printf ("%s ! %s", codec->encoder,
      codec->payloader);

  return bench_media_encode (wav, codec->rate, chain, caps, error);
}

GPtrArray *
bench_media_opus (const gchar * wav, GstCaps ** caps, GError ** error)
{
  return bench_media_encode (wav, 48000, bench_codec_find ("opus")->encoder,
      caps, error);
}

static void
put_be16 (guint8 * p, guint v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

static void
put_be32 (guint8 * p, guint32 v)
{
  put_be16 (p, v >> 16);
  put_be16 (p + 2, v & 0xffff);
}

static void
put_le32 (GByteArray * out, guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append (out, b, 4);
}

/* Ethernet + IPv4 + UDP headers for @rtp_len bytes, placeholder
 * addresses (SIPp replaces them). */
static void
put_headers (guint8 * f, gsize rtp_len, guint id)
{
  guint8 *ip = f + 14, *udp = ip + 20;
  guint32 sum = 0;

  memset (f, 0, HEADERS_LEN);
  f[0] = f[6] = 0x02;
  put_be16 (f + 12, 0x0800);
  ip[0] = 0x45;
  put_be16 (ip + 2, 20 + 8 + rtp_len);
  put_be16 (ip + 4, id & 0xffff);
  ip[8] = 64;
  ip[9] = 17;
  put_be32 (ip + 12, 0x7f000001);
  put_be32 (ip + 16, 0x7f000001);
  for (guint i = 0; i < 20; i += 2)
    sum += (ip[i] << 8) | ip[i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  put_be16 (ip + 10, ~sum & 0xffff);
  put_be16 (udp, 40000);
  put_be16 (udp + 2, 40002);
  put_be16 (udp + 4, 8 + rtp_len);
}

/* RTP timestamp ticks per packet, from the clip's first two packets. */
static guint32
ticks_per_packet (GPtrArray * rtp)
{
  guint8 a[8], b[8];

  if (rtp->len < 2 || gst_buffer_extract (rtp->pdata[0], 0, a, 8) != 8
      || gst_buffer_extract (rtp->pdata[1], 0, b, 8) != 8)
    return 0;
  return ((guint32) b[4] << 24 | b[5] << 16 | b[6] << 8 | b[7]) -
      ((guint32) a[4] << 24 | a[5] << 16 | a[6] << 8 | a[7]);
}

gboolean
bench_media_write_pcap (const gchar * path, GPtrArray * rtp, guint seconds,
    GError ** error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint32 ssrc = g_random_int (), ticks = ticks_per_packet (rtp);
  guint n = seconds * (G_USEC_PER_SEC / PTIME_US);

  if (ticks == 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "the clip has too few RTP packets");
    return FALSE;
  }
  put_le32 (out, 0xa1b2c3d4);   /* pcap v2.4, microseconds */
  put_le32 (out, 2 | (4 << 16));
  put_le32 (out, 0);
  put_le32 (out, 0);
  put_le32 (out, 65535);
  put_le32 (out, PCAP_LINKTYPE_ETHERNET);
  for (guint i = 0; i < n; i++) {
    GstBuffer *packet = rtp->pdata[i % rtp->len];
    gsize len = gst_buffer_get_size (packet);
    guint8 frame[HEADERS_LEN + 1500];
    guint8 *head = frame + HEADERS_LEN;
    guint64 usec = (guint64) i * PTIME_US;

    if (len < 12 || len > 1500)
      continue;
    put_headers (frame, len, i);
    gst_buffer_extract (packet, 0, head, len);
    head[1] = (head[1] & 0x7f) | (i == 0 ? 0x80 : 0);
    put_be16 (head + 2, i & 0xffff);
    put_be32 (head + 4, i * ticks);
    put_be32 (head + 8, ssrc);
    put_le32 (out, usec / G_USEC_PER_SEC);
    put_le32 (out, usec % G_USEC_PER_SEC);
    put_le32 (out, HEADERS_LEN + len);
    put_le32 (out, HEADERS_LEN + len);
    g_byte_array_append (out, frame, HEADERS_LEN + len);
  }
  return g_file_set_contents (path, (const gchar *) out->data, out->len, error);
}
