/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "call-test-utils.h"
#include "gw-error.h"

/* ---- callbacks ---- */

struct _CallReceiver
{
  SoupServer *server;
  gchar *url;
  GPtrArray *events;            /* JsonObject*, arrival order */
};

static void
on_callback (SoupServer * server, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  CallReceiver *rx = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const gchar *type =
      soup_message_headers_get_content_type
      (soup_server_message_get_request_headers (msg), NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "POST");
  g_assert_cmpstr (type, ==, "application/json");
  json_parser_load_from_data (parser, body->data, body->length, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  g_ptr_array_add (rx->events, json_object_ref (json_node_get_object (root)));
  soup_server_message_set_status (msg, 200, NULL);
}

CallReceiver *
call_receiver_new (void)
{
  CallReceiver *rx = g_new0 (CallReceiver, 1);
  g_autoptr (GError) error = NULL;
  GSList *uris;

  rx->events = g_ptr_array_new_with_free_func ((GDestroyNotify)
      json_object_unref);
  rx->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (rx->server, "/callbacks", on_callback, rx, NULL);
  soup_server_listen_local (rx->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
      &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (rx->server);
  g_assert_nonnull (uris);
  rx->url = g_strdup_printf ("http://127.0.0.1:%d/callbacks",
      g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return rx;
}

void
call_receiver_free (CallReceiver * rx)
{
  soup_server_disconnect (rx->server);
  g_object_unref (rx->server);
  g_ptr_array_unref (rx->events);
  g_free (rx->url);
  g_free (rx);
}

const gchar *
call_receiver_get_url (CallReceiver * rx)
{
  return rx->url;
}

static const gchar *
event_call_id (JsonObject * ev)
{
  JsonObject *call = json_object_get_object_member (ev, "call");

  return call ? json_object_get_string_member_with_default (call, "id",
      NULL) : NULL;
}

static void
append_word (GString * s, JsonObject * ev)
{
  const gchar *name = json_object_get_string_member (ev, "event");

  if (s->len)
    g_string_append_c (s, ' ');
  if (g_str_equal (name, "callUpdated"))
    g_string_append (s, json_object_get_string_member (ev, "state"));
  else if (g_str_equal (name, "callDestroyed"))
    g_string_append_printf (s, "callDestroyed(%s %s)",
        json_object_get_string_member (ev, "reason_code"),
        json_object_get_string_member (ev, "reason_message"));
  else
    g_string_append (s, name);
}

gchar *
call_receiver_describe (CallReceiver * rx, const gchar * call_id)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < rx->events->len; i++) {
    JsonObject *ev = rx->events->pdata[i];

    if (g_strcmp0 (event_call_id (ev), call_id) == 0)
      append_word (s, ev);
  }
  return g_string_free (s, FALSE);
}

typedef struct
{
  CallReceiver *rx;
  const gchar *call_id;
  const gchar *word;
} Waiting;

static gboolean
has_word (gpointer data)
{
  Waiting *w = data;
  g_autofree gchar *all = call_receiver_describe (w->rx, w->call_id);
  g_auto (GStrv) words = g_strsplit (all, " ", -1);

  if (g_str_equal (w->word, "callDestroyed"))
    return strstr (all, "callDestroyed(") != NULL;
  for (guint i = 0; words[i]; i++)
    if (g_str_equal (words[i], w->word))
      return TRUE;
  return FALSE;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default context until done (data) or timeout_ms. */
static gboolean
run_until (gboolean (*done) (gpointer data), gpointer data, guint timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, set_flag, &expired);

  while (!done (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return done (data);
}

gboolean
call_receiver_wait (CallReceiver * rx, const gchar * call_id,
    const gchar * word, guint timeout_ms)
{
  Waiting w = { rx, call_id, word };

  return run_until (has_word, &w, timeout_ms);
}

JsonObject *
call_receiver_find (CallReceiver * rx, const gchar * call_id,
    const gchar * event)
{
  for (guint i = 0; i < rx->events->len; i++) {
    JsonObject *ev = rx->events->pdata[i];

    if (g_strcmp0 (event_call_id (ev), call_id) == 0
        && g_strcmp0 (json_object_get_string_member (ev, "event"), event) == 0)
      return ev;
  }
  return NULL;
}

static void
assert_common_fields (JsonObject * ev, const gchar * session_id,
    const gchar * connection_id, gint64 created_at)
{
  JsonObject *call = json_object_get_object_member (ev, "call");

  g_assert_cmpstr (json_object_get_string_member (ev, "sessionId"), ==,
      session_id);
  g_assert_cmpstr (json_object_get_string_member (ev, "projectId"), ==,
      TEST_API_KEY);
  g_assert_cmpint (json_object_get_int_member (ev, "timestamp"), >=,
      created_at);
  g_assert_cmpstr (json_object_get_string_member (call, "connectionId"), ==,
      connection_id);
  g_assert_cmpint (json_object_get_int_member (call, "createdAt"), ==,
      created_at);
}

void
call_receiver_assert (CallReceiver * rx, const gchar * call_id,
    const gchar * session_id, const gchar * connection_id,
    const gchar * expected)
{
  g_autofree gchar *got = NULL;
  JsonObject *first;
  gint64 created_at;

  if (!call_receiver_wait (rx, call_id, "callDestroyed", 20000))
    g_test_message ("no callDestroyed for call %s", call_id);
  /* A duplicate or a late event would show after the last one. */
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  got = call_receiver_describe (rx, call_id);
  g_assert_cmpstr (got, ==, expected);
  first = call_receiver_find (rx, call_id, "callCreated");
  created_at = json_object_get_int_member (json_object_get_object_member
      (first, "call"), "createdAt");
  g_assert_cmpint (created_at, >, 1600000000000);
  for (guint i = 0; i < rx->events->len; i++)
    if (g_strcmp0 (event_call_id (rx->events->pdata[i]), call_id) == 0)
      assert_common_fields (rx->events->pdata[i], session_id, connection_id,
          created_at);
}

/* ---- a gateway in the test process ---- */

gchar *
call_settings_text_full (const gchar * callback_url, const gchar * sip,
    const gchar * calls)
{
  return g_strdup_printf ("[http]\naddress=127.0.0.1\nport=0\n"
      "[sip]\naddress=127.0.0.1\nport=0\n%s" "[calls]\n%s"
      "[project " TEST_API_KEY "]\nsecret=" TEST_SECRET "\n"
      "callback-url=%s\n", sip ? sip : "", calls ? calls : "", callback_url);
}

gchar *
call_settings_text (const gchar * callback_url, const gchar * calls)
{
  return call_settings_text_full (callback_url, NULL, calls);
}

gchar *
call_client_token (const gchar * session_id, const gchar * data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree gchar *claims = g_strdup_printf ("{\"iss\":\"" TEST_API_KEY
      "\",\"ist\":\"project\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%"
      G_GINT64_FORMAT ",\"session_id\":\"%s\",\"role\":\"publisher\","
      "\"scope\":\"session.connect\",\"nonce\":1,\"connection_data\":\"%s\"}",
      now, now + 600, session_id, data);

  return test_jwt_raw ("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims,
      TEST_SECRET, G_CHECKSUM_SHA256);
}

void
call_fixture_setup (CallFixture * f, const gchar * calls)
{
  call_fixture_setup_full (f, NULL, calls);
}

void
call_fixture_setup_full (CallFixture * f, const gchar * sip,
    const gchar * calls)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = NULL;
  GwSettings *settings;

  f->rx = call_receiver_new ();
  text = call_settings_text_full (call_receiver_get_url (f->rx), sip, calls);
  settings = gw_settings_new_from_data (text, -1, "call-test.conf", &error);
  g_assert_no_error (error);
  f->rest.gateway = gw_gateway_new (settings);
  g_assert_true (gw_gateway_start (f->rest.gateway, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gw_gateway_get_sip_port (f->rest.gateway), >, 0);
  f->rest.base_url = g_strdup_printf ("http://127.0.0.1:%u",
      gw_gateway_get_http_port (f->rest.gateway));
  f->rest.client = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  f->rest_token = test_rest_jwt (TEST_API_KEY, TEST_SECRET, 300);
  f->session_id = test_create_session (&f->rest, TEST_API_KEY, TEST_SECRET);
  f->client_token = call_client_token (f->session_id, "name=sip");
}

void
call_fixture_teardown (CallFixture * f)
{
  /* NULL when a test removed it. */
  g_autoptr (OtSession) session = ot_hub_lookup_session (ot_hub_get_default
      (), f->session_id);
  GList *left;

  g_assert_true (gw_gateway_stop (f->rest.gateway, 5000));
  g_assert_cmpuint (gw_call_registry_get_n_calls (gw_gateway_get_calls
          (f->rest.gateway)), ==, 0);
  left = session ? ot_session_list_connections (session) : NULL;
  g_assert_cmpuint (g_list_length (left), ==, 0);
  ot_hub_remove_session (ot_hub_get_default (), f->session_id);
  g_clear_object (&f->rest.client);
  g_clear_object (&f->rest.gateway);
  g_clear_pointer (&f->rest.base_url, g_free);
  g_clear_pointer (&f->rx, call_receiver_free);
  g_free (f->rest_token);
  g_free (f->session_id);
  g_free (f->client_token);
  while (g_main_context_iteration (NULL, FALSE));
}

void
call_test_setup (CallFixture * f, gconstpointer data)
{
  call_fixture_setup (f, NULL);
}

void
call_test_teardown (CallFixture * f, gconstpointer data)
{
  call_fixture_teardown (f);
}

OtSession *
call_fixture_get_session (CallFixture * f)
{
  OtSession *session = ot_hub_lookup_session (ot_hub_get_default (),
      f->session_id);

  g_assert_nonnull (session);
  return session;
}

gchar *
call_dial_body (CallFixture * f, const gchar * sip)
{
  return g_strdup_printf ("{\"sessionId\":\"%s\",\"token\":\"%s\",\"sip\":"
      "%s}", f->session_id, f->client_token, sip);
}

RestReply *
call_post_dial (CallFixture * f, const gchar * sip)
{
  g_autofree gchar *body = call_dial_body (f, sip);

  return rest_call (&f->rest, "POST", "/v2/project/" TEST_API_KEY "/dial",
      f->rest_token, body);
}

static void
on_connection_added (OtSession * session, OtConnection * connection,
    GPtrArray * added)
{
  g_ptr_array_add (added, g_strdup (ot_connection_get_id (connection)));
}

static void
on_stream_added (OtSession * session, OtStream * stream, GPtrArray * added)
{
  g_ptr_array_add (added, g_strdup_printf ("%s/%s",
          ot_stream_get_connection_id (stream), ot_stream_get_id (stream)));
}

void
call_dial (CallFixture * f, const gchar * sip, GwDialReply * out)
{
  g_autoptr (OtSession) session = call_fixture_get_session (f);
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (RestReply) reply = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree gchar *stream_key = NULL;
  JsonObject *o;

  /* The call may be over by the time the reply is read (a far end that
   * refuses at once): watch the session while the request is served. */
  g_signal_connect (session, "connection-added",
      G_CALLBACK (on_connection_added), added);
  g_signal_connect (session, "stream-added", G_CALLBACK (on_stream_added),
      added);
  reply = call_post_dial (f, sip);
  g_signal_handlers_disconnect_by_data (session, added);
  node = rest_assert_json (reply);
  o = json_node_get_object (node);
  out->call_id = g_strdup (json_object_get_string_member (o, "id"));
  out->connection_id =
      g_strdup (json_object_get_string_member (o, "connectionId"));
  out->stream_id = g_strdup (json_object_get_string_member (o, "streamId"));
  g_assert_cmpuint (json_object_get_size (o), ==, 3);
  /* Both were in the session as the reply went out: added first, in the
   * dial itself. */
  g_assert_cmpuint (added->len, ==, 2);
  g_assert_cmpstr (added->pdata[0], ==, out->connection_id);
  stream_key = g_strdup_printf ("%s/%s", out->connection_id, out->stream_id);
  g_assert_cmpstr (added->pdata[1], ==, stream_key);
}

void
call_disconnect (CallFixture * f, const gchar * connection_id)
{
  g_autofree gchar *path = g_strdup_printf ("/v2/project/" TEST_API_KEY
      "/session/%s/connection/%s", f->session_id, connection_id);
  g_autoptr (RestReply) reply = rest_call (&f->rest, "DELETE", path,
      f->rest_token, NULL);
  g_autoptr (OtSession) session = call_fixture_get_session (f);
  g_autoptr (OtConnection) connection = NULL;

  g_assert_cmpuint (reply->status, ==, 204);
  connection = ot_session_lookup_connection (session, connection_id);
  g_assert_null (connection);
}

/* ---- media in the session ---- */

struct _CallListener
{
  GstElement *pipeline;
  GMutex lock;
  GArray *samples;              /* gint16, guarded by lock */
};

static GstFlowReturn
on_sample (GstElement * sink, gpointer user_data)
{
  CallListener *l = user_data;
  g_autoptr (GstSample) sample = NULL;
  GstMapInfo map;
  GstBuffer *buffer;

  g_signal_emit_by_name (sink, "pull-sample", &sample);
  if (sample == NULL)
    return GST_FLOW_EOS;
  buffer = gst_sample_get_buffer (sample);
  if (gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    g_mutex_lock (&l->lock);
    g_array_append_vals (l->samples, map.data, map.size / 2);
    g_mutex_unlock (&l->lock);
    gst_buffer_unmap (buffer, &map);
  }
  return GST_FLOW_OK;
}

static void
on_src_pad (GstElement * src, GstPad * pad, GstElement * sink)
{
  g_autoptr (GstPad) sinkpad = gst_element_get_static_pad (sink, "sink");

  if (g_str_has_prefix (GST_PAD_NAME (pad), "audio_")
      && !gst_pad_is_linked (sinkpad))
    g_assert_cmpint (gst_pad_link (pad, sinkpad), ==, GST_PAD_LINK_OK);
}

CallListener *
call_listener_new (const gchar * session_id, const gchar * stream_id)
{
  CallListener *l = g_new0 (CallListener, 1);
  g_autofree gchar *description = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) src = NULL, sink = NULL;

  g_mutex_init (&l->lock);
  l->samples = g_array_new (FALSE, FALSE, sizeof (gint16));
  description = g_strdup_printf ("otsrc name=src session-id=%s streams=%s "
      "create-session=false appsink name=sink sync=false async=false "
      "emit-signals=true caps=audio/x-raw,format=S16LE,layout=interleaved,"
      "rate=48000,channels=1", session_id, stream_id);
  l->pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  src = gst_bin_get_by_name (GST_BIN (l->pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (l->pipeline), "sink");
  g_signal_connect_object (src, "pad-added", G_CALLBACK (on_src_pad), sink, 0);
  g_signal_connect (sink, "new-sample", G_CALLBACK (on_sample), l);
  g_assert_cmpint (gst_element_set_state (l->pipeline, GST_STATE_PLAYING),
      !=, GST_STATE_CHANGE_FAILURE);
  return l;
}

typedef struct
{
  CallListener *l;
  guint from;
  guint n;
} Recording;

static gboolean
recorded (gpointer data)
{
  Recording *r = data;
  gboolean done;

  g_mutex_lock (&r->l->lock);
  done = r->l->samples->len >= r->from + r->n;
  g_mutex_unlock (&r->l->lock);
  return done;
}

GwTestAudio *
call_listener_record (CallListener * l, gdouble seconds, guint timeout_ms)
{
  Recording r = { l, 0, (guint) (seconds * 48000) };
  GwTestAudio *audio = NULL;

  g_mutex_lock (&l->lock);
  r.from = l->samples->len;
  g_mutex_unlock (&l->lock);
  if (run_until (recorded, &r, timeout_ms)) {
    g_mutex_lock (&l->lock);
    audio = gw_test_audio_new_s16 (&g_array_index (l->samples, gint16,
            r.from), r.n, 48000, 1);
    g_mutex_unlock (&l->lock);
  }
  return audio;
}

void
call_listener_free (CallListener * l)
{
  gst_element_set_state (l->pipeline, GST_STATE_NULL);
  gst_object_unref (l->pipeline);
  g_array_unref (l->samples);
  g_mutex_clear (&l->lock);
  g_free (l);
}

GstElement *
call_publisher_new (const gchar * session_id, guint tone_hz)
{
  g_autofree gchar *description = NULL;
  g_autoptr (GError) error = NULL;
  GstElement *pipeline;

  description = g_strdup_printf ("audiotestsrc is-live=true freq=%u "
      "volume=0.5 samplesperbuffer=960 ! audio/x-raw,format=S16LE,"
      "rate=48000,channels=1 ! otsink session-id=%s create-session=false "
      "stream-name=tone-%u", tone_hz, session_id, tone_hz);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  return pipeline;
}

void
call_publisher_free (GstElement * publisher)
{
  gst_element_set_state (publisher, GST_STATE_NULL);
  gst_object_unref (publisher);
}

/* ---- process resources ---- */

static guint
count_entries (const gchar * dir_path)
{
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir))
    n++;
  return n;
}

guint
call_count_fds (void)
{
  /* Minus the directory's own descriptor. */
  return count_entries ("/proc/self/fd") - 1;
}

guint
call_count_threads (void)
{
  return count_entries ("/proc/self/task");
}
