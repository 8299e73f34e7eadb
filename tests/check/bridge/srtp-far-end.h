/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A secure SIP far end for the media bridge tests, made of GStreamer
 * pipelines on 127.0.0.1: SDES (srtpenc/srtpdec with the keys the test
 * gives) or DTLS-SRTP (dtlssrtpenc/dtlssrtpdec with a certificate of its
 * own).  It sends a PCMU tone, decodes what it receives, and logs every
 * packet twice: as its socket received it, and after decryption. */
#pragma once

#include "bridge-test-utils.h"
#include "media-bridge.h"
#include "ot-hub.h"

G_BEGIN_DECLS

typedef struct
{
  guint8 first;                 /* first byte: 128-191 RTP, 20-63 DTLS */
  guint16 seq;
  guint32 ssrc;
  gsize size;
  guint8 payload[16];           /* the first payload bytes */
} SfPacket;

typedef struct
{
  GstElement *receiver;         /* socket → decrypt → decode → audio */
  GstElement *sender;           /* tone → encrypt → socket; may be NULL */
  GSocket *rtp_socket;
  GSocket *rtcp_socket;
  guint rtp_port;
  guint rtcp_port;
  guint bridge_port;
  BtAudio *audio;
  GstElement *decoder;          /* srtpdec or dtlssrtpdec */
  gboolean dtls;
  GMutex lock;
  /* Guarded by lock. */
  GArray *wire;                 /* SfPacket, as received */
  GArray *plain;                /* SfPacket, decrypted */
  guint8 key[30];               /* SDES: decrypts what the bridge sends */
  GwSrtpSuite suite;
} SfFarEnd;

/* SDES: decrypts with recv_key (the bridge's local key, base64); sends
 * tone_hz (0 = nothing) encrypted with send_key from SSRC ssrc, sequence
 * numbers from seq. */
SfFarEnd *sf_far_end_new_sdes (GwSrtpSuite suite, const gchar * recv_key,
    const gchar * send_key, guint tone_hz, guint ssrc, guint seq,
    guint bridge_port);
/* Replaces the sender (stopped if tone_hz is 0). */
void sf_far_end_restart_sender (SfFarEnd * far, const gchar * send_key,
    guint tone_hz, guint ssrc, guint seq);
/* SDES: new key for what the bridge sends. */
void sf_far_end_set_recv_key (SfFarEnd * far, const gchar * recv_key);

/* DTLS-SRTP as client or server with the certificate and key in pem, or
 * the process's own certificate when NULL. */
SfFarEnd *sf_far_end_new_dtls (gboolean client, const gchar * pem,
    guint tone_hz, guint bridge_port);

void sf_far_end_free (SfFarEnd * far);

/* Media params for a bridge talking to this far end (codec PCMU). */
void sf_far_end_params (SfFarEnd * far, GwMediaParams * params);

/* Forgets the packets logged. */
void sf_far_end_clear (SfFarEnd * far);
/* Waits for n decrypted packets logged since the last clear. */
gboolean sf_far_end_wait_plain (SfFarEnd * far, guint n, guint timeout_ms);
/* Checks that what the bridge sent was SRTP, not RTP: each decrypted
 * packet came off the wire tag_len bytes longer, with other payload bytes.
 * Returns the number of packets compared (the first decrypted since the
 * last clear may not be). */
guint sf_far_end_assert_encrypted (SfFarEnd * far, guint tag_len);
/* DTLS records the socket received. */
guint sf_far_end_count_dtls (SfFarEnd * far);

/* ---- the bridge under test ---- */

#define SF_SIP_CONNECTION "sip-conn"
#define SF_SIP_STREAM "sip-stream"

/* A session with the call's connection and stream, as the gateway makes
 * them at dial time, and a bridge for the call on two free ports. */
typedef struct
{
  gchar *session_id;
  OtSession *session;
  OtStream *stream;
  GwMediaPorts *ports;
  GwMediaBridge *bridge;
} SfCall;

/* Names the session and call after prefix and a per-process counter. */
void sf_call_setup (SfCall * call, const gchar * prefix);
/* Frees all of it, checking that the bridge gave its ports back. */
void sf_call_teardown (SfCall * call);
/* gw_media_bridge_start / _update that must succeed. */
void sf_call_start (SfCall * call, const GwMediaParams * params);
void sf_call_update (SfCall * call, const GwMediaParams * params);

/* The tone of freq dominates the next 500 ms heard on audio. */
void sf_assert_tone (BtAudio * audio, gdouble freq, guint timeout_ms);

/* A self-signed certificate and its key (PEM) made with openssl(1). */
gchar *sf_make_certificate (void);

G_END_DECLS
