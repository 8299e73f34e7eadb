/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SIP over TLS with sofia-sip 1.12.11's tport, and its quirks:
 *  - it loads its certificate from a directory: agent.pem (certificate and
 *    key in one file) and cafile.pem (the CAs to trust; absent = the
 *    system's).  We assemble one from the configured files in a private
 *    temporary directory, removed once nua has read it (at bind time).
 *  - it says why a TLS connection failed only in its log, and a failed
 *    handshake or certificate check just closes the connection (the
 *    agent's TPTAG_SDWN_ERROR turns that into a local 503 at once, instead
 *    of a 408 after 32 s).  So the agent's log redirect hands every line of
 *    nta and tport to gw_sip_tls_log_line(), which keeps the reason per
 *    destination for the call that gets the 503, and logs it.
 *  - a bad certificate or key is only logged, and TLS then runs without
 *    one: gw_sip_tls_watch_end() turns those lines into a start-up error.
 * Everything here runs on the main thread (sofia-sip's one thread). */
#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "gw-error.h"
#include "sip-agent-private.h"

#include <sofia-sip/tport_tag.h>

GST_DEBUG_CATEGORY_STATIC (gw_sip_tls_debug);
#define GST_CAT_DEFAULT gw_sip_tls_debug

/* Failures are kept this long for the call that reports them. */
#define FAILURE_TTL_US (30 * G_USEC_PER_SEC)
/* nta reports the request a closing connection took along at once: an
 * older reason was a connection without one (say, a handshake of someone
 * connecting to us). */
#define PENDING_TTL_US (2 * G_USEC_PER_SEC)
#define MAX_FAILURES 16

typedef struct
{
  gchar *destination;           /* "HOST:PORT" as nta names it */
  gchar *reason;
  gint64 time;
} TlsFailure;

static struct
{
  GRegex *nta_error;            /* nta: INVITE (1): Success (0) with tls/[h]:p */
  gchar *pending;               /* the reason of the connection failing now */
  gint64 pending_time;
  gchar *cert_subject;          /* from the lines of a failed certificate */
  gchar *cert_issuer;
  GQueue failures;              /* TlsFailure, newest first */
  gboolean watching;            /* start-up: collect certificate errors */
  GPtrArray *startup_errors;
  guint sip_port;               /* start-up: what tport listens on */
  guint tls_port;
} tls;

static void
ensure_init (void)
{
  if (tls.nta_error != NULL)
    return;
  GST_DEBUG_CATEGORY_INIT (gw_sip_tls_debug, "gwsiptls", 0,
      "SIP over TLS: certificates and connection failures");
  tls.nta_error = g_regex_new ("^nta: \\S+ \\(\\d+\\): (.*) \\((\\d+)\\) "
      "with tls/\\[(.*)\\]:(\\d+)$", G_REGEX_CASELESS, 0, NULL);
  tls.startup_errors = g_ptr_array_new_with_free_func (g_free);
}

static void
failure_free (TlsFailure * f)
{
  g_free (f->destination);
  g_free (f->reason);
  g_free (f);
}

static void
set_pending (gchar * reason)
{
  gint64 now = g_get_monotonic_time ();

  if (tls.pending != NULL && now - tls.pending_time > PENDING_TTL_US)
    g_clear_pointer (&tls.pending, g_free);
  /* The first reason of a connection is the cause; what follows, echoes. */
  if (tls.pending == NULL) {
    tls.pending = reason;
    tls.pending_time = now;
  } else {
    g_free (reason);
  }
}

static gchar *
after (const gchar * line, const gchar * marker)
{
  const gchar *p = strstr (line, marker);

  return p ? g_strstrip (g_strdup (p + strlen (marker))) : NULL;
}

/* The lines tport writes about one failed certificate (tls_verify_cb):
 * "-Error with certificate at depth: N", "  issuer   = /CN=..",
 * "  subject  = /CN=..", "  err 20:unable to get local issuer certificate". */
static gboolean
read_certificate_line (const gchar * line)
{
  gchar *v;

  if (g_str_has_prefix (line, "-Error with certificate at depth:")) {
    g_clear_pointer (&tls.cert_subject, g_free);
    g_clear_pointer (&tls.cert_issuer, g_free);
  } else if ((v = after (line, "  issuer   = ")) != NULL) {
    g_free (tls.cert_issuer);
    tls.cert_issuer = v;
  } else if ((v = after (line, "  subject  = ")) != NULL) {
    g_free (tls.cert_subject);
    tls.cert_subject = v;
  } else if (g_str_has_prefix (line, "  err ") && strchr (line, ':')) {
    set_pending (g_strdup_printf ("certificate %s (issuer %s) not accepted: "
            "%s", tls.cert_subject ? tls.cert_subject : "?",
            tls.cert_issuer ? tls.cert_issuer : "?", strchr (line, ':') + 1));
  } else {
    return FALSE;
  }
  return TRUE;
}

/* "tport_listen(0x..): listening at udp/127.0.0.1:5060/sip": the bound
 * ports (nua's own contact names only one transport). */
static gboolean
read_listen_line (const gchar * line)
{
  g_autofree gchar *v = after (line, "listening at ");
  g_auto (GStrv) parts = NULL;
  guint64 port;

  if (v == NULL)
    return FALSE;
  parts = g_strsplit_set (v, "/", 3);
  if (g_strv_length (parts) < 2 || strrchr (parts[1], ':') == NULL
      || !g_ascii_string_to_unsigned (strrchr (parts[1], ':') + 1, 10, 1,
          65535, &port, NULL))
    return FALSE;
  if (g_ascii_strcasecmp (parts[0], "tls") == 0)
    tls.tls_port = port;
  else
    tls.sip_port = port;
  return TRUE;
}

static gboolean
read_tport_line (const gchar * line)
{
  gchar *v;

  if (read_certificate_line (line))
    return TRUE;
  if ((v = after (line, "Peer Subject Mismatch (")) != NULL) {
    if (g_str_has_suffix (v, ")"))
      v[strlen (v) - 1] = '\0';
    set_pending (g_strdup_printf ("the certificate does not name %s "
            "(subjectAltName DNS or CN; sofia-sip does not match IP "
            "subjectAltNames)", v));
    g_free (v);
  } else if (strstr (line, "TLS setup failed") != NULL) {
    set_pending (g_strdup ("TLS handshake failed (no common protocol "
            "version, TLS 1.2 or newer, or cipher; or the peer refused us)"));
  } else if (strstr (line, "Peer did not provide X.509 Certificate")) {
    set_pending (g_strdup ("the peer sent no certificate"));
  } else if (tls.watching && read_listen_line (line)) {
    return TRUE;
  } else if (tls.watching && (strstr (line, "invalid local certificate")
          || strstr (line, "invalid private key")
          || strstr (line, "private key does not match")
          || strstr (line, "error loading CA list"))) {
    g_ptr_array_add (tls.startup_errors, g_strdup (line));
  } else {
    return FALSE;
  }
  return TRUE;
}

static void
add_failure (const gchar * host, const gchar * port, const gchar * reason)
{
  TlsFailure *f = g_new0 (TlsFailure, 1);

  f->destination = g_strdup_printf ("%s:%s", host, port);
  f->reason = g_strdup (reason);
  f->time = g_get_monotonic_time ();
  GST_WARNING ("SIP over TLS to %s failed: %s", f->destination, reason);
  g_queue_push_head (&tls.failures, f);
  while (g_queue_get_length (&tls.failures) > MAX_FAILURES)
    failure_free (g_queue_pop_tail (&tls.failures));
}

/* nta's report of the request that a closed TLS connection took along:
 * the moment the pending reason gets its destination. */
static gboolean
read_nta_line (const gchar * line)
{
  g_autoptr (GMatchInfo) m = NULL;
  g_autofree gchar *text = NULL, *err = NULL, *host = NULL, *port = NULL;

  if (!g_regex_match (tls.nta_error, line, 0, &m))
    return FALSE;
  text = g_match_info_fetch (m, 1);
  err = g_match_info_fetch (m, 2);
  host = g_match_info_fetch (m, 3);
  port = g_match_info_fetch (m, 4);
  if (tls.pending != NULL
      && g_get_monotonic_time () - tls.pending_time > PENDING_TTL_US)
    g_clear_pointer (&tls.pending, g_free);
  if (tls.pending == NULL)
    /* No TLS reason: the connection itself failed ("Connection refused"),
     * or closed under the request ("Success", errno 0). */
    tls.pending = g_strcmp0 (err, "0") == 0 ?
        g_strdup ("the TLS connection closed before an answer") :
        g_strdup_printf ("TCP connection failed: %s", text);
  add_failure (host, port, tls.pending);
  g_clear_pointer (&tls.pending, g_free);
  return TRUE;
}

gboolean
gw_sip_tls_log_line (const gchar * log_name, const gchar * line)
{
  ensure_init ();
  if (g_str_equal (log_name, "tport"))
    return read_tport_line (line);
  if (g_str_equal (log_name, "nta"))
    return read_nta_line (line);
  return FALSE;
}

const gchar *
gw_sip_tls_failure (const gchar * host, guint port, gint64 since)
{
  g_autofree gchar *destination = NULL;
  const gchar *latest = NULL;

  ensure_init ();
  /* nta writes IPv6 hosts without brackets inside its own []. */
  if (host[0] == '[')
    destination = g_strdup_printf ("%.*s:%u", (int) strlen (host) - 2,
        host + 1, port);
  else
    destination = g_strdup_printf ("%s:%u", host, port);
  for (GList * l = tls.failures.head; l != NULL; l = l->next) {
    TlsFailure *f = l->data;

    if (f->time < since || g_get_monotonic_time () - f->time > FAILURE_TTL_US)
      break;
    if (g_str_equal (f->destination, destination))
      return f->reason;
    /* A host name resolved to an address: the newest failure since the
     * call started is the best guess. */
    if (latest == NULL)
      latest = f->reason;
  }
  return g_hostname_is_ip_address (host) || host[0] == '[' ? NULL : latest;
}

gchar *
gw_sip_tls_failure_phrase (const gchar * host, guint port, gint64 since,
    guint status, const gchar * phrase)
{
  const gchar *why;

  if (status != 503 || host == NULL
      || (why = gw_sip_tls_failure (host, port, since)) == NULL)
    return g_strdup (phrase);
  return g_strdup_printf ("TLS: %s", why);
}

void
gw_sip_tls_watch_start (void)
{
  ensure_init ();
  tls.watching = TRUE;
  tls.sip_port = tls.tls_port = 0;
  g_ptr_array_set_size (tls.startup_errors, 0);
}

gboolean
gw_sip_tls_watch_end (gboolean have_certificate, guint * sip_port,
    guint * tls_port, GError ** error)
{
  gboolean ok = !have_certificate || tls.startup_errors->len == 0;

  ensure_init ();
  tls.watching = FALSE;
  *sip_port = tls.sip_port;
  *tls_port = tls.tls_port;
  if (!ok)
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "the TLS certificate or private key is not usable: %s",
        (const gchar *) g_ptr_array_index (tls.startup_errors, 0));
  g_ptr_array_set_size (tls.startup_errors, 0);
  return ok;
}

gboolean
gw_sip_tls_check_config (const GwSipAgentConfig * config, GError ** error)
{
  gboolean cert = config->tls_certificate && *config->tls_certificate;
  gboolean key = config->tls_private_key && *config->tls_private_key;

  if (cert != key) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SIP over TLS needs both a certificate and its private key");
    return FALSE;
  }
  if (config->tls_port > 65535 || (cert && config->tls_port != 0
          && config->tls_port == config->port)) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SIP TLS port %u is out of range or the same as the port",
        config->tls_port);
    return FALSE;
  }
  if (config->tls_verify > GW_SIP_TLS_VERIFY_NONE) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "unknown TLS verification mode %d", config->tls_verify);
    return FALSE;
  }
  return TRUE;
}

