/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The media bridge with SDES-keyed SRTP against a far end on 127.0.0.1
 * that encrypts with srtpenc and decrypts with srtpdec: tones both ways
 * with both suites, no plain RTP on the wire, a rekey mid-call, a long
 * hold with a far end that restarts its sequence numbers, bad keys. */
#include <string.h>
#include <gst/check/gstcheck.h>

#include "gw-error.h"
#include "srtp-far-end.h"

#define TIMEOUT_MS 10000
#define FAR_SSRC 0x5eed5eed

typedef struct
{
  SfCall call;
  GwMediaParams params;
  GwSrtpLocal bridge_keys;      /* the bridge's SDES keys (the offer's) */
  GwSrtpLocal far_keys;         /* the far end's */
  guint n_first_rtp;
  guint n_errors;
} Fixture;

static Fixture f;

static void
on_first_rtp (GwMediaBridge * bridge, gpointer data)
{
  f.n_first_rtp++;
}

static void
on_error (GwMediaBridge * bridge, GError * error, gpointer data)
{
  GST_ERROR ("bridge error: %s", error->message);
  f.n_errors++;
}

static void
setup (void)
{
  memset (&f, 0, sizeof (f));
  sf_call_setup (&f.call, "srtp");
  g_signal_connect (f.call.bridge, "first-rtp-received",
      G_CALLBACK (on_first_rtp), NULL);
  g_signal_connect (f.call.bridge, "error", G_CALLBACK (on_error), NULL);
  fail_unless (gw_srtp_local_init (&f.bridge_keys, GW_SRTP_SDES, NULL, NULL));
  fail_unless (gw_srtp_local_init (&f.far_keys, GW_SRTP_SDES, NULL, NULL));
}

static void
teardown (void)
{
  sf_call_teardown (&f.call);
  gw_media_params_clear (&f.params);
}

static const gchar *
key_of (const GwSrtpLocal * keys, GwSrtpSuite suite)
{
  return suite == GW_SRTP_AES_CM_128_HMAC_SHA1_80 ? keys->sdes_key_80 :
      keys->sdes_key_32;
}

static guint
tag_len_of (GwSrtpSuite suite)
{
  return suite == GW_SRTP_AES_CM_128_HMAC_SHA1_80 ? 10 : 4;
}

/* A far end sending tone_hz, and f.params for it as the answer gives. */
static SfFarEnd *
new_far_end (GwSrtpSuite suite, guint tone_hz, guint seq)
{
  SfFarEnd *far = sf_far_end_new_sdes (suite, key_of (&f.bridge_keys, suite),
      key_of (&f.far_keys, suite), tone_hz, FAR_SSRC, seq,
      gw_media_bridge_get_rtp_port (f.call.bridge));

  sf_far_end_params (far, &f.params);
  f.params.srtp = GW_SRTP_SDES;
  f.params.srtp_suite = suite;
  f.params.srtp_tag = suite == GW_SRTP_AES_CM_128_HMAC_SHA1_80 ? 1 : 2;
  g_strlcpy (f.params.srtp_local_key, key_of (&f.bridge_keys, suite),
      sizeof (f.params.srtp_local_key));
  g_strlcpy (f.params.srtp_remote_key, key_of (&f.far_keys, suite),
      sizeof (f.params.srtp_remote_key));
  f.params.local_srtp = f.bridge_keys;
  return far;
}

static void
start_bridge (void)
{
  sf_call_start (&f.call, &f.params);
  bt_run (200);
}

/* What reached the far end in the last 25 packets was SRTP. */
static void
assert_wire_encrypted (SfFarEnd * far, GwSrtpSuite suite)
{
  sf_far_end_clear (far);
  fail_unless (sf_far_end_wait_plain (far, 26, TIMEOUT_MS));
  fail_unless (sf_far_end_assert_encrypted (far, tag_len_of (suite)) >= 25);
}

static gboolean
first_rtp_seen (gpointer data)
{
  return f.n_first_rtp > 0;
}

/* ---- both suites, both ways ---- */

static const GwSrtpSuite suites[] = {
  GW_SRTP_AES_CM_128_HMAC_SHA1_80, GW_SRTP_AES_CM_128_HMAC_SHA1_32,
};

