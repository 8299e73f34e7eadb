/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The media bridge with DTLS-SRTP against a far end on 127.0.0.1 made of
 * dtlssrtpenc/dtlssrtpdec with a certificate of its own: both roles, tones
 * both ways, handshake and SRTP on the wire, the certificate we present,
 * hold and resume, and a certificate that does not match its
 * fingerprint. */
#include <string.h>
#include <gst/check/gstcheck.h>

#include "gw-error.h"
#include "srtp-far-end.h"

#define TIMEOUT_MS 15000

typedef struct
{
  SfCall call;
  GwMediaParams params;
  guint n_errors;
  GError *error;
} Fixture;

static Fixture f;
/* The far end's certificate and key, and its fingerprint. */
static gchar *far_pem;
static gchar *far_fingerprint;

static void
on_error (GwMediaBridge * bridge, GError * error, gpointer data)
{
  fail_unless (g_main_context_is_owner (g_main_context_default ()));
  f.n_errors++;
  g_clear_error (&f.error);
  f.error = g_error_copy (error);
}

static void
setup (void)
{
  memset (&f, 0, sizeof (f));
  sf_call_setup (&f.call, "dtls");
  g_signal_connect (f.call.bridge, "error", G_CALLBACK (on_error), NULL);
}

static void
teardown (void)
{
  sf_call_teardown (&f.call);
  gw_media_params_clear (&f.params);
  g_clear_error (&f.error);
}

/* Our offer's secure part, as the call makes it. */
static void
local_init (GwSrtpLocal * local)
{
  g_autoptr (GError) error = NULL;
  const gchar *pem =
      gw_media_bridge_get_dtls_certificate (f.call.bridge, &error);

  g_assert_no_error (error);
  fail_unless (gw_srtp_local_init (local, GW_SRTP_DTLS, pem, &error));
  g_assert_no_error (error);
}

/* A far end sending 440 Hz; f.params as its answer gives: us in role
 * setup, its certificate expected to match fingerprint. */
static SfFarEnd *
new_far_end (GwDtlsSetup setup, const gchar * fingerprint)
{
  SfFarEnd *far = sf_far_end_new_dtls (setup == GW_DTLS_SETUP_PASSIVE,
      far_pem, 440, gw_media_bridge_get_rtp_port (f.call.bridge));

  sf_far_end_params (far, &f.params);
  f.params.srtp = GW_SRTP_DTLS;
  f.params.dtls_setup = setup;
  f.params.dtls_remote_fingerprint = g_strdup (fingerprint);
  local_init (&f.params.local_srtp);
  return far;
}

static void
start_bridge (void)
{
  sf_call_start (&f.call, &f.params);
}

/* The certificate the far end saw is the one whose fingerprint we offer. */
static void
assert_our_certificate (SfFarEnd * far)
{
  g_autofree gchar *peer = NULL;
  GwSrtpLocal local;

  g_object_get (far->decoder, "peer-pem", &peer, NULL);
  fail_unless (peer != NULL);
  local_init (&local);
  fail_unless (gw_dtls_fingerprint_matches (local.dtls_fingerprint, peer));
  fail_if (gw_dtls_fingerprint_matches (far_fingerprint, peer));
}

/* ---- both roles ---- */

static const GwDtlsSetup roles[] = {
  GW_DTLS_SETUP_ACTIVE, GW_DTLS_SETUP_PASSIVE,
};

GST_START_TEST (test_dtls_both_ways)
{
  GwDtlsSetup setup = roles[__i__];
  BtSubscriber *sub = bt_subscriber_new (f.call.session_id, SF_SIP_STREAM);
  SfFarEnd *far;
  GstElement *publisher;

  GST_INFO ("bridge %s", setup == GW_DTLS_SETUP_ACTIVE ? "active" : "passive");
  far = new_far_end (setup, far_fingerprint);
  publisher =
      bt_publisher_new (f.call.session_id, "pub-conn", "pub-stream", 660);
  start_bridge ();
  sf_assert_tone (sub->audio, 440, TIMEOUT_MS);
  sf_assert_tone (far->audio, 660, TIMEOUT_MS);

  /* The handshake and then SRTP (the 80-bit tag of the profile the
   * elements prefer) on the one port. */
  fail_unless (sf_far_end_count_dtls (far) > 0);
  sf_far_end_clear (far);
  fail_unless (sf_far_end_wait_plain (far, 26, TIMEOUT_MS));
  fail_unless (sf_far_end_assert_encrypted (far, 10) >= 25);
  assert_our_certificate (far);
  fail_unless_equals_int (f.n_errors, 0);

  gw_media_bridge_stop (f.call.bridge);
  bt_publisher_free (publisher);
  bt_subscriber_free (sub);
  sf_far_end_free (far);
}

GST_END_TEST;

/* ---- hold keeps the association ---- */

