"""Put nnviz in the Linux desktop menu: a freedesktop .desktop file plus hicolor icons.

Pure standard library (no Qt), so it also runs as `python -m nnviz.desktop install` or from a bundle.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import nnviz
from nnviz.engine.atomic import atomic_write

APP_ID = "nnviz"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
DESKTOP_FILE_NAME = f"{APP_ID}.desktop"
GUI_SCRIPT = "nnviz-gui"


class DesktopEntryError(OSError):
    """The menu entry could not be installed; the message says what is missing and what to do."""


def icon_paths() -> dict[int, Path]:
    """{size: PNG path} of the application icon, for every size in ICON_SIZES that exists."""
    icon_dir = nnviz.resources_dir() / "icons"
    paths = {size: icon_dir / f"{APP_ID}-{size}.png" for size in ICON_SIZES}
    return {size: path for size, path in paths.items() if path.is_file()}


def default_data_home() -> Path:
    """$XDG_DATA_HOME, or ~/.local/share as the freedesktop base-directory spec says."""
    xdg = os.environ.get("XDG_DATA_HOME", "")
    # The spec says a relative value is invalid and must be ignored.
    if xdg and os.path.isabs(xdg):
        return Path(xdg)
    return Path.home() / ".local" / "share"


def find_gui_script() -> Path | None:
    """Absolute path of the installed `nnviz-gui` script of this Python, or None if not installed."""
    name = GUI_SCRIPT + (".exe" if os.name == "nt" else "")
    # Next to this interpreter first: that is the script belonging to the nnviz being imported
    # (a venv or pyenv version), not whichever one happens to be first on PATH.
    candidates = [Path(sys.executable).parent / name, Path(sysconfig.get_path("scripts")) / name]
    try:
        candidates.append(Path(sysconfig.get_path("scripts", f"{os.name}_user")) / name)
    except KeyError:
        pass
    on_path = shutil.which(GUI_SCRIPT)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file():
            return candidate.absolute()
    return None


def quote_exec_arg(arg: str) -> str:
    """Quote one argument for a desktop file's Exec key (Desktop Entry spec, "The Exec key")."""
    reserved = set(' \t\n"\'\\><~|&;$*?#()`')
    if arg and not reserved.intersection(arg):
        return arg.replace("%", "%%")
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    # The whole key is then read as a "string" value, whose own escaping doubles backslashes again.
    return '"' + escaped.replace("%", "%%").replace("\\", "\\\\") + '"'


def exec_line(executable: str | os.PathLike | None = None) -> str:
    """The Exec value: the given bundle executable, else a frozen app's own, else `nnviz-gui`."""
    if executable is not None:
        command = [str(Path(executable).absolute())]
    elif getattr(sys, "frozen", False):
        command = [str(Path(sys.executable).absolute())]
    else:
        script = find_gui_script()
        if script is None:
            raise DesktopEntryError(
                f"The {GUI_SCRIPT} command was not found next to {sys.executable}. "
                "Install nnviz with `pip install .` (or `pip install -e .`) first, "
                "or pass the path of a built bundle's executable."
            )
        command = [str(script)]
    return " ".join(quote_exec_arg(arg) for arg in command)


def render_desktop_file(executable: str | os.PathLike | None = None, icon: str = APP_ID) -> str:
    """Text of nnviz.desktop with @EXEC@ and @ICON@ filled in."""
    template = (nnviz.resources_dir() / DESKTOP_FILE_NAME).read_text(encoding="utf-8")
    return template.replace("@EXEC@", exec_line(executable)).replace("@ICON@", icon)


def _install_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (world-readable, folders made as needed) without ever leaving half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, permissions=0o644) as file:
        file.write(data)


def installed_paths(data_home: str | os.PathLike | None = None) -> list[Path]:
    """Every file install_desktop_entry writes under `data_home` (default ~/.local/share)."""
    home = Path(data_home) if data_home is not None else default_data_home()
    icons = home / "icons" / "hicolor"
    paths = [home / "applications" / DESKTOP_FILE_NAME]
    paths += [icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png" for size in ICON_SIZES]
    paths.append(icons / "scalable" / "apps" / f"{APP_ID}.svg")
    return paths


def _refresh_menus(data_home: Path) -> None:
    """Tell the desktop that menus and icons changed; harmless when the tools are absent."""
    applications = data_home / "applications"
    tool = shutil.which("update-desktop-database")
    if tool:
        try:
            subprocess.run([tool, "-q", str(applications)], check=False, timeout=30,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            pass
    hicolor = data_home / "icons" / "hicolor"
    if hicolor.is_dir():
        # A newer folder time makes GTK and Qt icon themes rescan without an icon cache.
        os.utime(hicolor)


def install_desktop_entry(data_home: str | os.PathLike | None = None,
                          executable: str | os.PathLike | None = None) -> Path:
    """Install nnviz.desktop and the icons under `data_home` (default ~/.local/share).

    `executable`: a PyInstaller bundle's executable; default: the running bundle's, else the
    installed `nnviz-gui` script. Returns the .desktop file's path (installed_paths() lists all).
    Raises DesktopEntryError (an OSError) when there is nothing to launch or no icon.
    """
    home = Path(data_home) if data_home is not None else default_data_home()
    desktop_text = render_desktop_file(executable)
    icons = icon_paths()
    svg = nnviz.resources_dir() / "icons" / f"{APP_ID}.svg"
    if not icons:
        raise DesktopEntryError(f"No icon PNGs found in {nnviz.resources_dir() / 'icons'}; the installation is incomplete.")
    hicolor = home / "icons" / "hicolor"
    # Icons first, so the menu entry never appears without its icon.
    for size, source in icons.items():
        _install_file(hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png", source.read_bytes())
    if svg.is_file():
        _install_file(hicolor / "scalable" / "apps" / f"{APP_ID}.svg", svg.read_bytes())
    desktop_file = home / "applications" / DESKTOP_FILE_NAME
    _install_file(desktop_file, desktop_text.encode("utf-8"))
    _refresh_menus(home)
    return desktop_file


def uninstall_desktop_entry(data_home: str | os.PathLike | None = None) -> list[Path]:
    """Remove what install_desktop_entry wrote under `data_home`; return the paths removed."""
    home = Path(data_home) if data_home is not None else default_data_home()
    removed = []
    for path in installed_paths(home):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    _refresh_menus(home)
    return removed


def main(argv: list[str] | None = None) -> int:
    """`python -m nnviz.desktop install|uninstall [--exec PATH] [--data-home DIR]`."""
    parser = argparse.ArgumentParser(
        prog="python -m nnviz.desktop",
        description="Add nnviz to (or remove it from) your desktop's application menu.")
    parser.add_argument("action", choices=("install", "uninstall"))
    parser.add_argument("--exec", dest="executable", metavar="PATH",
                        help="program the menu entry starts (default: the installed nnviz-gui)")
    parser.add_argument("--data-home", metavar="DIR",
                        help="where to install (default: $XDG_DATA_HOME or ~/.local/share)")
    args = parser.parse_args(argv)
    try:
        if args.action == "install":
            desktop_file = install_desktop_entry(args.data_home, args.executable)
            print(f"Installed the nnviz menu entry: {desktop_file}")
            print(f"It starts: {exec_line(args.executable)}")
        else:
            paths = uninstall_desktop_entry(args.data_home)
            print(f"Removed {len(paths)} file(s)." if paths else "nnviz's menu entry was not installed.")
    except OSError as error:
        print(f"nnviz: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
