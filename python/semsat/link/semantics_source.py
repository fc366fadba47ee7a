"""A clip's features (.npz from semsat-extract) -> the semantics PDUs of a mode, one message port per stream.

The PDUs are link/sender.transmission()'s, the one place that turns features into PDUs, so a GRC
flowgraph sends exactly what semsat-link sends (the knowledge-base update and A2V's face keyframes, which
travel on the digital path, are left to semsat-link). All PDUs go out when the flowgraph starts; then the
block reports itself done, so the encoders it feeds finish once they have coded them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pmt

from ..one_shot_source import one_shot_source
from ..semantic.features import ClipFeatures
from .sender import transmission

STREAM_PORTS = ("face", "text", "phonemes", "durations")
MODES = ("v2a", "a2v")


class semantics_source(one_shot_source):  # noqa: N801 (GNU Radio block naming)
    """Publishes the semantics PDUs of ``mode`` ("v2a": face, text; "a2v": text, phonemes, durations) for the
    clip in ``features_file`` on the port named after each stream, with meta clip = ``clip_id`` (the file's
    stem when empty) and mode."""

    def __init__(self, features_file: str, mode: str = "v2a", clip_id: str = "") -> None:
        one_shot_source.__init__(self, "semantics_source")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        path = Path(features_file)
        self.features = ClipFeatures.load(path)  # FeaturesError names the file and what is wrong
        self.clip_id = clip_id or path.stem
        self.semantics = transmission(self.features, mode, self.clip_id, None, 0).semantics
        for port in STREAM_PORTS:
            self.message_port_register_out(pmt.intern(port))

    def streams(self) -> list[str]:
        """The streams this clip sends in its mode (a clip without words sends no text)."""
        return list(self.semantics)

    def messages(self) -> Iterator[tuple[pmt.pmt_base, pmt.pmt_base]]:
        for stream, messages in self.semantics.items():
            for message in messages:
                yield pmt.intern(stream), message
