#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The whole test suite: set-up, build, format check, tests, then the same
# tests under AddressSanitizer + UBSan.  The last line is the summary.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

./scripts/setup.sh "$top/build" || exit 1
./scripts/setup.sh "$top/build-asan" -Db_sanitize=address,undefined \
  -Db_lundef=false -Dbench=disabled || exit 1

pass=0
fail=0
run_suite () {
  local dir=$1; shift
  if ! meson compile -C "$dir" >"$dir/compile.log" 2>&1; then
    cat "$dir/compile.log"
    echo "build failed in $dir"
    fail=$((fail + 1))
    return
  fi
  meson test -C "$dir" --print-errorlogs "$@"
  local s="$dir/meson-logs/testlog.json"
  if [ -f "$s" ]; then
    local p f
    p=$(grep -c '"result": "OK"' "$s" || true)
    f=$(grep -cE '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$s" || true)
    pass=$((pass + p)); fail=$((fail + f))
  else
    fail=$((fail + 1))
  fi
}

if ./scripts/format.sh --check; then
  pass=$((pass + 1)); echo "format check: OK"
else
  fail=$((fail + 1)); echo "format check: FAIL (run scripts/format.sh)"
fi

run_suite "$top/build"
# Under the sanitizers, everything runs slower: more time per test.
run_suite "$top/build-asan" --timeout-multiplier 3

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
