/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-otsink
 * @title: otsink
 * @see_also: otsrc
 *
 * Publishes one stream into a session of the process's session hub: a
 * connection (created, or an existing one named by #GstOtSink:connection-id)
 * publishes a stream with up to one audio and one video track.  Request the
 * pads `audio` (raw S16LE 48 kHz mono, or Opus) and `video` (VP8, or H.264
 * byte-stream in access units).
 *
 * otsink is a proper sink: it prerolls, syncs to the clock (so a non-live
 * source runs in real time), takes part in latency and posts EOS.  Each buffer
 * reaches the hub stamped with the absolute clock time at which it is
 * rendered (base time + running time + latency), so that subscribers in other
 * pipelines of the process can turn it back into their own running time.
 *
 * The stream is unpublished when the element goes back to READY.  When the
 * hub removes the stream (its connection was force-disconnected) otsink posts
 * an error.  Keyframe requests of the hub (a new video subscriber, or one that
 * lost data) become upstream force-key-unit events.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 audiotestsrc is-live=true samplesperbuffer=960 ! \
 *     audio/x-raw,format=S16LE,rate=48000,channels=1 ! \
 *     otsink session-id=demo stream-id=tone \
 *   otsrc session-id=demo ! audioconvert ! autoaudiosink
 * ]| Publishes a tone into the session "demo" and plays what a subscriber of
 * that session receives (the two chains share one process, so one hub).
 *
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! video/x-raw,format=I420 ! \
 *     vp8enc deadline=1 cpu-used=-6 end-usage=cbr threads=1 ! \
 *     otsink session-id=demo video-type=screen stream-name=slides \
 *   otsrc session-id=demo ! vp8dec ! videoconvert ! autovideosink
 * ]| Publishes a VP8 screen-share stream and shows it.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstotelements.h"
#include "gstottracksink.h"
#include "gstotcommon.h"

GST_DEBUG_CATEGORY_STATIC (gst_ot_sink_debug);
#define GST_CAT_DEFAULT gst_ot_sink_debug

static GstStaticPadTemplate audio_template = GST_STATIC_PAD_TEMPLATE ("audio",
    GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS (OT_AUDIO_RAW_CAPS "; audio/x-opus"));

static GstStaticPadTemplate video_template = GST_STATIC_PAD_TEMPLATE ("video",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS (OT_VIDEO_CAPS));

#define GST_TYPE_OT_SINK (gst_ot_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstOtSink, gst_ot_sink, GST, OT_SINK, GstBin);

struct _GstOtSink
{
  GstBin parent;

  /* Properties, guarded by the object lock.  connection_id and stream_id
   * are replaced by the generated IDs when publishing. */
  gchar *session_id;
  gchar *connection_id;
  gchar *stream_id;
  gchar *stream_name;
  OtVideoType video_type;
  gboolean muted;
  gboolean create_session;
  gboolean sync;
  gboolean async;

  /* The internal sinks by track kind (children of the bin, and a reference
   * of ours), guarded by the object lock. */
  GstOtTrackSink *sinks[2];

  /* Hub objects while publishing (READY→PAUSED until PAUSED→READY),
   * guarded by the object lock. */
  OtSession *session;
  OtConnection *connection;
  OtStream *stream;
  gboolean own_connection;      /* created by us: removed on unpublish */
  gboolean own_stream;
  gulong muted_handler;
};

