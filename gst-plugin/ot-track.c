/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A track: one stream's audio or video as published, and the fan-out to
 * its subscriptions.
 *
 * The push path takes the track lock only to grab the current route, an
 * immutable snapshot of "which subscriptions get which format through
 * which converter"; every change (subscribe, cancel, caps) builds a new
 * route.  Subscriptions in the published format get the published buffer
 * itself (a reference, never a copy).  Other audio formats go through one
 * converter per format, made when the first subscriber of that format
 * arrives and dropped with the last one. */
#include "ot-track-private.h"
#include "ot-track.h"
#include "ot-stream-private.h"
#include "ot-subscription-private.h"
#include "ot-converter-private.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (ot_track_debug);
#define GST_CAT_DEFAULT ot_track_debug

/* The subscriptions that receive one format. */
typedef struct
{
  OtFormat format;
  OtConverter *converter;       /* NULL: the published buffers as they are */
  GPtrArray *subs;              /* OtSubscription (internal refs) */
} OtFanout;

/* Immutable once built; refcounted (g_atomic_rc_box). */
typedef struct
{
  guint n_fanouts;
  OtFanout fanouts[OT_FORMAT_LAST];
} OtRoute;

/* The publisher's keyframe callback, refcounted (g_atomic_rc_box) so that
 * it can be called with no lock held while it is being replaced. */
typedef struct
{
  OtKeyframeRequestFunc func;
  gpointer user_data;
  GDestroyNotify notify;
} OtKeyframeClosure;

struct _OtTrack
{
  gint ref_count;               /* atomic */

  /* Immutable after construction. */
  OtTrackKind kind;
  OtStream *stream;             /* ref; the stream drops its tracks when
                                 * unpublished, which breaks the cycle */

  gint removed;                 /* atomic: the stream left its session */
  gint muted;                   /* atomic: mirrors the stream's muted */

  GMutex lock;
  GstCaps *caps;                /* lock: the published format */
  OtFormat format;              /* lock: class of caps */
  GPtrArray *subs;              /* lock: live OtSubscription (internal refs) */
  OtConverter *converters[OT_FORMAT_LAST];      /* lock: by output format */
  OtRoute *route;               /* lock: what pushes walk; NULL = nobody */
  OtKeyframeClosure *keyframe;  /* lock */
};

static void
ensure_debug (void)
{
  static gsize done;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (ot_track_debug, "ottrack", 0,
        "Session hub tracks");
    g_once_init_leave (&done, 1);
  }
}

/* ---- formats ---- */

OtFormat
ot_format_from_caps (const GstCaps * caps)
{
  const gchar *name;

  if (caps == NULL || gst_caps_get_size (caps) != 1)
    return OT_FORMAT_NONE;
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  if (g_str_equal (name, "audio/x-raw"))
    return OT_FORMAT_RAW;
  if (g_str_equal (name, "audio/x-opus"))
    return OT_FORMAT_OPUS;
  if (g_str_equal (name, "video/x-vp8"))
    return OT_FORMAT_VP8;
  if (g_str_equal (name, "video/x-h264"))
    return OT_FORMAT_H264;
  return OT_FORMAT_NONE;
}

const gchar *
ot_format_get_name (OtFormat format)
{
  static const gchar *names[] = { "none", "raw", "opus", "vp8", "h264" };

  return format < OT_FORMAT_LAST ? names[format] : "invalid";
}

static gboolean
format_is_audio (OtFormat format)
{
  return format == OT_FORMAT_RAW || format == OT_FORMAT_OPUS;
}

/* Whether `caps` may be published on a track of `kind`. */
static OtFormat
check_published_caps (OtTrackKind kind, GstCaps * caps, GError ** error)
{
  OtFormat format = ot_format_from_caps (caps);
  const gchar *allowed = kind == OT_TRACK_AUDIO ?
      OT_AUDIO_RAW_CAPS "; audio/x-opus" : OT_VIDEO_CAPS;
  g_autoptr (GstCaps) template = gst_caps_from_string (allowed);

  if (format == OT_FORMAT_NONE || !gst_caps_is_fixed (caps) ||
      !gst_caps_is_subset (caps, template)) {
    g_autofree gchar *str = caps ? gst_caps_to_string (caps) : NULL;

    g_set_error (error, OT_HUB_ERROR, OT_HUB_ERROR_FORMAT,
        "cannot publish %s on %s track (allowed: %s)",
        str ? str : "(null)", kind == OT_TRACK_AUDIO ? "an audio" : "a video",
        allowed);
    return OT_FORMAT_NONE;
  }
  return format;
}

