/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The gateway's one error domain, and its mapping to HTTP and SIP. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GW_ERROR (gw_error_quark ())
GQuark gw_error_quark (void);

typedef enum
{
  GW_ERROR_FAILED,              /* internal: 500 / SIP 500 */
  GW_ERROR_INVALID,             /* bad request or value: 400 / 400 */
  GW_ERROR_AUTH,                /* bad or missing credentials: 403 / 403 */
  GW_ERROR_NOT_FOUND,           /* 404 / 404 */
  GW_ERROR_METHOD,              /* 405 / 405 */
  GW_ERROR_CONFLICT,            /* e.g. dial into a relayed session: 409 / 409 */
  GW_ERROR_TOO_LARGE,           /* 413 / 513 */
  GW_ERROR_NOT_IMPLEMENTED,     /* 501 / 501 */
  GW_ERROR_UNAVAILABLE,         /* shutting down, no ports: 503 / 503 */
} GwError;

/* HTTP status for any GError (GW_ERROR codes map as above; other domains
 * are 500). */
guint gw_error_to_http_status (const GError * error);
/* SIP status code for any GError. */
guint gw_error_to_sip_status (const GError * error);

G_END_DECLS
