"""All effectiveness metrics of an output clip against its reference, each beside the "frozen" baseline.

Frames: both clips are compared over their common number of frames (reported). Unless ``crop=False``, both
are cropped to the 256x256 face crop with the SAME boxes, computed on the reference (``track_face``, the
crop the semantics are extracted in); an output already 256x256 is taken as that crop. Everything visual is
measured on those crops: AKD in pixels of the 256x256 crop, as in FOMM's evaluation.

The frozen baseline is the reference's first (cropped) frame held for the whole clip, with the reference's
own audio: what a receiver shows with no motion at all. A reconstruction's AKD or PSNR means little without
it. Its audio metrics are those of the reference audio itself, so its WER is the ASR's own floor.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from ..media.clip import Clip
from ..media.face_crop import CROP_SIZE, crop_frames
from . import image_quality
from .akd import ALL_POINTS, MOUTH_POINTS, akd, frame_landmarks
from .av_offset import av_offset
from .identity import clip_embeddings, identity_scores, subsample
from .speech_quality import Transcriber, WerResult, align_audio, pesq_wb, speech_wer, stoi, word_error_rate

Row = dict[str, object]


def asr_transcribe(audio: npt.NDArray[np.float32], sample_rate: int, grammar: str | None = None) -> str:
    """The project's ASR (semantic.extract.asr), imported on first use: loading it takes a moment.

    ``grammar="grid"`` constrains it to GRID sentences, the fair intelligibility score on GRID clips.
    """
    from ..semantic.extract.asr import transcribe

    return transcribe(audio, sample_rate, grammar=grammar)


def evaluate(
    reference: Clip,
    output: Clip,
    reference_text: str | None = None,
    transcribe: Transcriber | None = asr_transcribe,
    crop: bool = True,
    crop_boxes: npt.ArrayLike | None = None,
) -> dict:
    """Metrics of ``output`` and of the frozen baseline against ``reference``, as a JSON-ready dict.

    ``reference_text``: what is said; without it WER is scored against the ASR transcript of the reference.
    ``transcribe``: ASR for WER (None: no WER). ``crop_boxes``: the reference's crop boxes [T, 4] when
    already known (ClipFeatures.crop_boxes), else they are computed. ``crop=False`` compares frames as given.
    Returns {"reference", "output", "frames", "metrics", "details", "seconds"}; each metric is a row
    {"output": v, "frozen": v[, "reference": v][, "why_missing": {column: reason}]} with None where a value
    could not be computed.
    """
    _check_compatible(reference, output)
    n = min(reference.n_frames, output.n_frames)
    seconds: dict[str, float] = {}
    with _timed(seconds, "crop"):
        ref_frames, out_frames = _compared_frames(reference, output, n, crop, crop_boxes)
    n_samples = int(round(n / reference.fps * reference.sample_rate))
    ref_audio, out_audio = reference.audio[:n_samples], output.audio[:n_samples]
    rate, fps = reference.sample_rate, reference.fps
    metrics: dict[str, Row] = {}
    details: dict[str, object] = {}
    with _timed(seconds, "akd"):
        ref_landmarks = frame_landmarks(ref_frames)
        out_landmarks = frame_landmarks(out_frames)
        # dlib is deterministic: the frozen clip's landmarks are those of the reference's first frame.
        frozen_landmarks = np.repeat(ref_landmarks[:1], n, axis=0)
        metrics |= _akd_rows(ref_landmarks, out_landmarks, frozen_landmarks)
    with _timed(seconds, "psnr_ssim"):
        metrics |= _image_rows(ref_frames, out_frames)
    with _timed(seconds, "identity"):
        metrics |= _identity_rows(ref_frames, out_frames, details)
    with _timed(seconds, "wer"):
        metrics["wer"] = _wer_row(ref_audio, out_audio, rate, reference_text, transcribe, details)
    with _timed(seconds, "pesq_stoi"):
        metrics |= _audio_quality_rows(ref_audio, out_audio, rate, details)
    with _timed(seconds, "av_offset"):
        offsets = {
            "output": av_offset(out_landmarks, out_audio, rate, fps),
            "frozen": av_offset(frozen_landmarks, ref_audio, rate, fps),
            "reference": av_offset(ref_landmarks, ref_audio, rate, fps),
        }
        metrics["av_offset_frames"] = _row({c: (o.lag_frames, o.reason) for c, o in offsets.items()})
        metrics["av_peak_correlation"] = _row({c: (o.peak_correlation, o.reason) for c, o in offsets.items()})
    return {
        "reference": reference.source,
        "output": output.source,
        "frames": {
            "reference": reference.n_frames,
            "output": output.n_frames,
            "compared": n,
            "fps": fps,
            "size": list(ref_frames.shape[1:3]),
            "cropped": crop,
        },
        "metrics": metrics,
        "details": details,
        "seconds": seconds,
    }


def _akd_rows(ref: np.ndarray, out: np.ndarray, frozen: np.ndarray) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for name, points in (("akd_px", ALL_POINTS), ("mouth_akd_px", MOUTH_POINTS)):
        scores = {"output": akd(ref, out, points), "frozen": akd(ref, frozen, points)}
        rows[name] = _row({c: (s.mean, "no frame with a face on both sides") for c, s in scores.items()})
    rows["akd_missing_frames"] = {c: s.n_missing for c, s in scores.items()}
    return rows


def _image_rows(ref_frames: np.ndarray, out_frames: np.ndarray) -> dict[str, Row]:
    frozen_frames = np.repeat(ref_frames[:1], len(ref_frames), axis=0)
    return {
        name: {
            "output": measure(ref_frames, out_frames).mean,
            "frozen": measure(ref_frames, frozen_frames).mean,
        }
        for name, measure in (("psnr_db", image_quality.psnr), ("ssim", image_quality.ssim))
    }


def _identity_rows(
    ref_frames: np.ndarray, out_frames: np.ndarray, details: dict[str, object]
) -> dict[str, Row]:
    indices = subsample(len(ref_frames))
    ref_embeddings = clip_embeddings(ref_frames, indices)
    # The frozen clip shows frame 0 at every sampled index, and frame 0 is the first sampled frame.
    frozen_embeddings = np.repeat(ref_embeddings[:1], len(indices), axis=0)
    scores = {
        "output": identity_scores(ref_embeddings, clip_embeddings(out_frames, indices), indices),
        "frozen": identity_scores(ref_embeddings, frozen_embeddings, indices),
    }
    details["identity_frames"] = len(indices)
    details["identity_missing_frames"] = {c: r.n_missing for c, r in scores.items()}
    why = "no sampled frame with a face on both sides"
    return {
        "identity_distance": _row({c: (r.distance, why) for c, r in scores.items()}),
        "csim": _row({c: (r.csim, why) for c, r in scores.items()}),
    }


def _audio_quality_rows(
    ref_audio: np.ndarray, out_audio: np.ndarray, rate: int, details: dict[str, object]
) -> dict[str, Row]:
    aligned = align_audio(ref_audio, out_audio, rate)
    details["audio_delay_s"] = aligned.delay_s
    rows: dict[str, Row] = {}
    for name, measure in (("pesq_wb", pesq_wb), ("stoi", stoi)):
        scores = {
            "output": measure(aligned.reference, aligned.output, rate),
            "frozen": measure(ref_audio, ref_audio, rate),
        }
        rows[name] = _row({c: (s.value, s.reason) for c, s in scores.items()})
    return rows


def _check_compatible(reference: Clip, output: Clip) -> None:
    if reference.n_frames == 0 or output.n_frames == 0:
        raise ValueError("both clips need at least one frame")
    if not math.isclose(reference.fps, output.fps, rel_tol=1e-6):
        raise ValueError(f"frame rates differ ({reference.fps} vs {output.fps} fps): read both at one rate")
    if reference.sample_rate != output.sample_rate:
        raise ValueError(
            f"audio rates differ ({reference.sample_rate} vs {output.sample_rate} Hz): read both at one rate"
        )


def _compared_frames(
    reference: Clip, output: Clip, n: int, crop: bool, crop_boxes: npt.ArrayLike | None
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """The first ``n`` frames of both clips, cropped with the reference's boxes (see module doc)."""
    ref_frames, out_frames = reference.frames[:n], output.frames[:n]
    ref_size, out_size = ref_frames.shape[1:3], out_frames.shape[1:3]
    if not crop and ref_size != out_size:
        raise ValueError(f"frame sizes differ ({_size(ref_size)} vs {_size(out_size)}) and cropping is off")
    if crop and out_size not in (ref_size, (CROP_SIZE, CROP_SIZE)):
        raise ValueError(
            f"output frames are {_size(out_size)}: neither the reference's size ({_size(ref_size)}) "
            f"nor the {CROP_SIZE}x{CROP_SIZE} face crop"
        )
    if not crop:
        return ref_frames, out_frames
    if crop_boxes is None:
        from ..semantic.extract.face_track import track_face  # mediapipe, loaded only when needed

        boxes = track_face(replace(reference, frames=ref_frames)).crop_boxes
    else:
        boxes = np.asarray(crop_boxes, dtype=np.float64)[:n]
        if boxes.shape != (n, 4):
            raise ValueError(f"crop_boxes must cover the {n} compared frames as [T, 4], got {boxes.shape}")
    ref_crops = crop_frames(ref_frames, boxes)
    return ref_crops, crop_frames(out_frames, boxes) if out_size == ref_size else out_frames


