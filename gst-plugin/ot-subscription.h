/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ot-types.h"

G_BEGIN_DECLS

OT_API OtSubscription *ot_subscription_ref (OtSubscription * sub);
/* The last unref unsubscribes (no notify after it returns). */
OT_API void ot_subscription_unref (OtSubscription * sub);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtSubscription, ot_subscription_unref);

/* Stops delivery now; queued items are dropped.  Idempotent. */
OT_API void ot_subscription_cancel (OtSubscription * sub);

/* Transfer none. */
OT_API OtTrack *ot_subscription_peek_track (OtSubscription * sub);
/* The format delivered (new ref). */
OT_API GstCaps *ot_subscription_get_caps (OtSubscription * sub);

/* Next queued item, transfer full: a GstBuffer (PTS absolute clock time) or
 * a GstEvent (GAP while muted, for encoded audio).  NULL when empty. */
OT_API GstMiniObject *ot_subscription_pop (OtSubscription * sub);
OT_API guint ot_subscription_get_n_queued (OtSubscription * sub);
/* Items dropped because the subscriber did not keep up. */
OT_API guint64 ot_subscription_get_n_dropped (OtSubscription * sub);

G_END_DECLS
