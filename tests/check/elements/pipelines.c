/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every pipelines/NAME.pipeline that needs no network is parsed and run for a
 * few seconds: it must reach PLAYING and post no error.  The demos' outputs
 * are checked too (the loopback's WAV holds the 440 Hz tone, ...).
 * Fragments of the gateway's per-call graph that name elements of other
 * files, and descriptions with network elements, are skipped (listed). */

#include <gst/check/gstcheck.h>
#include <math.h>
#include <glib/gstdio.h>
#include <string.h>
#include "ot-capture.h"
#include "gw-test-wav.h"

#define RUN_SECONDS 3

static GPtrArray *files;        /* paths of the .pipeline files, sorted */
static gchar *tmpdir;

static const gchar *network_elements[] = {
  "udpsrc", "udpsink", "multiudpsink", "tcpclientsrc", "tcpclientsink",
  "tcpserversrc", "tcpserversink", "souphttpsrc", "rtspsrc", "webrtcbin",
  "srtsrc", "srtsink", "whipsink", "whepsrc", NULL
};

/* The description: '#' lines dropped, lines joined. */
static gchar *
read_description (const gchar * path)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) lines = NULL;
  GString *desc = g_string_new (NULL);
  guint i;

  fail_unless (g_file_get_contents (path, &text, NULL, NULL), "%s", path);
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++) {
    if (g_strstrip (lines[i])[0] == '#' || !lines[i][0])
      continue;
    g_string_append_printf (desc, "%s ", lines[i]);
  }
  return g_string_free (desc, FALSE);
}

/* Why the description cannot run alone here, or NULL. */
static gchar *
why_skip (const gchar * desc)
{
  g_auto (GStrv) tokens = g_strsplit_set (desc, " \t", -1);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GRegex) ref = g_regex_new ("^([A-Za-z_][A-Za-z0-9_-]*)\\."
      "[A-Za-z0-9_%-]*$", 0, 0, NULL);
  guint i, j;

  for (i = 0; tokens[i]; i++) {
    for (j = 0; network_elements[j]; j++)
      if (g_str_equal (tokens[i], network_elements[j]))
        return g_strdup_printf ("needs the network (%s)", tokens[i]);
    if (g_str_has_prefix (tokens[i], "name="))
      g_hash_table_add (names, tokens[i] + 5);
  }
  for (i = 0; tokens[i]; i++) {
    g_autoptr (GMatchInfo) match = NULL;
    g_autofree gchar *name = NULL;

    if (!g_regex_match (ref, tokens[i], 0, &match))
      continue;
    name = g_match_info_fetch (match, 1);
    if (!g_hash_table_contains (names, name))
      return g_strdup_printf ("a fragment (uses %s. of another file)", name);
  }
  return NULL;
}

static gchar *
replace (const gchar * text, const gchar * what, const gchar * with)
{
  g_auto (GStrv) parts = g_strsplit (text, what, -1);

  return g_strjoinv (with, parts);
}

static gboolean
has_sink (GstElement * pipeline)
{
  GstIterator *it = gst_bin_iterate_sinks (GST_BIN (pipeline));
  GValue item = G_VALUE_INIT;
  gboolean found = gst_iterator_next (it, &item) == GST_ITERATOR_OK;

  g_value_unset (&item);
  gst_iterator_free (it);
  return found;
}

static void
assert_no_error_for (GstBus * bus, GstClockTime timeout, const gchar * name)
{
  g_autoptr (GstMessage) msg = gst_bus_timed_pop_filtered (bus, timeout,
      GST_MESSAGE_ERROR);
  g_autoptr (GError) err = NULL;
  g_autofree gchar *dbg = NULL;

  if (msg)
    gst_message_parse_error (msg, &err, &dbg);
  fail_if (msg != NULL, "%s: %s (%s)", name, err ? err->message : "", dbg);
}

/* ---- what the demos must produce ---- */

static GwTestAudio *
load_wav (const gchar * path)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (GwTestAudio) wav = gw_test_wav_load (path, &err);

  fail_unless (wav != NULL, "%s: %s", path, err ? err->message : "");
  fail_unless (gw_test_audio_duration (wav) > RUN_SECONDS - 1.0);
  /* The first half second is the start-up. */
  return gw_test_audio_slice (wav, 0.5, -1);
}

static void
check_tone (const gchar * wav_path)
{
  g_autoptr (GwTestAudio) audio = load_wav (wav_path);
  g_autofree gchar *what = gw_test_tone_describe (audio);

  fail_unless (fabs (gw_test_tone_dominant_frequency (audio, 50, 4000) -
          440) < 2, "%s", what);
  /* volume=0.5: -3 dBFS for a full-scale sine, -6 dB */
  fail_unless (fabs (gw_test_tone_rms_dbfs (audio) + 9.03) < 1, "%s", what);
}

static void
check_mix (const gchar * wav_path)
{
  g_autoptr (GwTestAudio) audio = load_wav (wav_path);
  g_autofree gchar *what = gw_test_tone_describe (audio);
  const gdouble freqs[] = { 440, 660, 880 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (freqs); i++) {
    gdouble share = gw_test_tone_power_fraction (audio, freqs[i], 10);
    fail_unless (share > 0.25 && share < 0.42, "%.0f Hz: %.2f of %s",
        freqs[i], share, what);
  }
}

