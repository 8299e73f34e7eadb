/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench-calls-host --config FILE --speech WAV --api-key KEY
 *
 * The process bench-calls measures: the gateway (gw-core, as in
 * ot-sip-gateway) plus the "other participant" of every session, an Opus
 * stream published straight into the hub.  Real publishers would be
 * remote (WebRTC); here one thread pushes a pre-encoded speech packet into
 * every published track each 20 ms, costing close to nothing itself (the
 * bench measures that cost with no call and subtracts it).  The hub decodes
 * a track's Opus for raw subscribers in the pushing thread, so that
 * decode, a real per-session cost of the calls, is in this thread's time.
 *
 * stdout: "ready http=... sip=..." once listening, then for each stdin
 * line "publish N": N lines "session <ID>" (new routed sessions, each
 * publishing).  SIGTERM/SIGINT or end of stdin: the gateway stops (every
 * call hung up) and the process exits. */
#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "bench-media.h"
#include "gateway.h"
#include "ot-hub.h"
#include "settings.h"

#define PTIME_NS (20 * G_GINT64_CONSTANT (1000000))

typedef struct
{
  GPtrArray *packets;           /* immutable: Opus, 20 ms each */
  GstCaps *caps;
  GThread *thread;
  gint stop;                    /* atomic */
  GMutex lock;
  GPtrArray *tracks;            /* lock: OtTrack*, published */
} Publisher;

typedef struct
{
  GwGateway *gateway;
  GMainLoop *loop;
  GDataInputStream *commands;
  Publisher pub;
  gchar *api_key;
  GPtrArray *sessions;          /* OtSession*, ours */
} Host;

static void
timespec_add_ns (struct timespec *t, gint64 ns)
{
  t->tv_nsec += ns;
  while (t->tv_nsec >= 1000000000) {
    t->tv_nsec -= 1000000000;
    t->tv_sec++;
  }
}

/* One packet per track per 20 ms, stamped with the clock's time now (a
 * publisher's base_time + running_time). */
static gpointer
publish_loop (gpointer data)
{
  Publisher *pub = data;
  GstClock *clock = gst_system_clock_obtain ();
  struct timespec next;
  guint64 i = 0;

  clock_gettime (CLOCK_MONOTONIC, &next);
  while (!g_atomic_int_get (&pub->stop)) {
    GstBuffer *packet = pub->packets->pdata[i++ % pub->packets->len];
    GstClockTime now;

    timespec_add_ns (&next, PTIME_NS);
    clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    now = gst_clock_get_time (clock);
    g_mutex_lock (&pub->lock);
    for (guint t = 0; t < pub->tracks->len; t++) {
      GstBuffer *buf = gst_buffer_copy (packet);

      GST_BUFFER_PTS (buf) = now;
      GST_BUFFER_DURATION (buf) = PTIME_NS;
      ot_track_push (pub->tracks->pdata[t], buf);
    }
    g_mutex_unlock (&pub->lock);
  }
  gst_object_unref (clock);
  return NULL;
}

static gboolean
publish_one (Host * host, GError ** error)
{
  g_autoptr (OtSession) session = ot_hub_create_session (ot_hub_get_default
      (), host->api_key, NULL, TRUE);
  g_autoptr (OtConnection) conn = NULL;
  g_autoptr (OtStream) stream = NULL;
  OtTrack *track;

  conn = ot_session_add_connection (session, NULL, "name=speaker", error);
  if (conn == NULL)
    return FALSE;
  stream = ot_session_add_stream (session, conn, NULL, "speaker",
      OT_VIDEO_TYPE_CAMERA, error);
  if (stream == NULL)
    return FALSE;
  track = ot_stream_ensure_track (stream, OT_TRACK_AUDIO);
  if (!ot_track_set_caps (track, host->pub.caps, error)) {
    ot_track_unref (track);
    return FALSE;
  }
  g_mutex_lock (&host->pub.lock);
  g_ptr_array_add (host->pub.tracks, track);
  g_mutex_unlock (&host->pub.lock);
  g_ptr_array_add (host->sessions, g_object_ref (session));
  printf ("session %s\n", ot_session_get_id (session));
  return TRUE;
}

static void read_command (Host * host);

