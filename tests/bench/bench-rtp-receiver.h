/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The far end's ears: one UDP port (and the RTCP port after it) that every
 * call's SDP answer points the gateway at.  A thread reads it with kernel
 * receive timestamps, so the bench's own scheduling delays never count
 * against the gateway, and keeps per-SSRC statistics: sequence gaps (lost)
 * and packets that arrived more than late_ms after the best transit time
 * seen on that stream (late: a jitter buffer of that depth would have
 * dropped them). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BenchRtpReceiver BenchRtpReceiver;

typedef struct
{
  guint streams;                /* SSRCs heard in the window */
  guint64 packets;
  guint64 lost;                 /* missing sequence numbers */
  guint64 late;                 /* transit above the stream's best + late_ms */
  gdouble max_delay_ms;         /* worst transit above the stream's best */
  gdouble max_jitter_ms;        /* highest RFC 3550 jitter at the end */
} BenchRtpWindow;

BenchRtpReceiver *bench_rtp_receiver_new (guint late_ms, GError ** error);
void bench_rtp_receiver_free (BenchRtpReceiver * r);
/* The RTP port (RTCP is the next one), on 127.0.0.1. */
guint bench_rtp_receiver_get_port (BenchRtpReceiver * r);
/* Streams whose last packet is at most @max_age_ms old. */
guint bench_rtp_receiver_count_live (BenchRtpReceiver * r, guint max_age_ms);
/* Starts counting anew; the transit baselines are kept. */
void bench_rtp_receiver_window_start (BenchRtpReceiver * r);
/* What arrived since window_start. */
void bench_rtp_receiver_window_end (BenchRtpReceiver * r,
    BenchRtpWindow * out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchRtpReceiver, bench_rtp_receiver_free);

G_END_DECLS
