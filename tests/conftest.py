"""Test setup: headless Qt before anything imports it, and no thread or timer may outlive its test."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
