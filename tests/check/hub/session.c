/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Session hub: session IDs, connections, streams, their signals, force
 * mute and "mute all". */
#include <gst/check/gstcheck.h>
#include <string.h>

#include "ot-hub.h"

/* Decodes an ID exactly as the OpenTok server SDKs do (opentok-node:
 * drop two characters, URL-safe alphabet back to standard base64, decode,
 * split on '~').  Written out here so it does not share code with the hub. */
static gchar **
sdk_decode_fields (const gchar * session_id)
{
  g_autofree gchar *b64 = g_strdup (session_id + 2);
  g_autoptr (GString) padded = NULL;
  g_autofree guchar *plain = NULL;
  g_autofree gchar *text = NULL;
  gsize len;
  gchar *p;

  for (p = b64; *p; p++) {
    if (*p == '-')
      *p = '+';
    else if (*p == '_')
      *p = '/';
  }
  padded = g_string_new (b64);
  while (padded->len % 4)
    g_string_append_c (padded, '=');
  plain = g_base64_decode (padded->str, &len);
  text = g_strndup ((gchar *) plain, len);
  return g_strsplit (text, "~", -1);
}

GST_START_TEST (test_session_id_shape)
{
  OtHub *hub = ot_hub_get_default ();
  gint64 before = g_get_real_time () / 1000;
  g_autoptr (OtSession) session = NULL;
  g_autoptr (OtSession) found = NULL;
  g_autofree gchar *key = NULL;
  g_auto (GStrv) fields = NULL;
  const gchar *id, *c;
  gint64 created;
  guint n = ot_hub_get_n_sessions (hub);

  session = ot_hub_create_session (hub, "4712", "127.0.0.1", TRUE);
  id = ot_session_get_id (session);
  fail_unless (g_str_has_prefix (id, "2_"), "bad prefix in %s", id);
  for (c = id + 2; *c; c++)
    fail_unless (g_ascii_isalnum (*c) || *c == '-' || *c == '_',
        "%s is not base64url without padding", id);
  fail_unless_equals_string (ot_session_get_api_key (session), "4712");
  fail_unless (ot_session_is_routed (session));
  created = ot_session_get_create_time (session);
  fail_unless (created >= before && created <= g_get_real_time () / 1000);

  /* The fields, as the SDKs see them. */
  fields = sdk_decode_fields (id);
  fail_unless_equals_int (g_strv_length (fields), 6);
  fail_unless_equals_string (fields[0], "1");
  fail_unless_equals_string (fields[1], "4712");
  fail_unless_equals_string (fields[2], "127.0.0.1");
  fail_unless_equals_int64 (g_ascii_strtoll (fields[3], NULL, 10), created);
  fail_unless (strlen (fields[4]) >= 16);
  fail_unless_equals_string (fields[5], "");

  key = ot_session_id_get_api_key (id);
  fail_unless_equals_string (key, "4712");
  found = ot_hub_lookup_session (hub, id);
  fail_unless (found == session);
  fail_unless_equals_int (ot_hub_get_n_sessions (hub), n + 1);
  fail_unless (ot_hub_remove_session (hub, id));
  fail_if (ot_hub_remove_session (hub, id));
  fail_unless_equals_int (ot_hub_get_n_sessions (hub), n);
}

GST_END_TEST;

