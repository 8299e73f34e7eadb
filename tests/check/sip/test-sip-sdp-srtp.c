/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sip-sdp with secure media: our SDES and DTLS-SRTP offers, the answers
 * that take them (and those that must not: plain RTP to a secure offer is
 * the call's 488), re-INVITEs that hold, resume or rekey, and the key and
 * fingerprint helpers of media-params. */
#include <string.h>

#include <gst/gst.h>
#include <gst/sdp/gstsdpmessage.h>

#include "gw-error.h"
#include "sip-sdp.h"

/* A throw-away self-signed certificate and its fingerprints (openssl x509
 * -fingerprint -sha256 / -sha1). */
static const gchar dtls_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBgjCCASmgAwIBAgIUKFnR/WFygax9YepwRYBzFeO1D8wwCgYIKoZIzj0EAwIw\n"
    "FzEVMBMGA1UEAwwMZ3ctZHRscy10ZXN0MB4XDTI2MTEyNjA1MzcyOVoXDTM2MTEy\n"
    "MzA1MzcyOVowFzEVMBMGA1UEAwwMZ3ctZHRscy10ZXN0MFkwEwYHKoZIzj0CAQYI\n"
    "KoZIzj0DAQcDQgAEzYFUVZq5epoNarG+T8gOTTTh2IXE1alF6WuQElStrRMOmQg/\n"
    "uXvGoxrKYlUsAlcbuoDeUz83cQfZVNJBkbo7Q6NTMFEwHQYDVR0OBBYEFH2kqEc/\n"
    "8YEAfc1dyMVXEpQB+ETsMB8GA1UdIwQYMBaAFH2kqEc/8YEAfc1dyMVXEpQB+ETs\n"
    "MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgZZOkMT7hD6ayZ6F3\n"
    "uAsbemipCH9+3sL4dX2fe5zymy8CIBvfBZknceiU4pMJgcAlQ29m0PhTO0qbOwCA\n"
    "13zIpvjo\n" "-----END CERTIFICATE-----\n";
#define DTLS_SHA256 "sha-256 42:62:5C:95:C5:B0:19:D4:3D:88:75:BA:F0:F9:68:" \
    "69:DD:51:2C:E3:A7:7B:BF:F9:B4:BC:3D:EE:97:8C:14:40"
#define DTLS_SHA1 "sha-1 82:c1:f0:cf:ed:08:3a:72:01:e8:1f:cf:eb:0d:c4:d9:" \
    "46:d3:a5:4d"

/* base64 of 30 ASCII bytes each. */
#define KEY_A "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk"
#define KEY_B "MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0"
#define KEY_C "enl4d3Z1dHNycXBvbm1sa2ppaGdmZWRjYmE5ODc2"

/* A far end's fingerprint (any bytes: only its form is checked here). */
#define FAR_FP "sha-256 0a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:f9:" \
    "0a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:f9"

static void
local_init (GwSipSdpLocal * local, GwSrtpMode mode)
{
  g_autoptr (GError) error = NULL;

  memset (local, 0, sizeof (*local));
  local->address = "127.0.0.1";
  local->rtp_port = 20000;
  local->session_id = 4242;
  local->session_version = 7;
  g_assert_true (gw_srtp_local_init (&local->srtp, mode, dtls_pem, &error));
  g_assert_no_error (error);
}

static gchar *
answer_sdp (const gchar * proto, const gchar * attributes)
{
  return g_strdup_printf ("v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\n"
      "c=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 12000 %s 0 101\r\n"
      "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n%s",
      proto, attributes);
}

static void
check_invalid (const GError * error, const gchar * fragment)
{
  g_assert_error (error, GW_ERROR, GW_ERROR_INVALID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("error '%s' does not mention '%s'", error->message, fragment);
}

/* An SDES key as offered: 40 base64 characters of 30 bytes. */
static void
check_key (const gchar * key)
{
  gsize len = 0;
  g_autofree guchar *bytes = NULL;

  g_assert_cmpuint (strlen (key), ==, 40);
  for (const gchar * p = key; *p; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '+' || *p == '/');
  bytes = g_base64_decode (key, &len);
  g_assert_cmpuint (len, ==, GW_SRTP_KEY_LEN);
}

static void
test_offer_sdes (void)
{
  GwSipSdpLocal local, other;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = NULL, *again = NULL;
  g_autoptr (GstSDPMessage) msg = NULL;
  const GstSDPMedia *media;
  const gchar *c1, *c2;

  local_init (&local, GW_SRTP_SDES);
  local_init (&other, GW_SRTP_SDES);
  text = gw_sip_sdp_build_offer (&local, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gst_sdp_message_new_from_text (text, &msg), ==, GST_SDP_OK);
  media = gst_sdp_message_get_media (msg, 0);
  g_assert_cmpstr (gst_sdp_media_get_proto (media), ==, "RTP/SAVP");
  c1 = gst_sdp_media_get_attribute_val_n (media, "crypto", 0);
  c2 = gst_sdp_media_get_attribute_val_n (media, "crypto", 1);
  g_assert_null (gst_sdp_media_get_attribute_val_n (media, "crypto", 2));
  g_assert_true (g_str_has_prefix (c1, "1 AES_CM_128_HMAC_SHA1_80 inline:"));
  g_assert_true (g_str_has_prefix (c2, "2 AES_CM_128_HMAC_SHA1_32 inline:"));
  g_assert_cmpstr (strchr (c1, ':') + 1, ==, local.srtp.sdes_key_80);
  g_assert_cmpstr (strchr (c2, ':') + 1, ==, local.srtp.sdes_key_32);
  check_key (local.srtp.sdes_key_80);
  check_key (local.srtp.sdes_key_32);
  /* Fresh keys: one per suite, one set per call. */
  g_assert_cmpstr (local.srtp.sdes_key_80, !=, local.srtp.sdes_key_32);
  g_assert_cmpstr (local.srtp.sdes_key_80, !=, other.srtp.sdes_key_80);
  g_assert_null (gst_sdp_media_get_attribute_val (media, "fingerprint"));
  /* The codecs are the plain offer's. */
  g_assert_cmpuint (gst_sdp_media_formats_len (media), ==, 6);
  /* The same local state writes the same offer. */
  again = gw_sip_sdp_build_offer (&local, NULL);
  g_assert_cmpstr (text, ==, again);
}

static void
test_offer_dtls (void)
{
  GwSipSdpLocal local;
  g_autofree gchar *text = NULL;
  g_autoptr (GstSDPMessage) msg = NULL;
  const GstSDPMedia *media;

  local_init (&local, GW_SRTP_DTLS);
  g_assert_cmpstr (local.srtp.dtls_fingerprint, ==, DTLS_SHA256);
  text = gw_sip_sdp_build_offer (&local, NULL);
  g_assert_cmpint (gst_sdp_message_new_from_text (text, &msg), ==, GST_SDP_OK);
  media = gst_sdp_message_get_media (msg, 0);
  g_assert_cmpstr (gst_sdp_media_get_proto (media), ==, "UDP/TLS/RTP/SAVP");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (media, "fingerprint"), ==,
      DTLS_SHA256);
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (media, "setup"), ==,
      "actpass");
  g_assert_null (gst_sdp_media_get_attribute_val (media, "crypto"));
}

