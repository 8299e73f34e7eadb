/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Call-monitoring callbacks against a real HTTP receiver on 127.0.0.1:
 * exact bodies, signatures, retries, per-call order, the queue bound and
 * flush with a receiver that never answers. */
#include <string.h>

#include <gst/gst.h>
#include <libsoup/soup.h>

#include "callbacks.h"
#include "jwt.h"

#define SECRET "callback-signing-secret"
#define WAIT_MS 20000

typedef struct
{
  gchar *body;
  gchar *content_type;
  gchar *authorization;
} Request;

typedef struct
{
  SoupServer *server;
  gchar *url;
  GPtrArray *requests;          /* Request*, every request received */
  GPtrArray *accepted;          /* gchar* bodies answered 200, in order */
  GQueue statuses;              /* answers for the next requests, then 200 */
  gchar *reject_body;           /* this body always gets reject_status */
  guint reject_status;
  gchar *hold_body;             /* this body is never answered... */
  gboolean hold_all;            /* ...nor is any body */
  GPtrArray *held;              /* SoupServerMessage* */
} Receiver;

static void
request_free (Request * r)
{
  g_free (r->body);
  g_free (r->content_type);
  g_free (r->authorization);
  g_free (r);
}

static void
answer (SoupServerMessage * msg, guint status)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC,
      "", 0);
}

static void
on_request (SoupServer * server, SoupServerMessage * msg, const gchar * path,
    GHashTable * query, gpointer data)
{
  Receiver *rx = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr (GBytes) bytes =
      soup_message_body_flatten (soup_server_message_get_request_body (msg));
  Request *r = g_new0 (Request, 1);

  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "POST");
  g_assert_cmpstr (path, ==, "/events");
  r->body = g_strndup (g_bytes_get_data (bytes, NULL),
      g_bytes_get_size (bytes));
  /* Exactly the bytes sent: no NUL inside, nothing after. */
  g_assert_cmpuint (strlen (r->body), ==, g_bytes_get_size (bytes));
  r->content_type = g_strdup (soup_message_headers_get_one (headers,
          "Content-Type"));
  r->authorization = g_strdup (soup_message_headers_get_one (headers,
          "Authorization"));
  g_ptr_array_add (rx->requests, r);

  if (rx->hold_all || g_strcmp0 (r->body, rx->hold_body) == 0) {
    soup_server_message_pause (msg);
    g_ptr_array_add (rx->held, g_object_ref (msg));
  } else if (!g_queue_is_empty (&rx->statuses)) {
    answer (msg, GPOINTER_TO_UINT (g_queue_pop_head (&rx->statuses)));
  } else if (g_strcmp0 (r->body, rx->reject_body) == 0) {
    answer (msg, rx->reject_status);
  } else {
    answer (msg, SOUP_STATUS_OK);
    g_ptr_array_add (rx->accepted, g_strdup (r->body));
  }
}

