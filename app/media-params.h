/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the SDP offer/answer decided for one call's media: produced by
 * sip-sdp.c from an answer (or a re-INVITE offer), consumed by
 * media-bridge.c.  Plain data: neither side's types leak into the other.
 *
 * Secure media (SRTP) for the bridge, in short:
 *  - srtp == GW_SRTP_SDES: srtpenc encrypts what we send with
 *    srtp_local_key, srtpdec decrypts what the far end sends with
 *    srtp_remote_key (answer its "request-key" signal with caps carrying
 *    that key).  Both keys are base64 (RFC 4648, 40 characters) of 30
 *    bytes: the 16-byte master key followed by the 14-byte master salt;
 *    g_base64_decode() gives the bytes for the "key" GstBuffer.  One suite
 *    for both directions and for RTP and RTCP alike:
 *      AES_CM_128_HMAC_SHA1_80: cipher aes-128-icm, auth hmac-sha1-80,
 *                               RTCP aes-128-icm / hmac-sha1-80;
 *      AES_CM_128_HMAC_SHA1_32: cipher aes-128-icm, auth hmac-sha1-32,
 *                               RTCP aes-128-icm / hmac-sha1-80 (RFC 4568
 *                               6.2: SRTCP keeps the 80-bit tag).
 *    No MKI (lines with one are refused), default key lifetime.
 *  - srtp == GW_SRTP_DTLS: dtlssrtpenc/dtlssrtpdec on the RTP (and RTCP)
 *    ports.  Our certificate is the bridge's: its fingerprint must be in
 *    every SDP we write (GwSrtpLocal.dtls_fingerprint, made with
 *    gw_dtls_fingerprint_from_pem() from the dtlssrtpdec "pem").
 *    dtls_setup says our role: ACTIVE = DTLS client (dtlssrtpenc
 *    is-client=TRUE, we start the handshake), PASSIVE = DTLS server.  After
 *    the handshake the bridge must check the far end's certificate
 *    (dtlssrtpdec "peer-pem") against dtls_remote_fingerprint with
 *    gw_dtls_fingerprint_matches(), and fail the media if it does not.
 *  - A re-INVITE may change keys (rekey) or keep them (hold, resume, a new
 *    address): gw_media_params_srtp_changed() says which.
 * Keys are secrets: never log them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GW_AUDIO_CODEC_NONE = 0,
  GW_AUDIO_CODEC_OPUS,          /* opus/48000/2 */
  GW_AUDIO_CODEC_G722,          /* G722/8000 (16 kHz audio) */
  GW_AUDIO_CODEC_PCMU,          /* PCMU/8000 */
  GW_AUDIO_CODEC_PCMA,          /* PCMA/8000 */
} GwAudioCodec;

typedef enum
{
  GW_MEDIA_SENDRECV = 0,
  GW_MEDIA_SENDONLY,            /* as seen from the side that wrote the SDP */
  GW_MEDIA_RECVONLY,
  GW_MEDIA_INACTIVE,
} GwMediaDirection;

typedef enum
{
  GW_SRTP_NONE = 0,             /* plain RTP: RTP/AVP */
  GW_SRTP_SDES,                 /* RTP/SAVP, keys in a=crypto (RFC 4568) */
  GW_SRTP_DTLS,                 /* UDP/TLS/RTP/SAVP, keys from a DTLS
                                 * handshake on the media path (RFC 5763) */
} GwSrtpMode;

typedef enum
{
  GW_SRTP_SUITE_NONE = 0,
  GW_SRTP_AES_CM_128_HMAC_SHA1_80,
  GW_SRTP_AES_CM_128_HMAC_SHA1_32,
} GwSrtpSuite;

typedef enum
{
  GW_DTLS_SETUP_NONE = 0,
  GW_DTLS_SETUP_ACTIVE,         /* connects: the DTLS client */
  GW_DTLS_SETUP_PASSIVE,        /* waits for the other side: the server */
  GW_DTLS_SETUP_ACTPASS,        /* offers only: either */
} GwDtlsSetup;

/* Bytes of an SDES master key and salt (both suites), and the size of its
 * base64 text with the NUL. */
#define GW_SRTP_KEY_LEN 30
#define GW_SRTP_KEY_BASE64_SIZE 41
/* "sha-256 " and 32 colon-separated hex pairs, with the NUL. */
#define GW_DTLS_FINGERPRINT_SIZE 104

/* Our side of secure media for one call, chosen once when the call starts
 * (gw_srtp_local_init) and written into every SDP of the call. */
