#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs what is missing, builds, and starts ot-sip-gateway on its embedded
# development defaults (or on the arguments given, e.g. --config FILE).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh" "$top/build"
meson compile -C "$top/build" >&2
export GST_PLUGIN_PATH="$top/build/gst-plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
exec "$top/build/app/ot-sip-gateway" "$@"
