/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mute end to end, with baresip far ends dialled through the REST API of a
 * gateway in the test process (PCMU: recordings at 8 kHz).
 * - The caller's *6 (RFC 4733) mutes and unmutes a leg dialled with
 *   observeForceMute: its stream lists as muted (hasAudio false), another
 *   leg's recording loses its tone, and the caller hears the announcement:
 *   speech-level audio as long as the prompt, in its own recording.  No
 *   muteForced for *6.  A leg without observeForceMute ignores *6.
 * - Force mute over REST: one stream (muteForced, the prompt; ignored by a
 *   leg without observeForceMute), "mute all" with an exclusion, and a leg
 *   dialled while "mute all" is active, which starts muted.
 * Legs that must hear their prompts alone are dialled with a `streams`
 * list naming no stream of the session: they hear nothing else. */
#include <math.h>

#include "call-test-utils.h"
#include "gw-test-baresip.h"
#include "gw-test-process.h"
#include "prompts.h"

#define WAIT_MS 10000
#define TAIL_S 0.5
/* Speech: words and the gaps between them, as one stretch. */
#define SPEECH_DBFS (-40.0)
#define WORD_GAP_S 0.5

#define CHECK(call) G_STMT_START {                                      \
    gboolean ok_ = (call);                                              \
    g_assert_no_error (error);                                          \
    g_assert_true (ok_);                                                \
  } G_STMT_END

/* ---- far ends ---- */

static GwTestBaresip *
far_end_new (const gchar * user, guint tone)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestBaresip) far = gw_test_baresip_new (user);

  gw_test_baresip_set_tone (far, tone);
  gw_test_baresip_set_codecs (far, "PCMU");
  CHECK (gw_test_baresip_start (far, &error));
  return g_steal_pointer (&far);
}

static void
wait_word (CallFixture * f, const GwDialReply * call, const gchar * word)
{
  if (!call_receiver_wait (f->rx, call->call_id, word, WAIT_MS)) {
    g_autofree gchar *got = call_receiver_describe (f->rx, call->call_id);
    g_error ("no %s for call %s; events so far: %s", word, call->call_id, got);
  }
}

/* Dials @far; @alone: it hears no stream of the session (only prompts). */
static void
dial (CallFixture * f, GwTestBaresip * far, gboolean observe, gboolean alone,
    GwDialReply * call)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *uri = gw_test_baresip_get_uri (far);
  g_autofree gchar *sip = g_strdup_printf ("{\"uri\":\"%s\","
      "\"observeForceMute\":%s%s}", uri, observe ? "true" : "false",
      alone ? ",\"streams\":[\"nobody-here\"]" : "");

  call_dial (f, sip, call);
  CHECK (gw_test_baresip_wait_established (far, WAIT_MS, &error));
  wait_word (f, call, "ACTIVE");
}

static void
hang_up (CallFixture * f, GwTestBaresip * far, const GwDialReply * call,
    const gchar * expected)
{
  g_autoptr (GError) error = NULL;

  call_disconnect (f, call->connection_id);
  CHECK (gw_test_baresip_wait_closed (far, WAIT_MS, NULL, &error));
  call_receiver_assert (f->rx, call->call_id, f->session_id,
      call->connection_id, expected);
}

static void
press (GwTestBaresip * far, const gchar * keys)
{
  g_autoptr (GError) error = NULL;

  CHECK (gw_test_baresip_send_dtmf (far, keys, &error));
}

/* ---- REST ---- */

static JsonNode *
post (CallFixture * f, const gchar * suffix, const gchar * body)
{
  g_autofree gchar *path = g_strdup_printf ("/v2/project/" TEST_API_KEY
      "/session/%s%s", f->session_id, suffix);
  g_autoptr (RestReply) reply = rest_call (&f->rest, "POST", path,
      f->rest_token, body);

  return rest_assert_json (reply);
}

