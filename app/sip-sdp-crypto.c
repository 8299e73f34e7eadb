/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Secure media in SDP: SDES (RTP/SAVP with a=crypto, RFC 4568) and
 * DTLS-SRTP (UDP/TLS/RTP/SAVP with a=fingerprint and a=setup, RFC 5763,
 * RFC 8122, RFC 4145).  Reads what an m-line offers or answers, and writes
 * ours.  Keys pass through here: nothing in this file logs them. */
#include <string.h>

#include "sip-sdp-private.h"

/* Our offer's a=crypto tags. */
#define TAG_80 1
#define TAG_32 2
/* RFC 3711: at most 2^48 packets per master key. */
#define MAX_LIFETIME_LOG2 48

void
gw_sip_sdp_crypto_clear (GwSipSdpCrypto * crypto)
{
  g_free (crypto->fingerprint);
  memset (crypto, 0, sizeof (*crypto));
}

static GwSrtpSuite
suite_from_string (const gchar * name)
{
  if (g_strcmp0 (name, "AES_CM_128_HMAC_SHA1_80") == 0)
    return GW_SRTP_AES_CM_128_HMAC_SHA1_80;
  if (g_strcmp0 (name, "AES_CM_128_HMAC_SHA1_32") == 0)
    return GW_SRTP_AES_CM_128_HMAC_SHA1_32;
  return GW_SRTP_SUITE_NONE;
}

static const gchar *
local_key (const GwSrtpLocal * local, GwSrtpSuite suite)
{
  return suite == GW_SRTP_AES_CM_128_HMAC_SHA1_80 ? local->sdes_key_80 :
      local->sdes_key_32;
}

/* 40 base64 characters that decode to the 30 bytes of key and salt. */
static gboolean
check_key (const gchar * key)
{
  if (strlen (key) != GW_SRTP_KEY_BASE64_SIZE - 1)
    return FALSE;
  for (const gchar * p = key; *p; p++) {
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/')
      return FALSE;
  }
  return TRUE;
}

static gboolean
check_lifetime (const gchar * text)
{
  guint64 v;

  if (g_str_has_prefix (text, "2^"))
    return g_ascii_string_to_unsigned (text + 2, 10, 1, MAX_LIFETIME_LOG2, &v,
        NULL);
  return g_ascii_string_to_unsigned (text, 10, 1, G_GUINT64_CONSTANT (1) <<
      MAX_LIFETIME_LOG2, &v, NULL);
}

/* "inline:KEY[|LIFETIME]": MKIs (and so several keys) are refused, since
 * our media never sends one; a lifetime is accepted (a re-INVITE rekeys). */
static gchar *
read_key_params (const gchar * params, gchar key[GW_SRTP_KEY_BASE64_SIZE])
{
  g_auto (GStrv) parts = NULL;

  if (strchr (params, ';') != NULL)
    return g_strdup ("several keys (MKI) are not supported");
  if (!g_str_has_prefix (params, "inline:"))
    return g_strdup ("key method is not inline:");
  parts = g_strsplit (params + strlen ("inline:"), "|", 0);
  if (parts[0] == NULL || !check_key (parts[0]))
    return g_strdup ("the key is not 30 bytes of base64");
  for (guint i = 1; parts[i] != NULL; i++) {
    if (strchr (parts[i], ':') != NULL)
      return g_strdup ("MKI is not supported");
    if (i > 1 || !check_lifetime (parts[i]))
      return g_strdup ("bad key lifetime");
  }
  g_strlcpy (key, parts[0], GW_SRTP_KEY_BASE64_SIZE);
  return NULL;
}

/* Session parameters (RFC 4568 6.3): only those that change nothing. */
static gboolean
harmless_session_param (const gchar * param)
{
  return g_str_has_prefix (param, "WSH=") || g_str_equal (param, "KDR=0");
}

