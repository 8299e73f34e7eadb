/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The SIP agent against real SIPp peers on 127.0.0.1: every test checks
 * the sequence of callbacks, and the SIPp scenario checks what reached the
 * wire (its exit status says whether every message matched). */
#include <string.h>

#include <gst/gst.h>

#include "gw-error.h"
#include "sip-agent.h"
#include "sip-sdp.h"
#include "gw-test-ports.h"
#include "gw-test-process.h"
#include "gw-test-sipp.h"

#define WAIT_MS 20000
#define SIPP_TIMEOUT_S 20

/* What the owner of a call saw, and what it does on each callback. */
typedef struct
{
  GString *log;                 /* "progress:180 answered terminated:..." */
  GwSipCall *call;
  gboolean ended;
  GwMediaParams media;          /* from the answer and re-offers */
  GwSipSdpLocal local;
  gboolean hangup_on_progress;
  gboolean hangup_on_answer;
  gboolean reinvite_on_answer;
  gboolean kill_on_answer;
  gboolean answered;
} Rec;

static void
rec_add (Rec * rec, const gchar * format, ...)
G_GNUC_PRINTF (2, 3);

     static void rec_add (Rec * rec, const gchar * format, ...)
{
  va_list ap;

  if (rec->log->len)
    g_string_append_c (rec->log, ' ');
  va_start (ap, format);
  g_string_append_vprintf (rec->log, format, ap);
  va_end (ap);
}

static void
on_progress (GwSipCall * call, guint status, const gchar * phrase,
    gpointer data)
{
  Rec *rec = data;

  rec_add (rec, "progress:%u", status);
  if (rec->hangup_on_progress)
    gw_sip_call_hangup (call);
}

static void
on_answered (GwSipCall * call, const gchar * sdp, gpointer data)
{
  Rec *rec = data;
  g_autoptr (GError) error = NULL;

  g_assert_true (gw_sip_sdp_parse_answer (sdp, &rec->media, &error));
  g_assert_no_error (error);
  rec_add (rec, "answered:%s", gw_audio_codec_to_string (rec->media.codec));
  rec->answered = TRUE;
  if (rec->hangup_on_answer)
    gw_sip_call_hangup (call);
  if (rec->reinvite_on_answer) {
    g_autofree gchar *offer = NULL;

    rec->local.session_version++;
    offer = gw_sip_sdp_build_offer (&rec->local, NULL);
    g_assert_true (gw_sip_call_reinvite (call, offer, &error));
    g_assert_no_error (error);
  }
}

static void
on_failed (GwSipCall * call, guint status, const gchar * phrase, gpointer data)
{
  Rec *rec = data;

  rec_add (rec, "failed:%u:%s", status, phrase);
  rec->ended = TRUE;
}

static gchar *
on_remote_offer (GwSipCall * call, const gchar * offer, GError ** error,
    gpointer data)
{
  Rec *rec = data;
  gchar *answer;

  rec->local.session_version++;
  if (offer == NULL) {
    rec_add (rec, "offerless");
    return gw_sip_sdp_build_offer (&rec->local, error);
  }
  answer = gw_sip_sdp_answer_offer (offer, &rec->local, &rec->media,
      &rec->media, error);
  if (answer != NULL)
    rec_add (rec, "reoffer:%s:%s", gw_media_params_is_hold (&rec->media) ?
        "hold" : "active", gw_audio_codec_to_string (rec->media.codec));
  else
    rec_add (rec, "reoffer:rejected");
  return answer;
}

static void
on_offer_answered (GwSipCall * call, guint status, const gchar * phrase,
    const gchar * sdp, gpointer data)
{
  Rec *rec = data;
  GwMediaParams params = { 0, };

  rec_add (rec, "offer-answered:%u:%s", status,
      sdp && gw_sip_sdp_parse_answer (sdp, &params, NULL) ?
      gw_audio_codec_to_string (params.codec) : "none");
  gw_media_params_clear (&params);
}

