"""The end-to-end V2A link against real time at 25 fps (40 ms a frame) on the machine's cores.

Three stages run one after the other in semsat-link, and side by side in a streaming deployment (sender,
flowgraph and receiver are separate processes): the sender's extraction (mediapipe face mesh, dlib, ASR),
the GNU Radio flowgraph (semantic encoders, OFDM, uplink and downlink NTN-TDL-A at 12 dB, 600 km, Doppler and
its pre-compensation, demapper, decoders, ZMQ), and the receiver's reconstruction (rendering and speech).
Each is timed warm on every GRID clip: the extraction and reconstruction as their own benchmarks time them
(models loaded once), the flowgraph as semsat-link runs it for a speaker both ends know. Real time needs the
sum of the three per frame under 40 ms when they share a core in turn; a pipeline of the three processes
needs only the slowest one under it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from .bench_extract import time_extraction
from .bench_reconstruct import time_reconstruction
from .link.flowgraph import ChannelConfig
from .link.geometry import at_elevation
from .link.sender import identity_update, prepare
from .link.session import LinkRequest, run_link
from .media.manifest import read_manifest
from .semantic.kb import KnowledgeBase

REAL_TIME_MS_PER_FRAME = 40.0  # 25 fps
SNR_DB = 12.0


@dataclass(frozen=True)
class LinkTiming:
    clip: str
    frames: int
    extraction_ms: float  # per frame
    link_ms: float
    reconstruction_ms: float

    @property
    def sequential_ms(self) -> float:
        return self.extraction_ms + self.link_ms + self.reconstruction_ms

    @property
    def pipelined_ms(self) -> float:
        return max(self.extraction_ms, self.link_ms, self.reconstruction_ms)


def flowgraph_ms_per_frame(path: Path, transcript: str, work: Path) -> float:
    """semsat-link's flowgraph time per frame for V2A at 12 dB, the speaker known at both ends."""
    sender = prepare(path, transcript)
    kb_dir = work / path.stem
    kb_dir.mkdir()
    record = identity_update(sender)
    for side in ("sender", "receiver"):
        with KnowledgeBase(kb_dir / f"{side}.sqlite") as kb:
            kb.put(record)
    channel = ChannelConfig("A", SNR_DB, 1, at_elevation(600e3, 45.0))
    report, _ = run_link(
        sender, LinkRequest("v2a", channel, kb_dir, metrics=False), work / f"{path.stem}.mp4"
    )
    return float(report["runtime"]["link_ms_per_frame"])


def time_link(media: Path, progress=print) -> list[LinkTiming]:
    grid = [e for e in read_manifest(media) if e.kind == "talking_head_av" and e.transcript is not None]
    if not grid:
        raise ValueError(f"no clips with a transcript in {media}/MANIFEST.tsv")
    progress("reconstruction (receiver, warm) on every clip ...")
    reconstruction = {t.clip: t for t in time_reconstruction(media) if t.mode == "V2A"}
    time_extraction(media / grid[0].file)  # warm-up: model loading is not per-frame cost
    timings = []
    with tempfile.TemporaryDirectory(prefix="semsat-bench-link-") as tmp:
        for entry in grid:
            path = media / entry.file
            progress(f"{path.stem}: extraction, link ...")
            extraction = time_extraction(path)
            link_ms = flowgraph_ms_per_frame(path, entry.transcript, Path(tmp))
            receiver = reconstruction[path.stem]  # the extraction names a clip's speaker after its file
            timings.append(
                LinkTiming(
                    path.stem,
                    extraction.frames,
                    1e3 * extraction.seconds / extraction.frames,
                    link_ms,
                    1e3 * receiver.seconds_per_frame,
                )
            )
    return timings
