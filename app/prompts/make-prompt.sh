#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make-prompt.sh TEXT_FILE OUTPUT.raw
#
# Speaks TEXT_FILE with espeak-ng (American English, 160 words a minute) and
# writes what the media bridge plays: raw S16LE, 48 kHz, mono.  Generated at
# build time so the words live in git as text, not as recordings, and a
# changed sentence is one edit.  sox trims espeak's leading and trailing
# silence, pads 100 ms on each side (the prompt starts promptly and does not
# clip its first consonant), resamples once with the very-high-quality
# resampler, and sets the level: -20 dBFS RMS, but never a peak above
# -1.5 dBFS (resampling can overshoot; G.711 and Opus then have headroom).
# -R makes sox repeatable, -D drops dither: the same text always gives the
# same bytes, and the padding stays digital silence.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 TEXT_FILE OUTPUT.raw" >&2
  exit 2
fi
text=$1
out=$2
espeak=${ESPEAK_NG:-espeak-ng}
sox=${SOX:-sox}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$espeak" -v en-us -s 160 -w "$tmp/speech.wav" -f "$text"
"$sox" -R "$tmp/speech.wav" -b 32 -e floating-point "$tmp/shaped.wav" \
  silence 1 0.01 -45d reverse silence 1 0.01 -45d reverse \
  rate -v 48000 pad 0.1 0.1

# One gain for both limits: whichever of the two targets is reached first.
gain=$("$sox" "$tmp/shaped.wav" -n stats 2>&1 | awk '
  /^Pk lev dB/ { pk = $4 }
  /^RMS lev dB/ { rms = $4 }
  END {
    if (pk == "" || rms == "") exit 1
    g = -20 - rms
    if (pk + g > -1.5) g = -1.5 - pk
    printf "%.2f\n", g
  }')

"$sox" -R -D "$tmp/shaped.wav" -t raw -e signed-integer -b 16 -c 1 \
  -r 48000 -L "$out.tmp" gain "$gain"
mv "$out.tmp" "$out"
