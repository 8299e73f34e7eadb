/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SDES-keyed SRTP, and what both kinds of secure media share: the sending
 * gate and the pad surgery.  The fragments link udpsrc → rtpbin and
 * rtpbin → udpsink when they are parsed, which is before anyone could
 * connect to rtpbin's request-rtp-decoder/encoder signals; so the
 * encryption elements are spliced into those links afterwards instead:
 *
 *   rtp_src  → srtpdec.rtp_sink   rtp_src  → rtpbin.recv_rtp_sink_0
 *   rtcp_src → srtpdec.rtcp_sink  rtcp_src → rtpbin.recv_rtcp_sink_0
 *   rtpbin.send_rtp_src_0  → srtpenc.rtp_sink_0  rtp_src_0  → rtp_sink
 *   rtpbin.send_rtcp_src_0 → srtpenc.rtcp_sink_0 rtcp_src_0 → rtcp_sink
 *
 * srtpdec learns a far-end SSRC from its first packet and asks for the key
 * with "request-key"; the answer comes from this struct, so a rekey is
 * "clear-keys" and the next packet asks again. */
#include <stdatomic.h>
#include <string.h>
#include <gst/rtp/gstrtpbuffer.h>

#include "gw-error.h"
#include "media-dtls.h"
#include "media-srtp.h"

GST_DEBUG_CATEGORY_STATIC (gw_media_srtp_debug);
#define GST_CAT_DEFAULT gw_media_srtp_debug

/* Packets srtpdec accepts out of order: about 20 s of 20 ms packets, far
 * more than any jitter, at a bitmap's cost. */
#define REPLAY_WINDOW 1024

struct _GwMediaSrtp
{
  gchar *name;
  GwSrtpMode mode;
  GwMediaDtls *dtls;            /* DTLS */
  GstElement *encoder;          /* SDES: srtpenc, srtpdec (refs) */
  GstElement *decoder;
  GstPad *send_pad;             /* rtpbin's send_rtp_src_0, the gate */
  gulong send_probe;

  /* Main thread: the params applied last. */
  GwMediaParams current;

  /* The gate: written by the main thread, read by the sending thread. */
  atomic_bool sending;
  /* Sending thread only: packets dropped so far (mod 2^16). */
  guint16 seq_shift;

  GMutex lock;
  /* Guarded by lock: what "request-key" answers (receiving thread). */
  guint8 remote_key[GW_SRTP_KEY_LEN];
  GwSrtpSuite suite;
  GHashTable *rocs;             /* SSRC → ROC + 1 to resume with */
};

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gw_media_srtp_debug, "gwmediasrtp", 0,
        "secure media (SRTP) of a call");
    g_once_init_leave (&done, 1);
  }
}

/* The 30 bytes of an a=crypto key; FALSE when it is not that. */
static gboolean
decode_key (const gchar * text, guint8 key[GW_SRTP_KEY_LEN])
{
  guchar *bytes;
  gsize len = 0;
  gboolean ok;

  if (strlen (text) != GW_SRTP_KEY_BASE64_SIZE - 1
      || strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
          "0123456789+/") != GW_SRTP_KEY_BASE64_SIZE - 1)
    return FALSE;
  bytes = g_base64_decode (text, &len);
  ok = len == GW_SRTP_KEY_LEN;
  if (ok)
    memcpy (key, bytes, GW_SRTP_KEY_LEN);
  memset (bytes, 0, len);
  g_free (bytes);
  return ok;
}

gboolean
gw_media_srtp_check_params (const GwMediaParams * params, GError ** error)
{
  guint8 key[GW_SRTP_KEY_LEN];
  gboolean ok;

  switch (params->srtp) {
    case GW_SRTP_NONE:
      return TRUE;
    case GW_SRTP_SDES:
      if (gw_srtp_suite_to_string (params->srtp_suite) == NULL) {
        g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
            "SDES without a supported crypto suite (%d)", params->srtp_suite);
        return FALSE;
      }
      ok = decode_key (params->srtp_local_key, key)
          && decode_key (params->srtp_remote_key, key);
      memset (key, 0, sizeof (key));
      if (!ok)
        g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
            "an SDES key is not 30 bytes of base64");
      return ok;
    case GW_SRTP_DTLS:
      return gw_media_dtls_check_params (params, error);
    default:
      g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
          "unknown secure media mode %d", params->srtp);
      return FALSE;
  }
}

