/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "media-params.h"

void
gw_media_params_clear (GwMediaParams * params)
{
  g_clear_pointer (&params->remote_address, g_free);
  memset (params, 0, sizeof (*params));
}

void
gw_media_params_copy (GwMediaParams * dest, const GwMediaParams * src)
{
  if (dest == src)
    return;
  gw_media_params_clear (dest);
  *dest = *src;
  dest->remote_address = g_strdup (src->remote_address);
}

gboolean
gw_media_params_is_hold (const GwMediaParams * params)
{
  if (params->remote_rtp_port == 0)
    return TRUE;
  if (params->remote_address == NULL
      || g_str_equal (params->remote_address, "0.0.0.0"))
    return TRUE;
  return params->remote_direction == GW_MEDIA_SENDONLY
      || params->remote_direction == GW_MEDIA_INACTIVE;
}

const gchar *
gw_audio_codec_to_string (GwAudioCodec codec)
{
  switch (codec) {
    case GW_AUDIO_CODEC_OPUS:
      return "opus";
    case GW_AUDIO_CODEC_G722:
      return "G722";
    case GW_AUDIO_CODEC_PCMU:
      return "PCMU";
    case GW_AUDIO_CODEC_PCMA:
      return "PCMA";
    default:
      return "none";
  }
}
