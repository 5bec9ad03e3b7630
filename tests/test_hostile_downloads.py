"""Hostile mirrors: endless bodies, trickling bytes, plain http; known sizes and a deadline bound them."""

import hashlib
import http.server
import socket
import threading
import time

import pytest

from nnviz.engine import download
from nnviz.engine.download import DownloadError, download_fashion_mnist, download_mnist

NAME = "train-labels-idx1-ubyte.gz"
DATA = bytes(range(256)) * 8  # 2 KiB
FILES = {NAME: hashlib.md5(DATA).hexdigest()}


class HostileServer:
    """A local HTTP server that misbehaves as ``mode`` says; counts what it sent."""

    def __init__(self, mode: str):
        self.sent = 0
        self.stop = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                if mode == "huge-length":
                    self.send_header("Content-Length", str(10**12))
                self.end_headers()
                try:
                    if mode in ("endless", "huge-length"):
                        chunk = bytes(64 * 1024)
                        while not server.stop.is_set() and server.sent < (256 << 20):
                            self.wfile.write(chunk)
                            server.sent += len(chunk)
                    elif mode == "trickle":
                        while not server.stop.wait(0.2):
                            self.wfile.write(b"\x00")
                            self.wfile.flush()
                            server.sent += 1
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def hostile():
    servers = []

    def make(mode):
        servers.append(HostileServer(mode))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def test_an_endless_body_stops_at_the_known_size(tmp_path, hostile):
    server = hostile("endless")
    with pytest.raises(DownloadError, match="more than the 2,048 bytes"):
        download_mnist(dest=tmp_path / "dl", mirrors=[server.url], files=FILES, sizes={NAME: len(DATA)})
    assert not (tmp_path / "dl").exists()  # no .part file, no empty folder


def test_an_endless_body_of_a_file_of_unknown_size_stops_at_the_cap(tmp_path, hostile, monkeypatch):
    monkeypatch.setattr(download, "MAX_DOWNLOAD_BYTES", 1 << 20)
    server = hostile("endless")
    with pytest.raises(DownloadError, match="more than the 1,048,576 bytes"):
        download_mnist(dest=tmp_path / "dl", mirrors=[server.url], files=FILES)
    assert not (tmp_path / "dl").exists()


def test_an_announced_size_beyond_the_known_one_is_refused_before_reading(tmp_path, hostile):
    server = hostile("huge-length")
    with pytest.raises(DownloadError, match="announces 1,000,000,000,000 bytes"):
        download_mnist(dest=tmp_path / "dl", mirrors=[server.url], files=FILES, sizes={NAME: len(DATA)})


def test_a_trickling_mirror_is_stopped_by_the_overall_deadline(tmp_path, hostile):
    server = hostile("trickle")
    started = time.monotonic()
    with pytest.raises(DownloadError, match="took longer than 2 seconds") as caught:
        download_mnist(dest=tmp_path / "dl", mirrors=[server.url], files=FILES, timeout=30, deadline=2)
    # one byte every 0.2 s never trips the 30 s read timeout; only the deadline ends it
    assert time.monotonic() - started < 25
    assert NAME in str(caught.value)
    assert server.sent >= 3
    assert not (tmp_path / "dl").exists()


def test_plain_http_mirrors_are_refused_without_connecting(tmp_path):
    with pytest.raises(DownloadError, match="https only"):
        download_mnist(dest=tmp_path / "dl", mirrors=["http://mirror.invalid/mnist/"], files=FILES)
    assert not (tmp_path / "dl").exists()


def test_every_built_in_mirror_is_https_and_every_file_has_a_known_size():
    for mirror in (*download.MNIST_MIRRORS, *download.FASHION_MNIST_MIRRORS):
        assert mirror.startswith("https://"), mirror
    assert set(download.MNIST_SIZES) == set(download.MNIST_FILES)
    assert set(download.FASHION_MNIST_SIZES) == set(download.FASHION_MNIST_FILES)


@pytest.mark.parametrize("fetch,folder", [(download_mnist, "mnist"), (download_fashion_mnist, "fashion-mnist")])
def test_a_failed_download_leaves_no_empty_data_folder(tmp_path, monkeypatch, fetch, folder):
    monkeypatch.setattr(download, "user_data_dir", lambda: tmp_path / "xdg" / "nnviz")
    (tmp_path / "xdg").mkdir()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    with pytest.raises(DownloadError):
        fetch(mirrors=[dead], files=FILES, timeout=5)
    assert list((tmp_path / "xdg").iterdir()) == []  # neither nnviz/ nor nnviz/<folder>/ was left


@pytest.mark.mnist
def test_the_real_mnist_files_match_their_known_sizes():
    import os
    import pathlib

    folder = pathlib.Path(os.environ.get("NNVIZ_DATA_DIR", "") or "/nonexistent")
    if not (folder / NAME).is_file():
        pytest.skip("the real MNIST is not here (NNVIZ_DATA_DIR)")
    for name, size in download.MNIST_SIZES.items():
        assert (folder / name).stat().st_size == size, name


def test_a_trickling_mirror_is_left_for_the_next_once_its_rate_is_known(tmp_path, hostile, monkeypatch):
    monkeypatch.setattr(download, "MIN_RATE_GRACE", 0.5)
    monkeypatch.setattr(download, "MIN_RATE", 1000)
    slow = hostile("trickle")
    with pytest.raises(DownloadError, match="sent only") as caught:
        download_mnist(dest=tmp_path / "dl", mirrors=[slow.url, slow.url], files=FILES, timeout=30, deadline=60)
    assert str(caught.value).count("sent only") == 2  # both mirrors were tried, each given up on its own
    assert not (tmp_path / "dl").exists()


def test_the_default_deadline_grows_with_the_known_sizes(tmp_path, monkeypatch):
    seen = []
    real = download._Limits

    def recording(ends_at, deadline, timeout, sizes):
        seen.append(deadline)
        return real(ends_at, deadline, timeout, sizes)

    monkeypatch.setattr(download, "_Limits", recording)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    for sizes in ({NAME: len(DATA)}, {NAME: 10_000_000}):
        with pytest.raises(DownloadError):
            download_mnist(dest=tmp_path / "dl", mirrors=[dead], files=FILES, sizes=sizes, timeout=5)
    assert seen[0] == pytest.approx(download.DEFAULT_DEADLINE + len(DATA) / download.DEADLINE_BYTES_PER_SECOND)
    assert seen[1] == pytest.approx(download.DEFAULT_DEADLINE + 500)  # 10 MB at 20 kB/s: a slow line finishes
