/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Digest credentials answering a 401/407 (RFC 3261 22, RFC 7616), with
 * sofia-sip's auth client but outside nua: nua only answers a challenge by
 * restarting the request, and the same restart logic follows 3xx
 * redirects, which a gateway must never do on its own.  So nua is told not
 * to restart anything (NUTAG_RETRY_COUNT(0)) and the call sends a new
 * INVITE carrying the header made here. */
#include <gst/gst.h>

#include "gw-error.h"
#include "sip-agent-private.h"

#include <sofia-sip/auth_client.h>

GST_DEBUG_CATEGORY_STATIC (gw_sip_auth_debug);
#define GST_CAT_DEFAULT gw_sip_auth_debug

static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gw_sip_auth_debug, "gwsipauth", 0,
        "SIP digest authentication");
    g_once_init_leave (&done, 1);
  }
}

/* "Name: value" lines for every credential header in @h. */
static gchar *
headers_as_text (sip_header_t * h)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (; h != NULL; h = h->sh_next) {
    /* sip_header_as_string() cuts digest credentials short. */
    char line[2048];
    issize_t n = sip_header_e (line, sizeof (line), h, 0);

    if (n <= 0 || (gsize) n >= sizeof (line))
      return NULL;
    g_string_append_len (text, line, n);
  }
  /* The separator between lines, not after the last. */
  while (text->len && (text->str[text->len - 1] == '\n'
          || text->str[text->len - 1] == '\r'))
    g_string_truncate (text, text->len - 1);
  return text->len ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

gchar *
gw_sip_auth_answer (const sip_t * response, const gchar * method,
    const gchar * uri, const gchar * body, const gchar * username,
    const gchar * password, GError ** error)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  auth_client_t *auc = NULL;
  msg_header_t *headers = NULL;
  url_t *url;
  msg_payload_t *payload = NULL;
  gchar *text = NULL;
  gint n = 0;

  ensure_debug_category ();
  if (response->sip_www_authenticate)
    n += auc_challenge (&auc, home, response->sip_www_authenticate,
        sip_authorization_class) > 0;
  if (response->sip_proxy_authenticate)
    n += auc_challenge (&auc, home, response->sip_proxy_authenticate,
        sip_proxy_authorization_class) > 0;
  url = url_make (home, uri);
  if (body != NULL)
    payload = msg_payload_make (home, body);

  if (n == 0 || url == NULL)
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH,
        "no challenge we can answer (Digest MD5/SHA-256, qop auth)");
  else if (auc_all_credentials (&auc, NULL, NULL, username, password) <= 0
      || auc_authorization_headers (&auc, home, method, url, payload,
          &headers) <= 0
      || (text = headers_as_text ((sip_header_t *) headers)) == NULL)
    g_set_error (error, GW_ERROR, GW_ERROR_AUTH,
        "cannot build digest credentials for the challenge");
  else
    GST_DEBUG ("answering challenge: %s", text);
  su_home_deinit (home);
  return text;
}
