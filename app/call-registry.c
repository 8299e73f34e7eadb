/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A call is found by its ID, and by (session, connection) or (session,
 * stream); the latter two look through the calls: a gateway holds few
 * enough calls per process that a scan costs less than keeping three
 * tables in step. */
#include "config.h"

#include <gst/gst.h>

#include "call-registry.h"

GST_DEBUG_CATEGORY_STATIC (gw_call_registry_debug);
#define GST_CAT_DEFAULT gw_call_registry_debug

struct _GwCallRegistry
{
  GObject parent;

  GHashTable *calls;            /* call ID → GwCall (ref) */
};

G_DEFINE_FINAL_TYPE (GwCallRegistry, gw_call_registry, G_TYPE_OBJECT);

static void
on_call_ended (GwCall * call, gpointer user_data)
{
  GwCallRegistry *self = user_data;

  GST_DEBUG ("call %s ended, %u calls left", gw_call_get_id (call),
      g_hash_table_size (self->calls) - 1);
  g_signal_handlers_disconnect_by_data (call, self);
  g_hash_table_remove (self->calls, gw_call_get_id (call));
}

GwCallRegistry *
gw_call_registry_new (void)
{
  return g_object_new (GW_TYPE_CALL_REGISTRY, NULL);
}

void
gw_call_registry_add (GwCallRegistry * self, GwCall * call)
{
  g_return_if_fail (GW_IS_CALL_REGISTRY (self));
  g_return_if_fail (gw_call_get_state (call) != GW_CALL_STATE_DESTROYED);

  g_signal_connect (call, "ended", G_CALLBACK (on_call_ended), self);
  g_hash_table_insert (self->calls, g_strdup (gw_call_get_id (call)),
      g_object_ref (call));
}

GwCall *
gw_call_registry_lookup (GwCallRegistry * self, const gchar * call_id)
{
  g_return_val_if_fail (GW_IS_CALL_REGISTRY (self), NULL);
  return call_id ? g_hash_table_lookup (self->calls, call_id) : NULL;
}

typedef const gchar *(*CallField) (GwCall * call);

static GwCall *
find (GwCallRegistry * self, const gchar * session_id, CallField field,
    const gchar * value)
{
  GHashTableIter iter;
  gpointer call;

  if (session_id == NULL || value == NULL)
    return NULL;
  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, &call))
    if (g_strcmp0 (field (call), value) == 0
        && g_strcmp0 (gw_call_get_session_id (call), session_id) == 0)
      return call;
  return NULL;
}

GwCall *
gw_call_registry_lookup_connection (GwCallRegistry * self,
    const gchar * session_id, const gchar * connection_id)
{
  g_return_val_if_fail (GW_IS_CALL_REGISTRY (self), NULL);
  return find (self, session_id, gw_call_get_connection_id, connection_id);
}

GwCall *
gw_call_registry_lookup_stream (GwCallRegistry * self,
    const gchar * session_id, const gchar * stream_id)
{
  g_return_val_if_fail (GW_IS_CALL_REGISTRY (self), NULL);
  return find (self, session_id, gw_call_get_stream_id, stream_id);
}

guint
gw_call_registry_get_n_calls (GwCallRegistry * self)
{
  g_return_val_if_fail (GW_IS_CALL_REGISTRY (self), 0);
  return g_hash_table_size (self->calls);
}

/* The calls as a list of new references: ending a call changes the
 * table. */
static GList *
list_calls (GwCallRegistry * self)
{
  GList *calls = g_hash_table_get_values (self->calls);

  g_list_foreach (calls, (GFunc) g_object_ref, NULL);
  return calls;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
gw_call_registry_end_all (GwCallRegistry * self, guint timeout_ms)
{
  g_autoptr (GSource) timeout = g_timeout_source_new (timeout_ms);
  GList *calls;
  gboolean expired = FALSE, clean;

  g_return_val_if_fail (GW_IS_CALL_REGISTRY (self), FALSE);
  calls = list_calls (self);
  if (calls)
    GST_INFO ("hanging up %u calls", g_list_length (calls));
  g_list_foreach (calls, (GFunc) gw_call_hangup, NULL);
  g_list_free_full (calls, g_object_unref);
  /* Each ends when its dialog does (a BYE or CANCEL answered). */
  g_source_set_callback (timeout, set_flag, &expired, NULL);
  g_source_attach (timeout, g_main_context_get_thread_default ());
  while (g_hash_table_size (self->calls) > 0 && !expired)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  g_source_destroy (timeout);
  clean = g_hash_table_size (self->calls) == 0;
  calls = list_calls (self);
  if (calls)
    GST_WARNING ("%u calls did not end within %u ms", g_list_length (calls),
        timeout_ms);
  g_list_foreach (calls, (GFunc) gw_call_abandon, NULL);
  g_list_free_full (calls, g_object_unref);
  return clean;
}

static void
gw_call_registry_finalize (GObject * object)
{
  GwCallRegistry *self = GW_CALL_REGISTRY (object);
  GList *calls = list_calls (self);

  /* Abandoned, not silently dropped: each still sends callDestroyed. */
  g_list_foreach (calls, (GFunc) gw_call_abandon, NULL);
  g_list_free_full (calls, g_object_unref);
  g_hash_table_unref (self->calls);
  G_OBJECT_CLASS (gw_call_registry_parent_class)->finalize (object);
}

static void
gw_call_registry_init (GwCallRegistry * self)
{
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_object_unref);
}

static void
gw_call_registry_class_init (GwCallRegistryClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gw_call_registry_finalize;
  GST_DEBUG_CATEGORY_INIT (gw_call_registry_debug, "gwcallregistry", 0,
      "calls in progress");
}
