/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "gw-error.h"

G_DEFINE_QUARK (gw - error - quark, gw_error);

guint
gw_error_to_http_status (const GError * error)
{
  if (error == NULL || error->domain != GW_ERROR)
    return 500;
  switch (error->code) {
    case GW_ERROR_INVALID:
      return 400;
    case GW_ERROR_AUTH:
      return 403;
    case GW_ERROR_NOT_FOUND:
      return 404;
    case GW_ERROR_METHOD:
      return 405;
    case GW_ERROR_CONFLICT:
      return 409;
    case GW_ERROR_TOO_LARGE:
      return 413;
    case GW_ERROR_NOT_IMPLEMENTED:
      return 501;
    case GW_ERROR_UNAVAILABLE:
      return 503;
    default:
      return 500;
  }
}

guint
gw_error_to_sip_status (const GError * error)
{
  guint http = gw_error_to_http_status (error);

  /* SIP reuses the HTTP codes for these, except an oversized request. */
  return http == 413 ? 513 : http;
}
