"""Datasets for nnviz: MNIST (full or the bundled sample), Fashion-MNIST and where to find them.

Every loader returns a ``Dataset`` of float32 features in 0..1 and int64 labels.

Where the full MNIST is looked for, in order: an explicit path, ``$NNVIZ_DATA_DIR``, then
``user_data_dir() / "mnist"`` (where ``nnviz download`` puts it); the bundled sample is the
fallback of ``load_dataset(None)``.
"""

from __future__ import annotations

import os
import pathlib
import sys
import zipfile
import zlib

import numpy as np

import nnviz

from nnviz.engine import toy
from nnviz.engine.bounded import LimitError, npz_members, open_npz, read_member
from nnviz.engine.data_checks import DataCheckError, check_images, check_labels
from nnviz.engine.dataset import Dataset
from nnviz.engine.idx import MAX_IDX_BYTES, IdxError, read_idx, read_idx_header

__all__ = [
    "DataError",
    "Dataset",
    "DIGIT_CLASS_NAMES",
    "FASHION_CLASS_NAMES",
    "DEBIAN_FASHION_DIR",
    "user_data_dir",
    "find_mnist",
    "find_fashion_mnist",
    "load_dataset",
    "load_mnist",
    "load_fashion_mnist",
    "load_sample",
    "load_idx_folder",
    "load_keras_npz",
]

DIGIT_CLASS_NAMES: tuple[str, ...] = tuple(str(digit) for digit in range(10))
FASHION_CLASS_NAMES: tuple[str, ...] = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip

# Where the Debian/Ubuntu package dataset-fashion-mnist installs the four files.
DEBIAN_FASHION_DIR = pathlib.Path("/usr/share/datasets/fashion-mnist")

# The four standard IDX files, by role; each may also be gzipped (".gz").
IDX_FILES: dict[str, str] = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
KERAS_NPZ_NAME = "mnist.npz"

_SAMPLE_NAME = "mnist_sample.npz"
_DOWNLOAD_HINT = "Run `nnviz download` to fetch the full MNIST, or point NNVIZ_DATA_DIR at a folder that has it."


class DataError(Exception):
    """Data cannot be found or read; the message names the file or folder, the problem and what to do."""


def user_data_dir() -> pathlib.Path:
    """The platform's per-user data folder for nnviz (it may not exist yet).

    Linux and other Unixes: ``$XDG_DATA_HOME/nnviz``, else ``~/.local/share/nnviz``;
    macOS: ``~/Library/Application Support/nnviz``; Windows: ``%APPDATA%\\nnviz``.
    """
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(pathlib.Path.home() / "AppData" / "Roaming")
        return pathlib.Path(base) / "nnviz"
    if sys.platform == "darwin":
        return pathlib.Path.home() / "Library" / "Application Support" / "nnviz"
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    # The XDG spec says relative paths are invalid and must be ignored.
    if xdg and os.path.isabs(xdg):
        return pathlib.Path(xdg) / "nnviz"
    return pathlib.Path.home() / ".local" / "share" / "nnviz"


# --------------------------------------------------------------------------- finding files


def _idx_file(folder: pathlib.Path, stem: str) -> pathlib.Path | None:
    """The file for ``stem`` in ``folder``: gzipped or raw; also the "train-images.idx3-ubyte" spelling."""
    dotted = stem.replace("-idx", ".idx")
    for name in (f"{stem}.gz", stem, f"{dotted}.gz", dotted):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def _usable(path: pathlib.Path) -> pathlib.Path | None:
    """``path`` itself if it is a Keras-style .npz or a folder holding the data, else None."""
    if path.is_file():
        return path if path.suffix == ".npz" else None
    if path.is_dir():
        if all(_idx_file(path, stem) for stem in IDX_FILES.values()):
            return path
        if (path / KERAS_NPZ_NAME).is_file():
            return path / KERAS_NPZ_NAME
    return None


