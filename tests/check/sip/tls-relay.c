/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The TLS relay: GSocketService → GTlsServerConnection → handshake →
 * GSocketClient to the target → g_io_stream_splice_async both ways. */
#include "tls-relay.h"

/* How long freeing waits for the connections to wind down. */
#define DRAIN_TIMEOUT_US (2 * G_USEC_PER_SEC)

struct _GwTestTlsRelay
{
  GSocketService *service;
  GTlsCertificate *certificate;
  GCancellable *cancellable;
  guint port;
  guint target_port;
  guint handshakes;
  guint failures;
  guint active;                 /* connections whose callbacks are pending */
  GTlsProtocolVersion protocol;
  gchar *client_subject;
};

/* One accepted connection. */
typedef struct
{
  GwTestTlsRelay *relay;
  GIOStream *tls;
  GSocketConnection *upstream;
} Link;

static void
link_done (Link * link)
{
  link->relay->active--;
  g_clear_object (&link->tls);
  g_clear_object (&link->upstream);
  g_free (link);
}

static void
on_spliced (GObject * source, GAsyncResult * result, gpointer data)
{
  g_io_stream_splice_finish (result, NULL);
  link_done (data);
}

static void
on_connected (GObject * source, GAsyncResult * result, gpointer data)
{
  Link *link = data;
  g_autoptr (GError) error = NULL;

  link->upstream = g_socket_client_connect_finish (G_SOCKET_CLIENT (source),
      result, &error);
  if (link->upstream == NULL) {
    g_io_stream_close (link->tls, NULL, NULL);
    link_done (link);
    return;
  }
  g_io_stream_splice_async (link->tls, G_IO_STREAM (link->upstream),
      G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
      G_PRIORITY_DEFAULT, link->relay->cancellable, on_spliced, link);
}

static void
record_handshake (GwTestTlsRelay * relay, GTlsConnection * tls)
{
  GTlsCertificate *peer = g_tls_connection_get_peer_certificate (tls);

  relay->handshakes++;
  relay->protocol = g_tls_connection_get_protocol_version (tls);
  g_clear_pointer (&relay->client_subject, g_free);
  if (peer != NULL)
    relay->client_subject = g_tls_certificate_get_subject_name (peer);
}

static void
on_handshake (GObject * source, GAsyncResult * result, gpointer data)
{
  Link *link = data;
  GwTestTlsRelay *relay = link->relay;
  g_autoptr (GSocketClient) client = NULL;
  g_autoptr (GError) error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result,
          &error)) {
    g_debug ("TLS relay: handshake failed: %s", error->message);
    relay->failures++;
    link_done (link);
    return;
  }
  record_handshake (relay, G_TLS_CONNECTION (source));
  if (relay->target_port == 0) {
    g_io_stream_close (link->tls, NULL, NULL);
    link_done (link);
    return;
  }
  client = g_socket_client_new ();
  g_socket_client_connect_to_host_async (client, "127.0.0.1",
      relay->target_port, relay->cancellable, on_connected, link);
}

/* Whatever the client sends, we only record it. */
static gboolean
accept_any (GTlsConnection * tls, GTlsCertificate * peer,
    GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

static gboolean
on_incoming (GSocketService * service, GSocketConnection * connection,
    GObject * source, gpointer data)
{
  GwTestTlsRelay *relay = data;
  g_autoptr (GError) error = NULL;
  Link *link;
  GIOStream *tls = g_tls_server_connection_new (G_IO_STREAM (connection),
      relay->certificate, &error);

  if (tls == NULL) {
    g_warning ("TLS relay: %s", error->message);
    return FALSE;
  }
  g_object_set (tls, "authentication-mode", G_TLS_AUTHENTICATION_REQUESTED,
      NULL);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_any), NULL);
  link = g_new0 (Link, 1);
  link->relay = relay;
  link->tls = tls;
  relay->active++;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls),
      G_PRIORITY_DEFAULT, relay->cancellable, on_handshake, link);
  return TRUE;
}

GwTestTlsRelay *
gw_test_tls_relay_new (const gchar * cert_path, const gchar * key_path,
    guint target_port, GError ** error)
{
  GwTestTlsRelay *relay = g_new0 (GwTestTlsRelay, 1);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  relay->target_port = target_port;
  relay->cancellable = g_cancellable_new ();
  relay->service = g_socket_service_new ();
  relay->certificate = g_tls_certificate_new_from_files (cert_path, key_path,
      error);
  if (relay->certificate == NULL
      || !g_socket_listener_add_address (G_SOCKET_LISTENER (relay->service),
          any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
          error)) {
    gw_test_tls_relay_free (relay);
    return NULL;
  }
  relay->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (relay->service, "incoming", G_CALLBACK (on_incoming),
      relay);
  g_socket_service_start (relay->service);
  return relay;
}

void
gw_test_tls_relay_free (GwTestTlsRelay * relay)
{
  gint64 deadline = g_get_monotonic_time () + DRAIN_TIMEOUT_US;

  if (relay == NULL)
    return;
  g_socket_service_stop (relay->service);
  g_socket_listener_close (G_SOCKET_LISTENER (relay->service));
  g_cancellable_cancel (relay->cancellable);
  /* The links' callbacks hold the relay: let them run. */
  while (relay->active > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_clear_object (&relay->service);
  g_clear_object (&relay->certificate);
  g_clear_object (&relay->cancellable);
  g_free (relay->client_subject);
  g_free (relay);
}

guint
gw_test_tls_relay_get_port (GwTestTlsRelay * relay)
{
  return relay->port;
}

guint
gw_test_tls_relay_get_handshakes (GwTestTlsRelay * relay)
{
  return relay->handshakes;
}

guint
gw_test_tls_relay_get_failures (GwTestTlsRelay * relay)
{
  return relay->failures;
}

GTlsProtocolVersion
gw_test_tls_relay_get_protocol (GwTestTlsRelay * relay)
{
  return relay->protocol;
}

const gchar *
gw_test_tls_relay_get_client_subject (GwTestTlsRelay * relay)
{
  return relay->client_subject;
}
