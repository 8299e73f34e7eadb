/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DTLS-SRTP: the associations spliced into the fragments' links, as
 * media-srtp.c does for SDES:
 *
 *   rtp_src → dtlssrtpdec(rtp).sink     rtp_src → rtpbin.recv_rtp_sink_0
 *   rtpbin.send_rtp_src_0 → dtlssrtpenc(rtp).rtp_sink_0     src → rtp_sink
 *   rtcp_src → dtlssrtpdec(rtcp).sink  rtcp_src → rtpbin.recv_rtcp_sink_0
 *   rtpbin.send_rtcp_src_0 → dtlssrtpenc(rtcp).rtcp_sink_0 src → rtcp_sink
 *
 * (with a=rtcp-mux our RTCP goes through the RTP association instead).
 * The decoder demultiplexes DTLS from SRTP itself, so the sockets deliver
 * without caps: a caps event would reach the DTLS branch, which refuses
 * it; rtpbin asks for the payload type's caps instead (request-pt-map).
 *
 * The far end's certificate arrives during the handshake, before any key
 * exists (dtlsdec's "peer-pem", from OpenSSL's verify callback, which
 * accepts any certificate): it is checked there, and a mismatch closes
 * both gates and posts an ERROR before a single packet could be decrypted
 * or encrypted. */
#include <stdatomic.h>

#include "gw-error.h"
#include "media-dtls.h"

GST_DEBUG_CATEGORY_STATIC (gw_media_dtls_debug);
#define GST_CAT_DEFAULT gw_media_dtls_debug

typedef struct
{
  GwMediaDtls *owner;
  const gchar *component;       /* "RTP" or "RTCP", for messages */
  GstElement *decoder;          /* refs, in the pipeline */
  GstElement *encoder;
  atomic_bool verified;
} Association;

struct _GwMediaDtls
{
  gchar *name;
  gchar *fingerprint;           /* what the far end's certificate must match */
  /* No refs to the pipeline or rtpbin: the pipeline must go first, with
   * media-pipeline.c's handlers (media-srtp.h). */
  GWeakRef rtpbin;
  GstCaps *rtp_caps;            /* of the payload type, for rtpbin */
  guint payload_type;
  Association rtp;
  Association rtcp;             /* decoder NULL with rtcp-mux */

  /* Streaming threads. */
  atomic_bool keyed;            /* the RTP association has its keys */
  atomic_bool rejected;         /* a certificate did not match */
};

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gw_media_dtls_debug, "gwmediadtls", 0,
        "DTLS-SRTP of a call");
    g_once_init_leave (&done, 1);
  }
}

const gchar *
gw_media_dtls_get_certificate (GError ** error)
{
  static gchar *pem = NULL;

  /* dtlsdec without a "pem" uses a certificate made once per process; the
   * DTLS elements of every call then present the same one. */
  if (g_once_init_enter (&pem)) {
    GstElement *decoder = gst_element_factory_make ("dtlsdec", NULL);
    gchar *text = NULL;

    if (decoder != NULL) {
      gst_object_ref_sink (decoder);
      g_object_get (decoder, "pem", &text, NULL);
      gst_object_unref (decoder);
    }
    g_once_init_leave (&pem, text ? text : g_strdup (""));
  }
  if (*pem == '\0') {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "DTLS-SRTP needs the dtlsdec element (gst-plugins-bad)");
    return NULL;
  }
  return pem;
}

gboolean
gw_media_dtls_check_params (const GwMediaParams * params, GError ** error)
{
  if (params->dtls_setup != GW_DTLS_SETUP_ACTIVE
      && params->dtls_setup != GW_DTLS_SETUP_PASSIVE) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "DTLS-SRTP without our role (active or passive)");
    return FALSE;
  }
  if (params->dtls_remote_fingerprint == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "DTLS-SRTP without the far end's certificate fingerprint");
    return FALSE;
  }
  return TRUE;
}

/* ---- streaming threads ---- */

static void
post_error (GwMediaDtls * self, GstElement * src, const gchar * format, ...)
G_GNUC_PRINTF (3, 4);

     static void
         post_error (GwMediaDtls * self, GstElement * src, const gchar * format,
    ...)
{
  g_autoptr (GError) error = NULL;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (GST_STREAM_ERROR, GST_STREAM_ERROR_DECRYPT,
      format, args);
  va_end (args);
  GST_ERROR_OBJECT (src, "call %s: %s", self->name, error->message);
  gst_element_post_message (src, gst_message_new_error (GST_OBJECT (src), error,
          NULL));
}

