/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DTMF through the media bridge, checked on the wire at a far end made of
 * plain sockets on 127.0.0.1.  Sending: RFC 4733 events (payload type,
 * digits, order, durations, three end packets, marker, one timestamp per
 * event, sequence numbers and SSRC shared with the audio, pauses, queued
 * requests, a rebuild), and in-band tone pairs when telephone-event was not
 * negotiated, decoded and recognised at the far end.  Receiving: hand-made
 * RFC 4733 packets (marker or not, duplicates, lost starts, repeated end
 * packets, reordering, long-press segments) and the ones SIPp replays from
 * its pcaps are reported once per key press. */
#include <string.h>
#include <gst/check/gstcheck.h>

#include "bridge-test-utils.h"
#include "gw-error.h"
#include "leg-test-utils.h"
#include "media-dtmf.h"

#define TIMEOUT_MS 15000
/* Packets per tone and from one digit's start to the next (20 ms ptime). */
#define TONE_PACKETS (GW_MEDIA_DTMF_TONE_MS / 20)
#define DIGIT_PACKETS ((GW_MEDIA_DTMF_TONE_MS + GW_MEDIA_DTMF_GAP_MS) / 20)
#define PAUSE_PACKETS (GW_MEDIA_DTMF_PAUSE_MS / 20)

typedef struct
{
  gchar *session_id;
  OtSession *session;
  GwMediaPorts *ports;
  LtLeg *leg;
  LtPeer *peer;
  GwMediaParams params;
} Fixture;

static Fixture f;

static void
setup (void)
{
  static guint counter;
  g_autoptr (GError) error = NULL;
  guint first_port = bt_find_free_ports (4);

  memset (&f, 0, sizeof (f));
  f.session_id = g_strdup_printf ("dtmf-session-%u-%u", getpid (), ++counter);
  f.session = ot_hub_ensure_session (ot_hub_get_default (), f.session_id);
  f.ports = gw_media_ports_new (first_port, first_port + 3, &error);
  g_assert_no_error (error);
  f.leg = lt_leg_new (f.session, f.ports, "dtmf-call");
  f.peer = lt_peer_new ();
}

static void
teardown (void)
{
  fail_unless_equals_int (f.leg->n_errors, 0);
  lt_leg_free (f.leg);
  fail_unless_equals_int (gw_media_ports_get_n_allocated (f.ports), 0);
  g_clear_object (&f.ports);
  ot_hub_remove_session (ot_hub_get_default (), f.session_id);
  g_clear_object (&f.session);
  lt_peer_free (f.peer);
  gw_media_params_clear (&f.params);
  g_free (f.session_id);
}

static void
start (GwAudioCodec codec, guint pt, guint dtmf_pt, guint dtmf_rate)
{
  lt_peer_params (f.peer, codec, pt, dtmf_pt, dtmf_rate, &f.params);
  lt_leg_start (f.leg, &f.params);
  /* The first packets may be short (encoder and resampler delays). */
  bt_run (300);
  lt_peer_clear (f.peer);
}

static void
send_dtmf (const gchar * digits)
{
  g_autoptr (GError) error = NULL;

  fail_unless (gw_media_bridge_send_dtmf (f.leg->bridge, digits, &error),
      "%s", error ? error->message : "");
}

static gboolean
all_played (gpointer data)
{
  return gw_media_bridge_get_dtmf_pending (f.leg->bridge) == 0;
}

/* Until the queue is empty and the last packets have arrived. */
static void
wait_played (void)
{
  fail_unless (bt_wait (all_played, NULL, TIMEOUT_MS), "%u digits left",
      gw_media_bridge_get_dtmf_pending (f.leg->bridge));
  bt_run (200);
}

static LtPacket *
packet (guint i)
{
  return &g_array_index (f.peer->packets, LtPacket, i);
}

/* ---- RFC 4733 on the wire ---- */

