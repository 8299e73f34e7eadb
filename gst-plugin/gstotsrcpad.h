/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GstOtSrcPad: one of otsrc's source pads, for one track of one stream.
 * It owns the track's subscription and turns what the hub queues into a
 * proper stream: stream-start, caps, segment, then buffers and events in
 * the pipeline's running time.  Everything but the queries runs in otsrc's
 * streaming thread. */
#pragma once

#include <gst/gst.h>
#include "ot-hub.h"

G_BEGIN_DECLS

#define GST_TYPE_OT_SRC_PAD (gst_ot_src_pad_get_type ())
G_DECLARE_FINAL_TYPE (GstOtSrcPad, gst_ot_src_pad, GST, OT_SRC_PAD, GstPad);

/* `wake` is called (any thread, must not block) when the pad needs the
 * streaming thread: its subscription queued data, or downstream asked to
 * renegotiate.  The pad is active and has sent stream-start. */
GstOtSrcPad *gst_ot_src_pad_new (GstElement * parent, const gchar * name,
    OtTrack * track, guint group_id, OtSubscriptionNotify wake,
    gpointer wake_data);

/* (Re)subscribes in the format downstream prefers, once the pad is added
 * and linked.  FALSE after posting an element error. */
gboolean gst_ot_src_pad_subscribe (GstOtSrcPad * pad);
/* Lets downstream preroll: the format, a segment and a GAP at `now`. */
void gst_ot_src_pad_announce (GstOtSrcPad * pad, GstClockTime now,
    GstClockTime base_time);
/* Pushes what is queued (a burst at most); *more when some is left. */
GstFlowReturn gst_ot_src_pad_drain (GstOtSrcPad * pad, GstClockTime base_time,
    gboolean * more);
/* Takes a flow of a push: TRUE when streaming goes on. */
gboolean gst_ot_src_pad_handle_flow (GstOtSrcPad * pad, GstFlowReturn ret);
/* EOS (once), after a segment. */
void gst_ot_src_pad_push_eos (GstOtSrcPad * pad);
/* Ends the subscription (no wake after it returns). */
void gst_ot_src_pad_unsubscribe (GstOtSrcPad * pad);

G_END_DECLS