/* ---- pad surgery ---- */

GstElement *
gw_media_srtp_get_element (GstElement * pipeline, const gchar * name,
    GError ** error)
{
  GstElement *element = gst_bin_get_by_name (GST_BIN (pipeline), name);

  if (element == NULL)
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "the media pipeline has no element named '%s'", name);
  return element;
}

static GstPad *
get_pad (GstElement * element, const gchar * name)
{
  GstPad *pad = gst_element_get_static_pad (element, name);

  return pad ? pad : gst_element_request_pad_simple (element, name);
}

static gboolean
link_pads (GstPad * src, GstPad * sink, GError ** error)
{
  GstPadLinkReturn ret = gst_pad_link (src, sink);

  if (GST_PAD_LINK_SUCCESSFUL (ret))
    return TRUE;
  g_set_error (error, GW_ERROR, GW_ERROR_FAILED, "cannot link %s:%s to %s:%s: "
      "%s", GST_DEBUG_PAD_NAME (src), GST_DEBUG_PAD_NAME (sink),
      gst_pad_link_get_name (ret));
  return FALSE;
}

gboolean
gw_media_srtp_splice (GstPad * srcpad, GstElement * element,
    const gchar * sink_name, const gchar * src_name, GError ** error)
{
  g_autoptr (GstPad) peer = gst_pad_get_peer (srcpad);
  g_autoptr (GstPad) sink = get_pad (element, sink_name);
  g_autoptr (GstPad) src = src_name ? get_pad (element, src_name) : NULL;

  if (peer == NULL || sink == NULL || (src_name && src == NULL)) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "cannot put %s after %s:%s", GST_ELEMENT_NAME (element),
        GST_DEBUG_PAD_NAME (srcpad));
    return FALSE;
  }
  gst_pad_unlink (srcpad, peer);
  return link_pads (srcpad, sink, error)
      && (src == NULL || link_pads (src, peer, error));
}

/* ---- the sending gate (rtpbin's sending thread) ---- */

/* While we do not send (hold; DTLS not ready), packets stop here, before
 * they are encrypted, and the next ones are renumbered to follow the last
 * one sent: the far end's index estimation (RFC 3711 3.3.1) goes wrong on
 * a jump of more than 2^15, which is 11 minutes of hold. */
static gboolean
gate_buffer (GwMediaSrtp * self, GstBuffer ** buffer, gboolean open)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;

  if (!open) {
    self->seq_shift++;
    return FALSE;
  }
  if (self->seq_shift == 0)
    return TRUE;
  *buffer = gst_buffer_make_writable (*buffer);
  if (gst_rtp_buffer_map (*buffer, GST_MAP_READWRITE, &rtp)) {
    gst_rtp_buffer_set_seq (&rtp, gst_rtp_buffer_get_seq (&rtp) -
        self->seq_shift);
    gst_rtp_buffer_unmap (&rtp);
  }
  return TRUE;
}

static gboolean
gate_list_item (GstBuffer ** buffer, guint idx, gpointer user_data)
{
  GwMediaSrtp *self = user_data;

  gate_buffer (self, buffer, TRUE);
  return TRUE;
}

static GstPadProbeReturn
on_send (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GwMediaSrtp *self = user_data;
  gboolean open = atomic_load (&self->sending)
      && (self->dtls == NULL || gw_media_dtls_is_ready (self->dtls));
  GstBufferList *list;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    return gate_buffer (self, (GstBuffer **) & info->data, open) ?
        GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
  if (!open) {
    self->seq_shift += gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST
        (info));
    return GST_PAD_PROBE_DROP;
  }
  if (self->seq_shift != 0) {
    list = gst_buffer_list_make_writable (GST_PAD_PROBE_INFO_BUFFER_LIST
        (info));
    gst_buffer_list_foreach (list, gate_list_item, self);
    info->data = list;
  }
  return GST_PAD_PROBE_OK;
}