typedef struct
{
  GwSrtpMode mode;              /* what we offer, and require in answers */
  /* SDES: our master key and salt for each suite, base64.  Two keys, so
   * that no key is ever used with two suites. */
  gchar sdes_key_80[GW_SRTP_KEY_BASE64_SIZE];
  gchar sdes_key_32[GW_SRTP_KEY_BASE64_SIZE];
  /* DTLS: fingerprint of our (the bridge's) certificate, "sha-256 AB:..". */
  gchar dtls_fingerprint[GW_DTLS_FINGERPRINT_SIZE];
} GwSrtpLocal;

typedef struct
{
  /* Where the far end receives RTP (its c= and m= port).  An all-zero
   * address or port 0 means "hold / rejected". */
  gchar *remote_address;
  guint remote_rtp_port;
  guint remote_rtcp_port;       /* a=rtcp, else remote_rtp_port + 1 */
  gboolean rtcp_mux;

  GwAudioCodec codec;
  guint payload_type;           /* negotiated PT of the codec */
  guint clock_rate;             /* RTP clock rate (8000 for G722) */
  guint channels;               /* as in the rtpmap (opus: 2) */
  guint ptime;                  /* ms, 20 when absent */
  guint dtmf_payload_type;      /* telephone-event PT, 0 = not negotiated */
  guint dtmf_clock_rate;

  /* Direction the far end declared (its a=sendonly means it only sends). */
  GwMediaDirection remote_direction;

  /* Secure media as agreed (see the top of this file).  GW_SRTP_NONE:
   * plain RTP, and every field below but local_srtp is empty. */
  GwSrtpMode srtp;
  GwSrtpSuite srtp_suite;       /* SDES: both directions */
  guint srtp_tag;               /* SDES: tag of the agreed a=crypto line */
  /* SDES: key and salt we encrypt what we send with (srtpenc)... */
  gchar srtp_local_key[GW_SRTP_KEY_BASE64_SIZE];
  /* ... and the far end's, for what it sends us (srtpdec). */
  gchar srtp_remote_key[GW_SRTP_KEY_BASE64_SIZE];
  GwDtlsSetup dtls_setup;       /* DTLS: OUR role, ACTIVE or PASSIVE */
  /* DTLS: "sha-256 AB:CD:..." (hash name in lower case, hex in upper
   * case): what the far end's certificate must match. */
  gchar *dtls_remote_fingerprint;

  /* What our side offers.  An input of gw_sip_sdp_parse_answer(), which
   * needs our keys to take the answer: copy GwSipSdpLocal.srtp here before
   * calling it (a zeroed one means a plain call, as before).  Filled by
   * gw_sip_sdp_answer_offer(). */
  GwSrtpLocal local_srtp;
} GwMediaParams;

void gw_media_params_clear (GwMediaParams * params);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GwMediaParams, gw_media_params_clear);
void gw_media_params_copy (GwMediaParams * dest, const GwMediaParams * src);
/* TRUE when the far end puts us on hold: sendonly/inactive, 0.0.0.0, port 0. */
gboolean gw_media_params_is_hold (const GwMediaParams * params);
/* TRUE when @b's secure media differs from @a's (mode, suite, either key,
 * DTLS role or fingerprint): the bridge must re-key.  FALSE for a hold, a
 * resume or a new address with the same keys. */
gboolean gw_media_params_srtp_changed (const GwMediaParams * a,
    const GwMediaParams * b);
const gchar *gw_audio_codec_to_string (GwAudioCodec codec);
const gchar *gw_srtp_mode_to_string (GwSrtpMode mode);
/* "AES_CM_128_HMAC_SHA1_80" as in a=crypto, NULL for NONE. */
const gchar *gw_srtp_suite_to_string (GwSrtpSuite suite);

/* Fills @local for a call in @mode: for SDES and DTLS, two fresh SDES keys
 * from the kernel's CSPRNG (getrandom); for DTLS, the fingerprint of the
 * first certificate in @dtls_pem (required then, ignored otherwise).
 * Fails with GW_ERROR_INVALID for a DTLS call without a usable PEM,
 * GW_ERROR_FAILED when no random bytes can be had. */
gboolean gw_srtp_local_init (GwSrtpLocal * local, GwSrtpMode mode,
    const gchar * dtls_pem, GError ** error);

/* "sha-256 AB:CD:..." of the first CERTIFICATE in @pem (the DER bytes),
 * or NULL with GW_ERROR_INVALID. */
gchar *gw_dtls_fingerprint_from_pem (const gchar * pem, GError ** error);
/* TRUE when the first certificate of @pem matches @fingerprint
 * ("sha-1|sha-256|sha-384|sha-512 hex:hex:..", any case). */
gboolean gw_dtls_fingerprint_matches (const gchar * fingerprint,
    const gchar * pem);

G_END_DECLS
