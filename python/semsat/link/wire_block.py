"""semantics_to_wire as a GRC flowgraph uses it: the clip context as parameters, and "finish" sent by the
end of the stream instead of by semsat-link's driver (once every decoder feeding it is done)."""

from __future__ import annotations

from .semantics_to_wire import ClipContext, semantics_to_wire


def semantics_to_wire_at_end(
    clip: str,
    mode: str,
    fps: float,
    clip_frames: int,
    speaker: str,
    epoch: int,
    window_frames: int,
    upstreams: int,
) -> semantics_to_wire:
    """The wire block; when its ``upstreams`` message blocks (one semantic decoder per stream, and the
    digital decoder where one feeds "keyframes") are done, it sends the clip, end-of-clip last."""
    if mode.upper() not in ("V2A", "A2V"):
        raise ValueError(f"mode must be V2A or A2V, got {mode!r}")
    context = ClipContext(
        clip, mode.upper(), float(fps), int(clip_frames), speaker, int(epoch), window_frames
    )
    return semantics_to_wire(context, finish_after_upstreams=upstreams)
