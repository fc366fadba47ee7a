"""A linear expression model: PCA of pose-normalized 468-point meshes → 6 coefficients per frame.

The basis is fitted on each clip's deviations from that clip's own mean aligned shape, so it spans how a
face moves (mouth, jaw, lips, eyelids, brows) and not how faces differ between people. A speaker's identity
offset from the canonical shape therefore shows as a constant bias in the coefficients: use them relative
to a reference frame of the same person (the knowledge base's), not as absolute values.

Component order and sign: coefficient 0 is the mouth opening (the component whose coefficient correlates
most with the inner-lip gap, landmark 13 to 14, signed so that a wider-open mouth gives a larger value);
the others follow by decreasing explained variance, each signed to correlate positively with the lip gap.

The model file (models/expression_pca.npz, made by ``semsat-train expression``) also holds the canonical
face (head_pose.py, canonical_face.py) that defines the pose normalization.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ...model_files import installed_model_path, read_npz
from .canonical_face import CanonicalFace

N_COEFFICIENTS = 6
MODEL_VERSION = 1
DEFAULT_MODEL_NAME = "expression_pca.npz"
MOUTH_OPENING = 0  # coefficient 0 is the mouth opening (module docstring)
UPPER_LIP_INNER = 13
LOWER_LIP_INNER = 14


class ExpressionModelError(ValueError):
    """A missing, foreign or inconsistent expression model file."""


def lip_gap(aligned_landmarks: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Inner-lip opening (upper minus lower inner-lip point height) of aligned meshes [..., 468, 3]."""
    points = np.asarray(aligned_landmarks, dtype=np.float64)
    return points[..., UPPER_LIP_INNER, 1] - points[..., LOWER_LIP_INNER, 1]


@dataclass
class ExpressionModel:
    canonical: CanonicalFace
    components: npt.NDArray[np.float64]  # [K, 468 * 3], orthonormal rows
    explained_variance: npt.NDArray[np.float64]  # [K], of the coefficients on the training data
    explained_variance_ratio: npt.NDArray[np.float64]  # [K], share of the within-clip variance

    @property
    def mean_shape(self) -> npt.NDArray[np.float64]:
        return self.canonical.shape

    @property
    def n_coefficients(self) -> int:
        return int(self.components.shape[0])

    def coefficients(self, aligned_landmarks: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Coefficients [..., K] of pose-normalized meshes [..., 468, 3] (HeadPose.to_canonical)."""
        points = np.asarray(aligned_landmarks, dtype=np.float64)
        if points.shape[-2:] != self.mean_shape.shape:
            raise ValueError(
                f"expected aligned landmarks [..., {len(self.mean_shape)}, 3], got {points.shape}"
            )
        deviation = (points - self.mean_shape).reshape(*points.shape[:-2], -1)
        return deviation @ self.components.T

    def reconstruct(self, coefficients: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Aligned meshes [..., 468, 3] from coefficients [..., K]: the mean shape plus the components."""
        coefficients = np.asarray(coefficients, dtype=np.float64)
        if coefficients.shape[-1] != self.n_coefficients:
            raise ValueError(f"expected [..., {self.n_coefficients}] coefficients, got {coefficients.shape}")
        deviation = coefficients @ self.components
        return self.mean_shape + deviation.reshape(*coefficients.shape[:-1], *self.mean_shape.shape)

    @classmethod
    def fit(
        cls,
        aligned_landmarks_list: list[npt.ArrayLike],
        canonical: CanonicalFace,
        n_components: int = N_COEFFICIENTS,
    ) -> ExpressionModel:
        """PCA of the within-clip deviations of aligned meshes, one [T, 468, 3] array per clip."""
        clips = [np.asarray(a, dtype=np.float64) for a in aligned_landmarks_list if len(a) > 1]
        if not clips:
            raise ValueError("need at least one clip of two or more aligned frames")
        deviations = np.concatenate([(c - c.mean(axis=0)).reshape(len(c), -1) for c in clips])
        gaps = np.concatenate([lip_gap(c) - lip_gap(c).mean() for c in clips])
        _, singular, vt = np.linalg.svd(deviations, full_matrices=False)
        if len(singular) < n_components:
            raise ValueError(f"{len(singular)} frames cannot give {n_components} components")
        variance = singular**2 / len(deviations)
        components, variance = vt[:n_components], variance[:n_components]
        scores = deviations @ components.T
        correlation = np.array([np.corrcoef(s, gaps)[0, 1] for s in scores.T])
        components *= np.where(correlation < 0, -1.0, 1.0)[:, None]
        mouth = int(np.argmax(np.abs(correlation)))
        order = [mouth, *(i for i in range(n_components) if i != mouth)]
        total = (deviations**2).sum() / len(deviations)
        return cls(canonical, components[order], variance[order], variance[order] / total)

    def save(self, path: str | Path) -> None:
        np.savez_compressed(
            path,
            version=np.array(MODEL_VERSION),
            mean_shape=self.mean_shape.astype(np.float32),
            mirror_index=self.canonical.mirror_index.astype(np.int16),
            rigid_weights=self.canonical.weights.astype(np.float32),
            components=self.components.astype(np.float32),
            explained_variance=self.explained_variance.astype(np.float32),
            explained_variance_ratio=self.explained_variance_ratio.astype(np.float32),
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> ExpressionModel:
        """The model at ``path``, by default the one installed with the package (models/)."""
        path = Path(path) if path is not None else default_model_path()
        arrays = read_npz(path, ExpressionModelError, "expression model", "semsat-train expression")
        return cls._from_arrays(arrays, path)

    @classmethod
    def _from_arrays(cls, arrays: dict[str, np.ndarray], path: Path) -> ExpressionModel:
        needed = (
            "version",
            "mean_shape",
            "mirror_index",
            "rigid_weights",
            "components",
            "explained_variance",
            "explained_variance_ratio",
        )
        missing = [name for name in needed if name not in arrays]
        if missing:
            raise ExpressionModelError(f"{path}: not an expression model (missing {', '.join(missing)})")
        if int(arrays["version"]) != MODEL_VERSION:
            raise ExpressionModelError(
                f"{path}: model version {int(arrays['version'])}, this code reads {MODEL_VERSION}"
            )
        shape = arrays["mean_shape"].astype(np.float64)
        n_points = len(shape)
        components = arrays["components"].astype(np.float64)
        consistent = (
            shape.shape == (n_points, 3)
            and arrays["mirror_index"].shape == (n_points,)
            and arrays["rigid_weights"].shape == (n_points,)
            and components.ndim == 2
            and components.shape[1] == n_points * 3
            and arrays["explained_variance"].shape == (len(components),)
            and arrays["explained_variance_ratio"].shape == (len(components),)
        )
        if not consistent:
            raise ExpressionModelError(f"{path}: the arrays of the expression model do not fit together")
        canonical = CanonicalFace(
            shape, arrays["mirror_index"].astype(np.int64), arrays["rigid_weights"].astype(np.float64)
        )
        return cls(
            canonical,
            components,
            arrays["explained_variance"].astype(np.float64),
            arrays["explained_variance_ratio"].astype(np.float64),
        )


def default_model_path() -> Path:
    """models/expression_pca.npz as installed inside the gnuradio.semsat package."""
    return installed_model_path(DEFAULT_MODEL_NAME)


def installed_model_tag() -> str:
    """A short hash of the installed model file: face parameters cached on disk are only valid for it."""
    return hashlib.sha256(default_model_path().read_bytes()).hexdigest()[:12]
