"""Model files: save/load round trip, atomic writes, and a clear error for every kind of bad file."""

import json
import os
import zipfile

import numpy as np
import pytest

from nnviz.engine import atomic, model_io
from nnviz.engine.model_io import FORMAT_VERSION, ModelFileError, load_model, save_model
from nnviz.engine.network import Network


@pytest.mark.parametrize("sizes, activation, cost", [((784, 16, 16, 10), "relu", "cross-entropy"), ((2, 3, 4, 5, 2), "tanh", "mse"), ((9, 4), "linear", "mse")])
def test_save_load_round_trip(tmp_path, sizes, activation, cost):
    net = Network(sizes, activation=activation, cost=cost, seed=4)
    net.biases[-1][...] = 0.25
    metadata = {"epochs": 3, "test_accuracy": 0.9612, "config": {"learning_rate": 0.003, "optimizer": "adam"}}
    path = tmp_path / "model.npz"
    save_model(path, net, metadata)
    loaded, loaded_metadata = load_model(path)
    assert (loaded.layer_sizes, loaded.activation, loaded.cost) == (sizes, activation, cost)
    assert loaded_metadata == metadata
    for a, b in zip(net.weights + net.biases, loaded.weights + loaded.biases):
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(0).random((3, sizes[0]), dtype=np.float32)
    np.testing.assert_array_equal(net.forward(x)[-1], loaded.forward(x)[-1])


def test_file_holds_plain_arrays_and_a_json_header(tmp_path):
    path = tmp_path / "m.npz"
    save_model(path, Network((4, 3, 2)))
    with np.load(path, allow_pickle=False) as npz:
        header = json.loads(str(npz["header"][()]))
        assert header["format_version"] == FORMAT_VERSION and header["layer_sizes"] == [4, 3, 2]
        assert npz["weights_0"].shape == (3, 4)
    assert load_model(path)[1] == {}


def test_saving_replaces_an_existing_file_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "m.npz"
    save_model(path, Network((4, 3, 2), seed=1))
    save_model(path, Network((4, 5, 2), seed=2))
    assert load_model(path)[0].layer_sizes == (4, 5, 2)
    assert os.listdir(tmp_path) == ["m.npz"]


def test_a_failed_save_keeps_the_old_file_and_removes_the_temporary(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    save_model(path, Network((4, 3, 2), seed=1))
    before = path.read_bytes()

    def broken_savez(file, **arrays):
        file.write(b"PK\x03\x04 partial")
        raise OSError("disk full")

    monkeypatch.setattr(model_io.np, "savez_compressed", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        save_model(path, Network((4, 3, 2), seed=2))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.npz"]


def test_numpy_values_in_metadata_are_stored_as_plain_json(tmp_path):
    path = tmp_path / "m.npz"
    save_model(path, Network((4, 2)), {"accuracy": np.float32(0.5), "epochs": np.int64(3), "confusion": np.eye(2, dtype=np.int64)})
    assert load_model(path)[1] == {"accuracy": 0.5, "epochs": 3, "confusion": [[1, 0], [0, 1]]}


def test_a_saved_model_gets_ordinary_file_permissions(tmp_path):
    path = tmp_path / "m.npz"
    save_model(path, Network((4, 2)))
    assert path.stat().st_mode & 0o777 == 0o666 & ~atomic._UMASK


def test_metadata_that_is_not_json_is_refused_before_writing(tmp_path):
    with pytest.raises(ValueError, match="JSON"):
        save_model(tmp_path / "m.npz", Network((4, 2)), {"x": object()})
    assert not list(tmp_path.iterdir())


def _write_npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def _valid_arrays(**overrides):
    header = {"format": "nnviz-model", "format_version": 1, "layer_sizes": [4, 3, 2], "activation": "relu", "cost": "mse"}
    header_changes = overrides.pop("header", {})
    header.update(header_changes or {})
    arrays = {
        "header": None if header_changes is None else np.array(json.dumps(header)),
        "metadata": np.array("{}"),
        "weights_0": np.zeros((3, 4), np.float32),
        "biases_0": np.zeros(3, np.float32),
        "weights_1": np.zeros((2, 3), np.float32),
        "biases_1": np.zeros(2, np.float32),
    }
    arrays.update(overrides)
    return {k: v for k, v in arrays.items() if v is not None}


def test_the_valid_reference_file_loads(tmp_path):
    net, _ = load_model(_write_npz(tmp_path / "ok.npz", **_valid_arrays()))
    assert net.layer_sizes == (4, 3, 2)


@pytest.mark.parametrize(
    "arrays, problem",
    [
        (_valid_arrays(weights_1=np.zeros((3, 3), np.float32)), r"weights_1 has shape \(3, 3\) but layer sizes \(4, 3, 2\) need \(2, 3\)"),
        (_valid_arrays(biases_0=np.zeros(4, np.float32)), r"biases_0 has shape"),
        (_valid_arrays(weights_1=None), "weights_1 is missing"),
        (_valid_arrays(weights_2=np.zeros((2, 2), np.float32), biases_2=np.zeros(2, np.float32)), "holds 3 layers"),
        (_valid_arrays(header={"activation": "swish"}), "unknown activation 'swish'"),
        (_valid_arrays(header={"cost": "hinge"}), "unknown cost 'hinge'"),
        (_valid_arrays(header={"layer_sizes": [4, 0, 2]}), "invalid architecture"),
        (_valid_arrays(header={"format": "something else"}), "not an nnviz model file"),
        (_valid_arrays(header={"format_version": 99}), "newer nnviz"),
        (_valid_arrays(header=None), "not an nnviz model file"),
        (_valid_arrays(weights_0=np.full((3, 4), np.nan, np.float32)), "NaN"),
        (_valid_arrays(weights_0=np.zeros((3, 4), np.int32)), "not floating-point"),
        (_valid_arrays(metadata=np.array("[1, 2]")), "metadata is not a JSON object"),
        ({**_valid_arrays(), "header": np.array("{not json")}, "header is not valid JSON"),
        ({"x": np.arange(3)}, "not an nnviz model file"),
    ],
)
def test_bad_model_files_raise_model_file_error_naming_file_and_problem(tmp_path, arrays, problem):
    path = _write_npz(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ModelFileError, match=problem) as info:
        load_model(path)
    assert str(path) in str(info.value)


def test_a_file_that_is_not_an_npz_archive(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("just some text\n")
    with pytest.raises(ModelFileError, match=r"notes\.npz: not an nnviz model file \(not an \.npz archive\)"):
        load_model(path)


def test_a_plain_npy_array_is_not_a_model(tmp_path):
    path = tmp_path / "array.npy"
    np.save(path, np.arange(4))
    with pytest.raises(ModelFileError, match="not an nnviz model file"):
        load_model(path)


def test_a_truncated_file(tmp_path):
    good = tmp_path / "good.npz"
    save_model(good, Network((784, 16, 16, 10)))
    data = good.read_bytes()
    for cut in (len(data) // 3, len(data) - 30):
        path = tmp_path / f"cut{cut}.npz"
        path.write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match="truncated or damaged") as info:
            load_model(path)
        assert path.name in str(info.value)


def test_a_corrupted_member_is_reported_as_damaged(tmp_path):
    path = tmp_path / "m.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("header.npy", b"\x93NUMPY garbage")
    with pytest.raises(ModelFileError, match="damaged"):
        load_model(path)


def test_missing_files_and_folders(tmp_path):
    with pytest.raises(ModelFileError, match="no such file"):
        load_model(tmp_path / "nothing.npz")
    with pytest.raises(ModelFileError, match="is a folder"):
        load_model(tmp_path)