/* POST .../stream/ID/mute; returns its "muted". */
static gboolean
force_mute (CallFixture * f, const gchar * stream_id)
{
  g_autofree gchar *suffix = g_strdup_printf ("/stream/%s/mute", stream_id);
  g_autoptr (JsonNode) node = post (f, suffix, "{}");
  JsonObject *reply = json_node_get_object (node);

  return json_object_get_boolean_member (reply, "muted");
}

/* The stream's hasAudio in the session's stream listing. */
static gboolean
listed_has_audio (CallFixture * f, const gchar * stream_id)
{
  g_autofree gchar *path = g_strdup_printf ("/v2/project/" TEST_API_KEY
      "/session/%s/stream", f->session_id);
  g_autoptr (RestReply) reply = rest_call (&f->rest, "GET", path,
      f->rest_token, NULL);
  g_autoptr (JsonNode) node = rest_assert_json (reply);
  JsonArray *items = json_object_get_array_member (json_node_get_object
      (node), "items");

  for (guint i = 0; i < json_array_get_length (items); i++) {
    JsonObject *item = json_array_get_object_element (items, i);

    if (g_strcmp0 (json_object_get_string_member (item, "id"), stream_id)
        == 0)
      return json_object_get_boolean_member (item, "hasAudio");
  }
  g_error ("stream %s is not listed", stream_id);
  return FALSE;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

/* The listing follows a *6 once the gateway has decoded it. */
static void
wait_listed (CallFixture * f, const gchar * stream_id, gboolean has_audio)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (listed_has_audio (f, stream_id) != has_audio) {
    if (g_get_monotonic_time () > deadline)
      g_error ("stream %s still lists hasAudio %d", stream_id, !has_audio);
    gw_test_wait_until (never, NULL, 50);
  }
}

/* ---- what the far ends heard ---- */

static gdouble
received_seconds (GwTestBaresip * far)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GwTestAudio) all = gw_test_baresip_load_received (far, &error);

  g_assert_no_error (error);
  return gw_test_audio_duration (all);
}

/* The last TAIL_S of @far has @present (0 Hz: silence) and not @absent. */
static gboolean
tail_matches (GwTestBaresip * far, gdouble present, gdouble absent)
{
  g_autoptr (GwTestAudio) all = gw_test_baresip_load_received (far, NULL);
  g_autoptr (GwTestAudio) tail = NULL;

  if (all == NULL || gw_test_audio_duration (all) < TAIL_S)
    return FALSE;
  tail = gw_test_audio_slice (all, gw_test_audio_duration (all) - TAIL_S, -1);
  if (present == 0)
    return gw_test_tone_is_silent (tail, GW_TEST_TONE_SILENCE_DBFS);
  if (gw_test_tone_power_fraction (tail, present, 10) < 0.3)
    return FALSE;
  return absent == 0 || gw_test_tone_power_fraction (tail, absent, 10) < 0.02;
}

static void
wait_tail (GwTestBaresip * far, gdouble present, gdouble absent)
{
  g_autoptr (GError) error = NULL;
  gdouble start = received_seconds (far), until = start;

  /* A change reaches the far end within a moment. */
  while (!tail_matches (far, present, absent)) {
    until += 0.25;
    if (until > start + 5 || !gw_test_baresip_wait_received_seconds (far,
            until, WAIT_MS, &error)) {
      g_autoptr (GwTestAudio) all = gw_test_baresip_load_received (far, NULL);
      g_autofree gchar *summary = all ? gw_test_tone_describe (all) : NULL;

      g_error ("never got %.0f Hz without %.0f Hz: %s", present, absent,
          summary);
    }
  }
}

/* The stretch of speech in @audio: first word to last. */
static gdouble
speech_span (const GwTestAudio * audio, gdouble * start)
{
  g_autoptr (GArray) segments = gw_test_tone_segments (audio, SPEECH_DBFS,
      WORD_GAP_S);
  GwTestSegment *first, *last;

  if (segments->len == 0)
    return 0;
  first = &g_array_index (segments, GwTestSegment, 0);
  last = &g_array_index (segments, GwTestSegment, segments->len - 1);
  if (start)
    *start = first->start;
  return last->end - first->start;
}

