"""The installed module works the way a GNU Radio user meets it: import, apps on PATH, GRC blocks, RPATH."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

VENV_BIN = Path(sys.prefix) / "bin"
GRC_BLOCKS = Path(sys.prefix) / "share" / "gnuradio" / "grc" / "blocks"
ROOT = Path(__file__).resolve().parents[1]


def clean_env() -> dict[str, str]:
    """The environment without library or Python search paths, as a fresh shell has it."""
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH")}
    return env


def test_blocks_import_without_library_path():
    # The RPATH set at install time must find libgnuradio-semsat without LD_LIBRARY_PATH or ldconfig.
    code = "from gnuradio import semsat; semsat.ntn_tdl_channel_cc(1e6); semsat.doppler_cc(1e6)"
    subprocess.run([sys.executable, "-c", code], env=clean_env(), check=True, cwd="/")


def test_python_blocks_keep_their_names_after_first_use():
    # GRC's generated code calls semsat.<block>(...) as often as the flowgraph has such blocks: the name must
    # give the block class every time, not the module the first lazy import bound to it.
    code = (
        "from gnuradio import semsat\n"
        "for name in ('digital_encoder', 'digital_decoder', 'pass_control_source', 'semantic_encoder'):\n"
        "    first, again = getattr(semsat, name), getattr(semsat, name)\n"
        "    assert isinstance(first, type) and first is again, (name, first, again)\n"
    )
    subprocess.run([sys.executable, "-c", code], env=clean_env(), check=True, cwd="/")


@pytest.mark.parametrize("app", ["semsat-pass", "semsat-bench"])
def test_apps_are_installed_and_answer_help(app):
    result = subprocess.run(
        [str(VENV_BIN / app), "--help"], env=clean_env(), capture_output=True, text=True, cwd="/"
    )
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout


def test_every_cpp_block_has_a_grc_definition():
    installed = {p.name for p in GRC_BLOCKS.glob("semsat_*.block.yml")}
    for header in (ROOT / "include" / "gnuradio" / "semsat").glob("*.h"):
        if header.stem == "api":
            continue
        assert f"semsat_{header.stem}.block.yml" in installed, f"no GRC block for {header.name}"


def test_bench_runs_on_a_tiny_case(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            str(VENV_BIN / "semsat-bench"),
            "channel",
            "--samples",
            "2e5",
            "--repeats",
            "1",
            "--samp-rates",
            "1e6",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    import json

    row = json.loads(out.read_text())["rows"][0]
    assert row["semsat_samples_per_s"] > 0 and row["gnuradio_samples_per_s"] > 0


def test_phy_bench_quick_run_writes_curves(tmp_path):
    """`semsat-bench phy --quick`: a few points of each curve, the CSV, both PNGs and the throughput ratio."""
    import csv
    import json

    out, summary = tmp_path / "phy", tmp_path / "phy.json"
    result = subprocess.run(
        [str(VENV_BIN / "semsat-bench"), "phy", "--quick", "--out", str(out), "--json", str(summary)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "ber.png").stat().st_size > 0 and (out / "fer.png").stat().st_size > 0
    rows = list(csv.DictReader((out / "phy_curves.csv").open()))
    curves = {(r["curve"], r["channel"]) for r in rows}
    assert ("gr-semsat LDPC QPSK", "NTN-TDL-A") in curves and ("gr-digital QPSK (CRC-32)", "AWGN") in curves
    assert ("theory QPSK", "AWGN") in curves
    data = json.loads(summary.read_text())
    assert data["throughput"]["samples_ratio"] > 0
    # Coded QPSK at Es/N0 3 dB in AWGN is 1 dB above the code's FER 1e-2 point: no frame may fail there.
    coded = [p for p in data["points"] if p["curve"] == "gr-semsat LDPC QPSK" and p["channel"] == "AWGN"]
    assert [p["errors"] for p in coded if p["esn0_db"] == 3.0] == [0]
