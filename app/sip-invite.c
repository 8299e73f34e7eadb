/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What an outgoing INVITE carries, checked before anything reaches
 * sofia-sip: the request URI and its transport, the From header, the
 * caller's extra headers and the digest credentials.  REST validates too;
 * this is the last line, so that no request can be bent by CR/LF or by a
 * header the stack owns. */
#include <string.h>

#include "gw-error.h"
#include "sip-agent-private.h"

#include <sofia-sip/url.h>

/* Headers that sofia-sip writes itself (with their compact forms). */
static const gchar *const owned_headers[] = {
  "via", "v", "from", "f", "to", "t", "call-id", "i", "cseq", "contact", "m",
  "content-length", "l", "content-type", "c", "content-encoding", "e",
  "max-forwards", "route", "record-route", "authorization",
  "proxy-authorization", "allow", "supported", "k", "require", "rseq", "rack",
  NULL
};

static gboolean
has_control_chars (const gchar * s)
{
  for (; *s; s++) {
    if ((guchar) * s < 0x20 || *s == 0x7f)
      return TRUE;
  }
  return FALSE;
}

static gboolean
check_uri (const gchar * uri, GError ** error)
{
  g_autofree gchar *copy = NULL;
  char transport[16] = "";
  url_t url[1];

  if (uri == NULL || *uri == '\0' || has_control_chars (uri)
      || strpbrk (uri, " <>\"") != NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SIP URI '%s' is empty or has spaces, quotes, <> or control "
        "characters", uri ? uri : "(null)");
    return FALSE;
  }
  copy = g_strdup (uri);
  if (url_d (url, copy) < 0 || (url->url_type != url_sip
          && url->url_type != url_sips) || url->url_host == NULL
      || *url->url_host == '\0') {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "'%s' is not a sip: or sips: URI with a host", uri);
    return FALSE;
  }
  /* sip:a@b?Route=... would put headers in the request. */
  if (url->url_headers != NULL) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SIP URI '%s' must not carry headers (?...)", uri);
    return FALSE;
  }
  if (url->url_params && url_param (url->url_params, "transport", transport,
          sizeof (transport)) > 0) {
    if (g_ascii_strcasecmp (transport, "udp") != 0
        && g_ascii_strcasecmp (transport, "tcp") != 0
        && g_ascii_strcasecmp (transport, "tls") != 0) {
      g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
          "unsupported transport '%s' in %s (udp, tcp, tls)", transport, uri);
      return FALSE;
    }
  }
  /* sips: over UDP or TCP would not be secure (RFC 3261 26.2). */
  if (url->url_type == url_sips && transport[0] != '\0'
      && g_ascii_strcasecmp (transport, "tls") != 0) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "%s: a sips: URI is TLS only, not %s", uri, transport);
    return FALSE;
  }
  return TRUE;
}

gchar *
gw_sip_invite_contact (const gchar * uri, const gchar * host, guint port,
    guint tls_port)
{
  g_autofree gchar *copy = g_strdup (uri);
  char transport[16] = "";
  url_t url[1];

  if (url_d (url, copy) < 0)
    return NULL;
  if (url->url_params)
    url_param (url->url_params, "transport", transport, sizeof (transport));
  if (url->url_type == url_sips)
    return g_strdup_printf ("<sips:%s:%u>", host, tls_port);
  if (g_ascii_strcasecmp (transport, "tls") == 0)
    return g_strdup_printf ("<sip:%s:%u;transport=tls>", host, tls_port);
  if (g_ascii_strcasecmp (transport, "tcp") == 0)
    return g_strdup_printf ("<sip:%s:%u;transport=tcp>", host, port);
  return g_strdup_printf ("<sip:%s:%u>", host, port);
}

gboolean
gw_sip_invite_tls_target (const gchar * uri, gchar ** host, guint * port)
{
  g_autofree gchar *copy = g_strdup (uri);
  char transport[16] = "";
  url_t url[1];

  if (url_d (url, copy) < 0 || url->url_host == NULL)
    return FALSE;
  if (url->url_params)
    url_param (url->url_params, "transport", transport, sizeof (transport));
  if (url->url_type != url_sips && g_ascii_strcasecmp (transport, "tls") != 0)
    return FALSE;
  *host = g_strdup (url->url_host);
  *port = url->url_port ? (guint) g_ascii_strtoull (url->url_port, NULL, 10) :
      5061;
  return TRUE;
}

