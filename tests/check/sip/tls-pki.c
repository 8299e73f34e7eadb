/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The test PKI: P-256 keys (quick to make), certificates valid two days. */
#include "tls-pki.h"

#include "gw-test-process.h"

static gboolean
run_openssl (const gchar * dir, const gchar * const *args, GError ** error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree gchar *out = NULL, *err = NULL;
  gint status = 0;

  g_ptr_array_add (argv, (gpointer) "openssl");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (dir, (gchar **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
          NULL, NULL, &out, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL)) {
    g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
        "openssl %s failed: %s", args[0], err);
    return FALSE;
  }
  return TRUE;
}

static gboolean
make_key_and_csr (const gchar * dir, const gchar * name, const gchar * cn,
    GError ** error)
{
  g_autofree gchar *key = g_strdup_printf ("%s.key", name);
  g_autofree gchar *csr = g_strdup_printf ("%s.csr", name);
  g_autofree gchar *subj = g_strdup_printf ("/CN=%s", cn);
  const gchar *args[] = { "req", "-newkey", "ec", "-pkeyopt",
    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", csr,
    "-subj", subj, NULL
  };

  return run_openssl (dir, args, error);
}

static gboolean
make_ca (const gchar * dir, const gchar * name, const gchar * cn,
    GError ** error)
{
  g_autofree gchar *key = g_strdup_printf ("%s.key", name);
  g_autofree gchar *pem = g_strdup_printf ("%s.pem", name);
  g_autofree gchar *subj = g_strdup_printf ("/CN=%s", cn);
  const gchar *args[] = { "req", "-x509", "-newkey", "ec", "-pkeyopt",
    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", pem,
    "-days", "2", "-subj", subj, NULL
  };

  return run_openssl (dir, args, error);
}

/* NAME.pem and NAME.key for @cn, signed by CA.pem, with @extensions. */
static gboolean
make_leaf (const gchar * dir, const gchar * name, const gchar * ca,
    const gchar * cn, const gchar * extensions, GError ** error)
{
  g_autofree gchar *csr = g_strdup_printf ("%s.csr", name);
  g_autofree gchar *pem = g_strdup_printf ("%s.pem", name);
  g_autofree gchar *ext = g_strdup_printf ("%s.ext", name);
  g_autofree gchar *ext_path = g_build_filename (dir, ext, NULL);
  g_autofree gchar *ca_pem = g_strdup_printf ("%s.pem", ca);
  g_autofree gchar *ca_key = g_strdup_printf ("%s.key", ca);
  g_autofree gchar *serial = g_strdup_printf ("0x%08x%08x", g_random_int (),
      g_random_int ());
  const gchar *args[] = { "x509", "-req", "-in", csr, "-CA", ca_pem,
    "-CAkey", ca_key, "-set_serial", serial, "-out", pem, "-days", "2",
    "-extfile", ext, NULL
  };

  return make_key_and_csr (dir, name, cn, error)
      && g_file_set_contents (ext_path, extensions, -1, error)
      && run_openssl (dir, args, error);
}

static gboolean
concatenate (const gchar * out, const gchar * a, const gchar * b,
    GError ** error)
{
  g_autofree gchar *ta = NULL, *tb = NULL, *both = NULL;

  if (!g_file_get_contents (a, &ta, NULL, error)
      || !g_file_get_contents (b, &tb, NULL, error))
    return FALSE;
  both = g_strconcat (ta, tb, NULL);
  return g_file_set_contents (out, both, -1, error);
}

static gchar *
path_of (GwTestPki * pki, const gchar * name, const gchar * suffix)
{
  return g_strdup_printf ("%s/%s.%s", pki->dir, name, suffix);
}

GwTestPki *
gw_test_pki_new (GError ** error)
{
  g_autoptr (GwTestPki) pki = g_new0 (GwTestPki, 1);
  const gchar *server_ext = "subjectAltName=DNS:127.0.0.1,IP:127.0.0.1\n"
      "extendedKeyUsage=serverAuth\n";

  if (!(pki->dir = gw_test_tmpdir_new ("gw-tls-pki", error)))
    return NULL;
  if (!make_ca (pki->dir, "ca", "Gateway Test CA", error)
      || !make_ca (pki->dir, "rogue-ca", "Rogue CA", error)
      || !make_leaf (pki->dir, "server", "ca", "127.0.0.1", server_ext, error)
      || !make_leaf (pki->dir, "other", "ca", "other.example",
          "subjectAltName=DNS:other.example\n", error)
      || !make_leaf (pki->dir, "rogue", "rogue-ca", "127.0.0.1", server_ext,
          error)
      || !make_leaf (pki->dir, "client", "ca", "ot-sip-gateway test client",
          "extendedKeyUsage=clientAuth\n", error))
    return NULL;
  pki->ca = path_of (pki, "ca", "pem");
  pki->server_cert = path_of (pki, "server", "pem");
  pki->server_key = path_of (pki, "server", "key");
  pki->other_cert = path_of (pki, "other", "pem");
  pki->other_key = path_of (pki, "other", "key");
  pki->rogue_cert = path_of (pki, "rogue", "pem");
  pki->rogue_key = path_of (pki, "rogue", "key");
  pki->client_cert = path_of (pki, "client", "pem");
  pki->client_key = path_of (pki, "client", "key");
  pki->server_both = path_of (pki, "server-both", "pem");
  if (!concatenate (pki->server_both, pki->server_cert, pki->server_key, error))
    return NULL;
  return g_steal_pointer (&pki);
}

void
gw_test_pki_free (GwTestPki * pki)
{
  if (pki == NULL)
    return;
  if (pki->dir)
    gw_test_tmpdir_remove (pki->dir);
  g_free (pki->dir);
  g_free (pki->ca);
  g_free (pki->server_cert);
  g_free (pki->server_key);
  g_free (pki->other_cert);
  g_free (pki->other_key);
  g_free (pki->rogue_cert);
  g_free (pki->rogue_key);
  g_free (pki->client_cert);
  g_free (pki->client_key);
  g_free (pki->server_both);
  g_free (pki);
}