/* A receiver on 127.0.0.1:port (0 = ephemeral). */
static Receiver *
receiver_new (guint port)
{
  Receiver *rx = g_new0 (Receiver, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) lo =
      g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, port);
  GSList *uris;

  rx->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (rx->server, NULL, on_request, rx, NULL);
  g_assert_true (soup_server_listen (rx->server, addr, 0, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (rx->server);
  rx->url = g_strdup_printf ("http://127.0.0.1:%d/events",
      g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  rx->requests = g_ptr_array_new_with_free_func ((GDestroyNotify)
      request_free);
  rx->accepted = g_ptr_array_new_with_free_func (g_free);
  rx->held = g_ptr_array_new_with_free_func (g_object_unref);
  return rx;
}

/* Lets cancelled requests and closing connections finish. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static void
receiver_free (Receiver * rx)
{
  soup_server_disconnect (rx->server);
  g_ptr_array_unref (rx->held);
  g_object_unref (rx->server);
  spin (50);
  g_ptr_array_unref (rx->requests);
  g_ptr_array_unref (rx->accepted);
  g_queue_clear (&rx->statuses);
  g_free (rx->url);
  g_free (rx->reject_body);
  g_free (rx->hold_body);
  g_free (rx);
}

static void
release_held (Receiver * rx)
{
  for (guint i = 0; i < rx->held->len; i++) {
    SoupServerMessage *msg = g_ptr_array_index (rx->held, i);
    g_autoptr (GBytes) bytes =
        soup_message_body_flatten (soup_server_message_get_request_body (msg));

    g_ptr_array_add (rx->accepted, g_strndup (g_bytes_get_data (bytes, NULL),
            g_bytes_get_size (bytes)));
    answer (msg, SOUP_STATUS_OK);
    soup_server_message_unpause (msg);
  }
  g_ptr_array_set_size (rx->held, 0);
}

static gboolean
on_wait_expired (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates until count() is n; fails the test after WAIT_MS. */
static void
wait_count (guint (*count) (gpointer), gpointer data, guint n)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (WAIT_MS, on_wait_expired, &expired);

  while (count (data) != n && !expired)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count (data), ==, n);
  g_source_remove (id);
}

static guint
n_accepted (gpointer rx)
{
  return ((Receiver *) rx)->accepted->len;
}

static guint
n_requests (gpointer rx)
{
  return ((Receiver *) rx)->requests->len;
}

static guint
n_pending (gpointer cb)
{
  return gw_callbacks_get_n_pending (cb);
}

/* An event of call `call` with index i (distinct bodies, fixed times). */
static GwCallEvent
make_event (const gchar * call, const gchar * name, const gchar * arg, guint i)
{
  GwCallEvent ev = {
    .session_id = "2_MX4xMjM0NTZ-fjE3MDA-",
    .project_id = "123456",
    .event = name,
    .timestamp = 1700000000000 + i,
    .call_id = call,
    .connection_id = "6b5bd3f6-8b8e-4e3b-9d53-0c2f1f6c0001",
    .created_at = 1700000000000,
  };

  if (g_strcmp0 (name, "callUpdated") == 0)
    ev.state = arg;
  if (g_strcmp0 (name, "callDestroyed") == 0) {
    ev.reason_code = arg;
    ev.reason_message = "Normal Clearing";
  }
  return ev;
}

/* The six events of a normal call, as bodies; sends them when cb != NULL. */
static const gchar *call_names[] =
    { "callCreated", "callUpdated", "callUpdated", "callUpdated",
  "callUpdated", "callDestroyed"
};
static const gchar *call_args[] =
    { NULL, "DIALING", "RINGING", "ACTIVE", "HANGUP", "700" };

static gchar *
call_body (const gchar * call, guint i)
{
  GwCallEvent ev = make_event (call, call_names[i], call_args[i], i);

  return gw_call_event_to_json (&ev);
}

static void
send_call_event (GwCallbacks * cb, const gchar * url, const gchar * secret,
    const gchar * call, guint i)
{
  GwCallEvent ev = make_event (call, call_names[i], call_args[i], i);

  gw_callbacks_send (cb, url, secret, &ev);
}

/* The bodies of `call` among `bodies`, in their order, are events from..to. */
static void
assert_call_sequence (GPtrArray * bodies, const gchar * call, guint from,
    guint to)
{
  g_autofree gchar *needle = g_strdup_printf ("\"id\":\"%s\"", call);
  guint next = from;

  for (guint i = 0; i < bodies->len; i++) {
    const gchar *body = g_ptr_array_index (bodies, i);
    g_autofree gchar *expected = NULL;

    if (!strstr (body, needle))
      continue;
    g_assert_cmpuint (next, <=, to);
    expected = call_body (call, next++);
    g_assert_cmpstr (body, ==, expected);
  }
  g_assert_cmpuint (next, ==, to + 1);
}

