"""The codec at run time: the ONNX encoder and decoder of a stream through onnxruntime (numpy only).

``StreamCodec.encode`` turns one window of items into unit-power complex symbols, ``decode`` turns received
symbols and their per-symbol noise variances (the OFDM demapper's CSI, or a test channel's) back into items.
A budget below the model's ``symbols_per_item`` sends only the first symbols of each item (the model was
trained for that); the decoder is given the missing ones as zeros of MAX_NOISE_VAR.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from ...model_files import MODELS_DIR
from .streams import MAX_ITEMS, StreamKind, StreamSpec, stream_spec

ENCODER_INPUT = "items"  # [B, T, D] float32 or [B, T] int64
ENCODER_OUTPUT = "symbols"  # [B, T * k, 2] float32 (re, im)
DECODER_INPUTS = ("symbols", "noise_var")  # [B, T * k, 2] float32, [B, T * k] float32
DECODER_OUTPUT = "items"  # [B, T, D] float32 or logits [B, T, V]
MAX_NOISE_VAR = 1e4  # the variance the decoder reads as "not received" (same clip as in model.py)
# A float stream coded relative to an anchor (the face: offsets from the KB record's reference parameters)
# carries the anchor to use when none is given in its ONNX metadata under this key, comma-separated.
ANCHOR_METADATA = "semsat.default_anchor"


def format_anchor(anchor: npt.ArrayLike) -> str:
    return ",".join(f"{v:.9g}" for v in np.asarray(anchor, dtype=np.float64).reshape(-1))


def model_anchor(session: object, width: int) -> npt.NDArray[np.float32] | None:
    """The default anchor in a session's metadata, or None for a model that codes its items as they are."""
    text = session.get_modelmeta().custom_metadata_map.get(ANCHOR_METADATA)
    if text is None:
        return None
    anchor = np.asarray([float(v) for v in text.split(",")], dtype=np.float32)
    if anchor.shape != (width,):
        raise CodecModelError(f"anchor metadata holds {anchor.size} values, the stream has {width}")
    return anchor


class CodecModelError(RuntimeError):
    """A codec model cannot be loaded (missing file, onnxruntime absent, foreign graph)."""


def _session(path: Path, inputs: list[str], output: str) -> object:
    try:
        import onnxruntime  # the run-time dependency, imported here so a missing one gives a clear error
    except ImportError:
        raise CodecModelError("onnxruntime is not installed: pip install onnxruntime") from None
    if not path.is_file():
        raise CodecModelError(f"{path}: no codec model there; make it with `semsat-train codec`")
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # a ~100k-weight model per window: threads cost more than they save
    options.inter_op_num_threads = 1
    try:
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime raises its own exception types for unreadable graphs
        raise CodecModelError(f"{path}: not a readable ONNX model ({e})") from None
    got = ([i.name for i in session.get_inputs()], [o.name for o in session.get_outputs()])
    if got != (inputs, [output]):
        raise CodecModelError(f"{path}: not a codec model (expects {inputs} → {output}, has {got})")
    return session


