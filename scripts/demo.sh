#!/usr/bin/env bash
# The main job until the audiovisual link exists: compile examples/ntn_pass_demo.grc with grcc and send a
# QPSK test signal through a whole 600 km LEO pass (NTN-TDL-A, link-budget SNR, bulk Doppler), then write
# a PNG of the true Doppler, the SNR and the received spectrum.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SEMSAT_VENV:-$ROOT/.venv}"
OUT="${1:-$ROOT/out}"
mkdir -p "$OUT" "$ROOT/build/examples"
"$VENV/bin/grcc" -o "$ROOT/build/examples" "$ROOT/examples/ntn_pass_demo.grc" >/dev/null
"$VENV/bin/python" "$ROOT/build/examples/ntn_pass_demo.py" --output-png "$OUT/ntn_pass_demo.png"
echo "demo: wrote $OUT/ntn_pass_demo.png (and .npz with the recorded series)"
