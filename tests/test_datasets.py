"""Tests for finding and loading datasets: IDX folders, Keras .npz, the sample, Fashion-MNIST, errors."""

import os
import pathlib
import sys

import numpy as np
import pytest

from nnviz.engine import datasets
from nnviz.engine.datasets import (
    FASHION_CLASS_NAMES,
    DataError,
    Dataset,
    find_fashion_mnist,
    find_mnist,
    load_dataset,
    load_fashion_mnist,
    load_mnist,
    load_sample,
    user_data_dir,
)

real_user_data_dir = user_data_dir  # the fixture below replaces the module's copy
from nnviz.engine.idx import read_idx, write_idx

REPO = pathlib.Path(__file__).resolve().parents[1]
STEMS = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


@pytest.fixture(autouse=True)
def isolated_places(tmp_path, monkeypatch):
    """No real data folder leaks into a test: empty user folder, no NNVIZ_DATA_DIR, no Debian copy."""
    monkeypatch.delenv("NNVIZ_DATA_DIR", raising=False)
    monkeypatch.setattr(datasets, "user_data_dir", lambda: tmp_path / "user" / "nnviz")
    monkeypatch.setattr(datasets, "DEBIAN_FASHION_DIR", tmp_path / "no-debian")


def tiny_parts(n_train=30, n_test=10, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": (np.arange(n_train) % 10).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": (np.arange(n_test) % 10).astype(np.uint8),
    }


def write_idx_folder(folder, gz=True, parts=None, skip=()):
    parts = parts or tiny_parts()
    folder.mkdir(parents=True, exist_ok=True)
    for key, stem in zip(("x_train", "y_train", "x_test", "y_test"), STEMS):
        if stem not in skip:
            write_idx(folder / (stem + (".gz" if gz else "")), parts[key])
    return parts


def two_pass_pixels(images):
    """The formula the loader used before converting in one pass: a float32 copy, then a division."""
    return images.reshape(len(images), -1).astype(np.float32) / np.float32(255)


def assert_same_bits(got, expected):
    assert got.dtype == expected.dtype == np.float32 and got.shape == expected.shape
    np.testing.assert_array_equal(got.view(np.uint32), expected.view(np.uint32))


@pytest.mark.parametrize("image_dtype", [np.uint8, np.float32])
def test_pixels_are_the_two_pass_values_to_the_bit(tmp_path, image_dtype):
    parts = tiny_parts(n_train=300)
    parts["x_train"].reshape(-1)[:256] = np.arange(256)  # every value a pixel can take
    parts = {key: value.astype(image_dtype) if key.startswith("x") else value for key, value in parts.items()}
    write_idx_folder(tmp_path / "m", parts=parts)
    data = load_dataset(tmp_path / "m")
    for part in ("train", "test"):
        assert_same_bits(getattr(data, f"x_{part}"), two_pass_pixels(parts[f"x_{part}"].astype(np.float32)))
    assert data.x_train.reshape(-1)[255] == 1.0 and data.x_train.reshape(-1)[0] == 0.0


@pytest.mark.parametrize("gz", [True, False])
def test_load_idx_folder(tmp_path, gz):
    parts = write_idx_folder(tmp_path / "m", gz=gz)
    data = load_dataset(tmp_path / "m")
    assert data.name == "MNIST" and data.source == str(tmp_path / "m")
    assert data.x_train.shape == (30, 784) and data.x_train.dtype == np.float32
    assert data.y_train.dtype == np.int64 and data.x_test.shape == (10, 784)
    assert data.image_shape == (28, 28) and data.class_names == tuple("0123456789")
    assert (data.n_features, data.n_classes, data.n_train, data.n_test) == (784, 10, 30, 10)
    np.testing.assert_allclose(data.x_train * 255, parts["x_train"].reshape(30, 784), atol=1e-4)
    assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    np.testing.assert_array_equal(data.y_test, parts["y_test"])


def test_dotted_file_names_are_accepted(tmp_path):
    write_idx_folder(tmp_path / "m", gz=False)
    for path in (tmp_path / "m").iterdir():
        path.rename(path.with_name(path.name.replace("-idx", ".idx")))
    assert load_dataset(str(tmp_path / "m")).n_train == 30


def test_keras_npz(tmp_path):
    parts = tiny_parts()
    np.savez_compressed(tmp_path / "mnist.npz", **parts)
    data = load_dataset(tmp_path / "mnist.npz")
    assert data.source == str(tmp_path / "mnist.npz")
    np.testing.assert_array_equal(data.y_train, parts["y_train"])
    # A folder holding mnist.npz works too.
    assert load_dataset(tmp_path).n_test == 10


