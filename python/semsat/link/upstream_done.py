"""Fan-in of GNU Radio's end-of-stream for message ports.

When a block finishes, GNU Radio posts "done" to the system port of every block its message ports feed, and
the default handler marks that block finished at the FIRST such message. A block fed by several message
blocks (the frame sequencer by one semantic encoder per stream, the wire block by one decoder per stream)
would then end while a slower upstream block still has PDUs to send. ``join_upstreams`` replaces the
handler: it counts the "done" messages and acts only when every upstream block has sent its own; each block
posts its "done" after the last PDU it published, so by then every PDU is queued here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import pmt
from gnuradio import gr

SYSTEM_PORT = pmt.intern("system")
DONE = pmt.intern("done")


def join_upstreams(
    block: gr.basic_block,
    upstreams: int,
    handlers: Mapping[str, Callable[[pmt.pmt_base], None]],
    on_all_done: Callable[[], None],
) -> None:
    """After ``upstreams`` "done" messages: the PDUs still queued on the ports of ``handlers`` go to them,
    then ``on_all_done()`` runs, then the block is marked finished (GNU Radio's own handler)."""
    if upstreams < 1:
        raise ValueError(f"a block joins at least one upstream block, got {upstreams}")
    state = {"done": 0}
    lock = threading.Lock()

    def system(msg: pmt.pmt_base) -> None:
        if not (pmt.is_pair(msg) and pmt.eqv(pmt.car(msg), DONE)):
            block.system_handler(msg)
            return
        with lock:
            state["done"] += 1
            last = state["done"] == upstreams
        if not last:
            return
        # The scheduler drains one port after the other: PDUs queued after it drained a port but before it
        # read this message are still waiting.
        for port, handler in handlers.items():
            while (pending := block.delete_head_nowait(pmt.intern(port))) is not None:
                handler(pending)
        on_all_done()
        block.system_handler(msg)

    # GNU Radio's Python gateway calls a handler by its attribute name on the block.
    system.__name__ = "_join_upstreams_system"
    setattr(block, system.__name__, system)
    block.set_msg_handler(SYSTEM_PORT, system)
