/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One call's media: a GstPipeline between the SIP leg's RTP and the session
 * hub.  SIP → session: RTP from the far end is decoded and published as
 * raw 48 kHz audio into the call's existing stream (otsink).  Session → SIP:
 * the other streams' audio (otsrc) is mixed, encoded with the negotiated
 * codec and sent to the far end all the time (silence when nobody speaks).
 *
 * Lives on the main thread (the thread-default main context at creation);
 * its signals are emitted there:
 *  "error" (GError *)       the pipeline failed; the bridge stays stopped
 *                           as it is until gw_media_bridge_stop/unref.
 *                           Emitted once.
 *  "first-rtp-received"     the first RTP packet from the far end arrived.
 *  "streams-changed" (guint n_streams)  a session stream was mixed in or
 *                           removed; n_streams are mixed now.
 *  "dtmf-received" (gchar digit)  the far end pressed a key (RFC 4733
 *                           telephone-event): '0'-'9', '*', '#' or 'A'-'D',
 *                           once per key press, in order. */
#pragma once

#include <gst/gst.h>

#include "media-params.h"
#include "media-ports.h"
#include "prompts.h"

G_BEGIN_DECLS

#define GW_TYPE_MEDIA_BRIDGE (gw_media_bridge_get_type ())
G_DECLARE_FINAL_TYPE (GwMediaBridge, gw_media_bridge, GW, MEDIA_BRIDGE,
    GObject);

typedef struct
{
  const gchar *call_id;         /* names the pipeline and its dot dumps */
  const gchar *bind_address;    /* IP literal the RTP sockets bind to */
  GwMediaPorts *ports;
  const gchar *session_id;
  /* The call's own connection and stream: they exist in the hub already. */
  const gchar *connection_id;
  const gchar *stream_id;
  /* Stream IDs the far end hears; NULL = every stream of the session but
   * the call's own. */
  const gchar *const *streams;
} GwMediaBridgeConfig;

/* Allocates the RTP/RTCP ports (GW_ERROR_UNAVAILABLE when none are free).
 * Nothing runs until gw_media_bridge_start. */
GwMediaBridge *gw_media_bridge_new (const GwMediaBridgeConfig * config,
    GError ** error);

/* The local ports, for the SDP offer. */
guint gw_media_bridge_get_rtp_port (GwMediaBridge * self);
guint gw_media_bridge_get_rtcp_port (GwMediaBridge * self);

/* Our DTLS certificate (PEM), for the fingerprint of a DTLS-SRTP offer
 * (gw_srtp_local_init): there before the first offer, the same for every
 * call of the process.  Transfer none.  GW_ERROR_FAILED when DTLS is not
 * available. */
const gchar *gw_media_bridge_get_dtls_certificate (GwMediaBridge * self,
    GError ** error);

/* Builds the pipeline for what the answer decided and sets it PLAYING.
 * Fails with GW_ERROR_INVALID for params the bridge cannot serve (unknown
 * codec, bad address), GW_ERROR_FAILED when the pipeline cannot be built or
 * started (missing element, link failure); the reason is in the message. */
gboolean gw_media_bridge_start (GwMediaBridge * self,
    const GwMediaParams * params, GError ** error);

/* Applies a re-INVITE: hold (sendonly/inactive, 0.0.0.0, port 0) stops
 * sending and keeps receiving; resume sends again; a new address or port
 * re-points the running pipeline; a different codec, payload type or ptime
 * rebuilds it on the same ports. */
gboolean gw_media_bridge_update (GwMediaBridge * self,
    const GwMediaParams * params, GError ** error);

/* Stops the pipeline and releases the ports.  Idempotent; also done on
 * finalize.  No signal is emitted after it returns. */
void gw_media_bridge_stop (GwMediaBridge * self);

/* Monotonic time (g_get_monotonic_time, µs) of the last RTP packet from the
 * far end; 0 = none yet.  Cheap, any thread. */
gint64 gw_media_bridge_get_last_rtp_time (GwMediaBridge * self);

/* TRUE while RTP is being sent to the far end (not on hold). */
gboolean gw_media_bridge_is_sending (GwMediaBridge * self);

/* Queues DTMF for the far end, after what was queued before: digits 0-9 * #
 * A-D and p (a 500 ms pause).  Each digit is a 200 ms RFC 4733 event when
 * telephone-event was negotiated, else an in-band tone pair, then 100 ms of
 * silence.  What is queued before the start plays when the media starts.
 * GW_ERROR_INVALID for bad digits (nothing queued), GW_ERROR_UNAVAILABLE
 * when too many wait, GW_ERROR_FAILED once stopped. */
gboolean gw_media_bridge_send_dtmf (GwMediaBridge * self,
    const gchar * digits, GError ** error);

/* DTMF characters queued or playing. */
guint gw_media_bridge_get_dtmf_pending (GwMediaBridge * self);

/* Speaks prompt to the far end (mixed into what it hears; the session does
 * not hear it), interrupting a prompt still playing.  FALSE when the media
 * is not running. */
gboolean gw_media_bridge_play_prompt (GwMediaBridge * self, GwPrompt prompt);

/* The running pipeline or NULL (transfer none): tests and benchmarks. */
GstElement *gw_media_bridge_get_pipeline (GwMediaBridge * self);

G_END_DECLS
