#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs pipelines/NAME.pipeline with gst-launch-1.0: publishers and
# subscribers are chains of one process, so they share its session hub.
#
#   pipelines/run.sh NAME [SECONDS] [OUTPUT]
#
# SECONDS: how long to run (default 10; 0 = until Ctrl-C); then EOS is sent
# so that files are finished properly.  OUTPUT: a file to write (.wav for
# @AUDIO_SINK@, .webm for @VIDEO_SINK@); without it the sound card or a
# window when there is one, else NAME.wav / NAME.webm in the current
# directory.  The plugin comes from $OT_BUILD_DIR (default: build/ at the
# top of the tree), or from GST_PLUGIN_PATH when that is set and
# OT_BUILD_DIR is not.
#
# A .pipeline file is a gst-launch description: '#' lines are comments,
# lines are joined with spaces, no shell quoting.  Fragments of the
# gateway's per-call graph (sip-*.pipeline) are not meant to run alone.
set -euo pipefail
set -f

usage() {
  echo "usage: $0 NAME [SECONDS] [OUTPUT]" >&2
  echo "pipelines:" $(cd "$(dirname "$0")" && ls *.pipeline | sed 's/\.pipeline$//') >&2
  exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
name=${1:-}
[ -n "$name" ] || usage
file="$here/${name%.pipeline}.pipeline"
[ -f "$file" ] || { echo "no pipeline $file" >&2; usage; }
seconds=${2:-10}
output=${3:-}
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "SECONDS must be a whole number" >&2; exit 2; }

if [ -n "${OT_BUILD_DIR:-}" ] || [ -z "${GST_PLUGIN_PATH:-}" ]; then
  build=${OT_BUILD_DIR:-$top/build}
  if [ ! -e "$build/gst-plugin/libgstot.so" ]; then
    echo "the ot plugin is not built in $build: run" >&2
    echo "  meson setup $build $top && meson compile -C $build" >&2
    exit 1
  fi
  export GST_PLUGIN_PATH="$build/gst-plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
fi
gst-inspect-1.0 otsink >/dev/null 2>&1 || {
  echo "gst-inspect-1.0 does not find otsink (GST_PLUGIN_PATH=$GST_PLUGIN_PATH)" >&2
  exit 1
}

have_sound() {
  { command -v pactl >/dev/null && pactl info >/dev/null 2>&1; } ||
    compgen -G '/dev/snd/pcmC*p' >/dev/null
}

audio_sink() {
  if [ -z "$output" ] && have_sound; then
    echo "autoaudiosink"
  else
    echo "wavenc ! filesink location=${output:-$PWD/$name.wav}"
  fi
}

video_sink() {
  if [ -z "$output" ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "videoconvert ! autovideosink"
  else
    echo "videoconvert ! video/x-raw,format=I420 ! vp8enc deadline=1 cpu-used=-6 end-usage=cbr threads=1 ! webmmux ! filesink location=${output:-$PWD/$name.webm}"
  fi
}

desc=$(grep -v '^[[:space:]]*#' "$file" | tr '\n' ' ')
desc=${desc//@AUDIO_SINK@/$(audio_sink)}
desc=${desc//@VIDEO_SINK@/$(video_sink)}

echo "running $name for ${seconds}s: gst-launch-1.0 -e $desc" >&2
if [ "$seconds" -eq 0 ]; then
  exec gst-launch-1.0 -e $desc
fi
# SIGINT makes gst-launch send EOS and wait for it (-e): files are complete.
# --foreground: signal gst-launch once (not its process group again).
timeout --foreground --preserve-status --kill-after=15 -s INT "$seconds" gst-launch-1.0 -e $desc
