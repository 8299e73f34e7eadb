/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "call-timers.h"

void
gw_call_timers_init (GwCallTimers * timers, guint ring_ms,
    guint initial_media_ms, guint media_ms, guint max_duration_ms, gint64 now)
{
  memset (timers, 0, sizeof (*timers));
  timers->ring_us = ring_ms * G_GINT64_CONSTANT (1000);
  timers->initial_media_us = initial_media_ms * G_GINT64_CONSTANT (1000);
  timers->media_us = media_ms * G_GINT64_CONSTANT (1000);
  timers->max_duration_us = max_duration_ms * G_GINT64_CONSTANT (1000);
  timers->dialled = now;
}

void
gw_call_timers_answered (GwCallTimers * timers, gint64 now)
{
  timers->answered = now;
  timers->media_clock = now;
}

void
gw_call_timers_hold (GwCallTimers * timers)
{
  timers->media_clock = 0;
}

void
gw_call_timers_resume (GwCallTimers * timers, gint64 now)
{
  /* A call resumed after a long hold gets a full period for RTP to come
   * back rather than timing out at once on the pre-hold packets. */
  if (timers->answered && timers->media_clock == 0)
    timers->media_clock = now;
}

/* Keeps the earliest of the deadlines offered to it. */
typedef struct
{
  gint64 at;
  GwCallTimeout what;
} Nearest;

static void
offer (Nearest * n, gint64 limit, gint64 start, GwCallTimeout what)
{
  gint64 at;

  if (limit <= 0)
    return;
  at = start + limit;
  if (n->what == GW_CALL_TIMEOUT_NONE || at < n->at) {
    n->at = at;
    n->what = what;
  }
}

GwCallTimeout
gw_call_timers_check (const GwCallTimers * timers, gint64 now,
    gint64 last_rtp, gint64 * next)
{
  Nearest n = { 0, GW_CALL_TIMEOUT_NONE };

  if (timers->answered == 0) {
    offer (&n, timers->ring_us, timers->dialled, GW_CALL_TIMEOUT_RING);
  } else {
    offer (&n, timers->max_duration_us, timers->answered,
        GW_CALL_TIMEOUT_MAX_DURATION);
    if (timers->media_clock != 0 && last_rtp == 0)
      offer (&n, timers->initial_media_us, timers->media_clock,
          GW_CALL_TIMEOUT_INITIAL_MEDIA);
    else if (timers->media_clock != 0)
      offer (&n, timers->media_us, MAX (last_rtp, timers->media_clock),
          GW_CALL_TIMEOUT_MEDIA);
  }
  if (n.what != GW_CALL_TIMEOUT_NONE && n.at <= now) {
    *next = 0;
    return n.what;
  }
  *next = n.what == GW_CALL_TIMEOUT_NONE ? 0 : n.at;
  return GW_CALL_TIMEOUT_NONE;
}

guint
gw_call_timeout_get_code (GwCallTimeout timeout)
{
  static const guint codes[] = { 0, 408, 704, 705, 706 };

  return timeout < G_N_ELEMENTS (codes) ? codes[timeout] : 0;
}

const gchar *
gw_call_timeout_get_phrase (GwCallTimeout timeout)
{
  static const gchar *const phrases[] = { "", "Request Timeout",
    "Media Timeout", "Max Duration", "Max Inactive"
  };

  return timeout < G_N_ELEMENTS (phrases) ? phrases[timeout] : "";
}
