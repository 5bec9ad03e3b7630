"""The desktop menu entry, the icons and the Help/About pages.

Installs into a temporary data home only; never touches the real ~/.local/share.
"""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nnviz import desktop
from nnviz.desktop import (
    ICON_SIZES,
    DesktopEntryError,
    install_desktop_entry,
    installed_paths,
    uninstall_desktop_entry,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_entry(path: Path) -> dict[str, str]:
    """The [Desktop Entry] group of a .desktop file as a dict (keys keep their case)."""
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # desktop keys are case-sensitive
    parser.read(path, encoding="utf-8")
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_icon_pngs_exist_at_every_size_with_that_size():
    paths = desktop.icon_paths()
    assert set(paths) == set(ICON_SIZES)
    for size, path in paths.items():
        assert png_size(path) == (size, size)


def test_install_writes_entry_and_icons_into_data_home(tmp_path):
    desktop_file = install_desktop_entry(data_home=tmp_path)

    assert desktop_file == tmp_path / "applications" / "nnviz.desktop"
    for path in installed_paths(tmp_path):
        assert path.is_file(), path
    for size in ICON_SIZES:
        icon = tmp_path / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "nnviz.png"
        assert png_size(icon) == (size, size)
    assert (tmp_path / "icons/hicolor/scalable/apps/nnviz.svg").read_text().lstrip().startswith("<?xml")
    assert not list(tmp_path.rglob("*.part")), "temporary files left behind"


def test_entry_exec_points_at_installed_gui_script(tmp_path):
    entry = read_entry(install_desktop_entry(data_home=tmp_path))

    script = desktop.find_gui_script()
    assert script is not None, "nnviz-gui is installed with the package"
    assert script.is_absolute() and script.name.startswith("nnviz-gui")
    assert shlex.split(entry["Exec"]) == [str(script)]


def test_entry_exec_points_at_bundle_executable_and_quotes_spaces(tmp_path):
    bundle = tmp_path / "my apps" / "nnviz" / "nnviz"
    entry = read_entry(install_desktop_entry(data_home=tmp_path / "share", executable=bundle))

    assert entry["Exec"] == f'"{bundle}"'
    assert shlex.split(entry["Exec"]) == [str(bundle)]


def test_entry_has_the_keys_a_menu_needs(tmp_path):
    entry = read_entry(install_desktop_entry(data_home=tmp_path))

    assert entry["Type"] == "Application"
    assert entry["Name"] == "nnviz"
    assert entry["Icon"] == "nnviz"
    assert entry["Terminal"] == "false"
    # exactly one main category (freedesktop menu spec), so the app shows once in a menu
    main = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics", "Network",
            "Office", "Science", "Settings", "System", "Utility"}
    categories = [c for c in entry["Categories"].split(";") if c]
    assert [c for c in categories if c in main] == ["Education"]
    assert entry["Categories"] == "Education;ComputerScience;ArtificialIntelligence;"
    assert entry["Comment"]
    assert "@" not in "".join(entry.values()), "a template placeholder was left unfilled"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_entry_passes_desktop_file_validate(tmp_path):
    desktop_file = install_desktop_entry(data_home=tmp_path, executable=tmp_path / "a b" / "nnviz")
    result = subprocess.run(["desktop-file-validate", str(desktop_file)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout
    assert "hint" not in result.stdout, result.stdout  # e.g. "more than one main category"


def test_install_twice_then_uninstall_removes_everything(tmp_path):
    install_desktop_entry(data_home=tmp_path)
    install_desktop_entry(data_home=tmp_path)

    removed = uninstall_desktop_entry(data_home=tmp_path)

    assert sorted(removed) == sorted(installed_paths(tmp_path))
    assert not any(path.exists() for path in installed_paths(tmp_path))
    assert uninstall_desktop_entry(data_home=tmp_path) == []


def test_install_uses_xdg_data_home_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert install_desktop_entry() == tmp_path / "applications" / "nnviz.desktop"


def test_missing_gui_script_is_a_clear_error_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(desktop, "find_gui_script", lambda: None)
    with pytest.raises(DesktopEntryError, match="nnviz-gui"):
        install_desktop_entry(data_home=tmp_path)
    assert not any(tmp_path.iterdir())


def test_module_command_installs_and_uninstalls(tmp_path):
    bundle = tmp_path / "bundle" / "nnviz"
    run = [sys.executable, "-m", "nnviz.desktop"]
    installed = subprocess.run(run + ["install", "--data-home", str(tmp_path), "--exec", str(bundle)],
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    assert read_entry(tmp_path / "applications" / "nnviz.desktop")["Exec"] == str(bundle)

    removed = subprocess.run(run + ["uninstall", "--data-home", str(tmp_path)], capture_output=True, text=True)
    assert removed.returncode == 0, removed.stderr
    assert not (tmp_path / "applications" / "nnviz.desktop").exists()


def test_desktop_module_needs_no_qt():
    code = "import sys, nnviz.desktop; sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_installed_files_are_world_readable_and_no_temporary_file_is_left(tmp_path):
    install_desktop_entry(data_home=tmp_path, executable=tmp_path / "bundle" / "nnviz")
    written = [p for p in installed_paths(tmp_path) if p.exists()]
    assert len(written) >= len(ICON_SIZES)
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in written)
    assert not [p for p in tmp_path.rglob(".*")]  # temporary files are hidden ones


def test_uninstall_script_works_from_the_checkout(tmp_path):
    # packaging/install-desktop.sh --uninstall runs nnviz.desktop from the checkout (PYTHONPATH),
    # so it works whether or not nnviz is installed
    install_desktop_entry(data_home=tmp_path, executable=tmp_path / "bundle" / "nnviz")
    script = Path(desktop.__file__).resolve().parents[1] / "packaging" / "install-desktop.sh"
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path), PYTHON=sys.executable)
    result = subprocess.run(["bash", str(script), "--uninstall"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not any(path.exists() for path in installed_paths(tmp_path))


# ---------------------------------------------------------------- Help menu


def test_help_page_is_non_modal_and_explains_every_view(qtbot):
    from nnviz.qt._help import HelpDialog, show_help

    dialog = show_help(None)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, HelpDialog)
    assert dialog.isVisible() and not dialog.isModal()
    assert not dialog.windowIcon().isNull()
    text = dialog.browser.toPlainText()
    for topic in ("network graph", "weight images", "cost curve", "drawing pad", "confusion matrix",
                  "Why hidden layers", "What does each hidden neuron learn", "Why several neurons",
                  "activation functions", "confident on nonsense"):
        assert topic in text, topic
    assert show_help(None) is dialog, "a second Help click raises the same window"
    dialog.close()


def test_help_page_is_reused_per_parent(qtbot):
    from PySide6.QtWidgets import QWidget

    from nnviz.qt._help import show_help

    window = QWidget()
    qtbot.addWidget(window)
    first = show_help(window)
    assert first.parent() is window
    assert show_help(window) is first
    first.close()


def test_about_box_shows_version_credit_and_licence(qtbot):
    import nnviz
    from nnviz.qt._help import show_about

    box = show_about(None)
    qtbot.addWidget(box)
    assert box.isVisible()
    text = box.text()
    assert nnviz.__version__ in text
    assert "Y. LeCun, C. Cortes and C. J. C. Burges" in text
    assert "CC BY-SA 3.0" in text
    assert "MIT licence" in text
    assert not box.iconPixmap().isNull()
    box.close()
