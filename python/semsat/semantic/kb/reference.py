"""The identity record an update sends: reference and open-mouth frames picked from the current clip.

The reference is the clip's first frame with a face (what the transmitter holds when it decides, and the
"frozen" baseline's frame). The open-mouth frame, for the renderer's mouth interior, is the clip's typical
open mouth (generate/mouth.py), provided the mouth opens at least
``OPEN_MOUTH_MARGIN`` wider than the reference somewhere in the clip (expression coefficient 0; the
development clips reach 0.1-0.45 above their first frame); otherwise there is none.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..extract.expression_model import MOUTH_OPENING
from ..features import ClipFeatures
from ..generate.mouth import select_open_mouth_frame
from .record import FRAME_SHAPE, IdentityRecord

OPEN_MOUTH_MARGIN = 0.1


def reference_record(
    features: ClipFeatures, frames_256: npt.NDArray[np.uint8], voice: dict[str, Any] | None = None
) -> IdentityRecord:
    """A record of ``features.speaker`` from the clip's features and its 256x256 crops (one per frame)."""
    frames = np.asarray(frames_256)
    if frames.shape != (features.n_frames, *FRAME_SHAPE) or frames.dtype != np.uint8:
        raise ValueError(
            f"need {features.n_frames} uint8 crops of {FRAME_SHAPE}, got {frames.dtype}{list(frames.shape)}"
        )
    if features.mesh468 is None:
        raise ValueError(
            f"features of {features.source or features.speaker!r} have no mesh468 for the renderer"
        )
    found = np.flatnonzero(features.face_found)
    if found.size == 0:
        raise ValueError(f"no face found in {features.source or features.speaker!r}: nothing to send")
    reference = int(found[0])
    opening = features.face_params[found, MOUTH_OPENING]
    has_open = opening.max() - features.face_params[reference, MOUTH_OPENING] >= OPEN_MOUTH_MARGIN
    widest = int(found[select_open_mouth_frame(features.mesh468[found], frames[found])])
    return IdentityRecord(
        speaker=features.speaker,
        reference_frame=frames[reference].copy(),
        reference_mesh=features.mesh468[reference].astype(np.float32),
        reference_params=features.face_params[reference].astype(np.float32),
        embedding=features.identity.astype(np.float32),
        open_mouth_frame=frames[widest].copy() if has_open else None,
        open_mouth_mesh=features.mesh468[widest].astype(np.float32) if has_open else None,
        voice=voice,
    ).validate()
