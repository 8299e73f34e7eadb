/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The graph is the text of three launch fragments embedded from pipelines/
 * (sip-rtp, sip-<codec>, sip-session): the same graphs run by hand with
 * gst-launch.  The fragments meet by element name; this file sets what the
 * call decided on the named elements and links the pads that only appear at
 * run time: rtpbin's per-SSRC receive pads and otsrc's per-stream pads. */
#include <stdatomic.h>

#include "gw-error.h"
#include "gw-pipelines.h"
#include "media-pipeline.h"

GST_DEBUG_CATEGORY_STATIC (gw_media_pipeline_debug);
#define GST_CAT_DEFAULT gw_media_pipeline_debug

#define FRAGMENT_PATH "/org/ot-sip-gateway/pipelines/"
#define PEER_PAD_KEY "gw-media-pipeline-peer"

typedef struct
{
  GwAudioCodec codec;
  const gchar *fragment;
  const gchar *encoding_name;   /* of the receive caps */
  guint clock_rate;
} CodecInfo;

static const CodecInfo codecs[] = {
  {GW_AUDIO_CODEC_OPUS, "sip-opus", "OPUS", 48000},
  {GW_AUDIO_CODEC_G722, "sip-g722", "G722", 8000},
  {GW_AUDIO_CODEC_PCMU, "sip-pcmu", "PCMU", 8000},
  {GW_AUDIO_CODEC_PCMA, "sip-pcma", "PCMA", 8000},
};

struct _GwMediaPipeline
{
  /* Set at creation; the elements are refs, owned by pipeline too. */
  gchar *name;
  GstElement *pipeline;
  GstElement *rtp_sink;
  GstElement *rtcp_sink;
  GstElement *recv_funnel;
  GstElement *mixer;
  GwAudioCodec codec;
  guint payload_type;
  guint dtmf_payload_type;      /* 0 = none; decoded in rtpbin (media-dtmf) */
  guint ptime;
  gboolean dtls;                /* DTLS shares the RTP port (media-dtls) */

  /* Written by streaming threads. */
  _Atomic gint64 last_rtp_us;
  atomic_bool first_rtp_seen;
  atomic_uint n_streams;
};

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gw_media_pipeline_debug, "gwmediapipeline", 0,
        "per-call media graph");
    g_once_init_leave (&done, 1);
  }
}

static const CodecInfo *
lookup_codec (GwAudioCodec codec)
{
  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (codecs[i].codec == codec)
      return &codecs[i];
  return NULL;
}

/* What an absent a=ptime means; Opus packets are single frames, and Opus
 * frames above 60 ms do not exist. */
static guint
effective_ptime (const GwMediaParams * params)
{
  guint ptime = params->ptime ? params->ptime : 20;

  if (params->codec == GW_AUDIO_CODEC_OPUS && ptime != 10 && ptime != 40
      && ptime != 60)
    return 20;
  return ptime;
}

static gboolean
G_GNUC_PRINTF (2, 3)
invalid (GError ** error, const gchar * format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (GW_ERROR, GW_ERROR_INVALID,
          format, args));
  va_end (args);
  return FALSE;
}

gboolean
gw_media_pipeline_check_params (const GwMediaParams * params,
    GSocketFamily family, GError ** error)
{
  const CodecInfo *info = lookup_codec (params->codec);
  guint ptime = params->ptime ? params->ptime : 20;
  g_autoptr (GInetAddress) address = NULL;

  if (info == NULL)
    return invalid (error, "unsupported audio codec '%s' (%d)",
        gw_audio_codec_to_string (params->codec), params->codec);
  if (params->payload_type > 127)
    return invalid (error, "bad RTP payload type %u", params->payload_type);
  if (params->clock_rate != 0 && params->clock_rate != info->clock_rate)
    return invalid (error, "%s needs an RTP clock rate of %u, not %u",
        info->encoding_name, info->clock_rate, params->clock_rate);
  if (ptime < 10 || ptime > 120 || ptime % 10 != 0)
    return invalid (error, "unsupported ptime %u ms", ptime);
  if (params->remote_rtp_port > 65535 || params->remote_rtcp_port > 65535)
    return invalid (error, "bad remote RTP port %u", params->remote_rtp_port);
  if (params->remote_address == NULL || params->remote_rtp_port == 0)
    return TRUE;
  /* An IP literal only: resolving a name would block the main loop. */
  address = g_inet_address_new_from_string (params->remote_address);
  if (address == NULL)
    return invalid (error, "remote media address '%s' is not an IP address",
        params->remote_address);
  if (!g_inet_address_get_is_any (address)
      && g_inet_address_get_family (address) != family)
    return invalid (error,
        "remote media address %s is not of the local address family",
        params->remote_address);
  return TRUE;
}