GST_START_TEST (test_session_id_decoding)
{
  OtHub *hub = ot_hub_get_default ();
  g_autoptr (OtSession) relayed = NULL;
  g_autoptr (OtSession) ensured = NULL;
  g_autoptr (OtSession) again = NULL;
  g_autoptr (OtSession) plain = NULL;
  g_autofree gchar *key = NULL;
  g_autofree gchar *text = NULL;
  /* An ID as issued by the platform: "1_" + base64 of
   * "1~100~~1445542384917~Zm9vYmFy~MX4~" (no padding, URL-safe). */
  const gchar *platform = "1_MX4xMDB-fjE0NDU1NDIzODQ5MTd-Wm05dlltRnl-TVg0fg";
  gchar *none;

  /* Without a location the field is empty, and every length of API key
   * (so every padding case) survives the round trip. */
  relayed = ot_hub_create_session (hub, "123456", NULL, FALSE);
  fail_if (ot_session_is_routed (relayed));
  key = ot_session_id_get_api_key (ot_session_get_id (relayed));
  fail_unless_equals_string (key, "123456");
  g_clear_pointer (&key, g_free);
  for (guint len = 1; len <= 9; len++) {
    g_autofree gchar *api_key = g_strnfill (len, '7');
    g_autoptr (OtSession) s = ot_hub_create_session (hub, api_key, "x", TRUE);

    key = ot_session_id_get_api_key (ot_session_get_id (s));
    fail_unless_equals_string (key, api_key);
    g_clear_pointer (&key, g_free);
    ot_hub_remove_session (hub, ot_session_get_id (s));
  }

  key = ot_session_id_get_api_key (platform);
  fail_unless_equals_string (key, "100");
  text = ot_session_id_decode (platform);
  fail_unless_equals_string (text, "1~100~~1445542384917~Zm9vYmFy~MX4~");

  /* Not that shape: no key. */
  fail_unless (ot_session_id_get_api_key ("my-test-session") == NULL);
  fail_unless (ot_session_id_get_api_key ("2_!!!") == NULL);
  fail_unless (ot_session_id_get_api_key ("") == NULL);
  none = ot_session_id_get_api_key (NULL);
  fail_unless (none == NULL);

  /* ensure_session: takes the key and time from the ID, returns the same
   * session twice. */
  ensured = ot_hub_ensure_session (hub, platform);
  fail_unless_equals_string (ot_session_get_api_key (ensured), "100");
  fail_unless_equals_int64 (ot_session_get_create_time (ensured),
      1445542384917);
  again = ot_hub_ensure_session (hub, platform);
  fail_unless (again == ensured);
  plain = ot_hub_ensure_session (hub, "my-test-session");
  fail_unless_equals_string (ot_session_get_api_key (plain), "");

  ot_hub_remove_session (hub, platform);
  ot_hub_remove_session (hub, "my-test-session");
  ot_hub_remove_session (hub, ot_session_get_id (relayed));
}

GST_END_TEST;

/* Records signal emissions as "signal:id" lines. */
typedef struct
{
  GPtrArray *log;
} Recorder;

static void
on_connection (OtSession * session, OtConnection * connection, gpointer data)
{
  Recorder *rec = data;

  g_ptr_array_add (rec->log, g_strdup_printf ("%s:%s",
          ot_connection_is_connected (connection) ? "conn+" : "conn-",
          ot_connection_get_id (connection)));
}

static void
on_stream (OtSession * session, OtStream * stream, const gchar * tag,
    Recorder * rec)
{
  g_ptr_array_add (rec->log, g_strdup_printf ("%s:%s", tag,
          ot_stream_get_id (stream)));
}

static void
on_stream_added (OtSession * s, OtStream * stream, gpointer data)
{
  fail_unless (ot_stream_is_published (stream));
  on_stream (s, stream, "stream+", data);
}

static void
on_stream_removed (OtSession * s, OtStream * stream, gpointer data)
{
  fail_if (ot_stream_is_published (stream));
  on_stream (s, stream, "stream-", data);
}

static void
on_stream_changed (OtSession * s, OtStream * stream, gpointer data)
{
  on_stream (s, stream, ot_stream_is_muted (stream) ? "muted" : "unmuted",
      data);
}

static Recorder *
recorder_attach (OtSession * session)
{
  Recorder *rec = g_new0 (Recorder, 1);

  rec->log = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (session, "connection-added", G_CALLBACK (on_connection),
      rec);
  g_signal_connect (session, "connection-removed",
      G_CALLBACK (on_connection), rec);
  g_signal_connect (session, "stream-added", G_CALLBACK (on_stream_added), rec);
  g_signal_connect (session, "stream-removed",
      G_CALLBACK (on_stream_removed), rec);
  g_signal_connect (session, "stream-changed",
      G_CALLBACK (on_stream_changed), rec);
  return rec;
}

