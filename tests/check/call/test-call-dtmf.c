/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* play-dtmf end to end: the gateway in the test process dials real far
 * ends through its REST API and plays digits to them through the REST API.
 * - On the wire: SIPp answers with its media pointed at sockets of this
 *   test, one leg with telephone-event on payload type 96 (not the 101 we
 *   offer), one without.  The first must get RFC 4733 events on 96 (digits,
 *   order, end packets, the pause and the queue in RTP time), the second
 *   the tone pairs in its PCMU audio; the per-connection route reaches one
 *   leg, the session-wide one both.
 * - baresip far ends report the digits they decode: per connection and
 *   session-wide, requests queued per call, and a leg still ringing (its
 *   digits wait for the answer; session-wide ones skip it). */
#include <string.h>

#include "call-test-utils.h"
#include "gw-test-baresip.h"
#include "gw-test-ports.h"
#include "gw-test-process.h"
#include "gw-test-sipp.h"

#define WAIT_MS 10000
#define DTMF_PT 96
#define PCMU_RATE 8000
/* The sender's timing (media-dtmf.h), in RTP clock units at 8 kHz. */
#define TONE_TICKS (200 * PCMU_RATE / 1000)
#define DIGIT_TICKS ((200 + 100) * PCMU_RATE / 1000)
#define PAUSE_TICKS (500 * PCMU_RATE / 1000)
#define PACKET_TICKS (20 * PCMU_RATE / 1000)

#define CHECK(call) G_STMT_START {                                      \
    gboolean ok_ = (call);                                              \
    g_assert_no_error (error);                                          \
    g_assert_true (ok_);                                                \
  } G_STMT_END

/* ---- REST ---- */

static RestReply *
play (CallFixture * f, const gchar * connection_id, const gchar * digits)
{
  g_autofree gchar *path = connection_id ?
      g_strdup_printf ("/v2/project/" TEST_API_KEY "/session/%s/connection/"
      "%s/play-dtmf", f->session_id, connection_id) :
      g_strdup_printf ("/v2/project/" TEST_API_KEY "/session/%s/play-dtmf",
      f->session_id);
  g_autofree gchar *body = g_strdup_printf ("{\"digits\":\"%s\"}", digits);

  return rest_call (&f->rest, "POST", path, f->rest_token, body);
}

static void
play_ok (CallFixture * f, const gchar * connection_id, const gchar * digits)
{
  g_autoptr (RestReply) reply = play (f, connection_id, digits);
  g_autoptr (JsonNode) node = rest_assert_json (reply);
}

static void
play_fails (CallFixture * f, const gchar * connection_id,
    const gchar * digits, guint status)
{
  g_autoptr (RestReply) reply = play (f, connection_id, digits);
  g_autofree gchar *message = rest_assert_error (reply, status);

  g_test_message ("play-dtmf %s: %u %s", digits, status, message);
}

static void
wait_word (CallFixture * f, const GwDialReply * call, const gchar * word)
{
  if (!call_receiver_wait (f->rx, call->call_id, word, WAIT_MS)) {
    g_autofree gchar *got = call_receiver_describe (f->rx, call->call_id);
    g_error ("no %s for call %s; events so far: %s", word, call->call_id, got);
  }
}

/* ---- the far end's media: sockets of the test ---- */

typedef struct
{
  gboolean marker;
  guint8 pt;
  guint32 ts;
  GBytes *payload;
} Packet;

typedef struct
{
  GSocket *sockets[2];          /* RTP, RTCP (kept, never read) */
  GSource *source;
  guint port;
  GArray *packets;              /* Packet, RTP in arrival order */
} MediaSink;

static void
packet_clear (Packet * p)
{
  g_bytes_unref (p->payload);
}

