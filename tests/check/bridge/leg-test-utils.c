/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/check/gstcheck.h>
#include <gst/rtp/gstrtpbuffer.h>

#include "leg-test-utils.h"

typedef struct
{
  GwAudioCodec codec;
  const gchar *encoding_name;
  guint clock_rate;
  guint audio_rate;
  const gchar *decode;
} Codec;

static const Codec codecs[] = {
  {GW_AUDIO_CODEC_PCMU, "PCMU", 8000, 8000, "rtppcmudepay ! mulawdec"},
  {GW_AUDIO_CODEC_PCMA, "PCMA", 8000, 8000, "rtppcmadepay ! alawdec"},
  {GW_AUDIO_CODEC_G722, "G722", 8000, 16000,
      "rtpg722depay ! avdec_g722"},
  {GW_AUDIO_CODEC_OPUS, "OPUS", 48000, 48000, "rtpopusdepay ! opusdec"},
};

static const Codec *
lookup_codec (GwAudioCodec codec)
{
  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (codecs[i].codec == codec)
      return &codecs[i];
  fail ("no codec %d", codec);
  return NULL;
}

guint
lt_codec_clock_rate (GwAudioCodec codec)
{
  return lookup_codec (codec)->clock_rate;
}

/* ---- the far end ---- */

static GSocket *
bind_loopback (void)
{
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (lo, 0);
  g_autoptr (GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4,
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);

  g_assert_no_error (error);
  fail_unless (g_socket_bind (socket, address, FALSE, &error));
  g_socket_set_blocking (socket, FALSE);
  return socket;
}

static guint
local_port (GSocket * socket)
{
  g_autoptr (GSocketAddress) address = g_socket_get_local_address (socket,
      NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

static void
clear_packet (LtPacket * p)
{
  g_bytes_unref (p->packet);
}

static void
keep_packet (LtPeer * peer, const guint8 * data, gsize size)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  g_autoptr (GstBuffer) buffer = gst_buffer_new_memdup (data, size);
  LtPacket p = { 0, };

  fail_unless (gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp),
      "the bridge sent a %" G_GSIZE_FORMAT "-byte packet that is not RTP",
      size);
  p.arrival_us = g_get_monotonic_time ();
  p.marker = gst_rtp_buffer_get_marker (&rtp);
  p.pt = gst_rtp_buffer_get_payload_type (&rtp);
  p.seq = gst_rtp_buffer_get_seq (&rtp);
  p.ts = gst_rtp_buffer_get_timestamp (&rtp);
  p.ssrc = gst_rtp_buffer_get_ssrc (&rtp);
  p.payload_len = gst_rtp_buffer_get_payload_len (&rtp);
  p.packet = g_bytes_new (data, size);
  p.payload = (const guint8 *) g_bytes_get_data (p.packet, NULL) +
      gst_rtp_buffer_get_header_len (&rtp);
  gst_rtp_buffer_unmap (&rtp);
  g_array_append_val (peer->packets, p);
}

static gboolean
on_readable (GSocket * socket, GIOCondition condition, gpointer user_data)
{
  LtPeer *peer = user_data;
  guint8 data[2048];
  gssize size;

  while ((size = g_socket_receive (socket, (gchar *) data, sizeof (data),
              NULL, NULL)) > 0) {
    if (socket == peer->rtp_socket)
      keep_packet (peer, data, size);
  }
  return G_SOURCE_CONTINUE;
}

static GSource *
watch (LtPeer * peer, GSocket * socket)
{
  GSource *source = g_socket_create_source (socket, G_IO_IN, NULL);

  g_source_set_callback (source, (GSourceFunc) (GCallback) on_readable, peer,
      NULL);
  g_source_attach (source, NULL);
  return source;
}

LtPeer *
lt_peer_new (void)
{
  LtPeer *peer = g_new0 (LtPeer, 1);

  peer->rtp_socket = bind_loopback ();
  peer->rtcp_socket = bind_loopback ();
  peer->rtp_port = local_port (peer->rtp_socket);
  peer->rtcp_port = local_port (peer->rtcp_socket);
  peer->packets = g_array_new (FALSE, FALSE, sizeof (LtPacket));
  g_array_set_clear_func (peer->packets, (GDestroyNotify) clear_packet);
  peer->rtp_source = watch (peer, peer->rtp_socket);
  peer->rtcp_source = watch (peer, peer->rtcp_socket);
  return peer;
}