GST_START_TEST (test_sdes_both_ways)
{
  GwSrtpSuite suite = suites[__i__];
  BtSubscriber *sub = bt_subscriber_new (f.call.session_id, SF_SIP_STREAM);
  SfFarEnd *far = new_far_end (suite, 440, 1000);
  GstElement *publisher;

  GST_INFO ("suite %s", gw_srtp_suite_to_string (suite));
  start_bridge ();
  fail_unless (bt_wait (first_rtp_seen, NULL, TIMEOUT_MS));
  /* Far end → session: decrypted, decoded, published. */
  sf_assert_tone (sub->audio, 440, TIMEOUT_MS);
  /* Session → far end: encrypted, the far end decrypts and hears it. */
  publisher =
      bt_publisher_new (f.call.session_id, "pub-conn", "pub-stream", 660);
  sf_assert_tone (far->audio, 660, TIMEOUT_MS);
  assert_wire_encrypted (far, suite);
  fail_unless_equals_int (f.n_errors, 0);

  gw_media_bridge_stop (f.call.bridge);
  bt_publisher_free (publisher);
  bt_subscriber_free (sub);
  sf_far_end_free (far);
}

GST_END_TEST;

/* ---- a re-INVITE with new keys ---- */

GST_START_TEST (test_sdes_rekey)
{
  GwSrtpSuite suite = GW_SRTP_AES_CM_128_HMAC_SHA1_80;
  BtSubscriber *sub = bt_subscriber_new (f.call.session_id, SF_SIP_STREAM);
  SfFarEnd *far = new_far_end (suite, 440, 1000);
  GstElement *publisher;
  GwSrtpLocal old_bridge = f.bridge_keys;

  publisher =
      bt_publisher_new (f.call.session_id, "pub-conn", "pub-stream", 660);
  start_bridge ();
  sf_assert_tone (sub->audio, 440, TIMEOUT_MS);
  sf_assert_tone (far->audio, 660, TIMEOUT_MS);

  /* New keys both ways, as a rekeying re-INVITE and its answer say; the
   * far end sends another tone with its new key. */
  fail_unless (gw_srtp_local_init (&f.bridge_keys, GW_SRTP_SDES, NULL, NULL));
  fail_unless (gw_srtp_local_init (&f.far_keys, GW_SRTP_SDES, NULL, NULL));
  g_strlcpy (f.params.srtp_local_key, key_of (&f.bridge_keys, suite),
      sizeof (f.params.srtp_local_key));
  g_strlcpy (f.params.srtp_remote_key, key_of (&f.far_keys, suite),
      sizeof (f.params.srtp_remote_key));
  sf_call_update (&f.call, &f.params);
  sf_far_end_set_recv_key (far, key_of (&f.bridge_keys, suite));
  sf_far_end_restart_sender (far, key_of (&f.far_keys, suite), 880,
      FAR_SSRC, 5000);
  sf_assert_tone (sub->audio, 880, TIMEOUT_MS);
  sf_assert_tone (far->audio, 660, TIMEOUT_MS);
  assert_wire_encrypted (far, suite);

  /* The old key no longer decrypts what the bridge sends. */
  sf_far_end_set_recv_key (far, key_of (&old_bridge, suite));
  sf_far_end_clear (far);
  bt_run (500);
  fail_if (sf_far_end_wait_plain (far, 1, 10));
  fail_unless_equals_int (f.n_errors, 0);

  gw_media_bridge_stop (f.call.bridge);
  bt_publisher_free (publisher);
  bt_subscriber_free (sub);
  sf_far_end_free (far);
}

GST_END_TEST;

/* ---- hold ---- */

/* The sequence number of the last RTP packet the far end received. */
static gboolean
last_seq (SfFarEnd * far, guint16 * seq)
{
  gboolean found = FALSE;

  g_mutex_lock (&far->lock);
  for (guint i = 0; i < far->wire->len; i++) {
    const SfPacket *p = &g_array_index (far->wire, SfPacket, i);

    if (p->first >= 128 && p->first <= 191) {
      *seq = p->seq;
      found = TRUE;
    }
  }
  g_mutex_unlock (&far->lock);
  return found;
}

static guint16
first_seq (SfFarEnd * far)
{
  guint16 seq = 0;

  g_mutex_lock (&far->lock);
  fail_unless (far->wire->len > 0);
  seq = g_array_index (far->wire, SfPacket, 0).seq;
  g_mutex_unlock (&far->lock);
  return seq;
}

