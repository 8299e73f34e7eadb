/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One codec's run of bench-calls: the codec floor, then the gateway under
 * test against a SIPp far end with N = steps[0], steps[1], ... concurrent
 * calls, each in its own session with one other published Opus stream,
 * until a step no longer holds (a call silent, a packet lost or late at
 * the far end) or the time budget is spent. */
#pragma once

#include "bench-floor.h"
#include "bench-rtp-receiver.h"

G_BEGIN_DECLS

typedef struct
{
  GArray *steps;                /* guint, ascending */
  guint measure_s;              /* one measurement window */
  guint settle_s;               /* after the last call of a step is live */
  guint late_ms;
  guint dial_interval_ms;
  guint budget_s;               /* for this run */
  guint floor_s;
  guint profile_at;             /* N to profile with perf (0 = none) */
  guint quiet_ms_per_s;         /* wait for other load below this ... */
  guint quiet_wait_s;           /* ... at most this long before a window */
  const gchar *out_dir;         /* logs and profiles are kept here */
} BenchOptions;

typedef struct
{
  guint n;
  gboolean held;
  gboolean retried;             /* the first window failed, a second ran */
  BenchRtpWindow rtp;
  guint live_at_end;            /* streams still sending as the window ended */
  gdouble gw_ms_per_s;          /* the gateway process, everything */
  gdouble per_call_ms_per_s;    /* minus idle and publishers, over N */
  gdouble rss_mib;
  gdouble rss_per_call_mib;     /* above the baseline, over N */
  guint threads;
  gdouble threads_per_call;
  gdouble invite_median_ms;     /* REST request -> INVITE at SIPp */
  gdouble invite_p99_ms;
  gdouble reply_median_ms;      /* REST request -> its 200 */
  gdouble sipp_ms_per_s;
  gdouble bench_ms_per_s;       /* this process (receiver thread) */
  gdouble others_ms_per_s;      /* the rest of the machine */
  gdouble quiet_waited_s;       /* waited for the machine before it */
  gdouble loadavg;
  gchar *threads_table;         /* gateway CPU per thread name */
} BenchStep;

typedef struct
{
  const BenchCodec *codec;
  BenchFloor floor;
  gdouble idle_ms_per_s;        /* gateway with no call */
  gdouble publisher_ms_per_s;   /* each published stream with no call */
  guint64 base_rss_kib;
  guint base_threads;
  GArray *steps;                /* BenchStep */
  GArray *invite_ms;            /* gdouble, every dial of the ramp */
  gchar *stop_reason;
  gchar *profile;               /* perf report, or NULL */
  guint shutdown_calls;         /* calls up when SIGTERM came */
  gdouble shutdown_s;           /* SIGTERM -> exit; < 0: did not exit */
} BenchRun;

gboolean bench_ramp_run (const BenchOptions * o, const BenchCodec * codec,
    BenchRun * run, GError ** error);
void bench_run_clear (BenchRun * run);
/* The last held step, or NULL. */
const BenchStep *bench_run_best (const BenchRun * run);
/* Percentile @p (0..100) of @values (gdouble), sorting them. */
gdouble bench_percentile (GArray * values, gdouble p);

G_END_DECLS
