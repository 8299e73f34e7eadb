/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Benchmark: the session hub's fan-out, one publisher to N subscribers.
 *
 * For N = 1, 10, 100 it pushes 20 ms raw audio buffers into one track and
 * has every subscriber pop each one (as an otsrc would), then prints the
 * CPU time per forwarded buffer per subscriber, the RSS growth, and how
 * many delivered buffers were not the published memory (copies; expected
 * 0).  A second table does the same with an Opus publisher and raw
 * subscribers, where one decoder serves them all.
 *
 *   bench-hub-fanout [BUFFERS]     (default 20000)
 *
 * Target: < 2 µs per buffer per subscriber when formats match. */
#include <gst/gst.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>

#include "ot-hub.h"

#define FRAME (20 * GST_MSECOND)

typedef struct
{
  const gchar *label;
  guint n_subs;
  guint n_buffers;
  gdouble cpu_us_per_item;      /* per buffer per subscriber */
  gdouble wall_us_per_item;
  glong rss_growth_kib;
  guint64 copies;
  guint64 delivered;
  guint converters;
} Result;

static gdouble
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static glong
rss_kib (void)
{
  glong pages = 0, resident = 0;
  FILE *f = fopen ("/proc/self/statm", "r");

  if (f) {
    if (fscanf (f, "%ld %ld", &pages, &resident) != 2)
      resident = 0;
    fclose (f);
  }
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static void
on_queued (OtSubscription * sub, gpointer data)
{
  (*(guint64 *) data)++;
}

/* A fresh session with one published audio track in `caps`. */
static OtTrack *
make_track (const gchar * caps_str, OtSession ** session)
{
  g_autoptr (OtConnection) conn = NULL;
  g_autoptr (OtStream) stream = NULL;
  g_autoptr (GstCaps) caps = gst_caps_from_string (caps_str);
  OtTrack *track;

  *session = ot_hub_create_session (ot_hub_get_default (), "1", NULL, TRUE);
  conn = ot_session_add_connection (*session, NULL, NULL, NULL);
  stream = ot_session_add_stream (*session, conn, NULL, "bench", 0, NULL);
  track = ot_stream_ensure_track (stream, OT_TRACK_AUDIO);
  if (!ot_track_set_caps (track, caps, NULL))
    g_error ("cannot publish %s", caps_str);
  return track;
}

static GstBuffer *
raw_buffer (guint index)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 1920, NULL);

  gst_buffer_memset (buf, 0, index & 0x7f, 1920);
  GST_BUFFER_PTS (buf) = 1000 * GST_SECOND + index * FRAME;
  GST_BUFFER_DURATION (buf) = FRAME;
  return buf;
}

/* Opus packets made by the hub itself: a raw track with an Opus
 * subscriber runs the encoder. */
static GPtrArray *
make_opus_packets (guint n, GstCaps ** caps)
{
  g_autoptr (GstCaps) want = gst_caps_from_string (OT_AUDIO_OPUS_CAPS);
  GPtrArray *packets = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  OtSession *session;
  OtTrack *track = make_track (OT_AUDIO_RAW_CAPS, &session);
  OtSubscription *sub;
  GstMiniObject *item;
  guint i;

  sub = ot_track_subscribe (track, want, n + 8, NULL, NULL, NULL, NULL);
  for (i = 0; i < n; i++)
    ot_track_push (track, raw_buffer (i));
  *caps = NULL;
  while ((item = ot_subscription_pop (sub)) != NULL) {
    if (GST_IS_BUFFER (item))
      g_ptr_array_add (packets, item);
    else
      gst_mini_object_unref (item);
  }
  *caps = ot_subscription_get_caps (sub);
  ot_subscription_unref (sub);
  ot_hub_remove_session (ot_hub_get_default (), ot_session_get_id (session));
  ot_track_unref (track);
  g_object_unref (session);
  return packets;
}

/* Pushes `n_buffers` (raw ones, or the given packets in a loop) to
 * `n_subs` raw subscribers that pop after each push. */
