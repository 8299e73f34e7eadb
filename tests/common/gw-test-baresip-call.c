/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Driving a started baresip: menu commands over ctrl_tcp, waits on its call
 * events, and the recordings of its sndfile filter.  Waits consume events
 * in order (a cursor), so a test that waits for "established" then
 * "closed" sees one call's events in sequence and a second call's later. */
#include "gw-test-baresip-private.h"
#include "gw-test-process.h"
#include "gw-test-wav.h"

#include <string.h>

/* How often a growing recording is re-read while waiting on it. */
#define RECORDING_POLL_US (100 * G_TIME_SPAN_MILLISECOND)
/* "Heard": the tone holds this share of the power of the last window. */
#define HEARD_WINDOW_S 0.5
#define HEARD_TOLERANCE_HZ 10.0
#define HEARD_SHARE 0.8

static gboolean
check_started (GwTestBaresip * self, GError ** error)
{
  if (self->ctrl)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
      "baresip is not started");
  return FALSE;
}

/**
 * gw_test_baresip_command:
 * Runs a long menu command (what follows "/" in baresip's console, e.g.
 * "dial" with params "sip:x@127.0.0.1:5060", "hangup", "accept", "hold").
 *
 * Returns: (transfer full): the command's output, or NULL and an error when
 * baresip reports failure or does not answer within 5 s.
 */
gchar *
gw_test_baresip_command (GwTestBaresip * self, const gchar * command,
    const gchar * params, GError ** error)
{
  g_autoptr (JsonObject) response = NULL;
  const gchar *data;

  if (!check_started (self, error))
    return NULL;
  response = gw_test_baresip_ctrl_command (self->ctrl, command, params,
      GW_TEST_BARESIP_COMMAND_TIMEOUT_MS, error);
  if (!response)
    return NULL;
  data = json_object_get_string_member_with_default (response, "data", "");
  if (!json_object_get_boolean_member_with_default (response, "ok", FALSE)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "baresip '%s%s%s' failed: %s", command, params ? " " : "",
        params ? params : "", data);
    return NULL;
  }
  return g_strdup (data);
}

static gboolean
run (GwTestBaresip * self, const gchar * command, const gchar * params,
    GError ** error)
{
  g_autofree gchar *out = gw_test_baresip_command (self, command, params,
      error);

  return out != NULL;
}

/** gw_test_baresip_dial: calls @uri; follow with wait_established. */
gboolean
gw_test_baresip_dial (GwTestBaresip * self, const gchar * uri, GError ** error)
{
  return run (self, "dial", uri, error);
}

/** gw_test_baresip_hangup: hangs up the current call. */
gboolean
gw_test_baresip_hangup (GwTestBaresip * self, GError ** error)
{
  return run (self, "hangup", NULL, error);
}

/**
 * gw_test_baresip_send_dtmf:
 * @digits: of 0-9 * # A-D, sent as RFC 4733 telephone-events in the
 *   current call (about 0.25 s each).
 */
gboolean
gw_test_baresip_send_dtmf (GwTestBaresip * self, const gchar * digits,
    GError ** error)
{
  if (!*digits || strspn (digits, "0123456789*#ABCD") != strlen (digits)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "not DTMF digits: '%s'", digits);
    return FALSE;
  }
  return run (self, "sndcode", digits, error);
}

/** gw_test_baresip_switch_tone: changes the tone of the current call. */
gboolean
gw_test_baresip_switch_tone (GwTestBaresip * self, guint freq_hz,
    GError ** error)
{
  g_autofree gchar *device = g_strdup_printf ("ausine,%u", freq_hz);

  return run (self, "ausrc", device, error);
}

static const gchar *
event_type (JsonObject * event)
{
  return json_object_get_string_member_with_default (event, "type", "");
}

typedef struct
{
  GwTestBaresip *self;
  const gchar *const *types;
  gint found;
} EventWait;

static gboolean
event_arrived (gpointer data)
{
  EventWait *w = data;
  GPtrArray *events = gw_test_baresip_ctrl_get_events (w->self->ctrl);

  for (guint i = w->self->cursor; i < events->len; i++)
    if (g_strv_contains (w->types, event_type (events->pdata[i]))) {
      w->found = i;
      return TRUE;
    }
  return !gw_test_baresip_ctrl_is_open (w->self->ctrl);
}

static gchar *
describe_events (GwTestBaresip * self)
{
  GPtrArray *events = gw_test_baresip_ctrl_get_events (self->ctrl);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    g_string_append_printf (s, "%s%s(%s)", i ? " " : "",
        event_type (events->pdata[i]),
        json_object_get_string_member_with_default (events->pdata[i],
            "param", ""));
  return g_string_free (s, FALSE);
}