def _env_data_dir() -> pathlib.Path | None:
    value = os.environ.get("NNVIZ_DATA_DIR", "").strip()
    return pathlib.Path(value).expanduser() if value else None


def find_mnist(explicit: str | os.PathLike | None = None) -> pathlib.Path | None:
    """The first place that holds the full MNIST, or None.

    Looks at ``explicit``, then ``$NNVIZ_DATA_DIR`` (the folder itself or its ``mnist``
    subfolder), then ``user_data_dir() / "mnist"``. A place qualifies when it is a folder with
    the four standard IDX files (``.gz`` or raw), a folder with ``mnist.npz``, or an ``.npz``
    file. Returns the folder, or the ``.npz`` file.
    """
    candidates: list[pathlib.Path] = []
    if explicit is not None:
        candidates.append(pathlib.Path(explicit).expanduser())
    env = _env_data_dir()
    if env is not None:
        candidates += [env, env / "mnist"]
    candidates.append(user_data_dir() / "mnist")
    for candidate in candidates:
        found = _usable(candidate)
        if found is not None:
            return found
    return None


def find_fashion_mnist(explicit: str | os.PathLike | None = None) -> pathlib.Path | None:
    """The first folder holding the four Fashion-MNIST IDX files, or None.

    Looks at ``explicit``, then ``$NNVIZ_DATA_DIR/fashion-mnist``, then the Debian package's copy
    in ``/usr/share/datasets/fashion-mnist``, then ``user_data_dir() / "fashion-mnist"``.
    """
    candidates: list[pathlib.Path] = []
    if explicit is not None:
        candidates.append(pathlib.Path(explicit).expanduser())
    env = _env_data_dir()
    if env is not None:
        candidates.append(env / "fashion-mnist")
    candidates += [DEBIAN_FASHION_DIR, user_data_dir() / "fashion-mnist"]
    for candidate in candidates:
        found = _usable(candidate)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- loading


def _pixel_values(raw: np.ndarray) -> np.ndarray:
    """uint8 pixels 0..255 as float32 values 0..1, in one pass over the memory.

    The ufunc casts each buffered block to float32 and divides it while it is in cache; the values
    are those of ``raw.astype(np.float32) / np.float32(255)`` to the bit (a float32 division either
    way; multiplying by 1/255 would change some of them in the last bit).
    """
    return np.divide(raw, np.float32(255), dtype=np.float32)


def _to_dataset(
    name: str,
    source: str,
    parts: dict[str, np.ndarray],
    class_names: tuple[str, ...],
    where: str,
) -> Dataset:
    """Check raw uint8 image/label arrays and turn them into a Dataset. ``where`` names the origin."""
    for part, words in (("train", "training"), ("test", "test")):
        images, labels = parts[f"x_{part}"], parts[f"y_{part}"]
        if images.ndim == 2 and images.shape[1] == 784:
            images = images.reshape(-1, 28, 28)
        try:
            images = check_images(images, words)
            labels = check_labels(labels, words, len(class_names))
        except DataCheckError as exc:
            raise DataError(f"{where}: {exc}") from None
        if len(images) != len(labels):
            raise DataError(
                f"{where}: {len(images)} {part} images but {len(labels)} {part} labels; "
                "the files do not belong together"
            )
        parts[f"x_{part}"], parts[f"y_{part}"] = images, labels
    image_shape = parts["x_train"].shape[1:]
    if parts["x_test"].shape[1:] != image_shape:
        raise DataError(f"{where}: training images are {image_shape}, test images {parts['x_test'].shape[1:]}")

    def features(images: np.ndarray) -> np.ndarray:
        flat = images.reshape(len(images), -1)
        if flat.dtype == np.uint8:
            return _pixel_values(flat)
        flat = flat.astype(np.float32)
        low, high = (flat.min(), flat.max()) if flat.size else (0, 0)
        if low < 0 or high > 1:
            if low >= 0 and high <= 255:
                return np.divide(flat, np.float32(255), out=flat)  # flat is our own copy
            raise DataError(f"{where}: pixel values range from {low} to {high}, expected 0..255")
        return flat

    return Dataset(
        name=name,
        source=source,
        x_train=features(parts["x_train"]),
        y_train=parts["y_train"],
        x_test=features(parts["x_test"]),
        y_test=parts["y_test"],
        image_shape=(int(image_shape[0]), int(image_shape[1])),
        class_names=class_names,
    )


