/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* play-dtmf: the body is checked first (400), then the connection ID's
 * shape (400), the session (404), and the gateway answers for the
 * connection (404 when it is not a SIP leg of the session). */
#include <string.h>

#include "gw-error.h"
#include "rest-dtmf.h"
#include "rest-json.h"

GST_DEBUG_CATEGORY_STATIC (gw_rest_dtmf_debug);
#define GST_CAT_DEFAULT gw_rest_dtmf_debug

static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gw_rest_dtmf_debug, "gwrestdtmf", 0,
        "REST play-dtmf");
    g_once_init_leave (&done, 1);
  }
}

gboolean
gw_dtmf_digits_validate (const gchar * digits, GError ** error)
{
  gsize n = digits ? strlen (digits) : 0;

  if (n == 0)
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID, "digits is empty");
  else if (n > GW_DTMF_MAX_DIGITS)
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "digits is longer than %u characters", GW_DTMF_MAX_DIGITS);
  else if (strspn (digits, "0123456789*#p") != n)
    g_set_error (error, GW_ERROR, GW_ERROR_INVALID,
        "digits may only contain 0-9, '*', '#' and 'p' (a pause)");
  else
    return TRUE;
  return FALSE;
}

typedef struct
{
  gchar *digits;
} DtmfBody;

static const GwRestJsonField dtmf_fields[] = {
  {"digits", GW_REST_JSON_STRING, TRUE, G_STRUCT_OFFSET (DtmfBody, digits)},
  {NULL}
};

/* connection_id NULL = every SIP leg of the session. */
static gboolean
play (GwRestRequest * req, const gchar * connection_id, GError ** error)
{
  g_autoptr (OtSession) session = NULL;
  DtmfBody body = { 0 };
  gboolean ok;

  ensure_debug_category ();
  ok = gw_rest_json_read (req->json, NULL, dtmf_fields, &body, error)
      && gw_dtmf_digits_validate (body.digits, error)
      && (connection_id == NULL
      || gw_rest_json_check_id ("connectionId", connection_id, error))
      && (session = gw_gateway_lookup_session (req->gateway,
          req->project->api_key, req->session_id, error))
      && gw_gateway_play_dtmf (req->gateway, session, connection_id,
      body.digits, error);
  if (ok) {
    GST_INFO ("played %s to %s in %s", body.digits,
        connection_id ? connection_id : "every SIP leg", req->session_id);
    gw_rest_api_reply (req->msg, SOUP_STATUS_OK, "application/json",
        g_strdup ("{}"));
  }
  gw_rest_json_clear (dtmf_fields, &body);
  return ok;
}

gboolean
gw_rest_dtmf_play_session (GwRestRequest * req, GError ** error)
{
  return play (req, NULL, error);
}

gboolean
gw_rest_dtmf_play_connection (GwRestRequest * req, GError ** error)
{
  return play (req, req->connection_id, error);
}
