/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a process costs, read from /proc/PID from outside: CPU time, RSS and
 * threads, and CPU time per thread name (GStreamer names streaming threads
 * after their pad, so one name sums that element's work across calls). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gdouble cpu_s;                /* utime + stime, every thread ever */
  guint64 rss_kib;              /* VmRSS */
  guint threads;                /* Threads */
  gint64 wall_us;               /* monotonic time of the sample */
} BenchProcSample;

gboolean bench_proc_sample (GPid pid, BenchProcSample * out);
/* CPU seconds the whole machine spent busy (all but idle and iowait). */
gdouble bench_proc_machine_busy_s (void);
/* The 1-minute load average. */
gdouble bench_proc_loadavg (void);
/* A child of this process whose command name is @comm, or 0. */
GPid bench_proc_find_child (const gchar * comm);

/* Thread ID -> (name, CPU time, context switches) of the threads alive
 * now; trailing digits
 * are dropped from names ("task417" -> "task"). */
typedef struct _BenchThreads BenchThreads;

BenchThreads *bench_threads_sample (GPid pid);
void bench_threads_free (BenchThreads * t);
/* The CPU spent and the context switches made between @before and @after
 * per thread name, per second of @wall_s, in all and per call (over
 * @n_calls), sorted by CPU: a Markdown table of the first @max names. */
gchar *bench_threads_describe (BenchThreads * before, BenchThreads * after,
    gdouble wall_s, guint n_calls, guint max);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchThreads, bench_threads_free);

G_END_DECLS
