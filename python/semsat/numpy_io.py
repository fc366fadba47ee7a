"""Run a GNU Radio stream block over a numpy array: for tests, notebooks and offline evaluation."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pmt
from gnuradio import blocks, gr


@dataclass
class BlockOutput:
    """Output samples of a block and the tags it produced (offset, key, value as Python objects)."""

    samples: np.ndarray
    tags: list[tuple[int, str, object]]


def process(
    block: gr.basic_block,
    samples: np.ndarray,
    messages: Iterable[tuple[str, pmt.pmt_t]] = (),
    input_tags: Iterable[gr.tag_t] = (),
    collect_tags: bool = False,
) -> BlockOutput:
    """Feeds ``samples`` (complex64) through ``block`` and returns its output (and tags if asked).

    ``messages`` are (port, PMT) pairs posted to the block before it starts, so messages carrying
    an ``offset`` apply at exact samples regardless of scheduling. Samples travel through files,
    which is much faster than converting Python lists for millions of samples.
    """
    x = np.ascontiguousarray(samples, dtype=np.complex64)
    input_tags = list(input_tags)
    with tempfile.TemporaryDirectory(prefix="semsat-io-") as tmp:
        in_path, out_path = Path(tmp) / "in.c64", Path(tmp) / "out.c64"
        x.tofile(in_path)
        top = gr.top_block()
        if input_tags:
            source = blocks.vector_source_c(x.tolist(), False, 1, input_tags)
        else:
            source = blocks.file_source(gr.sizeof_gr_complex, str(in_path), False)
        sink = blocks.file_sink(gr.sizeof_gr_complex, str(out_path), False)
        sink.set_unbuffered(False)
        top.connect(source, block, sink)
        tag_sink = None
        if collect_tags:
            # vector_sink keeps every tag (tag_debug only keeps those of its last work call).
            tag_sink = blocks.vector_sink_c()
            top.connect(block, tag_sink)
        for port, msg in messages:
            block.to_basic_block()._post(pmt.intern(port), msg)
        top.run()
        sink.close()
        y = np.fromfile(out_path, dtype=np.complex64)
    tags = []
    if tag_sink is not None:
        tags = [(int(t.offset), pmt.symbol_to_string(t.key), pmt.to_python(t.value)) for t in tag_sink.tags()]
    return BlockOutput(y, tags)