static gboolean
on_rtp (GSocket * socket, GIOCondition condition, gpointer data)
{
  MediaSink *sink = data;
  guint8 buf[1500];
  gssize n = g_socket_receive (socket, (gchar *) buf, sizeof (buf), NULL,
      NULL);
  gsize header;
  Packet p;

  if (n < 12 || (buf[0] >> 6) != 2)
    return G_SOURCE_CONTINUE;
  header = 12 + 4 * (buf[0] & 0x0f);
  if ((buf[0] & 0x10) && (gsize) n >= header + 4)
    header += 4 + 4 * ((buf[header + 2] << 8) | buf[header + 3]);
  if ((gsize) n < header)
    return G_SOURCE_CONTINUE;
  p.marker = buf[1] >> 7;
  p.pt = buf[1] & 0x7f;
  p.ts = GUINT32_FROM_BE (*(guint32 *) (buf + 4));
  p.payload = g_bytes_new (buf + header, n - header);
  g_array_append_val (sink->packets, p);
  return G_SOURCE_CONTINUE;
}

static MediaSink *
media_sink_new (void)
{
  MediaSink *sink = g_new0 (MediaSink, 1);
  g_autoptr (GError) error = NULL;

  sink->port = gw_test_ports_pick_udp_block (2, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++) {
    g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
        (G_SOCKET_FAMILY_IPV4);
    g_autoptr (GSocketAddress) at = g_inet_socket_address_new (lo,
        sink->port + i);

    sink->sockets[i] = g_socket_new (G_SOCKET_FAMILY_IPV4,
        G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
    g_assert_no_error (error);
    CHECK (g_socket_bind (sink->sockets[i], at, FALSE, &error));
    g_socket_set_blocking (sink->sockets[i], FALSE);
  }
  sink->packets = g_array_new (FALSE, FALSE, sizeof (Packet));
  g_array_set_clear_func (sink->packets, (GDestroyNotify) packet_clear);
  sink->source = g_socket_create_source (sink->sockets[0], G_IO_IN, NULL);
  g_source_set_callback (sink->source, (GSourceFunc) on_rtp, sink, NULL);
  g_source_attach (sink->source, NULL);
  return sink;
}

static void
media_sink_free (MediaSink * sink)
{
  g_source_destroy (sink->source);
  g_source_unref (sink->source);
  for (guint i = 0; i < 2; i++)
    g_object_unref (sink->sockets[i]);
  g_array_unref (sink->packets);
  g_free (sink);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaSink, media_sink_free);

static Packet *
packet (MediaSink * sink, guint i)
{
  return &g_array_index (sink->packets, Packet, i);
}

/* ---- RFC 4733 on the wire ---- */

typedef struct
{
  gchar digit;
  guint32 ts;
  guint n_updates;
  guint n_end;
  guint duration;               /* the end packets' */
} Event;

static gchar
event_char (guint8 code)
{
  return code < 16 ? "0123456789*#ABCD"[code] : '?';
}

/* The events of payload type pt, each checked as RFC 4733 wants: one
 * timestamp for all its packets, in a row, the marker on the first only,
 * durations growing, then three end packets with the final duration. */
static GArray *
parse_events (MediaSink * sink, guint8 pt)
{
  GArray *events = g_array_new (FALSE, TRUE, sizeof (Event));
  guint last_duration = 0;

  for (guint i = 0; i < sink->packets->len; i++) {
    Packet *p = packet (sink, i);
    gsize len;
    const guint8 *b = g_bytes_get_data (p->payload, &len);
    Event *e = events->len ?
        &g_array_index (events, Event, events->len - 1) : NULL;
    guint duration;

    if (p->pt != pt)
      continue;
    g_assert_cmpuint (len, ==, 4);
    duration = (b[2] << 8) | b[3];
    if (e == NULL || e->ts != p->ts) {
      g_assert_true (e == NULL || e->n_end > 0);
      g_array_set_size (events, events->len + 1);
      e = &g_array_index (events, Event, events->len - 1);
      e->digit = event_char (b[0]);
      e->ts = p->ts;
      last_duration = 0;
    }
    g_assert_cmpint (e->digit, ==, event_char (b[0]));
    g_assert_cmpint (p->marker, ==, e->n_updates == 0 && e->n_end == 0);
    if (b[1] & 0x80) {
      e->n_end++;
      g_assert_cmpuint (duration, ==, last_duration);
    } else {
      g_assert_cmpuint (e->n_end, ==, 0);
      g_assert_cmpuint (duration, >, last_duration);
      e->n_updates++;
    }
    last_duration = e->duration = duration;
  }
  return events;
}

static gchar *
event_digits (GArray * events)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++) {
    Event *e = &g_array_index (events, Event, i);

    g_test_message ("event %c at %u: %u updates, %u end packets, duration "
        "%u", e->digit, e->ts, e->n_updates, e->n_end, e->duration);
    g_string_append_c (s, e->digit);
    /* 200 ms of updates, a packet's worth at a time whatever the audio
     * packets' exact lengths, then the end packets (RFC 4733 2.5.1.4). */
    g_assert_cmpuint (e->duration, >=, TONE_TICKS);
    g_assert_cmpuint (e->duration, <, TONE_TICKS + PACKET_TICKS);
    g_assert_cmpuint (e->n_updates, >=, TONE_TICKS / PACKET_TICKS);
    g_assert_cmpuint (e->n_updates, <=, TONE_TICKS / PACKET_TICKS + 1);
    g_assert_cmpuint (e->n_end, ==, 3);
  }
  return g_string_free (s, FALSE);
}

