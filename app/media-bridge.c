/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The bridge owns the call's ports and its current GwMediaPipeline, and
 * turns what streaming threads post on the pipeline's bus into signals on
 * the main context. */
#include "gw-error.h"
#include "media-bridge.h"
#include "media-dtls.h"
#include "media-dtmf.h"
#include "media-pipeline.h"
#include "media-prompt.h"
#include "media-srtp.h"

GST_DEBUG_CATEGORY_STATIC (gw_media_bridge_debug);
#define GST_CAT_DEFAULT gw_media_bridge_debug

struct _GwMediaBridge
{
  GObject parent;

  /* Set at creation. */
  gchar *call_id;
  gchar *session_id;
  gchar *connection_id;
  gchar *stream_id;
  gchar **streams;
  GMainContext *context;
  GwMediaDtmfSender *dtmf;      /* its queue outlives rebuilds */

  /* Main thread.  ports: from creation until stopped; pipeline and
   * bus_watch: while started. */
  GwPortPair *ports;
  GwMediaPipeline *pipeline;
  GSource *bus_watch;
  GstElement *prompt;           /* in the pipeline */
  GwMediaSrtp *srtp;            /* secure calls: with the pipeline */
  guint dtmf_clock_rate;
  gboolean sending;
  gboolean error_emitted;
  gboolean first_rtp_emitted;
  gint64 last_rtp_us;           /* of pipelines gone (rebuilds) */
  guint n_dumps;
};

enum
{
  SIGNAL_ERROR,
  SIGNAL_FIRST_RTP_RECEIVED,
  SIGNAL_STREAMS_CHANGED,
  SIGNAL_DTMF_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_TYPE (GwMediaBridge, gw_media_bridge, G_TYPE_OBJECT);

static GstElement *
get_element (GwMediaBridge * self)
{
  return self->pipeline ? gw_media_pipeline_get_element (self->pipeline) : NULL;
}

/* With GST_DEBUG_DUMP_DOT_DIR set: <call-id>-<nn>-<reason>.dot */
static void
dump_dot (GwMediaBridge * self, const gchar * reason)
{
  g_autofree gchar *name = NULL;

  if (self->pipeline == NULL || g_getenv ("GST_DEBUG_DUMP_DOT_DIR") == NULL)
    return;
  name = g_strdup_printf ("%s-%02u-%s", self->call_id, ++self->n_dumps, reason);
  g_strcanon (name, G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "-_.", '_');
  /* Caps and properties would show SRTP keys. */
  GST_DEBUG_BIN_TO_DOT_FILE (GST_BIN (get_element (self)), self->srtp ?
      GST_DEBUG_GRAPH_SHOW_MEDIA_TYPE | GST_DEBUG_GRAPH_SHOW_STATES :
      GST_DEBUG_GRAPH_SHOW_ALL, name);
}

/* ---- bus (main thread) ---- */

static void
handle_error (GwMediaBridge * self, GstMessage * message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) reported = NULL;
  g_autofree gchar *debug = NULL;

  gst_message_parse_error (message, &error, &debug);
  GST_ERROR_OBJECT (self, "call %s: media error from %s: %s (%s)",
      self->call_id, GST_MESSAGE_SRC_NAME (message), error->message,
      debug ? debug : "no details");
  dump_dot (self, "error");
  if (self->error_emitted)
    return;
  self->error_emitted = TRUE;
  reported = g_error_new (GW_ERROR, GW_ERROR_FAILED, "media of call %s: %s",
      self->call_id, error->message);
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, reported);
}

