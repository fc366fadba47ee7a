"""Locating the development media corpus for tests."""

import pytest
from gnuradio.semsat.testing_media import MEDIA_ENV, media_dir, require_media


def test_the_environment_variable_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(MEDIA_ENV, str(tmp_path))
    assert media_dir() == tmp_path and require_media() == tmp_path


def test_shared_media_beside_the_repository_is_found_from_a_subfolder(tmp_path, monkeypatch):
    (tmp_path / "shared" / "media").mkdir(parents=True)
    (tmp_path / "repo" / "python").mkdir(parents=True)
    monkeypatch.delenv(MEDIA_ENV, raising=False)
    monkeypatch.chdir(tmp_path / "repo" / "python")
    assert media_dir() == tmp_path / "shared" / "media"


def test_missing_media_skips_with_a_hint(tmp_path, monkeypatch):
    monkeypatch.setenv(MEDIA_ENV, str(tmp_path / "absent"))
    assert media_dir() is None
    with pytest.raises(pytest.skip.Exception, match=MEDIA_ENV):
        require_media()
