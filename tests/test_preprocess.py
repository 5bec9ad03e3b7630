"""Tests for preprocess_digit: MNIST-style normalisation of drawings, and the area resampling under it."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnviz.engine.datasets import load_sample
from nnviz.engine.preprocess import area_resample, center_of_mass, preprocess_digit


def ink_box(image, threshold=0.01):
    rows = np.flatnonzero(image.max(1) > threshold)
    cols = np.flatnonzero(image.max(0) > threshold)
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def assert_mnist_like(out):
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    row, col = center_of_mass(out)
    assert abs(row - 14.0) < 0.5 and abs(col - 14.0) < 0.5


@pytest.mark.parametrize("shape", [(280, 280), (28, 28), (1, 1), (0, 0), (5, 900)])
def test_empty_drawing_gives_zeros_quietly(shape):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = preprocess_digit(np.zeros(shape))
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert not out.any()


def test_faint_dust_counts_as_empty():
    assert not preprocess_digit(np.full((100, 100), 0.005)).any()


def test_tiny_dot_becomes_a_centred_blob():
    drawing = np.zeros((500, 500))
    drawing[400:402, 37:39] = 1.0
    out = preprocess_digit(drawing)
    assert_mnist_like(out)
    # A square of ink is scaled up to fill the 20x20 box; the sub-pixel centring
    # (a half-pixel shift here) may spread its edges over one more pixel.
    assert out.sum() == pytest.approx(20 * 20)
    assert all(20 <= side <= 21 for side in ink_box(out))
    assert out.max() == 1.0


def test_very_wide_stroke():
    drawing = np.zeros((60, 800))
    drawing[20:40, 10:790] = 1.0  # 780 x 20: the scaled height is about half a pixel
    out = preprocess_digit(drawing)
    assert_mnist_like(out)
    height, width = ink_box(out)
    assert 20 <= width <= 21 and height <= 2
    # Area averaging keeps the ink: 20 x 20*20/780 pixels' worth.
    assert out.sum() == pytest.approx(20 * 20 * 20 / 780, rel=0.02)


def test_very_tall_stroke():
    drawing = np.zeros((1000, 40))
    drawing[100:900, 10:30] = 1.0
    out = preprocess_digit(drawing)
    assert_mnist_like(out)
    height, width = ink_box(out)
    assert 20 <= height <= 21 and width <= 2


def test_longer_side_is_20_pixels_and_aspect_ratio_is_kept():
    drawing = np.zeros((300, 300))
    drawing[50:250, 100:200] = 1.0  # 200 tall, 100 wide
    out = preprocess_digit(drawing)
    assert_mnist_like(out)
    height, width = ink_box(out)
    assert 20 <= height <= 21 and 10 <= width <= 11
    assert out.sum() == pytest.approx(20 * 10)


def test_position_and_size_of_the_drawing_do_not_matter():
    digit = load_sample().x_test[3].reshape(28, 28)
    big = np.kron(digit, np.ones((8, 8)))
    here = np.zeros((400, 500))
    here[10 : 10 + 224, 200 : 200 + 224] = big
    there = np.zeros((300, 300))
    there[70 : 70 + 224, 5 : 5 + 224] = big
    np.testing.assert_allclose(preprocess_digit(here), preprocess_digit(there), atol=1e-6)
    bigger = np.kron(digit, np.ones((16, 16)))
    np.testing.assert_allclose(preprocess_digit(bigger), preprocess_digit(big), atol=1e-5)


def test_real_mnist_digit_drawn_large_comes_back():
    sample = load_sample()
    digits = sample.x_test[:100].reshape(-1, 28, 28)
    correlations = []
    for digit in digits:
        out = preprocess_digit(np.kron(digit, np.ones((10, 10))))
        assert_mnist_like(out)
        correlations.append(np.corrcoef(out.ravel(), digit.ravel())[0, 1])
    assert np.median(correlations) > 0.95
    assert min(correlations) > 0.8


def test_mnist_digit_at_native_size_is_nearly_unchanged():
    digit = load_sample().x_train[0].reshape(28, 28)
    out = preprocess_digit(digit)
    assert np.corrcoef(out.ravel(), digit.ravel())[0, 1] > 0.95


def test_out_of_range_and_odd_inputs():
    drawing = np.zeros((50, 50))
    drawing[10:40, 20:25] = 3.0
    drawing[0, 0] = np.nan
    drawing[1, 1] = -2.0
    assert_mnist_like(preprocess_digit(drawing))
    as_ints = (np.arange(100).reshape(10, 10) > 50).astype(np.uint8)
    assert_mnist_like(preprocess_digit(as_ints))
    assert_mnist_like(preprocess_digit(as_ints.astype(bool)))


def test_rejects_non_2d():
    with pytest.raises(ValueError, match="2-D"):
        preprocess_digit(np.zeros((28, 28, 3)))


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 60), st.integers(1, 60)),
              elements=st.floats(-1, 2, allow_nan=False)))
def test_any_drawing_gives_a_valid_image(drawing):
    out = preprocess_digit(drawing)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0


# --------------------------------------------------------------------------- area resampling


def test_area_resample_downscale_by_whole_factor_is_block_mean():
    rng = np.random.default_rng(0)
    image = rng.random((12, 18))
    expected = image.reshape(4, 3, 6, 3).mean(axis=(1, 3))
    np.testing.assert_allclose(area_resample(image, 1 / 3), expected)


def test_area_resample_upscale_by_whole_factor_repeats_pixels():
    image = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(area_resample(image, 4), np.kron(image, np.ones((4, 4))))


def test_area_resample_identity_and_ink_conservation():
    rng = np.random.default_rng(1)
    image = rng.random((37, 23))
    np.testing.assert_allclose(area_resample(image, 1.0), image)
    for scale in (0.13, 0.5, 20 / 37, 1.7, 3.25):
        out = area_resample(image, scale)
        assert out.shape == (int(np.ceil(37 * scale - 1e-9)), int(np.ceil(23 * scale - 1e-9)))
        assert out.sum() == pytest.approx(image.sum() * scale**2)
        assert out.max() <= image.max() + 1e-12


def test_area_resample_fractional_factor_by_hand():
    # 3 pixels onto 2: the middle input pixel is split evenly between both outputs.
    out = area_resample(np.tile([3.0, 6.0, 9.0], (3, 1)), 2 / 3)
    row = [(3 + 6 / 2) / 1.5, (6 / 2 + 9) / 1.5]
    np.testing.assert_allclose(out, [row, row])


def test_area_resample_partly_covered_last_pixel():
    # 3 pixels scaled by 1/2 cover 1.5 output pixels: the second is half covered.
    out = area_resample(np.ones((2, 3)), 0.5)
    np.testing.assert_allclose(out, [[1.0, 0.5]])
