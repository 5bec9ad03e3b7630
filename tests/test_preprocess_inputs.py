"""The public preprocessing helpers refuse absurd scales and inputs with a clear ValueError, at once."""

import tracemalloc

import numpy as np
import pytest

from nnviz.engine.preprocess import MAX_SIDE, area_resample, center_of_mass, preprocess_digit


@pytest.mark.parametrize("scale", [1e6, float("inf"), float("nan"), 0.0, -2.0, "big", None, MAX_SIDE / 28 * 1.01])
def test_area_resample_refuses_absurd_scales_before_allocating(scale):
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="scale"):
            area_resample(np.ones((28, 28)), scale)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20


@pytest.mark.parametrize(("image", "message"), [
    (np.ones(28), "2-D"),
    (np.ones((2, 28, 28)), "2-D"),
    (np.ones((28, 28), complex), "real numbers"),
    (np.zeros(4, dtype=[("a", "f4")]), "real numbers"),
    (np.array([["a", "b"]]), "real numbers"),
    (np.full((28, 28), np.nan), "NaN"),
])
@pytest.mark.parametrize("helper", [lambda im: area_resample(im, 0.5), center_of_mass],
                         ids=["area_resample", "center_of_mass"])
def test_helpers_refuse_inputs_that_are_not_finite_real_images(helper, image, message):
    with pytest.raises(ValueError, match=message):
        helper(image)


@pytest.mark.parametrize(("drawing", "message"), [
    (np.ones(28), "2-D"), (np.ones((28, 28), complex), "real numbers"),
    (np.ones((MAX_SIDE + 1, 2)), "too large"),
])
def test_preprocess_digit_refuses_bad_drawings(drawing, message):
    with pytest.raises(ValueError, match=message):
        preprocess_digit(drawing)


def test_sane_inputs_still_work():
    assert area_resample(np.ones((28, 28)), 2).shape == (56, 56)
    assert area_resample(np.ones((10, 10), dtype=np.uint8), 0.5).sum() == pytest.approx(25)
    assert preprocess_digit(np.pad(np.ones((40, 20)), 30)).shape == (28, 28)
