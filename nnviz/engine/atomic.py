"""Atomic file writes: a temporary file in the target's folder, renamed over the target only when complete.

Every file nnviz writes (models, IDX data, exports, menu entries) goes through :func:`atomic_write`,
so a crash, a full disk or a failing writer leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_write"]

# The process umask, read once at import: os.umask can only be read by setting it, which is not
# safe to do while other threads may be creating files.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb", *, permissions: int | None = None,
                 encoding: str | None = None, newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file next to ``path`` for writing; on success rename it over ``path``.

    ``mode`` is "wb" (bytes) or "w" (text, UTF-8 unless ``encoding`` says otherwise).
    ``permissions`` default to those ``open()`` would give a new file (0o666 minus the umask).
    If the ``with`` block raises, ``path`` is left untouched and the temporary file is removed.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write writes with mode 'wb' or 'w', not {mode!r}")
    path = Path(path)
    text_options = {} if mode == "wb" else {"encoding": encoding or "utf-8", "newline": newline}
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **text_options) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private; what we write is an ordinary file
        os.chmod(tmp_name, 0o666 & ~_UMASK if permissions is None else permissions)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
