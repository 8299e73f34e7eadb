/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The media bench-calls sends and mixes: a clip of synthetic speech
 * (espeak-ng: codec costs depend on the signal, and speech is what calls
 * carry), encoded once with the codecs the gateway uses, as lists of
 * packets; and the pcap file SIPp plays them from. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* What a far end of one codec sends and how it says so in SDP. */
typedef struct
{
  const gchar *name;            /* "pcmu", "opus" */
  guint pt;
  const gchar *rtpmap;          /* "PCMU/8000" */
  guint rate;                   /* of the raw audio before the encoder */
  const gchar *encoder;         /* launch fragment: raw -> encoded */
  const gchar *payloader;       /* encoded -> RTP */
  const gchar *depayloader;     /* RTP -> encoded */
  const gchar *decoder;         /* encoded -> raw */
} BenchCodec;

/* "pcmu" or "opus"; NULL for anything else. */
const BenchCodec *bench_codec_find (const gchar * name);

/* Speaks a fixed text of about 15 s into @dir/speech.wav; returns the
 * path. */
gchar *bench_media_make_speech (const gchar * dir, GError ** error);

/* Runs "filesrc location=@wav ! wavparse ! audioconvert ! audioresample !
 * audio/x-raw,format=S16LE,rate=@rate,channels=1 ! @chain" as fast as
 * possible and returns what comes out, in order; @caps (out, optional):
 * their caps. */
GPtrArray *bench_media_encode (const gchar * wav, guint rate,
    const gchar * chain, GstCaps ** caps, GError ** error);

/* The codec's RTP packets of the clip (pt = codec->pt, 20 ms each). */
GPtrArray *bench_media_rtp (const BenchCodec * codec, const gchar * wav,
    GstCaps ** caps, GError ** error);
/* Raw Opus packets of 20 ms (what a WebRTC publisher sends the hub). */
GPtrArray *bench_media_opus (const gchar * wav, GstCaps ** caps,
    GError ** error);

/* Writes @seconds of RTP for SIPp's play_pcap_audio (Ethernet/IPv4/UDP, 20
 * ms apart; SIPp keeps payload and timing and replaces the addresses): the
 * packets in a loop, renumbered so that sequence numbers and timestamps
 * run on across the loops, as from a real phone. */
gboolean bench_media_write_pcap (const gchar * path, GPtrArray * rtp,
    guint seconds, GError ** error);

G_END_DECLS