G_DEFINE_TYPE (GstOtSink, gst_ot_sink, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (otsink, "otsink", GST_RANK_NONE, GST_TYPE_OT_SINK);

enum
{
  PROP_0,
  PROP_SESSION_ID,
  PROP_CONNECTION_ID,
  PROP_STREAM_ID,
  PROP_STREAM_NAME,
  PROP_VIDEO_TYPE,
  PROP_MUTED,
  PROP_CREATE_SESSION,
  PROP_SYNC,
  PROP_ASYNC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_VIDEO_TYPE OT_VIDEO_TYPE_CAMERA
#define DEFAULT_CREATE_SESSION GST_OT_DEFAULT_CREATE_SESSION
#define DEFAULT_SYNC TRUE
#define DEFAULT_ASYNC TRUE

#define GST_TYPE_OT_VIDEO_TYPE (gst_ot_video_type_get_type ())
static GType
gst_ot_video_type_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {OT_VIDEO_TYPE_CAMERA, "A camera", "camera"},
    {OT_VIDEO_TYPE_SCREEN, "A screen share", "screen"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstOtVideoType",
            values));
  return type;
}

static void
gst_ot_sink_init (GstOtSink * self)
{
  self->session_id = g_strdup ("");
  self->connection_id = g_strdup ("");
  self->stream_id = g_strdup ("");
  self->stream_name = g_strdup ("");
  self->video_type = DEFAULT_VIDEO_TYPE;
  self->create_session = DEFAULT_CREATE_SESSION;
  self->sync = DEFAULT_SYNC;
  self->async = DEFAULT_ASYNC;
}

static void
gst_ot_sink_finalize (GObject * object)
{
  GstOtSink *self = GST_OT_SINK (object);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (self->sinks); i++)
    gst_clear_object (&self->sinks[i]);
  g_free (self->session_id);
  g_free (self->connection_id);
  g_free (self->stream_id);
  g_free (self->stream_name);
  G_OBJECT_CLASS (gst_ot_sink_parent_class)->finalize (object);
}

/* ---- properties ---- */

static void
gst_ot_sink_set_muted (GstOtSink * self, gboolean muted)
{
  g_autoptr (OtStream) stream = NULL;

  GST_OBJECT_LOCK (self);
  self->muted = muted;
  if (self->stream)
    stream = g_object_ref (self->stream);
  GST_OBJECT_UNLOCK (self);

  if (stream)
    ot_stream_set_muted (stream, muted);
}

/* sync and async apply to every internal sink, as on a GstBaseSink. */
static void
gst_ot_sink_configure_sink (GstOtSink * self, GstOtTrackSink * sink)
{
  gst_base_sink_set_sync (GST_BASE_SINK (sink), self->sync);
  gst_base_sink_set_async_enabled (GST_BASE_SINK (sink), self->async);
}

