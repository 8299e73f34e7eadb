/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The codec floor of one call: the gateway's per-call decode, mix and
 * encode as plain pipelines fed from memory and run as fast as possible,
 * in ms of CPU per second of media.  Two halves, as in a call:
 *   far end -> session: RTP -> depay -> decode -> resample to 48 kHz
 *   session -> far end: the other stream's Opus -> decode (the hub's
 *     converter) -> audiomixer -> resample -> encode -> pay
 * Elements and settings are the gateway's (pipelines/sip-*.pipeline and
 * the hub's converter); sinks are fakesinks without sync. */
#pragma once

#include "bench-media.h"

G_BEGIN_DECLS

typedef struct
{
  gdouble media_s;              /* per half */
  gdouble receive_ms_per_s;     /* far end -> session */
  gdouble send_ms_per_s;        /* session -> far end */
  gdouble total_ms_per_s;
} BenchFloor;

/* Runs each half over @seconds of media (the clip looped), @repeats times,
 * and keeps each half's lowest cost (the least disturbed run). */
gboolean bench_floor_measure (const BenchCodec * codec, GPtrArray * rtp,
    GstCaps * rtp_caps, GPtrArray * opus, GstCaps * opus_caps,
    guint seconds, guint repeats, BenchFloor * out, GError ** error);

G_END_DECLS
