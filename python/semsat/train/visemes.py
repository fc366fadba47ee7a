"""`semsat-train visemes`: per-phone mouth targets of the A2V viseme fallback (models/viseme_table.npz)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..semantic.generate.viseme_training import train_from_media
from .media_argument import add_media_argument

HELP = "fit the A2V viseme table (per-phone expression targets) on the GRID development clips"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_media_argument(parser)
    parser.add_argument(
        "-o", "--output", type=Path, default=Path("models/viseme_table.npz"), help="table file to write"
    )


def run(args: argparse.Namespace) -> int:
    if not (args.media / "clips").is_dir():
        print(f"semsat-train visemes: no clips folder in {args.media}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    table = train_from_media(args.media, args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1000:.0f} kB, {len(table.targets)} phones)")
    return 0
