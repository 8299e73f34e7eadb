/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>

#include <gst/app/gstappsink.h>
#include <gst/check/gstcheck.h>

#include "bridge-test-utils.h"

typedef struct
{
  GwAudioCodec codec;
  const gchar *encoding_name;
  guint clock_rate;
  guint audio_rate;             /* what the encoder takes */
  const gchar *encode;
  const gchar *decode;
} FarCodec;

static const FarCodec far_codecs[] = {
  {GW_AUDIO_CODEC_PCMU, "PCMU", 8000, 8000, "mulawenc ! rtppcmupay",
      "rtppcmudepay ! mulawdec"},
  {GW_AUDIO_CODEC_PCMA, "PCMA", 8000, 8000, "alawenc ! rtppcmapay",
      "rtppcmadepay ! alawdec"},
  {GW_AUDIO_CODEC_G722, "G722", 8000, 16000, "avenc_g722 ! rtpg722pay",
      "rtpg722depay ! avdec_g722"},
  {GW_AUDIO_CODEC_OPUS, "OPUS", 48000, 48000,
      "opusenc frame-size=20 ! rtpopuspay", "rtpopusdepay ! opusdec"},
};

gboolean
bt_wait (gboolean (*done) (gpointer data), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!done (data)) {
    if (g_get_monotonic_time () > end)
      return done (data);
    while (g_main_context_iteration (NULL, FALSE));
    g_usleep (2000);
  }
  return TRUE;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
bt_run (guint ms)
{
  bt_wait (never, NULL, ms);
}

static GSocket *
bind_loopback (guint port)
{
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (lo, port);
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4,
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);

  if (!g_socket_bind (socket, address, FALSE, NULL))
    return NULL;
  return g_steal_pointer (&socket);
}

