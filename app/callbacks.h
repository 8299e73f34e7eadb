/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Call-monitoring callbacks: finished event records are POSTed as compact
 * JSON to a project's callback URL, signed when it has a callback secret,
 * in order per call, retried with back-off, never blocking the main loop. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One finished event record.  Strings are copied by gw_callbacks_send. */
typedef struct
{
  const gchar *session_id;
  const gchar *project_id;      /* API key */
  const gchar *event;           /* callCreated, callUpdated, callDestroyed, muteForced */
  gint64 timestamp;             /* ms since epoch; 0 = now */
  const gchar *call_id;
  const gchar *connection_id;
  gint64 created_at;            /* ms since epoch */
  const gchar *state;           /* callUpdated: DIALING RINGING ON_HOLD ACTIVE HANGUP */
  const gchar *reason_code;     /* callDestroyed: "486", "700", ... */
  const gchar *reason_message;  /* callDestroyed: "Busy Here", "Normal Clearing" */
} GwCallEvent;

/* The compact JSON body for an event, exactly as sent. */
gchar *gw_call_event_to_json (const GwCallEvent * event);

#define GW_TYPE_CALLBACKS (gw_callbacks_get_type ())
G_DECLARE_FINAL_TYPE (GwCallbacks, gw_callbacks, GW, CALLBACKS, GObject);

/* Uses the thread-default main context at creation time.  The last unref
 * cancels what is in flight; the cancelled requests finish on later
 * iterations of that context (flush first on shutdown). */
GwCallbacks *gw_callbacks_new (void);

/* Retry policy for connection errors, timeouts (10 s per request), 408, 429
 * and 5xx: first delay, maximum delay (the delay doubles), and how long after
 * its first attempt an event is retried before it is dropped (with a
 * warning).  Defaults 1 s, 30 s, 300 s.  Any other non-2xx answer drops the
 * event at once (with a warning) and the call's next event goes. */
void gw_callbacks_set_retry (GwCallbacks * self, guint initial_ms,
    guint max_ms, guint give_up_ms);
/* Bound on events queued or in flight across all calls (default 10000).
 * When it is reached a new event that is not a callDestroyed is dropped
 * (with a warning).  A callDestroyed is never dropped for the bound: it takes
 * the place of the newest waiting non-final event of its own call, else of
 * another call; if every waiting event is a callDestroyed it is queued beyond
 * the bound (there is at most one per call). */
void gw_callbacks_set_max_queued (GwCallbacks * self, guint max_queued);

/* Queues an event for `url` (no-op when url is NULL or empty).  `secret`
 * (nullable) signs it.  Events with the same call_id leave in order. */
void gw_callbacks_send (GwCallbacks * self, const gchar * url,
    const gchar * secret, const GwCallEvent * event);

/* Events queued or in flight. */
guint gw_callbacks_get_n_pending (GwCallbacks * self);

/* Iterates the main context until every event is delivered or given up, or
 * `timeout_ms` passed.  Returns TRUE if the queue is empty.  For shutdown. */
gboolean gw_callbacks_flush (GwCallbacks * self, guint timeout_ms);

G_END_DECLS
