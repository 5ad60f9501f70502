"""The one atomic write: whole files or nothing, no temporary file left behind, first writer wins on request."""

from __future__ import annotations

import pytest

from config.atomic_file import write_atomically


def test_it_writes_text_as_utf8_and_replaces_a_file_whole(tmp_path):
    path = tmp_path / "policy.toml"
    assert write_atomically(path, "lead_days = [3, 1]\n# Nhắc trước hạn\n")
    assert write_atomically(path, b"lead_days = [5]\n")
    assert path.read_bytes() == b"lead_days = [5]\n"
    assert [p.name for p in tmp_path.iterdir()] == ["policy.toml"]


def test_it_keeps_the_first_file_when_asked_not_to_replace(tmp_path):
    path = tmp_path / "reminder.eml"
    assert write_atomically(path, b"first", replace=False)
    assert not write_atomically(path, b"second", replace=False)
    assert path.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["reminder.eml"]


def test_it_leaves_the_old_file_and_no_temporary_one_when_the_write_fails(tmp_path, monkeypatch):
    path = tmp_path / "feed.ics"
    path.write_bytes(b"old")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("config.atomic_file.os.fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomically(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["feed.ics"]
