"""The versioned container of a clip's semantics (DESIGN.md, "Semantic features of a clip").

One typed object travels between extraction, the semantic codec, the knowledge base and generation. It is
saved as .npz (arrays + a JSON header) and validated on load, so a truncated, foreign or inconsistent file
is refused with a message that says what is wrong instead of failing later deep inside a model.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .extract.phonemes import PHONES

FEATURES_VERSION = 1
FACE_PARAMS = 12  # 6 expression, 3 rotation (rad), 3 translation
EXPRESSION = slice(0, 6)
ROTATION = slice(6, 9)
TRANSLATION = slice(9, 12)
IDENTITY_DIM = 128
# Where extracted clips are kept between runs (tests, training, benchmarks, semsat-link).
FEATURES_CACHE = Path.home() / ".cache" / "gr-semsat" / "features"


class FeaturesError(ValueError):
    """A features file or object that breaks the container's contract."""


@dataclass
class ClipFeatures:
    """Semantics of one clip at ``fps`` video frames per second (T frames, W words, P phones)."""

    fps: float
    face_params: npt.NDArray[np.float32]  # [T, 12]
    landmarks68: npt.NDArray[np.float32]  # [T, 68, 2], pixels of the 256x256 face crop
    face_confidence: npt.NDArray[np.float32]  # [T], 0 where no face was found
    face_found: npt.NDArray[np.bool_]  # [T]; parameters of missing frames are interpolated
    crop_boxes: npt.NDArray[np.float32]  # [T, 4] x0, y0, x1, y1 in source pixels
    identity: npt.NDArray[np.float32]  # [128] dlib embedding
    text: str
    words: list[str]
    word_ids: npt.NDArray[np.int32]  # [W] ids in semantic.vocabulary (-1: out of vocabulary)
    word_spans_ms: npt.NDArray[np.float32]  # [W, 2]
    phonemes: npt.NDArray[np.int16]  # [P] ARPAbet ids (semantic.extract.phonemes.PHONES, 0 = SIL)
    phoneme_word_index: npt.NDArray[np.int16]  # [P] word of each phone, -1 for SIL
    durations: npt.NDArray[np.int16]  # [P] video frames per phone; sums to T
    durations_ms: npt.NDArray[np.float32]  # [P]
    pitch: npt.NDArray[np.float32]  # [T] Hz, 0 = unvoiced
    energy: npt.NDArray[np.float32]  # [T] dB
    speaker: str = ""  # knowledge-base handle of the speaker / identity
    source: str = ""
    asr_engine: str = ""
    mesh468: npt.NDArray[np.float32] | None = None  # [T, 468, 3] crop pixels, for the renderer
    version: int = field(default=FEATURES_VERSION)

    @property
    def n_frames(self) -> int:
        return int(self.face_params.shape[0])

    def validate(self) -> ClipFeatures:
        """Checks shapes, types, ranges and cross-field consistency; returns self or raises FeaturesError."""
        problems = list(_problems(self))
        if problems:
            raise FeaturesError("invalid clip features: " + "; ".join(problems))
        return self

    def save(self, path: str | Path) -> None:
        self.validate()
        arrays = {}
        header = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                arrays[f.name] = value
            elif value is not None:
                header[f.name] = value
        np.savez_compressed(path, header=np.array(json.dumps(header)), **arrays)

    @classmethod
    def load(cls, path: str | Path) -> ClipFeatures:
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                header = json.loads(str(data["header"]))
                arrays = {name: data[name] for name in data.files if name != "header"}
        except FileNotFoundError:
            raise FeaturesError(f"{path}: no such file") from None
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
            raise FeaturesError(f"{path}: not a semsat features file ({e})") from None
        version = header.get("version")
        if version != FEATURES_VERSION:
            raise FeaturesError(
                f"{path}: features version {version}, this gr-semsat reads version {FEATURES_VERSION}: "
                "extract the clip again with semsat-extract"
            )
        known = {f.name for f in fields(cls)}
        unknown = (set(header) | set(arrays)) - known
        if unknown:
            raise FeaturesError(f"{path}: unknown fields {sorted(unknown)}")
        try:
            features = cls(**header, **arrays)
        except TypeError as e:
            raise FeaturesError(f"{path}: missing fields ({e})") from None
        try:
            return features.validate()
        except FeaturesError as e:
            raise FeaturesError(f"{path}: {e}") from None


def _shape_problem(name: str, array: object, shape: tuple, dtype: type) -> str | None:
    if not isinstance(array, np.ndarray):
        return f"{name} must be a numpy array"
    if array.dtype != dtype:
        return f"{name} has dtype {array.dtype}, expected {np.dtype(dtype)}"
    if array.shape != shape:
        return f"{name} has shape {array.shape}, expected {shape}"
    return None


def _problems(f: ClipFeatures):
    if f.version != FEATURES_VERSION:
        yield f"version {f.version} != {FEATURES_VERSION}"
    if not (np.isfinite(f.fps) and f.fps > 0):
        yield f"fps must be > 0, got {f.fps}"
    t = f.face_params.shape[0] if isinstance(f.face_params, np.ndarray) and f.face_params.ndim else 0
    w = len(f.words)
    p = f.phonemes.shape[0] if isinstance(f.phonemes, np.ndarray) and f.phonemes.ndim == 1 else 0
    specs = [
        ("face_params", (t, FACE_PARAMS), np.float32),
        ("landmarks68", (t, 68, 2), np.float32),
        ("face_confidence", (t,), np.float32),
        ("face_found", (t,), np.bool_),
        ("crop_boxes", (t, 4), np.float32),
        ("identity", (IDENTITY_DIM,), np.float32),
        ("word_ids", (w,), np.int32),
        ("word_spans_ms", (w, 2), np.float32),
        ("phonemes", (p,), np.int16),
        ("phoneme_word_index", (p,), np.int16),
        ("durations", (p,), np.int16),
        ("durations_ms", (p,), np.float32),
        ("pitch", (t,), np.float32),
        ("energy", (t,), np.float32),
    ]
    if f.mesh468 is not None:
        specs.append(("mesh468", (t, 468, 3), np.float32))
    shape_problems = [m for n, s, d in specs if (m := _shape_problem(n, getattr(f, n), s, d))]
    yield from shape_problems
    if shape_problems:
        return
    if t == 0:
        yield "the clip has no frame"
    for name in (
        "face_params",
        "landmarks68",
        "face_confidence",
        "crop_boxes",
        "identity",
        "pitch",
        "energy",
    ):
        if not np.all(np.isfinite(getattr(f, name))):
            yield f"{name} holds NaN or inf"
    if np.any((f.phonemes < 0) | (f.phonemes >= len(PHONES))):
        yield f"phoneme ids must lie in 0..{len(PHONES) - 1}"
    if np.any(f.phoneme_word_index >= w) or np.any(f.phoneme_word_index < -1):
        yield "phoneme_word_index points outside the word list"
    if np.any(f.durations < 0) or np.any(f.durations_ms < 0):
        yield "durations must be >= 0"
    if p and int(f.durations.sum()) != t:
        yield f"phone durations sum to {int(f.durations.sum())} frames, the clip has {t}"
    if np.any(f.pitch < 0):
        yield "pitch must be >= 0 Hz (0 = unvoiced)"
    if not all(isinstance(word, str) for word in f.words):
        yield "words must be strings"
