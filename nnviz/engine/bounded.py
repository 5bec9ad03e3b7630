"""Reading untrusted .npz archives and JSON text with memory and time bounded before any work is done.

Every size a file declares (zip entries, array shapes, text lengths, nesting) is checked against a
cap first, so a small hostile file can never make nnviz decompress or allocate gigabytes.
"""

from __future__ import annotations

import io
import json
import math
import re
import struct
import tokenize
import zipfile
import zlib

import numpy as np

__all__ = ["LimitError", "open_npz", "npz_members", "member_info", "read_member", "read_text_member",
           "loads_json", "dumps_json", "MAX_JSON_DEPTH"]

#: Deepest nesting of arrays/objects accepted in JSON text (nnviz writes at most 3 levels).
MAX_JSON_DEPTH = 32
#: Most entries accepted in an .npz archive (a model has 2 per layer plus 2; a dataset 4).
MAX_NPZ_ENTRIES = 256
_MAX_NPY_HEADER = 10_000  # bytes; NumPy's own default limit
_EOCD = b"PK\x05\x06"
_MAX_DIRECTORY_ENTRY = 46 + 1024  # a central directory record and a generous name and extra field


# What reading a damaged or odd archive member can raise: zipfile (encrypted members, unknown
# compression methods, bad CRCs), zlib, and NumPy's header parser (which tokenizes the header).
_DAMAGED = (ValueError, EOFError, OSError, zipfile.BadZipFile, struct.error, zlib.error, NotImplementedError,
            RuntimeError, SyntaxError, tokenize.TokenError)


class LimitError(ValueError):
    """A file declares more than nnviz will read, or is not what it claims; the message says which."""


def open_npz(source, max_entries: int = MAX_NPZ_ENTRIES) -> zipfile.ZipFile:
    """A ZipFile over ``source`` (bytes or a binary file), refusing archives with too many entries.

    The number of entries is read from the archive's end record before Python's zipfile parses the
    central directory (a few bytes per entry on disk, hundreds in memory).
    """
    stream = io.BytesIO(source) if isinstance(source, (bytes, bytearray, memoryview)) else source
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    tail_start = max(0, size - (1 << 16) - 22)
    stream.seek(tail_start)
    tail = stream.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) < at + 22:
        raise LimitError("not a zip (.npz) archive, or cut short")
    entries, directory_size = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries == 0xFFFF or entries > max_entries:
        raise LimitError(f"the archive declares {'65,535 or more' if entries == 0xFFFF else f'{entries:,}'} "
                         f"entries; at most {max_entries} are expected")
    # zipfile reads the directory by its size, not its count: a lying count must not let it grow
    if directory_size > max_entries * _MAX_DIRECTORY_ENTRY:
        raise LimitError(f"the archive's directory is {directory_size:,} bytes, far more than "
                         f"{max_entries} entries need")
    stream.seek(0)
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.LargeZipFile, *_DAMAGED) as exc:
        raise LimitError(f"not a readable zip (.npz) archive ({exc})") from None


def npz_members(archive: zipfile.ZipFile) -> list[str]:
    """Names of the arrays in an .npz archive (member names without ``.npy``)."""
    return [name[:-4] for name in archive.namelist() if name.endswith(".npy")]


def _header(stream) -> tuple[tuple[int, ...], bool, np.dtype]:
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream, max_header_size=_MAX_NPY_HEADER)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream, max_header_size=_MAX_NPY_HEADER)
        else:
            raise LimitError(f"an array header is damaged, or in .npy format version {version}, which nnviz does not read")
    except LimitError:
        raise
    except _DAMAGED as exc:
        raise LimitError(f"an array header is damaged ({exc})") from None
    if dtype.hasobject:
        raise LimitError("an array holds Python objects; nnviz never unpickles a file")
    return tuple(int(n) for n in shape), bool(fortran), dtype


