/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The deadlines of a call (call-timers.c), with invented clocks: which
 * timeout comes first, when to look again, and that a hold pauses the
 * media timeouts and a resume restarts their clock. */
#include "call-timers.h"

#define S G_GINT64_CONSTANT (1000000)
#define T0 (1000 * S)

static GwCallTimers
timers_new (void)
{
  GwCallTimers t;

  /* ring 60 s, initial media 10 s, media 30 s, max duration 3600 s */
  gw_call_timers_init (&t, 60000, 10000, 30000, 3600000, T0);
  return t;
}

static void
assert_check (const GwCallTimers * t, gint64 now, gint64 last_rtp,
    GwCallTimeout expected, gint64 expected_next)
{
  gint64 next = -1;

  g_assert_cmpint (gw_call_timers_check (t, now, last_rtp, &next), ==,
      expected);
  g_assert_cmpint (next, ==, expected_next);
}

static void
test_ring (void)
{
  GwCallTimers t = timers_new ();

  assert_check (&t, T0, 0, GW_CALL_TIMEOUT_NONE, T0 + 60 * S);
  assert_check (&t, T0 + 60 * S - 1, 0, GW_CALL_TIMEOUT_NONE, T0 + 60 * S);
  assert_check (&t, T0 + 60 * S, 0, GW_CALL_TIMEOUT_RING, 0);
  g_assert_cmpuint (gw_call_timeout_get_code (GW_CALL_TIMEOUT_RING), ==, 408);
  /* answered: the ring deadline is gone */
  gw_call_timers_answered (&t, T0 + 59 * S);
  assert_check (&t, T0 + 61 * S, T0 + 61 * S, GW_CALL_TIMEOUT_NONE,
      T0 + 91 * S);
}

static void
test_initial_media (void)
{
  GwCallTimers t = timers_new ();

  gw_call_timers_answered (&t, T0 + 5 * S);
  assert_check (&t, T0 + 6 * S, 0, GW_CALL_TIMEOUT_NONE, T0 + 15 * S);
  assert_check (&t, T0 + 15 * S, 0, GW_CALL_TIMEOUT_INITIAL_MEDIA, 0);
  g_assert_cmpuint (gw_call_timeout_get_code (GW_CALL_TIMEOUT_INITIAL_MEDIA),
      ==, 704);
  /* once RTP came, the media timeout takes over from the last packet */
  assert_check (&t, T0 + 15 * S, T0 + 14 * S, GW_CALL_TIMEOUT_NONE,
      T0 + 44 * S);
}

static void
test_media_and_max_duration (void)
{
  GwCallTimers t = timers_new ();

  gw_call_timers_answered (&t, T0);
  assert_check (&t, T0 + 40 * S, T0 + 10 * S, GW_CALL_TIMEOUT_MEDIA, 0);
  g_assert_cmpuint (gw_call_timeout_get_code (GW_CALL_TIMEOUT_MEDIA), ==, 706);
  /* RTP keeps coming: max duration comes first near the end */
  assert_check (&t, T0 + 3590 * S, T0 + 3589 * S, GW_CALL_TIMEOUT_NONE,
      T0 + 3600 * S);
  assert_check (&t, T0 + 3600 * S, T0 + 3600 * S,
      GW_CALL_TIMEOUT_MAX_DURATION, 0);
  g_assert_cmpuint (gw_call_timeout_get_code (GW_CALL_TIMEOUT_MAX_DURATION),
      ==, 705);
  g_assert_cmpstr (gw_call_timeout_get_phrase (GW_CALL_TIMEOUT_MAX_DURATION),
      ==, "Max Duration");
}

static void
test_hold (void)
{
  GwCallTimers t = timers_new ();

  gw_call_timers_answered (&t, T0);
  gw_call_timers_hold (&t);
  /* on hold, no RTP for long: only max duration counts */
  assert_check (&t, T0 + 1000 * S, T0 + 1 * S, GW_CALL_TIMEOUT_NONE,
      T0 + 3600 * S);
  assert_check (&t, T0 + 1000 * S, 0, GW_CALL_TIMEOUT_NONE, T0 + 3600 * S);
  /* resumed: a full media period from the resume */
  gw_call_timers_resume (&t, T0 + 1000 * S);
  assert_check (&t, T0 + 1010 * S, T0 + 1 * S, GW_CALL_TIMEOUT_NONE,
      T0 + 1030 * S);
  assert_check (&t, T0 + 1030 * S, T0 + 1 * S, GW_CALL_TIMEOUT_MEDIA, 0);
  /* a call held before any RTP gets the initial timeout after resume */
  t = timers_new ();
  gw_call_timers_answered (&t, T0);
  gw_call_timers_hold (&t);
  gw_call_timers_resume (&t, T0 + 100 * S);
  assert_check (&t, T0 + 105 * S, 0, GW_CALL_TIMEOUT_NONE, T0 + 110 * S);
  /* resume without a hold changes nothing */
  gw_call_timers_resume (&t, T0 + 109 * S);
  assert_check (&t, T0 + 110 * S, 0, GW_CALL_TIMEOUT_INITIAL_MEDIA, 0);
}

static void
test_no_limits (void)
{
  GwCallTimers t;

  gw_call_timers_init (&t, 0, 0, 0, 0, T0);
  assert_check (&t, T0 + 1000000 * S, 0, GW_CALL_TIMEOUT_NONE, 0);
  gw_call_timers_answered (&t, T0);
  assert_check (&t, T0 + 1000000 * S, 0, GW_CALL_TIMEOUT_NONE, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/call-timers/ring", test_ring);
  g_test_add_func ("/call-timers/initial-media", test_initial_media);
  g_test_add_func ("/call-timers/media-and-max-duration",
      test_media_and_max_duration);
  g_test_add_func ("/call-timers/hold", test_hold);
  g_test_add_func ("/call-timers/no-limits", test_no_limits);
  return g_test_run ();
}
