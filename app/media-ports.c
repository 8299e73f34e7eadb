/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/gst.h>

#include "gw-error.h"
#include "media-ports.h"

GST_DEBUG_CATEGORY_STATIC (gw_media_ports_debug);
#define GST_CAT_DEFAULT gw_media_ports_debug

struct _GwMediaPorts
{
  GObject parent;

  guint first_port;             /* even */
  guint n_pairs;
  gboolean *in_use;             /* n_pairs entries */
  guint n_allocated;
  /* Index of the pair to try first: allocation walks the range round-robin
   * so that a just-freed port is reused last, and late packets of an ended
   * call do not land in a new one. */
  guint cursor;
};

struct _GwPortPair
{
  GwMediaPorts *owner;
  guint index;
  guint rtp_port;
  GSocket *rtp_socket;
  GSocket *rtcp_socket;
};

G_DEFINE_TYPE (GwMediaPorts, gw_media_ports, G_TYPE_OBJECT);

static void
gw_media_ports_finalize (GObject * object)
{
  GwMediaPorts *self = GW_MEDIA_PORTS (object);

  g_free (self->in_use);
  G_OBJECT_CLASS (gw_media_ports_parent_class)->finalize (object);
}

static void
gw_media_ports_class_init (GwMediaPortsClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gw_media_ports_finalize;
  GST_DEBUG_CATEGORY_INIT (gw_media_ports_debug, "gwmediaports", 0,
      "RTP port pairs");
}

static void
gw_media_ports_init (GwMediaPorts * self)
{
}

GwMediaPorts *
gw_media_ports_new (guint min_port, guint max_port, GError ** error)
{
  GwMediaPorts *self;
  guint first = min_port + (min_port & 1);

  if (min_port == 0 || max_port > 65535 || first + 1 > max_port) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "RTP port range %u-%u holds no even/odd port pair", min_port, max_port);
    return NULL;
  }
  self = g_object_new (GW_TYPE_MEDIA_PORTS, NULL);
  self->first_port = first;
  self->n_pairs = (max_port - first + 1) / 2;
  self->in_use = g_new0 (gboolean, self->n_pairs);
  return self;
}

static GSocket *
bind_udp (GInetAddress * address, guint port, GError ** error)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) socket_address = NULL;

  socket = g_socket_new (g_inet_address_get_family (address),
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return NULL;
  socket_address = g_inet_socket_address_new (address, port);
  /* No address reuse: a port some other process holds must fail here. */
  if (!g_socket_bind (socket, socket_address, FALSE, error))
    return NULL;
  return g_steal_pointer (&socket);
}

/* Binds both sockets of pair `index`.  FALSE without error when a port is
 * taken by someone else (try the next pair); FALSE with error when binding
 * cannot work at all on this address. */
static gboolean
try_bind_pair (GwMediaPorts * self, GInetAddress * address, guint index,
    GSocket ** rtp, GSocket ** rtcp, GError ** error)
{
  guint port = self->first_port + 2 * index;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GSocket) rtp_socket = NULL;
  g_autoptr (GSocket) rtcp_socket = NULL;
  g_autofree gchar *address_string = g_inet_address_to_string (address);

  rtp_socket = bind_udp (address, port, &local_error);
  if (rtp_socket != NULL)
    rtcp_socket = bind_udp (address, port + 1, &local_error);
  if (rtcp_socket != NULL) {
    *rtp = g_steal_pointer (&rtp_socket);
    *rtcp = g_steal_pointer (&rtcp_socket);
    return TRUE;
  }
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE)) {
    GST_DEBUG ("port pair %u/%u on %s is taken: %s", port, port + 1,
        address_string, local_error->message);
    return FALSE;
  }
  g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
      "cannot bind an RTP socket on %s port %u: %s", address_string, port,
      local_error->message);
  return FALSE;
}