static guint
count_call (GPtrArray * bodies, const gchar * call)
{
  g_autofree gchar *needle = g_strdup_printf ("\"id\":\"%s\"", call);
  guint n = 0;

  for (guint i = 0; i < bodies->len; i++)
    n += strstr (g_ptr_array_index (bodies, i), needle) != NULL;
  return n;
}

/* bodies[at] is event i of call. */
static void
assert_body (GPtrArray * bodies, guint at, const gchar * call, guint i)
{
  g_autofree gchar *expected = call_body (call, i);

  g_assert_cmpuint (at, <, bodies->len);
  g_assert_cmpstr (g_ptr_array_index (bodies, at), ==, expected);
}

static void
test_json (void)
{
  GwCallEvent ev = make_event ("c1", "callCreated", NULL, 123);
  g_autofree gchar *created = gw_call_event_to_json (&ev);
  g_autofree gchar *updated = NULL;
  g_autofree gchar *destroyed = NULL;
  g_autofree gchar *now = NULL;
  g_autoptr (JsonNode) node = NULL;
  gint64 before, stamp;

  g_assert_cmpstr (created, ==, "{\"sessionId\":\"2_MX4xMjM0NTZ-fjE3MDA-\","
      "\"projectId\":\"123456\",\"event\":\"callCreated\","
      "\"timestamp\":1700000000123,\"call\":{\"id\":\"c1\","
      "\"connectionId\":\"6b5bd3f6-8b8e-4e3b-9d53-0c2f1f6c0001\","
      "\"createdAt\":1700000000000}}");

  ev = make_event ("c1", "callUpdated", "RINGING", 1);
  updated = gw_call_event_to_json (&ev);
  g_assert_true (g_str_has_suffix (updated,
          "\"createdAt\":1700000000000},\"state\":\"RINGING\"}"));

  ev = make_event ("c1", "callDestroyed", "486", 2);
  ev.reason_message = "Busy \"Here\"";
  destroyed = gw_call_event_to_json (&ev);
  g_assert_true (g_str_has_suffix (destroyed, "\"createdAt\":1700000000000},"
          "\"reason_code\":\"486\",\"reason_message\":\"Busy \\\"Here\\\"\"}"));

  /* timestamp 0 means now, in ms since the epoch */
  ev = make_event ("c1", "muteForced", NULL, 0);
  ev.timestamp = 0;
  before = g_get_real_time () / 1000;
  now = gw_call_event_to_json (&ev);
  node = json_from_string (now, NULL);
  g_assert_nonnull (node);
  stamp = json_object_get_int_member (json_node_get_object (node), "timestamp");
  g_assert_cmpint (stamp, >=, before);
  g_assert_cmpint (stamp, <=, g_get_real_time () / 1000);
  g_assert_false (json_object_has_member (json_node_get_object (node),
          "state"));
}

static void
check_signature (const Request * r, GHashTable * jtis)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) header = NULL;
  g_autoptr (JsonObject) claims = NULL;
  g_autoptr (JsonObject) forged = NULL;
  g_autofree gchar *hash = NULL;
  const gchar *token, *jti;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_nonnull (r->authorization);
  g_assert_true (g_str_has_prefix (r->authorization, "Bearer "));
  token = r->authorization + strlen ("Bearer ");

  forged = gw_jwt_decode_hs256 (token, "another secret", NULL, &error);
  g_assert_null (forged);
  g_assert_nonnull (error);
  g_clear_error (&error);

  claims = gw_jwt_decode_hs256 (token, SECRET, &header, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (header, "alg"), ==, "HS256");
  g_assert_cmpstr (json_object_get_string_member (claims, "iss"), ==, "Vonage");
  g_assert_cmpstr (json_object_get_string_member (claims, "api_key"), ==,
      "123456");
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, r->body, -1);
  g_assert_cmpstr (json_object_get_string_member (claims, "payload_hash"), ==,
      hash);
  g_assert_cmpint (json_object_get_int_member (claims, "iat"), >=, now - 60);
  g_assert_cmpint (json_object_get_int_member (claims, "iat"), <=, now + 1);
  jti = json_object_get_string_member (claims, "jti");
  g_assert_true (g_uuid_string_is_valid (jti));
  g_assert_false (g_hash_table_contains (jtis, jti));
  g_hash_table_add (jtis, g_strdup (jti));
}