def load_idx_folder(
    folder: str | os.PathLike, name: str = "MNIST", class_names: tuple[str, ...] = DIGIT_CLASS_NAMES
) -> Dataset:
    """Load a folder with the four standard IDX files (each ``.gz`` or raw)."""
    folder = pathlib.Path(folder).expanduser()
    if not folder.is_dir():
        raise DataError(f"{folder}: no such folder. {_DOWNLOAD_HINT}" if name == "MNIST" else f"{folder}: no such folder")
    files = {role: _idx_file(folder, stem) for role, stem in IDX_FILES.items()}
    missing = [f"{IDX_FILES[role]}[.gz]" for role, path in files.items() if path is None]
    if missing:
        advice = f" {_DOWNLOAD_HINT}" if name == "MNIST" else ""
        raise DataError(f"{folder}: {name} file(s) missing: {', '.join(missing)}.{advice}")
    fix = "Delete the file and get it again (for MNIST: `nnviz download`)."
    try:
        # every header first: files that do not belong together are refused before any body is read
        shapes = {role: read_idx_header(path)[0] for role, path in files.items()}
        for part in ("train", "test"):
            n_images, n_labels = shapes[f"x_{part}"][0], shapes[f"y_{part}"][0]
            if n_images != n_labels:
                raise DataError(f"{folder}: {n_images} {part} images but {n_labels} {part} labels; "
                                "the files do not belong together")
        parts = {role: read_idx(path) for role, path in files.items()}
    except IdxError as exc:
        raise DataError(f"{exc}. {fix}") from None
    return _to_dataset(name, str(folder), parts, class_names, str(folder))


def load_keras_npz(
    path: str | os.PathLike, name: str = "MNIST", class_names: tuple[str, ...] = DIGIT_CLASS_NAMES
) -> Dataset:
    """Load a Keras-style ``mnist.npz`` with arrays x_train, y_train, x_test, y_test."""
    path = pathlib.Path(path).expanduser()
    if path.exists() and not path.is_file() and not path.is_dir():  # a pipe may never answer
        raise DataError(f"{path}: is not a regular file (a device or a pipe), not a .npz file")
    try:
        with open(path, "rb") as stream, open_npz(stream) as archive:
            files = npz_members(archive)
            missing = [key for key in IDX_FILES if key not in files]
            if missing:
                raise DataError(
                    f"{path}: not a Keras-style MNIST .npz: missing {', '.join(missing)} "
                    f"(it has {', '.join(files[:10]) or 'no arrays'})"
                )
            # every array's declared size is checked before it is decompressed
            parts = {key: read_member(archive, key, max_bytes=MAX_IDX_BYTES) for key in IDX_FILES}
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a .npz file") from None
    except LimitError as exc:
        raise DataError(f"{path}: not a usable dataset .npz file ({exc})") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataError(f"{path}: cannot read it as a .npz file ({exc})") from None
    return _to_dataset(name, str(path), parts, class_names, str(path))


def load_sample() -> Dataset:
    """The bundled sample: 5,000 real MNIST digits, 4,000 for training and 1,000 for testing."""
    path = nnviz.resources_dir() / _SAMPLE_NAME
    if not path.is_file():
        raise DataError(f"{path}: the bundled MNIST sample is missing; reinstall nnviz. {_DOWNLOAD_HINT}")
    dataset = load_keras_npz(path, name="MNIST sample")
    return _replace_source(dataset, "bundled sample")


def _replace_source(dataset: Dataset, source: str) -> Dataset:
    from dataclasses import replace

    return replace(dataset, source=source)