typedef struct
{
  gchar digit;
  guint32 ts;
  guint32 ssrc;
  guint first;                  /* packet indexes */
  guint last;
  guint n_updates;
  guint n_end;
  gint64 arrival_us;
} Event;

/* Checks each packet of payload type dtmf_pt as RFC 4733 wants it and
 * groups them into events: one timestamp per event, its packets in a row,
 * the marker on the first, durations growing (by a packet's worth when
 * step is not 0), then the same duration in the end packets. */
static GArray *
parse_events (guint dtmf_pt, guint step)
{
  GArray *events = g_array_new (FALSE, TRUE, sizeof (Event));
  guint last_duration = 0;

  for (guint i = 0; i < f.peer->packets->len; i++) {
    LtPacket *p = packet (i);
    Event *e = events->len ? &g_array_index (events, Event, events->len - 1)
        : NULL;
    gboolean end;
    guint duration;

    if (p->pt != dtmf_pt)
      continue;
    fail_unless_equals_int (p->payload_len, 4);
    if (e == NULL || e->ts != p->ts || e->ssrc != p->ssrc) {
      for (guint k = 0; k < events->len; k++)
        fail_if (g_array_index (events, Event, k).ts == p->ts
            && g_array_index (events, Event, k).ssrc == p->ssrc,
            "timestamp %u used by two events", p->ts);
      g_array_set_size (events, events->len + 1);
      e = &g_array_index (events, Event, events->len - 1);
      e->digit = gw_media_dtmf_event_to_char (p->payload[0]);
      e->ts = p->ts;
      e->ssrc = p->ssrc;
      e->first = i;
      e->arrival_us = p->arrival_us;
    } else {
      fail_unless_equals_int (i, e->last + 1);
    }
    e->last = i;
    fail_unless (e->digit != 0, "event %u", p->payload[0]);
    fail_unless_equals_int (gw_media_dtmf_event_to_char (p->payload[0]),
        e->digit);
    fail_unless_equals_int (p->marker, i == e->first);
    fail_unless_equals_int (p->payload[1] & 0x7f, 10);  /* R = 0, -10 dBm0 */
    end = (p->payload[1] & 0x80) != 0;
    duration = GST_READ_UINT16_BE (p->payload + 2);
    if (end) {
      e->n_end++;
      fail_unless_equals_int (duration, last_duration);
    } else {
      fail_unless_equals_int (e->n_end, 0);
      fail_unless (e->n_updates == 0 || duration > last_duration);
      e->n_updates++;
    }
    if (step != 0)
      fail_unless_equals_int (duration, e->n_updates * step);
    last_duration = duration;
  }
  return events;
}

static Event *
event (GArray * events, guint i)
{
  return &g_array_index (events, Event, i);
}

/* Every event whole: the tone's updates and three end packets. */
static void
assert_digits (GArray * events, const gchar * digits)
{
  fail_unless_equals_int (events->len, strlen (digits));
  for (guint i = 0; i < events->len; i++) {
    fail_unless_equals_int (event (events, i)->digit, digits[i]);
    fail_unless_equals_int (event (events, i)->n_updates, TONE_PACKETS);
    fail_unless_equals_int (event (events, i)->n_end,
        GW_MEDIA_DTMF_END_PACKETS);
  }
}

/* One stream: one SSRC, sequence numbers without a gap, audio timestamps
 * keeping their slots around the events, event timestamps on the
 * telephone-event clock at the slot of their first packet. */