GST_START_TEST (test_sdes_hold_resume)
{
  GwSrtpSuite suite = GW_SRTP_AES_CM_128_HMAC_SHA1_32;
  BtSubscriber *sub = bt_subscriber_new (f.call.session_id, SF_SIP_STREAM);
  SfFarEnd *far = new_far_end (suite, 440, 30000);
  GstElement *publisher;
  guint16 before = 0, after;

  publisher =
      bt_publisher_new (f.call.session_id, "pub-conn", "pub-stream", 660);
  start_bridge ();
  sf_assert_tone (sub->audio, 440, TIMEOUT_MS);
  sf_assert_tone (far->audio, 660, TIMEOUT_MS);

  /* The far end holds the call (a=inactive) and goes quiet. */
  f.params.remote_direction = GW_MEDIA_INACTIVE;
  sf_call_update (&f.call, &f.params);
  sf_far_end_restart_sender (far, NULL, 0, 0, 0);
  bt_run (300);
  fail_unless (last_seq (far, &before));
  sf_far_end_clear (far);
  bt_run (3000);
  fail_unless_equals_int (far->wire->len, 0);

  /* It resumes, its sequence numbers restarted 10000 lower (same SSRC and
   * key): far beyond the replay window, yet it is heard. */
  sf_far_end_restart_sender (far, key_of (&f.far_keys, suite), 880,
      FAR_SSRC, 20000);
  f.params.remote_direction = GW_MEDIA_SENDRECV;
  sf_call_update (&f.call, &f.params);
  sf_assert_tone (sub->audio, 880, TIMEOUT_MS);
  sf_assert_tone (far->audio, 660, TIMEOUT_MS);
  /* Ours go on where they stopped, as if the hold took no time. */
  after = first_seq (far);
  GST_INFO ("last sequence number before the hold %u, first after %u",
      before, after);
  fail_unless_equals_int ((guint16) (after - before), 1);
  assert_wire_encrypted (far, suite);
  fail_unless_equals_int (f.n_errors, 0);

  gw_media_bridge_stop (f.call.bridge);
  bt_publisher_free (publisher);
  bt_subscriber_free (sub);
  sf_far_end_free (far);
}

GST_END_TEST;

/* ---- what is refused ---- */

GST_START_TEST (test_sdes_wrong_key)
{
  GwSrtpSuite suite = GW_SRTP_AES_CM_128_HMAC_SHA1_80;
  BtSubscriber *sub = bt_subscriber_new (f.call.session_id, SF_SIP_STREAM);
  SfFarEnd *far = new_far_end (suite, 440, 1000);

  /* The far end encrypts with a key the bridge was not given. */
  g_strlcpy (f.params.srtp_remote_key, f.far_keys.sdes_key_32,
      sizeof (f.params.srtp_remote_key));
  start_bridge ();
  bt_run (1000);
  fail_if (bt_audio_wait (sub->audio, 100, 10), "undecryptable audio heard");
  /* What the bridge sends still decrypts at the far end. */
  fail_unless (sf_far_end_wait_plain (far, 10, TIMEOUT_MS));
  fail_unless_equals_int (f.n_errors, 0);

  gw_media_bridge_stop (f.call.bridge);
  bt_subscriber_free (sub);
  sf_far_end_free (far);
}

GST_END_TEST;

static void
assert_start_fails (const gchar * needle)
{
  g_autoptr (GError) error = NULL;

  fail_if (gw_media_bridge_start (f.call.bridge, &f.params, &error));
  fail_unless (g_error_matches (error, GW_ERROR, GW_ERROR_INVALID), "%s",
      error ? error->message : "no error");
  fail_unless (strstr (error->message, needle) != NULL, "'%s' lacks '%s'",
      error->message, needle);
  fail_unless (gw_media_bridge_get_pipeline (f.call.bridge) == NULL);
}

GST_START_TEST (test_sdes_bad_params)
{
  SfFarEnd *far = new_far_end (GW_SRTP_AES_CM_128_HMAC_SHA1_80, 0, 1);

  f.params.srtp_remote_key[0] = '\0';
  assert_start_fails ("key");
  g_strlcpy (f.params.srtp_remote_key, "c2hvcnQ=",
      sizeof (f.params.srtp_remote_key));
  assert_start_fails ("key");
  g_strlcpy (f.params.srtp_remote_key, f.far_keys.sdes_key_80,
      sizeof (f.params.srtp_remote_key));
  f.params.srtp_suite = GW_SRTP_SUITE_NONE;
  assert_start_fails ("suite");
  f.params.srtp_suite = GW_SRTP_AES_CM_128_HMAC_SHA1_80;
  f.params.srtp = GW_SRTP_DTLS;
  assert_start_fails ("DTLS");
  fail_unless_equals_int (f.n_errors, 0);
  sf_far_end_free (far);
}

GST_END_TEST;

static Suite *
media_srtp_suite (void)
{
  Suite *s = suite_create ("media-srtp");
  TCase *tc = tcase_create ("sdes");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_loop_test (tc, test_sdes_both_ways, 0, G_N_ELEMENTS (suites));
  tcase_add_test (tc, test_sdes_rekey);
  tcase_add_test (tc, test_sdes_hold_resume);
  tcase_add_test (tc, test_sdes_wrong_key);
  tcase_add_test (tc, test_sdes_bad_params);
  return s;
}

GST_CHECK_MAIN (media_srtp);