static void
recorder_free (Recorder * rec)
{
  g_ptr_array_unref (rec->log);
  g_free (rec);
}

/* Checks the log against a NULL-terminated list and clears it. */
static void
recorder_expect (Recorder * rec, ...)
{
  va_list args;
  const gchar *line;
  guint i = 0;

  va_start (args, rec);
  while ((line = va_arg (args, const gchar *)) != NULL)
  {
    fail_unless (i < rec->log->len, "missing %s", line);
    fail_unless_equals_string (g_ptr_array_index (rec->log, i), line);
    i++;
  }
  va_end (args);
  fail_unless_equals_int (rec->log->len, i);
  g_ptr_array_set_size (rec->log, 0);
}

GST_START_TEST (test_connections_and_streams)
{
  OtHub *hub = ot_hub_get_default ();
  g_autoptr (OtSession) session = ot_hub_create_session (hub, "1", NULL, TRUE);
  g_autoptr (OtConnection) a = NULL;
  g_autoptr (OtConnection) b = NULL;
  g_autoptr (OtConnection) dup = NULL;
  g_autoptr (OtStream) sa = NULL;
  g_autoptr (OtStream) sb = NULL;
  g_autoptr (OtStream) sb2 = NULL;
  g_autoptr (OtTrack) track = NULL;
  g_autoptr (GError) error = NULL;
  g_autolist (OtStream) streams = NULL;
  g_autolist (OtConnection) conns = NULL;
  g_autofree gchar *conn_b = NULL;
  g_autofree gchar *stream_b = NULL;
  Recorder *rec = recorder_attach (session);

  a = ot_session_add_connection (session, "conn-a", "role=sip", &error);
  g_assert_no_error (error);
  fail_unless_equals_string (ot_connection_get_data (a), "role=sip");
  fail_unless (ot_connection_get_create_time (a) > 0);
  fail_unless (ot_connection_peek_session (a) == session);
  b = ot_session_add_connection (session, NULL, NULL, &error);
  g_assert_no_error (error);
  fail_unless (g_uuid_string_is_valid (ot_connection_get_id (b)));
  dup = ot_session_add_connection (session, "conn-a", NULL, &error);
  fail_unless (dup == NULL);
  g_assert_error (error, OT_HUB_ERROR, OT_HUB_ERROR_EXISTS);
  g_clear_error (&error);

  sa = ot_session_add_stream (session, a, "stream-a", "SIP leg",
      OT_VIDEO_TYPE_CAMERA, &error);
  g_assert_no_error (error);
  sb = ot_session_add_stream (session, b, NULL, "screen",
      OT_VIDEO_TYPE_SCREEN, &error);
  g_assert_no_error (error);
  fail_unless (g_uuid_string_is_valid (ot_stream_get_id (sb)));
  sb2 = ot_session_add_stream (session, b, "stream-b2", NULL,
      OT_VIDEO_TYPE_CAMERA, &error);
  fail_unless_equals_string (ot_stream_get_connection_id (sb2),
      ot_connection_get_id (b));
  fail_unless_equals_int (ot_stream_get_video_type (sb), OT_VIDEO_TYPE_SCREEN);
  fail_unless_equals_string (ot_stream_get_name (sa), "SIP leg");
  fail_if (ot_stream_has_audio (sa));
  track = ot_stream_ensure_track (sa, OT_TRACK_AUDIO);
  fail_unless (ot_stream_has_audio (sa));
  fail_if (ot_stream_has_video (sa));

  conns = ot_session_list_connections (session);
  fail_unless_equals_int (g_list_length (conns), 2);
  fail_unless (conns->data == a);
  streams = ot_session_list_streams (session);
  fail_unless_equals_int (g_list_length (streams), 3);
  fail_unless (streams->data == sa && streams->next->data == sb);

  conn_b = g_strdup_printf ("conn+:%s", ot_connection_get_id (b));
  stream_b = g_strdup_printf ("stream+:%s", ot_stream_get_id (sb));
  recorder_expect (rec, "conn+:conn-a", conn_b, "stream+:stream-a", stream_b,
      "stream+:stream-b2", NULL);

  /* Removing a stream; then a connection takes its streams along, streams
   * first. */
  fail_unless (ot_session_remove_stream (session, "stream-b2"));
  fail_if (ot_session_remove_stream (session, "stream-b2"));
  recorder_expect (rec, "stream-:stream-b2", NULL);
  fail_unless (ot_session_remove_connection (session, "conn-a"));
  fail_if (ot_session_remove_connection (session, "conn-a"));
  recorder_expect (rec, "stream-:stream-a", "conn-:conn-a", NULL);
  fail_if (ot_connection_is_connected (a));
  fail_unless (ot_connection_peek_session (a) == NULL);
  fail_unless (ot_session_lookup_stream (session, "stream-a") == NULL);
  fail_unless (ot_stream_get_track (sa, OT_TRACK_AUDIO) == NULL);
  fail_if (ot_track_push (track, gst_buffer_new_allocate (NULL, 10, NULL)));

  /* A stream of a gone connection cannot be published. */
  fail_unless (ot_session_add_stream (session, a, NULL, NULL,
          OT_VIDEO_TYPE_CAMERA, &error) == NULL);
  g_assert_error (error, OT_HUB_ERROR, OT_HUB_ERROR_GONE);
  g_clear_error (&error);

  /* Removing the session removes the rest. */
  fail_unless (ot_hub_remove_session (hub, ot_session_get_id (session)));
  fail_if (ot_stream_is_published (sb));
  fail_if (ot_connection_is_connected (b));
  fail_unless_equals_int (rec->log->len, 2);
  recorder_free (rec);
}