static guint
count_events (MediaSink * sink, guint8 pt)
{
  g_autoptr (GArray) events = parse_events (sink, pt);

  return events->len;
}

typedef struct
{
  MediaSink *sink;
  guint n;
} EventWait;

static gboolean
has_events (gpointer data)
{
  EventWait *w = data;
  g_autoptr (GArray) events = parse_events (w->sink, DTMF_PT);

  /* Whole: the last one has its three end packets. */
  return events->len >= w->n
      && g_array_index (events, Event, events->len - 1).n_end == 3;
}

static void
wait_events (MediaSink * sink, guint n)
{
  EventWait w = { sink, n };

  g_assert_true (gw_test_wait_until (has_events, &w, WAIT_MS));
}

/* ---- in-band tones ---- */

static gint16
ulaw_decode (guint8 u)
{
  gint t;

  u = ~u;
  t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return (u & 0x80) ? 0x84 - t : t - 0x84;
}

/* The PCMU audio the sink received, in arrival order. */
static GwTestAudio *
decode_pcmu (MediaSink * sink)
{
  g_autoptr (GArray) pcm = g_array_new (FALSE, FALSE, sizeof (gint16));

  for (guint i = 0; i < sink->packets->len; i++) {
    gsize len;
    const guint8 *b;

    if (packet (sink, i)->pt != 0)
      continue;
    b = g_bytes_get_data (packet (sink, i)->payload, &len);
    for (gsize k = 0; k < len; k++) {
      gint16 s = ulaw_decode (b[k]);

      g_array_append_val (pcm, s);
    }
  }
  return gw_test_audio_new_s16 ((gint16 *) pcm->data, pcm->len, PCMU_RATE, 1);
}

/* A tone, and a moment of silence after it. */
static gboolean
has_tone (gpointer data)
{
  g_autoptr (GwTestAudio) audio = decode_pcmu (data);
  g_autoptr (GArray) segments = gw_test_tone_segments (audio, -30, 0.05);

  return segments->len > 0 && gw_test_audio_duration (audio) >
      g_array_index (segments, GwTestSegment, segments->len - 1).end + 0.2;
}

/* ---- the far ends ---- */

static GwTestSipp *
sipp_new (const gchar * scenario, MediaSink * sink)
{
  g_autofree gchar *path = g_build_filename ("tests", "sipp", scenario, NULL);
  g_autofree gchar *port = g_strdup_printf ("%u", sink->port);
  g_autofree gchar *pt = g_strdup_printf ("%u", DTMF_PT);
  g_autoptr (GError) error = NULL;
  GwTestSipp *far = gw_test_sipp_new (path);

  gw_test_sipp_set_timeout (far, 30);
  gw_test_sipp_set_key (far, "rtp_port", port);
  gw_test_sipp_set_key (far, "dtmf_pt", pt);
  CHECK (gw_test_sipp_start (far, &error));
  return far;
}

