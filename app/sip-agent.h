/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The gateway's SIP user agent: sofia-sip's nua on the thread-default GLib
 * main context (one thread), listening on one address and port for UDP and
 * TCP, and on another for TLS.  It places outgoing calls (GwSipCall) and
 * refuses every request outside the dialogs it created with 403, keeping
 * no state for them.
 *
 * SIP over TLS (sips: URIs, ;transport=tls): TLS 1.2 or newer (OpenSSL 3's
 * default security level refuses older versions), the far end's
 * certificate checked against tls_ca_file (else the system's CAs) and,
 * with GW_SIP_TLS_VERIFY_FULL, against the host of the URI.  Our
 * certificate, when configured, serves incoming TLS connections and is
 * sent to servers that ask for a client certificate.  Without one, calls
 * over TLS still work, but the far end cannot open TLS connections to us:
 * it must send its in-dialog requests over the connection we opened (as
 * most do), and the TLS listener takes an ephemeral port, not tls_port.
 * A TLS failure (untrusted certificate, wrong name, handshake) fails the
 * call at once with 503 and a phrase "TLS: <why>", and is logged with the
 * reason (category gwsiptls, WARNING). */
#pragma once

#include <glib-object.h>

#include "sip-call.h"

G_BEGIN_DECLS

typedef enum
{
  GW_SIP_TLS_VERIFY_FULL = 0,   /* a trusted chain naming the URI's host */
  /* A trusted chain, whatever it names: for far ends dialled by IP address
   * whose certificate names it only in an IP subjectAltName, which
   * sofia-sip 1.12 cannot match. */
  GW_SIP_TLS_VERIFY_CA_ONLY,
  GW_SIP_TLS_VERIFY_NONE,       /* any certificate: tests and labs only */
} GwSipTlsVerify;

typedef struct
{
  const gchar *address;         /* bind address, an IP literal */
  guint port;                   /* UDP and TCP; 0 = ephemeral */
  const gchar *public_address;  /* Contact, Via and From host (NAT); NULL =
                                 * address */
  /* TLS: the listener's port (with a certificate; 0 = ephemeral), our
   * certificate and private key (PEM files, both or neither), the CAs that
   * sign far ends' certificates (PEM; NULL = the system's), and how far
   * to check them (zeroed: FULL). */
  guint tls_port;
  const gchar *tls_certificate;
  const gchar *tls_private_key;
  const gchar *tls_ca_file;
  GwSipTlsVerify tls_verify;
  /* Seconds between in-dialog OPTIONS while a call is answered, to notice a
   * far end or connection that went away (408, 481, 503 end the call with
   * GW_SIP_END_UNEXPECTED); 0 = none. */
  guint keepalive_interval;
  const gchar *user_agent;      /* NULL = "ot-sip-gateway/VERSION" */
} GwSipAgentConfig;

/* One outgoing call.  Strings are copied. */
typedef struct
{
  /* sip: or sips: URI; ;transport=udp|tcp|tls picks the transport; sips:
   * is always TLS. */
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
 * caller runs.  Fails with GW_ERROR_INVALID for a bad config (including a
 * TLS certificate, key or CA file that cannot be read or used),
 * GW_ERROR_UNAVAILABLE when a port cannot be bound. */
GwSipAgent *gw_sip_agent_new (const GwSipAgentConfig * config,
    GError ** error);

const gchar *gw_sip_agent_get_address (GwSipAgent * self);
/* The bound port (the real one when the config said 0). */
guint gw_sip_agent_get_port (GwSipAgent * self);
/* The bound TLS port. */
guint gw_sip_agent_get_tls_port (GwSipAgent * self);
/* The address to put in SDP (public_address, else address). */
const gchar *gw_sip_agent_get_public_address (GwSipAgent * self);
/* Calls whose dialog is not over yet (tests, stats). */
guint gw_sip_agent_get_n_calls (GwSipAgent * self);

/* Starts an INVITE; the first callback comes from a later main loop
 * iteration.  Fails with GW_ERROR_INVALID for a bad URI, user, header or
 * credentials, GW_ERROR_UNAVAILABLE after gw_sip_agent_shutdown(). */
GwSipCall *gw_sip_agent_invite (GwSipAgent * self, const GwSipInvite * invite,
    const GwSipCallCallbacks * callbacks, gpointer user_data,
    GError ** error);

/* Ends every call without callbacks (CANCEL/BYE sent by the stack), stops
 * sofia-sip and releases it, iterating the main context until it is done
 * (bounded by sofia-sip's own 30 s limit).  Hang up calls and let them end
 * first for clean callbacks.  Also done by the last unref. */
void gw_sip_agent_shutdown (GwSipAgent * self);

G_END_DECLS
