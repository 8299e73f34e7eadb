/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GstOtTrackSink: otsink's internal sink, one per request pad.  It is a
 * GstBaseSink so that otsink prerolls, syncs to the clock, reports latency
 * and handles EOS like any sink; render() publishes into one OtTrack. */
#pragma once

#include <gst/base/gstbasesink.h>
#include "ot-hub.h"

G_BEGIN_DECLS

#define GST_TYPE_OT_TRACK_SINK (gst_ot_track_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstOtTrackSink, gst_ot_track_sink, GST, OT_TRACK_SINK,
    GstBaseSink);

/* The caps a track of that kind accepts (new ref). */
GstCaps *gst_ot_track_sink_kind_caps (OtTrackKind kind);

GstElement *gst_ot_track_sink_new (OtTrackKind kind, const gchar * name);
OtTrackKind gst_ot_track_sink_get_kind (GstOtTrackSink * sink);

/* Attaches the track to publish into (NULL detaches and tells the hub that
 * the publisher stopped).  Called by otsink when it publishes or unpublishes;
 * the sink may already be streaming. */
void gst_ot_track_sink_set_track (GstOtTrackSink * sink, OtTrack * track);

G_END_DECLS
