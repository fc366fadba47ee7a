"""The real receivers: V2A (video from face parameters, then lip-timed speech) and A2V (speech from
phonemes and durations, then face motion predicted from that speech by the A2F model, or by the viseme
table when the model cannot load, pinned to the transmitted face keyframes), both from the speaker's
knowledge-base record.

A clip whose speaker has no KB record cannot be rendered: it falls back to the frozen baseline (the app
reports it), since generation needs the reference frame, mesh and voice that only an update provides.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from ..media.clip import DEFAULT_SAMPLE_RATE
from ..semantic.extract.expression_model import MOUTH_OPENING
from ..semantic.extract.prosody import energy_per_frame, pitch_per_frame
from ..semantic.generate.a2f import A2FModel, A2FModelError
from ..semantic.generate.eyes import eye_closure
from ..semantic.generate.mesh_from_params import MeshModel
from ..semantic.generate.mesh_topology import DEFAULT_HAIR_FOLLOW
from ..semantic.generate.render import Renderer
from ..semantic.generate.speech_a2v import synthesize_a2v
from ..semantic.generate.speech_v2a import synthesize_v2a
from ..semantic.generate.texture_fit import frame_texture_offsets
from ..semantic.generate.viseme import VisemeTable, viseme_face_params
from ..semantic.generate.voice_profile import VoiceProfile, default_voice_profile
from ..semantic.kb import KnowledgeBase
from ..semantic.kb.record import IdentityRecord
from ..semantic.keyframes import anchor_to_keyframes
from .assembler import AssembledClip
from .reconstruct import Reconstruction, Reconstructor

log = logging.getLogger(__name__)


class SpeakerModels:
    """Renderer, mesh model and voice of one KB record version, built once and reused for its clips."""

    def __init__(self, record: IdentityRecord) -> None:
        open_mouth = None
        if record.open_mouth_frame is not None and record.open_mouth_mesh is not None:
            open_mouth = (record.open_mouth_frame, record.open_mouth_mesh)
        self.closed_eye_mesh = record.closed_eye_mesh
        closed_eyes = None
        if record.closed_eye_frame is not None and record.closed_eye_mesh is not None:
            closed_eyes = (record.closed_eye_frame, record.closed_eye_mesh)
        hair = DEFAULT_HAIR_FOLLOW if record.hair_follow is None else record.hair_follow
        self.renderer = Renderer(record.reference_frame, record.reference_mesh, open_mouth, closed_eyes, hair)
        self.reference_mesh = record.reference_mesh
        self.meshes = MeshModel.from_reference(record.reference_mesh, record.reference_params)
        self.reference_params = record.reference_params
        self.texture_offsets = record.texture_offsets
        self.voice = VoiceProfile.from_dict(record.voice) if record.voice else default_voice_profile()

    def render(
        self, face_params: npt.NDArray[np.float32], eyelids: npt.NDArray[np.float32] | None = None
    ) -> npt.NDArray[np.uint8]:
        """Frames of ``face_params`` [T, 12], blinking by the eye openings ``eyelids`` [T] when given and the
        record has a closed-eye frame."""
        closures = np.zeros(len(face_params), np.float32)
        if eyelids is not None and self.closed_eye_mesh is not None:
            closures = eye_closure(eyelids, self.reference_mesh, self.closed_eye_mesh)
        meshes = self.meshes.meshes(face_params)
        offsets = frame_texture_offsets(self.texture_offsets, face_params, self.reference_params)
        if offsets is None:
            offsets = [None] * len(meshes)
        return np.stack(
            [self.renderer.render(*frame) for frame in zip(meshes, closures, offsets, strict=True)]
        )


def fit_length(audio: npt.NDArray[np.float32], n_frames: int, fps: float) -> npt.NDArray[np.float32]:
    """Audio trimmed or padded with silence to exactly the video's duration."""
    n = int(round(n_frames / fps * DEFAULT_SAMPLE_RATE))
    return np.pad(audio[:n], (0, max(0, n - audio.size))).astype(np.float32)


class SemanticReconstructor:
    """Dispatches on the clip's mode; speakers without a KB record go to ``fallback``."""

    def __init__(self, fallback: Reconstructor, visemes: VisemeTable | None = None) -> None:
        self.fallback = fallback
        self.visemes = visemes or VisemeTable.load()
        try:
            self.a2f: A2FModel | None = A2FModel.load()
        except A2FModelError as e:
            log.warning("A2F model unavailable (%s): A2V faces come from the viseme table", e)
            self.a2f = None
        self._models = lru_cache(maxsize=16)(self._build)

    def _build(self, speaker: str, version: int, kb: KnowledgeBase) -> SpeakerModels:
        record = kb.get(speaker)
        assert record is not None and record.version == version
        return SpeakerModels(record)

    def __call__(self, clip: AssembledClip, kb: KnowledgeBase | None) -> Reconstruction:
        record = kb.get(clip.speaker) if kb is not None and clip.speaker else None
        if record is None:
            return self.fallback(clip, kb)
        models = self._models(record.speaker, record.version, kb)
        if clip.mode == "A2V":
            audio, frames = self._a2v(clip, models)
        else:
            audio, frames = self._v2a(clip, models)
        return Reconstruction(frames, fit_length(audio, clip.n_frames, clip.fps), DEFAULT_SAMPLE_RATE)

    def _v2a(self, clip: AssembledClip, models: SpeakerModels) -> tuple[np.ndarray, np.ndarray]:
        """Video first from the face parameters, then speech timed to the rendered lips."""
        if clip.face_params is None:
            raise ValueError(f"V2A clip {clip.clip} carries no face parameters")
        frames = models.render(clip.face_params, clip.eyelids)
        audio = synthesize_v2a(
            clip.text or "", models.voice, clip.fps, opening=clip.face_params[:, MOUTH_OPENING]
        )
        return audio, frames

    def _a2v(self, clip: AssembledClip, models: SpeakerModels) -> tuple[np.ndarray, np.ndarray]:
        """Speech first on the transmitted phone durations, then the face predicted from the phones and the
        pitch and energy of that synthesized speech, pinned to the face keyframes (pose and slow expression;
        none sent or lost: the reference's pose is held)."""
        if clip.phonemes is None or clip.durations is None:
            raise ValueError(f"A2V clip {clip.clip} carries no phonemes and durations")
        audio = synthesize_a2v(clip.text or "", clip.phonemes, clip.durations, models.voice, fps=clip.fps)
        if self.a2f is None:
            params = viseme_face_params(self.visemes, clip.phonemes, clip.durations, models.reference_params)
        else:
            speech = fit_length(audio, clip.n_frames, clip.fps)
            pitch = pitch_per_frame(speech, DEFAULT_SAMPLE_RATE, clip.n_frames, clip.fps)
            energy = energy_per_frame(speech, DEFAULT_SAMPLE_RATE, clip.n_frames, clip.fps)
            params = self.a2f.predict_face_params(
                clip.phonemes, clip.durations, pitch, energy, models.reference_params
            )
        if clip.face_keyframes is not None:
            params = anchor_to_keyframes(params, clip.face_keyframes)
        return audio, models.render(params)
