/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON Web Tokens, HS256 only (RFC 7519 / 7515). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Signs claims with HS256.  extra_header (nullable) adds members to the JOSE
 * header besides alg and typ. */
gchar *gw_jwt_encode_hs256 (JsonObject * claims, JsonObject * extra_header,
    const gchar * secret);

/* Verifies the signature with `secret` and that the header's alg is HS256
 * (anything else, "none" included, is rejected).  Does not check claims.
 * Returns the claims (new ref); header_out (nullable) gets the header. */
JsonObject *gw_jwt_decode_hs256 (const gchar * token, const gchar * secret,
    JsonObject ** header_out, GError ** error);

/* Base64url without padding, as JWTs use it. */
gchar *gw_base64url_encode (const guchar * data, gsize len);
guchar *gw_base64url_decode (const gchar * text, gsize * out_len);

G_END_DECLS