/* Whether `caps` may be asked for on a track of `kind`. */
static OtFormat
check_requested_caps (OtTrackKind kind, GstCaps * caps, GError ** error)
{
  OtFormat format = ot_format_from_caps (caps);
  g_autoptr (GstCaps) raw = gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  gboolean ok;

  if (kind == OT_TRACK_AUDIO)
    ok = format == OT_FORMAT_OPUS || (format == OT_FORMAT_RAW &&
        gst_caps_can_intersect (caps, raw));
  else
    ok = format == OT_FORMAT_VP8 || format == OT_FORMAT_H264;
  if (!ok) {
    g_autofree gchar *str = caps ? gst_caps_to_string (caps) : NULL;

    g_set_error (error, OT_HUB_ERROR, OT_HUB_ERROR_FORMAT,
        "cannot subscribe to %s track in %s",
        kind == OT_TRACK_AUDIO ? "an audio" : "a video", str ? str : "(null)");
    return OT_FORMAT_NONE;
  }
  return format;
}

/* ---- routes ---- */

static void
route_clear (OtRoute * route)
{
  guint i;

  for (i = 0; i < route->n_fanouts; i++) {
    g_ptr_array_unref (route->fanouts[i].subs);
    g_clear_pointer (&route->fanouts[i].converter, ot_converter_unref);
  }
}

static OtRoute *
route_ref (OtRoute * route)
{
  return route ? g_atomic_rc_box_acquire (route) : NULL;
}

static void
route_unref (OtRoute * route)
{
  if (route)
    g_atomic_rc_box_release_full (route, (GDestroyNotify) route_clear);
}

/* Makes or drops converters so that every subscribed audio format other
 * than the published one has one.  Track locked.  Converters no longer
 * needed go to `dead` (released by the caller, unlocked). */
static void
update_converters_locked (OtTrack * track, GPtrArray * by_format[],
    GPtrArray * dead)
{
  OtFormat f;

  for (f = OT_FORMAT_RAW; f <= OT_FORMAT_OPUS; f++) {
    gboolean needed = by_format[f] != NULL && f != track->format &&
        format_is_audio (track->format);

    if (!needed && track->converters[f]) {
      GST_DEBUG ("track %p: dropping the %s converter", track,
          ot_format_get_name (f));
      g_ptr_array_add (dead, g_steal_pointer (&track->converters[f]));
    } else if (needed && !track->converters[f]) {
      g_autoptr (GError) error = NULL;

      track->converters[f] = ot_converter_new (track->caps, f, &error);
      if (track->converters[f] == NULL) {
        GST_WARNING ("track %p: %s subscribers get nothing: %s", track,
            ot_format_get_name (f), error->message);
        g_clear_pointer (&by_format[f], g_ptr_array_unref);
      }
    }
  }
}

static void
route_add_fanout_locked (OtTrack * track, OtRoute ** route, OtFormat format,
    GPtrArray * by_format[])
{
  OtFanout *fanout;

  if (*route == NULL)
    *route = g_atomic_rc_box_new0 (OtRoute);
  fanout = &(*route)->fanouts[(*route)->n_fanouts++];
  fanout->format = format;
  fanout->subs = g_steal_pointer (&by_format[format]);
  fanout->converter = track->converters[format] ?
      ot_converter_ref (track->converters[format]) : NULL;
}

/* Builds the route for the current caps and subscriptions.  Track locked.
 * Returns the old route (released by the caller, unlocked). */
