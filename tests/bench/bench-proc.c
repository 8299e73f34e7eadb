/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /proc readers for bench-calls.  The stat line's second field is the
 * command name in parentheses, which may itself hold spaces and
 * parentheses: fields are counted after the last ')'. */
#include "bench-proc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct
{
  gint64 ns;                    /* run time */
  guint64 switches;             /* context switches, both kinds */
} ThreadUse;

struct _BenchThreads
{
  GHashTable *use;              /* TID (GINT_TO_POINTER) -> ThreadUse* */
  GHashTable *names;            /* TID -> gchar* */
};

/* utime + stime (clock ticks) from a stat file, or -1. */
static gint64
read_stat_ticks (const gchar * path)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) fields = NULL;
  const gchar *after;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  after = strrchr (text, ')');
  if (after == NULL)
    return -1;
  /* After ')': state(3) ppid(4) ... utime(14) stime(15); index 0 = state. */
  fields = g_strsplit (after + 2, " ", 16);
  if (g_strv_length (fields) < 14)
    return -1;
  return g_ascii_strtoll (fields[11], NULL, 10) +
      g_ascii_strtoll (fields[12], NULL, 10);
}

static guint64
status_field (const gchar * status, const gchar * key)
{
  const gchar *line = strstr (status, key);

  return line ? g_ascii_strtoull (line + strlen (key), NULL, 10) : 0;
}

gboolean
bench_proc_sample (GPid pid, BenchProcSample * out)
{
  g_autofree gchar *stat_path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree gchar *status_path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree gchar *status = NULL;
  gint64 ticks = read_stat_ticks (stat_path);

  out->wall_us = g_get_monotonic_time ();
  if (ticks < 0 || !g_file_get_contents (status_path, &status, NULL, NULL))
    return FALSE;
  out->cpu_s = (gdouble) ticks / sysconf (_SC_CLK_TCK);
  out->rss_kib = status_field (status, "\nVmRSS:");
  out->threads = status_field (status, "\nThreads:");
  return TRUE;
}

gdouble
bench_proc_machine_busy_s (void)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) f = NULL;
  guint64 busy = 0;

  if (!g_file_get_contents ("/proc/stat", &text, NULL, NULL)
      || !g_str_has_prefix (text, "cpu "))
    return 0;
  /* cpu user nice system idle iowait irq softirq steal ... */
  f = g_strsplit_set (text + 4, " \n", 12);
  for (guint i = 0, field = 0; f[i] && field < 8; i++) {
    if (*f[i] == '\0')
      continue;
    if (field != 3 && field != 4)
      busy += g_ascii_strtoull (f[i], NULL, 10);
    field++;
  }
  return (gdouble) busy / sysconf (_SC_CLK_TCK);
}

gdouble
bench_proc_loadavg (void)
{
  g_autofree gchar *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return 0;
  return g_ascii_strtod (text, NULL);
}

GPid
bench_proc_find_child (const gchar * comm)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc", 0, NULL);
  g_autofree gchar *want = g_strdup_printf ("(%s) ", comm);
  const gchar *entry;

  while (dir && (entry = g_dir_read_name (dir))) {
    g_autofree gchar *path = NULL, *text = NULL;
    const gchar *after;

    if (!g_ascii_isdigit (*entry))
      continue;
    path = g_strdup_printf ("/proc/%s/stat", entry);
    if (!g_file_get_contents (path, &text, NULL, NULL)
        || !strstr (text, want) || !(after = strrchr (text, ')')))
      continue;
    /* ") S PPID ..." */
    if (atoi (after + 4) == getpid ())
      return atoi (entry);
  }
  return 0;
}

/* A thread's run time in ns (schedstat: exact, where stat counts 10 ms
 * ticks, too coarse for one thread over a few seconds) and its context
 * switches (status). */
