/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One codec's run of bench-calls (see the header).  Costs are read from
 * /proc around each measurement window; the gateway's CPU per call is its
 * CPU minus what it spends with no call (idle) and what the publishers
 * cost with nobody listening, over N.  Windows that fail are measured once
 * more before the ramp stops: the machine is shared, and one scheduling
 * hiccup elsewhere should not end the ramp, but it is reported. */
#include "bench-ramp.h"
#include "bench-gateway.h"
#include "bench-proc.h"
#include "bench-profile.h"
#include "gw-test-process.h"
#include "gw-test-sipp.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* SIPp's play.pcap and the scenario's loop period (uas-bench.xml). */
#define PCAP_SECONDS 600
#define LIVE_AGE_MS 200
#define IDLE_SAMPLE_S 5
#define PUBLISHERS_SAMPLE 50

typedef struct
{
  const BenchOptions *o;
  BenchRun *run;
  gchar *workdir;
  gchar *speech;
  GPtrArray *rtp;
  GstCaps *rtp_caps;
  BenchRtpReceiver *rx;
  GwTestSipp *sipp;
  gchar *uri;
  gchar *invite_log;
  BenchGateway *gw;
  GPid gw_pid;
  GPid sipp_pid;
  GPtrArray *sessions;          /* gchar*, published */
  GArray *dials;                /* BenchDial, by call number */
  gint64 start_us;
} Ramp;

