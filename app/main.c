/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ot-sip-gateway [--config FILE] [--http-port N] [--sip-port N]
 *
 * stdout carries exactly one line, "ready http=ADDR:PORT ...", once the
 * gateway listens (tests and scripts wait for it); everything else goes to
 * stderr.  Exit codes: 0 after SIGINT/SIGTERM, 1 when it cannot listen,
 * 2 for a bad command line or settings file. */
#include "config.h"

#include <glib-unix.h>
#include <gst/gst.h>
#include <signal.h>
#include <stdio.h>

#include "gateway.h"
#include "settings.h"

/* How long pending callbacks may still go out at shutdown. */
#define SHUTDOWN_FLUSH_MS 5000
/* Overrides the development project's secret (no --config). */
#define DEV_SECRET_ENV "OT_SIP_GATEWAY_DEV_SECRET"

static gchar *config_path;
static gint http_port = -1;
static gint sip_port = -1;

static gboolean
parse_port (const gchar * option, const gchar * value, gpointer data,
    GError ** error)
{
  guint64 port;

  if (!g_ascii_string_to_unsigned (value, 10, 0, 65535, &port, NULL)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "%s: “%s” is not a port number (0..65535)", option, value);
    return FALSE;
  }
  if (g_str_equal (option, "--http-port"))
    http_port = port;
  else
    sip_port = port;
  return TRUE;
}

static const GOptionEntry entries[] = {
  {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "Settings file (default: development settings)", "FILE"},
  {"http-port", 0, 0, G_OPTION_ARG_CALLBACK, parse_port,
      "REST port, overrides the file (0 = ephemeral)", "N"},
  {"sip-port", 0, 0, G_OPTION_ARG_CALLBACK, parse_port,
      "SIP port, overrides the file (0 = ephemeral)", "N"},
  {NULL}
};

static GwSettings *
load_settings (int *argc, char ***argv, GError ** error)
{
  g_autoptr (GOptionContext) context =
      g_option_context_new ("- SIP interconnect for video sessions");
  GwSettings *settings;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, "Without --config it runs on "
      "development settings (loopback only) with one project whose API key "
      "and secret it prints on stderr; the secret is random unless "
      DEV_SECRET_ENV " is set.");
  if (!g_option_context_parse (context, argc, argv, error))
    return NULL;
  if (*argc > 1) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
        "unexpected argument “%s”", (*argv)[1]);
    return NULL;
  }
  settings = config_path ? gw_settings_new_from_file (config_path, error) :
      gw_settings_new_development (g_getenv (DEV_SECRET_ENV));
  if (settings && http_port >= 0)
    settings->http_port = http_port;
  if (settings && sip_port >= 0)
    settings->sip_port = sip_port;
  return settings;
}

static gboolean
on_signal (gpointer user_data)
{
  g_printerr ("ot-sip-gateway: shutting down\n");
  g_main_loop_quit (user_data);
  /* Stays installed: a second signal during the flush is ignored. */
  return G_SOURCE_CONTINUE;
}

static void
print_development_project (const GwSettings * settings)
{
  const GwProject *project = g_ptr_array_index (settings->projects, 0);

  g_printerr ("ot-sip-gateway: development settings; project API key %s, "
      "API secret %s\n", project->api_key, project->secret);
}

/* The media bridge needs otsink and otsrc.  They are found through
 * GST_PLUGIN_PATH or the system plugin dir as usual; when neither has them
 * (running from the build tree without set-up), load our plugin from where
 * this build put it, so the binary runs as built. */
static gboolean
ensure_ot_plugin (GError ** error)
{
  const gchar *dirs[] = { OT_PLUGIN_BUILD_DIR, OT_PLUGIN_INSTALL_DIR };
  g_autoptr (GstElementFactory) factory = gst_element_factory_find ("otsink");

  if (factory != NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++) {
    g_autofree gchar *path = g_build_filename (dirs[i], "libgstot.so", NULL);
    g_autoptr (GstPlugin) plugin = NULL;

    if (!g_file_test (path, G_FILE_TEST_EXISTS))
      continue;
    plugin = gst_plugin_load_file (path, error);
    if (plugin == NULL)
      return FALSE;
    return TRUE;
  }
  g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
      "the GStreamer plugin \"ot\" (otsink, otsrc) was not found in "
      "GST_PLUGIN_PATH, %s or %s", OT_PLUGIN_BUILD_DIR, OT_PLUGIN_INSTALL_DIR);
  return FALSE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwSettings) settings = NULL;
  g_autoptr (GwGateway) gateway = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree gchar *ready = NULL;
  guint sigint, sigterm;

  settings = load_settings (&argc, &argv, &error);
  if (settings == NULL) {
    g_printerr ("ot-sip-gateway: %s\n", error->message);
    return 2;
  }
  gst_init (NULL, NULL);
  if (!ensure_ot_plugin (&error)) {
    g_printerr ("ot-sip-gateway: %s\n", error->message);
    return 1;
  }
  if (settings->development)
    print_development_project (settings);
  gateway = gw_gateway_new (g_steal_pointer (&settings));
  if (!gw_gateway_start (gateway, &error)) {
    g_printerr ("ot-sip-gateway: %s\n", error->message);
    return 1;
  }
  loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, on_signal, loop);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, loop);

  ready = gw_gateway_get_ready_line (gateway);
  g_print ("%s\n", ready);
  fflush (stdout);
  g_main_loop_run (loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  gw_gateway_stop (gateway, SHUTDOWN_FLUSH_MS);
  g_clear_pointer (&config_path, g_free);
  return 0;
}
