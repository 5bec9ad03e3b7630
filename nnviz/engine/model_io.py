"""Model files: a network's weights, architecture and training metadata in one .npz, written atomically.

Loading checks everything and raises ModelFileError naming the file and the problem.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.atomic import atomic_write
from nnviz.engine.network import COSTS, REGRESSION_COST, Network, check_layer_sizes

__all__ = ["FORMAT", "FORMAT_VERSION", "ModelFileError", "save_model", "load_model"]

#: Identifies an nnviz model file; FORMAT_VERSION grows when the layout changes.
FORMAT = "nnviz-model"
FORMAT_VERSION = 1


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
        metadata_json = json.dumps(metadata or {}, default=_plain)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"model metadata must be JSON-serialisable: {exc}") from None
    arrays = {"header": np.array(json.dumps(header)), "metadata": np.array(metadata_json)}
    for i, (w, b) in enumerate(zip(network.weights, network.biases)):
        arrays[f"weights_{i}"] = np.asarray(w, dtype=np.float32)
        arrays[f"biases_{i}"] = np.asarray(b, dtype=np.float32)
    with atomic_write(path) as f:
        np.savez_compressed(f, **arrays)


def load_model(path) -> tuple[Network, dict]:
    """Read a model file written by :func:`save_model`: returns (network, metadata)."""
    path = Path(path)

    def fail(problem: str) -> ModelFileError:
        return ModelFileError(f"{path}: {problem}")

    if not path.exists():
        raise fail("no such file")
    if path.is_dir():
        raise fail("is a folder, not a model file")
    try:
        # read into memory first: np.load leaks the file handle when the archive is damaged
        data = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    magic = data[:4]
    try:
        npz = np.load(io.BytesIO(data), allow_pickle=False)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
        if magic == b"PK\x03\x04":  # starts like a zip (.npz) archive but cannot be read: cut short
            raise fail(f"the file is truncated or damaged ({exc})") from None
        raise fail("not an nnviz model file (not an .npz archive)") from None
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise fail("not an nnviz model file (a single NumPy array, not an .npz archive)")
    with npz:
        try:
            return _read(npz, fail)
        except ModelFileError:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as exc:
            raise fail(f"the file is damaged or truncated ({exc})") from None


def _read(npz, fail) -> tuple[Network, dict]:
    if "header" not in npz.files:
        raise fail("not an nnviz model file (no header)")
    raw_header = npz["header"]  # a damaged member raises here and is reported as damaged
    try:
        header = json.loads(str(raw_header[()]))
    except (ValueError, TypeError, IndexError) as exc:
        raise fail(f"the header is not valid JSON ({exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise fail("not an nnviz model file (wrong format marker)")
    version = header.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise fail(f"written by a newer nnviz (format version {version}); this one reads up to {FORMAT_VERSION}")
    try:
        sizes = check_layer_sizes(header.get("layer_sizes"))
    except (ValueError, TypeError) as exc:
        raise fail(f"invalid architecture: {exc}") from None
    activation, cost = header.get("activation"), header.get("cost")
    if activation not in ACTIVATIONS:
        raise fail(f"unknown activation {activation!r} (known: {', '.join(ACTIVATIONS)})")
    if cost not in COSTS and cost != REGRESSION_COST:
        raise fail(f"unknown cost {cost!r} (known: {', '.join(COSTS)})")
    network = Network(sizes, activation, cost)
    for i, (w, b) in enumerate(zip(network.weights, network.biases)):
        for name, dst in ((f"weights_{i}", w), (f"biases_{i}", b)):
            if name not in npz.files:
                raise fail(f"{name} is missing")
            src = npz[name]
            if src.shape != dst.shape:
                raise fail(f"{name} has shape {src.shape} but layer sizes {sizes} need {dst.shape}")
            if not np.issubdtype(src.dtype, np.floating):
                raise fail(f"{name} holds {src.dtype} values, not floating-point numbers")
            if not np.all(np.isfinite(src)):
                raise fail(f"{name} contains NaN or infinite values")
            dst[...] = src
    extra = [f for f in npz.files if f.startswith(("weights_", "biases_"))]
    if len(extra) != 2 * len(network.weights):
        raise fail(f"holds {len(extra) // 2} layers of weights but layer sizes {sizes} need {len(network.weights)}")
    metadata = {}
    if "metadata" in npz.files:
        raw_metadata = npz["metadata"]
        try:
            metadata = json.loads(str(raw_metadata[()]))
        except (ValueError, TypeError, IndexError) as exc:
            raise fail(f"the training metadata is not valid JSON ({exc})") from None
        if not isinstance(metadata, dict):
            raise fail("the training metadata is not a JSON object")
    return network, metadata
