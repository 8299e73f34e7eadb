/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SIPp as a child process.  It always runs with loopback addresses (its
 * default media address is the machine's real interface), a global
 * -timeout so it ends even when nobody calls, and message/error traces in a
 * scratch directory that failures quote.  The scratch directory is its
 * working directory and holds a `pcap` link to SIPp's shipped pcaps, so the
 * built-in uac_pcap scenario and our own scenarios can say
 * play_pcap_audio="pcap/g711a.pcap"; tests may drop their own files there
 * (gw_test_sipp_get_workdir()) before starting it. */
#include "gw-test-sipp.h"
#include "gw-test-ports.h"
#include "gw-test-process.h"

#include <gio/gio.h>

#define SHIPPED_PCAPS "/usr/share/sip-tester"
#define START_TIMEOUT_MS 5000

struct _GwTestSipp
{
  GObject parent;

  gchar *scenario;
  guint port;
  guint media_port;
  gchar *remote;
  guint calls;
  guint timeout_s;
  gchar *transport;
  GPtrArray *args;              /* -key pairs and extra arguments */

  gchar *workdir;
  GError *workdir_error;
  gchar *log_path;
  GSubprocess *proc;
};

G_DEFINE_TYPE (GwTestSipp, gw_test_sipp, G_TYPE_OBJECT);

static void
gw_test_sipp_init (GwTestSipp * self)
{
  self->calls = 1;
  self->timeout_s = 30;
  self->transport = g_strdup ("u1");
  self->args = g_ptr_array_new_with_free_func (g_free);
  self->workdir = gw_test_tmpdir_new ("gw-sipp", &self->workdir_error);
  if (self->workdir) {
    g_autofree gchar *link = g_build_filename (self->workdir, "pcap", NULL);

    if (g_file_test (SHIPPED_PCAPS, G_FILE_TEST_IS_DIR))
      (void) symlink (SHIPPED_PCAPS, link);
    self->log_path = g_build_filename (self->workdir, "stdout.log", NULL);
  }
}

static void
gw_test_sipp_finalize (GObject * object)
{
  GwTestSipp *self = GW_TEST_SIPP (object);

  gw_test_sipp_stop (self);
  g_clear_object (&self->proc);
  gw_test_tmpdir_remove (self->workdir);
  g_free (self->workdir);
  g_clear_error (&self->workdir_error);
  g_free (self->log_path);
  g_free (self->scenario);
  g_free (self->remote);
  g_free (self->transport);
  g_ptr_array_unref (self->args);
  G_OBJECT_CLASS (gw_test_sipp_parent_class)->finalize (object);
}

static void
gw_test_sipp_class_init (GwTestSippClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gw_test_sipp_finalize;
}

/**
 * gw_test_sipp_new:
 * @scenario: a built-in scenario name ("uas", "uac", "uac_pcap", ...) or
 *   the path of an XML scenario; a relative path is looked up in the
 *   current directory, then under $OT_SOURCE_ROOT.
 */
GwTestSipp *
gw_test_sipp_new (const gchar * scenario)
{
  GwTestSipp *self = g_object_new (GW_TEST_TYPE_SIPP, NULL);

  self->scenario = g_strdup (scenario);
  return self;
}

/** gw_test_sipp_set_port: SIP port (-p); 0 (default) picks a free one. */
void
gw_test_sipp_set_port (GwTestSipp * self, guint port)
{
  self->port = port;
}

/**
 * gw_test_sipp_set_media_port:
 * RTP port (-mp); SIPp also binds port+2 (video). 0 (default) picks a
 * free even block of four.
 */
void
gw_test_sipp_set_media_port (GwTestSipp * self, guint port)
{
  self->media_port = port;
}

/** gw_test_sipp_set_remote: "127.0.0.1:PORT" that a UAC scenario calls. */
void
gw_test_sipp_set_remote (GwTestSipp * self, const gchar * host_port)
{
  g_free (self->remote);
  self->remote = g_strdup (host_port);
}

/** gw_test_sipp_set_calls: -m, calls after which SIPp exits (default 1). */
void
gw_test_sipp_set_calls (GwTestSipp * self, guint calls)
{
  self->calls = calls;
}

/**
 * gw_test_sipp_set_timeout:
 * Global -timeout (default 30 s); reaching it is a failure (-timeout_error).
 */
void
gw_test_sipp_set_timeout (GwTestSipp * self, guint seconds)
{
  self->timeout_s = seconds;
}

/** gw_test_sipp_set_transport: -t, "u1" (default) or "t1". */
void
gw_test_sipp_set_transport (GwTestSipp * self, const gchar * mode)
{
  g_free (self->transport);
  self->transport = g_strdup (mode);
}

/** gw_test_sipp_set_key: -key NAME VALUE, fills [NAME] in the scenario. */
void
gw_test_sipp_set_key (GwTestSipp * self, const gchar * name,
    const gchar * value)
{
  g_ptr_array_add (self->args, g_strdup ("-key"));
  g_ptr_array_add (self->args, g_strdup (name));
  g_ptr_array_add (self->args, g_strdup (value));
}

/** gw_test_sipp_add_arg: any other option, e.g. "-rtp_echo". */
void
gw_test_sipp_add_arg (GwTestSipp * self, const gchar * arg)
{
  g_ptr_array_add (self->args, g_strdup (arg));
}

/**
 * gw_test_sipp_get_workdir:
 * Returns: SIPp's working and trace directory (removed with @self).
 */
const gchar *
gw_test_sipp_get_workdir (GwTestSipp * self)
{
  return self->workdir;
}

static gchar *
workfile (GwTestSipp * self, const gchar * name)
{
  return g_build_filename (self->workdir, name, NULL);
}

static gboolean
resolve_scenario (GwTestSipp * self, GPtrArray * argv, GError ** error)
{
  g_autofree gchar *path = NULL;
  const gchar *root = g_getenv ("OT_SOURCE_ROOT");

  if (!strchr (self->scenario, '/') && !g_str_has_suffix (self->scenario,
          ".xml")) {
    g_ptr_array_add (argv, g_strdup ("-sn"));
    g_ptr_array_add (argv, g_strdup (self->scenario));
    return TRUE;
  }
  path = g_canonicalize_filename (self->scenario, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) && root
      && !g_path_is_absolute (self->scenario)) {
    g_free (path);
    path = g_canonicalize_filename (self->scenario, root);
  }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
        "SIPp scenario %s not found", self->scenario);
    return FALSE;
  }
  g_ptr_array_add (argv, g_strdup ("-sf"));
  g_ptr_array_add (argv, g_steal_pointer (&path));
  return TRUE;
}

