/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Two calls into one session hear each other, and a third stream of the
 * session, and not themselves: baresip far ends play 440 Hz and 660 Hz,
 * otsink in the test process publishes 1000 Hz, and what each far end
 * receives (its own recording) is analysed.  The session hears each far
 * end's tone on its call's stream. */
#include "call-test-utils.h"
#include "gw-test-baresip.h"

#define WAIT_MS 10000
#define LISTEN_SECONDS 1.5

#define CHECK(call) G_STMT_START {                                      \
    gboolean ok_ = (call);                                              \
    g_assert_no_error (error);                                          \
    g_assert_true (ok_);                                                \
  } G_STMT_END

static GwTestBaresip *
far_end_new (const gchar * user, guint tone)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestBaresip) far = gw_test_baresip_new (user);

  gw_test_baresip_set_tone (far, tone);
  CHECK (gw_test_baresip_start (far, &error));
  return g_steal_pointer (&far);
}

static void
dial (CallFixture * f, GwTestBaresip * far, GwDialReply * call)
{
  g_autofree gchar *uri = gw_test_baresip_get_uri (far);
  g_autofree gchar *sip = g_strdup_printf ("{\"uri\":\"%s\"}", uri);
  g_autoptr (GError) error = NULL;

  call_dial (f, sip, call);
  CHECK (gw_test_baresip_wait_established (far, WAIT_MS, &error));
  g_assert_true (call_receiver_wait (f->rx, call->call_id, "ACTIVE", WAIT_MS));
}

/* The last second @far received is @a and @b mixed, without @absent. */
static gboolean
heard (GwTestBaresip * far, gdouble a, gdouble b, gdouble absent)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestAudio) all = NULL;
  g_autoptr (GwTestAudio) tail = NULL;
  g_autofree gchar *summary = NULL;
  gdouble pa, pb, pabsent;

  all = gw_test_baresip_load_received (far, &error);
  g_assert_no_error (error);
  tail = gw_test_audio_slice (all, gw_test_audio_duration (all) - 1.0, -1);
  summary = gw_test_tone_describe (tail);
  pa = gw_test_tone_power_fraction (tail, a, 10);
  pb = gw_test_tone_power_fraction (tail, b, 10);
  pabsent = gw_test_tone_power_fraction (tail, absent, 10);
  g_test_message ("received %s: %.2f at %.0f Hz, %.2f at %.0f Hz, %.3f at "
      "%.0f Hz", summary, pa, a, pb, b, pabsent, absent);
  g_assert_false (gw_test_tone_is_silent (tail, GW_TEST_TONE_SILENCE_DBFS));
  /* Never itself, at any time. */
  g_assert_cmpfloat (pabsent, <, 0.02);
  return pa > 0.1 && pb > 0.1 && pa + pb > 0.8;
}

/* Listens for up to a few more seconds: a loaded machine (the sanitizer
 * builds) may take a moment until every stream is in the mix. */
static void
assert_hears (GwTestBaresip * far, gdouble a, gdouble b, gdouble absent)
{
  g_autoptr (GError) error = NULL;
  gdouble seconds = LISTEN_SECONDS;

  while (!heard (far, a, b, absent)) {
    seconds += 0.5;
    g_assert_cmpfloat (seconds, <, LISTEN_SECONDS + 5);
    CHECK (gw_test_baresip_wait_received_seconds (far, seconds, WAIT_MS,
            &error));
  }
}

/* The session hears @tone on the call's stream. */
static void
assert_published (CallFixture * f, const GwDialReply * call, gdouble tone)
{
  g_autoptr (CallListener) listener = call_listener_new (f->session_id,
      call->stream_id);
  g_autoptr (GwTestAudio) heard = call_listener_record (listener, 0.5, WAIT_MS);

  g_assert_nonnull (heard);
  g_assert_cmpfloat_with_epsilon (gw_test_tone_dominant_frequency (heard, 100,
          4000), tone, 5);
}

static void
test_two_calls_and_a_publisher (CallFixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestBaresip) alice = far_end_new ("alice", 440);
  g_autoptr (GwTestBaresip) bob = far_end_new ("bob", 660);
  GstElement *publisher = call_publisher_new (f->session_id, 1000);
  g_auto (GwDialReply) a = { 0 };
  g_auto (GwDialReply) b = { 0 };

  dial (f, alice, &a);
  dial (f, bob, &b);
  /* What each far end got once both calls and the publisher ran. */
  CHECK (gw_test_baresip_wait_received_seconds (alice, LISTEN_SECONDS + 1.0,
          WAIT_MS, &error));
  CHECK (gw_test_baresip_wait_received_seconds (bob, LISTEN_SECONDS,
          WAIT_MS, &error));
  assert_hears (alice, 660, 1000, 440);
  assert_hears (bob, 440, 1000, 660);
  assert_published (f, &a, 440);
  assert_published (f, &b, 660);

  call_disconnect (f, a.connection_id);
  CHECK (gw_test_baresip_wait_closed (alice, WAIT_MS, NULL, &error));
  /* Bob hangs up himself: BYE from the far end. */
  CHECK (gw_test_baresip_hangup (bob, &error));
  call_receiver_assert (f->rx, a.call_id, f->session_id, a.connection_id,
      "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
  call_receiver_assert (f->rx, b.call_id, f->session_id, b.connection_id,
      "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
  call_publisher_free (publisher);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  call_test_add ("/call-media/two-calls-and-a-publisher",
      test_two_calls_and_a_publisher);
  return g_test_run ();
}
