/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A stream: what one connection publishes, up to one audio and one video
 * track, and its muted state.
 *
 * The muted state is set from the control side (the app, REST force mute)
 * and read on every audio push, so the stream mirrors it into its audio
 * track where the push path reads it without a lock. */
#include "ot-stream-private.h"
#include "ot-session-private.h"
#include "ot-connection.h"
#include "ot-track-private.h"

GST_DEBUG_CATEGORY_STATIC (ot_stream_debug);
#define GST_CAT_DEFAULT ot_stream_debug

struct _OtStream
{
  GObject parent;

  /* Immutable after construction. */
  gchar *id;
  gchar *name;
  OtVideoType video_type;
  gchar *connection_id;
  GWeakRef session;             /* cleared when unpublished */

  GMutex lock;
  gboolean published;           /* lock */
  gboolean muted;               /* lock */
  gboolean muted_by_force;      /* lock: muted by the session, not itself */
  gboolean observe_force_mute;  /* lock */
  gboolean has_track[2];        /* lock: by OtTrackKind */
  OtTrack *tracks[2];           /* lock: by OtTrackKind, NULL once removed */
};

enum
{
  PROP_0,
  PROP_NAME,
  PROP_VIDEO_TYPE,
  PROP_MUTED,
  PROP_OBSERVE_FORCE_MUTE,
  PROP_HAS_AUDIO,
  PROP_HAS_VIDEO,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_TYPE_WITH_CODE (OtStream, ot_stream, G_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (ot_stream_debug, "otstream", 0,
        "Session hub streams"));

GType
ot_video_type_get_type (void)
{
  static GType type;
  static const GEnumValue values[] = {
    {OT_VIDEO_TYPE_CAMERA, "Camera", "camera"},
    {OT_VIDEO_TYPE_SCREEN, "Screen", "screen"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("OtVideoType", values));
  return type;
}

static void
ot_stream_finalize (GObject * object)
{
  OtStream *stream = OT_STREAM (object);

  GST_DEBUG ("finalize stream %s", stream->id);
  g_clear_pointer (&stream->tracks[OT_TRACK_AUDIO], ot_track_unref);
  g_clear_pointer (&stream->tracks[OT_TRACK_VIDEO], ot_track_unref);
  g_weak_ref_clear (&stream->session);
  g_mutex_clear (&stream->lock);
  g_free (stream->id);
  g_free (stream->name);
  g_free (stream->connection_id);
  G_OBJECT_CLASS (ot_stream_parent_class)->finalize (object);
}

static void
ot_stream_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  OtStream *stream = OT_STREAM (object);

  switch (prop_id) {
    case PROP_NAME:
      g_value_set_string (value, stream->name);
      break;
    case PROP_VIDEO_TYPE:
      g_value_set_enum (value, stream->video_type);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, ot_stream_is_muted (stream));
      break;
    case PROP_OBSERVE_FORCE_MUTE:
      g_value_set_boolean (value, ot_stream_get_observe_force_mute (stream));
      break;
    case PROP_HAS_AUDIO:
      g_value_set_boolean (value, ot_stream_has_audio (stream));
      break;
    case PROP_HAS_VIDEO:
      g_value_set_boolean (value, ot_stream_has_video (stream));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
ot_stream_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  OtStream *stream = OT_STREAM (object);

  switch (prop_id) {
    case PROP_MUTED:
      ot_stream_set_muted (stream, g_value_get_boolean (value));
      break;
    case PROP_OBSERVE_FORCE_MUTE:
      ot_stream_set_observe_force_mute (stream, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
ot_stream_class_init (OtStreamClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->finalize = ot_stream_finalize;
  gobject_class->get_property = ot_stream_get_property;
  gobject_class->set_property = ot_stream_set_property;

  props[PROP_NAME] = g_param_spec_string ("name", "Name",
      "The stream's display name", NULL,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_VIDEO_TYPE] = g_param_spec_enum ("video-type", "Video type",
      "Camera or screen", OT_TYPE_VIDEO_TYPE, OT_VIDEO_TYPE_CAMERA,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_MUTED] = g_param_spec_boolean ("muted", "Muted",
      "Whether the stream's audio reaches subscribers as silence", FALSE,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_OBSERVE_FORCE_MUTE] = g_param_spec_boolean ("observe-force-mute",
      "Observe force mute", "Whether the session's force mute applies", TRUE,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_HAS_AUDIO] = g_param_spec_boolean ("has-audio", "Has audio",
      "Whether an audio track was published", FALSE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_HAS_VIDEO] = g_param_spec_boolean ("has-video", "Has video",
      "Whether a video track was published", FALSE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (gobject_class, N_PROPS, props);
}

static void
ot_stream_init (OtStream * stream)
{
  g_mutex_init (&stream->lock);
  g_weak_ref_init (&stream->session, NULL);
  stream->observe_force_mute = TRUE;
}

OtStream *
ot_stream_new (OtSession * session, OtConnection * connection,
    const gchar * stream_id, const gchar * name, OtVideoType video_type,
    gboolean force_muted)
{
  OtStream *stream = g_object_new (OT_TYPE_STREAM, NULL);

  stream->id = g_strdup (stream_id);
  stream->name = g_strdup (name ? name : "");
  stream->video_type = video_type;
  stream->connection_id = g_strdup (ot_connection_get_id (connection));
  stream->published = TRUE;
  stream->muted = stream->muted_by_force = force_muted;
  g_weak_ref_set (&stream->session, session);
  return stream;
}

void
ot_stream_mark_removed (OtStream * stream)
{
  OtTrack *tracks[2];
  guint i;

  g_mutex_lock (&stream->lock);
  stream->published = FALSE;
  tracks[0] = g_steal_pointer (&stream->tracks[0]);
  tracks[1] = g_steal_pointer (&stream->tracks[1]);
  g_mutex_unlock (&stream->lock);
  g_weak_ref_set (&stream->session, NULL);

  /* The tracks hold the stream: dropping them here breaks the cycle. */
  for (i = 0; i < 2; i++) {
    if (tracks[i]) {
      ot_track_mark_removed (tracks[i]);
      ot_track_unref (tracks[i]);
    }
  }
}

const gchar *
ot_stream_get_id (OtStream * stream)
{
  g_return_val_if_fail (OT_IS_STREAM (stream), NULL);
  return stream->id;
}

const gchar *
ot_stream_get_name (OtStream * stream)
{
  g_return_val_if_fail (OT_IS_STREAM (stream), NULL);
  return stream->name;
}

OtVideoType
ot_stream_get_video_type (OtStream * stream)
{
  g_return_val_if_fail (OT_IS_STREAM (stream), OT_VIDEO_TYPE_CAMERA);
  return stream->video_type;
}

const gchar *
ot_stream_get_connection_id (OtStream * stream)
{
  g_return_val_if_fail (OT_IS_STREAM (stream), NULL);
  return stream->connection_id;
}

static gboolean
get_locked_bool (OtStream * stream, const gboolean * field)
{
  gboolean value;

  g_mutex_lock (&stream->lock);
  value = *field;
  g_mutex_unlock (&stream->lock);
  return value;
}

gboolean
ot_stream_is_published (OtStream * stream)
{
  g_return_val_if_fail (OT_IS_STREAM (stream), FALSE);
  return get_locked_bool (stream, &stream->published);
}

gboolean
ot_stream_has_audio (OtStream * stream)
{
  g_return_val_if_fail (OT_IS_STREAM (stream), FALSE);
  return get_locked_bool (stream, &stream->has_track[OT_TRACK_AUDIO]);
}

gboolean
ot_stream_has_video (OtStream * stream)
{
  g_return_val_if_fail (OT_IS_STREAM (stream), FALSE);
  return get_locked_bool (stream, &stream->has_track[OT_TRACK_VIDEO]);
}

gboolean
ot_stream_is_muted (OtStream * stream)
{
  g_return_val_if_fail (OT_IS_STREAM (stream), FALSE);
  return get_locked_bool (stream, &stream->muted);
}

gboolean
ot_stream_get_observe_force_mute (OtStream * stream)
{
  g_return_val_if_fail (OT_IS_STREAM (stream), FALSE);
  return get_locked_bool (stream, &stream->observe_force_mute);
}

/* Stream locked: records the state and mirrors it into the audio track. */
static gboolean
set_muted_locked (OtStream * stream, gboolean muted, gboolean by_force)
{
  gboolean changed = stream->muted != muted;

  stream->muted = muted;
  stream->muted_by_force = muted && (by_force || stream->muted_by_force);
  if (stream->tracks[OT_TRACK_AUDIO])
    ot_track_set_muted (stream->tracks[OT_TRACK_AUDIO], muted);
  return changed;
}

void
ot_stream_emit_changed (OtStream * stream)
{
  g_autoptr (OtSession) session = g_weak_ref_get (&stream->session);

  if (session)
    ot_session_emit_stream_changed (session, stream);
}

/* No lock held: tells the stream's watchers and its session. */
static void
emit_muted_changed (OtStream * stream)
{
  GST_INFO ("stream %s %s", stream->id,
      ot_stream_is_muted (stream) ? "muted" : "unmuted");
  g_object_notify_by_pspec (G_OBJECT (stream), props[PROP_MUTED]);
  ot_stream_emit_changed (stream);
}

void
ot_stream_set_muted (OtStream * stream, gboolean muted)
{
  gboolean changed;

  g_return_if_fail (OT_IS_STREAM (stream));
  g_mutex_lock (&stream->lock);
  changed = set_muted_locked (stream, muted, FALSE);
  g_mutex_unlock (&stream->lock);
  if (changed)
    emit_muted_changed (stream);
}

gboolean
ot_stream_force_mute (OtStream * stream, gboolean * changed)
{
  gboolean applies, did_change = FALSE;

  g_mutex_lock (&stream->lock);
  applies = stream->observe_force_mute;
  if (applies)
    did_change = set_muted_locked (stream, TRUE, TRUE);
  g_mutex_unlock (&stream->lock);

  if (did_change)
    emit_muted_changed (stream);
  if (changed)
    *changed = did_change;
  return applies;
}

void
ot_stream_set_observe_force_mute (OtStream * stream, gboolean observe)
{
  gboolean changed, unmuted = FALSE;

  g_return_if_fail (OT_IS_STREAM (stream));
  g_mutex_lock (&stream->lock);
  changed = stream->observe_force_mute != observe;
  stream->observe_force_mute = observe;
  /* A stream that ignores force mute must not stay muted by it, e.g. when
   * it was published under "mute all" before its owner set this. */
  if (!observe && stream->muted_by_force)
    unmuted = set_muted_locked (stream, FALSE, FALSE);
  g_mutex_unlock (&stream->lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (stream),
        props[PROP_OBSERVE_FORCE_MUTE]);
  if (unmuted)
    emit_muted_changed (stream);
}

OtTrack *
ot_stream_ensure_track (OtStream * stream, OtTrackKind kind)
{
  OtTrack *track;
  gboolean created = FALSE;

  g_return_val_if_fail (OT_IS_STREAM (stream), NULL);
  g_return_val_if_fail (kind == OT_TRACK_AUDIO || kind == OT_TRACK_VIDEO, NULL);

  g_mutex_lock (&stream->lock);
  if (stream->tracks[kind] == NULL) {
    track = ot_track_new (stream, kind, kind == OT_TRACK_AUDIO &&
        stream->muted);
    if (stream->published) {
      stream->tracks[kind] = ot_track_ref (track);
      created = !stream->has_track[kind];
      stream->has_track[kind] = TRUE;
    } else {
      /* Too late: a track whose pushes fail tells the publisher to stop. */
      ot_track_mark_removed (track);
    }
  } else {
    track = ot_track_ref (stream->tracks[kind]);
  }
  g_mutex_unlock (&stream->lock);

  if (created) {
    GST_INFO ("stream %s: %s track", stream->id,
        kind == OT_TRACK_AUDIO ? "audio" : "video");
    g_object_notify_by_pspec (G_OBJECT (stream), props[kind == OT_TRACK_AUDIO ?
            PROP_HAS_AUDIO : PROP_HAS_VIDEO]);
  }
  return track;
}

OtTrack *
ot_stream_get_track (OtStream * stream, OtTrackKind kind)
{
  OtTrack *track;

  g_return_val_if_fail (OT_IS_STREAM (stream), NULL);
  g_return_val_if_fail (kind == OT_TRACK_AUDIO || kind == OT_TRACK_VIDEO, NULL);

  g_mutex_lock (&stream->lock);
  track = stream->tracks[kind] ? ot_track_ref (stream->tracks[kind]) : NULL;
  g_mutex_unlock (&stream->lock);
  return track;
}
