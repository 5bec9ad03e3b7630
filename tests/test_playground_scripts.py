"""The Playground's benchmark and screenshot scripts run end to end (briefly, on small data)."""

from nnviz.qt import bench_playground, screenshots_playground


def test_the_benchmark_measures_a_real_run(qtbot):
    result = bench_playground.window_measurements(points=60, seconds=0.5, size=(900, 600))
    assert result["tiles"] == 2 + 6 * 8 + 2
    assert result["epochs_per_second"] > 0 and result["frames_per_second"] > 0
    assert result["p99_lateness_ms"] >= result["p50_lateness_ms"] >= 0
    assert bench_playground.headless_epochs_per_second(points=60, seconds=0.1) > 0


def test_screenshots_are_written_in_place(qtbot, tmp_path):
    [path] = screenshots_playground.take(tmp_path, (900, 600), ["cross"])
    assert path == tmp_path / "playground-cross.png" and path.stat().st_size > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["playground-cross.png"]  # no temporary left
