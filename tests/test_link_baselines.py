"""semsat-link's baseline modes end to end: the bundled GRID clip sent as SVC keypoints, H.264+LDPC or
H.265+LDPC (audio by codec2) over the link's own satellite channel (bulk Doppler, uplink and downlink
NTN-TDL-A with the slant-range delay, pre-compensation) between the same OFDM mapper and demapper, written
as an mp4 and scored by the same report as V2A/A2V.

Truth: the baselines' own tests on this clip (docs/baselines.md), measured through the coded OFDM link
over ONE NTN-TDL-A channel and without the mp4 round trip. At 20 dB nothing is lost, so each mode must beat
or match those numbers; the output's H.264 re-encode (CRF 18) may cost a little, hence MP4_AKD_PX and
MP4_PSNR_DB. The H.26x streams arrive bit-exact, so they must match. SVC's analog keypoints feel the
link's two fading hops (uplink and downlink NTN-TDL-A in series, docs/link.md) that the baselines' single
channel lacks: that bar is open (xfail with the numbers). H.264's cliff: at 0 dB it loses frames (its
stream is all-or-nothing from the first lost packet on; baselines measured 92-100% of the frames lost over
NTN-TDL-A at 0 dB).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gnuradio.semsat.testing_media import require_media

LINK = Path(sys.prefix) / "bin" / "semsat-link"
CLIP = Path(__file__).resolve().parents[1] / "examples" / "media" / "grid_bbaf2n.mpg"
TRANSCRIPT = "bin blue at f two now"
RUN_S = 600
V2A_SYMBOLS = 534  # V2A's symbols for this clip (docs/baselines.md), the budgets' unit
MP4_AKD_PX = 0.05  # what the output mp4's re-encode may add to AKD
MP4_PSNR_DB = 0.3  # ... and take from PSNR
# docs/baselines.md, grid_bbaf2n: (AKD px, PSNR dB) without loss; SVC at 20 dB over NTN-TDL-A (mean of 4
# realisations) with PSNR at 12 dB, below what 20 dB gives.
MEASURED = {"h264": (2.29, 23.43), "h265": (1.97, 24.91), "svc": (0.76, 27.89)}
FROZEN_AKD_PX = 3.86


def semsat_link(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(LINK), *args, "--quiet"], capture_output=True, text=True, timeout=RUN_S
    )


def baseline_run(out: Path, mode: str, snr: float, *extra: str) -> dict:
    report = out / f"{mode}-{snr:g}.json"
    done = semsat_link(
        str(CLIP), "--mode", mode, "--snr", str(snr), "--altitude", "600", "--channel", "A",
        "--elevation", "45", "--seed", "1", "--transcript", TRANSCRIPT,
        "-o", str(out / f"{mode}-{snr:g}.mp4"), "--report", str(report), *extra,
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    result = json.loads(report.read_text())
    print(f"{mode} {snr:g} dB: {done.stdout.strip()}; metrics {json.dumps(result['metrics'])}")
    return result


@pytest.fixture(scope="module", params=["h264", "h265", "svc"])
def at_20_db(request, tmp_path_factory) -> tuple[str, dict, Path]:
    mode = request.param
    if mode == "svc":
        require_media()  # SVC's keypoint codebook is fitted on the other GRID speakers
    out = tmp_path_factory.mktemp(mode)
    report = baseline_run(out, mode, 20.0, "--side-by-side", str(out / "side.png"), "--asr-grammar", "grid")
    return mode, report, out


def test_each_baseline_at_20_db_completes_within_its_budget_and_beats_frozen(at_20_db):
    mode, report, out = at_20_db
    m, symbols = report["metrics"], report["symbols"]["per_stream"]
    assert report["baseline"]["frames_lost_share"] == 0.0
    assert m["akd_px"]["frozen"] == pytest.approx(FROZEN_AKD_PX, abs=0.05)
    assert m["akd_px"]["output"] < m["akd_px"]["frozen"]
    assert 0.0 < m["csim"]["output"] <= 1.0
    if mode == "svc":
        assert symbols["keypoints"] <= V2A_SYMBOLS
    else:
        assert symbols["video"] <= 10 * V2A_SYMBOLS
    # codec2 1300 arrives whole at 20 dB; its WER with the GRID grammar was 0.00, the original's.
    assert report["baseline"]["audio_frames_lost_share"] == 0.0
    assert symbols["audio"] > 0 and m["wer"]["output"] <= m["wer"]["frozen"]
    assert report["channel"]["model"] == "NTN-TDL-A" and report["channel"]["altitude_km"] == 600
    assert (out / f"{mode}-20.mp4").stat().st_size > 0 and (out / "side.png").stat().st_size > 0
    assert report["runtime"]["link_ms_per_frame"] > 0


def test_each_baseline_at_20_db_matches_its_own_measurements(at_20_db):
    mode, report, _ = at_20_db
    m = report["metrics"]
    akd, psnr = MEASURED[mode]
    matches = m["akd_px"]["output"] <= akd + MP4_AKD_PX and m["psnr_db"]["output"] >= psnr - MP4_PSNR_DB
    if mode == "svc" and not matches:
        pytest.xfail(
            f"open: SVC over the link's two fading hops at 20 dB scores AKD {m['akd_px']['output']:.2f} px, "
            f"PSNR {m['psnr_db']['output']:.2f} dB against {akd} px / {psnr} dB over one NTN-TDL-A channel "
            "(measured: the two hops alone, no Doppler or delay, 1.24 px; one hop with the link's delay and "
            "Doppler 0.85-0.89 px)"
        )
    assert matches, f"AKD {m['akd_px']['output']:.2f} px, PSNR {m['psnr_db']['output']:.2f} dB"


def test_h264_at_0_db_falls_off_its_cliff(tmp_path):
    report = baseline_run(tmp_path, "h264", 0.0, "--no-wer")
    assert report["baseline"]["frames_lost_share"] >= 0.5
    assert report["baseline"]["audio_frames_lost_share"] > 0.0


@pytest.mark.parametrize("mode", ["h264", "svc"])
def test_bad_input_gets_one_line(tmp_path, mode):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"not a video at all")
    done = semsat_link(str(bad), "--mode", mode, "-o", str(tmp_path / "out.mp4"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("semsat-link: error:"), done.stderr
