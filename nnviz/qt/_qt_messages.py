"""Keep Qt's stderr for what matters: drop the lines the offscreen platform prints for every window.

The offscreen plugin (screenshots, benchmarks, headless checks) cannot resize or raise windows the
way a desktop does and says so on every floating dock or dialog; nothing is wrong, so those exact
lines are dropped. Every other message goes to stderr as Qt would print it.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import qInstallMessageHandler

__all__ = ["HARMLESS_OFFSCREEN_MESSAGES", "quiet_offscreen_messages"]

HARMLESS_OFFSCREEN_MESSAGES = frozenset({
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support raise()",
})
_installed = False


def _handler(_mode, context, message: str) -> None:
    if message in HARMLESS_OFFSCREEN_MESSAGES:
        return
    category = getattr(context, "category", None)
    prefix = f"{category}: " if category and category != "default" else ""
    sys.stderr.write(f"{prefix}{message}\n")
    sys.stderr.flush()


def quiet_offscreen_messages() -> None:
    """Install the filter once for this process (call it only under the offscreen platform)."""
    global _installed
    if not _installed:
        qInstallMessageHandler(_handler)
        _installed = True
