"""nnviz: watch a small neural network learn to read handwritten digits, and look inside it.

The engine (nnviz.engine) is pure NumPy; the desktop app (nnviz.qt) only displays its snapshots.
"""

from pathlib import Path

__version__ = "0.1.0"


def resources_dir() -> Path:
    """The folder with the icons, the .desktop template and the bundled MNIST sample."""
    try:
        import nnviz.resources  # resources/ installed as a package, also inside a PyInstaller bundle
    except ImportError:  # a source checkout used without installing it
        return Path(__file__).resolve().parent.parent / "resources"
    return Path(nnviz.resources.__file__).resolve().parent
