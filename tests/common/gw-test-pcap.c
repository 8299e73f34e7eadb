/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writes 8 kHz audio as a G.711 RTP stream in a pcap file (Ethernet, IPv4,
 * UDP, RTP; 20 ms per packet), the input of SIPp's play_pcap_audio.  SIPp
 * keeps the RTP header and payload and the packets' timing, and replaces
 * addresses and ports with the call's, so the ones written here are
 * placeholders.  SIPp ships only speech and DTMF pcaps; a tone of a known
 * frequency is what an end-to-end test can check on the other side. */
#include "gw-test-pcap.h"

#include <gio/gio.h>
#include <string.h>

#define PCAP_LINKTYPE_ETHERNET 1
#define SAMPLES_PER_PACKET 160  /* 20 ms at 8 kHz */
#define RTP_PT_PCMU 0
#define RTP_PT_PCMA 8
#define HEADERS_LEN (14 + 20 + 8 + 12)

/* ITU-T G.711 µ-law: bias, then sign, 3-bit segment, 4-bit mantissa. */
static guint8
linear_to_ulaw (gint16 pcm)
{
  gint v = pcm, sign = 0, seg = 7;

  if (v < 0) {
    v = -v;
    sign = 0x80;
  }
  v = MIN (v, 32635) + 0x84;
  while (seg > 0 && !(v & (0x4000 >> (7 - seg))))
    seg--;
  return ~(sign | (seg << 4) | ((v >> (seg + 3)) & 0x0F));
}

/* ITU-T G.711 A-law: 13-bit magnitude, segments 0..7, even bits
 * inverted (xor 0x55); the sign bit is set for positive values. */
static guint8
linear_to_alaw (gint16 pcm)
{
  gint v = pcm >> 3, mask = 0xD5, seg = 0;

  if (v < 0) {
    v = -v - 1;
    mask = 0x55;
  }
  while (seg < 8 && v > (0x20 << seg) - 1)
    seg++;
  if (seg >= 8)
    return 0x7F ^ mask;
  return ((seg << 4) | ((v >> (seg ? seg : 1)) & 0x0F)) ^ mask;
}

static void
put_be16 (guint8 * p, guint v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

static void
put_be32 (guint8 * p, guint32 v)
{
  put_be16 (p, v >> 16);
  put_be16 (p + 2, v & 0xffff);
}

static guint16
ip_checksum (const guint8 * hdr, gsize len)
{
  guint32 sum = 0;

  for (gsize i = 0; i < len; i += 2)
    sum += (hdr[i] << 8) | hdr[i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

/* One Ethernet frame carrying RTP packet @seq; @payload is 160 bytes. */
static void
build_frame (guint8 * f, guint8 pt, guint seq, guint32 ssrc,
    const guint8 * payload)
{
  guint8 *ip = f + 14, *udp = ip + 20, *rtp = udp + 8;

  memset (f, 0, HEADERS_LEN);
  f[0] = f[6] = 0x02;           /* locally administered placeholder MACs */
  put_be16 (f + 12, 0x0800);
  ip[0] = 0x45;
  put_be16 (ip + 2, 20 + 8 + 12 + SAMPLES_PER_PACKET);
  put_be16 (ip + 4, seq & 0xffff);
  ip[8] = 64;
  ip[9] = 17;                   /* UDP */
  put_be32 (ip + 12, 0x7f000001);
  put_be32 (ip + 16, 0x7f000001);
  put_be16 (ip + 10, ip_checksum (ip, 20));
  put_be16 (udp, 40000);
  put_be16 (udp + 2, 40002);
  put_be16 (udp + 4, 8 + 12 + SAMPLES_PER_PACKET);
  rtp[0] = 0x80;
  rtp[1] = pt | (seq == 0 ? 0x80 : 0);  /* marker on the first packet */
  put_be16 (rtp + 2, seq & 0xffff);
  put_be32 (rtp + 4, seq * SAMPLES_PER_PACKET);
  put_be32 (rtp + 8, ssrc);
  memcpy (rtp + 12, payload, SAMPLES_PER_PACKET);
}

static void
put_le32 (GByteArray * out, guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append (out, b, 4);
}

/**
 * gw_test_pcap_write_audio:
 * @encoding: "PCMU" (payload type 0) or "PCMA" (8)
 * @audio: 8 kHz mono; a last partial packet is dropped
 */
gboolean
gw_test_pcap_write_audio (const gchar * path, const gchar * encoding,
    const GwTestAudio * audio, GError ** error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gboolean ulaw = !g_ascii_strcasecmp (encoding, "PCMU");
  guint32 ssrc = g_random_int ();
  guint8 frame[HEADERS_LEN + SAMPLES_PER_PACKET];
  guint8 payload[SAMPLES_PER_PACKET];

  if (!ulaw && g_ascii_strcasecmp (encoding, "PCMA")) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
        "pcap audio must be PCMU or PCMA, not %s", encoding);
    return FALSE;
  }
  if (audio->rate != 8000 || audio->channels != 1) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
        "G.711 needs 8000 Hz mono, not %u Hz x %u", audio->rate,
        audio->channels);
    return FALSE;
  }
  /* pcap file header: magic, v2.4, zone, sigfigs, snaplen, link type */
  put_le32 (out, 0xa1b2c3d4);
  put_le32 (out, 2 | (4 << 16));
  put_le32 (out, 0);
  put_le32 (out, 0);
  put_le32 (out, 65535);
  put_le32 (out, PCAP_LINKTYPE_ETHERNET);
  for (guint seq = 0; (seq + 1) * SAMPLES_PER_PACKET <= audio->n_frames; seq++) {
    guint64 usec = (guint64) seq * 20000;

    for (guint i = 0; i < SAMPLES_PER_PACKET; i++) {
      gint16 s = (gint16) CLAMP (audio->data[seq * SAMPLES_PER_PACKET + i] *
          32767.0f, -32768.0f, 32767.0f);

      payload[i] = ulaw ? linear_to_ulaw (s) : linear_to_alaw (s);
    }
    build_frame (frame, ulaw ? RTP_PT_PCMU : RTP_PT_PCMA, seq, ssrc, payload);
    put_le32 (out, usec / G_USEC_PER_SEC);
    put_le32 (out, usec % G_USEC_PER_SEC);
    put_le32 (out, sizeof (frame));
    put_le32 (out, sizeof (frame));
    g_byte_array_append (out, frame, sizeof (frame));
  }
  return g_file_set_contents (path, (const gchar *) out->data, out->len, error);
}

/**
 * gw_test_pcap_write_tone:
 * A sine of @freq_hz at -9 dBFS (amplitude 0.5) lasting @seconds.
 */
gboolean
gw_test_pcap_write_tone (const gchar * path, const gchar * encoding,
    gdouble freq_hz, gdouble seconds, GError ** error)
{
  g_autoptr (GwTestAudio) tone = gw_test_audio_new_tones (8000, 1, seconds,
      0.5, &freq_hz, 1);

  return gw_test_pcap_write_audio (path, encoding, tone, error);
}