def load_mnist(path: str | os.PathLike | None = None) -> Dataset:
    """The full MNIST from ``path`` (folder or .npz) or, if None, from the first place that has it.

    Raises DataError naming what is missing and suggesting ``nnviz download``.
    """
    if path is not None:
        path = pathlib.Path(path).expanduser()
        names = FASHION_CLASS_NAMES if "fashion" in path.name.lower() else DIGIT_CLASS_NAMES
        title = "Fashion-MNIST" if names is FASHION_CLASS_NAMES else "MNIST"
        if path.is_dir():
            found = _usable(path)
            if found is None:
                return load_idx_folder(path, title, names)  # raises, naming the missing files
            if found.is_file():
                return load_keras_npz(found, title, names)
            return load_idx_folder(found, title, names)
        if path.is_file() or path.suffix == ".npz":
            return load_keras_npz(path, title, names)
        raise DataError(
            f"{path}: no such file or folder (expected a folder with the four MNIST IDX files "
            f"or a Keras-style mnist.npz). {_DOWNLOAD_HINT}"
        )
    found = find_mnist()
    if found is None:
        places = []
        env = _env_data_dir()
        if env is not None:
            places.append(f"{env} (NNVIZ_DATA_DIR)")
        places.append(str(user_data_dir() / "mnist"))
        raise DataError(f"The full MNIST was not found in {' or '.join(places)}. {_DOWNLOAD_HINT}")
    return load_keras_npz(found) if found.is_file() else load_idx_folder(found)


def load_fashion_mnist(path: str | os.PathLike | None = None) -> Dataset:
    """Fashion-MNIST (Zalando's 70,000 28x28 clothing images) from ``path`` or where it is installed."""
    if path is not None:
        # An explicit place is used or fails on its own; it never falls back to another copy.
        path = pathlib.Path(path).expanduser()
        found = _usable(path)
        if found is None and path.suffix == ".npz":
            found = path
    else:
        found = find_fashion_mnist()
    if found is None:
        if path is not None:
            return load_idx_folder(path, "Fashion-MNIST", FASHION_CLASS_NAMES)  # raises with details
        raise DataError(
            f"Fashion-MNIST was not found in {DEBIAN_FASHION_DIR} or {user_data_dir() / 'fashion-mnist'}. "
            "Run `nnviz download --fashion` to fetch it, or install it with "
            "`sudo apt install dataset-fashion-mnist` (Debian/Ubuntu), or put the four "
            "files (train-images-idx3-ubyte.gz, ...) from https://github.com/zalandoresearch/fashion-mnist "
            f"into {user_data_dir() / 'fashion-mnist'}."
        )
    if found.is_file() or found.suffix == ".npz":
        return load_keras_npz(found, "Fashion-MNIST", FASHION_CLASS_NAMES)
    return load_idx_folder(found, "Fashion-MNIST", FASHION_CLASS_NAMES)


def load_dataset(spec: str | os.PathLike | None = None) -> Dataset:
    """Load a dataset by name or path.

    ``None`` or ``"auto"``: the full MNIST if found (see ``find_mnist``), else the bundled sample.
    ``"sample"``, ``"mnist"`` (DataError if not found), ``"fashion"`` (or ``"fashion-mnist"``),
    a 2-D toy (``"spirals"``, ``"xor"``, ``"circles"``, ``"gaussians"``, with default size), or a
    path: a folder with the four standard IDX files (``.gz`` or raw) or a Keras-style .npz.
    """
    if spec is None or (isinstance(spec, str) and spec.strip().lower() == "auto"):
        found = find_mnist()
        if found is not None:
            return load_keras_npz(found) if found.is_file() else load_idx_folder(found)
        return load_sample()
    if isinstance(spec, str):
        key = spec.strip().lower()
        if key == "sample":
            return load_sample()
        if key == "mnist":
            return load_mnist()
        if key in ("fashion", "fashion-mnist", "fashion_mnist"):
            return load_fashion_mnist()
        if key in toy.TOY_DATASETS:
            return toy.make_toy(key)
    return load_mnist(spec)
