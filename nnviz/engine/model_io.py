"""Model files: a network's weights, architecture and training metadata in one .npz, written atomically.

Loading checks everything and raises ModelFileError naming the file and the problem.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path

import numpy as np

from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.atomic import atomic_write
from nnviz.engine.bounded import LimitError, dumps_json, loads_json, member_info, npz_members, open_npz, read_member, read_text_member
from nnviz.engine.network import COSTS, REGRESSION_COST, Network, check_layer_sizes

__all__ = ["FORMAT", "FORMAT_VERSION", "ModelFileError", "save_model", "load_model"]

#: Identifies an nnviz model file; FORMAT_VERSION grows when the layout changes.
FORMAT = "nnviz-model"
FORMAT_VERSION = 1
#: What a model file may declare; nothing an nnviz network needs comes near these.
MAX_FILE_BYTES = 128 * 2**20
MAX_IO_SIZE = 65_536        # inputs (a 256x256 image) and outputs (classes)
MAX_HEADER_CHARS = 16_384
MAX_METADATA_CHARS = 1_048_576


def _plain(value):
    """JSON form of NumPy scalars and arrays found in metadata."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


class ModelFileError(ValueError):
    """A model file cannot be read; the message names the file and the problem."""


def save_model(path, network: Network, metadata: dict | None = None) -> None:
    """Write ``network`` and JSON-serialisable ``metadata`` to the .npz file ``path``.

    The file is written to a temporary file in the same folder and renamed over ``path`` only
    when complete, so a failed save never leaves a half-written model behind.
    """
    path = Path(path)
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "layer_sizes": list(network.layer_sizes),
        "activation": network.activation,
        "cost": network.cost,
    }
    try:
        metadata_json = dumps_json(metadata or {}, default=_plain)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"model metadata must be JSON-serialisable: {exc}") from None
    arrays = {"header": np.array(json.dumps(header)), "metadata": np.array(metadata_json)}
    for i, (w, b) in enumerate(zip(network.weights, network.biases)):
        arrays[f"weights_{i}"] = np.asarray(w, dtype=np.float32)
        arrays[f"biases_{i}"] = np.asarray(b, dtype=np.float32)
    with atomic_write(path) as f:
        np.savez_compressed(f, **arrays)


def load_model(path) -> tuple[Network, dict]:
    """Read a model file written by :func:`save_model`: returns (network, metadata).

    Memory and time are bounded whatever the file holds: its size, the header and metadata
    lengths, their JSON nesting, the architecture and every array's declared shape are checked
    before anything is decompressed. Nothing in the file is ever unpickled.
    """
    path = Path(path)

    def fail(problem: str) -> ModelFileError:
        return ModelFileError(f"{path}: {problem}")

    if not path.exists():
        raise fail("no such file")
    if path.is_dir():
        raise fail("is a folder, not a model file")
    if not path.is_file():  # a device (/dev/zero never ends) or a pipe (may never answer)
        raise fail("is not a regular file (a device or a pipe), so it is not a model file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise fail(f"is {size / 2**20:,.0f} MiB; nnviz models are at most {MAX_FILE_BYTES // 2**20} MiB, "
                       "so this is not an nnviz model file")
        # read into memory first: a damaged archive must not keep the file open
        data = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:  # grew while we read it (a device, a pipe, /proc)
        raise fail(f"is larger than {MAX_FILE_BYTES // 2**20} MiB, so it is not an nnviz model file")
    if data[:4] != b"PK\x03\x04":
        if data[:6] == b"\x93NUMPY":
            raise fail("not an nnviz model file (a single NumPy array, not an .npz archive)")
        raise fail("not an nnviz model file (not an .npz archive)")
    try:
        archive = open_npz(data)
    except LimitError as exc:
        raise fail(f"not an nnviz model file, or the file is truncated or damaged ({exc})") from None
    with archive:
        try:
            return _read(archive, fail)
        except ModelFileError:
            raise
        except LimitError as exc:
            raise fail(str(exc)) from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError, zlib.error) as exc:
            raise fail(f"the file is damaged or truncated ({exc})") from None


def _read(archive, fail) -> tuple[Network, dict]:
    names = npz_members(archive)
    if "header" not in names:
        raise fail("not an nnviz model file (no header)")
    try:
        header = loads_json(read_text_member(archive, "header", MAX_HEADER_CHARS))
    except LimitError as exc:
        raise fail(f"the header is not valid JSON, or is damaged: {exc}") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise fail("not an nnviz model file (wrong format marker)")
    version = header.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fail(f"not an nnviz model file (format version {version!r})")
    if version > FORMAT_VERSION:
        raise fail(f"written by a newer nnviz (format version {version}); this one reads up to {FORMAT_VERSION}")
    try:
        sizes = check_layer_sizes(header.get("layer_sizes"))
    except (ValueError, TypeError) as exc:
        raise fail(f"invalid architecture: {exc}") from None
    if max(sizes[0], sizes[-1]) > MAX_IO_SIZE:
        raise fail(f"invalid architecture {sizes}: at most {MAX_IO_SIZE:,} inputs and outputs are supported")
    activation, cost = header.get("activation"), header.get("cost")
    if activation not in ACTIVATIONS:
        raise fail(f"unknown activation {activation!r} (known: {', '.join(ACTIVATIONS)})")
    if cost not in COSTS:
        raise fail(f"unknown cost {cost!r} (known: {', '.join(COSTS)})")
    layers = len(sizes) - 1
    stored = [f for f in names if f.startswith(("weights_", "biases_"))]
    expected = {f"{kind}_{i}" for i in range(layers) for kind in ("weights", "biases")}
    if set(stored) - expected:
        raise fail(f"holds {len(stored) // 2} layers of weights but layer sizes {sizes} need {layers}")
    shapes = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        shapes[f"weights_{i}"], shapes[f"biases_{i}"] = (n_out, n_in), (n_out,)
    # Every declared shape and type is checked before any array is decompressed.
    for name, shape in shapes.items():
        if name not in names:
            raise fail(f"{name} is missing")
        declared, dtype = member_info(archive, name)
        if declared != shape:
            raise fail(f"{name} has shape {declared} but layer sizes {sizes} need {shape}")
        if dtype.kind != "f":
            raise fail(f"{name} holds {dtype} values, not floating-point numbers")
    network = Network(sizes, activation, cost)
    for i, (w, b) in enumerate(zip(network.weights, network.biases)):
        for name, dst in ((f"weights_{i}", w), (f"biases_{i}", b)):
            src = read_member(archive, name, max_bytes=dst.size * 8)
            if not np.all(np.isfinite(src)):
                raise fail(f"{name} contains NaN or infinite values")
            if src.size and float(np.abs(src).max()) > np.finfo(np.float32).max:
                raise fail(f"{name} holds values too large for 32-bit floats")
            dst[...] = src
    metadata = {}
    if "metadata" in names:
        try:
            metadata = loads_json(read_text_member(archive, "metadata", MAX_METADATA_CHARS))
        except LimitError as exc:
            raise fail(f"the training metadata is not valid JSON, or is damaged: {exc}") from None
        if not isinstance(metadata, dict):
            raise fail("the training metadata is not a JSON object")
    return network, metadata
