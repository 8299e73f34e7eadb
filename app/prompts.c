/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The prompts live in a GResource compiled from app/prompts/ (make-prompt.sh
 * turns each NAME.txt into NAME.raw).  They are looked up once and kept: the
 * data is static, in the binary's read-only pages, shared by every call, and
 * uncompressed so that a lookup hands out the embedded bytes themselves. */
#include <gst/gst.h>

#include "gw-prompts.h"
#include "prompts.h"

GST_DEBUG_CATEGORY_STATIC (gw_prompts_debug);
#define GST_CAT_DEFAULT gw_prompts_debug

#define RESOURCE_PATH "/org/ot-sip-gateway/prompts/"

static const gchar *const nicks[GW_PROMPT_COUNT] = {
  [GW_PROMPT_FORCE_MUTED] = "force-muted",
  [GW_PROMPT_MUTED] = "muted",
  [GW_PROMPT_UNMUTED] = "unmuted",
};

typedef struct
{
  GBytes *pcm;
  gchar *text;
} PromptData;

static PromptData prompts[GW_PROMPT_COUNT];

/* A missing or malformed prompt means a broken build, never a run-time
 * condition: fail loudly at the first use rather than play nothing. */
static GBytes *
lookup (const gchar * nick, const gchar * suffix)
{
  g_autofree gchar *path = g_strconcat (RESOURCE_PATH, nick, suffix, NULL);
  g_autoptr (GError) error = NULL;
  GBytes *bytes;

  bytes = g_resource_lookup_data (gw_prompts_get_resource (), path,
      G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("embedded prompt %s is missing: %s", path, error->message);
  return bytes;
}

static void
load_prompt (GwPrompt prompt)
{
  const gchar *nick = nicks[prompt];
  g_autoptr (GBytes) text = lookup (nick, ".txt");
  gsize size;

  prompts[prompt].pcm = lookup (nick, ".raw");
  size = g_bytes_get_size (prompts[prompt].pcm);
  if (size == 0 || size % GW_PROMPT_BYTES_PER_SAMPLE != 0)
    g_error ("embedded prompt %s has %" G_GSIZE_FORMAT " bytes, not whole "
        "16-bit samples", nick, size);
  prompts[prompt].text = g_strstrip (g_strndup (g_bytes_get_data (text, NULL),
          g_bytes_get_size (text)));
  GST_DEBUG ("prompt %s: %" G_GSIZE_FORMAT " samples, \"%s\"", nick,
      size / GW_PROMPT_BYTES_PER_SAMPLE, prompts[prompt].text);
}

static const PromptData *
get_prompt (GwPrompt prompt)
{
  static gsize loaded = 0;

  if (g_once_init_enter (&loaded)) {
    GST_DEBUG_CATEGORY_INIT (gw_prompts_debug, "gwprompts", 0,
        "spoken announcements");
    for (guint i = 0; i < GW_PROMPT_COUNT; i++)
      load_prompt (i);
    g_once_init_leave (&loaded, 1);
  }
  return &prompts[prompt];
}

GBytes *
gw_prompt_get_pcm (GwPrompt prompt)
{
  g_return_val_if_fail ((guint) prompt < GW_PROMPT_COUNT, NULL);

  return g_bytes_ref (get_prompt (prompt)->pcm);
}

guint64
gw_prompt_get_duration (GwPrompt prompt)
{
  gsize samples;

  g_return_val_if_fail ((guint) prompt < GW_PROMPT_COUNT, 0);

  samples = g_bytes_get_size (get_prompt (prompt)->pcm) /
      GW_PROMPT_BYTES_PER_SAMPLE;
  return gst_util_uint64_scale_int (samples, GST_SECOND, GW_PROMPT_RATE);
}

const gchar *
gw_prompt_get_text (GwPrompt prompt)
{
  g_return_val_if_fail ((guint) prompt < GW_PROMPT_COUNT, NULL);

  return get_prompt (prompt)->text;
}

const gchar *
gw_prompt_get_nick (GwPrompt prompt)
{
  g_return_val_if_fail ((guint) prompt < GW_PROMPT_COUNT, NULL);

  return nicks[prompt];
}
