/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The gateway's SIP user agent: sofia-sip's nua on the thread-default GLib
 * main context (one thread), listening on one address and port for UDP and
 * TCP.  It places outgoing calls (GwSipCall) and refuses every request
 * outside the dialogs it created with 403, keeping no state for them. */
#pragma once

#include <glib-object.h>

#include "sip-call.h"

G_BEGIN_DECLS

typedef struct
{
  const gchar *address;         /* bind address, an IP literal */
  guint port;                   /* UDP and TCP; 0 = ephemeral */
  const gchar *public_address;  /* Contact, Via and From host (NAT); NULL =
                                 * address */
  /* TLS (sips:, ;transport=tls) comes with a later issue: a certificate or
   * key fails with GW_ERROR_NOT_IMPLEMENTED for now; the port and the CA
   * file are not used yet. */
  guint tls_port;
  const gchar *tls_certificate;
  const gchar *tls_private_key;
  const gchar *tls_ca_file;
  /* Seconds between in-dialog OPTIONS while a call is answered, to notice a
   * far end or connection that went away (408, 481, 503 end the call with
   * GW_SIP_END_UNEXPECTED); 0 = none. */
  guint keepalive_interval;
  const gchar *user_agent;      /* NULL = "ot-sip-gateway/VERSION" */
} GwSipAgentConfig;

/* One outgoing call.  Strings are copied. */
typedef struct
{
  /* sip: or sips: URI; ;transport=udp|tcp|tls picks the transport. */
  const gchar *uri;
  /* From: "display_name" <sip:from_user@public_address>; the user is kept
   * as given ("+15551234" stays a number), percent-escaped where SIP needs
   * it.  NULL or "" = "anonymous". */
  const gchar *from_user;
  const gchar *from_display_name;       /* NULL = none */
  /* Extra headers, each "Name: value", added verbatim; NULL-terminated
   * (NULL = none).  CR, LF, bad names and the headers the stack owns (Via,
   * From, To, Call-ID, CSeq, Contact, Content-*, ...) are refused. */
  const gchar *const *headers;
  /* Digest credentials answering one 401/407 challenge; NULL = none.  A
   * second challenge fails the call with that status. */
  const gchar *auth_username;
  const gchar *auth_password;
  const gchar *sdp_offer;       /* required */
} GwSipInvite;

#define GW_TYPE_SIP_AGENT (gw_sip_agent_get_type ())
G_DECLARE_FINAL_TYPE (GwSipAgent, gw_sip_agent, GW, SIP_AGENT, GObject);

/* Binds and starts the agent on the thread-default main context, which the
 * caller runs.  Fails with GW_ERROR_INVALID for a bad config,
 * GW_ERROR_UNAVAILABLE when the port cannot be bound,
 * GW_ERROR_NOT_IMPLEMENTED for TLS settings. */
GwSipAgent *gw_sip_agent_new (const GwSipAgentConfig * config,
    GError ** error);

const gchar *gw_sip_agent_get_address (GwSipAgent * self);
/* The bound port (the real one when the config said 0). */
guint gw_sip_agent_get_port (GwSipAgent * self);
/* The address to put in SDP (public_address, else address). */
const gchar *gw_sip_agent_get_public_address (GwSipAgent * self);
/* Calls whose dialog is not over yet (tests, stats). */
guint gw_sip_agent_get_n_calls (GwSipAgent * self);

/* Starts an INVITE; the first callback comes from a later main loop
 * iteration.  Fails with GW_ERROR_INVALID for a bad URI, user, header or
 * credentials, GW_ERROR_NOT_IMPLEMENTED for sips:/TLS,
 * GW_ERROR_UNAVAILABLE after gw_sip_agent_shutdown(). */
GwSipCall *gw_sip_agent_invite (GwSipAgent * self, const GwSipInvite * invite,
    const GwSipCallCallbacks * callbacks, gpointer user_data,
    GError ** error);

/* Ends every call without callbacks (CANCEL/BYE sent by the stack), stops
 * sofia-sip and releases it, iterating the main context until it is done
 * (bounded by sofia-sip's own 30 s limit).  Hang up calls and let them end
 * first for clean callbacks.  Also done by the last unref. */
void gw_sip_agent_shutdown (GwSipAgent * self);

G_END_DECLS
