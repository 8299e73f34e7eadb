/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DTMF sender: a queue of characters played by a pad probe on the
 * call's outgoing path.  The probe is the clock: each RTP packet (RFC 4733)
 * or mixer buffer (in-band) advances the current digit by the media time it
 * carries, so the timing is exact, needs no thread or timer of its own, and
 * costs a lock per packet while the queue is empty.
 *
 * RFC 4733 events replace audio packets one for one rather than being muxed
 * in beside them: the sequence numbers and SSRC stay the payloader's, with
 * no renumbering of the audio that follows (rtpmux's job otherwise), and an
 * update goes out at the packet interval, as RFC 4733 2.5.1.2 suggests.
 * They replace them as they leave rtpbin's RTP session, before any SRTP
 * encoder: the session's sender reports keep the audio's timeline (the
 * events' timestamps stand still, and may tick at another rate). */
#include <string.h>
#include <gst/rtp/gstrtpbuffer.h>

#include "gw-error.h"
#include "media-dtmf-private.h"

GST_DEBUG_CATEGORY_STATIC (gw_media_dtmf_debug);
#define GST_CAT_DEFAULT gw_media_dtmf_debug

/* The volume field of our events: -10 dBm0. */
#define EVENT_VOLUME 10

static const gchar event_chars[] = "0123456789*#ABCD";

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gw_media_dtmf_debug, "gwmediadtmf", 0,
        "DTMF sent to the far end");
    g_once_init_leave (&done, 1);
  }
}

gint
gw_media_dtmf_event_from_char (gchar c)
{
  const gchar *found = c ? strchr (event_chars, c) : NULL;

  return found ? (gint) (found - event_chars) : -1;
}

gchar
gw_media_dtmf_event_to_char (guint event)
{
  return event < 16 ? event_chars[event] : 0;
}

gboolean
gw_media_dtmf_check_params (const GwMediaParams * params, GError ** error)
{
  guint pt = params->dtmf_payload_type;

  if (pt == 0)
    return TRUE;
  if (pt > 127 || pt == params->payload_type)
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "bad telephone-event payload type %u", pt);
  else if (params->dtmf_clock_rate < 8000 || params->dtmf_clock_rate > 96000)
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "unsupported telephone-event clock rate %u", params->dtmf_clock_rate);
  else
    return TRUE;
  return FALSE;
}

/* ---- the queue (lock held) ---- */

gboolean
gw_media_dtmf_sender_next (GwMediaDtmfSender * self)
{
  if (self->queue->len == 0)
    return FALSE;
  self->current = self->queue->str[0];
  g_string_erase (self->queue, 0, 1);
  self->elapsed = self->silent = 0;
  self->n_end = 0;
  if (self->current == 'p') {
    self->phase = PHASE_PAUSE;
  } else {
    self->phase = PHASE_TONE;
    self->event = gw_media_dtmf_event_from_char (self->current);
  }
  GST_INFO ("call %s: playing '%c' (%s)", self->name, self->current,
      self->rfc4733 ? "RFC 4733" : "in-band");
  return TRUE;
}

static void
finish_step (GwMediaDtmfSender * self)
{
  self->phase = PHASE_IDLE;
  self->current = 0;
}

void
gw_media_dtmf_sender_add_silence (GwMediaDtmfSender * self, guint64 ticks)
{
  guint ms = self->phase == PHASE_PAUSE ? GW_MEDIA_DTMF_PAUSE_MS :
      GW_MEDIA_DTMF_GAP_MS;

  self->silent += ticks;
  if (self->silent >= gw_media_dtmf_ms_to_ticks (self, ms))
    finish_step (self);
}

/* ---- RFC 4733 (the sending thread, lock held) ---- */

/* The RTP clock rate in the pad's caps, 0 when unknown. */
static guint
caps_clock_rate (GstPad * pad)
{
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  gint rate = 0;

  if (caps == NULL || gst_caps_is_empty (caps)
      || !gst_structure_get_int (gst_caps_get_structure (caps, 0),
          "clock-rate", &rate))
    return 0;
  return MAX (rate, 0);
}

/* Moves the telephone-event clock to the audio packet at ts, scaled when
 * the rates differ, jumps included (the payloader's first packets may
 * jump); returns the packet's duration in telephone-event ticks: the last
 * step between packets that was not a jump. */
static guint
follow_clock (GwMediaDtmfSender * self, guint32 ts)
{
  gint32 delta = (gint32) (ts - self->last_audio_ts);
  gint64 scaled;

  if (!self->clock_started) {
    self->clock = ts;
    self->clock_started = TRUE;
  } else if (delta > 0 && (guint) delta <= self->codec_rate) {
    scaled = (gint64) self->rate * delta + self->remainder;
    self->remainder = scaled % self->codec_rate;
    self->packet_ticks = scaled / self->codec_rate;
    self->clock += self->packet_ticks;
  } else {
    self->clock += (gint64) self->rate * delta / self->codec_rate;
  }
  self->last_audio_ts = ts;
  return self->packet_ticks;
}

