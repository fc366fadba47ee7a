"""The L0-L3 update policy on the 10 development clips, each processed in turn against an evolving KB.

Features come from the real extraction pipeline on each clip's first ``N_FRAMES`` frames (2 s: the face
semantics the policy reads; the transcript is left empty so no ASR runs), once per clip for the module.
The speaker handle is the MANIFEST person_id (V3's two clips share an identity; every GRID speaker differs).
L1 reconstructs with the frozen stand-in (the KB reference held), where the real renderer would plug in.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from gnuradio.semsat.media.clip import read_clip
from gnuradio.semsat.media.face_crop import crop_clip
from gnuradio.semsat.media.manifest import read_manifest
from gnuradio.semsat.semantic.extract.pipeline import extract_clip
from gnuradio.semsat.semantic.features import ClipFeatures
from gnuradio.semsat.semantic.kb import (
    KnowledgeBase,
    UpdateCost,
    UpdateLevel,
    UpdatePolicy,
    as_received,
    decide,
    reference_record,
    update_symbols,
)
from gnuradio.semsat.testing_media import require_media

N_FRAMES = 50


@dataclass(frozen=True)
class Clip:
    name: str
    features: ClipFeatures
    frames: np.ndarray  # [T, 256, 256, 3] crops


@cache
def _clip(path: Path, person: str) -> Clip:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the empty transcript's "single SIL phone" warning
        features = extract_clip(path, transcript="", max_frames=N_FRAMES)
    frames = crop_clip(read_clip(path, max_frames=N_FRAMES), features.crop_boxes).frames
    return Clip(path.stem, replace(features, speaker=person), frames)


def corpus() -> list[Clip]:
    """The development clips in MANIFEST order, the speaker handle being the person_id (e.g. "V3")."""
    media = require_media()
    entries = [entry for entry in read_manifest(media) if entry.kind == "talking_head_av"]
    return [_clip(media / entry.file, entry.person) for entry in entries]


def by_name(fragment: str) -> Clip:
    return next(clip for clip in corpus() if fragment in clip.name)


def run_level(kb: KnowledgeBase, level: UpdateLevel) -> list[UpdateCost]:
    """Every clip in turn at ``level``; the cost (QPSK, LDPC 1/2) of each update. The transmitter stores
    what the receiver decodes (JPEG frames) so both KBs stay equal."""
    costs = []
    for clip in corpus():
        if decide(kb, clip.features, clip.frames, level).update:
            record = reference_record(clip.features, clip.frames)
            costs.append(update_symbols(record, "qpsk", 0.5))
            kb.put(as_received(record))
    return costs


def test_update_counts_grow_with_the_level(tmp_path: Path) -> None:
    clips = corpus()
    assert len(clips) == 10 and len({c.features.speaker for c in clips}) == 9
    counts = {}
    print(f"\nKB updates over the {len(clips)} development clips (QPSK, LDPC 1/2, JPEG q=85):")
    for level in UpdateLevel:
        with KnowledgeBase(tmp_path / f"kb_{level.name}.sqlite") as kb:
            costs = run_level(kb, level)
        counts[level] = len(costs)
        symbols, sizes = [c.symbols for c in costs], [c.bytes for c in costs]
        print(
            f"  {level.name}: {len(costs):2d} updates, {sum(symbols):8d} symbols in all, "
            f"{min(symbols)}-{max(symbols)} symbols and {min(sizes)}-{max(sizes)} bytes per update"
        )
    assert (
        counts[UpdateLevel.L0] <= counts[UpdateLevel.L1] <= counts[UpdateLevel.L2] <= counts[UpdateLevel.L3]
    )
    assert counts[UpdateLevel.L3] == len(clips)
    assert counts[UpdateLevel.L0] == 9  # V3's second clip reuses its reference


def test_same_person_is_reused_at_l0_and_another_person_is_not(tmp_path: Path) -> None:
    first, second = by_name("Audio_Source_00104"), by_name("Pose_Source_741400163")
    impostor = replace(by_name("grid_bbaf2n").features, speaker="V3")
    for metric in ("distance", "csim"):
        policy = UpdatePolicy(identity_metric=metric)
        with KnowledgeBase(tmp_path / f"kb_{metric}.sqlite") as kb:
            assert decide(kb, first.features, first.frames, 0, policy).update  # first contact
            kb.put(reference_record(first.features, first.frames))
            same = decide(kb, second.features, second.frames, 0, policy)
            other = decide(kb, impostor, by_name("grid_bbaf2n").frames, 0, policy)
        assert not same.update and same.reasons == []
        assert same.checks["identity_distance"] < 0.5 and same.checks["csim"] > 0.94
        assert other.update and other.reasons[0].startswith("L0:")
        assert other.checks["identity_distance"] > 0.5


def test_each_level_adds_its_check(tmp_path: Path) -> None:
    clip = by_name("grid_bbaf2n")
    with KnowledgeBase(tmp_path / "kb.sqlite") as kb:
        kb.put(reference_record(clip.features, clip.frames))
        again = [decide(kb, clip.features, clip.frames, level) for level in UpdateLevel]
        assert [d.update for d in again] == [False, False, False, True]
        assert again[2].checks["psnr_db"] > 20 and again[2].checks["pose_deg"] < 15

        turned = clip.features.face_params.copy()
        turned[:, 7] += np.radians(30)  # the same speaker with the head turned 30 deg (yaw)
        turned_clip = replace(clip.features, face_params=turned)
        assert not decide(kb, turned_clip, clip.frames, UpdateLevel.L1).update
        l2 = decide(kb, turned_clip, clip.frames, UpdateLevel.L2)
        assert l2.update and l2.reasons == [f"L2: pose {l2.checks['pose_deg']:.1f} deg > 15.0 deg"]

        blurred = UpdatePolicy(reconstruct=lambda record, features: np.zeros_like(clip.frames))
        assert not decide(kb, clip.features, clip.frames, UpdateLevel.L0, blurred).update
        l1 = decide(kb, clip.features, clip.frames, UpdateLevel.L1, blurred)
        assert l1.update and l1.reasons[0].startswith("L1: PSNR")


def test_a_reconstruction_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    clip = by_name("grid_bbaf2n")
    with KnowledgeBase(tmp_path / "kb.sqlite") as kb:
        kb.put(reference_record(clip.features, clip.frames))
        short = UpdatePolicy(reconstruct=lambda record, features: clip.frames[:3])
        with pytest.raises(ValueError, match="3 frames for 50"):
            decide(kb, clip.features, clip.frames, UpdateLevel.L1, short)
