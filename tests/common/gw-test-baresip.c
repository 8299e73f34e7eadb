/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* baresip 1.0.0 as a far end.  What this build can do, measured here:
 * - tone: ausine (48 kHz stereo only, hence the ausrc/auplay settings;
 *   otherwise calls fail with 486); `ausrc ausine,F` switches it mid-call.
 * - recording: aufile is a source only in 1.0 (no player), so the sndfile
 *   audio filter records instead: per call it writes
 *   <dir>/rec/dump-<YYYY-MM-DD-hh-mm-ss>-dec.wav (what was received, after
 *   decoding) and -enc.wav (what was sent), at the codec's rate and
 *   channels (8 kHz mono for G.711, 16 kHz mono for G.722, 48 kHz stereo
 *   for Opus).  Two calls starting in the same second share a name.
 * - media address: net_interface 127.0.0.1, or SDP names the real NIC.
 * - ports: sip_listen P binds UDP and TCP P, and TCP P+1 for SIP over TLS
 *   (always, even without a certificate); RTP takes random ports.
 * - codecs: account audio_codecs=PCMU/8000/1,... (the rate is required:
 *   a bare G722 is looked up at 8000 Hz and silently ignored).
 * - SRTP: mediaenc=srtp|srtp-mand|srtp-mandf (SDES) or dtls_srtp.
 * - DTMF: `sndcode DIGITS` sends RFC 4733 events; received ones arrive as
 *   CALL_DTMF_START events.
 * The player is aubridge with no source attached: it accepts audio and
 * discards it, so nothing needs a sound card. */
#include "gw-test-baresip-private.h"
#include "gw-test-ports.h"
#include "gw-test-process.h"
#include "gw-test-wav.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#define START_TIMEOUT_MS 10000

G_DEFINE_TYPE (GwTestBaresip, gw_test_baresip, G_TYPE_OBJECT);

static void
gw_test_baresip_init (GwTestBaresip * self)
{
  self->tone_hz = 440;
  self->answer_mode = g_strdup ("auto");
  self->extra_config = g_string_new (NULL);
  self->account_params = g_string_new (NULL);
  self->dtmf = g_string_new (NULL);
}

static void
gw_test_baresip_finalize (GObject * object)
{
  GwTestBaresip *self = GW_TEST_BARESIP (object);

  gw_test_baresip_stop (self);
  g_clear_object (&self->ctrl);
  g_clear_object (&self->proc);
  gw_test_tmpdir_remove (self->dir);
  g_free (self->dir);
  g_free (self->log_path);
  g_free (self->user);
  g_free (self->codecs);
  g_free (self->mediaenc);
  g_free (self->answer_mode);
  g_string_free (self->extra_config, TRUE);
  g_string_free (self->account_params, TRUE);
  g_string_free (self->dtmf, TRUE);
  g_clear_error (&self->setup_error);
  G_OBJECT_CLASS (gw_test_baresip_parent_class)->finalize (object);
}

static void
gw_test_baresip_class_init (GwTestBaresipClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gw_test_baresip_finalize;
}

/** gw_test_baresip_new: a far end whose address is sip:@user@127.0.0.1 */
GwTestBaresip *
gw_test_baresip_new (const gchar * user)
{
  GwTestBaresip *self = g_object_new (GW_TEST_TYPE_BARESIP, NULL);

  self->user = g_strdup (user);
  return self;
}

static void
G_GNUC_PRINTF (2, 3)
setup_error (GwTestBaresip * self, const gchar * format, ...)
{
  va_list ap;

  if (self->setup_error)
    return;
  va_start (ap, format);
  self->setup_error = g_error_new_valist (G_IO_ERROR,
      G_IO_ERROR_INVALID_ARGUMENT, format, ap);
  va_end (ap);
}

/** gw_test_baresip_set_tone: the sine it sends, 10..20000 Hz (440). */
void
gw_test_baresip_set_tone (GwTestBaresip * self, guint freq_hz)
{
  if (freq_hz < 10 || freq_hz > 20000)
    setup_error (self, "ausine tone %u Hz is outside 10..20000", freq_hz);
  self->tone_hz = freq_hz;
}

static const gchar *
codec_spec (const gchar * name)
{
  static const gchar *const specs[] = { "PCMU/8000/1", "PCMA/8000/1",
    "G722/16000/1", "opus/48000/2"
  };

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    if (!g_ascii_strncasecmp (name, specs[i], strcspn (specs[i], "/"))
        && strlen (name) == strcspn (specs[i], "/"))
      return specs[i];
  return NULL;
}

/**
 * gw_test_baresip_set_codecs:
 * @codecs: comma-separated, in preference order, of PCMU, PCMA, G722,
 *   opus (case-insensitive); NULL for all four (PCMU first).
 */
