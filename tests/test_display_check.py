"""A clean start on any Linux desktop: no display or a missing Qt library is one clear line and exit 1,
checked before Qt is loaded (Qt itself aborts with exit 134 and often blames the wrong package)."""

import os
import subprocess
import sys

import pytest

from nnviz.display_check import QT_GUI_LIBRARIES, QT_XCB_LIBRARIES, display_problem

DESKTOP = {"DISPLAY": ":0"}


def loads_all_but(*missing):
    return lambda soname: soname not in missing


def test_no_display_at_all():
    problem = display_problem({}, "linux", loads_all_but())
    assert "no display found" in problem and "nnviz train" in problem


@pytest.mark.parametrize("missing", [("libxcb-icccm.so.4",), ("libxcb-icccm.so.4", "libxcb-keysyms.so.1"),
                                     ("libxcb-cursor.so.0",)])
def test_a_missing_xcb_library_names_its_own_package(missing):
    problem = display_problem(DESKTOP, "linux", loads_all_but(*missing), lambda d: True)
    packages = [QT_XCB_LIBRARIES[m] for m in missing]
    assert f"sudo apt install {' '.join(packages)} " in problem
    if "libxcb-cursor.so.0" not in missing:
        assert "cursor" not in problem  # Qt blames libxcb-cursor0 whatever is missing
    assert "\n" not in problem


def test_a_missing_gl_library_is_named_even_offscreen():
    problem = display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", loads_all_but("libGL.so.1"))
    assert "libGL.so.1" in problem and "sudo apt install libgl1" in problem


def test_an_x_server_that_does_not_answer():
    problem = display_problem({"DISPLAY": ":42"}, "linux", loads_all_but(), lambda d: False)
    assert "cannot connect to the display ':42'" in problem


@pytest.mark.parametrize("environ", [{"QT_QPA_PLATFORM": "offscreen"}, {"WAYLAND_DISPLAY": "wayland-0"},
                                     {"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "wayland-0"},
                                     {"DISPLAY": ":0"}])
def test_nothing_to_say_when_qt_can_start(environ):
    assert display_problem(environ, "linux", loads_all_but(), lambda d: True) is None


def test_other_systems_are_left_to_qt():
    assert display_problem({}, "darwin", loads_all_but(*QT_GUI_LIBRARIES)) is None


def test_the_real_libraries_load_here_for_the_offscreen_tests():
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, sys.platform) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux displays")
@pytest.mark.parametrize("command", [[], ["lab"], ["playground"]], ids=["app", "lab", "playground"])
def test_nnviz_without_a_display_says_so_in_one_line_and_exits_1(command):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "nnviz", *command], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert "no display found" in done.stderr and "Aborted" not in done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux displays")
def test_nnviz_with_an_unreachable_display_says_so_and_exits_1():
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["DISPLAY"] = ":97"  # no X server there
    done = subprocess.run([sys.executable, "-m", "nnviz"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert "cannot connect to the display ':97'" in done.stderr or "sudo apt install" in done.stderr


def test_the_readme_set_up_lists_every_package_the_check_can_ask_for():
    import pathlib
    import re

    readme = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    setup = readme[readme.index("## Set-up"):readme.index("\n## ", readme.index("## Set-up") + 1)]
    assert "python3 -m venv .venv && . .venv/bin/activate" in setup
    assert "python -m pip install . && python -m nnviz" in setup
    assert 'python -m pip install -e ".[test]" && python -m pytest' in setup
    listed = set()
    for command in re.finditer(r"sudo apt install ((?:[\w.+-]+[ \t]*(?:\\\n)?[ \t]*)+)", setup):
        listed |= set(command.group(1).replace("\\", " ").split())
    wanted = set(QT_GUI_LIBRARIES.values()) | set(QT_XCB_LIBRARIES.values())
    assert wanted <= listed, f"README lacks {sorted(wanted - listed)}"


def test_a_bundle_finds_the_libraries_it_carries(tmp_path, monkeypatch):
    import shutil

    from nnviz import display_check

    real = next(p for p in ("/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1",
                            "/lib64/libz.so.1", "/usr/lib/libz.so.1") if os.path.exists(p)) \
        if sys.platform.startswith("linux") else None
    if real is None:
        pytest.skip("no libz.so.1 to copy here")
    shutil.copy(real, tmp_path / "libnnviz-test-only.so.1")
    assert not display_check._loads("libnnviz-test-only.so.1")  # not on the system's search path
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert display_check._loads("libnnviz-test-only.so.1")
