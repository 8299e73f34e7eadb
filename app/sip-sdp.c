/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RFC 3264 offer/answer for the SIP legs on GstSDPMessage: which audio
 * m-line, address, port, direction and codec an SDP gives, and the SDPs we
 * write.  The codecs themselves are in sip-sdp-codecs.c. */
#include <stdlib.h>
#include <string.h>

#include <gst/gst.h>
#include <gst/sdp/gstsdpmessage.h>

#include "gw-error.h"
#include "sip-sdp-private.h"

GST_DEBUG_CATEGORY_STATIC (gw_sip_sdp_debug);
#define GST_CAT_DEFAULT gw_sip_sdp_debug

#define DEFAULT_PTIME 20

static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gw_sip_sdp_debug, "gwsipsdp", 0,
        "SDP offer/answer of the SIP legs");
    g_once_init_leave (&done, 1);
  }
}

static const gchar *
addrtype_of (const gchar * address)
{
  return strchr (address, ':') != NULL ? "IP6" : "IP4";
}

static GstSDPMessage *
parse_sdp (const gchar * text, const gchar * what, GError ** error)
{
  g_autoptr (GstSDPMessage) msg = NULL;

  if (text == NULL || *text == '\0') {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "SDP %s is empty", what);
    return NULL;
  }
  if (gst_sdp_message_new_from_text (text, &msg) != GST_SDP_OK
      || g_strcmp0 (gst_sdp_message_get_version (msg), "0") != 0) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SDP %s is not an SDP (no v=0 line)", what);
    return NULL;
  }
  if (gst_sdp_message_medias_len (msg) == 0) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SDP %s has no media line", what);
    return NULL;
  }
  return g_steal_pointer (&msg);
}

/* Flag attributes (a=sendonly) have no value: look for the key itself. */
static gboolean
media_has_attribute (const GstSDPMedia * media, const gchar * key)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++) {
    if (g_strcmp0 (gst_sdp_media_get_attribute (media, i)->key, key) == 0)
      return TRUE;
  }
  return FALSE;
}

static gboolean
message_has_attribute (const GstSDPMessage * msg, const gchar * key)
{
  for (guint i = 0; i < gst_sdp_message_attributes_len (msg); i++) {
    if (g_strcmp0 (gst_sdp_message_get_attribute (msg, i)->key, key) == 0)
      return TRUE;
  }
  return FALSE;
}

static GwMediaDirection
direction_of (const GstSDPMessage * msg, const GstSDPMedia * media)
{
  static const struct
  {
    const gchar *key;
    GwMediaDirection direction;
  } keys[] = {
    {"sendonly", GW_MEDIA_SENDONLY}, {"recvonly", GW_MEDIA_RECVONLY},
    {"inactive", GW_MEDIA_INACTIVE}, {"sendrecv", GW_MEDIA_SENDRECV},
  };

  /* The media level overrides the session level (RFC 4566 6). */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
    if (media_has_attribute (media, keys[i].key))
      return keys[i].direction;
  }
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
    if (message_has_attribute (msg, keys[i].key))
      return keys[i].direction;
  }
  return GW_MEDIA_SENDRECV;
}

static const gchar *
address_of (const GstSDPMessage * msg, const GstSDPMedia * media)
{
  const GstSDPConnection *conn = NULL;

  if (gst_sdp_media_connections_len (media) > 0)
    conn = gst_sdp_media_get_connection (media, 0);
  else
    conn = gst_sdp_message_get_connection (msg);
  if (conn == NULL || g_strcmp0 (conn->nettype, "IN") != 0
      || conn->address == NULL || !g_hostname_is_ip_address (conn->address))
    return NULL;
  return conn->address;
}

static guint
ptime_of (const GstSDPMessage * msg, const GstSDPMedia * media)
{
  const gchar *val = gst_sdp_media_get_attribute_val (media, "ptime");
  guint ptime;

  if (val == NULL)
    val = gst_sdp_message_get_attribute_val (msg, "ptime");
  return gw_sip_sdp_parse_number (val, 10, 120, &ptime) ? ptime : DEFAULT_PTIME;
}

/* What was chosen in one m-line. */
typedef struct
{
  GwSipSdpFormat codec;
  GwSipSdpFormat dtmf;
  GwSipSdpCrypto crypto;
} Choice;

static void
choice_clear (Choice * c)
{
  gw_sip_sdp_crypto_clear (&c->crypto);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Choice, choice_clear);

/* The crypto of @media, or whether a disabled stream may keep the current
 * keys without it; NULL when it can be taken, else why not. */
