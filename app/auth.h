/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Credentials: REST JWTs (X-OPENTOK-AUTH / Authorization: Bearer) and
 * client tokens (JWT and legacy T1==), as rest-contract.md describes. */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Allowed clock skew on exp/iat, seconds. */
#define GW_AUTH_CLOCK_SKEW 60

/* The REST credential of a request: X-OPENTOK-AUTH, else the token of
 * "Authorization: Bearer <token>".  Transfer none; NULL if neither. */
const gchar *gw_auth_get_rest_token (SoupMessageHeaders * headers);

/* The unverified `iss` claim of a JWT (newly allocated), or NULL: it names
 * the project whose secret verifies it (POST /session/create has no API key
 * in its path). */
gchar *gw_auth_peek_issuer (const gchar * token);

/* Verifies a REST JWT for the project `api_key` (the key in the URL path)
 * whose API secret is `secret`: HS256 only, signature, exp (required,
 * skew allowed), iss == api_key, ist "project" when present (payload or
 * header), and not a client token (scope session.connect).  `now` in
 * seconds since the epoch.  GW_ERROR_AUTH with the reason on failure. */
gboolean gw_auth_verify_rest_token (const gchar * token, const gchar * api_key,
    const gchar * secret, gint64 now, GError ** error);

typedef struct
{
  gchar *session_id;
  gchar *role;                  /* publisher, publisheronly, subscriber, moderator */
  gchar *connection_data;       /* may be NULL */
  gint64 expire_time;           /* seconds since epoch, 0 = none given */
} GwClientToken;

void gw_client_token_free (GwClientToken * token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwClientToken, gw_client_token_free);

/* Verifies a client token (JWT form or "T1==" legacy form) signed with the
 * project's secret: it must belong to `session_id`, be unexpired at `now`,
 * and (if require_publish) carry a role that may publish.
 * GW_ERROR_AUTH with the reason on failure. */
GwClientToken *gw_client_token_verify (const gchar * token,
    const gchar * api_key, const gchar * secret, const gchar * session_id,
    gboolean require_publish, gint64 now, GError ** error);

G_END_DECLS
