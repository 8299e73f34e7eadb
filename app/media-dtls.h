/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DTLS-SRTP on a call's pipeline (RFC 5763, RFC 5764), the half of
 * media-srtp.h that needs a handshake: one DTLS association per socket
 * (RTP, and RTCP unless it is multiplexed), each a dtlssrtpdec on what the
 * socket receives (DTLS and SRTP share the port; the decoder tells them
 * apart by the first byte, RFC 7983) and a dtlssrtpenc sharing its
 * connection ID on what it sends.  Our role comes from the SDP's a=setup;
 * the far end's certificate must match its a=fingerprint. */
#pragma once

#include <gst/gst.h>

#include "media-params.h"

G_BEGIN_DECLS

/* The certificate (PEM, certificate only) that every DTLS association of
 * this process presents: made once, by the DTLS elements themselves, so
 * that it exists before the first offer.  Its fingerprint goes into our
 * SDP (gw_srtp_local_init).  GW_ERROR_FAILED when the dtls plugin is
 * missing.  Any thread. */
const gchar *gw_media_dtls_get_certificate (GError ** error);

typedef struct _GwMediaDtls GwMediaDtls;

/* Whether params (GW_SRTP_DTLS) say our role and the far end's
 * fingerprint: GW_ERROR_INVALID naming what is missing. */
gboolean gw_media_dtls_check_params (const GwMediaParams * params,
    GError ** error);

/* Inserts the associations into a pipeline built by media-pipeline.c for
 * params (GW_SRTP_DTLS, role and fingerprint checked).  Main thread, before
 * the pipeline plays. */
GwMediaDtls *gw_media_dtls_attach (GstElement * pipeline,
    const GwMediaParams * params, const gchar * name, GError ** error);

/* TRUE once the RTP association has its keys and the far end's
 * certificate matched: before that, nothing is sent.  Any thread. */
gboolean gw_media_dtls_is_ready (GwMediaDtls * self);

/* Frees; after the pipeline is stopped. */
void gw_media_dtls_free (GwMediaDtls * self);

/* ---- shared by media-srtp.c and media-dtls.c ---- */

/* Puts element (in the pipeline already) between srcpad and its peer:
 * srcpad → element's sink_name (a static pad, or requested) and element's
 * src_name → the old peer.  src_name NULL: element's output is linked
 * already (a second input of the same element), the old peer is left
 * unlinked.  GW_ERROR_FAILED naming the pads otherwise. */
gboolean gw_media_srtp_splice (GstPad * srcpad, GstElement * element,
    const gchar * sink_name, const gchar * src_name, GError ** error);

/* The named element of the pipeline (a ref), or NULL with GW_ERROR_FAILED. */
GstElement *gw_media_srtp_get_element (GstElement * pipeline,
    const gchar * name, GError ** error);

G_END_DECLS
