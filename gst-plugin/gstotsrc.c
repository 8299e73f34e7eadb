/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-otsrc
 * @title: otsrc
 * @see_also: otsink
 *
 * Subscribes to a session of the process's session hub.  For each published
 * stream otsrc adds the sometimes pads `audio_<streamId>` and
 * `video_<streamId>` (once the stream's track has a format), including the
 * streams published before it started, and removes them (after an EOS) when
 * the stream is unpublished.  #GstOtSrc:streams restricts it to some streams,
 * #GstOtSrc:exclude-connection-id leaves out a connection's own streams.
 *
 * otsrc is a live source: buffers carry the running time of the pipeline
 * (the publisher's absolute clock time minus this element's base time) and it
 * reports #GstOtSrc:latency as its live latency.  One streaming thread serves
 * all pads.  Audio pads negotiate: the published format when downstream takes
 * it, else raw 48 kHz mono or Opus, converted once by the hub.  Video pads
 * carry the published format (VP8 or H.264).  A muted stream's audio arrives
 * as GAP-flagged silence (raw) or GAP events (Opus).
 *
 * A new pad starts with a GAP event, on which downstream sinks preroll: a
 * pipeline that also holds the otsink publishing what it receives (one
 * gst-launch line, a gateway call) reaches PLAYING, although that otsink
 * publishes only once the pipeline plays.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 audiotestsrc is-live=true samplesperbuffer=960 ! \
 *     audio/x-raw,format=S16LE,rate=48000,channels=1 ! \
 *     otsink session-id=demo stream-id=tone \
 *   otsrc session-id=demo ! audioconvert ! autoaudiosink
 * ]| Plays what a subscriber of the session "demo" receives: the tone that the
 * first chain publishes (the chains share the process, so its hub).
 *
 * |[
 * gst-launch-1.0 \
 *   audiotestsrc is-live=true freq=440 samplesperbuffer=960 ! \
 *     audio/x-raw,format=S16LE,rate=48000,channels=1 ! \
 *     otsink session-id=demo stream-id=a \
 *   audiotestsrc is-live=true freq=660 samplesperbuffer=960 ! \
 *     audio/x-raw,format=S16LE,rate=48000,channels=1 ! \
 *     otsink session-id=demo stream-id=b \
 *   otsrc session-id=demo name=src streams=a,b \
 *   src.audio_a ! mix.  src.audio_b ! mix. \
 *   audiomixer name=mix ! audioconvert ! autoaudiosink
 * ]| Mixes the streams "a" and "b" of the session: pads are named after the
 * stream IDs.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstotelements.h"
#include "gstotsrcpad.h"
#include "gstotcommon.h"

GST_DEBUG_CATEGORY_STATIC (gst_ot_src_debug);
#define GST_CAT_DEFAULT gst_ot_src_debug

static GstStaticPadTemplate audio_template =
    GST_STATIC_PAD_TEMPLATE ("audio_%s", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS (OT_AUDIO_RAW_CAPS "; audio/x-opus"));

static GstStaticPadTemplate video_template =
GST_STATIC_PAD_TEMPLATE ("video_%s", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS (OT_VIDEO_CAPS));

#define GST_TYPE_OT_SRC (gst_ot_src_get_type ())
G_DECLARE_FINAL_TYPE (GstOtSrc, gst_ot_src, GST, OT_SRC, GstElement);

struct _GstOtSrc
{
  GstElement parent;

  /* Properties, guarded by the object lock. */
  gchar *session_id;
  gchar *streams;
  gchar **stream_ids;           /* parsed streams; NULL = all */
  gchar *exclude_connection_id;
  guint latency_ms;
  gboolean create_session;

