/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench-calls: what one audio call costs the gateway, end to end.
 *
 * For each codec (G.711 µ-law, then Opus), N concurrent calls dialled
 * through the REST API to a SIPp far end on loopback that answers with
 * that codec and plays speech; each call is in its own session with one
 * other published Opus stream, so the gateway decodes, mixes, encodes and
 * sends media both ways.  N ramps up until a call goes silent or a packet
 * arrives lost or late at the far end.  Per step: the gateway's CPU per
 * call (ms of CPU per second), RSS and threads per call, REST->INVITE
 * latency, and the load from everything else on the machine.  The codec
 * floor (the same decode/mix/encode as plain pipelines, as fast as
 * possible) is measured in the same run; perf profiles one step.  See
 * README.md beside this file for the method and the numbers.
 *
 *   bench-calls [--codec pcmu,opus] [--steps 1,10,25,...] [--measure S]
 *               [--late-ms MS] [--budget S] [--profile-at N] [--out DIR]
 */
#include <gio/gio.h>
#include <stdio.h>
#include <unistd.h>

#include "bench-ramp.h"
#include "bench-proc.h"

/* The targets. */
#define TARGET_MS_PER_S 10.0
#define TARGET_FLOOR_RATIO 1.5
#define TARGET_RSS_MIB 4.0
#define TARGET_INVITE_MS 2.0

static gchar *opt_codecs = NULL;
static gchar *opt_steps = NULL;
static gint opt_measure = 10;
static gint opt_settle = 2;
static gint opt_late_ms = 60;
static gint opt_dial_interval = 20;
static gint opt_budget = 540;
static gint opt_floor = 30;
static gint opt_profile_at = 50;
static gint opt_quiet = 400;
static gint opt_quiet_wait = 60;
static gchar *opt_out = NULL;

static const GOptionEntry entries[] = {
  {"codec", 0, 0, G_OPTION_ARG_STRING, &opt_codecs,
      "Far-end codecs, in order (default pcmu,opus)", "LIST"},
  {"steps", 0, 0, G_OPTION_ARG_STRING, &opt_steps,
        "Concurrent calls per step (default "
        "1,10,25,50,75,100,125,150,200,250,300)",
      "LIST"},
  {"measure", 0, 0, G_OPTION_ARG_INT, &opt_measure,
      "Seconds per measurement window (default 10)", "S"},
  {"settle", 0, 0, G_OPTION_ARG_INT, &opt_settle,
      "Seconds between a step's last call and its window (default 2)", "S"},
  {"late-ms", 0, 0, G_OPTION_ARG_INT, &opt_late_ms,
      "Delay above a stream's best that counts as late (default 60)", "MS"},
  {"dial-interval", 0, 0, G_OPTION_ARG_INT, &opt_dial_interval,
      "Milliseconds between dials (default 20)", "MS"},
  {"budget", 0, 0, G_OPTION_ARG_INT, &opt_budget,
      "Seconds for the whole run, shared by the codecs (default 540)", "S"},
  {"floor-seconds", 0, 0, G_OPTION_ARG_INT, &opt_floor,
      "Seconds of media per codec floor run (default 30)", "S"},
  {"profile-at", 0, 0, G_OPTION_ARG_INT, &opt_profile_at,
        "Profile the gateway with perf at this N (default 50, 0 = never)",
      "N"},
  {"quiet", 0, 0, G_OPTION_ARG_INT, &opt_quiet,
      "Before a window, wait until other processes use less than this "
        "(ms of CPU per s, default 400)", "MS"},
  {"quiet-wait", 0, 0, G_OPTION_ARG_INT, &opt_quiet_wait,
      "Wait at most this long for that (default 60)", "S"},
  {"out", 0, 0, G_OPTION_ARG_FILENAME, &opt_out,
      "Keep perf data here (default: a temporary directory)", "DIR"},
  {NULL}
};

static gboolean
parse_steps (const gchar * text, GArray * steps, GError ** error)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i]; i++) {
    guint64 n;

    if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, 5000, &n,
            error))
      return FALSE;
    if (steps->len && n <= g_array_index (steps, guint, steps->len - 1)) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--steps must ascend");
      return FALSE;
    }
    g_array_append_vals (steps, &(guint) {
        n}
        , 1);
  }
  return TRUE;
}

