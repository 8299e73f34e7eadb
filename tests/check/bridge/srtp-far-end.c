/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>
#include <gst/check/gstcheck.h>

#include "srtp-far-end.h"

#define PCMU_CAPS "media=audio,clock-rate=8000,encoding-name=PCMU,payload=0"

static GSocket *
bind_loopback (void)
{
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4,
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);

  fail_unless (socket && g_socket_bind (socket, address, FALSE, NULL));
  return g_steal_pointer (&socket);
}

static guint
socket_port (GSocket * socket)
{
  g_autoptr (GSocketAddress) address = g_socket_get_local_address (socket,
      NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

static void
decode_key (const gchar * text, guint8 key[30])
{
  gsize len = 0;
  g_autofree guchar *bytes = g_base64_decode (text, &len);

  fail_unless_equals_int (len, 30);
  memcpy (key, bytes, 30);
}

static GstBuffer *
key_buffer (const gchar * text)
{
  guint8 key[30];

  decode_key (text, key);
  return gst_buffer_new_memdup (key, sizeof (key));
}

static const gchar *
auth_of (GwSrtpSuite suite)
{
  return suite == GW_SRTP_AES_CM_128_HMAC_SHA1_32 ? "hmac-sha1-32" :
      "hmac-sha1-80";
}

/* ---- packet logs (streaming threads) ---- */

static void
log_packet (SfFarEnd * far, GArray * array, GstBuffer * buffer)
{
  SfPacket p = { 0, };
  guint8 head[12 + sizeof (p.payload)];
  gsize n = gst_buffer_extract (buffer, 0, head, sizeof (head));

  if (n < 1)
    return;
  p.first = head[0];
  p.size = gst_buffer_get_size (buffer);
  if (n == sizeof (head) && p.first >= 128 && p.first <= 191) {
    p.seq = GST_READ_UINT16_BE (head + 2);
    p.ssrc = GST_READ_UINT32_BE (head + 8);
    memcpy (p.payload, head + 12, sizeof (p.payload));
  }
  g_mutex_lock (&far->lock);
  g_array_append_val (array, p);
  g_mutex_unlock (&far->lock);
}

static GstPadProbeReturn
on_wire (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  SfFarEnd *far = user_data;

  log_packet (far, far->wire, GST_PAD_PROBE_INFO_BUFFER (info));
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_plain (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  SfFarEnd *far = user_data;

  log_packet (far, far->plain, GST_PAD_PROBE_INFO_BUFFER (info));
  return GST_PAD_PROBE_OK;
}

static GstCaps *
on_request_key (GstElement * decoder, guint ssrc, SfFarEnd * far)
{
  g_autoptr (GstBuffer) key = NULL;
  GstCaps *caps;

  g_mutex_lock (&far->lock);
  key = gst_buffer_new_memdup (far->key, sizeof (far->key));
  caps = gst_caps_new_simple ("application/x-srtp", "srtp-key",
      GST_TYPE_BUFFER, key, "srtp-cipher", G_TYPE_STRING, "aes-128-icm",
      "srtp-auth", G_TYPE_STRING, auth_of (far->suite), "srtcp-cipher",
      G_TYPE_STRING, "aes-128-icm", "srtcp-auth", G_TYPE_STRING,
      "hmac-sha1-80", NULL);
  g_mutex_unlock (&far->lock);
  return caps;
}

/* ---- building ---- */

static GstElement *
launch (const gchar * description)
{
  g_autoptr (GError) error = NULL;
  GstElement *pipeline = gst_parse_launch (description, &error);

  g_assert_no_error (error);
  return pipeline;
}

static GstElement *
by_name (GstElement * pipeline, const gchar * name)
{
  GstElement *element = gst_bin_get_by_name (GST_BIN (pipeline), name);

  fail_unless (element != NULL, "no %s", name);
  return element;
}

static void
play (GstElement * pipeline)
{
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
}

static void
set_socket (GstElement * pipeline, const gchar * name, GSocket * socket)
{
  g_autoptr (GstElement) element = by_name (pipeline, name);

  g_object_set (element, "socket", socket, "close-socket", FALSE, NULL);
}

/* Receiver: decrypt (decoder named "dec", output on its rtp_src) → PCMU →
 * appsink, with the wire and plain probes. */
static void
finish_receiver (SfFarEnd * far)
{
  g_autoptr (GstElement) src = by_name (far->receiver, "in");
  g_autoptr (GstElement) sink = by_name (far->receiver, "audio");
  g_autoptr (GstPad) wire = gst_element_get_static_pad (src, "src");
  g_autoptr (GstPad) plain = NULL;

  far->decoder = by_name (far->receiver, "dec");
  plain = gst_element_get_static_pad (far->decoder, "rtp_src");
  gst_pad_add_probe (wire, GST_PAD_PROBE_TYPE_BUFFER, on_wire, far, NULL);
  gst_pad_add_probe (plain, GST_PAD_PROBE_TYPE_BUFFER, on_plain, far, NULL);
  g_object_set (src, "socket", far->rtp_socket, "close-socket", FALSE, NULL);
  far->audio = bt_audio_new (sink, 8000);
}

static SfFarEnd *
far_end_new (guint bridge_port)
{
  SfFarEnd *far = g_new0 (SfFarEnd, 1);

  g_mutex_init (&far->lock);
  far->wire = g_array_new (FALSE, FALSE, sizeof (SfPacket));
  far->plain = g_array_new (FALSE, FALSE, sizeof (SfPacket));
  far->rtp_socket = bind_loopback ();
  far->rtcp_socket = bind_loopback ();
  far->rtp_port = socket_port (far->rtp_socket);
  far->rtcp_port = socket_port (far->rtcp_socket);
  far->bridge_port = bridge_port;
  return far;
}

SfFarEnd *
sf_far_end_new_sdes (GwSrtpSuite suite, const gchar * recv_key,
    const gchar * send_key, guint tone_hz, guint ssrc, guint seq,
    guint bridge_port)
{
  SfFarEnd *far = far_end_new (bridge_port);

  far->suite = suite;
  decode_key (recv_key, far->key);
  far->receiver = launch ("udpsrc name=in caps=\"application/x-srtp,"
      PCMU_CAPS "\" ! srtpdec name=dec ! rtppcmudepay ! mulawdec ! "
      "appsink name=audio sync=false async=false");
  finish_receiver (far);
  g_signal_connect (far->decoder, "request-key", G_CALLBACK (on_request_key),
      far);
  play (far->receiver);
  sf_far_end_restart_sender (far, send_key, tone_hz, ssrc, seq);
  return far;
}

void
sf_far_end_restart_sender (SfFarEnd * far, const gchar * send_key,
    guint tone_hz, guint ssrc, guint seq)
{
  g_autofree gchar *description = NULL;
  g_autoptr (GstElement) enc = NULL;
  g_autoptr (GstBuffer) key = NULL;

  if (far->sender) {
    gst_element_set_state (far->sender, GST_STATE_NULL);
    gst_clear_object (&far->sender);
  }
  if (tone_hz == 0)
    return;
  description = g_strdup_printf ("audiotestsrc is-live=true freq=%u "
      "volume=0.4 samplesperbuffer=160 ! audio/x-raw,rate=8000,channels=1 ! "
      "mulawenc ! rtppcmupay ssrc=%u seqnum-offset=%u ! srtpenc name=enc "
      "rtp-auth=%s rtcp-auth=hmac-sha1-80 ! udpsink name=out host=127.0.0.1 "
      "port=%u sync=false async=false", tone_hz, ssrc, seq,
      auth_of (far->suite), far->bridge_port);
  far->sender = launch (description);
  enc = by_name (far->sender, "enc");
  key = key_buffer (send_key);
  g_object_set (enc, "key", key, NULL);
  set_socket (far->sender, "out", far->rtp_socket);
  play (far->sender);
}

void
sf_far_end_set_recv_key (SfFarEnd * far, const gchar * recv_key)
{
  g_mutex_lock (&far->lock);
  decode_key (recv_key, far->key);
  g_mutex_unlock (&far->lock);
  g_signal_emit_by_name (far->decoder, "clear-keys");
}

SfFarEnd *
sf_far_end_new_dtls (gboolean client, const gchar * pem, guint tone_hz,
    guint bridge_port)
{
  static guint counter;
  SfFarEnd *far = far_end_new (bridge_port);
  g_autofree gchar *description = NULL, *id = NULL;
  g_autoptr (GstElement) dec = NULL, enc = NULL;

  far->dtls = TRUE;
  description = g_strdup_printf ("udpsrc name=in ! dtlssrtpdec name=dec "
      "dec.rtp_src ! capssetter caps=\"application/x-rtp," PCMU_CAPS "\" ! "
      "rtppcmudepay ! mulawdec ! appsink name=audio sync=false async=false "
      "dec.rtcp_src ! fakesink sync=false async=false "
      "audiotestsrc is-live=true freq=%u volume=0.4 samplesperbuffer=160 ! "
      "audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay ! "
      "enc.rtp_sink_0 dtlssrtpenc name=enc is-client=%s ! udpsink name=out host=127.0.0.1 "
      "port=%u sync=false async=false", MAX (tone_hz, 1),
      client ? "true" : "false", bridge_port);
  far->receiver = launch (description);
  dec = by_name (far->receiver, "dec");
  enc = by_name (far->receiver, "enc");
  id = g_strdup_printf ("far-%u-%u", getpid (), counter++);
  /* The certificate before the connection; the decoder makes the
   * connection that the encoder takes. */
  if (pem != NULL)
    g_object_set (dec, "pem", pem, NULL);
  g_object_set (dec, "connection-id", id, NULL);
  g_object_set (enc, "connection-id", id, NULL);
  finish_receiver (far);
  set_socket (far->receiver, "out", far->rtp_socket);
  play (far->receiver);
  return far;
}

void
sf_far_end_free (SfFarEnd * far)
{
  if (far->sender)
    gst_element_set_state (far->sender, GST_STATE_NULL);
  gst_element_set_state (far->receiver, GST_STATE_NULL);
  gst_clear_object (&far->sender);
  gst_clear_object (&far->decoder);
  gst_object_unref (far->receiver);
  bt_audio_free (far->audio);
  g_object_unref (far->rtp_socket);
  g_object_unref (far->rtcp_socket);
  g_array_unref (far->wire);
  g_array_unref (far->plain);
  g_mutex_clear (&far->lock);
  g_free (far);
}

void
sf_far_end_params (SfFarEnd * far, GwMediaParams * params)
{
  gw_media_params_clear (params);
  params->remote_address = g_strdup ("127.0.0.1");
  params->remote_rtp_port = far->rtp_port;
  params->remote_rtcp_port = far->rtcp_port;
  params->codec = GW_AUDIO_CODEC_PCMU;
  params->payload_type = 0;
  params->clock_rate = 8000;
  params->channels = 1;
  params->ptime = 20;
  params->remote_direction = GW_MEDIA_SENDRECV;
}

/* ---- checks ---- */

void
sf_far_end_clear (SfFarEnd * far)
{
  g_mutex_lock (&far->lock);
  g_array_set_size (far->wire, 0);
  g_array_set_size (far->plain, 0);
  g_mutex_unlock (&far->lock);
}

gboolean
sf_far_end_wait_plain (SfFarEnd * far, guint n, guint timeout_ms)
{
  return bt_wait_array_len (&far->lock, far->plain, n, timeout_ms);
}

static const SfPacket *
find_wire (GArray * wire, const SfPacket * plain)
{
  for (guint i = 0; i < wire->len; i++) {
    const SfPacket *p = &g_array_index (wire, SfPacket, i);

    if (p->first >= 128 && p->first <= 191 && p->seq == plain->seq
        && p->ssrc == plain->ssrc)
      return p;
  }
  return NULL;
}

guint
sf_far_end_assert_encrypted (SfFarEnd * far, guint tag_len)
{
  guint compared = 0;

  g_mutex_lock (&far->lock);
  for (guint i = 0; i < far->plain->len; i++) {
    const SfPacket *plain = &g_array_index (far->plain, SfPacket, i);
    const SfPacket *wire = find_wire (far->wire, plain);

    /* Only the first may lack its record: logged on the wire just before
     * the last clear, decrypted after it. */
    if (wire == NULL && i == 0)
      continue;
    fail_unless (wire != NULL, "decrypted packet %u never on the wire",
        plain->seq);
    fail_unless_equals_int (wire->size, plain->size + tag_len);
    fail_if (memcmp (wire->payload, plain->payload, sizeof (wire->payload))
        == 0, "packet %u went out in clear", plain->seq);
    compared++;
  }
  g_mutex_unlock (&far->lock);
  return compared;
}

guint
sf_far_end_count_dtls (SfFarEnd * far)
{
  guint n = 0;

  g_mutex_lock (&far->lock);
  for (guint i = 0; i < far->wire->len; i++) {
    guint8 first = g_array_index (far->wire, SfPacket, i).first;

    n += first >= 20 && first <= 63;
  }
  g_mutex_unlock (&far->lock);
  return n;
}

gchar *
sf_make_certificate (void)
{
  g_autofree gchar *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  const gchar *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048",
    "-nodes", "-subj", "/CN=far-end", "-days", "2", "-keyout", "/dev/stdout",
    "-out", "/dev/stdout", NULL
  };
  gint status = 0;

  /* Also called outside a test (main): plain GLib checks. */
  if (!g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
          NULL, &out, &err, &status, &error))
    g_error ("openssl: %s", error->message);
  if (!g_spawn_check_wait_status (status, NULL)
      || strstr (out, "BEGIN CERTIFICATE") == NULL)
    g_error ("openssl made no certificate: %s", err);
  return g_steal_pointer (&out);
}

/* ---- the bridge under test ---- */

void
sf_call_setup (SfCall * call, const gchar * prefix)
{
  static guint counter;
  g_autoptr (OtConnection) connection = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *call_id = NULL;
  guint first;
  GwMediaBridgeConfig config = {
    .bind_address = "127.0.0.1",
    .connection_id = SF_SIP_CONNECTION,
    .stream_id = SF_SIP_STREAM,
  };

  memset (call, 0, sizeof (*call));
  call->session_id = g_strdup_printf ("%s-session-%u-%u", prefix, getpid (),
      ++counter);
  call_id = g_strdup_printf ("%s-call-%u", prefix, counter);
  call->session = ot_hub_ensure_session (ot_hub_get_default (),
      call->session_id);
  connection = ot_session_add_connection (call->session, SF_SIP_CONNECTION,
      NULL, &error);
  g_assert_no_error (error);
  call->stream = ot_session_add_stream (call->session, connection,
      SF_SIP_STREAM, "sip", OT_VIDEO_TYPE_CAMERA, &error);
  g_assert_no_error (error);
  first = bt_find_free_ports (2);
  call->ports = gw_media_ports_new (first, first + 1, &error);
  g_assert_no_error (error);
  config.call_id = call_id;
  config.session_id = call->session_id;
  config.ports = call->ports;
  call->bridge = gw_media_bridge_new (&config, &error);
  g_assert_no_error (error);
}

void
sf_call_teardown (SfCall * call)
{
  g_clear_object (&call->bridge);
  fail_unless_equals_int (gw_media_ports_get_n_allocated (call->ports), 0);
  g_clear_object (&call->ports);
  ot_hub_remove_session (ot_hub_get_default (), call->session_id);
  g_clear_object (&call->stream);
  g_clear_object (&call->session);
  g_clear_pointer (&call->session_id, g_free);
}

void
sf_call_start (SfCall * call, const GwMediaParams * params)
{
  g_autoptr (GError) error = NULL;

  fail_unless (gw_media_bridge_start (call->bridge, params, &error));
  g_assert_no_error (error);
}

void
sf_call_update (SfCall * call, const GwMediaParams * params)
{
  g_autoptr (GError) error = NULL;

  fail_unless (gw_media_bridge_update (call->bridge, params, &error));
  g_assert_no_error (error);
}

/* Its level is high and far above the other tones of the tests (noise,
 * such as SRTP decoded as if it were PCMU, has no such peak).  Not the
 * zero-crossing frequency: on a loaded machine (sanitizers) the mixer
 * fills late input with silence, which costs crossings but not the
 * tone's peak. */
void
sf_assert_tone (BtAudio * audio, gdouble freq, guint timeout_ms)
{
  static const gdouble tones[] = { 440, 660, 880 };
  gdouble measured, level;

  bt_run (300);
  bt_audio_reset (audio);
  fail_unless (bt_audio_wait (audio, 500, timeout_ms), "no audio");
  measured = bt_audio_frequency (audio);
  level = bt_audio_tone_level (audio, freq);
  GST_INFO ("tone %.1f Hz, %.1f dBFS at %.0f Hz", measured, level, freq);
  fail_unless (level > -30.0, "%.0f Hz at %.1f dBFS", freq, level);
  for (guint i = 0; i < G_N_ELEMENTS (tones); i++) {
    gdouble other = bt_audio_tone_level (audio, tones[i]);

    fail_unless (tones[i] == freq || other < level - 20.0,
        "%.0f Hz at %.1f dBFS beside %.0f Hz at %.1f dBFS", tones[i], other,
        freq, level);
  }
}