static void
handle_application (GwMediaBridge * self, GstMessage * message)
{
  const GstStructure *s = gst_message_get_structure (message);

  if (gst_structure_has_name (s, GW_MEDIA_PIPELINE_FIRST_RTP)) {
    if (self->first_rtp_emitted)
      return;
    self->first_rtp_emitted = TRUE;
    GST_INFO_OBJECT (self, "call %s: first RTP received", self->call_id);
    g_signal_emit (self, signals[SIGNAL_FIRST_RTP_RECEIVED], 0);
  } else if (gst_structure_has_name (s, GW_MEDIA_PIPELINE_STREAMS_CHANGED)) {
    dump_dot (self, "streams");
    g_signal_emit (self, signals[SIGNAL_STREAMS_CHANGED], 0,
        gw_media_pipeline_get_n_streams (self->pipeline));
  } else if (gst_structure_has_name (s, GW_MEDIA_DTMF_RECEIVED)) {
    guint event = 0;

    gst_structure_get_uint (s, "event", &event);
    g_signal_emit (self, signals[SIGNAL_DTMF_RECEIVED], 0,
        gw_media_dtmf_event_to_char (event));
  }
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * message, gpointer user_data)
{
  /* A handler may stop or drop the bridge. */
  g_autoptr (GwMediaBridge) self = g_object_ref (user_data);

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR:
      handle_error (self, message);
      break;
    case GST_MESSAGE_WARNING:{
      g_autoptr (GError) error = NULL;

      gst_message_parse_warning (message, &error, NULL);
      GST_WARNING_OBJECT (self, "call %s: %s: %s", self->call_id,
          GST_MESSAGE_SRC_NAME (message), error->message);
      break;
    }
    case GST_MESSAGE_LATENCY:
      /* A stream joined or left the mixer. */
      if (self->pipeline)
        gst_bin_recalculate_latency (GST_BIN (get_element (self)));
      break;
    case GST_MESSAGE_APPLICATION:
      handle_application (self, message);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

/* ---- pipeline life (main thread) ---- */

static void
teardown (GwMediaBridge * self)
{
  if (self->pipeline == NULL)
    return;
  self->last_rtp_us = gw_media_bridge_get_last_rtp_time (self);
  gw_media_dtmf_sender_detach (self->dtmf);
  gst_clear_object (&self->prompt);
  g_clear_pointer (&self->pipeline, gw_media_pipeline_free);
  g_clear_pointer (&self->srtp, gw_media_srtp_free);
  if (self->bus_watch) {
    g_source_destroy (self->bus_watch);
    g_clear_pointer (&self->bus_watch, g_source_unref);
  }
  self->sending = FALSE;
}

static gboolean
play (GwMediaBridge * self, GError ** error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (get_element (self));
  g_autoptr (GstMessage) message = NULL;
  g_autoptr (GError) reason = NULL;

  self->bus_watch = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_watch, (GSourceFunc) on_bus_message, self,
      NULL);
  g_source_attach (self->bus_watch, self->context);
  /* Dumped now rather than on the pipeline's PLAYING message: the session
   * sink waits for the far end's first packet to preroll, which may never
   * come, while the rest of the graph already runs. */
  if (gw_media_pipeline_play (self->pipeline) != GST_STATE_CHANGE_FAILURE) {
    dump_dot (self, "playing");
    return TRUE;
  }

  /* The element's reason, now rather than later through "error". */
  message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (message)
    gst_message_parse_error (message, &reason, NULL);
  g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
      "cannot start the media pipeline: %s",
      reason ? reason->message : "state change failed");
  dump_dot (self, "error");
  return FALSE;
}

/* DTMF both ways and the prompt player, on a new pipeline. */
static gboolean
attach_extras (GwMediaBridge * self, const GwMediaParams * params,
    GError ** error)
{
  GstElement *pipeline = get_element (self);
  g_autoptr (GstElement) mixer = NULL;
  g_autoptr (GstPad) srcpad = NULL;
  g_autoptr (GstPad) sinkpad = NULL;

  if (!gw_media_dtmf_sender_attach (self->dtmf, pipeline, params, error)
      || !gw_media_dtmf_receiver_attach (pipeline, params, error))
    return FALSE;
  self->dtmf_clock_rate = params->dtmf_clock_rate;
  /* Into the far end's mix only: the session does not hear prompts. */
  self->prompt = gst_object_ref_sink (gw_media_prompt_new ("prompt"));
  gst_bin_add (GST_BIN (pipeline), self->prompt);
  srcpad = gst_element_get_static_pad (self->prompt, "src");
  mixer = gst_bin_get_by_name (GST_BIN (pipeline), "mixer");
  if (mixer != NULL)
    sinkpad = gst_element_request_pad_simple (mixer, "sink_%u");
  if (sinkpad == NULL || GST_PAD_LINK_FAILED (gst_pad_link (srcpad, sinkpad))) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "cannot link the prompt player to the mixer");
    return FALSE;
  }
  return TRUE;
}