static void
dial_sipp (CallFixture * f, GwTestSipp * far, GwDialReply * call)
{
  g_autofree gchar *uri = gw_test_sipp_get_uri (far, "ivr");
  g_autofree gchar *sip = g_strdup_printf ("{\"uri\":\"%s\"}", uri);

  call_dial (f, sip, call);
  wait_word (f, call, "ACTIVE");
}

static void
hang_up_sipp (CallFixture * f, GwTestSipp * far, const GwDialReply * call)
{
  g_autoptr (GError) error = NULL;

  call_disconnect (f, call->connection_id);
  CHECK (gw_test_sipp_wait_success (far, WAIT_MS, &error));
  call_receiver_assert (f->rx, call->call_id, f->session_id,
      call->connection_id, "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
}

/* ---- tests ---- */

static void
test_on_the_wire (CallFixture * f, gconstpointer data)
{
  g_autoptr (MediaSink) events_sink = media_sink_new ();
  g_autoptr (MediaSink) tones_sink = media_sink_new ();
  g_autoptr (GwTestSipp) events_far = sipp_new ("call-dtmf-uas-events.xml",
      events_sink);
  g_autoptr (GwTestSipp) tones_far = sipp_new ("call-dtmf-uas-inband.xml",
      tones_sink);
  g_autoptr (OtSession) session = call_fixture_get_session (f);
  g_autoptr (OtConnection) web = ot_session_add_connection (session, NULL,
      NULL, NULL);
  g_autoptr (GArray) events = NULL;
  g_autoptr (GwTestAudio) audio = NULL;
  g_autoptr (GArray) segments = NULL;
  g_autofree gchar *digits = NULL, *summary = NULL;
  g_auto (GwDialReply) a = { 0 };
  g_auto (GwDialReply) b = { 0 };
  GwTestSegment *tone;
  Event *e;

  /* No SIP call to play to yet; a connection that is no SIP leg. */
  play_fails (f, NULL, "1", 404);
  play_fails (f, ot_connection_get_id (web), "1", 404);
  dial_sipp (f, events_far, &a);
  dial_sipp (f, tones_far, &b);
  play_fails (f, "no-such-connection", "1", 404);
  play_fails (f, a.connection_id, "12x", 400);

  /* Two requests to one leg: the second waits for the first. */
  play_ok (f, a.connection_id, "1p2");
  play_ok (f, a.connection_id, "3");
  wait_events (events_sink, 3);
  /* Then every leg. */
  play_ok (f, NULL, "#");
  wait_events (events_sink, 4);
  g_assert_true (gw_test_wait_until (has_tone, tones_sink, WAIT_MS));

  events = parse_events (events_sink, DTMF_PT);
  digits = event_digits (events);
  g_assert_cmpstr (digits, ==, "123#");
  /* No event on the payload type we offered and the far end did not take. */
  g_assert_cmpuint (count_events (events_sink, 101), ==, 0);
  /* RTP time: a digit every 300 ms, the pause adds 500 ms, the queued
   * request follows at once (a packet's worth of slack either way). */
  e = &g_array_index (events, Event, 0);
  g_assert_cmpint (ABS ((gint) (e[1].ts - e[0].ts - DIGIT_TICKS -
              PAUSE_TICKS)), <=, PACKET_TICKS);
  g_assert_cmpint (ABS ((gint) (e[2].ts - e[1].ts - DIGIT_TICKS)), <=,
      PACKET_TICKS);

  /* The leg without telephone-event heard the session-wide '#' alone, as
   * a 941 + 1477 Hz pair of about 200 ms. */
  g_assert_cmpuint (count_events (tones_sink, DTMF_PT), ==, 0);
  audio = decode_pcmu (tones_sink);
  segments = gw_test_tone_segments (audio, -30, 0.05);
  summary = gw_test_tone_describe (audio);
  g_test_message ("in-band leg: %s, %u segments", summary, segments->len);
  g_assert_cmpuint (segments->len, ==, 1);
  tone = &g_array_index (segments, GwTestSegment, 0);
  g_assert_cmpfloat (tone->end - tone->start, >, 0.15);
  g_assert_cmpfloat (tone->end - tone->start, <, 0.3);
  {
    g_autoptr (GwTestAudio) pair = gw_test_audio_slice (audio,
        tone->start + 0.02, tone->end - tone->start - 0.04);
    gdouble low = gw_test_tone_power_fraction (pair, 941, 15);
    gdouble high = gw_test_tone_power_fraction (pair, 1477, 15);

    g_test_message ("'#': %.2f at 941 Hz, %.2f at 1477 Hz", low, high);
    g_assert_cmpfloat (low, >, 0.25);
    g_assert_cmpfloat (high, >, 0.25);
    g_assert_cmpfloat (low + high, >, 0.8);
  }

  hang_up_sipp (f, events_far, &a);
  hang_up_sipp (f, tones_far, &b);
  ot_session_remove_connection (session, ot_connection_get_id (web));
}

static GwTestBaresip *
baresip_new (const gchar * user, const gchar * answer_mode)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestBaresip) far = gw_test_baresip_new (user);

  gw_test_baresip_set_answer_mode (far, answer_mode);
  CHECK (gw_test_baresip_start (far, &error));
  return g_steal_pointer (&far);
}