static void
assert_one_stream (GArray * events, guint pt, guint codec_rate, guint dtmf_rate)
{
  LtPacket *ref = NULL;
  guint audio_step = codec_rate / 50, dtmf_step = dtmf_rate / 50;

  fail_unless (f.peer->packets->len > 0);
  for (guint i = 0; i < f.peer->packets->len; i++) {
    LtPacket *p = packet (i);

    fail_unless_equals_int (p->ssrc, packet (0)->ssrc);
    if (i > 0)
      fail_unless_equals_int ((guint16) (p->seq - packet (i - 1)->seq), 1);
    if (p->pt != pt)
      continue;
    if (ref == NULL)
      ref = p;
    fail_unless_equals_int (p->ts, (guint32) (ref->ts +
            (gint16) (p->seq - ref->seq) * (gint) audio_step));
  }
  fail_unless (ref != NULL, "no audio packet");
  for (guint i = 0; i < events->len; i++) {
    Event *e = event (events, i);
    guint16 slots = packet (e->first)->seq - packet (event (events,
            0)->first)->seq;

    fail_unless_equals_int (e->ts - event (events, 0)->ts, slots * dtmf_step);
    if (codec_rate == dtmf_rate)
      fail_unless_equals_int (e->ts, (guint32) (ref->ts +
              (gint16) (packet (e->first)->seq - ref->seq) *
              (gint) audio_step));
  }
}

static const struct
{
  GwAudioCodec codec;
  guint pt;
  guint dtmf_pt;
  guint dtmf_rate;
} rfc4733_cases[] = {
  {GW_AUDIO_CODEC_PCMU, 0, 101, 8000},
  {GW_AUDIO_CODEC_G722, 9, 101, 8000},
  /* baresip: Opus with telephone-event/8000 only. */
  {GW_AUDIO_CODEC_OPUS, 111, 101, 8000},
  {GW_AUDIO_CODEC_OPUS, 111, 110, 48000},
};

GST_START_TEST (test_send_rfc4733)
{
  GwAudioCodec codec = rfc4733_cases[__i__].codec;
  guint pt = rfc4733_cases[__i__].pt;
  guint dtmf_pt = rfc4733_cases[__i__].dtmf_pt;
  guint dtmf_rate = rfc4733_cases[__i__].dtmf_rate;
  g_autoptr (GArray) events = NULL;

  GST_INFO ("%s/%u, telephone-event %u/%u", gw_audio_codec_to_string (codec),
      pt, dtmf_pt, dtmf_rate);
  start (codec, pt, dtmf_pt, dtmf_rate);
  send_dtmf ("1*#9");
  wait_played ();

  events = parse_events (dtmf_pt, dtmf_rate / 50);
  assert_digits (events, "1*#9");
  assert_one_stream (events, pt, lt_codec_clock_rate (codec), dtmf_rate);
  /* Digit after digit: tone, end packets, gap. */
  for (guint i = 1; i < events->len; i++)
    fail_unless_equals_int (event (events, i)->ts - event (events,
            i - 1)->ts, DIGIT_PACKETS * dtmf_rate / 50);
  /* Audio again afterwards. */
  fail_unless_equals_int (packet (f.peer->packets->len - 1)->pt, pt);
  gw_media_bridge_stop (f.leg->bridge);
}

GST_END_TEST;

static gboolean
has_packet_of (gpointer data)
{
  for (guint i = 0; i < f.peer->packets->len; i++)
    if (packet (i)->pt == GPOINTER_TO_UINT (data))
      return TRUE;
  return FALSE;
}

/* "p" is a pause; a second request waits for the first. */
GST_START_TEST (test_send_pause_and_queue)
{
  g_autoptr (GArray) events = NULL;
  gint64 pause_us;

  start (GW_AUDIO_CODEC_PCMU, 0, 101, 8000);
  send_dtmf ("1p2");
  fail_unless (bt_wait (has_packet_of, GUINT_TO_POINTER (101), TIMEOUT_MS));
  send_dtmf ("3");
  fail_unless (gw_media_bridge_get_dtmf_pending (f.leg->bridge) > 1);
  wait_played ();

  events = parse_events (101, 160);
  assert_digits (events, "123");
  assert_one_stream (events, 0, 8000, 8000);
  fail_unless_equals_int (event (events, 1)->ts - event (events, 0)->ts,
      (DIGIT_PACKETS + PAUSE_PACKETS) * 160);
  fail_unless_equals_int (event (events, 2)->ts - event (events, 1)->ts,
      DIGIT_PACKETS * 160);
  /* Paced in real time: the pause is not compressed. */
  pause_us = event (events, 1)->arrival_us - event (events, 0)->arrival_us;
  fail_unless (pause_us > 650 * G_TIME_SPAN_MILLISECOND, "%" G_GINT64_FORMAT
      " us from '1' to '2'", pause_us);
  gw_media_bridge_stop (f.leg->bridge);
}

