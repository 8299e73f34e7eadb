/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Between sip-sdp.c (offer/answer), sip-sdp-codecs.c (formats) and
 * sip-sdp-crypto.c (SRTP: a=crypto, a=fingerprint, a=setup). */
#pragma once

#include <gst/sdp/gstsdpmessage.h>

#include "sip-sdp.h"

G_BEGIN_DECLS

/* One format of an m-line that we know: an audio codec, or
 * telephone-event (codec GW_AUDIO_CODEC_NONE). */
typedef struct
{
  guint pt;
  GwAudioCodec codec;
  guint clock_rate;
  guint channels;
} GwSipSdpFormat;

/* A number in [min, max] at the start of @text, ending there or at a space
 * or '/' (a=ptime:20, a=rtcp:5001 IN IP4 ..., "101 telephone-event/8000"). */
gboolean gw_sip_sdp_parse_number (const gchar * text, guint min, guint max,
    guint * value);

/* The codec of an m-line: the one of @current (may be NULL) when present,
 * with its PT if the m-line still uses it, else the first one we know; and
 * the telephone-event of the codec's clock rate, else the first one
 * (clock_rate 0: none).  FALSE when no codec is known. */
gboolean gw_sip_sdp_pick_formats (const GstSDPMedia * media,
    const GwMediaParams * current, GwSipSdpFormat * codec,
    GwSipSdpFormat * dtmf);

/* Adds @pt to the m-line with its rtpmap (and fmtp when given). */
void gw_sip_sdp_add_format (GstSDPMedia * media, guint pt, const gchar * name,
    guint rate, guint channels, const gchar * fmtp);

/* Our offer's formats: Opus, G722, PCMU, PCMA, telephone-event 48k/8k. */
void gw_sip_sdp_add_offer_formats (GstSDPMedia * media);

/* How one m-line protects its media, as read by sip-sdp-crypto.c. */
typedef struct
{
  GwSrtpMode mode;
  /* A disabled stream (port 0) of a secure call whose crypto attributes
   * are missing or unusable: no media flows, the current keys stay. */
  gboolean keep;
  GwSrtpSuite suite;            /* SDES */
  guint tag;                    /* SDES: the a=crypto tag */
  gchar remote_key[GW_SRTP_KEY_BASE64_SIZE];    /* SDES */
  gchar *fingerprint;           /* DTLS: normalised "sha-256 AB:.." */
  GwDtlsSetup setup;            /* DTLS: the writer's a=setup */
} GwSipSdpCrypto;

void gw_sip_sdp_crypto_clear (GwSipSdpCrypto * crypto);

/* Reads how @media (of @msg) is protected: as an offer of the far end
 * (@current: what is in use, may be NULL; its suite is preferred) or as
 * the answer to our offer, which @local describes.  Returns NULL when it
 * can be taken, else why not (free it). */
gchar *gw_sip_sdp_read_crypto (const GstSDPMessage * msg,
    const GstSDPMedia * media, const GwSrtpLocal * local,
    const GwMediaParams * current, gboolean is_offer,
    GwSipSdpCrypto * crypto);

/* Our offer's proto and attributes for @local (RTP/AVP when NONE). */
void gw_sip_sdp_add_offer_crypto (GstSDPMedia * media,
    const GwSrtpLocal * local);

/* Our DTLS role answering an offer that says @offered, keeping the
 * current role when the offer allows it. */
GwDtlsSetup gw_sip_sdp_answer_setup (GwDtlsSetup offered,
    const GwMediaParams * current);

/* Our answer's proto and attributes for the accepted @crypto, @proto being
 * the offer's. */
void gw_sip_sdp_add_answer_crypto (GstSDPMedia * media, const gchar * proto,
    const GwSrtpLocal * local, const GwSipSdpCrypto * crypto,
    GwDtlsSetup our_setup);

/* Fills the SRTP fields of @params (local_srtp included) from what was
 * agreed; a kept stream copies them from @current. */
void gw_sip_sdp_apply_crypto (GwMediaParams * params,
    const GwSipSdpCrypto * crypto, const GwSrtpLocal * local,
    GwDtlsSetup our_setup, const GwMediaParams * current);

G_END_DECLS
