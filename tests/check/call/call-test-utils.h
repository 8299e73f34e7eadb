/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the call tests share: a receiver of the call-monitoring callbacks
 * (a SoupServer on 127.0.0.1:0 in the test process), a gateway in the test
 * process whose project posts to it, dialling and hanging up through the
 * real REST API, and listening to / publishing into a session. */
#pragma once

#include <gst/gst.h>

#include "gw-test-tone.h"
#include "rest-test-utils.h"

G_BEGIN_DECLS

/* ---- callbacks ---- */

typedef struct _CallReceiver CallReceiver;

CallReceiver *call_receiver_new (void);
void call_receiver_free (CallReceiver * rx);
/* http://127.0.0.1:PORT/callbacks */
const gchar *call_receiver_get_url (CallReceiver * rx);
/* The events of one call, one word each, in arrival order: the event name,
 * the state for callUpdated, "callDestroyed(CODE MESSAGE)"; e.g.
 * "callCreated DIALING RINGING ACTIVE HANGUP callDestroyed(700 Normal
 * Clearing)". */
gchar *call_receiver_describe (CallReceiver * rx, const gchar * call_id);
/* Runs the default main context until the call's events contain @word (as
 * described above; "callDestroyed" matches any reason) or @timeout_ms
 * passed. */
gboolean call_receiver_wait (CallReceiver * rx, const gchar * call_id,
    const gchar * word, guint timeout_ms);
/* Waits for callDestroyed, then asserts the call's whole sequence is
 * @expected and that every event carries the same call, connection,
 * session, project and createdAt. */
void call_receiver_assert (CallReceiver * rx, const gchar * call_id,
    const gchar * session_id, const gchar * connection_id,
    const gchar * expected);
/* The first event received (its JSON object, transfer none) with that
 * name, e.g. to check its fields; NULL if none. */
JsonObject *call_receiver_find (CallReceiver * rx, const gchar * call_id,
    const gchar * event);

/* ---- a gateway in the test process ---- */

/* Settings for a gateway on 127.0.0.1, ephemeral HTTP and SIP ports, and
 * project TEST_API_KEY posting callbacks to @callback_url; @calls: more
 * "key=value\n" lines for [calls] (NULL = the defaults). */
gchar *call_settings_text (const gchar * callback_url, const gchar * calls);
/* The same with more "key=value\n" lines for [sip] (NULL = none). */
gchar *call_settings_text_full (const gchar * callback_url,
    const gchar * sip, const gchar * calls);

typedef struct
{
  RestFixture rest;
  CallReceiver *rx;
  gchar *rest_token;            /* X-OPENTOK-AUTH */
  gchar *session_id;            /* a routed session */
  gchar *client_token;          /* a publisher token for it */
} CallFixture;

void call_fixture_setup (CallFixture * f, const gchar * calls);
/* With more [sip] lines (TLS, secure-media). */
void call_fixture_setup_full (CallFixture * f, const gchar * sip,
    const gchar * calls);
/* Stops the gateway (every call left is hung up) and checks nothing of the
 * calls stayed behind: no call, no RTP port in use. */
void call_fixture_teardown (CallFixture * f);

/* g_test_add() fixture functions for the plain gateway (no [calls] limit,
 * no extra [sip] lines); data is unused. */
void call_test_setup (CallFixture * f, gconstpointer data);
void call_test_teardown (CallFixture * f, gconstpointer data);
/* Adds a test case `func` at `path` run on the plain gateway. */
#define call_test_add(path, func) \
  g_test_add ((path), CallFixture, NULL, call_test_setup, (func), \
      call_test_teardown)

/* A Node-style client token (JWT) for the session, role publisher. */
gchar *call_client_token (const gchar * session_id, const gchar * data);
/* The dial body for the fixture's session with @sip (a JSON object). */
gchar *call_dial_body (CallFixture * f, const gchar * sip);
RestReply *call_post_dial (CallFixture * f, const gchar * sip);
/* Dials and asserts 200 with the three IDs, and that the connection and
 * stream are in the session at once. */
void call_dial (CallFixture * f, const gchar * sip, GwDialReply * out);
/* DELETE .../connection/ID: asserts 204 and that the connection is gone. */
void call_disconnect (CallFixture * f, const gchar * connection_id);
/* The fixture's session (new ref). */
OtSession *call_fixture_get_session (CallFixture * f);

/* ---- media in the session ---- */

/* otsrc subscribed to one stream of a session, collecting its audio (raw
 * 48 kHz mono). */
typedef struct _CallListener CallListener;

CallListener *call_listener_new (const gchar * session_id,
    const gchar * stream_id);
/* Waits until @seconds of audio arrived after this call, and returns them. */
GwTestAudio *call_listener_record (CallListener * l, gdouble seconds,
    guint timeout_ms);
void call_listener_free (CallListener * l);

/* audiotestsrc → otsink: a stream of a new connection publishing a sine. */
GstElement *call_publisher_new (const gchar * session_id, guint tone_hz);
void call_publisher_free (GstElement * publisher);

/* ---- process resources ---- */

/* Open file descriptors and threads of this process. */
guint call_count_fds (void);
guint call_count_threads (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CallReceiver, call_receiver_free);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CallListener, call_listener_free);

G_END_DECLS