static void
gst_ot_sink_set_sink_flag (GstOtSink * self, gboolean * flag, gboolean value)
{
  guint i;

  GST_OBJECT_LOCK (self);
  *flag = value;
  for (i = 0; i < G_N_ELEMENTS (self->sinks); i++)
    if (self->sinks[i])
      gst_ot_sink_configure_sink (self, self->sinks[i]);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_ot_sink_set_string (GstOtSink * self, gchar ** field, const GValue * value)
{
  const gchar *s = g_value_get_string (value);

  GST_OBJECT_LOCK (self);
  g_free (*field);
  *field = g_strdup (s ? s : "");
  GST_OBJECT_UNLOCK (self);
}

static void
gst_ot_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstOtSink *self = GST_OT_SINK (object);

  switch (prop_id) {
    case PROP_SESSION_ID:
      gst_ot_sink_set_string (self, &self->session_id, value);
      break;
    case PROP_CONNECTION_ID:
      gst_ot_sink_set_string (self, &self->connection_id, value);
      break;
    case PROP_STREAM_ID:
      gst_ot_sink_set_string (self, &self->stream_id, value);
      break;
    case PROP_STREAM_NAME:
      gst_ot_sink_set_string (self, &self->stream_name, value);
      break;
    case PROP_VIDEO_TYPE:
      GST_OBJECT_LOCK (self);
      self->video_type = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_MUTED:
      gst_ot_sink_set_muted (self, g_value_get_boolean (value));
      break;
    case PROP_CREATE_SESSION:
      GST_OBJECT_LOCK (self);
      self->create_session = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_SYNC:
      gst_ot_sink_set_sink_flag (self, &self->sync,
          g_value_get_boolean (value));
      break;
    case PROP_ASYNC:
      gst_ot_sink_set_sink_flag (self, &self->async,
          g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_ot_sink_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstOtSink *self = GST_OT_SINK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;
    case PROP_CONNECTION_ID:
      g_value_set_string (value, self->connection_id);
      break;
    case PROP_STREAM_ID:
      g_value_set_string (value, self->stream_id);
      break;
    case PROP_STREAM_NAME:
      g_value_set_string (value, self->stream_name);
      break;
    case PROP_VIDEO_TYPE:
      g_value_set_enum (value, self->video_type);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_CREATE_SESSION:
      g_value_set_boolean (value, self->create_session);
      break;
    case PROP_SYNC:
      g_value_set_boolean (value, self->sync);
      break;
    case PROP_ASYNC:
      g_value_set_boolean (value, self->async);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ---- publishing ---- */

/* The stream's muted state also changes from outside (force mute): mirror it
 * in our property.  Runs in whatever thread changed it. */
static void
gst_ot_sink_stream_muted_changed (OtStream * stream, GParamSpec * pspec,
    GstOtSink * self)
{
  gboolean muted = ot_stream_is_muted (stream), changed;

  GST_OBJECT_LOCK (self);
  changed = self->muted != muted;
  self->muted = muted;
  GST_OBJECT_UNLOCK (self);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

/* The stream: ours, or the one named by stream-id when it already exists
 * under our connection (the gateway pre-creates a SIP leg's stream). */
static OtStream *
gst_ot_sink_get_stream (GstOtSink * self, OtSession * session,
    OtConnection * connection, const gchar * stream_id, const gchar * name,
    OtVideoType video_type, gboolean * own)
{
  g_autoptr (GError) err = NULL;
  OtStream *stream = NULL;

  *own = FALSE;
  if (stream_id[0])
    stream = ot_session_lookup_stream (session, stream_id);
  if (stream) {
    if (g_strcmp0 (ot_stream_get_connection_id (stream),
            ot_connection_get_id (connection)) == 0)
      return stream;
    GST_ELEMENT_ERROR (self, RESOURCE, BUSY,
        ("Stream %s is published by another connection.", stream_id),
        ("stream %s belongs to connection %s, not %s", stream_id,
            ot_stream_get_connection_id (stream),
            ot_connection_get_id (connection)));
    g_object_unref (stream);
    return NULL;
  }
  stream = ot_session_add_stream (session, connection, stream_id, name,
      video_type, &err);
  if (!stream)
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
        ("Could not publish a stream in session %s.",
            ot_session_get_id (session)), ("%s", err->message));
  *own = stream != NULL;
  return stream;
}

static OtConnection *
gst_ot_sink_get_connection (GstOtSink * self, OtSession * session,
    const gchar * connection_id, gboolean * own)
{
  g_autoptr (GError) err = NULL;
  OtConnection *connection = NULL;

  *own = FALSE;
  if (connection_id[0])
    connection = ot_session_lookup_connection (session, connection_id);
  if (connection)
    return connection;
  connection = ot_session_add_connection (session, connection_id, NULL, &err);
  if (!connection)
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
        ("Could not connect to session %s.", ot_session_get_id (session)),
        ("%s", err->message));
  *own = connection != NULL;
  return connection;
}

static void
gst_ot_sink_attach_track (GstOtSink * self, OtStream * stream,
    GstOtTrackSink * sink)
{
  g_autoptr (OtTrack) track =
      ot_stream_ensure_track (stream, gst_ot_track_sink_get_kind (sink));

  gst_ot_track_sink_set_track (sink, track);
}

static void
gst_ot_sink_attach_tracks (GstOtSink * self, OtStream * stream)
{
  GstOtTrackSink *sinks[2] = { NULL, NULL };
  guint i;

  GST_OBJECT_LOCK (self);
  for (i = 0; i < G_N_ELEMENTS (sinks); i++)
    if (self->sinks[i])
      sinks[i] = gst_object_ref (self->sinks[i]);
  GST_OBJECT_UNLOCK (self);

  for (i = 0; i < G_N_ELEMENTS (sinks); i++) {
    if (!sinks[i])
      continue;
    gst_ot_sink_attach_track (self, stream, sinks[i]);
    gst_object_unref (sinks[i]);
  }
}

static void
gst_ot_sink_remove (OtSession * session, OtConnection * connection,
    OtStream * stream, gboolean own_connection, gboolean own_stream)
{
  if (stream && own_stream)
    ot_session_remove_stream (session, ot_stream_get_id (stream));
  if (connection && own_connection)
    ot_session_remove_connection (session, ot_connection_get_id (connection));
}

static gboolean
gst_ot_sink_publish (GstOtSink * self)
{
  g_autofree gchar *session_id = NULL, *connection_id = NULL;
  g_autofree gchar *stream_id = NULL, *name = NULL;
  g_autoptr (OtSession) session = NULL;
  g_autoptr (OtConnection) connection = NULL;
  g_autoptr (OtStream) stream = NULL;
  gboolean create, muted, own_connection, own_stream;
  OtVideoType video_type;

  GST_OBJECT_LOCK (self);
  session_id = g_strdup (self->session_id);
  connection_id = g_strdup (self->connection_id);
  stream_id = g_strdup (self->stream_id);
  name = g_strdup (self->stream_name);
  video_type = self->video_type;
  create = self->create_session;
  muted = self->muted;
  GST_OBJECT_UNLOCK (self);

  session = gst_ot_element_get_session (GST_ELEMENT (self), session_id, create,
      "No session to publish into.");
  if (!session)
    return FALSE;
  connection = gst_ot_sink_get_connection (self, session, connection_id,
      &own_connection);
  if (!connection)
    return FALSE;
  stream = gst_ot_sink_get_stream (self, session, connection, stream_id, name,
      video_type, &own_stream);
  if (!stream) {
    gst_ot_sink_remove (session, connection, NULL, own_connection, FALSE);
    return FALSE;
  }
  /* An attached stream keeps its state unless we are asked to mute it. */
  if (own_stream || muted)
    ot_stream_set_muted (stream, muted);

  GST_OBJECT_LOCK (self);
  self->session = g_object_ref (session);
  self->connection = g_object_ref (connection);
  self->stream = g_object_ref (stream);
  self->own_connection = own_connection;
  self->own_stream = own_stream;
  self->muted = ot_stream_is_muted (stream);
  g_free (self->connection_id);
  self->connection_id = g_strdup (ot_connection_get_id (connection));
  g_free (self->stream_id);
  self->stream_id = g_strdup (ot_stream_get_id (stream));
  self->muted_handler = g_signal_connect (stream, "notify::muted",
      G_CALLBACK (gst_ot_sink_stream_muted_changed), self);
  GST_OBJECT_UNLOCK (self);

  GST_INFO_OBJECT (self, "publishing stream %s of connection %s in %s",
      ot_stream_get_id (stream), ot_connection_get_id (connection), session_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION_ID]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAM_ID]);
  gst_ot_sink_attach_tracks (self, stream);
  return TRUE;
}

