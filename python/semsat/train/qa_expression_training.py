"""``semsat-train expression`` end to end on two GRID speakers: a loadable model and its report."""

import argparse

import numpy as np
from gnuradio.semsat.semantic.extract.expression_model import ExpressionModel
from gnuradio.semsat.testing_media import require_media
from gnuradio.semsat.train.commands import COMMANDS


def test_training_on_two_speakers_writes_a_model_and_reports_its_errors(tmp_path, capsys):
    media = tmp_path / "media"
    (media / "clips").mkdir(parents=True)
    for name in ("grid_bbaf2n.mpg", "grid_lbbc2a.mpg"):
        (media / "clips" / name).symlink_to(require_media() / "clips" / name)
    (media / "clips" / "broken.mp4").write_bytes(b"not a video")
    parser = argparse.ArgumentParser()
    COMMANDS["expression"].add_arguments(parser)
    args = parser.parse_args(["--media", str(media), "-o", str(tmp_path / "model.npz")])
    assert COMMANDS["expression"].run(args) == 0
    report = capsys.readouterr()
    assert "broken.mp4" in report.err and "held out" in report.out and "component 5" in report.out
    model = ExpressionModel.load(tmp_path / "model.npz")
    assert model.n_coefficients == 6
    np.testing.assert_array_equal(model.canonical.mirror_index[model.canonical.mirror_index], np.arange(468))


def test_training_without_clips_fails_with_a_message(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    COMMANDS["expression"].add_arguments(parser)
    assert COMMANDS["expression"].run(parser.parse_args(["--media", str(tmp_path)])) == 1
    assert "no video clips" in capsys.readouterr().err