static JsonObject *
wait_for (GwTestBaresip * self, const gchar * const *types, guint timeout_ms,
    GError ** error)
{
  EventWait w = { self, types, -1 };
  GPtrArray *events;

  if (!check_started (self, error))
    return NULL;
  gw_test_wait_until (event_arrived, &w, timeout_ms);
  if (w.found < 0) {
    g_autofree gchar *joined = g_strjoinv ("|", (gchar **) types);
    g_autofree gchar *seen = describe_events (self);
    g_autofree gchar *log = gw_test_baresip_get_log (self);

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
        "baresip %s: no %s within %u ms%s; events: %s\n--- baresip "
        "output:\n%s", self->user, joined, timeout_ms,
        gw_test_baresip_ctrl_is_open (self->ctrl) ? "" : " (it went away)",
        seen, log);
    return NULL;
  }
  events = gw_test_baresip_ctrl_get_events (self->ctrl);
  self->cursor = w.found + 1;
  return json_object_ref (events->pdata[w.found]);
}

/**
 * gw_test_baresip_wait_event:
 * @type: a ctrl_tcp event type, e.g. "CALL_INCOMING", "CALL_RTPESTAB"
 *
 * Returns: (transfer full): the next event of @type not consumed by an
 * earlier wait ("param", "peeruri", "id", ... members), or NULL.
 */
JsonObject *
gw_test_baresip_wait_event (GwTestBaresip * self, const gchar * type,
    guint timeout_ms, GError ** error)
{
  const gchar *types[] = { type, NULL };

  return wait_for (self, types, timeout_ms, error);
}

/**
 * gw_test_baresip_wait_established:
 * Waits for the next call to be answered (either direction); a call that
 * closes first is an error naming the reason (e.g. "486 Busy Here").
 */
gboolean
gw_test_baresip_wait_established (GwTestBaresip * self, guint timeout_ms,
    GError ** error)
{
  const gchar *types[] = { "CALL_ESTABLISHED", "CALL_CLOSED", NULL };
  g_autoptr (JsonObject) event = wait_for (self, types, timeout_ms, error);

  if (!event)
    return FALSE;
  if (!g_strcmp0 (event_type (event), "CALL_ESTABLISHED"))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
      "baresip %s: call closed before it was established: %s", self->user,
      json_object_get_string_member_with_default (event, "param", ""));
  return FALSE;
}

/**
 * gw_test_baresip_wait_closed:
 * @reason: (out) (optional) (transfer full): baresip's reason, e.g.
 *   "Connection reset by peer" when the other side sent BYE
 */
gboolean
gw_test_baresip_wait_closed (GwTestBaresip * self, guint timeout_ms,
    gchar ** reason, GError ** error)
{
  const gchar *types[] = { "CALL_CLOSED", NULL };
  g_autoptr (JsonObject) event = wait_for (self, types, timeout_ms, error);

  if (!event)
    return FALSE;
  if (reason)
    *reason = g_strdup (json_object_get_string_member_with_default (event,
            "param", ""));
  return TRUE;
}

/**
 * gw_test_baresip_get_received_dtmf:
 * Returns: the RFC 4733 digits received so far, in order.
 */
const gchar *
gw_test_baresip_get_received_dtmf (GwTestBaresip * self)
{
  GPtrArray *events;

  if (!self->ctrl)
    return "";
  events = gw_test_baresip_ctrl_get_events (self->ctrl);
  for (; self->dtmf_seen < events->len; self->dtmf_seen++) {
    JsonObject *event = events->pdata[self->dtmf_seen];

    if (!g_strcmp0 (event_type (event), "CALL_DTMF_START"))
      g_string_append (self->dtmf,
          json_object_get_string_member_with_default (event, "param", ""));
  }
  return self->dtmf->str;
}

/**
 * gw_test_baresip_get_recording:
 * @received: TRUE for what it received (decoded), FALSE for what it sent
 *
 * Returns: (transfer full): the path of the newest call's recording.
 */
gchar *
gw_test_baresip_get_recording (GwTestBaresip * self, gboolean received,
    GError ** error)
{
  g_autofree gchar *rec = NULL;
  g_autoptr (GDir) dir = NULL;
  g_autofree gchar *newest = NULL;
  const gchar *suffix = received ? "-dec.wav" : "-enc.wav";
  const gchar *name;

  if (!check_started (self, error))
    return NULL;
  rec = g_build_filename (self->dir, "rec", NULL);
  if (!(dir = g_dir_open (rec, 0, error)))
    return NULL;
  /* names carry the call's start time, so the greatest is the newest */
  while ((name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, suffix) && g_strcmp0 (name, newest) > 0) {
      g_free (newest);
      newest = g_strdup (name);
    }
  if (!newest) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
        "baresip %s has no %s recording in %s (no call had audio yet)",
        self->user, received ? "received" : "sent", rec);
    return NULL;
  }
  return g_build_filename (rec, newest, NULL);
}

static GwTestAudio *
load_recording (GwTestBaresip * self, gboolean received, GError ** error)
{
  g_autofree gchar *path = gw_test_baresip_get_recording (self, received,
      error);

  return path ? gw_test_wav_load (path, error) : NULL;
}

/**
 * gw_test_baresip_load_received:
 * Returns: (transfer full): what the newest call received so far (complete
 * once the call has closed).
 */