static void
test_signed (void)
{
  Receiver *rx = receiver_new (0);
  g_autoptr (GwCallbacks) cb = gw_callbacks_new ();
  g_autoptr (GHashTable) jtis =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* two 503s first: a retried event carries a fresh jti */
  g_queue_push_tail (&rx->statuses, GUINT_TO_POINTER (503));
  g_queue_push_tail (&rx->statuses, GUINT_TO_POINTER (503));
  gw_callbacks_set_retry (cb, 10, 50, 30000);
  for (guint i = 0; i < 6; i++)
    send_call_event (cb, rx->url, SECRET, "call-s", i);
  g_assert_cmpuint (gw_callbacks_get_n_pending (cb), ==, 6);
  g_assert_true (gw_callbacks_flush (cb, WAIT_MS));
  g_assert_cmpuint (gw_callbacks_get_n_pending (cb), ==, 0);

  g_assert_cmpuint (rx->requests->len, ==, 8);
  for (guint i = 0; i < rx->requests->len; i++) {
    const Request *r = g_ptr_array_index (rx->requests, i);

    g_assert_cmpstr (r->content_type, ==, "application/json");
    check_signature (r, jtis);
  }
  assert_call_sequence (rx->accepted, "call-s", 0, 5);
  receiver_free (rx);
}

static void
test_unsigned (void)
{
  Receiver *rx = receiver_new (0);
  g_autoptr (GwCallbacks) cb = gw_callbacks_new ();

  send_call_event (cb, rx->url, NULL, "call-u", 0);
  send_call_event (cb, rx->url, "", "call-u", 1);
  /* no URL: nothing to do */
  send_call_event (cb, NULL, SECRET, "call-u", 2);
  send_call_event (cb, "", SECRET, "call-u", 2);
  g_assert_cmpuint (gw_callbacks_get_n_pending (cb), ==, 2);
  g_assert_true (gw_callbacks_flush (cb, WAIT_MS));

  g_assert_cmpuint (rx->requests->len, ==, 2);
  for (guint i = 0; i < rx->requests->len; i++) {
    const Request *r = g_ptr_array_index (rx->requests, i);

    g_assert_cmpstr (r->content_type, ==, "application/json");
    g_assert_null (r->authorization);
  }
  assert_call_sequence (rx->accepted, "call-u", 0, 1);
  receiver_free (rx);
}

static void
test_bad_url (void)
{
  g_autoptr (GwCallbacks) cb = gw_callbacks_new ();

  g_test_expect_message ("gw", G_LOG_LEVEL_WARNING, "*bad callback URL*");
  send_call_event (cb, "ftp://127.0.0.1/x", SECRET, "call-b", 0);
  g_test_assert_expected_messages ();
  g_test_expect_message ("gw", G_LOG_LEVEL_WARNING, "*bad callback URL*");
  send_call_event (cb, "not a url", SECRET, "call-b", 0);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (gw_callbacks_get_n_pending (cb), ==, 0);
}

