"""`semsat-train a2f`: the learned A2V audio-to-face network (models/a2f.onnx, semantic/generate/a2f.py).

Trains a small temporal conv net on the GRID development clips (forced-aligned phones, pitch, energy →
expression change from the speaker at rest), scores it leave-one-clip-out beside the viseme table learned
the same way, then trains on all clips and exports ONNX with a dynamic time axis. torch and onnx are needed
here only, so they are imported inside the functions: the receiver runs the ONNX file with onnxruntime.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..media.manifest import read_manifest
from ..semantic.extract.expression_model import N_COEFFICIENTS, installed_model_tag
from ..semantic.extract.phonemes import PHONES
from ..semantic.features import ClipFeatures, FeaturesError
from ..semantic.generate.a2f import INPUT_NAME, N_INPUTS, OUTPUT_NAME, frame_inputs
from ..semantic.generate.viseme import SILENCE_ID, frame_phones, viseme_face_params
from ..semantic.generate.viseme_training import train_viseme_table
from .media_argument import add_cache_argument, add_media_argument

HELP = "train the A2V audio-to-face network (phones, pitch, energy → face parameters) and export ONNX"
SEED = 0
CHANNELS = 32
KERNELS = (7, 7, 5)  # 17 frames (0.68 s) of context, both sides: coarticulation reaches a syllable away
EPOCHS = 400
LEARNING_RATE = 3e-3
WEIGHT_DECAY = 1e-3
DROPOUT = 0.2  # 375 training frames: the net must not memorize the clips


@dataclass(frozen=True)
class Example:
    name: str
    inputs: npt.NDArray[np.float32]  # [N_INPUTS, T]
    target: npt.NDArray[np.float32]  # [6, T] expression minus the clip's rest (mean over silent frames)
    features: ClipFeatures


def rest_coefficients(features: ClipFeatures) -> npt.NDArray[np.float64]:
    """The speaker at rest: mean expression over silent frames (the whole clip if none is silent)."""
    expression = features.face_params[:, :N_COEFFICIENTS].astype(np.float64)
    silent = frame_phones(features.phonemes, features.durations) == SILENCE_ID
    return expression[silent].mean(axis=0) if silent.any() else expression.mean(axis=0)


def example(features: ClipFeatures) -> Example:
    target = features.face_params[:, :N_COEFFICIENTS] - rest_coefficients(features)
    inputs = frame_inputs(features.phonemes, features.durations, features.pitch, features.energy)
    return Example(Path(features.source).name, inputs, target.T.astype(np.float32), features)


def cached_grid_features(media: Path, cache: Path) -> list[ClipFeatures]:
    """Features of the GRID development clips (MANIFEST.tsv transcripts), extracted once into ``cache``."""
    from ..semantic.extract.pipeline import extract_clip  # mediapipe, dlib, pocketsphinx: only on a miss

    entries = [e for e in read_manifest(media) if Path(e.file).name.startswith("grid_") and e.transcript]
    if not entries:
        raise ValueError(f"{media}: no GRID clips listed in MANIFEST.tsv")
    cache.mkdir(parents=True, exist_ok=True)
    model = installed_model_tag()
    clips = []
    for entry in sorted(entries, key=lambda e: e.file):
        path = media / entry.file
        # Keyed by the clip's size, the transcript and the expression model, so a replaced clip, a corrected
        # transcript or a retrained model re-extracts.
        identity = f"{path.stat().st_size}\t{entry.transcript}\t{model}"
        key = hashlib.sha256(identity.encode()).hexdigest()[:12]
        cached = cache / f"{path.stem}-{key}.npz"
        try:
            features = ClipFeatures.load(cached)
        except FeaturesError:
            features = extract_clip(path, transcript=entry.transcript)
            features.save(cached)
        clips.append(features)
    return clips


def build_network(torch: object) -> object:
    """The conv net: same-length convolutions over time, ReLU between, a linear 6-channel head."""
    nn = torch.nn
    layers: list[object] = [nn.Dropout(DROPOUT)]
    channels = N_INPUTS
    for kernel in KERNELS[:-1]:
        layers += [nn.Conv1d(channels, CHANNELS, kernel, padding=kernel // 2), nn.ReLU()]
        channels = CHANNELS
    layers.append(nn.Conv1d(channels, N_COEFFICIENTS, KERNELS[-1], padding=KERNELS[-1] // 2))
    return nn.Sequential(*layers)


def train_network(examples: list[Example]) -> object:
    """A network fitted to ``examples`` (full batch, one clip at a time, fixed seed and epochs)."""
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(1)  # deterministic and, at this size, no slower
    net = build_network(torch)
    optimizer = torch.optim.AdamW(net.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    data = [(torch.from_numpy(e.inputs)[None], torch.from_numpy(e.target)[None]) for e in examples]
    net.train()
    for _ in range(EPOCHS):
        optimizer.zero_grad()
        loss = sum(torch.mean((net(x) - y) ** 2) for x, y in data) / len(data)
        loss.backward()
        optimizer.step()
    return net.eval()


def predict(net: object, ex: Example) -> npt.NDArray[np.float32]:
    """Face parameters [T, 12] of a clip with frame 0 as the KB reference, like the receiver."""
    import torch

    reference = ex.features.face_params[0].astype(np.float64)
    with torch.no_grad():
        change = net(torch.from_numpy(ex.inputs)[None])[0].numpy().T
    pose = np.repeat(reference[None, N_COEFFICIENTS:], len(change), axis=0)
    return np.concatenate([reference[:N_COEFFICIENTS] + change, pose], axis=1).astype(np.float32)


@dataclass(frozen=True)
class Score:
    name: str
    correlation: float  # of the predicted mouth opening (coefficient 0) with the extracted one
    mse: float  # over the 6 expression coefficients


def score(name: str, params: npt.NDArray[np.float32], features: ClipFeatures) -> Score:
    predicted, true = params[:, :N_COEFFICIENTS], features.face_params[:, :N_COEFFICIENTS]
    return Score(
        name,
        float(np.corrcoef(predicted[:, 0], true[:, 0])[0, 1]),
        float(np.mean((predicted - true) ** 2)),
    )


def leave_one_out(examples: list[Example]) -> list[tuple[Score, Score]]:
    """Per held-out clip: (A2F, viseme table), both learned on the other clips."""
    results = []
    for held in examples:
        rest = [e for e in examples if e is not held]
        net = train_network(rest)
        table = train_viseme_table([e.features for e in rest])
        f = held.features
        visemes = viseme_face_params(table, f.phonemes, f.durations, f.face_params[0])
        results.append((score(held.name, predict(net, held), f), score(held.name, visemes, f)))
    return results


def export(net: object, output: Path) -> None:
    """ONNX with a dynamic time axis, weights inlined (no external data file)."""
    import torch

    dummy = torch.zeros(1, N_INPUTS, 75)
    torch.onnx.export(
        net,
        (dummy,),
        str(output),
        input_names=[INPUT_NAME],
        output_names=[OUTPUT_NAME],
        dynamic_axes={INPUT_NAME: {2: "frames"}, OUTPUT_NAME: {2: "frames"}},
        opset_version=17,
        dynamo=False,
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_media_argument(parser)
    add_cache_argument(parser)
    parser.add_argument("-o", "--output", type=Path, default=Path("models/a2f.onnx"), help="ONNX file")


def run(args: argparse.Namespace) -> int:
    if not (args.media / "clips").is_dir():
        print(f"semsat-train a2f: no clips folder in {args.media}", file=sys.stderr)
        return 1
    examples = [example(f) for f in cached_grid_features(args.media, args.cache)]
    print(f"{len(examples)} clips, {sum(e.inputs.shape[1] for e in examples)} frames, {len(PHONES)} phones")
    print("leave-one-clip-out: clip, mouth-opening correlation A2F (visemes), expression MSE A2F (visemes)")
    held_out = leave_one_out(examples)
    for a2f, visemes in held_out:
        correlations = f"{a2f.correlation:.3f} ({visemes.correlation:.3f})"
        print(f"  {a2f.name}: {correlations}  {a2f.mse:.5f} ({visemes.mse:.5f})")
    means = np.mean([[a.correlation, v.correlation, a.mse, v.mse] for a, v in held_out], axis=0)
    print(f"  mean: {means[0]:.3f} ({means[1]:.3f})  {means[2]:.5f} ({means[3]:.5f})")
    net = train_network(examples)
    print("in-sample (final model, trained on all clips): clip, correlation, MSE")
    for e in examples:
        s = score(e.name, predict(net, e), e.features)
        print(f"  {s.name}: {s.correlation:.3f}  {s.mse:.5f}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    export(net, args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1000:.0f} kB)")
    return 0