static guint
socket_port (GSocket * socket)
{
  g_autoptr (GSocketAddress) address = g_socket_get_local_address (socket,
      NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

guint
bt_find_free_ports (guint n)
{
  for (guint attempt = 0; attempt < 50; attempt++) {
    g_autoptr (GSocket) probe = bind_loopback (0);
    g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func
        (g_object_unref);
    guint first = socket_port (probe) & ~1u;

    g_clear_object (&probe);
    if (first + n > 65535)
      continue;
    for (guint i = 0; i < n; i++) {
      GSocket *socket = bind_loopback (first + i);

      if (socket == NULL)
        break;
      g_ptr_array_add (held, socket);
    }
    if (held->len == n)
      return first;
  }
  fail ("no %u free consecutive ports on 127.0.0.1", n);
  return 0;
}

/* ---- audio ---- */

struct _BtAudio
{
  guint rate;
  GMutex lock;
  GArray *samples;              /* gint16, guarded by lock */
};

static GstFlowReturn
on_new_sample (GstAppSink * sink, gpointer user_data)
{
  BtAudio *audio = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstMapInfo map;

  if (sample == NULL)
    return GST_FLOW_EOS;
  gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
  g_mutex_lock (&audio->lock);
  g_array_append_vals (audio->samples, map.data, map.size / 2);
  g_mutex_unlock (&audio->lock);
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  return GST_FLOW_OK;
}

BtAudio *
bt_audio_new (GstElement * appsink, guint rate)
{
  BtAudio *audio = g_new0 (BtAudio, 1);
  GstAppSinkCallbacks callbacks = {.new_sample = on_new_sample };

  audio->rate = rate;
  g_mutex_init (&audio->lock);
  audio->samples = g_array_new (FALSE, FALSE, sizeof (gint16));
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, audio, NULL);
  return audio;
}

void
bt_audio_free (BtAudio * audio)
{
  g_array_unref (audio->samples);
  g_mutex_clear (&audio->lock);
  g_free (audio);
}

void
bt_audio_reset (BtAudio * audio)
{
  g_mutex_lock (&audio->lock);
  g_array_set_size (audio->samples, 0);
  g_mutex_unlock (&audio->lock);
}

typedef struct
{
  GMutex *lock;
  GArray *array;
  guint n;
} ArrayWait;

static gboolean
array_has (gpointer data)
{
  ArrayWait *w = data;
  gboolean done;

  g_mutex_lock (w->lock);
  done = w->array->len >= w->n;
  g_mutex_unlock (w->lock);
  return done;
}

gboolean
bt_wait_array_len (GMutex * lock, GArray * array, guint n, guint timeout_ms)
{
  ArrayWait w = { lock, array, n };

  return bt_wait (array_has, &w, timeout_ms);
}

gboolean
bt_audio_wait (BtAudio * audio, guint ms, guint timeout_ms)
{
  return bt_wait_array_len (&audio->lock, audio->samples,
      audio->rate * ms / 1000, timeout_ms);
}

/* A copy of the samples, as doubles. */
static gdouble *
audio_copy (BtAudio * audio, guint * n)
{
  gdouble *x;

  g_mutex_lock (&audio->lock);
  *n = audio->samples->len;
  x = g_new (gdouble, MAX (*n, 1));
  for (guint i = 0; i < *n; i++)
    x[i] = g_array_index (audio->samples, gint16, i);
  g_mutex_unlock (&audio->lock);
  return x;
}

static gdouble
to_db (gdouble rms)
{
  return rms < 1e-3 ? -100.0 : 20.0 * log10 (rms / 32768.0);
}

gdouble
bt_audio_level (BtAudio * audio)
{
  guint n;
  g_autofree gdouble *x = audio_copy (audio, &n);
  gdouble sum = 0;

  for (guint i = 0; i < n; i++)
    sum += x[i] * x[i];
  return n ? to_db (sqrt (sum / n)) : -100.0;
}

/* Zero crossings with a hysteresis of a tenth of the peak, so that codec
 * noise around zero does not count. */
gdouble
bt_audio_frequency (BtAudio * audio)
{
  guint n, crossings = 0;
  g_autofree gdouble *x = audio_copy (audio, &n);
  gdouble peak = 0, threshold;
  gint state = 0;

  for (guint i = 0; i < n; i++)
    peak = MAX (peak, fabs (x[i]));
  threshold = peak / 10;
  for (guint i = 0; i < n; i++) {
    gint now = x[i] > threshold ? 1 : x[i] < -threshold ? -1 : state;

    if (state != 0 && now != state)
      crossings++;
    state = now;
  }
  return n ? crossings / 2.0 / ((gdouble) n / audio->rate) : 0;
}

gdouble
bt_audio_tone_level (BtAudio * audio, gdouble freq)
{
  guint n;
  g_autofree gdouble *x = audio_copy (audio, &n);
  gdouble coeff = 2 * cos (2 * G_PI * freq / audio->rate);
  gdouble s1 = 0, s2 = 0, power, amplitude;

  for (guint i = 0; i < n; i++) {
    gdouble s = x[i] + coeff * s1 - s2;

    s2 = s1;
    s1 = s;
  }
  power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  amplitude = n ? 2 * sqrt (MAX (power, 0)) / n : 0;
  return to_db (amplitude / G_SQRT2);
}

/* ---- the far end ---- */

static const FarCodec *
far_codec (GwAudioCodec codec)
{
  for (guint i = 0; i < G_N_ELEMENTS (far_codecs); i++)
    if (far_codecs[i].codec == codec)
      return &far_codecs[i];
  fail ("no far end for codec %d", codec);
  return NULL;
}

static GstPadProbeReturn
on_far_rtp (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  BtFarEnd *far = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  guint8 head[8];
  BtPacket packet;

  fail_unless_equals_int (gst_buffer_extract (buffer, 0, head, 8), 8);
  fail_unless_equals_int (head[0] >> 6, 2);
  packet.arrival_us = g_get_monotonic_time ();
  packet.pt = head[1] & 0x7f;
  packet.seq = GST_READ_UINT16_BE (head + 2);
  packet.timestamp = GST_READ_UINT32_BE (head + 4);
  packet.size = gst_buffer_get_size (buffer);
  g_mutex_lock (&far->lock);
  g_array_append_val (far->packets, packet);
  g_mutex_unlock (&far->lock);
  return GST_PAD_PROBE_OK;
}

static GstElement *
far_element (BtFarEnd * far, const gchar * name)
{
  GstElement *element = gst_bin_get_by_name (GST_BIN (far->pipeline), name);

  fail_unless (element != NULL, "far end has no %s", name);
  return element;
}

BtFarEnd *
bt_far_end_new (GwAudioCodec codec, guint pt, guint tone_hz,
    guint bridge_rtp_port)
{
  const FarCodec *c = far_codec (codec);
  BtFarEnd *far = g_new0 (BtFarEnd, 1);
  g_autofree gchar *send = NULL, *description = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) out = NULL, in = NULL, sink = NULL;
  g_autoptr (GstPad) pad = NULL;

  g_mutex_init (&far->lock);
  far->packets = g_array_new (FALSE, FALSE, sizeof (BtPacket));
  far->clock_rate = c->clock_rate;
  far->rtp_socket = bind_loopback (0);
  far->rtcp_socket = bind_loopback (0);
  fail_unless (far->rtp_socket && far->rtcp_socket);
  far->rtp_port = socket_port (far->rtp_socket);
  far->rtcp_port = socket_port (far->rtcp_socket);

  send = tone_hz ? g_strdup_printf ("audiotestsrc is-live=true freq=%u "
      "volume=0.4 samplesperbuffer=%u ! audio/x-raw,format=S16LE,rate=%u,"
      "channels=1 ! %s pt=%u ! udpsink name=out host=127.0.0.1 port=%u "
      "sync=false async=false ", tone_hz, c->audio_rate / 50, c->audio_rate,
      c->encode, pt, bridge_rtp_port) : g_strdup ("");
  description = g_strdup_printf ("%s udpsrc name=in caps=\"application/x-rtp,"
      "media=audio,clock-rate=%u,encoding-name=%s,payload=%u\" ! %s ! "
      "audioconvert ! audioresample ! audio/x-raw,format=S16LE,rate=%u,"
      "channels=1 ! appsink name=audio sync=false async=false", send,
      c->clock_rate, c->encoding_name, pt, c->decode, c->audio_rate);
  far->pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);

  in = far_element (far, "in");
  g_object_set (in, "socket", far->rtp_socket, "close-socket", FALSE, NULL);
  pad = gst_element_get_static_pad (in, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_far_rtp, far, NULL);
  if (tone_hz) {
    out = far_element (far, "out");
    g_object_set (out, "socket", far->rtp_socket, "close-socket", FALSE, NULL);
  }
  sink = far_element (far, "audio");
  far->audio = bt_audio_new (sink, c->audio_rate);
  fail_unless (gst_element_set_state (far->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return far;
}

void
bt_far_end_free (BtFarEnd * far)
{
  gst_element_set_state (far->pipeline, GST_STATE_NULL);
  gst_object_unref (far->pipeline);
  bt_audio_free (far->audio);
  g_object_unref (far->rtp_socket);
  g_object_unref (far->rtcp_socket);
  g_array_unref (far->packets);
  g_mutex_clear (&far->lock);
  g_free (far);
}

guint
bt_far_end_count_packets (BtFarEnd * far)
{
  guint n;

  g_mutex_lock (&far->lock);
  n = far->packets->len;
  g_mutex_unlock (&far->lock);
  return n;
}

GArray *
bt_far_end_take_packets (BtFarEnd * far)
{
  GArray *packets;

  g_mutex_lock (&far->lock);
  packets = far->packets;
  far->packets = g_array_new (FALSE, FALSE, sizeof (BtPacket));
  g_mutex_unlock (&far->lock);
  return packets;
}

void
bt_far_end_clear_packets (BtFarEnd * far)
{
  g_array_unref (bt_far_end_take_packets (far));
}

void
bt_far_end_params (BtFarEnd * far, GwAudioCodec codec, guint pt,
    GwMediaParams * params)
{
  gw_media_params_clear (params);
  params->remote_address = g_strdup ("127.0.0.1");
  params->remote_rtp_port = far->rtp_port;
  params->remote_rtcp_port = far->rtcp_port;
  params->codec = codec;
  params->payload_type = pt;
  params->clock_rate = far_codec (codec)->clock_rate;
  params->channels = codec == GW_AUDIO_CODEC_OPUS ? 2 : 1;
  params->ptime = 20;
  params->remote_direction = GW_MEDIA_SENDRECV;
}

/* ---- the session side ---- */

static void
on_subscriber_pad (GstElement * src, GstPad * pad, GstElement * sink)
{
  g_autoptr (GstPad) sinkpad = gst_element_get_static_pad (sink, "sink");

  if (g_str_has_prefix (GST_PAD_NAME (pad), "audio_"))
    fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
}

BtSubscriber *
bt_subscriber_new (const gchar * session_id, const gchar * stream_id)
{
  BtSubscriber *sub = g_new0 (BtSubscriber, 1);
  g_autofree gchar *description = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) src = NULL, sink = NULL;

  description = g_strdup_printf ("otsrc name=src session-id=%s streams=%s "
      "create-session=false appsink name=sink sync=false async=false "
      "caps=audio/x-raw,format=S16LE,layout=interleaved,rate=48000,"
      "channels=1", session_id, stream_id);
  sub->pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  src = gst_bin_get_by_name (GST_BIN (sub->pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (sub->pipeline), "sink");
  g_signal_connect_object (src, "pad-added", G_CALLBACK (on_subscriber_pad),
      sink, 0);
  sub->audio = bt_audio_new (sink, 48000);
  fail_unless (gst_element_set_state (sub->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return sub;
}

void
bt_subscriber_free (BtSubscriber * sub)
{
  gst_element_set_state (sub->pipeline, GST_STATE_NULL);
  gst_object_unref (sub->pipeline);
  bt_audio_free (sub->audio);
  g_free (sub);
}

GstElement *
bt_publisher_new (const gchar * session_id, const gchar * connection_id,
    const gchar * stream_id, guint tone_hz)
{
  g_autofree gchar *description = NULL;
  g_autoptr (GError) error = NULL;
  GstElement *pipeline;

  description = g_strdup_printf ("audiotestsrc is-live=true freq=%u "
      "volume=0.4 samplesperbuffer=960 ! audio/x-raw,format=S16LE,"
      "rate=48000,channels=1 ! otsink session-id=%s connection-id=%s "
      "stream-id=%s create-session=false", tone_hz, session_id,
      connection_id, stream_id);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return pipeline;
}

void
bt_publisher_free (GstElement * publisher)
{
  gst_element_set_state (publisher, GST_STATE_NULL);
  gst_object_unref (publisher);
}
