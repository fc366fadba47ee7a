"""The small trained models and tables the package ships (models/ in the source tree, installed as
gnuradio/semsat/models/), and the one way they are read."""

from __future__ import annotations

from pathlib import Path

import numpy as np

MODELS_DIR = Path(__file__).resolve().parent / "models"


def installed_model_path(name: str) -> Path:
    """models/``name`` as installed inside the gnuradio.semsat package."""
    return MODELS_DIR / name


def read_npz(path: Path, error: type[Exception], what: str, train_command: str) -> dict[str, np.ndarray]:
    """All arrays of an .npz model file, or ``error`` saying what is wrong and how to make the file."""
    try:
        with np.load(path) as data:
            return {name: data[name] for name in data.files}
    except FileNotFoundError:
        raise error(f"{path}: no {what} there; make one with `{train_command}`") from None
    except (OSError, ValueError) as e:
        raise error(f"{path}: not a readable .npz {what} ({e})") from None