static void
add_args (GPtrArray * argv, ...)
{
  va_list ap;
  const gchar *arg;

  va_start (ap, argv);
  while ((arg = va_arg (ap, const gchar *)))
      g_ptr_array_add (argv, g_strdup (arg));
  va_end (ap);
}

static GPtrArray *
build_argv (GwTestSipp * self, const gchar * sipp, GError ** error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree gchar *port = g_strdup_printf ("%u", self->port);
  g_autofree gchar *mport = g_strdup_printf ("%u", self->media_port);
  g_autofree gchar *calls = g_strdup_printf ("%u", self->calls);
  g_autofree gchar *timeout = g_strdup_printf ("%us", self->timeout_s);
  g_autofree gchar *msg = workfile (self, "messages.log");
  g_autofree gchar *err = workfile (self, "errors.log");
  g_autofree gchar *screen = workfile (self, "screen.log");

  g_ptr_array_add (argv, g_strdup (sipp));
  if (!resolve_scenario (self, argv, error))
    return NULL;
  add_args (argv, "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", port,
      "-mp", mport, "-m", calls, "-t", self->transport, "-nostdin",
      "-timeout", timeout, "-timeout_error", "-trace_msg", "-message_file",
      msg, "-trace_err", "-error_file", err, "-trace_screen", "-screen_file",
      screen, NULL);
  for (guint i = 0; i < self->args->len; i++)
    g_ptr_array_add (argv, g_strdup (self->args->pdata[i]));
  if (self->remote)
    g_ptr_array_add (argv, g_strdup (self->remote));
  g_ptr_array_add (argv, NULL);
  return g_steal_pointer (&argv);
}

static gboolean
started (gpointer data)
{
  GwTestSipp *self = data;
  gboolean tcp = g_str_has_prefix (self->transport, "t");

  if (!gw_test_process_is_running (self->proc))
    return TRUE;
  /* a TCP client has no listening socket to wait for */
  if (tcp && self->remote)
    return TRUE;
  /* SIPp binds its media ports (for -rtp_echo, pcap play) at start-up */
  return gw_test_ports_is_bound (self->port,
      tcp ? GW_TEST_PORT_TCP : GW_TEST_PORT_UDP)
      && gw_test_ports_is_bound (self->media_port, GW_TEST_PORT_UDP);
}

/**
 * gw_test_sipp_start:
 * Picks the ports left at 0, starts SIPp and waits until its SIP and
 * media ports are bound, so a peer may send to them at once.
 */
