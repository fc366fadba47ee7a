"""The development corpus's MANIFEST.tsv: one row per media file with its person and transcript."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MediaEntry:
    file: str  # path relative to the media folder, e.g. "clips/grid_bbaf2n.mpg"
    kind: str  # "talking_head_av" or "speech"
    person: str  # short person id, e.g. "G1" or "V3" (two clips of one person share it)
    transcript: str | None  # None when the manifest says it is unknown


def read_manifest(media: Path) -> list[MediaEntry]:
    """The rows of ``media``/MANIFEST.tsv; an empty list when the file is absent."""
    manifest = media / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(newline="") as f:
        return [
            MediaEntry(
                file=row["file"],
                kind=row["kind"],
                person=row["person_id"].split()[0],
                transcript=None if row["transcript"].startswith("unknown") else row["transcript"],
            )
            for row in csv.DictReader(f, delimiter="\t")
        ]
