"""Hostile data files: IDX streams checked header first, npz arrays by declared size, bad values named."""

import gzip
import os
import struct
import subprocess
import sys
import tracemalloc
import zlib

import numpy as np
import pytest

from nnviz.engine import datasets
from nnviz.engine.datasets import DataError, load_dataset
from nnviz.engine.idx import MAX_IDX_BYTES, IdxError, read_idx, write_idx

STEMS = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
KEYS = ("x_train", "y_train", "x_test", "y_test")


@pytest.fixture(autouse=True)
def no_real_data(tmp_path, monkeypatch):
    monkeypatch.delenv("NNVIZ_DATA_DIR", raising=False)
    monkeypatch.setattr(datasets, "user_data_dir", lambda: tmp_path / "user" / "nnviz")


def gzip_of_zeros(path, head: bytes, n_zeros: int) -> None:
    """A gzip file of ``head`` then ``n_zeros`` zero bytes, written in chunks (a small file)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as out:
        out.write(compressor.compress(head))
        chunk = bytes(1 << 20)
        for _ in range(n_zeros >> 20):
            out.write(compressor.compress(chunk))
        out.write(compressor.flush())


def read_bounded(path, max_mib=4, **options):
    tracemalloc.start()
    try:
        with pytest.raises(IdxError) as caught:
            read_idx(path, **options)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < max_mib * 2**20, f"peak {peak / 2**20:.1f} MiB"
    return str(caught.value)


def test_a_gzip_bomb_with_a_bad_magic_is_refused_after_four_bytes(tmp_path):
    path = tmp_path / "bomb.gz"
    gzip_of_zeros(path, b"\xde\xad\xbe\xef", 64 << 20)  # 64 MiB inside, ~64 KiB on disk
    assert path.stat().st_size < 200_000
    assert "not an IDX file" in read_bounded(path)


def test_a_header_declaring_a_gigabyte_is_refused_before_reading_the_body(tmp_path):
    path = tmp_path / "big.gz"
    header = b"\x00\x00\x08\x03" + struct.pack(">3I", 1_300_000, 28, 28)  # ~1 GB of images declared
    gzip_of_zeros(path, header, 16 << 20)
    message = read_bounded(path)
    assert "1,019,200,000 bytes" in message and f"{MAX_IDX_BYTES:,}" in message


def test_the_cap_holds_for_any_declared_size(tmp_path):
    path = tmp_path / "labels.gz"
    gzip_of_zeros(path, b"\x00\x00\x08\x01" + struct.pack(">I", 3 << 20), 4 << 20)
    assert "nnviz reads at most 1,048,576 bytes" in read_bounded(path, max_bytes=1 << 20)


def test_exactly_the_declared_body_is_read_and_extra_bytes_are_named(tmp_path):
    path = tmp_path / "extra.gz"
    gzip_of_zeros(path, b"\x00\x00\x08\x01" + struct.pack(">I", 10), 32 << 20)  # 10 labels, then 32 MiB
    assert "65536 or more unexpected bytes" in read_bounded(path)


def test_255_dimensions_are_refused(tmp_path):
    path = tmp_path / "dims"
    path.write_bytes(b"\x00\x00\x08\xff" + struct.pack(">255I", *([1] * 255)) + b"\x00")
    assert "255 dimensions" in read_bounded(path)


def write_parts(folder, parts):
    folder.mkdir(parents=True, exist_ok=True)
    for key, stem in zip(KEYS, STEMS):
        write_idx(folder / (stem + ".gz"), parts[key])


def tiny(n_train=20, n_test=10, image_dtype=np.uint8, label_dtype=np.uint8):
    rng = np.random.default_rng(0)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28)).astype(image_dtype),
        "y_train": (np.arange(n_train) % 10).astype(label_dtype),
        "x_test": rng.integers(0, 256, (n_test, 28, 28)).astype(image_dtype),
        "y_test": (np.arange(n_test) % 10).astype(label_dtype),
    }


@pytest.mark.parametrize(("n_train", "n_test", "message"),
                         [(0, 10, "no training images"), (20, 0, "no test images")])
def test_a_set_without_images_is_a_clear_error(tmp_path, n_train, n_test, message):
    write_parts(tmp_path / "m", tiny(n_train, n_test))
    with pytest.raises(DataError, match=message):
        load_dataset(tmp_path / "m")


def test_nan_pixels_are_named_not_blamed_on_the_learning_rate(tmp_path):
    parts = tiny(image_dtype=np.float32)
    parts["x_train"][3, 4, 5] = np.nan
    write_parts(tmp_path / "m", parts)
    with pytest.raises(DataError, match=r"1 training pixel values are NaN"):
        load_dataset(tmp_path / "m")


@pytest.mark.parametrize(("value", "message"), [(np.nan, "NaN"), (4.5, "not whole numbers.*4.5"),
                                                (np.inf, "infinite")])
def test_bad_float_labels_are_named(tmp_path, value, message):
    parts = tiny(label_dtype=np.float64)
    parts["y_test"][2] = value
    write_parts(tmp_path / "m", parts)
    with pytest.raises(DataError, match=message):
        load_dataset(tmp_path / "m")


def test_whole_float_labels_are_accepted(tmp_path):
    write_parts(tmp_path / "m", tiny(label_dtype=np.float32))
    data = load_dataset(tmp_path / "m")
    assert data.y_train.dtype == np.int64 and list(data.y_train[:3]) == [0, 1, 2]


def keras_npz(path, parts):
    np.savez_compressed(path, **parts)


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: p.update(x_train=p["x_train"].astype(np.complex64)), "training images hold complex numbers"),
    (lambda p: p.update(y_test=np.zeros(10, dtype=[("a", "u1"), ("b", "u1")])), "test labels hold structured"),
    (lambda p: p.update(x_test=np.zeros(10, dtype=[("a", "f4")])), "test images hold structured"),
    (lambda p: p.update(y_train=p["y_train"].astype(bool)), "training labels hold true/false"),
])
def test_complex_and_structured_values_are_refused_by_name(tmp_path, change, message):
    parts = tiny()
    change(parts)
    keras_npz(tmp_path / "odd.npz", parts)
    with pytest.raises(DataError, match=message):
        load_dataset(tmp_path / "odd.npz")


@pytest.mark.parametrize("content", [os.urandom(2048), b"PK\x03\x04" + os.urandom(2048), b"\x93NUMPY" + os.urandom(100)],
                         ids=["random", "zip-magic", "npy-magic"])
def test_a_random_npz_never_mentions_pickle(tmp_path, content):
    path = tmp_path / "random.npz"
    path.write_bytes(content)
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert "pickle" not in str(caught.value).lower()
    assert "random.npz" in str(caught.value)


def test_an_npz_array_declaring_gigabytes_is_refused_before_decompressing(tmp_path):
    import io
    import zipfile

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "|u1", "fortran_order": False,
                                                  "shape": (2_000_000, 28, 28)})
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("x_train.npy", header.getvalue() + bytes(8 << 20))
        for key in ("y_train", "x_test", "y_test"):
            stream = io.BytesIO()
            np.save(stream, tiny()[key])
            archive.writestr(f"{key}.npy", stream.getvalue())
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match="x_train declares"):
            load_dataset(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20


def test_cli_says_what_is_wrong_with_nan_labels(tmp_path):
    parts = tiny(label_dtype=np.float32)
    parts["y_train"][0] = np.nan
    write_parts(tmp_path / "m", parts)
    done = subprocess.run([sys.executable, "-m", "nnviz", "train", "--data", str(tmp_path / "m"), "--epochs", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "labels are NaN" in done.stderr and "Traceback" not in done.stderr


def test_a_dataset_built_in_memory_with_nan_inputs_is_refused_by_name():
    from nnviz.engine.dataset import Dataset

    x = np.zeros((4, 2), np.float32)
    x[1, 1] = np.nan
    with pytest.raises(ValueError, match="training inputs contain NaN"):
        Dataset("t", "test", x, np.array([0, 1, 0, 1]), np.zeros((2, 2), np.float32), np.array([0, 1]),
                None, ("a", "b"))
    targets = np.array([0.5, np.inf], np.float32)
    with pytest.raises(ValueError, match="test targets contain NaN or infinite"):
        Dataset("t", "test", np.zeros((2, 1), np.float32), np.zeros(2, np.float32), np.zeros((2, 1), np.float32),
                targets, None, ())


@pytest.mark.parametrize(("args", "message"), [
    (["--data", "spirals", "--points", "10000000000"], "at most 1,000,000 points"),
    (["--data", "spirals", "--noise", "1e300"], "noise must be from 0 to 10"),
    (["--data", "curve:sin", "--noise", "1e300"], "noise must be from 0 to 10"),
])
def test_absurd_generated_problems_are_refused_before_allocating(args, message):
    done = subprocess.run([sys.executable, "-m", "nnviz", "train", *args, "--epochs", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr and "Warning" not in done.stderr


def test_a_pipe_named_like_an_npz_is_not_opened(tmp_path):
    fifo = tmp_path / "data.npz"
    os.mkfifo(fifo)  # opening it would wait for a writer forever
    with pytest.raises(DataError, match="not a regular file"):
        load_dataset(fifo)


def test_damaged_idx_files_only_ever_give_an_idx_error(tmp_path):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    good = write_idx(tmp_path / "good.gz", np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28) % 251)
    originals = [good.read_bytes(), gzip.decompress(good.read_bytes())]

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.sampled_from([0, 1]), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6),
           st.integers(0, 10**6))
    def check(which, flips, cut):
        data = bytearray(originals[which])
        for at, value in flips:
            data[at % len(data)] = value
        path = tmp_path / "mutated"
        path.write_bytes(bytes(data[: max(1, cut % (len(data) + 1))]))
        try:
            array = read_idx(path)
        except IdxError:
            return
        assert array.size * array.itemsize <= MAX_IDX_BYTES

    check()


def test_damaged_dataset_npz_files_only_ever_give_a_data_error(tmp_path):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    good = tmp_path / "good.npz"
    keras_npz(good, tiny(6, 4))
    original = good.read_bytes()

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), max_size=6),
           st.integers(1, len(original)))
    def check(flips, cut):
        data = bytearray(original)
        for at, value in flips:
            data[at] = value
        path = tmp_path / "mutated.npz"
        path.write_bytes(bytes(data[:cut]))
        try:
            load_dataset(path)
        except DataError as error:
            assert "pickle" not in str(error).lower()

    check()


def test_files_that_do_not_belong_together_are_refused_from_their_headers(tmp_path, monkeypatch):
    """60,000 images and 10 labels: refused before the images' body is read."""
    folder = tmp_path / "m"
    folder.mkdir()
    header = b"\x00\x00\x08\x03" + struct.pack(">3I", 60_000, 28, 28)
    gzip_of_zeros(folder / "train-images-idx3-ubyte.gz", header, 47 << 20)
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.zeros(10, np.uint8))
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.zeros((4, 28, 28), np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.zeros(4, np.uint8))
    import nnviz.engine.datasets as loaders

    bodies = []
    monkeypatch.setattr(loaders, "read_idx", lambda path, *a, **k: bodies.append(path) or read_idx(path, *a, **k))
    with pytest.raises(DataError, match="60000 train images but 10 train labels"):
        load_dataset(folder)
    assert bodies == []
