/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Calls leave nothing behind: 20 sequential calls (answered, a tone from
 * the far end heard in the session, force disconnected) and the process's open
 * file descriptors and threads are back where they were after the first
 * ones, every call ended with its callDestroyed, and nothing stays in the
 * session or the registry. */
#include "call-test-utils.h"
#include "gw-test-pcap.h"
#include "gw-test-process.h"
#include "gw-test-sipp.h"

#define N_CALLS 20
#define WARM_UP 2
#define WAIT_MS 10000

#define CHECK(call) G_STMT_START {                                      \
    gboolean ok_ = (call);                                              \
    g_assert_no_error (error);                                          \
    g_assert_true (ok_);                                                \
  } G_STMT_END

static void
one_call (CallFixture * f, const gchar * sip)
{
  g_auto (GwDialReply) call = { 0 };
  g_autoptr (CallListener) listener = NULL;
  g_autoptr (GwTestAudio) heard = NULL;

  call_dial (f, sip, &call);
  g_assert_true (call_receiver_wait (f->rx, call.call_id, "ACTIVE", WAIT_MS));
  /* The far end's tone is in the session: the media ran. */
  listener = call_listener_new (f->session_id, call.stream_id);
  heard = call_listener_record (listener, 0.2, WAIT_MS);
  g_assert_nonnull (heard);
  g_assert_cmpfloat (gw_test_tone_power_fraction (heard, 440, 10), >, 0.8);
  g_clear_pointer (&listener, call_listener_free);
  call_disconnect (f, call.connection_id);
  call_receiver_assert (f->rx, call.call_id, f->session_id,
      call.connection_id, "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
  g_assert_cmpuint (gw_call_registry_get_n_calls (gw_gateway_get_calls
          (f->rest.gateway)), ==, 0);
}

typedef struct
{
  guint fds;
  guint threads;
} Counts;

/* Streaming threads of the last pipeline may still be winding down. */
static gboolean
back_to (gpointer data)
{
  Counts *c = data;

  return call_count_fds () <= c->fds && call_count_threads () <= c->threads;
}

static void
test_sequential_calls (CallFixture * f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestSipp) far =
      gw_test_sipp_new ("tests/common/scenarios/uas-play-pcap.xml");
  g_autofree gchar *pcap = g_build_filename (gw_test_sipp_get_workdir (far),
      "play.pcap", NULL);
  g_autofree gchar *uri = NULL, *sip = NULL;
  Counts base = { 0, 0 };

  CHECK (gw_test_pcap_write_tone (pcap, "PCMU", 440, 3.0, &error));
  gw_test_sipp_set_key (far, "pt", "0");
  gw_test_sipp_set_key (far, "codec", "PCMU");
  gw_test_sipp_set_calls (far, N_CALLS);
  gw_test_sipp_set_timeout (far, 90);
  CHECK (gw_test_sipp_start (far, &error));
  uri = gw_test_sipp_get_uri (far, "bob");
  sip = g_strdup_printf ("{\"uri\":\"%s\"}", uri);
  for (guint i = 0; i < N_CALLS; i++) {
    one_call (f, sip);
    if (i + 1 == WARM_UP) {
      while (g_main_context_iteration (NULL, FALSE));
      base.fds = call_count_fds ();
      base.threads = call_count_threads ();
      g_test_message ("after %u calls: %u fds, %u threads", i + 1, base.fds,
          base.threads);
    }
  }
  CHECK (gw_test_sipp_wait_success (far, WAIT_MS, &error));
  gw_test_wait_until (back_to, &base, 5000);
  g_test_message ("after %u calls: %u fds, %u threads", N_CALLS,
      call_count_fds (), call_count_threads ());
  g_assert_cmpuint (call_count_fds (), <=, base.fds);
  g_assert_cmpuint (call_count_threads (), <=, base.threads);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  call_test_add ("/call-resources/sequential-calls", test_sequential_calls);
  return g_test_run ();
}
