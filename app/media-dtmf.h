/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DTMF on a call's media, both ways (media-bridge.c drives both).
 *
 * Sending (media-dtmf.c): digits wait in a per-call queue and play one after
 * the other.  With telephone-event negotiated they go out as RFC 4733 events
 * in the call's own RTP stream: each event packet takes the place of one
 * outgoing audio packet, so it has the stream's SSRC and the next sequence
 * number, and the far end hears no audio meanwhile (as with rtpdtmfmux).
 * Without telephone-event the tone pairs are added to the mixed audio
 * before it is encoded (in-band, media-dtmf-tones.c).
 *
 * Receiving (media-dtmf-rx.c): RFC 4733 events from the far end, taken out
 * where they enter rtpbin's RTP session (after SRTP decryption, before the
 * jitter buffer), are decoded and posted on the pipeline's bus, one message
 * per key press. */
#pragma once

#include <gst/gst.h>

#include "media-params.h"

G_BEGIN_DECLS

/* Application message of the receiver, one per digit: field "event"
 * (G_TYPE_UINT), the RFC 4733 event code (0-15). */
#define GW_MEDIA_DTMF_RECEIVED "gw-dtmf-received"

/* What a digit sounds like: tone, then silence before the next one. */
#define GW_MEDIA_DTMF_TONE_MS 200
#define GW_MEDIA_DTMF_GAP_MS 100
/* 'p' in a digit string. */
#define GW_MEDIA_DTMF_PAUSE_MS 500
/* Each event's final packet is sent this many times (RFC 4733 2.5.1.4). */
#define GW_MEDIA_DTMF_END_PACKETS 3
/* Characters that may wait in one call's queue. */
#define GW_MEDIA_DTMF_MAX_QUEUED 256

/* The RFC 4733 event code of '0'-'9', '*', '#', 'A'-'D'; -1 otherwise. */
gint gw_media_dtmf_event_from_char (gchar c);
/* The character of event codes 0-15, 0 otherwise. */
gchar gw_media_dtmf_event_to_char (guint event);

/* Whether the telephone-event part of params is usable: GW_ERROR_INVALID
 * naming the payload type or clock rate otherwise. */
gboolean gw_media_dtmf_check_params (const GwMediaParams * params,
    GError ** error);

/* The pad `name` of RTP session 0 of the element named "rtpbin" in
 * pipeline (transfer full), or NULL with GW_ERROR_FAILED. */
GstPad *gw_media_dtmf_get_session_pad (GstElement * pipeline,
    const gchar * name, GError ** error);

/* ---- sending ---- */

typedef struct _GwMediaDtmfSender GwMediaDtmfSender;

/* A sender with an empty queue; name is for logs (the call ID). */
GwMediaDtmfSender *gw_media_dtmf_sender_new (const gchar * name);
/* Detaches and frees. */
void gw_media_dtmf_sender_free (GwMediaDtmfSender * self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwMediaDtmfSender, gw_media_dtmf_sender_free);

/* Appends digits (0-9 * # A-D, and p for a pause) to the queue: they play
 * after everything queued before.  GW_ERROR_INVALID for an empty string or
 * another character (nothing is queued then), GW_ERROR_UNAVAILABLE when
 * the queue would exceed GW_MEDIA_DTMF_MAX_QUEUED.  Any thread. */
gboolean gw_media_dtmf_sender_queue (GwMediaDtmfSender * self,
    const gchar * digits, GError ** error);

/* Characters queued or playing. Any thread. */
guint gw_media_dtmf_sender_get_pending (GwMediaDtmfSender * self);

/* Plays the queue into a pipeline built by media-pipeline.c for params:
 * into the RTP packets leaving the session of the element named "rtpbin"
 * (RFC 4733, when params has a telephone-event payload type), or into what
 * the element named "mixer" puts out (tones).  Detaches from the previous
 * pipeline first; a tone cut short there plays again.  GW_ERROR_FAILED when
 * the element is missing.  Main thread. */
gboolean gw_media_dtmf_sender_attach (GwMediaDtmfSender * self,
    GstElement * pipeline, const GwMediaParams * params, GError ** error);
/* Stops playing into the pipeline; the queue stays.  Main thread. */
void gw_media_dtmf_sender_detach (GwMediaDtmfSender * self);

/* ---- receiving ---- */

/* Decodes the telephone-event packets of params (nothing to do without
 * one) that reach the RTP session of the element named "rtpbin", and posts
 * GW_MEDIA_DTMF_RECEIVED for each new event: marker bit or not, duplicates
 * and repeated end packets count once, one digit per event timestamp.
 * Those packets go no further.  The decoder lives as long as the pipeline.
 * GW_ERROR_FAILED when rtpbin or its session is missing.  Main thread,
 * before the pipeline plays. */
gboolean gw_media_dtmf_receiver_attach (GstElement * pipeline,
    const GwMediaParams * params, GError ** error);

G_END_DECLS