GST_END_TEST;

/* What waits survives a rebuild (a re-INVITE with another codec); a tone
 * cut short plays again, whole. */
GST_START_TEST (test_send_across_rebuild)
{
  g_autoptr (GArray) events = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) ended = g_string_new (NULL);

  start (GW_AUDIO_CODEC_PCMU, 0, 101, 8000);
  send_dtmf ("1234");
  fail_unless (bt_wait (has_packet_of, GUINT_TO_POINTER (101), TIMEOUT_MS));
  bt_run (100);
  lt_peer_params (f.peer, GW_AUDIO_CODEC_PCMA, 8, 101, 8000, &f.params);
  fail_unless (gw_media_bridge_update (f.leg->bridge, &f.params, &error));
  g_assert_no_error (error);
  wait_played ();

  /* A new pipeline's first packets may be short: so may be the updates. */
  events = parse_events (101, 0);
  for (guint i = 0; i < events->len; i++) {
    if (event (events, i)->n_end > 0)
      g_string_append_c (ended, event (events, i)->digit);
    else
      fail_unless (i + 1 < events->len && event (events, i + 1)->digit ==
          event (events, i)->digit, "'%c' cut short and not played again",
          event (events, i)->digit);
  }
  fail_unless_equals_string (ended->str, "1234");
  fail_unless (event (events, events->len - 1)->ssrc !=
      event (events, 0)->ssrc);
  gw_media_bridge_stop (f.leg->bridge);
}

GST_END_TEST;

/* ---- in-band ---- */

static const gdouble rows[] = { 697, 770, 852, 941 };
static const gdouble cols[] = { 1209, 1336, 1477, 1633 };
static const gchar keypad[4][5] = { "123A", "456B", "789C", "*0#D" };

/* The key whose row and column tones carry the most power, and their share
 * of it. */
static gchar
detect_key (const GwTestAudio * audio, gdouble * share)
{
  guint r = 0, c = 0;
  gdouble row_share = 0, col_share = 0;

  for (guint i = 0; i < 4; i++) {
    gdouble row = gw_test_tone_power_fraction (audio, rows[i], 10);
    gdouble col = gw_test_tone_power_fraction (audio, cols[i], 10);

    if (row > row_share) {
      row_share = row;
      r = i;
    }
    if (col > col_share) {
      col_share = col;
      c = i;
    }
  }
  *share = MIN (row_share, col_share);
  return keypad[r][c];
}

static const struct
{
  GwAudioCodec codec;
  guint pt;
} inband_cases[] = {
  {GW_AUDIO_CODEC_PCMU, 0},
  {GW_AUDIO_CODEC_PCMA, 8},
  {GW_AUDIO_CODEC_G722, 9},
  {GW_AUDIO_CODEC_OPUS, 111},
};

