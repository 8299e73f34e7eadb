/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DTMF receiver.  Telephone-event packets are picked out where they
 * enter rtpbin's RTP session: after SRTP decryption (rtpbin's decoder sits
 * before the session) and before the jitter buffer, which would otherwise
 * have to reconcile two clock rates and repeated timestamps in one SSRC, and
 * before the payload type demuxer, which knows no caps for them.  They are
 * parsed in place by a pad probe in the receiving thread: no element, no
 * thread, no copy.  Before the session, not after it: the session would
 * drop the packets of senders that replay a recording with its old sequence
 * numbers (SIPp); the price is that the session's receiver reports count
 * the events' packets as lost.
 *
 * An event is known by its SSRC and timestamp (RFC 4733 2.5.2.1): the
 * first packet seen of a new one reports the digit, whether or not it has
 * the marker bit (the first packet may be lost, some senders never set it);
 * updates, duplicates and the repeated end packets of an event, late ones
 * included, report nothing. */
#include <string.h>
#include <gst/rtp/gstrtpbuffer.h>

#include "gw-error.h"
#include "media-dtmf.h"

GST_DEBUG_CATEGORY_STATIC (gw_media_dtmf_rx_debug);
#define GST_CAT_DEFAULT gw_media_dtmf_rx_debug

/* Recent events remembered, and how long after its last packet an event
 * is over: RFC 4733 senders send an update or a repeated end packet at
 * least every 50-100 ms, so a packet with a known timestamp after this long
 * is a new key press from a sender that replays its timeline (SIPp's
 * play_pcap_audio does), not a straggler. */
#define N_RECENT 4
#define EVENT_OVER_US (250 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  gboolean used;
  guint32 ssrc;
  guint32 ts;
  guint event;
  guint duration;               /* the longest seen */
  gboolean ended;
  gint64 last_us;               /* monotonic time of its last packet */
} Event;

/* Touched by the session's receiving thread only. */
typedef struct
{
  guint pt;
  guint rate;
  Event recent[N_RECENT];       /* [0] the newest */
} Receiver;

static void
report (GstPad * pad, guint event)
{
  GstElement *session = GST_ELEMENT (GST_PAD_PARENT (pad));

  gst_element_post_message (session,
      gst_message_new_application (GST_OBJECT (session),
          gst_structure_new (GW_MEDIA_DTMF_RECEIVED, "event", G_TYPE_UINT,
              event, NULL)));
}

/* A packet of an event seen recently (an update, a duplicate, a repeated
 * end packet, or one that arrives late): TRUE, and the event is updated. */
static gboolean
update_known (Receiver * self, guint32 ssrc, guint32 ts, gboolean end,
    guint duration, gint64 now)
{
  for (guint i = 0; i < N_RECENT; i++) {
    Event *e = &self->recent[i];

    if (!e->used || e->ssrc != ssrc || e->ts != ts
        || now - e->last_us > EVENT_OVER_US)
      continue;
    e->ended |= end;
    e->duration = MAX (e->duration, duration);
    e->last_us = now;
    return TRUE;
  }
  return FALSE;
}

/* A key held long enough to overflow the 16-bit duration goes on in a new
 * segment with a new timestamp where the last one ended (RFC 4733 2.5.1.3):
 * the same key press.  Slack for the updates lost before it. */
static gboolean
update_continued (Receiver * self, guint32 ssrc, guint32 ts, guint event,
    gboolean end, guint duration, gint64 now)
{
  Event *e = &self->recent[0];
  gint32 age = (gint32) (ts - e->ts);

  if (!e->used || e->ssrc != ssrc || e->event != event || e->ended
      || now - e->last_us > EVENT_OVER_US || age <= 0
      || (guint) age > e->duration + self->rate / 5)
    return FALSE;
  e->ts = ts;
  e->duration = duration;
  e->ended = end;
  e->last_us = now;
  return TRUE;
}

