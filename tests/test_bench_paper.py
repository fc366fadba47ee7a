"""`semsat-bench paper --quick` (grid_bbaf2n at 0 and 20 dB, every method, the KB ablation over two
sessions of the clip): the CSVs' structure and the physics they must show.

Truth: an analog semantic link degrades with the noise, so V2A's AKD at 20 dB is below its AKD at 0 dB;
H.264+LDPC at ten times V2A's symbols sends a 6-packet stream that is all or nothing, lost over
NTN-TDL-A at 0 dB (docs/baselines.md: 92-100% of the frames) and whole at 20 dB; the frozen baseline
(frame 0 held) is scored beside every row and is the same for every method of a clip; the KB policy
updates at first contact at every level and at every session at L3, and a level's checks include the
lower levels', so updates never decrease with the level.
"""

import csv
import math
import subprocess
import sys
from pathlib import Path

import pytest
from gnuradio.semsat.testing_media import require_media

BENCH = Path(sys.prefix) / "bin" / "semsat-bench"
METHODS = {"v2a", "a2v", "svc", "h264", "h265"}


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> tuple[Path, str]:
    media = require_media()
    out = tmp_path_factory.mktemp("paper")
    done = subprocess.run(
        [sys.executable, str(BENCH), "paper", "--quick", "--media", str(media), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    print(done.stdout)
    return out, done.stdout


def test_the_outputs_are_written(quick):
    out, stdout = quick
    for name in ("table_a.csv", "table_a_per_clip.csv", "table_b.csv", "table_b_per_clip.csv", "table_c.csv"):
        assert (out / name).stat().st_size > 0
    for name in ("table_b_grid.png", "table_c.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "(a)" in stdout and "(b)" in stdout and "(c)" in stdout and "wall time" in stdout


def test_table_b_rows_have_every_method_and_snr_with_the_frozen_baseline(quick):
    out, _ = quick
    rows = read(out / "table_b_per_clip.csv")
    assert {(r["method"], float(r["snr_db"])) for r in rows} == {(m, s) for m in METHODS for s in (0.0, 20.0)}
    assert {r["dataset"] for r in rows} == {"GRID"}
    frozen = {r["frozen_akd_px"] for r in rows}
    assert len(frozen) == 1 and 0 < float(frozen.pop()) < 20
    assert all(math.isfinite(float(r["frozen_psnr_db"])) and float(r["frozen_csim"]) > 0 for r in rows)
    means = read(out / "table_b.csv")
    paper = {r["method"]: r["paper_akd_12db_px"] for r in means}
    assert (
        paper["v2a"] == "5.41" and paper["a2v"] == "5.85" and paper["svc"] == "8.36" and paper["h264"] == ""
    )


def test_v2a_degrades_with_the_noise_and_h264_falls_off_its_cliff(quick):
    out, _ = quick
    rows = {(r["method"], float(r["snr_db"])): r for r in read(out / "table_b_per_clip.csv")}
    assert float(rows["v2a", 20.0]["akd_px"]) < float(rows["v2a", 0.0]["akd_px"])
    assert float(rows["v2a", 20.0]["akd_px"]) < float(rows["v2a", 20.0]["frozen_akd_px"])
    assert float(rows["h264", 0.0]["lost_share"]) >= 0.5
    assert float(rows["h264", 20.0]["lost_share"]) == 0.0
    assert float(rows["h264", 20.0]["akd_px"]) < float(rows["h264", 20.0]["frozen_akd_px"])


def test_table_a_costs(quick):
    out, _ = quick
    costs = {r["method"]: r for r in read(out / "table_a.csv")}
    assert set(costs) == METHODS
    v2a = float(costs["v2a"]["symbols_per_frame"])
    assert float(costs["svc"]["symbols_per_frame"]) <= v2a
    for codec in ("h264", "h265"):
        assert v2a < float(costs[codec]["symbols_per_frame"]) <= 10 * v2a
        assert float(costs[codec]["audio_symbols_per_frame"]) > 0
    assert float(costs["v2a"]["values_per_frame"]) >= 12  # 12 face parameters per frame, and the text
    assert all(float(costs[m]["receiver_ms_per_frame"]) > 0 for m in METHODS)


def test_table_c_kb_policy(quick):
    out, _ = quick
    rows = read(out / "table_c.csv")
    assert [r["level"] for r in rows] == ["L0", "L1", "L2", "L3"]
    updates = [int(r["updates"]) for r in rows]
    sessions = int(rows[0]["sessions"])
    assert updates == sorted(updates) and updates[0] >= 1 and updates[-1] == sessions
    assert all(float(r["kb_symbols"]) > 0 and float(r["akd_px"]) < float(r["frozen_akd_px"]) for r in rows)