GST_START_TEST (test_send_inband)
{
  const gchar *digits = "1*9#5";
  GwAudioCodec codec = inband_cases[__i__].codec;
  guint pt = inband_cases[__i__].pt;
  g_autoptr (GwTestAudio) audio = NULL;
  g_autoptr (GArray) segments = NULL;

  GST_INFO ("%s/%u", gw_audio_codec_to_string (codec), pt);
  start (codec, pt, 0, 0);
  send_dtmf (digits);
  wait_played ();
  for (guint i = 0; i < f.peer->packets->len; i++)
    fail_unless_equals_int (packet (i)->pt, pt);

  audio = lt_peer_decode (f.peer, codec, pt);
  segments = gw_test_tone_segments (audio, -30.0, 0.05);
  fail_unless_equals_int (segments->len, strlen (digits));
  for (guint i = 0; i < segments->len; i++) {
    GwTestSegment *s = &g_array_index (segments, GwTestSegment, i);
    g_autoptr (GwTestAudio) middle = gw_test_audio_slice (audio,
        s->start + 0.04, 0.12);
    gdouble share, length = s->end - s->start;
    gchar key = detect_key (middle, &share);

    GST_INFO ("tone %u: '%c' (%.2f of the power each), %.3f s at %.3f s",
        i, key, share, length, s->start);
    fail_unless_equals_int (key, digits[i]);
    fail_unless (share > 0.3, "'%c' is not a clean pair: %.2f", key, share);
    fail_unless (length > 0.17 && length < 0.27, "'%c' lasts %.3f s", key,
        length);
    if (i > 0)
      fail_unless (fabs (s->start - (s - 1)->start - 0.3) < 0.03,
          "'%c' starts %.3f s after the previous one", key,
          s->start - (s - 1)->start);
  }
  gw_media_bridge_stop (f.leg->bridge);
}

GST_END_TEST;

/* ---- requests ---- */

static void
assert_refused (const gchar * digits, gint code)
{
  g_autoptr (GError) error = NULL;

  fail_if (gw_media_bridge_send_dtmf (f.leg->bridge, digits, &error));
  fail_unless (g_error_matches (error, GW_ERROR, code), "%s",
      error ? error->message : "no error");
}

static void
assert_start_refused (GwAudioCodec codec, guint pt, guint dtmf_pt,
    guint dtmf_rate)
{
  g_autoptr (GError) error = NULL;

  lt_peer_params (f.peer, codec, pt, dtmf_pt, dtmf_rate, &f.params);
  f.params.dtmf_clock_rate = dtmf_rate;
  fail_if (gw_media_bridge_start (f.leg->bridge, &f.params, &error));
  fail_unless (g_error_matches (error, GW_ERROR, GW_ERROR_INVALID), "%s",
      error ? error->message : "no error");
  fail_unless (strstr (error->message, "telephone-event") != NULL, "%s",
      error->message);
}

GST_START_TEST (test_send_refused)
{
  g_autofree gchar *many = g_strnfill (GW_MEDIA_DTMF_MAX_QUEUED, '5');
  g_autoptr (GArray) events = NULL;

  assert_refused ("", GW_ERROR_INVALID);
  assert_refused (NULL, GW_ERROR_INVALID);
  assert_refused ("12x", GW_ERROR_INVALID);
  assert_refused ("1 2", GW_ERROR_INVALID);
  fail_unless_equals_int (gw_media_bridge_get_dtmf_pending (f.leg->bridge), 0);
  assert_start_refused (GW_AUDIO_CODEC_PCMU, 0, 128, 8000);
  assert_start_refused (GW_AUDIO_CODEC_PCMU, 0, 101, 0);
  assert_start_refused (GW_AUDIO_CODEC_PCMU, 0, 101, 1000000);
  /* The codec's own payload type. */
  assert_start_refused (GW_AUDIO_CODEC_OPUS, 111, 111, 48000);

  /* Queued before the start: played when the media starts. */
  send_dtmf ("7");
  lt_peer_params (f.peer, GW_AUDIO_CODEC_PCMU, 0, 101, 8000, &f.params);
  lt_leg_start (f.leg, &f.params);
  wait_played ();
  events = parse_events (101, 0);
  fail_unless_equals_int (events->len, 1);
  fail_unless_equals_int (event (events, 0)->digit, '7');

  send_dtmf (many);
  assert_refused ("5", GW_ERROR_UNAVAILABLE);
  gw_media_bridge_stop (f.leg->bridge);
  assert_refused ("5", GW_ERROR_FAILED);
}

