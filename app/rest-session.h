/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* REST handlers for sessions, streams, force mute and force disconnect
 * (rest-contract.md); routed by rest-api.c's table. */
#pragma once

#include "rest-api.h"

G_BEGIN_DECLS

/* POST /session/create */
gboolean gw_rest_session_create (GwRestRequest * req, GError ** error);
/* GET .../session/{sessionId}/stream */
gboolean gw_rest_session_list_streams (GwRestRequest * req, GError ** error);
/* GET .../session/{sessionId}/stream/{streamId} */
gboolean gw_rest_session_get_stream (GwRestRequest * req, GError ** error);
/* POST .../session/{sessionId}/stream/{streamId}/mute */
gboolean gw_rest_session_mute_stream (GwRestRequest * req, GError ** error);
/* POST .../session/{sessionId}/mute */
gboolean gw_rest_session_mute_all (GwRestRequest * req, GError ** error);
/* DELETE .../session/{sessionId}/connection/{connectionId} */
gboolean gw_rest_session_disconnect (GwRestRequest * req, GError ** error);

G_END_DECLS
