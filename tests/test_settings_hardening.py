"""Stored settings never stop nnviz from starting: each bad value falls back to its default with one warning."""

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings

from nnviz.qt._settings import Architecture, HyperParameters, SettingsStore


def ini_store(path) -> SettingsStore:
    return SettingsStore(QSettings(str(path), QSettings.Format.IniFormat))


BAD_VALUES = [
    ("network", "seed", "1e400", lambda s: s.seed(), 0),
    ("network", "seed", "-1", lambda s: s.seed(), 0),
    ("network", "seed", "2.5", lambda s: s.seed(), 0),
    ("training", "batch_size", "inf", lambda s: s.hyper_parameters().batch_size, HyperParameters().batch_size),
    ("training", "batch_size", "1e400", lambda s: s.hyper_parameters().batch_size, HyperParameters().batch_size),
    ("training", "learning_rate", "nan", lambda s: s.hyper_parameters().learning_rate, HyperParameters().learning_rate),
    ("training", "l2", "-inf", lambda s: s.hyper_parameters().l2, HyperParameters().l2),
    ("training", "dropout", "true", lambda s: s.hyper_parameters().dropout, HyperParameters().dropout),
    ("training", "delay_ms", "1e400", lambda s: s.delay_ms(), 0),
    ("network", "hidden", "9" * 5000, lambda s: s.architecture().hidden, Architecture().hidden),
    ("network", "activation", "wobbly", lambda s: s.architecture().activation, Architecture().activation),
]


@pytest.mark.parametrize(("group", "key", "text", "read", "default"), BAD_VALUES,
                         ids=[f"{g}/{k}={t[:10]}" for g, k, t, _r, _d in BAD_VALUES])
def test_a_bad_value_gives_its_default_and_one_warning(tmp_path, capsys, group, key, text, read, default):
    path = tmp_path / "nnviz.conf"
    path.write_text(f"[{group}]\n{key}={text}\n")
    store = ini_store(path)
    assert read(store) == default
    assert read(store) == default  # read twice, warned once
    assert list(store.problems) == [f"{group}/{key}"]
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("nnviz:")]
    assert len(warnings) == 1 and f"{group}/{key}" in warnings[0]
    assert f"{group}/{key}" in store.problem_message()


def test_good_values_give_no_warning(tmp_path, capsys):
    path = tmp_path / "nnviz.conf"
    path.write_text("[network]\nseed=7\nhidden=8,4\n[training]\nbatch_size=64\nlearning_rate=0.01\n")
    store = ini_store(path)
    assert store.seed() == 7 and store.architecture().hidden == (8, 4)
    assert store.hyper_parameters().batch_size == 64
    assert store.problems == {} and store.problem_message() == ""
    assert capsys.readouterr().err == ""


def test_the_window_starts_and_says_which_setting_was_ignored(qtbot, sample, tmp_path):
    from nnviz.qt.main_window import MainWindow

    path = tmp_path / "nnviz.conf"
    path.write_text("[network]\nseed=1e400\n[training]\nbatch_size=inf\n")
    w = MainWindow(dataset=sample, settings=ini_store(path))
    qtbot.addWidget(w)
    assert w.session.config.seed == 0 and w.session.config.batch_size == HyperParameters().batch_size
    assert w.last_message_level == "warning"
    assert "network/seed" in w.last_message and "training/batch_size" in w.last_message


