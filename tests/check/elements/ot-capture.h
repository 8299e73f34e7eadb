/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Element tests: OtCapture records what flows through a pad (buffers,
 * raw S16LE mono samples, events) so that tests can wait for it and assert
 * on it from their own thread. */
#pragma once

#include <gst/gst.h>
#include "gw-test-tone.h"

G_BEGIN_DECLS

/* Polls `cond` every 2 ms for up to 10 s, then asserts it (for what has no
 * signal, such as the hub's counters; use in a gst-check test). */
#define OT_WAIT_FOR(cond) G_STMT_START {                                \
  gint64 _end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;      \
  while (!(cond) && g_get_monotonic_time () < _end)                     \
    g_usleep (2000);                                                    \
  fail_unless (cond, "timed out waiting for " #cond);                   \
} G_STMT_END

typedef struct _OtCapture OtCapture;

/* Probes `pad` (buffers and downstream events). */
OtCapture *ot_capture_new (GstPad * pad);
void ot_capture_free (OtCapture * capture);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtCapture, ot_capture_free);

GstPad *ot_capture_get_pad (OtCapture * capture);

/* Forgets what was recorded (counters, samples, events). */
void ot_capture_reset (OtCapture * capture);

/* Each waits at most timeout_ms; FALSE when it timed out. */
gboolean ot_capture_wait_buffers (OtCapture * capture, guint n,
    guint timeout_ms);
/* Waits for n consecutive buffers that are (gap) or are not (!gap)
 * GAP-flagged, counted from now. */
gboolean ot_capture_wait_run (OtCapture * capture, gboolean gap, guint n,
    guint timeout_ms);
gboolean ot_capture_wait_eos (OtCapture * capture, guint timeout_ms);

guint ot_capture_get_n_buffers (OtCapture * capture);
guint ot_capture_get_n_gap_buffers (OtCapture * capture);
/* Buffers after which the next one's PTS did not follow on (> 5 ms gap). */
guint ot_capture_get_n_pts_jumps (OtCapture * capture);
guint ot_capture_get_n_discont (OtCapture * capture);
/* The first buffer's flags and PTS (NONE before any). */
GstClockTime ot_capture_get_first_pts (OtCapture * capture);
gboolean ot_capture_first_is_keyframe (OtCapture * capture);
/* Whether an event of that type came (since the last reset). */
gboolean ot_capture_has_event (OtCapture * capture, GstEventType type);
/* The event types in order of arrival (since the last reset). */
GArray *ot_capture_get_event_types (OtCapture * capture);
/* The caps of the last CAPS event (new ref) or NULL; kept by reset. */
GstCaps *ot_capture_get_caps (OtCapture * capture);

/* The raw audio recorded since the last reset, at 48 kHz mono. */
GwTestAudio *ot_capture_get_audio (OtCapture * capture);

G_END_DECLS
