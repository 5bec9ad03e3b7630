"""Saving never damages anything: devices, pipes, /proc, symlinks, file modes and stale temporaries."""

import fcntl
import os
import stat
import subprocess
import sys

import pytest

from nnviz.engine.atomic import UnsafeTargetError, atomic_write, check_target
from nnviz.engine.model_io import load_model, save_model
from nnviz.engine.network import Network


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nnviz", *args], capture_output=True, text=True, timeout=120)


def _small_network() -> Network:
    return Network((784, 4, 10), seed=0)


@pytest.fixture
def device_node(tmp_path):
    """A character device like /dev/null (major 1, minor 3), made in the test's own folder."""
    path = tmp_path / "null"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here ({exc})")
    return path


def test_a_device_is_refused_and_stays_a_device(device_node):
    with pytest.raises(UnsafeTargetError, match="not a regular file"):
        save_model(device_node, _small_network())
    assert stat.S_ISCHR(os.lstat(device_node).st_mode)
    assert sorted(os.listdir(device_node.parent)) == ["null"]


def test_a_named_pipe_is_refused_and_stays_a_pipe(tmp_path):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeTargetError, match="not a regular file"):
        with atomic_write(fifo) as file:
            file.write(b"x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["pipe.npz"]


def test_cli_refuses_a_device_before_training(device_node):
    done = _run_cli("train", "--data", "sample", "--epochs", "1", "--save", str(device_node))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "not a regular file" in done.stderr
    assert "Training" not in done.stdout and "saved" not in done.stdout
    assert stat.S_ISCHR(os.lstat(device_node).st_mode)


@pytest.mark.parametrize("target", ["/proc/x.npz", "/sys/x.npz"])
def test_proc_and_sys_are_refused_up_front(target):
    if not os.path.isdir(os.path.dirname(target)):
        pytest.skip(f"{os.path.dirname(target)} is not here")
    with pytest.raises(UnsafeTargetError, match="cannot be written"):
        check_target(target)
    done = _run_cli("train", "--data", "sample", "--epochs", "1", "--save", target)
    assert done.returncode == 2
    assert "cannot save the model" in done.stderr and "Training" not in done.stdout
    assert not os.path.exists(target)


def test_saving_onto_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "models" / "real.npz"
    real.parent.mkdir()
    save_model(real, Network((784, 3, 10), seed=1))
    link = tmp_path / "link.npz"
    link.symlink_to(real)
    save_model(link, _small_network())
    assert link.is_symlink() and os.readlink(link) == str(real)
    network, _ = load_model(real)
    assert network.layer_sizes == (784, 4, 10)
    assert sorted(os.listdir(real.parent)) == ["real.npz"]


def test_a_symlink_loop_is_refused_with_a_message(tmp_path):
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(OSError, match="link"):
        save_model(a, _small_network())
    assert a.is_symlink() and b.is_symlink()


def test_saving_over_a_private_model_keeps_it_private(tmp_path):
    path = tmp_path / "m.npz"
    save_model(path, _small_network())
    os.chmod(path, 0o600)
    save_model(path, _small_network())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_stale_temporaries_of_the_same_target_are_removed(tmp_path):
    path = tmp_path / "m.npz"
    stale = tmp_path / ".m.npz.k3x_9q0a.tmp"  # what a save killed with kill -9 leaves
    stale.write_bytes(b"half a model")
    other = tmp_path / ".other.npz.k3x_9q0a.tmp"  # another target's: not ours to remove
    other.write_bytes(b"x")
    save_model(path, _small_network())
    assert sorted(os.listdir(tmp_path)) == [".other.npz.k3x_9q0a.tmp", "m.npz"]


def test_a_temporary_file_still_being_written_is_left_alone(tmp_path):
    path = tmp_path / "m.npz"
    live = tmp_path / ".m.npz.abcdefgh.tmp"
    live.write_bytes(b"another save in progress")
    fd = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a running save holds it
        save_model(path, _small_network())
        assert live.exists()
    finally:
        os.close(fd)
    save_model(path, _small_network())  # its writer is gone now
    assert not live.exists()


def test_the_window_says_why_it_will_not_save_onto_a_pipe(qtbot, sample, store, tmp_path):
    from nnviz.qt.main_window import MainWindow

    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    w = MainWindow(dataset=sample, settings=store)
    qtbot.addWidget(w)
    assert w.save_model(fifo) is False
    assert w.last_message_level == "error"
    assert "is not a regular file" in w.last_message and "[Errno" not in w.last_message
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