  /* Wake-ups of the streaming thread, guarded by wake_lock. */
  GMutex wake_lock;
  GCond wake_cond;
  gboolean stop_loop;           /* pausing or stopping: the loop returns */
  gboolean rescan;              /* streams or the filter changed */
  gboolean data;                /* a subscription has items, or a pad wants
                                 * to renegotiate */
  gboolean eos_requested;       /* EOS sent to the element */
  gboolean halted;              /* after EOS or an error: wait for a stop */

  GstTask *task;
  GRecMutex task_lock;

  /* Set on READY→PAUSED, cleared on PAUSED→READY with the task stopped. */
  OtSession *session;
  gulong handlers[3];
  guint group_id;

  /* The streaming thread's (the state-change thread's while it is
   * stopped). */
  GPtrArray *pads;              /* GstOtSrcPad, owned */
};

G_DEFINE_TYPE (GstOtSrc, gst_ot_src, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (otsrc, "otsrc", GST_RANK_NONE, GST_TYPE_OT_SRC);

enum
{
  PROP_0,
  PROP_SESSION_ID,
  PROP_STREAMS,
  PROP_EXCLUDE_CONNECTION_ID,
  PROP_LATENCY,
  PROP_CREATE_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_LATENCY_MS 20
#define DEFAULT_CREATE_SESSION GST_OT_DEFAULT_CREATE_SESSION

/* ---- waking the streaming thread (any thread) ---- */

static void
gst_ot_src_wake (GstOtSrc * self, gboolean rescan)
{
  g_mutex_lock (&self->wake_lock);
  if (rescan)
    self->rescan = TRUE;
  else
    self->data = TRUE;
  g_cond_signal (&self->wake_cond);
  g_mutex_unlock (&self->wake_lock);
}

/* The hub calls this after queueing an item (publisher's thread). */
static void
gst_ot_src_subscription_notify (OtSubscription * sub, gpointer user_data)
{
  gst_ot_src_wake (GST_OT_SRC (user_data), FALSE);
}

/* Session signals may still run in a hub thread while we disconnect them:
 * they reach the element through a weak reference. */
static void
gst_ot_src_weak_free (gpointer data, GClosure * closure)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
gst_ot_src_session_changed (OtSession * session, gpointer object,
    GWeakRef * weak)
{
  GstOtSrc *self = g_weak_ref_get (weak);

  if (!self)
    return;
  gst_ot_src_wake (self, TRUE);
  gst_object_unref (self);
}

/* ---- properties ---- */

static void
gst_ot_src_set_streams (GstOtSrc * self, const gchar * streams)
{
  g_auto (GStrv) parts = g_strsplit (streams ? streams : "", ",", -1);
  GPtrArray *ids = g_ptr_array_new ();
  guint i;

  for (i = 0; parts[i]; i++) {
    g_strstrip (parts[i]);
    if (parts[i][0])
      g_ptr_array_add (ids, g_strdup (parts[i]));
  }
  g_ptr_array_add (ids, NULL);

  GST_OBJECT_LOCK (self);
  g_free (self->streams);
  self->streams = g_strdup (streams ? streams : "");
  g_strfreev (self->stream_ids);
  self->stream_ids = (gchar **) g_ptr_array_free (ids, FALSE);
  if (!self->stream_ids[0])
    g_clear_pointer (&self->stream_ids, g_strfreev);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_ot_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstOtSrc *self = GST_OT_SRC (object);

  switch (prop_id) {
    case PROP_SESSION_ID:
      GST_OBJECT_LOCK (self);
      g_free (self->session_id);
      self->session_id = g_value_dup_string (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_STREAMS:
      gst_ot_src_set_streams (self, g_value_get_string (value));
      gst_ot_src_wake (self, TRUE);
      break;
    case PROP_EXCLUDE_CONNECTION_ID:
      GST_OBJECT_LOCK (self);
      g_free (self->exclude_connection_id);
      self->exclude_connection_id = g_value_dup_string (value);
      GST_OBJECT_UNLOCK (self);
      gst_ot_src_wake (self, TRUE);
      break;
    case PROP_LATENCY:
      GST_OBJECT_LOCK (self);
      self->latency_ms = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      gst_element_post_message (GST_ELEMENT (self),
          gst_message_new_latency (GST_OBJECT (self)));
      break;
    case PROP_CREATE_SESSION:
      GST_OBJECT_LOCK (self);
      self->create_session = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_ot_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstOtSrc *self = GST_OT_SRC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;
    case PROP_STREAMS:
      g_value_set_string (value, self->streams);
      break;
    case PROP_EXCLUDE_CONNECTION_ID:
      g_value_set_string (value, self->exclude_connection_id);
      break;
    case PROP_LATENCY:
      g_value_set_uint (value, self->latency_ms);
      break;
    case PROP_CREATE_SESSION:
      g_value_set_boolean (value, self->create_session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ---- pads come and go (streaming thread) ---- */

static GstOtSrcPad *
gst_ot_src_find_pad (GstOtSrc * self, const gchar * name)
{
  guint i;

  for (i = 0; i < self->pads->len; i++) {
    GstOtSrcPad *pad = g_ptr_array_index (self->pads, i);
    if (g_str_equal (GST_PAD_NAME (pad), name))
      return pad;
  }
  return NULL;
}

static gboolean
gst_ot_src_add_pad (GstOtSrc * self, OtStream * stream, OtTrack * track)
{
  g_autoptr (GstClock) clock = gst_element_get_clock (GST_ELEMENT (self));
  g_autofree gchar *name = g_strdup_printf ("%s_%s",
      ot_track_get_kind (track) == OT_TRACK_AUDIO ? "audio" : "video",
      ot_stream_get_id (stream));
  GstOtSrcPad *pad;

  GST_INFO_OBJECT (self, "adding pad %s", name);
  pad = gst_ot_src_pad_new (GST_ELEMENT (self), name, track, self->group_id,
      gst_ot_src_subscription_notify, self);
  g_ptr_array_add (self->pads, gst_object_ref (pad));
  /* pad-added handlers link it now, so the subscription can negotiate. */
  gst_element_add_pad (GST_ELEMENT (self), GST_PAD (pad));
  gst_pad_check_reconfigure (GST_PAD (pad));
  if (!gst_ot_src_pad_subscribe (pad))
    return FALSE;
  gst_ot_src_pad_announce (pad, clock ? gst_clock_get_time (clock) :
      GST_CLOCK_TIME_NONE, gst_element_get_base_time (GST_ELEMENT (self)));
  return TRUE;
}

static void
gst_ot_src_remove_pad (GstOtSrc * self, GstOtSrcPad * pad, gboolean eos)
{
  GST_INFO_OBJECT (self, "removing pad %s", GST_PAD_NAME (pad));
  gst_ot_src_pad_unsubscribe (pad);
  if (eos)
    gst_ot_src_pad_push_eos (pad);
  gst_pad_set_active (GST_PAD (pad), FALSE);
  gst_element_remove_pad (GST_ELEMENT (self), GST_PAD (pad));
  g_ptr_array_remove (self->pads, pad);
}

static gboolean
gst_ot_src_wants_stream (GstOtSrc * self, OtStream * stream)
{
  gboolean wanted;

  GST_OBJECT_LOCK (self);
  wanted = !(self->exclude_connection_id &&
      g_strcmp0 (self->exclude_connection_id,
          ot_stream_get_connection_id (stream)) == 0);
  if (wanted && self->stream_ids)
    wanted = g_strv_contains ((const gchar * const *) self->stream_ids,
        ot_stream_get_id (stream));
  GST_OBJECT_UNLOCK (self);
  return wanted && ot_stream_is_published (stream);
}

/* Adds the wanted tracks' pads that are missing; returns the names of the
 * pads that should exist. */
static GHashTable *
gst_ot_src_add_wanted_pads (GstOtSrc * self, gboolean * ok)
{
  GHashTable *wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  GList *streams = ot_session_list_streams (self->session), *l;
  guint kind;

  for (l = streams; l && *ok; l = l->next) {
    if (!gst_ot_src_wants_stream (self, l->data))
      continue;
    for (kind = OT_TRACK_AUDIO; kind <= OT_TRACK_VIDEO && *ok; kind++) {
      g_autoptr (OtTrack) track = ot_stream_get_track (l->data, kind);
      g_autoptr (GstCaps) caps = track ? ot_track_get_caps (track) : NULL;
      gchar *name;

      if (!caps)
        continue;
      name = g_strdup_printf ("%s_%s", kind == OT_TRACK_AUDIO ? "audio" :
          "video", ot_stream_get_id (l->data));
      if (!gst_ot_src_find_pad (self, name))
        *ok = gst_ot_src_add_pad (self, l->data, track);
      g_hash_table_add (wanted, name);
    }
  }
  g_list_free_full (streams, g_object_unref);
  return wanted;
}

/* Makes the pads match the session's streams and our filter. */
static gboolean
gst_ot_src_reconcile (GstOtSrc * self)
{
  g_autoptr (GHashTable) wanted = NULL;
  gboolean ok = TRUE;
  guint i;

  wanted = gst_ot_src_add_wanted_pads (self, &ok);
  for (i = self->pads->len; i > 0; i--) {
    GstOtSrcPad *pad = g_ptr_array_index (self->pads, i - 1);
    if (!g_hash_table_contains (wanted, GST_PAD_NAME (pad)))
      gst_ot_src_remove_pad (self, pad, TRUE);
  }
  return ok;
}

static void
gst_ot_src_push_eos (GstOtSrc * self)
{
  guint i;

  for (i = 0; i < self->pads->len; i++)
    gst_ot_src_pad_push_eos (g_ptr_array_index (self->pads, i));
}

static gboolean
gst_ot_src_stopping (GstOtSrc * self)
{
  gboolean stop;

  g_mutex_lock (&self->wake_lock);
  stop = self->stop_loop;
  g_mutex_unlock (&self->wake_lock);
  return stop;
}

static void
gst_ot_src_loop (GstOtSrc * self)
{
  GstClockTime base = gst_element_get_base_time (GST_ELEMENT (self));
  gboolean rescan, eos, more = FALSE;
  guint i;

  g_mutex_lock (&self->wake_lock);
  while (!self->stop_loop && (self->halted || (!self->rescan && !self->data
              && !self->eos_requested)))
    g_cond_wait (&self->wake_cond, &self->wake_lock);
  if (self->stop_loop) {
    g_mutex_unlock (&self->wake_lock);
    return;
  }
  rescan = self->rescan;
  eos = self->eos_requested;
  self->rescan = self->data = FALSE;
  g_mutex_unlock (&self->wake_lock);

  if (eos) {
    GST_DEBUG_OBJECT (self, "EOS requested");
    goto halt;
  }
  if (rescan && !gst_ot_src_reconcile (self))
    goto halt;

  for (i = 0; i < self->pads->len; i++) {
    GstOtSrcPad *pad = g_ptr_array_index (self->pads, i);
    GstFlowReturn ret = gst_ot_src_pad_drain (pad, base, &more);

    if (ret == GST_FLOW_FLUSHING && gst_ot_src_stopping (self))
      return;
    if (!gst_ot_src_pad_handle_flow (pad, ret)) {
      /* GST_FLOW_ERROR: whoever returned it posted the error. */
      if (ret != GST_FLOW_ERROR)
        GST_ELEMENT_FLOW_ERROR (self, ret);
      goto halt;
    }
  }
  if (more) {
    g_mutex_lock (&self->wake_lock);
    self->data = TRUE;
    g_mutex_unlock (&self->wake_lock);
  }
  return;

halt:
  /* Nothing more flows until the element restarts.  The thread waits for
   * the state change to stop it: pausing the task from here could undo a
   * gst_task_stop() that the state change just made. */
  gst_ot_src_push_eos (self);
  GST_DEBUG_OBJECT (self, "halting");
  g_mutex_lock (&self->wake_lock);
  self->halted = TRUE;
  g_mutex_unlock (&self->wake_lock);
}

/* ---- state changes ---- */

static OtSession *
gst_ot_src_get_session (GstOtSrc * self)
{
  g_autofree gchar *session_id = NULL;
  gboolean create;

  GST_OBJECT_LOCK (self);
  session_id = g_strdup (self->session_id);
  create = self->create_session;
  GST_OBJECT_UNLOCK (self);

  return gst_ot_element_get_session (GST_ELEMENT (self), session_id, create,
      "No session to subscribe to.");
}

static gboolean
gst_ot_src_start (GstOtSrc * self)
{
  static const gchar *signals[] = { "stream-added", "stream-removed",
    "stream-changed"
  };
  guint i;

  self->session = gst_ot_src_get_session (self);
  if (!self->session)
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (signals); i++) {
    GWeakRef *weak = g_new0 (GWeakRef, 1);
    g_weak_ref_init (weak, self);
    self->handlers[i] = g_signal_connect_data (self->session, signals[i],
        G_CALLBACK (gst_ot_src_session_changed), weak, gst_ot_src_weak_free, 0);
  }
  self->group_id = gst_util_group_id_next ();
  g_mutex_lock (&self->wake_lock);
  self->rescan = TRUE;          /* the streams published before us */
  self->eos_requested = FALSE;
  self->halted = FALSE;
  g_mutex_unlock (&self->wake_lock);
  return TRUE;
}

/* The task is stopped: no push in flight. */
static void
gst_ot_src_stop (GstOtSrc * self)
{
  guint i;

  while (self->pads->len > 0)
    gst_ot_src_remove_pad (self, g_ptr_array_index (self->pads, 0), FALSE);
  if (self->session) {
    for (i = 0; i < G_N_ELEMENTS (self->handlers); i++)
      g_signal_handler_disconnect (self->session, self->handlers[i]);
    g_clear_object (&self->session);
  }
}

static void
gst_ot_src_set_loop_running (GstOtSrc * self, gboolean running)
{
  if (running) {
    g_mutex_lock (&self->wake_lock);
    self->stop_loop = FALSE;
    g_mutex_unlock (&self->wake_lock);
    gst_task_start (self->task);
    return;
  }
  /* Pause the task first so that the loop, once woken, does not run again. */
  gst_task_pause (self->task);
  g_mutex_lock (&self->wake_lock);
  self->stop_loop = TRUE;
  g_cond_signal (&self->wake_cond);
  g_mutex_unlock (&self->wake_lock);
}

static GstStateChangeReturn
gst_ot_src_change_state (GstElement * element, GstStateChange transition)
{
  GstOtSrc *self = GST_OT_SRC (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!gst_ot_src_start (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      gst_ot_src_set_loop_running (self, TRUE);
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      gst_ot_src_set_loop_running (self, FALSE);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_task_stop (self->task);
      g_mutex_lock (&self->wake_lock);
      self->stop_loop = TRUE;
      g_cond_signal (&self->wake_cond);
      g_mutex_unlock (&self->wake_lock);
      gst_task_join (self->task);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (gst_ot_src_parent_class)->change_state (element,
      transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
      gst_ot_src_stop (self);
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_ot_src_stop (self);
      break;
    default:
      break;
  }
  return ret;
}

/* EOS sent to the element (gst-launch -e): the streaming thread pushes it on
 * every pad, as GstBaseSrc does. */
static gboolean
gst_ot_src_send_event (GstElement * element, GstEvent * event)
{
  GstOtSrc *self = GST_OT_SRC (element);

  if (GST_EVENT_TYPE (event) != GST_EVENT_EOS)
    return GST_ELEMENT_CLASS (gst_ot_src_parent_class)->send_event (element,
        event);
  gst_event_unref (event);
  g_mutex_lock (&self->wake_lock);
  self->eos_requested = TRUE;
  g_cond_signal (&self->wake_cond);
  g_mutex_unlock (&self->wake_lock);
  return TRUE;
}

/* ---- GObject ---- */

static void
gst_ot_src_init (GstOtSrc * self)
{
  self->session_id = g_strdup ("");
  self->streams = g_strdup ("");
  self->exclude_connection_id = g_strdup ("");
  self->latency_ms = DEFAULT_LATENCY_MS;
  self->create_session = DEFAULT_CREATE_SESSION;
  g_mutex_init (&self->wake_lock);
  g_cond_init (&self->wake_cond);
  g_rec_mutex_init (&self->task_lock);
  self->task = gst_task_new ((GstTaskFunction) gst_ot_src_loop, self, NULL);
  gst_task_set_lock (self->task, &self->task_lock);
  self->pads = g_ptr_array_new_with_free_func (gst_object_unref);
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
}

static void
gst_ot_src_finalize (GObject * object)
{
  GstOtSrc *self = GST_OT_SRC (object);

  gst_object_unref (self->task);
  g_rec_mutex_clear (&self->task_lock);
  g_mutex_clear (&self->wake_lock);
  g_cond_clear (&self->wake_cond);
  g_ptr_array_unref (self->pads);
  g_free (self->session_id);
  g_free (self->streams);
  g_strfreev (self->stream_ids);
  g_free (self->exclude_connection_id);
  G_OBJECT_CLASS (gst_ot_src_parent_class)->finalize (object);
}

static void
gst_ot_src_install_properties (GObjectClass * gobject_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  properties[PROP_SESSION_ID] = g_param_spec_string ("session-id",
      "Session ID", "The session to subscribe to (required)", "",
      rw | GST_PARAM_MUTABLE_READY);
  properties[PROP_STREAMS] = g_param_spec_string ("streams", "Streams",
      "Comma-separated IDs of the streams to subscribe to (empty = all); "
      "changing it while playing adds and removes pads", "",
      rw | GST_PARAM_MUTABLE_PLAYING);
  properties[PROP_EXCLUDE_CONNECTION_ID] =
      g_param_spec_string ("exclude-connection-id", "Exclude connection ID",
      "Never subscribe to the streams of this connection (e.g. our own "
      "publisher's); empty = none", "", rw | GST_PARAM_MUTABLE_PLAYING);
  properties[PROP_LATENCY] = g_param_spec_uint ("latency", "Latency",
      "The live latency reported downstream, in milliseconds: how late a "
      "buffer may arrive from the publisher", 0, 10000, DEFAULT_LATENCY_MS,
      rw | GST_PARAM_MUTABLE_PLAYING);
  properties[PROP_CREATE_SESSION] = gst_ot_param_spec_create_session ();
  g_object_class_install_properties (gobject_class, N_PROPS, properties);
}

static void
gst_ot_src_class_init (GstOtSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_ot_src_debug, "otsrc", 0,
      "Subscribes to a session's streams");

  gobject_class->set_property = gst_ot_src_set_property;
  gobject_class->get_property = gst_ot_src_get_property;
  gobject_class->finalize = gst_ot_src_finalize;
  gst_ot_src_install_properties (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &audio_template);
  gst_element_class_add_static_pad_template (element_class, &video_template);
  gst_element_class_set_static_metadata (element_class, "OT session source",
      "Source/Network/Audio/Video",
      "Subscribes to the streams of a session of the in-process session hub",
      "ot-sip-gateway developers");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_ot_src_change_state);
  element_class->send_event = GST_DEBUG_FUNCPTR (gst_ot_src_send_event);
}
