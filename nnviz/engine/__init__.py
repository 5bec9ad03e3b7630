"""The nnviz engine: a pure-NumPy multilayer perceptron, its training loop, data and model files.

Nothing in this package imports Qt; the desktop app only displays the snapshots it produces.
"""