static void
gst_ot_sink_unpublish (GstOtSink * self)
{
  g_autoptr (OtSession) session = NULL;
  g_autoptr (OtConnection) connection = NULL;
  g_autoptr (OtStream) stream = NULL;
  GstOtTrackSink *sinks[2] = { NULL, NULL };
  gboolean own_connection, own_stream;
  gulong handler;
  guint i;

  GST_OBJECT_LOCK (self);
  session = g_steal_pointer (&self->session);
  connection = g_steal_pointer (&self->connection);
  stream = g_steal_pointer (&self->stream);
  own_connection = self->own_connection;
  own_stream = self->own_stream;
  handler = self->muted_handler;
  self->muted_handler = 0;
  for (i = 0; i < G_N_ELEMENTS (sinks); i++)
    if (self->sinks[i])
      sinks[i] = gst_object_ref (self->sinks[i]);
  GST_OBJECT_UNLOCK (self);

  for (i = 0; i < G_N_ELEMENTS (sinks); i++) {
    if (!sinks[i])
      continue;
    gst_ot_track_sink_set_track (sinks[i], NULL);
    gst_object_unref (sinks[i]);
  }
  if (!stream)
    return;
  g_signal_handler_disconnect (stream, handler);
  GST_INFO_OBJECT (self, "unpublishing stream %s", ot_stream_get_id (stream));
  gst_ot_sink_remove (session, connection, stream, own_connection, own_stream);
}