/* ---- SDES ---- */

static const gchar *
rtp_auth_of (GwSrtpSuite suite)
{
  return suite == GW_SRTP_AES_CM_128_HMAC_SHA1_32 ? "hmac-sha1-32" :
      "hmac-sha1-80";
}

/* srtpdec's question for a far-end SSRC it has no key for (receiving
 * thread, srtpdec's object lock held: nothing here touches srtpdec). */
static GstCaps *
on_request_key (GstElement * decoder, guint ssrc, gpointer user_data)
{
  GwMediaSrtp *self = user_data;
  g_autoptr (GstBuffer) key = NULL;
  GstCaps *caps;
  guint roc;

  g_mutex_lock (&self->lock);
  key = gst_buffer_new_memdup (self->remote_key, GW_SRTP_KEY_LEN);
  caps = gst_caps_new_simple ("application/x-srtp", "srtp-key",
      GST_TYPE_BUFFER, key, "srtp-cipher", G_TYPE_STRING, "aes-128-icm",
      "srtp-auth", G_TYPE_STRING, rtp_auth_of (self->suite),
      "srtcp-cipher", G_TYPE_STRING, "aes-128-icm",
      "srtcp-auth", G_TYPE_STRING, "hmac-sha1-80", NULL);
  roc = GPOINTER_TO_UINT (g_hash_table_lookup (self->rocs,
          GUINT_TO_POINTER (ssrc)));
  g_mutex_unlock (&self->lock);
  /* A stream that comes back after a hold goes on with its roll-over
   * counter; srtpdec takes the sequence number from its next packet. */
  if (roc > 0)
    gst_caps_set_simple (caps, "roc", G_TYPE_UINT, roc - 1, NULL);
  GST_DEBUG_OBJECT (decoder, "call %s: key for SSRC %08x", self->name, ssrc);
  return caps;
}

/* srtpenc's key and suite (what we send). */
static void
set_encoder_key (GwMediaSrtp * self, const GwMediaParams * params)
{
  guint8 bytes[GW_SRTP_KEY_LEN];
  g_autoptr (GstBuffer) key = NULL;

  decode_key (params->srtp_local_key, bytes);
  key = gst_buffer_new_memdup (bytes, sizeof (bytes));
  memset (bytes, 0, sizeof (bytes));
  gst_util_set_object_arg (G_OBJECT (self->encoder), "rtp-cipher",
      "aes-128-icm");
  gst_util_set_object_arg (G_OBJECT (self->encoder), "rtcp-cipher",
      "aes-128-icm");
  gst_util_set_object_arg (G_OBJECT (self->encoder), "rtp-auth",
      rtp_auth_of (params->srtp_suite));
  /* RFC 4568 6.2: SRTCP keeps the 80-bit tag with either suite. */
  gst_util_set_object_arg (G_OBJECT (self->encoder), "rtcp-auth",
      "hmac-sha1-80");
  /* Last: a new key makes srtpenc start a new session. */
  g_object_set (self->encoder, "key", key, NULL);
}

/* srtpdec's key (what the far end sends): taken on each SSRC's next
 * packet.  rocs: SSRC → ROC + 1 to go on with, or NULL for new streams. */
static void
set_decoder_key (GwMediaSrtp * self, const GwMediaParams * params,
    GHashTable * rocs)
{
  g_mutex_lock (&self->lock);
  decode_key (params->srtp_remote_key, self->remote_key);
  self->suite = params->srtp_suite;
  g_hash_table_remove_all (self->rocs);
  if (rocs != NULL) {
    GHashTableIter iter;
    gpointer ssrc, roc;

    g_hash_table_iter_init (&iter, rocs);
    while (g_hash_table_iter_next (&iter, &ssrc, &roc))
      g_hash_table_insert (self->rocs, ssrc, roc);
  }
  g_mutex_unlock (&self->lock);
  g_signal_emit_by_name (self->decoder, "clear-keys");
}

