"""Decoded semantics -> the ZMQ wire format of the reconstruction process (receiver/messages.py), for
GNU Radio's zeromq.pub_msg_sink.

The semantic decoders' PDUs carry a stream, a window ``seq`` and items; the wire needs the clip context
(clip id, mode, fps, clip_frames, speaker, epoch), which a real link sends once per session in its control
channel: here the block is given it (``ClipContext``). Face window ``seq`` covers frames seq * window_frames
onwards, cut at the clip's end. Everything is gathered and sent on "finish" as one burst, the end-of-clip
control message last: the clip is the unit the reconstruction renders, and a burst lets the receiver close
the clip at once (its clip timeout) however long the link took, retransmissions included.

What the channel did to the tokens is repaired only as far as the wire format demands, and counted:
durations are made as many as the phonemes, at least one frame each, and scaled to sum to clip_frames
(the format's invariant); phonemes that were lost entirely become one silence phone over the clip (the
receiver then speaks nothing and holds the keyframes' pose instead of failing the clip).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pmt
from gnuradio import gr

from ..receiver.messages import END_OF_CLIP, FACE_PARAM_LIMIT, SemanticMessage
from ..semantic.extract.phonemes import PHONES, SILENCE
from ..semantic.features import FACE_PARAMS
from ..semantic.keyframes import KEYFRAME_COLUMNS, keyframe_problem
from .link_streams import KEYFRAME_STREAM
from .upstream_done import join_upstreams

CODEC_LABEL = "semsat-link"
# After the clip's burst, the end of the stream waits this long: the downstream ZMQ sink must take the
# messages from its queue and hand them to its socket before the flowgraph's "done" stops it (GNU Radio
# serves a block's ports one after another, so "done" can overtake queued messages; the process may then
# exit at once).
FLUSH_BEFORE_DONE_S = 0.5
# A ZMQ PUB socket drops what it sends before a subscriber has joined, and a subscriber that connected
# before the sink bound joins within its reconnect interval (100 ms, retried): a clip that ends sooner than
# this after the flowgraph started (nothing detected at a very low SNR) waits, so the receiver hears it end.
SUBSCRIBER_JOIN_S = 1.0


@dataclass(frozen=True)
class ClipContext:
    clip: str
    mode: str  # "V2A" or "A2V"
    fps: float
    clip_frames: int
    speaker: str
    epoch: int
    window_frames: int = 0  # face frames per codec window (the flowgraph sets its face encoder's)


def fit_durations(durations: npt.NDArray, n_phones: int, clip_frames: int) -> npt.NDArray[np.int32]:
    """``n_phones`` durations of >= 1 frame summing to ``clip_frames``, as close to ``durations`` as that
    allows (largest-remainder rounding of the rescaled values)."""
    d = np.clip(np.asarray(durations, np.float64).reshape(-1)[:n_phones], 1.0, None)
    d = np.concatenate([d, np.ones(n_phones - len(d))])
    if n_phones > clip_frames:
        raise ValueError(f"{n_phones} phones cannot fit {clip_frames} frames")
    spare = clip_frames - n_phones  # every phone keeps one frame; the rest is shared by weight
    share = (d - 1.0) if np.sum(d - 1.0) > 0 else np.ones(n_phones)
    exact = share / share.sum() * spare
    whole = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - whole), kind="stable")
    whole[order[: spare - int(whole.sum())]] += 1
    return (whole + 1).astype(np.int32)


class semantics_to_wire(gr.basic_block):  # noqa: N801 (GNU Radio block naming)
    """Semantics PDUs on "in", the digital decoder's PDUs on "keyframes" (those of KEYFRAME_STREAM, laid
    out by sender.keyframe_bytes), any message on "finish" -> SemanticMessage PDUs on "out" (``sent()``
    counts them, ``repairs()`` the fixes). With ``finish_after_upstreams`` N > 0 the block finishes by
    itself once the N message blocks feeding it (decoders) are done, as a GRC flowgraph needs."""

    def __init__(self, context: ClipContext, finish_after_upstreams: int = 0) -> None:
        gr.basic_block.__init__(self, name="semantics_to_wire", in_sig=None, out_sig=None)
        self.context = context
        self._lock = threading.Lock()
        self._tokens: dict[str, dict[int, npt.NDArray]] = {"text": {}, "phonemes": {}, "durations": {}}
        self._keyframes: npt.NDArray[np.float32] | None = None
        self._faces: dict[int, SemanticMessage] = {}
        self._sent: Counter[str] = Counter()
        self._repairs: Counter[str] = Counter()
        self._finished = False
        self._text = ""
        self._handled: Counter[str] = Counter()
        self._started = time.monotonic()  # set again when the flowgraph starts
        for port in ("in", "keyframes", "finish"):
            self.message_port_register_in(pmt.intern(port))
        self.message_port_register_out(pmt.intern("out"))
        self.set_msg_handler(pmt.intern("in"), self._semantics)
        self.set_msg_handler(pmt.intern("keyframes"), self._keyframe_bytes)
        self.set_msg_handler(pmt.intern("finish"), self._finish)
        if finish_after_upstreams:
            handlers = {"in": self._semantics, "keyframes": self._keyframe_bytes}
            join_upstreams(self, finish_after_upstreams, handlers, self._finish_and_flush)

    def sent(self) -> dict[str, int]:
        with self._lock:
            return dict(self._sent)

    def repairs(self) -> dict[str, int]:
        with self._lock:
            return dict(self._repairs)

    def text(self) -> str:
        """The text the clip's message carried (set on "finish")."""
        with self._lock:
            return self._text

    def handled(self, port: str) -> int:
        """Messages taken from ``port`` ("in" or "keyframes") so far."""
        with self._lock:
            return self._handled[port]

    def has_keyframes(self) -> bool:
        with self._lock:
            return self._keyframes is not None

    def finished(self) -> bool:
        with self._lock:
            return self._finished

    def _count(self, counter: Counter[str], key: str) -> None:
        with self._lock:
            counter[key] += 1

    def _publish(self, message: SemanticMessage) -> None:
        self.message_port_pub(pmt.intern("out"), message.to_pdu())
        self._count(self._sent, message.stream)

    def _message(self, stream: str, payload: object, seq: int = 0, frame: int = 0, n_frames: int = 0):
        c = self.context
        return SemanticMessage(
            stream=stream,
            clip=c.clip,
            seq=seq,
            epoch=c.epoch,
            mode=c.mode,
            frame=frame,
            n_frames=n_frames or c.clip_frames,
            clip_frames=c.clip_frames,
            fps=c.fps,
            payload=payload,
            codec=CODEC_LABEL,
            speaker=c.speaker,
        )

    def _semantics(self, msg: pmt.pmt_base) -> None:
        try:
            self._take_semantics(msg)
        finally:
            self._count(self._handled, "in")

    def _take_semantics(self, msg: pmt.pmt_base) -> None:
        meta = pmt.car(msg)
        stream = pmt.symbol_to_string(pmt.dict_ref(meta, pmt.intern("stream"), pmt.intern("")))
        seq = pmt.dict_ref(meta, pmt.intern("seq"), pmt.PMT_NIL)
        if not pmt.is_integer(seq):
            self._count(self._repairs, "no_seq")
            return
        seq = int(pmt.to_long(seq))
        if stream == "text":  # semantic_decoder sends text as UTF-8 bytes
            items = np.frombuffer(bytes(pmt.u8vector_elements(pmt.cdr(msg))), np.uint8)
        else:
            items = np.asarray(pmt.to_python(pmt.cdr(msg)))
        if stream == "face":
            self._face(seq, items)
        elif stream in self._tokens:
            with self._lock:
                self._tokens[stream][seq] = items
        else:
            self._count(self._repairs, "unknown_stream")

    def _face(self, seq: int, values: npt.NDArray) -> None:
        c = self.context
        frames = values.astype(np.float32).reshape(-1, FACE_PARAMS)
        first = seq * c.window_frames
        frames = frames[: max(0, c.clip_frames - first)]
        if len(frames) == 0:
            self._count(self._repairs, "face_past_clip_end")
            return
        if not np.all(np.isfinite(frames)) or np.any(np.abs(frames) > FACE_PARAM_LIMIT):
            self._count(self._repairs, "face_out_of_range")  # the receiver conceals the window
            return
        with self._lock:
            self._faces[seq] = self._message("face_params", frames, seq, first, len(frames))

    def _keyframe_bytes(self, msg: pmt.pmt_base) -> None:
        try:
            self._take_keyframes(msg)
        finally:
            self._count(self._handled, "keyframes")

    def _take_keyframes(self, msg: pmt.pmt_base) -> None:
        stream_id = pmt.dict_ref(pmt.car(msg), pmt.intern("stream_id"), pmt.PMT_NIL)
        if not pmt.is_integer(stream_id) or pmt.to_long(stream_id) != KEYFRAME_STREAM:
            return  # another digital stream
        data = bytes(pmt.u8vector_elements(pmt.cdr(msg)))
        k = len(data) // (2 * KEYFRAME_COLUMNS)
        if k == 0 or len(data) != 2 * k * KEYFRAME_COLUMNS:
            self._count(self._repairs, "bad_keyframes")
            return
        rows = np.zeros((k, KEYFRAME_COLUMNS), np.float32)
        rows[:, 0] = np.frombuffer(data[: 2 * k], "<u2")
        rows[:, 1:] = np.frombuffer(data[2 * k : 2 * k * KEYFRAME_COLUMNS], "<f2").reshape(k, -1)
        if keyframe_problem(rows, self.context.clip_frames):
            self._count(self._repairs, "bad_keyframes")
            return
        with self._lock:
            self._keyframes = rows

    def _joined(self, stream: str) -> npt.NDArray:
        with self._lock:
            windows = [self._tokens[stream][k] for k in sorted(self._tokens[stream])]
        return np.concatenate(windows) if windows else np.zeros(0, np.int64)

    def start(self) -> bool:
        self._started = time.monotonic()
        return True

    def _finish_and_flush(self) -> None:
        time.sleep(max(0.0, SUBSCRIBER_JOIN_S - (time.monotonic() - self._started)))
        self._finish(pmt.PMT_T)
        time.sleep(FLUSH_BEFORE_DONE_S)

    def _finish(self, _: pmt.pmt_base) -> None:
        c = self.context
        with self._lock:
            faces = [self._faces[k] for k in sorted(self._faces)]
        for message in faces:
            self._publish(message)
        if c.mode == "A2V":
            with self._lock:
                keyframes = self._keyframes
            if keyframes is not None:
                self._publish(self._message("face_keyframes", keyframes))
        text = self._joined("text").astype(np.uint8).tobytes().decode("utf-8", errors="replace")
        with self._lock:
            self._text = text
        self._publish(self._message("text", text))
        if c.mode == "A2V":
            self._a2v_speech()
        self._publish(self._message("control", END_OF_CLIP))
        with self._lock:
            self._finished = True

    def _a2v_speech(self) -> None:
        c = self.context
        phonemes = self._joined("phonemes").astype(np.int64)
        phonemes = phonemes[(phonemes >= 0) & (phonemes < len(PHONES))][: c.clip_frames]
        if phonemes.size == 0:
            self._count(self._repairs, "phonemes_lost")
            phonemes = np.array([PHONES.index(SILENCE)])
        durations = self._joined("durations")
        if (
            len(durations) != len(phonemes)
            or int(np.sum(durations)) != c.clip_frames
            or np.any(durations < 1)
        ):
            self._count(self._repairs, "durations_fitted")
        self._publish(self._message("phonemes", phonemes.astype(np.int16)))
        self._publish(self._message("durations", fit_durations(durations, len(phonemes), c.clip_frames)))