static gdouble
self_cpu_s (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static gdouble
proc_cpu_s (GPid pid)
{
  BenchProcSample s;

  return pid > 0 && bench_proc_sample (pid, &s) ? s.cpu_s : 0;
}

static gint
cmp_double (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

gdouble
bench_percentile (GArray * values, gdouble p)
{
  guint i;

  if (values->len == 0)
    return 0;
  g_array_sort (values, cmp_double);
  i = (guint) MIN (values->len - 1, p / 100.0 * values->len);
  return g_array_index (values, gdouble, i);
}

static gboolean
setup_media (Ramp * r, GError ** error)
{
  g_autoptr (GPtrArray) opus = NULL;
  g_autoptr (GstCaps) opus_caps = NULL;

  if (!(r->speech = bench_media_make_speech (r->workdir, error))
      || !(r->rtp = bench_media_rtp (r->run->codec, r->speech, &r->rtp_caps,
              error))
      || !(opus = bench_media_opus (r->speech, &opus_caps, error)))
    return FALSE;
  return bench_floor_measure (r->run->codec, r->rtp, r->rtp_caps, opus,
      opus_caps, r->o->floor_s, 3, &r->run->floor, error);
}

static gboolean
setup_far_end (Ramp * r, GError ** error)
{
  const BenchCodec *codec = r->run->codec;
  g_autofree gchar *pcap = NULL, *pt = g_strdup_printf ("%u", codec->pt);
  g_autofree gchar *port = NULL;

  if (!(r->rx = bench_rtp_receiver_new (r->o->late_ms, error)))
    return FALSE;
  port = g_strdup_printf ("%u", bench_rtp_receiver_get_port (r->rx));
  r->sipp = gw_test_sipp_new (BENCH_SIPP_DIR "/uas-bench.xml");
  pcap = g_build_filename (gw_test_sipp_get_workdir (r->sipp), "play.pcap",
      NULL);
  r->invite_log = g_build_filename (gw_test_sipp_get_workdir (r->sipp),
      "invites.log", NULL);
  if (!bench_media_write_pcap (pcap, r->rtp, PCAP_SECONDS, error))
    return FALSE;
  gw_test_sipp_set_key (r->sipp, "pt", pt);
  gw_test_sipp_set_key (r->sipp, "rtpmap", codec->rtpmap);
  gw_test_sipp_set_key (r->sipp, "rtp_port", port);
  gw_test_sipp_set_calls (r->sipp, 1000000);
  gw_test_sipp_set_timeout (r->sipp, r->o->budget_s + 300);
  gw_test_sipp_add_arg (r->sipp, "-trace_logs");
  gw_test_sipp_add_arg (r->sipp, "-log_file");
  gw_test_sipp_add_arg (r->sipp, r->invite_log);
  if (!gw_test_sipp_start (r->sipp, error))
    return FALSE;
  r->uri = gw_test_sipp_get_uri (r->sipp, "bench");
  r->sipp_pid = bench_proc_find_child ("sipp");
  return TRUE;
}

static gboolean
wait_live (Ramp * r, guint n, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  while (bench_rtp_receiver_count_live (r->rx, LIVE_AGE_MS) != n
      && g_get_monotonic_time () < end)
    g_usleep (20000);
  return bench_rtp_receiver_count_live (r->rx, LIVE_AGE_MS) == n;
}

static gboolean
dial_next (Ramp * r, GError ** error)
{
  BenchDial d = { 0 };
  guint no = r->dials->len;

  if (!bench_gateway_dial (r->gw, r->sessions->pdata[no], r->uri, no, &d,
          error))
    return FALSE;
  g_array_append_val (r->dials, d);
  return TRUE;
}

/* Gateway CPU in ms/s over @seconds. */
static gdouble
sample_rate (Ramp * r, guint seconds)
{
  gdouble cpu0 = proc_cpu_s (r->gw_pid);
  gint64 t0 = g_get_monotonic_time ();

  g_usleep (seconds * G_USEC_PER_SEC);
  return (proc_cpu_s (r->gw_pid) - cpu0) * 1e9 / (g_get_monotonic_time () - t0);
}

/* One call up and down first (plugins load, pools fill), then the
 * gateway's cost with no call, then that of publishers nobody hears. */
static gboolean
baseline (Ramp * r, GError ** error)
{
  BenchProcSample s;
  gdouble with_publishers;

  if (!bench_gateway_publish (r->gw, 1, r->sessions, error)
      || !dial_next (r, error))
    return FALSE;
  if (!wait_live (r, 1, 30000)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "the warm-up call sent no RTP within 30 s");
    return FALSE;
  }
  g_usleep (G_USEC_PER_SEC);
  if (!bench_gateway_hangup (r->gw, r->sessions->pdata[0],
          g_array_index (r->dials, BenchDial, 0).connection_id, error))
    return FALSE;
  wait_live (r, 0, 5000);
  g_usleep (G_USEC_PER_SEC);
  r->run->idle_ms_per_s = sample_rate (r, IDLE_SAMPLE_S);
  bench_proc_sample (r->gw_pid, &s);
  r->run->base_rss_kib = s.rss_kib;
  r->run->base_threads = s.threads;
  if (!bench_gateway_publish (r->gw, PUBLISHERS_SAMPLE, r->sessions, error))
    return FALSE;
  with_publishers = sample_rate (r, IDLE_SAMPLE_S);
  r->run->publisher_ms_per_s = MAX (0, with_publishers -
      r->run->idle_ms_per_s) / (r->sessions->len - 1);
  return TRUE;
}

/* SIPp's "invite NO SEC USEC" lines: call number -> real time (µs). */
static GHashTable *
read_invites (Ramp * r)
{
  GHashTable *at = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autofree gchar *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (r->invite_log, &text, NULL, NULL))
    return at;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    guint no;
    gdouble sec, usec;

    if (sscanf (lines[i], "invite %u %lf %lf", &no, &sec, &usec) == 3) {
      gint64 us = (gint64) sec * G_USEC_PER_SEC + (gint64) usec;

      g_hash_table_insert (at, GUINT_TO_POINTER (no), g_memdup2 (&us,
              sizeof us));
    }
  }
  return at;
}

static void
step_latencies (Ramp * r, guint first, BenchStep * step)
{
  g_autoptr (GHashTable) at = read_invites (r);
  g_autoptr (GArray) invite = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_autoptr (GArray) reply = g_array_new (FALSE, FALSE, sizeof (gdouble));

  for (guint no = first; no < r->dials->len; no++) {
    BenchDial *d = &g_array_index (r->dials, BenchDial, no);
    gint64 *us = g_hash_table_lookup (at, GUINT_TO_POINTER (no));
    gdouble ms = (d->replied_us - d->sent_us) / 1000.0;

    g_array_append_val (reply, ms);
    if (us == NULL)
      continue;
    ms = (*us - d->sent_us) / 1000.0;
    g_array_append_val (invite, ms);
  }
  step->invite_median_ms = bench_percentile (invite, 50);
  step->invite_p99_ms = bench_percentile (invite, 99);
  step->reply_median_ms = bench_percentile (reply, 50);
  g_array_append_vals (r->run->invite_ms, invite->data, invite->len);
}

