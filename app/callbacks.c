/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Call-monitoring callbacks: one queue per call, one request in flight per
 * call, every call's queue independent of the others.  Everything runs on
 * the main context the object was created on; nothing here ever blocks. */
#include "config.h"

#include <string.h>

#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "callbacks.h"
#include "jwt.h"

GST_DEBUG_CATEGORY_STATIC (gw_callbacks_debug);
#define GST_CAT_DEFAULT gw_callbacks_debug

/* Seconds of socket inactivity before a request fails (and is retried). */
#define REQUEST_TIMEOUT_S 10
/* Calls post in parallel; libsoup's default of 2 per host would serialise
 * them behind one slow request. */
#define MAX_CONNS_PER_HOST 16

typedef struct
{
  GUri *uri;
  gchar *log_url;               /* no userinfo, query or fragment: no secrets */
  gchar *secret;                /* nullable */
  gchar *api_key;
  gchar *name;                  /* the event's name, for logs */
  GBytes *body;
  gboolean final;               /* callDestroyed */
} Event;

typedef struct _Attempt Attempt;

typedef struct
{
  GwCallbacks *self;
  gchar *call_id;
  GQueue waiting;               /* Event*, oldest first; empty if !current */
  Event *current;               /* in flight or waiting to be retried */
  Attempt *attempt;             /* the request in flight, if any */
  GSource *retry;               /* the back-off timer, if any */
  gint64 first_try_us;          /* monotonic time of current's first try */
  guint delay_ms;               /* next back-off delay */
  guint n_tries;
} CallQueue;

/* Outlives its queue when the object goes away while a request is in
 * flight: the completion callback then only frees it. */
struct _Attempt
{
  CallQueue *queue;             /* NULL once the queue is gone */
  SoupMessage *msg;
  GCancellable *cancellable;
};

struct _GwCallbacks
{
  GObject parent;

  GMainContext *context;
  SoupSession *session;
  GHashTable *queues;           /* call_id → CallQueue */
  guint n_pending;              /* events waiting or current, all calls */
  guint initial_ms;
  guint max_ms;
  guint give_up_ms;
  guint max_queued;
};

G_DEFINE_TYPE (GwCallbacks, gw_callbacks, G_TYPE_OBJECT);

static void queue_next (CallQueue * queue);

static void
add_string (JsonBuilder * b, const gchar * name, const gchar * value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

gchar *
gw_call_event_to_json (const GwCallEvent * event)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  gint64 timestamp = event->timestamp;

  if (timestamp == 0)
    timestamp = g_get_real_time () / 1000;

  json_builder_begin_object (b);
  add_string (b, "sessionId", event->session_id);
  add_string (b, "projectId", event->project_id);
  add_string (b, "event", event->event);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_int_value (b, timestamp);
  json_builder_set_member_name (b, "call");
  json_builder_begin_object (b);
  add_string (b, "id", event->call_id);
  add_string (b, "connectionId", event->connection_id);
  json_builder_set_member_name (b, "createdAt");
  json_builder_add_int_value (b, event->created_at);
  json_builder_end_object (b);
  if (g_strcmp0 (event->event, "callUpdated") == 0) {
    add_string (b, "state", event->state);
  } else if (g_strcmp0 (event->event, "callDestroyed") == 0) {
    add_string (b, "reason_code", event->reason_code);
    add_string (b, "reason_message", event->reason_message);
  }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static void
event_free (Event * ev)
{
  g_uri_unref (ev->uri);
  g_free (ev->log_url);
  g_free (ev->secret);
  g_free (ev->api_key);
  g_free (ev->name);
  g_bytes_unref (ev->body);
  g_free (ev);
}

/* Claims of Vonage's signed callbacks; a fresh iat and jti per attempt. */
static gchar *
event_sign (const Event * ev)
{
  g_autoptr (JsonObject) claims = json_object_new ();
  g_autofree gchar *hash =
      g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, ev->body);
  g_autofree gchar *jti = g_uuid_string_random ();

  json_object_set_int_member (claims, "iat",
      g_get_real_time () / G_USEC_PER_SEC);
  json_object_set_string_member (claims, "jti", jti);
  json_object_set_string_member (claims, "iss", "Vonage");
  json_object_set_string_member (claims, "payload_hash", hash);
  json_object_set_string_member (claims, "api_key", ev->api_key);
  return gw_jwt_encode_hs256 (claims, NULL, ev->secret);
}