/* What @far received from @from (s) on holds @prompt: once, as long as
 * the prompt's own speech, at speech level, broadband (not a tone). */
static void
assert_heard_prompt (GwTestBaresip * far, gdouble from, GwPrompt prompt)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pcm = gw_prompt_get_pcm (prompt);
  g_autoptr (GwTestAudio) spoken = gw_test_audio_new_s16 (g_bytes_get_data
      (pcm, NULL), g_bytes_get_size (pcm) / 2, GW_PROMPT_RATE, 1);
  gdouble expected = speech_span (spoken, NULL);
  gdouble wait = gw_prompt_get_duration (prompt) / 1e9 + 1.5;
  g_autoptr (GwTestAudio) all = NULL;
  g_autoptr (GwTestAudio) heard = NULL;
  g_autoptr (GwTestAudio) speech = NULL;
  g_autofree gchar *summary = NULL;
  gdouble start = 0, span, dominant, level;

  CHECK (gw_test_baresip_wait_received_seconds (far, from + wait, WAIT_MS +
          wait * 1000, &error));
  all = gw_test_baresip_load_received (far, &error);
  g_assert_no_error (error);
  heard = gw_test_audio_slice (all, from, -1);
  span = speech_span (heard, &start);
  speech = gw_test_audio_slice (heard, start, span);
  summary = gw_test_tone_describe (speech);
  dominant = gw_test_tone_dominant_frequency (speech, 100, 4000);
  level = gw_test_tone_rms_dbfs (speech);
  g_test_message ("prompt %s: %.2f s of speech from %.2f s (expected %.2f s)"
      ": %s", gw_prompt_get_nick (prompt), span, from + start, expected,
      summary);
  g_assert_cmpfloat (fabs (span - expected), <, 0.3);
  g_assert_cmpfloat (level, >, -35);
  g_assert_cmpfloat (gw_test_tone_power_fraction (speech, dominant, 20), <,
      0.5);
}

/* ---- tests ---- */

