"""The main window's runs and replay: every network trained is kept as a run (history, comparison,
export, saved with the model) and recorded, so any moment of the current run can be shown again.

A mixin of MainWindow, like _files.py.
"""

from __future__ import annotations

import pathlib

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QToolBar

from nnviz.engine.replay import ReplayRecorder
from nnviz.engine.runs import RunRecord, export_csv, export_json
from nnviz.qt._dock_tabs import new_dock, on_screen
from nnviz.qt.views.evaluation import NO_RESULTS_AT_MOMENT
from nnviz.qt.views.run_list import RunListView
from nnviz.qt.views.run_overlay import RunOverlay
from nnviz.qt.views.timeline import TimelineBar


class RunActions:
    """Runs (a list that outlives Apply, Reset and data switches) and the replay of the current one."""

    #: Ask before a trained, unsaved network is replaced or the window quits (the app sets it).
    confirm_discard = False

    def _build_runs(self) -> None:
        self.runs: list[RunRecord] = []
        self.current_run: RunRecord | None = None
        self.recorder: ReplayRecorder | None = None
        self.replay_index: int | None = None
        self._paused_for_replay = False  # the replay paused a running session (say so until Live)
        self._run_counter = 0
        self.run_list = RunListView()
        self.docks["runs"] = new_dock(self, "runs", self.run_list)
        self._runs_stale = False  # the list missed a change while it was out of sight
        self.docks["runs"].visibilityChanged.connect(lambda visible: visible and self._catch_up_runs())
        self.run_list.ticked_changed.connect(self._show_compared)
        self.run_list.renamed.connect(self._rename_run)
        self.run_list.delete_requested.connect(self.delete_runs)
        self.run_list.export_requested.connect(self.export_runs_dialog)
        self.run_overlay = RunOverlay(self.cost_curve.cost_plot, self.cost_curve.accuracy_plot,
                                      self.cost_curve.layout())
        self.timeline = TimelineBar()
        self.timeline.scrubbed.connect(self.show_frame)
        self.timeline.live_requested.connect(self.back_to_live)
        bar = QToolBar("Replay")
        bar.setObjectName("toolbar_replay")
        bar.addWidget(self.timeline)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bar)

    def _connect_runs(self) -> None:
        s = self.session
        s.network_changed.connect(self._start_run)
        s.batches_ready.connect(lambda batches: self.current_run and self.current_run.add_batches(batches))
        s.epoch_finished.connect(self._run_epoch)
        self.snapshot_shown.connect(self._count_frames)
        self._start_run(s.snapshot)

    # ---- runs --------------------------------------------------------------------------------

    def _start_run(self, snapshot) -> None:
        """A new network (reset, Apply, data switch, opened model): a new run, recorded from its start."""
        self.back_to_live(quiet=True)
        if self.current_run is not None and self.current_run.steps == 0 and not self.current_run.epochs:
            self.runs.remove(self.current_run)  # never trained: nothing to keep, and its number is free
            self._run_counter -= 1
        self._run_counter += 1
        data = self.dataset.name if self.dataset is not None else "no data yet"
        config = self.session.config
        settings = {k: getattr(config, k) for k in ("learning_rate", "batch_size", "optimizer", "l2", "dropout",
                                                    "epochs", "schedule", "augment", "seed")}
        self.current_run = RunRecord(f"Run {self._run_counter}", tuple(snapshot.layer_sizes), snapshot.activation,
                                     snapshot.cost, data, settings)
        self.runs.append(self.current_run)
        self.recorder = ReplayRecorder(snapshot.layer_sizes, snapshot.activation, snapshot.cost)
        self.recorder.add_initial(snapshot)
        if self.session.worker is not None:
            self.session.worker.recorder = self.recorder
        self.timeline.set_count(len(self.recorder))
        self._refresh_runs()

    def _run_epoch(self, stats) -> None:
        if self.current_run is not None:
            self.current_run.add_epoch(stats)
            self._refresh_runs()

    def _refresh_runs(self) -> None:
        """The cost curve draws the ticked runs; the run list is rebuilt now if it is seen, else when it is shown."""
        ticked = [i for i in self.run_list.ticked() if i < len(self.runs)]
        self._runs_stale = True
        if on_screen(self.run_list):
            self._catch_up_runs(ticked)
        self._show_compared(ticked)

    def _catch_up_runs(self, ticked=None) -> None:
        """Rebuild the run list if it missed changes (its ticks stay on their rows: deleting runs unticks all)."""
        if not self._runs_stale:
            return
        self._runs_stale = False
        ticked = ticked if ticked is not None else [i for i in self.run_list.ticked() if i < len(self.runs)]
        self.run_list.show_runs(self.runs, self.runs.index(self.current_run) if self.current_run in self.runs
                                else -1, ticked)

    def _show_compared(self, ticked) -> None:
        self.run_overlay.show_runs([self.runs[i] for i in ticked if i < len(self.runs)], live=self.current_run)
        self.cost_curve.show_compared_costs(self.run_overlay.drawn_costs())

    def _rename_run(self, row: int, name: str) -> None:
        name = name.strip()
        if 0 <= row < len(self.runs) and name:
            self.runs[row].name = name  # the table shows it already; the legend follows
        self._show_compared(self.run_list.ticked())

    def delete_runs(self, rows) -> None:
        """Remove these runs from the list; the run training now stays."""
        keep = [run for i, run in enumerate(self.runs) if i not in set(rows) or run is self.current_run]
        if len(keep) < len(self.runs):
            self.runs = keep
            for row in range(self.run_list.table.rowCount()):
                self.run_list.set_ticked(row, False)
        self._refresh_runs()

    def export_runs_dialog(self, fmt: str) -> None:
        suffix = "JSON (*.json)" if fmt == "json" else "CSV (*.csv)"
        path, _ = QFileDialog.getSaveFileName(self, "Export runs", str(pathlib.Path(self._start_folder())
                                                                       / f"nnviz-runs.{fmt}"), suffix)
        if path:
            self.export_runs(path, fmt)

    def export_runs(self, path, fmt: str) -> bool:
        """Write the ticked runs (all, if none is ticked) as JSON or CSV; a message either way."""
        ticked = self.run_list.ticked()
        runs = [self.runs[i] for i in ticked] if ticked else list(self.runs)
        try:
            (export_json if fmt == "json" else export_csv)(runs, path)
        except (OSError, ValueError) as exc:
            self.show_message(f"Could not export the runs to {path}: {exc}", "error")
            return False
        self.show_message(f"Exported {len(runs)} run{'s' if len(runs) != 1 else ''} to {path}.")
        return True

    def history_metadata(self) -> dict | None:
        """The current run's history, to store in a saved model."""
        return self.current_run.to_dict() if self.current_run is not None else None

    def _saved(self) -> None:
        if self.current_run is not None:
            self.current_run.saved = True

    def adopt_history(self, metadata, name: str) -> None:
        """An opened model's stored history becomes its run (named after the file), marked saved."""
        history = metadata.get("history") if isinstance(metadata, dict) else None
        if self.current_run is None:
            return
        self.current_run.name = name
        if isinstance(history, dict):
            try:
                old = RunRecord.from_dict(history)
            except ValueError as exc:
                self.show_message(f"The model's training history could not be read ({exc}); the network is fine.",
                                  "warning")
            else:
                self.current_run.batch_steps, self.current_run.batch_costs = old.batch_steps, old.batch_costs
                self.current_run.epochs, self.current_run.settings = old.epochs, old.settings
                self.cost_curve_from_run(self.current_run)
        self.current_run.saved = True
        self._refresh_runs()

    def cost_curve_from_run(self, run) -> None:
        """Draw a stored history in the cost curve, as if it had just been trained."""
        from types import SimpleNamespace

        if run.batch_steps:
            self.cost_curve.add_batches([SimpleNamespace(step=s, cost=c, epoch=0, batch=0, batches_per_epoch=1,
                                                         learning_rate=0.0)
                                         for s, c in zip(run.batch_steps, run.batch_costs)])
        for e in run.epochs:
            self.cost_curve.add_epoch(SimpleNamespace(**e, confusion=None))

    def may_discard(self, what: str) -> bool:
        """True when the current network may be replaced/closed: saved, untrained, or the learner agrees."""
        run = self.current_run
        if not self.confirm_discard or run is None or run.steps == 0 or run.saved:
            return True
        answer = QMessageBox.question(
            self, "Save the trained network?",
            f"{run.name} ({run.shape_text()}) trained {run.steps:,} steps and was not saved. {what} "
            "replaces it; its history stays in the run list, its weights do not.\n\nSave it first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            path, _ = QFileDialog.getSaveFileName(self, "Save model", str(pathlib.Path(self._start_folder())
                                                                          / "network.npz"), "nnviz model (*.npz)")
            return bool(path) and self.save_model(path)
        return answer == QMessageBox.StandardButton.Discard

    # ---- replay ------------------------------------------------------------------------------

    def _count_frames(self, _snapshot=None) -> None:
        if self.recorder is not None and self.replay_index is None:
            self.timeline.set_count(len(self.recorder))

    def show_frame(self, index: int) -> None:
        """Show recorded frame ``index`` in every view (training pauses while replaying)."""
        if self.recorder is None:
            return
        frames = self.recorder.frames()
        if not frames:
            return
        index = max(0, min(index, len(frames) - 1))
        if self.replay_index is None:
            self._paused_for_replay = self.session.is_running
            if self._paused_for_replay:
                self.session.pause()
        self.replay_index = index
        frame = frames[index]
        snapshot = self.recorder.snapshot(frame)
        self._replay_snapshot = snapshot
        self._late_timer.stop()
        self._late_snapshot = None
        self._show_snapshot(snapshot)
        self._show_late_views()
        stats = self.recorder.last_epoch_stats(index)
        if stats is None:
            self.evaluation.clear(NO_RESULTS_AT_MOMENT)
        else:
            self.evaluation.show_epoch(stats, self._class_names())
        self.timeline.set_replaying(True, f"step {frame.step:,} · epoch {frame.epoch:.2f} "
                                          f"(moment {index + 1} of {len(frames)})")
        self.progress_label.setText(f"  replay: step {frame.step:,} of {self.session.step:,} (press Live to return)")
        self.cost_curve.show_replay_step(frame.step)
        # The status bar says what the views show, not the last live news (kept until Live).
        self.statusBar().showMessage(
            f"Replay: every view shows the network as it was at step {frame.step:,} (epoch {frame.epoch:.2f})"
            + (" (training paused). Press Live, then Start, to go on." if self._paused_for_replay
               else ". Press Live to return."))
        self.timeline.show_moment(index)

    def _replay_blocks(self, snapshot) -> bool:
        """True for a live snapshot that arrives while a recorded one is shown."""
        return self.replay_index is not None and snapshot is not getattr(self, "_replay_snapshot", None)

    def back_to_live(self, quiet: bool = False) -> None:
        """Show the network as it is now again."""
        if self.replay_index is None:
            return
        self.replay_index = None
        self._replay_snapshot = None
        self.timeline.set_replaying(False, "live")
        self.cost_curve.show_replay_step(None)
        self.statusBar().clearMessage()  # the replay's message no longer says what is shown
        step = self.session.step
        if step == 0:
            self._update_progress(0, 0, 0, 0)
        else:
            self.progress_label.setText(f"  step {step:,} · {self.session.epoch} epochs done")
        if quiet:
            return
        self.statusBar().showMessage(f"Live: the network as it is now, after {step:,} mini-batches.", 15000)
        self._show_snapshot(self.session.snapshot)
        stats = self.recorder.last_epoch_stats(len(self.recorder) - 1) if self.recorder is not None else None
        if stats is None:
            self.evaluation.clear()
        else:
            self.evaluation.show_epoch(stats, self._class_names())
        self._count_frames()
