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
/* A call tells its agent when its dialog is over (drops the agent's ref). */
void gw_sip_agent_forget_call (GwSipAgent * self, GwSipCall * call);

/* sip-invite.c: checks @invite; returns the From header (user at
 * @from_host) and the extra headers as one CRLF-separated string (NULL for
 * none). */
gboolean gw_sip_invite_check (const GwSipInvite * invite,
    const gchar * from_host, gchar ** from, gchar ** headers,
    GError ** error);

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
