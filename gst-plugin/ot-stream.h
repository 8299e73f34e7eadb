/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ot-types.h"

G_BEGIN_DECLS

#define OT_TYPE_STREAM (ot_stream_get_type ())
OT_API G_DECLARE_FINAL_TYPE (OtStream, ot_stream, OT, STREAM, GObject);

/* Properties: "muted" (gboolean, notify), "name", "video-type" (OtVideoType),
 * "observe-force-mute" (gboolean, notify), "has-audio", "has-video"
 * (gboolean, notify when a track is first created). */

#define OT_TYPE_VIDEO_TYPE (ot_video_type_get_type ())
OT_API GType ot_video_type_get_type (void);

OT_API const gchar *ot_stream_get_id (OtStream * stream);
OT_API const gchar *ot_stream_get_name (OtStream * stream);
OT_API OtVideoType ot_stream_get_video_type (OtStream * stream);
OT_API const gchar *ot_stream_get_connection_id (OtStream * stream);
/* TRUE while published in its session. */
OT_API gboolean ot_stream_is_published (OtStream * stream);

OT_API gboolean ot_stream_has_audio (OtStream * stream);
OT_API gboolean ot_stream_has_video (OtStream * stream);

/* Muted: its audio reaches subscribers as silence (raw: zeroed buffers
 * flagged GAP, sharing one memory; encoded: GAP events). */
OT_API gboolean ot_stream_is_muted (OtStream * stream);
OT_API void ot_stream_set_muted (OtStream * stream, gboolean muted);
/* Whether force mute (ot_session_force_mute_stream / mute all) applies to
 * this stream.  Default TRUE; a SIP leg dialled without observeForceMute
 * sets FALSE.  Setting FALSE on a stream that is muted by force mute (e.g.
 * published while "mute all" was active) unmutes it. */
OT_API void ot_stream_set_observe_force_mute (OtStream * stream, gboolean observe);
OT_API gboolean ot_stream_get_observe_force_mute (OtStream * stream);

/* Publisher side: the stream's track of that kind, created on first call
 * (has_audio / has_video become TRUE).  New reference. */
OT_API OtTrack *ot_stream_ensure_track (OtStream * stream, OtTrackKind kind);
/* Subscriber side: the track or NULL.  New reference. */
OT_API OtTrack *ot_stream_get_track (OtStream * stream, OtTrackKind kind);

G_END_DECLS
