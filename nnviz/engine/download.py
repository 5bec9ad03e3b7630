"""Download the full MNIST (or Fashion-MNIST) into the user's data folder, safely.

Each file is fetched from a list of mirrors in turn, into ``NAME.part``, and renamed to ``NAME``
only when complete and MD5-verified, so a half-written file is never left behind.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import pathlib
import threading
import urllib.error
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
    "http://yann.lecun.com/exdb/mnist/",
)
# Checksums published in Fashion-MNIST's README for the files its mirror serves.
FASHION_MNIST_FILES: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
FASHION_MNIST_MIRRORS: tuple[str, ...] = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)

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
) -> pathlib.Path:
    """Download MNIST's four .gz files into ``dest`` (default ``user_data_dir() / "mnist"``).

    ``progress(filename, bytes_done, bytes_total)`` is called as chunks arrive (``bytes_total`` is
    None when the server does not say). ``cancel`` is checked between chunks. ``files`` maps file
    names to MD5s (default ``MNIST_FILES``); ``mirrors`` are base URLs tried in turn. Files already
    present with the right checksum are skipped (reported once to ``progress`` as complete); a
    present file with the wrong checksum is downloaded again. Returns the folder. Raises DownloadError (and
    DownloadCancelled) with a message fit for the user.
    """
    folder = pathlib.Path(dest).expanduser() if dest is not None else user_data_dir() / "mnist"
    return _download_all(
        folder,
        MNIST_FILES if files is None else files,
        MNIST_MIRRORS if mirrors is None else mirrors,
        progress,
        cancel,
        timeout,
    )


def download_fashion_mnist(
    dest: str | os.PathLike | None = None,
    progress: Progress | None = None,
    mirrors: Sequence[str] | None = None,
    cancel: threading.Event | None = None,
    timeout: float = 15.0,
    files: Mapping[str, str] | None = None,
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
) -> pathlib.Path:
    if not mirrors:
        raise DownloadError("no download mirrors were given")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create the folder {folder}: {exc.strerror or exc}") from None
    for name, md5 in files.items():
        if cancel is not None and cancel.is_set():
            raise DownloadCancelled("download cancelled")
        target = folder / name
        if target.is_file() and _md5_of(target) == md5.lower():
            size = target.stat().st_size
            if progress is not None:
                progress(name, size, size)
            continue
        _download_one(name, md5.lower(), target, mirrors, progress, cancel, timeout)
    return folder


def _download_one(
    name: str,
    md5: str,
    target: pathlib.Path,
    mirrors: Sequence[str],
    progress: Progress | None,
    cancel: threading.Event | None,
    timeout: float,
) -> None:
    """Fetch ``name`` from the first mirror that delivers it intact; rename into ``target``."""
    failures: list[str] = []
    reached_any = False
    for mirror in mirrors:
        url = mirror if mirror.endswith("/") else mirror + "/"
        url += name
        try:
            _fetch(url, name, md5, target, progress, cancel, timeout)
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
    timeout: float,
) -> None:
    part = target.with_name(target.name + ".part")
    request = urllib.request.Request(url, headers={"User-Agent": f"nnviz/{__version__}"})
    try:
        try:
            response = urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            exc.close()
            raise _Failed(f"HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise _Unreachable(str(reason)) from None
        with response:
            try:
                out = part.open("wb")
            except OSError as exc:
                raise DownloadError(f"cannot write {part}: {exc.strerror or exc}") from None
            with out:
                done, total, actual_md5 = _copy(response, out, name, cancel, progress)
        if total is not None and done != total:
            raise _Failed(f"incomplete: the connection closed after {done} of {total} bytes")
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
) -> tuple[int, int | None, str]:
    """Stream ``response`` into ``out`` in chunks; returns (bytes received, Content-Length, MD5)."""
    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else None
    digest = hashlib.md5(usedforsecurity=False)
    done = 0
    if progress is not None:
        progress(name, 0, total)
    while True:
        if cancel is not None and cancel.is_set():
            raise DownloadCancelled(f"download of {name} cancelled")
        try:
            chunk = response.read(_CHUNK)
        except (OSError, http.client.HTTPException) as exc:
            raise _Failed(f"the connection broke after {done} bytes ({exc})") from None
        if not chunk:
            return done, total, digest.hexdigest()
        try:
            out.write(chunk)
        except OSError as exc:
            raise DownloadError(f"cannot write {out.name}: {exc.strerror or exc}") from None
        digest.update(chunk)
        done += len(chunk)
        if progress is not None:
            progress(name, done, total)
