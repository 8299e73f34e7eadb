/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test support: RTP streams as pcap files, for SIPp's play_pcap_audio. */
#pragma once

#include "gw-test-tone.h"

G_BEGIN_DECLS

gboolean gw_test_pcap_write_audio (const gchar * path,
    const gchar * encoding, const GwTestAudio * audio, GError ** error);
gboolean gw_test_pcap_write_tone (const gchar * path, const gchar * encoding,
    gdouble freq_hz, gdouble seconds, GError ** error);

G_END_DECLS