static OtRoute *
rebuild_route_locked (OtTrack * track, GPtrArray * dead)
{
  GPtrArray *by_format[OT_FORMAT_LAST] = { NULL, };
  OtRoute *old = track->route, *route = NULL;
  OtFormat f;
  guint i;

  for (i = 0; i < track->subs->len && track->format != OT_FORMAT_NONE; i++) {
    OtSubscription *sub = g_ptr_array_index (track->subs, i);

    f = ot_subscription_get_format (sub);
    if (track->kind == OT_TRACK_VIDEO) {
      /* Video is never transcoded: when the publisher changes codec, its
       * subscribers follow, told by a CAPS event. */
      f = track->format;
    } else if (!format_is_audio (f) || !format_is_audio (track->format)) {
      GST_WARNING ("track %p: a %s subscriber cannot get %s", track,
          ot_format_get_name (f), ot_format_get_name (track->format));
      continue;
    }
    if (by_format[f] == NULL)
      by_format[f] = g_ptr_array_new_with_free_func ((GDestroyNotify)
          ot_subscription_internal_unref);
    g_ptr_array_add (by_format[f], ot_subscription_internal_ref (sub));
  }
  update_converters_locked (track, by_format, dead);

  /* The published format first: those subscribers wait for no codec. */
  if (track->format != OT_FORMAT_NONE && by_format[track->format])
    route_add_fanout_locked (track, &route, track->format, by_format);
  for (f = OT_FORMAT_RAW; f < OT_FORMAT_LAST; f++)
    if (f != track->format && by_format[f])
      route_add_fanout_locked (track, &route, f, by_format);
  track->route = route;
  return old;
}

/* Releases what a route change left behind; no lock held (stopping a
 * converter stops its elements). */
static void
release_garbage (OtRoute * old, GPtrArray * dead)
{
  route_unref (old);
  g_ptr_array_unref (dead);
}

static GPtrArray *
garbage_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ot_converter_unref);
}

/* ---- lifecycle ---- */

OtTrack *
ot_track_new (OtStream * stream, OtTrackKind kind, gboolean muted)
{
  OtTrack *track = g_new0 (OtTrack, 1);

  ensure_debug ();
  track->ref_count = 1;
  track->kind = kind;
  track->stream = g_object_ref (stream);
  track->muted = muted;
  g_mutex_init (&track->lock);
  track->subs = g_ptr_array_new_with_free_func ((GDestroyNotify)
      ot_subscription_internal_unref);
  GST_DEBUG ("new %s track %p of stream %s",
      kind == OT_TRACK_AUDIO ? "audio" : "video", track,
      ot_stream_get_id (stream));
  return track;
}

OtTrack *
ot_track_ref (OtTrack * track)
{
  g_return_val_if_fail (track != NULL, NULL);
  g_atomic_int_inc (&track->ref_count);
  return track;
}

static void
keyframe_closure_clear (OtKeyframeClosure * closure)
{
  if (closure->notify)
    closure->notify (closure->user_data);
}

static void
keyframe_closure_unref (OtKeyframeClosure * closure)
{
  if (closure)
    g_atomic_rc_box_release_full (closure,
        (GDestroyNotify) keyframe_closure_clear);
}

void
ot_track_unref (OtTrack * track)
{
  guint f;

  g_return_if_fail (track != NULL);
  if (!g_atomic_int_dec_and_test (&track->ref_count))
    return;

  /* Subscriptions hold their track: none is left here. */
  GST_DEBUG ("free track %p", track);
  route_unref (track->route);
  for (f = 0; f < OT_FORMAT_LAST; f++)
    g_clear_pointer (&track->converters[f], ot_converter_unref);
  g_ptr_array_unref (track->subs);
  keyframe_closure_unref (track->keyframe);
  gst_clear_caps (&track->caps);
  g_mutex_clear (&track->lock);
  g_object_unref (track->stream);
  g_free (track);
}

void
ot_track_mark_removed (OtTrack * track)
{
  g_atomic_int_set (&track->removed, TRUE);
}

void
ot_track_set_muted (OtTrack * track, gboolean muted)
{
  g_atomic_int_set (&track->muted, muted);
}

OtTrackKind
ot_track_get_kind (OtTrack * track)
{
  g_return_val_if_fail (track != NULL, OT_TRACK_AUDIO);
  return track->kind;
}

OtStream *
ot_track_peek_stream (OtTrack * track)
{
  g_return_val_if_fail (track != NULL, NULL);
  return track->stream;
}

GstCaps *
ot_track_get_caps (OtTrack * track)
{
  GstCaps *caps;

  g_return_val_if_fail (track != NULL, NULL);
  g_mutex_lock (&track->lock);
  caps = track->caps ? gst_caps_ref (track->caps) : NULL;
  g_mutex_unlock (&track->lock);
  return caps;
}

guint
ot_track_get_n_subscriptions (OtTrack * track)
{
  guint n;

  g_return_val_if_fail (track != NULL, 0);
  g_mutex_lock (&track->lock);
  n = track->subs->len;
  g_mutex_unlock (&track->lock);
  return n;
}