static const gchar *
met (gboolean ok)
{
  return ok ? "met" : "NOT met";
}

static void
print_steps (const BenchRun * run)
{
  printf ("| N | held | streams | lost | late | worst delay ms | gateway ms/s "
      "| per call ms/s | RSS MiB | RSS/call MiB | threads | threads/call "
      "| REST→INVITE median / p99 ms | REST reply ms | SIPp ms/s "
      "| bench ms/s | others ms/s | load1 | waited s |\n");
  printf ("|---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:"
      "|---:|---:|---:|---:|---:|---:|\n");
  for (guint i = 0; i < run->steps->len; i++) {
    const BenchStep *s = &g_array_index (run->steps, BenchStep, i);

    printf ("| %u | %s%s | %u | %" G_GUINT64_FORMAT " | %" G_GUINT64_FORMAT
        " | %.1f | %.0f | %.2f | %.1f | %.2f | %u | %.1f | %.2f / %.2f "
        "| %.2f | %.0f | %.0f | %.0f | %.2f | %.0f |\n", s->n,
        s->held ? "yes" : "NO", s->retried ? "²" : "", s->rtp.streams,
        s->rtp.lost, s->rtp.late, s->rtp.max_delay_ms, s->gw_ms_per_s,
        s->per_call_ms_per_s, s->rss_mib, s->rss_per_call_mib, s->threads,
        s->threads_per_call, s->invite_median_ms, s->invite_p99_ms,
        s->reply_median_ms, s->sipp_ms_per_s, s->bench_ms_per_s,
        s->others_ms_per_s, s->loadavg, s->quiet_waited_s);
  }
  printf ("\n(² = the first window failed; the row is the second one. "
      "waited: for other load below %u ms/s before the window.)\n",
      (guint) opt_quiet);
}

static void
print_summary (const BenchRun * run)
{
  const BenchStep *best = bench_run_best (run);
  const BenchStep *last = run->steps->len ?
      &g_array_index (run->steps, BenchStep, run->steps->len - 1) : NULL;
  gdouble median = bench_percentile (run->invite_ms, 50);
  gdouble p99 = bench_percentile (run->invite_ms, 99);

  printf ("\nSummary (%s): stopped: %s\n", run->codec->name, run->stop_reason);
  if (best == NULL) {
    printf ("- no step held\n");
  } else {
    gdouble ratio = best->per_call_ms_per_s / run->floor.total_ms_per_s;

    printf ("- largest N held: %u\n", best->n);
    printf ("- per call at N=%u: %.2f ms/s CPU (target ≤ %.0f: %s), "
        "%.2f MiB RSS (target < %.0f: %s), %.1f threads\n", best->n,
        best->per_call_ms_per_s, TARGET_MS_PER_S,
        met (best->per_call_ms_per_s <= TARGET_MS_PER_S),
        best->rss_per_call_mib, TARGET_RSS_MIB,
        met (best->rss_per_call_mib < TARGET_RSS_MIB), best->threads_per_call);
    printf
        ("- codec floor %.2f ms/s → ratio %.1f× (target ≤ %.1f×: %s)\n",
        run->floor.total_ms_per_s, ratio, TARGET_FLOOR_RATIO,
        met (ratio <= TARGET_FLOOR_RATIO));
  }
  printf ("- REST→INVITE over %u dials: median %.2f ms, p99 %.2f ms "
      "(target median < %.0f: %s)\n", run->invite_ms->len, median, p99,
      TARGET_INVITE_MS, met (median < TARGET_INVITE_MS));
  if (run->shutdown_s >= 0)
    printf ("- SIGTERM with %u calls up: the gateway exited after %.2f s\n",
        run->shutdown_calls, run->shutdown_s);
  else
    printf ("- SIGTERM with %u calls up: the gateway did not exit in time\n",
        run->shutdown_calls);
  if (best) {
    printf ("\nGateway CPU per thread name at N=%u (all calls):\n%s",
        best->n, best->threads_table);
  }
  if (last && last != best)
    printf ("\nGateway CPU per thread name at N=%u (failed):\n%s", last->n,
        last->threads_table);
  if (run->profile)
    printf ("\nperf at N=%u (cpu-clock, self time, whole gateway "
        "process):\n%s", opt_profile_at, run->profile);
}