/* ---- fragments ---- */

/* The fragment's launch text without its '#' comment lines. */
static gchar *
load_fragment (const gchar * name, GError ** error)
{
  g_autofree gchar *path = g_strconcat (FRAGMENT_PATH, name, ".pipeline",
      NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) text = g_string_new (NULL);

  bytes = g_resource_lookup_data (gw_pipelines_get_resource (), path,
      G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;
  lines = g_strsplit (g_bytes_get_data (bytes, NULL), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    if (g_strstrip (lines[i])[0] != '#')
      g_string_append_printf (text, "%s ", lines[i]);
  }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GstElement *
parse_fragments (const CodecInfo * info, GError ** error)
{
  const gchar *names[] = { "sip-rtp", info->fragment, "sip-session" };
  g_autoptr (GString) description = g_string_new (NULL);
  g_autoptr (GError) parse_error = NULL;
  GstElement *pipeline;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    g_autofree gchar *text = load_fragment (names[i], error);

    if (text == NULL)
      return NULL;
    g_string_append (description, text);
  }
  /* Fatal errors: a missing element or a failed link fails the whole parse
   * instead of leaving a half-built graph. */
  pipeline = gst_parse_launch_full (description->str, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &parse_error);
  if (pipeline == NULL || !GST_IS_PIPELINE (pipeline)) {
    gst_clear_object (&pipeline);
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "cannot build the %s media pipeline: %s", info->encoding_name,
        parse_error ? parse_error->message : "not a pipeline");
    return NULL;
  }
  return pipeline;
}

static GstElement *
get_element (GstElement * pipeline, const gchar * name, GError ** error)
{
  GstElement *element = gst_bin_get_by_name (GST_BIN (pipeline), name);

  if (element == NULL)
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "the media pipeline has no element named '%s'", name);
  return element;
}

/* ---- run-time pads (streaming threads) ---- */

static void
post_application (GwMediaPipeline * self, GstObject * src, const gchar * name)
{
  gst_element_post_message (self->pipeline,
      gst_message_new_application (src, gst_structure_new_empty (name)));
}

static void
post_error (GwMediaPipeline * self, GstObject * src, GError * error)
{
  GST_ERROR_OBJECT (src, "call %s: %s", self->name, error->message);
  gst_element_post_message (self->pipeline,
      gst_message_new_error (src, error, NULL));
}

/* Links srcpad to a new request pad of `element` and keeps that pad on
 * srcpad, to release it when srcpad goes away. */
static gboolean
link_request_pad (GstPad * srcpad, GstElement * element, GError ** error)
{
  GstPad *sinkpad = gst_element_request_pad_simple (element, "sink_%u");
  GstPadLinkReturn ret;

  if (sinkpad == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED, "%s gave no pad for %s",
        GST_ELEMENT_NAME (element), GST_PAD_NAME (srcpad));
    return FALSE;
  }
  ret = gst_pad_link (srcpad, sinkpad);
  if (GST_PAD_LINK_FAILED (ret)) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED, "cannot link %s to %s: %s",
        GST_PAD_NAME (srcpad), GST_ELEMENT_NAME (element),
        gst_pad_link_get_name (ret));
    gst_element_release_request_pad (element, sinkpad);
    gst_object_unref (sinkpad);
    return FALSE;
  }
  g_object_set_data_full (G_OBJECT (srcpad), PEER_PAD_KEY, sinkpad,
      gst_object_unref);
  return TRUE;
}

static gboolean
release_request_pad (GstPad * srcpad, GstElement * element)
{
  GstPad *sinkpad = g_object_steal_data (G_OBJECT (srcpad), PEER_PAD_KEY);

  if (sinkpad == NULL)
    return FALSE;
  gst_element_release_request_pad (element, sinkpad);
  gst_object_unref (sinkpad);
  return TRUE;
}

/* One receive pad per far-end SSRC, all into the funnel: an SSRC change (a
 * re-INVITE, a PBX switching legs) keeps flowing. */