/* CPU the rest of the machine (not the gateway, SIPp or the bench) used
 * over @ms, in ms/s. */
static gdouble
others_rate (Ramp * r, guint ms)
{
  gdouble all0 = bench_proc_machine_busy_s (), gw0 = proc_cpu_s (r->gw_pid);
  gdouble sipp0 = proc_cpu_s (r->sipp_pid), self0 = self_cpu_s ();
  gint64 t0 = g_get_monotonic_time ();
  gdouble ours;

  g_usleep (ms * 1000);
  ours = proc_cpu_s (r->gw_pid) - gw0 + proc_cpu_s (r->sipp_pid) - sipp0 +
      self_cpu_s () - self0;
  return (bench_proc_machine_busy_s () - all0 - ours) * 1e9 /
      (g_get_monotonic_time () - t0);
}

/* The machine is shared: waits (within the time budget) until the other
 * load is low, so that a window measures the gateway, not a neighbour's
 * compile.  Returns how long it waited. */
static gdouble
wait_quiet (Ramp * r)
{
  gint64 start = g_get_monotonic_time ();
  gdouble left = r->o->budget_s - (start - r->start_us) / 1e6 -
      2.0 * r->o->measure_s;
  gint64 end = start + MIN (r->o->quiet_wait_s, MAX (0, left)) * 1e6;

  while (g_get_monotonic_time () < end
      && others_rate (r, 1000) > r->o->quiet_ms_per_s);
  return (g_get_monotonic_time () - start) / 1e6;
}

/* One measurement window at @n calls. */
static void
measure (Ramp * r, guint n, BenchStep * step)
{
  gdouble wall, sipp0 = proc_cpu_s (r->sipp_pid), self0 = self_cpu_s ();
  gdouble all0 = bench_proc_machine_busy_s (), net;
  g_autoptr (BenchThreads) t0 = bench_threads_sample (r->gw_pid);
  g_autoptr (BenchThreads) t1 = NULL;
  BenchProcSample s0, s1;

  bench_rtp_receiver_window_start (r->rx);
  bench_proc_sample (r->gw_pid, &s0);
  g_usleep (r->o->measure_s * G_USEC_PER_SEC);
  bench_proc_sample (r->gw_pid, &s1);
  bench_rtp_receiver_window_end (r->rx, &step->rtp);
  t1 = bench_threads_sample (r->gw_pid);
  wall = (s1.wall_us - s0.wall_us) / 1e6;
  step->n = n;
  step->gw_ms_per_s = (s1.cpu_s - s0.cpu_s) * 1000 / wall;
  /* idle was measured with the warm-up session's publisher. */
  net = step->gw_ms_per_s - r->run->idle_ms_per_s -
      r->run->publisher_ms_per_s * (r->sessions->len - 1);
  step->per_call_ms_per_s = net / n;
  step->rss_mib = s1.rss_kib / 1024.0;
  step->rss_per_call_mib = ((gdouble) s1.rss_kib - r->run->base_rss_kib) /
      1024.0 / n;
  step->threads = s1.threads;
  step->threads_per_call = ((gdouble) s1.threads - r->run->base_threads) / n;
  step->sipp_ms_per_s = (proc_cpu_s (r->sipp_pid) - sipp0) * 1000 / wall;
  step->bench_ms_per_s = (self_cpu_s () - self0) * 1000 / wall;
  step->others_ms_per_s = (bench_proc_machine_busy_s () - all0) * 1000 /
      wall - step->gw_ms_per_s - step->sipp_ms_per_s - step->bench_ms_per_s;
  step->loadavg = bench_proc_loadavg ();
  g_free (step->threads_table);
  step->threads_table = bench_threads_describe (t0, t1, wall, n, 14);
  step->live_at_end = bench_rtp_receiver_count_live (r->rx, LIVE_AGE_MS);
  step->held = step->rtp.streams == n && step->live_at_end == n
      && step->rtp.lost == 0 && step->rtp.late == 0;
}