def test_keras_npz_missing_arrays(tmp_path):
    np.savez(tmp_path / "other.npz", weights=np.zeros(3))
    with pytest.raises(DataError, match="missing x_train") as info:
        load_dataset(tmp_path / "other.npz")
    assert "other.npz" in str(info.value)


def test_not_an_npz(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"hello")
    with pytest.raises(DataError, match="junk.npz"):
        load_dataset(tmp_path / "junk.npz")


def test_missing_file_is_named_with_advice(tmp_path):
    write_idx_folder(tmp_path / "m", skip=("t10k-labels-idx1-ubyte",))
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "m")
    message = str(info.value)
    assert str(tmp_path / "m") in message
    assert "t10k-labels-idx1-ubyte" in message and "train-images" not in message
    assert "nnviz download" in message


def test_truncated_file_becomes_data_error(tmp_path):
    write_idx_folder(tmp_path / "m")
    victim = tmp_path / "m" / "train-images-idx3-ubyte.gz"
    victim.write_bytes(victim.read_bytes()[:100])
    with pytest.raises(DataError, match="train-images-idx3-ubyte.gz"):
        load_dataset(tmp_path / "m")


def test_mismatched_counts(tmp_path):
    parts = tiny_parts()
    parts["y_train"] = parts["y_train"][:-1]
    write_idx_folder(tmp_path / "m", parts=parts)
    with pytest.raises(DataError, match="30 train images but 29 train labels"):
        load_dataset(tmp_path / "m")


def test_bad_labels(tmp_path):
    parts = tiny_parts()
    parts["y_test"][0] = 12
    write_idx_folder(tmp_path / "m", parts=parts)
    with pytest.raises(DataError, match="labels range"):
        load_dataset(tmp_path / "m")


def test_nonexistent_path(tmp_path):
    with pytest.raises(DataError, match="no such file or folder") as info:
        load_dataset(tmp_path / "nowhere")
    assert "nnviz download" in str(info.value)


def test_search_order(tmp_path, monkeypatch):
    env_dir, user_dir, explicit = tmp_path / "env", datasets.user_data_dir() / "mnist", tmp_path / "explicit"
    assert find_mnist() is None
    write_idx_folder(user_dir)
    assert find_mnist() == user_dir
    write_idx_folder(env_dir)
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(env_dir))
    assert find_mnist() == env_dir
    write_idx_folder(explicit)
    assert find_mnist(explicit) == explicit
    # NNVIZ_DATA_DIR may also be a parent with an "mnist" subfolder.
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "parent"))
    write_idx_folder(tmp_path / "parent" / "mnist")
    assert find_mnist() == tmp_path / "parent" / "mnist"


def test_incomplete_folder_is_skipped_by_search(tmp_path, monkeypatch):
    write_idx_folder(tmp_path / "env", skip=("train-images-idx3-ubyte",))
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "env"))
    write_idx_folder(datasets.user_data_dir() / "mnist")
    assert find_mnist() == datasets.user_data_dir() / "mnist"


def test_auto_prefers_full_mnist_then_sample(tmp_path, monkeypatch):
    assert load_dataset(None).name == "MNIST sample"
    assert load_dataset("auto").source == "bundled sample"
    write_idx_folder(tmp_path / "env")
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "env"))
    data = load_dataset(None)
    assert data.name == "MNIST" and data.source == str(tmp_path / "env")


def test_mnist_by_name_when_absent_says_where_and_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "env"))
    with pytest.raises(DataError) as info:
        load_dataset("mnist")
    message = str(info.value)
    assert str(tmp_path / "env") in message and str(datasets.user_data_dir() / "mnist") in message
    assert "nnviz download" in message
    with pytest.raises(DataError):
        load_mnist()


def test_sample():
    data = load_sample()
    assert data.name == "MNIST sample" and data.source == "bundled sample"
    assert (data.n_train, data.n_test, data.n_features, data.n_classes) == (4000, 1000, 784, 10)
    np.testing.assert_array_equal(np.bincount(data.y_train), [400] * 10)
    np.testing.assert_array_equal(np.bincount(data.y_test), [100] * 10)
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    assert data.x_train.min() == 0.0 and data.x_train.max() == 1.0
    # Real digits: the ink covers roughly a fifth of the 28x28 field, centred near (14, 14).
    images = data.x_train.reshape(-1, 28, 28)
    assert 0.1 < images.mean() < 0.2
    rows = (images.sum(2) * np.arange(28)).sum(1) / images.sum((1, 2))
    assert abs(rows.mean() - 14.0) < 0.3
    # No digit is both in training and test part.
    train = {row.tobytes() for row in data.x_train}
    assert not any(row.tobytes() in train for row in data.x_test)
    assert load_dataset("sample").n_train == 4000


