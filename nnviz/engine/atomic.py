"""Atomic file writes: a temporary file in the target's folder, renamed over the target only when complete.

Every file nnviz writes (models, IDX data, exports, menu entries) goes through :func:`atomic_write`,
so a crash, a full disk or a failing writer leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

try:  # POSIX: a writer holds a lock on its temporary file, so a live save is never taken for a stale one
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["atomic_write", "check_target", "UnsafeTargetError"]

# The process umask, read once at import: os.umask can only be read by setting it, which is not
# safe to do while other threads may be creating files.
_UMASK = os.umask(0o022)
os.umask(_UMASK)

# mkstemp's names: prefix, 8 characters from this alphabet, suffix.
_TEMP_SUFFIX = ".tmp"
_TEMP_RANDOM = r"[a-z0-9_]{8}"
# Without file locks (Windows), a temporary file this old cannot belong to a save still running.
_STALE_SECONDS = 3600.0


class UnsafeTargetError(OSError):
    """The target cannot be written safely (not a regular file, or its folder refuses new files)."""

    def __init__(self, path: Path, problem: str, code: int = errno.EINVAL) -> None:
        super().__init__(code, f"{path} {problem}", str(path))

    def __str__(self) -> str:  # the sentence alone, without "[Errno 22]" and the path repeated
        return self.strerror


def _resolve(path: Path) -> Path:
    """``path``, or the file a symbolic link at ``path`` finally points to (the link itself is kept)."""
    if path.is_symlink():
        try:
            return Path(os.path.realpath(path, strict=False))
        except (OSError, RuntimeError):  # a loop of links
            raise UnsafeTargetError(path, "is a symbolic link that leads nowhere (a loop)", errno.ELOOP) from None
    return path


def _existing_mode(path: Path) -> int | None:
    """The permission bits of the regular file at ``path``, None if there is none; refuses anything else."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UnsafeTargetError(path, f"cannot be checked ({exc.strerror or exc})", exc.errno or errno.EIO) from None
    if stat.S_ISDIR(info.st_mode):
        raise UnsafeTargetError(path, "cannot be replaced: it is a folder; give a file name inside it", errno.EISDIR)
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeTargetError(path, "exists and is not a regular file (a device, pipe or socket); "
                                "nnviz will not replace it. Choose another file name")
    return stat.S_IMODE(info.st_mode)


def check_target(path: str | os.PathLike) -> Path:
    """Check up front that :func:`atomic_write` can write ``path``; returns the file it would write.

    Refuses (UnsafeTargetError, an OSError) an existing target that is not a regular file, a
    missing folder, and a folder where no file can be created (read-only, /proc, /sys, ...):
    the check creates and removes a temporary file there, as the real save would.
    """
    target = _resolve(Path(path))
    _existing_mode(target)
    folder = target.parent
    if not folder.is_dir():
        raise UnsafeTargetError(target, f"cannot be written: the folder {folder} does not exist", errno.ENOENT)
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise UnsafeTargetError(target, f"cannot be written: no new file can be made in {folder} "
                                f"({exc.strerror or exc})", exc.errno or errno.EACCES) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return target


def _lock(fd: int) -> None:
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _remove_stale_temporaries(target: Path, own: str) -> None:
    """Remove temporary files an interrupted save of ``target`` (killed, power cut) left behind."""
    pattern = re.compile(re.escape(f".{target.name}.") + _TEMP_RANDOM + re.escape(_TEMP_SUFFIX))
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if not pattern.fullmatch(name) or name == own:
            continue
        candidate = target.parent / name
        try:
            if not stat.S_ISREG(os.lstat(candidate).st_mode):
                continue
            if fcntl is not None:
                fd = os.open(candidate, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while its writer is alive
                finally:
                    os.close(fd)
            elif os.path.getmtime(candidate) > time.time() - _STALE_SECONDS:
                continue
            os.unlink(candidate)
        except OSError:
            continue


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb", *, permissions: int | None = None,
                 encoding: str | None = None, newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file next to ``path`` for writing; on success rename it over ``path``.

    ``mode`` is "wb" (bytes) or "w" (text, UTF-8 unless ``encoding`` says otherwise).
    ``permissions`` default to the old file's (when replacing one), else to those ``open()`` would
    give a new file (0o666 minus the umask). A symbolic link is followed: its target is replaced and
    the link stays. An existing target that is not a regular file (``/dev/null``, a pipe, a folder)
    is refused with UnsafeTargetError before anything is written. Temporary files that an
    interrupted earlier save of the same target left behind are removed.
    If the ``with`` block raises, ``path`` is left untouched and the temporary file is removed.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write writes with mode 'wb' or 'w', not {mode!r}")
    target = _resolve(Path(path))
    old_mode = _existing_mode(target)
    if permissions is None:
        permissions = old_mode if old_mode is not None else 0o666 & ~_UMASK
    text_options = {} if mode == "wb" else {"encoding": encoding or "utf-8", "newline": newline}
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_TEMP_SUFFIX, dir=target.parent)
    _lock(fd)
    try:
        _remove_stale_temporaries(target, os.path.basename(tmp_name))
        with os.fdopen(fd, mode, **text_options) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
            # mkstemp makes the file private; what we write is an ordinary file (or keeps the old mode)
            os.chmod(tmp_name, permissions)
            # the target may have become a device or folder while we wrote: check again just before
            _existing_mode(target)
            os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
