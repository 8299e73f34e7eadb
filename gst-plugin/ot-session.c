/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A session: its connections, their published streams, and the force-mute
 * state.
 *
 * Changes come from the app's main loop, from REST handlers and from
 * otsink elements; every change is made under the session lock and its
 * signals are emitted after the lock is released, so handlers may call
 * back into the hub. */
#include "ot-session-private.h"
#include "ot-connection-private.h"
#include "ot-stream-private.h"

GST_DEBUG_CATEGORY_STATIC (ot_session_debug);
#define GST_CAT_DEFAULT ot_session_debug

struct _OtSession
{
  GObject parent;

  /* Immutable after construction. */
  gchar *id;
  gchar *api_key;
  gboolean routed;
  gint64 create_time;           /* ms since epoch */

  GMutex lock;
  GHashTable *connections;      /* lock: ID -> OtConnection (ref) */
  GPtrArray *connection_order;  /* lock: OtConnection (ref), oldest first */
  GHashTable *stream_index;     /* lock: ID -> OtStream (no ref) */
  GPtrArray *streams;           /* lock: OtStream (ref), publication order */
  gboolean mute_all;            /* lock */
  GStrv mute_all_excluded;      /* lock: stream IDs spared by mute all */
  gboolean removed;             /* lock: no longer in the hub */
};

