/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sip-sdp: our offer, answers and re-INVITE offers in the shapes real
 * phones and PBXs send them (baresip, Asterisk, FreeSWITCH), and broken
 * ones. */
#include <string.h>

#include <gst/gst.h>
#include <gst/sdp/gstsdpmessage.h>

#include "gw-error.h"
#include "sip-sdp.h"

static const GwSipSdpLocal local = {
  .address = "127.0.0.1",
  .rtp_port = 20000,
  .session_id = 4242,
  .session_version = 7,
};

/* Asterisk 18 answering PCMU with RFC 4733 at 8 kHz. */
static const gchar asterisk_answer[] =
    "v=0\r\n"
    "o=- 1961461052 1961461053 IN IP4 192.0.2.10\r\n"
    "s=Asterisk\r\n"
    "c=IN IP4 192.0.2.10\r\n"
    "t=0 0\r\n"
    "m=audio 12000 RTP/AVP 0 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=ptime:20\r\n" "a=maxptime:150\r\n" "a=sendrecv\r\n";

/* FreeSWITCH answering G722, a=rtcp with an address, session-level c=. */
static const gchar freeswitch_answer[] =
    "v=0\r\n"
    "o=FreeSWITCH 1700000000 1700000001 IN IP4 198.51.100.5\r\n"
    "s=FreeSWITCH\r\n"
    "c=IN IP4 198.51.100.5\r\n"
    "t=0 0\r\n"
    "m=audio 16384 RTP/AVP 9 101\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=ptime:20\r\n" "a=rtcp:16391 IN IP4 198.51.100.5\r\n";

/* baresip 1.0.0 answering our offer (captured on this machine): it lists
 * all its codecs, Opus first, and only telephone-event/8000. */
static const gchar baresip_answer[] =
    "v=0\r\n"
    "o=- 1109129874 765477887 IN IP4 192.0.2.2\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.2\r\n"
    "t=0 0\r\n"
    "a=tool:baresip 1.0.0\r\n"
    "m=audio 12296 RTP/AVP 111 9 0 8 101\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=fmtp:111 stereo=1;sprop-stereo=1\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=sendrecv\r\n"
    "a=label:1\r\n"
    "a=ssrc:2024516594 cname:sip:bob@127.0.0.1:45080\r\n"
    "a=minptime:20\r\n" "a=ptime:20\r\n";

/* A WebRTC-minded answer: Opus, c= at media level only, rtcp-mux, two
 * telephone-events (the 48 kHz one goes with Opus), ptime 40. */
static const gchar opus_mux_answer[] =
    "v=0\r\n"
    "o=- 3719283 3719284 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "m=audio 10004 RTP/AVP 111 101 110\r\n"
    "c=IN IP4 127.0.0.2\r\n"
    "b=AS:128\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=fmtp:111 stereo=1;sprop-stereo=1\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=rtpmap:110 telephone-event/48000\r\n"
    "a=rtcp-mux\r\n" "a=ptime:40\r\n" "a=sendrecv\r\n" "a=label:1\r\n";

static void
check_error (GError * error, const gchar * fragment)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == GW_ERROR);
  g_assert_cmpint (error->code, ==, GW_ERROR_INVALID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("error '%s' does not mention '%s'", error->message, fragment);
}

