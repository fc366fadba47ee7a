"""The issue's bars over the link: at 12 dB over NTN-TDL-A at 600 km (45 deg elevation, Doppler
pre-compensated), on the development GRID clips, V2A AKD at most 1.3x its clean-feature AKD and A2V AKD at
most half the frozen baseline's; on the in-the-wild clips (VoxCeleb2, with retalking_face1 counted among
them as in `semsat-bench paper`), V2A AKD at most 3.5 px.

Each clip runs in-process through semsat.link.session (the same flowgraph and semsat-reconstruct subprocess
as the app) with its speaker already known at both ends (the KB update's own crossing is tested in
test_link.py). Clean-feature AKD: the receiver's renderer on the extracted face parameters with the same KB
record, through the same mp4 encoding. AKD is measured on the 256x256 crops the semantics were extracted
from (semsat.effect.akd); the frozen baseline holds the first crop.
"""

import tempfile
from functools import cache
from pathlib import Path

import numpy as np
from gnuradio.semsat.effect.akd import akd, frame_landmarks
from gnuradio.semsat.link.flowgraph import ChannelConfig
from gnuradio.semsat.link.geometry import at_elevation
from gnuradio.semsat.link.sender import identity_update, prepare
from gnuradio.semsat.link.session import LinkRequest, run_link
from gnuradio.semsat.media.clip import read_clip
from gnuradio.semsat.media.manifest import read_manifest
from gnuradio.semsat.media.writer import write_clip
from gnuradio.semsat.receiver.semantic_reconstructors import SpeakerModels
from gnuradio.semsat.semantic.kb import KnowledgeBase
from gnuradio.semsat.testing_media import require_media

SNR_DB = 12.0
V2A_BAR = 1.3  # x clean-feature AKD
A2V_BAR = 0.5  # x frozen AKD
WILD_V2A_BAR_PX = 3.5


def talking_heads(grid: bool) -> list[tuple[Path, str | None]]:
    """The GRID clips, or the others (in the wild), with their transcripts (None: ASR at the sender)."""
    media = require_media()
    return sorted(
        (media / e.file, e.transcript)
        for e in read_manifest(media)
        if e.kind == "talking_head_av" and Path(e.file).name.startswith("grid_") == grid
    )


def grid_clips() -> list[tuple[Path, str]]:
    return talking_heads(grid=True)


def mean_akd(reference: np.ndarray, frames: np.ndarray) -> float:
    return akd(reference, frame_landmarks(frames)).mean


def known_speaker_kb(work: Path, record) -> Path:
    """A KB folder whose sender and receiver both hold ``record`` (the speaker known at both ends)."""
    (work / "kb").mkdir()
    for side in ("sender", "receiver"):
        with KnowledgeBase(work / "kb" / f"{side}.sqlite") as kb:
            kb.put(record)
    return work / "kb"


def over_the_link(sender, mode: str, kb: Path, output: Path) -> tuple[dict, np.ndarray]:
    """semsat-link's run of ``mode`` at 12 dB over NTN-TDL-A at 600 km, 45 deg, seed 1."""
    channel = ChannelConfig("A", SNR_DB, 1, at_elevation(600e3, 45.0))
    return run_link(sender, LinkRequest(mode, channel, kb, metrics=False), output)


def frozen_akd(reference: np.ndarray) -> float:
    return akd(reference, np.repeat(reference[:1], len(reference), 0)).mean


@cache
def scores() -> list[dict[str, float]]:
    rows = []
    for path, transcript in grid_clips():
        sender = prepare(path, transcript)
        reference = frame_landmarks(sender.crops)
        record = identity_update(sender)
        row = {"clip": path.stem, "frozen": frozen_akd(reference)}
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            kb = known_speaker_kb(work, record)
            clean = SpeakerModels(record).render(sender.features.face_params)
            silence = np.zeros(int(len(clean) / sender.features.fps * 16000), np.float32)
            write_clip(work / "clean.mp4", clean, sender.features.fps, silence, 16000)
            row["clean"] = mean_akd(reference, read_clip(work / "clean.mp4").frames)
            for mode in ("v2a", "a2v"):
                report, frames = over_the_link(sender, mode, kb, work / f"{mode}.mp4")
                assert not report["kb"]["update"], "both ends know the speaker"
                row[mode] = mean_akd(reference, frames)
                row[f"{mode}_symbols"] = report["symbols"]["semantic_total"]
        print(
            f"{row['clip']}: V2A {row['v2a']:.2f} px = {row['v2a'] / row['clean']:.2f} x clean "
            f"{row['clean']:.2f}; "
            f"A2V {row['a2v']:.2f} px = {row['a2v'] / row['frozen']:.2f} x frozen {row['frozen']:.2f} "
            f"(semantic symbols V2A {row['v2a_symbols']}, A2V {row['a2v_symbols']})"
        )
        rows.append(row)
    return rows