/* The far end's certificate, during the handshake. */
static void
on_peer_pem (GstElement * decoder, GParamSpec * pspec, Association * a)
{
  GwMediaDtls *self = a->owner;
  g_autofree gchar *pem = NULL;

  g_object_get (decoder, "peer-pem", &pem, NULL);
  if (pem == NULL)
    return;
  if (gw_dtls_fingerprint_matches (self->fingerprint, pem)) {
    GST_INFO_OBJECT (decoder, "call %s: %s certificate matches %s",
        self->name, a->component, self->fingerprint);
    atomic_store (&a->verified, TRUE);
    return;
  }
  atomic_store (&self->rejected, TRUE);
  post_error (self, decoder, "the far end's DTLS certificate (%s) does not "
      "match the fingerprint of its SDP (%s)", a->component, self->fingerprint);
}

static void
on_key_set (GstElement * encoder, Association * a)
{
  GST_INFO_OBJECT (encoder, "call %s: %s keys from the DTLS handshake",
      a->owner->name, a->component);
  if (a == &a->owner->rtp)
    atomic_store (&a->owner->keyed, TRUE);
}

static void
on_connection_state (GstElement * encoder, GParamSpec * pspec, Association * a)
{
  gint state = 0;

  g_object_get (encoder, "connection-state", &state, NULL);
  GST_DEBUG_OBJECT (encoder, "call %s: %s DTLS state %d", a->owner->name,
      a->component, state);
  /* GST_DTLS_CONNECTION_STATE_FAILED: not in a public header.  Without
   * RTCP the call goes on (some far ends never answer on that port). */
  if (state == 2 && a == &a->owner->rtp)
    post_error (a->owner, encoder, "the DTLS handshake (%s) failed",
        a->component);
  else if (state == 2)
    GST_WARNING_OBJECT (encoder, "call %s: the DTLS handshake (%s) failed",
        a->owner->name, a->component);
}

/* Decrypted media goes on only from a verified far end. */
static GstPadProbeReturn
on_receive (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Association *a = user_data;

  return atomic_load (&a->verified) && !atomic_load (&a->owner->rejected) ?
      GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

static GstCaps *
on_request_pt_map (GstElement * rtpbin, guint session, guint pt,
    GwMediaDtls * self)
{
  return pt == self->payload_type && self->rtp_caps ?
      gst_caps_ref (self->rtp_caps) : NULL;
}

/* ---- building (main thread) ---- */

static gboolean
make_association (GwMediaDtls * self, Association * a, GstElement * pipeline,
    const GwMediaParams * params, const gchar * component, GError ** error)
{
  static atomic_uint counter;
  g_autofree gchar *id = g_strdup_printf ("gw-%s-%s-%u", self->name,
      component, atomic_fetch_add (&counter, 1));
  g_autofree gchar *lower = g_ascii_strdown (component, -1);
  g_autofree gchar *dec_name = g_strdup_printf ("dtls_%s_dec", lower);
  g_autofree gchar *enc_name = g_strdup_printf ("dtls_%s_enc", lower);

  a->owner = self;
  a->component = component;
  a->decoder = gst_element_factory_make ("dtlssrtpdec", dec_name);
  a->encoder = gst_element_factory_make ("dtlssrtpenc", enc_name);
  if (a->decoder == NULL || a->encoder == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED, "DTLS-SRTP needs the "
        "dtlssrtpenc and dtlssrtpdec elements (gst-plugins-bad)");
    return FALSE;
  }
  gst_object_ref_sink (a->decoder);
  gst_object_ref_sink (a->encoder);
  /* The decoder makes the connection, the encoder takes it: in this order. */
  g_object_set (a->decoder, "connection-id", id, NULL);
  g_object_set (a->encoder, "connection-id", id, "is-client",
      params->dtls_setup == GW_DTLS_SETUP_ACTIVE, NULL);
  gst_bin_add_many (GST_BIN (pipeline), a->decoder, a->encoder, NULL);
  g_signal_connect (a->decoder, "notify::peer-pem", G_CALLBACK (on_peer_pem),
      a);
  g_signal_connect (a->encoder, "on-key-set", G_CALLBACK (on_key_set), a);
  g_signal_connect (a->encoder, "notify::connection-state",
      G_CALLBACK (on_connection_state), a);
  return TRUE;
}

/* The decoder's other output (RTCP of the RTP socket or the reverse) goes
 * nowhere, quietly. */
static gboolean
discard_pad (GstElement * pipeline, GstElement * element, const gchar * pad,
    GError ** error)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (pipeline), sink);
  if (gst_element_link_pads (element, pad, sink, "sink"))
    return TRUE;
  g_set_error (error, GW_ERROR, GW_ERROR_FAILED, "cannot discard %s:%s",
      GST_ELEMENT_NAME (element), pad);
  return FALSE;
}