static void
on_terminated (GwSipCall * call, GwSipEndReason reason, guint status,
    const gchar * phrase, gpointer data)
{
  Rec *rec = data;
  static const gchar *names[] = { "local", "remote", "unexpected" };

  rec_add (rec, "terminated:%s:%u", names[reason], status);
  rec->ended = TRUE;
}

static const GwSipCallCallbacks callbacks = {
  .progress = on_progress,
  .answered = on_answered,
  .failed = on_failed,
  .remote_offer = on_remote_offer,
  .offer_answered = on_offer_answered,
  .terminated = on_terminated,
};

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

/* A SIPp peer running tests/sipp/@scenario (UAS unless @target_port). */
static GwTestSipp *
sipp_new (const gchar * scenario, gboolean tcp, guint port, guint target_port,
    const gchar * const *extra)
{
  g_autofree gchar *path = g_build_filename ("tests", "sipp", scenario, NULL);
  GwTestSipp *sipp = gw_test_sipp_new (path);
  g_autoptr (GError) error = NULL;

  gw_test_sipp_set_transport (sipp, tcp ? "t1" : "u1");
  gw_test_sipp_set_timeout (sipp, SIPP_TIMEOUT_S);
  gw_test_sipp_set_port (sipp, port);
  if (target_port) {
    g_autofree gchar *remote = g_strdup_printf ("127.0.0.1:%u", target_port);

    gw_test_sipp_set_remote (sipp, remote);
  }
  for (guint i = 0; extra && extra[i]; i++)
    gw_test_sipp_add_arg (sipp, extra[i]);
  g_assert_true (gw_test_sipp_start (sipp, &error));
  g_assert_no_error (error);
  return sipp;
}

static GwTestSipp *
sipp_uas (const gchar * scenario, gboolean tcp, const gchar * const *extra)
{
  return sipp_new (scenario, tcp, 0, 0, extra);
}

/* Runs the main context until SIPp is done; its scenario must succeed. */
static void
sipp_wait_success (GwTestSipp * sipp)
{
  g_autoptr (GError) error = NULL;

  gw_test_sipp_wait_success (sipp, WAIT_MS, &error);
  g_assert_no_error (error);
}

static GwSipAgent *
agent_new (guint keepalive)
{
  GwSipAgentConfig config = {.address = "127.0.0.1",.port = 0,
    .keepalive_interval = keepalive
  };
  g_autoptr (GError) error = NULL;
  GwSipAgent *agent = gw_sip_agent_new (&config, &error);

  g_assert_no_error (error);
  g_assert_nonnull (agent);
  g_assert_cmpuint (gw_sip_agent_get_port (agent), >, 0);
  return agent;
}

static void
rec_init (Rec * rec)
{
  memset (rec, 0, sizeof (*rec));
  rec->log = g_string_new (NULL);
  rec->local.address = "127.0.0.1";
  rec->local.rtp_port = 30000;
  rec->local.session_id = 1234;
  rec->local.session_version = 1;
}

static void
rec_clear (Rec * rec)
{
  g_clear_object (&rec->call);
  gw_media_params_clear (&rec->media);
  g_string_free (rec->log, TRUE);
}

/* Calls @sipp's port with @invite (uri filled in when NULL) and records. */
static void
call_start (GwSipAgent * agent, Rec * rec, GwTestSipp * sipp,
    GwSipInvite * invite, const gchar * transport)
{
  g_autofree gchar *uri = g_strdup_printf ("sip:service@127.0.0.1:%u%s%s",
      gw_test_sipp_get_port (sipp), transport ? ";transport=" : "",
      transport ? transport : "");
  g_autofree gchar *offer = gw_sip_sdp_build_offer (&rec->local, NULL);
  GwSipInvite plain = { 0, };
  g_autoptr (GError) error = NULL;

  if (invite == NULL)
    invite = &plain;
  if (invite->uri == NULL)
    invite->uri = uri;
  invite->sdp_offer = offer;
  rec->call = gw_sip_agent_invite (agent, invite, &callbacks, rec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rec->call);
  g_assert_nonnull (gw_sip_call_get_call_id (rec->call));
  if (invite == &plain || invite->uri == uri)
    invite->uri = NULL;
}

