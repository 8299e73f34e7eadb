/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A live source that speaks a prompt (prompts.h) into a call's audiomixer on
 * request, and is silent (pushes nothing) otherwise. */
#pragma once

#include <gst/base/gstpushsrc.h>

#include "prompts.h"

G_BEGIN_DECLS

#define GW_TYPE_MEDIA_PROMPT (gw_media_prompt_get_type ())
G_DECLARE_FINAL_TYPE (GwMediaPrompt, gw_media_prompt, GW, MEDIA_PROMPT,
    GstPushSrc)

/* A new source (floating ref, like gst_element_factory_make) with one
 * always "src" pad of GW_PROMPT_CAPS.  Link it to a request pad of the
 * call's audiomixer; it is live and stamps its buffers in running time. */
GstElement *gw_media_prompt_new (const gchar * name);

/* Plays @prompt from its start, interrupting the one playing if any (what
 * the mixer already holds of it, at most 60 ms, still plays).  Any thread,
 * any state: a prompt asked for before PLAYING starts when the element
 * reaches PLAYING; going down to READY forgets it. */
void gw_media_prompt_play (GwMediaPrompt * self, GwPrompt prompt);

/* Cuts the playing prompt short, as a new play would (no-op when idle). */
void gw_media_prompt_stop (GwMediaPrompt * self);

G_END_DECLS
