/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Secure calls at the SIP layer, against real peers on 127.0.0.1:
 *  - SIP over TLS: SIPp (TCP) behind a GIO TLS relay, with a PKI made by
 *    openssl for the test.  A trusted server works with sips: and with
 *    ;transport=tls (SIPp checks the request URI, Via and Contact), with
 *    or without our client certificate; an untrusted CA, a wrong name and
 *    TLS 1.1 are refused at once with 503 "TLS: <why>".
 *  - SRTP signalling: SDES answered in the clear (the call hangs up, as
 *    call.c does with 488), SDES through hold and rekey re-INVITEs, a
 *    DTLS-SRTP answer, and no key in the logs.
 *  - baresip, a real phone: over TLS with SDES, and with DTLS-SRTP. */
#include <string.h>

#include <gst/gst.h>
#include <gst/sdp/gstsdpmessage.h>

#include "gw-error.h"
#include "gw-test-baresip.h"
#include "sip-agent.h"
#include "sip-sdp.h"
#include "gw-test-ports.h"
#include "gw-test-process.h"
#include "gw-test-sipp.h"
#include "tls-pki.h"
#include "tls-relay.h"

#define WAIT_MS 20000
#define SIPP_TIMEOUT_S 20
/* The keys SIPp's scenarios send. */
#define KEY_A "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk"
#define KEY_B "MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0"

static GwTestPki *pki;

typedef struct
{
  GString *log;
  GwSipCall *call;
  gboolean ended;
  GwSipSdpLocal local;
  GwMediaParams media;
  gchar *refusal;               /* why an answer was refused */
  gboolean answered;
} Rec;

static void
rec_add (Rec * rec, const gchar * text)
{
  if (rec->log->len)
    g_string_append_c (rec->log, ' ');
  g_string_append (rec->log, text);
}

static const gchar *
srtp_summary (const GwMediaParams * p, gchar * buf, gsize size)
{
  if (p->srtp == GW_SRTP_SDES)
    g_snprintf (buf, size, "sdes:%s", gw_srtp_suite_to_string (p->srtp_suite));
  else if (p->srtp == GW_SRTP_DTLS)
    g_snprintf (buf, size, "dtls:%s", p->dtls_setup == GW_DTLS_SETUP_ACTIVE ?
        "active" : "passive");
  else
    g_snprintf (buf, size, "plain");
  return buf;
}

/* As call.c: our offer's keys go in, a refused answer ends the call. */
static void
on_answered (GwSipCall * call, const gchar * sdp, gpointer data)
{
  Rec *rec = data;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = NULL;
  gchar buf[64];

  rec->media.local_srtp = rec->local.srtp;
  if (!gw_sip_sdp_parse_answer (sdp, &rec->media, &error)) {
    g_assert_error (error, GW_ERROR, GW_ERROR_INVALID);
    rec->refusal = g_strdup (error->message);
    rec_add (rec, "answer-refused");
    gw_sip_call_hangup (call);
    return;
  }
  text = g_strdup_printf ("answered:%s", srtp_summary (&rec->media, buf,
          sizeof (buf)));
  rec_add (rec, text);
  rec->answered = TRUE;
}

/* Our answer's key must be ours for the agreed suite. */
static void
check_answer_key (const Rec * rec, const gchar * answer)
{
  g_autoptr (GstSDPMessage) msg = NULL;
  const gchar *crypto;

  g_assert_cmpint (gst_sdp_message_new_from_text (answer, &msg), ==,
      GST_SDP_OK);
  crypto = gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (msg,
          0), "crypto");
  g_assert_nonnull (crypto);
  g_assert_cmpstr (strstr (crypto, "inline:") + 7, ==,
      rec->media.srtp_local_key);
  g_assert_cmpstr (rec->media.srtp_local_key, ==, rec->local.srtp.sdes_key_80);
}

