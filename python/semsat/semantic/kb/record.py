"""One identity of the knowledge base: what both ends need to rebuild a speaker (DESIGN.md, "Semantic layer").

A record holds the 256x256 reference crop with its mediapipe mesh and face parameters, optionally an
open-mouth crop with its mesh (the renderer's mouth interior) and a closed-eye crop with its mesh (blinks),
the share of the head's motion the hair above the face follows (None: the renderer's default), the texture
offsets the transmitter fitted for the renderer (generate/texture_fit.py; None: none), the dlib
identity embedding and the speaker's voice profile (the speech side's ``VoiceProfile.to_dict()``, any
JSON-able dict). ``version`` counts the updates of the speaker (1 = first contact) and is assigned by the
store; ``updated_at`` is Unix time (s).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FRAME_SHAPE = (256, 256, 3)
MESH_SHAPE = (468, 3)
PARAMS_SHAPE = (12,)
EMBEDDING_SHAPE = (128,)
TEXTURE_OFFSETS_SHAPE = (10, 468, 2)
OPTIONAL_PAIRS = ("open_mouth", "closed_eye")  # each an optional (frame, mesh) pair
OPTIONAL_ARRAYS = ("texture_offsets",)


class RecordError(ValueError):
    """An identity record that breaks its contract (shape, type, non-finite value, voice not JSON)."""


@dataclass(frozen=True)
class IdentityRecord:
    speaker: str
    reference_frame: npt.NDArray[np.uint8]  # [256, 256, 3] RGB
    reference_mesh: npt.NDArray[np.float32]  # [468, 3] crop pixels
    reference_params: npt.NDArray[np.float32]  # [12] face parameters of the reference frame
    embedding: npt.NDArray[np.float32]  # [128] dlib descriptor
    open_mouth_frame: npt.NDArray[np.uint8] | None = None  # [256, 256, 3] RGB
    open_mouth_mesh: npt.NDArray[np.float32] | None = None  # [468, 3]
    closed_eye_frame: npt.NDArray[np.uint8] | None = None  # [256, 256, 3] RGB
    closed_eye_mesh: npt.NDArray[np.float32] | None = None  # [468, 3]
    hair_follow: float | None = None  # in [0, 1]; generate/mesh_topology.py
    texture_offsets: npt.NDArray[np.float32] | None = None  # [10, 468, 2]; generate/texture_fit.py
    voice: dict[str, Any] | None = None
    version: int = 0  # 0 until stored
    updated_at: float = 0.0

    def validate(self) -> IdentityRecord:
        """Returns self, or raises RecordError listing every problem."""
        problems = list(_problems(self))
        if problems:
            raise RecordError(f"invalid identity record {self.speaker!r}: " + "; ".join(problems))
        return self


def _problems(record: IdentityRecord) -> list[str]:
    problems = []
    if not isinstance(record.speaker, str) or not record.speaker:
        problems.append("speaker must be a non-empty string")
    arrays: list[tuple[str, Any, tuple[int, ...], type]] = [
        ("reference_frame", record.reference_frame, FRAME_SHAPE, np.uint8),
        ("reference_mesh", record.reference_mesh, MESH_SHAPE, np.float32),
        ("reference_params", record.reference_params, PARAMS_SHAPE, np.float32),
        ("embedding", record.embedding, EMBEDDING_SHAPE, np.float32),
        ("open_mouth_frame", record.open_mouth_frame, FRAME_SHAPE, np.uint8),
        ("open_mouth_mesh", record.open_mouth_mesh, MESH_SHAPE, np.float32),
        ("closed_eye_frame", record.closed_eye_frame, FRAME_SHAPE, np.uint8),
        ("closed_eye_mesh", record.closed_eye_mesh, MESH_SHAPE, np.float32),
        ("texture_offsets", record.texture_offsets, TEXTURE_OFFSETS_SHAPE, np.float32),
    ]
    for name, value, shape, dtype in arrays:
        if value is None and (name.startswith(OPTIONAL_PAIRS) or name in OPTIONAL_ARRAYS):
            continue
        if not isinstance(value, np.ndarray) or value.shape != shape or value.dtype != dtype:
            got = (
                f"{value.dtype}{list(value.shape)}" if isinstance(value, np.ndarray) else type(value).__name__
            )
            problems.append(f"{name} must be {np.dtype(dtype)}{list(shape)}, got {got}")
        elif dtype is np.float32 and not np.isfinite(value).all():
            problems.append(f"{name} has non-finite values")
    for pair in OPTIONAL_PAIRS:
        if (getattr(record, f"{pair}_frame") is None) != (getattr(record, f"{pair}_mesh") is None):
            problems.append(f"{pair}_frame and {pair}_mesh come together or not at all")
    if record.hair_follow is not None and not 0.0 <= record.hair_follow <= 1.0:
        problems.append(f"hair_follow must lie in [0, 1], got {record.hair_follow}")
    if record.voice is not None:
        try:
            json.dumps(record.voice, allow_nan=False)
        except (TypeError, ValueError) as e:
            problems.append(f"voice must be a JSON-able dict ({e})")
        if not isinstance(record.voice, dict):
            problems.append(f"voice must be a dict, got {type(record.voice).__name__}")
    return problems
