/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The session hub: the process-wide registry of sessions.
 *
 * The plugin and the gateway both link libgstot, so ot_hub_get_default ()
 * is where an otsink in a pipeline and a REST request meet the same
 * session.  The hub only maps IDs to sessions; everything below a session
 * is the session's business.
 *
 * Locking in libgstot: each object has its own lock, taken in the order
 * hub -> session -> stream -> track -> converter, subscription, and none
 * is held while calling out (signals, notifies, keyframe requests).  The
 * push path takes one track lock per buffer and one subscription lock per
 * subscriber; all else is the control side. */
#include "ot-hub.h"
#include "ot-session-private.h"
#include "ot-converter-private.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (ot_hub_debug);
#define GST_CAT_DEFAULT ot_hub_debug

struct _OtHub
{
  GObject parent;

  GMutex lock;
  GHashTable *sessions;         /* lock: session ID -> OtSession (ref) */
};

G_DEFINE_TYPE_WITH_CODE (OtHub, ot_hub, G_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (ot_hub_debug, "othub", 0, "Session hub"));

G_DEFINE_QUARK (ot - hub - error - quark, ot_hub_error);

static void
ot_hub_finalize (GObject * object)
{
  OtHub *hub = OT_HUB (object);

  g_hash_table_unref (hub->sessions);
  g_mutex_clear (&hub->lock);
  G_OBJECT_CLASS (ot_hub_parent_class)->finalize (object);
}

static void
ot_hub_class_init (OtHubClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = ot_hub_finalize;
}

static void
ot_hub_init (OtHub * hub)
{
  g_mutex_init (&hub->lock);
  hub->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      g_object_unref);
}

OtHub *
ot_hub_get_default (void)
{
  static OtHub *hub;

  if (g_once_init_enter (&hub))
    g_once_init_leave (&hub, g_object_new (OT_TYPE_HUB, NULL));
  return hub;
}

/* base64url without padding, as OpenTok session IDs use it. */
static gchar *
base64url_encode (const gchar * text)
{
  gchar *b64 = g_base64_encode ((const guchar *) text, strlen (text));
  gchar *p;

  for (p = b64; *p; p++) {
    if (*p == '+')
      *p = '-';
    else if (*p == '/')
      *p = '_';
    else if (*p == '=') {
      *p = '\0';
      break;
    }
  }
  return b64;
}