def _info(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    try:
        return archive.getinfo(name + ".npy")
    except KeyError:
        raise LimitError(f"{name} is missing") from None


def member_info(archive: zipfile.ZipFile, name: str) -> tuple[tuple[int, ...], np.dtype]:
    """(shape, dtype) that member ``name`` declares, read from its header alone (nothing else is decompressed)."""
    try:
        with archive.open(_info(archive, name)) as stream:
            shape, _fortran, dtype = _header(stream)
    except LimitError:
        raise
    except _DAMAGED as exc:  # encrypted, an unknown compression method, a damaged stream
        raise LimitError(f"{name} cannot be read ({exc})") from None
    return shape, dtype


def read_member(archive: zipfile.ZipFile, name: str, max_bytes: int) -> np.ndarray:
    """Read array ``name``, refusing it before decompressing anything if it declares more than ``max_bytes``.

    Exactly the declared number of bytes is read; a member that is shorter is reported as cut short.
    """
    info = _info(archive, name)
    if info.file_size > max_bytes + _MAX_NPY_HEADER + 16:
        raise LimitError(f"{name} declares {info.file_size:,} bytes, more than the {max_bytes:,} expected")
    try:
        with archive.open(info) as stream:
            shape, fortran, dtype = _header(stream)
            count = math.prod(shape)
            nbytes = count * dtype.itemsize
            if nbytes > max_bytes:
                raise LimitError(f"{name} declares shape {shape} of {dtype} ({nbytes:,} bytes), "
                                 f"more than the {max_bytes:,} expected")
            out = np.empty(count, dtype=dtype)
            view = memoryview(out.view(np.uint8)) if nbytes else memoryview(b"")
            got = 0
            while got < nbytes:
                n = stream.readinto(view[got : got + (1 << 20)])  # chunks: zip streams copy each slice
                if not n:
                    break
                got += n
            # nothing may follow the declared data (zipfile checks the CRC once the member's end
            # is reached, which reading exactly file_size bytes already does)
            if got == nbytes and stream.read(1):
                raise LimitError(f"{name} holds more bytes than its shape {shape} needs")
    except LimitError:
        raise
    except _DAMAGED as exc:
        raise LimitError(f"{name} is damaged ({exc})") from None
    if got < nbytes:
        raise LimitError(f"{name} is cut short: {got:,} of {nbytes:,} bytes")
    return out.reshape(shape, order="F" if fortran else "C")


def read_text_member(archive: zipfile.ZipFile, name: str, max_chars: int) -> str:
    """A 0-d string array ``name`` (as ``np.array(str)`` stores it) as text, at most ``max_chars`` long."""
    shape, dtype = member_info(archive, name)
    if dtype.kind not in "US" or shape != ():
        raise LimitError(f"{name} is not text (shape {shape}, {dtype})")
    chars = dtype.itemsize // (4 if dtype.kind == "U" else 1)
    if chars > max_chars:
        raise LimitError(f"{name} declares {chars:,} characters; at most {max_chars:,} are expected")
    value = read_member(archive, name, max_bytes=dtype.itemsize)[()]
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON ``text`` (0 for a plain value); strings are skipped."""
    skeleton = np.frombuffer(_STRING.sub("", text).encode("utf-8", "replace"), dtype=np.uint8)
    if skeleton.size == 0:
        return 0
    steps = ((skeleton == ord("[")) | (skeleton == ord("{"))).astype(np.int64)
    steps -= (skeleton == ord("]")) | (skeleton == ord("}"))
    return int(np.cumsum(steps).max(initial=0))


def loads_json(text: str, max_depth: int = MAX_JSON_DEPTH):
    """``json.loads`` with nesting capped (never a RecursionError); NaN and Infinity, which are not
    JSON, are read as None (older files may hold them)."""
    depth = json_depth(text)
    if depth > max_depth:
        raise LimitError(f"the JSON nests {depth:,} levels deep; at most {max_depth} are expected")
    try:
        return json.loads(text, parse_constant=lambda _constant: None)
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise LimitError("the JSON nests too deeply") from None
    except (ValueError, TypeError) as exc:
        raise LimitError(f"not valid JSON ({exc})") from None


def dumps_json(value, **options) -> str:
    """``json.dumps`` that writes valid JSON only: NaN and infinities become null."""
    def clean(item):
        if isinstance(item, float) and not math.isfinite(item):
            return None
        if isinstance(item, dict):
            return {key: clean(v) for key, v in item.items()}
        if isinstance(item, (list, tuple)):
            return [clean(v) for v in item]
        return item

    default = options.pop("default", None)
    if default is not None:  # turn NumPy values etc. into plain ones first
        value = json.loads(json.dumps(value, default=default))
    return json.dumps(clean(value), allow_nan=False, **options)