static void
dial_baresip (CallFixture * f, GwTestBaresip * far, GwDialReply * call)
{
  g_autofree gchar *uri = gw_test_baresip_get_uri (far);
  g_autofree gchar *sip = g_strdup_printf ("{\"uri\":\"%s\"}", uri);

  call_dial (f, sip, call);
}

static void
test_baresip (CallFixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestBaresip) alice = baresip_new ("alice", "manual");
  g_autoptr (GwTestBaresip) bob = baresip_new ("bob", "auto");
  g_autoptr (JsonObject) incoming = NULL;
  g_autofree gchar *accepted = NULL;
  g_auto (GwDialReply) a = { 0 };
  g_auto (GwDialReply) b = { 0 };

  dial_baresip (f, bob, &b);
  CHECK (gw_test_baresip_wait_established (bob, WAIT_MS, &error));
  wait_word (f, &b, "ACTIVE");
  dial_baresip (f, alice, &a);
  incoming = gw_test_baresip_wait_event (alice, "CALL_INCOMING", WAIT_MS,
      &error);
  g_assert_no_error (error);
  wait_word (f, &a, "RINGING");

  /* Alice rings: hers waits for the answer, the session's skips her. */
  play_ok (f, a.connection_id, "7");
  play_ok (f, NULL, "5");
  accepted = gw_test_baresip_command (alice, "accept", NULL, &error);
  g_assert_no_error (error);
  CHECK (gw_test_baresip_wait_established (alice, WAIT_MS, &error));
  wait_word (f, &a, "ACTIVE");
  CHECK (gw_test_baresip_wait_dtmf (alice, "7", WAIT_MS, &error));
  CHECK (gw_test_baresip_wait_dtmf (bob, "5", WAIT_MS, &error));

  /* Per connection, queued behind each other, then everyone. */
  play_ok (f, a.connection_id, "1p2");
  play_ok (f, b.connection_id, "90");
  play_ok (f, a.connection_id, "3");
  play_ok (f, NULL, "*#");
  CHECK (gw_test_baresip_wait_dtmf (alice, "7123*#", WAIT_MS, &error));
  CHECK (gw_test_baresip_wait_dtmf (bob, "590*#", WAIT_MS, &error));

  call_disconnect (f, a.connection_id);
  call_disconnect (f, b.connection_id);
  CHECK (gw_test_baresip_wait_closed (alice, WAIT_MS, NULL, &error));
  CHECK (gw_test_baresip_wait_closed (bob, WAIT_MS, NULL, &error));
  /* Nothing more arrived than was sent. */
  g_assert_cmpstr (gw_test_baresip_get_received_dtmf (alice), ==, "7123*#");
  g_assert_cmpstr (gw_test_baresip_get_received_dtmf (bob), ==, "590*#");
  call_receiver_assert (f->rx, a.call_id, f->session_id, a.connection_id,
      "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
  call_receiver_assert (f->rx, b.call_id, f->session_id, b.connection_id,
      "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  call_test_add ("/call-dtmf/on-the-wire", test_on_the_wire);
  call_test_add ("/call-dtmf/baresip", test_baresip);
  return g_test_run ();
}
