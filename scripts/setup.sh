#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Idempotent set-up on Debian 12: installs the Debian packages the project
# needs (apt-get update only when something is missing) and configures meson.
#   scripts/setup.sh [BUILDDIR [meson options...]]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-$top/build}
shift || true

packages=(
  build-essential pkg-config meson ninja-build git ca-certificates
  libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libgstreamer-plugins-bad1.0-dev gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-nice
  gstreamer1.0-plugins-base-apps
  libsofia-sip-ua-glib-dev libsoup-3.0-dev libjson-glib-dev libsrtp2-dev
  libopenh264-dev
  sip-tester baresip espeak-ng sox indent tshark iproute2 procps openssl
)
# The Node SDK compatibility test needs node and npm; a machine may have
# them from elsewhere (nodejs with its own npm), so only commands count.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install packages" >&2; exit 1; }
    sudo=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer for it.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
  $sudo apt-get update -q >&2
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" "$top" "$@" >&2
elif [ $# -gt 0 ]; then
  meson configure "$builddir" "$@" >&2
fi