void
gw_test_baresip_set_codecs (GwTestBaresip * self, const gchar * codecs)
{
  g_auto (GStrv) names = codecs ? g_strsplit (codecs, ",", -1) : NULL;
  g_autoptr (GPtrArray) specs = g_ptr_array_new ();

  g_clear_pointer (&self->codecs, g_free);
  for (guint i = 0; names && names[i]; i++) {
    const gchar *spec = codec_spec (g_strstrip (names[i]));

    if (!spec) {
      setup_error (self, "baresip has no audio codec '%s' (PCMU, PCMA, "
          "G722, opus)", names[i]);
      return;
    }
    g_ptr_array_add (specs, (gpointer) spec);
  }
  g_ptr_array_add (specs, NULL);
  if (codecs)
    self->codecs = g_strjoinv (",", (gchar **) specs->pdata);
}

/**
 * gw_test_baresip_set_media_encryption:
 * @mediaenc: NULL (plain RTP), "srtp" (SDES offered, RTP/AVP), "srtp-mand"
 *   (SDES required, RTP/SAVP), "srtp-mandf" (RTP/SAVPF) or "dtls_srtp".
 */
void
gw_test_baresip_set_media_encryption (GwTestBaresip * self,
    const gchar * mediaenc)
{
  static const gchar *const known[] = { "srtp", "srtp-mand", "srtp-mandf",
    "dtls_srtp", NULL
  };

  if (mediaenc && !g_strv_contains (known, mediaenc))
    setup_error (self, "baresip has no media encryption '%s'", mediaenc);
  g_free (self->mediaenc);
  self->mediaenc = g_strdup (mediaenc);
}

/** gw_test_baresip_set_answer_mode: "auto" (default), "manual", "early". */
void
gw_test_baresip_set_answer_mode (GwTestBaresip * self, const gchar * mode)
{
  static const gchar *const known[] = { "auto", "manual", "early", NULL };

  if (!g_strv_contains (known, mode))
    setup_error (self, "baresip has no answer mode '%s'", mode);
  g_free (self->answer_mode);
  self->answer_mode = g_strdup (mode);
}

/**
 * gw_test_baresip_add_config:
 * One more "name value" line for its config file, e.g. "rtp_timeout 5";
 * baresip reads the first line of a name, so this cannot change a setting
 * made here already (tone, codecs and encryption have their setters).
 */
void
gw_test_baresip_add_config (GwTestBaresip * self, const gchar * line)
{
  g_string_append_printf (self->extra_config, "%s\n", line);
}

/** gw_test_baresip_add_account_param: e.g. "ptime=30" (no ';'). */
void
gw_test_baresip_add_account_param (GwTestBaresip * self, const gchar * param)
{
  g_string_append_printf (self->account_params, ";%s", param);
}

static gchar *
config_text (GwTestBaresip * self)
{
  return g_strdup_printf ("poll_method epoll\n"
      "sip_listen 127.0.0.1:%u\n"
      "net_interface 127.0.0.1\n"
      "call_local_timeout 120\n"
      "call_max_calls 4\n"
      "audio_player aubridge,nil\n"
      "audio_alert aubridge,nil\n"
      "audio_source ausine,%u\n"
      "ausrc_srate 48000\nausrc_channels 2\n"
      "auplay_srate 48000\nauplay_channels 2\n"
      "statmode_default off\n"
      "module_path /usr/lib/baresip/modules\n"
      "module g711.so\nmodule g722.so\nmodule opus.so\n"
      "%s"
      "module sndfile.so\nmodule ausine.so\nmodule aubridge.so\n"
      "module_tmp account.so\n"
      "module_app menu.so\nmodule_app ctrl_tcp.so\n"
      "ctrl_tcp_listen 127.0.0.1:%u\n"
      "snd_path %s/rec\n%s", self->port, self->tone_hz,
      self->mediaenc ? "module srtp.so\nmodule dtls_srtp.so\n" : "",
      self->ctrl_port, self->dir, self->extra_config->str);
}

static gboolean
write_config (GwTestBaresip * self, GError ** error)
{
  g_autofree gchar *config = config_text (self);
  g_autofree gchar *account = g_strdup_printf ("<sip:%s@127.0.0.1:%u>;"
      "regint=0;answermode=%s%s%s%s%s%s\n", self->user, self->port,
      self->answer_mode, self->codecs ? ";audio_codecs=" : "",
      self->codecs ? self->codecs : "", self->mediaenc ? ";mediaenc=" : "",
      self->mediaenc ? self->mediaenc : "", self->account_params->str);
  g_autofree gchar *config_path = g_build_filename (self->dir, "config",
      NULL);
  g_autofree gchar *accounts_path = g_build_filename (self->dir, "accounts",
      NULL);
  g_autofree gchar *rec = g_build_filename (self->dir, "rec", NULL);

  if (g_mkdir (rec, 0700) < 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
        "cannot create %s: %s", rec, g_strerror (errno));
    return FALSE;
  }
  return g_file_set_contents (config_path, config, -1, error)
      && g_file_set_contents (accounts_path, account, -1, error);
}

