/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RTP port pairs: even/odd, really bound (nobody else can take them),
 * round-robin, exhausted cleanly, released on free, skipping ports that
 * another socket holds. */
#include <gst/check/gstcheck.h>

#include "bridge-test-utils.h"
#include "gw-error.h"
#include "media-ports.h"

/* Binding the port again must fail while the pair holds it. */
static gboolean
port_is_free (guint port)
{
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (lo, port);
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4,
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);

  return g_socket_bind (socket, address, FALSE, NULL);
}

GST_START_TEST (test_pairs_are_even_odd_and_bound)
{
  guint base = bt_find_free_ports (6);
  g_autoptr (GError) error = NULL;
  g_autoptr (GwMediaPorts) ports = NULL;
  g_autoptr (GwPortPair) a = NULL, b = NULL;

  /* An odd minimum starts at the next even port. */
  ports = gw_media_ports_new (base + 1, base + 5, &error);
  g_assert_no_error (error);
  a = gw_media_ports_allocate (ports, "127.0.0.1", &error);
  g_assert_no_error (error);
  b = gw_media_ports_allocate (ports, "127.0.0.1", &error);
  g_assert_no_error (error);

  fail_unless_equals_int (gw_port_pair_get_rtp_port (a), base + 2);
  fail_unless_equals_int (gw_port_pair_get_rtcp_port (a), base + 3);
  fail_unless_equals_int (gw_port_pair_get_rtp_port (b), base + 4);
  fail_unless_equals_int (gw_port_pair_get_rtcp_port (b), base + 5);
  fail_unless_equals_int (gw_media_ports_get_n_allocated (ports), 2);
  for (guint port = base + 2; port <= base + 5; port++)
    fail_if (port_is_free (port), "port %u is not held", port);

  /* The sockets are the bound ones, ready for udpsrc. */
  {
    g_autoptr (GSocketAddress) local =
        g_socket_get_local_address (gw_port_pair_get_rtp_socket (a), NULL);
    fail_unless_equals_int (g_inet_socket_address_get_port
        (G_INET_SOCKET_ADDRESS (local)), base + 2);
  }
}

GST_END_TEST;

GST_START_TEST (test_exhaustion_and_release)
{
  guint base = bt_find_free_ports (6);
  g_autoptr (GError) error = NULL;
  g_autoptr (GwMediaPorts) ports = gw_media_ports_new (base, base + 5, &error);
  GwPortPair *pairs[3];
  GwPortPair *again;
  guint freed_port;

  for (guint i = 0; i < 3; i++) {
    pairs[i] = gw_media_ports_allocate (ports, "127.0.0.1", &error);
    g_assert_no_error (error);
  }
  again = gw_media_ports_allocate (ports, "127.0.0.1", &error);
  fail_unless (again == NULL);
  fail_unless (g_error_matches (error, GW_ERROR, GW_ERROR_UNAVAILABLE));
  fail_unless (strstr (error->message, "no free RTP port pair") != NULL,
      "%s", error->message);
  g_clear_error (&error);

  /* Freeing returns the ports to the system and to the allocator. */
  freed_port = gw_port_pair_get_rtp_port (pairs[1]);
  gw_port_pair_free (pairs[1]);
  fail_unless (port_is_free (freed_port));
  fail_unless (port_is_free (freed_port + 1));
  fail_unless_equals_int (gw_media_ports_get_n_allocated (ports), 2);
  again = gw_media_ports_allocate (ports, "127.0.0.1", &error);
  g_assert_no_error (error);
  fail_unless_equals_int (gw_port_pair_get_rtp_port (again), freed_port);

  gw_port_pair_free (again);
  gw_port_pair_free (pairs[0]);
  gw_port_pair_free (pairs[2]);
  fail_unless_equals_int (gw_media_ports_get_n_allocated (ports), 0);
}

GST_END_TEST;

GST_START_TEST (test_round_robin)
{
  guint base = bt_find_free_ports (6);
  g_autoptr (GError) error = NULL;
  g_autoptr (GwMediaPorts) ports = gw_media_ports_new (base, base + 5, &error);
  GwPortPair *pair;

  /* A freed pair is not handed out again at once: late packets of the
   * call that had it must not reach the next one. */
  pair = gw_media_ports_allocate (ports, "127.0.0.1", &error);
  fail_unless_equals_int (gw_port_pair_get_rtp_port (pair), base);
  gw_port_pair_free (pair);
  pair = gw_media_ports_allocate (ports, "127.0.0.1", &error);
  g_assert_no_error (error);
  fail_unless_equals_int (gw_port_pair_get_rtp_port (pair), base + 2);
  gw_port_pair_free (pair);
}

GST_END_TEST;

