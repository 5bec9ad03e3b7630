"""The speed benchmark: the matrix-product floor probe, and honest tables when MNIST or PyTorch is missing."""

import numpy as np
import pytest

from nnviz import bench, bench_speed
from nnviz.bench_speed import MatmulFloor


@pytest.mark.parametrize("sizes", [(20, 3), (20, 6, 3), (20, 6, 5, 3)])
def test_the_floor_probe_runs_every_product_of_an_epoch_with_a_partial_last_batch(sizes):
    x = np.random.default_rng(0).random((70, 20), dtype=np.float32)
    probe = MatmulFloor(x, sizes, batch_size=32)  # batches of 32, 32 and 6
    assert probe.epoch_seconds() > 0
    assert sorted(probe._buffers) == [6, 32]
    # the last products written are the first layer's weight gradient for the last (partial) batch
    batch, layers_t, deltas_t = probe._buffers[6]
    np.testing.assert_array_equal(batch, x[probe.order[64:]])
    first_delta_t = deltas_t[0] if deltas_t else layers_t[-1]  # (n_neurons, batch)
    np.testing.assert_allclose(probe.grads[0], first_delta_t @ batch, rtol=1e-5, atol=1e-6)


def test_without_mnist_the_benchmark_says_so_and_exits_non_zero(monkeypatch, capsys):
    monkeypatch.delenv("NNVIZ_DATA_DIR", raising=False)
    code = bench.main(["--rounds", "1", "--skip-wide", "--epochs", "1"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "speed: not measured" in out and "accuracy: not measured" in out
    assert "nothing was measured" in err


def test_without_pytorch_its_rows_are_marked_missing_not_dropped(monkeypatch, capsys):
    calls = []

    def worker(kind, threads, args):
        # stands in for the subprocess: times the real floor probe on small random data
        calls.append((kind, threads))
        if kind == "products-numpy":  # the wide network's products alone, timed for real on small shapes
            return bench_speed.step_product_seconds((20, 4, 3), 16, reps=5, engine="numpy"), ""
        probe = MatmulFloor(np.random.default_rng(0).random((64, 20), dtype=np.float32), (20, 4, 3), 16)
        seconds = [probe.epoch_seconds() for _ in range(args["epochs"])]
        floor = seconds if args["floor"] else []
        return {"seconds_per_epoch": seconds, "floor_seconds": floor, "cpu_seconds_per_epoch": seconds,
                "floor_cpu_seconds": floor, "n_train": 64,
                "activation": "leaky_relu", "optimizer": "adam", "lr": 0.003}, ""

    monkeypatch.setattr(bench, "_torch_installed", lambda: False)
    monkeypatch.setattr(bench, "_run_worker", worker)
    assert bench.main(["--rounds", "2", "--speed-epochs", "1", "--wide-epochs", "1", "--skip-accuracy"]) == 0
    out = capsys.readouterr().out
    assert "PyTorch not installed" in out
    assert out.count("missing: PyTorch is not installed") == 3  # the small network's row and both wide rows
    assert {kind for kind, _ in calls} == {"nnviz", "products-numpy"} and {t for _, t in calls} == {1, 2}
    # the thread counts alternate round by round, so load drifting during the run hits both alike
    wide = [t for kind, t in calls if kind == "nnviz"][4:]  # after the small network's 2 rounds x 2 optimizers
    assert wide == [1, 2, 1, 2]
    assert out.count(" ms |") >= 2  # both wide rows show the products and the rest of a step
    assert "nnviz (NumPy), Adam" in out and "nnviz (NumPy), SGD" in out and "matrix products alone" in out


def test_the_step_cost_probe_times_every_group_of_the_engines_calls():
    from nnviz import bench_step

    rng = np.random.default_rng(0)
    x = rng.random((32 * 12, 784), dtype=np.float32)
    y = rng.integers(0, 10, len(x))
    costs = bench_step.step_costs(x, y, warm_steps=10, calls=3, repeats=2)
    assert sorted(costs) == sorted(key for key, _, _ in bench_step.ROWS)
    assert all(np.isfinite(c) for c in costs.values())
    # the whole forward and backward pass costs more than any one group of its calls
    assert costs["loss_and_gradient"] > max(costs["first_layer"], costs["leaky_relu"], costs["bias_adds"])


@pytest.mark.parametrize("sizes, products", [((20, 3), 2), ((20, 6, 3), 5), ((20, 6, 5, 3), 8)])
def test_the_step_products_probe_times_every_product_of_a_step(sizes, products):
    # forward one per layer, a weight gradient per layer, a delta for every layer but the first
    result = bench_speed.step_product_seconds(sizes, 16, reps=7, engine="numpy")
    assert result["products"] == products
    assert 0 < result["fastest_seconds"] <= result["median_seconds"]
    with pytest.raises(ValueError, match="numpy"):
        bench_speed.step_product_seconds(sizes, 16, reps=7, engine="cupy")


def test_the_step_products_probe_multiplies_the_same_arrays_in_pytorch():
    pytest.importorskip("torch")
    ours = bench_speed.step_product_seconds((20, 6, 5, 3), 16, reps=7, engine="numpy")
    theirs = bench_speed.step_product_seconds((20, 6, 5, 3), 16, reps=7, engine="torch")
    assert theirs["products"] == ours["products"] and theirs["median_seconds"] > 0
    # the same products of the same operands (transposed views included), so the same outputs
    assert theirs["checksum"] == pytest.approx(ours["checksum"], rel=1e-5)
