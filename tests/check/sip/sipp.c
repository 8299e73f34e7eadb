/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <glib/gstdio.h>

#include "sipp.h"

#define SIPP_TIMEOUT "20s"
#define WAIT_MS 25000

/* Loopback only (media too), one call, logs in the current directory. */
static const gchar *const common_args[] = {
  "-i", "127.0.0.1", "-mi", "127.0.0.1", "-m", "1", "-nostdin",
  "-timeout", SIPP_TIMEOUT, "-timeout_error", "-trace_err", "-error_file",
  "errors.log", "-trace_msg", "-message_file", "messages.log", "-t",
};

struct _Sipp
{
  GSubprocess *proc;
  gchar *dir;
  guint port;
  gboolean exited;
};

gboolean
iterate_until (gboolean * flag, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;

  while (!*flag && g_get_monotonic_time () < deadline) {
    GSource *tick = g_timeout_source_new (50);

    g_source_set_dummy_callback (tick);
    g_source_attach (tick, NULL);
    g_main_context_iteration (NULL, TRUE);
    g_source_destroy (tick);
    g_source_unref (tick);
  }
  return *flag;
}

static GSocket *
bind_port (GSocketType type, GSocketProtocol protocol, guint port)
{
  g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, type,
      protocol, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, port);

  if (sock == NULL || !g_socket_bind (sock, addr, FALSE, NULL))
    return NULL;
  return g_steal_pointer (&sock);
}

static guint
bound_port (GSocket * sock)
{
  g_autoptr (GSocketAddress) addr = g_socket_get_local_address (sock, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr));
}

guint
sipp_free_port (void)
{
  for (guint i = 0; i < 50; i++) {
    g_autoptr (GSocket) udp = bind_port (G_SOCKET_TYPE_DATAGRAM,
        G_SOCKET_PROTOCOL_UDP, 0);
    g_autoptr (GSocket) tcp = NULL;
    guint port = bound_port (udp);

    tcp = bind_port (G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, port);
    if (tcp != NULL)
      return port;
  }
  g_error ("no free port on 127.0.0.1");
  return 0;
}

static void
on_sipp_exit (GObject * source, GAsyncResult * res, gpointer data)
{
  Sipp *sipp = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), res, NULL);
  sipp->exited = TRUE;
}

static gchar *
scenario_path (const gchar * scenario)
{
  const gchar *root = g_getenv ("OT_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "tests", "sipp", scenario, NULL);
}

static Sipp *
sipp_spawn (const gchar * scenario, gboolean tcp, guint port,
    const gchar * target, const gchar * const *extra)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  Sipp *sipp = g_new0 (Sipp, 1);

  sipp->dir = g_dir_make_tmp ("sipp-XXXXXX", &error);
  g_assert_no_error (error);
  sipp->port = port ? port : sipp_free_port ();

  g_ptr_array_add (argv, g_strdup ("sipp"));
  if (target != NULL)
    g_ptr_array_add (argv, g_strdup (target));
  g_ptr_array_add (argv, g_strdup ("-sf"));
  g_ptr_array_add (argv, scenario_path (scenario));
  for (guint i = 0; i < G_N_ELEMENTS (common_args); i++)
    g_ptr_array_add (argv, g_strdup (common_args[i]));
  g_ptr_array_add (argv, g_strdup (tcp ? "t1" : "u1"));
  g_ptr_array_add (argv, g_strdup ("-p"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", sipp->port));
  for (guint i = 0; extra && extra[i]; i++)
    g_ptr_array_add (argv, g_strdup (extra[i]));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_cwd (launcher, sipp->dir);
  {
    g_autofree gchar *out = g_build_filename (sipp->dir, "out.log", NULL);

    g_subprocess_launcher_set_stdout_file_path (launcher, out);
    g_subprocess_launcher_set_stderr_file_path (launcher, out);
  }
  sipp->proc = g_subprocess_launcher_spawnv (launcher,
      (const gchar * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (sipp->proc, NULL, on_sipp_exit, sipp);
  return sipp;
}

Sipp *
sipp_start_uas (const gchar * scenario, gboolean tcp,
    const gchar * const *extra)
{
  return sipp_start_uas_on (scenario, tcp, 0, extra);
}

Sipp *
sipp_start_uas_on (const gchar * scenario, gboolean tcp, guint port,
    const gchar * const *extra)
{
  Sipp *sipp = sipp_spawn (scenario, tcp, port, NULL, extra);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* Listening once we cannot bind its port any more. */
  while (g_get_monotonic_time () < deadline && !sipp->exited) {
    g_autoptr (GSocket) probe = tcp ?
        bind_port (G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, sipp->port) :
        bind_port (G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, sipp->port);

    if (probe == NULL)
      return sipp;
    g_clear_object (&probe);
    g_main_context_iteration (NULL, FALSE);
    g_usleep (10000);
  }
  sipp_wait_success (sipp);
  g_error ("sipp did not start listening");
  return NULL;
}

Sipp *
sipp_start_uac (const gchar * scenario, guint target_port,
    const gchar * const *extra)
{
  g_autofree gchar *target = g_strdup_printf ("127.0.0.1:%u", target_port);

  return sipp_spawn (scenario, FALSE, 0, target, extra);
}

guint
sipp_get_port (Sipp * sipp)
{
  return sipp->port;
}

static void
print_file (Sipp * sipp, const gchar * name)
{
  g_autofree gchar *path = g_build_filename (sipp->dir, name, NULL);
  g_autofree gchar *text = NULL;

  if (g_file_get_contents (path, &text, NULL, NULL))
    g_printerr ("---- sipp %s ----\n%s\n", name, text);
}

void
sipp_wait_success (Sipp * sipp)
{
  gint status;

  if (!iterate_until (&sipp->exited, WAIT_MS))
    g_subprocess_force_exit (sipp->proc);
  iterate_until (&sipp->exited, WAIT_MS);
  g_assert_true (sipp->exited);
  status = g_subprocess_get_if_exited (sipp->proc) ?
      g_subprocess_get_exit_status (sipp->proc) : -1;
  /* SIPP_VERBOSE=1: see the messages of passing tests too. */
  if (status != 0 || g_getenv ("SIPP_VERBOSE") != NULL) {
    print_file (sipp, "messages.log");
    print_file (sipp, "errors.log");
    print_file (sipp, "out.log");
  }
  g_assert_cmpint (status, ==, 0);
}

void
sipp_kill (Sipp * sipp)
{
  g_subprocess_force_exit (sipp->proc);
  iterate_until (&sipp->exited, WAIT_MS);
  g_assert_true (sipp->exited);
}

void
sipp_free (Sipp * sipp)
{
  g_autoptr (GDir) dir = NULL;
  const gchar *name;

  if (!sipp->exited) {
    g_subprocess_force_exit (sipp->proc);
    iterate_until (&sipp->exited, WAIT_MS);
  }
  g_object_unref (sipp->proc);
  if ((dir = g_dir_open (sipp->dir, 0, NULL)) != NULL) {
    while ((name = g_dir_read_name (dir)) != NULL) {
      g_autofree gchar *path = g_build_filename (sipp->dir, name, NULL);

      g_unlink (path);
    }
  }
  g_rmdir (sipp->dir);
  g_free (sipp->dir);
  g_free (sipp);
}
