"""The transmitter's knowledge-base update decision at level L0-L3 (DESIGN.md, "Semantic layer").

At level k the checks L0..k run in order and the KB reference is reused only when every one passes; the
first failing check (or a speaker not in the KB: first contact) means "update". L3 always updates.

- L0 identity: dlib descriptor of the current clip (``ClipFeatures.identity``, the mean over a few
  well-detected frames computed at extraction, so the check costs nothing) against the KB's. dlib's
  descriptors are not zero-mean (norm ~1.45-1.55 on the development clips), so cosines bunch near 1: CSIM
  0.97 for the one same-person pair against 0.79-0.92 for different people, while the L2 distance reads
  0.39 against 0.60-0.94. The default therefore thresholds the distance (``max_identity_distance`` 0.5,
  midway in that gap, below dlib's looser 0.6); ``identity_metric="csim"`` thresholds CSIM instead.
  For two descriptors of equal norm r, CSIM = 1 - d^2 / (2 r^2): d = 0.5 at r ~ 1.5 is CSIM ~ 0.944,
  hence the default ``alpha_csim`` 0.94. Both values are always measured and reported.
- L1 pixel quality: the transmitter runs the receiver's renderer on the KB record and the current
  features (``reconstruct``) and needs mean PSNR >= ``alpha_psnr_db`` against the current 256x256 crops.
  The default stand-in ``frozen_reconstruction`` holds the reference frame (the paper's "frozen"
  baseline); the real renderer plugs in with the same signature. 20 dB default: a reference of another
  session or person gives 11-12 dB, the frozen reference of the same session 16-29 dB and the renderer's
  target on GRID is >= 28 dB.
- L2 face-parameter distance: the clip's typical frame (per-parameter median over the clip) against the
  reference's parameters: largest pitch/yaw/roll difference <= ``max_pose_deg`` (15 deg) and L2 distance
  of the 6 expression coefficients <= ``max_expression_distance`` (0.3). Within one development clip the
  first frame lies 0.3-9.8 deg and 0.06-0.24 from the typical frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Literal

import numpy as np
import numpy.typing as npt

from ...effect.image_quality import psnr
from ..features import EXPRESSION, ROTATION, ClipFeatures
from .record import IdentityRecord
from .store import KnowledgeBase

Reconstruct = Callable[[IdentityRecord, ClipFeatures], npt.NDArray[np.uint8]]


class UpdateLevel(IntEnum):
    L0 = 0  # identity
    L1 = 1  # + pixel quality of the transmitter's own reconstruction
    L2 = 2  # + face-parameter distance
    L3 = 3  # always update


def frozen_reconstruction(record: IdentityRecord, features: ClipFeatures) -> npt.NDArray[np.uint8]:
    """The KB reference frame held for every frame of the clip: a stand-in for the receiver's renderer."""
    return np.repeat(record.reference_frame[None], features.n_frames, axis=0)


@dataclass(frozen=True)
class UpdatePolicy:
    """Update level and thresholds (defaults and their reasons in the module's docstring)."""

    level: UpdateLevel = UpdateLevel.L2
    identity_metric: Literal["distance", "csim"] = "distance"
    max_identity_distance: float = 0.5
    alpha_csim: float = 0.94
    alpha_psnr_db: float = 20.0
    max_pose_deg: float = 15.0
    max_expression_distance: float = 0.3
    reconstruct: Reconstruct = field(default=frozen_reconstruction, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", UpdateLevel(self.level))
        if self.identity_metric not in ("distance", "csim"):
            raise ValueError(f"identity_metric must be 'distance' or 'csim', got {self.identity_metric!r}")

    def decide(
        self, kb: KnowledgeBase, features: ClipFeatures, frames_256: npt.NDArray[np.uint8]
    ) -> UpdateDecision:
        """Whether the current clip (its features and 256x256 crops) needs a KB update of its speaker.
        Every check up to the level runs, so ``checks`` reports all values even after a failure."""
        if self.level == UpdateLevel.L3:
            return UpdateDecision(True, ["L3: always update"], {})
        record = kb.get(features.speaker)
        if record is None:
            return UpdateDecision(True, [f"first contact: {features.speaker!r} is not in the KB"], {})
        checks: dict[str, float] = {}
        reasons = [
            reason
            for k, check in enumerate(_CHECKS)
            if k <= self.level and (reason := check(self, record, features, frames_256, checks))
        ]
        return UpdateDecision(bool(reasons), reasons, checks)


@dataclass(frozen=True)
class UpdateDecision:
    """``update``: send a new reference; ``reasons``: the failed checks; ``checks``: every measured value."""

    update: bool
    reasons: list[str]
    checks: dict[str, float]


def decide(
    kb: KnowledgeBase,
    features: ClipFeatures,
    frames_256: npt.NDArray[np.uint8],
    level: UpdateLevel | int,
    policy: UpdatePolicy | None = None,
) -> UpdateDecision:
    """The decision at ``level`` with ``policy``'s thresholds and renderer (defaults when None)."""
    return replace(policy or UpdatePolicy(), level=UpdateLevel(level)).decide(kb, features, frames_256)


Check = Callable[[UpdatePolicy, IdentityRecord, ClipFeatures, npt.NDArray[np.uint8], dict[str, float]], str]


def _identity(
    policy: UpdatePolicy,
    record: IdentityRecord,
    features: ClipFeatures,
    _: npt.NDArray[np.uint8],
    checks: dict[str, float],
) -> str:
    current, known = features.identity.astype(np.float64), record.embedding.astype(np.float64)
    distance = float(np.linalg.norm(current - known))
    csim = float(current @ known / (np.linalg.norm(current) * np.linalg.norm(known)))
    checks.update(identity_distance=distance, csim=csim)
    if policy.identity_metric == "csim" and csim < policy.alpha_csim:
        return f"L0: CSIM {csim:.3f} < {policy.alpha_csim}"
    if policy.identity_metric == "distance" and distance > policy.max_identity_distance:
        return f"L0: identity distance {distance:.3f} > {policy.max_identity_distance}"
    return ""


def _quality(
    policy: UpdatePolicy,
    record: IdentityRecord,
    features: ClipFeatures,
    frames: npt.NDArray[np.uint8],
    checks: dict[str, float],
) -> str:
    reconstruction = policy.reconstruct(record, features)
    if len(reconstruction) != len(frames):
        raise ValueError(
            f"the reconstruction has {len(reconstruction)} frames for {len(frames)} current frames"
        )
    checks["psnr_db"] = value = psnr(frames, reconstruction).mean
    return f"L1: PSNR {value:.1f} dB < {policy.alpha_psnr_db} dB" if value < policy.alpha_psnr_db else ""


def _face_params(
    policy: UpdatePolicy,
    record: IdentityRecord,
    features: ClipFeatures,
    _: npt.NDArray[np.uint8],
    checks: dict[str, float],
) -> str:
    typical = np.median(features.face_params, axis=0)
    pose = float(np.degrees(np.abs(typical[ROTATION] - record.reference_params[ROTATION]).max()))
    expression = float(np.linalg.norm(typical[EXPRESSION] - record.reference_params[EXPRESSION]))
    checks.update(pose_deg=pose, expression_distance=expression)
    failed = []
    if pose > policy.max_pose_deg:
        failed.append(f"pose {pose:.1f} deg > {policy.max_pose_deg} deg")
    if expression > policy.max_expression_distance:
        failed.append(f"expression distance {expression:.3f} > {policy.max_expression_distance}")
    return "L2: " + ", ".join(failed) if failed else ""


_CHECKS: tuple[Check, ...] = (_identity, _quality, _face_params)
