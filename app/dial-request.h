/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GwDialRequest: a dial request once validated and typed (what the REST
 * body of POST .../dial says, checked), and GwDialReply, what a dial
 * answers.  The setters check each value with a strict parser, so a
 * request that exists is one the SIP side can use without re-checking.
 * Error messages describe the value; the caller names the field. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Limits on what a request may carry. */
#define GW_DIAL_MAX_URI 1024
#define GW_DIAL_MAX_FROM 256
#define GW_DIAL_MAX_HEADERS 20
#define GW_DIAL_MAX_HEADER_SIZE 1024    /* "Name: value", bytes */
#define GW_DIAL_MAX_CREDENTIAL 256      /* auth username and password */

typedef enum
{
  GW_DIAL_TRANSPORT_DEFAULT,    /* no ;transport= (RFC 3263 decides) */
  GW_DIAL_TRANSPORT_UDP,
  GW_DIAL_TRANSPORT_TCP,
  GW_DIAL_TRANSPORT_TLS,
} GwDialTransport;

/* A parsed sip:/sips: URI: "user@host[:port][;params]". */
typedef struct
{
  gboolean sips;                /* the sips: scheme */
  gchar *user;                  /* as written, %-escapes kept */
  gchar *host;                  /* hostname, IPv4, or IPv6 (no brackets) */
  gboolean host_is_ipv6;
  guint port;                   /* 0 = none given */
  GwDialTransport transport;
} GwDialUri;

/* Parses `text` strictly (RFC 3261 syntax): scheme sip: or sips:, a
 * non-empty user without password, a hostname, IPv4 or [IPv6] host, port
 * 1-65535, parameters name[=value] without duplicates, ;transport= only
 * udp, tcp or tls (not udp with sips:), no ?headers.  GW_ERROR_INVALID
 * saying what is wrong.  Call gw_dial_uri_clear on `out` in any case. */
gboolean gw_dial_uri_parse (const gchar * text, GwDialUri * out,
    GError ** error);
void gw_dial_uri_clear (GwDialUri * uri);

/* One custom SIP header of the request. */
typedef struct
{
  gchar *name;                  /* "X-..." as given */
  gchar *value;
} GwDialHeader;

typedef struct
{
  gchar *api_key;
  gchar *session_id;
  /* The client token's connection_data: the SIP connection's data; NULL =
   * none. */
  gchar *connection_data;
  gchar *uri;                   /* sip.uri as given */
  GwDialUri target;             /* sip.uri parsed */
  /* sip.from as given ("+15551234" stays a number), split at '@'; all NULL
   * when absent (the settings' default-from applies). */
  gchar *from;
  gchar *from_user;
  gchar *from_host;             /* NULL when `from` has no '@' */
  GPtrArray *headers;           /* of GwDialHeader *, in request order */
  gchar *auth_username;         /* NULL = no credentials */
  gchar *auth_password;         /* "" when none given with a username */
  gboolean secure;              /* SRTP media */
  gboolean video;
  gboolean observe_force_mute;
  /* Stream IDs whose audio (and video) the SIP party gets; NULL = every
   * stream of the session. */
  GStrv streams;
} GwDialRequest;

GwDialRequest *gw_dial_request_new (const gchar * api_key,
    const gchar * session_id);
void gw_dial_request_free (GwDialRequest * self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwDialRequest, gw_dial_request_free);

/* Each validates its value (GW_ERROR_INVALID, request unchanged). */
gboolean gw_dial_request_set_uri (GwDialRequest * self, const gchar * uri,
    GError ** error);
/* "user" or "user@host[:port]"; NULL or "" = none.  The user part is
 * permissive (a number, a name) but has no spaces, controls, '<', '>' or
 * '"'; the host part parses as in a URI. */
gboolean gw_dial_request_set_from (GwDialRequest * self, const gchar * from,
    GError ** error);
/* Appends a header: the name starts with "X-" (any case) and is an RFC 3261
 * token; the value has no control characters (CR, LF...) but tab; at most
 * GW_DIAL_MAX_HEADERS headers of GW_DIAL_MAX_HEADER_SIZE bytes each. */
gboolean gw_dial_request_add_header (GwDialRequest * self,
    const gchar * name, const gchar * value, GError ** error);
/* A non-empty username; password NULL = "". */
gboolean gw_dial_request_set_auth (GwDialRequest * self,
    const gchar * username, const gchar * password, GError ** error);

/* The headers as "Name: value" lines (what GwSipInvite.headers takes);
 * NULL-terminated, never NULL. */
GStrv gw_dial_request_dup_header_lines (const GwDialRequest * self);

/* What a dial answers: the IDs the REST reply carries. */
typedef struct
{
  gchar *call_id;
  gchar *connection_id;
  gchar *stream_id;
} GwDialReply;

void gw_dial_reply_clear (GwDialReply * reply);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GwDialReply, gw_dial_reply_clear);

G_END_DECLS
