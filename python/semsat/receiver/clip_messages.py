"""The messages a clip's semantics become on the ZMQ link: face parameters and eyelid openings in chunks of
frames (V2A; eyelids when the features hold the meshes they are measured on), face keyframes, phonemes and
durations whole (A2V), text whole, then an end-of-clip control message (messages.py has the format)."""

from __future__ import annotations

from ..semantic.extract.eyelids import eyelid_opening
from ..semantic.features import ClipFeatures
from ..semantic.keyframes import DEFAULT_KEYFRAME_STEP, select_keyframes
from .messages import END_OF_CLIP, MODE_STREAMS, SemanticMessage


def clip_messages(
    features: ClipFeatures,
    clip: str,
    mode: str = "V2A",
    epoch: int = 0,
    chunk_frames: int = 25,
    codec: str = "clean",
    keyframe_step: int = DEFAULT_KEYFRAME_STEP,
) -> list[SemanticMessage]:
    """The messages of one clip in sending order; ``mode`` picks the streams (messages.MODE_STREAMS).
    ``keyframe_step``: A2V's face keyframe spacing in frames (0: none, pure A2V)."""
    if mode not in MODE_STREAMS:
        raise ValueError(f"mode must be one of {', '.join(MODE_STREAMS)}, got {mode!r}")
    if chunk_frames < 1:
        raise ValueError(f"chunk_frames must be >= 1, got {chunk_frames}")
    features.validate()
    t = features.n_frames
    common = dict(
        clip=clip,
        epoch=epoch,
        mode=mode,
        clip_frames=t,
        fps=float(features.fps),
        codec=codec,
        speaker=features.speaker,
    )
    whole = dict(seq=0, frame=0, n_frames=t, **common)
    messages: list[SemanticMessage] = []
    streams = MODE_STREAMS[mode]
    if "face_params" in streams:
        for seq, start in enumerate(range(0, t, chunk_frames)):
            chunk = features.face_params[start : start + chunk_frames]
            messages.append(
                SemanticMessage(
                    stream="face_params", seq=seq, frame=start, n_frames=len(chunk), payload=chunk, **common
                )
            )
    if "face_params" in streams and features.mesh468 is not None:
        openings = eyelid_opening(features.mesh468)
        for seq, start in enumerate(range(0, t, chunk_frames)):
            chunk = openings[start : start + chunk_frames]
            where = dict(seq=seq, frame=start, n_frames=len(chunk))
            messages.append(SemanticMessage(stream="eyelids", payload=chunk, **where, **common))
    if "face_keyframes" in streams:
        keyframes = select_keyframes(features.face_params, keyframe_step)
        messages.append(SemanticMessage(stream="face_keyframes", payload=keyframes, **whole))
    if "text" in streams:
        messages.append(SemanticMessage(stream="text", payload=features.text, **whole))
    if "phonemes" in streams:
        messages.append(SemanticMessage(stream="phonemes", payload=features.phonemes, **whole))
    if "durations" in streams:
        messages.append(SemanticMessage(stream="durations", payload=features.durations, **whole))
    messages.append(SemanticMessage(stream="control", payload=END_OF_CLIP, **whole))
    return messages