void
lt_peer_free (LtPeer * peer)
{
  g_source_destroy (peer->rtp_source);
  g_source_unref (peer->rtp_source);
  g_source_destroy (peer->rtcp_source);
  g_source_unref (peer->rtcp_source);
  g_object_unref (peer->rtp_socket);
  g_object_unref (peer->rtcp_socket);
  g_array_unref (peer->packets);
  g_free (peer);
}

void
lt_peer_clear (LtPeer * peer)
{
  g_array_set_size (peer->packets, 0);
}

void
lt_peer_params (LtPeer * peer, GwAudioCodec codec, guint pt, guint dtmf_pt,
    guint dtmf_rate, GwMediaParams * params)
{
  gw_media_params_clear (params);
  params->remote_address = g_strdup ("127.0.0.1");
  params->remote_rtp_port = peer->rtp_port;
  params->remote_rtcp_port = peer->rtcp_port;
  params->codec = codec;
  params->payload_type = pt;
  params->clock_rate = lookup_codec (codec)->clock_rate;
  params->channels = codec == GW_AUDIO_CODEC_OPUS ? 2 : 1;
  params->ptime = 20;
  params->dtmf_payload_type = dtmf_pt;
  params->dtmf_clock_rate = dtmf_pt ? dtmf_rate : 0;
  params->remote_direction = GW_MEDIA_SENDRECV;
}

void
lt_peer_send_raw (LtPeer * peer, guint port, const guint8 * data, gsize size)
{
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) to = g_inet_socket_address_new (lo, port);
  g_autoptr (GError) error = NULL;

  fail_unless_equals_int (g_socket_send_to (peer->rtp_socket, to,
          (const gchar *) data, size, NULL, &error), size);
}

void
lt_peer_send (LtPeer * peer, guint port, guint8 pt, gboolean marker,
    guint16 seq, guint32 ts, guint32 ssrc, const guint8 * payload,
    gsize payload_len)
{
  g_autofree guint8 *data = g_malloc (12 + payload_len);

  data[0] = 0x80;
  data[1] = (marker ? 0x80 : 0) | (pt & 0x7f);
  GST_WRITE_UINT16_BE (data + 2, seq);
  GST_WRITE_UINT32_BE (data + 4, ts);
  GST_WRITE_UINT32_BE (data + 8, ssrc);
  memcpy (data + 12, payload, payload_len);
  lt_peer_send_raw (peer, port, data, 12 + payload_len);
}

/* Pushes the packets, stamped in RTP time from the first. */
static void
push_packets (LtPeer * peer, GstElement * src, guint pt, guint clock_rate)
{
  gboolean seen = FALSE;
  guint32 ts0 = 0;

  for (guint i = 0; i < peer->packets->len; i++) {
    LtPacket *p = &g_array_index (peer->packets, LtPacket, i);
    GstBuffer *buffer;

    if (p->pt != pt)
      continue;
    if (!seen)
      ts0 = p->ts;
    seen = TRUE;
    buffer = gst_buffer_new_wrapped_bytes (p->packet);
    GST_BUFFER_PTS (buffer) = gst_util_uint64_scale_int ((guint32) (p->ts -
            ts0), GST_SECOND, clock_rate);
    fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (src),
            buffer), GST_FLOW_OK);
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
}

GwTestAudio *
lt_peer_decode (LtPeer * peer, GwAudioCodec codec, guint pt)
{
  const Codec *c = lookup_codec (codec);
  g_autofree gchar *description = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL, src = NULL, sink = NULL;
  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint16));
  GstSample *sample;

  description = g_strdup_printf ("appsrc name=src format=time "
      "caps=\"application/x-rtp,media=audio,clock-rate=%u,encoding-name=%s,"
      "payload=%u\" ! %s ! audioconvert ! audioresample ! "
      "audio/x-raw,format=S16LE,channels=1,rate=%u ! appsink name=sink "
      "sync=false", c->clock_rate, c->encoding_name, pt, c->decode,
      c->audio_rate);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  push_packets (peer, src, pt, c->clock_rate);
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink)))) {
    GstMapInfo map;

    gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
    g_array_append_vals (samples, map.data, map.size / sizeof (gint16));
    gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
    gst_sample_unref (sample);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return gw_test_audio_new_s16 ((const gint16 *) samples->data,
      samples->len, c->audio_rate, 1);
}

/* ---- recorded RTP ---- */

static void
clear_recorded (LtRecorded * r)
{
  g_bytes_unref (r->rtp);
}

/* Byte by byte: pcap records are not aligned (GST_READ_* would read
 * unaligned words, which UBSan rejects). */