/* Why a step did not hold, in a few words. */
static gchar *
describe_failure (const BenchStep * s)
{
  if (s->rtp.streams != s->n || s->live_at_end != s->n)
    return g_strdup_printf ("N=%u: %u calls sent RTP in the window, %u at "
        "its end", s->n, s->rtp.streams, s->live_at_end);
  return g_strdup_printf ("N=%u: %" G_GUINT64_FORMAT " packets lost, %"
      G_GUINT64_FORMAT " late (worst %.1f ms above the best transit)", s->n,
      s->rtp.lost, s->rtp.late, s->rtp.max_delay_ms);
}

/* perf over one more window at this step. */
static gchar *
profile (Ramp * r, guint n)
{
  g_autofree gchar *data = g_strdup_printf ("%s/perf-%s-%u.data",
      r->o->out_dir, r->run->codec->name, n);

  return bench_profile_perf (r->gw_pid, r->o->measure_s, data);
}

static gboolean
out_of_time (Ramp * r, guint n)
{
  guint new_calls = n - r->dials->len + 1;
  gdouble need_s = new_calls * r->o->dial_interval_ms / 1000.0 + 2 +
      r->o->settle_s + r->o->measure_s;

  return (g_get_monotonic_time () - r->start_us) / 1e6 + need_s >
      r->o->budget_s;
}

/* Brings the calls up to @n and measures.  The warm-up call (number 0)
 * is over: calls 1..n are live after this. */
static gboolean
run_step (Ramp * r, guint n, BenchStep * step, GError ** error)
{
  guint first = r->dials->len;
  gint missing = (gint) n + 1 - (gint) r->sessions->len;

  if (missing > 0 && !bench_gateway_publish (r->gw, missing, r->sessions,
          error))
    return FALSE;
  while (r->dials->len < n + 1) {
    gint64 next = g_get_monotonic_time () + r->o->dial_interval_ms * 1000;

    if (!dial_next (r, error))
      return FALSE;
    while (g_get_monotonic_time () < next)
      g_usleep (MAX (0, next - g_get_monotonic_time ()));
  }
  wait_live (r, n, 10000 + 50 * (n + 1 - first));
  g_usleep (r->o->settle_s * G_USEC_PER_SEC);
  step_latencies (r, first, step);
  step->quiet_waited_s = wait_quiet (r);
  measure (r, n, step);
  if (!step->held) {
    step->retried = TRUE;
    step->quiet_waited_s += wait_quiet (r);
    measure (r, n, step);
  }
  if (r->o->profile_at == n && r->run->profile == NULL)
    r->run->profile = profile (r, n);
  return TRUE;
}

static void
print_progress (const BenchRun * run, const BenchStep * s)
{
  g_printerr ("bench-calls: %s N=%u %s%s: %u streams, %" G_GUINT64_FORMAT
      " lost, %" G_GUINT64_FORMAT " late (worst %.1f ms), gateway %.0f ms/s, "
      "%.2f ms/s per call, others on the machine %.0f ms/s\n",
      run->codec->name, s->n, s->held ? "held" : "FAILED",
      s->retried ? " (second window)" : "", s->rtp.streams, s->rtp.lost,
      s->rtp.late, s->rtp.max_delay_ms, s->gw_ms_per_s, s->per_call_ms_per_s,
      s->others_ms_per_s);
}

static gboolean
ramp (Ramp * r, GError ** error)
{
  for (guint i = 0; i < r->o->steps->len; i++) {
    guint n = g_array_index (r->o->steps, guint, i);
    BenchStep step = { 0 };

    if (n + 1 <= r->dials->len)
      continue;
    if (out_of_time (r, n)) {
      r->run->stop_reason = g_strdup_printf ("time budget (%u s) before "
          "N=%u", r->o->budget_s, n);
      return TRUE;
    }
    if (!run_step (r, n, &step, error))
      return FALSE;
    g_array_append_val (r->run->steps, step);
    print_progress (r->run, &step);
    if (!step.held) {
      r->run->stop_reason = describe_failure (&step);
      return TRUE;
    }
  }
  r->run->stop_reason = g_strdup ("every step held");
  return TRUE;
}