static gchar *
on_remote_offer (GwSipCall * call, const gchar * offer, GError ** error,
    gpointer data)
{
  Rec *rec = data;
  g_auto (GwMediaParams) before = { 0, };
  g_autofree gchar *text = NULL;
  gchar *answer;

  gw_media_params_copy (&before, &rec->media);
  rec->local.session_version++;
  answer = gw_sip_sdp_answer_offer (offer, &rec->local, &rec->media,
      &rec->media, error);
  if (answer == NULL) {
    rec_add (rec, "reoffer:rejected");
    /* The call goes on, with its keys. */
    gw_media_params_copy (&rec->media, &before);
    return NULL;
  }
  check_answer_key (rec, answer);
  text = g_strdup_printf ("reoffer:%s:%s",
      gw_media_params_is_hold (&rec->media) ? "hold" : "active",
      gw_media_params_srtp_changed (&before, &rec->media) ? "rekeyed" :
      "same-keys");
  rec_add (rec, text);
  return answer;
}

static void
on_failed (GwSipCall * call, guint status, const gchar * phrase, gpointer data)
{
  Rec *rec = data;
  g_autofree gchar *text = g_strdup_printf ("failed:%u", status);

  rec_add (rec, text);
  rec->refusal = g_strdup (phrase);
  rec->ended = TRUE;
}

static void
on_terminated (GwSipCall * call, GwSipEndReason reason, guint status,
    const gchar * phrase, gpointer data)
{
  Rec *rec = data;
  static const gchar *names[] = { "local", "remote", "unexpected" };
  g_autofree gchar *text = g_strdup_printf ("terminated:%s:%u", names[reason],
      status);

  rec_add (rec, text);
  rec->ended = TRUE;
}

static const GwSipCallCallbacks callbacks = {
  .answered = on_answered,
  .failed = on_failed,
  .remote_offer = on_remote_offer,
  .terminated = on_terminated,
};

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
rec_init (Rec * rec, GwSrtpMode mode, const gchar * dtls_pem)
{
  g_autoptr (GError) error = NULL;

  memset (rec, 0, sizeof (*rec));
  rec->log = g_string_new (NULL);
  rec->local.address = "127.0.0.1";
  rec->local.rtp_port = 30000;
  rec->local.session_id = 1234;
  rec->local.session_version = 1;
  g_assert_true (gw_srtp_local_init (&rec->local.srtp, mode, dtls_pem, &error));
  g_assert_no_error (error);
}

static void
rec_clear (Rec * rec)
{
  g_clear_object (&rec->call);
  gw_media_params_clear (&rec->media);
  g_string_free (rec->log, TRUE);
  g_free (rec->refusal);
}

