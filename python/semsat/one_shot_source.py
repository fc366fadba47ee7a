"""A message source that publishes a fixed set of messages once, when the flowgraph starts, then says done."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import pmt
from gnuradio import gr


class one_shot_source(gr.basic_block):  # noqa: N801 (GNU Radio block naming)
    """Base of message-only sources: subclasses register their out ports and give ``messages()``.

    A block with only message ports never finishes by itself: after its messages it tells its own system
    port that it is done, which reaches the blocks it feeds after those messages, so they (and the
    flowgraph) finish once they have handled them.
    """

    def __init__(self, name: str) -> None:
        gr.basic_block.__init__(self, name=name, in_sig=None, out_sig=None)
        self._publisher: threading.Thread | None = None

    def messages(self) -> Iterable[tuple[pmt.pmt_base, pmt.pmt_base]]:
        """(port, message) pairs, in the order they go out."""
        raise NotImplementedError

    def start(self) -> bool:
        # Publishing from a thread keeps start() short: the scheduler calls it before any block runs.
        self._publisher = threading.Thread(target=self._publish, name=self.name(), daemon=True)
        self._publisher.start()
        return True

    def stop(self) -> bool:
        if self._publisher is not None:
            self._publisher.join()
            self._publisher = None
        return True

    def _publish(self) -> None:
        for port, message in self.messages():
            self.message_port_pub(port, message)
        self._post(pmt.intern("system"), pmt.cons(pmt.intern("done"), pmt.from_long(1)))
