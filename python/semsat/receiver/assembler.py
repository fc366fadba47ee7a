"""Reassembly of clips from validated messages: duplicates dropped (by clip, stream and seq), reordering
absorbed, publisher restarts noticed (a new epoch), and each clip emitted once with every frame present.

A clip is emitted when it is complete (end of clip seen, every frame and expected stream present); when
``window`` more messages have arrived after its end of clip, or since its last message when the end of clip
was lost (the reordering window); when no message of it arrived for ``timeout_s``; or on ``flush``. Missing
face frames are concealed (conceal.py) and counted. A clip id names one clip's content for good: a restarted
publisher that resends or continues a clip under a new epoch fills its holes, and messages for an emitted clip
are counted as duplicates or late and dropped.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ..semantic.features import FACE_PARAMS
from .conceal import conceal
from .counters import ClipCounters, Totals, rejection_kind
from .messages import MODE_STREAMS, WHOLE_CLIP_STREAMS, Rejection, SemanticMessage

REMEMBERED_CLIPS = 64  # emitted clips whose message keys are kept to tell duplicates from late messages
REMEMBERED_EPOCHS = 16


@dataclass
class AssembledClip:
    """A clip's semantics with every frame present, ready for a Reconstructor."""

    clip: str
    epoch: int
    mode: str
    fps: float
    n_frames: int
    speaker: str
    face_params: npt.NDArray[np.float32] | None  # [T, 12]; None when the mode sends none (A2V)
    face_keyframes: npt.NDArray[np.float32] | None  # [K, 13] (A2V); None when lost
    eyelids: npt.NDArray[np.float32] | None  # [T] eye openings, gaps interpolated; None when none came
    concealed: npt.NDArray[np.bool_]  # [T], frames whose face parameters were concealed
    text: str | None
    phonemes: npt.NDArray[np.int16] | None
    durations: npt.NDArray[np.int32] | None
    counters: ClipCounters


@dataclass
class _Pending:
    first: SemanticMessage
    order: int
    face: npt.NDArray[np.float32]
    have: npt.NDArray[np.bool_]
    eyelids: npt.NDArray[np.float32]
    have_eyelids: npt.NDArray[np.bool_]
    whole: dict[str, object] = field(default_factory=dict)
    keys: set[tuple[str, int]] = field(default_factory=set)
    max_seq: dict[str, int] = field(default_factory=dict)
    ended_at: int | None = None
    last_index: int = 0
    last_time: float = 0.0
    counters: ClipCounters = field(default_factory=ClipCounters)

    def complete(self) -> bool:
        expected = MODE_STREAMS[self.first.mode]
        face_ok = "face_params" not in expected or bool(self.have.all())
        whole_ok = all(s in self.whole for s in expected if s in WHOLE_CLIP_STREAMS and s != "control")
        return self.ended_at is not None and face_ok and whole_ok


