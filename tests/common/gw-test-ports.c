/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Free ports are found by letting the kernel pick one (bind to port 0) and
 * closing the socket again: such ports come from the ephemeral range, where
 * nothing listens for long, so another process taking the same number in
 * the short gap before the peer binds it is unlikely.  Whether a peer has
 * bound its port is read from /proc/net, never probed by binding it (a
 * probe could steal the port from the peer that is starting). */
#include "gw-test-ports.h"
#include "gw-test-process.h"

#include <gio/gio.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#define PICK_ATTEMPTS 64
/* /proc/net/tcp state of a listening socket */
#define TCP_LISTEN 0x0A

/* Binds a new socket of @type to 127.0.0.1:@port; returns the fd or -1. */
static int
bind_loopback (int type, guint * port)
{
  struct sockaddr_in sa = { 0 };
  socklen_t len = sizeof (sa);
  int fd = socket (AF_INET, type | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -1;
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sa.sin_port = htons (*port);
  if (bind (fd, (struct sockaddr *) &sa, sizeof (sa)) < 0
      || getsockname (fd, (struct sockaddr *) &sa, &len) < 0) {
    int saved = errno;

    close (fd);
    errno = saved;
    return -1;
  }
  *port = ntohs (sa.sin_port);
  return fd;
}

/**
 * gw_test_ports_pick:
 * Returns: a port free for both UDP and TCP on 127.0.0.1 (a SIP listener
 * takes both), or 0 with @error set.
 */
guint
gw_test_ports_pick (GError ** error)
{
  for (guint attempt = 0; attempt < PICK_ATTEMPTS; attempt++) {
    guint port = 0;
    int tcp = bind_loopback (SOCK_STREAM, &port);
    int udp;

    if (tcp < 0)
      break;
    udp = bind_loopback (SOCK_DGRAM, &port);
    close (tcp);
    if (udp >= 0) {
      close (udp);
      return port;
    }
  }
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
      "no free UDP+TCP loopback port: %s", g_strerror (errno));
  return 0;
}

/* Binds @port for each protocol in @proto, appending the fds to @fds. */
static gboolean
bind_all (guint port, GwTestPortProto proto, GArray * fds)
{
  const int types[] = { SOCK_DGRAM, SOCK_STREAM };

  for (guint t = 0; t < G_N_ELEMENTS (types); t++) {
    guint p = port;
    int fd;

    if (!(proto & (1 << t)))
      continue;
    if ((fd = bind_loopback (types[t], &p)) < 0)
      return FALSE;
    g_array_append_val (fds, fd);
  }
  return TRUE;
}

/**
 * gw_test_ports_pick_block:
 * @count: how many consecutive ports
 * @proto: the protocols each port must be free for
 *
 * Returns: an even port P such that P .. P+count-1 are free on 127.0.0.1
 * for @proto, or 0 with @error set.
 */
guint
gw_test_ports_pick_block (guint count, GwTestPortProto proto, GError ** error)
{
  g_return_val_if_fail (count > 0 && count < 64, 0);
  for (guint attempt = 0; attempt < PICK_ATTEMPTS; attempt++) {
    g_autoptr (GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
    guint base = 0, n;
    int probe = bind_loopback (SOCK_DGRAM, &base);

    if (probe < 0)
      break;
    close (probe);
    base &= ~1u;
    if (base < 1024 || base + count > 65536)
      continue;
    for (n = 0; n < count && bind_all (base + n, proto, fds); n++);
    for (guint i = 0; i < fds->len; i++)
      close (g_array_index (fds, int, i));
    if (n == count)
      return base;
  }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
      "no block of %u free loopback ports", count);
  return 0;
}

/**
 * gw_test_ports_pick_udp_block:
 * @count: 2 for RTP+RTCP; 4 for SIPp's -mp (it also binds mp+2 for video)
 *
 * Returns: an even port P with P .. P+count-1 free for UDP, or 0.
 */
guint
gw_test_ports_pick_udp_block (guint count, GError ** error)
{
  return gw_test_ports_pick_block (count, GW_TEST_PORT_UDP, error);
}

static gboolean
proc_net_has (const gchar * file, guint port, gboolean listening)
{
  g_autofree gchar *contents = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (file, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i]; i++) {
    guint local_port, remote_port, state;
    gchar local[65], remote[65];

    if (sscanf (lines[i], " %*d: %64[0-9A-Fa-f]:%X %64[0-9A-Fa-f]:%X %X",
            local, &local_port, remote, &remote_port, &state) != 5)
      continue;
    if (local_port == port && (!listening || state == TCP_LISTEN))
      return TRUE;
  }
  return FALSE;
}

/**
 * gw_test_ports_is_bound:
 * Returns: whether some socket (IPv4 or IPv6, any address) is bound to
 * @port for every protocol in @proto; TCP counts only when listening.
 */
gboolean
gw_test_ports_is_bound (guint port, GwTestPortProto proto)
{
  if ((proto & GW_TEST_PORT_UDP) && !proc_net_has ("/proc/net/udp", port,
          FALSE) && !proc_net_has ("/proc/net/udp6", port, FALSE))
    return FALSE;
  if ((proto & GW_TEST_PORT_TCP) && !proc_net_has ("/proc/net/tcp", port,
          TRUE) && !proc_net_has ("/proc/net/tcp6", port, TRUE))
    return FALSE;
  return TRUE;
}

typedef struct
{
  guint port;
  GwTestPortProto proto;
} BoundCheck;

static gboolean
check_bound (gpointer data)
{
  BoundCheck *check = data;

  return gw_test_ports_is_bound (check->port, check->proto);
}

/**
 * gw_test_ports_wait_bound:
 * Waits (iterating the thread-default main context) until
 * gw_test_ports_is_bound() holds.
 */
gboolean
gw_test_ports_wait_bound (guint port, GwTestPortProto proto,
    guint timeout_ms, GError ** error)
{
  BoundCheck check = { port, proto };

  if (gw_test_wait_until (check_bound, &check, timeout_ms))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
      "nothing bound port %u (%s%s) within %u ms", port,
      proto & GW_TEST_PORT_UDP ? "UDP " : "",
      proto & GW_TEST_PORT_TCP ? "TCP" : "", timeout_ms);
  return FALSE;
}
