/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A track: one stream's audio or video, as published; the fan-out point. */
#pragma once

#include "ot-types.h"

G_BEGIN_DECLS

OT_API OtTrack *ot_track_ref (OtTrack * track);
OT_API void ot_track_unref (OtTrack * track);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtTrack, ot_track_unref);

OT_API OtTrackKind ot_track_get_kind (OtTrack * track);
/* Transfer none. */
OT_API OtStream *ot_track_peek_stream (OtTrack * track);
/* The published format (new ref) or NULL before the publisher set it. */
OT_API GstCaps *ot_track_get_caps (OtTrack * track);

/* ---- publisher side (one publisher per track) ---- */

/* Sets or changes the published format: audio OT_AUDIO_RAW_CAPS or
 * audio/x-opus; video video/x-vp8 or video/x-h264 (byte-stream, au).
 * Emits "stream-changed" on the session.  FALSE + error if unsupported. */
OT_API gboolean ot_track_set_caps (OtTrack * track, GstCaps * caps,
    GError ** error);

/* Publishes one buffer (transfer full).  PTS is absolute clock time
 * (base_time + running_time of the publishing pipeline); DURATION set.
 * Never blocks on subscribers.  Returns FALSE once the stream was removed
 * from its session (the publisher should stop). */
OT_API gboolean ot_track_push (OtTrack * track, GstBuffer * buffer);

/* Called (from any thread, no hub lock held) when a subscriber needs a
 * keyframe: a new video subscriber, or one that dropped data. */
typedef void (*OtKeyframeRequestFunc) (OtTrack * track, gpointer user_data);
OT_API void ot_track_set_keyframe_request_func (OtTrack * track,
    OtKeyframeRequestFunc func, gpointer user_data, GDestroyNotify notify);

/* Publisher gone (state change to NULL, pad released): subscribers keep
 * their subscription but receive nothing until a publisher comes back. */
OT_API void ot_track_publisher_stopped (OtTrack * track);

/* ---- subscriber side ---- */

/* Called after an item was queued (publisher's thread, no lock held).
 * Must not block: signal a condition, wake a task. */
typedef void (*OtSubscriptionNotify) (OtSubscription * sub,
    gpointer user_data);

/* Subscribes in format `caps` (fixed): for audio OT_AUDIO_RAW_CAPS or
 * audio/x-opus, whatever the publisher sends (the hub converts once per
 * track and format, while someone needs it); for video the published
 * format only (OT_HUB_ERROR_FORMAT otherwise; if the publisher changes
 * codec later, its subscribers follow, told by a CAPS event).  Works
 * before the publisher set its caps: delivery starts when it does.
 * max_items (> 0) bounds the queue (audio drops the oldest; video drops
 * until the next keyframe and requests one).  A video subscription starts
 * at the next keyframe and requests one.  `destroy` releases `user_data`
 * when the subscription ends (cancel or last unref).  New reference. */
OT_API OtSubscription *ot_track_subscribe (OtTrack * track, GstCaps * caps,
    guint max_items, OtSubscriptionNotify notify, gpointer user_data,
    GDestroyNotify destroy, GError ** error);

/* Current subscriptions (for tests and stats). */
OT_API guint ot_track_get_n_subscriptions (OtTrack * track);

G_END_DECLS