/* Keeps a log of the run in the output directory as NAME-CODEC.log. */
static void
keep_log (Ramp * r, const gchar * path, const gchar * name)
{
  g_autofree gchar *text = NULL;
  g_autofree gchar *dest = NULL;
  gsize len;

  if (path == NULL || !g_file_get_contents (path, &text, &len, NULL))
    return;
  dest = g_strdup_printf ("%s/%s-%s.log", r->o->out_dir, name,
      r->run->codec->name);
  g_file_set_contents (dest, text, len, NULL);
}

static void
stop_gateway (Ramp * r)
{
  g_autoptr (GError) error = NULL;

  r->run->shutdown_calls = bench_rtp_receiver_count_live (r->rx, LIVE_AGE_MS);
  if (!bench_gateway_stop (r->gw, &r->run->shutdown_s, &error)) {
    g_printerr ("bench-calls: %s\n", error->message);
    r->run->shutdown_s = -1;
  }
  keep_log (r, bench_gateway_get_log_path (r->gw), "host");
}

static void
ramp_clear (Ramp * r)
{
  if (r->gw)
    stop_gateway (r);
  g_clear_pointer (&r->gw, bench_gateway_free);
  if (r->sipp) {
    g_autofree gchar *errors = g_build_filename (gw_test_sipp_get_workdir
        (r->sipp), "errors.log", NULL);

    gw_test_sipp_stop (r->sipp);
    keep_log (r, errors, "sipp-errors");
    keep_log (r, r->invite_log, "sipp-invites");
  }
  g_clear_object (&r->sipp);
  g_clear_pointer (&r->rx, bench_rtp_receiver_free);
  for (guint i = 0; r->dials && i < r->dials->len; i++)
    g_free (g_array_index (r->dials, BenchDial, i).connection_id);
  g_clear_pointer (&r->dials, g_array_unref);
  g_clear_pointer (&r->sessions, g_ptr_array_unref);
  g_clear_pointer (&r->rtp, g_ptr_array_unref);
  gst_clear_caps (&r->rtp_caps);
  gw_test_tmpdir_remove (r->workdir);
  g_free (r->workdir);
  g_free (r->speech);
  g_free (r->uri);
  g_free (r->invite_log);
}

gboolean
bench_ramp_run (const BenchOptions * o, const BenchCodec * codec,
    BenchRun * run, GError ** error)
{
  Ramp r = { o, run };
  gboolean ok;

  memset (run, 0, sizeof *run);
  run->codec = codec;
  run->steps = g_array_new (FALSE, TRUE, sizeof (BenchStep));
  run->invite_ms = g_array_new (FALSE, FALSE, sizeof (gdouble));
  r.start_us = g_get_monotonic_time ();
  r.sessions = g_ptr_array_new_with_free_func (g_free);
  r.dials = g_array_new (FALSE, TRUE, sizeof (BenchDial));
  ok = (r.workdir = gw_test_tmpdir_new ("bench-calls", error)) != NULL
      && setup_media (&r, error) && setup_far_end (&r, error)
      && (r.gw = bench_gateway_start (BENCH_HOST_EXE, r.workdir, r.speech,
          error)) != NULL;
  if (ok) {
    r.gw_pid = bench_gateway_get_pid (r.gw);
    ok = baseline (&r, error) && ramp (&r, error);
  }
  ramp_clear (&r);
  return ok;
}

void
bench_run_clear (BenchRun * run)
{
  for (guint i = 0; run->steps && i < run->steps->len; i++)
    g_free (g_array_index (run->steps, BenchStep, i).threads_table);
  g_clear_pointer (&run->steps, g_array_unref);
  g_clear_pointer (&run->invite_ms, g_array_unref);
  g_clear_pointer (&run->stop_reason, g_free);
  g_clear_pointer (&run->profile, g_free);
}

const BenchStep *
bench_run_best (const BenchRun * run)
{
  const BenchStep *best = NULL;

  for (guint i = 0; i < run->steps->len; i++)
    if (g_array_index (run->steps, BenchStep, i).held)
      best = &g_array_index (run->steps, BenchStep, i);
  return best;
}
