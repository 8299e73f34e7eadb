#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Formats C files as gst-indent does (GNU indent with GStreamer's flags, run
# twice).  --check: change nothing, list the files that are not formatted.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
flags=(--braces-on-if-line --case-brace-indentation0 --case-indentation2
  --braces-after-struct-decl-line --line-length80 --no-tabs --cuddle-else
  --dont-line-up-parentheses --continuation-indentation4 --honour-newlines
  --tab-size8 --indent-level2 --leave-preprocessor-space)
check=0
[ "${1:-}" = "--check" ] && { check=1; shift; }
mapfile -t files < <(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else
  git ls-files '*.c'; fi)
bad=()
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  tmp=$(mktemp)
  indent "${flags[@]}" -o "$tmp" "$f" 2>/dev/null && indent "${flags[@]}" "$tmp" -o "$tmp.2" 2>/dev/null
  if ! cmp -s "$tmp.2" "$f"; then
    if [ $check -eq 1 ]; then bad+=("$f"); else cp "$tmp.2" "$f"; fi
  fi
  rm -f "$tmp" "$tmp.2"
done
if [ ${#bad[@]} -gt 0 ]; then
  printf 'not formatted: %s\n' "${bad[@]}"
  exit 1
fi
