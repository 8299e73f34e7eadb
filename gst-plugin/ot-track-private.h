/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libgstot internals: what a stream and a subscription need of a track. */
#pragma once

#include "ot-track.h"

G_BEGIN_DECLS

/* The formats the hub tells apart: a subscription in the published format
 * gets the published buffers, any other audio format goes through a
 * converter. */
typedef enum
{
  OT_FORMAT_NONE = 0,
  OT_FORMAT_RAW,
  OT_FORMAT_OPUS,
  OT_FORMAT_VP8,
  OT_FORMAT_H264,
  OT_FORMAT_LAST,
} OtFormat;

G_GNUC_INTERNAL OtFormat ot_format_from_caps (const GstCaps * caps);
G_GNUC_INTERNAL const gchar *ot_format_get_name (OtFormat format);

/* The stream owns its tracks; the track keeps its stream alive. */
G_GNUC_INTERNAL OtTrack *ot_track_new (OtStream * stream, OtTrackKind kind,
    gboolean muted);
/* The stream left its session: pushes fail from now on. */
G_GNUC_INTERNAL void ot_track_mark_removed (OtTrack * track);
/* Mirrors the stream's muted state into the push path. */
G_GNUC_INTERNAL void ot_track_set_muted (OtTrack * track, gboolean muted);
/* A subscription was cancelled: forget it, stop its converter if it was
 * the last one of its format. */
G_GNUC_INTERNAL void ot_track_remove_subscription (OtTrack * track,
    OtSubscription * sub);
/* Asks the publisher for a keyframe (no lock held). */
G_GNUC_INTERNAL void ot_track_request_keyframe (OtTrack * track);

G_END_DECLS
