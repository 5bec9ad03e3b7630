"""Build the PyInstaller bundle from packaging/nnviz.spec and start it headless with --self-check.

Slow (a minute or more, ~200 MB): runs only with PyInstaller installed and NNVIZ_BUILD_BUNDLE=1.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "packaging" / "nnviz.spec"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("PyInstaller") is None, reason="PyInstaller not installed"),
    pytest.mark.skipif(os.environ.get("NNVIZ_BUILD_BUNDLE") != "1", reason="set NNVIZ_BUILD_BUNDLE=1 to build"),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The built one-folder bundle (its folder holds the `nnviz` executable)."""
    out = tmp_path_factory.mktemp("bundle")
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(out / "dist"), "--workpath", str(out / "build"), str(SPEC)],
        capture_output=True, text=True, timeout=1800,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    return out / "dist" / "nnviz"


def bundle_env(home: Path) -> dict[str, str]:
    """Headless, with a fresh home and no MNIST folder, so only the bundled sample is available."""
    env = {key: value for key, value in os.environ.items() if key != "NNVIZ_DATA_DIR"}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local" / "share"), XDG_CACHE_HOME=str(home / ".cache"))
    return env


def test_bundle_contains_sample_and_icons(bundle):
    executable = bundle / ("nnviz.exe" if sys.platform == "win32" else "nnviz")
    assert executable.is_file()
    resources = bundle / "_internal" / "nnviz" / "resources"
    assert (resources / "mnist_sample.npz").is_file()
    assert (resources / "icons" / "nnviz-256.png").is_file()


def test_bundle_self_check_exits_0(bundle, tmp_path):
    executable = bundle / ("nnviz.exe" if sys.platform == "win32" else "nnviz")
    result = subprocess.run([str(executable), "--self-check"], env=bundle_env(tmp_path),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]


def test_bundle_installs_its_own_menu_entry(bundle, tmp_path):
    executable = bundle / "nnviz"
    if sys.platform != "linux":
        pytest.skip("freedesktop menus are a Linux thing")
    result = subprocess.run([str(executable), "install-desktop"], env=bundle_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    entry = (tmp_path / ".local/share/applications/nnviz.desktop").read_text()
    assert f"Exec={executable}\n" in entry
    assert (tmp_path / ".local/share/icons/hicolor/512x512/apps/nnviz.png").is_file()


def test_bundle_without_a_display_says_so_in_one_line(bundle, tmp_path):
    if sys.platform != "linux":
        pytest.skip("X11/Wayland displays are a Linux thing")
    executable = bundle / "nnviz"
    env = {k: v for k, v in bundle_env(tmp_path).items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run([str(executable)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "no display found" in result.stderr
