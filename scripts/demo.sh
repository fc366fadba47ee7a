#!/usr/bin/env bash
# The main job: the bundled GRID clip crosses the simulated satellite link end to end (semsat-link, V2A at
# 12 dB over NTN-TDL-A, 600 km, 45 deg elevation, Doppler pre-compensated) and comes back as OUT/semsat-link.mp4
# with its JSON report and a side-by-side PNG (original | reconstruction | frozen baseline).
# `make demo` runs the set-up first, so this works on a fresh machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SEMSAT_VENV:-$ROOT/.venv}"
OUT="${1:-$ROOT/out}"
mkdir -p "$OUT"
"$VENV/bin/python" "$VENV/bin/semsat-link" "$ROOT/examples/media/grid_bbaf2n.mpg" \
  --mode v2a --snr 12 --altitude 600 --channel A --elevation 45 --seed 1 \
  --transcript "bin blue at f two now" --asr-grammar grid \
  -o "$OUT/semsat-link.mp4" --report "$OUT/semsat-link.json" --side-by-side "$OUT/semsat-link.png"
echo "demo: wrote $OUT/semsat-link.mp4, $OUT/semsat-link.json and $OUT/semsat-link.png"