static void
check_grid (OtCapture * video)
{
  g_autoptr (GstCaps) caps = ot_capture_get_caps (video);
  GstStructure *s;
  gint width = 0, height = 0;

  fail_unless (ot_capture_get_n_buffers (video) >= 15 * (RUN_SECONDS - 1));
  fail_unless (caps != NULL);
  s = gst_caps_get_structure (caps, 0);
  gst_structure_get_int (s, "width", &width);
  gst_structure_get_int (s, "height", &height);
  fail_unless_equals_int (width, 960);
  fail_unless_equals_int (height, 720);
}

/* ---- the test ---- */

static void
run (const gchar * name, const gchar * desc, const gchar * wav_path,
    GstElement ** pipeline_out, OtCapture ** video)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) video_sink = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) eos = NULL;
  g_autoptr (GstPad) pad = NULL;
  GstState state;
  gboolean sinks;

  pipeline = gst_parse_launch_full (desc, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
      &err);
  fail_unless (pipeline != NULL, "%s: %s", name, err ? err->message : "");
  bus = gst_element_get_bus (pipeline);
  video_sink = gst_bin_get_by_name (GST_BIN (pipeline), "ot_test_video");
  if (video_sink) {
    pad = gst_element_get_static_pad (video_sink, "sink");
    *video = ot_capture_new (pad);
  }

  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE, "%s", name);
  fail_unless_equals_int (gst_element_get_state (pipeline, &state, NULL,
          10 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (state, GST_STATE_PLAYING);
  /* A fragment without sinks (a codec pair) has nothing to show. */
  sinks = has_sink (pipeline);
  assert_no_error_for (bus, (sinks ? RUN_SECONDS : 1) * GST_SECOND, name);

  /* EOS finishes the files (as gst-launch -e). */
  if (sinks) {
    fail_unless (gst_element_send_event (pipeline, gst_event_new_eos ()));
    eos = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    fail_unless (eos && GST_MESSAGE_TYPE (eos) == GST_MESSAGE_EOS,
        "%s: no EOS", name);
  }
  assert_no_error_for (bus, 0, name);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  *pipeline_out = g_steal_pointer (&pipeline);
}

GST_START_TEST (test_pipeline)
{
  const gchar *path = g_ptr_array_index (files, __i__);
  g_autofree gchar *base = g_path_get_basename (path);
  g_autofree gchar *name = g_strndup (base, strlen (base) - 9);
  g_autofree gchar *wav = g_strdup_printf ("%s/%s.wav", tmpdir, name);
  g_autofree gchar *audio_sink = g_strdup_printf ("wavenc ! filesink "
      "location=%s", wav);
  g_autofree gchar *raw = read_description (path);
  g_autofree gchar *skip = why_skip (raw);
  g_autofree gchar *with_audio = NULL, *desc = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (OtCapture) video = NULL;

  if (skip) {
    g_print ("%s: skipped: %s\n", name, skip);
    return;
  }
  with_audio = replace (raw, "@AUDIO_SINK@", audio_sink);
  desc = replace (with_audio, "@VIDEO_SINK@",
      "fakesink name=ot_test_video sync=false");
  g_print ("%s: running\n", name);
  run (name, desc, wav, &pipeline, &video);

  if (g_str_equal (name, "loopback") || g_str_equal (name, "opus-loopback"))
    check_tone (wav);
  else if (g_str_equal (name, "audio-mix"))
    check_mix (wav);
  else if (g_str_equal (name, "grid-3x3"))
    check_grid (video);
  g_remove (wav);
}

GST_END_TEST;

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar **) a, *(const gchar **) b);
}

static void
find_pipelines (void)
{
  const gchar *root = g_getenv ("OT_SOURCE_ROOT");
  g_autofree gchar *dir_path = NULL;
  g_autoptr (GDir) dir = NULL;
  const gchar *entry;

  files = g_ptr_array_new_with_free_func (g_free);
  /* Outside a test: no check assertions. */
  g_assert_nonnull (root);
  dir_path = g_build_filename (root, "pipelines", NULL);
  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((entry = g_dir_read_name (dir)))
    if (g_str_has_suffix (entry, ".pipeline"))
      g_ptr_array_add (files, g_build_filename (dir_path, entry, NULL));
  g_ptr_array_sort (files, compare_paths);
  g_assert_cmpuint (files->len, >=, 3);
}

static Suite *
pipelines_suite (void)
{
  Suite *s = suite_create ("pipelines");
  TCase *tc = tcase_create ("general");

  find_pipelines ();
  tmpdir = g_dir_make_tmp ("ot-pipelines-XXXXXX", NULL);
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_loop_test (tc, test_pipeline, 0, files->len);
  return s;
}

int
main (int argc, char **argv)
{
  Suite *s;
  int failed;

  gst_check_init (&argc, &argv);
  s = pipelines_suite ();
  failed = gst_check_run_suite (s, "pipelines", __FILE__);
  g_rmdir (tmpdir);
  g_free (tmpdir);
  g_ptr_array_unref (files);
  return failed;
}