GST_END_TEST;

/* ---- receiving ---- */

typedef struct
{
  guint port;
  guint16 seq;
  guint32 ts;                   /* of the next audio slot */
  guint32 ssrc;
  gboolean audio;               /* send PCMU between events */
} FarSender;

static void
send_event_packet (FarSender * s, guint32 ts, guint8 code, gboolean marker,
    gboolean end, guint duration, gboolean new_seq)
{
  guint8 payload[4] = { code, (end ? 0x80 : 0) | 10 };

  GST_WRITE_UINT16_BE (payload + 2, duration);
  lt_peer_send (f.peer, s->port, 101, marker, s->seq, ts, s->ssrc, payload, 4);
  if (new_seq)
    s->seq++;
}

/* A packet time passes: audio (silence) when the sender sends audio. */
static void
next_slot (FarSender * s, gboolean with_audio)
{
  guint8 silence[160];

  if (with_audio && s->audio) {
    memset (silence, 0xff, sizeof (silence));
    lt_peer_send (f.peer, s->port, 0, FALSE, s->seq++, s->ts, s->ssrc,
        silence, sizeof (silence));
  }
  s->ts += 160;
  bt_run (20);
}

/* A key press of n updates; the first `lost` never arrive; each update is
 * sent `copies` times; then three end packets.  Returns its timestamp. */
static guint32
press (FarSender * s, guint8 code, guint n, guint lost, guint copies,
    gboolean end_same_seq)
{
  guint32 ts = s->ts;

  for (guint k = 1; k <= n; k++) {
    for (guint c = 0; k > lost && c < copies; c++)
      send_event_packet (s, ts, code, k == 1, FALSE, k * 160, c + 1 == copies);
    next_slot (s, FALSE);
  }
  for (guint c = 0; c < 3; c++)
    send_event_packet (s, ts, code, FALSE, TRUE, n * 160, !end_same_seq
        || c == 2);
  return ts;
}

static gboolean
digits_are (gpointer data)
{
  return strlen (f.leg->dtmf->str) >= strlen (data);
}

static void
assert_received (const gchar * digits)
{
  bt_wait (digits_are, (gpointer) digits, TIMEOUT_MS);
  /* Nothing more comes. */
  bt_run (300);
  fail_unless_equals_string (f.leg->dtmf->str, digits);
}

GST_START_TEST (test_receive_rfc4733)
{
  gboolean audio = __i__ == 0;
  FarSender s = {.seq = 1000,.ts = 4000,.ssrc = 0x12345678,.audio = audio };
  guint32 star_ts, hash_ts;

  start (audio ? GW_AUDIO_CODEC_PCMU : GW_AUDIO_CODEC_OPUS, audio ? 0 : 111,
      101, 8000);
  s.port = gw_media_bridge_get_rtp_port (f.leg->bridge);
  for (guint i = 0; i < 5; i++)
    next_slot (&s, TRUE);

  /* '*' with marker, every update twice. */
  star_ts = press (&s, 10, 5, 0, 2, FALSE);
  /* '6' without marker (its first packet is lost), and a straggler of '*'
   * arriving in the middle of it; its end packets share a seqnum. */
  s.ts += 160;
  send_event_packet (&s, s.ts, 6, FALSE, FALSE, 320, TRUE);
  send_event_packet (&s, star_ts, 10, FALSE, TRUE, 800, TRUE);
  press (&s, 6, 4, 2, 1, TRUE);
  for (guint i = 0; i < 3; i++)
    next_slot (&s, TRUE);
  /* '6' again: a new event. */
  press (&s, 6, 4, 0, 1, FALSE);
  next_slot (&s, TRUE);
  /* A flash (16): not a digit. */
  press (&s, 16, 3, 0, 1, FALSE);
  next_slot (&s, TRUE);
  /* '#' held so long that its duration overflows: a second segment. */
  hash_ts = s.ts;
  send_event_packet (&s, hash_ts, 11, TRUE, FALSE, 65000, TRUE);
  next_slot (&s, FALSE);
  send_event_packet (&s, hash_ts, 11, FALSE, FALSE, 65535, TRUE);
  next_slot (&s, FALSE);
  s.ts = hash_ts + 65535;
  press (&s, 11, 2, 0, 1, FALSE);
  for (guint i = 0; i < 3; i++)
    next_slot (&s, TRUE);

  assert_received ("*66#");
  fail_unless (gw_media_bridge_get_last_rtp_time (f.leg->bridge) > 0);
  gw_media_bridge_stop (f.leg->bridge);
}