static gchar *
read_media_crypto (const GstSDPMessage * msg, const GstSDPMedia * media,
    const GwSrtpLocal * local, const GwMediaParams * current,
    gboolean is_offer, GwSipSdpCrypto * crypto)
{
  gchar *why = gw_sip_sdp_read_crypto (msg, media, local, current, is_offer,
      crypto);

  if (why != NULL && is_offer && local->mode != GW_SRTP_NONE
      && gst_sdp_media_get_port (media) == 0) {
    /* Nothing flows on it: nothing to protect. */
    gw_sip_sdp_crypto_clear (crypto);
    crypto->keep = TRUE;
    g_clear_pointer (&why, g_free);
  }
  return why;
}

static void
set_select_error (GError ** error, const gchar * what, guint n_audio,
    guint n_usable, gboolean held, const gchar * refusal)
{
  if (n_audio == 0)
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SDP %s has no audio stream", what);
  else if (n_usable == 0)
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "SDP %s: %s", what,
        refusal);
  else if (held)
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SDP %s rejects the audio stream (port 0)", what);
  else
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SDP %s has no codec in common with opus, G722, PCMU, PCMA", what);
}

/* The index of the audio m-line to use, or -1 with an error that names
 * why none fits.  An active stream (port != 0) is preferred; its
 * protection must be what @local asks (see gw_sip_sdp_read_crypto). */
static gint
select_audio (const GstSDPMessage * msg, const GwSrtpLocal * local,
    const GwMediaParams * current, gboolean is_offer, Choice * choice,
    const gchar * what, GError ** error)
{
  gint held = -1;
  guint n_audio = 0, n_usable = 0;
  g_autofree gchar *refusal = NULL;
  g_auto (Choice) held_choice = { 0, };

  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++) {
    const GstSDPMedia *media = gst_sdp_message_get_media (msg, i);
    g_auto (Choice) c = { 0, };
    gchar *why;

    if (g_strcmp0 (gst_sdp_media_get_media (media), "audio") != 0)
      continue;
    n_audio++;
    why = read_media_crypto (msg, media, local, current, is_offer, &c.crypto);
    if (why != NULL) {
      if (refusal == NULL)
        refusal = why;
      else
        g_free (why);
      continue;
    }
    n_usable++;
    if (!gw_sip_sdp_pick_formats (media, current, &c.codec, &c.dtmf))
      continue;
    if (gst_sdp_media_get_port (media) != 0) {
      *choice = c;
      memset (&c, 0, sizeof (c));
      return i;
    }
    if (held < 0) {
      held = i;
      held_choice = c;
      memset (&c, 0, sizeof (c));
    }
  }
  if (held >= 0 && is_offer) {
    *choice = held_choice;
    memset (&held_choice, 0, sizeof (held_choice));
    return held;
  }
  set_select_error (error, what, n_audio, n_usable, held >= 0, refusal);
  return -1;
}

static gboolean
fill_params (const GstSDPMessage * msg, const GstSDPMedia * media,
    const GwSipSdpFormat * codec, const GwSipSdpFormat * dtmf,
    GwMediaParams * params, const gchar * what, GError ** error)
{
  const gchar *address = address_of (msg, media);
  guint port = gst_sdp_media_get_port (media);
  guint rtcp_port;

  if (address == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SDP %s has no usable connection address (c=IN IP4/IP6)", what);
    return FALSE;
  }
  if (port >= 65535) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SDP %s has a bad audio port %u", what, port);
    return FALSE;
  }
  if (port == 0
      || !gw_sip_sdp_parse_number (gst_sdp_media_get_attribute_val (media,
              "rtcp"), 1, 65535, &rtcp_port))
    rtcp_port = port ? port + 1 : 0;

  params->remote_address = g_strdup (address);
  params->remote_rtp_port = port;
  params->remote_rtcp_port = rtcp_port;
  params->rtcp_mux = media_has_attribute (media, "rtcp-mux");
  params->codec = codec->codec;
  params->payload_type = codec->pt;
  params->clock_rate = codec->clock_rate;
  params->channels = codec->channels;
  params->ptime = ptime_of (msg, media);
  params->dtmf_payload_type = dtmf->clock_rate ? dtmf->pt : 0;
  params->dtmf_clock_rate = dtmf->clock_rate;
  params->remote_direction = direction_of (msg, media);
  return TRUE;
}

/* Our DTLS role is the one the answer leaves us. */
static GwDtlsSetup
setup_after_answer (const GwSipSdpCrypto * crypto)
{
  if (crypto->mode != GW_SRTP_DTLS)
    return GW_DTLS_SETUP_NONE;
  return crypto->setup == GW_DTLS_SETUP_ACTIVE ? GW_DTLS_SETUP_PASSIVE :
      GW_DTLS_SETUP_ACTIVE;
}

