"""atomic_write: the target is replaced only by a complete file, and no temporary file is ever left."""

import os

import pytest

from nnviz.engine import atomic
from nnviz.engine.atomic import atomic_write


def test_success_replaces_the_file_with_ordinary_permissions(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    with atomic_write(path) as file:
        file.write(b"new contents")
    assert path.read_bytes() == b"new contents"
    assert os.listdir(tmp_path) == ["out.bin"]
    assert path.stat().st_mode & 0o777 == 0o666 & ~atomic._UMASK


def test_the_target_is_untouched_until_the_block_ends(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    with atomic_write(path) as file:
        file.write(b"new")
        file.flush()
        assert path.read_bytes() == b"old"
    assert path.read_bytes() == b"new"


def test_a_failing_writer_leaves_the_target_and_no_temporary_file(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="writer broke"):
        with atomic_write(path) as file:
            file.write(b"half of it")
            raise RuntimeError("writer broke")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.bin"]


def test_a_failing_writer_creates_no_file(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(tmp_path / "new.bin") as file:
            file.write(b"x")
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_a_failing_rename_removes_the_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        with atomic_write(path) as file:
            file.write(b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.bin"]


def test_text_mode_writes_utf8_and_keeps_newlines_as_given(tmp_path):
    path = tmp_path / "table.csv"
    with atomic_write(path, "w", newline="") as file:
        file.write("µ,1\r\nα,2\n")
    assert path.read_bytes() == "µ,1\r\nα,2\n".encode("utf-8")


def test_explicit_permissions(tmp_path):
    path = tmp_path / "icon.png"
    with atomic_write(path, permissions=0o644) as file:
        file.write(b"png")
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_missing_folder_is_an_error_and_writes_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        with atomic_write(tmp_path / "no" / "such" / "folder.bin") as file:
            file.write(b"x")
    assert os.listdir(tmp_path) == []


def test_only_write_modes_are_accepted(tmp_path):
    with pytest.raises(ValueError, match="mode"):
        with atomic_write(tmp_path / "x", "ab"):
            pass
    assert os.listdir(tmp_path) == []
