"""Learned audio-to-face (A2V): transmitted phones, durations, pitch and energy → 12 face parameters a frame.

A small 1-D temporal conv net (``models/a2f.onnx``, trained by ``semsat-train a2f``) reads, per video frame,
the frame's phone (one-hot), the clip-normalized energy and the log-pitch relative to the clip's median with
a voicing flag, and predicts the 6 expression coefficients relative to the speaker at rest. As with the
viseme fallback (viseme.py), they are added to the KB reference's coefficients and the head is held at the
reference's pose; the receiver then pins them to the transmitted face keyframes (keyframes.py). Inference
needs only numpy and onnxruntime.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ...model_files import installed_model_path
from ..extract.expression_model import N_COEFFICIENTS
from ..extract.phonemes import PHONES
from .viseme import VisemeTable, frame_phones, viseme_face_params

DEFAULT_MODEL_NAME = "a2f.onnx"
N_INPUTS = len(PHONES) + 3  # one-hot phone, energy, log-pitch, voicing
INPUT_NAME = "features"  # [1, N_INPUTS, T]
OUTPUT_NAME = "expression"  # [1, 6, T]

log = logging.getLogger(__name__)


class A2FModelError(RuntimeError):
    """The A2F model cannot be loaded (missing file, onnxruntime absent, foreign graph)."""


def default_model_path() -> Path:
    """models/a2f.onnx as installed inside the gnuradio.semsat package."""
    return installed_model_path(DEFAULT_MODEL_NAME)


def frame_inputs(
    phonemes: npt.ArrayLike, durations: npt.ArrayLike, pitch: npt.ArrayLike, energy: npt.ArrayLike
) -> npt.NDArray[np.float32]:
    """The network's per-frame inputs [N_INPUTS, T], normalized per clip so that speakers compare."""
    phones = frame_phones(phonemes, durations)
    f0 = np.asarray(pitch, dtype=np.float64)
    db = np.asarray(energy, dtype=np.float64)
    if f0.shape != phones.shape or db.shape != phones.shape:
        raise ValueError(f"need pitch and energy per frame [{len(phones)}], got {f0.shape}, {db.shape}")
    one_hot = np.eye(len(PHONES))[phones]
    # Loudness relative to the clip: the absolute level depends on the microphone, not the mouth.
    spread = db.std() if len(db) and db.std() > 1e-6 else 1.0
    loudness = (db - (db.mean() if len(db) else 0.0)) / spread
    voiced = f0 > 0
    # Pitch relative to the speaker's median (in octaves), so a man's and a woman's voice look alike.
    median = np.median(np.log2(f0[voiced])) if voiced.any() else 0.0
    log_pitch = np.where(voiced, np.log2(np.where(voiced, f0, 1.0)) - median, 0.0)
    columns = np.column_stack([one_hot, loudness, log_pitch, voiced.astype(np.float64)])
    return columns.T.astype(np.float32)


class A2FModel:
    """The ONNX audio-to-face network with its onnxruntime session."""

    def __init__(self, session: object, path: Path) -> None:
        self._session = session
        self.path = path

    @classmethod
    def load(cls, path: str | Path | None = None) -> A2FModel:
        """The model at ``path``, by default the one installed with the package (models/a2f.onnx)."""
        path = Path(path) if path is not None else default_model_path()
        try:
            import onnxruntime  # the run-time dependency, imported here so the fallback works without it
        except ImportError:
            raise A2FModelError("onnxruntime is not installed: pip install onnxruntime") from None
        if not path.is_file():
            raise A2FModelError(f"{path}: no A2F model there; make one with `semsat-train a2f`")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # a few thousand weights: threads cost more than they save
        try:
            session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as e:  # onnxruntime raises its own exception types for unreadable graphs
            raise A2FModelError(f"{path}: not a readable ONNX model ({e})") from None
        if [i.name for i in session.get_inputs()] != [INPUT_NAME] or [
            o.name for o in session.get_outputs()
        ] != [OUTPUT_NAME]:
            raise A2FModelError(f"{path}: not an A2F model (expects {INPUT_NAME} → {OUTPUT_NAME})")
        return cls(session, path)

    def predict_face_params(
        self,
        phonemes: npt.ArrayLike,
        durations: npt.ArrayLike,
        pitch: npt.ArrayLike,
        energy: npt.ArrayLike,
        reference_params: npt.ArrayLike,
    ) -> npt.NDArray[np.float32]:
        """Face parameters [T, 12]: the reference's expression plus the predicted change, its pose held."""
        reference = np.asarray(reference_params, dtype=np.float64)
        if reference.shape != (12,):
            raise ValueError(f"need the reference's 12 face parameters, got {reference.shape}")
        inputs = frame_inputs(phonemes, durations, pitch, energy)
        n_frames = inputs.shape[1]
        if n_frames == 0:
            return np.zeros((0, 12), np.float32)
        (change,) = self._session.run([OUTPUT_NAME], {INPUT_NAME: inputs[None]})
        expression = reference[None, :N_COEFFICIENTS] + np.asarray(change, np.float64)[0].T
        pose = np.repeat(reference[None, N_COEFFICIENTS:], n_frames, axis=0)
        return np.concatenate([expression, pose], axis=1).astype(np.float32)


def a2f_face_params(
    phonemes: npt.ArrayLike,
    durations: npt.ArrayLike,
    pitch: npt.ArrayLike,
    energy: npt.ArrayLike,
    reference_params: npt.ArrayLike,
    model_path: str | Path | None = None,
) -> npt.NDArray[np.float32]:
    """A2F face parameters [T, 12], or the viseme table's (with a warning) when the model cannot load."""
    try:
        model = A2FModel.load(model_path)
    except A2FModelError as e:
        log.warning("A2F model unavailable (%s): using the viseme fallback", e)
        return viseme_face_params(VisemeTable.load(), phonemes, durations, reference_params)
    return model.predict_face_params(phonemes, durations, pitch, energy, reference_params)