static gboolean
read_thread_use (const gchar * task_dir, const gchar * tid, ThreadUse * use)
{
  g_autofree gchar *path = g_strdup_printf ("%s/%s/schedstat", task_dir, tid);
  g_autofree gchar *text = NULL, *status = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  use->ns = g_ascii_strtoll (text, NULL, 10);
  g_free (path);
  path = g_strdup_printf ("%s/%s/status", task_dir, tid);
  if (!g_file_get_contents (path, &status, NULL, NULL))
    return FALSE;
  use->switches = status_field (status, "\nvoluntary_ctxt_switches:") +
      status_field (status, "\nnonvoluntary_ctxt_switches:");
  return TRUE;
}

BenchThreads *
bench_threads_sample (GPid pid)
{
  g_autofree gchar *task_dir = g_strdup_printf ("/proc/%d/task", pid);
  g_autoptr (GDir) dir = g_dir_open (task_dir, 0, NULL);
  BenchThreads *t = g_new0 (BenchThreads, 1);
  const gchar *entry;

  t->use = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  t->names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  while (dir && (entry = g_dir_read_name (dir))) {
    gint tid = atoi (entry);
    g_autofree gchar *comm = g_strdup_printf ("%s/%s/comm", task_dir, entry);
    gchar *name = NULL;
    ThreadUse use;

    if (!read_thread_use (task_dir, entry, &use)
        || !g_file_get_contents (comm, &name, NULL, NULL))
      continue;
    g_strstrip (name);
    /* "task417": GstTasks named by a counter are one kind of thread. */
    for (gsize end = strlen (name); end > 1 && g_ascii_isdigit (name[end - 1]);)
      name[--end] = '\0';
    g_hash_table_insert (t->use, GINT_TO_POINTER (tid),
        g_memdup2 (&use, sizeof use));
    g_hash_table_insert (t->names, GINT_TO_POINTER (tid), name);
  }
  return t;
}

void
bench_threads_free (BenchThreads * t)
{
  g_hash_table_unref (t->use);
  g_hash_table_unref (t->names);
  g_free (t);
}

typedef struct
{
  const gchar *name;
  gdouble ms_per_s;
  gdouble switches_per_s;
  guint threads;
} Group;

static gint
by_cost (gconstpointer a, gconstpointer b)
{
  const Group *ga = a, *gb = b;

  return ga->ms_per_s < gb->ms_per_s ? 1 : ga->ms_per_s > gb->ms_per_s ? -1 : 0;
}

gchar *
bench_threads_describe (BenchThreads * before, BenchThreads * after,
    gdouble wall_s, guint n_calls, guint max)
{
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash,
      g_str_equal, NULL, g_free);
  g_autoptr (GArray) sorted = g_array_new (FALSE, FALSE, sizeof (Group));
  GString *out = g_string_new ("| thread | threads | CPU ms/s | per call "
      "| context switches/s | per call |\n|---|---:|---:|---:|---:|---:|\n");
  GHashTableIter iter;
  gpointer tid, value;

  g_hash_table_iter_init (&iter, after->use);
  while (g_hash_table_iter_next (&iter, &tid, &value)) {
    const gchar *name = g_hash_table_lookup (after->names, tid);
    const ThreadUse *now = value, *was = g_hash_table_lookup (before->use,
        tid);
    Group *g = g_hash_table_lookup (groups, name);

    if (g == NULL) {
      g = g_new0 (Group, 1);
      g->name = name;
      g_hash_table_insert (groups, (gpointer) name, g);
    }
    g->ms_per_s += (now->ns - (was ? was->ns : 0)) / 1e6 / wall_s;
    g->switches_per_s += (now->switches - (was ? was->switches : 0)) / wall_s;
    g->threads++;
  }
  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_array_append_vals (sorted, value, 1);
  g_array_sort (sorted, by_cost);
  for (guint i = 0; i < sorted->len && i < max; i++) {
    Group *g = &g_array_index (sorted, Group, i);

    g_string_append_printf (out, "| %s | %u | %.1f | %.2f | %.0f | %.1f |\n",
        g->name, g->threads, g->ms_per_s, g->ms_per_s / n_calls,
        g->switches_per_s, g->switches_per_s / n_calls);
  }
  return g_string_free (out, FALSE);
}