class StreamCodec:
    """Encoder and decoder of one stream (face, text, phonemes or durations)."""

    def __init__(self, spec: StreamSpec, encoder: object, decoder: object) -> None:
        self.spec = spec
        self._encoder = encoder
        self._decoder = decoder
        self.default_anchor = model_anchor(encoder, spec.width) if spec.kind is StreamKind.FLOATS else None

    @classmethod
    def load(cls, stream: str, models_dir: str | Path | None = None) -> StreamCodec:
        """The stream's two ONNX files from ``models_dir`` (default: those installed with the package)."""
        spec = stream_spec(stream)
        folder = Path(models_dir) if models_dir is not None else MODELS_DIR
        encoder = _session(folder / spec.encoder_file, [ENCODER_INPUT], ENCODER_OUTPUT)
        decoder = _session(folder / spec.decoder_file, list(DECODER_INPUTS), DECODER_OUTPUT)
        return cls(spec, encoder, decoder)

    def check_budget(self, symbols_per_item: int | None) -> int:
        k = self.spec.symbols_per_item if symbols_per_item is None else int(symbols_per_item)
        if not 1 <= k <= self.spec.symbols_per_item:
            raise ValueError(
                f"{self.spec.name}: {k} symbols per item; the model codes 1..{self.spec.symbols_per_item}"
            )
        return k

    def items_array(self, items: npt.ArrayLike) -> npt.NDArray:
        """``items`` as the encoder takes them, or ValueError saying what is wrong."""
        if self.spec.kind is StreamKind.FLOATS:
            array = np.asarray(items, dtype=np.float32).reshape(-1, self.spec.width)
            if not np.isfinite(array).all():
                raise ValueError(f"{self.spec.name}: items hold NaN or inf")
        else:
            array = np.asarray(items).reshape(-1)
            if array.size and (array.min() < 0 or array.max() >= self.spec.width):
                raise ValueError(f"{self.spec.name}: token ids must lie in 0..{self.spec.width - 1}")
            array = array.astype(np.int64)
        if not 1 <= len(array) <= MAX_ITEMS:
            raise ValueError(f"{self.spec.name}: a window holds 1..{MAX_ITEMS} items, got {len(array)}")
        return array

    def anchor_array(self, anchor: npt.ArrayLike | None) -> npt.NDArray[np.float32] | None:
        """What an anchored model subtracts from its items: ``anchor`` (a frame of the same speaker both ends
        know, e.g. the KB record's reference parameters) or, without one, the model's default. None for a
        model that codes its items as they are (it takes no anchor)."""
        if self.default_anchor is None:
            if anchor is not None:
                raise ValueError(f"{self.spec.name}: this model codes its items as they are, with no anchor")
            return None
        if anchor is None:
            return self.default_anchor
        array = np.asarray(anchor, dtype=np.float32).reshape(-1)
        if array.shape != self.default_anchor.shape or not np.isfinite(array).all():
            raise ValueError(f"{self.spec.name}: the anchor must be {self.spec.width} finite floats")
        return array

    def encode(
        self,
        items: npt.ArrayLike,
        symbols_per_item: int | None = None,
        anchor: npt.ArrayLike | None = None,
    ) -> npt.NDArray[np.complex64]:
        """Unit-power complex symbols of one window, ``len(items) * symbols_per_item``, item by item; an
        anchored model codes the items relative to ``anchor`` (see anchor_array)."""
        k = self.check_budget(symbols_per_item)
        array = self.items_array(items)
        reference = self.anchor_array(anchor)
        if reference is not None:
            array = array - reference
        (out,) = self._encoder.run([ENCODER_OUTPUT], {ENCODER_INPUT: array[None]})
        grid = (out[0, :, 0] + 1j * out[0, :, 1]).reshape(len(array), self.spec.symbols_per_item)[:, :k]
        # The kept symbols alone must still have unit average power: the budget, not the power, shrinks.
        return (grid / np.sqrt(np.mean(np.abs(grid) ** 2))).reshape(-1).astype(np.complex64)

    def decode_raw(
        self, symbols: npt.ArrayLike, noise_var: npt.ArrayLike, symbols_per_item: int | None = None
    ) -> npt.NDArray[np.float32]:
        """The decoder's output for one window: floats [T, D] or token logits [T, V]."""
        k = self.check_budget(symbols_per_item)
        y = np.asarray(symbols, dtype=np.complex64).reshape(-1)
        nv = np.broadcast_to(np.asarray(noise_var, dtype=np.float32), y.shape)
        if y.size == 0 or y.size % k:
            raise ValueError(f"{self.spec.name}: {y.size} symbols are not a whole number of {k}-symbol items")
        # A symbol that is not finite, or has no usable variance, is treated as not received.
        bad = ~(np.isfinite(y) & np.isfinite(nv) & (nv >= 0))
        y = np.where(bad, 0, y)
        nv = np.where(bad, MAX_NOISE_VAR, nv)
        n_items = y.size // k
        full = np.zeros((n_items, self.spec.symbols_per_item), np.complex64)
        full_nv = np.full((n_items, self.spec.symbols_per_item), MAX_NOISE_VAR, np.float32)
        full[:, :k] = y.reshape(n_items, k)
        full_nv[:, :k] = nv.reshape(n_items, k)
        stacked = np.stack([full.real.reshape(-1), full.imag.reshape(-1)], axis=1).astype(np.float32)
        (out,) = self._decoder.run(
            [DECODER_OUTPUT],
            {DECODER_INPUTS[0]: stacked[None], DECODER_INPUTS[1]: full_nv.reshape(1, -1)},
        )
        return np.asarray(out[0], dtype=np.float32)

    def decode(
        self,
        symbols: npt.ArrayLike,
        noise_var: npt.ArrayLike,
        symbols_per_item: int | None = None,
        anchor: npt.ArrayLike | None = None,
    ) -> npt.NDArray:
        """Items of one window: floats [T, D] (durations: [T] whole frames) or token ids [T]; an anchored
        model needs the encoder's ``anchor``."""
        reference = self.anchor_array(anchor)
        raw = self.decode_raw(symbols, noise_var, symbols_per_item)
        if reference is not None:
            raw = raw + reference
        if self.spec.kind is StreamKind.TOKENS:
            return raw.argmax(axis=1).astype(np.int64)
        if self.spec.name == "durations":
            return np.maximum(np.rint(raw[:, 0]), 0).astype(np.int64)
        return raw
