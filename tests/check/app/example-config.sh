#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# docs/settings.example.ini must stay a valid settings file: the gateway
# starts on it (ports overridden to ephemeral), prints its ready line and
# exits 0 on SIGTERM.
set -u
gateway=$1
example=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$gateway" --config "$example" --http-port 0 --sip-port 0 >"$out" 2>&1 &
pid=$!
for _ in $(seq 100); do
  grep -q '^ready http=127.0.0.1:[0-9]* sip=127.0.0.1:[0-9]*$' "$out" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q '^ready http=' "$out"; then
  echo "no ready line:"; cat "$out"; kill "$pid" 2>/dev/null; exit 1
fi
kill -TERM "$pid"
wait "$pid"
rc=$?
cat "$out"
[ "$rc" -eq 0 ] || { echo "exit code $rc, expected 0"; exit 1; }
echo "example settings file OK"
