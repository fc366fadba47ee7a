"""One semsat-link run: the sender's preparation, the clip's flowgraph, the separate reconstruction process
(a real `semsat-reconstruct` subprocess subscribed to the flowgraph's zeromq.pub_msg_sink), the metrics and
the JSON report.

The two knowledge bases live in ``kb_dir`` (sender.sqlite, receiver.sqlite): a fresh directory means first
contact (an update is sent); a kept one lets the L0-L3 policy reuse what the receiver already holds.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..semantic.codec.streams import MODE_STREAMS
from ..semantic.kb import KnowledgeBase, update_symbols
from .flowgraph import ChannelConfig, LinkRun, run_clip
from .report import Scoring, channel_section, clip_header, score_output
from .semantics_to_wire import ClipContext
from .sender import SenderClip, kb_decision, transmission

RECONSTRUCT_TIMEOUT_S = 600.0
CLIP_QUIET_S = 0.5  # the clip arrives as one burst (semantics_to_wire): closed after this much quiet


@dataclass(frozen=True)
class LinkRequest:
    mode: str  # "v2a" or "a2v"
    channel: ChannelConfig
    kb_dir: Path
    kb_level: int = 2
    wer: bool = True
    asr_grammar: str | None = None  # "grid": WER with the ASR constrained to GRID sentences
    metrics: bool = True  # False: no evaluation (the report's metrics are empty)


def free_endpoint() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


def reconstruct_command() -> list[str]:
    """semsat-reconstruct beside this interpreter's scripts (the venv's bin), or on PATH."""
    beside = Path(sys.prefix) / "bin" / "semsat-reconstruct"
    found = str(beside) if beside.is_file() else shutil.which("semsat-reconstruct")
    if found is None:
        raise FileNotFoundError("semsat-reconstruct is not installed (run `make setup`)")
    return [sys.executable, found]


def run_link(
    sender: SenderClip, request: LinkRequest, output: Path, stage: Callable[[str], None] = lambda _: None
) -> tuple[dict, np.ndarray]:
    """Sends the clip, writes ``output`` (mp4) and returns the report and the reconstruction's frames."""
    features = sender.features
    clip_id = output.stem[:64] or "clip"
    request.kb_dir.mkdir(parents=True, exist_ok=True)
    receiver_kb = request.kb_dir / "receiver.sqlite"
    KnowledgeBase(receiver_kb).close()  # semsat-reconstruct opens an existing KB only

    stage("KB decision")
    with KnowledgeBase(request.kb_dir / "sender.sqlite") as kb:
        decision, update = kb_decision(sender, kb, request.kb_level)
        update_id = (update.version if update is not None else 0) % 65536
        held = kb.get(features.speaker)  # the record both ends share once any update is delivered
    tx = transmission(features, request.mode, clip_id, update, update_id, held)

    mode = request.mode.upper()
    streams = MODE_STREAMS[request.mode]
    context = ClipContext(
        clip_id, mode, float(features.fps), features.n_frames, features.speaker, time.time_ns()
    )
    endpoint = free_endpoint()
    with (
        tempfile.TemporaryDirectory(prefix=".semsat-reconstruct-", dir=output.parent) as work,
        tempfile.TemporaryFile("w+") as log,
    ):
        process = subprocess.Popen(
            [
                *reconstruct_command(),
                "--connect",
                endpoint,
                "--output-dir",
                work,
                "--kb",
                str(receiver_kb),
                "--max-clips",
                "1",
                "--timeout",
                str(RECONSTRUCT_TIMEOUT_S),
                "--clip-timeout",
                str(CLIP_QUIET_S),
            ],  # fmt: skip
            stdout=subprocess.PIPE,
            stderr=log,  # a file: warnings can never fill a pipe nobody reads during the run
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            assert process.stdout is not None
            process.stdout.readline()  # "listening on ...": subscribed before the flowgraph binds
            stage("link (GNU Radio flowgraph)")
            run = run_clip(request.channel, streams, context, tx, endpoint, str(receiver_kb))
            stage("reconstruction (semsat-reconstruct)")
            start = time.perf_counter()
            stdout, _ = process.communicate(timeout=RECONSTRUCT_TIMEOUT_S)
            reconstruct_s = time.perf_counter() - start
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        written = sorted(Path(work).glob("*.mp4"))
        if process.returncode != 0 or not written:
            log.seek(0)
            last = ([line for line in log.read().splitlines() if line.strip()] or ["no message"])[-1]
            raise RuntimeError(f"semsat-reconstruct wrote no clip (exit {process.returncode}): {last}")
        shutil.move(str(written[0]), output)

    stage("metrics")
    scored = score_output(sender, output, Scoring(request.metrics, request.wer, request.asr_grammar))
    report = build_report(sender, request, output, decision, update, run, scored.metrics, reconstruct_s)
    report["runtime"]["evaluation_s"] = scored.seconds
    report["receiver"]["reconstruct_log"] = stdout.strip().splitlines()[-4:]
    return report, scored.received.frames


def build_report(sender, request, output, decision, update, run: LinkRun, metrics, reconstruct_s) -> dict:
    features = sender.features
    frames = features.n_frames
    seconds = frames / features.fps
    kb_symbols = run.symbols.get("kb_update", 0)
    semantic = {k: v for k, v in run.symbols.items() if k != "kb_update"}
    estimate = update_symbols(update).symbols if update is not None else 0
    return {
        **clip_header(sender, request.mode, output),
        "text_received": run.text_received,
        "channel": channel_section(request.channel),
        "symbols": {
            "per_stream": run.symbols,
            "pdus_per_stream": run.pdus,
            "semantic_total": sum(semantic.values()),
            "kb_update": kb_symbols,
            "total": sum(run.symbols.values()),
            "semantic_per_second": sum(semantic.values()) / seconds,
        },
        "kb": {
            "level": f"L{request.kb_level}",
            "update": decision.update,
            "reasons": decision.reasons,
            "checks": decision.checks,
            "packets": run.pdus.get("kb_update", 0),
            "delivered": run.kb_update_delivered,
            "update_cost_estimate_symbols": estimate,
            "errors": run.kb_errors,
        },
        "digital_path": {"retransmitted_packets": run.retransmitted_packets},
        "metrics": metrics,
        "runtime": {
            "extraction_s": sender.extraction_seconds,
            "link_s": run.seconds,
            "reconstruction_s": reconstruct_s,
            "link_ms_per_frame": 1e3 * run.seconds / frames,
            "reconstruction_ms_per_frame": 1e3 * reconstruct_s / frames,
            "link_realtime_factor": seconds / run.seconds,
            "end_to_end_realtime_factor": seconds / (run.seconds + reconstruct_s),
        },
        "receiver": {
            "demapper": run.demapper,
            "semantic_decoders": run.decoders,
            "digital_decoder": run.digital,
            "wire_messages": run.wire,
            "repairs": run.repairs,
        },
    }
