"""Baselines over the same PHY and channel as the semantic modes (DESIGN.md, Modes): H.264+LDPC and
H.265+LDPC (PyAV encoders at the bitrate that fits a symbol budget), SVC (keypoints per frame, warping of
the reference frame) and codec2 audio. Entry points: ``run_h264``, ``run_h265``, ``run_svc``, ``run_codec2``,
and ``run_baseline`` (any of them by name, budgets from the clip's V2A symbols). docs/baselines.md.
"""

from .codec2_audio import run_codec2
from .h26x import run_h264, run_h265
from .modes import run_baseline
from .svc import run_svc

__all__ = ["run_baseline", "run_codec2", "run_h264", "run_h265", "run_svc"]
