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
