/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ot-types.h"

G_BEGIN_DECLS

#define OT_TYPE_CONNECTION (ot_connection_get_type ())
OT_API G_DECLARE_FINAL_TYPE (OtConnection, ot_connection, OT, CONNECTION, GObject);

OT_API const gchar *ot_connection_get_id (OtConnection * connection);
OT_API const gchar *ot_connection_get_data (OtConnection * connection);
OT_API gint64 ot_connection_get_create_time (OtConnection * connection); /* ms since epoch */
/* TRUE while the connection is in its session. */
OT_API gboolean ot_connection_is_connected (OtConnection * connection);
/* Transfer none; NULL once removed. */
OT_API OtSession *ot_connection_peek_session (OtConnection * connection);

G_END_DECLS