static void
test_answer_sdes (void)
{
  GwSipSdpLocal local;
  g_autofree gchar *a80 = answer_sdp ("RTP/SAVP",
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n");
  g_autofree gchar *a32 = answer_sdp ("RTP/SAVP",
      "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" KEY_B "|2^31\r\n");
  g_autoptr (GError) error = NULL;
  g_auto (GwMediaParams) p = { 0, };

  local_init (&local, GW_SRTP_SDES);
  p.local_srtp = local.srtp;
  g_assert_true (gw_sip_sdp_parse_answer (a80, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (p.srtp, ==, GW_SRTP_SDES);
  g_assert_cmpint (p.srtp_suite, ==, GW_SRTP_AES_CM_128_HMAC_SHA1_80);
  g_assert_cmpuint (p.srtp_tag, ==, 1);
  g_assert_cmpstr (p.srtp_local_key, ==, local.srtp.sdes_key_80);
  g_assert_cmpstr (p.srtp_remote_key, ==, KEY_A);
  g_assert_cmpint (p.codec, ==, GW_AUDIO_CODEC_PCMU);
  g_assert_cmpstr (p.remote_address, ==, "192.0.2.10");

  /* The answer takes the other suite (with a key lifetime). */
  g_assert_true (gw_sip_sdp_parse_answer (a32, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (p.srtp_suite, ==, GW_SRTP_AES_CM_128_HMAC_SHA1_32);
  g_assert_cmpuint (p.srtp_tag, ==, 2);
  g_assert_cmpstr (p.srtp_local_key, ==, local.srtp.sdes_key_32);
  g_assert_cmpstr (p.srtp_remote_key, ==, KEY_B);
  /* The offer side survives the parse. */
  g_assert_cmpstr (p.local_srtp.sdes_key_80, ==, local.srtp.sdes_key_80);
}

static void
check_bad_answer (GwSrtpMode mode, const gchar * proto,
    const gchar * attributes, const gchar * fragment)
{
  GwSipSdpLocal local;
  g_autofree gchar *sdp = answer_sdp (proto, attributes);
  g_autoptr (GError) error = NULL;
  g_auto (GwMediaParams) p = { 0, };

  local_init (&local, mode);
  p.local_srtp = local.srtp;
  g_assert_false (gw_sip_sdp_parse_answer (sdp, &p, &error));
  check_invalid (error, fragment);
  g_assert_cmpint (p.srtp, ==, GW_SRTP_NONE);
  g_assert_null (p.remote_address);
  g_assert_cmpstr (p.srtp_remote_key, ==, "");
}

/* A secure offer answered in the clear, or with what we cannot take:
 * GW_ERROR_INVALID, which the call turns into 488 (and a BYE). */
static void
test_answer_refused (void)
{
  check_bad_answer (GW_SRTP_SDES, "RTP/AVP", "", "not encrypted");
  check_bad_answer (GW_SRTP_SDES, "RTP/AVP",
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n",
      "not encrypted");
  check_bad_answer (GW_SRTP_DTLS, "RTP/AVP", "", "not encrypted");
  check_bad_answer (GW_SRTP_SDES, "RTP/SAVP", "", "without a=crypto");
  check_bad_answer (GW_SRTP_SDES, "RTP/SAVP",
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "|2^20|1:4\r\n",
      "MKI");
  check_bad_answer (GW_SRTP_SDES, "RTP/SAVP",
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "|1:4;inline:"
      KEY_B "|2:4\r\n", "MKI");
  check_bad_answer (GW_SRTP_SDES, "RTP/SAVP",
      "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" KEY_A "\r\n",
      "not one we offered");
  check_bad_answer (GW_SRTP_SDES, "RTP/SAVP",
      "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n",
      "not one we offered");
  check_bad_answer (GW_SRTP_SDES, "RTP/SAVP",
      "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:" KEY_A KEY_B "\r\n",
      "AES_256_CM_HMAC_SHA1_80 is not supported");
  check_bad_answer (GW_SRTP_SDES, "RTP/SAVP",
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:QUJDREVGR0hJSktMTU5PUFFS\r\n",
      "30 bytes");
  check_bad_answer (GW_SRTP_SDES, "RTP/SAVP",
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "|2^99\r\n",
      "lifetime");
  check_bad_answer (GW_SRTP_SDES, "RTP/SAVP",
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A
      " UNENCRYPTED_SRTP\r\n", "UNENCRYPTED_SRTP");
  /* DTLS answer to an SDES offer, and the reverse. */
  check_bad_answer (GW_SRTP_SDES, "UDP/TLS/RTP/SAVP",
      "a=fingerprint:" FAR_FP "\r\na=setup:active\r\n",
      "DTLS-SRTP answer to our SDES offer");
  check_bad_answer (GW_SRTP_DTLS, "RTP/SAVP",
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n", "SDES answer");
  check_bad_answer (GW_SRTP_DTLS, "UDP/TLS/RTP/SAVP", "a=setup:active\r\n",
      "fingerprint");
  check_bad_answer (GW_SRTP_DTLS, "UDP/TLS/RTP/SAVP",
      "a=fingerprint:md5 00:11\r\na=setup:active\r\n", "fingerprint");
  check_bad_answer (GW_SRTP_DTLS, "UDP/TLS/RTP/SAVP",
      "a=fingerprint:" FAR_FP "\r\na=setup:actpass\r\n", "active or passive");
  check_bad_answer (GW_SRTP_DTLS, "UDP/TLS/RTP/SAVP",
      "a=fingerprint:" FAR_FP "\r\na=setup:holdconn\r\n", "a=setup");
  /* A plain offer still takes plain answers only. */
  check_bad_answer (GW_SRTP_NONE, "RTP/SAVP",
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n",
      "RTP/AVP only");
}

static void
check_dtls_answer (const gchar * attributes, GwDtlsSetup ours)
{
  GwSipSdpLocal local;
  g_autofree gchar *sdp = answer_sdp ("UDP/TLS/RTP/SAVP", attributes);
  g_autoptr (GError) error = NULL;
  g_auto (GwMediaParams) p = { 0, };

  local_init (&local, GW_SRTP_DTLS);
  p.local_srtp = local.srtp;
  g_assert_true (gw_sip_sdp_parse_answer (sdp, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (p.srtp, ==, GW_SRTP_DTLS);
  g_assert_cmpint (p.dtls_setup, ==, ours);
  g_assert_cmpstr (p.dtls_remote_fingerprint, ==,
      "sha-256 0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:"
      "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9");
  g_assert_cmpstr (p.srtp_local_key, ==, "");
  g_assert_cmpstr (p.local_srtp.dtls_fingerprint, ==, DTLS_SHA256);
}

static void
test_answer_dtls (void)
{
  /* They connect: we are the server, and the reverse. */
  check_dtls_answer ("a=fingerprint:" FAR_FP "\r\na=setup:active\r\n",
      GW_DTLS_SETUP_PASSIVE);
  check_dtls_answer ("a=setup:passive\r\na=fingerprint:" FAR_FP "\r\n",
      GW_DTLS_SETUP_ACTIVE);
  /* RFC 4145: no a=setup means active. */
  check_dtls_answer ("a=fingerprint:" FAR_FP "\r\n", GW_DTLS_SETUP_PASSIVE);
}

static gchar *
reoffer (const gchar * proto, guint port, const gchar * attributes)
{
  return g_strdup_printf ("v=0\r\no=- 1 2 IN IP4 192.0.2.10\r\ns=-\r\n"
      "c=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio %u %s 0 8 101\r\n"
      "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
      "a=rtpmap:101 telephone-event/8000\r\n%s", port, proto, attributes);
}

/* Answers @offer for a call whose state is @current (updated); returns
 * the m-line of our answer. */
static GstSDPMessage *
answer_reoffer (const GwSipSdpLocal * local, const gchar * offer,
    GwMediaParams * current)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = gw_sip_sdp_answer_offer (offer, local, current,
      current, &error);
  GstSDPMessage *msg = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (gst_sdp_message_new_from_text (text, &msg), ==, GST_SDP_OK);
  return msg;
}

static const gchar *
answer_attribute (const GstSDPMessage * msg, const gchar * key, guint nth)
{
  return gst_sdp_media_get_attribute_val_n (gst_sdp_message_get_media (msg,
          0), key, nth);
}

/* An SDES call: hold and resume keep every key; new keys from the far end
 * rekey our decoder only; a change of suite changes our key too; plain
 * RTP is refused. */
static void
test_reoffer_sdes (void)
{
  GwSipSdpLocal local;
  g_auto (GwMediaParams) p = { 0, };
  g_auto (GwMediaParams) before = { 0, };
  g_autofree gchar *answer = answer_sdp ("RTP/SAVP",
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n");
  g_autofree gchar *hold = reoffer ("RTP/SAVP", 12000,
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\na=sendonly\r\n");
  g_autofree gchar *rekey = reoffer ("RTP/SAVP", 12000,
      "a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:" KEY_C "\r\n"
      "a=crypto:8 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B "\r\n");
  g_autofree gchar *suite32 = reoffer ("RTP/SAVP", 12000,
      "a=crypto:5 AES_CM_128_HMAC_SHA1_32 inline:" KEY_C "\r\n");
  g_autofree gchar *off = reoffer ("RTP/SAVP", 0, "");
  g_autofree gchar *plain = reoffer ("RTP/AVP", 12000, "");
  g_autoptr (GstSDPMessage) a1 = NULL, a2 = NULL, a3 = NULL, a4 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *expect = NULL;

  local_init (&local, GW_SRTP_SDES);
  p.local_srtp = local.srtp;
  g_assert_true (gw_sip_sdp_parse_answer (answer, &p, NULL));
  gw_media_params_copy (&before, &p);

  a1 = answer_reoffer (&local, hold, &p);
  expect = g_strdup_printf ("1 AES_CM_128_HMAC_SHA1_80 inline:%s",
      local.srtp.sdes_key_80);
  g_assert_cmpstr (answer_attribute (a1, "crypto", 0), ==, expect);
  g_assert_null (answer_attribute (a1, "crypto", 1));
  g_assert_cmpstr (gst_sdp_media_get_proto (gst_sdp_message_get_media (a1,
              0)), ==, "RTP/SAVP");
  g_assert_true (gw_media_params_is_hold (&p));
  g_assert_false (gw_media_params_srtp_changed (&before, &p));

  /* New keys, current suite listed second: the suite stays, with the
   * offer's tag; only the far end's key changes. */
  a2 = answer_reoffer (&local, rekey, &p);
  g_clear_pointer (&expect, g_free);
  expect = g_strdup_printf ("8 AES_CM_128_HMAC_SHA1_80 inline:%s",
      local.srtp.sdes_key_80);
  g_assert_cmpstr (answer_attribute (a2, "crypto", 0), ==, expect);
  g_assert_cmpstr (p.srtp_remote_key, ==, KEY_B);
  g_assert_cmpstr (p.srtp_local_key, ==, local.srtp.sdes_key_80);
  g_assert_false (gw_media_params_is_hold (&p));
  g_assert_true (gw_media_params_srtp_changed (&before, &p));

  /* Only the other suite: our key changes with it. */
  a3 = answer_reoffer (&local, suite32, &p);
  g_assert_cmpint (p.srtp_suite, ==, GW_SRTP_AES_CM_128_HMAC_SHA1_32);
  g_assert_cmpstr (p.srtp_local_key, ==, local.srtp.sdes_key_32);
  g_assert_cmpstr (p.srtp_remote_key, ==, KEY_C);
  g_assert_cmpuint (p.srtp_tag, ==, 5);

  /* A disabled stream without crypto keeps the keys. */
  gw_media_params_copy (&before, &p);
  a4 = answer_reoffer (&local, off, &p);
  g_assert_cmpuint (gst_sdp_media_get_port (gst_sdp_message_get_media (a4,
              0)), ==, 0);
  g_assert_null (answer_attribute (a4, "crypto", 0));
  g_assert_true (gw_media_params_is_hold (&p));
  g_assert_false (gw_media_params_srtp_changed (&before, &p));

  /* Plain RTP in a secure call: refused, for a 488. */
  g_assert_null (gw_sip_sdp_answer_offer (plain, &local, &p, &p, &error));
  check_invalid (error, "not encrypted");
}

/* Crypto lines we cannot take are skipped for the next one; none left is
 * a refusal. */
static void
test_reoffer_sdes_choice (void)
{
  GwSipSdpLocal local;
  g_auto (GwMediaParams) p = { 0, };
  g_autofree gchar *mixed = reoffer ("RTP/SAVP", 12000,
      "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:" KEY_A KEY_B "\r\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "|2^20|1:4\r\n"
      "a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:" KEY_B "\r\n");
  g_autofree gchar *none = reoffer ("RTP/SAVP", 12000,
      "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "|2^20|1:4\r\n");
  g_autoptr (GstSDPMessage) answer = NULL;
  g_autoptr (GError) error = NULL;

  local_init (&local, GW_SRTP_SDES);
  answer = answer_reoffer (&local, mixed, &p);
  g_assert_cmpuint (p.srtp_tag, ==, 3);
  g_assert_cmpint (p.srtp_suite, ==, GW_SRTP_AES_CM_128_HMAC_SHA1_32);
  g_assert_cmpstr (p.srtp_remote_key, ==, KEY_B);
  g_assert_null (gw_sip_sdp_answer_offer (none, &local, &p, &p, &error));
  check_invalid (error, "MKI");
}

/* A DTLS call keeps its role when the re-offer allows it. */
static void
test_reoffer_dtls (void)
{
  GwSipSdpLocal local;
  g_auto (GwMediaParams) p = { 0, };
  g_auto (GwMediaParams) before = { 0, };
  g_autofree gchar *answer = answer_sdp ("UDP/TLS/RTP/SAVP",
      "a=fingerprint:" FAR_FP "\r\na=setup:passive\r\n");
  g_autofree gchar *actpass = reoffer ("UDP/TLS/RTP/SAVP", 12000,
      "a=fingerprint:" FAR_FP "\r\na=setup:actpass\r\na=sendonly\r\n");
  g_autofree gchar *active = reoffer ("UDP/TLS/RTP/SAVP", 12000,
      "a=fingerprint:" DTLS_SHA1 "\r\na=setup:active\r\n");
  g_autofree gchar *sdes = reoffer ("RTP/SAVP", 12000,
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n");
  g_autoptr (GstSDPMessage) a1 = NULL, a2 = NULL, a3 = NULL;

  local_init (&local, GW_SRTP_DTLS);
  p.local_srtp = local.srtp;
  g_assert_true (gw_sip_sdp_parse_answer (answer, &p, NULL));
  g_assert_cmpint (p.dtls_setup, ==, GW_DTLS_SETUP_ACTIVE);
  gw_media_params_copy (&before, &p);

  a1 = answer_reoffer (&local, actpass, &p);
  g_assert_cmpstr (answer_attribute (a1, "setup", 0), ==, "active");
  g_assert_cmpstr (answer_attribute (a1, "fingerprint", 0), ==, DTLS_SHA256);
  g_assert_cmpstr (gst_sdp_media_get_proto (gst_sdp_message_get_media (a1,
              0)), ==, "UDP/TLS/RTP/SAVP");
  g_assert_false (gw_media_params_srtp_changed (&before, &p));

  a2 = answer_reoffer (&local, active, &p);
  g_assert_cmpstr (answer_attribute (a2, "setup", 0), ==, "passive");
  g_assert_cmpint (p.dtls_setup, ==, GW_DTLS_SETUP_PASSIVE);
  g_assert_cmpstr (p.dtls_remote_fingerprint, ==, "sha-1 82:C1:F0:CF:ED:08:"
      "3A:72:01:E8:1F:CF:EB:0D:C4:D9:46:D3:A5:4D");
  g_assert_true (gw_media_params_srtp_changed (&before, &p));

  /* A DTLS call has SDES keys too: the far end may switch. */
  a3 = answer_reoffer (&local, sdes, &p);
  g_assert_cmpint (p.srtp, ==, GW_SRTP_SDES);
  g_assert_cmpstr (p.srtp_remote_key, ==, KEY_A);
  g_assert_null (p.dtls_remote_fingerprint);
}

/* A plain call answers secure re-offers with a refusal, as before. */
static void
test_reoffer_plain_call (void)
{
  GwSipSdpLocal local;
  g_auto (GwMediaParams) p = { 0, };
  g_autofree gchar *sdes = reoffer ("RTP/SAVP", 12000,
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n");
  g_autoptr (GError) error = NULL;

  local_init (&local, GW_SRTP_NONE);
  g_assert_null (gw_sip_sdp_answer_offer (sdes, &local, NULL, &p, &error));
  check_invalid (error, "RTP/AVP only");
}

static void
test_fingerprint_helpers (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *fp = gw_dtls_fingerprint_from_pem (dtls_pem, &error);
  GwSrtpLocal local;

  g_assert_no_error (error);
  g_assert_cmpstr (fp, ==, DTLS_SHA256);
  g_assert_true (gw_dtls_fingerprint_matches (DTLS_SHA256, dtls_pem));
  g_assert_true (gw_dtls_fingerprint_matches (DTLS_SHA1, dtls_pem));
  g_assert_false (gw_dtls_fingerprint_matches (FAR_FP, dtls_pem));
  g_assert_false (gw_dtls_fingerprint_matches ("md5 00:11", dtls_pem));
  g_assert_false (gw_dtls_fingerprint_matches (DTLS_SHA256, "junk"));

  g_assert_null (gw_dtls_fingerprint_from_pem ("no certificate", &error));
  check_invalid (error, "PEM");
  g_clear_error (&error);
  g_assert_false (gw_srtp_local_init (&local, GW_SRTP_DTLS, NULL, &error));
  check_invalid (error, "certificate");
  g_assert_cmpint (local.mode, ==, GW_SRTP_NONE);
  g_assert_cmpstr (gw_srtp_suite_to_string (GW_SRTP_AES_CM_128_HMAC_SHA1_32),
      ==, "AES_CM_128_HMAC_SHA1_32");
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip-sdp-srtp/offer-sdes", test_offer_sdes);
  g_test_add_func ("/sip-sdp-srtp/offer-dtls", test_offer_dtls);
  g_test_add_func ("/sip-sdp-srtp/answer-sdes", test_answer_sdes);
  g_test_add_func ("/sip-sdp-srtp/answer-refused", test_answer_refused);
  g_test_add_func ("/sip-sdp-srtp/answer-dtls", test_answer_dtls);
  g_test_add_func ("/sip-sdp-srtp/reoffer-sdes", test_reoffer_sdes);
  g_test_add_func ("/sip-sdp-srtp/reoffer-sdes-choice",
      test_reoffer_sdes_choice);
  g_test_add_func ("/sip-sdp-srtp/reoffer-dtls", test_reoffer_dtls);
  g_test_add_func ("/sip-sdp-srtp/reoffer-plain-call", test_reoffer_plain_call);
  g_test_add_func ("/sip-sdp-srtp/fingerprint-helpers",
      test_fingerprint_helpers);
  return g_test_run ();
}
