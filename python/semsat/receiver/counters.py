"""What the receiver counts: every message read is accepted or rejected, every accepted one is new,
a duplicate or late; frames that never arrived are concealed and counted."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ClipCounters:
    """Counts for one clip."""

    received: int = 0  # accepted messages of this clip, duplicates included
    duplicates: int = 0
    reordered: int = 0  # arrived after a later message of the same stream
    gaps: int = 0  # runs of missing face frames plus missing whole-clip messages (text, …, end of clip)
    concealed_frames: int = 0
    missing_streams: tuple[str, ...] = ()
    finished_by: str = ""  # complete, end+window, window, timeout or flush

    def summary(self) -> str:
        missing = ",".join(self.missing_streams) or "-"
        return (
            f"received={self.received} duplicates={self.duplicates} reordered={self.reordered} "
            f"gaps={self.gaps} concealed_frames={self.concealed_frames} missing_streams={missing} "
            f"finished_by={self.finished_by}"
        )


@dataclass
class Totals:
    """Counts over the receiver's lifetime."""

    received: int = 0  # messages read, valid or not
    rejected: int = 0
    duplicates: int = 0
    reordered: int = 0
    late: int = 0  # for a clip already emitted
    gaps: int = 0
    concealed_frames: int = 0
    restarts: int = 0
    clips: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # rejections by reason (first words)

    def summary(self) -> str:
        return (
            f"received={self.received} rejected={self.rejected} duplicates={self.duplicates} "
            f"reordered={self.reordered} late={self.late} gaps={self.gaps} "
            f"concealed_frames={self.concealed_frames} restarts={self.restarts} clips={self.clips}"
        )


def rejection_kind(reason: str) -> str:
    """What rejections are counted by: the reason up to its first number, colon, '=' or parenthesis."""
    return re.sub(r"\s*[(:=\d].*$", "", reason) or reason
