/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small strict SIP URI parser (GUri does not treat sip: as hierarchical,
 * and sofia-sip's url_d accepts far more than a dial target should be) and
 * the checks on a dial request's other values.  Whatever passes here goes
 * into SIP messages, so CR, LF and anything that could break a header out
 * of its line is refused. */
#include <gio/gio.h>
#include <string.h>

#include "dial-request.h"
#include "gw-error.h"

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
/* RFC 3261 25.1: unreserved = alphanum / mark */
#define UNRESERVED ALNUM "-_.!~*'()"
#define USER_CHARS UNRESERVED "&=+$,;?/"
#define PARAM_CHARS UNRESERVED "[]/:&+$"
#define TOKEN_CHARS ALNUM "-.!%*_+`'~"

#define invalid(error, ...) \
  (g_set_error (error, GW_ERROR, GW_ERROR_INVALID, __VA_ARGS__), FALSE)

/* `len` bytes of `s` are in `allowed` or are %XX escapes (not %00). */
static gboolean
is_escaped_text (const gchar * s, gsize len, const gchar * allowed)
{
  for (gsize i = 0; i < len; i++) {
    if (s[i] == '%') {
      if (i + 2 >= len)
        return FALSE;
      if (!g_ascii_isxdigit (s[i + 1]) || !g_ascii_isxdigit (s[i + 2])
          || (s[i + 1] == '0' && s[i + 2] == '0'))
        return FALSE;
      i += 2;
    } else if (s[i] == '\0' || !strchr (allowed, s[i])) {
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
is_ipv4 (const gchar * s)
{
  g_auto (GStrv) parts = g_strsplit (s, ".", -1);

  if (g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++) {
    gsize n = strlen (parts[i]);
    if (n == 0 || n > 3 || strspn (parts[i], "0123456789") != n
        || g_ascii_strtoull (parts[i], NULL, 10) > 255)
      return FALSE;
  }
  return TRUE;
}

/* RFC 3261: labels of alphanumerics and inner '-', the last one starting
 * with a letter (so "1.2.3.999" is neither a hostname nor IPv4), an
 * optional final dot. */
static gboolean
is_hostname (const gchar * s)
{
  gsize len = strlen (s);
  g_auto (GStrv) labels = NULL;
  guint n;

  if (len == 0 || len > 253)
    return FALSE;
  labels = g_strsplit (s, ".", -1);
  n = g_strv_length (labels);
  if (n > 1 && s[len - 1] == '.')
    n--;                        /* "example.com." */
  for (guint i = 0; i < n; i++) {
    gsize l = strlen (labels[i]);
    if (l == 0 || l > 63 || strspn (labels[i], ALNUM "-") != l
        || labels[i][0] == '-' || labels[i][l - 1] == '-')
      return FALSE;
  }
  return g_ascii_isalpha (labels[n - 1][0]);
}

static gboolean
is_ipv6 (const gchar * s)
{
  g_autoptr (GInetAddress) address = NULL;

  /* No zone IDs ("%eth0"): they mean nothing to the far end. */
  if (*s == '\0' || strspn (s, "0123456789abcdefABCDEF:.") != strlen (s))
    return FALSE;
  address = g_inet_address_new_from_string (s);
  return address && g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6;
}

/* "host[:port]" into the URI's host, host_is_ipv6 and port. */
static gboolean
parse_hostport (const gchar * s, GwDialUri * out, GError ** error)
{
  g_autofree gchar *host = NULL;
  const gchar *port = NULL;
  guint64 number = 0;

  if (s[0] == '[') {
    const gchar *end = strchr (s, ']');
    if (end == NULL)
      return invalid (error, "the IPv6 address has no closing ']'");
    host = g_strndup (s + 1, end - s - 1);
    if (!is_ipv6 (host))
      return invalid (error, "“%s” is not an IPv6 address", host);
    if (end[1] != '\0' && end[1] != ':')
      return invalid (error, "unexpected text after the IPv6 address");
    port = end[1] == ':' ? end + 2 : NULL;
    out->host_is_ipv6 = TRUE;
  } else {
    const gchar *colon = strchr (s, ':');
    host = colon ? g_strndup (s, colon - s) : g_strdup (s);
    port = colon ? colon + 1 : NULL;
    if (*host == '\0')
      return invalid (error, "the host is empty");
    if (!is_ipv4 (host) && !is_hostname (host))
      return invalid (error, "“%s” is not a hostname, an IPv4 address or "
          "a bracketed IPv6 address", host);
  }
  if (port && (*port == '\0' || strlen (port) > 5
          || strspn (port, "0123456789") != strlen (port)
          || !g_ascii_string_to_unsigned (port, 10, 1, 65535, &number, NULL)))
    return invalid (error, "the port “%s” is not a number from 1 to 65535",
        port);
  out->host = g_steal_pointer (&host);
  out->port = port ? (guint) number : 0;
  return TRUE;
}

static gboolean
parse_transport (const gchar * value, GwDialUri * out, GError ** error)
{
  static const gchar *const names[] = { "udp", "tcp", "tls" };

  for (guint i = 0; value && i < G_N_ELEMENTS (names); i++) {
    if (g_ascii_strcasecmp (value, names[i]) == 0) {
      out->transport = GW_DIAL_TRANSPORT_UDP + i;
      return TRUE;
    }
  }
  return invalid (error, "transport must be udp, tcp or tls");
}

/* ";name[=value]" parameters (`text` is what follows the first ';', NULL
 * when there is none); names compared without case. */
static gboolean
parse_params (const gchar * text, GwDialUri * out, GError ** error)
{
  g_auto (GStrv) params = g_strsplit (text ? text : "", ";", -1);

  /* g_strsplit gives no element at all for "". */
  if (text && *text == '\0')
    return invalid (error, "an empty parameter (malformed ';')");
  for (guint i = 0; params[i]; i++) {
    gchar *eq = strchr (params[i], '=');
    g_autofree gchar *name = eq ? g_strndup (params[i], eq - params[i]) :
        g_strdup (params[i]);
    const gchar *value = eq ? eq + 1 : NULL;

    if (*name == '\0' || !is_escaped_text (name, strlen (name), PARAM_CHARS)
        || (value && (*value == '\0'
                || !is_escaped_text (value, strlen (value), PARAM_CHARS))))
      return invalid (error, "the parameter “%s” is malformed", params[i]);
    for (guint j = 0; j < i; j++) {
      if (g_ascii_strncasecmp (params[j], name, strlen (name)) == 0
          && (params[j][strlen (name)] == '\0'
              || params[j][strlen (name)] == '='))
        return invalid (error, "the parameter “%s” appears twice", name);
    }
    if (g_ascii_strcasecmp (name, "transport") == 0
        && !parse_transport (value, out, error))
      return FALSE;
  }
  if (out->sips && out->transport == GW_DIAL_TRANSPORT_UDP)
    return invalid (error, "a sips: URI cannot use transport=udp");
  return TRUE;
}

/* Everything after the scheme: "user@hostport[;params]". */
static gboolean
parse_after_scheme (const gchar * rest, GwDialUri * out, GError ** error)
{
  const gchar *at = strchr (rest, '@');
  const gchar *semi;
  g_autofree gchar *hostport = NULL;

  if (g_str_has_prefix (rest, "//"))
    return invalid (error, "a SIP URI has no “//” after the scheme");
  if (at == NULL || at == rest)
    return invalid (error, "the URI has no user (sip:user@host)");
  if (strchr (at + 1, '@'))
    return invalid (error, "the URI has more than one '@'");
  if (memchr (rest, ':', at - rest))
    return invalid (error, "the URI must not carry a password");
  if (!is_escaped_text (rest, at - rest, USER_CHARS))
    return invalid (error, "the user part has characters SIP does not allow "
        "unescaped");
  if (strchr (at + 1, '?'))
    return invalid (error, "the URI must not carry ?headers");
  out->user = g_strndup (rest, at - rest);
  semi = strchr (at + 1, ';');
  hostport = semi ? g_strndup (at + 1, semi - at - 1) : g_strdup (at + 1);
  return parse_hostport (hostport, out, error)
      && parse_params (semi ? semi + 1 : NULL, out, error);
}

gboolean
gw_dial_uri_parse (const gchar * text, GwDialUri * out, GError ** error)
{
  GwDialUri uri = { 0 };
  gsize len = strlen (text);

  if (len > GW_DIAL_MAX_URI)
    return invalid (error, "the URI is longer than %u bytes", GW_DIAL_MAX_URI);
  if (g_ascii_strncasecmp (text, "sips:", 5) == 0)
    uri.sips = TRUE;
  else if (g_ascii_strncasecmp (text, "sip:", 4) != 0)
    return invalid (error, "not a sip: or sips: URI");
  if (!parse_after_scheme (text + (uri.sips ? 5 : 4), &uri, error)) {
    gw_dial_uri_clear (&uri);
    return FALSE;
  }
  gw_dial_uri_clear (out);
  *out = uri;
  return TRUE;
}

void
gw_dial_uri_clear (GwDialUri * uri)
{
  g_clear_pointer (&uri->user, g_free);
  g_clear_pointer (&uri->host, g_free);
  memset (uri, 0, sizeof (*uri));
}

static void
header_free (GwDialHeader * header)
{
  g_free (header->name);
  g_free (header->value);
  g_free (header);
}

GwDialRequest *
gw_dial_request_new (const gchar * api_key, const gchar * session_id)
{
  GwDialRequest *self = g_new0 (GwDialRequest, 1);

  self->api_key = g_strdup (api_key);
  self->session_id = g_strdup (session_id);
  self->headers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      header_free);
  return self;
}

void
gw_dial_request_free (GwDialRequest * self)
{
  if (self == NULL)
    return;
  g_free (self->api_key);
  g_free (self->session_id);
  g_free (self->connection_data);
  g_free (self->uri);
  gw_dial_uri_clear (&self->target);
  g_free (self->from);
  g_free (self->from_user);
  g_free (self->from_host);
  g_ptr_array_unref (self->headers);
  g_free (self->auth_username);
  g_free (self->auth_password);
  g_strfreev (self->streams);
  g_free (self);
}

gboolean
gw_dial_request_set_uri (GwDialRequest * self, const gchar * uri,
    GError ** error)
{
  if (!gw_dial_uri_parse (uri, &self->target, error))
    return FALSE;
  g_free (self->uri);
  self->uri = g_strdup (uri);
  return TRUE;
}

/* No ASCII control characters (tab allowed when `tab`). */
static gboolean
has_controls (const gchar * s, gboolean tab)
{
  for (; *s; s++) {
    if (((guchar) * s < 0x20 && !(tab && *s == '\t')) || *s == 0x7f)
      return TRUE;
  }
  return FALSE;
}

gboolean
gw_dial_request_set_from (GwDialRequest * self, const gchar * from,
    GError ** error)
{
  GwDialUri host = { 0 };
  const gchar *at;

  if (from == NULL || *from == '\0') {
    g_clear_pointer (&self->from, g_free);
    g_clear_pointer (&self->from_user, g_free);
    g_clear_pointer (&self->from_host, g_free);
    return TRUE;
  }
  if (strlen (from) > GW_DIAL_MAX_FROM)
    return invalid (error, "longer than %u bytes", GW_DIAL_MAX_FROM);
  if (has_controls (from, FALSE) || strpbrk (from, " <>\""))
    return invalid (error, "must not contain spaces, control characters, "
        "'<', '>' or '\"'");
  at = strchr (from, '@');
  if (at == from)
    return invalid (error, "the user part before '@' is empty");
  if (at && strchr (at + 1, '@'))
    return invalid (error, "more than one '@'");
  if (at && !parse_hostport (at + 1, &host, error)) {
    gw_dial_uri_clear (&host);
    return FALSE;
  }
  gw_dial_uri_clear (&host);
  g_free (self->from);
  g_free (self->from_user);
  g_free (self->from_host);
  self->from = g_strdup (from);
  self->from_user = at ? g_strndup (from, at - from) : g_strdup (from);
  self->from_host = at ? g_strdup (at + 1) : NULL;
  return TRUE;
}

gboolean
gw_dial_request_add_header (GwDialRequest * self, const gchar * name,
    const gchar * value, GError ** error)
{
  GwDialHeader *header;
  gsize n = strlen (name);

  if (self->headers->len >= GW_DIAL_MAX_HEADERS)
    return invalid (error, "more than %u headers", GW_DIAL_MAX_HEADERS);
  if (g_ascii_strncasecmp (name, "X-", 2) != 0 || n < 3)
    return invalid (error, "the header name “%s” does not start with X-",
        name);
  if (strspn (name, TOKEN_CHARS) != n)
    return invalid (error, "the header name “%s” is not a SIP token", name);
  if (has_controls (value, TRUE))
    return invalid (error, "the value of %s contains CR, LF or another "
        "control character", name);
  if (n + 2 + strlen (value) > GW_DIAL_MAX_HEADER_SIZE)
    return invalid (error, "the header %s is longer than %u bytes", name,
        GW_DIAL_MAX_HEADER_SIZE);
  header = g_new0 (GwDialHeader, 1);
  header->name = g_strdup (name);
  header->value = g_strdup (value);
  g_ptr_array_add (self->headers, header);
  return TRUE;
}

static gboolean
check_credential (const gchar * what, const gchar * s, GError ** error)
{
  if (strlen (s) > GW_DIAL_MAX_CREDENTIAL)
    return invalid (error, "the %s is longer than %u bytes", what,
        GW_DIAL_MAX_CREDENTIAL);
  if (has_controls (s, FALSE))
    return invalid (error, "the %s contains control characters", what);
  return TRUE;
}

gboolean
gw_dial_request_set_auth (GwDialRequest * self, const gchar * username,
    const gchar * password, GError ** error)
{
  if (username == NULL || *username == '\0')
    return invalid (error, "the username is empty");
  if (password == NULL)
    password = "";
  if (!check_credential ("username", username, error)
      || !check_credential ("password", password, error))
    return FALSE;
  g_free (self->auth_username);
  g_free (self->auth_password);
  self->auth_username = g_strdup (username);
  self->auth_password = g_strdup (password);
  return TRUE;
}

GStrv
gw_dial_request_dup_header_lines (const GwDialRequest * self)
{
  GPtrArray *lines = g_ptr_array_new ();

  for (guint i = 0; i < self->headers->len; i++) {
    GwDialHeader *h = g_ptr_array_index (self->headers, i);
    g_ptr_array_add (lines, g_strdup_printf ("%s: %s", h->name, h->value));
  }
  g_ptr_array_add (lines, NULL);
  return (GStrv) g_ptr_array_free (lines, FALSE);
}

void
gw_dial_reply_clear (GwDialReply * reply)
{
  g_clear_pointer (&reply->call_id, g_free);
  g_clear_pointer (&reply->connection_id, g_free);
  g_clear_pointer (&reply->stream_id, g_free);
}
