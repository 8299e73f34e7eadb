/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A TLS server on 127.0.0.1 that hands each connection's plaintext to a
 * TCP port: SIPp (built without TLS here) behind it is a SIP over TLS far
 * end.  GIO's TLS (glib-networking), on the thread-default main context,
 * which the tests iterate.  It asks for a client certificate and accepts
 * any, recording what each handshake showed. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _GwTestTlsRelay GwTestTlsRelay;

/* Serves @cert_path/@key_path (PEM) and forwards to 127.0.0.1:@target_port
 * (0: handshakes only, connections then closed). */
GwTestTlsRelay *gw_test_tls_relay_new (const gchar * cert_path,
    const gchar * key_path, guint target_port, GError ** error);
void gw_test_tls_relay_free (GwTestTlsRelay * relay);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwTestTlsRelay, gw_test_tls_relay_free);

guint gw_test_tls_relay_get_port (GwTestTlsRelay * relay);
/* Handshakes that completed, and that failed (their peer gave up). */
guint gw_test_tls_relay_get_handshakes (GwTestTlsRelay * relay);
guint gw_test_tls_relay_get_failures (GwTestTlsRelay * relay);
/* Of the last completed handshake: the protocol version, and the subject
 * of the client's certificate (NULL: none sent). */
GTlsProtocolVersion gw_test_tls_relay_get_protocol (GwTestTlsRelay * relay);
const gchar *gw_test_tls_relay_get_client_subject (GwTestTlsRelay * relay);

G_END_DECLS