static void
test_offer (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = gw_sip_sdp_build_offer (&local, &error);
  g_autoptr (GstSDPMessage) msg = NULL;
  const GstSDPMedia *media;
  const GstSDPOrigin *origin;
  static const gchar *formats[] = { "111", "9", "0", "8", "110", "101" };

  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "\r\n"));
  g_assert_cmpint (gst_sdp_message_new_from_text (text, &msg), ==, GST_SDP_OK);
  origin = gst_sdp_message_get_origin (msg);
  g_assert_cmpstr (origin->sess_id, ==, "4242");
  g_assert_cmpstr (origin->sess_version, ==, "7");
  g_assert_cmpstr (origin->addrtype, ==, "IP4");
  g_assert_cmpstr (gst_sdp_message_get_connection (msg)->address, ==,
      "127.0.0.1");
  g_assert_cmpuint (gst_sdp_message_medias_len (msg), ==, 1);
  media = gst_sdp_message_get_media (msg, 0);
  g_assert_cmpstr (gst_sdp_media_get_media (media), ==, "audio");
  g_assert_cmpuint (gst_sdp_media_get_port (media), ==, 20000);
  g_assert_cmpstr (gst_sdp_media_get_proto (media), ==, "RTP/AVP");
  g_assert_cmpuint (gst_sdp_media_formats_len (media), ==, 6);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    g_assert_cmpstr (gst_sdp_media_get_format (media, i), ==, formats[i]);
  g_assert_nonnull (strstr (text, "a=rtpmap:111 opus/48000/2\r\n"));
  g_assert_nonnull (strstr (text, "a=fmtp:111 useinbandfec=1\r\n"));
  g_assert_nonnull (strstr (text, "a=rtpmap:9 G722/8000\r\n"));
  g_assert_nonnull (strstr (text, "a=rtpmap:0 PCMU/8000\r\n"));
  g_assert_nonnull (strstr (text, "a=rtpmap:8 PCMA/8000\r\n"));
  g_assert_nonnull (strstr (text, "a=rtpmap:110 telephone-event/48000\r\n"));
  g_assert_nonnull (strstr (text, "a=rtpmap:101 telephone-event/8000\r\n"));
  g_assert_nonnull (strstr (text, "a=fmtp:101 0-16\r\n"));
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (media, "ptime"), ==, "20");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (media, "rtcp"), ==,
      "20001");
  g_assert_nonnull (strstr (text, "a=sendrecv\r\n"));
}

static void
test_offer_ipv6_and_bad_local (void)
{
  GwSipSdpLocal l6 = local, bad = local;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = NULL;

  l6.address = "::1";
  text = gw_sip_sdp_build_offer (&l6, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "c=IN IP6 ::1\r\n"));

  bad.address = "gateway.example.com";
  g_assert_null (gw_sip_sdp_build_offer (&bad, &error));
  check_error (error, "not an IP address");
  g_clear_error (&error);
  bad = local;
  bad.rtp_port = 0;
  g_assert_null (gw_sip_sdp_build_offer (&bad, &error));
  check_error (error, "port");
}

