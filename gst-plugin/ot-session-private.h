/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libgstot internals: sessions as the hub and their streams see them. */
#pragma once

#include "ot-session.h"

G_BEGIN_DECLS

G_GNUC_INTERNAL OtSession *ot_session_new (const gchar * session_id,
    const gchar * api_key, gboolean routed, gint64 create_time);
/* Removes every connection (and so every stream), emitting the signals. */
G_GNUC_INTERNAL void ot_session_remove_all (OtSession * session);
/* "stream-changed"; call with no lock held. */
G_GNUC_INTERNAL void ot_session_emit_stream_changed (OtSession * session,
    OtStream * stream);

G_END_DECLS
