"""nnviz: watch a small neural network learn to read handwritten digits, and look inside it.

The engine (nnviz.engine) is pure NumPy; the desktop app (nnviz.qt) only displays its snapshots.
"""

__version__ = "0.1.0"
