/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GwMediaParams, and the secure-media material both sides of it need: our
 * SDES keys, and DTLS certificate fingerprints (RFC 8122). */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "gw-error.h"
#include "media-params.h"

void
gw_media_params_clear (GwMediaParams * params)
{
  g_clear_pointer (&params->remote_address, g_free);
  g_clear_pointer (&params->dtls_remote_fingerprint, g_free);
  /* Also wipes the keys. */
  memset (params, 0, sizeof (*params));
}

void
gw_media_params_copy (GwMediaParams * dest, const GwMediaParams * src)
{
  if (dest == src)
    return;
  gw_media_params_clear (dest);
  *dest = *src;
  dest->remote_address = g_strdup (src->remote_address);
  dest->dtls_remote_fingerprint = g_strdup (src->dtls_remote_fingerprint);
}

gboolean
gw_media_params_is_hold (const GwMediaParams * params)
{
  if (params->remote_rtp_port == 0)
    return TRUE;
  if (params->remote_address == NULL
      || g_str_equal (params->remote_address, "0.0.0.0"))
    return TRUE;
  return params->remote_direction == GW_MEDIA_SENDONLY
      || params->remote_direction == GW_MEDIA_INACTIVE;
}

gboolean
gw_media_params_srtp_changed (const GwMediaParams * a, const GwMediaParams * b)
{
  return a->srtp != b->srtp || a->srtp_suite != b->srtp_suite
      || strcmp (a->srtp_local_key, b->srtp_local_key) != 0
      || strcmp (a->srtp_remote_key, b->srtp_remote_key) != 0
      || a->dtls_setup != b->dtls_setup
      || g_strcmp0 (a->dtls_remote_fingerprint,
      b->dtls_remote_fingerprint) != 0;
}

const gchar *
gw_audio_codec_to_string (GwAudioCodec codec)
{
  switch (codec) {
    case GW_AUDIO_CODEC_OPUS:
      return "opus";
    case GW_AUDIO_CODEC_G722:
      return "G722";
    case GW_AUDIO_CODEC_PCMU:
      return "PCMU";
    case GW_AUDIO_CODEC_PCMA:
      return "PCMA";
    default:
      return "none";
  }
}

const gchar *
gw_srtp_mode_to_string (GwSrtpMode mode)
{
  switch (mode) {
    case GW_SRTP_SDES:
      return "sdes";
    case GW_SRTP_DTLS:
      return "dtls";
    default:
      return "none";
  }
}

const gchar *
gw_srtp_suite_to_string (GwSrtpSuite suite)
{
  switch (suite) {
    case GW_SRTP_AES_CM_128_HMAC_SHA1_80:
      return "AES_CM_128_HMAC_SHA1_80";
    case GW_SRTP_AES_CM_128_HMAC_SHA1_32:
      return "AES_CM_128_HMAC_SHA1_32";
    default:
      return NULL;
  }
}

/* Key material must be unpredictable: the kernel's CSPRNG, never GRand. */
static gboolean
new_sdes_key (gchar out[GW_SRTP_KEY_BASE64_SIZE], GError ** error)
{
  guint8 bytes[GW_SRTP_KEY_LEN];
  g_autofree gchar *text = NULL;

  if (getrandom (bytes, sizeof (bytes), 0) != sizeof (bytes)) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "no random bytes for an SRTP key: %s", g_strerror (errno));
    return FALSE;
  }
  text = g_base64_encode (bytes, sizeof (bytes));
  memset (bytes, 0, sizeof (bytes));
  g_strlcpy (out, text, GW_SRTP_KEY_BASE64_SIZE);
  memset (text, 0, strlen (text));
  return TRUE;
}

gboolean
gw_srtp_local_init (GwSrtpLocal * local, GwSrtpMode mode,
    const gchar * dtls_pem, GError ** error)
{
  g_autofree gchar *fingerprint = NULL;

  memset (local, 0, sizeof (*local));
  if (mode == GW_SRTP_NONE)
    return TRUE;
  if (mode == GW_SRTP_DTLS) {
    if (dtls_pem == NULL) {
      g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
          "DTLS-SRTP needs the media bridge's certificate");
      return FALSE;
    }
    if (!(fingerprint = gw_dtls_fingerprint_from_pem (dtls_pem, error)))
      return FALSE;
    g_strlcpy (local->dtls_fingerprint, fingerprint,
        sizeof (local->dtls_fingerprint));
  }
  if (!new_sdes_key (local->sdes_key_80, error)
      || !new_sdes_key (local->sdes_key_32, error)) {
    memset (local, 0, sizeof (*local));
    return FALSE;
  }
  local->mode = mode;
  return TRUE;
}

/* The DER bytes of the first certificate of a PEM text. */
static GBytes *
pem_first_certificate (const gchar * pem)
{
  static const gchar begin[] = "-----BEGIN CERTIFICATE-----";
  static const gchar end[] = "-----END CERTIFICATE-----";
  const gchar *start, *stop;
  g_autofree gchar *body = NULL;
  gsize len = 0;
  guchar *der;

  if (pem == NULL || !(start = strstr (pem, begin)))
    return NULL;
  start += strlen (begin);
  if (!(stop = strstr (start, end)))
    return NULL;
  body = g_strndup (start, stop - start);
  /* g_base64_decode skips the line breaks. */
  der = g_base64_decode (body, &len);
  if (len < 16) {
    g_free (der);
    return NULL;
  }
  return g_bytes_new_take (der, len);
}

static gchar *
fingerprint_of (GBytes * der, GChecksumType type, const gchar * name)
{
  g_autoptr (GChecksum) sum = g_checksum_new (type);
  guint8 digest[64];
  gsize len = sizeof (digest);
  GString *text = g_string_new (name);

  g_checksum_update (sum, g_bytes_get_data (der, NULL), g_bytes_get_size (der));
  g_checksum_get_digest (sum, digest, &len);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (text, "%c%02X", i ? ':' : ' ', digest[i]);
  return g_string_free (text, FALSE);
}

gchar *
gw_dtls_fingerprint_from_pem (const gchar * pem, GError ** error)
{
  g_autoptr (GBytes) der = pem_first_certificate (pem);

  if (der == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "no PEM certificate to take a DTLS fingerprint of");
    return NULL;
  }
  return fingerprint_of (der, G_CHECKSUM_SHA256, "sha-256");
}

gboolean
gw_dtls_fingerprint_matches (const gchar * fingerprint, const gchar * pem)
{
  static const struct
  {
    const gchar *name;
    GChecksumType type;
  } hashes[] = {
    {"sha-1", G_CHECKSUM_SHA1}, {"sha-256", G_CHECKSUM_SHA256},
    {"sha-384", G_CHECKSUM_SHA384}, {"sha-512", G_CHECKSUM_SHA512},
  };
  g_autoptr (GBytes) der = pem_first_certificate (pem);

  if (der == NULL || fingerprint == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (hashes); i++) {
    gsize n = strlen (hashes[i].name);
    g_autofree gchar *ours = NULL;

    if (g_ascii_strncasecmp (fingerprint, hashes[i].name, n) != 0
        || fingerprint[n] != ' ')
      continue;
    ours = fingerprint_of (der, hashes[i].type, hashes[i].name);
    return g_ascii_strcasecmp (ours, fingerprint) == 0;
  }
  return FALSE;
}
