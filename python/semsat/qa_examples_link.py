"""The semantic link's GRC flowgraphs (examples/semsat_*.grc) with a real clip: the headless loopback
delivers the clip to a ZMQ subscriber as semsat-reconstruct would receive it, the transmitter, channel and
receiver flowgraphs run as three processes joined by ZMQ IQ streams and deliver byte for byte what the
single-process loopback delivers for the same seed, the Qt GUI variant runs offscreen, and the SDR variant
runs when SEMSAT_SDR_ARGS names a device. (qa_examples.py compiles every example.)"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pmt
import pytest
import zmq
from gnuradio.semsat.link.sender import load_features
from gnuradio.semsat.link.session import free_endpoint
from gnuradio.semsat.qa_examples import GRCC, compile_flowgraph
from gnuradio.semsat.receiver.messages import END_OF_CLIP, SemanticMessage, from_pdu
from gnuradio.semsat.semantic.features import ClipFeatures

# Examples live in the source tree (python/semsat/../../examples); an installed copy of this file has none.
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
CLIP = EXAMPLES_DIR / "media" / "grid_bbaf2n.mpg"
TRANSCRIPT = "bin blue at f two now"  # the GRID sentence of the clip
CLIP_ID = "grid_bbaf2n"
RUN_TIMEOUT_S = 180
SDR_ARGS = os.environ.get("SEMSAT_SDR_ARGS", "")

pytestmark = pytest.mark.skipif(
    GRCC is None or not CLIP.is_file(), reason="grcc or the example clip (source tree) is missing"
)


@pytest.fixture(scope="module")
def features_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ClipFeatures]:
    """The example clip's features as semsat-link extracts them (cached in ~/.cache/gr-semsat)."""
    features, _ = load_features(CLIP, TRANSCRIPT)
    path = tmp_path_factory.mktemp("features") / f"{CLIP_ID}.npz"
    features.save(path)
    return path, features


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("flowgraphs")
    names = ("semsat_loopback", "semsat_tx", "semsat_channel", "semsat_rx")
    return {name: compile_flowgraph(EXAMPLES_DIR / f"{name}.grc", out) for name in names}


def subscribe(endpoint: str) -> zmq.Socket:
    """A SUB socket on the wire endpoint, connected before the flowgraph binds it (ZMQ reconnects)."""
    socket = zmq.Context.instance().socket(zmq.SUB)
    socket.setsockopt(zmq.SUBSCRIBE, b"")
    socket.setsockopt(zmq.RCVTIMEO, RUN_TIMEOUT_S * 1000)
    socket.connect(endpoint)
    return socket


def receive_clip(socket: zmq.Socket) -> list[bytes]:
    """Wire messages up to and including the end-of-clip control message."""
    messages = []
    while True:
        raw = socket.recv()
        messages.append(raw)
        message = from_pdu(pmt.deserialize_str(raw))
        if message.stream == "control" and bytes(message.payload) == END_OF_CLIP:
            socket.close()
            return messages


def start(script: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(script), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=RUN_TIMEOUT_S)
    assert process.returncode == 0, f"{process.args[1]} failed:\n{output}"
    return output


def run_loopback(script: Path, features: Path, seed: int, *extra: str) -> list[bytes]:
    wire = free_endpoint()
    socket = subscribe(wire)
    args = ["--features-file", str(features), "--clip-id", CLIP_ID, "--seed", str(seed), *extra]
    finish(start(script, *args, "--wire-endpoint", wire))
    return receive_clip(socket)


def parsed(messages: list[bytes]) -> list[SemanticMessage]:
    return [from_pdu(pmt.deserialize_str(raw)) for raw in messages]


def test_loopback_delivers_the_clip(
    scripts: dict[str, Path], features_file: tuple[Path, ClipFeatures]
) -> None:
    """Uplink Es/N0 30 dB, downlink 20 dB over NTN-TDL-A: the text arrives exact, the face parameters of
    every frame arrive, far closer to the sent ones than the clip's own spread (the error of sending
    nothing and showing the mean face)."""
    path, features = features_file
    messages = parsed(run_loopback(scripts["semsat_loopback"], path, seed=1))
    streams = [m.stream for m in messages]
    assert streams[-1] == "control" and streams.count("control") == 1
    text = [m for m in messages if m.stream == "text"]
    assert len(text) == 1 and text[0].payload == features.text
    faces = sorted((m for m in messages if m.stream == "face_params"), key=lambda m: m.frame)
    received = np.concatenate([np.asarray(m.payload).reshape(m.n_frames, -1) for m in faces])
    assert len(received) == features.n_frames and faces[0].frame == 0
    sent = features.face_params
    rms_error = np.sqrt(np.mean((received - sent) ** 2, axis=0))
    spread = np.std(sent, axis=0)
    assert np.median(rms_error / spread) < 0.5, f"face error per parameter / spread: {rms_error / spread}"


