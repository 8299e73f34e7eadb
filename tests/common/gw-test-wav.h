/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test support: WAV (RIFF) files to and from GwTestAudio. */
#pragma once

#include "gw-test-tone.h"

G_BEGIN_DECLS

GwTestAudio *gw_test_wav_parse (GBytes * bytes, GError ** error);
GwTestAudio *gw_test_wav_load (const gchar * path, GError ** error);
gboolean gw_test_wav_save (const GwTestAudio * audio, const gchar * path,
    GError ** error);

G_END_DECLS
