/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libgstot internals: streams as their session sees them. */
#pragma once

#include "ot-stream.h"

G_BEGIN_DECLS

/* A stream published in `session`; `force_muted` when "mute all" is active
 * as it is published. */
G_GNUC_INTERNAL OtStream *ot_stream_new (OtSession * session,
    OtConnection * connection, const gchar * stream_id, const gchar * name,
    OtVideoType video_type, gboolean force_muted);
/* Unpublished: drops its tracks (their pushes fail from now on). */
G_GNUC_INTERNAL void ot_stream_mark_removed (OtStream * stream);
/* Force mute from the session: FALSE if the stream ignores force mute;
 * *changed tells whether it was unmuted before.  Emits with no lock. */
G_GNUC_INTERNAL gboolean ot_stream_force_mute (OtStream * stream,
    gboolean * changed);
/* "stream-changed" on its session, if still published; no lock held. */
G_GNUC_INTERNAL void ot_stream_emit_changed (OtStream * stream);

G_END_DECLS