static guint32
read_le32 (const guint8 * p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

/* Ethernet, IPv4 (any header length), UDP. */
static GBytes *
udp_payload (const guint8 * frame, gsize size)
{
  gsize ip_len;

  if (size < 14 + 20 || (frame[12] << 8 | frame[13]) != 0x0800)
    return NULL;
  ip_len = (frame[14] & 0x0f) * 4;
  if (frame[14 + 9] != 17 || size < 14 + ip_len + 8)
    return NULL;
  return g_bytes_new (frame + 14 + ip_len + 8, size - 14 - ip_len - 8);
}

GArray *
lt_read_pcap (const gchar * path)
{
  g_autofree guint8 *data = NULL;
  g_autoptr (GError) error = NULL;
  GArray *records = g_array_new (FALSE, FALSE, sizeof (LtRecorded));
  gdouble start = -1;
  gsize size, at = 24;

  g_array_set_clear_func (records, (GDestroyNotify) clear_recorded);
  fail_unless (g_file_get_contents (path, (gchar **) & data, &size, &error),
      "%s", error ? error->message : path);
  /* Little-endian, microseconds, Ethernet: what SIPp ships. */
  fail_unless (size >= 24 && read_le32 (data) == 0xa1b2c3d4
      && read_le32 (data + 20) == 1, "%s: not an Ethernet pcap", path);
  while (at + 16 <= size) {
    gdouble time = read_le32 (data + at) + read_le32 (data + at + 4) / 1e6;
    gsize length = read_le32 (data + at + 8);
    LtRecorded r;

    fail_unless (at + 16 + length <= size, "%s: truncated", path);
    r.rtp = udp_payload (data + at + 16, length);
    at += 16 + length;
    if (r.rtp == NULL)
      continue;
    if (start < 0)
      start = time;
    r.time = time - start;
    g_array_append_val (records, r);
  }
  return records;
}

/* ---- call legs ---- */

static void
on_dtmf (GwMediaBridge * bridge, gchar digit, LtLeg * leg)
{
  fail_unless (g_main_context_is_owner (g_main_context_default ()));
  g_string_append_c (leg->dtmf, digit);
}

static void
on_streams_changed (GwMediaBridge * bridge, guint n_streams, LtLeg * leg)
{
  leg->n_streams = n_streams;
}

static void
on_error (GwMediaBridge * bridge, GError * error, LtLeg * leg)
{
  GST_ERROR ("bridge of %s: %s", leg->connection_id, error->message);
  leg->n_errors++;
}

LtLeg *
lt_leg_new (OtSession * session, GwMediaPorts * ports, const gchar * name)
{
  LtLeg *leg = g_new0 (LtLeg, 1);
  g_autoptr (OtConnection) connection = NULL;
  g_autoptr (OtStream) stream = NULL;
  g_autoptr (GError) error = NULL;
  GwMediaBridgeConfig config = {
    .call_id = name,
    .bind_address = "127.0.0.1",
    .ports = ports,
    .session_id = ot_session_get_id (session),
  };

  leg->connection_id = g_strdup_printf ("%s-connection", name);
  leg->stream_id = g_strdup_printf ("%s-stream", name);
  leg->dtmf = g_string_new (NULL);
  connection = ot_session_add_connection (session, leg->connection_id, NULL,
      &error);
  g_assert_no_error (error);
  stream = ot_session_add_stream (session, connection, leg->stream_id, name,
      OT_VIDEO_TYPE_CAMERA, &error);
  g_assert_no_error (error);
  config.connection_id = leg->connection_id;
  config.stream_id = leg->stream_id;
  leg->bridge = gw_media_bridge_new (&config, &error);
  g_assert_no_error (error);
  g_signal_connect (leg->bridge, "dtmf-received", G_CALLBACK (on_dtmf), leg);
  g_signal_connect (leg->bridge, "error", G_CALLBACK (on_error), leg);
  g_signal_connect (leg->bridge, "streams-changed",
      G_CALLBACK (on_streams_changed), leg);
  return leg;
}

void
lt_leg_free (LtLeg * leg)
{
  g_object_unref (leg->bridge);
  g_string_free (leg->dtmf, TRUE);
  g_free (leg->connection_id);
  g_free (leg->stream_id);
  g_free (leg);
}

void
lt_leg_start (LtLeg * leg, const GwMediaParams * params)
{
  g_autoptr (GError) error = NULL;

  fail_unless (gw_media_bridge_start (leg->bridge, params, &error), "%s",
      error ? error->message : "");
}