guint
gw_sip_tls_verify_policy (GwSipTlsVerify verify)
{
  /* Outgoing only: far ends that connect to us (for a BYE, say) need no
   * client certificate. */
  switch (verify) {
    case GW_SIP_TLS_VERIFY_CA_ONLY:
      return TPTLS_VERIFY_OUTGOING;
    case GW_SIP_TLS_VERIFY_NONE:
      return TPTLS_VERIFY_NONE;
    default:
      return TPTLS_VERIFY_SUBJECTS_OUT;
  }
}

static gboolean
read_pem (const gchar * path, const gchar * what, const gchar * marker,
    GString * out, GError ** error)
{
  g_autofree gchar *text = NULL;
  g_autoptr (GError) err = NULL;

  if (!g_file_get_contents (path, &text, NULL, &err)) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "TLS %s: %s", what,
        err->message);
    return FALSE;
  }
  if (strstr (text, marker) == NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "TLS %s %s is not PEM (no \"%s\")", what, path, marker);
    return FALSE;
  }
  g_string_append (out, text);
  if (out->len && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  /* The private key is in there: wipe the copy. */
  memset (text, 0, strlen (text));
  return TRUE;
}

static gboolean
write_private (const gchar * dir, const gchar * name, GString * text,
    GError ** error)
{
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  gboolean ok;

  /* g_file_set_contents_full creates the file with that mode (0600). */
  ok = g_file_set_contents_full (path, text->str, text->len,
      G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
  memset (text->str, 0, text->len);
  return ok;
}

gchar *
gw_sip_tls_make_certificate_dir (const GwSipAgentConfig * config,
    GError ** error)
{
  g_autoptr (GString) agent = g_string_new (NULL);
  g_autoptr (GString) ca = g_string_new (NULL);
  g_autoptr (GError) err = NULL;
  g_autofree gchar *dir = NULL;
  gboolean have_cert = config->tls_certificate && *config->tls_certificate;

  ensure_init ();
  if (have_cert && (!read_pem (config->tls_certificate, "certificate",
              "-----BEGIN CERTIFICATE-----", agent, error)
          || !read_pem (config->tls_private_key, "private key",
              "PRIVATE KEY-----", agent, error)))
    return NULL;
  if (config->tls_ca_file && *config->tls_ca_file
      && !read_pem (config->tls_ca_file, "CA file",
          "-----BEGIN CERTIFICATE-----", ca, error))
    return NULL;
  /* 0700, readable by us alone. */
  if (!(dir = g_dir_make_tmp ("ot-sip-gateway-tls-XXXXXX", &err))) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "cannot make a directory for the TLS certificate: %s", err->message);
    return NULL;
  }
  if ((have_cert && !write_private (dir, "agent.pem", agent, &err))
      || (ca->len && !write_private (dir, "cafile.pem", ca, &err))) {
    g_set_error (error, GW_ERROR, GW_ERROR_FAILED,
        "cannot write the TLS certificate directory: %s", err->message);
    gw_sip_tls_remove_certificate_dir (dir);
    return NULL;
  }
  return g_steal_pointer (&dir);
}

void
gw_sip_tls_remove_certificate_dir (const gchar * dir)
{
  static const gchar *const names[] = { "agent.pem", "cafile.pem" };

  if (dir == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    g_autofree gchar *path = g_build_filename (dir, names[i], NULL);

    if (g_unlink (path) != 0 && errno != ENOENT)
      GST_WARNING ("cannot remove %s: %s", path, g_strerror (errno));
  }
  if (g_rmdir (dir) != 0)
    GST_WARNING ("cannot remove %s: %s", dir, g_strerror (errno));
}
