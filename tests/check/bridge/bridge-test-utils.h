/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the media bridge tests talk to: a SIP far end simulated by a
 * GStreamer pipeline on 127.0.0.1 (sends a tone as RTP, decodes and logs
 * what it receives), a session subscriber and publishers in the hub, and
 * the measures of tones (frequency, level). */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "media-params.h"

G_BEGIN_DECLS

/* Runs the default main context (the bridge's signals) until done (data)
 * or timeout_ms passed; returns done's last answer. */
gboolean bt_wait (gboolean (*done) (gpointer data), gpointer data,
    guint timeout_ms);
/* Runs the default main context for ms. */
void bt_run (guint ms);
/* bt_wait until array (guarded by lock) holds n elements; the array is
 * filled from streaming threads and only ever resized, never replaced. */
gboolean bt_wait_array_len (GMutex * lock, GArray * array, guint n,
    guint timeout_ms);

/* An even first port of n consecutive ports that 127.0.0.1 has free now,
 * around the kernel's ephemeral ports. */
guint bt_find_free_ports (guint n);

/* ---- audio: S16 mono samples collected from an appsink ---- */

typedef struct _BtAudio BtAudio;

BtAudio *bt_audio_new (GstElement * appsink, guint rate);
void bt_audio_free (BtAudio * audio);
/* Forgets what was collected. */
void bt_audio_reset (BtAudio * audio);
/* Waits for ms of audio collected since the reset. */
gboolean bt_audio_wait (BtAudio * audio, guint ms, guint timeout_ms);
/* Level (dBFS of the RMS; -100 for digital silence), dominant frequency
 * (zero crossings, Hz) and the level of one frequency (Goertzel, dBFS) of
 * what was collected. */
gdouble bt_audio_level (BtAudio * audio);
gdouble bt_audio_frequency (BtAudio * audio);
gdouble bt_audio_tone_level (BtAudio * audio, gdouble freq);

/* ---- the far end ---- */

typedef struct
{
  gint64 arrival_us;            /* monotonic */
  guint16 seq;
  guint32 timestamp;
  guint8 pt;
  gsize size;
} BtPacket;

typedef struct
{
  GstElement *pipeline;
  GSocket *rtp_socket;          /* RTP both ways (symmetric) */
  GSocket *rtcp_socket;         /* receives the bridge's RTCP */
  guint rtp_port;
  guint rtcp_port;
  guint clock_rate;
  BtAudio *audio;               /* decoded from the bridge's RTP */
  GMutex lock;
  GArray *packets;              /* BtPacket, guarded by lock */
} BtFarEnd;

/* A far end sending a sine of tone_hz (0 = nothing) in `codec` with
 * payload type pt to 127.0.0.1:bridge_rtp_port.  Playing. */
BtFarEnd *bt_far_end_new (GwAudioCodec codec, guint pt, guint tone_hz,
    guint bridge_rtp_port);
void bt_far_end_free (BtFarEnd * far);
/* Packets received from the bridge since the last clear. */
guint bt_far_end_count_packets (BtFarEnd * far);
GArray *bt_far_end_take_packets (BtFarEnd * far);
void bt_far_end_clear_packets (BtFarEnd * far);
/* Media params for a bridge talking to this far end. */
void bt_far_end_params (BtFarEnd * far, GwAudioCodec codec, guint pt,
    GwMediaParams * params);

/* ---- the session side ---- */

/* otsrc subscribed to one stream, into an appsink at 48 kHz.  Playing. */
typedef struct
{
  GstElement *pipeline;
  BtAudio *audio;
} BtSubscriber;

BtSubscriber *bt_subscriber_new (const gchar * session_id,
    const gchar * stream_id);
void bt_subscriber_free (BtSubscriber * sub);

/* audiotestsrc → otsink: a stream of its own connection.  Playing. */
GstElement *bt_publisher_new (const gchar * session_id,
    const gchar * connection_id, const gchar * stream_id, guint tone_hz);
void bt_publisher_free (GstElement * publisher);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BtAudio, bt_audio_free);

G_END_DECLS
