"""Arrays to SQLite BLOBs and back: RGB frames as lossless PNG, float32 arrays as raw little-endian bytes."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

FLOAT32_LE = np.dtype("<f4")


class BlobError(ValueError):
    """A BLOB that does not decode to the array it should hold."""


def frame_to_png(frame: npt.NDArray[np.uint8]) -> bytes:
    """An RGB uint8 frame as PNG bytes (viewable as-is: cv2 writes BGR, so channels are swapped first)."""
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    if not ok:
        raise BlobError(f"PNG encoding of a {frame.dtype}{list(frame.shape)} frame failed")
    return encoded.tobytes()


def png_to_frame(blob: bytes, shape: tuple[int, ...]) -> npt.NDArray[np.uint8]:
    """The RGB frame of a PNG BLOB, which must have ``shape``."""
    image = cv2.imdecode(np.frombuffer(blob, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.shape != shape:
        got = "undecodable bytes" if image is None else f"shape {image.shape}"
        raise BlobError(f"PNG frame of shape {shape} expected, got {got}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def floats_to_blob(array: npt.NDArray[np.float32]) -> bytes:
    return np.ascontiguousarray(array, dtype=FLOAT32_LE).tobytes()


def blob_to_floats(blob: bytes, shape: tuple[int, ...]) -> npt.NDArray[np.float32]:
    """A float32 array of ``shape`` from raw little-endian bytes of exactly the right length."""
    expected = int(np.prod(shape)) * FLOAT32_LE.itemsize
    if len(blob) != expected:
        raise BlobError(f"float32 array of shape {shape} needs {expected} bytes, got {len(blob)}")
    return np.frombuffer(blob, dtype=FLOAT32_LE).reshape(shape).astype(np.float32)
