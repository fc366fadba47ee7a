"""The ZMQ SUB side: connects to a publisher (GNU Radio's ``zeromq.pub_msg_sink`` or publisher.py) and
returns each message's bytes (the PMT serialization of a PDU, one ZMQ frame), with a receive timeout."""

from __future__ import annotations

import signal
import threading
from types import TracebackType

import zmq

from .messages import MAX_MESSAGE_BYTES

RECEIVE_QUEUE = 100_000  # messages buffered while a clip is being reconstructed
TRANSPORT_LIMIT = 16 * MAX_MESSAGE_BYTES  # larger frames make ZMQ drop the connection (it reconnects)


class Subscriber:
    """``with Subscriber("tcp://127.0.0.1:5555") as sub: raw = sub.receive(0.1)``."""

    def __init__(self, endpoint: str) -> None:
        self._context = zmq.Context()
        self._socket = self._context.socket(zmq.SUB)
        try:
            self._socket.setsockopt(zmq.LINGER, 0)
            self._socket.setsockopt(zmq.RCVHWM, RECEIVE_QUEUE)
            self._socket.setsockopt(zmq.MAXMSGSIZE, TRANSPORT_LIMIT)
            self._socket.setsockopt(zmq.SUBSCRIBE, b"")
            self._socket.connect(endpoint)
        except zmq.ZMQError as e:
            self.close()
            raise ValueError(f"cannot connect to {endpoint!r}: {e}") from None

    def receive(self, timeout_s: float) -> bytes | None:
        """The next message, or None when none arrived within ``timeout_s``. A multi-frame message is
        returned joined (and will fail validation): pub_msg_sink sends one frame."""
        if not self._socket.poll(int(timeout_s * 1000), zmq.POLLIN):
            return None
        return b"".join(self._socket.recv_multipart(zmq.NOBLOCK))

    def close(self) -> None:
        self._socket.close(linger=0)
        self._context.term()

    def __enter__(self) -> Subscriber:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def stop_on_signals() -> threading.Event:
    """An event set by SIGINT or SIGTERM, so a receive loop can finish its work and exit cleanly."""
    stop = threading.Event()

    def handler(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return stop