GST_START_TEST (test_skips_ports_taken_elsewhere)
{
  guint base = bt_find_free_ports (4);
  g_autoptr (GError) error = NULL;
  g_autoptr (GwMediaPorts) ports = gw_media_ports_new (base, base + 3, &error);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GSocket) squatter = NULL;
  g_autoptr (GwPortPair) pair = NULL;
  GwPortPair *none;

  /* Someone else holds the base pair's RTCP port. */
  squatter = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, NULL);
  address = g_inet_socket_address_new (lo, base + 1);
  fail_unless (g_socket_bind (squatter, address, FALSE, NULL));

  pair = gw_media_ports_allocate (ports, "127.0.0.1", &error);
  g_assert_no_error (error);
  fail_unless_equals_int (gw_port_pair_get_rtp_port (pair), base + 2);
  /* The half-bound base pair was let go. */
  fail_unless (port_is_free (base));

  none = gw_media_ports_allocate (ports, "127.0.0.1", &error);
  fail_unless (none == NULL);
  fail_unless (g_error_matches (error, GW_ERROR, GW_ERROR_UNAVAILABLE));
}

GST_END_TEST;

GST_START_TEST (test_bad_input)
{
  guint base = bt_find_free_ports (2);
  g_autoptr (GError) error = NULL;
  g_autoptr (GwMediaPorts) ports = NULL;
  GwPortPair *pair;

  /* 7-7 and 9-10 hold no even/odd pair; 0 is no port. */
  fail_unless (gw_media_ports_new (7, 7, &error) == NULL);
  fail_unless (g_error_matches (error, GW_ERROR, GW_ERROR_INVALID));
  g_clear_error (&error);
  fail_unless (gw_media_ports_new (9, 10, &error) == NULL);
  g_clear_error (&error);
  fail_unless (gw_media_ports_new (0, 100, &error) == NULL);
  g_clear_error (&error);
  fail_unless (gw_media_ports_new (65000, 70000, &error) == NULL);
  g_clear_error (&error);

  ports = gw_media_ports_new (base, base + 1, &error);
  g_assert_no_error (error);
  pair = gw_media_ports_allocate (ports, "not-an-address", &error);
  fail_unless (pair == NULL);
  fail_unless (g_error_matches (error, GW_ERROR, GW_ERROR_INVALID));
  fail_unless (strstr (error->message, "not-an-address") != NULL);
  g_clear_error (&error);

  /* 192.0.2.1 (TEST-NET-1) is no local address: binding cannot work, and
   * it says so instead of claiming the range is full. */
  pair = gw_media_ports_allocate (ports, "192.0.2.1", &error);
  fail_unless (pair == NULL);
  fail_unless (g_error_matches (error, GW_ERROR, GW_ERROR_FAILED),
      "%s", error->message);
  fail_unless (strstr (error->message, "192.0.2.1") != NULL);
  fail_unless_equals_int (gw_media_ports_get_n_allocated (ports), 0);
}

GST_END_TEST;

GST_START_TEST (test_drain)
{
  guint base = bt_find_free_ports (2);
  g_autoptr (GError) error = NULL;
  g_autoptr (GwMediaPorts) ports = gw_media_ports_new (base, base + 1, &error);
  g_autoptr (GwPortPair) pair = NULL;
  g_autoptr (GSocket) sender = NULL;
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) rtp = g_inet_socket_address_new (lo, base);
  g_autoptr (GSocketAddress) rtcp = g_inet_socket_address_new (lo, base + 1);
  gchar buffer[16];

  pair = gw_media_ports_allocate (ports, "127.0.0.1", &error);
  g_assert_no_error (error);
  sender = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, NULL);
  /* What arrives before the media starts is dropped, and only that. */
  for (guint i = 0; i < 3; i++)
    fail_unless_equals_int (g_socket_send_to (sender, rtp, "early", 5, NULL,
            NULL), 5);
  fail_unless_equals_int (g_socket_send_to (sender, rtcp, "early", 5, NULL,
          NULL), 5);
  g_usleep (50000);
  fail_unless_equals_int (gw_port_pair_drain (pair), 4);
  fail_unless_equals_int (gw_port_pair_drain (pair), 0);
  fail_unless_equals_int (g_socket_send_to (sender, rtp, "late", 4, NULL,
          NULL), 4);
  fail_unless_equals_int (g_socket_receive_with_blocking
      (gw_port_pair_get_rtp_socket (pair), buffer, sizeof (buffer), TRUE,
          NULL, NULL), 4);
}

GST_END_TEST;

static Suite *
media_ports_suite (void)
{
  Suite *s = suite_create ("media-ports");
  TCase *tc = tcase_create ("ports");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_pairs_are_even_odd_and_bound);
  tcase_add_test (tc, test_exhaustion_and_release);
  tcase_add_test (tc, test_round_robin);
  tcase_add_test (tc, test_skips_ports_taken_elsewhere);
  tcase_add_test (tc, test_bad_input);
  tcase_add_test (tc, test_drain);
  return s;
}

GST_CHECK_MAIN (media_ports);