static gboolean
build_and_play (GwMediaBridge * self, const GwMediaParams * params,
    GError ** error)
{
  GwMediaPipelineConfig config = {
    .name = self->call_id,
    .rtp_socket = gw_port_pair_get_rtp_socket (self->ports),
    .rtcp_socket = gw_port_pair_get_rtcp_socket (self->ports),
    .session_id = self->session_id,
    .connection_id = self->connection_id,
    .stream_id = self->stream_id,
    .streams = (const gchar * const *) self->streams,
  };
  g_autoptr (GError) local_error = NULL;
  gboolean built;

  self->pipeline = gw_media_pipeline_new (&config, params, &local_error);
  built = self->pipeline != NULL
      && (params->srtp == GW_SRTP_NONE || (self->srtp =
          gw_media_srtp_attach (get_element (self), params, self->call_id,
              &local_error)))
      && attach_extras (self, params, &local_error);
  if (built) {
    self->sending = gw_media_pipeline_set_destinations (self->pipeline, params);
    gw_media_srtp_update (self->srtp, params, self->sending);
  }
  if (!built || !play (self, &local_error)) {
    GST_ERROR_OBJECT (self, "call %s: %s", self->call_id, local_error->message);
    teardown (self);
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  GST_INFO_OBJECT (self, "call %s: %s/%u on ports %u/%u", self->call_id,
      gw_audio_codec_to_string (params->codec), params->payload_type,
      gw_port_pair_get_rtp_port (self->ports),
      gw_port_pair_get_rtcp_port (self->ports));
  return TRUE;
}

static gboolean
check_params (GwMediaBridge * self, const GwMediaParams * params,
    GError ** error)
{
  GSocket *socket = gw_port_pair_get_rtp_socket (self->ports);
  g_autoptr (GError) local_error = NULL;

  if (gw_media_pipeline_check_params (params, g_socket_get_family (socket),
          &local_error) && gw_media_dtmf_check_params (params, &local_error)
      && gw_media_srtp_check_params (params, &local_error))
    return TRUE;
  GST_ERROR_OBJECT (self, "call %s: %s", self->call_id, local_error->message);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* ---- API ---- */

GwMediaBridge *
gw_media_bridge_new (const GwMediaBridgeConfig * config, GError ** error)
{
  g_autoptr (GwMediaBridge) self = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->call_id && config->session_id
      && config->connection_id && config->stream_id, NULL);
  g_return_val_if_fail (GW_IS_MEDIA_PORTS (config->ports), NULL);

  self = g_object_new (GW_TYPE_MEDIA_BRIDGE, NULL);
  self->call_id = g_strdup (config->call_id);
  self->session_id = g_strdup (config->session_id);
  self->connection_id = g_strdup (config->connection_id);
  self->stream_id = g_strdup (config->stream_id);
  self->streams = g_strdupv ((gchar **) config->streams);
  self->dtmf = gw_media_dtmf_sender_new (config->call_id);
  self->ports = gw_media_ports_allocate (config->ports, config->bind_address,
      &local_error);
  if (self->ports == NULL) {
    GST_ERROR_OBJECT (self, "call %s: %s", self->call_id, local_error->message);
    g_propagate_error (error, g_steal_pointer (&local_error));
    return NULL;
  }
  return g_steal_pointer (&self);
}

guint
gw_media_bridge_get_rtp_port (GwMediaBridge * self)
{
  g_return_val_if_fail (GW_IS_MEDIA_BRIDGE (self), 0);
  return self->ports ? gw_port_pair_get_rtp_port (self->ports) : 0;
}

guint
gw_media_bridge_get_rtcp_port (GwMediaBridge * self)
{
  g_return_val_if_fail (GW_IS_MEDIA_BRIDGE (self), 0);
  return self->ports ? gw_port_pair_get_rtcp_port (self->ports) : 0;
}

const gchar *
gw_media_bridge_get_dtls_certificate (GwMediaBridge * self, GError ** error)
{
  g_return_val_if_fail (GW_IS_MEDIA_BRIDGE (self), NULL);
  return gw_media_dtls_get_certificate (error);
}

gboolean
gw_media_bridge_start (GwMediaBridge * self, const GwMediaParams * params,
    GError ** error)
{
  g_return_val_if_fail (GW_IS_MEDIA_BRIDGE (self), FALSE);
  g_return_val_if_fail (params != NULL, FALSE);

  if (self->ports == NULL || self->pipeline != NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "the media of call %s is %s", self->call_id,
        self->ports ? "started already" : "stopped");
    return FALSE;
  }
  if (!check_params (self, params, error))
    return FALSE;
  /* Media starts at the answer: what the far end sent before is old. */
  gw_port_pair_drain (self->ports);
  return build_and_play (self, params, error);
}