/* SSRC → ROC + 1 of the streams srtpdec has now. */
static GHashTable *
read_rocs (GwMediaSrtp * self)
{
  GHashTable *rocs = g_hash_table_new (NULL, NULL);
  g_autoptr (GstStructure) stats = NULL;
  const GValue *streams;

  g_object_get (self->decoder, "stats", &stats, NULL);
  streams = stats ? gst_structure_get_value (stats, "streams") : NULL;
  for (guint i = 0; streams && i < gst_value_array_get_size (streams); i++) {
    const GstStructure *s =
        gst_value_get_structure (gst_value_array_get_value (streams, i));
    guint ssrc, roc;

    if (gst_structure_get_uint (s, "ssrc", &ssrc)
        && gst_structure_get_uint (s, "roc", &roc))
      g_hash_table_insert (rocs, GUINT_TO_POINTER (ssrc),
          GUINT_TO_POINTER (roc + 1));
  }
  return rocs;
}

static gboolean
attach_sdes (GwMediaSrtp * self, GstElement * pipeline,
    const GwMediaParams * params, GError ** error)
{
  g_autoptr (GstElement) rtp_src = NULL, rtcp_src = NULL, rtpbin = NULL;
  g_autoptr (GstPad) rtp_out = NULL, rtcp_out = NULL;
  g_autoptr (GstPad) rtp_in = NULL, rtcp_in = NULL;
  g_autoptr (GstCaps) rtp_caps = NULL;

  if (!(rtp_src = gw_media_srtp_get_element (pipeline, "rtp_src", error))
      || !(rtcp_src = gw_media_srtp_get_element (pipeline, "rtcp_src", error))
      || !(rtpbin = gw_media_srtp_get_element (pipeline, "rtpbin", error)))
    return FALSE;
  self->decoder = gst_element_factory_make ("srtpdec", "srtp_dec");
  self->encoder = gst_element_factory_make ("srtpenc", "srtp_enc");
  if (self->decoder == NULL || self->encoder == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "SRTP needs the srtpenc and srtpdec elements (gst-plugins-bad)");
    return FALSE;
  }
  gst_object_ref_sink (self->decoder);
  gst_object_ref_sink (self->encoder);
  gst_bin_add_many (GST_BIN (pipeline), self->decoder, self->encoder, NULL);
  g_object_set (self->decoder, "replay-window-size", REPLAY_WINDOW, NULL);
  g_signal_connect (self->decoder, "request-key",
      G_CALLBACK (on_request_key), self);
  set_decoder_key (self, params, NULL);
  set_encoder_key (self, params);

  /* What the sockets receive is SRTP now. */
  g_object_get (rtp_src, "caps", &rtp_caps, NULL);
  rtp_caps = gst_caps_make_writable (rtp_caps);
  gst_structure_set_name (gst_caps_get_structure (rtp_caps, 0),
      "application/x-srtp");
  g_object_set (rtp_src, "caps", rtp_caps, NULL);
  gst_util_set_object_arg (G_OBJECT (rtcp_src), "caps", "application/x-srtcp");

  rtp_out = gst_element_get_static_pad (rtp_src, "src");
  rtcp_out = gst_element_get_static_pad (rtcp_src, "src");
  rtp_in = gst_element_get_static_pad (rtpbin, "send_rtp_src_0");
  rtcp_in = gst_element_get_static_pad (rtpbin, "send_rtcp_src_0");
  return rtp_in && rtcp_in
      && gw_media_srtp_splice (rtp_out, self->decoder, "rtp_sink", "rtp_src",
      error)
      && gw_media_srtp_splice (rtcp_out, self->decoder, "rtcp_sink",
      "rtcp_src", error)
      && gw_media_srtp_splice (rtp_in, self->encoder, "rtp_sink_0",
      "rtp_src_0", error)
      && gw_media_srtp_splice (rtcp_in, self->encoder, "rtcp_sink_0",
      "rtcp_src_0", error);
}

/* ---- API ---- */