/* One "TAG SUITE inline:KEY [params]" value; NULL when usable. */
static gchar *
read_crypto_line (const gchar * value, GwSipSdpCrypto * crypto)
{
  g_auto (GStrv) f = g_strsplit_set (value ? value : "", " \t", 0);
  guint tag, n = g_strv_length (f);

  if (n < 3 || !gw_sip_sdp_parse_number (f[0], 0, 999999999, &tag))
    return g_strdup ("malformed a=crypto");
  crypto->suite = suite_from_string (f[1]);
  if (crypto->suite == GW_SRTP_SUITE_NONE)
    return g_strdup_printf ("crypto suite %s is not supported", f[1]);
  for (guint i = 3; i < n; i++) {
    if (*f[i] != '\0' && !harmless_session_param (f[i]))
      return g_strdup_printf ("a=crypto session parameter %s is not "
          "supported", f[i]);
  }
  crypto->tag = tag;
  crypto->mode = GW_SRTP_SDES;
  return read_key_params (f[2], crypto->remote_key);
}

/* SDES offer: the first usable line, the current suite's first if there.
 * SDES answer: the first usable line naming a tag and suite of our offer
 * (RFC 4568 says it has exactly one). */
static gchar *
read_sdes (const GstSDPMedia * media, const GwMediaParams * current,
    gboolean is_offer, GwSipSdpCrypto * crypto)
{
  GwSrtpSuite prefer = current && current->srtp == GW_SRTP_SDES ?
      current->srtp_suite : GW_SRTP_SUITE_NONE;
  GwSipSdpCrypto first = { 0, };
  g_autofree gchar *why = NULL;
  const gchar *val;

  for (guint i = 0; (val = gst_sdp_media_get_attribute_val_n (media,
              "crypto", i)) != NULL; i++) {
    GwSipSdpCrypto c = { 0, };
    gchar *problem = read_crypto_line (val, &c);

    if (problem == NULL && !is_offer
        && c.tag != (c.suite == GW_SRTP_AES_CM_128_HMAC_SHA1_80 ? TAG_80 :
            TAG_32))
      problem = g_strdup_printf ("a=crypto:%u %s is not one we offered",
          c.tag, gw_srtp_suite_to_string (c.suite));
    if (problem != NULL) {
      if (why == NULL)
        why = problem;
      else
        g_free (problem);
      continue;
    }
    if (c.suite == prefer) {
      *crypto = c;
      return NULL;
    }
    if (first.mode == GW_SRTP_NONE)
      first = c;
  }
  if (first.mode == GW_SRTP_NONE)
    return why ? g_steal_pointer (&why) : g_strdup ("no a=crypto line");
  *crypto = first;
  return NULL;
}

static const gchar *
attribute_of (const GstSDPMessage * msg, const GstSDPMedia * media,
    const gchar * key)
{
  const gchar *val = gst_sdp_media_get_attribute_val (media, key);

  return val ? val : gst_sdp_message_get_attribute_val (msg, key);
}

/* "sha-256 ab:cd:.." with a hash we can check, normalised. */
static gchar *
read_fingerprint (const gchar * value)
{
  static const struct
  {
    const gchar *name;
    guint len;
  } hashes[] = {
    {"sha-1", 20}, {"sha-256", 32}, {"sha-384", 48}, {"sha-512", 64},
  };
  g_auto (GStrv) f = g_strsplit (value ? value : "", " ", 2);
  g_autofree gchar *hash = NULL, *hex = NULL;
  gsize len;

  if (g_strv_length (f) != 2)
    return NULL;
  hash = g_ascii_strdown (f[0], -1);
  len = strlen (f[1]);
  for (guint i = 0; i < G_N_ELEMENTS (hashes); i++) {
    if (!g_str_equal (hash, hashes[i].name) || len != hashes[i].len * 3 - 1)
      continue;
    for (gsize k = 0; k < len; k++) {
      if (k % 3 == 2 ? f[1][k] != ':' : !g_ascii_isxdigit (f[1][k]))
        return NULL;
    }
    hex = g_ascii_strup (f[1], -1);
    return g_strdup_printf ("%s %s", hash, hex);
  }
  return NULL;
}

static GwDtlsSetup
setup_from_string (const gchar * value)
{
  if (value == NULL || g_ascii_strcasecmp (value, "active") == 0)
    return GW_DTLS_SETUP_ACTIVE;        /* RFC 4145 4: the default */
  if (g_ascii_strcasecmp (value, "passive") == 0)
    return GW_DTLS_SETUP_PASSIVE;
  if (g_ascii_strcasecmp (value, "actpass") == 0)
    return GW_DTLS_SETUP_ACTPASS;
  return GW_DTLS_SETUP_NONE;    /* holdconn, or garbage */
}

