/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A throw-away PKI for the SIP over TLS tests, made at test time with the
 * openssl command line tool in a scratch directory: a test CA, and a rogue
 * CA nobody trusts. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gchar *dir;
  gchar *ca;                    /* the trusted test CA (PEM) */
  /* Signed by the test CA, named 127.0.0.1 (DNS and IP subjectAltName). */
  gchar *server_cert, *server_key;
  gchar *server_both;           /* certificate and key in one file */
  /* Signed by the test CA, named other.example only. */
  gchar *other_cert, *other_key;
  /* Named 127.0.0.1, signed by a CA that is not the test CA. */
  gchar *rogue_cert, *rogue_key;
  /* Our (the gateway's) client certificate, from the test CA. */
  gchar *client_cert, *client_key;
} GwTestPki;

/* NULL with an error when openssl is missing or fails. */
GwTestPki *gw_test_pki_new (GError ** error);
void gw_test_pki_free (GwTestPki * pki);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwTestPki, gw_test_pki_free);

G_END_DECLS
