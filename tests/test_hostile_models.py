"""Hostile model files: every declared size is checked before anything is decompressed or allocated."""

import io
import json
import os
import tracemalloc
import zipfile

import numpy as np
import pytest

from nnviz.engine.model_io import ModelFileError, load_model, save_model
from nnviz.engine.network import Network

HEADER = {"format": "nnviz-model", "format_version": 1, "layer_sizes": [784, 16, 16, 10],
          "activation": "sigmoid", "cost": "cross-entropy"}


def npy_bytes(shape, descr, body=b"") -> bytes:
    """An .npy member that declares ``shape`` of ``descr`` but holds only ``body``."""
    stream = io.BytesIO()
    np.lib.format.write_array_header_1_0(stream, {"descr": descr, "fortran_order": False, "shape": shape})
    return stream.getvalue() + body


def text_npy(text: str) -> bytes:
    stream = io.BytesIO()
    np.lib.format.write_array(stream, np.array(text))
    return stream.getvalue()


def real_members(header=HEADER, metadata="{}") -> dict:
    network = Network(tuple(header["layer_sizes"]), seed=0)
    members = {"header.npy": text_npy(json.dumps(header)), "metadata.npy": text_npy(metadata)}
    for i, (w, b) in enumerate(zip(network.weights, network.biases)):
        for name, array in ((f"weights_{i}", w), (f"biases_{i}", b)):
            stream = io.BytesIO()
            np.lib.format.write_array(stream, np.asarray(array, np.float32))
            members[f"{name}.npy"] = stream.getvalue()
    return members


def write_zip(path, members: dict) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def load_bounded(path, max_mib=16):
    """load_model(path), asserting it never allocated more than ``max_mib`` MiB; returns the error."""
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError) as caught:
            load_model(path)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < max_mib * 2**20, f"peak {peak / 2**20:.0f} MiB"
    assert str(path) in str(caught.value)
    return str(caught.value)


def test_weights_declaring_gigabytes_are_refused_before_decompressing(tmp_path):
    # 2 GiB of zeros declared; only 1 MiB of them stored, deflated to a few KiB
    members = real_members()
    members["weights_0.npy"] = npy_bytes((2**29,), "<f4", bytes(2**20))
    path = tmp_path / "bomb_weights.npz"
    write_zip(path, members)
    assert path.stat().st_size < 64_000
    assert "weights_0 has shape (536870912,)" in load_bounded(path)


def test_a_header_declaring_gigabytes_of_text_is_refused(tmp_path):
    members = real_members()
    members["header.npy"] = npy_bytes((), "<U500000000", bytes(2**20))  # 2 GB of text declared
    path = tmp_path / "bomb_header.npz"
    write_zip(path, members)
    assert "500,000,000 characters" in load_bounded(path)


def test_metadata_declaring_gigabytes_of_text_is_refused(tmp_path):
    members = real_members()
    members["metadata.npy"] = npy_bytes((), "<U500000000", bytes(2**20))
    path = tmp_path / "bomb_metadata.npz"
    write_zip(path, members)
    assert "training metadata" in load_bounded(path)


def test_a_header_declaring_a_huge_network_is_refused_before_building_it(tmp_path):
    header = dict(HEADER, layer_sizes=[784, 16, 16, 10])
    members = real_members(header)
    members["header.npy"] = text_npy(json.dumps(dict(HEADER, layer_sizes=[100_000_000, 1024, 100_000_000])))
    path = tmp_path / "huge.npz"
    write_zip(path, members)
    assert "at most 65,536 inputs and outputs" in load_bounded(path)


@pytest.mark.parametrize(("where", "depth"), [("header", 8_000), ("metadata", 100_000)])
def test_deeply_nested_json_is_a_clear_error(tmp_path, where, depth):
    deep = "[" * depth + "]" * depth
    if where == "header":
        members = real_members()
        members["header.npy"] = text_npy(deep)
    else:
        members = real_members(metadata='{"a": ' + deep + "}")
    path = tmp_path / f"deep_{where}.npz"
    write_zip(path, members)
    message = load_bounded(path)
    assert f"{depth + (where == 'metadata'):,} levels deep" in message


def test_too_many_archive_entries_are_refused_from_the_end_record(tmp_path):
    members = real_members()
    members.update({f"junk_{i}.npy": b"" for i in range(300)})
    path = tmp_path / "many.npz"
    write_zip(path, members)
    assert "300" in load_bounded(path) or "entries" in load_bounded(path)


def test_a_file_far_too_large_to_be_a_model_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.npz"
    with open(path, "wb") as f:  # sparse: no real disk space
        f.write(b"PK\x03\x04")
        f.truncate(300 * 2**20)
    assert "MiB" in load_bounded(path, max_mib=4)


@pytest.mark.parametrize("content", [os.urandom(4096), b"PK\x03\x04" + os.urandom(4096), b""],
                         ids=["random", "random-zip-magic", "empty"])
def test_random_bytes_say_not_an_nnviz_model_and_never_mention_pickle(tmp_path, content):
    path = tmp_path / "random.npz"
    path.write_bytes(content)
    message = load_bounded(path)
    assert "not an nnviz model" in message or "damaged" in message
    assert "pickle" not in message.lower()


