"""dlib's 68-point landmark predictor and ResNet identity embedding (models from face-recognition-models).

The iBUG-300W 68-point scheme is what the talking-head literature uses for AKD; the 128-d embedding with
L2 distance (0.6 = dlib's same-person threshold) is used for identity distance and CSIM.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import dlib
import face_recognition_models
import numpy as np
import numpy.typing as npt

Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels


@dataclass(frozen=True)
class DlibModels:
    detector: dlib.fhog_object_detector
    predictor: dlib.shape_predictor
    encoder: dlib.face_recognition_model_v1


@cache
def models() -> DlibModels:
    """Loads the detector, 68-point predictor and face encoder once per process (~0.5 s)."""
    return DlibModels(
        dlib.get_frontal_face_detector(),
        dlib.shape_predictor(face_recognition_models.pose_predictor_model_location()),
        dlib.face_recognition_model_v1(face_recognition_models.face_recognition_model_location()),
    )


def detect_face(image: npt.NDArray[np.uint8], upsample: int = 1) -> Box | None:
    """The largest frontal face (HOG detector), or None. Upsampling once finds faces down to ~40 px."""
    rects = models().detector(np.ascontiguousarray(image), upsample)
    if len(rects) == 0:
        return None
    best = max(rects, key=lambda r: r.width() * r.height())
    return best.left(), best.top(), best.right(), best.bottom()


def _shape(image: npt.NDArray[np.uint8], box: Box) -> dlib.full_object_detection:
    return models().predictor(np.ascontiguousarray(image), dlib.rectangle(*box))


def landmarks68(image: npt.NDArray[np.uint8], box: Box | None = None) -> npt.NDArray[np.float32] | None:
    """68 (x, y) points in pixels of ``image`` (RGB uint8); detects the face when no box is given."""
    box = box or detect_face(image)
    if box is None:
        return None
    shape = _shape(image, box)
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float32)


def identity_embedding(
    image: npt.NDArray[np.uint8], box: Box | None = None
) -> npt.NDArray[np.float32] | None:
    """dlib's 128-d face descriptor of the face in ``box`` (or the detected face), or None."""
    box = box or detect_face(image)
    if box is None:
        return None
    shape = _shape(image, box)
    descriptor = models().encoder.compute_face_descriptor(np.ascontiguousarray(image), shape)
    return np.array(descriptor, dtype=np.float32)


def identity_distance(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    """L2 distance between descriptors: < 0.6 is dlib's same-person threshold."""
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)))