static void
call_wait_end (GwSipAgent * agent, Rec * rec, GwTestSipp * sipp)
{
  g_assert_true (gw_test_wait_until (flag_is_set, &rec->ended, WAIT_MS));
  sipp_wait_success (sipp);
  g_assert_cmpuint (gw_sip_agent_get_n_calls (agent), ==, 0);
}

static void
test_remote_bye (void)
{
  g_autoptr (GwSipAgent) agent = agent_new (0);
  g_autoptr (GwTestSipp) sipp = sipp_uas ("uas-remote-bye.xml", FALSE, NULL);
  Rec rec;

  rec_init (&rec);
  call_start (agent, &rec, sipp, NULL, NULL);
  call_wait_end (agent, &rec, sipp);
  g_assert_cmpstr (rec.log->str, ==,
      "progress:183 progress:180 answered:PCMU terminated:remote:200");
  g_assert_cmpstr (rec.media.remote_address, ==, "127.0.0.1");
  g_assert_false (gw_sip_call_is_answered (rec.call));
  rec_clear (&rec);
}

static void
test_local_bye_tcp (void)
{
  g_autoptr (GwSipAgent) agent = agent_new (0);
  g_autoptr (GwTestSipp) sipp = sipp_uas ("uas-local-bye.xml", TRUE, NULL);
  Rec rec;

  rec_init (&rec);
  rec.hangup_on_answer = TRUE;
  call_start (agent, &rec, sipp, NULL, "tcp");
  call_wait_end (agent, &rec, sipp);
  g_assert_cmpstr (rec.log->str, ==, "answered:PCMU terminated:local:200");
  rec_clear (&rec);
}

/* sendonly, inactive, port 0, c=0.0.0.0, sendrecv, no SDP, then no codec
 * in common (488): the scenario checks each of our answers. */
static void
test_hold_resume (void)
{
  g_autoptr (GwSipAgent) agent = agent_new (0);
  g_autoptr (GwTestSipp) sipp = sipp_uas ("uas-hold.xml", FALSE, NULL);
  Rec rec;

  rec_init (&rec);
  call_start (agent, &rec, sipp, NULL, NULL);
  call_wait_end (agent, &rec, sipp);
  g_assert_cmpstr (rec.log->str, ==, "answered:PCMU reoffer:hold:PCMU "
      "reoffer:hold:PCMU reoffer:hold:PCMU reoffer:hold:PCMU "
      "reoffer:active:PCMU offerless offer-answered:200:PCMU "
      "reoffer:rejected terminated:remote:200");
  g_assert_cmpuint (rec.local.session_version, ==, 8);
  rec_clear (&rec);
}

static void
check_reject (const gchar * scenario, const gchar * log)
{
  g_autoptr (GwSipAgent) agent = agent_new (0);
  g_autoptr (GwTestSipp) sipp = sipp_uas (scenario, FALSE, NULL);
  Rec rec;

  rec_init (&rec);
  call_start (agent, &rec, sipp, NULL, NULL);
  call_wait_end (agent, &rec, sipp);
  g_assert_cmpstr (rec.log->str, ==, log);
  rec_clear (&rec);
}

static void
test_busy (void)
{
  check_reject ("uas-busy.xml", "failed:486:Busy Here");
}

static void
test_redirect (void)
{
  check_reject ("uas-redirect.xml", "failed:302:Moved Temporarily");
}

