#!/usr/bin/env bash
# Runs the C++ QA and every Python QA and end-to-end test against the installed module; fails when no
# test ran.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SEMSAT_VENV:-$ROOT/.venv}"
BUILD="${SEMSAT_BUILD:-$ROOT/build}"
cd "$ROOT"
# C++ kernel QA first (ctest, Boost.Test), then the Python QA and end-to-end tests (pytest).
ctest --test-dir "$BUILD" --output-on-failure
export GRC_BLOCKS_PATH="$VENV/share/gnuradio/grc/blocks"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
"$VENV/bin/python" -m pytest "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 5 ] || ! grep -Eq '[0-9]+ passed' "$log"; then
  echo "run-tests: no test passed (pytest exit $status): treating as a failure" >&2
  exit 1
fi
exit "$status"