/* ---- publisher side ---- */

/* The format subscribers in `format` receive, if known.  Track locked. */
static GstCaps *
get_delivered_caps_locked (OtTrack * track, OtFormat format)
{
  if (track->format != OT_FORMAT_NONE && format == track->format)
    return gst_caps_ref (track->caps);
  /* Raw audio, decoded or not, is only ever delivered one way. */
  if (format == OT_FORMAT_RAW)
    return gst_caps_from_string (OT_AUDIO_RAW_CAPS);
  if (track->converters[format])
    return ot_converter_get_out_caps (track->converters[format]);
  return NULL;
}


/* Gives `item` (transfer none) to every subscription of `fanout`. */
static void
fanout_deliver (OtFanout * fanout, GstMiniObject * item,
    gboolean * want_keyframe)
{
  guint i;

  for (i = 0; i < fanout->subs->len; i++)
    ot_subscription_deliver (g_ptr_array_index (fanout->subs, i), item,
        want_keyframe);
}

gboolean
ot_track_set_caps (OtTrack * track, GstCaps * caps, GError ** error)
{
  GstCaps *announced[OT_FORMAT_LAST] = { NULL, };
  GPtrArray *dead;
  OtRoute *old, *route;
  OtFormat format;
  gboolean want_keyframe = FALSE;
  guint f;

  g_return_val_if_fail (track != NULL, FALSE);

  format = check_published_caps (track->kind, caps, error);
  if (format == OT_FORMAT_NONE)
    return FALSE;

  dead = garbage_new ();
  g_mutex_lock (&track->lock);
  if (track->caps && gst_caps_is_equal (track->caps, caps)) {
    g_mutex_unlock (&track->lock);
    g_ptr_array_unref (dead);
    return TRUE;
  }
  GST_INFO ("track %p publishes %" GST_PTR_FORMAT, track, caps);
  gst_caps_replace (&track->caps, caps);
  if (format == track->format) {
    /* Same codec, new details: the converters renegotiate. */
    for (f = 0; f < OT_FORMAT_LAST; f++)
      if (track->converters[f])
        ot_converter_set_in_caps (track->converters[f], caps);
  } else {
    /* Another codec: converters from the old one are useless. */
    track->format = format;
    for (f = 0; f < OT_FORMAT_LAST; f++)
      if (track->converters[f])
        g_ptr_array_add (dead, g_steal_pointer (&track->converters[f]));
  }
  old = rebuild_route_locked (track, dead);
  route = route_ref (track->route);
  for (f = 0; route && f < route->n_fanouts; f++)
    announced[f] = get_delivered_caps_locked (track, route->fanouts[f].format);
  g_mutex_unlock (&track->lock);

  /* The publisher calls this from its streaming thread, in order with its
   * pushes, so the CAPS event precedes the buffers it applies to. */
  for (f = 0; route && f < route->n_fanouts; f++) {
    if (announced[f]) {
      GstEvent *event = gst_event_new_caps (announced[f]);

      fanout_deliver (&route->fanouts[f], GST_MINI_OBJECT (event),
          &want_keyframe);
      gst_event_unref (event);
      gst_caps_unref (announced[f]);
    }
  }
  route_unref (route);
  release_garbage (old, dead);
  ot_stream_emit_changed (track->stream);
  return TRUE;
}

void
ot_track_set_keyframe_request_func (OtTrack * track,
    OtKeyframeRequestFunc func, gpointer user_data, GDestroyNotify notify)
{
  OtKeyframeClosure *closure = NULL, *old;

  g_return_if_fail (track != NULL);

  if (func) {
    closure = g_atomic_rc_box_new0 (OtKeyframeClosure);
    closure->func = func;
    closure->user_data = user_data;
    closure->notify = notify;
  }
  g_mutex_lock (&track->lock);
  old = track->keyframe;
  track->keyframe = closure;
  g_mutex_unlock (&track->lock);
  keyframe_closure_unref (old);
}

void
ot_track_request_keyframe (OtTrack * track)
{
  OtKeyframeClosure *closure;

  g_mutex_lock (&track->lock);
  closure = track->keyframe ? g_atomic_rc_box_acquire (track->keyframe) : NULL;
  g_mutex_unlock (&track->lock);
  if (closure == NULL)
    return;
  GST_DEBUG ("track %p: requesting a keyframe", track);
  closure->func (track, closure->user_data);
  keyframe_closure_unref (closure);
}

