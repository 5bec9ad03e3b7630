"""Tests for the IDX reader and writer: round trips, gzip detection and clear errors on bad files."""

import gzip
import os
import struct

import numpy as np
import pytest

from nnviz.engine.idx import IdxError, read_idx, write_idx


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_round_trip_every_dtype(tmp_path, dtype, name):
    rng = np.random.default_rng(1)
    array = (rng.normal(size=(3, 4, 5)) * 50).astype(dtype)
    path = write_idx(tmp_path / name, array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype)
    assert back.dtype.isnative
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable


def test_gzip_is_detected_by_content_not_name(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    path = write_idx(tmp_path / "labels-no-gz-suffix", labels, compress=True)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    np.testing.assert_array_equal(read_idx(path), labels)


def test_raw_file_named_gz_is_still_read(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    path = write_idx(tmp_path / "labels.gz", labels, compress=False)
    np.testing.assert_array_equal(read_idx(path), labels)


def test_header_layout_matches_mnist_convention(tmp_path):
    images = np.zeros((2, 28, 28), np.uint8)
    raw = write_idx(tmp_path / "images", images).read_bytes()
    assert raw[:4] == b"\x00\x00\x08\x03"
    assert struct.unpack(">3I", raw[4:16]) == (2, 28, 28)
    assert len(raw) == 16 + 2 * 28 * 28


def test_multi_byte_values_are_big_endian_on_disk(tmp_path):
    raw = write_idx(tmp_path / "v", np.array([1], np.int32)).read_bytes()
    assert raw[8:] == b"\x00\x00\x00\x01"


def test_write_leaves_no_temporary_files(tmp_path):
    write_idx(tmp_path / "x.gz", np.ones(3, np.uint8))
    assert [p.name for p in tmp_path.iterdir()] == ["x.gz"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = write_idx(tmp_path / "x", np.ones(3, np.uint8))
    before = path.read_bytes()

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        write_idx(path, np.zeros(5, np.uint8))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["x"]


def test_write_rejects_unsupported_dtype(tmp_path):
    with pytest.raises(IdxError, match="dtype"):
        write_idx(tmp_path / "x", np.ones(3, np.int64))
    assert not (tmp_path / "x").exists()


def _write_raw(tmp_path, data, gz=False):
    path = tmp_path / ("bad.gz" if gz else "bad")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_missing_file(tmp_path):
    with pytest.raises(IdxError, match="not found") as info:
        read_idx(tmp_path / "nope")
    assert "nope" in str(info.value)


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_data_names_file_and_sizes(tmp_path, gz):
    raw = write_idx(tmp_path / "good", np.zeros((4, 28, 28), np.uint8)).read_bytes()
    path = _write_raw(tmp_path, raw[:-100], gz=gz)
    with pytest.raises(IdxError, match="truncated") as info:
        read_idx(path)
    assert path.name in str(info.value)
    assert "(4, 28, 28)" in str(info.value)


def test_trailing_bytes_are_rejected(tmp_path):
    raw = write_idx(tmp_path / "good", np.zeros(5, np.uint8)).read_bytes()
    with pytest.raises(IdxError, match="unexpected bytes"):
        read_idx(_write_raw(tmp_path, raw + b"\x00\x00"))


def test_truncated_gzip_stream(tmp_path):
    raw = write_idx(tmp_path / "good.gz", np.arange(1000, dtype=np.int32)).read_bytes()
    path = tmp_path / "cut.gz"
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(IdxError, match="gzip") as info:
        read_idx(path)
    assert "cut.gz" in str(info.value)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "too short"),
        (b"PK\x03\x04 this is a zip file", "not an IDX file"),
        (b"\x00\x00\x07\x01\x00\x00\x00\x01\x00", "type code 0x07"),
        (b"\x00\x00\x08\x00", "zero dimensions"),
        (b"\x00\x00\x08\x03\x00\x00\x00\x02", "truncated header"),
    ],
)
def test_wrong_headers(tmp_path, data, message):
    with pytest.raises(IdxError, match=message):
        read_idx(_write_raw(tmp_path, data))


def test_huge_declared_size_fails_without_allocating(tmp_path):
    data = b"\x00\x00\x0e\x02" + struct.pack(">2I", 0xFFFFFFFF, 0xFFFFFFFF) + b"\x00" * 8
    with pytest.raises(IdxError, match="truncated"):
        read_idx(_write_raw(tmp_path, data))


def test_idx_error_is_a_value_error():
    assert issubclass(IdxError, ValueError)
