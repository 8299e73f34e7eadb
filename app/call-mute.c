/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A call's mute, as the caller lives it (call.h, "Mute"): the *6 toggle
 * read from the caller's RFC 4733 digits, and the spoken announcements
 * that tell the caller about every change of mute, force mute's included.
 *
 * The mute itself is the hub's: the call's stream is muted (its audio
 * reaches the session as silence, and REST shows it muted); force mute
 * reaches the stream through the hub and the call through
 * gw_call_notify_mute_forced().  The announcements go into the call's own
 * mix (gw_media_bridge_play_prompt): only the caller hears them. */
#include "config.h"

#include "call-private.h"

#define GST_CAT_DEFAULT gw_call_debug

/* Media flows to the caller: an announcement is heard. */
static gboolean
can_announce (GwCall * self)
{
  return self->bridge && self->state == GW_CALL_STATE_ACTIVE
      && gw_media_bridge_is_sending (self->bridge);
}

void
gw_call_announce (GwCall * self, GwPrompt prompt)
{
  if (self->state >= GW_CALL_STATE_HANGUP)
    return;
  /* A newer announcement replaces one still waiting, as it interrupts one
   * still playing: the caller hears the current state. */
  if (can_announce (self)
      && gw_media_bridge_play_prompt (self->bridge, prompt)) {
    self->prompt_pending = FALSE;
    return;
  }
  GST_INFO ("call %s: prompt %s waits for media to the caller", self->id,
      gw_prompt_get_nick (prompt));
  self->prompt_pending = TRUE;
  self->pending_prompt = prompt;
}

void
gw_call_announce_pending (GwCall * self)
{
  if (self->prompt_pending)
    gw_call_announce (self, self->pending_prompt);
}

/* *6: the caller mutes or unmutes the call's stream, when the call obeys
 * force mute (observeForceMute); otherwise the keys mean nothing to us. */
static void
toggle_mute (GwCall * self)
{
  gboolean muted;

  if (self->stream == NULL)
    return;
  if (!self->request->observe_force_mute) {
    GST_INFO ("call %s: *6 ignored: dialled without observeForceMute",
        self->id);
    return;
  }
  muted = !ot_stream_is_muted (self->stream);
  GST_INFO ("call %s: *6: the caller %s", self->id,
      muted ? "mutes" : "unmutes");
  ot_stream_set_muted (self->stream, muted);
  gw_call_announce (self, muted ? GW_PROMPT_MUTED : GW_PROMPT_UNMUTED);
}

/* One key press of the caller (the bridge reports each once, in order):
 * '*' arms, a '6' soon after toggles, anything else disarms. */
static void
on_dtmf_received (GwMediaBridge * bridge, gchar digit, gpointer user_data)
{
  GwCall *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean armed = self->star_time != 0
      && now - self->star_time <= GW_CALL_STAR_SIX_WINDOW_MS * 1000;

  GST_DEBUG ("call %s: the caller pressed %c", self->id, digit);
  self->star_time = digit == '*' ? now : 0;
  if (digit == '6' && armed)
    toggle_mute (self);
}

void
gw_call_mute_attach (GwCall * self)
{
  /* Disconnected with the call's other handlers when the media goes. */
  g_signal_connect (self->bridge, "dtmf-received",
      G_CALLBACK (on_dtmf_received), self);
}
