/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RTP statistics at the far end (see the header).  Transit time is the
 * kernel's arrival time minus the packet's media time (its RTP timestamp
 * from the stream's first packet); its lowest value on a stream is the
 * baseline a packet's delay is measured from.  The first second of a
 * stream is left out of the baseline: a pipeline may start with a burst. */
#define _GNU_SOURCE
#include "bench-rtp-receiver.h"
#include "gw-test-ports.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gio/gio.h>

#define BATCH 64
#define WARM_UP_NS (1000 * G_GINT64_CONSTANT (1000000))
#define RCVBUF (8 * 1024 * 1024)

typedef struct
{
  guint32 clock_rate;
  guint16 max_seq;
  guint64 cycles;               /* sequence wraps, times 65536 */
  guint32 last_ts;
  gint64 ts_ext;                /* media time since the first packet, ticks */
  gint64 first_arrival_ns;
  gint64 last_arrival_ns;
  gint64 base_transit_ns;       /* G_MAXINT64 until known */
  gint64 last_transit_ns;
  gdouble jitter_ns;
  /* the current window */
  guint64 win_base_seq;         /* extended seq before the window's first */
  guint64 win_received;
  guint64 win_late;
  gint64 win_max_delay_ns;
} Stream;

struct _BenchRtpReceiver
{
  gint rtp_fd;
  gint rtcp_fd;
  guint port;
  gint64 late_ns;
  GThread *thread;
  gint stop;                    /* atomic */

  GMutex lock;
  GHashTable *streams;          /* lock: SSRC -> Stream */
};

static gint
bind_udp (guint port, GError ** error)
{
  struct sockaddr_in addr = { 0 };
  gint fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  gint on = 1, size = RCVBUF;

  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
        "cannot bind UDP 127.0.0.1:%u: %s", port, g_strerror (errno));
    if (fd >= 0)
      close (fd);
    return -1;
  }
  /* Root may exceed rmem_max; a lost packet must be the gateway's. */
  if (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
    setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt (fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  return fd;
}

static guint32
rate_of (guint pt)
{
  switch (pt) {
    case 0:                    /* PCMU */
    case 8:                    /* PCMA */
    case 9:                    /* G.722: 8000 by RFC 3551 */
      return 8000;
    case 111:                  /* Opus as the gateway offers it */
      return 48000;
    default:                   /* telephone-event, CN: not paced media */
      return 0;
  }
}

static Stream *
stream_new (guint32 rate, guint16 seq, guint32 ts, gint64 now_ns)
{
  Stream *s = g_new0 (Stream, 1);

  s->clock_rate = rate;
  s->max_seq = seq;
  s->last_ts = ts;
  s->first_arrival_ns = now_ns;
  s->base_transit_ns = G_MAXINT64;
  s->last_transit_ns = G_MININT64;
  s->win_base_seq = (guint64) seq - 1;
  return s;
}

/* One packet of a known stream, in order or not. */
static void
stream_packet (BenchRtpReceiver * r, Stream * s, guint16 seq, guint32 ts,
    gint64 now_ns)
{
  guint16 ahead = seq - s->max_seq;
  gint64 transit, delay;

  s->win_received++;
  s->last_arrival_ns = now_ns;
  if (ahead == 0 || ahead >= 0x8000)
    return;                     /* a duplicate or reordered: no timing */
  if (seq < s->max_seq)
    s->cycles += 65536;
  s->max_seq = seq;
  s->ts_ext += (gint32) (ts - s->last_ts);
  s->last_ts = ts;
  transit = now_ns - s->ts_ext * G_GINT64_CONSTANT (1000000000) / s->clock_rate;
  if (s->last_transit_ns != G_MININT64)
    s->jitter_ns += (ABS (transit - s->last_transit_ns) - s->jitter_ns) / 16;
  s->last_transit_ns = transit;
  if (now_ns - s->first_arrival_ns < WARM_UP_NS)
    return;
  s->base_transit_ns = MIN (s->base_transit_ns, transit);
  delay = transit - s->base_transit_ns;
  s->win_max_delay_ns = MAX (s->win_max_delay_ns, delay);
  if (delay > r->late_ns)
    s->win_late++;
}

static void
handle_packet (BenchRtpReceiver * r, const guint8 * p, gsize len, gint64 now_ns)
{
  guint32 ssrc, ts, rate;
  guint16 seq;
  Stream *s;

  if (len < 12 || (p[0] >> 6) != 2)
    return;
  rate = rate_of (p[1] & 0x7f);
  if (rate == 0)
    return;
  seq = (p[2] << 8) | p[3];
  ts = ((guint32) p[4] << 24) | (p[5] << 16) | (p[6] << 8) | p[7];
  ssrc = ((guint32) p[8] << 24) | (p[9] << 16) | (p[10] << 8) | p[11];
  s = g_hash_table_lookup (r->streams, GUINT_TO_POINTER (ssrc));
  if (s == NULL) {
    s = stream_new (rate, seq, ts, now_ns);
    g_hash_table_insert (r->streams, GUINT_TO_POINTER (ssrc), s);
  }
  stream_packet (r, s, seq, ts, now_ns);
}

static gint64
arrival_ns (struct msghdr *hdr)
{
  for (struct cmsghdr * c = CMSG_FIRSTHDR (hdr); c; c = CMSG_NXTHDR (hdr, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      struct timespec t;

      memcpy (&t, CMSG_DATA (c), sizeof t);
      return t.tv_sec * G_GINT64_CONSTANT (1000000000) + t.tv_nsec;
    }
  return g_get_real_time () * 1000;
}

static void
read_batch (BenchRtpReceiver * r)
{
  static guint8 bufs[BATCH][1500];
  static gchar ctrl[BATCH][CMSG_SPACE (sizeof (struct timespec))];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  gint n;

  memset (msgs, 0, sizeof msgs);
  for (guint i = 0; i < BATCH; i++) {
    iov[i].iov_base = bufs[i];
    iov[i].iov_len = sizeof bufs[i];
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_control = ctrl[i];
    msgs[i].msg_hdr.msg_controllen = sizeof ctrl[i];
  }
  n = recvmmsg (r->rtp_fd, msgs, BATCH, MSG_DONTWAIT, NULL);
  if (n <= 0)
    return;
  g_mutex_lock (&r->lock);
  for (gint i = 0; i < n; i++)
    handle_packet (r, bufs[i], msgs[i].msg_len, arrival_ns (&msgs[i].msg_hdr));
  g_mutex_unlock (&r->lock);
}

static gpointer
receive_loop (gpointer data)
{
  BenchRtpReceiver *r = data;
  struct pollfd fds[2] = { {r->rtp_fd, POLLIN, 0}, {r->rtcp_fd, POLLIN, 0} };
  guint8 drain[1500];

  while (!g_atomic_int_get (&r->stop)) {
    if (poll (fds, 2, 100) <= 0)
      continue;
    if (fds[0].revents & POLLIN)
      read_batch (r);
    /* RTCP is only drained: nothing answers the gateway's reports. */
    if (fds[1].revents & POLLIN)
      while (recv (r->rtcp_fd, drain, sizeof drain, MSG_DONTWAIT) > 0);
  }
  return NULL;
}

BenchRtpReceiver *
bench_rtp_receiver_new (guint late_ms, GError ** error)
{
  BenchRtpReceiver *r = g_new0 (BenchRtpReceiver, 1);

  r->rtp_fd = r->rtcp_fd = -1;
  g_mutex_init (&r->lock);
  r->streams = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  r->late_ns = late_ms * G_GINT64_CONSTANT (1000000);
  if (!(r->port = gw_test_ports_pick_udp_block (2, error))
      || (r->rtp_fd = bind_udp (r->port, error)) < 0
      || (r->rtcp_fd = bind_udp (r->port + 1, error)) < 0) {
    bench_rtp_receiver_free (r);
    return NULL;
  }
  r->thread = g_thread_new ("bench-rtp-rx", receive_loop, r);
  return r;
}

void
bench_rtp_receiver_free (BenchRtpReceiver * r)
{
  g_atomic_int_set (&r->stop, 1);
  if (r->thread)
    g_thread_join (r->thread);
  if (r->rtp_fd >= 0)
    close (r->rtp_fd);
  if (r->rtcp_fd >= 0)
    close (r->rtcp_fd);
  g_hash_table_unref (r->streams);
  g_mutex_clear (&r->lock);
  g_free (r);
}

guint
bench_rtp_receiver_get_port (BenchRtpReceiver * r)
{
  return r->port;
}

guint
bench_rtp_receiver_count_live (BenchRtpReceiver * r, guint max_age_ms)
{
  gint64 since = (g_get_real_time () - max_age_ms * 1000) * 1000;
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_mutex_lock (&r->lock);
  g_hash_table_iter_init (&iter, r->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((Stream *) value)->last_arrival_ns >= since;
  g_mutex_unlock (&r->lock);
  return n;
}

void
bench_rtp_receiver_window_start (BenchRtpReceiver * r)
{
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&r->lock);
  g_hash_table_iter_init (&iter, r->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Stream *s = value;

    s->win_base_seq = s->cycles + s->max_seq;
    s->win_received = s->win_late = 0;
    s->win_max_delay_ns = 0;
  }
  g_mutex_unlock (&r->lock);
}

void
bench_rtp_receiver_window_end (BenchRtpReceiver * r, BenchRtpWindow * out)
{
  GHashTableIter iter;
  gpointer value;

  memset (out, 0, sizeof *out);
  g_mutex_lock (&r->lock);
  g_hash_table_iter_init (&iter, r->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Stream *s = value;
    guint64 expected = s->cycles + s->max_seq - s->win_base_seq;

    if (s->win_received == 0)
      continue;
    out->streams++;
    out->packets += s->win_received;
    out->lost += expected > s->win_received ? expected - s->win_received : 0;
    out->late += s->win_late;
    out->max_delay_ms = MAX (out->max_delay_ms, s->win_max_delay_ns / 1e6);
    out->max_jitter_ms = MAX (out->max_jitter_ms, s->jitter_ns / 1e6);
  }
  g_mutex_unlock (&r->lock);
}
