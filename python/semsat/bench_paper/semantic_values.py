"""What V2A and A2V transmit per frame, in values (table (a)'s "parameters"): V2A the 12 face parameters
of every frame and the text's bytes; A2V the text's bytes, the phonemes and their durations, and the face
keyframes (frame number and 12 parameters each)."""

from __future__ import annotations

from ..semantic.features import ClipFeatures
from ..semantic.keyframes import DEFAULT_KEYFRAME_STEP, select_keyframes


def semantic_values_per_frame(features: ClipFeatures, mode: str) -> tuple[float, str]:
    n = features.n_frames
    text = len(features.text.encode("utf-8"))
    if mode == "v2a":
        return (features.face_params.size + text) / n, "face parameters + text bytes"
    keyframes = select_keyframes(features.face_params, DEFAULT_KEYFRAME_STEP)
    values = keyframes.size + len(features.phonemes) + len(features.durations) + text
    return values / n, "keyframe values + phonemes + durations + text bytes"