class Assembler:
    def __init__(self, window: int = 64, timeout_s: float = 5.0) -> None:
        if window < 1 or timeout_s <= 0:
            raise ValueError(f"window must be >= 1 and timeout_s > 0, got {window} and {timeout_s}")
        self.window = window
        self.timeout_s = timeout_s
        self.totals = Totals()
        self._pending: dict[str, _Pending] = {}
        self._emitted: OrderedDict[str, set[tuple[str, int]]] = OrderedDict()
        self._epochs: deque[int] = deque(maxlen=REMEMBERED_EPOCHS)
        self._index = 0  # accepted messages so far
        self._opened = 0

    def feed(self, item: SemanticMessage | Rejection, now: float) -> list[AssembledClip]:
        """Takes one parsed message (or its rejection); returns the clips it lets out, oldest first."""
        self.totals.received += 1
        if isinstance(item, Rejection):
            self._reject(item.reason)
            return []
        self._note_epoch(item.epoch)
        pending = self._pending.get(item.clip)
        if pending is None:
            remembered = self._emitted.get(item.clip)
            if remembered is not None:
                if (item.stream, item.seq) in remembered:
                    self.totals.duplicates += 1
                else:
                    self.totals.late += 1
                return self._due(now)
            pending = self._open(item)
        elif (item.mode, item.clip_frames, item.fps) != (
            pending.first.mode,
            pending.first.clip_frames,
            pending.first.fps,
        ):
            self._reject(f"inconsistent with earlier messages of clip {item.clip}")
            return self._due(now)
        self._index += 1
        self._add(pending, item, now)
        return self._due(now)

    def poll(self, now: float) -> list[AssembledClip]:
        """Clips due by time (call it when no message arrived for a while)."""
        return self._due(now)

    def flush(self) -> list[AssembledClip]:
        """Every pending clip, as it stands (at shutdown)."""
        return [self._emit(clip, "flush") for clip in list(self._ordered())]

    def _reject(self, reason: str) -> None:
        self.totals.rejected += 1
        self.totals.reasons[rejection_kind(reason)] += 1

    def _note_epoch(self, epoch: int) -> None:
        if epoch in self._epochs:
            return
        if self._epochs:
            self.totals.restarts += 1
        self._epochs.append(epoch)

    def _open(self, first: SemanticMessage) -> _Pending:
        t = first.clip_frames
        pending = _Pending(
            first=first,
            order=self._opened,
            face=np.zeros((t, FACE_PARAMS), np.float32),
            have=np.zeros(t, bool),
            eyelids=np.zeros((t, 1), np.float32),
            have_eyelids=np.zeros(t, bool),
        )
        self._opened += 1
        self._pending[first.clip] = pending
        return pending

    def _add(self, pending: _Pending, item: SemanticMessage, now: float) -> None:
        counters = pending.counters
        counters.received += 1
        pending.last_index, pending.last_time = self._index, now
        key = (item.stream, item.seq)
        if key in pending.keys:
            counters.duplicates += 1
            self.totals.duplicates += 1
            return
        pending.keys.add(key)
        if item.seq < pending.max_seq.get(item.stream, -1):
            counters.reordered += 1
            self.totals.reordered += 1
        pending.max_seq[item.stream] = max(item.seq, pending.max_seq.get(item.stream, -1))
        if item.stream == "face_params":
            end = item.frame + item.n_frames
            pending.face[item.frame : end] = item.payload
            pending.have[item.frame : end] = True
        elif item.stream == "eyelids":
            end = item.frame + item.n_frames
            pending.eyelids[item.frame : end, 0] = item.payload
            pending.have_eyelids[item.frame : end] = True
        elif item.stream == "control":
            pending.ended_at = self._index
        else:
            pending.whole[item.stream] = item.payload

    def _ordered(self) -> list[_Pending]:
        return sorted(self._pending.values(), key=lambda p: p.order)

    def _due(self, now: float) -> list[AssembledClip]:
        out = []
        for pending in self._ordered():
            reason = self._finish_reason(pending, now)
            if reason:
                out.append(self._emit(pending, reason))
        return out

    def _finish_reason(self, pending: _Pending, now: float) -> str:
        if pending.complete():
            return "complete"
        if pending.ended_at is not None and self._index - pending.ended_at >= self.window:
            return "end+window"
        if self._index - pending.last_index >= self.window:
            return "window"
        if now - pending.last_time >= self.timeout_s:
            return "timeout"
        return ""

    def _emit(self, pending: _Pending, finished_by: str) -> AssembledClip:
        first, counters = pending.first, pending.counters
        del self._pending[first.clip]
        self._emitted[first.clip] = pending.keys
        while len(self._emitted) > REMEMBERED_CLIPS:
            self._emitted.popitem(last=False)
        expected = MODE_STREAMS[first.mode]
        missing = [
            s for s in expected if s in WHOLE_CLIP_STREAMS and s != "control" and s not in pending.whole
        ]
        if pending.ended_at is None:
            missing.append("control")
        face = None
        concealed = np.zeros(first.clip_frames, bool)
        if "face_params" in expected:
            concealed = ~pending.have
            face = conceal(pending.face, pending.have)
            counters.gaps += _runs(concealed)
        eyelids = None
        if pending.have_eyelids.any():  # optional: lost chunks are interpolated, not counted as gaps
            eyelids = conceal(pending.eyelids, pending.have_eyelids)[:, 0]
        counters.gaps += len(missing)
        counters.concealed_frames = int(concealed.sum())
        counters.missing_streams = tuple(missing)
        counters.finished_by = finished_by
        self.totals.gaps += counters.gaps
        self.totals.concealed_frames += counters.concealed_frames
        self.totals.clips += 1
        return AssembledClip(
            clip=first.clip,
            epoch=first.epoch,
            mode=first.mode,
            fps=first.fps,
            n_frames=first.clip_frames,
            speaker=first.speaker,
            face_params=face,
            concealed=concealed,
            face_keyframes=pending.whole.get("face_keyframes"),  # type: ignore[arg-type]
            eyelids=eyelids,
            text=pending.whole.get("text"),  # type: ignore[arg-type]
            phonemes=pending.whole.get("phonemes"),  # type: ignore[arg-type]
            durations=pending.whole.get("durations"),  # type: ignore[arg-type]
            counters=counters,
        )


def _runs(mask: npt.NDArray[np.bool_]) -> int:
    """Number of runs of True."""
    return int(mask[0]) + int(np.count_nonzero(mask[1:] & ~mask[:-1])) if mask.size else 0