static gchar *
md5_hex (const gchar * format, ...)
G_GNUC_PRINTF (1, 2);

     static gchar *md5_hex (const gchar * format, ...)
{
  g_autofree gchar *text = NULL;
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

/* The 401 scenario checks the credentials with SIPp's verifyauth; for 407
 * (Proxy-Authorization, which verifyauth does not read) it compares the
 * response with the RFC 2617 digest computed here. */
static void
check_auth (const gchar * code, const gchar * right, const gchar * password,
    const gchar * log)
{
  g_autofree gchar *scenario = g_strdup_printf ("uas-auth-%s.xml", code);
  g_autoptr (GwSipAgent) agent = agent_new (0);
  guint port = gw_test_ports_pick (NULL);
  g_autofree gchar *uri = g_strdup_printf ("sip:service@127.0.0.1:%u", port);
  g_autofree gchar *ha1 = md5_hex ("alice:sipp.test:%s", right);
  g_autofree gchar *ha2 = md5_hex ("INVITE:%s", uri);
  g_autofree gchar *response = md5_hex ("%s:6f1b0c0e5a3d:%s", ha1, ha2);
  g_autofree gchar *port_text = g_strdup_printf ("%u", port);
  const gchar *extra_401[] = { "-key", "user", "alice", "-key", "password",
    right, NULL
  };
  const gchar *extra_407[] = { "-set", "expected_response", response, NULL };
  const gchar *const *extra = g_str_equal (code, "401") ? extra_401 : extra_407;
  g_autoptr (GwTestSipp) sipp = sipp_new (scenario, FALSE, port, 0, extra);
  GwSipInvite invite = {.uri = uri,.auth_username = "alice",
    .auth_password = password
  };
  Rec rec;

  rec_init (&rec);
  rec.hangup_on_answer = TRUE;
  call_start (agent, &rec, sipp, &invite, NULL);
  call_wait_end (agent, &rec, sipp);
  g_assert_cmpstr (rec.log->str, ==, log);
  rec_clear (&rec);
}

static void
test_auth_401 (void)
{
  check_auth ("401", "s3cret", "s3cret", "answered:PCMU terminated:local:200");
}

static void
test_auth_401_wrong (void)
{
  check_auth ("401", "s3cret", "guess", "failed:401:Authentication Required");
}

static void
test_auth_407 (void)
{
  /* A ':' in the password (nua's "scheme:realm:user:password" could not). */
  check_auth ("407", "s3:cret", "s3:cret",
      "answered:PCMU terminated:local:200");
}

static void
test_auth_407_wrong (void)
{
  check_auth ("407", "s3:cret", "s3", "failed:407:Authentication Required");
}

static void
test_cancel (void)
{
  g_autoptr (GwSipAgent) agent = agent_new (0);
  g_autoptr (GwTestSipp) sipp = sipp_uas ("uas-cancel.xml", FALSE, NULL);
  Rec rec;

  rec_init (&rec);
  rec.hangup_on_progress = TRUE;
  call_start (agent, &rec, sipp, NULL, NULL);
  call_wait_end (agent, &rec, sipp);
  g_assert_cmpstr (rec.log->str, ==, "progress:180 terminated:local:487");
  rec_clear (&rec);
}

/* From, custom headers, Contact and User-Agent as SIPp sees them, with a
 * public address advertised instead of the bound one. */
static void
test_headers_on_the_wire (void)
{
  GwSipAgentConfig config = {.address = "127.0.0.1",
    .public_address = "127.0.0.2"
  };
  const gchar *headers[] = { "X-Foo: bar baz", "X-Other-Thing: 42;q=1",
    NULL
  };
  GwSipInvite invite = {.from_user = "+15551234",
    .from_display_name = "Alice \"A\" Smith",.headers = headers
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GwSipAgent) agent = gw_sip_agent_new (&config, &error);
  g_autoptr (GwTestSipp) sipp = sipp_uas ("uas-check-headers.xml", FALSE, NULL);
  Rec rec;

  g_assert_no_error (error);
  g_assert_cmpstr (gw_sip_agent_get_public_address (agent), ==, "127.0.0.2");
  rec_init (&rec);
  call_start (agent, &rec, sipp, &invite, NULL);
  call_wait_end (agent, &rec, sipp);
  g_assert_cmpstr (rec.log->str, ==, "failed:603:Decline");
  rec_clear (&rec);
}

static void
test_reinvite_and_options (void)
{
  g_autoptr (GwSipAgent) agent = agent_new (0);
  g_autoptr (GwTestSipp) sipp = sipp_uas ("uas-options-reinvite.xml", FALSE,
      NULL);
  Rec rec;

  rec_init (&rec);
  rec.reinvite_on_answer = TRUE;
  call_start (agent, &rec, sipp, NULL, NULL);
  call_wait_end (agent, &rec, sipp);
  g_assert_cmpstr (rec.log->str, ==,
      "answered:PCMU offer-answered:200:PCMA terminated:remote:200");
  rec_clear (&rec);
}

/* INVITE, OPTIONS and MESSAGE from outside get 403 and leave nothing. */
static void
test_out_of_dialog (void)
{
  g_autoptr (GwSipAgent) agent = agent_new (0);
  g_autoptr (GwTestSipp) sipp = sipp_new ("uac-out-of-dialog.xml", FALSE, 0,
      gw_sip_agent_get_port (agent), NULL);

  sipp_wait_success (sipp);
  g_assert_cmpuint (gw_sip_agent_get_n_calls (agent), ==, 0);
}

/* The far end answers over TCP and goes away: the next keepalive OPTIONS
 * cannot connect, and the call ends as unexpected. */
static void
test_transport_failure (void)
{
  g_autoptr (GwSipAgent) agent = agent_new (1);
  g_autoptr (GwTestSipp) sipp = sipp_uas ("uas-vanish.xml", TRUE, NULL);
  Rec rec;

  rec_init (&rec);
  call_start (agent, &rec, sipp, NULL, "tcp");
  call_wait_end (agent, &rec, sipp);
  g_assert_cmpstr (rec.log->str, ==, "answered:PCMU terminated:unexpected:503");
  rec_clear (&rec);
}

/* Shutting the agent down with a call up: BYE on the wire, no callback. */
static void
test_shutdown_with_call (void)
{
  g_autoptr (GwSipAgent) agent = agent_new (0);
  g_autoptr (GwTestSipp) sipp = sipp_uas ("uas-local-bye.xml", FALSE, NULL);
  Rec rec;

  rec_init (&rec);
  call_start (agent, &rec, sipp, NULL, NULL);
  g_assert_true (gw_test_wait_until (flag_is_set, &rec.answered, WAIT_MS));
  gw_sip_agent_shutdown (agent);
  sipp_wait_success (sipp);
  g_assert_cmpstr (rec.log->str, ==, "answered:PCMU");
  g_assert_false (gw_sip_call_is_answered (rec.call));
  g_assert_cmpuint (gw_sip_agent_get_n_calls (agent), ==, 0);
  gw_sip_call_hangup (rec.call);
  rec_clear (&rec);
}

static void
test_bad_input (void)
{
  static const gchar *crlf[] = { "X-Foo: bar\r\nVia: evil", NULL };
  static const gchar *owned[] = { "X-Ok: 1", "call-id: mine", NULL };
  static const gchar *noname[] = { ": value", NULL };
  static const struct
  {
    GwSipInvite invite;
    gint code;
    const gchar *fragment;
  } cases[] = {
    {{.uri = "sips:a@127.0.0.1;transport=tcp"}, GW_ERROR_INVALID,
        "TLS only"},
    {{.uri = "sip:a@127.0.0.1;transport=sctp"}, GW_ERROR_INVALID, "sctp"},
    {{.uri = "tel:+15551234"}, GW_ERROR_INVALID, "not a sip"},
    {{.uri = "sip:a@b\r\nX: y"}, GW_ERROR_INVALID, "control"},
    {{.uri = "sip:a@127.0.0.1?Route=%3Csip:evil%3E"}, GW_ERROR_INVALID,
        "headers"},
    {{.uri = NULL}, GW_ERROR_INVALID, "empty"},
    {{.uri = "sip:a@127.0.0.1",.headers = crlf}, GW_ERROR_INVALID,
        "one line"},
    {{.uri = "sip:a@127.0.0.1",.headers = owned}, GW_ERROR_INVALID,
        "call-id"},
    {{.uri = "sip:a@127.0.0.1",.headers = noname}, GW_ERROR_INVALID,
        "Name: value"},
    {{.uri = "sip:a@127.0.0.1",.auth_username = "alice"}, GW_ERROR_INVALID,
        "both"},
    {{.uri = "sip:a@127.0.0.1",.auth_username = "alice",
            .auth_password = "a\nb"}, GW_ERROR_INVALID, "control"},
    {{.uri = "sip:a@127.0.0.1",.from_display_name = "A\nB"},
        GW_ERROR_INVALID, "display name"},
    {{.uri = "sip:a@127.0.0.1",.sdp_offer = ""}, GW_ERROR_INVALID, "SDP"},
  };
  g_autoptr (GwSipAgent) agent = agent_new (0);
  GwSipAgentConfig tls = {.address = "127.0.0.1",.tls_certificate = "c.pem" };
  GwSipAgentConfig bad = {.address = "localhost" };
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GwSipInvite invite = cases[i].invite;

    if (invite.sdp_offer == NULL)
      invite.sdp_offer = "v=0\r\n";
    g_assert_null (gw_sip_agent_invite (agent, &invite, &callbacks, NULL,
            &error));
    g_assert_error (error, GW_ERROR, cases[i].code);
    if (strstr (error->message, cases[i].fragment) == NULL)
      g_error ("'%s' does not mention '%s'", error->message, cases[i].fragment);
    g_clear_error (&error);
  }
  g_assert_cmpuint (gw_sip_agent_get_n_calls (agent), ==, 0);

  g_assert_null (gw_sip_agent_new (&tls, &error));
  g_assert_error (error, GW_ERROR, GW_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (gw_sip_agent_new (&bad, &error));
  g_assert_error (error, GW_ERROR, GW_ERROR_INVALID);
}

/* A port that is taken cannot be bound. */
static void
test_port_in_use (void)
{
  g_autoptr (GwSipAgent) first = agent_new (0);
  GwSipAgentConfig config = {.address = "127.0.0.1",
    .port = gw_sip_agent_get_port (first)
  };
  g_autoptr (GError) error = NULL;

  g_assert_null (gw_sip_agent_new (&config, &error));
  g_assert_error (error, GW_ERROR, GW_ERROR_UNAVAILABLE);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip-agent/remote-bye", test_remote_bye);
  g_test_add_func ("/sip-agent/local-bye-tcp", test_local_bye_tcp);
  g_test_add_func ("/sip-agent/hold-resume", test_hold_resume);
  g_test_add_func ("/sip-agent/busy", test_busy);
  g_test_add_func ("/sip-agent/redirect", test_redirect);
  g_test_add_func ("/sip-agent/auth-401", test_auth_401);
  g_test_add_func ("/sip-agent/auth-401-wrong", test_auth_401_wrong);
  g_test_add_func ("/sip-agent/auth-407", test_auth_407);
  g_test_add_func ("/sip-agent/auth-407-wrong", test_auth_407_wrong);
  g_test_add_func ("/sip-agent/cancel", test_cancel);
  g_test_add_func ("/sip-agent/headers", test_headers_on_the_wire);
  g_test_add_func ("/sip-agent/reinvite-options", test_reinvite_and_options);
  g_test_add_func ("/sip-agent/out-of-dialog", test_out_of_dialog);
  g_test_add_func ("/sip-agent/transport-failure", test_transport_failure);
  g_test_add_func ("/sip-agent/shutdown-with-call", test_shutdown_with_call);
  g_test_add_func ("/sip-agent/bad-input", test_bad_input);
  g_test_add_func ("/sip-agent/port-in-use", test_port_in_use);
  return g_test_run ();
}
