"""Read and write IDX files, the simple array format MNIST and Fashion-MNIST are published in.

Files may be raw or gzip-compressed (detected by the gzip magic bytes, not by the name).

The format: two zero bytes, a type code, the number of dimensions ``ndim``, then ``ndim``
big-endian uint32 sizes, then the values in C order, big-endian.
"""

from __future__ import annotations

import gzip
import math
import os
import pathlib
import struct
import zlib

import numpy as np

from nnviz.engine.atomic import atomic_write

__all__ = ["IdxError", "read_idx", "write_idx"]

_GZIP_MAGIC = b"\x1f\x8b"

# IDX type code -> big-endian NumPy dtype.
_CODE_TO_DTYPE: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_KIND_TO_CODE: dict[tuple[str, int], int] = {
    (dtype.kind, dtype.itemsize): code for code, dtype in _CODE_TO_DTYPE.items()
}


class IdxError(ValueError):
    """A file is not a valid IDX file; the message names the file and what is wrong."""


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (raw or gzipped) into a native-endian array of the shape it declares.

    MNIST's image files give ``(n, 28, 28)`` uint8 arrays, its label files ``(n,)`` uint8.
    Raises ``IdxError`` if the file is missing, truncated, too long or not IDX at all.
    """
    path = pathlib.Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IdxError(f"{path}: file not found") from None
    except OSError as exc:
        raise IdxError(f"{path}: cannot read the file ({exc.strerror or exc})") from None

    if raw[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise IdxError(f"{path}: the gzip stream is damaged or truncated ({exc})") from None
    else:
        data = raw
    return _parse(data, path)


def _parse(data: bytes, path: pathlib.Path) -> np.ndarray:
    if len(data) < 4:
        raise IdxError(f"{path}: too short to be an IDX file ({len(data)} bytes)")
    zero0, zero1, code, ndim = data[0], data[1], data[2], data[3]
    if zero0 != 0 or zero1 != 0:
        raise IdxError(
            f"{path}: not an IDX file (magic number starts with {data[:4].hex()}, "
            "expected 0000 followed by a type code and the number of dimensions)"
        )
    if code not in _CODE_TO_DTYPE:
        raise IdxError(f"{path}: unknown IDX data type code 0x{code:02x}")
    if ndim == 0:
        raise IdxError(f"{path}: the IDX header declares zero dimensions")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise IdxError(
            f"{path}: truncated header: {ndim} dimensions need {header_size} bytes, "
            f"the file has {len(data)}"
        )
    shape = struct.unpack(f">{ndim}I", data[4:header_size])
    dtype = _CODE_TO_DTYPE[code]
    expected = math.prod(shape) * dtype.itemsize  # Python ints: no overflow on absurd headers
    actual = len(data) - header_size
    if actual < expected:
        raise IdxError(
            f"{path}: truncated: shape {shape} needs {expected} bytes of data, "
            f"only {actual} are present"
        )
    if actual > expected:
        raise IdxError(
            f"{path}: {actual - expected} unexpected bytes after the data of shape {shape}"
        )
    array = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    # A writable, native-endian copy: callers may keep it for the life of the program.
    return array.astype(dtype.newbyteorder("="))


def write_idx(
    path: str | os.PathLike, array: np.ndarray, compress: bool | None = None
) -> pathlib.Path:
    """Write ``array`` (any shape, 1 to 255 dimensions) as an IDX file, atomically.

    ``compress`` None gzips when the name ends in ``.gz``. Supported dtypes: uint8, int8,
    int16, int32, float32, float64. Returns the path written.
    """
    path = pathlib.Path(path)
    array = np.asarray(array)
    code = _KIND_TO_CODE.get((array.dtype.kind, array.dtype.itemsize))
    if code is None:
        raise IdxError(f"{path}: IDX cannot store arrays of dtype {array.dtype}")
    if not 1 <= array.ndim <= 255:
        raise IdxError(f"{path}: IDX stores 1 to 255 dimensions, not {array.ndim}")
    if any(size > 0xFFFFFFFF for size in array.shape):
        raise IdxError(f"{path}: a dimension of {array.shape} is too large for IDX")
    if compress is None:
        compress = path.suffix == ".gz"

    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + np.ascontiguousarray(array, dtype=_CODE_TO_DTYPE[code]).tobytes()
    if compress:
        # mtime=0 makes the bytes reproducible.
        payload = gzip.compress(payload, mtime=0)

    with atomic_write(path) as file:
        file.write(payload)
    return path