static void
run (Result * r, const gchar * published_caps, GPtrArray * packets)
{
  g_autoptr (GstCaps) raw = gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  OtSubscription **subs = g_new0 (OtSubscription *, r->n_subs);
  guint64 notified = 0;
  glong rss0 = rss_kib ();
  gdouble cpu0, cpu1;
  gint64 wall0, wall1;
  OtSession *session;
  OtTrack *track = make_track (published_caps, &session);
  guint i, j;

  for (j = 0; j < r->n_subs; j++)
    subs[j] = ot_track_subscribe (track, raw, 64, on_queued, &notified, NULL,
        NULL);
  r->converters = ot_hub_get_n_converters (ot_hub_get_default ());

  cpu0 = cpu_seconds ();
  wall0 = g_get_monotonic_time ();
  for (i = 0; i < r->n_buffers; i++) {
    GstBuffer *buf = packets ?
        gst_buffer_ref (g_ptr_array_index (packets, i % packets->len)) :
        raw_buffer (i);
    GstMemory *published = gst_buffer_peek_memory (buf, 0);

    ot_track_push (track, buf);
    for (j = 0; j < r->n_subs; j++) {
      GstMiniObject *item;

      while ((item = ot_subscription_pop (subs[j])) != NULL) {
        if (GST_IS_BUFFER (item)) {
          r->delivered++;
          if (!packets && gst_buffer_peek_memory (GST_BUFFER (item), 0)
              != published)
            r->copies++;
        }
        gst_mini_object_unref (item);
      }
    }
  }
  wall1 = g_get_monotonic_time ();
  cpu1 = cpu_seconds ();
  r->rss_growth_kib = rss_kib () - rss0;

  r->cpu_us_per_item = (cpu1 - cpu0) * 1e6 / ((gdouble) r->n_buffers *
      r->n_subs);
  r->wall_us_per_item = (wall1 - wall0) / ((gdouble) r->n_buffers * r->n_subs);
  for (j = 0; j < r->n_subs; j++)
    ot_subscription_unref (subs[j]);
  g_free (subs);
  ot_hub_remove_session (ot_hub_get_default (), ot_session_get_id (session));
  ot_track_unref (track);
  g_object_unref (session);
}

static void
print_row (const Result * r)
{
  printf ("%-22s %5u %8u %12.3f %12.3f %10ld %10" G_GUINT64_FORMAT
      " %7" G_GUINT64_FORMAT " %5u\n", r->label, r->n_subs, r->n_buffers,
      r->cpu_us_per_item, r->wall_us_per_item, r->rss_growth_kib,
      r->delivered, r->copies, r->converters);
}

int
main (int argc, char **argv)
{
  static const guint fanouts[] = { 1, 10, 100 };
  g_autoptr (GPtrArray) packets = NULL;
  g_autoptr (GstCaps) opus_caps = NULL;
  g_autofree gchar *opus_str = NULL;
  guint n_buffers = argc > 1 ? (guint) atoi (argv[1]) : 20000;
  gboolean slow = FALSE;
  guint i;

  gst_init (&argc, &argv);
  if (n_buffers == 0)
    g_error ("usage: %s [BUFFERS]", argv[0]);

  printf ("%-22s %5s %8s %12s %12s %10s %10s %7s %5s\n", "path", "subs",
      "buffers", "cpu us/b/s", "wall us/b/s", "rss KiB", "delivered",
      "copies", "conv");
  for (i = 0; i < G_N_ELEMENTS (fanouts); i++) {
    Result r = { "raw -> raw (by ref)", fanouts[i], n_buffers, };

    run (&r, OT_AUDIO_RAW_CAPS, NULL);
    print_row (&r);
    slow |= r.cpu_us_per_item >= 2.0 || r.copies > 0;
  }

  /* Decoding dominates here: fewer buffers, same table. */
  packets = make_opus_packets (250, &opus_caps);
  opus_str = gst_caps_to_string (opus_caps);
  for (i = 0; i < G_N_ELEMENTS (fanouts); i++) {
    Result r = { "opus -> raw (1 dec)", fanouts[i], MAX (n_buffers / 10, 1), };

    run (&r, opus_str, packets);
    print_row (&r);
  }
  printf ("target: < 2 us per buffer per subscriber, 0 copies: %s\n",
      slow ? "MISSED" : "met");
  return 0;
}