GST_END_TEST;

static void
count_notify (GObject * obj, GParamSpec * pspec, gpointer data)
{
  (*(guint *) data)++;
}

GST_START_TEST (test_force_mute)
{
  OtHub *hub = ot_hub_get_default ();
  g_autoptr (OtSession) session = ot_hub_create_session (hub, "1", NULL, TRUE);
  g_autoptr (OtConnection) c = NULL;
  g_autoptr (OtStream) s1 = NULL;
  g_autoptr (OtStream) s2 = NULL;
  g_autoptr (GError) error = NULL;
  Recorder *rec = recorder_attach (session);
  guint notifies = 0;

  c = ot_session_add_connection (session, "c", NULL, NULL);
  s1 = ot_session_add_stream (session, c, "s1", NULL, 0, NULL);
  s2 = ot_session_add_stream (session, c, "s2", NULL, 0, NULL);
  g_ptr_array_set_size (rec->log, 0);
  g_signal_connect (s1, "notify::muted", G_CALLBACK (count_notify), &notifies);

  fail_unless (ot_stream_get_observe_force_mute (s1));
  fail_unless (ot_session_force_mute_stream (session, "s1", &error));
  g_assert_no_error (error);
  fail_unless (ot_stream_is_muted (s1));
  fail_unless_equals_int (notifies, 1);
  recorder_expect (rec, "muted:s1", NULL);
  /* Muting a muted stream changes nothing and says nothing. */
  fail_unless (ot_session_force_mute_stream (session, "s1", NULL));
  fail_unless_equals_int (notifies, 1);
  recorder_expect (rec, NULL);

  ot_stream_set_muted (s1, FALSE);
  fail_unless_equals_int (notifies, 2);
  recorder_expect (rec, "unmuted:s1", NULL);

  /* A stream that ignores force mute. */
  ot_stream_set_observe_force_mute (s2, FALSE);
  fail_if (ot_session_force_mute_stream (session, "s2", &error));
  g_assert_no_error (error);
  fail_if (ot_stream_is_muted (s2));
  recorder_expect (rec, NULL);

  fail_if (ot_session_force_mute_stream (session, "nope", &error));
  g_assert_error (error, OT_HUB_ERROR, OT_HUB_ERROR_NOT_FOUND);

  ot_hub_remove_session (hub, ot_session_get_id (session));
  recorder_free (rec);
}

