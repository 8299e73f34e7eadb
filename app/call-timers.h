/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The deadlines of one call, as plain data and pure functions: how long it
 * may ring, how long after the answer the first RTP may take, how long RTP
 * may stop, how long the call may last.  GwCall keeps one GwCallTimers,
 * tells it what happened (answer, hold, resume) and asks it, with the media
 * bridge's time of the last RTP packet, what expired and when to look
 * again: one timer per call, armed at the nearest deadline, rather than a
 * periodic poll.  Times are monotonic microseconds
 * (g_get_monotonic_time). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GW_CALL_TIMEOUT_NONE = 0,
  GW_CALL_TIMEOUT_RING,         /* no final answer in time: 408 */
  GW_CALL_TIMEOUT_INITIAL_MEDIA,        /* no RTP at all after the answer: 704 */
  GW_CALL_TIMEOUT_MAX_DURATION, /* answered for too long: 705 */
  GW_CALL_TIMEOUT_MEDIA,        /* RTP stopped: 706 */
} GwCallTimeout;

typedef struct
{
  /* Limits in µs; 0 = no limit. */
  gint64 ring_us;
  gint64 initial_media_us;
  gint64 media_us;
  gint64 max_duration_us;

  gint64 dialled;               /* the INVITE went out */
  gint64 answered;              /* 0 = not yet */
  /* When the media clock (re)started: the answer, or the end of a hold.
   * 0 while on hold: RTP may rightly stop then. */
  gint64 media_clock;
} GwCallTimers;

/* Limits in ms (0 = none), from the settings; the ring clock starts at
 * @now. */
void gw_call_timers_init (GwCallTimers * timers, guint ring_ms,
    guint initial_media_ms, guint media_ms, guint max_duration_ms,
    gint64 now);
void gw_call_timers_answered (GwCallTimers * timers, gint64 now);
void gw_call_timers_hold (GwCallTimers * timers);
void gw_call_timers_resume (GwCallTimers * timers, gint64 now);

/* What has expired at @now, given the time of the last RTP packet from the
 * far end (@last_rtp, 0 = none ever).  When nothing has, *@next is the
 * nearest deadline to look again at (0 = none).  The ring deadline applies
 * before the answer; the others after it. */
GwCallTimeout gw_call_timers_check (const GwCallTimers * timers, gint64 now,
    gint64 last_rtp, gint64 * next);

/* The reason code and message of a timeout ("408", "Request Timeout"...). */
guint gw_call_timeout_get_code (GwCallTimeout timeout);
const gchar *gw_call_timeout_get_phrase (GwCallTimeout timeout);

G_END_DECLS