GwTestAudio *
gw_test_baresip_load_received (GwTestBaresip * self, GError ** error)
{
  return load_recording (self, TRUE, error);
}

/** gw_test_baresip_load_sent: Returns: (transfer full): what it sent. */
GwTestAudio *
gw_test_baresip_load_sent (GwTestBaresip * self, GError ** error)
{
  return load_recording (self, FALSE, error);
}

typedef struct
{
  GwTestBaresip *self;
  gdouble seconds;              /* wanted duration, or */
  gdouble freq;                 /* wanted tone (0: any audio) */
  gdouble have;                 /* duration so far */
  gdouble share;                /* the tone's share of the last window */
  gint64 next_check;
} RecordingWait;

static gboolean
recording_ready (gpointer data)
{
  RecordingWait *w = data;
  g_autoptr (GwTestAudio) audio = NULL;
  g_autoptr (GwTestAudio) tail = NULL;

  if (g_get_monotonic_time () < w->next_check)
    return FALSE;
  w->next_check = g_get_monotonic_time () + RECORDING_POLL_US;
  audio = gw_test_baresip_load_received (w->self, NULL);
  w->have = audio ? gw_test_audio_duration (audio) : 0;
  if (w->freq > 0 && w->have >= HEARD_WINDOW_S) {
    tail = gw_test_audio_slice (audio, w->have - HEARD_WINDOW_S, -1);
    w->share = gw_test_tone_is_silent (tail, GW_TEST_TONE_SILENCE_DBFS) ? 0 :
        gw_test_tone_power_fraction (tail, w->freq, HEARD_TOLERANCE_HZ);
  }
  if (!gw_test_baresip_ctrl_is_open (w->self->ctrl))
    return TRUE;
  return w->freq > 0 ? w->share >= HEARD_SHARE : w->have >= w->seconds;
}

/**
 * gw_test_baresip_wait_received_seconds:
 * Waits until the newest call's received recording holds @seconds of
 * audio (packets that never arrived take no room in it).
 */
gboolean
gw_test_baresip_wait_received_seconds (GwTestBaresip * self, gdouble seconds,
    guint timeout_ms, GError ** error)
{
  RecordingWait w = { self, seconds, 0, 0, 0, 0 };

  if (!check_started (self, error))
    return FALSE;
  gw_test_wait_until (recording_ready, &w, timeout_ms);
  if (w.have >= seconds)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
      "baresip %s received %.2f s of audio, not %.2f s, within %u ms",
      self->user, w.have, seconds, timeout_ms);
  return FALSE;
}

/**
 * gw_test_baresip_wait_heard:
 * Waits until the last 0.5 s received in the newest call are not silent
 * and hold mostly (80 % of their power) a tone of @freq_hz ±10 Hz: "the
 * far end hears it now", however long the path takes to carry it.  For
 * mixes, wait_received_seconds() and gw_test_tone_power_fraction().
 */
gboolean
gw_test_baresip_wait_heard (GwTestBaresip * self, gdouble freq_hz,
    guint timeout_ms, GError ** error)
{
  RecordingWait w = { self, 0, freq_hz, 0, 0, 0 };
  g_autoptr (GwTestAudio) audio = NULL;
  g_autofree gchar *summary = NULL;

  g_return_val_if_fail (freq_hz > 0, FALSE);
  if (!check_started (self, error))
    return FALSE;
  gw_test_wait_until (recording_ready, &w, timeout_ms);
  if (w.share >= HEARD_SHARE)
    return TRUE;
  audio = gw_test_baresip_load_received (self, NULL);
  summary = audio ? gw_test_tone_describe (audio) : g_strdup ("nothing");
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
      "baresip %s did not hear %.0f Hz within %u ms (%.0f %% of the last "
      "window); received %s", self->user, freq_hz, timeout_ms,
      w.share * 100, summary);
  return FALSE;
}

typedef struct
{
  GwTestBaresip *self;
  gsize count;
} DtmfWait;

static gboolean
dtmf_arrived (gpointer data)
{
  DtmfWait *w = data;

  return strlen (gw_test_baresip_get_received_dtmf (w->self)) >= w->count
      || !gw_test_baresip_ctrl_is_open (w->self->ctrl);
}

/**
 * gw_test_baresip_wait_dtmf:
 * Waits until as many digits as @expected arrived (RFC 4733), then
 * compares all digits received so far with @expected.
 */
gboolean
gw_test_baresip_wait_dtmf (GwTestBaresip * self, const gchar * expected,
    guint timeout_ms, GError ** error)
{
  DtmfWait w = { self, strlen (expected) };
  const gchar *got;

  if (!check_started (self, error))
    return FALSE;
  gw_test_wait_until (dtmf_arrived, &w, timeout_ms);
  got = gw_test_baresip_get_received_dtmf (self);
  if (!g_strcmp0 (got, expected))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
      "baresip %s received DTMF '%s', expected '%s' (within %u ms)",
      self->user, got, expected, timeout_ms);
  return FALSE;
}