/* ---- GstElement vfuncs ---- */

static GstPad *
gst_ot_sink_request_new_pad (GstElement * element, GstPadTemplate * templ,
    const gchar * name, const GstCaps * caps)
{
  GstOtSink *self = GST_OT_SINK (element);
  const gchar *tname = GST_PAD_TEMPLATE_NAME_TEMPLATE (templ);
  OtTrackKind kind = g_str_equal (tname, "video") ? OT_TRACK_VIDEO :
      OT_TRACK_AUDIO;
  g_autoptr (OtStream) stream = NULL;
  g_autoptr (GstPad) target = NULL;
  GstElement *sink;
  GstPad *pad;

  GST_OBJECT_LOCK (self);
  if (self->sinks[kind]) {
    GST_OBJECT_UNLOCK (self);
    GST_WARNING_OBJECT (self, "a stream has at most one %s track", tname);
    return NULL;
  }
  /* Our own reference: the bin drops its children before request pads are
   * released on dispose. */
  sink = gst_object_ref_sink (gst_ot_track_sink_new (kind, tname));
  self->sinks[kind] = GST_OT_TRACK_SINK (sink);
  gst_ot_sink_configure_sink (self, self->sinks[kind]);
  if (self->stream)
    stream = g_object_ref (self->stream);
  GST_OBJECT_UNLOCK (self);

  gst_bin_add (GST_BIN (self), sink);
  target = gst_element_get_static_pad (sink, "sink");
  pad = gst_ghost_pad_new_from_template (tname, target, templ);
  gst_element_add_pad (element, pad);
  /* Requested while publishing: publish the track before data flows. */
  if (stream)
    gst_ot_sink_attach_track (self, stream, GST_OT_TRACK_SINK (sink));
  gst_element_sync_state_with_parent (sink);
  return pad;
}

static void
gst_ot_sink_release_pad (GstElement * element, GstPad * pad)
{
  GstOtSink *self = GST_OT_SINK (element);
  OtTrackKind kind = g_str_equal (GST_PAD_NAME (pad), "video") ?
      OT_TRACK_VIDEO : OT_TRACK_AUDIO;
  GstOtTrackSink *sink;

  GST_OBJECT_LOCK (self);
  sink = g_steal_pointer (&self->sinks[kind]);
  GST_OBJECT_UNLOCK (self);

  gst_element_remove_pad (element, pad);
  if (!sink)
    return;
  gst_ot_track_sink_set_track (sink, NULL);
  gst_element_set_locked_state (GST_ELEMENT (sink), TRUE);
  gst_element_set_state (GST_ELEMENT (sink), GST_STATE_NULL);
  if (GST_OBJECT_PARENT (sink) == GST_OBJECT (self))
    gst_bin_remove (GST_BIN (self), GST_ELEMENT (sink));
  gst_object_unref (sink);
}