/* "Display" <sip:user@host>: the user percent-escaped where RFC 3261's
 * user part needs it (a "+1555..." stays as it is). */
static gchar *
format_from (const GwSipInvite * invite, const gchar * host, GError ** error)
{
  const gchar *user = invite->from_user && *invite->from_user ?
      invite->from_user : "anonymous";
  const gchar *name = invite->from_display_name;
  g_autofree gchar *escaped_user = NULL;
  g_autoptr (GString) from = g_string_new (NULL);

  if (!g_utf8_validate (user, -1, NULL) || (name != NULL
          && (!g_utf8_validate (name, -1, NULL) || has_control_chars (name)))) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "From user or display name is not valid UTF-8 text");
    return NULL;
  }
  escaped_user = g_uri_escape_string (user, "!*'()&=+$,;?/", FALSE);
  if (name != NULL && *name != '\0') {
    g_string_append_c (from, '"');
    for (const gchar * p = name; *p; p++) {
      if (*p == '"' || *p == '\\')
        g_string_append_c (from, '\\');
      g_string_append_c (from, *p);
    }
    g_string_append (from, "\" ");
  }
  g_string_append_printf (from, "<sip:%s@%s>", escaped_user, host);
  return g_string_free (g_steal_pointer (&from), FALSE);
}

static gboolean
is_token (const gchar * s, gsize len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++) {
    if (!g_ascii_isalnum (s[i]) && strchr ("-.!%*_+`'~", s[i]) == NULL)
      return FALSE;
  }
  return TRUE;
}

static gboolean
check_header (const gchar * header, GError ** error)
{
  const gchar *colon = strchr (header, ':');
  g_autofree gchar *name = NULL;

  if (colon == NULL || has_control_chars (header)
      || !is_token (header, colon - header)) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "header '%s' is not \"Name: value\" on one line", header);
    return FALSE;
  }
  name = g_ascii_strdown (header, colon - header);
  if (g_strv_contains (owned_headers, name)) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "header %s is set by the SIP stack, not by the caller", name);
    return FALSE;
  }
  return TRUE;
}

static gboolean
format_headers (const gchar * const *headers, gchar ** out, GError ** error)
{
  g_autoptr (GString) all = g_string_new (NULL);

  for (guint i = 0; headers != NULL && headers[i] != NULL; i++) {
    if (!check_header (headers[i], error))
      return FALSE;
    g_string_append_printf (all, "%s%s", i ? "\r\n" : "", headers[i]);
  }
  *out = all->len ? g_string_free (g_steal_pointer (&all), FALSE) : NULL;
  return TRUE;
}

static gboolean
check_credentials (const GwSipInvite * invite, GError ** error)
{
  const gchar *user = invite->auth_username, *pass = invite->auth_password;

  if ((user == NULL) != (pass == NULL) || (user && *user == '\0')) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SIP authentication needs both a username and a password");
    return FALSE;
  }
  if (user && (has_control_chars (user) || has_control_chars (pass))) {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "SIP username and password must not contain control characters");
    return FALSE;
  }
  return TRUE;
}

gboolean
gw_sip_invite_check (const GwSipInvite * invite, const gchar * from_host,
    gchar ** from, gchar ** headers, GError ** error)
{
  g_autofree gchar *f = NULL, *h = NULL;

  if (!check_uri (invite->uri, error) || !check_credentials (invite, error))
    return FALSE;
  if (invite->sdp_offer == NULL || *invite->sdp_offer == '\0') {
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "INVITE without SDP");
    return FALSE;
  }
  if (!(f = format_from (invite, from_host, error))
      || !format_headers (invite->headers, &h, error))
    return FALSE;
  *from = g_steal_pointer (&f);
  *headers = g_steal_pointer (&h);
  return TRUE;
}
