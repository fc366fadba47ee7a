"""The ``--media`` option every semsat-train subcommand shares."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def add_media_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--media",
        type=Path,
        default=Path(os.environ.get("SEMSAT_MEDIA", "../shared/media")),
        help="media folder with clips/ and MANIFEST.tsv (default: $SEMSAT_MEDIA or ../shared/media)",
    )
