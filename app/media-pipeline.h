/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One built media graph of a call (media-bridge.h drives it): the
 * GstPipeline made of the pipelines/sip-*.pipeline launch fragments for the
 * negotiated codec, with the call's sockets and hub IDs set, and the pads
 * that appear at run time linked as they come.  Another codec means a new
 * GwMediaPipeline on the same sockets.
 *
 * Streaming threads report through the pipeline's bus only: ERROR messages,
 * and the application messages below. */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "media-params.h"

G_BEGIN_DECLS

/* The first RTP packet of a negotiated payload type arrived. */
#define GW_MEDIA_PIPELINE_FIRST_RTP "gw-first-rtp"
/* A session stream was linked to the mixer or unlinked from it. */
#define GW_MEDIA_PIPELINE_STREAMS_CHANGED "gw-streams-changed"

typedef struct _GwMediaPipeline GwMediaPipeline;

typedef struct
{
  const gchar *name;            /* the pipeline's name: the call ID */
  GSocket *rtp_socket;          /* bound; borrowed until freed */
  GSocket *rtcp_socket;
  const gchar *session_id;
  const gchar *connection_id;
  const gchar *stream_id;
  const gchar *const *streams;  /* NULL = all */
} GwMediaPipelineConfig;

/* Whether a pipeline can serve these params with a socket of `family`:
 * GW_ERROR_INVALID naming what cannot be (codec, payload type, clock rate,
 * ptime, address). */
gboolean gw_media_pipeline_check_params (const GwMediaParams * params,
    GSocketFamily family, GError ** error);

/* Builds the graph (state NULL, sending nowhere until
 * gw_media_pipeline_set_destinations) for params that passed the check;
 * GW_ERROR_FAILED when an element is missing or a link fails. */
GwMediaPipeline *gw_media_pipeline_new (const GwMediaPipelineConfig * config,
    const GwMediaParams * params, GError ** error);

/* Sets it PLAYING on the system clock, with the base time fixed to now. */
GstStateChangeReturn gw_media_pipeline_play (GwMediaPipeline * self);

/* Sets the pipeline to NULL and frees it. */
void gw_media_pipeline_free (GwMediaPipeline * self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwMediaPipeline, gw_media_pipeline_free);

/* Transfer none. */
GstElement *gw_media_pipeline_get_element (GwMediaPipeline * self);

/* Points RTP and RTCP at the far end of params, or stops sending RTP when
 * it is on hold (sendonly, inactive, 0.0.0.0, port 0).  Works while
 * playing.  Returns whether RTP is sent. */
gboolean gw_media_pipeline_set_destinations (GwMediaPipeline * self,
    const GwMediaParams * params);

/* Monotonic time (µs) of the last RTP packet received; 0 = none.  Any
 * thread. */
gint64 gw_media_pipeline_get_last_rtp_time (GwMediaPipeline * self);

/* Session streams mixed towards the far end now.  Any thread. */
guint gw_media_pipeline_get_n_streams (GwMediaPipeline * self);

/* Whether params can be applied to this pipeline with
 * gw_media_pipeline_set_destinations: the same codec, payload types
 * (telephone-event too) and ptime. */
gboolean gw_media_pipeline_can_update (GwMediaPipeline * self,
    const GwMediaParams * params);

G_END_DECLS