GST_END_TEST;

/* Sends a SIPp pcap as SIPp's play_pcap_audio does: the packets as they
 * were recorded (seqnums, timestamps, SSRC), at their pace. */
static void
replay_pcap (const gchar * name)
{
  g_autofree gchar *path = g_build_filename ("/usr/share/sip-tester", name,
      NULL);
  g_autoptr (GArray) records = lt_read_pcap (path);
  gint64 start_us = g_get_monotonic_time ();
  guint port = gw_media_bridge_get_rtp_port (f.leg->bridge);

  fail_unless (records->len > 3, "%s: %u packets", path, records->len);
  for (guint i = 0; i < records->len; i++) {
    LtRecorded *r = &g_array_index (records, LtRecorded, i);
    gint64 due = start_us + r->time * G_USEC_PER_SEC;
    gsize size;
    const guint8 *data = g_bytes_get_data (r->rtp, &size);

    if (g_get_monotonic_time () < due)
      bt_run ((due - g_get_monotonic_time ()) / 1000);
    lt_peer_send_raw (f.peer, port, data, size);
  }
}

/* What SIPp sends with dtmf_2833_*.pcap, the *6 toggle: each pcap starts
 * its own timeline, older than the previous one, and a digit replayed has
 * the very same timestamp. */
GST_START_TEST (test_receive_sipp_pcaps)
{
  if (!g_file_test ("/usr/share/sip-tester/dtmf_2833_star.pcap",
          G_FILE_TEST_EXISTS)) {
    GST_WARNING ("SIPp's pcaps are not installed: skipped");
    return;
  }
  start (GW_AUDIO_CODEC_PCMU, 0, 101, 8000);
  replay_pcap ("dtmf_2833_star.pcap");
  bt_run (100);
  replay_pcap ("dtmf_2833_6.pcap");
  assert_received ("*6");
  replay_pcap ("dtmf_2833_6.pcap");
  replay_pcap ("dtmf_2833_pound.pcap");
  assert_received ("*66#");
  gw_media_bridge_stop (f.leg->bridge);
}

GST_END_TEST;

static Suite *
media_dtmf_suite (void)
{
  Suite *s = suite_create ("media-dtmf");
  TCase *send = tcase_create ("send");
  TCase *receive = tcase_create ("receive");

  tcase_add_checked_fixture (send, setup, teardown);
  tcase_set_timeout (send, 120);
  tcase_add_loop_test (send, test_send_rfc4733, 0,
      G_N_ELEMENTS (rfc4733_cases));
  tcase_add_test (send, test_send_pause_and_queue);
  tcase_add_test (send, test_send_across_rebuild);
  tcase_add_loop_test (send, test_send_inband, 0, G_N_ELEMENTS (inband_cases));
  tcase_add_test (send, test_send_refused);
  suite_add_tcase (s, send);

  tcase_add_checked_fixture (receive, setup, teardown);
  tcase_set_timeout (receive, 60);
  tcase_add_loop_test (receive, test_receive_rfc4733, 0, 2);
  tcase_add_test (receive, test_receive_sipp_pcaps);
  suite_add_tcase (s, receive);
  return s;
}

GST_CHECK_MAIN (media_dtmf);
