/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libgstot internals: connections as their session sees them. */
#pragma once

#include "ot-connection.h"

G_BEGIN_DECLS

G_GNUC_INTERNAL OtConnection *ot_connection_new (OtSession * session,
    const gchar * connection_id, const gchar * data);
G_GNUC_INTERNAL void ot_connection_mark_removed (OtConnection * connection);

G_END_DECLS