/* An event packet in place of `audio` (whose seqnum, SSRC and times it
 * takes). */
static GstBuffer *
event_packet (GwMediaDtmfSender * self, GstBuffer * audio, guint16 seq,
    guint32 ssrc, gboolean marker, gboolean end)
{
  GstBuffer *packet = gst_rtp_buffer_new_allocate (4, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  guint8 *payload;

  gst_rtp_buffer_map (packet, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_payload_type (&rtp, self->pt);
  gst_rtp_buffer_set_seq (&rtp, seq);
  gst_rtp_buffer_set_timestamp (&rtp, self->event_ts);
  gst_rtp_buffer_set_ssrc (&rtp, ssrc);
  gst_rtp_buffer_set_marker (&rtp, marker);
  payload = gst_rtp_buffer_get_payload (&rtp);
  payload[0] = self->event;
  payload[1] = (end ? 0x80 : 0) | EVENT_VOLUME;
  GST_WRITE_UINT16_BE (payload + 2, MIN (self->elapsed, G_MAXUINT16));
  gst_rtp_buffer_unmap (&rtp);
  gst_buffer_copy_into (packet, audio, GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
  GST_LOG ("call %s: event %u seq %u ts %u duration %" G_GUINT64_FORMAT
      "%s%s", self->name, self->event, seq, self->event_ts, self->elapsed,
      marker ? " marker" : "", end ? " end" : "");
  return packet;
}

/* What goes out instead of the audio packet: itself, or an event packet
 * (then audio is unreffed). */
static GstBuffer *
process_packet (GwMediaDtmfSender * self, GstPad * pad, GstBuffer * audio)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  GstBuffer *packet = NULL;
  guint32 ts, ssrc;
  guint16 seq;
  guint ticks;

  if (self->codec_rate == 0 && (self->codec_rate = caps_clock_rate (pad)) == 0)
    return audio;
  if (!gst_rtp_buffer_map (audio, GST_MAP_READ, &rtp))
    return audio;
  ts = gst_rtp_buffer_get_timestamp (&rtp);
  seq = gst_rtp_buffer_get_seq (&rtp);
  ssrc = gst_rtp_buffer_get_ssrc (&rtp);
  gst_rtp_buffer_unmap (&rtp);
  ticks = follow_clock (self, ts);

  if (self->phase == PHASE_IDLE && !gw_media_dtmf_sender_next (self))
    return audio;
  switch (self->phase) {
    case PHASE_TONE:{
      gboolean first = self->elapsed == 0;

      if (first)
        self->event_ts = self->clock;
      self->elapsed += ticks;
      packet = event_packet (self, audio, seq, ssrc, first, FALSE);
      if (self->elapsed >= gw_media_dtmf_ms_to_ticks (self,
              GW_MEDIA_DTMF_TONE_MS))
        self->phase = PHASE_END;
      break;
    }
    case PHASE_END:
      packet = event_packet (self, audio, seq, ssrc, FALSE, TRUE);
      self->silent += ticks;
      if (++self->n_end == GW_MEDIA_DTMF_END_PACKETS) {
        self->phase = PHASE_GAP;
        gw_media_dtmf_sender_add_silence (self, 0);
      }
      break;
    case PHASE_GAP:
    case PHASE_PAUSE:
      gw_media_dtmf_sender_add_silence (self, ticks);
      break;
    case PHASE_IDLE:
      break;
  }
  if (packet == NULL)
    return audio;
  gst_buffer_unref (audio);
  return packet;
}

static gboolean
process_list_item (GstBuffer ** buffer, guint idx, gpointer user_data)
{
  gpointer *args = user_data;

  *buffer = process_packet (args[0], args[1], *buffer);
  return TRUE;
}

static GstPadProbeReturn
on_rtp_packet (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GwMediaDtmfSender *self = user_data;

  g_mutex_lock (&self->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    info->data = process_packet (self, pad, GST_PAD_PROBE_INFO_BUFFER (info));
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
    gpointer args[] = { self, pad };

    list = gst_buffer_list_make_writable (list);
    gst_buffer_list_foreach (list, process_list_item, args);
    info->data = list;
  }
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_OK;
}

/* ---- API ---- */

GwMediaDtmfSender *
gw_media_dtmf_sender_new (const gchar * name)
{
  GwMediaDtmfSender *self = g_new0 (GwMediaDtmfSender, 1);

  init_debug ();
  self->name = g_strdup (name);
  self->queue = g_string_new (NULL);
  g_mutex_init (&self->lock);
  return self;
}

void
gw_media_dtmf_sender_free (GwMediaDtmfSender * self)
{
  if (self == NULL)
    return;
  gw_media_dtmf_sender_detach (self);
  g_string_free (self->queue, TRUE);
  g_mutex_clear (&self->lock);
  g_free (self->name);
  g_free (self);
}

gboolean
gw_media_dtmf_sender_queue (GwMediaDtmfSender * self, const gchar * digits,
    GError ** error)
{
  gsize n = digits ? strlen (digits) : 0;
  gboolean ok;

  for (gsize i = 0; i < n; i++) {
    if (digits[i] != 'p' && gw_media_dtmf_event_from_char (digits[i]) < 0) {
      g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "'%c' is not a DTMF "
          "digit (0-9, *, #, A-D) nor p (a pause)", digits[i]);
      return FALSE;
    }
  }
  if (n == 0) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "no DTMF digits");
    return FALSE;
  }
  g_mutex_lock (&self->lock);
  ok = self->queue->len + n <= GW_MEDIA_DTMF_MAX_QUEUED;
  if (ok)
    g_string_append (self->queue, digits);
  g_mutex_unlock (&self->lock);
  if (!ok) {
    g_set_error (error, GW_ERROR, GW_ERROR_UNAVAILABLE, "call %s has too "
        "many DTMF digits waiting (at most %u)", self->name,
        GW_MEDIA_DTMF_MAX_QUEUED);
    return FALSE;
  }
  GST_INFO ("call %s: queued \"%s\"", self->name, digits);
  return TRUE;
}