def test_an_object_array_is_never_unpickled(tmp_path):
    members = real_members()
    stream = io.BytesIO()
    np.lib.format.write_array(stream, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    members["weights_0.npy"] = stream.getvalue()
    path = tmp_path / "pickle.npz"
    write_zip(path, members)
    message = load_bounded(path)
    assert "allow_pickle" not in message


@pytest.mark.parametrize("dtype", ["<c8", "<i4", "|V4"])
def test_weights_that_are_not_real_floats_are_refused(tmp_path, dtype):
    members = real_members()
    members["weights_2.npy"] = npy_bytes((10, 16), dtype, bytes(160 * np.dtype(dtype).itemsize))
    path = tmp_path / "odd.npz"
    write_zip(path, members)
    assert "not floating-point" in load_bounded(path)


def test_a_weight_member_cut_short_is_reported(tmp_path):
    members = real_members()
    members["weights_0.npy"] = npy_bytes((16, 784), "<f4", bytes(100))
    path = tmp_path / "short.npz"
    write_zip(path, members)
    assert "cut short" in load_bounded(path)


def test_the_real_thing_still_loads(tmp_path):
    path = tmp_path / "good.npz"
    network = Network((784, 16, 16, 10), seed=3)
    save_model(path, network, {"epochs": 2, "config": {"learning_rate": 0.01}})
    loaded, metadata = load_model(path)
    assert metadata == {"epochs": 2, "config": {"learning_rate": 0.01}}
    assert all(np.array_equal(a, b) for a, b in zip(loaded.weights, network.weights))


def test_the_window_reports_a_deeply_nested_recent_file(qtbot, sample, store, tmp_path):
    from nnviz.qt.main_window import MainWindow

    members = real_members(metadata='{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    path = tmp_path / "deep.npz"
    write_zip(path, members)
    w = MainWindow(dataset=sample, settings=store)
    qtbot.addWidget(w)
    assert w.open_model(path) is False
    assert w.last_message_level == "error" and "levels deep" in w.last_message


def test_metadata_with_nan_is_saved_as_valid_json_and_read_back_as_none(tmp_path):
    path = tmp_path / "nan.npz"
    save_model(path, Network((784, 4, 10), seed=0), {"test_accuracy": float("nan"), "costs": [1.0, float("inf")]})
    with zipfile.ZipFile(path) as archive:
        text = str(np.load(io.BytesIO(archive.read("metadata.npy")))[()])
    assert json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in the file")) == \
        {"test_accuracy": None, "costs": [1.0, None]}
    assert load_model(path)[1] == {"test_accuracy": None, "costs": [1.0, None]}


def test_devices_and_pipes_are_not_read(tmp_path):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)  # reading it would wait for a writer forever
    assert "not a regular file" in load_bounded(fifo)
    if os.path.exists("/dev/zero"):  # reading it would never end
        with pytest.raises(ModelFileError, match="not a regular file"):
            load_model("/dev/zero")


def test_damaged_model_files_only_ever_give_a_model_file_error(tmp_path):
    """Random byte flips, cuts and insertions anywhere in a real model file: a clear error or a model."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    good = tmp_path / "good.npz"
    save_model(good, Network((784, 4, 10), seed=0), {"epochs": 1})
    original = good.read_bytes()

    @settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), max_size=8),
           st.integers(1, len(original)), st.binary(max_size=16), st.integers(0, len(original)))
    def check(flips, cut, inserted, where):
        data = bytearray(original)
        for at, value in flips:
            data[at] = value
        data = data[:cut]
        data[where:where] = inserted
        path = tmp_path / "mutated.npz"
        path.write_bytes(bytes(data))
        try:
            network, metadata = load_model(path)
        except ModelFileError as error:
            assert "pickle" not in str(error).lower()
        else:
            assert network.layer_sizes == (784, 4, 10) and isinstance(metadata, dict)
            assert all(np.isfinite(w).all() for w in network.weights)

    check()


def test_a_changed_byte_in_stored_weights_is_caught_by_the_checksum(tmp_path):
    members = real_members()
    path = tmp_path / "stored.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    raw = bytearray(path.read_bytes())
    at = raw.index(members["weights_1.npy"][-64:])  # inside weights_1's values
    raw[at] ^= 0x40
    path.write_bytes(bytes(raw))
    assert "damaged" in load_bounded(path).lower() or "crc" in load_bounded(path).lower()


def test_an_end_record_that_understates_the_entries_is_caught_by_the_directory_size(tmp_path):
    import struct

    members = real_members()
    members.update({f"junk_{i:05d}.npy": b"" for i in range(10_000)})
    path = tmp_path / "lying.npz"
    write_zip(path, members)
    raw = bytearray(path.read_bytes())
    at = raw.rindex(b"PK\x05\x06")
    raw[at + 8 : at + 12] = struct.pack("<HH", 16, 16)  # "16 entries", while the directory holds 10,016
    path.write_bytes(bytes(raw))
    assert "directory" in load_bounded(path)


@pytest.mark.parametrize(("flag_offset", "value", "what"), [(6, 0x01, "encrypted"), (8, 99, "compression method")])
def test_encrypted_members_and_unknown_compression_are_clear_errors(tmp_path, flag_offset, value, what):
    """Found by fuzzing: zipfile raises RuntimeError / NotImplementedError for these."""
    path = tmp_path / f"odd-{flag_offset}.npz"
    save_model(path, Network((784, 4, 10), seed=0))
    raw = bytearray(path.read_bytes())
    for signature, base in ((b"PK\x03\x04", 0), (b"PK\x01\x02", 2)):  # local header and directory record
        at = raw.find(signature)
        while at >= 0:
            raw[at + base + flag_offset] = value
            at = raw.find(signature, at + 4)
    path.write_bytes(bytes(raw))
    message = load_bounded(path)
    assert "not an nnviz model" in message or "cannot be read" in message or "damaged" in message
