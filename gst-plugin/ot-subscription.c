/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A subscription: one subscriber's bounded queue on a track.
 *
 * The publisher's thread queues (ot_subscription_deliver) and calls the
 * notify; the subscriber's thread pops.  The queue never blocks the
 * publisher: audio drops its oldest item, video drops everything until
 * the next keyframe.
 *
 * Two reference counts: the public one (ot_subscription_ref/unref) decides
 * when the subscription ends, the internal one (held by the track's
 * routing tables, which a push may be walking) keeps the memory alive.
 * Cancelling waits for notifies running in other threads, so once
 * ot_subscription_cancel () or the last unref returns, the notify is not
 * called again. */
#include "ot-subscription-private.h"
#include "ot-track.h"

GST_DEBUG_CATEGORY_STATIC (ot_subscription_debug);
#define GST_CAT_DEFAULT ot_subscription_debug

struct _OtSubscription
{
  gint ref_count;               /* atomic: public references */
  gint mem_count;               /* atomic: internal references, +1 for all
                                 * public ones together */

  /* Immutable after construction. */
  OtTrack *track;               /* ref */
  OtTrackKind kind;
  OtFormat format;
  GstCaps *requested;
  guint max_items;

  GMutex lock;
  GCond cond;                   /* signalled when in_notify drops to 0 */
  GQueue queue;                 /* lock: GstBuffer / GstEvent */
  guint n_data;                 /* lock: buffers and GAP events queued */
  GstCaps *caps;                /* lock: delivered format, once known */
  gboolean cancelled;           /* lock */
  gboolean wait_keyframe;       /* lock: video, dropping until a keyframe */
  gboolean wait_counts;         /* lock: those drops are losses (not join) */
  guint64 n_dropped;            /* lock */
  guint in_notify;              /* lock: notify calls running now */
  gboolean notifier_releases;   /* lock: cancelled from inside its notify:
                                 * the notifying thread calls destroy */
  OtSubscriptionNotify notify;  /* lock: cleared when cancelled */
  gpointer user_data;           /* lock */
  GDestroyNotify destroy;       /* lock */
};

/* The subscription whose notify the current thread is running: cancelling
 * it from inside its own notify must not wait for itself. */
static GPrivate notifying;

static void
ensure_debug (void)
{
  static gsize done;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (ot_subscription_debug, "otsubscription", 0,
        "Session hub subscriptions");
    g_once_init_leave (&done, 1);
  }
}

OtSubscription *
ot_subscription_new (OtTrack * track, OtFormat format, GstCaps * requested,
    guint max_items, OtSubscriptionNotify notify, gpointer user_data,
    GDestroyNotify destroy)
{
  OtSubscription *sub = g_new0 (OtSubscription, 1);

  ensure_debug ();
  sub->ref_count = 1;
  sub->mem_count = 1;
  sub->track = ot_track_ref (track);
  sub->kind = ot_track_get_kind (track);
  sub->format = format;
  sub->requested = gst_caps_ref (requested);
  sub->max_items = max_items;
  g_mutex_init (&sub->lock);
  g_cond_init (&sub->cond);
  g_queue_init (&sub->queue);
  /* A decoder cannot start on a delta frame. */
  sub->wait_keyframe = sub->kind == OT_TRACK_VIDEO;
  sub->notify = notify;
  sub->user_data = user_data;
  sub->destroy = destroy;
  GST_DEBUG ("new %s subscription %p, max %u", ot_format_get_name (format),
      sub, max_items);
  return sub;
}

OtSubscription *
ot_subscription_internal_ref (OtSubscription * sub)
{
  g_atomic_int_inc (&sub->mem_count);
  return sub;
}

void
ot_subscription_internal_unref (OtSubscription * sub)
{
  if (!g_atomic_int_dec_and_test (&sub->mem_count))
    return;

  GST_DEBUG ("free subscription %p", sub);
  g_queue_clear_full (&sub->queue, (GDestroyNotify) gst_mini_object_unref);
  gst_clear_caps (&sub->caps);
  gst_caps_unref (sub->requested);
  g_cond_clear (&sub->cond);
  g_mutex_clear (&sub->lock);
  ot_track_unref (sub->track);
  g_free (sub);
}

