/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the DTMF and prompt tests of the media bridge talk to: a far end
 * made of plain UDP sockets on 127.0.0.1 that keeps every RTP packet the
 * bridge sends (bytes and arrival), sends hand-made or recorded (pcap) RTP
 * packets to it, and decodes what it kept, off line; and call legs: a
 * connection and stream in a session with a bridge on them, recording the
 * digits the bridge reports.  Waiting: bt_wait and bt_run
 * (bridge-test-utils.h). */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "gw-test-tone.h"
#include "media-bridge.h"
#include "ot-hub.h"

G_BEGIN_DECLS

/* ---- the far end ---- */

typedef struct
{
  gint64 arrival_us;            /* monotonic */
  gboolean marker;
  guint8 pt;
  guint16 seq;
  guint32 ts;
  guint32 ssrc;
  GBytes *packet;               /* the whole RTP packet */
  const guint8 *payload;        /* in packet */
  gsize payload_len;
} LtPacket;

typedef struct
{
  GSocket *rtp_socket;          /* RTP both ways */
  GSocket *rtcp_socket;         /* takes the bridge's RTCP */
  guint rtp_port;
  guint rtcp_port;
  GSource *rtp_source;          /* on the default main context */
  GSource *rtcp_source;
  GArray *packets;              /* LtPacket, in arrival order */
} LtPeer;

LtPeer *lt_peer_new (void);
void lt_peer_free (LtPeer * peer);
/* Forgets the packets received. */
void lt_peer_clear (LtPeer * peer);
/* Media params for a bridge talking to this peer; dtmf_pt 0 = no
 * telephone-event. */
void lt_peer_params (LtPeer * peer, GwAudioCodec codec, guint pt,
    guint dtmf_pt, guint dtmf_rate, GwMediaParams * params);
/* Sends one RTP packet to 127.0.0.1:port. */
void lt_peer_send (LtPeer * peer, guint port, guint8 pt, gboolean marker,
    guint16 seq, guint32 ts, guint32 ssrc, const guint8 * payload,
    gsize payload_len);
void lt_peer_send_raw (LtPeer * peer, guint port, const guint8 * data,
    gsize size);
/* The packets of payload type pt received, decoded as codec with
 * GStreamer, in RTP time (gaps stay gaps): mono at the codec's audio
 * rate. */
GwTestAudio *lt_peer_decode (LtPeer * peer, GwAudioCodec codec, guint pt);
/* The RTP clock rate of codec. */
guint lt_codec_clock_rate (GwAudioCodec codec);

/* ---- recorded RTP ---- */

typedef struct
{
  gdouble time;                 /* seconds since the first packet */
  GBytes *rtp;                  /* the UDP payload */
} LtRecorded;

/* The UDP payloads of an Ethernet/IPv4 pcap file, in order. */
GArray *lt_read_pcap (const gchar * path);

/* ---- call legs ---- */

typedef struct
{
  gchar *connection_id;
  gchar *stream_id;
  GwMediaBridge *bridge;
  GString *dtmf;                /* digits reported, in order */
  guint n_streams;              /* mixed for the far end */
  guint n_errors;
} LtLeg;

/* A connection and stream named after name in session, and a bridge for
 * them on ports, not started. */
LtLeg *lt_leg_new (OtSession * session, GwMediaPorts * ports,
    const gchar * name);
void lt_leg_free (LtLeg * leg);
void lt_leg_start (LtLeg * leg, const GwMediaParams * params);

G_END_DECLS
