/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Between sip-agent.c (the nua stack and its event switch) and sip-call.c
 * (one call's dialog): sofia-sip with our types as its magic. */
#pragma once

#include "sip-agent.h"

#define SU_ROOT_MAGIC_T GwSipAgent
#define NUA_MAGIC_T GwSipAgent
#define NUA_HMAGIC_T GwSipCall

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag.h>

G_BEGIN_DECLS

/* sip-agent.c, for the calls */
nua_t *gw_sip_agent_get_nua (GwSipAgent * self);
/* The host of From (and of Contact): the public address, else the bound
 * one; IPv6 in brackets. */
const gchar *gw_sip_agent_get_uri_host (GwSipAgent * self);
const gchar *gw_sip_agent_get_user_agent (GwSipAgent * self);
/* Our Contact for a dialog with @uri (see gw_sip_invite_contact). */
gchar *gw_sip_agent_contact_for (GwSipAgent * self, const gchar * uri);
/* A call tells its agent when its dialog is over (drops the agent's ref). */
void gw_sip_agent_forget_call (GwSipAgent * self, GwSipCall * call);

/* sip-log.c: sofia-sip's log into the gwsofia category, with its levels
 * from gwsofia's threshold (nta and tport at 3 at least, tport at 5 while
 * @binding, for sip-tls.c). */
void gw_sip_log_redirect (void);
void gw_sip_log_set_levels (gboolean binding);

/* sip-tls.c: the TLS part of the config checked; sofia-sip's verify
 * policy for @verify (outgoing connections only). */
gboolean gw_sip_tls_check_config (const GwSipAgentConfig * config,
    GError ** error);
guint gw_sip_tls_verify_policy (GwSipTlsVerify verify);
/* sip-tls.c: the directory of agent.pem and cafile.pem that sofia-sip
 * reads our certificate and the trusted CAs from (mode 0700, files 0600),
 * and its removal. */
gchar *gw_sip_tls_make_certificate_dir (const GwSipAgentConfig * config,
    GError ** error);
void gw_sip_tls_remove_certificate_dir (const gchar * dir);
/* Around nua_create(): collects what tport logs while it binds (with its
 * log at level 5 at least): the ports it listens on, and certificate or
 * key errors, which fail the start when a certificate was configured. */
void gw_sip_tls_watch_start (void);
gboolean gw_sip_tls_watch_end (gboolean have_certificate, guint * sip_port,
    guint * tls_port, GError ** error);
/* One line of sofia-sip's @log_name ("nta", "tport", ...) log: TRUE when
 * it was about TLS (the reasons are kept and logged there). */
gboolean gw_sip_tls_log_line (const gchar * log_name, const gchar * line);
/* Why the TLS connection to @host (as in the URI) and @port failed since
 * @since (monotonic µs), or NULL. */
const gchar *gw_sip_tls_failure (const gchar * host, guint port,
    gint64 since);
/* The phrase of a failed INVITE to @host:@port (NULL: not over TLS) sent
 * at @since: "TLS: <why>" for nua's 503 after a TLS failure, else
 * @phrase. */
gchar *gw_sip_tls_failure_phrase (const gchar * host, guint port,
    gint64 since, guint status, const gchar * phrase);

/* sip-invite.c: checks @invite; returns the From header (user at
 * @from_host) and the extra headers as one CRLF-separated string (NULL for
 * none). */
gboolean gw_sip_invite_check (const GwSipInvite * invite,
    const gchar * from_host, gchar ** from, gchar ** headers,
    GError ** error);
/* Our Contact for a dialog with @uri, on the transport the URI asks for
 * (nua's own choice among several transports is not reliable). */
gchar *gw_sip_invite_contact (const gchar * uri, const gchar * host,
    guint port, guint tls_port);
/* For a TLS @uri (sips:, ;transport=tls): TRUE, its host and its port
 * (5061 when absent).  FALSE for other transports. */
gboolean gw_sip_invite_tls_target (const gchar * uri, gchar ** host,
    guint * port);

/* sip-auth.c: the credential header lines ("Authorization: Digest ...")
 * answering the challenges of a 401/407 @response to @method @uri with
 * @body; fails with GW_ERROR_AUTH when no challenge can be answered. */
gchar *gw_sip_auth_answer (const sip_t * response, const gchar * method,
    const gchar * uri, const gchar * body, const gchar * username,
    const gchar * password, GError ** error);

/* sip-call.c, for the agent: the call is created with its handle, then one
 * function per nua event of that handle. */
GwSipCall *gw_sip_call_new (GwSipAgent * agent, const GwSipInvite * invite,
    const GwSipCallCallbacks * callbacks, gpointer user_data,
    GError ** error);
void gw_sip_call_handle_r_invite (GwSipCall * self, int status,
    const char *phrase, const sip_t * sip);
void gw_sip_call_handle_state (GwSipCall * self, int status,
    const char *phrase, tagi_t tags[]);
void gw_sip_call_handle_reinvite (GwSipCall * self, int status,
    const sip_t * sip);
void gw_sip_call_handle_ack (GwSipCall * self, const sip_t * sip);
void gw_sip_call_handle_bye (GwSipCall * self);
void gw_sip_call_handle_r_options (GwSipCall * self, int status,
    const char *phrase);
/* Keepalive: an in-dialog OPTIONS if answered and none is pending. */
void gw_sip_call_ping (GwSipCall * self);
void gw_sip_call_handle_request (GwSipCall * self, nua_event_t event,
    int status);
/* The agent is going away: forget the handle (nua frees it) and the agent,
 * run no more callbacks. */
void gw_sip_call_detach (GwSipCall * self);

G_END_DECLS