static GstStateChangeReturn
gst_ot_sink_change_state (GstElement * element, GstStateChange transition)
{
  GstOtSink *self = GST_OT_SINK (element);
  GstStateChangeReturn ret;

  /* Publish before the children start streaming. */
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED &&
      !gst_ot_sink_publish (self))
    return GST_STATE_CHANGE_FAILURE;

  ret = GST_ELEMENT_CLASS (gst_ot_sink_parent_class)->change_state (element,
      transition);

  /* Unpublish once the children stopped (or failed to start). */
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY ||
      (transition == GST_STATE_CHANGE_READY_TO_PAUSED &&
          ret == GST_STATE_CHANGE_FAILURE))
    gst_ot_sink_unpublish (self);
  return ret;
}

static void
gst_ot_sink_install_properties (GObjectClass * gobject_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  const GParamFlags ready = rw | GST_PARAM_MUTABLE_READY;

  properties[PROP_SESSION_ID] = g_param_spec_string ("session-id",
      "Session ID", "The session to publish into (required)", "", ready);
  properties[PROP_CONNECTION_ID] = g_param_spec_string ("connection-id",
      "Connection ID", "The connection that publishes: an existing one is "
      "reused, else it is created (empty = generate a UUID, readable once "
      "published); a connection otsink created is removed on READY", "", ready);
  properties[PROP_STREAM_ID] = g_param_spec_string ("stream-id", "Stream ID",
      "The stream to publish (empty = generate a UUID, readable once "
      "published).  When it names a stream of connection-id that already "
      "exists, otsink publishes that stream's tracks and leaves the stream in "
      "place on READY", "", ready);
  properties[PROP_STREAM_NAME] = g_param_spec_string ("stream-name",
      "Stream name", "The stream's name as subscribers see it", "", ready);
  properties[PROP_VIDEO_TYPE] = g_param_spec_enum ("video-type", "Video type",
      "What the stream's video shows", GST_TYPE_OT_VIDEO_TYPE,
      DEFAULT_VIDEO_TYPE, ready);
  properties[PROP_MUTED] = g_param_spec_boolean ("muted", "Muted",
      "Subscribers receive silence instead of the stream's audio; also "
      "follows force mute from the session", FALSE,
      rw | GST_PARAM_MUTABLE_PLAYING);
  properties[PROP_CREATE_SESSION] = gst_ot_param_spec_create_session ();
  properties[PROP_SYNC] = g_param_spec_boolean ("sync", "Sync",
      "Publish each buffer at its time on the clock (as basesink's sync); "
      "FALSE publishes as fast as data arrives", DEFAULT_SYNC,
      rw | GST_PARAM_MUTABLE_PLAYING);
  properties[PROP_ASYNC] = g_param_spec_boolean ("async", "Async",
      "Go to PAUSED asynchronously, once the first buffer arrived (preroll), "
      "as basesink's async", DEFAULT_ASYNC, rw | GST_PARAM_MUTABLE_READY);
  g_object_class_install_properties (gobject_class, N_PROPS, properties);
}

static void
gst_ot_sink_class_init (GstOtSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_ot_sink_debug, "otsink", 0,
      "Publishes a stream into a session");

  gobject_class->set_property = gst_ot_sink_set_property;
  gobject_class->get_property = gst_ot_sink_get_property;
  gobject_class->finalize = gst_ot_sink_finalize;
  gst_ot_sink_install_properties (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &audio_template);
  gst_element_class_add_static_pad_template (element_class, &video_template);
  gst_element_class_set_static_metadata (element_class, "OT session sink",
      "Sink/Network/Audio/Video",
      "Publishes a stream (audio and/or video) into a session of the "
      "in-process session hub", "ot-sip-gateway developers");

  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR (gst_ot_sink_request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_ot_sink_release_pad);
  element_class->change_state = GST_DEBUG_FUNCPTR (gst_ot_sink_change_state);

  gst_type_mark_as_plugin_api (GST_TYPE_OT_VIDEO_TYPE, 0);
}
