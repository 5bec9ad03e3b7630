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

__all__ = ["IdxError", "read_idx", "read_idx_header", "write_idx", "MAX_IDX_BYTES", "MAX_DIMENSIONS"]

_GZIP_MAGIC = b"\x1f\x8b"
#: Largest data one IDX file may declare (MNIST's training images are 47 MB).
MAX_IDX_BYTES = 512 * 2**20
#: Most dimensions an IDX header may declare (MNIST uses 1 and 3; NumPy allows 64).
MAX_DIMENSIONS = 16
_TRAILING_CHECK = 1 << 16
_CHUNK = 1 << 20

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


def read_idx(path: str | os.PathLike, max_bytes: int = MAX_IDX_BYTES) -> np.ndarray:
    """Read an IDX file (raw or gzipped) into a native-endian array of the shape it declares.

    MNIST's image files give ``(n, 28, 28)`` uint8 arrays, its label files ``(n,)`` uint8.
    The file is streamed: the header is read and checked first (magic, type, at most
    ``MAX_DIMENSIONS`` dimensions, at most ``max_bytes`` of data declared), then exactly the
    declared data, so a gzip bomb or a lying header costs no more than the cap.
    Raises ``IdxError`` if the file is missing, truncated, too long, too large or not IDX at all.
    """
    return _open_and(path, lambda stream, size: _read_stream(stream, pathlib.Path(path), max_bytes, size))


def _open_and(path, read):
    """``read(stream, file_size)`` on the file at ``path``, gunzipped as a stream if it is gzip
    (file_size is then None); every failure to read becomes an IdxError naming the file."""
    path = pathlib.Path(path)
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below, with the gzip stream over it
    except FileNotFoundError:
        raise IdxError(f"{path}: file not found") from None
    except OSError as exc:
        raise IdxError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    with raw:
        try:
            compressed = raw.read(2) == _GZIP_MAGIC
            raw.seek(0)
            if compressed:
                with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                    return read(stream, None)
            return read(raw, os.fstat(raw.fileno()).st_size)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise IdxError(f"{path}: the gzip stream is damaged or truncated ({exc})") from None
        except OSError as exc:
            raise IdxError(f"{path}: cannot read the file ({exc.strerror or exc})") from None


def _read_exactly(stream, n: int) -> bytes:
    data = stream.read(n)
    while len(data) < n:
        more = stream.read(n - len(data))
        if not more:
            break
        data += more
    return data


def _read_header(stream, path: pathlib.Path, max_bytes: int,
                 file_size: int | None) -> tuple[tuple[int, ...], np.dtype, int]:
    """The header, checked: (shape, big-endian dtype, bytes of data declared)."""
    magic = _read_exactly(stream, 4)
    if len(magic) < 4:
        raise IdxError(f"{path}: too short to be an IDX file ({len(magic)} bytes)")
    zero0, zero1, code, ndim = magic
    if zero0 != 0 or zero1 != 0:
        raise IdxError(
            f"{path}: not an IDX file (magic number starts with {magic.hex()}, "
            "expected 0000 followed by a type code and the number of dimensions)"
        )
    if code not in _CODE_TO_DTYPE:
        raise IdxError(f"{path}: unknown IDX data type code 0x{code:02x}")
    if ndim == 0:
        raise IdxError(f"{path}: the IDX header declares zero dimensions")
    if ndim > MAX_DIMENSIONS:
        raise IdxError(f"{path}: the IDX header declares {ndim} dimensions; nnviz reads at most {MAX_DIMENSIONS}")
    header_size = 4 + 4 * ndim
    sizes = _read_exactly(stream, 4 * ndim)
    if len(sizes) < 4 * ndim:
        raise IdxError(
            f"{path}: truncated header: {ndim} dimensions need {header_size} bytes, "
            f"the file has {4 + len(sizes)}"
        )
    shape = struct.unpack(f">{ndim}I", sizes)
    dtype = _CODE_TO_DTYPE[code]
    expected = math.prod(shape) * dtype.itemsize  # Python ints: no overflow on absurd headers
    if file_size is not None and file_size - header_size < expected:
        raise IdxError(
            f"{path}: truncated: shape {shape} needs {expected} bytes of data, "
            f"only {file_size - header_size} are present"
        )
    if expected > max_bytes:
        raise IdxError(
            f"{path}: the header declares shape {shape} ({expected:,} bytes of data); "
            f"nnviz reads at most {max_bytes:,} bytes from one IDX file"
        )
    return shape, dtype, expected


def read_idx_header(path: str | os.PathLike, max_bytes: int = MAX_IDX_BYTES) -> tuple[tuple[int, ...], np.dtype]:
    """(shape, dtype) an IDX file declares, checked as :func:`read_idx` checks it, reading only its header."""
    return _open_and(path, lambda stream, size: _read_header(stream, pathlib.Path(path), max_bytes, size)[:2])


def _read_stream(stream, path: pathlib.Path, max_bytes: int, file_size: int | None) -> np.ndarray:
    """Header first, checked; then exactly the declared body. ``file_size`` is known for raw files."""
    shape, dtype, expected = _read_header(stream, path, max_bytes, file_size)
    array = np.empty(shape, dtype=dtype)
    view = memoryview(array.reshape(-1).view(np.uint8)) if expected else memoryview(bytearray())
    got = 0
    while got < expected:
        n = stream.readinto(view[got : got + _CHUNK])  # in chunks: gzip's readinto reads a whole slice
        if not n:
            break
        got += n
    if got < expected:
        raise IdxError(
            f"{path}: truncated: shape {shape} needs {expected} bytes of data, "
            f"only {got} are present"
        )
    extra = len(_read_exactly(stream, _TRAILING_CHECK))
    if extra:
        more = "" if extra < _TRAILING_CHECK else " or more"
        raise IdxError(f"{path}: {extra}{more} unexpected bytes after the data of shape {shape}")
    # Native byte order: callers may keep it for the life of the program.
    return array.astype(dtype.newbyteorder("="), copy=False)


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