static void
on_rtpbin_pad_added (GstElement * rtpbin, GstPad * pad, GwMediaPipeline * self)
{
  g_autoptr (GError) error = NULL;

  if (!g_str_has_prefix (GST_PAD_NAME (pad), "recv_rtp_src_"))
    return;
  GST_DEBUG_OBJECT (rtpbin, "call %s: far-end RTP on %s", self->name,
      GST_PAD_NAME (pad));
  if (!link_request_pad (pad, self->recv_funnel, &error))
    post_error (self, GST_OBJECT (rtpbin), error);
}

static void
on_rtpbin_pad_removed (GstElement * rtpbin, GstPad * pad,
    GwMediaPipeline * self)
{
  release_request_pad (pad, self->recv_funnel);
}

static void
on_session_pad_added (GstElement * src, GstPad * pad, GwMediaPipeline * self)
{
  g_autoptr (GError) error = NULL;

  /* Video is not bridged to SIP yet: otsrc lets unlinked pads be. */
  if (!g_str_has_prefix (GST_PAD_NAME (pad), "audio_"))
    return;
  if (!link_request_pad (pad, self->mixer, &error)) {
    post_error (self, GST_OBJECT (src), error);
    return;
  }
  GST_DEBUG_OBJECT (src, "call %s: mixing %s", self->name, GST_PAD_NAME (pad));
  atomic_fetch_add (&self->n_streams, 1);
  post_application (self, GST_OBJECT (src), GW_MEDIA_PIPELINE_STREAMS_CHANGED);
}

static void
on_session_pad_removed (GstElement * src, GstPad * pad, GwMediaPipeline * self)
{
  if (!release_request_pad (pad, self->mixer))
    return;
  GST_DEBUG_OBJECT (src, "call %s: no longer mixing %s", self->name,
      GST_PAD_NAME (pad));
  atomic_fetch_sub (&self->n_streams, 1);
  post_application (self, GST_OBJECT (src), GW_MEDIA_PIPELINE_STREAMS_CHANGED);
}

/* Every packet from the far end passes here (udpsrc's thread).  Only the
 * negotiated payload types go on: rtpbin fails the whole pipeline on a
 * payload type it has no caps for (comfort noise and muxed RTCP are not
 * handled yet); telephone-event leaves at rtpbin's session (media-dtmf). */
static GstPadProbeReturn
on_rtp_received (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GwMediaPipeline *self = user_data;
  guint8 head[2];

  if (gst_buffer_extract (GST_PAD_PROBE_INFO_BUFFER (info), 0, head, 2) != 2)
    return GST_PAD_PROBE_DROP;
  /* RFC 7983: a DTLS record, for the DTLS-SRTP decoder, not media. */
  if (self->dtls && head[0] >= 20 && head[0] <= 63)
    return GST_PAD_PROBE_OK;
  if ((head[0] >> 6) != 2 || ((head[1] & 0x7f) != self->payload_type
          && (self->dtmf_payload_type == 0
              || (head[1] & 0x7f) != self->dtmf_payload_type)))
    return GST_PAD_PROBE_DROP;
  atomic_store (&self->last_rtp_us, g_get_monotonic_time ());
  if (!atomic_exchange (&self->first_rtp_seen, TRUE))
    post_application (self, GST_OBJECT (pad), GW_MEDIA_PIPELINE_FIRST_RTP);
  return GST_PAD_PROBE_OK;
}

/* ---- configuration (main thread) ---- */

static void
configure_socket_sink (GstElement * sink, GSocket * socket)
{
  gboolean v6 = g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV6;

  g_object_set (sink, v6 ? "socket-v6" : "socket", socket, "close-socket",
      FALSE, NULL);
  /* Forget udpsink's default destination (localhost:5004). */
  g_signal_emit_by_name (sink, "clear");
}

