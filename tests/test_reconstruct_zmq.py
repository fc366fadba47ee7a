"""semsat-reconstruct as a separate process fed over ZMQ: 1,000 messages with corrupted, duplicated and
reordered ones and a publisher restart give every clip all its frames and exact counters; a GNU Radio
flowgraph's zeromq.pub_msg_sink feeds it too; it exits cleanly on SIGTERM and on bad arguments."""

import dataclasses
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pmt
import pytest
from gnuradio import blocks, gr, zeromq
from gnuradio.semsat.media.clip import read_clip
from gnuradio.semsat.receiver.clip_messages import clip_messages
from gnuradio.semsat.receiver.publisher import Faults, Publisher
from gnuradio.semsat.receiver.testing_clips import grid_features, synthetic_features

RECONSTRUCT = Path(sys.prefix) / "bin" / "semsat-reconstruct"
START_S = 60.0  # the process imports GNU Radio, PyAV and OpenCV before it subscribes
RUN_S = 180.0


def start(endpoint: str, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(RECONSTRUCT), "--connect", endpoint, "--output-dir", str(out), "--timeout", str(RUN_S), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> str:
    try:
        stdout, stderr = process.communicate(timeout=RUN_S)
    finally:
        process.kill()  # no-op once it has exited
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    return stdout


def totals(stdout: str) -> dict[str, int]:
    last = [line for line in stdout.splitlines() if "clips written; totals:" in line][-1]
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", last)}


def expected_gaps(messages, corrupted: list[int]) -> int:
    """Runs of lost face frames (one frame per message) plus lost text and end-of-clip messages."""
    lost = [messages[i] for i in corrupted]
    gaps = sum(m.stream != "face_params" for m in lost)
    frames = sorted((m.clip, m.frame) for m in lost if m.stream == "face_params")
    return gaps + sum(1 for k, f in enumerate(frames) if k == 0 or frames[k - 1] != (f[0], f[1] - 1))


def test_thousand_faulty_messages_through_a_restart(tmp_path, request):
    # Without the meshes the sender measures no eyelid openings: face, text and end of clip only, so that
    # 13 clips make the 1,000 messages (the optional eyelids stream has its own tests in qa_assembler).
    features = dataclasses.replace(grid_features(request.config.cache.mkdir("semsat-receiver")), mesh468=None)
    clips = [f"grid-{k:02d}" for k in range(13)]
    messages = [m for c in clips for m in clip_messages(features, c, chunk_frames=1)]
    assert len(messages) == 13 * 77 == 1001
    # A last clip sent without faults: once it is out, every earlier message has been read.
    sentinel = clip_messages(features, "sentinel", chunk_frames=1)
    faults = Faults(corrupt=0.05, duplicate=0.05, reorder=0.05, restart_at=500, seed=4)
    with Publisher() as publisher:
        process = start(publisher.endpoint, tmp_path, "--max-clips", "14", "--clip-timeout", "2")
        try:
            publisher.wait_for_subscriber(START_S)
            report = publisher.publish(messages, faults, timeout_s=START_S)
            publisher.publish(sentinel)
        finally:
            stdout = finish(process)
    lost_frames = [messages[i] for i in report.corrupted if messages[i].stream == "face_params"]
    assert len(report.corrupted) >= 30 and len(report.duplicated) >= 30 and len(report.reordered) >= 30
    for clip in [*clips, "sentinel"]:
        assert read_clip(tmp_path / f"{clip}.mp4").n_frames == features.n_frames, clip
    counted = totals(stdout)
    assert counted == {
        "received": report.frames_sent + len(sentinel),
        "rejected": len(report.corrupted),
        "duplicates": len(report.duplicated),
        "reordered": len(report.reordered),
        "late": 0,
        "gaps": expected_gaps(messages, report.corrupted),
        "concealed_frames": len(lost_frames),
        "restarts": 1,
        "clips": 14,
    }, stdout
    print(f"publisher: {report}\nreceiver: {counted}")


def test_gnuradio_flowgraph_feeds_the_process(tmp_path):
    features = synthetic_features(40)
    messages = clip_messages(features, "from-gnuradio", chunk_frames=8)
    tb = gr.top_block()
    sink = zeromq.pub_msg_sink("tcp://127.0.0.1:*", 100, True)
    probe = blocks.message_strobe(messages[0].to_pdu(), 100)  # repeats until the process has joined
    tb.msg_connect(probe, "strobe", sink, "in")
    process = start(sink.last_endpoint(), tmp_path, "--max-clips", "1")
    tb.start()
    try:
        _wait_for(process, "listening")
        time.sleep(0.5)  # for its subscription to reach the sink; the strobe covers any shortfall
        for message in messages:
            sink.to_basic_block()._post(pmt.intern("in"), message.to_pdu())
        stdout = finish(process)
    finally:
        tb.stop()
        tb.wait()
    assert read_clip(tmp_path / "from-gnuradio.mp4").n_frames == 40
    counted = totals(stdout)
    assert counted["rejected"] == 0 and counted["concealed_frames"] == 0 and counted["clips"] == 1


def test_sigterm_stops_it_cleanly(tmp_path):
    process = start("tcp://127.0.0.1:9", tmp_path)  # nothing publishes there
    _wait_for(process, "listening")
    process.send_signal(signal.SIGTERM)
    assert "0 clips written" in finish(process)


@pytest.mark.parametrize(
    "args,error",
    [
        (["--connect", "nowhere"], "cannot connect to 'nowhere'"),
        (
            ["--connect", "tcp://127.0.0.1:9", "--kb", "/nonexistent/kb.sqlite"],
            "/nonexistent/kb.sqlite: no such knowledge base",
        ),
    ],
)
def test_bad_arguments_give_one_clear_error(tmp_path, args, error):
    result = subprocess.run(
        [str(RECONSTRUCT), *args, "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=START_S,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"semsat-reconstruct: error: {error}"), result.stderr


def _wait_for(process: subprocess.Popen, word: str) -> None:
    line = process.stdout.readline()  # its first line, printed once subscribed
    assert word in line, line + process.stderr.read()
