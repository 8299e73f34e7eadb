/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RTP port pairs from the configured rtp-port-range: an even RTP port and
 * the odd RTCP port above it, both bound at allocation and kept bound until
 * the pair is freed, so that nothing else can take them between the SDP
 * offer and the pipeline (the sockets are handed to udpsrc/udpsink).
 * Main thread only, like all control state. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GW_TYPE_MEDIA_PORTS (gw_media_ports_get_type ())
G_DECLARE_FINAL_TYPE (GwMediaPorts, gw_media_ports, GW, MEDIA_PORTS, GObject);

typedef struct _GwPortPair GwPortPair;

/* Fails with GW_ERROR_INVALID when [min_port, max_port] holds no even/odd
 * pair. */
GwMediaPorts *gw_media_ports_new (guint min_port, guint max_port,
    GError ** error);

/* Binds the next free pair on bind_address (an IP literal; "0.0.0.0" or
 * "::" for any).  Fails with GW_ERROR_UNAVAILABLE when every pair of the
 * range is in use here or taken by another process, GW_ERROR_INVALID for a
 * bad address. */
GwPortPair *gw_media_ports_allocate (GwMediaPorts * self,
    const gchar * bind_address, GError ** error);

/* Pairs currently allocated (for tests and stats). */
guint gw_media_ports_get_n_allocated (GwMediaPorts * self);

guint gw_port_pair_get_rtp_port (const GwPortPair * pair);
guint gw_port_pair_get_rtcp_port (const GwPortPair * pair);
/* Transfer none; valid until the pair is freed. */
GSocket *gw_port_pair_get_rtp_socket (const GwPortPair * pair);
GSocket *gw_port_pair_get_rtcp_socket (const GwPortPair * pair);

/* Discards the datagrams that arrived so far (e.g. early media before the
 * call was answered).  Returns how many. */
guint gw_port_pair_drain (GwPortPair * pair);

/* Closes both sockets and returns the ports to the allocator.  Whoever
 * borrowed the sockets (udpsrc/udpsink) must have stopped using them. */
void gw_port_pair_free (GwPortPair * pair);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwPortPair, gw_port_pair_free);

G_END_DECLS