void
ot_track_publisher_stopped (OtTrack * track)
{
  OtKeyframeClosure *closure;
  guint f;

  g_return_if_fail (track != NULL);

  g_mutex_lock (&track->lock);
  closure = g_steal_pointer (&track->keyframe);
  /* The next publisher starts a new stream: no decoder state carries on. */
  for (f = 0; f < OT_FORMAT_LAST; f++)
    if (track->converters[f])
      ot_converter_reset (track->converters[f]);
  g_mutex_unlock (&track->lock);
  GST_INFO ("track %p: publisher stopped", track);
  keyframe_closure_unref (closure);
}

/* ---- the push path ---- */

#define SILENCE_BYTES (960 * 2) /* 20 ms of OT_AUDIO_RAW_CAPS */

/* One zeroed, read-only memory that every silence buffer of the process
 * points to: muting costs no sample memory. */
static GstMemory *
get_zero_memory (void)
{
  static GstMemory *zero;

  if (g_once_init_enter (&zero)) {
    GstMemory *mem = gst_allocator_alloc (NULL, SILENCE_BYTES, NULL);
    GstMapInfo map;

    gst_memory_map (mem, &map, GST_MAP_WRITE);
    memset (map.data, 0, map.size);
    gst_memory_unmap (mem, &map);
    GST_MINI_OBJECT_FLAG_SET (mem, GST_MEMORY_FLAG_READONLY);
    g_once_init_leave (&zero, mem);
  }
  return zero;
}

/* Raw silence standing for `buffer` (published in `format`): same PTS and
 * duration, flagged GAP, made of references to the zero memory. */
static GstBuffer *
make_silence (GstBuffer * buffer, OtFormat format)
{
  GstMemory *zero = get_zero_memory ();
  GstBuffer *silence = gst_buffer_new ();
  GstClockTime duration = GST_BUFFER_DURATION (buffer);
  gsize size;

  if (format == OT_FORMAT_RAW)
    size = gst_buffer_get_size (buffer);
  else if (GST_CLOCK_TIME_IS_VALID (duration))
    size = 2 * gst_util_uint64_scale_round (duration, 48000, GST_SECOND);
  else
    size = SILENCE_BYTES;
  if (!GST_CLOCK_TIME_IS_VALID (duration))
    duration = gst_util_uint64_scale (size / 2, GST_SECOND, 48000);

  for (; size >= SILENCE_BYTES; size -= SILENCE_BYTES)
    gst_buffer_append_memory (silence, gst_memory_ref (zero));
  if (size > 0)
    gst_buffer_append_memory (silence, gst_memory_share (zero, 0, size));

  GST_BUFFER_PTS (silence) = GST_BUFFER_PTS (buffer);
  GST_BUFFER_DURATION (silence) = duration;
  GST_BUFFER_FLAG_SET (silence, GST_BUFFER_FLAG_GAP);
  if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DISCONT))
    GST_BUFFER_FLAG_SET (silence, GST_BUFFER_FLAG_DISCONT);
  return silence;
}

/* Muted audio: raw subscribers get silence, encoded ones a GAP event; the
 * converters rest. */
static void
push_muted (OtRoute * route, GstBuffer * buffer, OtFormat published,
    gboolean * want_keyframe)
{
  GstBuffer *silence = NULL;
  GstEvent *gap = NULL;
  guint i;

  for (i = 0; i < route->n_fanouts; i++) {
    OtFanout *fanout = &route->fanouts[i];

    if (fanout->format == OT_FORMAT_RAW) {
      if (silence == NULL)
        silence = make_silence (buffer, published);
      fanout_deliver (fanout, GST_MINI_OBJECT (silence), want_keyframe);
    } else {
      if (gap == NULL)
        gap = gst_event_new_gap (GST_BUFFER_PTS (buffer),
            GST_BUFFER_DURATION (buffer));
      fanout_deliver (fanout, GST_MINI_OBJECT (gap), want_keyframe);
    }
  }
  gst_clear_buffer (&silence);
  gst_clear_event (&gap);
}

static void
push_converted (OtFanout * fanout, GstBuffer * buffer, gboolean * want_keyframe)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_mini_object_unref);
  guint i;

  ot_converter_process (fanout->converter, buffer, out);
  for (i = 0; i < out->len; i++)
    fanout_deliver (fanout, g_ptr_array_index (out, i), want_keyframe);
}