static gboolean
splice_socket (GwMediaDtls * self, GstElement * pipeline, Association * a,
    const gchar * src_name, const gchar * out_pad, const gchar * spare_pad,
    GError ** error)
{
  g_autoptr (GstElement) src = gw_media_srtp_get_element (pipeline, src_name,
      error);
  g_autoptr (GstPad) pad = NULL;
  g_autoptr (GstPad) decrypted = NULL;

  if (src == NULL)
    return FALSE;
  g_object_set (src, "caps", NULL, NULL);
  pad = gst_element_get_static_pad (src, "src");
  decrypted = gst_element_get_static_pad (a->decoder, out_pad);
  gst_pad_add_probe (decrypted, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, on_receive, a, NULL);
  return gw_media_srtp_splice (pad, a->decoder, "sink", out_pad, error)
      && discard_pad (pipeline, a->decoder, spare_pad, error);
}

static gboolean
splice_sending (GstElement * rtpbin, const gchar * rtpbin_pad,
    Association * a, const gchar * sink_pad, gboolean first, GError ** error)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (rtpbin, rtpbin_pad);

  if (pad == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED, "rtpbin has no %s",
        rtpbin_pad);
    return FALSE;
  }
  return gw_media_srtp_splice (pad, a->encoder, sink_pad,
      first ? "src" : NULL, error);
}

static gboolean
build (GwMediaDtls * self, GstElement * pipeline,
    const GwMediaParams * params, GError ** error)
{
  g_autoptr (GstElement) rtp_src = NULL;
  g_autoptr (GstElement) rtpbin = NULL;

  if (!(rtp_src = gw_media_srtp_get_element (pipeline, "rtp_src", error))
      || !(rtpbin = gw_media_srtp_get_element (pipeline, "rtpbin", error)))
    return FALSE;
  g_object_get (rtp_src, "caps", &self->rtp_caps, NULL);
  g_weak_ref_set (&self->rtpbin, rtpbin);
  g_signal_connect (rtpbin, "request-pt-map", G_CALLBACK (on_request_pt_map),
      self);

  if (!make_association (self, &self->rtp, pipeline, params, "RTP", error)
      || !splice_socket (self, pipeline, &self->rtp, "rtp_src", "rtp_src",
          "rtcp_src", error)
      || !splice_sending (rtpbin, "send_rtp_src_0", &self->rtp,
          "rtp_sink_0", TRUE, error))
    return FALSE;
  if (params->rtcp_mux)
    return splice_sending (rtpbin, "send_rtcp_src_0", &self->rtp,
        "rtcp_sink_0", FALSE, error);
  return make_association (self, &self->rtcp, pipeline, params, "RTCP", error)
      && splice_socket (self, pipeline, &self->rtcp, "rtcp_src", "rtcp_src",
      "rtp_src", error)
      && splice_sending (rtpbin, "send_rtcp_src_0", &self->rtcp,
      "rtcp_sink_0", TRUE, error);
}

GwMediaDtls *
gw_media_dtls_attach (GstElement * pipeline, const GwMediaParams * params,
    const gchar * name, GError ** error)
{
  GwMediaDtls *self;

  init_debug ();
  if (gw_media_dtls_get_certificate (error) == NULL)
    return NULL;
  self = g_new0 (GwMediaDtls, 1);
  self->name = g_strdup (name);
  self->fingerprint = g_strdup (params->dtls_remote_fingerprint);
  g_weak_ref_init (&self->rtpbin, NULL);
  self->payload_type = params->payload_type;
  if (!build (self, pipeline, params, error)) {
    gw_media_dtls_free (self);
    return NULL;
  }
  GST_INFO ("call %s: DTLS-SRTP as %s, expecting %s", name,
      params->dtls_setup == GW_DTLS_SETUP_ACTIVE ? "client" : "server",
      self->fingerprint);
  return self;
}

gboolean
gw_media_dtls_is_ready (GwMediaDtls * self)
{
  return atomic_load (&self->keyed) && atomic_load (&self->rtp.verified)
      && !atomic_load (&self->rejected);
}

static void
clear_association (Association * a)
{
  if (a->decoder)
    g_signal_handlers_disconnect_by_data (a->decoder, a);
  if (a->encoder)
    g_signal_handlers_disconnect_by_data (a->encoder, a);
  gst_clear_object (&a->decoder);
  gst_clear_object (&a->encoder);
}

void
gw_media_dtls_free (GwMediaDtls * self)
{
  GstElement *rtpbin;

  if (self == NULL)
    return;
  clear_association (&self->rtp);
  clear_association (&self->rtcp);
  rtpbin = g_weak_ref_get (&self->rtpbin);
  if (rtpbin != NULL) {
    g_signal_handlers_disconnect_by_data (rtpbin, self);
    gst_object_unref (rtpbin);
  }
  g_weak_ref_clear (&self->rtpbin);
  gst_clear_caps (&self->rtp_caps);
  g_free (self->fingerprint);
  g_free (self->name);
  g_free (self);
}