static GwSipAgent *
agent_new (const gchar * cert, const gchar * key, GwSipTlsVerify verify)
{
  GwSipAgentConfig config = {.address = "127.0.0.1",.tls_certificate = cert,
    .tls_private_key = key,.tls_ca_file = pki->ca,.tls_verify = verify
  };
  g_autoptr (GError) error = NULL;
  GwSipAgent *agent = gw_sip_agent_new (&config, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (gw_sip_agent_get_tls_port (agent), >, 0);
  g_assert_cmpuint (gw_sip_agent_get_tls_port (agent), !=,
      gw_sip_agent_get_port (agent));
  return agent;
}

/* SIPp on tests/sipp/@scenario: over UDP, or over TCP on @port behind
 * the TLS relay on @relay_port (the scenario's [relay_port]). */
static GwTestSipp *
sipp_start (const gchar * scenario, guint port, guint relay_port)
{
  g_autofree gchar *path = g_build_filename ("tests", "sipp", scenario, NULL);
  GwTestSipp *sipp = gw_test_sipp_new (path);
  g_autoptr (GError) error = NULL;

  gw_test_sipp_set_timeout (sipp, SIPP_TIMEOUT_S);
  if (relay_port) {
    g_autofree gchar *relay = g_strdup_printf ("%u", relay_port);

    gw_test_sipp_set_transport (sipp, "t1");
    gw_test_sipp_set_port (sipp, port);
    gw_test_sipp_set_key (sipp, "relay_port", relay);
  }
  g_assert_true (gw_test_sipp_start (sipp, &error));
  g_assert_no_error (error);
  return sipp;
}

static void
call_start (GwSipAgent * agent, Rec * rec, const gchar * uri)
{
  g_autofree gchar *offer = gw_sip_sdp_build_offer (&rec->local, NULL);
  GwSipInvite invite = {.uri = uri,.sdp_offer = offer };
  g_autoptr (GError) error = NULL;

  rec->call = gw_sip_agent_invite (agent, &invite, &callbacks, rec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rec->call);
}

static void
call_wait_end (GwSipAgent * agent, Rec * rec, GwTestSipp * sipp)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (gw_test_wait_until (flag_is_set, &rec->ended, WAIT_MS));
  if (sipp != NULL) {
    gw_test_sipp_wait_success (sipp, WAIT_MS, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (gw_sip_agent_get_n_calls (agent), ==, 0);
}

/* A TLS call through the relay to SIPp: the relay's port stands in the
 * URI; it forwards to the port SIPp was given. */
static void
check_tls_call (gboolean transport_param, gboolean client_cert,
    const gchar * server_cert, const gchar * server_key, GwSipTlsVerify verify)
{
  g_autoptr (GwSipAgent) agent = agent_new (client_cert ? pki->client_cert :
      NULL, client_cert ? pki->client_key : NULL, verify);
  guint sipp_port = gw_test_ports_pick (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestTlsRelay) relay = gw_test_tls_relay_new (server_cert,
      server_key, sipp_port, &error);
  g_autoptr (GwTestSipp) sipp = NULL;
  g_autofree gchar *uri = NULL;
  GTlsProtocolVersion version;
  Rec rec;

  g_assert_no_error (error);
  uri = g_strdup_printf (transport_param ? "sip:service@127.0.0.1:%u;"
      "transport=tls" : "sips:service@127.0.0.1:%u",
      gw_test_tls_relay_get_port (relay));
  sipp = sipp_start ("tls-uas-srtp-bye.xml", sipp_port,
      gw_test_tls_relay_get_port (relay));

  rec_init (&rec, GW_SRTP_SDES, NULL);
  call_start (agent, &rec, uri);
  call_wait_end (agent, &rec, sipp);
  g_assert_cmpstr (rec.log->str, ==,
      "answered:sdes:AES_CM_128_HMAC_SHA1_80 terminated:remote:200");
  g_assert_cmpstr (rec.media.srtp_remote_key, ==, KEY_A);
  /* One connection carried the whole dialog, both ways. */
  g_assert_cmpuint (gw_test_tls_relay_get_handshakes (relay), ==, 1);
  g_assert_cmpuint (gw_test_tls_relay_get_failures (relay), ==, 0);
  version = gw_test_tls_relay_get_protocol (relay);
  g_assert_true (version == G_TLS_PROTOCOL_VERSION_TLS_1_2
      || version == G_TLS_PROTOCOL_VERSION_TLS_1_3);
  if (client_cert)
    g_assert_nonnull (strstr (gw_test_tls_relay_get_client_subject (relay),
            "ot-sip-gateway test client"));
  else
    g_assert_null (gw_test_tls_relay_get_client_subject (relay));
  rec_clear (&rec);
}

static void
test_tls_sips (void)
{
  check_tls_call (FALSE, TRUE, pki->server_cert,
      pki->server_key, GW_SIP_TLS_VERIFY_FULL);
}

/* ;transport=tls, and no certificate of ours: TLS as a client only. */
static void
test_tls_transport_param (void)
{
  check_tls_call (TRUE, FALSE,
      pki->server_cert, pki->server_key, GW_SIP_TLS_VERIFY_FULL);
}

/* A certificate for another name passes when only the CA is checked. */
static void
test_tls_ca_only (void)
{
  check_tls_call (FALSE, FALSE, pki->other_cert,
      pki->other_key, GW_SIP_TLS_VERIFY_CA_ONLY);
}

/* Verification off (an explicit setting): a rogue CA passes. */
static void
test_tls_verify_none (void)
{
  check_tls_call (FALSE, FALSE, pki->rogue_cert,
      pki->rogue_key, GW_SIP_TLS_VERIFY_NONE);
}

/* The call to a TLS server that must be refused fails at once with 503
 * and a phrase that says why; nothing reaches a SIP peer. */
static void
check_tls_refused (guint port, GwSipTlsVerify verify, const gchar * why)
{
  g_autoptr (GwSipAgent) agent = agent_new (pki->client_cert,
      pki->client_key, verify);
  g_autofree gchar *uri = g_strdup_printf ("sips:service@127.0.0.1:%u", port);
  Rec rec;

  rec_init (&rec, GW_SRTP_SDES, NULL);
  call_start (agent, &rec, uri);
  call_wait_end (agent, &rec, NULL);
  g_assert_cmpstr (rec.log->str, ==, "failed:503");
  g_assert_true (g_str_has_prefix (rec.refusal, "TLS: "));
  if (strstr (rec.refusal, why) == NULL)
    g_error ("'%s' does not say '%s'", rec.refusal, why);
  rec_clear (&rec);
}

static void
test_tls_untrusted (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestTlsRelay) relay = gw_test_tls_relay_new (pki->rogue_cert,
      pki->rogue_key, 0, &error);

  g_assert_no_error (error);
  check_tls_refused (gw_test_tls_relay_get_port (relay),
      GW_SIP_TLS_VERIFY_FULL, "unable to get local issuer certificate");
  check_tls_refused (gw_test_tls_relay_get_port (relay),
      GW_SIP_TLS_VERIFY_CA_ONLY, "issuer /CN=Rogue CA");
}

static void
test_tls_wrong_name (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestTlsRelay) relay = gw_test_tls_relay_new (pki->other_cert,
      pki->other_key, 0, &error);

  g_assert_no_error (error);
  check_tls_refused (gw_test_tls_relay_get_port (relay),
      GW_SIP_TLS_VERIFY_FULL, "does not name 127.0.0.1");
}