static gchar *
make_session_id (const gchar * api_key, const gchar * location,
    gint64 create_ms)
{
  g_autofree gchar *random = NULL;
  g_autofree gchar *plain = NULL;
  g_autofree gchar *encoded = NULL;
  guint i;

  /* 20 random characters from the base64url alphabet: never '~'. */
  random = g_malloc (21);
  for (i = 0; i < 20; i++)
    random[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        "0123456789-_"[g_random_int_range (0, 64)];
  random[20] = '\0';
  plain = g_strdup_printf ("1~%s~%s~%" G_GINT64_FORMAT "~%s~", api_key,
      location ? location : "", create_ms, random);
  encoded = base64url_encode (plain);
  return g_strconcat ("2_", encoded, NULL);
}

OtSession *
ot_hub_create_session (OtHub * hub, const gchar * api_key,
    const gchar * location, gboolean routed)
{
  gint64 now_ms = g_get_real_time () / 1000;
  OtSession *session;
  gchar *id;

  g_return_val_if_fail (OT_IS_HUB (hub), NULL);
  g_return_val_if_fail (api_key != NULL && *api_key != '\0', NULL);
  g_return_val_if_fail (strchr (api_key, '~') == NULL, NULL);
  g_return_val_if_fail (location == NULL || strchr (location, '~') == NULL,
      NULL);

  g_mutex_lock (&hub->lock);
  do {
    id = make_session_id (api_key, location, now_ms);
    if (g_hash_table_contains (hub->sessions, id))
      g_clear_pointer (&id, g_free);
  } while (id == NULL);
  session = ot_session_new (id, api_key, routed, now_ms);
  g_hash_table_insert (hub->sessions, (gpointer) ot_session_get_id (session),
      g_object_ref (session));
  g_mutex_unlock (&hub->lock);

  GST_INFO ("created session %s (api key %s, %s)", id, api_key,
      routed ? "routed" : "relayed");
  g_free (id);
  return session;
}

/* The creation time encoded in an OpenTok-shaped ID, else now. */
static gint64
session_id_get_create_time (const gchar * session_id)
{
  g_autofree gchar *plain = NULL;
  g_auto (GStrv) fields = NULL;
  gchar *end = NULL;
  gint64 ms;

  plain = ot_session_id_decode (session_id);
  if (plain != NULL) {
    fields = g_strsplit (plain, "~", -1);
    if (g_strv_length (fields) > 3) {
      ms = g_ascii_strtoll (fields[3], &end, 10);
      if (end != fields[3] && *end == '\0' && ms > 0)
        return ms;
    }
  }
  return g_get_real_time () / 1000;
}

OtSession *
ot_hub_ensure_session (OtHub * hub, const gchar * session_id)
{
  g_autofree gchar *api_key = NULL;
  OtSession *session;

  g_return_val_if_fail (OT_IS_HUB (hub), NULL);
  g_return_val_if_fail (session_id != NULL && *session_id != '\0', NULL);

  api_key = ot_session_id_get_api_key (session_id);
  g_mutex_lock (&hub->lock);
  session = g_hash_table_lookup (hub->sessions, session_id);
  if (session == NULL) {
    session = ot_session_new (session_id, api_key ? api_key : "", TRUE,
        session_id_get_create_time (session_id));
    g_hash_table_insert (hub->sessions, (gpointer) ot_session_get_id (session),
        session);
    GST_INFO ("added session %s", session_id);
  }
  g_object_ref (session);
  g_mutex_unlock (&hub->lock);
  return session;
}

OtSession *
ot_hub_lookup_session (OtHub * hub, const gchar * session_id)
{
  OtSession *session;

  g_return_val_if_fail (OT_IS_HUB (hub), NULL);
  if (session_id == NULL)
    return NULL;

  g_mutex_lock (&hub->lock);
  session = g_hash_table_lookup (hub->sessions, session_id);
  if (session)
    g_object_ref (session);
  g_mutex_unlock (&hub->lock);
  return session;
}

gboolean
ot_hub_remove_session (OtHub * hub, const gchar * session_id)
{
  OtSession *session = NULL;

  g_return_val_if_fail (OT_IS_HUB (hub), FALSE);
  if (session_id == NULL)
    return FALSE;

  g_mutex_lock (&hub->lock);
  g_hash_table_steal_extended (hub->sessions, session_id, NULL,
      (gpointer *) & session);
  g_mutex_unlock (&hub->lock);
  if (session == NULL)
    return FALSE;

  /* Signals go out with the hub unlocked. */
  ot_session_remove_all (session);
  GST_INFO ("removed session %s", session_id);
  g_object_unref (session);
  return TRUE;
}

guint
ot_hub_get_n_sessions (OtHub * hub)
{
  guint n;

  g_return_val_if_fail (OT_IS_HUB (hub), 0);
  g_mutex_lock (&hub->lock);
  n = g_hash_table_size (hub->sessions);
  g_mutex_unlock (&hub->lock);
  return n;
}

gchar *
ot_session_id_decode (const gchar * session_id)
{
  g_autofree gchar *b64 = NULL;
  g_autofree guchar *plain = NULL;
  gsize len, n, i;

  /* As the SDKs: drop the "N_" prefix, undo the URL-safe alphabet. */
  if (session_id == NULL || strlen (session_id) < 3 || session_id[1] != '_')
    return NULL;
  len = strlen (session_id + 2);
  b64 = g_malloc (len + 4);
  for (i = 0; i < len; i++) {
    gchar c = session_id[2 + i];

    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    if (!g_ascii_isalnum (c) && c != '+' && c != '/' && c != '=')
      return NULL;
    b64[i] = c;
  }
  /* GLib drops an unpadded tail: pad as the SDKs' decoders assume. */
  while (i % 4 != 0)
    b64[i++] = '=';
  b64[i] = '\0';

  plain = g_base64_decode (b64, &n);
  if (plain == NULL || n == 0 || memchr (plain, '\0', n) != NULL)
    return NULL;
  if (!g_utf8_validate ((const gchar *) plain, n, NULL))
    return NULL;
  return g_strndup ((const gchar *) plain, n);
}

gchar *
ot_session_id_get_api_key (const gchar * session_id)
{
  g_autofree gchar *plain = ot_session_id_decode (session_id);
  g_auto (GStrv) fields = NULL;

  if (plain == NULL)
    return NULL;
  fields = g_strsplit (plain, "~", -1);
  if (g_strv_length (fields) < 3 || *fields[1] == '\0')
    return NULL;
  return g_strdup (fields[1]);
}

guint
ot_hub_get_n_converters (OtHub * hub)
{
  g_return_val_if_fail (OT_IS_HUB (hub), 0);
  return ot_converter_get_n_running ();
}
