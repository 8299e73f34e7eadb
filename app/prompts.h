/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spoken announcements a SIP caller hears (force mute, the *6 toggle):
 * their words and their audio, synthesised at build time (app/prompts/) and
 * embedded in the binary.  media-prompt.c plays them into a call's mix. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The audio of every prompt: raw, little-endian 16-bit, 48 kHz, mono (the
 * hub's rate: no resampling before the mixer). */
#define GW_PROMPT_RATE 48000
#define GW_PROMPT_BYTES_PER_SAMPLE 2
#define GW_PROMPT_CAPS \
  "audio/x-raw, format=(string)S16LE, layout=(string)interleaved, " \
  "rate=(int)48000, channels=(int)1"

typedef enum
{
  /* "You have been muted by the host. Press star six to unmute." */
  GW_PROMPT_FORCE_MUTED,
  /* "You are muted." (the caller pressed *6) */
  GW_PROMPT_MUTED,
  /* "You are unmuted." (the caller pressed *6 again) */
  GW_PROMPT_UNMUTED,
} GwPrompt;

#define GW_PROMPT_COUNT (GW_PROMPT_UNMUTED + 1)

/* The prompt's samples (GW_PROMPT_CAPS), the embedded data itself: no copy.
 * Transfer full. */
GBytes *gw_prompt_get_pcm (GwPrompt prompt);
/* Its length in nanoseconds. */
guint64 gw_prompt_get_duration (GwPrompt prompt);
/* The words spoken, for logs. */
const gchar *gw_prompt_get_text (GwPrompt prompt);
/* A short name ("force-muted", "muted", "unmuted"). */
const gchar *gw_prompt_get_nick (GwPrompt prompt);

G_END_DECLS
