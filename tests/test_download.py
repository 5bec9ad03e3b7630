"""Tests for the MNIST download against local HTTP servers: good, broken mid-file, wrong checksum, offline."""

import hashlib
import http.server
import socket
import threading

import numpy as np
import pytest

from nnviz.engine import datasets, download
from nnviz.engine.datasets import load_dataset
from nnviz.engine.download import (
    FASHION_MNIST_FILES,
    MNIST_FILES,
    DownloadCancelled,
    DownloadError,
    download_fashion_mnist,
    download_mnist,
)
from nnviz.engine.idx import write_idx


@pytest.fixture(scope="module")
def served_files(tmp_path_factory):
    """Four small, valid MNIST-shaped .gz IDX files: name -> bytes."""
    folder = tmp_path_factory.mktemp("served")
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (200, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": (np.arange(200) % 10).astype(np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (50, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": (np.arange(50) % 10).astype(np.uint8),
    }
    return {name: write_idx(folder / name, array).read_bytes() for name, array in arrays.items()}


@pytest.fixture(scope="module")
def md5s(served_files):
    return {name: hashlib.md5(data).hexdigest() for name, data in served_files.items()}


class Server:
    """An HTTP server on 127.0.0.1 in a thread; ``mode`` decides how it answers."""

    def __init__(self, files, mode="good"):
        self.files, self.mode, self.requests = files, mode, []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                server.requests.append(name)
                data = server.files.get(name)
                if data is None:
                    self.send_error(404)
                    return
                if server.mode == "corrupt":
                    data = data[:-1] + bytes([data[-1] ^ 0xFF])
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if server.mode == "break":
                    # Promise the whole file, send half, hang up.
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                else:
                    self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/mnist/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def make_server(served_files):
    servers = []

    def make(mode="good"):
        servers.append(Server(served_files, mode))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def dead_url():
    """A URL on a port where nothing listens (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


def assert_no_part_files(folder):
    assert not list(folder.glob("*.part"))


def test_good_server(tmp_path, make_server, md5s, served_files):
    server = make_server("good")
    calls = []
    folder = download_mnist(
        dest=tmp_path / "dl", mirrors=[server.url], files=md5s, progress=lambda *a: calls.append(a)
    )
    assert folder == tmp_path / "dl"
    for name, data in served_files.items():
        assert (folder / name).read_bytes() == data
    assert_no_part_files(folder)
    # Progress reports each file from 0 to its full size, with the total known.
    for name, data in served_files.items():
        mine = [c for c in calls if c[0] == name]
        assert mine[0] == (name, 0, len(data)) and mine[-1] == (name, len(data), len(data))
        assert [c[1] for c in mine] == sorted(c[1] for c in mine)
    # The result loads as a dataset.
    data = load_dataset(folder)
    assert (data.n_train, data.n_test) == (200, 50)


def test_files_already_present_are_skipped(tmp_path, make_server, md5s, served_files):
    server = make_server("good")
    dest = tmp_path / "dl"
    dest.mkdir()
    present = "train-images-idx3-ubyte.gz"
    (dest / present).write_bytes(served_files[present])
    download_mnist(dest=dest, mirrors=[server.url], files=md5s)
    assert present not in server.requests
    assert sorted(server.requests) == sorted(set(md5s) - {present})


def test_damaged_existing_file_is_replaced(tmp_path, make_server, md5s, served_files):
    server = make_server("good")
    dest = tmp_path / "dl"
    dest.mkdir()
    name = "t10k-labels-idx1-ubyte.gz"
    (dest / name).write_bytes(b"garbage")
    download_mnist(dest=dest, mirrors=[server.url], files={name: md5s[name]})
    assert (dest / name).read_bytes() == served_files[name]


def test_server_breaking_mid_file(tmp_path, make_server, md5s):
    server = make_server("break")
    with pytest.raises(DownloadError, match="incomplete|broke") as info:
        download_mnist(dest=tmp_path / "dl", mirrors=[server.url], files=md5s)
    assert "train-images-idx3-ubyte.gz" in str(info.value)
    assert not (tmp_path / "dl").exists()  # no partial file, and no empty folder


def test_wrong_checksum(tmp_path, make_server, md5s):
    server = make_server("corrupt")
    with pytest.raises(DownloadError, match="wrong checksum"):
        download_mnist(dest=tmp_path / "dl", mirrors=[server.url], files=md5s)
    assert not (tmp_path / "dl").exists()  # no partial file, and no empty folder


def test_falls_back_to_next_mirror(tmp_path, make_server, md5s, dead_url):
    broken, good = make_server("break"), make_server("good")
    folder = download_mnist(dest=tmp_path / "dl", mirrors=[dead_url, broken.url, good.url], files=md5s)
    assert sorted(p.name for p in folder.iterdir()) == sorted(md5s)
    assert len(broken.requests) == 4 and len(good.requests) == 4


def test_missing_on_one_mirror(tmp_path, make_server, md5s, served_files):
    empty = Server({}, "good")
    try:
        good = make_server("good")
        download_mnist(dest=tmp_path / "dl", mirrors=[empty.url, good.url], files=md5s)
    finally:
        empty.close()
    assert_no_part_files(tmp_path / "dl")


def test_offline(tmp_path, dead_url):
    with pytest.raises(DownloadError, match="could not reach any mirror") as info:
        download_mnist(dest=tmp_path / "dl", mirrors=[dead_url, dead_url], timeout=5)
    assert "internet connection" in str(info.value)
    assert not isinstance(info.value, DownloadCancelled)
    assert not (tmp_path / "dl").exists()  # no partial file, and no empty folder


def test_cancel_between_chunks(tmp_path, make_server, md5s):
    server = make_server("good")
    cancel = threading.Event()

    def progress(name, done, total):
        if done > 0:
            cancel.set()

    with pytest.raises(DownloadCancelled):
        download_mnist(dest=tmp_path / "dl", mirrors=[server.url], files=md5s, progress=progress, cancel=cancel)
    assert not (tmp_path / "dl").exists()  # no partial file, and no empty folder
    assert server.requests == ["train-images-idx3-ubyte.gz"]


def test_cancel_before_start(tmp_path, make_server, md5s):
    server = make_server("good")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DownloadCancelled):
        download_mnist(dest=tmp_path / "dl", mirrors=[server.url], files=md5s, cancel=cancel)
    assert server.requests == []


def test_progress_exception_leaves_no_part_file(tmp_path, make_server, md5s):
    server = make_server("good")

    def progress(name, done, total):
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download_mnist(dest=tmp_path / "dl", mirrors=[server.url], files=md5s, progress=progress)
    assert not (tmp_path / "dl").exists()  # no partial file, and no empty folder


def test_default_destination_is_user_data_dir(tmp_path, monkeypatch, make_server, md5s):
    monkeypatch.setattr(download, "user_data_dir", lambda: tmp_path / "xdg" / "nnviz")
    server = make_server("good")
    folder = download_mnist(mirrors=[server.url], files=md5s)
    assert folder == tmp_path / "xdg" / "nnviz" / "mnist"


def test_fashion_download_uses_its_own_folder(tmp_path, monkeypatch, make_server, md5s):
    monkeypatch.setattr(download, "user_data_dir", lambda: tmp_path / "xdg" / "nnviz")
    server = make_server("good")
    folder = download_fashion_mnist(mirrors=[server.url], files=md5s)
    assert folder == tmp_path / "xdg" / "nnviz" / "fashion-mnist"
    monkeypatch.setattr(datasets, "user_data_dir", lambda: tmp_path / "xdg" / "nnviz")
    monkeypatch.setattr(datasets, "DEBIAN_FASHION_DIR", tmp_path / "no-debian")
    monkeypatch.delenv("NNVIZ_DATA_DIR", raising=False)
    data = load_dataset("fashion")
    assert data.source == str(folder) and data.class_names[0] == "T-shirt/top"


def test_known_checksums():
    assert MNIST_FILES == {
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    }
    assert set(FASHION_MNIST_FILES) == set(MNIST_FILES)
    assert len(download.MNIST_MIRRORS) >= 2
