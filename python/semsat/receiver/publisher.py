"""A PUB side for tests and demos: publishes clips' messages like ``zeromq.pub_msg_sink`` does (one ZMQ frame
of PMT-serialized PDU each), with seeded fault injection: corrupted, duplicated and reordered messages and a
publisher restart (socket closed and bound again, new epoch).

It binds an XPUB socket and waits for the subscriber before sending and again after a restart, so no message
is lost to ZMQ's slow joiner: the faults the receiver sees are the ones the report lists.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType

import numpy as np
import zmq

from ..semantic.features import ClipFeatures
from ..semantic.keyframes import DEFAULT_KEYFRAME_STEP
from .clip_messages import clip_messages
from .messages import SemanticMessage

SEND_QUEUE = 100_000
CORRUPTIONS = ("truncate", "garbage", "nan", "version")


@dataclass(frozen=True)
class Faults:
    """Probabilities per message (exclusive: a message gets at most one fault) and a restart before
    message ``restart_at`` (index into the messages)."""

    corrupt: float = 0.0
    duplicate: float = 0.0
    reorder: float = 0.0  # swapped with the next message when both belong to one clip and stream
    restart_at: int | None = None
    seed: int = 0


@dataclass
class PublishReport:
    """What was sent: indices into the messages."""

    frames_sent: int = 0
    corrupted: list[int] = field(default_factory=list)
    duplicated: list[int] = field(default_factory=list)
    reordered: list[int] = field(default_factory=list)  # messages sent after their successor
    restarts: int = 0


class Publisher:
    """An XPUB socket bound to ``endpoint`` (e.g. tcp://127.0.0.1:* for a free port; see ``endpoint``)."""

    def __init__(self, endpoint: str = "tcp://127.0.0.1:*", epoch: int | None = None) -> None:
        self._context = zmq.Context()
        self._socket = self._bind(endpoint)
        self.endpoint: str = self._socket.getsockopt_string(zmq.LAST_ENDPOINT)
        self.epoch = time.time_ns() if epoch is None else epoch

    def _bind(self, endpoint: str) -> zmq.Socket:
        socket = self._context.socket(zmq.XPUB)
        socket.setsockopt(zmq.SNDHWM, SEND_QUEUE)
        socket.setsockopt(zmq.LINGER, 2000)  # a restart or close first delivers what is queued
        socket.bind(endpoint)
        return socket

    def wait_for_subscriber(self, timeout_s: float) -> None:
        if not self._socket.poll(int(timeout_s * 1000), zmq.POLLIN):
            raise TimeoutError(f"no subscriber on {self.endpoint} within {timeout_s} s")
        self._socket.recv()

    def send(self, raw: bytes) -> None:
        self._socket.send(raw)

    def restart(self, timeout_s: float) -> None:
        """Closes the socket, binds the same endpoint again under a new epoch and waits for the subscriber
        to reconnect (a subscriber that is being read: ZMQ reconnects it as its socket is polled)."""
        self._socket.close()
        for _ in range(50):  # the port may take a moment to be released
            try:
                self._socket = self._bind(self.endpoint)
                break
            except zmq.ZMQError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"cannot bind {self.endpoint} again")
        self.epoch += 1
        self.wait_for_subscriber(timeout_s)

    def publish(
        self, messages: Sequence[SemanticMessage], faults: Faults = Faults(), timeout_s: float = 10.0
    ) -> PublishReport:
        """Sends the messages in order, stamped with the current epoch, with the faults injected
        (call ``wait_for_subscriber`` first; ``timeout_s`` bounds the wait for it after a restart)."""
        rng = np.random.default_rng(faults.seed)
        report = PublishReport()
        i = 0
        while i < len(messages):
            if i == faults.restart_at:
                self.restart(timeout_s)
                report.restarts += 1
            message = messages[i].with_epoch(self.epoch)
            draw = rng.random()
            if draw < faults.corrupt:
                self.send(corrupt(message, str(rng.choice(CORRUPTIONS)), rng))
                report.corrupted.append(i)
            elif draw < faults.corrupt + faults.duplicate:
                self.send(message.serialize())
                self.send(message.serialize())
                report.duplicated.append(i)
            elif draw < faults.corrupt + faults.duplicate + faults.reorder and _swappable(
                messages, i, faults
            ):
                self.send(messages[i + 1].with_epoch(self.epoch).serialize())
                self.send(message.serialize())
                report.reordered.append(i)
                i += 1
            else:
                self.send(message.serialize())
            i += 1
        report.frames_sent = len(messages) + len(report.duplicated)
        return report

    def close(self) -> None:
        self._socket.close()
        self._context.term()

    def __enter__(self) -> Publisher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def _swappable(messages: Sequence[SemanticMessage], i: int, faults: Faults) -> bool:
    if i + 1 >= len(messages) or i + 1 == faults.restart_at:
        return False
    a, b = messages[i], messages[i + 1]
    return (a.clip, a.stream) == (b.clip, b.stream)


def corrupt(message: SemanticMessage, how: str, rng: np.random.Generator) -> bytes:
    """Bytes the receiver must reject: truncated, random, NaN face parameters or a foreign version."""
    raw = message.serialize()
    if how == "truncate":
        return raw[: int(rng.integers(1, len(raw)))]
    if how == "garbage":
        return rng.integers(0, 256, len(raw), dtype=np.uint8).tobytes()
    if how == "nan" and message.stream == "face_params":
        values = np.array(message.payload, dtype=np.float32)
        values[0, int(rng.integers(0, values.shape[1]))] = np.nan
        return dataclasses.replace(message, payload=values).serialize()
    if how in ("nan", "version"):
        return dataclasses.replace(message, version=99).serialize()
    raise ValueError(f"unknown corruption {how!r}, expected one of {', '.join(CORRUPTIONS)}")


def publish_features(
    features: Sequence[ClipFeatures],
    endpoint: str,
    clip_ids: Sequence[str],
    mode: str = "V2A",
    chunk_frames: int = 25,
    faults: Faults = Faults(),
    timeout_s: float = 10.0,
    keyframe_step: int = DEFAULT_KEYFRAME_STEP,
) -> PublishReport:
    """Binds ``endpoint``, waits for a subscriber and publishes each clip's messages (clip_messages.py;
    ``keyframe_step``: A2V's face keyframe spacing, 0 for pure A2V)."""
    if len(features) != len(clip_ids):
        raise ValueError(f"{len(features)} clips but {len(clip_ids)} clip ids")
    messages = [
        m
        for f, c in zip(features, clip_ids, strict=True)
        for m in clip_messages(f, c, mode, 0, chunk_frames, keyframe_step=keyframe_step)
    ]
    with Publisher(endpoint) as publisher:
        publisher.wait_for_subscriber(timeout_s)
        return publisher.publish(messages, faults, timeout_s)
