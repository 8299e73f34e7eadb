/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Port picking and bound-port detection of gw_test_support. */
#include <gio/gio.h>

#include "gw-test-ports.h"

static GSocket *
bind_socket (GSocketType type, guint port, gboolean listen)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, port);
  g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, type,
      G_SOCKET_PROTOCOL_DEFAULT, &error);

  g_assert_no_error (error);
  if (!g_socket_bind (sock, addr, FALSE, &error))
    return NULL;
  if (listen)
    g_assert_true (g_socket_listen (sock, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&sock);
}

static void
test_pick (void)
{
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 20; i++) {
    guint port = gw_test_ports_pick (&error);
    g_autoptr (GSocket) udp = NULL;
    g_autoptr (GSocket) tcp = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (port, >=, 1024);
    udp = bind_socket (G_SOCKET_TYPE_DATAGRAM, port, FALSE);
    tcp = bind_socket (G_SOCKET_TYPE_STREAM, port, TRUE);
    g_assert_nonnull (udp);
    g_assert_nonnull (tcp);
  }
}

static void
test_udp_block (void)
{
  g_autoptr (GError) error = NULL;

  for (guint count = 1; count <= 4; count++) {
    guint base = gw_test_ports_pick_udp_block (count, &error);
    g_autoptr (GPtrArray) socks = g_ptr_array_new_with_free_func
        (g_object_unref);

    g_assert_no_error (error);
    g_assert_cmpuint (base % 2, ==, 0);
    for (guint i = 0; i < count; i++) {
      GSocket *s = bind_socket (G_SOCKET_TYPE_DATAGRAM, base + i, FALSE);

      g_assert_nonnull (s);
      g_ptr_array_add (socks, s);
    }
  }
}

static void
test_block_both (void)
{
  g_autoptr (GError) error = NULL;
  guint base = gw_test_ports_pick_block (2,
      GW_TEST_PORT_UDP | GW_TEST_PORT_TCP, &error);
  g_autoptr (GPtrArray) socks = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_no_error (error);
  g_assert_cmpuint (base % 2, ==, 0);
  for (guint i = 0; i < 2; i++) {
    GSocket *udp = bind_socket (G_SOCKET_TYPE_DATAGRAM, base + i, FALSE);
    GSocket *tcp = bind_socket (G_SOCKET_TYPE_STREAM, base + i, TRUE);

    g_assert_nonnull (udp);
    g_assert_nonnull (tcp);
    g_ptr_array_add (socks, udp);
    g_ptr_array_add (socks, tcp);
  }
}

static void
test_is_bound (void)
{
  g_autoptr (GError) error = NULL;
  guint port = gw_test_ports_pick (&error);
  GSocket *udp, *tcp;

  g_assert_no_error (error);
  g_assert_false (gw_test_ports_is_bound (port, GW_TEST_PORT_UDP));
  g_assert_false (gw_test_ports_is_bound (port, GW_TEST_PORT_TCP));
  udp = bind_socket (G_SOCKET_TYPE_DATAGRAM, port, FALSE);
  g_assert_true (gw_test_ports_is_bound (port, GW_TEST_PORT_UDP));
  g_assert_false (gw_test_ports_is_bound (port,
          GW_TEST_PORT_UDP | GW_TEST_PORT_TCP));
  /* a bound TCP socket that does not listen accepts nobody */
  tcp = bind_socket (G_SOCKET_TYPE_STREAM, port, FALSE);
  g_assert_false (gw_test_ports_is_bound (port, GW_TEST_PORT_TCP));
  g_object_unref (tcp);
  tcp = bind_socket (G_SOCKET_TYPE_STREAM, port, TRUE);
  g_assert_true (gw_test_ports_is_bound (port,
          GW_TEST_PORT_UDP | GW_TEST_PORT_TCP));
  g_object_unref (udp);
  g_object_unref (tcp);
  g_assert_false (gw_test_ports_is_bound (port, GW_TEST_PORT_UDP));
}

typedef struct
{
  guint port;
  GSocket *sock;
} LateBind;

static gboolean
bind_later (gpointer data)
{
  LateBind *late = data;

  late->sock = bind_socket (G_SOCKET_TYPE_DATAGRAM, late->port, FALSE);
  return G_SOURCE_REMOVE;
}

static void
test_wait_bound (void)
{
  g_autoptr (GError) error = NULL;
  LateBind late = { gw_test_ports_pick (&error), NULL };

  g_assert_no_error (error);
  /* the bind happens on the main context the wait iterates */
  g_timeout_add (200, bind_later, &late);
  g_assert_true (gw_test_ports_wait_bound (late.port, GW_TEST_PORT_UDP, 5000,
          &error));
  g_assert_no_error (error);
  g_assert_nonnull (late.sock);
  g_assert_false (gw_test_ports_wait_bound (late.port, GW_TEST_PORT_TCP, 100,
          &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_object_unref (late.sock);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ports/pick", test_pick);
  g_test_add_func ("/ports/udp-block", test_udp_block);
  g_test_add_func ("/ports/block-udp-tcp", test_block_both);
  g_test_add_func ("/ports/is-bound", test_is_bound);
  g_test_add_func ("/ports/wait-bound", test_wait_bound);
  return g_test_run ();
}