/* Our own offer, read back as if it were an answer: the first codec. */
static void
test_offer_round_trip (void)
{
  g_autofree gchar *text = gw_sip_sdp_build_offer (&local, NULL);
  g_autoptr (GError) error = NULL;
  GwMediaParams p = { 0, };

  g_assert_true (gw_sip_sdp_parse_answer (text, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (p.codec, ==, GW_AUDIO_CODEC_OPUS);
  g_assert_cmpuint (p.payload_type, ==, 111);
  g_assert_cmpuint (p.dtmf_payload_type, ==, 110);
  g_assert_cmpuint (p.dtmf_clock_rate, ==, 48000);
  g_assert_cmpuint (p.remote_rtcp_port, ==, 20001);
  gw_media_params_clear (&p);
}

static void
test_answer_asterisk (void)
{
  g_autoptr (GError) error = NULL;
  GwMediaParams p = { 0, };

  g_assert_true (gw_sip_sdp_parse_answer (asterisk_answer, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (p.codec, ==, GW_AUDIO_CODEC_PCMU);
  g_assert_cmpuint (p.payload_type, ==, 0);
  g_assert_cmpuint (p.clock_rate, ==, 8000);
  g_assert_cmpuint (p.channels, ==, 1);
  g_assert_cmpuint (p.ptime, ==, 20);
  g_assert_cmpuint (p.dtmf_payload_type, ==, 101);
  g_assert_cmpuint (p.dtmf_clock_rate, ==, 8000);
  g_assert_cmpstr (p.remote_address, ==, "192.0.2.10");
  g_assert_cmpuint (p.remote_rtp_port, ==, 12000);
  g_assert_cmpuint (p.remote_rtcp_port, ==, 12001);
  g_assert_false (p.rtcp_mux);
  g_assert_cmpint (p.remote_direction, ==, GW_MEDIA_SENDRECV);
  g_assert_false (gw_media_params_is_hold (&p));
  gw_media_params_clear (&p);
}

static void
test_answer_freeswitch (void)
{
  g_autoptr (GError) error = NULL;
  GwMediaParams p = { 0, };

  g_assert_true (gw_sip_sdp_parse_answer (freeswitch_answer, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (p.codec, ==, GW_AUDIO_CODEC_G722);
  g_assert_cmpuint (p.payload_type, ==, 9);
  g_assert_cmpuint (p.clock_rate, ==, 8000);
  g_assert_cmpuint (p.dtmf_payload_type, ==, 101);
  g_assert_cmpstr (p.remote_address, ==, "198.51.100.5");
  g_assert_cmpuint (p.remote_rtp_port, ==, 16384);
  g_assert_cmpuint (p.remote_rtcp_port, ==, 16391);
  gw_media_params_clear (&p);
}

static void
test_answer_baresip (void)
{
  g_autoptr (GError) error = NULL;
  GwMediaParams p = { 0, };

  g_assert_true (gw_sip_sdp_parse_answer (baresip_answer, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (p.codec, ==, GW_AUDIO_CODEC_OPUS);
  g_assert_cmpuint (p.payload_type, ==, 111);
  g_assert_cmpuint (p.clock_rate, ==, 48000);
  g_assert_cmpuint (p.channels, ==, 2);
  g_assert_cmpuint (p.ptime, ==, 20);
  /* No telephone-event at 48 kHz: the 8 kHz one is the only choice. */
  g_assert_cmpuint (p.dtmf_payload_type, ==, 101);
  g_assert_cmpuint (p.dtmf_clock_rate, ==, 8000);
  g_assert_cmpstr (p.remote_address, ==, "192.0.2.2");
  g_assert_cmpuint (p.remote_rtp_port, ==, 12296);
  g_assert_cmpuint (p.remote_rtcp_port, ==, 12297);
  g_assert_false (p.rtcp_mux);
  g_assert_cmpint (p.remote_direction, ==, GW_MEDIA_SENDRECV);
  gw_media_params_clear (&p);
}

static void
test_answer_opus_mux (void)
{
  g_autoptr (GError) error = NULL;
  GwMediaParams p = { 0, };

  g_assert_true (gw_sip_sdp_parse_answer (opus_mux_answer, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (p.codec, ==, GW_AUDIO_CODEC_OPUS);
  g_assert_cmpuint (p.payload_type, ==, 111);
  g_assert_cmpuint (p.clock_rate, ==, 48000);
  g_assert_cmpuint (p.channels, ==, 2);
  g_assert_cmpuint (p.ptime, ==, 40);
  g_assert_cmpuint (p.dtmf_payload_type, ==, 110);
  g_assert_cmpuint (p.dtmf_clock_rate, ==, 48000);
  g_assert_cmpstr (p.remote_address, ==, "127.0.0.2");
  g_assert_cmpuint (p.remote_rtp_port, ==, 10004);
  g_assert_true (p.rtcp_mux);
  gw_media_params_clear (&p);
}

/* Static PT without rtpmap, unknown codecs first, only a telephone-event
 * of another clock rate, a session-level direction. */
static void
test_answer_static_pt_and_fallbacks (void)
{
  static const gchar sdp[] =
      "v=0\r\no=- 1 1 IN IP4 10.1.1.1\r\ns=-\r\nc=IN IP4 10.1.1.1\r\n"
      "t=0 0\r\na=sendonly\r\n"
      "m=audio 4000 RTP/AVP 18 97 8 96\r\n"
      "a=rtpmap:18 G729/8000\r\na=rtpmap:97 iLBC/8000\r\n"
      "a=rtpmap:96 telephone-event/48000\r\n";
  g_autoptr (GError) error = NULL;
  GwMediaParams p = { 0, };

  g_assert_true (gw_sip_sdp_parse_answer (sdp, &p, &error));
  g_assert_cmpint (p.codec, ==, GW_AUDIO_CODEC_PCMA);
  g_assert_cmpuint (p.payload_type, ==, 8);
  g_assert_cmpuint (p.dtmf_payload_type, ==, 96);
  g_assert_cmpuint (p.dtmf_clock_rate, ==, 48000);
  g_assert_cmpint (p.remote_direction, ==, GW_MEDIA_SENDONLY);
  g_assert_true (gw_media_params_is_hold (&p));
  gw_media_params_clear (&p);
}

static void
check_bad_answer (const gchar * sdp, const gchar * fragment)
{
  g_autoptr (GError) error = NULL;
  GwMediaParams p = { 0, };

  g_assert_false (gw_sip_sdp_parse_answer (sdp, &p, &error));
  check_error (error, fragment);
  g_assert_null (p.remote_address);
  g_assert_cmpint (p.codec, ==, GW_AUDIO_CODEC_NONE);
}

static void
test_answer_malformed (void)
{
  check_bad_answer (NULL, "empty");
  check_bad_answer ("", "empty");
  check_bad_answer ("hello world\r\n", "not an SDP");
  check_bad_answer ("v=1\r\no=- 1 1 IN IP4 1.2.3.4\r\n", "not an SDP");
  check_bad_answer ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
      "c=IN IP4 1.2.3.4\r\nt=0 0\r\n", "no media");
  check_bad_answer ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
      "c=IN IP4 1.2.3.4\r\nt=0 0\r\nm=video 5000 RTP/AVP 96\r\n"
      "a=rtpmap:96 VP8/90000\r\n", "no audio stream");
  check_bad_answer ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
      "c=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 5000 RTP/SAVP 0\r\n", "RTP/SAVP");
  check_bad_answer ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
      "c=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n", "port 0");
  check_bad_answer ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
      "c=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 5000 RTP/AVP 18 101\r\n"
      "a=rtpmap:18 G729/8000\r\na=rtpmap:101 telephone-event/8000\r\n",
      "no codec in common");
  /* An rtpmap that says PT 0 is something else wins over the static PT. */
  check_bad_answer ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
      "c=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
      "a=rtpmap:0 speex/8000\r\n", "no codec in common");
  check_bad_answer ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
      "c=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 5000 RTP/AVP 96\r\n"
      "a=rtpmap:96 opus/48000x/2\r\n", "no codec in common");
  check_bad_answer ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
      "t=0 0\r\nm=audio 5000 RTP/AVP 0\r\n", "connection address");
  check_bad_answer ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
      "c=IN IP4 pbx.example.com\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n",
      "connection address");
  check_bad_answer ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
      "c=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n",
      "bad audio port");
}

