"""The baselines' curves on the GRID development clips for the benchmark: every method at every Es/N0 over
NTN-TDL-A, several fading realisations each, to a CSV and one PNG per clip (`bench_curves`), with the
frozen baseline's and V2A's clean-feature AKD per clip beside them (`reference_rows`)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from ..effect.akd import frame_landmarks
from ..testing_media import media_dir
from . import testing_clips as tc
from .curve import CurvePoint, baseline_curve, frozen_scores, plot_curve
from .scores import video_scores

ESN0_DB = (0.0, 2.0, 4.0, 6.0, 8.0, 12.0, 16.0, 20.0)
FIELDS = (
    "clip",
    "method",
    "channel",
    "esn0_db",
    "seed",
    "symbols",
    "lost_share",
    "akd_px",
    "face_lost",
    "psnr_db",
)


def bench_curves(
    out_dir: str | Path,
    clips: Sequence[str] = ("grid_bbaf2n", "grid_lrwp9a"),
    methods: Sequence[str] = ("h264", "h265", "svc"),
    esn0_db: Sequence[float] = ESN0_DB,
    seeds: Sequence[int] = (1, 2, 3, 4),
    kind: str = "ntn-tdl-a",
) -> list[tuple[str, CurvePoint]]:
    """Runs the curves, writes baselines_curve.csv, baselines_reference.csv and <clip>_curve.png."""
    if media_dir() is None:
        raise FileNotFoundError("the development media (../shared/media) is missing; set SEMSAT_MEDIA")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, CurvePoint]] = []
    references = []
    for name in clips:
        case = tc.grid_case(name)
        landmarks = frame_landmarks(case.clip.frames)
        codebook = tc.held_out_codebook(name) if "svc" in methods else None
        points = baseline_curve(case, methods, esn0_db, seeds, kind, codebook, landmarks)
        frozen = frozen_scores(case, landmarks)
        v2a = video_scores(case.clip.frames, tc.v2a_clean_frames(name), landmarks)
        references += [(name, "frozen", frozen), (name, "v2a_clean", v2a)]
        plot_curve(points, out / f"{name}_curve.png", frozen.akd_px)
        for p in points:
            print(f"{name} {p.line()}", flush=True)
            rows.append((name, p))
    with open(out / "baselines_curve.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(FIELDS)
        for name, p in rows:
            s = p.scores
            writer.writerow(
                [
                    name,
                    p.method,
                    p.channel,
                    p.esn0_db,
                    p.seed,
                    p.symbols,
                    p.lost_share,
                    s.akd_px,
                    s.face_lost_share,
                    s.psnr_db,
                ]
            )
    with open(out / "baselines_reference.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("clip", "method", "akd_px", "face_lost", "psnr_db"))
        for name, method, s in references:
            writer.writerow([name, method, s.akd_px, s.face_lost_share, s.psnr_db])
    return rows
