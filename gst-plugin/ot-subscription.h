/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ot-types.h"

G_BEGIN_DECLS

OT_API OtSubscription *ot_subscription_ref (OtSubscription * sub);
/* The last unref unsubscribes (no notify after it returns).  Like
 * ot_subscription_cancel it waits for a notify running in another thread:
 * do not call it holding a lock that the notify takes. */
OT_API void ot_subscription_unref (OtSubscription * sub);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtSubscription, ot_subscription_unref);

/* Stops delivery now; queued items are dropped; the destroy notify given
 * to ot_track_subscribe is called (by the time this returns, or, when
 * called from inside the notify, when the notify returns).  May be called
 * from the notify itself.  Idempotent. */
OT_API void ot_subscription_cancel (OtSubscription * sub);

/* Transfer none. */
OT_API OtTrack *ot_subscription_peek_track (OtSubscription * sub);
/* The format delivered (new ref): the last CAPS event queued, or before
 * any, the raw caps for a raw subscription, else the requested caps. */
OT_API GstCaps *ot_subscription_get_caps (OtSubscription * sub);

/* Next queued item, transfer full, NULL when empty:
 *  - a GstBuffer (PTS absolute clock time; shared with other subscribers,
 *    so gst_buffer_make_writable () before changing it);
 *  - a CAPS GstEvent: the format of the buffers that follow.  One heads
 *    the queue as soon as the format is known (it may be queued already
 *    when ot_track_subscribe returns, without a notify), and one comes
 *    whenever it changes (never twice the same);
 *  - a GAP GstEvent (pts, duration) while the stream is muted, for Opus
 *    subscribers (raw ones get zeroed buffers flagged GAP). */
OT_API GstMiniObject *ot_subscription_pop (OtSubscription * sub);
/* Items ot_subscription_pop would return now (events included). */
OT_API guint ot_subscription_get_n_queued (OtSubscription * sub);
/* Items dropped because the subscriber did not keep up (audio: the oldest
 * ones; video: the queue and everything up to the next keyframe).  CAPS
 * events are never dropped. */
OT_API guint64 ot_subscription_get_n_dropped (OtSubscription * sub);

G_END_DECLS