static void
attempt_free (Attempt * attempt)
{
  g_object_unref (attempt->msg);
  g_object_unref (attempt->cancellable);
  g_free (attempt);
}

static void
call_queue_free (CallQueue * queue)
{
  if (queue->retry) {
    g_source_destroy (queue->retry);
    g_source_unref (queue->retry);
  }
  if (queue->attempt) {
    /* Detach first: cancelling may run the completion at once. */
    Attempt *attempt = g_steal_pointer (&queue->attempt);
    attempt->queue = NULL;
    g_cancellable_cancel (attempt->cancellable);
  }
  g_clear_pointer (&queue->current, event_free);
  g_queue_clear_full (&queue->waiting, (GDestroyNotify) event_free);
  g_free (queue->call_id);
  g_free (queue);
}

/* The current event is done (delivered or given up): on to the next. */
static void
finish_current (CallQueue * queue)
{
  g_clear_pointer (&queue->current, event_free);
  queue->self->n_pending--;
  queue_next (queue);
}

static void on_sent (GObject * source, GAsyncResult * res, gpointer data);

static void
try_send (CallQueue * queue)
{
  GwCallbacks *self = queue->self;
  Event *ev = queue->current;
  Attempt *attempt = g_new0 (Attempt, 1);

  attempt->queue = queue;
  attempt->cancellable = g_cancellable_new ();
  attempt->msg = soup_message_new_from_uri ("POST", ev->uri);
  /* A redirected POST may turn into a GET: never follow.  Receivers
   * tolerate duplicates, so the POST may reuse an idle connection (libsoup
   * then resends it if the server had closed that connection); otherwise
   * every event would open a new connection. */
  soup_message_add_flags (attempt->msg, SOUP_MESSAGE_NO_REDIRECT |
      SOUP_MESSAGE_IDEMPOTENT);
  soup_message_set_request_body_from_bytes (attempt->msg, "application/json",
      ev->body);
  if (ev->secret) {
    g_autofree gchar *token = event_sign (ev);
    g_autofree gchar *value = g_strconcat ("Bearer ", token, NULL);

    soup_message_headers_replace (soup_message_get_request_headers
        (attempt->msg), "Authorization", value);
  }

  queue->attempt = attempt;
  queue->n_tries++;
  GST_DEBUG_OBJECT (self, "call %s: %s to %s, try %u", queue->call_id,
      ev->name, ev->log_url, queue->n_tries);
  soup_session_send_and_read_async (self->session, attempt->msg,
      G_PRIORITY_DEFAULT, attempt->cancellable, on_sent, attempt);
}

