/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The SDP offer/answer of a SIP leg (RFC 3264), built and read with
 * GstSDPMessage: our offer, the far end's answer, and our answer to the far
 * end's re-INVITE offers.  What was decided comes out as GwMediaParams.
 * Audio only for now: one audio m-line, over RTP/AVP, or secure: RTP/SAVP
 * with SDES keys or UDP/TLS/RTP/SAVP with a DTLS fingerprint (see
 * media-params.h).  A secure call never falls back to plain RTP: every
 * SDP of the far end must then be secure too, or it is refused with
 * GW_ERROR_INVALID (the call layer's 488). */
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
  /* Secure media: zeroed (GW_SRTP_NONE) for RTP/AVP.  Fill it once per
   * call with gw_srtp_local_init(): SDES offers RTP/SAVP with
   * a=crypto:1 AES_CM_128_HMAC_SHA1_80 and a=crypto:2
   * AES_CM_128_HMAC_SHA1_32 (our two keys); DTLS offers UDP/TLS/RTP/SAVP
   * with our a=fingerprint and a=setup:actpass.  The same keys go into
   * every SDP of the call, so the same input writes the same SDP. */
  GwSrtpLocal srtp;
} GwSipSdpLocal;

/* The offer of an outgoing INVITE (or of a re-INVITE): Opus 48000/2,
 * G722, PCMU, PCMA, telephone-event/48000 and /8000, ptime 20, sendrecv,
 * with local->srtp's protection.  Fails with GW_ERROR_INVALID for a bad
 * address or port. */
gchar *gw_sip_sdp_build_offer (const GwSipSdpLocal * local, GError ** error);

/* Reads the far end's answer to our offer into @params (cleared first,
 * except params->local_srtp: set it to the offer's GwSipSdpLocal.srtp
 * before the call; zeroed means a plain offer).  For a secure offer the
 * answer must take it: RTP/SAVP with one a=crypto naming a tag and suite
 * we offered (its key 30 bytes, no MKI; a lifetime is accepted), or for
 * DTLS UDP/TLS/RTP/SAVP with a=fingerprint and a=setup:active|passive;
 * params then carries the suite, both keys, or our DTLS role and the far
 * end's fingerprint.  Fails with GW_ERROR_INVALID naming what is wrong:
 * unparsable SDP, no audio stream, an unencrypted (RTP/AVP) or unusable
 * secure answer to a secure offer, a secure answer to a plain offer, audio
 * rejected (port 0), no connection address, no codec in common, bad
 * rtpmap. */
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
 * direction (gw_media_params_is_hold tells a hold).
 * Secure calls (local->srtp.mode not NONE) take only secure offers: SDES
 * (the current suite if offered, else the first usable a=crypto; the
 * answer echoes its tag with our key for that suite, so the key stays
 * unless the suite changes, and params->srtp_remote_key carries the far
 * end's key, new after a rekey) or DTLS when we have a fingerprint (our
 * role is kept when the offer allows it).  A stream disabled with port 0
 * keeps the current keys.  Plain calls take RTP/AVP only.
 * Fails with GW_ERROR_INVALID (answer the re-INVITE with 488). */
gchar *gw_sip_sdp_answer_offer (const gchar * offer,
    const GwSipSdpLocal * local, const GwMediaParams * current,
    GwMediaParams * params, GError ** error);

G_END_DECLS
