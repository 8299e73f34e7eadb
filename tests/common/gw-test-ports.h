/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test support: free loopback ports for peers that cannot listen on port 0,
 * and waiting until a peer has bound its port. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GW_TEST_PORT_UDP = 1 << 0,
  GW_TEST_PORT_TCP = 1 << 1,
} GwTestPortProto;

guint gw_test_ports_pick (GError ** error);
guint gw_test_ports_pick_block (guint count, GwTestPortProto proto,
    GError ** error);
guint gw_test_ports_pick_udp_block (guint count, GError ** error);
gboolean gw_test_ports_is_bound (guint port, GwTestPortProto proto);
gboolean gw_test_ports_wait_bound (guint port, GwTestPortProto proto,
    guint timeout_ms, GError ** error);

G_END_DECLS