GwMediaSrtp *
gw_media_srtp_attach (GstElement * pipeline, const GwMediaParams * params,
    const gchar * name, GError ** error)
{
  g_autoptr (GwMediaSrtp) self = NULL;
  g_autoptr (GstElement) rtpbin = NULL;
  gboolean ok;

  g_return_val_if_fail (params->srtp != GW_SRTP_NONE, NULL);
  init_debug ();
  if (!gw_media_srtp_check_params (params, error))
    return NULL;

  self = g_new0 (GwMediaSrtp, 1);
  self->name = g_strdup (name);
  self->mode = params->srtp;
  g_mutex_init (&self->lock);
  self->rocs = g_hash_table_new (NULL, NULL);
  gw_media_params_copy (&self->current, params);
  if (!(rtpbin = gw_media_srtp_get_element (pipeline, "rtpbin", error)))
    return NULL;
  self->send_pad = gst_element_get_static_pad (rtpbin, "send_rtp_src_0");
  if (self->send_pad == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "the media pipeline's rtpbin sends nothing");
    return NULL;
  }
  if (self->mode == GW_SRTP_SDES)
    ok = attach_sdes (self, pipeline, params, error);
  else
    ok = (self->dtls = gw_media_dtls_attach (pipeline, params, name,
            error)) != NULL;
  if (!ok)
    return NULL;
  self->send_probe = gst_pad_add_probe (self->send_pad,
      GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, on_send, self, NULL);
  GST_INFO ("call %s: %s media, %s", name, gw_srtp_mode_to_string
      (self->mode), self->mode == GW_SRTP_SDES ?
      gw_srtp_suite_to_string (params->srtp_suite) :
      params->dtls_setup == GW_DTLS_SETUP_ACTIVE ? "DTLS client" :
      "DTLS server");
  return g_steal_pointer (&self);
}

gboolean
gw_media_srtp_needs_rebuild (GwMediaSrtp * self, const GwMediaParams * params)
{
  if (self == NULL)
    return params->srtp != GW_SRTP_NONE;
  if (params->srtp != self->mode)
    return TRUE;
  return self->mode == GW_SRTP_DTLS
      && gw_media_params_srtp_changed (&self->current, params);
}

void
gw_media_srtp_update (GwMediaSrtp * self, const GwMediaParams * params,
    gboolean sending)
{
  const GwMediaParams *old;

  if (self == NULL)
    return;
  old = &self->current;
  if (self->mode == GW_SRTP_SDES && gw_media_params_srtp_changed (old, params)) {
    GST_INFO ("call %s: new SRTP keys (%s)", self->name,
        gw_srtp_suite_to_string (params->srtp_suite));
    if (old->srtp_suite != params->srtp_suite
        || strcmp (old->srtp_local_key, params->srtp_local_key) != 0)
      set_encoder_key (self, params);
    if (old->srtp_suite != params->srtp_suite
        || strcmp (old->srtp_remote_key, params->srtp_remote_key) != 0)
      set_decoder_key (self, params, NULL);
  } else if (self->mode == GW_SRTP_SDES && gw_media_params_is_hold (old)
      && !gw_media_params_is_hold (params)) {
    g_autoptr (GHashTable) rocs = read_rocs (self);

    /* Back from hold: some far ends restart their sequence numbers, which
     * the replay window would drop for as long as the hold lasted. */
    GST_INFO ("call %s: resumed, SRTP replay state of %u streams reset",
        self->name, g_hash_table_size (rocs));
    set_decoder_key (self, params, rocs);
  }
  atomic_store (&self->sending, sending);
  gw_media_params_copy (&self->current, params);
}

void
gw_media_srtp_free (GwMediaSrtp * self)
{
  if (self == NULL)
    return;
  if (self->send_probe)
    gst_pad_remove_probe (self->send_pad, self->send_probe);
  gst_clear_object (&self->send_pad);
  if (self->decoder)
    g_signal_handlers_disconnect_by_data (self->decoder, self);
  g_clear_pointer (&self->dtls, gw_media_dtls_free);
  gst_clear_object (&self->encoder);
  gst_clear_object (&self->decoder);
  gw_media_params_clear (&self->current);
  g_hash_table_unref (self->rocs);
  memset (self->remote_key, 0, sizeof (self->remote_key));
  g_mutex_clear (&self->lock);
  g_free (self->name);
  g_free (self);
}