/* 503, 429, 500 and 408 are retried; the events then arrive in order. */
static void
test_retry_status (void)
{
  Receiver *rx = receiver_new (0);
  g_autoptr (GwCallbacks) cb = gw_callbacks_new ();
  const guint statuses[] = { 503, 429, 500, 408 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    g_queue_push_tail (&rx->statuses, GUINT_TO_POINTER (statuses[i]));
  gw_callbacks_set_retry (cb, 10, 40, 30000);
  for (guint i = 0; i < 6; i++)
    send_call_event (cb, rx->url, NULL, "call-r", i);
  g_assert_true (gw_callbacks_flush (cb, WAIT_MS));

  /* the first event five times (one in flight per call), the rest once */
  g_assert_cmpuint (rx->requests->len, ==, 10);
  for (guint i = 0; i < 5; i++) {
    const Request *r = g_ptr_array_index (rx->requests, i);
    g_autofree gchar *first = call_body ("call-r", 0);

    g_assert_cmpstr (r->body, ==, first);
  }
  assert_call_sequence (rx->accepted, "call-r", 0, 5);
  receiver_free (rx);
}

/* Nobody listens at first (connection refused), then a receiver starts. */
static void
test_retry_refused (void)
{
  g_autoptr (GSocket) sock = NULL;
  g_autoptr (GInetAddress) lo =
      g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GwCallbacks) cb = gw_callbacks_new ();
  g_autofree gchar *url = NULL;
  Receiver *rx;
  guint port;

  /* a port that was free a moment ago and is closed now */
  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_true (g_socket_bind (sock, any, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (sock, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/events", port);

  gw_callbacks_set_retry (cb, 10, 40, 30000);
  for (guint i = 0; i < 6; i++)
    send_call_event (cb, url, NULL, "call-x", i);
  /* several refused tries later, nothing is lost */
  spin (300);
  g_assert_cmpuint (gw_callbacks_get_n_pending (cb), ==, 6);

  rx = receiver_new (port);
  g_assert_true (gw_callbacks_flush (cb, WAIT_MS));
  g_assert_cmpuint (rx->requests->len, ==, 6);
  assert_call_sequence (rx->accepted, "call-x", 0, 5);
  receiver_free (rx);
}

/* A 4xx drops that event only; a receiver failing past the give-up time
 * drops that event only; the call goes on with its next event. */
static void
test_give_up (void)
{
  Receiver *rx = receiver_new (0);
  g_autoptr (GwCallbacks) cb = gw_callbacks_new ();
  g_autofree gchar *second = call_body ("call-g", 1);
  guint tries = 0;

  gw_callbacks_set_retry (cb, 10, 40, 250);
  rx->reject_body = g_strdup (second);
  rx->reject_status = 404;
  for (guint i = 0; i < 3; i++)
    send_call_event (cb, rx->url, NULL, "call-g", i);
  g_test_expect_message ("gw", G_LOG_LEVEL_WARNING,
      "*callUpdated of call call-g to http://127.0.0.1:*/events dropped: "
      "HTTP 404*");
  g_assert_true (gw_callbacks_flush (cb, WAIT_MS));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (rx->requests->len, ==, 3);
  g_assert_cmpuint (rx->accepted->len, ==, 2);
  assert_body (rx->accepted, 0, "call-g", 0);
  assert_body (rx->accepted, 1, "call-g", 2);

  /* always 503 for the fourth event: given up after 250 ms of retries */
  g_free (rx->reject_body);
  rx->reject_body = call_body ("call-g", 3);
  rx->reject_status = 503;
  for (guint i = 3; i < 6; i++)
    send_call_event (cb, rx->url, NULL, "call-g", i);
  g_test_expect_message ("gw", G_LOG_LEVEL_WARNING,
      "*callUpdated of call call-g * dropped after * tries*HTTP 503*");
  g_assert_true (gw_callbacks_flush (cb, WAIT_MS));
  g_test_assert_expected_messages ();
  for (guint i = 3; i < rx->requests->len; i++) {
    const Request *r = g_ptr_array_index (rx->requests, i);

    tries += g_strcmp0 (r->body, rx->reject_body) == 0;
  }
  g_assert_cmpuint (tries, >=, 3);
  g_assert_cmpuint (rx->requests->len, ==, 3 + tries + 2);
  g_assert_cmpuint (rx->accepted->len, ==, 4);
  assert_body (rx->accepted, 0, "call-g", 0);
  assert_body (rx->accepted, 1, "call-g", 2);
  assert_body (rx->accepted, 2, "call-g", 4);
  assert_body (rx->accepted, 3, "call-g", 5);
  receiver_free (rx);
}

/* Three calls interleaved: a call whose request hangs does not hold back
 * the others, and every call keeps its own order. */
static void
test_interleaved (void)
{
  Receiver *rx = receiver_new (0);
  g_autoptr (GwCallbacks) cb = gw_callbacks_new ();
  const gchar *calls[] = { "call-a", "call-b", "call-c" };

  gw_callbacks_set_retry (cb, 10, 40, 30000);
  rx->hold_body = call_body ("call-a", 0);
  g_queue_push_tail (&rx->statuses, GUINT_TO_POINTER (503));
  g_queue_push_tail (&rx->statuses, GUINT_TO_POINTER (502));
  for (guint i = 0; i < 6; i++)
    for (guint c = 0; c < G_N_ELEMENTS (calls); c++)
      send_call_event (cb, rx->url, SECRET, calls[c], i);
  g_assert_cmpuint (gw_callbacks_get_n_pending (cb), ==, 18);

  wait_count (n_accepted, rx, 12);
  wait_count (n_pending, cb, 6);
  g_assert_cmpuint (rx->held->len, ==, 1);
  g_assert_cmpuint (count_call (rx->accepted, "call-a"), ==, 0);
  assert_call_sequence (rx->accepted, "call-b", 0, 5);
  assert_call_sequence (rx->accepted, "call-c", 0, 5);

  release_held (rx);
  g_assert_true (gw_callbacks_flush (cb, WAIT_MS));
  g_assert_cmpuint (rx->accepted->len, ==, 18);
  for (guint c = 0; c < G_N_ELEMENTS (calls); c++)
    assert_call_sequence (rx->accepted, calls[c], 0, 5);
  receiver_free (rx);
}

static void
expect_queue_drop (void)
{
  g_test_expect_message ("gw", G_LOG_LEVEL_WARNING,
      "*dropped: more than 3 queued*");
}

/* The bound never costs a callDestroyed. */
static void
test_max_queued (void)
{
  Receiver *rx = receiver_new (0);
  g_autoptr (GwCallbacks) cb = gw_callbacks_new ();
  g_autofree gchar *a0 = call_body ("call-a", 0);
  g_autofree gchar *a1 = call_body ("call-a", 1);
  g_autofree gchar *a5 = call_body ("call-a", 5);
  g_autofree gchar *b5 = call_body ("call-b", 5);
  g_autofree gchar *c5 = call_body ("call-c", 5);

  gw_callbacks_set_max_queued (cb, 3);
  rx->hold_body = g_strdup (a0);
  for (guint i = 0; i < 3; i++)
    send_call_event (cb, rx->url, NULL, "call-a", i);
  /* full: the newest non-final events go */
  expect_queue_drop ();
  expect_queue_drop ();
  send_call_event (cb, rx->url, NULL, "call-a", 3);
  send_call_event (cb, rx->url, NULL, "call-a", 4);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (gw_callbacks_get_n_pending (cb), ==, 3);
  /* a callDestroyed replaces its call's newest waiting event (2) */
  expect_queue_drop ();
  send_call_event (cb, rx->url, NULL, "call-a", 5);
  g_test_assert_expected_messages ();
  /* another call's: its callCreated goes; its callDestroyed replaces the
   * newest waiting non-final event of call-a (1) */
  expect_queue_drop ();
  expect_queue_drop ();
  send_call_event (cb, rx->url, NULL, "call-b", 0);
  send_call_event (cb, rx->url, NULL, "call-b", 5);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (gw_callbacks_get_n_pending (cb), ==, 3);
  /* nothing left to replace: beyond the bound */
  send_call_event (cb, rx->url, NULL, "call-c", 5);
  g_assert_cmpuint (gw_callbacks_get_n_pending (cb), ==, 4);

  wait_count (n_requests, rx, 3);
  release_held (rx);
  g_assert_true (gw_callbacks_flush (cb, WAIT_MS));
  g_assert_cmpuint (rx->accepted->len, ==, 4);
  g_assert_true (g_ptr_array_find_with_equal_func (rx->accepted, a0,
          g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (rx->accepted, a5,
          g_str_equal, NULL));
  g_assert_false (g_ptr_array_find_with_equal_func (rx->accepted, a1,
          g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (rx->accepted, b5,
          g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (rx->accepted, c5,
          g_str_equal, NULL));
  receiver_free (rx);
}

/* flush gives up at its deadline when the receiver never answers. */
static void
test_flush_deadline (void)
{
  Receiver *rx = receiver_new (0);
  GwCallbacks *cb = gw_callbacks_new ();
  gint64 start, elapsed_ms;

  rx->hold_all = TRUE;
  send_call_event (cb, rx->url, SECRET, "call-f", 0);
  send_call_event (cb, rx->url, SECRET, "call-f", 1);
  start = g_get_monotonic_time ();
  g_assert_false (gw_callbacks_flush (cb, 300));
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_cmpint (elapsed_ms, >=, 290);
  g_assert_cmpint (elapsed_ms, <, 10000);
  g_assert_cmpuint (gw_callbacks_get_n_pending (cb), ==, 2);
  /* only the first event left: one in flight per call */
  g_assert_cmpuint (rx->requests->len, ==, 1);

  /* dropping the object cancels the hanging request */
  g_object_unref (cb);
  spin (100);
  receiver_free (rx);
}

/* An event waiting out a long back-off is retried at once by flush. */
static void
test_flush_hurries_retries (void)
{
  Receiver *rx = receiver_new (0);
  g_autoptr (GwCallbacks) cb = gw_callbacks_new ();
  gint64 start, elapsed_ms;

  g_queue_push_tail (&rx->statuses, GUINT_TO_POINTER (503));
  gw_callbacks_set_retry (cb, 60000, 60000, 300000);
  send_call_event (cb, rx->url, NULL, "call-h", 0);
  while (rx->requests->len < 1)
    g_main_context_iteration (NULL, TRUE);
  /* the 503 was answered; the event now waits a minute for its retry */
  spin (100);
  g_assert_cmpuint (gw_callbacks_get_n_pending (cb), ==, 1);

  start = g_get_monotonic_time ();
  g_assert_true (gw_callbacks_flush (cb, 5000));
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_cmpint (elapsed_ms, <, 5000);
  g_assert_cmpuint (rx->requests->len, ==, 2);
  assert_call_sequence (rx->accepted, "call-h", 0, 0);
  receiver_free (rx);
}

static void
drop_message (const gchar * domain, GLogLevelFlags level,
    const gchar * message, gpointer data)
{
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* tests print every g_debug, and GIO's socket client is chatty */
  g_log_set_handler ("GLib-GIO", G_LOG_LEVEL_DEBUG, drop_message, NULL);
  gst_init (NULL, NULL);

  g_test_add_func ("/callbacks/json", test_json);
  g_test_add_func ("/callbacks/signed", test_signed);
  g_test_add_func ("/callbacks/unsigned", test_unsigned);
  g_test_add_func ("/callbacks/bad-url", test_bad_url);
  g_test_add_func ("/callbacks/retry-status", test_retry_status);
  g_test_add_func ("/callbacks/retry-refused", test_retry_refused);
  g_test_add_func ("/callbacks/give-up", test_give_up);
  g_test_add_func ("/callbacks/interleaved", test_interleaved);
  g_test_add_func ("/callbacks/max-queued", test_max_queued);
  g_test_add_func ("/callbacks/flush-deadline", test_flush_deadline);
  g_test_add_func ("/callbacks/flush-hurries-retries",
      test_flush_hurries_retries);
  return g_test_run ();
}
