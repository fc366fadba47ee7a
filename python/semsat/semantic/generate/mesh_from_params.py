"""The 468-point mesh in crop pixels rebuilt from the 12 transmitted face parameters (receiver side).

The knowledge base holds a reference frame of the speaker with its mesh and parameters. Its mesh, with the
reference's head pose removed, is the speaker's own face shape; a target frame's mesh is that shape plus the
expression model's basis times the coefficient change from the reference (coefficients carry a per-speaker
bias, so only differences are meaningful), posed with the target's rotation and translation. The depth
offset is not transmitted, and not needed: it does not move the points in the image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..extract.expression_model import N_COEFFICIENTS, ExpressionModel
from ..extract.head_pose import HeadPose, camera_to_crop, crop_to_camera, fit_head_pose

CROP_SIZE = 256
EXPRESSION = slice(0, N_COEFFICIENTS)
ROTATION = slice(6, 9)
TRANSLATION = slice(9, 12)


@dataclass(frozen=True)
class MeshModel:
    """One speaker's face shape (canonical frame) and reference coefficients, from a KB reference frame."""

    shape: npt.NDArray[np.float64]  # [468, 3] reference mesh with the head pose removed
    reference_coefficients: npt.NDArray[np.float64]  # [6]
    components: npt.NDArray[np.float64]  # [6, 468 * 3] expression basis
    crop_size: int = CROP_SIZE

    @classmethod
    def from_reference(
        cls,
        reference_mesh: npt.ArrayLike,
        reference_params: npt.ArrayLike,
        model: ExpressionModel | None = None,
        crop_size: int = CROP_SIZE,
    ) -> MeshModel:
        """From the reference's mesh [468, 3] (crop pixels) and its face parameters [12]."""
        model = model or ExpressionModel.load()
        mesh = np.asarray(reference_mesh, dtype=np.float64)
        params = np.asarray(reference_params, dtype=np.float64)
        if mesh.shape != model.mean_shape.shape or params.shape != (12,):
            raise ValueError(
                f"need a reference mesh [468, 3] and params [12], got {mesh.shape}, {params.shape}"
            )
        camera = crop_to_camera(mesh, crop_size)
        pose = fit_head_pose(camera, model.mean_shape, model.canonical.weights)
        return cls(pose.to_canonical(camera), params[EXPRESSION].copy(), model.components, crop_size)

    def meshes(self, face_params: npt.ArrayLike) -> npt.NDArray[np.float32]:
        """Meshes [T, 468, 3] in crop pixels for face parameters [T, 12]."""
        params = np.asarray(face_params, dtype=np.float64)
        if params.ndim != 2 or params.shape[1] != 12 or not np.isfinite(params).all():
            raise ValueError(f"need finite face parameters [T, 12], got {params.shape}")
        deltas = (params[:, EXPRESSION] - self.reference_coefficients) @ self.components
        shapes = self.shape + deltas.reshape(len(params), *self.shape.shape)
        out = np.empty_like(shapes)
        for i, (shape, p) in enumerate(zip(shapes, params, strict=True)):
            pose = HeadPose.from_parameters(p[ROTATION], p[TRANSLATION])
            out[i] = camera_to_crop(pose.from_canonical(shape), self.crop_size)
        return out.astype(np.float32)