enum
{
  SIGNAL_CONNECTION_ADDED,
  SIGNAL_CONNECTION_REMOVED,
  SIGNAL_STREAM_ADDED,
  SIGNAL_STREAM_REMOVED,
  SIGNAL_STREAM_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_TYPE_WITH_CODE (OtSession, ot_session, G_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (ot_session_debug, "otsession", 0,
        "Session hub sessions"));

static void
ot_session_finalize (GObject * object)
{
  OtSession *session = OT_SESSION (object);

  GST_DEBUG ("finalize session %s", session->id);
  g_hash_table_unref (session->connections);
  g_ptr_array_unref (session->connection_order);
  g_hash_table_unref (session->stream_index);
  g_ptr_array_unref (session->streams);
  g_strfreev (session->mute_all_excluded);
  g_mutex_clear (&session->lock);
  g_free (session->id);
  g_free (session->api_key);
  G_OBJECT_CLASS (ot_session_parent_class)->finalize (object);
}

static void
ot_session_class_init (OtSessionClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = ot_session_finalize;

  signals[SIGNAL_CONNECTION_ADDED] = g_signal_new ("connection-added",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, OT_TYPE_CONNECTION);
  signals[SIGNAL_CONNECTION_REMOVED] = g_signal_new ("connection-removed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, OT_TYPE_CONNECTION);
  signals[SIGNAL_STREAM_ADDED] = g_signal_new ("stream-added",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, OT_TYPE_STREAM);
  signals[SIGNAL_STREAM_REMOVED] = g_signal_new ("stream-removed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, OT_TYPE_STREAM);
  signals[SIGNAL_STREAM_CHANGED] = g_signal_new ("stream-changed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, OT_TYPE_STREAM);
}

static void
ot_session_init (OtSession * session)
{
  g_mutex_init (&session->lock);
  session->connections = g_hash_table_new_full (g_str_hash, g_str_equal,
      NULL, g_object_unref);
  session->connection_order = g_ptr_array_new_with_free_func (g_object_unref);
  session->stream_index = g_hash_table_new (g_str_hash, g_str_equal);
  session->streams = g_ptr_array_new_with_free_func (g_object_unref);
}

OtSession *
ot_session_new (const gchar * session_id, const gchar * api_key,
    gboolean routed, gint64 create_time)
{
  OtSession *session = g_object_new (OT_TYPE_SESSION, NULL);

  session->id = g_strdup (session_id);
  session->api_key = g_strdup (api_key);
  session->routed = routed;
  session->create_time = create_time;
  return session;
}

const gchar *
ot_session_get_id (OtSession * session)
{
  g_return_val_if_fail (OT_IS_SESSION (session), NULL);
  return session->id;
}

const gchar *
ot_session_get_api_key (OtSession * session)
{
  g_return_val_if_fail (OT_IS_SESSION (session), NULL);
  return session->api_key;
}

gboolean
ot_session_is_routed (OtSession * session)
{
  g_return_val_if_fail (OT_IS_SESSION (session), FALSE);
  return session->routed;
}

gint64
ot_session_get_create_time (OtSession * session)
{
  g_return_val_if_fail (OT_IS_SESSION (session), 0);
  return session->create_time;
}

void
ot_session_emit_stream_changed (OtSession * session, OtStream * stream)
{
  g_signal_emit (session, signals[SIGNAL_STREAM_CHANGED], 0, stream);
}

/* ---- connections ---- */

OtConnection *
ot_session_add_connection (OtSession * session, const gchar * connection_id,
    const gchar * data, GError ** error)
{
  g_autofree gchar *id = NULL;
  OtConnection *connection;

  g_return_val_if_fail (OT_IS_SESSION (session), NULL);

  id = (connection_id && *connection_id) ? g_strdup (connection_id) :
      g_uuid_string_random ();
  g_mutex_lock (&session->lock);
  if (session->removed) {
    g_mutex_unlock (&session->lock);
    g_set_error (error, OT_HUB_ERROR, OT_HUB_ERROR_GONE,
        "session %s was removed", session->id);
    return NULL;
  }
  if (g_hash_table_contains (session->connections, id)) {
    g_mutex_unlock (&session->lock);
    g_set_error (error, OT_HUB_ERROR, OT_HUB_ERROR_EXISTS,
        "connection %s exists in session %s", id, session->id);
    return NULL;
  }
  connection = ot_connection_new (session, id, data);
  g_hash_table_insert (session->connections,
      (gpointer) ot_connection_get_id (connection), g_object_ref (connection));
  g_ptr_array_add (session->connection_order, g_object_ref (connection));
  g_mutex_unlock (&session->lock);

  GST_INFO ("session %s: connection %s added", session->id, id);
  g_signal_emit (session, signals[SIGNAL_CONNECTION_ADDED], 0, connection);
  return connection;
}

/* A new ref to what `table` (an index of the session) holds under `key`,
 * or NULL: connections and streams are looked up the same way. */
static gpointer
lookup_ref (OtSession * session, GHashTable * table, const gchar * key)
{
  gpointer object;

  if (key == NULL)
    return NULL;

  g_mutex_lock (&session->lock);
  object = g_hash_table_lookup (table, key);
  if (object)
    g_object_ref (object);
  g_mutex_unlock (&session->lock);
  return object;
}

/* Refs to the objects of `*array` (an ordered list of the session, read
 * under its lock: ot_session_remove_all() replaces it), in that order. */
static GList *
list_refs (OtSession * session, GPtrArray ** array)
{
  GList *list = NULL;
  guint i;

  g_mutex_lock (&session->lock);
  for (i = (*array)->len; i > 0; i--)
    list = g_list_prepend (list,
        g_object_ref (g_ptr_array_index (*array, i - 1)));
  g_mutex_unlock (&session->lock);
  return list;
}

OtConnection *
ot_session_lookup_connection (OtSession * session, const gchar * connection_id)
{
  g_return_val_if_fail (OT_IS_SESSION (session), NULL);
  return lookup_ref (session, session->connections, connection_id);
}

/* Takes the streams of `connection_id` (or all when NULL) out of the
 * session; returns them (refs) in publication order.  Session locked. */
static GPtrArray *
steal_streams_locked (OtSession * session, const gchar * connection_id)
{
  GPtrArray *gone = g_ptr_array_new_with_free_func (g_object_unref);
  guint i = 0;

  while (i < session->streams->len) {
    OtStream *stream = g_ptr_array_index (session->streams, i);

    if (connection_id == NULL ||
        g_str_equal (ot_stream_get_connection_id (stream), connection_id)) {
      g_hash_table_remove (session->stream_index, ot_stream_get_id (stream));
      g_ptr_array_add (gone, g_ptr_array_steal_index (session->streams, i));
    } else {
      i++;
    }
  }
  return gone;
}

static void
unpublish_streams (OtSession * session, GPtrArray * streams)
{
  guint i;

  for (i = 0; i < streams->len; i++) {
    OtStream *stream = g_ptr_array_index (streams, i);

    ot_stream_mark_removed (stream);
    GST_INFO ("session %s: stream %s removed", session->id,
        ot_stream_get_id (stream));
    g_signal_emit (session, signals[SIGNAL_STREAM_REMOVED], 0, stream);
  }
}

static void
disconnect (OtSession * session, OtConnection * connection)
{
  ot_connection_mark_removed (connection);
  GST_INFO ("session %s: connection %s removed", session->id,
      ot_connection_get_id (connection));
  g_signal_emit (session, signals[SIGNAL_CONNECTION_REMOVED], 0, connection);
}

gboolean
ot_session_remove_connection (OtSession * session, const gchar * connection_id)
{
  g_autoptr (GPtrArray) streams = NULL;
  OtConnection *connection = NULL;

  g_return_val_if_fail (OT_IS_SESSION (session), FALSE);
  if (connection_id == NULL)
    return FALSE;

  g_mutex_lock (&session->lock);
  if (!g_hash_table_steal_extended (session->connections, connection_id, NULL,
          (gpointer *) & connection)) {
    g_mutex_unlock (&session->lock);
    return FALSE;
  }
  g_ptr_array_remove (session->connection_order, connection);
  streams = steal_streams_locked (session, connection_id);
  g_mutex_unlock (&session->lock);

  /* Its streams go first: a subscriber sees no stream of a gone peer. */
  unpublish_streams (session, streams);
  disconnect (session, connection);
  g_object_unref (connection);
  return TRUE;
}

GList *
ot_session_list_connections (OtSession * session)
{
  g_return_val_if_fail (OT_IS_SESSION (session), NULL);
  return list_refs (session, &session->connection_order);
}

void
ot_session_remove_all (OtSession * session)
{
  g_autoptr (GPtrArray) streams = NULL;
  g_autoptr (GPtrArray) connections = NULL;
  guint i;

  g_mutex_lock (&session->lock);
  session->removed = TRUE;
  streams = steal_streams_locked (session, NULL);
  connections = g_steal_pointer (&session->connection_order);
  session->connection_order = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_remove_all (session->connections);
  g_mutex_unlock (&session->lock);

  unpublish_streams (session, streams);
  for (i = 0; i < connections->len; i++)
    disconnect (session, g_ptr_array_index (connections, i));
}

/* ---- streams ---- */

static gboolean
is_excluded_locked (OtSession * session, const gchar * stream_id)
{
  return session->mute_all_excluded != NULL &&
      g_strv_contains ((const gchar * const *) session->mute_all_excluded,
      stream_id);
}

OtStream *
ot_session_add_stream (OtSession * session, OtConnection * connection,
    const gchar * stream_id, const gchar * name, OtVideoType video_type,
    GError ** error)
{
  g_autofree gchar *id = NULL;
  OtStream *stream;
  gboolean force_muted;

  g_return_val_if_fail (OT_IS_SESSION (session), NULL);
  g_return_val_if_fail (OT_IS_CONNECTION (connection), NULL);

  id = (stream_id && *stream_id) ? g_strdup (stream_id) :
      g_uuid_string_random ();
  g_mutex_lock (&session->lock);
  if (g_hash_table_lookup (session->connections,
          ot_connection_get_id (connection)) != connection) {
    g_mutex_unlock (&session->lock);
    g_set_error (error, OT_HUB_ERROR, OT_HUB_ERROR_GONE,
        "connection %s is not in session %s",
        ot_connection_get_id (connection), session->id);
    return NULL;
  }
  if (g_hash_table_contains (session->stream_index, id)) {
    g_mutex_unlock (&session->lock);
    g_set_error (error, OT_HUB_ERROR, OT_HUB_ERROR_EXISTS,
        "stream %s exists in session %s", id, session->id);
    return NULL;
  }
  /* Under "mute all", a newly published stream starts muted. */
  force_muted = session->mute_all && !is_excluded_locked (session, id);
  stream = ot_stream_new (session, connection, id, name, video_type,
      force_muted);
  g_hash_table_insert (session->stream_index,
      (gpointer) ot_stream_get_id (stream), stream);
  g_ptr_array_add (session->streams, g_object_ref (stream));
  g_mutex_unlock (&session->lock);

  GST_INFO ("session %s: stream %s published by %s%s", session->id, id,
      ot_connection_get_id (connection), force_muted ? " (muted)" : "");
  g_signal_emit (session, signals[SIGNAL_STREAM_ADDED], 0, stream);
  return stream;
}

OtStream *
ot_session_lookup_stream (OtSession * session, const gchar * stream_id)
{
  g_return_val_if_fail (OT_IS_SESSION (session), NULL);
  return lookup_ref (session, session->stream_index, stream_id);
}

gboolean
ot_session_remove_stream (OtSession * session, const gchar * stream_id)
{
  g_autoptr (GPtrArray) gone = NULL;
  OtStream *stream;

  g_return_val_if_fail (OT_IS_SESSION (session), FALSE);
  if (stream_id == NULL)
    return FALSE;

  gone = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_lock (&session->lock);
  stream = g_hash_table_lookup (session->stream_index, stream_id);
  if (stream) {
    g_hash_table_remove (session->stream_index, stream_id);
    g_ptr_array_add (gone, g_object_ref (stream));
    g_ptr_array_remove (session->streams, stream);
  }
  g_mutex_unlock (&session->lock);

  unpublish_streams (session, gone);
  return gone->len > 0;
}

GList *
ot_session_list_streams (OtSession * session)
{
  g_return_val_if_fail (OT_IS_SESSION (session), NULL);
  return list_refs (session, &session->streams);
}

/* ---- force mute ---- */

gboolean
ot_session_force_mute_stream (OtSession * session, const gchar * stream_id,
    GError ** error)
{
  g_autoptr (OtStream) stream = NULL;

  g_return_val_if_fail (OT_IS_SESSION (session), FALSE);

  stream = ot_session_lookup_stream (session, stream_id);
  if (stream == NULL) {
    g_set_error (error, OT_HUB_ERROR, OT_HUB_ERROR_NOT_FOUND,
        "no stream %s in session %s", stream_id ? stream_id : "(null)",
        session->id);
    return FALSE;
  }
  return ot_stream_force_mute (stream, NULL);
}

GList *
ot_session_set_mute_all (OtSession * session, gboolean active,
    const gchar * const *excluded_stream_ids)
{
  g_autoptr (GPtrArray) targets = NULL;
  GList *muted = NULL;
  guint i;

  g_return_val_if_fail (OT_IS_SESSION (session), NULL);

  targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_lock (&session->lock);
  session->mute_all = active;
  g_strfreev (session->mute_all_excluded);
  session->mute_all_excluded = active && excluded_stream_ids ?
      g_strdupv ((gchar **) excluded_stream_ids) : NULL;
  for (i = 0; active && i < session->streams->len; i++) {
    OtStream *stream = g_ptr_array_index (session->streams, i);

    if (!is_excluded_locked (session, ot_stream_get_id (stream)))
      g_ptr_array_add (targets, g_object_ref (stream));
  }
  g_mutex_unlock (&session->lock);

  GST_INFO ("session %s: mute all %s", session->id, active ? "on" : "off");
  for (i = 0; i < targets->len; i++) {
    OtStream *stream = g_ptr_array_index (targets, i);
    gboolean changed = FALSE;

    if (ot_stream_force_mute (stream, &changed) && changed)
      muted = g_list_prepend (muted, g_object_ref (stream));
  }
  return g_list_reverse (muted);
}

gboolean
ot_session_get_mute_all (OtSession * session)
{
  gboolean active;

  g_return_val_if_fail (OT_IS_SESSION (session), FALSE);
  g_mutex_lock (&session->lock);
  active = session->mute_all;
  g_mutex_unlock (&session->lock);
  return active;
}