static gchar *
reoffer (const gchar * direction, const gchar * address, guint port,
    const gchar * formats)
{
  return g_strdup_printf ("v=0\r\no=- 1961461052 1961461054 IN IP4 "
      "192.0.2.10\r\ns=Asterisk\r\nc=IN IP4 %s\r\nt=0 0\r\n"
      "m=audio %u RTP/AVP %s\r\na=rtpmap:0 PCMU/8000\r\n"
      "a=rtpmap:8 PCMA/8000\r\na=rtpmap:9 G722/8000\r\n"
      "a=rtpmap:96 opus/48000/2\r\n"
      "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
      "a=ptime:20\r\n%s%s%s", address, port, formats,
      direction ? "a=" : "", direction ? direction : "",
      direction ? "\r\n" : "");
}

/* Answers @offer with PCMU as the current codec; returns the answer. */
static GstSDPMessage *
answer_reoffer (const gchar * offer, GwMediaParams * p)
{
  GwSipSdpLocal l = local;
  GwMediaParams current = {.codec = GW_AUDIO_CODEC_PCMU,.payload_type = 0 };
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = NULL;
  GstSDPMessage *msg = NULL;

  l.session_version = 8;
  text = gw_sip_sdp_answer_offer (offer, &l, &current, p, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
  g_assert_cmpint (gst_sdp_message_new_from_text (text, &msg), ==, GST_SDP_OK);
  g_assert_cmpstr (gst_sdp_message_get_origin (msg)->sess_version, ==, "8");
  g_assert_cmpstr (gst_sdp_message_get_origin (msg)->sess_id, ==, "4242");
  return msg;
}

static gboolean
has_flag (const GstSDPMedia * media, const gchar * key)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++) {
    if (g_strcmp0 (gst_sdp_media_get_attribute (media, i)->key, key) == 0)
      return TRUE;
  }
  return FALSE;
}

