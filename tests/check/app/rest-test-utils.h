/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A gateway on 127.0.0.1:0 in the test process, a libsoup client talking to
 * it on the same main context, and the JWTs the SDKs send. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gateway.h"

G_BEGIN_DECLS

#define TEST_API_KEY "4700001"
#define TEST_SECRET "0123456789abcdef0123456789abcdef01234567"
#define OTHER_API_KEY "4700002"
#define OTHER_SECRET "fedcba9876543210fedcba9876543210fedcba98"

typedef struct
{
  GwGateway *gateway;
  SoupSession *client;
  gchar *base_url;              /* http://127.0.0.1:PORT */
} RestFixture;

void rest_fixture_setup (RestFixture * f, gconstpointer data);
void rest_fixture_teardown (RestFixture * f, gconstpointer data);

typedef struct
{
  guint status;
  gchar *content_type;          /* the whole header, NULL if none */
  gchar *allow;
  gchar *body;                  /* NUL-terminated */
  gsize len;
} RestReply;

void rest_reply_free (RestReply * reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RestReply, rest_reply_free);

/* A request to base_url + path. */
SoupMessage *rest_message_new (RestFixture * f, const gchar * method,
    const gchar * path);
/* Sets the body (NULL content_type = no Content-Type header). */
void rest_message_set_body (SoupMessage * msg, const gchar * content_type,
    const gchar * body);
/* Sends it, iterating the default main context (where the gateway runs). */
RestReply *rest_send (RestFixture * f, SoupMessage * msg);

/* One-call form: X-OPENTOK-AUTH: token (if not NULL), the body as
 * application/json (or no body when NULL). */
RestReply *rest_call (RestFixture * f, const gchar * method,
    const gchar * path, const gchar * token, const gchar * json_body);

/* Asserts an error reply: the status, Content-Type exactly
 * application/json, body {"code":status,"message":non-empty}.  Returns the
 * message (newly allocated). */
gchar *rest_assert_error (RestReply * reply, guint status);
/* Asserts status 200, Content-Type exactly application/json, and returns
 * the parsed body. */
JsonNode *rest_assert_json (RestReply * reply);

/* A Node-style REST JWT: iss, ist "project", iat now, exp now + lifetime,
 * jti. */
gchar *test_rest_jwt (const gchar * api_key, const gchar * secret,
    gint lifetime);
/* A JWT from JSON texts, signed with HMAC of `type` (any alg in header). */
gchar *test_jwt_raw (const gchar * header_json, const gchar * claims_json,
    const gchar * secret, GChecksumType type);

/* Creates a routed session through the REST API; returns its ID. */
gchar *test_create_session (RestFixture * f, const gchar * api_key,
    const gchar * secret);

G_END_DECLS
