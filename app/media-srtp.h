/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Secure media on a call's pipeline (media-bridge.c drives it): what the
 * far end sends is decrypted before rtpbin, what we send is encrypted after
 * it, and nothing leaves unencrypted.
 *
 *  - SDES (media-srtp.c): srtpdec and srtpenc with the keys of the SDP
 *    (media-params.h says which key is whose).  A re-INVITE with new keys
 *    rekeys both in place.
 *  - DTLS-SRTP (media-dtls.c): dtlssrtpdec/dtlssrtpenc on each socket,
 *    keyed by a handshake on the media path, the far end's certificate
 *    checked against the SDP fingerprint; a mismatch is an ERROR message on
 *    the pipeline's bus (the bridge's "error") and no media flows.
 *
 * Hold must not break SRTP (RFC 3711 3.3.1 index estimation): while we do
 * not send, RTP is dropped before it is encrypted and later packets are
 * renumbered, so the far end sees consecutive sequence numbers however
 * long the hold; on resume the receive side forgets its replay window
 * (keeping each stream's roll-over counter), so a far end whose sequence
 * numbers jumped back during the hold is still heard.
 *
 * Keys are secrets: nothing here logs them. */
#pragma once

#include <gst/gst.h>

#include "media-params.h"

G_BEGIN_DECLS

typedef struct _GwMediaSrtp GwMediaSrtp;

/* Whether the secure part of params is usable: GW_ERROR_INVALID naming
 * what is not (mode, suite, a key that is not 30 bytes of base64, a DTLS
 * role or fingerprint missing).  TRUE for plain RTP. */
gboolean gw_media_srtp_check_params (const GwMediaParams * params,
    GError ** error);

/* Puts encryption into a pipeline built by media-pipeline.c for params
 * (not plain), on its elements rtp_src, rtcp_src, rtpbin, rtp_sink and
 * rtcp_sink.  Nothing is sent until gw_media_srtp_update says so.  name is
 * for logs and DTLS connection IDs (the call ID).  GW_ERROR_FAILED when an
 * element is missing or a link fails.  Main thread, before it plays. */
GwMediaSrtp *gw_media_srtp_attach (GstElement * pipeline,
    const GwMediaParams * params, const gchar * name, GError ** error);

/* Whether params need a new pipeline rather than an update: another mode,
 * or for DTLS another role or fingerprint (a new handshake). */
gboolean gw_media_srtp_needs_rebuild (GwMediaSrtp * self,
    const GwMediaParams * params);

/* Applies params (a re-INVITE; also right after the attach): rekeys when
 * the SDES keys or suite changed, forgets the replay state when the far
 * end comes back from hold, and sends RTP only while sending.  NULL-safe.
 * Main thread. */
void gw_media_srtp_update (GwMediaSrtp * self, const GwMediaParams * params,
    gboolean sending);

/* Frees; after the pipeline is stopped (state NULL) or freed: it holds
 * no ref on the pipeline or rtpbin. */
void gw_media_srtp_free (GwMediaSrtp * self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwMediaSrtp, gw_media_srtp_free);

G_END_DECLS
