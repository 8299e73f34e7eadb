/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The codecs of the SIP legs as SDP says them: the formats we offer, and
 * reading an m-line's formats (rtpmap, static payload types) to pick the
 * codec and the telephone-event that go with it. */
#include <string.h>

#include "sip-sdp-private.h"

/* The payload types we offer: the static ones, and for the dynamic ones
 * the numbers most phones use for the same formats. */
enum
{
  PT_PCMU = 0,
  PT_PCMA = 8,
  PT_G722 = 9,
  PT_DTMF_8000 = 101,
  PT_DTMF_48000 = 110,
  PT_OPUS = 111,
};

/* A number in [min, max] at the start of @text (a=ptime:20,
 * a=rtcp:5001 IN IP4 ..., "101 telephone-event/8000"). */
gboolean
gw_sip_sdp_parse_number (const gchar * text, guint min, guint max,
    guint * value)
{
  gchar *end = NULL;
  guint64 v;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  v = g_ascii_strtoull (text, &end, 10);
  if (*end != '\0' && *end != ' ' && *end != '/')
    return FALSE;
  if (v < min || v > max)
    return FALSE;
  *value = v;
  return TRUE;
}

/* The rtpmap of @pt ("opus/48000/2"), else NULL. */
static const gchar *
rtpmap_of (const GstSDPMedia * media, guint pt)
{
  const gchar *val;
  guint n;

  for (guint i = 0; (val = gst_sdp_media_get_attribute_val_n (media,
              "rtpmap", i)) != NULL; i++) {
    if (gw_sip_sdp_parse_number (val, 0, 127, &n) && n == pt
        && strchr (val, ' '))
      return strchr (val, ' ') + 1;
  }
  return NULL;
}

static gboolean
format_from_rtpmap (const gchar * rtpmap, GwSipSdpFormat * f)
{
  g_auto (GStrv) parts = g_strsplit (rtpmap, "/", 3);
  const gchar *name = parts[0];

  f->channels = 1;
  if (parts[1] == NULL
      || !gw_sip_sdp_parse_number (parts[1], 1, 192000, &f->clock_rate))
    return FALSE;
  if (parts[2] != NULL
      && !gw_sip_sdp_parse_number (parts[2], 1, 8, &f->channels))
    return FALSE;

  if (g_ascii_strcasecmp (name, "telephone-event") == 0)
    f->codec = GW_AUDIO_CODEC_NONE;
  else if (g_ascii_strcasecmp (name, "opus") == 0 && f->clock_rate == 48000)
    f->codec = GW_AUDIO_CODEC_OPUS, f->channels = 2;    /* RFC 7587: always /2 */
  else if (g_ascii_strcasecmp (name, "G722") == 0 && f->clock_rate == 8000)
    f->codec = GW_AUDIO_CODEC_G722;
  else if (g_ascii_strcasecmp (name, "PCMU") == 0 && f->clock_rate == 8000)
    f->codec = GW_AUDIO_CODEC_PCMU;
  else if (g_ascii_strcasecmp (name, "PCMA") == 0 && f->clock_rate == 8000)
    f->codec = GW_AUDIO_CODEC_PCMA;
  else
    return FALSE;
  return TRUE;
}

/* @fmt is one format of an m-line: TRUE when it is one we know. */
static gboolean
lookup_format (const GstSDPMedia * media, const gchar * fmt, GwSipSdpFormat * f)
{
  const gchar *rtpmap;
  guint pt;

  if (!gw_sip_sdp_parse_number (fmt, 0, 127, &pt))
    return FALSE;
  f->pt = pt;

  rtpmap = rtpmap_of (media, pt);
  if (rtpmap != NULL)
    return format_from_rtpmap (rtpmap, f);
  /* Static payload types may come without rtpmap (RFC 3551). */
  f->clock_rate = 8000;
  f->channels = 1;
  f->codec = pt == PT_PCMU ? GW_AUDIO_CODEC_PCMU : pt == PT_PCMA ?
      GW_AUDIO_CODEC_PCMA : pt == PT_G722 ? GW_AUDIO_CODEC_G722 :
      GW_AUDIO_CODEC_NONE;
  return f->codec != GW_AUDIO_CODEC_NONE;
}

gboolean
gw_sip_sdp_pick_formats (const GstSDPMedia * media,
    const GwMediaParams * current, GwSipSdpFormat * codec,
    GwSipSdpFormat * dtmf)
{
  GwAudioCodec keep = current ? current->codec : GW_AUDIO_CODEC_NONE;
  GwSipSdpFormat first = { 0, }, kept = { 0, }, te_first = { 0, };
  GwSipSdpFormat te[2] = { {0,}, {0,} };        /* 8000, 48000 */
  GwSipSdpFormat f;

  for (guint i = 0; i < gst_sdp_media_formats_len (media); i++) {
    if (!lookup_format (media, gst_sdp_media_get_format (media, i), &f))
      continue;
    if (f.codec == GW_AUDIO_CODEC_NONE) {
      if (te_first.clock_rate == 0)
        te_first = f;
      if (f.clock_rate == 8000 && te[0].clock_rate == 0)
        te[0] = f;
      else if (f.clock_rate == 48000 && te[1].clock_rate == 0)
        te[1] = f;
    } else if (first.codec == GW_AUDIO_CODEC_NONE) {
      first = f;
    }
    if (keep != GW_AUDIO_CODEC_NONE && f.codec == keep
        && (kept.codec == GW_AUDIO_CODEC_NONE || f.pt == current->payload_type))
      kept = f;
  }
  if (first.codec == GW_AUDIO_CODEC_NONE)
    return FALSE;
  *codec = kept.codec != GW_AUDIO_CODEC_NONE ? kept : first;
  if (codec->clock_rate == 8000 && te[0].clock_rate != 0)
    *dtmf = te[0];
  else if (codec->clock_rate == 48000 && te[1].clock_rate != 0)
    *dtmf = te[1];
  else
    *dtmf = te_first;
  return TRUE;
}

void
gw_sip_sdp_add_format (GstSDPMedia * media, guint pt, const gchar * name,
    guint rate, guint channels, const gchar * fmtp)
{
  g_autofree gchar *fmt = g_strdup_printf ("%u", pt);
  g_autofree gchar *rtpmap = channels > 1 ?
      g_strdup_printf ("%u %s/%u/%u", pt, name, rate, channels) :
      g_strdup_printf ("%u %s/%u", pt, name, rate);

  gst_sdp_media_add_format (media, fmt);
  gst_sdp_media_add_attribute (media, "rtpmap", rtpmap);
  if (fmtp != NULL) {
    g_autofree gchar *val = g_strdup_printf ("%u %s", pt, fmtp);
    gst_sdp_media_add_attribute (media, "fmtp", val);
  }
}

void
gw_sip_sdp_add_offer_formats (GstSDPMedia * media)
{
  gw_sip_sdp_add_format (media, PT_OPUS, "opus", 48000, 2, "useinbandfec=1");
  gw_sip_sdp_add_format (media, PT_G722, "G722", 8000, 1, NULL);
  gw_sip_sdp_add_format (media, PT_PCMU, "PCMU", 8000, 1, NULL);
  gw_sip_sdp_add_format (media, PT_PCMA, "PCMA", 8000, 1, NULL);
  gw_sip_sdp_add_format (media, PT_DTMF_48000, "telephone-event", 48000, 1,
      "0-16");
  gw_sip_sdp_add_format (media, PT_DTMF_8000, "telephone-event", 8000, 1,
      "0-16");
}
