/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Codec floor pipelines (see the header).  Everything is queued into an
 * appsrc before the run, so the measured CPU is the elements' work. */
#include "bench-floor.h"

#include <gio/gio.h>
#include <gst/app/app.h>
#include <gst/rtp/gstrtpbuffer.h>
#include <sys/resource.h>

#define PTIME (20 * GST_MSECOND)
#define RAW_CAPS "audio/x-raw,format=S16LE,layout=interleaved,rate=48000," \
  "channels=1"

static gdouble
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Packet i of @n, looping @clip: timestamps run on; RTP sequence numbers
 * and timestamps too (@ticks per packet), as a depayloader expects. */
static GstBuffer *
looped (GPtrArray * clip, guint i, gboolean rtp, guint32 ticks)
{
  GstBuffer *buf = gst_buffer_copy_deep (clip->pdata[i % clip->len]);

  GST_BUFFER_PTS (buf) = i * PTIME;
  GST_BUFFER_DURATION (buf) = PTIME;
  if (rtp) {
    GstRTPBuffer r = GST_RTP_BUFFER_INIT;

    if (gst_rtp_buffer_map (buf, GST_MAP_READWRITE, &r)) {
      gst_rtp_buffer_set_seq (&r, i & 0xffff);
      gst_rtp_buffer_set_timestamp (&r, i * ticks);
      gst_rtp_buffer_unmap (&r);
    }
  }
  return buf;
}

static guint32
rtp_ticks (const BenchCodec * codec)
{
  return codec->rate == 48000 ? 960 : 160;
}

/* Runs @desc (an appsrc named src) over @n packets; returns CPU seconds
 * or a negative value with @error set. */
static gdouble
run_once (const gchar * desc, GstCaps * caps, GPtrArray * clip,
    gboolean rtp, guint32 ticks, guint n, GError ** error)
{
  g_autoptr (GstElement) pipeline = gst_parse_launch_full (desc, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, error);
  g_autoptr (GstElement) src = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GPtrArray) bufs = g_ptr_array_new_full (n, NULL);
  gdouble cpu0;

  if (pipeline == NULL)
    return -1;
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, "max-bytes",
      (guint64) 0, NULL);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (bufs, looped (clip, i, rtp, ticks));
  bus = gst_element_get_bus (pipeline);
  cpu0 = cpu_seconds ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < n; i++)
    gst_app_src_push_buffer (GST_APP_SRC (src), bufs->pdata[i]);
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  msg = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  cpu0 = cpu_seconds () - cpu0;
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (msg == NULL || GST_MESSAGE_TYPE (msg) != GST_MESSAGE_EOS) {
    g_autoptr (GError) why = NULL;

    if (msg)
      gst_message_parse_error (msg, &why, NULL);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "codec floor: %s",
        why ? why->message : "no EOS within 120 s");
    return -1;
  }
  return cpu0;
}

gboolean
bench_floor_measure (const BenchCodec * codec, GPtrArray * rtp,
    GstCaps * rtp_caps, GPtrArray * opus, GstCaps * opus_caps,
    guint seconds, guint repeats, BenchFloor * out, GError ** error)
{
  g_autofree gchar *receive = g_strdup_printf ("appsrc name=src ! %s ! %s ! "
      "audioconvert ! audioresample ! " RAW_CAPS " ! fakesink sync=false",
      codec->depayloader, codec->decoder);
  g_autofree gchar *send = g_strdup_printf ("appsrc name=src ! opusdec ! "
      "audioconvert ! audioresample ! " RAW_CAPS " ! audiomixer "
      "output-buffer-duration=20000000 ! " RAW_CAPS " ! audioresample ! "
      "audio/x-raw,format=S16LE,rate=%u,channels=1 ! %s ! %s ! "
      "fakesink sync=false", codec->rate, codec->encoder, codec->payloader);
  guint n = seconds * 50;
  gdouble best_rx = G_MAXDOUBLE, best_tx = G_MAXDOUBLE;

  for (guint r = 0; r < repeats; r++) {
    gdouble rx = run_once (receive, rtp_caps, rtp, TRUE, rtp_ticks (codec),
        n, error);
    gdouble tx = rx < 0 ? -1 : run_once (send, opus_caps, opus, FALSE, 0, n,
        error);

    if (tx < 0)
      return FALSE;
    best_rx = MIN (best_rx, rx);
    best_tx = MIN (best_tx, tx);
  }
  out->media_s = seconds;
  out->receive_ms_per_s = best_rx * 1000 / seconds;
  out->send_ms_per_s = best_tx * 1000 / seconds;
  out->total_ms_per_s = out->receive_ms_per_s + out->send_ms_per_s;
  return TRUE;
}