guint
gw_media_dtmf_sender_get_pending (GwMediaDtmfSender * self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->queue->len + (self->current ? 1 : 0);
  g_mutex_unlock (&self->lock);
  return n;
}

/* A new pipeline: a new timeline.  A tone cut short plays again, as an
 * event of its own; one whose end packets went out (the far end has the
 * digit) does not, and neither does its gap. */
static void
reset (GwMediaDtmfSender * self, const GwMediaParams * params)
{
  if (self->phase == PHASE_TONE || self->phase == PHASE_PAUSE)
    g_string_prepend_c (self->queue, self->current);
  finish_step (self);
  self->rfc4733 = params->dtmf_payload_type != 0;
  self->pt = params->dtmf_payload_type;
  self->rate = self->rfc4733 ? params->dtmf_clock_rate : 0;
  self->unusable = FALSE;
  self->codec_rate = 0;
  self->clock_started = FALSE;
  self->remainder = 0;
  self->packet_ticks = self->rate / 50;
}

GstPad *
gw_media_dtmf_get_session_pad (GstElement * pipeline, const gchar * name,
    GError ** error)
{
  g_autoptr (GstElement) rtpbin = gst_bin_get_by_name (GST_BIN (pipeline),
      "rtpbin");
  g_autoptr (GstElement) session = NULL;
  GstPad *pad = NULL;

  if (rtpbin != NULL)
    g_signal_emit_by_name (rtpbin, "get-session", 0, &session);
  if (session != NULL)
    pad = gst_element_get_static_pad (session, name);
  if (pad == NULL)
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "the media pipeline has no RTP session pad %s for DTMF", name);
  return pad;
}

static GstPad *
get_mixer_pad (GstElement * pipeline, GError ** error)
{
  g_autoptr (GstElement) mixer = gst_bin_get_by_name (GST_BIN (pipeline),
      "mixer");
  GstPad *pad = mixer ? gst_element_get_static_pad (mixer, "src") : NULL;

  if (pad == NULL)
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "the media pipeline has no mixer for DTMF tones");
  return pad;
}

gboolean
gw_media_dtmf_sender_attach (GwMediaDtmfSender * self, GstElement * pipeline,
    const GwMediaParams * params, GError ** error)
{
  gboolean rfc4733 = params->dtmf_payload_type != 0;

  gw_media_dtmf_sender_detach (self);
  if (!gw_media_dtmf_check_params (params, error))
    return FALSE;
  self->pad = rfc4733 ?
      gw_media_dtmf_get_session_pad (pipeline, "send_rtp_src", error) :
      get_mixer_pad (pipeline, error);
  if (self->pad == NULL)
    return FALSE;
  g_mutex_lock (&self->lock);
  reset (self, params);
  g_mutex_unlock (&self->lock);
  self->probe_id = rfc4733 ?
      gst_pad_add_probe (self->pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, on_rtp_packet, self, NULL) :
      gst_pad_add_probe (self->pad, GST_PAD_PROBE_TYPE_BUFFER,
      gw_media_dtmf_tones_probe, self, NULL);
  GST_DEBUG ("call %s: DTMF %s", self->name, rfc4733 ?
      "as RFC 4733 events" : "as in-band tones");
  return TRUE;
}

void
gw_media_dtmf_sender_detach (GwMediaDtmfSender * self)
{
  if (self->pad == NULL)
    return;
  gst_pad_remove_probe (self->pad, self->probe_id);
  self->probe_id = 0;
  gst_clear_object (&self->pad);
}