static void
check_direction (const gchar * offered, const gchar * answered, gboolean hold)
{
  g_autofree gchar *offer = reoffer (offered, "192.0.2.10", 12000,
      "0 8 101");
  GwMediaParams p = { 0, };
  g_autoptr (GstSDPMessage) answer = answer_reoffer (offer, &p);
  const GstSDPMedia *media = gst_sdp_message_get_media (answer, 0);

  g_assert_true (has_flag (media, answered));
  g_assert_cmpuint (gst_sdp_media_get_port (media), ==, 20000);
  g_assert_cmpint (gw_media_params_is_hold (&p), ==, hold);
  gw_media_params_clear (&p);
}

static void
test_reoffer_directions (void)
{
  check_direction ("sendonly", "recvonly", TRUE);
  check_direction ("inactive", "inactive", TRUE);
  check_direction ("recvonly", "sendonly", FALSE);
  check_direction ("sendrecv", "sendrecv", FALSE);
  check_direction (NULL, "sendrecv", FALSE);
}

static void
test_reoffer_null_address_and_port0 (void)
{
  g_autofree gchar *held = reoffer (NULL, "0.0.0.0", 12000, "0 101");
  g_autofree gchar *disabled = reoffer ("sendrecv", "192.0.2.10", 0, "0");
  GwMediaParams p = { 0, };
  g_autoptr (GstSDPMessage) a1 = answer_reoffer (held, &p);
  g_autoptr (GstSDPMessage) a2 = NULL;

  g_assert_true (has_flag (gst_sdp_message_get_media (a1, 0), "recvonly"));
  g_assert_cmpstr (p.remote_address, ==, "0.0.0.0");
  g_assert_true (gw_media_params_is_hold (&p));

  a2 = answer_reoffer (disabled, &p);
  g_assert_cmpuint (gst_sdp_media_get_port (gst_sdp_message_get_media (a2,
              0)), ==, 0);
  g_assert_cmpuint (p.remote_rtp_port, ==, 0);
  g_assert_cmpint (p.codec, ==, GW_AUDIO_CODEC_PCMU);
  g_assert_true (gw_media_params_is_hold (&p));
  gw_media_params_clear (&p);
}

/* PCMU is current: kept even when the offer now lists opus and G722 first;
 * telephone-event follows the codec's clock rate. */
static void
test_reoffer_keeps_codec (void)
{
  g_autofree gchar *offer = reoffer ("sendrecv", "192.0.2.11", 12002,
      "96 9 0 101");
  GwMediaParams p = { 0, };
  g_autoptr (GstSDPMessage) answer = answer_reoffer (offer, &p);
  const GstSDPMedia *media = gst_sdp_message_get_media (answer, 0);

  g_assert_cmpint (p.codec, ==, GW_AUDIO_CODEC_PCMU);
  g_assert_cmpuint (p.payload_type, ==, 0);
  g_assert_cmpuint (p.dtmf_payload_type, ==, 101);
  g_assert_cmpstr (p.remote_address, ==, "192.0.2.11");
  g_assert_cmpuint (p.remote_rtp_port, ==, 12002);
  g_assert_cmpuint (gst_sdp_media_formats_len (media), ==, 2);
  g_assert_cmpstr (gst_sdp_media_get_format (media, 0), ==, "0");
  g_assert_cmpstr (gst_sdp_media_get_format (media, 1), ==, "101");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (media, "rtcp"), ==,
      "20001");
  gw_media_params_clear (&p);
}

/* The current codec is gone: the offer's first one we know, with the
 * offer's PT. */
static void
test_reoffer_changes_codec (void)
{
  g_autofree gchar *offer = reoffer (NULL, "192.0.2.10", 12000, "96 8");
  GwMediaParams p = { 0, };
  g_autoptr (GstSDPMessage) answer = answer_reoffer (offer, &p);
  const GstSDPMedia *media = gst_sdp_message_get_media (answer, 0);

  g_assert_cmpint (p.codec, ==, GW_AUDIO_CODEC_OPUS);
  g_assert_cmpuint (p.payload_type, ==, 96);
  g_assert_cmpuint (p.channels, ==, 2);
  g_assert_cmpuint (p.dtmf_payload_type, ==, 0);
  g_assert_cmpuint (gst_sdp_media_formats_len (media), ==, 1);
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (media, "rtpmap"), ==,
      "96 opus/48000/2");
  gw_media_params_clear (&p);
}

