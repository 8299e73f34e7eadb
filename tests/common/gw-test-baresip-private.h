/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GwTestBaresip's fields, shared by its set-up (gw-test-baresip.c) and its
 * call control (gw-test-baresip-call.c). */
#pragma once

#include "gw-test-baresip.h"
#include "gw-test-baresip-ctrl.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define GW_TEST_BARESIP_COMMAND_TIMEOUT_MS 5000

struct _GwTestBaresip
{
  GObject parent;

  gchar *user;
  guint tone_hz;
  gchar *codecs;                /* account audio_codecs value */
  gchar *mediaenc;
  gchar *answer_mode;
  GString *extra_config;
  GString *account_params;
  GError *setup_error;          /* bad setting, reported by start() */

  guint port;
  guint ctrl_port;
  gchar *dir;
  gchar *log_path;
  GSubprocess *proc;
  GwTestBaresipCtrl *ctrl;
  guint cursor;                 /* first event no wait has consumed */
  GString *dtmf;
  guint dtmf_seen;              /* events already scanned for DTMF */
};

G_END_DECLS