static gboolean
on_retry (gpointer data)
{
  CallQueue *queue = data;

  g_clear_pointer (&queue->retry, g_source_unref);
  try_send (queue);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (CallQueue * queue, const gchar * why)
{
  GwCallbacks *self = queue->self;
  Event *ev = queue->current;
  guint delay = queue->delay_ms;
  gint64 elapsed_ms = (g_get_monotonic_time () - queue->first_try_us) / 1000;

  if (elapsed_ms + delay > self->give_up_ms) {
    g_warning ("callback %s of call %s to %s dropped after %u tries in %"
        G_GINT64_FORMAT " ms: %s", ev->name, queue->call_id, ev->log_url,
        queue->n_tries, elapsed_ms, why);
    finish_current (queue);
    return;
  }
  GST_INFO_OBJECT (self, "call %s: %s to %s failed (%s), retry in %u ms",
      queue->call_id, ev->name, ev->log_url, why, delay);
  queue->delay_ms = MIN ((guint64) delay * 2, self->max_ms);
  /* A little jitter so that many calls do not retry in lock-step. */
  delay += g_random_int_range (0, delay / 10 + 1);
  queue->retry = g_timeout_source_new (delay);
  g_source_set_callback (queue->retry, on_retry, queue, NULL);
  g_source_attach (queue->retry, self->context);
}

static void
on_sent (GObject * source, GAsyncResult * res, gpointer data)
{
  Attempt *attempt = data;
  CallQueue *queue = attempt->queue;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = NULL;
  g_autofree gchar *why = NULL;
  guint status;

  reply = soup_session_send_and_read_finish (SOUP_SESSION (source), res,
      &error);
  if (!queue) {                 /* the object is gone */
    attempt_free (attempt);
    return;
  }
  queue->attempt = NULL;
  status = error ? 0 : soup_message_get_status (attempt->msg);

  if (!error && SOUP_STATUS_IS_SUCCESSFUL (status)) {
    GST_DEBUG_OBJECT (queue->self, "call %s: %s delivered (%u)",
        queue->call_id, queue->current->name, status);
    finish_current (queue);
  } else if (error) {
    schedule_retry (queue, error->message);
  } else if (status == SOUP_STATUS_REQUEST_TIMEOUT || status == 429 ||
      status >= 500) {
    /* 429 is Too Many Requests: both are worth another try. */
    why = g_strdup_printf ("HTTP %u", status);
    schedule_retry (queue, why);
  } else {
    g_warning ("callback %s of call %s to %s dropped: HTTP %u %s",
        queue->current->name, queue->call_id, queue->current->log_url,
        status, soup_message_get_reason_phrase (attempt->msg));
    finish_current (queue);
  }
  attempt_free (attempt);
}

/* Starts the next waiting event of a call, or forgets the idle call. */
static void
queue_next (CallQueue * queue)
{
  queue->current = g_queue_pop_head (&queue->waiting);
  if (!queue->current) {
    g_hash_table_remove (queue->self->queues, queue->call_id);
    return;
  }
  queue->first_try_us = g_get_monotonic_time ();
  queue->delay_ms = MAX (queue->self->initial_ms, 1);
  queue->n_tries = 0;
  try_send (queue);
}

/* Drops the newest waiting non-final event of `queue`, if it has one. */
static gboolean
evict_from (GwCallbacks * self, CallQueue * queue)
{
  for (GList * l = queue->waiting.tail; l; l = l->prev) {
    Event *ev = l->data;

    if (ev->final)
      continue;
    g_warning ("callback %s of call %s dropped: more than %u queued",
        ev->name, queue->call_id, self->max_queued);
    g_queue_delete_link (&queue->waiting, l);
    event_free (ev);
    self->n_pending--;
    return TRUE;
  }
  return FALSE;
}

/* The bound policy of callbacks.h; FALSE when `ev` itself must go. */
static gboolean
make_room (GwCallbacks * self, CallQueue * queue, const Event * ev)
{
  GHashTableIter iter;
  gpointer value;

  if (!ev->final)
    return FALSE;
  if (!evict_from (self, queue)) {
    g_hash_table_iter_init (&iter, self->queues);
    while (g_hash_table_iter_next (&iter, NULL, &value)
        && !evict_from (self, value));
  }
  return TRUE;
}

static Event *
event_new (GUri * uri, const gchar * secret, const GwCallEvent * event)
{
  Event *ev = g_new0 (Event, 1);
  gchar *json = gw_call_event_to_json (event);

  ev->uri = g_uri_ref (uri);
  ev->log_url = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO |
      G_URI_HIDE_QUERY | G_URI_HIDE_FRAGMENT);
  ev->secret = secret && *secret ? g_strdup (secret) : NULL;
  ev->api_key = g_strdup (event->project_id);
  ev->name = g_strdup (event->event);
  ev->body = g_bytes_new_take (json, strlen (json));
  ev->final = g_strcmp0 (event->event, "callDestroyed") == 0;
  return ev;
}

void
gw_callbacks_send (GwCallbacks * self, const gchar * url,
    const gchar * secret, const GwCallEvent * event)
{
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GError) error = NULL;
  CallQueue *queue;
  Event *ev;

  g_return_if_fail (GW_IS_CALLBACKS (self));
  g_return_if_fail (event && event->event && event->call_id);
  g_return_if_fail (event->project_id);

  if (!url || !*url)
    return;
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error);
  if (!uri || !g_uri_get_host (uri) || !*g_uri_get_host (uri) ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
          g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)) {
    /* The URL may hold credentials: name only the call. */
    g_warning ("callback %s of call %s dropped: bad callback URL%s%s",
        event->event, event->call_id, error ? ": " : "",
        error ? error->message : "");
    return;
  }

  ev = event_new (uri, secret, event);
  queue = g_hash_table_lookup (self->queues, event->call_id);
  if (!queue) {
    queue = g_new0 (CallQueue, 1);
    queue->self = self;
    queue->call_id = g_strdup (event->call_id);
    g_hash_table_insert (self->queues, queue->call_id, queue);
  }
  if (self->n_pending >= self->max_queued && !make_room (self, queue, ev)) {
    g_warning ("callback %s of call %s dropped: more than %u queued",
        ev->name, queue->call_id, self->max_queued);
    event_free (ev);
    if (!queue->current)
      g_hash_table_remove (self->queues, event->call_id);
    return;
  }
  g_queue_push_tail (&queue->waiting, ev);
  self->n_pending++;
  if (!queue->current)
    queue_next (queue);
}

