/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DTMF sender's state, shared by its two players: RFC 4733 events
 * (media-dtmf.c) and in-band tones (media-dtmf-tones.c). */
#pragma once

#include "media-dtmf.h"

G_BEGIN_DECLS

typedef enum
{
  PHASE_IDLE,                   /* between characters */
  PHASE_TONE,                   /* the digit sounds (update packets) */
  PHASE_END,                    /* RFC 4733: the end packets */
  PHASE_GAP,                    /* silence after a digit */
  PHASE_PAUSE,                  /* 'p' */
} GwMediaDtmfPhase;

struct _GwMediaDtmfSender
{
  gchar *name;

  /* Main thread: the probe while attached. */
  GstPad *pad;
  gulong probe_id;

  GMutex lock;
  /* All below guarded by lock.  Durations count ticks of rate. */
  GString *queue;               /* characters not started */
  gchar current;                /* playing; 0 when idle */
  guint event;                  /* its RFC 4733 code */
  GwMediaDtmfPhase phase;
  guint64 elapsed;              /* of the tone */
  guint64 silent;               /* of the gap (from the end) or pause */
  guint n_end;                  /* end packets sent */

  gboolean rfc4733;             /* else in-band */
  guint pt;                     /* telephone-event */
  /* RFC 4733: telephone-event clock rate; in-band: the sample rate.  0
   * until known (caps). */
  guint rate;
  /* RFC 4733: the telephone-event timestamps follow the audio packets',
   * scaled when the rates differ (Opus at 48 kHz, telephone-event/8000). */
  guint codec_rate;             /* 0 until known */
  gboolean clock_started;
  guint32 last_audio_ts;
  guint32 clock;                /* telephone-event time of this packet */
  gint64 remainder;             /* of the scaling */
  guint packet_ticks;           /* one packet's duration */
  guint32 event_ts;
  gboolean unusable;            /* in-band: the mix has another format */
};

/* Starts the next character; FALSE when there is none.  Lock held. */
gboolean gw_media_dtmf_sender_next (GwMediaDtmfSender * self);
/* Counts silence; ends the gap or pause when it is long enough.  Lock
 * held. */
void gw_media_dtmf_sender_add_silence (GwMediaDtmfSender * self,
    guint64 ticks);

static inline guint64
gw_media_dtmf_ms_to_ticks (GwMediaDtmfSender * self, guint ms)
{
  return (guint64) self->rate * ms / 1000;
}

/* The in-band player: a buffer probe on the mixer's src pad, with the
 * sender as data. */
GstPadProbeReturn gw_media_dtmf_tones_probe (GstPad * pad,
    GstPadProbeInfo * info, gpointer user_data);

G_END_DECLS
