"""The nnviz desktop app: main window, training worker and the views that display engine snapshots."""