static gchar *
read_dtls (const GstSDPMessage * msg, const GstSDPMedia * media,
    gboolean is_offer, GwSipSdpCrypto * crypto)
{
  const gchar *val;

  for (guint i = 0; crypto->fingerprint == NULL
      && (val = gst_sdp_media_get_attribute_val_n (media, "fingerprint",
              i)) != NULL; i++)
    crypto->fingerprint = read_fingerprint (val);
  for (guint i = 0; crypto->fingerprint == NULL
      && (val = gst_sdp_message_get_attribute_val_n (msg, "fingerprint",
              i)) != NULL; i++)
    crypto->fingerprint = read_fingerprint (val);
  if (crypto->fingerprint == NULL)
    return g_strdup ("DTLS-SRTP without a usable a=fingerprint "
        "(sha-1/256/384/512)");
  crypto->setup = setup_from_string (attribute_of (msg, media, "setup"));
  if (crypto->setup == GW_DTLS_SETUP_NONE)
    return g_strdup ("a=setup must be active, passive or actpass");
  if (!is_offer && crypto->setup == GW_DTLS_SETUP_ACTPASS)
    return g_strdup ("an answer must say a=setup:active or passive");
  crypto->mode = GW_SRTP_DTLS;
  return NULL;
}

static gboolean
proto_is (const gchar * proto, const gchar * base)
{
  gsize n = strlen (base);

  /* The feedback profile (…F) carries the same media. */
  return g_ascii_strncasecmp (proto, base, n) == 0 && (proto[n] == '\0'
      || ((proto[n] == 'F' || proto[n] == 'f') && proto[n + 1] == '\0'));
}

gchar *
gw_sip_sdp_read_crypto (const GstSDPMessage * msg, const GstSDPMedia * media,
    const GwSrtpLocal * local, const GwMediaParams * current,
    gboolean is_offer, GwSipSdpCrypto * crypto)
{
  const gchar *proto = gst_sdp_media_get_proto (media);
  gboolean has_crypto = gst_sdp_media_get_attribute_val (media, "crypto")
      != NULL;
  gboolean has_fingerprint = attribute_of (msg, media, "fingerprint") != NULL;

  memset (crypto, 0, sizeof (*crypto));
  proto = proto ? proto : "(none)";
  if (local->mode == GW_SRTP_NONE) {
    if (g_strcmp0 (proto, "RTP/AVP") == 0)
      return NULL;
    return g_strdup_printf ("audio over %s is not supported (RTP/AVP only)",
        proto);
  }
  if (proto_is (proto, "RTP/AVP"))
    return g_strdup_printf ("audio over %s is not encrypted, and the call "
        "requires SRTP", proto);
  if (proto_is (proto, "RTP/SAVP") && has_crypto) {
    if (is_offer || local->mode == GW_SRTP_SDES)
      return read_sdes (media, current, is_offer, crypto);
    return g_strdup ("an SDES answer (a=crypto) to our DTLS-SRTP offer");
  }
  /* Some DTLS-SRTP endpoints still say RTP/SAVP. */
  if (proto_is (proto, "UDP/TLS/RTP/SAVP") || (proto_is (proto, "RTP/SAVP")
          && has_fingerprint)) {
    if (is_offer ? local->dtls_fingerprint[0] != '\0' :
        local->mode == GW_SRTP_DTLS)
      return read_dtls (msg, media, is_offer, crypto);
    return g_strdup (is_offer ? "DTLS-SRTP offered, but this call has no "
        "DTLS certificate" : "a DTLS-SRTP answer to our SDES offer");
  }
  if (proto_is (proto, "RTP/SAVP"))
    return g_strdup_printf ("audio over %s without a=crypto or "
        "a=fingerprint", proto);
  return g_strdup_printf ("audio over %s is not supported", proto);
}

