"""Before Qt starts on Linux: is there a display, and are the system libraries Qt needs installed?

Without them Qt aborts (exit 134) with advice that is often wrong; this says in one line what is
missing and how to fix it. Pure Python (ctypes): nothing here loads Qt.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

__all__ = ["display_problem", "missing_packages", "QT_GUI_LIBRARIES", "QT_XCB_LIBRARIES"]

# Shared libraries (soname -> Debian/Ubuntu package) that Qt's GUI module loads on every platform,
# offscreen included: `ldd` of PySide6's libQt6Gui.so.6, without what every system has.
QT_GUI_LIBRARIES: dict[str, str] = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11.so.6": "libx11-6",
}
# What the xcb platform plugin (a normal X11 desktop) adds: `ldd` of libqxcb.so and libQt6XcbQpa.so.6.
QT_XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}
# Platform plugins that need no display server.
_HEADLESS = ("offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay")
_NO_DISPLAY = ("nnviz: no display found (DISPLAY and WAYLAND_DISPLAY are not set): run nnviz in a desktop "
               "session, or use `nnviz train` for headless work")


def _loads(soname: str) -> bool:
    """True if ``soname`` loads as Qt would load it: from the system, or from inside a bundle."""
    places = [soname]
    bundle = getattr(sys, "_MEIPASS", None)  # a PyInstaller bundle may carry its own copy
    if getattr(sys, "frozen", False) and bundle:
        places = [os.path.join(bundle, soname), os.path.join(bundle, "PySide6", "Qt", "lib", soname), soname]
    for place in places:
        try:
            ctypes.CDLL(place)
        except OSError:
            continue
        return True
    return False


def missing_packages(libraries: Mapping[str, str], loads: Callable[[str], bool] = _loads) -> dict[str, str]:
    """The libraries (soname -> package) of ``libraries`` that cannot be loaded."""
    return {soname: package for soname, package in libraries.items() if not loads(soname)}


def _packages_line(missing: Mapping[str, str], what: str) -> str:
    packages = " ".join(dict.fromkeys(missing.values()))
    sonames = ", ".join(missing)
    return (f"nnviz: {what} needs system libraries that are missing ({sonames}): "
            f"sudo apt install {packages} (Debian/Ubuntu; elsewhere, the packages that provide them)")


def _x_server_answers(display: str) -> bool:
    """True if an X server answers on ``display`` (asked through libxcb, as Qt would)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True  # cannot ask; the library check reports what is missing
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)


def display_problem(environ: Mapping[str, str] | None = None, platform: str | None = None,
                    loads: Callable[[str], bool] = _loads, x_answers: Callable[[str], bool] = _x_server_answers) -> str | None:
    """One line saying why the Qt window cannot open here, or None when it can (or this is not Linux).

    Checks, in this order: the libraries Qt's GUI needs anywhere; then, unless QT_QPA_PLATFORM names a
    headless plugin, that a display is set; for X11 (xcb), the xcb libraries and that the X server answers.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    missing = missing_packages(QT_GUI_LIBRARIES, loads)
    if missing:
        return _packages_line(missing, "Qt")
    requested = environ.get("QT_QPA_PLATFORM", "").replace(";", ":").split(":")[0].strip().lower()
    if requested in _HEADLESS:
        return None
    x_display = environ.get("DISPLAY", "").strip()
    wayland = environ.get("WAYLAND_DISPLAY", "").strip()
    if requested == "wayland":
        return None if wayland else _NO_DISPLAY.replace("(DISPLAY and WAYLAND_DISPLAY are", "(WAYLAND_DISPLAY is")
    if not requested and wayland:
        return None  # Qt uses its Wayland plugin
    if not x_display:
        return _NO_DISPLAY
    missing = missing_packages(QT_XCB_LIBRARIES, loads)
    if missing:
        return _packages_line(missing, "Qt's X11 (xcb) support")
    if not x_answers(x_display):
        return (f"nnviz: cannot connect to the display {x_display!r} (DISPLAY): start nnviz from a desktop "
                "session, or use `nnviz train` for headless work")
    return None