OtSubscription *
ot_subscription_ref (OtSubscription * sub)
{
  g_return_val_if_fail (sub != NULL, NULL);
  g_atomic_int_inc (&sub->ref_count);
  return sub;
}

void
ot_subscription_unref (OtSubscription * sub)
{
  g_return_if_fail (sub != NULL);
  if (!g_atomic_int_dec_and_test (&sub->ref_count))
    return;
  ot_subscription_cancel (sub);
  ot_subscription_internal_unref (sub);
}

static gboolean
is_data (GstMiniObject * item)
{
  return !GST_IS_EVENT (item) || GST_EVENT_TYPE (item) != GST_EVENT_CAPS;
}

/* Moves queued data (all of it, or only the oldest) to `trash`; CAPS
 * events stay, the data after them needs them.  Returns what it moved. */
static guint
drop_data_locked (OtSubscription * sub, gboolean all, GQueue * trash)
{
  GList *l = sub->queue.head;
  guint n = 0;

  while (l != NULL) {
    GList *next = l->next;

    if (is_data (l->data)) {
      g_queue_push_tail (trash, l->data);
      g_queue_delete_link (&sub->queue, l);
      n++;
      if (!all)
        break;
    }
    l = next;
  }
  sub->n_data -= n;
  sub->n_dropped += n;
  return n;
}

/* The queue policy for video buffers.  Returns FALSE if `buffer` is
 * dropped. */
static gboolean
admit_video_locked (OtSubscription * sub, GstBuffer * buffer,
    gboolean * want_keyframe, GQueue * trash)
{
  gboolean key = !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT);

  if (sub->wait_keyframe) {
    if (!key) {
      if (sub->wait_counts)
        sub->n_dropped++;
      return FALSE;
    }
    sub->wait_keyframe = FALSE;
  }
  if (sub->n_data < sub->max_items)
    return TRUE;

  /* Overflow: what is queued is useless without what we drop now. */
  drop_data_locked (sub, TRUE, trash);
  if (key)
    return TRUE;
  GST_DEBUG ("subscription %p overflows, waiting for a keyframe", sub);
  sub->wait_keyframe = TRUE;
  sub->wait_counts = TRUE;
  sub->n_dropped++;
  *want_keyframe = TRUE;
  return FALSE;
}

static gboolean
enqueue_locked (OtSubscription * sub, GstMiniObject * item,
    gboolean * want_keyframe, GQueue * trash)
{
  if (!is_data (item)) {
    GstCaps *caps;

    gst_event_parse_caps (GST_EVENT (item), &caps);
    /* Several paths announce a format (publisher, converter, re-route):
     * the subscriber hears of each change once. */
    if (sub->caps && gst_caps_is_equal (sub->caps, caps))
      return FALSE;
    gst_caps_replace (&sub->caps, caps);
  } else if (sub->kind == OT_TRACK_VIDEO && GST_IS_BUFFER (item)) {
    if (!admit_video_locked (sub, GST_BUFFER (item), want_keyframe, trash))
      return FALSE;
    sub->n_data++;
  } else {
    if (sub->n_data >= sub->max_items)
      drop_data_locked (sub, FALSE, trash);
    sub->n_data++;
  }
  g_queue_push_tail (&sub->queue, gst_mini_object_ref (item));
  return TRUE;
}

void
ot_subscription_start_caps (OtSubscription * sub, GstCaps * caps)
{
  g_mutex_lock (&sub->lock);
  gst_caps_replace (&sub->caps, caps);
  g_queue_push_tail (&sub->queue, gst_event_new_caps (caps));
  g_mutex_unlock (&sub->lock);
}

