"""The views: one widget per module, each draws the snapshot or statistics it is given.

Every window (main window, Lab, Playground) reuses them; none of them trains or reads live arrays.
"""
