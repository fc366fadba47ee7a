"""V2A and A2V for the benchmark: the clip's real flowgraph (link.flowgraph.run_clip: semantic encoders,
OFDM, bulk Doppler, uplink and downlink NTN-TDL, pre-compensation, OFDM receiver, decoders, ZMQ) and
semsat-reconstruct's receiver (Subscriber, Assembler, SemanticReconstructor) in this process instead of a
subprocess per run, which would cost a few seconds of start-up each; the frames are scored as rendered,
without the mp4 round trip. The speaker is known at both ends (the KB update's cost is table (c)'s)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..link.flowgraph import ChannelConfig, run_clip
from ..link.semantics_to_wire import ClipContext
from ..link.sender import SenderClip, identity_update, transmission
from ..link.session import free_endpoint
from ..receiver.assembler import Assembler
from ..receiver.messages import parse
from ..receiver.reconstruct import FrozenReconstructor
from ..receiver.semantic_reconstructors import SemanticReconstructor
from ..receiver.subscriber import Subscriber
from ..semantic.codec.streams import MODE_STREAMS
from ..semantic.kb import KnowledgeBase

ARRIVAL_TIMEOUT_S = 30.0
CLIP_QUIET_S = 0.5


@dataclass
class SemanticRun:
    frames: npt.NDArray[np.uint8]
    symbols: dict[str, int]  # per stream, as the flowgraph counted them
    link_s: float  # the simulated PHY and channel (the flowgraph run)
    receiver_s: float  # reconstruction from the decoded semantics


class SemanticLink:
    """One clip's speaker known at both ends (the same KB record), and the receiver's reconstructor."""

    def __init__(self, sender: SenderClip, work: Path) -> None:
        self.sender = sender
        self.kb_path = work / "receiver.sqlite"
        self.record = identity_update(sender)
        with KnowledgeBase(self.kb_path) as kb:
            kb.put(self.record)
        self.reconstruct = SemanticReconstructor(FrozenReconstructor())

    def run(self, mode: str, channel: ChannelConfig) -> SemanticRun:
        features = self.sender.features
        clip_id = f"{Path(self.sender.clip.source).stem[:40]}-{mode}-{channel.snr_db:g}"
        tx = transmission(features, mode, clip_id, None, 0, self.record)
        context = ClipContext(
            clip_id, mode.upper(), float(features.fps), features.n_frames, features.speaker, time.time_ns()
        )
        endpoint = free_endpoint()
        with Subscriber(endpoint) as subscriber:
            run = run_clip(channel, MODE_STREAMS[mode], context, tx, endpoint, str(self.kb_path))
            start = time.perf_counter()
            clip = receive_clip(subscriber)
            with KnowledgeBase(self.kb_path) as kb:
                frames = self.reconstruct(clip, kb).frames
            receiver_s = time.perf_counter() - start
        return SemanticRun(frames, run.symbols, run.seconds, receiver_s)


def receive_clip(subscriber: Subscriber):
    """The clip the flowgraph published (one burst, end-of-clip last), assembled as semsat-reconstruct
    assembles it."""
    assembler = Assembler(timeout_s=CLIP_QUIET_S)
    deadline = time.monotonic() + ARRIVAL_TIMEOUT_S
    while time.monotonic() < deadline:
        raw = subscriber.receive(0.05)
        item = parse(raw) if raw is not None else None
        now = time.monotonic()
        done = assembler.feed(item, now) if item is not None else assembler.poll(now)
        if done:
            return done[0]
    done = assembler.flush()
    if not done:
        raise RuntimeError("no clip arrived from the flowgraph")
    return done[0]


def semantic_link(sender: SenderClip) -> tuple[SemanticLink, tempfile.TemporaryDirectory]:
    """A SemanticLink over a fresh KB directory (the caller cleans it up)."""
    work = tempfile.TemporaryDirectory(prefix="semsat-bench-kb-")
    return SemanticLink(sender, Path(work.name)), work