static void
print_run (const BenchRun * run, const BenchOptions * o)
{
  printf ("\n## %s far end\n\n", run->codec->rtpmap);
  printf ("Codec floor (%u s of media, best of 3): far end → session %.2f "
      "ms/s + session → far end %.2f ms/s = %.2f ms/s per call\n",
      o->floor_s, run->floor.receive_ms_per_s, run->floor.send_ms_per_s,
      run->floor.total_ms_per_s);
  printf ("Gateway with no call: %.2f ms/s, RSS %.1f MiB, %u threads; each "
      "publisher nobody hears: %.3f ms/s\n\n", run->idle_ms_per_s,
      run->base_rss_kib / 1024.0, run->base_threads, run->publisher_ms_per_s);
  print_steps (run);
  print_summary (run);
  fflush (stdout);
}

static gboolean
prepare (BenchOptions * o, gchar *** codecs, GError ** error)
{
  o->steps = g_array_new (FALSE, FALSE, sizeof (guint));
  if (!parse_steps (opt_steps ? opt_steps :
          "1,10,25,50,75,100,125,150,200,250,300", o->steps, error))
    return FALSE;
  if (opt_profile_at > 0) {
    guint at = 0;

    while (at < o->steps->len && g_array_index (o->steps, guint, at) <
        (guint) opt_profile_at)
      at++;
    if (at == o->steps->len || g_array_index (o->steps, guint, at) !=
        (guint) opt_profile_at)
      g_array_insert_val (o->steps, at, opt_profile_at);
  }
  *codecs = g_strsplit (opt_codecs ? opt_codecs : "pcmu,opus", ",", -1);
  for (guint i = 0; (*codecs)[i]; i++)
    if (!bench_codec_find ((*codecs)[i])) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "unknown codec “%s” (pcmu, opus)", (*codecs)[i]);
      return FALSE;
    }
  o->measure_s = MAX (opt_measure, 2);
  o->settle_s = MAX (opt_settle, 0);
  o->late_ms = MAX (opt_late_ms, 1);
  o->dial_interval_ms = MAX (opt_dial_interval, 0);
  o->budget_s = MAX (opt_budget, 60) / g_strv_length (*codecs);
  o->floor_s = MAX (opt_floor, 5);
  o->profile_at = MAX (opt_profile_at, 0);
  o->quiet_ms_per_s = MAX (opt_quiet, 0);
  o->quiet_wait_s = MAX (opt_quiet_wait, 0);
  if (opt_out == NULL)
    opt_out = g_dir_make_tmp ("bench-calls-out-XXXXXX", error);
  else if (g_mkdir_with_parents (opt_out, 0755) < 0)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot create %s",
        opt_out);
  o->out_dir = opt_out;
  return o->out_dir != NULL && (error == NULL || *error == NULL);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) codecs = NULL;
  BenchOptions o = { 0 };
  gint status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "Concurrent audio calls through "
      "the gateway against SIPp on loopback (see tests/bench/README.md).");
  if (!g_option_context_parse (context, &argc, &argv, &error)
      || !prepare (&o, &codecs, &error)) {
    g_printerr ("bench-calls: %s\n", error->message);
    return 2;
  }
  /* The gateway host loads otsrc/otsink from the build tree. */
  g_setenv ("GST_PLUGIN_PATH", BENCH_PLUGIN_DIR, FALSE);
  gst_init (NULL, NULL);
  printf ("# bench-calls: %ld cores, load average %.2f at start, late = "
      "%u ms above a stream's best transit\n", sysconf (_SC_NPROCESSORS_ONLN),
      bench_proc_loadavg (), o.late_ms);
  for (guint i = 0; codecs[i]; i++) {
    BenchRun run;

    if (!bench_ramp_run (&o, bench_codec_find (codecs[i]), &run, &error)) {
      g_printerr ("bench-calls: %s: %s\n", codecs[i], error->message);
      g_clear_error (&error);
      status = 1;
    } else {
      print_run (&run, &o);
    }
    bench_run_clear (&run);
  }
  printf ("\nLogs and perf data: %s\n", o.out_dir);
  g_array_unref (o.steps);
  return status;
}
