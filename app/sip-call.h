/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One outgoing SIP call (an INVITE dialog) of a GwSipAgent.  Created by
 * gw_sip_agent_invite(); reports what happens through a callbacks struct,
 * always from the main loop, never from inside a gw_sip_* call.  SDP is
 * opaque text here: sip-sdp.c builds and reads it. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define GW_TYPE_SIP_CALL (gw_sip_call_get_type ())
G_DECLARE_FINAL_TYPE (GwSipCall, gw_sip_call, GW, SIP_CALL, GObject);

typedef enum
{
  GW_SIP_END_LOCAL,             /* gw_sip_call_hangup(): CANCEL or BYE */
  GW_SIP_END_REMOTE,            /* the far end sent BYE */
  GW_SIP_END_UNEXPECTED,        /* transport failure, timeout or lost dialog
                                 * after the answer (the owner's 703) */
} GwSipEndReason;

const gchar *gw_sip_end_reason_to_string (GwSipEndReason reason);

/* Exactly one of failed() and terminated() ends every call, after which no
 * callback runs.  Any callback may call gw_sip_call_hangup(),
 * gw_sip_call_disconnect() or drop the owner's reference. */
typedef struct
{
  /* A provisional response (180 Ringing, 183 Session Progress...).  Early
   * media is ignored. */
  void (*progress) (GwSipCall * call, guint status, const gchar * phrase,
      gpointer user_data);
  /* 2xx: the dialog is up (ACK sent).  @sdp_answer is the answer to our
   * offer (from the 2xx, else a reliable 18x); NULL if the far end sent
   * none, which the owner must treat as a bad answer and hang up. */
  void (*answered) (GwSipCall * call, const gchar * sdp_answer,
      gpointer user_data);
  /* The INVITE failed before any answer: final status 300-699 (3xx are not
   * followed), 401/407 after our one authentication attempt, 408 or 503
   * generated locally for a timeout or transport error. */
  void (*failed) (GwSipCall * call, guint status, const gchar * phrase,
      gpointer user_data);
  /* A re-INVITE from the far end.  With an @sdp_offer: return our answer
   * (gw_sip_sdp_answer_offer), or NULL and set @error to reject it (488 for
   * GW_ERROR_INVALID, else gw_error_to_sip_status()).  Without an offer
   * (NULL): return a new offer of ours; its answer comes in the ACK and is
   * reported by offer_answered().  Unset: re-INVITEs are refused with 488. */
  gchar *(*remote_offer) (GwSipCall * call, const gchar * sdp_offer,
      GError ** error, gpointer user_data);
  /* The answer to an offer we made after the call was answered: a
   * gw_sip_call_reinvite() (@status is its final response; @sdp_answer is
   * NULL when it failed, and the call goes on unless terminated() follows),
   * or our offer in the 200 to an offerless re-INVITE (@status 200, the
   * answer from the ACK, NULL if it had none). */
  void (*offer_answered) (GwSipCall * call, guint status,
      const gchar * phrase, const gchar * sdp_answer, gpointer user_data);
  /* The dialog is over.  @status and @phrase say what ended it: the final
   * response to our CANCEL'ed INVITE (487) or to our BYE, 200 for a BYE of
   * the far end, or the failed request's status (408, 481, 503...) for
   * GW_SIP_END_UNEXPECTED. */
  void (*terminated) (GwSipCall * call, GwSipEndReason reason, guint status,
      const gchar * phrase, gpointer user_data);
} GwSipCallCallbacks;

/* Ends the call: CANCEL while unanswered (the far end should then answer
 * 487), BYE once answered; terminated(GW_SIP_END_LOCAL) follows.  Does
 * nothing once the call ended or a hangup is under way. */
void gw_sip_call_hangup (GwSipCall * self);

/* Sends a re-INVITE with a new offer of ours (e.g. new keys, new media
 * address); the result comes through offer_answered().  Fails with
 * GW_ERROR_CONFLICT when the call is not answered, is ending, or has an
 * offer/answer exchange in progress. */
gboolean gw_sip_call_reinvite (GwSipCall * self, const gchar * sdp_offer,
    GError ** error);

/* No callback runs after this (for an owner going away); the call itself
 * goes on until hung up, ended by the far end or the agent's shutdown. */
void gw_sip_call_disconnect (GwSipCall * self);

/* The Call-ID of the dialog, e.g. for logs. */
const gchar *gw_sip_call_get_call_id (GwSipCall * self);

/* TRUE between answered() and the end of the call. */
gboolean gw_sip_call_is_answered (GwSipCall * self);

G_END_DECLS
