/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ot-types.h"

G_BEGIN_DECLS

#define OT_TYPE_SESSION (ot_session_get_type ())
OT_API G_DECLARE_FINAL_TYPE (OtSession, ot_session, OT, SESSION, GObject);

/* Signals (emitted with no hub lock held, from the thread that made the
 * change; handlers must not block):
 *  "connection-added"   (OtConnection *)
 *  "connection-removed" (OtConnection *)
 *  "stream-added"       (OtStream *)   the stream is published
 *  "stream-removed"     (OtStream *)   unpublished, or its connection left
 *  "stream-changed"     (OtStream *)   muted state or a track's caps changed
 */

OT_API const gchar *ot_session_get_id (OtSession * session);
OT_API const gchar *ot_session_get_api_key (OtSession * session);
OT_API gboolean ot_session_is_routed (OtSession * session);
OT_API gint64 ot_session_get_create_time (OtSession * session);  /* ms since epoch */

/* Connections.  connection_id NULL or "" = generate a UUID.
 * Fails with OT_HUB_ERROR_EXISTS if the ID is taken. New reference. */
OT_API OtConnection *ot_session_add_connection (OtSession * session,
    const gchar * connection_id, const gchar * data, GError ** error);
OT_API OtConnection *ot_session_lookup_connection (OtSession * session,
    const gchar * connection_id);
/* Removes the connection and its streams; FALSE if unknown. */
OT_API gboolean ot_session_remove_connection (OtSession * session,
    const gchar * connection_id);
/* Transfer container: a list of new references. */
OT_API GList *ot_session_list_connections (OtSession * session);

/* Streams: a stream belongs to a connection.  stream_id NULL or "" =
 * generate.  The stream is published (in the session's list, "stream-added"
 * emitted) at once.  New reference. */
OT_API OtStream *ot_session_add_stream (OtSession * session,
    OtConnection * connection, const gchar * stream_id, const gchar * name,
    OtVideoType video_type, GError ** error);
OT_API OtStream *ot_session_lookup_stream (OtSession * session,
    const gchar * stream_id);
OT_API gboolean ot_session_remove_stream (OtSession * session,
    const gchar * stream_id);
/* Published streams, in publication order.  Transfer container: new refs. */
OT_API GList *ot_session_list_streams (OtSession * session);

/* Force mute.  Mutes the stream if it observes force mute (see
 * ot_stream_set_observe_force_mute); returns TRUE if it is now muted because
 * of this call, FALSE if it ignores force mute.  Sets error when unknown. */
OT_API gboolean ot_session_force_mute_stream (OtSession * session,
    const gchar * stream_id, GError ** error);
/* "Mute all": active = TRUE force-mutes every stream that observes force
 * mute except those in excluded_stream_ids (NULL-terminated, may be NULL),
 * and streams published later while it stays active.  active = FALSE ends
 * the state (streams stay muted until they unmute themselves).
 * Returns the streams that were muted now (transfer container, new refs). */
OT_API GList *ot_session_set_mute_all (OtSession * session, gboolean active,
    const gchar * const *excluded_stream_ids);
OT_API gboolean ot_session_get_mute_all (OtSession * session);

G_END_DECLS