gboolean
ot_track_push (OtTrack * track, GstBuffer * buffer)
{
  gboolean want_keyframe = FALSE;
  OtFormat published;
  OtRoute *route;
  guint i;

  g_return_val_if_fail (track != NULL, FALSE);
  g_return_val_if_fail (GST_IS_BUFFER (buffer), FALSE);

  if (g_atomic_int_get (&track->removed)) {
    gst_buffer_unref (buffer);
    return FALSE;
  }

  g_mutex_lock (&track->lock);
  route = route_ref (track->route);
  published = track->format;
  g_mutex_unlock (&track->lock);

  if (route == NULL) {
    /* Nobody listens, or no caps yet. */
  } else if (track->kind == OT_TRACK_AUDIO && g_atomic_int_get (&track->muted)) {
    push_muted (route, buffer, published, &want_keyframe);
  } else {
    for (i = 0; i < route->n_fanouts; i++) {
      OtFanout *fanout = &route->fanouts[i];

      if (fanout->converter == NULL)
        fanout_deliver (fanout, GST_MINI_OBJECT (buffer), &want_keyframe);
      else
        push_converted (fanout, buffer, &want_keyframe);
    }
  }
  route_unref (route);
  gst_buffer_unref (buffer);

  if (want_keyframe)
    ot_track_request_keyframe (track);
  return TRUE;
}

/* ---- subscriber side ---- */

OtSubscription *
ot_track_subscribe (OtTrack * track, GstCaps * caps, guint max_items,
    OtSubscriptionNotify notify, gpointer user_data, GDestroyNotify destroy,
    GError ** error)
{
  g_autoptr (GstCaps) first_caps = NULL;
  OtSubscription *sub;
  OtFormat format;
  GPtrArray *dead;
  OtRoute *old;

  g_return_val_if_fail (track != NULL, NULL);

  format = check_requested_caps (track->kind, caps, error);
  if (format == OT_FORMAT_NONE)
    return NULL;
  if (max_items == 0) {
    g_set_error (error, OT_HUB_ERROR, OT_HUB_ERROR_INVALID,
        "a subscription needs room for at least one item");
    return NULL;
  }

  dead = garbage_new ();
  g_mutex_lock (&track->lock);
  if (track->kind == OT_TRACK_VIDEO && track->format != OT_FORMAT_NONE &&
      format != track->format) {
    g_mutex_unlock (&track->lock);
    g_ptr_array_unref (dead);
    g_set_error (error, OT_HUB_ERROR, OT_HUB_ERROR_FORMAT,
        "video is published as %s, not %s",
        ot_format_get_name (track->format), ot_format_get_name (format));
    return NULL;
  }
  if (track->format != OT_FORMAT_NONE && format != track->format &&
      track->converters[format] == NULL) {
    /* Made here rather than in the route update to report failure. */
    track->converters[format] = ot_converter_new (track->caps, format, error);
    if (track->converters[format] == NULL) {
      g_mutex_unlock (&track->lock);
      g_ptr_array_unref (dead);
      return NULL;
    }
  }
  sub = ot_subscription_new (track, format, caps, max_items, notify,
      user_data, destroy);
  g_ptr_array_add (track->subs, ot_subscription_internal_ref (sub));
  old = rebuild_route_locked (track, dead);
  /* Before anyone can deliver to it, so that the format comes first. */
  first_caps = get_delivered_caps_locked (track, format);
  if (first_caps)
    ot_subscription_start_caps (sub, first_caps);
  g_mutex_unlock (&track->lock);
  release_garbage (old, dead);

  GST_INFO ("track %p: %s subscription %p (%u now)", track,
      ot_format_get_name (format), sub, ot_track_get_n_subscriptions (track));
  if (track->kind == OT_TRACK_VIDEO)
    ot_track_request_keyframe (track);
  return sub;
}

void
ot_track_remove_subscription (OtTrack * track, OtSubscription * sub)
{
  GPtrArray *dead = garbage_new ();
  OtRoute *old = NULL;
  gboolean found;

  g_mutex_lock (&track->lock);
  found = g_ptr_array_remove (track->subs, sub);
  if (found)
    old = rebuild_route_locked (track, dead);
  g_mutex_unlock (&track->lock);
  release_garbage (old, dead);
  if (found)
    GST_INFO ("track %p: subscription %p ended", track, sub);
}