def _size(height_width: tuple[int, ...]) -> str:
    return f"{height_width[1]}x{height_width[0]}"


def _wer_row(
    ref_audio: np.ndarray,
    out_audio: np.ndarray,
    sample_rate: int,
    reference_text: str | None,
    transcribe: Transcriber | None,
    details: dict[str, object],
) -> Row:
    if transcribe is None:
        return {"output": None, "frozen": None, "why_missing": {"output": "ASR off", "frozen": "ASR off"}}
    if reference_text is None:
        # No transcript given: score against what the ASR hears in the reference, which makes the frozen
        # baseline (the reference audio) 0 by construction.
        heard = transcribe(ref_audio, sample_rate)
        details["wer_scored_against"] = "ASR transcript of the reference audio"
        frozen = word_error_rate(heard, heard)
        reference_text = heard
    else:
        details["wer_scored_against"] = "reference text"
        frozen = speech_wer(ref_audio, sample_rate, reference_text, transcribe)
    results: dict[str, WerResult] = {
        "output": speech_wer(out_audio, sample_rate, reference_text, transcribe),
        "frozen": frozen,
    }
    details["transcripts"] = {"reference_text": results["output"].reference} | {
        column: result.hypothesis for column, result in results.items()
    }
    return _row({column: (result.wer, result.reason) for column, result in results.items()})


def _row(values: dict[str, tuple[float | int | None, str]]) -> Row:
    """A metric row: None stands for NaN, and "why_missing" says why."""
    row: Row = {}
    why: dict[str, str] = {}
    for column, (value, reason) in values.items():
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        row[column] = None if missing else value
        if missing:
            why[column] = reason or "not computed"
    if why:
        row["why_missing"] = why
    return row


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[stage] = round(time.perf_counter() - start, 3)
