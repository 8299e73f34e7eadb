/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The play-dtmf routes (rest-contract.md "DTMF"): every SIP leg of a
 * session, or one; routed by rest-api.c's table. */
#pragma once

#include "rest-api.h"

G_BEGIN_DECLS

/* Longest digit string accepted, pauses included. */
#define GW_DTMF_MAX_DIGITS 256

/* Digits to play: non-empty, at most GW_DTMF_MAX_DIGITS, only 0-9, '*',
 * '#' and 'p' (a 500 ms pause).  GW_ERROR_INVALID naming "digits". */
gboolean gw_dtmf_digits_validate (const gchar * digits, GError ** error);

/* POST .../session/{sessionId}/play-dtmf */
gboolean gw_rest_dtmf_play_session (GwRestRequest * req, GError ** error);
/* POST .../session/{sessionId}/connection/{connectionId}/play-dtmf */
gboolean gw_rest_dtmf_play_connection (GwRestRequest * req,
    GError ** error);

G_END_DECLS
