#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs a Node test script against the gateway with the official OpenTok SDK.
#   run-sdk-test.sh GATEWAY NPM_DIR SCRIPT
# Installs opentok@2 into NPM_DIR (in the build tree) once and reuses it.
# Exit 77 (skip) when node/npm are missing or the npm registry is
# unreachable; any other install failure is an error.
set -euo pipefail
gateway=$1 npm_dir=$2 script=$3
sdk_spec='opentok@2'

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP: node and npm are needed for the Node SDK test"
  exit 77
fi

marker="$npm_dir/.installed-$sdk_spec"
if [ ! -f "$marker" ]; then
  # Install into a fresh folder, then move it in place: an interrupted
  # install never looks like a good cache.
  mkdir -p "$(dirname "$npm_dir")"
  tmp=$(mktemp -d "$npm_dir.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  echo '{"private": true}' >"$tmp/package.json"
  if ! (cd "$tmp" && npm install --no-audit --no-fund --no-save \
        --loglevel=error "$sdk_spec") >"$tmp/npm.log" 2>&1; then
    cat "$tmp/npm.log"
    if grep -qE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network' \
        "$tmp/npm.log"; then
      echo "SKIP: npm install $sdk_spec failed: the npm registry is unreachable"
      exit 77
    fi
    echo "ERROR: npm install $sdk_spec failed"
    exit 1
  fi
  touch "$tmp/.installed-$sdk_spec"
  rm -rf "$npm_dir"
  mv "$tmp" "$npm_dir"
  trap - EXIT
fi

NODE_PATH="$npm_dir/node_modules" exec node "$script" "$gateway"
