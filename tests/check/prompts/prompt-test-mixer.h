/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The graph the prompt player serves, for its tests: the player and a live
 * audiotestsrc into an audiomixer set as a call's (force-live, 20 ms
 * buffers).  Collected: every slice the player pushes (stamps, which prompt
 * and where in it) and every sample the mixer puts out; and the measures
 * the tests assert on. */
#pragma once

#include <gst/gst.h>

#include "gw-test-tone.h"
#include "media-prompt.h"

G_BEGIN_DECLS

#define PT_SLICE 960            /* samples in 20 ms */
#define PT_RATE 48000

typedef struct
{
  GstClockTime pts;
  GstClockTime duration;
  gint prompt;                  /* -1: not from any embedded prompt */
  gsize offset;                 /* in samples, into the prompt */
  gsize samples;
  gboolean discont;
} PtSlice;

typedef struct
{
  GstElement *pipeline;
  GstElement *prompt;
  GMutex lock;
  /* Guarded by lock. */
  GArray *slices;               /* PtSlice, all the player pushed */
  GArray *out;                  /* gint16, the mixer's output */
  GstClockTime first_pts;       /* of out[0] */
  GstClockTime next_pts;
  guint gaps;                   /* output stamps that jumped */
  gboolean restarted;
  /* A thread that sleeps 5 ms at a time and adds up how much later than
   * that it wakes: how long this process was starved of CPU. */
  GThread *watch;
  gint stop_watch;              /* atomic */
  gssize stalled_us;            /* atomic */
} PtMixer;

/* Its neighbour plays 440 Hz at -43 dBFS (tone) or digital silence. */
PtMixer *pt_mixer_new (gboolean tone);
/* Stops it; no error on the bus, only the player's own slices. */
void pt_mixer_free (PtMixer * m);
GwMediaPrompt *pt_mixer_prompt (PtMixer * m);
void pt_mixer_set_state (PtMixer * m, GstState state);
GstClockTime pt_mixer_running_time (PtMixer * m);
/* Waits until the mixer has put out everything up to running time until
 * (it runs on its own, whatever the player does); _more: ms from now. */
void pt_mixer_wait_output (PtMixer * m, GstClockTime until);
void pt_mixer_wait_more (PtMixer * m, guint ms);
/* After READY and back: the output starts again from here. */
void pt_mixer_restart_output (PtMixer * m);

/* How long the process has been starved of CPU so far: threads woke up
 * that much later than they meant to (timing tolerances grow by it). */
GstClockTime pt_mixer_stalled (PtMixer * m);
gdouble pt_mixer_seconds_of (PtMixer * m, gsize index);
GwTestAudio *pt_mixer_audio (PtMixer * m, GstClockTime from, gdouble seconds);

/* ---- the player's slices ---- */

/* Slices [first, first + n) are prompt's from sample offset on, 20 ms each
 * (the last of the prompt shorter), stamped back to back. */
void pt_assert_slices (PtMixer * m, guint first, guint n, GwPrompt prompt,
    gsize offset);
/* Slice i follows slice i - 1 without a gap or a DISCONT flag. */
void pt_assert_follows (PtMixer * m, guint i);
guint pt_slices_count (PtMixer * m);
PtSlice pt_slice (PtMixer * m, guint i);

/* ---- the output against a prompt's samples, with a silent neighbour ---- */

typedef struct
{
  GBytes *bytes;
  const gint16 *s;
  gsize n;
} PtPcm;

PtPcm pt_pcm (GwPrompt prompt);
void pt_pcm_clear (PtPcm * pcm);

/* Where in the output the prompt's sample 0 is, the first sound at or after
 * from being the prompt's. */
gsize pt_find_start (PtMixer * m, gsize from, const PtPcm * pcm);
/* The first sample k >= from of the prompt played at `at` where the output
 * has a sound that is not the prompt's. */
gsize pt_first_difference (PtMixer * m, gsize at, const PtPcm * pcm,
    gsize from);
/* Samples [from, to) of the prompt played at `at` are in the output, each
 * in its place.  When the process is starved of CPU (on a loaded machine or
 * a throttled container) the live mixer catches up without the slices it
 * gets too late: holes of silence in the prompt, no longer in all than the
 * starvation measured. */
void pt_assert_prompt (PtMixer * m, gsize at, const PtPcm * pcm, gsize from,
    gsize to);
/* The same, excusing `excused` seconds of holes besides. */
void pt_assert_prompt_excusing (PtMixer * m, gsize at, const PtPcm * pcm,
    gsize from, gsize to, gdouble excused);
void pt_assert_silent (PtMixer * m, gsize from, gsize to);

G_END_DECLS
