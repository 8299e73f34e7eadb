/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libgstot internals: how a track feeds its subscriptions. */
#pragma once

#include "ot-track-private.h"
#include "ot-subscription.h"

G_BEGIN_DECLS

G_GNUC_INTERNAL OtSubscription *ot_subscription_new (OtTrack * track,
    OtFormat format, GstCaps * requested, guint max_items,
    OtSubscriptionNotify notify, gpointer user_data, GDestroyNotify destroy);

/* The track's routing tables hold these "internal" references: they keep
 * the memory alive, while the public references (ot_subscription_ref)
 * decide when the subscription ends. */
G_GNUC_INTERNAL OtSubscription *ot_subscription_internal_ref (OtSubscription *
    sub);
G_GNUC_INTERNAL void ot_subscription_internal_unref (OtSubscription * sub);

G_GNUC_INTERNAL OtFormat ot_subscription_get_format (OtSubscription * sub);

/* The delivered format as the subscription starts (track locked, before
 * anyone can deliver to it): a CAPS event heads its queue. */
G_GNUC_INTERNAL void ot_subscription_start_caps (OtSubscription * sub,
    GstCaps * caps);

/* Queues `item` (transfer none: a GstBuffer, a GAP event or a CAPS event)
 * under the queue policy, then calls the notify with no lock held.  Sets
 * *want_keyframe when a video subscription lost data and needs a keyframe. */
G_GNUC_INTERNAL void ot_subscription_deliver (OtSubscription * sub,
    GstMiniObject * item, gboolean * want_keyframe);

G_END_DECLS