void
gw_callbacks_set_retry (GwCallbacks * self, guint initial_ms, guint max_ms,
    guint give_up_ms)
{
  g_return_if_fail (GW_IS_CALLBACKS (self));
  g_return_if_fail (initial_ms > 0 && initial_ms <= max_ms);

  self->initial_ms = initial_ms;
  self->max_ms = max_ms;
  self->give_up_ms = give_up_ms;
}

void
gw_callbacks_set_max_queued (GwCallbacks * self, guint max_queued)
{
  g_return_if_fail (GW_IS_CALLBACKS (self));
  g_return_if_fail (max_queued > 0);

  self->max_queued = max_queued;
}

guint
gw_callbacks_get_n_pending (GwCallbacks * self)
{
  g_return_val_if_fail (GW_IS_CALLBACKS (self), 0);

  return self->n_pending;
}

static gboolean
on_flush_deadline (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* At shutdown an event waiting out a long back-off would otherwise miss the
 * flush: try every waiting one once more, now. */
static void
hurry_retries (GwCallbacks * self)
{
  GHashTableIter iter;
  CallQueue *queue;

  g_hash_table_iter_init (&iter, self->queues);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & queue)) {
    if (queue->retry != NULL)
      g_source_set_ready_time (queue->retry, 0);
  }
}

gboolean
gw_callbacks_flush (GwCallbacks * self, guint timeout_ms)
{
  g_autoptr (GwCallbacks) hold = NULL;
  g_autoptr (GSource) deadline = NULL;
  gboolean expired = FALSE;

  g_return_val_if_fail (GW_IS_CALLBACKS (self), FALSE);

  hold = g_object_ref (self);
  hurry_retries (self);
  deadline = g_timeout_source_new (timeout_ms);
  g_source_set_callback (deadline, on_flush_deadline, &expired, NULL);
  g_source_attach (deadline, self->context);
  while (self->n_pending > 0 && !expired)
    g_main_context_iteration (self->context, TRUE);
  g_source_destroy (deadline);
  GST_DEBUG_OBJECT (self, "%u callbacks pending", self->n_pending);
  return self->n_pending == 0;
}

GwCallbacks *
gw_callbacks_new (void)
{
  return g_object_new (GW_TYPE_CALLBACKS, NULL);
}

static void
gw_callbacks_dispose (GObject * object)
{
  GwCallbacks *self = GW_CALLBACKS (object);

  g_hash_table_remove_all (self->queues);
  self->n_pending = 0;
  soup_session_abort (self->session);

  G_OBJECT_CLASS (gw_callbacks_parent_class)->dispose (object);
}

static void
gw_callbacks_finalize (GObject * object)
{
  GwCallbacks *self = GW_CALLBACKS (object);

  g_hash_table_unref (self->queues);
  g_object_unref (self->session);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (gw_callbacks_parent_class)->finalize (object);
}

static void
gw_callbacks_init (GwCallbacks * self)
{
  self->context = g_main_context_ref_thread_default ();
  self->session = soup_session_new_with_options ("proxy-resolver", NULL,
      "timeout", REQUEST_TIMEOUT_S, "max-conns-per-host", MAX_CONNS_PER_HOST,
      "user-agent", "ot-sip-gateway/" VERSION, NULL);
  self->queues = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) call_queue_free);
  self->initial_ms = 1000;
  self->max_ms = 30000;
  self->give_up_ms = 300000;
  self->max_queued = 10000;
}

static void
gw_callbacks_class_init (GwCallbacksClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gw_callbacks_dispose;
  object_class->finalize = gw_callbacks_finalize;

  GST_DEBUG_CATEGORY_INIT (gw_callbacks_debug, "gwcallbacks", 0,
      "call-monitoring callbacks");
}