def test_loopback_below_detection_still_closes_the_clip(
    scripts: dict[str, Path], features_file: tuple[Path, ClipFeatures]
) -> None:
    """At Es/N0 -15 dB the demapper detects nothing: the flowgraph still ends and the receiver is told the
    clip is over (empty text, no face windows: it conceals instead of waiting forever)."""
    path, _ = features_file
    low = ["--esn0-up-db", "0", "--esn0-down-db", "-15"]
    messages = parsed(run_loopback(scripts["semsat_loopback"], path, 1, *low))
    assert [m.stream for m in messages] == ["text", "control"]
    assert messages[0].payload == ""


def test_split_processes_match_the_loopback(
    scripts: dict[str, Path], features_file: tuple[Path, ClipFeatures]
) -> None:
    """tx, channel and rx as three processes joined by ZMQ PUSH/PULL IQ streams deliver the same wire
    messages, byte for byte, as the single-process loopback with the same seed."""
    path, features = features_file
    seed = 3
    expected = run_loopback(scripts["semsat_loopback"], path, seed)
    tx_iq, rx_iq, wire = free_endpoint(), free_endpoint(), free_endpoint()
    socket = subscribe(wire)
    context = ["--clip-id", CLIP_ID, "--clip-frames", str(features.n_frames), "--speaker", features.speaker]
    rx = start(scripts["semsat_rx"], "--rx-endpoint", rx_iq, "--wire-endpoint", wire, *context)
    channel = start(
        scripts["semsat_channel"], "--tx-endpoint", tx_iq, "--rx-endpoint", rx_iq, "--seed", str(seed)
    )
    tx = start(
        scripts["semsat_tx"], "--features-file", str(path), "--clip-id", CLIP_ID, "--tx-endpoint", tx_iq
    )
    for process in (tx, channel):
        finish(process)
    report = finish(rx)
    received = receive_clip(socket)
    assert "'decoded': 3, 'concealed': 0" in report.split("face {")[1], report  # the clip's three windows
    assert received == expected


def test_gui_loopback_runs_offscreen(features_file: tuple[Path, ClipFeatures], tmp_path: Path) -> None:
    """The Qt variant (constellation, spectrum, sliders) builds its window offscreen and delivers the clip
    as the headless loopback does; it then stays open until closed."""
    path, features = features_file
    script = compile_flowgraph(EXAMPLES_DIR / "semsat_loopback_gui.grc", tmp_path)
    wire = free_endpoint()
    socket = subscribe(wire)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    args = ["--features-file", str(path), "--clip-id", CLIP_ID, "--wire-endpoint", wire]
    process = subprocess.Popen(
        [sys.executable, str(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        messages = parsed(receive_clip(socket))
        assert process.poll() is None, "the GUI flowgraph exited instead of keeping its window open"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=RUN_TIMEOUT_S)
    assert "Traceback" not in output, output
    assert [m.payload for m in messages if m.stream == "text"] == [features.text]
    assert sum(m.n_frames for m in messages if m.stream == "face_params") == features.n_frames


@pytest.mark.skipif(not SDR_ARGS, reason="no SDR configured: set SEMSAT_SDR_ARGS=driver=NAME[,ARG=VALUE...]")
def test_sdr_loopback(features_file: tuple[Path, ClipFeatures], tmp_path: Path) -> None:
    """Over a real radio (TX cabled to RX through an attenuator, or antennas): the clip's text arrives."""
    path, features = features_file
    settings = dict(item.split("=", 1) for item in SDR_ARGS.split(",") if "=" in item)
    driver = settings.pop("driver", "")
    assert driver, f"SEMSAT_SDR_ARGS must name a driver (driver=NAME), got {SDR_ARGS!r}"
    script = compile_flowgraph(EXAMPLES_DIR / "semsat_sdr_loopback.grc", tmp_path)
    wire = free_endpoint()
    socket = subscribe(wire)
    sdr = ["--sdr-driver", driver, "--sdr-args", ",".join(f"{k}={v}" for k, v in settings.items())]
    finish(start(script, "--features-file", str(path), "--clip-id", CLIP_ID, "--wire-endpoint", wire, *sdr))
    messages = parsed(receive_clip(socket))
    assert [m.payload for m in messages if m.stream == "text"] == [features.text]
