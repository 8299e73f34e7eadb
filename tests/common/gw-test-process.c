/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Child processes for tests.  Every child dies with the test (a parent-death
 * signal), writes stdout and stderr into one log file (a pipe nobody reads
 * would block it), and is waited for by polling its GSubprocess: GLib reaps
 * children on its worker thread, so "exited" is known without a callback
 * that could outlive the waiter.  Waits iterate the thread-default main
 * context so the gateway under test keeps running on it meanwhile. */
#include "gw-test-process.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

/* How often a wait re-checks its condition when nothing else happens. */
#define POLL_MS 10

static gboolean
tick (gpointer data)
{
  return G_SOURCE_REMOVE;
}

/**
 * gw_test_wait_until:
 * Iterates the thread-default main context until @predicate returns TRUE
 * or @timeout_ms passes; the predicate is checked at least every 10 ms.
 *
 * Returns: the last result of @predicate.
 */
gboolean
gw_test_wait_until (GwTestPredicate predicate, gpointer data, guint timeout_ms)
{
  g_autoptr (GMainContext) ctx = g_main_context_ref_thread_default ();
  gint64 deadline =
      g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!predicate (data)) {
    GSource *timer;

    if (g_get_monotonic_time () >= deadline)
      return predicate (data);
    timer = g_timeout_source_new (POLL_MS);
    g_source_set_callback (timer, tick, NULL, NULL);
    g_source_attach (timer, ctx);
    g_main_context_iteration (ctx, TRUE);
    g_source_destroy (timer);
    g_source_unref (timer);
  }
  return TRUE;
}

static void
child_setup (gpointer data)
{
  /* async-signal-safe: the child must not outlive a crashed test */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/**
 * gw_test_process_spawn:
 * @cwd: (nullable): working directory
 * @log_path: file that receives stdout and stderr (stdin is /dev/null)
 */
GSubprocess *
gw_test_process_spawn (const gchar * const *argv, const gchar * cwd,
    const gchar * log_path, GError ** error)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autofree gchar *cmdline = g_strjoinv (" ", (gchar **) argv);

  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  if (cwd)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  g_debug ("spawn: %s", cmdline);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

/**
 * gw_test_process_is_running:
 * Returns: FALSE once the child has exited and been reaped.
 */
gboolean
gw_test_process_is_running (GSubprocess * proc)
{
  return g_subprocess_get_identifier (proc) != NULL;
}

static gboolean
has_exited (gpointer proc)
{
  return !gw_test_process_is_running (proc);
}

/**
 * gw_test_process_wait:
 * Returns: whether @proc exited within @timeout_ms.
 */
gboolean
gw_test_process_wait (GSubprocess * proc, guint timeout_ms)
{
  return gw_test_wait_until (has_exited, proc, timeout_ms);
}

/**
 * gw_test_process_terminate:
 * SIGTERM, then SIGKILL if @proc is still there after @grace_ms.
 */
void
gw_test_process_terminate (GSubprocess * proc, guint grace_ms)
{
  if (!gw_test_process_is_running (proc))
    return;
  g_subprocess_send_signal (proc, SIGTERM);
  if (gw_test_process_wait (proc, grace_ms))
    return;
  g_debug ("pid %s ignored SIGTERM for %u ms: SIGKILL",
      g_subprocess_get_identifier (proc), grace_ms);
  g_subprocess_force_exit (proc);
  gw_test_process_wait (proc, 5000);
}

/**
 * gw_test_process_describe_exit:
 * Returns: (transfer full): "exit status N", "killed by signal N" or
 * "still running".
 */
gchar *
gw_test_process_describe_exit (GSubprocess * proc)
{
  if (gw_test_process_is_running (proc))
    return g_strdup ("still running");
  if (g_subprocess_get_if_exited (proc))
    return g_strdup_printf ("exit status %d",
        g_subprocess_get_exit_status (proc));
  return g_strdup_printf ("killed by signal %d",
      g_subprocess_get_term_sig (proc));
}

/**
 * gw_test_tmpdir_new:
 * Returns: (transfer full): a new empty directory under $TMPDIR, or NULL.
 */
gchar *
gw_test_tmpdir_new (const gchar * prefix, GError ** error)
{
  g_autofree gchar *tmpl = g_strdup_printf ("%s-XXXXXX", prefix);

  return g_dir_make_tmp (tmpl, error);
}

/**
 * gw_test_tmpdir_remove:
 * Removes @path and its contents, unless GW_TEST_KEEP_TMP is set in the
 * environment (then it says where the files are, for diagnosis).
 */
void
gw_test_tmpdir_remove (const gchar * path)
{
  g_autoptr (GDir) dir = NULL;
  const gchar *name;

  if (!path)
    return;
  if (g_getenv ("GW_TEST_KEEP_TMP")) {
    g_printerr ("# kept %s\n", path);
    return;
  }
  dir = g_dir_open (path, 0, NULL);
  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree gchar *child = g_build_filename (path, name, NULL);

    if (g_file_test (child, G_FILE_TEST_IS_DIR)
        && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
      gw_test_tmpdir_remove (child);
    else
      g_unlink (child);
  }
  g_rmdir (path);
}

/**
 * gw_test_read_tail:
 * Returns: (transfer full): the last @max_bytes of a text file, or a note
 * that it cannot be read; for failure messages.
 */
gchar *
gw_test_read_tail (const gchar * path, gsize max_bytes)
{
  g_autofree gchar *contents = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return g_strdup_printf ("(no %s)", path);
  if (len <= max_bytes)
    return g_steal_pointer (&contents);
  return g_strdup_printf ("...%s", contents + len - max_bytes);
}

/**
 * gw_test_find_program:
 * Returns: (transfer full): the path of @name in $PATH, or NULL and an
 * error that says it is missing.
 */
gchar *
gw_test_find_program (const gchar * name, GError ** error)
{
  gchar *path = g_find_program_in_path (name);

  if (!path)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
        "%s is not installed (not in PATH)", name);
  return path;
}
