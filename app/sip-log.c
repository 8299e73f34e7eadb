/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sofia-sip's own log (nua, nta, tport...) in the GStreamer category
 * gwsofia: GST_DEBUG=gwsofia:5 shows nua's protocol actions, gwsofia:7
 * everything, gwsofia:9 with TPORT_LOG=1 in the environment every message.
 * Each line passes gw_sip_tls_log_line() first, since sofia-sip tells why
 * a TLS connection failed only there, and loses its SDES keys: messages
 * carry them in a=crypto, and keys are never logged. */
#include <string.h>

#include <gst/gst.h>

#include "sip-agent-private.h"

#include <sofia-sip/su_log.h>

GST_DEBUG_CATEGORY_STATIC (gw_sofia_debug);
#define GST_CAT_DEFAULT gw_sofia_debug

/* sofia-sip's log objects: not all of them are in its public headers. */
extern su_log_t nua_log[], nta_log[], tport_log[], soa_log[], iptsec_log[],
    sresolv_log[];

/* One of sofia-sip's logs: it writes lines in pieces, assembled here. */
typedef struct
{
  const gchar *name;
  su_log_t *log;
  GString *line;
  gboolean shown;               /* at the level gwsofia asks for */
} SofiaLog;

static SofiaLog sofia_logs[] = {
  {"su"}, {"nua"}, {"nta"}, {"tport"}, {"soa"}, {"iptsec"}, {"sresolv"},
};

/* Every "inline:KEY" loses its key, whatever logs it. */
static void
redact_keys (gchar * line)
{
  gchar *p = line;

  while ((p = strstr (p, "inline:")) != NULL) {
    for (p += strlen ("inline:"); g_ascii_isalnum (*p) || *p == '+'
        || *p == '/' || *p == '='; p++)
      *p = '*';
  }
}

static void
sofia_logger (void *stream, char const *fmt, va_list ap)
{
  SofiaLog *log = stream;
  GstDebugLevel level = gst_debug_category_get_threshold (gw_sofia_debug);
  gchar *nl;

  /* Only the main thread logs (su_root_threading is off). */
  g_string_append_vprintf (log->line, fmt, ap);
  while ((nl = strchr (log->line->str, '\n')) != NULL) {
    *nl = '\0';
    redact_keys (log->line->str);
    /* TLS failures are only told here: read them whatever the level. */
    gw_sip_tls_log_line (log->name, log->line->str);
    if (log->shown)
      GST_CAT_LEVEL_LOG (gw_sofia_debug, CLAMP (level, GST_LEVEL_ERROR,
              GST_LEVEL_DEBUG), NULL, "%s: %s", log->name, log->line->str);
    g_string_erase (log->line, 0, nl - log->line->str + 1);
  }
}

void
gw_sip_log_set_levels (gboolean binding)
{
  GstDebugLevel t = gst_debug_category_get_threshold (gw_sofia_debug);
  guint level = t >= GST_LEVEL_TRACE ? 9 : t >= GST_LEVEL_LOG ? 7 :
      t >= GST_LEVEL_DEBUG ? 5 : t >= GST_LEVEL_INFO ? 3 :
      t >= GST_LEVEL_WARNING ? 1 : 0;

  for (guint i = 0; i < G_N_ELEMENTS (sofia_logs); i++) {
    SofiaLog *log = &sofia_logs[i];
    /* What nta and tport say about TLS failures (3), and the ports tport
     * binds (5), is read even when not shown. */
    guint min = g_str_equal (log->name, "tport") ? (binding ? 5 : 3) :
        g_str_equal (log->name, "nta") ? 3 : 0;

    log->shown = level >= min;
    su_log_set_level (log->log, MAX (level, min));
  }
}

void
gw_sip_log_redirect (void)
{
  su_log_t *logs[] = { su_log_default, nua_log, nta_log, tport_log,
    soa_log, iptsec_log, sresolv_log
  };
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gw_sofia_debug, "gwsofia", 0,
        "sofia-sip's own log (SDES keys blotted out)");
    g_once_init_leave (&done, 1);
  }
  G_STATIC_ASSERT (G_N_ELEMENTS (logs) == G_N_ELEMENTS (sofia_logs));
  for (guint i = 0; i < G_N_ELEMENTS (logs); i++) {
    SofiaLog *log = &sofia_logs[i];

    if (log->line == NULL)
      log->line = g_string_new (NULL);
    log->log = logs[i];
    su_log_redirect (logs[i], sofia_logger, log);
  }
  gw_sip_log_set_levels (FALSE);
}