static void
on_command (GObject * source, GAsyncResult * result, gpointer data)
{
  Host *host = data;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *line = g_data_input_stream_read_line_finish_utf8
      (host->commands, result, NULL, &error);
  guint64 n;

  if (line == NULL) {           /* the driver is gone */
    g_main_loop_quit (host->loop);
    return;
  }
  if (g_str_has_prefix (line, "publish ")
      && g_ascii_string_to_unsigned (line + 8, 10, 1, 10000, &n, NULL)) {
    for (guint i = 0; i < n && !error; i++)
      publish_one (host, &error);
    if (error)
      printf ("error %s\n", error->message);
  } else {
    printf ("error unknown command “%s”\n", line);
  }
  fflush (stdout);
  read_command (host);
}

static void
read_command (Host * host)
{
  g_data_input_stream_read_line_async (host->commands, G_PRIORITY_DEFAULT,
      NULL, on_command, host);
}

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

/* The gateway's pipelines need them: without, every call would fail. */
static gboolean
check_elements (GError ** error)
{
  static const gchar *const names[] = { "otsink", "otsrc" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    g_autoptr (GstPluginFeature) f = gst_registry_lookup_feature
        (gst_registry_get (), names[i]);

    if (f == NULL) {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
          "no element %s: GST_PLUGIN_PATH must name the build's gst-plugin "
          "directory", names[i]);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
start (Host * host, const gchar * config, const gchar * speech, GError ** error)
{
  GwSettings *settings = gw_settings_new_from_file (config, error);
  g_autofree gchar *ready = NULL;

  if (settings == NULL)
    return FALSE;
  if (!check_elements (error)) {
    gw_settings_free (settings);
    return FALSE;
  }
  host->pub.packets = bench_media_opus (speech, &host->pub.caps, error);
  if (host->pub.packets == NULL) {
    gw_settings_free (settings);
    return FALSE;
  }
  host->gateway = gw_gateway_new (settings);
  if (!gw_gateway_start (host->gateway, error))
    return FALSE;
  host->pub.thread = g_thread_new ("bench-publish", publish_loop, &host->pub);
  ready = gw_gateway_get_ready_line (host->gateway);
  printf ("%s\n", ready);
  fflush (stdout);
  return TRUE;
}

static void
stop (Host * host)
{
  if (host->pub.thread) {
    g_atomic_int_set (&host->pub.stop, 1);
    g_thread_join (host->pub.thread);
  }
  if (host->gateway)
    gw_gateway_stop (host->gateway, 5000);
  g_clear_object (&host->gateway);
  g_ptr_array_unref (host->pub.tracks);
  g_clear_pointer (&host->pub.packets, g_ptr_array_unref);
  gst_clear_caps (&host->pub.caps);
  g_ptr_array_unref (host->sessions);
  g_mutex_clear (&host->pub.lock);
}

int
main (int argc, char **argv)
{
  g_autofree gchar *config = NULL, *speech = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GInputStream) in = g_unix_input_stream_new (0, FALSE);
  Host host = { 0 };
  const GOptionEntry entries[] = {
    {"config", 0, 0, G_OPTION_ARG_FILENAME, &config, "Gateway settings",
        "FILE"},
    {"speech", 0, 0, G_OPTION_ARG_FILENAME, &speech, "What publishers say",
        "WAV"},
    {"api-key", 0, 0, G_OPTION_ARG_STRING, &host.api_key,
        "Project of the sessions", "KEY"},
    {NULL}
  };
  gint status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !config
      || !speech || !host.api_key) {
    g_printerr ("bench-calls-host: %s\n", error ? error->message :
        "--config, --speech and --api-key are required");
    return 2;
  }
  gst_init (NULL, NULL);
  g_mutex_init (&host.pub.lock);
  host.pub.tracks = g_ptr_array_new_with_free_func ((GDestroyNotify)
      ot_track_unref);
  host.sessions = g_ptr_array_new_with_free_func (g_object_unref);
  host.loop = g_main_loop_new (NULL, FALSE);
  host.commands = g_data_input_stream_new (in);
  if (start (&host, config, speech, &error)) {
    g_unix_signal_add (SIGTERM, on_signal, host.loop);
    g_unix_signal_add (SIGINT, on_signal, host.loop);
    read_command (&host);
    g_main_loop_run (host.loop);
  } else {
    g_printerr ("bench-calls-host: %s\n", error->message);
    status = 1;
  }
  stop (&host);
  g_clear_object (&host.commands);
  g_main_loop_unref (host.loop);
  g_free (host.api_key);
  return status;
}