static void
test_star_six (CallFixture * f, gconstpointer data)
{
  g_autoptr (GwTestBaresip) alice = far_end_new ("alice", 440);
  g_autoptr (GwTestBaresip) bob = far_end_new ("bob", 660);
  g_auto (GwDialReply) a = { 0 };
  g_auto (GwDialReply) b = { 0 };
  gdouble mark;

  dial (f, bob, FALSE, FALSE, &b);
  dial (f, alice, TRUE, TRUE, &a);
  wait_tail (bob, 440, 0);
  g_assert_true (listed_has_audio (f, a.stream_id));

  mark = received_seconds (alice);
  press (alice, "*6");
  wait_listed (f, a.stream_id, FALSE);
  wait_tail (bob, 0, 0);
  assert_heard_prompt (alice, mark, GW_PROMPT_MUTED);

  mark = received_seconds (alice);
  press (alice, "*6");
  wait_listed (f, a.stream_id, TRUE);
  wait_tail (bob, 440, 0);
  assert_heard_prompt (alice, mark, GW_PROMPT_UNMUTED);

  /* '*', another key, '6': no *6. */
  press (alice, "*16");
  /* Bob did not dial with observeForceMute: neither his keys nor force
   * mute touch him; he hears alice's tone alone all along. */
  mark = received_seconds (bob);
  press (bob, "*6");
  g_assert_false (force_mute (f, b.stream_id));
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GwTestAudio) all = NULL;
    g_autoptr (GwTestAudio) after = NULL;

    CHECK (gw_test_baresip_wait_received_seconds (bob, mark + 2.5, WAIT_MS,
            &error));
    all = gw_test_baresip_load_received (bob, &error);
    after = gw_test_audio_slice (all, mark, -1);
    g_assert_cmpfloat (gw_test_tone_power_fraction (after, 440, 10), >, 0.9);
  }
  g_assert_true (listed_has_audio (f, b.stream_id));
  g_assert_true (listed_has_audio (f, a.stream_id));

  /* *6 is no force mute: no muteForced. */
  hang_up (f, alice, &a, "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
  hang_up (f, bob, &b, "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
}

static void
test_force_mute (CallFixture * f, gconstpointer data)
{
  g_autoptr (GwTestBaresip) alice = far_end_new ("alice", 440);
  g_autoptr (GwTestBaresip) bob = far_end_new ("bob", 660);
  g_autoptr (GwTestBaresip) carol = far_end_new ("carol", 880);
  g_autoptr (GwTestBaresip) dave = far_end_new ("dave", 550);
  g_auto (GwDialReply) a = { 0 };
  g_auto (GwDialReply) b = { 0 };
  g_auto (GwDialReply) c = { 0 };
  g_auto (GwDialReply) d = { 0 };
  g_autoptr (JsonNode) all_on = NULL;
  g_autoptr (JsonNode) all_off = NULL;
  g_autofree gchar *body = NULL;
  JsonArray *muted;
  gdouble mark;

  dial (f, bob, FALSE, FALSE, &b);
  dial (f, alice, TRUE, TRUE, &a);
  dial (f, carol, TRUE, TRUE, &c);
  wait_tail (bob, 440, 0);
  wait_tail (bob, 880, 0);

  /* One stream. */
  mark = received_seconds (alice);
  g_assert_true (force_mute (f, a.stream_id));
  g_assert_false (listed_has_audio (f, a.stream_id));
  wait_word (f, &a, "muteForced");
  wait_tail (bob, 880, 440);
  assert_heard_prompt (alice, mark, GW_PROMPT_FORCE_MUTED);
  /* Ignored without observeForceMute. */
  g_assert_false (force_mute (f, b.stream_id));
  g_assert_true (listed_has_audio (f, b.stream_id));
  /* "Press star six to unmute". */
  mark = received_seconds (alice);
  press (alice, "*6");
  wait_listed (f, a.stream_id, TRUE);
  wait_tail (bob, 440, 0);
  assert_heard_prompt (alice, mark, GW_PROMPT_UNMUTED);

  /* Everyone but alice: carol (bob ignores it). */
  mark = received_seconds (carol);
  body = g_strdup_printf ("{\"active\":true,\"excludedStreamIds\":[\"%s\"]}",
      a.stream_id);
  all_on = post (f, "/mute", body);
  muted = json_object_get_array_member (json_node_get_object (all_on),
      "mutedStreamIds");
  g_assert_cmpuint (json_array_get_length (muted), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (muted, 0), ==, c.stream_id);
  g_assert_false (listed_has_audio (f, c.stream_id));
  g_assert_true (listed_has_audio (f, a.stream_id));
  g_assert_true (listed_has_audio (f, b.stream_id));
  wait_word (f, &c, "muteForced");
  wait_tail (bob, 440, 880);
  assert_heard_prompt (carol, mark, GW_PROMPT_FORCE_MUTED);

  /* Dave joins while "mute all" is on: muted from the start. */
  dial (f, dave, TRUE, TRUE, &d);
  g_assert_false (listed_has_audio (f, d.stream_id));
  wait_word (f, &d, "muteForced");
  assert_heard_prompt (dave, 0, GW_PROMPT_FORCE_MUTED);
  wait_tail (bob, 440, 550);
  all_off = post (f, "/mute", "{\"active\":false}");

  hang_up (f, alice, &a, "callCreated DIALING RINGING ACTIVE muteForced "
      "HANGUP callDestroyed(700 Normal Clearing)");
  hang_up (f, bob, &b, "callCreated DIALING RINGING ACTIVE HANGUP "
      "callDestroyed(700 Normal Clearing)");
  hang_up (f, carol, &c, "callCreated DIALING RINGING ACTIVE muteForced "
      "HANGUP callDestroyed(700 Normal Clearing)");
  hang_up (f, dave, &d, "callCreated DIALING muteForced RINGING ACTIVE "
      "HANGUP callDestroyed(700 Normal Clearing)");
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  call_test_add ("/call-mute/star-six", test_star_six);
  call_test_add ("/call-mute/force-mute", test_force_mute);
  return g_test_run ();
}
