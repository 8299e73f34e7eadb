/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The REST control plane's route table and HTTP plumbing: routing (404,
 * 405), body limit (413), authentication (403), body parsing (400), and
 * the JSON replies every handler uses. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gateway.h"
#include "settings.h"

G_BEGIN_DECLS

/* Request bodies above this are refused with 413. */
#define GW_REST_MAX_BODY (64 * 1024)

/* A request as a handler sees it: routed, authenticated, body read. */
typedef struct
{
  GwGateway *gateway;
  SoupServerMessage *msg;
  const GwProject *project;     /* the authenticated project */
  /* Path parameters ({sessionId}, ...); NULL when the route has none. */
  const gchar *session_id;
  const gchar *stream_id;
  const gchar *connection_id;
  JsonObject *json;             /* JSON routes: the body; NULL when empty */
  GHashTable *form;             /* form routes: name -> value */
} GwRestRequest;

/* A route's handler.  Returns TRUE once it has replied (or paused the
 * message to reply later); FALSE with `error` set, which becomes the error
 * reply (status from gw_error_to_http_status). */
typedef gboolean (*GwRestHandler) (GwRestRequest * req, GError ** error);

/* Serves the route table on `server` for `gateway`. */
void gw_rest_api_attach (SoupServer * server, GwGateway * gateway);

/* Replies with the builder's JSON, Content-Type exactly application/json. */
void gw_rest_api_reply_json (SoupServerMessage * msg, guint status,
    JsonBuilder * builder);
/* Replies with `body` (taken) as `content_type`. */
void gw_rest_api_reply (SoupServerMessage * msg, guint status,
    const gchar * content_type, gchar * body);
/* Replies {"code":N,"message":"..."} with the error's HTTP status. */
void gw_rest_api_reply_error (SoupServerMessage * msg, const GError * error);

G_END_DECLS