/* A server that speaks TLS 1.1 at most. */
static void
test_tls_old_version (void)
{
  guint port = gw_test_ports_pick (NULL);
  g_autofree gchar *accept = g_strdup_printf ("127.0.0.1:%u", port);
  const gchar *argv[] = { "openssl", "s_server", "-accept", accept, "-cert",
    pki->server_cert, "-key", pki->server_key, "-tls1_1", "-cipher",
    "DEFAULT@SECLEVEL=0", "-naccept", "1", NULL
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) server = g_subprocess_newv (argv,
      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
      | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);

  g_assert_no_error (error);
  g_assert_true (gw_test_ports_wait_bound (port, GW_TEST_PORT_TCP, 5000,
          &error));
  check_tls_refused (port, GW_SIP_TLS_VERIFY_FULL, "handshake failed");
  g_subprocess_force_exit (server);
  g_subprocess_wait (server, NULL, NULL);
}

static void
test_tls_refused_connection (void)
{
  check_tls_refused (gw_test_ports_pick (NULL), GW_SIP_TLS_VERIFY_FULL,
      "Connection refused");
}

static void
check_bad_config (const gchar * cert, const gchar * key, const gchar * ca,
    const gchar * fragment)
{
  GwSipAgentConfig config = {.address = "127.0.0.1",.tls_certificate = cert,
    .tls_private_key = key,.tls_ca_file = ca
  };
  g_autoptr (GError) error = NULL;

  g_assert_null (gw_sip_agent_new (&config, &error));
  g_assert_error (error, GW_ERROR, GW_ERROR_INVALID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("'%s' does not say '%s'", error->message, fragment);
}

static void
test_tls_bad_config (void)
{
  check_bad_config (pki->server_cert, NULL, NULL, "both");
  check_bad_config (NULL, pki->server_key, NULL, "both");
  check_bad_config (pki->server_cert, pki->client_key, NULL, "not usable");
  check_bad_config (pki->server_key, pki->server_key, NULL, "not PEM");
  check_bad_config (pki->server_cert, pki->server_key, "/nonexistent.pem",
      "CA file");
  check_bad_config (pki->server_cert, pki->server_key, pki->server_key,
      "not PEM");
}

/* A plain answer to an SDES offer: refused, and the call hung up. */
static void
test_sdes_plain_answer (void)
{
  g_autoptr (GwSipAgent) agent = agent_new (NULL, NULL, 0);
  g_autoptr (GwTestSipp) sipp = sipp_start ("srtp-uas-plain-answer.xml", 0, 0);
  g_autofree gchar *uri = gw_test_sipp_get_uri (sipp, "service");
  Rec rec;

  rec_init (&rec, GW_SRTP_SDES, NULL);
  call_start (agent, &rec, uri);
  call_wait_end (agent, &rec, sipp);
  g_assert_cmpstr (rec.log->str, ==, "answer-refused terminated:local:200");
  g_assert_nonnull (strstr (rec.refusal, "not encrypted"));
  g_assert_cmpint (rec.media.srtp, ==, GW_SRTP_NONE);
  rec_clear (&rec);
}

static GString *captured;

static void
capture_log (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer data)
{
  if (g_str_equal (gst_debug_category_get_name (category), "gwsofia"))
    g_string_append_printf (captured, "%s\n", gst_debug_message_get (message));
}

/* Hold keeps the keys, a resume with new keys rekeys our decoder only, a
 * plain re-offer is refused; with every message logged (TPORT_LOG), no
 * key shows. */
static void
test_sdes_rekey (void)
{
  g_autoptr (GwSipAgent) agent = NULL;
  g_autoptr (GwTestSipp) sipp = NULL;
  g_autofree gchar *uri = NULL;
  Rec rec;

  captured = g_string_new (NULL);
  g_setenv ("TPORT_LOG", "1", TRUE);
  gst_debug_set_threshold_for_name ("gwsofia", GST_LEVEL_TRACE);
  gst_debug_add_log_function (capture_log, NULL, NULL);
  agent = agent_new (NULL, NULL, 0);
  sipp = sipp_start ("srtp-uas-rekey.xml", 0, 0);
  uri = gw_test_sipp_get_uri (sipp, "service");
  rec_init (&rec, GW_SRTP_SDES, NULL);
  call_start (agent, &rec, uri);
  call_wait_end (agent, &rec, sipp);
  gst_debug_remove_log_function (capture_log);
  gst_debug_set_threshold_for_name ("gwsofia", GST_LEVEL_NONE);
  g_unsetenv ("TPORT_LOG");

  g_assert_cmpstr (rec.log->str, ==, "answered:sdes:AES_CM_128_HMAC_SHA1_80 "
      "reoffer:hold:same-keys reoffer:active:rekeyed reoffer:rejected "
      "terminated:remote:200");
  g_assert_cmpstr (rec.media.srtp_remote_key, ==, KEY_B);
  /* The messages were logged, with their keys blotted out. */
  g_assert_nonnull (strstr (captured->str,
          "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:****"));
  g_assert_null (strstr (captured->str, rec.local.srtp.sdes_key_80));
  g_assert_null (strstr (captured->str, rec.local.srtp.sdes_key_32));
  g_assert_null (strstr (captured->str, KEY_A));
  g_assert_null (strstr (captured->str, KEY_B));
  g_string_free (captured, TRUE);
  rec_clear (&rec);
}

static void
test_dtls_answer (void)
{
  g_autoptr (GwSipAgent) agent = agent_new (NULL, NULL, 0);
  g_autoptr (GwTestSipp) sipp = sipp_start ("srtp-uas-dtls.xml", 0, 0);
  g_autofree gchar *uri = gw_test_sipp_get_uri (sipp, "service");
  g_autofree gchar *pem = NULL;
  Rec rec;

  g_assert_true (g_file_get_contents (pki->server_cert, &pem, NULL, NULL));
  rec_init (&rec, GW_SRTP_DTLS, pem);
  call_start (agent, &rec, uri);
  call_wait_end (agent, &rec, sipp);
  g_assert_cmpstr (rec.log->str, ==,
      "answered:dtls:passive terminated:remote:200");
  g_assert_true (g_str_has_prefix (rec.media.dtls_remote_fingerprint,
          "sha-256 0A:1B:"));
  rec_clear (&rec);
}

/* A real SIP phone: baresip answers over TLS (its certificate from our
 * test CA) with its own SRTP: SDES, or DTLS-SRTP. */
static void
check_baresip (const gchar * mediaenc, gboolean tls, const gchar * expect)
{
  g_autoptr (GwSipAgent) agent = agent_new (NULL, NULL, 0);
  g_autoptr (GwTestBaresip) far = gw_test_baresip_new ("bob");
  g_autoptr (GError) error = NULL;
  g_autofree gchar *line = g_strdup_printf ("sip_certificate %s",
      pki->server_both);
  g_autofree gchar *uri = NULL, *pem = NULL;
  g_autofree gchar *baresip = g_find_program_in_path ("baresip");
  Rec rec;

  if (baresip == NULL) {
    g_test_skip ("no baresip");
    return;
  }
  gw_test_baresip_set_media_encryption (far, mediaenc);
  gw_test_baresip_add_config (far, line);
  g_assert_true (gw_test_baresip_start (far, &error));
  g_assert_no_error (error);
  uri = tls ? g_strdup_printf ("sips:bob@127.0.0.1:%u",
      gw_test_baresip_get_port (far) + 1) : gw_test_baresip_get_uri (far);
  g_assert_true (g_file_get_contents (pki->server_cert, &pem, NULL, NULL));
  rec_init (&rec, g_str_equal (mediaenc, "dtls_srtp") ? GW_SRTP_DTLS :
      GW_SRTP_SDES, pem);
  call_start (agent, &rec, uri);
  g_assert_true (gw_test_wait_until (flag_is_set, &rec.answered, WAIT_MS));
  gw_sip_call_hangup (rec.call);
  call_wait_end (agent, &rec, NULL);
  g_assert_cmpstr (rec.log->str, ==, expect);
  rec_clear (&rec);
}

static void
test_baresip_tls_sdes (void)
{
  check_baresip ("srtp-mand", TRUE,
      "answered:sdes:AES_CM_128_HMAC_SHA1_80 terminated:local:200");
}

static void
test_baresip_dtls (void)
{
  check_baresip ("dtls_srtp", FALSE, "answered:dtls:passive "
      "terminated:local:200");
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int result;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  pki = gw_test_pki_new (&error);
  g_assert_no_error (error);

  g_test_add_func ("/sip-secure/tls-sips", test_tls_sips);
  g_test_add_func ("/sip-secure/tls-transport-param", test_tls_transport_param);
  g_test_add_func ("/sip-secure/tls-ca-only", test_tls_ca_only);
  g_test_add_func ("/sip-secure/tls-verify-none", test_tls_verify_none);
  g_test_add_func ("/sip-secure/tls-untrusted", test_tls_untrusted);
  g_test_add_func ("/sip-secure/tls-wrong-name", test_tls_wrong_name);
  g_test_add_func ("/sip-secure/tls-old-version", test_tls_old_version);
  g_test_add_func ("/sip-secure/tls-refused-connection",
      test_tls_refused_connection);
  g_test_add_func ("/sip-secure/tls-bad-config", test_tls_bad_config);
  g_test_add_func ("/sip-secure/sdes-plain-answer", test_sdes_plain_answer);
  g_test_add_func ("/sip-secure/sdes-rekey", test_sdes_rekey);
  g_test_add_func ("/sip-secure/dtls-answer", test_dtls_answer);
  g_test_add_func ("/sip-secure/baresip-tls-sdes", test_baresip_tls_sdes);
  g_test_add_func ("/sip-secure/baresip-dtls", test_baresip_dtls);
  result = g_test_run ();
  gw_test_pki_free (pki);
  return result;
}