GST_START_TEST (test_dtls_hold_resume)
{
  BtSubscriber *sub = bt_subscriber_new (f.call.session_id, SF_SIP_STREAM);
  SfFarEnd *far = new_far_end (GW_DTLS_SETUP_ACTIVE, far_fingerprint);
  GstElement *publisher;
  GstElement *pipeline;
  guint16 before = 0;
  guint n;

  publisher =
      bt_publisher_new (f.call.session_id, "pub-conn", "pub-stream", 660);
  start_bridge ();
  sf_assert_tone (far->audio, 660, TIMEOUT_MS);
  pipeline = gw_media_bridge_get_pipeline (f.call.bridge);

  f.params.remote_direction = GW_MEDIA_SENDONLY;
  sf_call_update (&f.call, &f.params);
  bt_run (300);
  g_mutex_lock (&far->lock);
  for (guint i = 0; i < far->plain->len; i++)
    before = g_array_index (far->plain, SfPacket, i).seq;
  g_mutex_unlock (&far->lock);
  sf_far_end_clear (far);
  bt_run (1500);
  g_mutex_lock (&far->lock);
  n = far->plain->len;
  g_mutex_unlock (&far->lock);
  fail_unless_equals_int (n, 0);
  /* Held, we still hear the far end. */
  sf_assert_tone (sub->audio, 440, TIMEOUT_MS);

  f.params.remote_direction = GW_MEDIA_SENDRECV;
  sf_call_update (&f.call, &f.params);
  fail_unless (gw_media_bridge_get_pipeline (f.call.bridge) == pipeline);
  fail_unless (sf_far_end_wait_plain (far, 1, TIMEOUT_MS));
  g_mutex_lock (&far->lock);
  fail_unless_equals_int ((guint16) (g_array_index (far->plain, SfPacket,
              0).seq - before), 1);
  g_mutex_unlock (&far->lock);
  sf_assert_tone (far->audio, 660, TIMEOUT_MS);
  fail_unless_equals_int (f.n_errors, 0);

  gw_media_bridge_stop (f.call.bridge);
  bt_publisher_free (publisher);
  bt_subscriber_free (sub);
  sf_far_end_free (far);
}

GST_END_TEST;

/* ---- a certificate that is not the one of the SDP ---- */

static gboolean
error_seen (gpointer data)
{
  return f.n_errors > 0;
}

GST_START_TEST (test_dtls_fingerprint_mismatch)
{
  GwDtlsSetup setup = roles[__i__];
  BtSubscriber *sub = bt_subscriber_new (f.call.session_id, SF_SIP_STREAM);
  GwSrtpLocal ours;
  SfFarEnd *far;

  /* The SDP names another certificate (ours) than the far end presents. */
  local_init (&ours);
  far = new_far_end (setup, ours.dtls_fingerprint);
  start_bridge ();
  fail_unless (bt_wait (error_seen, NULL, TIMEOUT_MS));
  GST_INFO ("error: %s", f.error->message);
  fail_unless (g_error_matches (f.error, GW_ERROR, GW_ERROR_FAILED));
  fail_unless (strstr (f.error->message, "fingerprint") != NULL, "%s",
      f.error->message);
  /* No media either way meanwhile. */
  bt_run (500);
  fail_if (sf_far_end_wait_plain (far, 1, 10));
  fail_if (bt_audio_wait (sub->audio, 20, 10));
  fail_unless_equals_int (f.n_errors, 1);

  gw_media_bridge_stop (f.call.bridge);
  bt_subscriber_free (sub);
  sf_far_end_free (far);
}

GST_END_TEST;

/* ---- our certificate exists before any offer ---- */

GST_START_TEST (test_dtls_certificate)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *fingerprint = NULL;
  const gchar *pem;
  GwSrtpLocal local;

  pem = gw_media_bridge_get_dtls_certificate (f.call.bridge, &error);
  g_assert_no_error (error);
  fail_unless (pem && g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----"));
  /* Certificate only: no private key leaves the DTLS elements. */
  fail_if (strstr (pem, "PRIVATE KEY") != NULL);
  fingerprint = gw_dtls_fingerprint_from_pem (pem, &error);
  g_assert_no_error (error);
  fail_unless (g_str_has_prefix (fingerprint, "sha-256 "));
  fail_unless (gw_srtp_local_init (&local, GW_SRTP_DTLS, pem, &error));
  fail_unless_equals_string (local.dtls_fingerprint, fingerprint);
  /* The same for every call of the process. */
  fail_unless (gw_media_bridge_get_dtls_certificate (f.call.bridge,
          NULL) == pem);

  /* Params without role or fingerprint are refused. */
  gw_media_params_clear (&f.params);
  f.params.codec = GW_AUDIO_CODEC_PCMU;
  f.params.srtp = GW_SRTP_DTLS;
  fail_if (gw_media_bridge_start (f.call.bridge, &f.params, &error));
  fail_unless (g_error_matches (error, GW_ERROR, GW_ERROR_INVALID));
  g_clear_error (&error);
  f.params.dtls_setup = GW_DTLS_SETUP_ACTIVE;
  fail_if (gw_media_bridge_start (f.call.bridge, &f.params, &error));
  fail_unless (strstr (error->message, "fingerprint") != NULL);
}

GST_END_TEST;

static Suite *
media_dtls_suite (void)
{
  Suite *s = suite_create ("media-dtls");
  TCase *tc = tcase_create ("dtls");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_dtls_certificate);
  tcase_add_loop_test (tc, test_dtls_both_ways, 0, G_N_ELEMENTS (roles));
  tcase_add_test (tc, test_dtls_hold_resume);
  tcase_add_loop_test (tc, test_dtls_fingerprint_mismatch, 0,
      G_N_ELEMENTS (roles));
  return s;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int failed;

  gst_check_init (&argc, &argv);
  far_pem = sf_make_certificate ();
  far_fingerprint = gw_dtls_fingerprint_from_pem (far_pem, &error);
  g_assert_no_error (error);
  failed = gst_check_run_suite (media_dtls_suite (), "media-dtls", __FILE__);
  g_free (far_fingerprint);
  g_free (far_pem);
  return failed;
}