static gboolean
configure_transport (GwMediaPipeline * self,
    const GwMediaPipelineConfig * config, const CodecInfo * info,
    GError ** error)
{
  g_autoptr (GstElement) rtp_src = NULL;
  g_autoptr (GstElement) rtcp_src = NULL;
  g_autoptr (GstElement) rtpbin = NULL;
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GstPad) pad = NULL;

  if (!(rtp_src = get_element (self->pipeline, "rtp_src", error))
      || !(rtcp_src = get_element (self->pipeline, "rtcp_src", error))
      || !(rtpbin = get_element (self->pipeline, "rtpbin", error))
      || !(self->rtp_sink = get_element (self->pipeline, "rtp_sink", error))
      || !(self->rtcp_sink = get_element (self->pipeline, "rtcp_sink", error))
      || !(self->recv_funnel = get_element (self->pipeline, "recv_funnel",
              error)))
    return FALSE;

  caps = gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING,
      "audio", "clock-rate", G_TYPE_INT, info->clock_rate, "encoding-name",
      G_TYPE_STRING, info->encoding_name, "payload", G_TYPE_INT,
      self->payload_type, NULL);
  g_object_set (rtp_src, "socket", config->rtp_socket, "close-socket", FALSE,
      "caps", caps, NULL);
  g_object_set (rtcp_src, "socket", config->rtcp_socket, "close-socket",
      FALSE, NULL);
  configure_socket_sink (self->rtp_sink, config->rtp_socket);
  configure_socket_sink (self->rtcp_sink, config->rtcp_socket);

  pad = gst_element_get_static_pad (rtp_src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_rtp_received, self,
      NULL);
  g_signal_connect (rtpbin, "pad-added", G_CALLBACK (on_rtpbin_pad_added),
      self);
  g_signal_connect (rtpbin, "pad-removed",
      G_CALLBACK (on_rtpbin_pad_removed), self);
  return TRUE;
}

static gboolean
configure_codec (GwMediaPipeline * self, GError ** error)
{
  g_autoptr (GstElement) pay = NULL;
  g_autoptr (GstElement) encoder = NULL;
  gint64 ptime_ns = (gint64) self->ptime * GST_MSECOND;

  if (!(pay = get_element (self->pipeline, "pay", error))
      || !(encoder = get_element (self->pipeline, "encoder", error))
      || !(self->mixer = get_element (self->pipeline, "mixer", error)))
    return FALSE;

  g_object_set (pay, "pt", self->payload_type, NULL);
  if (self->codec == GW_AUDIO_CODEC_OPUS)
    g_object_set (encoder, "frame-size", self->ptime, NULL);
  else
    g_object_set (pay, "min-ptime", ptime_ns, "max-ptime", ptime_ns, NULL);
  /* One mixer buffer per packet: the mixer's cost is per buffer. */
  g_object_set (self->mixer, "output-buffer-duration", (guint64) ptime_ns,
      NULL);
  return TRUE;
}

static gboolean
configure_session (GwMediaPipeline * self,
    const GwMediaPipelineConfig * config, GError ** error)
{
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstElement) src = NULL;
  g_autofree gchar *streams = NULL;

  if (!(sink = get_element (self->pipeline, "session_sink", error))
      || !(src = get_element (self->pipeline, "session_src", error)))
    return FALSE;
  streams = config->streams ?
      g_strjoinv (",", (gchar **) config->streams) : g_strdup ("");
  g_object_set (sink, "session-id", config->session_id, "connection-id",
      config->connection_id, "stream-id", config->stream_id,
      "create-session", FALSE, NULL);
  g_object_set (src, "session-id", config->session_id, "streams", streams,
      "exclude-connection-id", config->connection_id, "create-session",
      FALSE, NULL);
  g_signal_connect (src, "pad-added", G_CALLBACK (on_session_pad_added), self);
  g_signal_connect (src, "pad-removed", G_CALLBACK (on_session_pad_removed),
      self);
  return TRUE;
}

