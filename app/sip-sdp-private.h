/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Between sip-sdp.c (offer/answer) and sip-sdp-codecs.c (formats). */
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

G_END_DECLS
