/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A connection: one participant of a session (a SIP leg, a client).
 *
 * Immutable once made, except for being in its session or not; its
 * session adds and removes it and owns its streams. */
#include "ot-connection-private.h"
#include "ot-session.h"

GST_DEBUG_CATEGORY_STATIC (ot_connection_debug);
#define GST_CAT_DEFAULT ot_connection_debug

struct _OtConnection
{
  GObject parent;

  /* Immutable after construction. */
  gchar *id;
  gchar *data;
  gint64 create_time;           /* ms since epoch */

  gint connected;               /* atomic: in its session */
  GWeakRef session;             /* cleared when removed */
};

G_DEFINE_TYPE_WITH_CODE (OtConnection, ot_connection, G_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (ot_connection_debug, "otconnection", 0,
        "Session hub connections"));

static void
ot_connection_finalize (GObject * object)
{
  OtConnection *connection = OT_CONNECTION (object);

  GST_DEBUG ("finalize connection %s", connection->id);
  g_weak_ref_clear (&connection->session);
  g_free (connection->id);
  g_free (connection->data);
  G_OBJECT_CLASS (ot_connection_parent_class)->finalize (object);
}

static void
ot_connection_class_init (OtConnectionClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = ot_connection_finalize;
}

static void
ot_connection_init (OtConnection * connection)
{
  g_weak_ref_init (&connection->session, NULL);
}

OtConnection *
ot_connection_new (OtSession * session, const gchar * connection_id,
    const gchar * data)
{
  OtConnection *connection = g_object_new (OT_TYPE_CONNECTION, NULL);

  connection->id = g_strdup (connection_id);
  connection->data = g_strdup (data ? data : "");
  connection->create_time = g_get_real_time () / 1000;
  connection->connected = TRUE;
  g_weak_ref_set (&connection->session, session);
  GST_DEBUG ("new connection %s in %s", connection_id,
      ot_session_get_id (session));
  return connection;
}

void
ot_connection_mark_removed (OtConnection * connection)
{
  g_atomic_int_set (&connection->connected, FALSE);
  g_weak_ref_set (&connection->session, NULL);
}

const gchar *
ot_connection_get_id (OtConnection * connection)
{
  g_return_val_if_fail (OT_IS_CONNECTION (connection), NULL);
  return connection->id;
}

const gchar *
ot_connection_get_data (OtConnection * connection)
{
  g_return_val_if_fail (OT_IS_CONNECTION (connection), NULL);
  return connection->data;
}

gint64
ot_connection_get_create_time (OtConnection * connection)
{
  g_return_val_if_fail (OT_IS_CONNECTION (connection), 0);
  return connection->create_time;
}

gboolean
ot_connection_is_connected (OtConnection * connection)
{
  g_return_val_if_fail (OT_IS_CONNECTION (connection), FALSE);
  return g_atomic_int_get (&connection->connected);
}

OtSession *
ot_connection_peek_session (OtConnection * connection)
{
  OtSession *session;

  g_return_val_if_fail (OT_IS_CONNECTION (connection), NULL);
  /* The session holds the connection while it is connected, so the
   * pointer stays valid for as long as the caller's view of it does. */
  session = g_weak_ref_get (&connection->session);
  if (session)
    g_object_unref (session);
  return session;
}
