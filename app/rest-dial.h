/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dial routes: POST /v2/project/{apiKey}/dial and .../call (PHP), see
 * rest-contract.md "Dial"; routed by rest-api.c's table. */
#pragma once

#include "dial-request.h"
#include "rest-api.h"

G_BEGIN_DECLS

/* POST .../dial and POST .../call */
gboolean gw_rest_dial (GwRestRequest * req, GError ** error);

/* Everything the route does before dialling: reads and checks the body
 * (400 naming the field), finds the session (404, 409 when relayed) and
 * verifies the client token for it (403).  Returns the request with the
 * token's connection_data and, in `session`, the session (new ref).
 * Separate from the route so that tests can see the typed request. */
GwDialRequest *gw_rest_dial_prepare (GwGateway * gateway,
    const GwProject * project, JsonObject * body, OtSession ** session,
    GError ** error);

G_END_DECLS
