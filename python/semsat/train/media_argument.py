"""The ``--media`` option every semsat-train subcommand shares, and ``--cache`` for those that extract."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..semantic.features import FEATURES_CACHE


def add_media_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--media",
        type=Path,
        default=Path(os.environ.get("SEMSAT_MEDIA", "../shared/media")),
        help="media folder with clips/ and MANIFEST.tsv (default: $SEMSAT_MEDIA or ../shared/media)",
    )


def add_cache_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache",
        type=Path,
        default=FEATURES_CACHE,
        help="where extracted clip features are kept between runs",
    )
