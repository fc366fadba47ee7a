"""The face codec's extra training tracks: every non-GRID talking head of MANIFEST.tsv and never a GRID clip
(the held-out grid_lrwp9a among them), one finite row of 12 face parameters per 25 fps frame of the clip."""

import csv

import numpy as np
from gnuradio.semsat.media.manifest import read_manifest
from gnuradio.semsat.semantic.features import FACE_PARAMS, FEATURES_CACHE
from gnuradio.semsat.testing_media import require_media
from gnuradio.semsat.train.face_tracks import cached_face_track, other_talking_heads


def test_the_extra_tracks_are_the_non_grid_talking_heads():
    media = require_media()
    heads = {e.file for e in read_manifest(media) if e.kind == "talking_head_av"}
    chosen = {str(p.relative_to(media)) for p in other_talking_heads(media)}
    assert chosen == {f for f in heads if not f.split("/")[-1].startswith("grid_")}
    assert chosen and not any("grid_" in f for f in chosen)


def test_a_track_has_a_row_per_frame_at_25_fps():
    media = require_media()
    with (media / "MANIFEST.tsv").open(newline="") as f:
        rows = {row["file"]: row for row in csv.DictReader(f, delimiter="\t")}
    clip = "clips/pcavs_vox2_Audio_Source_00086.mp4"
    track = cached_face_track(media / clip, FEATURES_CACHE)
    assert track.shape[1] == FACE_PARAMS and np.isfinite(track).all()
    # The listed duration is the container's (audio included): within 2 frames of the video's.
    assert abs(len(track) - float(rows[clip]["duration_s"]) * 25) <= 2