void
gw_sip_sdp_add_offer_crypto (GstSDPMedia * media, const GwSrtpLocal * local)
{
  g_autofree gchar *c80 = NULL, *c32 = NULL;

  switch (local->mode) {
    case GW_SRTP_SDES:
      gst_sdp_media_set_proto (media, "RTP/SAVP");
      c80 = g_strdup_printf ("%u %s inline:%s", TAG_80,
          gw_srtp_suite_to_string (GW_SRTP_AES_CM_128_HMAC_SHA1_80),
          local->sdes_key_80);
      c32 = g_strdup_printf ("%u %s inline:%s", TAG_32,
          gw_srtp_suite_to_string (GW_SRTP_AES_CM_128_HMAC_SHA1_32),
          local->sdes_key_32);
      gst_sdp_media_add_attribute (media, "crypto", c80);
      gst_sdp_media_add_attribute (media, "crypto", c32);
      break;
    case GW_SRTP_DTLS:
      gst_sdp_media_set_proto (media, "UDP/TLS/RTP/SAVP");
      gst_sdp_media_add_attribute (media, "fingerprint",
          local->dtls_fingerprint);
      gst_sdp_media_add_attribute (media, "setup", "actpass");
      break;
    default:
      gst_sdp_media_set_proto (media, "RTP/AVP");
      break;
  }
}

GwDtlsSetup
gw_sip_sdp_answer_setup (GwDtlsSetup offered, const GwMediaParams * current)
{
  GwDtlsSetup ours = current && current->srtp == GW_SRTP_DTLS ?
      current->dtls_setup : GW_DTLS_SETUP_NONE;

  /* Keeping the role keeps the DTLS association (RFC 5763 5). */
  if (offered == GW_DTLS_SETUP_ACTPASS)
    return ours != GW_DTLS_SETUP_NONE ? ours : GW_DTLS_SETUP_ACTIVE;
  return offered == GW_DTLS_SETUP_ACTIVE ? GW_DTLS_SETUP_PASSIVE :
      GW_DTLS_SETUP_ACTIVE;
}

void
gw_sip_sdp_add_answer_crypto (GstSDPMedia * media, const gchar * proto,
    const GwSrtpLocal * local, const GwSipSdpCrypto * crypto,
    GwDtlsSetup our_setup)
{
  g_autofree gchar *line = NULL;

  gst_sdp_media_set_proto (media, proto);
  if (crypto->keep)
    return;
  if (crypto->mode == GW_SRTP_SDES) {
    line = g_strdup_printf ("%u %s inline:%s", crypto->tag,
        gw_srtp_suite_to_string (crypto->suite),
        local_key (local, crypto->suite));
    gst_sdp_media_add_attribute (media, "crypto", line);
  } else if (crypto->mode == GW_SRTP_DTLS) {
    gst_sdp_media_add_attribute (media, "fingerprint", local->dtls_fingerprint);
    gst_sdp_media_add_attribute (media, "setup",
        our_setup == GW_DTLS_SETUP_ACTIVE ? "active" : "passive");
  }
}

void
gw_sip_sdp_apply_crypto (GwMediaParams * params,
    const GwSipSdpCrypto * crypto, const GwSrtpLocal * local,
    GwDtlsSetup our_setup, const GwMediaParams * current)
{
  params->local_srtp = *local;
  if (crypto->keep) {
    if (current == NULL)
      return;
    params->srtp = current->srtp;
    params->srtp_suite = current->srtp_suite;
    params->srtp_tag = current->srtp_tag;
    memcpy (params->srtp_local_key, current->srtp_local_key,
        sizeof (params->srtp_local_key));
    memcpy (params->srtp_remote_key, current->srtp_remote_key,
        sizeof (params->srtp_remote_key));
    params->dtls_setup = current->dtls_setup;
    params->dtls_remote_fingerprint =
        g_strdup (current->dtls_remote_fingerprint);
    return;
  }
  params->srtp = crypto->mode;
  if (crypto->mode == GW_SRTP_SDES) {
    params->srtp_suite = crypto->suite;
    params->srtp_tag = crypto->tag;
    g_strlcpy (params->srtp_local_key, local_key (local, crypto->suite),
        sizeof (params->srtp_local_key));
    memcpy (params->srtp_remote_key, crypto->remote_key,
        sizeof (params->srtp_remote_key));
  } else if (crypto->mode == GW_SRTP_DTLS) {
    params->dtls_setup = our_setup;
    params->dtls_remote_fingerprint = g_strdup (crypto->fingerprint);
  }
}
