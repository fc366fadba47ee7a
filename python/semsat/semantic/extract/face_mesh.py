"""mediapipe FaceMesh (468 3-D landmarks) with a detection score per image, offline (models in the wheel).

Static-image mode runs the face detector on every image: it gave better landmarks for warping than the
tracking mode (../shared/reference/dependencies.md), and each frame's result does not depend on the last.
The mesh itself reports no score, so the confidence is the score of mediapipe's face detector (the same
BlazeFace short-range model the mesh uses to find the face) run on the same image.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mediapipe as mp
import numpy as np
import numpy.typing as npt

MESH_POINTS = 468
MIN_DETECTION_CONFIDENCE = 0.5


@dataclass
class MeshFrames:
    """Landmarks of T images: x, y in pixels of each image, z (depth, smaller = nearer the camera) in the
    same pixel scale as x; NaN where no face was found. ``confidence`` is 0 there."""

    landmarks: npt.NDArray[np.float32]  # [T, 468, 3]
    found: npt.NDArray[np.bool_]  # [T]
    confidence: npt.NDArray[np.float32]  # [T]


class FaceMesh:
    """One mediapipe FaceMesh and face detector reused for every image; close it after use, or use it as a
    context manager."""

    def __init__(self) -> None:
        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=True,
            max_num_faces=1,
            refine_landmarks=False,
            min_detection_confidence=MIN_DETECTION_CONFIDENCE,
        )
        self._detector = mp.solutions.face_detection.FaceDetection(
            model_selection=0, min_detection_confidence=MIN_DETECTION_CONFIDENCE
        )

    def __enter__(self) -> FaceMesh:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._mesh.close()
        self._detector.close()

    def landmarks(self, image: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32] | None:
        """468 x 3 points in pixels of ``image`` (RGB uint8 [H, W, 3]), or None without a face."""
        image = _checked_image(image)
        result = self._mesh.process(image)
        if not result.multi_face_landmarks:
            return None
        height, width = image.shape[:2]
        normalized = np.array(
            [(p.x, p.y, p.z) for p in result.multi_face_landmarks[0].landmark], dtype=np.float32
        )
        # mediapipe gives x / width, y / height and z on the scale of x.
        return normalized * np.array([width, height, width], dtype=np.float32)

    def confidence(self, image: npt.NDArray[np.uint8]) -> float:
        """Score of the best face detection in ``image`` (0 when none passes the threshold)."""
        result = self._detector.process(_checked_image(image))
        if not result.detections:
            return 0.0
        return float(max(d.score[0] for d in result.detections))

    def frames(
        self,
        frames: npt.NDArray[np.uint8],
        with_confidence: bool = True,
        progress: Callable[[], None] | None = None,
    ) -> MeshFrames:
        """Landmarks of every frame of [T, H, W, 3], with their confidence unless ``with_confidence`` is
        False (then 1 where found: saves the detector's ~1.5 ms); ``progress()`` is called per frame."""
        n = len(frames)
        landmarks = np.full((n, MESH_POINTS, 3), np.nan, dtype=np.float32)
        found = np.zeros(n, dtype=bool)
        confidence = np.zeros(n, dtype=np.float32)
        for i, frame in enumerate(frames):
            points = self.landmarks(frame)
            if points is not None:
                landmarks[i], found[i], confidence[i] = points, True, 1.0
                if with_confidence:
                    # The mesh's own detector passed MIN_DETECTION_CONFIDENCE on this image, so a miss by
                    # the separate detector (rare, different pre-processing) still means at least that.
                    confidence[i] = max(self.confidence(frame), MIN_DETECTION_CONFIDENCE)
            if progress is not None:
                progress()
        return MeshFrames(landmarks, found, confidence)


def _checked_image(image: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8 or min(image.shape[:2]) == 0:
        raise ValueError(f"expected an RGB uint8 image [H, W, 3], got {image.dtype} {image.shape}")
    return np.ascontiguousarray(image)