static gboolean
ctrl_listening (gpointer data)
{
  GwTestBaresip *self = data;

  return !gw_test_process_is_running (self->proc)
      || gw_test_ports_is_bound (self->ctrl_port, GW_TEST_PORT_TCP);
}

static gboolean
start_failed (GwTestBaresip * self, const gchar * what, GError ** error)
{
  g_autofree gchar *exit = gw_test_process_describe_exit (self->proc);
  g_autofree gchar *log = gw_test_baresip_get_log (self);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
      "baresip %s (%s)\n--- baresip output:\n%s", what, exit, log);
  return FALSE;
}

/* baresip only warns about some bad settings and runs on without them. */
static gboolean
check_log (GwTestBaresip * self, GError ** error)
{
  g_autofree gchar *log = gw_test_read_tail (self->log_path, 1 << 16);
  static const gchar *const fatal[] = { "codec not found",
    "mediaenc not found", "could not load module", "failed to listen",
    NULL
  };

  for (guint i = 0; fatal[i]; i++)
    if (strstr (log, fatal[i]))
      return start_failed (self, fatal[i], error);
  return TRUE;
}

/**
 * gw_test_baresip_start:
 * Writes the configuration into a scratch directory, starts baresip on a
 * free port (UDP+TCP, and the next one for TLS) and connects to its ctrl_tcp, so that calls can be
 * made and events are recorded from here on.
 */
gboolean
gw_test_baresip_start (GwTestBaresip * self, GError ** error)
{
  g_autofree gchar *baresip = NULL;
  const gchar *argv[] = { NULL, "-f", NULL, NULL };

  g_return_val_if_fail (self->proc == NULL, FALSE);
  if (self->setup_error) {
    g_propagate_error (error, g_error_copy (self->setup_error));
    return FALSE;
  }
  if (!(baresip = gw_test_find_program ("baresip", error))
      || !(self->port = gw_test_ports_pick_block (2,
              GW_TEST_PORT_UDP | GW_TEST_PORT_TCP, error))
      || !(self->ctrl_port = gw_test_ports_pick (error))
      || !(self->dir = gw_test_tmpdir_new ("gw-baresip", error))
      || !write_config (self, error))
    return FALSE;
  self->log_path = g_build_filename (self->dir, "output.log", NULL);
  argv[0] = baresip;
  argv[2] = self->dir;
  self->proc = gw_test_process_spawn (argv, self->dir, self->log_path, error);
  if (!self->proc)
    return FALSE;
  gw_test_wait_until (ctrl_listening, self, START_TIMEOUT_MS);
  if (!gw_test_process_is_running (self->proc))
    return start_failed (self, "exited while starting", error);
  if (!gw_test_ports_is_bound (self->ctrl_port, GW_TEST_PORT_TCP))
    return start_failed (self, "did not open ctrl_tcp", error);
  if (!gw_test_ports_is_bound (self->port, GW_TEST_PORT_UDP | GW_TEST_PORT_TCP))
    return start_failed (self, "does not listen for SIP", error);
  self->ctrl = gw_test_baresip_ctrl_connect (self->ctrl_port, error);
  return self->ctrl && check_log (self, error);
}

guint
gw_test_baresip_get_port (GwTestBaresip * self)
{
  return self->port;
}

/** gw_test_baresip_get_uri: Returns: (transfer full): its SIP URI. */
gchar *
gw_test_baresip_get_uri (GwTestBaresip * self)
{
  return g_strdup_printf ("sip:%s@127.0.0.1:%u", self->user, self->port);
}

/** gw_test_baresip_get_dir: its config directory (removed with @self). */
const gchar *
gw_test_baresip_get_dir (GwTestBaresip * self)
{
  return self->dir;
}

/**
 * gw_test_baresip_stop:
 * SIGTERM (baresip hangs up its calls, which closes the recordings), then
 * SIGKILL after 3 s.  Recordings and events stay available.
 */
void
gw_test_baresip_stop (GwTestBaresip * self)
{
  if (self->ctrl)
    gw_test_baresip_ctrl_close (self->ctrl);
  if (self->proc)
    gw_test_process_terminate (self->proc, 3000);
}

/**
 * gw_test_baresip_get_log:
 * Returns: (transfer full): the tail of baresip's output, for failures.
 */
gchar *
gw_test_baresip_get_log (GwTestBaresip * self)
{
  if (!self->log_path)
    return g_strdup ("(not started)");
  return gw_test_read_tail (self->log_path, 8192);
}