GwMediaPipeline *
gw_media_pipeline_new (const GwMediaPipelineConfig * config,
    const GwMediaParams * params, GError ** error)
{
  const CodecInfo *info = lookup_codec (params->codec);
  g_autoptr (GwMediaPipeline) self = NULL;

  g_return_val_if_fail (info != NULL, NULL);
  init_debug ();

  self = g_new0 (GwMediaPipeline, 1);
  self->name = g_strdup (config->name);
  self->codec = params->codec;
  self->payload_type = params->payload_type;
  self->dtmf_payload_type = params->dtmf_payload_type;
  self->ptime = effective_ptime (params);
  self->dtls = params->srtp == GW_SRTP_DTLS;
  self->pipeline = parse_fragments (info, error);
  if (self->pipeline == NULL)
    return NULL;
  gst_object_set_name (GST_OBJECT (self->pipeline), config->name);
  if (!configure_transport (self, config, info, error)
      || !configure_codec (self, error)
      || !configure_session (self, config, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* The base time is fixed before the state change, not chosen on the way to
 * PLAYING: the mixer starts producing as soon as it is PAUSED (force-live)
 * and would otherwise race ahead of a base time of 0, then fall silent; and
 * the far end's first packet, which completes the pipeline's state change
 * later, must not move the base time under the running mixer either. */
GstStateChangeReturn
gw_media_pipeline_play (GwMediaPipeline * self)
{
  g_autoptr (GstClock) clock = gst_system_clock_obtain ();

  gst_pipeline_use_clock (GST_PIPELINE (self->pipeline), clock);
  gst_element_set_start_time (self->pipeline, GST_CLOCK_TIME_NONE);
  gst_element_set_base_time (self->pipeline, gst_clock_get_time (clock));
  return gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
}

static void
disconnect_element (const GValue * item, gpointer self)
{
  g_signal_handlers_disconnect_by_data (g_value_get_object (item), self);
}

/* Someone may still hold an element after we let go (a bus message names
 * rtpbin as its source, say): its dispose then removes its pads, and a
 * "pad-removed" handler must not run on a freed pipeline. */
static void
disconnect_handlers (GwMediaPipeline * self)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (self->pipeline));

  while (gst_iterator_foreach (it, disconnect_element, self) ==
      GST_ITERATOR_RESYNC)
    gst_iterator_resync (it);
  gst_iterator_free (it);
}

void
gw_media_pipeline_free (GwMediaPipeline * self)
{
  if (self == NULL)
    return;
  /* Joins the streaming threads: no handler runs after this. */
  if (self->pipeline) {
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
    disconnect_handlers (self);
  }
  gst_clear_object (&self->rtp_sink);
  gst_clear_object (&self->rtcp_sink);
  gst_clear_object (&self->recv_funnel);
  gst_clear_object (&self->mixer);
  gst_clear_object (&self->pipeline);
  g_free (self->name);
  g_free (self);
}

GstElement *
gw_media_pipeline_get_element (GwMediaPipeline * self)
{
  return self->pipeline;
}

/* multiudpsink changes its client list under its own lock, so a playing
 * pipeline is re-pointed in place. */
gboolean
gw_media_pipeline_set_destinations (GwMediaPipeline * self,
    const GwMediaParams * params)
{
  g_autoptr (GInetAddress) address = NULL;
  gboolean reachable, send;
  guint rtcp_port;

  if (params->remote_address != NULL && params->remote_rtp_port != 0)
    address = g_inet_address_new_from_string (params->remote_address);
  reachable = address != NULL && !g_inet_address_get_is_any (address);
  send = reachable && (params->remote_direction == GW_MEDIA_SENDRECV
      || params->remote_direction == GW_MEDIA_RECVONLY);
  rtcp_port = params->rtcp_mux ? params->remote_rtp_port :
      params->remote_rtcp_port ? params->remote_rtcp_port :
      params->remote_rtp_port + 1;

  g_signal_emit_by_name (self->rtp_sink, "clear");
  g_signal_emit_by_name (self->rtcp_sink, "clear");
  /* DTLS handshakes go on while held: media-srtp holds RTP back then. */
  if (send || (self->dtls && reachable))
    g_signal_emit_by_name (self->rtp_sink, "add", params->remote_address,
        (gint) params->remote_rtp_port);
  /* RTCP goes on while held (RFC 3264), unless there is nowhere to go. */
  if (reachable)
    g_signal_emit_by_name (self->rtcp_sink, "add", params->remote_address,
        (gint) rtcp_port);
  GST_INFO ("call %s: %s RTP to %s:%u", self->name,
      send ? "sending" : "not sending",
      params->remote_address ? params->remote_address : "-",
      params->remote_rtp_port);
  return send;
}

gint64
gw_media_pipeline_get_last_rtp_time (GwMediaPipeline * self)
{
  return atomic_load (&self->last_rtp_us);
}

guint
gw_media_pipeline_get_n_streams (GwMediaPipeline * self)
{
  return atomic_load (&self->n_streams);
}

gboolean
gw_media_pipeline_can_update (GwMediaPipeline * self,
    const GwMediaParams * params)
{
  return self->codec == params->codec
      && self->payload_type == params->payload_type
      && self->dtmf_payload_type == params->dtmf_payload_type
      && self->ptime == effective_ptime (params);
}
