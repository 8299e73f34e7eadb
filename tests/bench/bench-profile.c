/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* perf for bench-calls: cpu-clock samples (the VM has no PMU), call graphs
 * kept in the data file for a later `perf report -g`, and the flat self
 * time by DSO and by symbol as text.  Failures become the text: a bench
 * without perf still reports everything else. */
#include "bench-profile.h"

gchar *
bench_profile_perf (GPid target, guint seconds, const gchar * data)
{
  g_autofree gchar *pid = g_strdup_printf ("%d", target);
  g_autofree gchar *secs = g_strdup_printf ("%u", seconds);
  const gchar *record[] = { "perf", "record", "-q", "-e", "cpu-clock", "-F",
    "499", "-g", "-p", pid, "-o", data, "--", "sleep", secs, NULL
  };
  const gchar *by_dso[] = { "perf", "report", "-i", data, "--stdio",
    "--no-children", "-g", "none", "--sort", "dso", "--percent-limit", "1",
    NULL
  };
  const gchar *by_symbol[] = { "perf", "report", "-i", data, "--stdio",
    "--no-children", "-g", "none", "--sort", "dso,symbol",
    "--percent-limit", "0.7", NULL
  };
  const gchar *const *reports[] = { by_dso, by_symbol };
  /* perf pads each line with empty "-" columns. */
  g_autoptr (GRegex) pad = g_regex_new ("(\\s+-)*\\s*$", 0, 0, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *record_err = NULL;
  GString *out = g_string_new (NULL);
  gint status;

  if (!g_spawn_sync (NULL, (gchar **) record, NULL, G_SPAWN_SEARCH_PATH |
          G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &record_err, &status,
          &error) || !g_spawn_check_wait_status (status, &error)) {
    g_string_printf (out, "perf record failed: %s\n%s\n", error->message,
        record_err ? record_err : "");
    return g_string_free (out, FALSE);
  }
  for (guint i = 0; i < G_N_ELEMENTS (reports); i++) {
    g_autofree gchar *text = NULL;
    g_auto (GStrv) lines = NULL;

    if (!g_spawn_sync (NULL, (gchar **) reports[i], NULL, G_SPAWN_SEARCH_PATH
            | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &text, NULL, NULL,
            &error)) {
      g_string_append_printf (out, "perf report failed: %s\n", error->message);
      break;
    }
    lines = g_strsplit (text, "\n", -1);
    for (guint l = 0; lines[l]; l++) {
      g_autofree gchar *line = g_regex_replace_literal (pad, lines[l], -1, 0,
          "", 0, NULL);

      if (line[0] != '#' && line[0] != '\0')
        g_string_append_printf (out, "%s\n", line);
    }
    g_string_append_c (out, '\n');
  }
  return g_string_free (out, FALSE);
}
