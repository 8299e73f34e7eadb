#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# pipelines/run.sh and gst-inspect-1.0 from the build tree: the loopback
# demo writes a WAV holding the 440 Hz tone, and gst-inspect documents
# every property of otsink and otsrc.  $1: meson's b_sanitize; the system's
# gst-launch-1.0 cannot load a sanitized plugin, so then this is skipped.
set -euo pipefail
if [ "${1:-none}" != "none" ]; then
  echo "skipped: the plugin is built with -fsanitize=$1"
  exit 77
fi
: "${OT_SOURCE_ROOT:?}" "${OT_BUILD_ROOT:?}"
export OT_BUILD_DIR=$OT_BUILD_ROOT
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$OT_SOURCE_ROOT/pipelines/run.sh" loopback 3 "$tmp/loopback.wav" \
  >"$tmp/run.log" 2>&1 || { cat "$tmp/run.log"; exit 1; }
if grep -q "ERROR" "$tmp/run.log"; then cat "$tmp/run.log"; exit 1; fi
stat=$(sox "$tmp/loopback.wav" -n trim 0.5 stat 2>&1)
freq=$(awk '/^Rough +frequency/ {print $3}' <<<"$stat")
rms=$(awk '/^RMS +amplitude/ {print $3}' <<<"$stat")
length=$(awk '/^Length/ {print $3}' <<<"$stat")
echo "loopback.wav: ${length}s after 0.5 s, ${freq} Hz, RMS ${rms}"
awk -v f="$freq" -v r="$rms" -v l="$length" 'BEGIN {
  exit !(f >= 435 && f <= 445 && r > 0.33 && r < 0.38 && l > 1.5) }' ||
  { echo "not the 440 Hz tone at -9 dBFS"; exit 1; }

for element in otsink otsrc; do
  gst-inspect-1.0 "$element" >"$tmp/$element.txt"
  props=$(sed -n '/^Element Properties:/,/^$/p' "$tmp/$element.txt" |
    grep -E '^  [a-z][a-z-]+ *: ' | wc -l)
  undocumented=$(sed -n '/^Element Properties:/,/^$/p' "$tmp/$element.txt" |
    grep -E '^  [a-z][a-z-]+ *: *$' || true)
  [ "$props" -ge 5 ] || { echo "$element: only $props properties"; exit 1; }
  [ -z "$undocumented" ] || { echo "$element: no blurb: $undocumented"; exit 1; }
  echo "$element: $props documented properties"
done
for prop in session-id connection-id stream-id stream-name video-type muted \
    create-session sync async; do
  grep -qE "^  $prop *: .{20,}" "$tmp/otsink.txt" ||
    { echo "otsink: $prop missing or undocumented"; exit 1; }
done
for prop in session-id streams exclude-connection-id latency create-session; do
  grep -qE "^  $prop *: .{20,}" "$tmp/otsrc.txt" ||
    { echo "otsrc: $prop missing or undocumented"; exit 1; }
done