gboolean
gw_test_sipp_start (GwTestSipp * self, GError ** error)
{
  g_autofree gchar *sipp = NULL;
  g_autoptr (GPtrArray) argv = NULL;

  g_return_val_if_fail (self->proc == NULL, FALSE);
  if (!self->workdir) {
    g_propagate_error (error, g_error_copy (self->workdir_error));
    return FALSE;
  }
  if (!(sipp = gw_test_find_program ("sipp", error)))
    return FALSE;
  if (!self->port && !(self->port = gw_test_ports_pick (error)))
    return FALSE;
  if (!self->media_port
      && !(self->media_port = gw_test_ports_pick_udp_block (4, error)))
    return FALSE;
  if (!(argv = build_argv (self, sipp, error)))
    return FALSE;
  self->proc = gw_test_process_spawn ((const gchar * const *) argv->pdata,
      self->workdir, self->log_path, error);
  if (!self->proc)
    return FALSE;
  gw_test_wait_until (started, self, START_TIMEOUT_MS);
  if (!gw_test_process_is_running (self->proc) || !started (self)) {
    g_autofree gchar *exit = gw_test_process_describe_exit (self->proc);
    g_autofree gchar *diag = gw_test_sipp_get_diagnostics (self);

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "SIPp did not start on port %u (%s)\n%s", self->port, exit, diag);
    return FALSE;
  }
  return TRUE;
}

guint
gw_test_sipp_get_port (GwTestSipp * self)
{
  return self->port;
}

guint
gw_test_sipp_get_media_port (GwTestSipp * self)
{
  return self->media_port;
}

/**
 * gw_test_sipp_get_uri:
 * Returns: (transfer full): "sip:@user@127.0.0.1:PORT" (with
 * ";transport=tcp" for TCP), the URI to dial a UAS scenario.
 */
gchar *
gw_test_sipp_get_uri (GwTestSipp * self, const gchar * user)
{
  return g_strdup_printf ("sip:%s@127.0.0.1:%u%s", user, self->port,
      g_str_has_prefix (self->transport, "t") ? ";transport=tcp" : "");
}

/**
 * gw_test_sipp_wait:
 * @exit_status: (out): SIPp's status: 0 all calls succeeded, 1 some
 *   failed, 97 stopped by a command, 99 no call processed, 255/254 fatal
 *   (bad arguments or scenario, socket error); a signal N gives -N.
 *
 * Waits (running the thread-default main context) for SIPp to exit.
 * Returns: FALSE and an error when it has not exited within @timeout_ms.
 */
gboolean
gw_test_sipp_wait (GwTestSipp * self, guint timeout_ms, gint * exit_status,
    GError ** error)
{
  g_return_val_if_fail (self->proc != NULL, FALSE);
  if (!gw_test_process_wait (self->proc, timeout_ms)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
        "SIPp (%s) still running after %u ms", self->scenario, timeout_ms);
    return FALSE;
  }
  if (g_subprocess_get_if_exited (self->proc))
    *exit_status = g_subprocess_get_exit_status (self->proc);
  else
    *exit_status = -g_subprocess_get_term_sig (self->proc);
  return TRUE;
}

/**
 * gw_test_sipp_wait_success:
 * Like gw_test_sipp_wait(), and any status but 0 is an error that quotes
 * SIPp's error and message traces.
 */
gboolean
gw_test_sipp_wait_success (GwTestSipp * self, guint timeout_ms, GError ** error)
{
  gint status;
  g_autofree gchar *diag = NULL;

  if (!gw_test_sipp_wait (self, timeout_ms, &status, error))
    return FALSE;
  if (status == 0)
    return TRUE;
  diag = gw_test_sipp_get_diagnostics (self);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
      "SIPp (%s) exited with status %d\n%s", self->scenario, status, diag);
  return FALSE;
}

/**
 * gw_test_sipp_get_diagnostics:
 * Returns: (transfer full): the tails of SIPp's error trace, message trace
 * and output, for failure messages.
 */
gchar *
gw_test_sipp_get_diagnostics (GwTestSipp * self)
{
  g_autofree gchar *err_path = workfile (self, "errors.log");
  g_autofree gchar *msg_path = workfile (self, "messages.log");
  g_autofree gchar *err = gw_test_read_tail (err_path, 4096);
  g_autofree gchar *msg = gw_test_read_tail (msg_path, 8192);
  g_autofree gchar *out = gw_test_read_tail (self->log_path, 2048);

  return g_strdup_printf ("--- SIPp errors:\n%s\n--- SIPp messages:\n%s\n"
      "--- SIPp output:\n%s", err, msg, out);
}

/** gw_test_sipp_stop: ends SIPp if it still runs (SIGTERM, then SIGKILL). */
void
gw_test_sipp_stop (GwTestSipp * self)
{
  if (self->proc)
    gw_test_process_terminate (self->proc, 2000);
}
