"""GRC: every examples/*.grc compiles with grcc and the headless ones run and give results; the semsat block
definitions compile and run in a throwaway flowgraph."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from gnuradio.semsat import ofdm_coded_link, orbit, trajectory

# Examples live in the source tree (python/semsat/../../examples); an installed copy of this file has none.
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
BLOCKS_DIR = Path(sys.prefix) / "share" / "gnuradio" / "grc" / "blocks"
GRCC = shutil.which("grcc")
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.grc")) if EXAMPLES_DIR.is_dir() else []
# Command-line arguments that make each headless example short (it runs in a temporary folder, so relative
# output paths land there); a new headless example must be added here so that the tests never run a long
# flowgraph by accident.
SHORT_RUN_ARGS = {
    "ntn_pass_demo": ["--time-scale", "50", "--output-png", "pass.png"],
    "ofdm_loopback": ["--n-packets", "40", "--output-file", "decoded.bin"],
}
RUN_TIMEOUT_S = 120
# The semantic link's flowgraphs need a clip's features and, for the split processes, each other:
# qa_examples_link.py runs them.
RUN_IN_QA_EXAMPLES_LINK = {
    "semsat_loopback",
    "semsat_tx",
    "semsat_channel",
    "semsat_rx",
    "semsat_sdr_loopback",
}

pytestmark = pytest.mark.skipif(GRCC is None, reason="grcc (GNU Radio Companion compiler) is not installed")
needs_examples = pytest.mark.skipif(
    not EXAMPLES, reason=f"no example flowgraphs at {EXAMPLES_DIR} (installed copy?)"
)


def compile_flowgraph(grc: Path, out_dir: Path) -> Path:
    """Compile `grc`; grcc runs under this interpreter so that the flowgraph's imports resolve."""
    env = {**os.environ, "GRC_BLOCKS_PATH": str(BLOCKS_DIR)}
    result = subprocess.run(
        [sys.executable, str(GRCC), "-o", str(out_dir), str(grc)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, f"grcc failed on {grc.name}:\n{result.stdout}\n{result.stderr}"
    script = out_dir / f"{flowgraph_options(grc)['id']}.py"
    assert script.is_file(), f"grcc did not write {script.name}:\n{result.stdout}"
    return script


def flowgraph_options(grc: Path) -> dict:
    return yaml.safe_load(grc.read_text())["options"]["parameters"]


def is_headless(grc: Path) -> bool:
    options = flowgraph_options(grc)
    return options["generate_options"] == "no_gui" and options["run_options"] == "run"


def run_script(script: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, str(script), *args], cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout}\n{result.stderr}"
    return result


@needs_examples
@pytest.mark.parametrize("grc", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_example_compiles(grc: Path, tmp_path: Path) -> None:
    compile_flowgraph(grc, tmp_path)


def check_ntn_pass_demo(run_dir: Path, output: str) -> None:
    """The recorded Doppler spans the pass's edges (orbit model, 10 deg) and the received band follows it."""
    png = run_dir / "pass.png"
    assert png.is_file() and png.stat().st_size > 0
    assert "pass.png" in output, "the plot sink must say where it wrote the PNG"
    series = np.load(png.with_suffix(".npz"))
    doppler = series["doppler_hz"]
    edge_doppler = orbit.doppler_at_elevation(600e3, 10.0, 2e9)
    assert doppler[0] == pytest.approx(edge_doppler, rel=0.01)
    assert doppler[-1] == pytest.approx(-edge_doppler, rel=0.01)
    assert np.all(np.diff(doppler) <= 0.0), "an overhead pass's Doppler falls monotonically"
    # The link-budget SNR peaks at zenith, in the middle of the pass.
    snr = series["snr_db"]
    assert np.all(np.isfinite(snr)) and np.argmax(snr) == pytest.approx(len(snr) / 2, rel=0.05)

    # The received signal's band (~22 kHz wide) must sit on the true Doppler all along the pass: slide a
    # 20 kHz window over each spectrum and take the position that holds the most power.
    psd = 10.0 ** (series["psd_db"] / 10.0)
    frequency_hz = series["frequency_hz"]
    window = np.ones(round(20e3 / (frequency_hz[1] - frequency_hz[0])))
    band_power = np.array([np.convolve(row, window, mode="same") for row in psd])
    band_centre_hz = frequency_hz[np.argmax(band_power, axis=1)]
    expected_hz = np.interp(series["spectrum_time_s"], series["state_time_s"], doppler)
    assert len(band_centre_hz) > 100
    assert np.max(np.abs(band_centre_hz - expected_hz)) < 2e3


def check_ofdm_loopback(run_dir: Path, output: str) -> None:
    """Mapper -> uplink -> downlink -> demapper -> decoder: the payloads come out exact, in order, counted.

    Es/N0 20 dB on each link (NTN-TDL-A up, NTN-TDL-C down, residual Doppler 20 and -5 kHz): nearly every
    packet should arrive; whatever does not must show up in the counts, never as wrong bytes.
    """
    sent = ofdm_coded_link.example_payloads(40, 100, 0)
    data = (run_dir / "decoded.bin").read_bytes()
    assert len(data) % 100 == 0
    chunks = [data[i : i + 100] for i in range(0, len(data), 100)]
    positions = [sent.index(chunk) if chunk in sent else -1 for chunk in chunks]
    assert -1 not in positions, "a decoded payload was never sent"
    assert positions == sorted(set(positions)), "payloads out of order or repeated"
    assert len(chunks) >= 36, f"only {len(chunks)} of 40 packets decoded"
    match = re.search(r"demapper detected (\d+) decoded (\d+) dropped (\d+); decoder (\{.*?\})", output)
    assert match, f"no report line in the output:\n{output}"
    detected, decoded, dropped = (int(v) for v in match.groups()[:3])
    decoder = yaml.safe_load(match.group(4).replace("'", '"'))
    assert detected == decoded + dropped
    assert decoder["frames"] == decoded and decoder["decoded"] == len(chunks)


RESULT_CHECKS = {"ntn_pass_demo": check_ntn_pass_demo, "ofdm_loopback": check_ofdm_loopback}


@needs_examples
@pytest.mark.parametrize(
    "grc",
    [path for path in EXAMPLES if is_headless(path) and path.stem not in RUN_IN_QA_EXAMPLES_LINK],
    ids=lambda path: path.stem,
)
def test_headless_example_runs(grc: Path, tmp_path: Path) -> None:
    assert grc.stem in SHORT_RUN_ARGS, f"add short-run arguments for {grc.name} to SHORT_RUN_ARGS"
    result = run_script(compile_flowgraph(grc, tmp_path), SHORT_RUN_ARGS[grc.stem], cwd=tmp_path)
    if grc.stem in RESULT_CHECKS:
        RESULT_CHECKS[grc.stem](tmp_path, result.stdout + result.stderr)


def block(name: str, block_id: str, **parameters: str) -> dict:
    return {"name": name, "id": block_id, "parameters": parameters, "states": {"state": "enabled"}}


def test_semsat_blocks_compile_and_run(tmp_path: Path) -> None:
    """Every semsat block from its GRC definition, with a trajectory file, custom taps and vectors."""
    track_path = tmp_path / "pass.csv"
    track = trajectory.Trajectory.from_pass(orbit.circular_pass(600e3, 2e9, 60.0, 20.0, 2.0))
    track.write(track_path)
    png = tmp_path / "blocks.png"
    flowgraph = {
        "options": {
            "parameters": {"id": "semsat_blocks", "generate_options": "no_gui", "run_options": "run"},
            "states": {"state": "enabled"},
        },
        "blocks": [
            block("samp_rate", "variable", value="100e3"),
            block("source", "analog_const_source_x", type="complex", const="1.0"),
            block("head", "blocks_head", type="complex", num_items="int(samp_rate)"),
            block(
                "from_file",
                "semsat_doppler_cc",
                samp_rate="samp_rate",
                trajectory_file=repr(str(track_path)),
                time_offset_s="0.1",
            ),
            block(
                "from_vectors",
                "semsat_doppler_cc",
                samp_rate="samp_rate",
                times="[0.0, 0.5]",
                freqs="[0.0, 1e3]",
                compensate="True",
            ),
            block(
                "control",
                "semsat_pass_control_source",
                samp_rate="samp_rate",
                trajectory_file=repr(str(track_path)),
                time_scale="500.0",
            ),
            block(
                "channel",
                "semsat_ntn_tdl_channel_cc",
                samp_rate="samp_rate",
                model="custom",
                custom_delays="[0.0, 20e-6]",
                custom_powers_db="[0.0, -3.0]",
                custom_k_db="10.0",
                state_tag_interval="1000",
            ),
            block(
                "plot",
                "semsat_channel_state_plot_sink",
                samp_rate="samp_rate",
                output_png=repr(str(png)),
                spectrum_interval_s="0.05",
                fft_size="256",
            ),
        ],
        "connections": [
            ["source", "0", "head", "0"],
            ["head", "0", "from_file", "0"],
            ["from_file", "0", "from_vectors", "0"],
            ["from_vectors", "0", "channel", "0"],
            ["control", "ctrl", "channel", "ctrl"],
            ["channel", "0", "plot", "0"],
        ],
        "metadata": {"file_format": 1},
    }
    grc = tmp_path / "semsat_blocks.grc"
    grc.write_text(yaml.safe_dump(flowgraph))
    run_script(compile_flowgraph(grc, tmp_path), [], cwd=tmp_path)

    series = np.load(png.with_suffix(".npz"))
    # The control source plays the file's pass 500 times faster than real time: tag k (every 1000 samples,
    # 10 ms) sits at pass time 5 k seconds.
    pass_time = series["state_time_s"] * 500.0 + track.time_s[0]
    inside = pass_time <= track.time_s[-1]
    # Between points the channel follows each point's Doppler rate, which departs from the straight line
    # between points by a few Hz.
    np.testing.assert_allclose(series["doppler_hz"][inside], track.doppler_at(pass_time[inside]), atol=10.0)
    assert np.count_nonzero(inside) > 100