GwPortPair *
gw_media_ports_allocate (GwMediaPorts * self, const gchar * bind_address,
    GError ** error)
{
  g_autoptr (GInetAddress) address = NULL;
  g_autoptr (GError) bind_error = NULL;
  GwPortPair *pair;

  g_return_val_if_fail (GW_IS_MEDIA_PORTS (self), NULL);

  address = bind_address ? g_inet_address_new_from_string (bind_address) : NULL;
  if (address == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "RTP bind address '%s' is not an IP address",
        bind_address ? bind_address : "(null)");
    return NULL;
  }

  for (guint tried = 0; tried < self->n_pairs; tried++) {
    guint index = (self->cursor + tried) % self->n_pairs;
    GSocket *rtp = NULL, *rtcp = NULL;

    if (self->in_use[index])
      continue;
    if (!try_bind_pair (self, address, index, &rtp, &rtcp, &bind_error)) {
      if (bind_error == NULL)
        continue;
      GST_ERROR ("%s", bind_error->message);
      g_propagate_error (error, g_steal_pointer (&bind_error));
      return NULL;
    }
    pair = g_new0 (GwPortPair, 1);
    pair->owner = g_object_ref (self);
    pair->index = index;
    pair->rtp_port = self->first_port + 2 * index;
    pair->rtp_socket = rtp;
    pair->rtcp_socket = rtcp;
    self->in_use[index] = TRUE;
    self->n_allocated++;
    self->cursor = (index + 1) % self->n_pairs;
    GST_DEBUG ("allocated ports %u/%u on %s", pair->rtp_port,
        pair->rtp_port + 1, bind_address);
    return pair;
  }

  GST_WARNING ("no free RTP port pair in %u-%u (%u allocated here)",
      self->first_port, self->first_port + 2 * self->n_pairs - 1,
      self->n_allocated);
  g_set_error (error, GW_ERROR, GW_ERROR_UNAVAILABLE,
      "no free RTP port pair in %u-%u", self->first_port,
      self->first_port + 2 * self->n_pairs - 1);
  return NULL;
}

guint
gw_media_ports_get_n_allocated (GwMediaPorts * self)
{
  g_return_val_if_fail (GW_IS_MEDIA_PORTS (self), 0);
  return self->n_allocated;
}

guint
gw_port_pair_get_rtp_port (const GwPortPair * pair)
{
  return pair->rtp_port;
}

guint
gw_port_pair_get_rtcp_port (const GwPortPair * pair)
{
  return pair->rtp_port + 1;
}

GSocket *
gw_port_pair_get_rtp_socket (const GwPortPair * pair)
{
  return pair->rtp_socket;
}

GSocket *
gw_port_pair_get_rtcp_socket (const GwPortPair * pair)
{
  return pair->rtcp_socket;
}

static guint
drain_socket (GSocket * socket)
{
  gchar buffer[2048];
  guint n = 0;

  while (g_socket_receive_with_blocking (socket, buffer, sizeof (buffer),
          FALSE, NULL, NULL) >= 0)
    n++;
  return n;
}

guint
gw_port_pair_drain (GwPortPair * pair)
{
  guint n = drain_socket (pair->rtp_socket) + drain_socket (pair->rtcp_socket);

  if (n > 0)
    GST_DEBUG ("ports %u/%u: dropped %u early datagrams", pair->rtp_port,
        pair->rtp_port + 1, n);
  return n;
}

static void
close_socket (GSocket * socket)
{
  g_autoptr (GError) error = NULL;

  /* Close explicitly: a pipeline may still hold a reference for a moment,
   * and the port must be free when the allocator hands it out again. */
  if (!g_socket_close (socket, &error))
    GST_WARNING ("closing an RTP socket: %s", error->message);
  g_object_unref (socket);
}

void
gw_port_pair_free (GwPortPair * pair)
{
  GwMediaPorts *owner;

  if (pair == NULL)
    return;
  owner = pair->owner;
  close_socket (pair->rtp_socket);
  close_socket (pair->rtcp_socket);
  owner->in_use[pair->index] = FALSE;
  owner->n_allocated--;
  GST_DEBUG ("released ports %u/%u", pair->rtp_port, pair->rtp_port + 1);
  g_object_unref (owner);
  g_free (pair);
}