static void
track_event (Receiver * self, GstPad * pad, guint32 ssrc, guint32 ts,
    const guint8 * payload)
{
  Event e = {
    .used = TRUE,.ssrc = ssrc,.ts = ts,.event = payload[0],
    .ended = (payload[1] & 0x80) != 0,
    .duration = payload[2] << 8 | payload[3],
    .last_us = g_get_monotonic_time (),
  };

  if (update_known (self, ssrc, ts, e.ended, e.duration, e.last_us)
      || update_continued (self, ssrc, ts, e.event, e.ended, e.duration,
          e.last_us))
    return;
  memmove (&self->recent[1], &self->recent[0], (N_RECENT - 1) * sizeof (Event));
  self->recent[0] = e;
  if (gw_media_dtmf_event_to_char (e.event) == 0) {
    GST_DEBUG_OBJECT (pad, "ignoring telephone-event %u", e.event);
    return;
  }
  GST_INFO_OBJECT (pad, "received '%c' (ts %u)",
      gw_media_dtmf_event_to_char (e.event), ts);
  report (pad, e.event);
}

/* TRUE when buffer is telephone-event: consumed here. */
static gboolean
receive_packet (Receiver * self, GstPad * pad, GstBuffer * buffer)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;

  if (!gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return FALSE;
  if (gst_rtp_buffer_get_payload_type (&rtp) != self->pt) {
    gst_rtp_buffer_unmap (&rtp);
    return FALSE;
  }
  /* Only the first event of a packet: several in one packet (RFC 4733
   * 2.5.1.5) are a rarity no common sender uses. */
  if (gst_rtp_buffer_get_payload_len (&rtp) >= 4)
    track_event (self, pad, gst_rtp_buffer_get_ssrc (&rtp),
        gst_rtp_buffer_get_timestamp (&rtp), gst_rtp_buffer_get_payload (&rtp));
  gst_rtp_buffer_unmap (&rtp);
  return TRUE;
}

static gboolean
receive_list_item (GstBuffer ** buffer, guint idx, gpointer user_data)
{
  gpointer *args = user_data;

  if (receive_packet (args[0], args[1], *buffer))
    gst_clear_buffer (buffer);
  return TRUE;
}

static GstPadProbeReturn
on_packet (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Receiver *self = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    if (receive_packet (self, pad, GST_PAD_PROBE_INFO_BUFFER (info)))
      return GST_PAD_PROBE_DROP;
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
    gpointer args[] = { self, pad };

    list = gst_buffer_list_make_writable (list);
    gst_buffer_list_foreach (list, receive_list_item, args);
    info->data = list;
    if (gst_buffer_list_length (list) == 0)
      return GST_PAD_PROBE_DROP;
  }
  return GST_PAD_PROBE_OK;
}

gboolean
gw_media_dtmf_receiver_attach (GstElement * pipeline,
    const GwMediaParams * params, GError ** error)
{
  static gsize debug_done = 0;
  g_autoptr (GstPad) pad = NULL;
  Receiver *self;

  if (g_once_init_enter (&debug_done)) {
    GST_DEBUG_CATEGORY_INIT (gw_media_dtmf_rx_debug, "gwmediadtmfrx", 0,
        "DTMF received from the far end");
    g_once_init_leave (&debug_done, 1);
  }
  if (!gw_media_dtmf_check_params (params, error))
    return FALSE;
  if (params->dtmf_payload_type == 0)
    return TRUE;
  pad = gw_media_dtmf_get_session_pad (pipeline, "recv_rtp_sink", error);
  if (pad == NULL)
    return FALSE;
  self = g_new0 (Receiver, 1);
  self->pt = params->dtmf_payload_type;
  self->rate = params->dtmf_clock_rate;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, on_packet, self, g_free);
  GST_DEBUG_OBJECT (pad, "receiving telephone-event on payload type %u",
      self->pt);
  return TRUE;
}
