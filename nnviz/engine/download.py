"""Download the full MNIST (or Fashion-MNIST) into the user's data folder, safely.

Each file is fetched over https from a list of mirrors in turn, into ``NAME.part``, and renamed to
``NAME`` only when complete and MD5-verified, so a half-written file is never left behind. Known
file sizes and an overall deadline bound what a broken or hostile mirror can cost.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import pathlib
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from typing import BinaryIO

from nnviz import __version__
from nnviz.engine.datasets import user_data_dir

__all__ = [
    "MNIST_FILES",
    "MNIST_MIRRORS",
    "FASHION_MNIST_FILES",
    "FASHION_MNIST_MIRRORS",
    "MNIST_SIZES",
    "FASHION_MNIST_SIZES",
    "DownloadError",
    "DownloadCancelled",
    "download_mnist",
    "download_fashion_mnist",
]

MNIST_FILES: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
MNIST_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
MNIST_SIZES: dict[str, int] = {
    "train-images-idx3-ubyte.gz": 9_912_422,
    "train-labels-idx1-ubyte.gz": 28_881,
    "t10k-images-idx3-ubyte.gz": 1_648_877,
    "t10k-labels-idx1-ubyte.gz": 4_542,
}
# Checksums published in Fashion-MNIST's README for the files its mirror serves.
FASHION_MNIST_FILES: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
FASHION_MNIST_MIRRORS: tuple[str, ...] = (
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/fashion-mnist/",
    "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
)
FASHION_MNIST_SIZES: dict[str, int] = {
    "train-images-idx3-ubyte.gz": 26_421_880,
    "train-labels-idx1-ubyte.gz": 29_515,
    "t10k-images-idx3-ubyte.gz": 4_422_102,
    "t10k-labels-idx1-ubyte.gz": 5_148,
}
#: Largest file accepted when no size is known for it.
MAX_DOWNLOAD_BYTES = 64 * 2**20
#: The whole download (all four files, all mirrors) must finish within this many seconds, plus
#: one second per DEADLINE_BYTES_PER_SECOND bytes known to come (MNIST: about 20 minutes in all).
DEFAULT_DEADLINE = 600.0
DEADLINE_BYTES_PER_SECOND = 20_000
#: After MIN_RATE_GRACE seconds on one file, a mirror sending less than MIN_RATE bytes a second is
#: left for the next one: a trickle is noticed in a minute, not at the deadline.
MIN_RATE = 2_000
MIN_RATE_GRACE = 60.0
# Plain http is accepted only from this machine itself (the tests' local servers).
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

_CHUNK = 64 * 1024
Progress = Callable[[str, int, "int | None"], None]


class DownloadError(Exception):
    """A download failed; the message says which file, which mirrors were tried and what to do."""


class DownloadCancelled(DownloadError):
    """The download was cancelled through its ``cancel`` event; no partial file is left."""


class _Unreachable(Exception):
    """The mirror could not be contacted at all (no connection, DNS failure, timeout)."""


class _Failed(Exception):
    """The mirror answered, but the file was missing, incomplete or had the wrong checksum."""


def download_mnist(
    dest: str | os.PathLike | None = None,
    progress: Progress | None = None,
    mirrors: Sequence[str] | None = None,
    cancel: threading.Event | None = None,
    timeout: float = 15.0,
    files: Mapping[str, str] | None = None,
    sizes: Mapping[str, int] | None = None,
    deadline: float | None = None,
) -> pathlib.Path:
    """Download MNIST's four .gz files into ``dest`` (default ``user_data_dir() / "mnist"``).

    ``progress(filename, bytes_done, bytes_total)`` is called as chunks arrive (``bytes_total`` is
    None when the server does not say). ``cancel`` is checked between chunks. ``files`` maps file
    names to MD5s (default ``MNIST_FILES``); ``mirrors`` are base URLs tried in turn. Files already
    present with the right checksum are skipped (reported once to ``progress`` as complete); a
    present file with the wrong checksum is downloaded again. ``sizes`` maps file names to their
    exact sizes in bytes (default: MNIST's, when ``files`` is the default); a file of unknown size
    may be at most MAX_DOWNLOAD_BYTES. Mirrors must be https (plain http only from this machine).
    ``timeout`` bounds each network wait, ``deadline`` (seconds) the whole download (None: see
    DEFAULT_DEADLINE); a mirror slower than MIN_RATE after MIN_RATE_GRACE is given up. Returns the
    folder. Raises DownloadError (and DownloadCancelled) with a message fit for the user; a failed
    download leaves no partial file and no empty folder it created.
    """
    folder = pathlib.Path(dest).expanduser() if dest is not None else user_data_dir() / "mnist"
    return _download_all(
        folder,
        MNIST_FILES if files is None else files,
        MNIST_MIRRORS if mirrors is None else mirrors,
        progress,
        cancel,
        timeout,
        (MNIST_SIZES if files is None else {}) if sizes is None else sizes,
        deadline,
    )


def download_fashion_mnist(
    dest: str | os.PathLike | None = None,
    progress: Progress | None = None,
    mirrors: Sequence[str] | None = None,
    cancel: threading.Event | None = None,
    timeout: float = 15.0,
    files: Mapping[str, str] | None = None,
    sizes: Mapping[str, int] | None = None,
    deadline: float | None = None,
) -> pathlib.Path:
    """Like ``download_mnist`` for Fashion-MNIST, into ``user_data_dir() / "fashion-mnist"`` by default."""
    folder = pathlib.Path(dest).expanduser() if dest is not None else user_data_dir() / "fashion-mnist"
    return _download_all(
        folder,
        FASHION_MNIST_FILES if files is None else files,
        FASHION_MNIST_MIRRORS if mirrors is None else mirrors,
        progress,
        cancel,
        timeout,
        (FASHION_MNIST_SIZES if files is None else {}) if sizes is None else sizes,
        deadline,
    )


def _md5_of(path: pathlib.Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _download_all(
    folder: pathlib.Path,
    files: Mapping[str, str],
    mirrors: Sequence[str],
    progress: Progress | None,
    cancel: threading.Event | None,
    timeout: float,
    sizes: Mapping[str, int],
    deadline: float | None,
) -> pathlib.Path:
    if deadline is None:
        deadline = DEFAULT_DEADLINE + sum(sizes.get(name, 0) for name in files) / DEADLINE_BYTES_PER_SECOND
    if not mirrors:
        raise DownloadError("no download mirrors were given")
    for mirror in mirrors:
        _check_mirror(mirror)
    created = [parent for parent in (folder, *folder.parents) if not parent.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create the folder {folder}: {exc.strerror or exc}") from None
    limits = _Limits(time.monotonic() + deadline, deadline, timeout, sizes)
    try:
        for name, md5 in files.items():
            if cancel is not None and cancel.is_set():
                raise DownloadCancelled("download cancelled")
            target = folder / name
            if target.is_file() and _md5_of(target) == md5.lower():
                size = target.stat().st_size
                if progress is not None:
                    progress(name, size, size)
                continue
            _download_one(name, md5.lower(), target, mirrors, progress, cancel, limits)
    except BaseException:
        for made in created:  # innermost first: only folders this call made, and only if empty
            try:
                made.rmdir()
            except OSError:
                break
        raise
    return folder


def _check_mirror(mirror: str) -> None:
    parts = urllib.parse.urlsplit(mirror)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return
    raise DownloadError(f"refusing the mirror {mirror}: downloads use https only")


class _Limits:
    """The overall deadline, the per-wait timeout and the known sizes of one download."""

    def __init__(self, ends_at: float, deadline: float, timeout: float, sizes: Mapping[str, int]) -> None:
        self.ends_at, self.deadline, self.timeout, self.sizes = ends_at, deadline, timeout, sizes

    def wait(self, name: str) -> float:
        """Seconds the next network wait may take; raises when the whole download is out of time."""
        left = self.ends_at - time.monotonic()
        if left <= 0:
            raise DownloadError(
                f"the download took longer than {self.deadline:.0f} seconds and was stopped while fetching "
                f"{name}; the connection or the mirror is too slow. Try again later."
            )
        return min(self.timeout, left)

    def largest(self, name: str) -> int:
        return self.sizes.get(name, MAX_DOWNLOAD_BYTES)


def _download_one(
    name: str,
    md5: str,
    target: pathlib.Path,
    mirrors: Sequence[str],
    progress: Progress | None,
    cancel: threading.Event | None,
    limits: _Limits,
) -> None:
    """Fetch ``name`` from the first mirror that delivers it intact; rename into ``target``."""
    failures: list[str] = []
    reached_any = False
    for mirror in mirrors:
        url = mirror if mirror.endswith("/") else mirror + "/"
        url += name
        try:
            _fetch(url, name, md5, target, progress, cancel, limits)
            return
        except _Unreachable as exc:
            failures.append(f"{url}: {exc}")
        except _Failed as exc:
            reached_any = True
            failures.append(f"{url}: {exc}")
    tried = "\n  ".join(failures)
    if not reached_any:
        raise DownloadError(
            f"could not reach any mirror for {name}; check your internet connection "
            f"(or proxy settings) and try again.\n  {tried}"
        )
    raise DownloadError(f"could not download {name} intact from any mirror:\n  {tried}")


def _fetch(
    url: str,
    name: str,
    md5: str,
    target: pathlib.Path,
    progress: Progress | None,
    cancel: threading.Event | None,
    limits: _Limits,
) -> None:
    part = target.with_name(target.name + ".part")
    request = urllib.request.Request(url, headers={"User-Agent": f"nnviz/{__version__}"})
    try:
        try:
            response = urllib.request.urlopen(request, timeout=limits.wait(name))
        except urllib.error.HTTPError as exc:
            exc.close()
            raise _Failed(f"HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise _Unreachable(str(reason)) from None
        with response:
            if urllib.parse.urlsplit(response.geturl()).scheme != urllib.parse.urlsplit(url).scheme:
                raise _Failed(f"the mirror redirected to {response.geturl()}, which is not https")
            try:
                out = part.open("wb")
            except OSError as exc:
                raise DownloadError(f"cannot write {part}: {exc.strerror or exc}") from None
            with out:
                done, total, actual_md5 = _copy(response, out, name, cancel, progress, limits)
        if total is not None and done != total:
            raise _Failed(f"incomplete: the connection closed after {done} of {total} bytes")
        if name in limits.sizes and done != limits.sizes[name]:
            raise _Failed(f"incomplete: {done} of {limits.sizes[name]} bytes")
        if actual_md5 != md5:
            raise _Failed(f"wrong checksum (MD5 {actual_md5}, expected {md5})")
        os.replace(part, target)
    except BaseException:
        # Whatever happened (error, cancel, Ctrl+C), no partial file stays behind.
        part.unlink(missing_ok=True)
        raise


def _copy(
    response: http.client.HTTPResponse,
    out: BinaryIO,
    name: str,
    cancel: threading.Event | None,
    progress: Progress | None,
    limits: _Limits,
) -> tuple[int, int | None, str]:
    """Stream ``response`` into ``out`` in chunks; returns (bytes received, Content-Length, MD5).

    Stops a mirror that announces or sends more than the file's known size (or MAX_DOWNLOAD_BYTES),
    and checks the overall deadline between chunks; each chunk is whatever has arrived (read1), so
    a mirror trickling one byte at a time cannot hold a read open past the deadline.
    """
    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else None
    largest = limits.largest(name)
    if total is not None and total > largest:
        raise _Failed(f"the mirror announces {total:,} bytes; {name} has {largest:,}")
    digest = hashlib.md5(usedforsecurity=False)
    done = 0
    started = time.monotonic()
    if progress is not None:
        progress(name, 0, total)
    while True:
        elapsed = time.monotonic() - started
        if elapsed > MIN_RATE_GRACE and done < MIN_RATE * elapsed:
            raise _Failed(f"the mirror sent only {done / elapsed:,.0f} bytes a second")
        if cancel is not None and cancel.is_set():
            raise DownloadCancelled(f"download of {name} cancelled")
        wait = limits.wait(name)
        try:
            _set_read_timeout(response, wait)
            chunk = response.read1(_CHUNK)
        except (OSError, http.client.HTTPException) as exc:
            if time.monotonic() >= limits.ends_at:
                limits.wait(name)  # raises the deadline's message
            raise _Failed(f"the connection broke after {done} bytes ({exc})") from None
        if not chunk:
            return done, total, digest.hexdigest()
        if done + len(chunk) > largest:
            raise _Failed(f"the mirror sent more than the {largest:,} bytes {name} has")
        try:
            out.write(chunk)
        except OSError as exc:
            raise DownloadError(f"cannot write {out.name}: {exc.strerror or exc}") from None
        digest.update(chunk)
        done += len(chunk)
        if progress is not None:
            progress(name, done, total)


def _set_read_timeout(response: http.client.HTTPResponse, seconds: float) -> None:
    """Shorten the socket's timeout so no single wait outlasts the deadline (best effort)."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        try:
            sock.settimeout(max(0.05, seconds))
        except OSError:
            pass