void
ot_subscription_deliver (OtSubscription * sub, GstMiniObject * item,
    gboolean * want_keyframe)
{
  GQueue trash = G_QUEUE_INIT;
  OtSubscriptionNotify notify = NULL;
  GDestroyNotify destroy = NULL;
  gpointer user_data = NULL, outer;

  g_mutex_lock (&sub->lock);
  if (!sub->cancelled && enqueue_locked (sub, item, want_keyframe, &trash)
      && sub->notify != NULL) {
    notify = sub->notify;
    user_data = sub->user_data;
    sub->in_notify++;
  }
  g_mutex_unlock (&sub->lock);
  g_queue_clear_full (&trash, (GDestroyNotify) gst_mini_object_unref);
  if (notify == NULL)
    return;

  outer = g_private_get (&notifying);
  g_private_set (&notifying, sub);
  notify (sub, user_data);
  g_private_set (&notifying, outer);

  g_mutex_lock (&sub->lock);
  if (--sub->in_notify == 0 && sub->cancelled) {
    /* Cancelled meanwhile: a canceller in another thread waits for us; one
     * that was the notify itself left the user data for us to release. */
    g_cond_broadcast (&sub->cond);
    if (sub->notifier_releases) {
      destroy = g_steal_pointer (&sub->destroy);
      user_data = g_steal_pointer (&sub->user_data);
      sub->notify = NULL;
    }
  }
  g_mutex_unlock (&sub->lock);
  if (destroy)
    destroy (user_data);
}

void
ot_subscription_cancel (OtSubscription * sub)
{
  GQueue trash = G_QUEUE_INIT;
  GDestroyNotify destroy = NULL;
  gpointer user_data = NULL;
  gboolean was_cancelled;
  guint self;

  g_return_if_fail (sub != NULL);

  g_mutex_lock (&sub->lock);
  was_cancelled = sub->cancelled;
  sub->cancelled = TRUE;
  trash = sub->queue;
  g_queue_init (&sub->queue);
  sub->n_data = 0;
  self = g_private_get (&notifying) == sub ? 1 : 0;
  while (sub->in_notify > self)
    g_cond_wait (&sub->cond, &sub->lock);
  if (sub->in_notify == 0) {
    destroy = g_steal_pointer (&sub->destroy);
    user_data = g_steal_pointer (&sub->user_data);
    sub->notify = NULL;
  } else {
    sub->notifier_releases = TRUE;
  }
  g_mutex_unlock (&sub->lock);

  g_queue_clear_full (&trash, (GDestroyNotify) gst_mini_object_unref);
  if (destroy)
    destroy (user_data);
  if (!was_cancelled) {
    GST_DEBUG ("subscription %p cancelled", sub);
    ot_track_remove_subscription (sub->track, sub);
  }
}

OtFormat
ot_subscription_get_format (OtSubscription * sub)
{
  return sub->format;
}

OtTrack *
ot_subscription_peek_track (OtSubscription * sub)
{
  g_return_val_if_fail (sub != NULL, NULL);
  return sub->track;
}

GstCaps *
ot_subscription_get_caps (OtSubscription * sub)
{
  GstCaps *caps;

  g_return_val_if_fail (sub != NULL, NULL);
  g_mutex_lock (&sub->lock);
  caps = sub->caps ? gst_caps_ref (sub->caps) : NULL;
  g_mutex_unlock (&sub->lock);
  if (caps)
    return caps;
  /* Not known yet; raw audio is only ever delivered one way. */
  if (sub->format == OT_FORMAT_RAW)
    return gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  return gst_caps_ref (sub->requested);
}

GstMiniObject *
ot_subscription_pop (OtSubscription * sub)
{
  GstMiniObject *item;

  g_return_val_if_fail (sub != NULL, NULL);
  g_mutex_lock (&sub->lock);
  item = g_queue_pop_head (&sub->queue);
  if (item && is_data (item))
    sub->n_data--;
  g_mutex_unlock (&sub->lock);
  return item;
}

guint
ot_subscription_get_n_queued (OtSubscription * sub)
{
  guint n;

  g_return_val_if_fail (sub != NULL, 0);
  g_mutex_lock (&sub->lock);
  n = sub->queue.length;
  g_mutex_unlock (&sub->lock);
  return n;
}

guint64
ot_subscription_get_n_dropped (OtSubscription * sub)
{
  guint64 n;

  g_return_val_if_fail (sub != NULL, 0);
  g_mutex_lock (&sub->lock);
  n = sub->n_dropped;
  g_mutex_unlock (&sub->lock);
  return n;
}