gboolean
gw_media_bridge_update (GwMediaBridge * self, const GwMediaParams * params,
    GError ** error)
{
  g_return_val_if_fail (GW_IS_MEDIA_BRIDGE (self), FALSE);
  g_return_val_if_fail (params != NULL, FALSE);

  if (self->pipeline == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "the media of call %s is not running", self->call_id);
    return FALSE;
  }
  if (!check_params (self, params, error))
    return FALSE;
  if (!gw_media_pipeline_can_update (self->pipeline, params)
      || params->dtmf_clock_rate != self->dtmf_clock_rate
      || gw_media_srtp_needs_rebuild (self->srtp, params)) {
    GST_INFO_OBJECT (self, "call %s: rebuilding the media for %s/%u",
        self->call_id, gw_audio_codec_to_string (params->codec),
        params->payload_type);
    teardown (self);
    return build_and_play (self, params, error);
  }
  self->sending = gw_media_pipeline_set_destinations (self->pipeline, params);
  gw_media_srtp_update (self->srtp, params, self->sending);
  return TRUE;
}

void
gw_media_bridge_stop (GwMediaBridge * self)
{
  g_return_if_fail (GW_IS_MEDIA_BRIDGE (self));

  teardown (self);
  g_clear_pointer (&self->ports, gw_port_pair_free);
}

gint64
gw_media_bridge_get_last_rtp_time (GwMediaBridge * self)
{
  g_return_val_if_fail (GW_IS_MEDIA_BRIDGE (self), 0);

  if (self->pipeline)
    return MAX (self->last_rtp_us,
        gw_media_pipeline_get_last_rtp_time (self->pipeline));
  return self->last_rtp_us;
}

gboolean
gw_media_bridge_is_sending (GwMediaBridge * self)
{
  g_return_val_if_fail (GW_IS_MEDIA_BRIDGE (self), FALSE);
  return self->sending;
}

gboolean
gw_media_bridge_send_dtmf (GwMediaBridge * self, const gchar * digits,
    GError ** error)
{
  g_return_val_if_fail (GW_IS_MEDIA_BRIDGE (self), FALSE);

  if (self->ports == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "the media of call %s is stopped", self->call_id);
    return FALSE;
  }
  return gw_media_dtmf_sender_queue (self->dtmf, digits, error);
}

guint
gw_media_bridge_get_dtmf_pending (GwMediaBridge * self)
{
  g_return_val_if_fail (GW_IS_MEDIA_BRIDGE (self), 0);
  return gw_media_dtmf_sender_get_pending (self->dtmf);
}

gboolean
gw_media_bridge_play_prompt (GwMediaBridge * self, GwPrompt prompt)
{
  g_return_val_if_fail (GW_IS_MEDIA_BRIDGE (self), FALSE);
  g_return_val_if_fail ((guint) prompt < GW_PROMPT_COUNT, FALSE);

  if (self->prompt == NULL)
    return FALSE;
  GST_INFO_OBJECT (self, "call %s: prompt %s", self->call_id,
      gw_prompt_get_nick (prompt));
  gw_media_prompt_play (GW_MEDIA_PROMPT (self->prompt), prompt);
  return TRUE;
}

GstElement *
gw_media_bridge_get_pipeline (GwMediaBridge * self)
{
  g_return_val_if_fail (GW_IS_MEDIA_BRIDGE (self), NULL);
  return get_element (self);
}

/* ---- type ---- */

static void
gw_media_bridge_finalize (GObject * object)
{
  GwMediaBridge *self = GW_MEDIA_BRIDGE (object);

  gw_media_bridge_stop (self);
  g_clear_pointer (&self->dtmf, gw_media_dtmf_sender_free);
  g_free (self->call_id);
  g_free (self->session_id);
  g_free (self->connection_id);
  g_free (self->stream_id);
  g_strfreev (self->streams);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (gw_media_bridge_parent_class)->finalize (object);
}

static void
gw_media_bridge_init (GwMediaBridge * self)
{
  self->context = g_main_context_ref_thread_default ();
}

static void
gw_media_bridge_class_init (GwMediaBridgeClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gw_media_bridge_finalize;

  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_FIRST_RTP_RECEIVED] = g_signal_new ("first-rtp-received",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 0);
  signals[SIGNAL_STREAMS_CHANGED] = g_signal_new ("streams-changed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_DTMF_RECEIVED] = g_signal_new ("dtmf-received",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_CHAR);

  GST_DEBUG_CATEGORY_INIT (gw_media_bridge_debug, "gwmediabridge", 0,
      "per-call media bridge");
}
