"""The scripted-window helpers the benchmarks and screenshots share."""

from nnviz.qt._scripted import LatenessProbe, run_until


def test_the_lateness_probe_ticks_while_the_loop_runs_and_stops_when_told(qapp):
    probe = LatenessProbe(interval_ms=10)
    probe.start()
    assert run_until(lambda: len(probe.lateness) >= 5, 5.0)
    probe.stop()
    ticks = len(probe.lateness)
    run_until(lambda: False, 0.1)
    assert len(probe.lateness) == ticks, "no tick after stop()"
    assert all(late >= 0 for late in probe.lateness)