def test_the_real_settings_file_with_seed_1e400_does_not_stop_a_start(tmp_path):
    """The reported case: ~/.config/nnviz/nnviz.conf with seed=1e400 crashed every start."""
    config = tmp_path / "config"
    (config / "nnviz").mkdir(parents=True)
    (config / "nnviz" / "nnviz.conf").write_text("[network]\nseed=1e400\n[training]\nbatch_size=inf\n")
    code = ("from nnviz.qt.app import make_application, build_window\n"
            "from nnviz.engine.datasets import load_sample\n"
            "app = make_application(['nnviz'])\n"
            "w = build_window(dataset=load_sample())\n"
            "print('seed', w.session.config.seed, 'batch', w.session.config.batch_size)\n"
            "w.close()\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(config), HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"seed 0 batch {HyperParameters().batch_size}" in done.stdout
    assert "OverflowError" not in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.count("network/seed") == 1


def test_data_that_did_not_finish_loading_is_not_tried_again(tmp_path, capsys):
    path = tmp_path / "nnviz.conf"
    store = ini_store(path)
    store.save_dataset_spec("/data/bomb")
    store.begin_data_load("/data/bomb")  # ... and the program was killed while reading it
    del store
    again = ini_store(path)
    assert again.dataset_spec() is None
    assert "/data/bomb" in again.problem_message()
    third = ini_store(path)
    assert third.dataset_spec() is None and third.problems == {}  # once is enough


def test_data_that_loaded_is_remembered(tmp_path):
    path = tmp_path / "nnviz.conf"
    store = ini_store(path)
    store.save_dataset_spec("/data/mnist")
    store.begin_data_load("/data/mnist")
    store.end_data_load()
    store.sync()
    assert ini_store(path).dataset_spec() == "/data/mnist"


def test_a_remembered_gzip_bomb_does_not_block_the_start(qtbot, tmp_path, monkeypatch):
    """The remembered folder now holds a gzip bomb (64 MiB of zeros behind a bad magic number)."""
    import zlib

    from nnviz.qt.main_window import MainWindow

    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "empty"))  # best available: the sample
    bombs = tmp_path / "bombs"
    bombs.mkdir()
    for stem in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        data = packer.compress(b"\xde\xad\xbe\xef") + b"".join(packer.compress(bytes(1 << 20)) for _ in range(64))
        (bombs / f"{stem}.gz").write_bytes(data + packer.flush())
    path = tmp_path / "nnviz.conf"
    store = ini_store(path)
    store.save_dataset_spec(str(bombs))
    store.sync()
    w = MainWindow(settings=ini_store(path))
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.dataset_changed, timeout=30000):
        w.show()
    assert w.dataset.source == "bundled sample"
    assert "not an IDX file" in w.last_message
    qtbot.waitUntil(lambda: not w.data_loader.busy, timeout=5000)
    w.close()
    again = ini_store(path)
    assert again.dataset_spec() is None and again.problems == {}  # the next start goes straight to the best


KEYS = ["network/seed", "network/hidden", "network/activation", "network/cost", "training/learning_rate",
        "training/batch_size", "training/optimizer", "training/l2", "training/dropout", "training/epochs",
        "training/schedule", "training/augment", "training/delay_ms", "data/spec", "data/loading",
        "files/recent", "files/last_folder", "window/geometry", "window/state"]


def test_no_stored_text_can_stop_the_settings_from_being_read(tmp_path):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    texts = st.one_of(st.sampled_from(["1e400", "-1e400", "inf", "-inf", "nan", "NaN", "1e-400", "0x10", "9" * 5000,
                                       "@Variant(\\0\\0\\0\\x7f)", "@ByteArray(\\xff)", "true", ",,,", "-0", "1_000",
                                       "\\0", "\u202e", "[", "{", "1,2,3", ""]),
                      st.text(max_size=40))

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.dictionaries(st.sampled_from(KEYS), texts, max_size=8))
    def check(values):
        path = tmp_path / "fuzz.conf"
        groups: dict[str, list[str]] = {}
        for key, text in values.items():
            group, name = key.split("/")
            groups.setdefault(group, []).append(f"{name}={text}")
        path.write_text("".join(f"[{g}]\n" + "\n".join(lines) + "\n" for g, lines in groups.items()),
                        encoding="utf-8")
        store = ini_store(path)
        architecture = store.architecture()
        hp = store.hyper_parameters()
        assert isinstance(architecture, Architecture) and isinstance(hp, HyperParameters)
        assert 0 <= store.seed() <= 2**31 - 1 and 0 <= store.delay_ms() <= 2000
        assert all(isinstance(p, str) for p in store.recent_files())
        assert store.dataset_spec() is None or isinstance(store.dataset_spec(), str)
        assert isinstance(store.last_folder(), str)
        store.geometry(), store.window_state()
        assert isinstance(store.problem_message(), str)

    check()