def test_sample_file_is_compact():
    size = (REPO / "resources" / "mnist_sample.npz").stat().st_size
    assert 500_000 < size < 1_500_000
    assert (REPO / "resources" / "MNIST-CREDIT.txt").read_text().count("CC BY-SA 3.0") >= 1


def test_dataset_repr_and_validation():
    data = load_sample()
    assert repr(data).startswith("Dataset('MNIST sample', train=4000, test=1000, features=784")
    with pytest.raises(ValueError):
        Dataset("bad", "here", data.x_train, data.y_train[:5], data.x_test, data.y_test, (28, 28), data.class_names)


def test_fashion_from_explicit_folder(tmp_path):
    write_idx_folder(tmp_path / "fm")
    data = load_fashion_mnist(tmp_path / "fm")
    assert data.name == "Fashion-MNIST" and data.class_names == FASHION_CLASS_NAMES
    assert data.class_names[0] == "T-shirt/top" and data.class_names[9] == "Ankle boot"
    # A path whose name says "fashion" gets the clothing class names through load_dataset too.
    write_idx_folder(tmp_path / "fashion-mnist")
    assert load_dataset(tmp_path / "fashion-mnist").class_names == FASHION_CLASS_NAMES


def test_fashion_search_order(tmp_path, monkeypatch):
    assert find_fashion_mnist() is None
    write_idx_folder(datasets.user_data_dir() / "fashion-mnist")
    assert find_fashion_mnist() == datasets.user_data_dir() / "fashion-mnist"
    debian = tmp_path / "debian"
    write_idx_folder(debian)
    monkeypatch.setattr(datasets, "DEBIAN_FASHION_DIR", debian)
    assert find_fashion_mnist() == debian
    assert load_dataset("fashion").source == str(debian)


def test_fashion_explicit_path_never_falls_back(tmp_path, monkeypatch):
    debian = tmp_path / "debian"
    write_idx_folder(debian)
    monkeypatch.setattr(datasets, "DEBIAN_FASHION_DIR", debian)
    write_idx_folder(tmp_path / "half", skip=("t10k-images-idx3-ubyte",))
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte"):
        load_fashion_mnist(tmp_path / "half")


def test_fashion_absent_says_how_to_get_it():
    with pytest.raises(DataError, match="dataset-fashion-mnist"):
        load_dataset("fashion")


@pytest.mark.skipif(sys.platform != "linux", reason="XDG rules apply on Linux")
def test_user_data_dir_linux(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert real_user_data_dir() == tmp_path / "nnviz"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")
    assert real_user_data_dir() == pathlib.Path.home() / ".local" / "share" / "nnviz"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert real_user_data_dir() == pathlib.Path.home() / ".local" / "share" / "nnviz"


def test_user_data_dir_other_platforms(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert real_user_data_dir() == pathlib.Path.home() / "Library" / "Application Support" / "nnviz"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    assert real_user_data_dir() == tmp_path / "Roaming" / "nnviz"


# ----------------------------------------------------------------- the real data, when present


def real_mnist_dir():
    for candidate in (os.environ.get("NNVIZ_DATA_DIR"), REPO.parent / "shared" / "mnist"):
        if candidate and all((pathlib.Path(candidate) / f"{stem}.gz").is_file() for stem in STEMS):
            return pathlib.Path(candidate)
    return None


REAL_MNIST = real_mnist_dir()  # read before the autouse fixture clears NNVIZ_DATA_DIR


@pytest.mark.mnist
@pytest.mark.skipif(REAL_MNIST is None, reason="the real MNIST is not here (NNVIZ_DATA_DIR or ../shared/mnist)")
def test_real_mnist():
    data = load_dataset(REAL_MNIST)
    assert (data.n_train, data.n_test) == (60000, 10000)
    np.testing.assert_array_equal(np.bincount(data.y_test), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    assert data.x_train.max() == 1.0 and data.x_train.min() == 0.0
    for part, stem in (("train", STEMS[0]), ("test", STEMS[2])):
        assert_same_bits(getattr(data, f"x_{part}"), two_pass_pixels(read_idx(REAL_MNIST / f"{stem}.gz")))
    # The sample's digits are MNIST training digits.
    sample = load_sample()
    train = {row.tobytes() for row in data.x_train}
    assert all(row.tobytes() in train for row in sample.x_test[:50])


DEBIAN_COPY = pathlib.Path("/usr/share/datasets/fashion-mnist")


@pytest.mark.skipif(not (DEBIAN_COPY / "train-images-idx3-ubyte.gz").is_file(),
                    reason="the Debian package dataset-fashion-mnist is not installed")
def test_real_debian_fashion_mnist():
    data = load_fashion_mnist(DEBIAN_COPY)
    assert (data.n_train, data.n_test, data.n_classes) == (60000, 10000, 10)
    np.testing.assert_array_equal(np.bincount(data.y_test), [1000] * 10)