gboolean
gw_sip_sdp_parse_answer (const gchar * answer, GwMediaParams * params,
    GError ** error)
{
  g_autoptr (GstSDPMessage) msg = NULL;
  GwSrtpLocal local = params->local_srtp;
  g_auto (Choice) choice = { 0, };
  gint idx;

  ensure_debug_category ();
  gw_media_params_clear (params);
  params->local_srtp = local;
  if (!(msg = parse_sdp (answer, "answer", error)))
    return FALSE;
  idx = select_audio (msg, &local, NULL, FALSE, &choice, "answer", error);
  if (idx < 0)
    return FALSE;
  if (!fill_params (msg, gst_sdp_message_get_media (msg, idx), &choice.codec,
          &choice.dtmf, params, "answer", error)) {
    gw_media_params_clear (params);
    params->local_srtp = local;
    return FALSE;
  }
  gw_sip_sdp_apply_crypto (params, &choice.crypto, &local,
      setup_after_answer (&choice.crypto), NULL);
  GST_DEBUG ("answer: %s/%u pt %u dtmf %u at %s:%u, %s %s",
      gw_audio_codec_to_string (params->codec), params->clock_rate,
      params->payload_type, params->dtmf_payload_type,
      params->remote_address, params->remote_rtp_port,
      gw_srtp_mode_to_string (params->srtp),
      params->srtp == GW_SRTP_SDES ?
      gw_srtp_suite_to_string (params->srtp_suite) : "");
  return TRUE;
}

/* v=, o=, s=, c=, t= of every SDP we write. */
static GstSDPMessage *
new_local_message (const GwSipSdpLocal * local, GError ** error)
{
  g_autofree gchar *id = NULL, *version = NULL;
  const gchar *addrtype;
  GstSDPMessage *msg = NULL;

  if (local->address == NULL || !g_hostname_is_ip_address (local->address)) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SDP: local address '%s' is not an IP address",
        local->address ? local->address : "(null)");
    return NULL;
  }
  if (local->rtp_port == 0 || local->rtp_port >= 65535) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SDP: bad local RTP port %u", local->rtp_port);
    return NULL;
  }
  addrtype = addrtype_of (local->address);
  id = g_strdup_printf ("%" G_GUINT64_FORMAT, local->session_id);
  version = g_strdup_printf ("%" G_GUINT64_FORMAT, local->session_version);

  gst_sdp_message_new (&msg);
  gst_sdp_message_set_version (msg, "0");
  gst_sdp_message_set_origin (msg, "-", id, version, "IN", addrtype,
      local->address);
  gst_sdp_message_set_session_name (msg, "ot-sip-gateway");
  gst_sdp_message_set_connection (msg, "IN", addrtype, local->address, 0, 0);
  gst_sdp_message_add_time (msg, "0", "0", NULL);
  return msg;
}

static void
add_rtcp_and_direction (GstSDPMedia * media, guint rtp_port,
    const gchar * direction)
{
  g_autofree gchar *rtcp = g_strdup_printf ("%u", rtp_port + 1);
  g_autofree gchar *ptime = g_strdup_printf ("%u", DEFAULT_PTIME);

  gst_sdp_media_add_attribute (media, "ptime", ptime);
  if (rtp_port != 0)
    gst_sdp_media_add_attribute (media, "rtcp", rtcp);
  gst_sdp_media_add_attribute (media, direction, NULL);
}

gchar *
gw_sip_sdp_build_offer (const GwSipSdpLocal * local, GError ** error)
{
  g_autoptr (GstSDPMessage) msg = NULL;
  GstSDPMedia media = { 0, };

  ensure_debug_category ();
  if (!(msg = new_local_message (local, error)))
    return NULL;

  gst_sdp_media_init (&media);
  gst_sdp_media_set_media (&media, "audio");
  gst_sdp_media_set_port_info (&media, local->rtp_port, 1);
  gw_sip_sdp_add_offer_crypto (&media, &local->srtp);
  gw_sip_sdp_add_offer_formats (&media);
  add_rtcp_and_direction (&media, local->rtp_port, "sendrecv");
  /* Takes over the contents of media. */
  gst_sdp_message_add_media (msg, &media);
  return gst_sdp_message_as_text (msg);
}

static const gchar *
answer_direction (GwMediaDirection offered, gboolean null_address)
{
  switch (offered) {
    case GW_MEDIA_SENDONLY:
      return "recvonly";
    case GW_MEDIA_RECVONLY:
      return "sendonly";
    case GW_MEDIA_INACTIVE:
      return "inactive";
    default:
      /* RFC 2543 hold (c=0.0.0.0): we cannot send, they may. */
      return null_address ? "recvonly" : "sendrecv";
  }
}