@cache
def wild_scores() -> list[dict[str, float]]:
    """V2A at 12 dB on each in-the-wild clip, its speaker known at both ends, and the frozen baseline. (The
    KB policy may still send an update: L1 judges a wild head's motion too far from the held frame.)"""
    rows = []
    for path, transcript in talking_heads(grid=False):
        sender = prepare(path, transcript)
        reference = frame_landmarks(sender.crops)
        row = {"clip": path.stem, "frozen": frozen_akd(reference)}
        with tempfile.TemporaryDirectory() as work:
            kb = known_speaker_kb(Path(work), identity_update(sender))
            _, frames = over_the_link(sender, "v2a", kb, Path(work) / "v2a.mp4")
            row["v2a"] = mean_akd(reference, frames)
        print(f"{row['clip']}: V2A {row['v2a']:.2f} px (frozen {row['frozen']:.2f})")
        rows.append(row)
    return rows


def test_v2a_at_12_db_on_the_wild_clips_within_3_5_px():
    """Measured (seed 1): 00015 1.95, 00086 2.30, 00104 1.95, 741400163 2.34, retalking_face1 1.14 px against
    frozen 8.06, 11.45, 7.24, 5.82, 2.38 (without texture offsets 2.21, 2.36, 2.18, 2.90, 1.46). Before the
    face codec was anchored on the KB record's reference parameters (paper bench, its seeds): 9.07, 8.93,
    7.45, 5.87, 4.80 px, no better than frozen."""
    rows = wild_scores()
    assert len(rows) >= 4, "the development corpus has 4 VoxCeleb2 clips and retalking_face1"
    for row in rows:
        assert row["v2a"] <= WILD_V2A_BAR_PX and row["v2a"] < row["frozen"], row


def test_the_link_beats_the_frozen_baseline_on_every_clip():
    for row in scores():
        assert row["v2a"] < row["frozen"] and row["a2v"] < row["frozen"], row


def test_v2a_at_12_db_within_1_3_of_its_clean_feature_akd():
    """Measured (seed 1, bursts at their air times, the face coded relative to the KB record's reference
    parameters, trained on its error in dB, rendered with the record's texture offsets): bbaf2n 1.17, brbk7n
    1.04, lbax4n 1.20, lbbc2a 1.21, lrwp9a 1.11 (the codec's held-out clip); the clean-feature AKD fell more
    (0.82-0.95 -> 0.56-0.73 px) than the link's (0.80-0.98 -> 0.65-0.87). Without texture offsets: 1.04, 0.97,
    1.03, 1.10, 1.05; coded as absolute parameters: 1.15, 1.29, 1.11, 1.12, 1.15; with the bursts back to
    back (one fade for the whole clip) 1.27-1.41."""
    ratios = [row["v2a"] / row["clean"] for row in scores()]
    assert max(ratios) <= V2A_BAR, [f"{r:.2f}" for r in ratios]


def test_a2v_at_12_db_at_most_half_the_frozen_akd():
    """Measured (seed 1): bbaf2n 0.21, brbk7n 0.48, lbax4n 0.37, lbbc2a 0.43, lrwp9a 0.30 of frozen (3.86,
    1.48, 2.37, 1.68, 2.22 px). Before the transmitter's texture offsets (the renderer sampling the reference
    where its texture lies, not at mediapipe's mesh) and 8 symbols a duration: 0.26, 0.60, 0.44, 0.59, 0.41.
    brbk7n over other channel seeds (2-6): 0.49, 0.48, 0.53, 0.48, 0.48: a duration decoded a frame off in
    the sentence's leading silence (seed 4) delays all of A2V's lips."""
    ratios = [row["a2v"] / row["frozen"] for row in scores()]
    assert max(ratios) <= A2V_BAR, [f"{r:.2f}" for r in ratios]
