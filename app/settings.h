/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The gateway's settings: a GKeyFile (see architecture.md, "Settings and
 * command line"), or the embedded development defaults. */
#pragma once

#include <glib.h>

#include "media-params.h"
#include "sip-agent.h"

G_BEGIN_DECLS

/* The API key of the embedded development project.  Numeric, because the
 * Java SDK takes the API key as an int. */
#define GW_SETTINGS_DEV_API_KEY "12345678"

/* One [project KEY] group. */
typedef struct
{
  gchar *api_key;
  gchar *secret;                /* HS256 key for REST JWTs and client tokens */
  gchar *callback_url;          /* NULL = no callbacks */
  gchar *callback_secret;       /* NULL = unsigned callbacks */
} GwProject;

typedef struct
{
  guint min;
  guint max;
} GwPortRange;

typedef struct
{
  /* [http] */
  gchar *http_address;
  guint http_port;              /* 0 = ephemeral */

  /* [sip] */
  gchar *sip_address;
  guint sip_port;               /* UDP and TCP; 0 = ephemeral */
  guint sip_tls_port;           /* used only with tls_certificate */
  gchar *sip_public_address;    /* NULL = sip_address */
  GwPortRange rtp_ports;
  gchar *tls_certificate;       /* NULL = no TLS listener */
  gchar *tls_private_key;
  gchar *tls_ca_file;           /* NULL = the system's CA bundle */
  /* tls-verify=full (default) | ca-only | none: how far to check the
   * certificates of TLS far ends (GwSipAgentConfig.tls_verify). */
  GwSipTlsVerify tls_verify;
  /* secure-media=sdes (default) | dtls: what a dial with secure: true
   * offers (GW_SRTP_SDES or GW_SRTP_DTLS, for gw_srtp_local_init). */
  GwSrtpMode secure_media;

  /* [calls], all in milliseconds (the file says seconds) */
  guint ring_timeout_ms;
  guint initial_media_timeout_ms;
  guint media_timeout_ms;
  guint max_duration_ms;
  gchar *default_from;          /* NULL = none */

  /* GwProject *, in file order */
  GPtrArray *projects;

  /* TRUE for the embedded development defaults (no file). */
  gboolean development;
} GwSettings;

void gw_settings_free (GwSettings * settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwSettings, gw_settings_free);

/* The embedded development defaults: loopback, HTTP 8080, SIP 5060, and one
 * project GW_SETTINGS_DEV_API_KEY whose secret is `dev_secret`, or a fresh
 * random one when it is NULL or empty. */
GwSettings *gw_settings_new_development (const gchar * dev_secret);

/* Parses the key file text `data` (of `len` bytes, -1 = NUL-terminated);
 * `file_name` only names the source in error messages.  On error,
 * GW_ERROR_INVALID with "FILE: [group] key: problem". */
GwSettings *gw_settings_new_from_data (const gchar * data, gssize len,
    const gchar * file_name, GError ** error);

GwSettings *gw_settings_new_from_file (const gchar * path, GError ** error);

/* The project with that API key, or NULL. */
const GwProject *gw_settings_lookup_project (const GwSettings * settings,
    const gchar * api_key);

G_END_DECLS