/* FreeSWITCH style offer with a video m-line: the video is rejected with
 * port 0 in the same position, audio answered. */
static void
test_reoffer_audio_video (void)
{
  static const gchar offer[] =
      "v=0\r\no=FreeSWITCH 1 3 IN IP4 198.51.100.5\r\ns=FreeSWITCH\r\n"
      "c=IN IP4 198.51.100.5\r\nt=0 0\r\n"
      "m=video 16400 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"
      "m=audio 16384 RTP/AVP 9 101\r\na=rtpmap:9 G722/8000\r\n"
      "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
  GwMediaParams p = { 0, };
  g_autoptr (GstSDPMessage) answer = answer_reoffer (offer, &p);
  const GstSDPMedia *video = gst_sdp_message_get_media (answer, 0);
  const GstSDPMedia *audio = gst_sdp_message_get_media (answer, 1);

  g_assert_cmpuint (gst_sdp_message_medias_len (answer), ==, 2);
  g_assert_cmpstr (gst_sdp_media_get_media (video), ==, "video");
  g_assert_cmpuint (gst_sdp_media_get_port (video), ==, 0);
  g_assert_cmpstr (gst_sdp_media_get_format (video, 0), ==, "96");
  g_assert_cmpstr (gst_sdp_media_get_media (audio), ==, "audio");
  g_assert_cmpuint (gst_sdp_media_get_port (audio), ==, 20000);
  g_assert_cmpint (p.codec, ==, GW_AUDIO_CODEC_G722);
  g_assert_cmpstr (p.remote_address, ==, "198.51.100.5");
  gw_media_params_clear (&p);
}

static void
test_reoffer_malformed (void)
{
  g_autofree gchar *nocodec = reoffer (NULL, "192.0.2.10", 12000, "18");
  GwMediaParams p = { 0, };
  g_autoptr (GError) error = NULL;

  g_assert_null (gw_sip_sdp_answer_offer (nocodec, &local, NULL, &p, &error));
  check_error (error, "no codec in common");
  g_clear_error (&error);
  g_assert_null (gw_sip_sdp_answer_offer ("garbage", &local, NULL, &p, &error));
  check_error (error, "offer");
  g_assert_null (p.remote_address);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip-sdp/offer", test_offer);
  g_test_add_func ("/sip-sdp/offer-ipv6-bad-local",
      test_offer_ipv6_and_bad_local);
  g_test_add_func ("/sip-sdp/offer-round-trip", test_offer_round_trip);
  g_test_add_func ("/sip-sdp/answer-asterisk", test_answer_asterisk);
  g_test_add_func ("/sip-sdp/answer-freeswitch", test_answer_freeswitch);
  g_test_add_func ("/sip-sdp/answer-baresip", test_answer_baresip);
  g_test_add_func ("/sip-sdp/answer-opus-mux", test_answer_opus_mux);
  g_test_add_func ("/sip-sdp/answer-static-pt",
      test_answer_static_pt_and_fallbacks);
  g_test_add_func ("/sip-sdp/answer-malformed", test_answer_malformed);
  g_test_add_func ("/sip-sdp/reoffer-directions", test_reoffer_directions);
  g_test_add_func ("/sip-sdp/reoffer-hold-forms",
      test_reoffer_null_address_and_port0);
  g_test_add_func ("/sip-sdp/reoffer-keeps-codec", test_reoffer_keeps_codec);
  g_test_add_func ("/sip-sdp/reoffer-changes-codec",
      test_reoffer_changes_codec);
  g_test_add_func ("/sip-sdp/reoffer-audio-video", test_reoffer_audio_video);
  g_test_add_func ("/sip-sdp/reoffer-malformed", test_reoffer_malformed);
  return g_test_run ();
}
