/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GwTestSipp against the real SIPp: a UAC calls a UAS that echoes RTP, a
 * failing call reports its traces, a bad scenario is refused. */
#include <gio/gio.h>
#include <string.h>

#include "gw-test-ports.h"
#include "gw-test-sipp.h"

/* Runs a call that takes &error; on failure the error's message is shown. */
#define CHECK(call) G_STMT_START {                                      \
    gboolean ok_ = (call);                                              \
    g_assert_no_error (error);                                          \
    g_assert_true (ok_);                                                \
  } G_STMT_END

/* Sends one datagram to @port and returns what comes back to the sender. */
static GBytes *
udp_round_trip (guint port, const gchar * text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) lo =
      g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) dest = g_inet_socket_address_new (lo, port);
  g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4,
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  gchar buf[1500];
  gssize n;

  g_assert_no_error (error);
  CHECK (g_socket_bind (sock, any, FALSE, &error));
  g_socket_set_timeout (sock, 5);
  g_assert_cmpint (g_socket_send_to (sock, dest, text, strlen (text), NULL,
          &error), ==, strlen (text));
  n = g_socket_receive (sock, buf, sizeof (buf), NULL, &error);
  g_assert_no_error (error);
  return g_bytes_new (buf, n);
}

static void
test_uac_calls_uas (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestSipp) uas = gw_test_sipp_new ("uas");
  g_autoptr (GwTestSipp) uac = gw_test_sipp_new ("uac");
  g_autoptr (GBytes) echo = NULL;
  g_autofree gchar *remote = NULL;
  g_autofree gchar *uri = NULL;
  g_autofree gchar *expected_uri = NULL;
  const gchar *rtp = "\x80\x00\x00\x01 not really RTP";

  gw_test_sipp_add_arg (uas, "-rtp_echo");
  gw_test_sipp_set_timeout (uas, 10);
  CHECK (gw_test_sipp_start (uas, &error));
  g_assert_cmpuint (gw_test_sipp_get_media_port (uas) % 2, ==, 0);
  uri = gw_test_sipp_get_uri (uas, "echo");
  expected_uri = g_strdup_printf ("sip:echo@127.0.0.1:%u",
      gw_test_sipp_get_port (uas));
  g_assert_cmpstr (uri, ==, expected_uri);

  /* -rtp_echo sends whatever reaches the media port back to its sender */
  echo = udp_round_trip (gw_test_sipp_get_media_port (uas), rtp);
  g_assert_cmpmem (g_bytes_get_data (echo, NULL), g_bytes_get_size (echo),
      rtp, strlen (rtp));

  remote = g_strdup_printf ("127.0.0.1:%u", gw_test_sipp_get_port (uas));
  gw_test_sipp_set_remote (uac, remote);
  gw_test_sipp_set_timeout (uac, 10);
  CHECK (gw_test_sipp_start (uac, &error));
  CHECK (gw_test_sipp_wait_success (uac, 12000, &error));
  CHECK (gw_test_sipp_wait_success (uas, 12000, &error));
}

static void
test_failure_is_reported (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestSipp) uac = gw_test_sipp_new ("uac");
  g_autofree gchar *remote = NULL;
  guint nobody = gw_test_ports_pick (&error);
  gint status = 0;

  g_assert_no_error (error);
  remote = g_strdup_printf ("127.0.0.1:%u", nobody);
  gw_test_sipp_set_remote (uac, remote);
  gw_test_sipp_set_timeout (uac, 2);
  CHECK (gw_test_sipp_start (uac, &error));
  CHECK (gw_test_sipp_wait (uac, 10000, &status, &error));
  g_assert_cmpint (status, !=, 0);

  /* wait_success on the exited process: an error with the traces */
  g_assert_false (gw_test_sipp_wait_success (uac, 100, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "exited with status"));
  g_assert_nonnull (strstr (error->message, "INVITE sip:service@127.0.0.1"));
}

static void
test_bad_scenario (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestSipp) missing = gw_test_sipp_new ("no/such-file.xml");
  g_autoptr (GwTestSipp) bad = gw_test_sipp_new ("no_such_builtin");

  g_assert_false (gw_test_sipp_start (missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* SIPp itself refuses it: start fails fast with SIPp's own words */
  g_assert_false (gw_test_sipp_start (bad, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sipp/uac-calls-uas", test_uac_calls_uas);
  g_test_add_func ("/sipp/failure-is-reported", test_failure_is_reported);
  g_test_add_func ("/sipp/bad-scenario", test_bad_scenario);
  return g_test_run ();
}
