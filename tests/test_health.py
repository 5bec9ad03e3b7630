"""Stall detection: guessing at chance level, a flat cost, and healthy runs left alone."""

from nnviz.engine.health import find_stall


def test_guessing_at_chance_level_is_reported_with_advice():
    stall = find_stall([2.303], [0.098], 10, 10.0, "sigmoid")
    assert stall is not None and stall.kind == "chance"
    assert "10%" in stall.message and "2.303" in stall.message
    assert "learning rate of 10" in stall.message and "sigmoid" in stall.message


def test_a_flat_cost_is_a_plateau_and_a_falling_one_is_not():
    assert find_stall([0.9, 0.9, 0.9, 0.9], [0.6] * 4, 10, 0.003, "relu").kind == "plateau"
    assert find_stall([0.9, 0.7, 0.5, 0.4], [0.6, 0.7, 0.8, 0.85], 10, 0.003, "relu") is None
    assert find_stall([0.1] * 5, [0.97] * 5, 10, 0.003, "relu") is None  # converged, not stuck
    assert find_stall([], [], 10, 0.003, "relu") is None
