"""Optimizers (SGD, momentum, Adam) that update one flat parameter vector in place, and LR schedules.

Each step is a handful of vectorised NumPy calls over all weights and biases at once.
"""

from __future__ import annotations

import math

import numpy as np

OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "adam")
SCHEDULES: tuple[str, ...] = ("constant", "step", "cosine")


class SGD:
    """Plain stochastic gradient descent: p -= lr * g."""

    name = "sgd"

    def __init__(self, n_params: int, dtype=np.float32):
        self._tmp = np.zeros(n_params, dtype=dtype)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def step(self, params: np.ndarray, grad: np.ndarray, learning_rate: float) -> None:
        """Update params (n,) in place from the gradient grad (n,)."""
        np.multiply(grad, params.dtype.type(learning_rate), out=self._tmp)
        params -= self._tmp


class Momentum(SGD):
    """SGD with (heavy-ball) momentum: v = mu v + g; p -= lr v."""

    name = "momentum"

    def __init__(self, n_params: int, dtype=np.float32, momentum: float = 0.9):
        super().__init__(n_params, dtype)
        self.momentum = momentum
        self.velocity = np.zeros(n_params, dtype=dtype)

    def __repr__(self) -> str:
        return f"Momentum(momentum={self.momentum})"

    def step(self, params, grad, learning_rate):
        v = self.velocity
        v *= v.dtype.type(self.momentum)
        v += grad
        np.multiply(v, params.dtype.type(learning_rate), out=self._tmp)
        params -= self._tmp


class Adam(SGD):
    """Adam (Kingma & Ba 2015) with the bias correction folded into the step size and epsilon."""

    name = "adam"

    def __init__(self, n_params: int, dtype=np.float32, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(n_params, dtype)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)
        self.t = 0
        t = np.dtype(dtype).type
        self._one_minus_b1, self._one_minus_b2 = t(1 - beta1), t(1 - beta2)

    def __repr__(self) -> str:
        return f"Adam(beta1={self.beta1}, beta2={self.beta2}, eps={self.eps})"

    def step(self, params, grad, learning_rate):
        self.t += 1
        t = self.t
        m, v, tmp = self.m, self.v, self._tmp
        dt = params.dtype.type
        # m += (1 - b1)(g - m);  v += (1 - b2)(g^2 - v)
        np.subtract(grad, m, out=tmp)
        tmp *= self._one_minus_b1
        m += tmp
        np.multiply(grad, grad, out=tmp)
        tmp -= v
        tmp *= self._one_minus_b2
        v += tmp
        # p -= lr_t m / (sqrt(v) + eps_t), the same as lr m_hat / (sqrt(v_hat) + eps)
        correction = math.sqrt(1 - self.beta2**t)
        lr_t = learning_rate * correction / (1 - self.beta1**t)
        np.sqrt(v, out=tmp)
        tmp += dt(self.eps * correction)
        np.divide(m, tmp, out=tmp)
        tmp *= dt(lr_t)
        params -= tmp


def make_optimizer(name: str, n_params: int, dtype=np.float32) -> SGD:
    """A fresh optimizer ``name`` ("sgd", "momentum" or "adam") for n_params parameters."""
    classes = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
    if name not in classes:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return classes[name](n_params, dtype)


#: "step" multiplies the rate by STEP_FACTOR at each third of the run (every STEP_EPOCHS when endless).
STEP_FACTOR = 0.3
STEP_EPOCHS = 10


def scheduled_rate(schedule: str, base_rate: float, progress: float, epochs: int | None) -> float:
    """Learning rate at ``progress`` epochs into a run of ``epochs`` epochs (None = endless).

    constant: base_rate. step: base_rate * 0.3 after each third of the run. cosine: decays from
    base_rate to 0 along half a cosine over the run. An endless run has no end to decay towards, so
    cosine is constant there and step steps every 10 epochs.
    """
    if schedule == "constant":
        return base_rate
    if schedule == "step":
        every = STEP_EPOCHS if not epochs else max(epochs / 3, 1e-9)
        return base_rate * STEP_FACTOR ** math.floor(progress / every + 1e-9)
    if schedule == "cosine":
        if not epochs:
            return base_rate
        fraction = min(max(progress / epochs, 0.0), 1.0)
        return base_rate * 0.5 * (1.0 + math.cos(math.pi * fraction))
    raise ValueError(f"unknown learning-rate schedule {schedule!r}; choose one of {', '.join(SCHEDULES)}")
