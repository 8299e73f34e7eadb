/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the SDP offer/answer decided for one call's media: produced by
 * sip-sdp.c from an answer (or a re-INVITE offer), consumed by
 * media-bridge.c.  Plain data: neither side's types leak into the other. */
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
} GwMediaParams;

void gw_media_params_clear (GwMediaParams * params);
void gw_media_params_copy (GwMediaParams * dest, const GwMediaParams * src);
/* TRUE when the far end puts us on hold: sendonly/inactive, 0.0.0.0, port 0. */
gboolean gw_media_params_is_hold (const GwMediaParams * params);
const gchar *gw_audio_codec_to_string (GwAudioCodec codec);

G_END_DECLS