GST_END_TEST;

GST_START_TEST (test_mute_all)
{
  OtHub *hub = ot_hub_get_default ();
  g_autoptr (OtSession) session = ot_hub_create_session (hub, "1", NULL, TRUE);
  const gchar *excluded[] = { "s2", "late-excluded", NULL };
  g_autoptr (OtConnection) c = NULL;
  g_autoptr (OtStream) s1 = NULL;
  g_autoptr (OtStream) s2 = NULL;
  g_autoptr (OtStream) s3 = NULL;
  g_autoptr (OtStream) late = NULL;
  g_autoptr (OtStream) late_sip = NULL;
  g_autoptr (OtStream) late_excluded = NULL;
  g_autoptr (OtStream) after = NULL;
  GList *muted;
  Recorder *rec = recorder_attach (session);

  c = ot_session_add_connection (session, "c", NULL, NULL);
  s1 = ot_session_add_stream (session, c, "s1", NULL, 0, NULL);
  s2 = ot_session_add_stream (session, c, "s2", NULL, 0, NULL);
  s3 = ot_session_add_stream (session, c, "s3", NULL, 0, NULL);
  ot_stream_set_observe_force_mute (s3, FALSE);
  g_ptr_array_set_size (rec->log, 0);

  fail_if (ot_session_get_mute_all (session));
  muted = ot_session_set_mute_all (session, TRUE, excluded);
  fail_unless (ot_session_get_mute_all (session));
  fail_unless_equals_int (g_list_length (muted), 1);
  fail_unless (muted->data == s1);
  g_list_free_full (muted, g_object_unref);
  fail_unless (ot_stream_is_muted (s1));
  fail_if (ot_stream_is_muted (s2));    /* excluded */
  fail_if (ot_stream_is_muted (s3));    /* ignores force mute */
  recorder_expect (rec, "muted:s1", NULL);

  /* Published while active: starts muted, unless excluded or (once its
   * owner says so) ignoring force mute. */
  late = ot_session_add_stream (session, c, "late", NULL, 0, NULL);
  fail_unless (ot_stream_is_muted (late));
  late_excluded = ot_session_add_stream (session, c, "late-excluded", NULL,
      0, NULL);
  fail_if (ot_stream_is_muted (late_excluded));
  late_sip = ot_session_add_stream (session, c, "late-sip", NULL, 0, NULL);
  fail_unless (ot_stream_is_muted (late_sip));
  ot_stream_set_observe_force_mute (late_sip, FALSE);
  fail_if (ot_stream_is_muted (late_sip));
  recorder_expect (rec, "stream+:late", "stream+:late-excluded",
      "stream+:late-sip", "unmuted:late-sip", NULL);

  /* Ending the state: streams stay muted, new ones start unmuted. */
  muted = ot_session_set_mute_all (session, FALSE, NULL);
  fail_unless (muted == NULL);
  fail_if (ot_session_get_mute_all (session));
  fail_unless (ot_stream_is_muted (s1));
  fail_unless (ot_stream_is_muted (late));
  after = ot_session_add_stream (session, c, "after", NULL, 0, NULL);
  fail_if (ot_stream_is_muted (after));

  ot_hub_remove_session (hub, ot_session_get_id (session));
  recorder_free (rec);
}

GST_END_TEST;

static Suite *
hub_session_suite (void)
{
  Suite *s = suite_create ("hub-session");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_session_id_shape);
  tcase_add_test (tc, test_session_id_decoding);
  tcase_add_test (tc, test_connections_and_streams);
  tcase_add_test (tc, test_force_mute);
  tcase_add_test (tc, test_mute_all);
  return s;
}

GST_CHECK_MAIN (hub_session);
