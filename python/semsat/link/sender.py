"""The transmitter's side of a clip: its semantics (extracted once and cached), its 256x256 face crops, the
knowledge-base decision (L0-L3 policy, semantic/kb) with the update's packets, and the PDUs of each stream.

Features are cached under ``~/.cache/gr-semsat/features/link-<hash>.npz``, keyed by the clip's bytes, the
transcript and the installed expression model, so a clip is extracted once per model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pmt

from ..media.clip import Clip, read_clip
from ..media.face_crop import crop_frames
from ..phy.framing import MAX_PAYLOAD_BYTES
from ..semantic.extract.expression_model import installed_model_tag
from ..semantic.features import FEATURES_CACHE, ClipFeatures, FeaturesError
from ..semantic.kb import KnowledgeBase, UpdateDecision, as_received, decide, reference_record
from ..semantic.kb.record import IdentityRecord
from ..semantic.keyframes import DEFAULT_KEYFRAME_STEP, select_keyframes
from .flowgraph import Transmission
from .kb_update import update_packets

MIN_FACE_SHARE = 0.5  # a clip with a face on fewer frames is not a talking head: refused


@dataclass
class SenderClip:
    clip: Clip
    features: ClipFeatures
    crops: npt.NDArray[np.uint8]
    extraction_seconds: float


def load_features(
    path: Path, transcript: str | None, cache: Path = FEATURES_CACHE
) -> tuple[ClipFeatures, float]:
    """The clip's features from the cache, or extracted now (then cached); and the seconds extraction took
    (0 when cached)."""
    import time

    key = hashlib.sha256(path.read_bytes() + f"\t{transcript}\t{installed_model_tag()}".encode()).hexdigest()
    cached = cache / f"link-{key[:16]}.npz"
    try:
        return ClipFeatures.load(cached), 0.0
    except (FeaturesError, OSError):
        pass
    from ..semantic.extract.pipeline import extract_clip  # mediapipe, dlib, ASR: only on a miss

    start = time.perf_counter()
    features = extract_clip(path, transcript=transcript)
    seconds = time.perf_counter() - start
    cache.mkdir(parents=True, exist_ok=True)
    features.save(cached)
    return features, seconds


def prepare(path: Path, transcript: str | None = None, cache: Path = FEATURES_CACHE) -> SenderClip:
    """ValueError (one line) for a clip without a face."""
    clip = read_clip(path)
    features, seconds = load_features(path, transcript, cache)
    share = float(np.mean(features.face_found))
    if share < MIN_FACE_SHARE:
        raise ValueError(f"{path}: a face was found on {100 * share:.0f}% of the frames: not a talking head")
    n = min(clip.n_frames, features.n_frames)
    crops = crop_frames(clip.frames[:n], features.crop_boxes[:n])
    return SenderClip(clip, features, crops, seconds)


def identity_update(sender: SenderClip) -> IdentityRecord:
    """The record an update of this speaker carries, with its voice profile, as the receiver decodes it."""
    from ..semantic.extract.alignment import align
    from ..semantic.generate.voice_profile import voice_profile_from_clip

    clip, features = sender.clip, sender.features
    voice = voice_profile_from_clip(
        clip.audio, clip.sample_rate, align(clip.audio, clip.sample_rate, features.text)
    )
    return as_received(reference_record(features, sender.crops, voice.to_dict()))


def kb_decision(
    sender: SenderClip, kb: KnowledgeBase, level: int
) -> tuple[UpdateDecision, IdentityRecord | None]:
    """The L0-L3 decision against the sender's KB and, when it says update, the record (stored in the
    sender's KB: both ends hold the same once it is delivered)."""
    decision = decide(kb, sender.features, sender.crops, level)
    if not decision.update:
        return decision, None
    record = identity_update(sender)
    kb.put(record)
    return decision, record


def keyframe_bytes(rows: npt.NDArray[np.float32]) -> bytes:
    """Keyframe rows [K, 13] as the digital path carries them: K frame numbers (uint16), then the K x 12
    parameters as float16 (half the bytes of float32; their rounding, ~1e-3 of the parameters' range, is far
    below what the renderer shows)."""
    if len(rows) and rows[-1, 0] > np.iinfo(np.uint16).max:
        raise ValueError("the clip is too long for A2V's face keyframes (65535 frames at most)")
    data = rows[:, 0].astype("<u2").tobytes() + rows[:, 1:].astype("<f2").tobytes()
    if len(data) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"{len(rows)} face keyframes do not fit one packet: the clip is too long for A2V")
    return data


def _pdu(vector: pmt.pmt_base, clip: str, mode: str) -> pmt.pmt_base:
    meta = pmt.dict_add(pmt.make_dict(), pmt.intern("clip"), pmt.intern(clip))
    meta = pmt.dict_add(meta, pmt.intern("mode"), pmt.intern(mode))
    return pmt.cons(meta, vector)


def transmission(
    features: ClipFeatures,
    mode: str,
    clip_id: str,
    update: IdentityRecord | None,
    update_id: int,
    record: IdentityRecord | None = None,
) -> Transmission:
    """The PDUs of ``mode`` ("v2a" or "a2v"): face parameters and text (V2A); text, phonemes, durations and
    face keyframes (A2V); plus the KB update's packets. The face is coded relative to the reference
    parameters of ``record``, the speaker's record both ends hold (``update`` when there is one); with
    neither, relative to the codec's default anchor."""
    text = features.text.encode("utf-8")
    semantics: dict[str, list[pmt.pmt_base]] = {}
    keyframes = None
    if text:
        semantics["text"] = [_pdu(pmt.init_u8vector(len(text), list(text)), clip_id, mode)]
    if mode == "v2a":
        face = features.face_params.astype(np.float32).reshape(-1)
        semantics["face"] = [_pdu(pmt.init_f32vector(len(face), face), clip_id, mode)]
    else:
        phones = features.phonemes.astype(np.int32)
        durations = features.durations.astype(np.int32)
        semantics["phonemes"] = [_pdu(pmt.init_s32vector(len(phones), phones), clip_id, mode)]
        semantics["durations"] = [_pdu(pmt.init_s32vector(len(durations), durations), clip_id, mode)]
        keyframes = keyframe_bytes(select_keyframes(features.face_params, DEFAULT_KEYFRAME_STEP))
    packets = update_packets(update, update_id) if update is not None else []
    shared = update if update is not None else record
    anchor = None if shared is None else shared.reference_params.astype(np.float32)
    return Transmission(semantics, packets, keyframes, update_id, anchor)
