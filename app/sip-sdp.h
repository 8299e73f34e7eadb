/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The SDP offer/answer of a SIP leg (RFC 3264), built and read with
 * GstSDPMessage: our offer, the far end's answer, and our answer to the far
 * end's re-INVITE offers.  What was decided comes out as GwMediaParams.
 * Audio only for now: one audio m-line over RTP/AVP. */
#pragma once

#include <glib.h>

#include "media-params.h"

G_BEGIN_DECLS

/* Our side of every SDP we write. */
typedef struct
{
  const gchar *address;         /* o= and c=: an IPv4 or IPv6 literal */
  guint rtp_port;               /* RTCP on rtp_port + 1 (a=rtcp) */
  guint64 session_id;           /* o= sess-id, the same for the whole call */
  guint64 session_version;      /* o= sess-version: the caller increments it
                                 * for each SDP that differs from the last */
} GwSipSdpLocal;

/* The offer of an outgoing INVITE (or of a re-INVITE): Opus 48000/2,
 * G722, PCMU, PCMA, telephone-event/48000 and /8000, ptime 20, sendrecv.
 * Fails with GW_ERROR_INVALID for a bad address or port. */
gchar *gw_sip_sdp_build_offer (const GwSipSdpLocal * local, GError ** error);

/* Reads the far end's answer to our offer into @params (cleared first).
 * Fails with GW_ERROR_INVALID naming what is wrong: unparsable SDP, no
 * audio stream, audio rejected (port 0), no connection address, no codec
 * in common, bad rtpmap. */
gboolean gw_sip_sdp_parse_answer (const gchar * answer, GwMediaParams * params,
    GError ** error);

/* Answers an offer received in a re-INVITE (RFC 3264): sendonly → recvonly,
 * recvonly → sendonly, inactive → inactive, sendrecv → sendrecv; an offer
 * with c=0.0.0.0 is a hold (answered recvonly unless it says inactive); a
 * stream offered with port 0 is answered with port 0.  The codec of
 * @current (may be NULL) is kept when the offer still has it, with the PT
 * the offer gives it; otherwise the offer's first codec we support wins
 * (@current may be @params).
 * Every other m-line is rejected (port 0).  Returns the answer and fills
 * @params (cleared first) with what the offer asks: remote address, port,
 * direction (gw_media_params_is_hold tells a hold).  Fails with
 * GW_ERROR_INVALID (answer the re-INVITE with 488). */
gchar *gw_sip_sdp_answer_offer (const gchar * offer,
    const GwSipSdpLocal * local, const GwMediaParams * current,
    GwMediaParams * params, GError ** error);

G_END_DECLS