static void
add_answer_media (GstSDPMessage * answer, const GstSDPMedia * offered,
    const GwSipSdpLocal * local, const Choice * choice,
    const GwMediaParams * params)
{
  const GwSipSdpFormat *codec = &choice->codec, *dtmf = &choice->dtmf;
  GstSDPMedia media = { 0, };
  guint port = gst_sdp_media_get_port (offered) != 0 ? local->rtp_port : 0;
  gboolean null_address = g_strcmp0 (params->remote_address, "0.0.0.0") == 0
      || g_strcmp0 (params->remote_address, "::") == 0;

  gst_sdp_media_init (&media);
  gst_sdp_media_set_media (&media, "audio");
  gst_sdp_media_set_port_info (&media, port, 1);
  gw_sip_sdp_add_answer_crypto (&media, gst_sdp_media_get_proto (offered),
      &local->srtp, &choice->crypto, params->dtls_setup);
  gw_sip_sdp_add_format (&media, codec->pt,
      gw_audio_codec_to_string (codec->codec), codec->clock_rate,
      codec->channels,
      codec->codec == GW_AUDIO_CODEC_OPUS ? "useinbandfec=1" : NULL);
  if (dtmf->clock_rate != 0)
    gw_sip_sdp_add_format (&media, dtmf->pt, "telephone-event",
        dtmf->clock_rate, 1, "0-16");
  add_rtcp_and_direction (&media, port,
      port == 0 ? "inactive" : answer_direction (params->remote_direction,
          null_address));
  gst_sdp_message_add_media (answer, &media);
}

/* RFC 3264 6: a stream we do not take is answered with port 0 and one of
 * its formats. */
static void
add_rejected_media (GstSDPMessage * answer, const GstSDPMedia * offered)
{
  GstSDPMedia media = { 0, };
  const gchar *fmt = gst_sdp_media_get_format (offered, 0);

  gst_sdp_media_init (&media);
  gst_sdp_media_set_media (&media, gst_sdp_media_get_media (offered));
  gst_sdp_media_set_port_info (&media, 0, 1);
  gst_sdp_media_set_proto (&media, gst_sdp_media_get_proto (offered));
  gst_sdp_media_add_format (&media, fmt ? fmt : "0");
  gst_sdp_message_add_media (answer, &media);
}

gchar *
gw_sip_sdp_answer_offer (const gchar * offer, const GwSipSdpLocal * local,
    const GwMediaParams * current, GwMediaParams * params, GError ** error)
{
  g_autoptr (GstSDPMessage) msg = NULL, answer = NULL;
  g_auto (GwMediaParams) prev = { 0, };
  g_auto (Choice) choice = { 0, };
  GwDtlsSetup our_setup;
  gint idx;

  ensure_debug_category ();
  /* @current may be @params itself. */
  if (current != NULL)
    gw_media_params_copy (&prev, current);
  gw_media_params_clear (params);
  if (!(msg = parse_sdp (offer, "offer", error)))
    return NULL;
  idx = select_audio (msg, &local->srtp, current ? &prev : NULL, TRUE,
      &choice, "offer", error);
  if (idx < 0)
    return NULL;
  if (!fill_params (msg, gst_sdp_message_get_media (msg, idx), &choice.codec,
          &choice.dtmf, params, "offer", error))
    return NULL;
  /* We do not multiplex RTCP (not offered by us, not answered here). */
  params->rtcp_mux = FALSE;
  our_setup = choice.crypto.mode == GW_SRTP_DTLS ?
      gw_sip_sdp_answer_setup (choice.crypto.setup, current ? &prev : NULL) :
      GW_DTLS_SETUP_NONE;
  gw_sip_sdp_apply_crypto (params, &choice.crypto, &local->srtp, our_setup,
      current ? &prev : NULL);
  if (!(answer = new_local_message (local, error))) {
    gw_media_params_clear (params);
    return NULL;
  }

  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++) {
    const GstSDPMedia *offered = gst_sdp_message_get_media (msg, i);

    if ((gint) i == idx)
      add_answer_media (answer, offered, local, &choice, params);
    else
      add_rejected_media (answer, offered);
  }
  GST_DEBUG ("re-offer: %s pt %u at %s:%u direction %d, %s%s",
      gw_audio_codec_to_string (params->codec), params->payload_type,
      params->remote_address, params->remote_rtp_port,
      params->remote_direction, gw_srtp_mode_to_string (params->srtp),
      choice.crypto.keep ? " (kept)" : "");
  return gst_sdp_message_as_text (answer);
}
