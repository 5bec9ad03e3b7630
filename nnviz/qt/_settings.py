"""What the window remembers between runs (QSettings): geometry, architecture, hyper-parameters, data.

Every value is checked when read; a missing, damaged or nonsensical value falls back to its default.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings

from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.network import COSTS, DEFAULT_ACTIVATION, check_layer_sizes
from nnviz.engine.optimizers import OPTIMIZERS
from nnviz.engine.trainer import TrainConfig

ORGANIZATION = "nnviz"
APPLICATION = "nnviz"
MAX_RECENT = 8
# What the controls offer (and what a saved value may be); the engine accepts more than this.
LEARNING_RATE_RANGE = (1e-6, 10.0)
BATCH_SIZE_RANGE = (1, 4096)
L2_RANGE = (0.0, 1.0)
DROPOUT_RANGE = (0.0, 0.9)


@dataclass(frozen=True)
class Architecture:
    """The network's shape: hidden layer sizes, hidden activation and cost (inputs/outputs come from the data)."""

    hidden: tuple[int, ...] = (16, 16)
    activation: str = DEFAULT_ACTIVATION
    cost: str = "cross-entropy"

    def layer_sizes(self, n_inputs: int, n_outputs: int) -> tuple[int, ...]:
        return (n_inputs, *self.hidden, n_outputs)


@dataclass(frozen=True)
class HyperParameters:
    """What can change while training (passed to Trainer.update / TrainConfig); defaults are the engine's."""

    learning_rate: float = TrainConfig.learning_rate
    batch_size: int = TrainConfig.batch_size
    optimizer: str = TrainConfig.optimizer
    l2: float = TrainConfig.l2
    dropout: float = TrainConfig.dropout

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


class SettingsStore:
    """Typed, validated access to a QSettings store.

    ``SettingsStore()`` uses the per-user store of the app; tests pass their own QSettings (an INI
    file in a temporary folder). A store Qt cannot parse is cleared and treated as empty.
    """

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = qsettings if qsettings is not None else QSettings(ORGANIZATION, APPLICATION)
        self.was_corrupt = self.qsettings.status() != QSettings.Status.NoError
        if self.was_corrupt:
            self.qsettings.clear()

    # ---- low level: one value, checked --------------------------------------------------------

    def _get(self, key: str, convert, default):
        """``convert(raw)`` or ``default`` when the value is missing or ``convert`` rejects it."""
        try:
            raw = self.qsettings.value(key)
        except Exception:  # noqa: BLE001 - an unreadable value is just a missing one
            return default
        if raw is None:
            return default
        try:
            return convert(raw)
        except (TypeError, ValueError, AttributeError):
            return default

    def sync(self) -> None:
        self.qsettings.sync()

    # ---- window ----------------------------------------------------------------------------

    def geometry(self) -> QByteArray | None:
        return self._get("window/geometry", _bytes, None)

    def window_state(self) -> QByteArray | None:
        return self._get("window/state", _bytes, None)

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.qsettings.setValue("window/geometry", geometry)
        self.qsettings.setValue("window/state", state)

    # ---- network and training ----------------------------------------------------------------

    def architecture(self) -> Architecture:
        default = Architecture()
        return Architecture(
            hidden=self._get("network/hidden", _hidden_sizes, default.hidden),
            activation=self._get("network/activation", _choice(ACTIVATIONS), default.activation),
            cost=self._get("network/cost", _choice(COSTS), default.cost),
        )

    def save_architecture(self, arch: Architecture) -> None:
        self.qsettings.setValue("network/hidden", ",".join(str(n) for n in arch.hidden))
        self.qsettings.setValue("network/activation", arch.activation)
        self.qsettings.setValue("network/cost", arch.cost)

    def hyper_parameters(self) -> HyperParameters:
        d = HyperParameters()
        return HyperParameters(
            learning_rate=self._get("training/learning_rate", _ranged(float, *LEARNING_RATE_RANGE), d.learning_rate),
            batch_size=self._get("training/batch_size", _ranged(int, *BATCH_SIZE_RANGE), d.batch_size),
            optimizer=self._get("training/optimizer", _choice(OPTIMIZERS), d.optimizer),
            l2=self._get("training/l2", _ranged(float, *L2_RANGE), d.l2),
            dropout=self._get("training/dropout", _ranged(float, *DROPOUT_RANGE), d.dropout),
        )

    def save_hyper_parameters(self, hp: HyperParameters) -> None:
        for key, value in hp.as_dict().items():
            self.qsettings.setValue(f"training/{key}", value)

    def delay_ms(self) -> int:
        return self._get("training/delay_ms", _ranged(int, 0, 2000), 0)

    def save_delay_ms(self, ms: int) -> None:
        self.qsettings.setValue("training/delay_ms", int(ms))

    def seed(self) -> int:
        return self._get("network/seed", _ranged(int, 0, 2**31 - 1), 0)

    def save_seed(self, seed: int) -> None:
        self.qsettings.setValue("network/seed", int(seed))

    # ---- data and files ------------------------------------------------------------------------

    def dataset_spec(self) -> str | None:
        """The last data used: None (best available), "sample", "mnist" or a folder path."""
        spec = self._get("data/spec", str, "")
        return spec or None

    def save_dataset_spec(self, spec: str | None) -> None:
        self.qsettings.setValue("data/spec", spec or "")

    def recent_files(self) -> list[str]:
        return self._get("files/recent", _string_list, [])[:MAX_RECENT]

    def add_recent_file(self, path: str) -> list[str]:
        files = [path] + [p for p in self.recent_files() if p != path]
        files = files[:MAX_RECENT]
        self.qsettings.setValue("files/recent", files)
        return files

    def last_folder(self) -> str:
        return self._get("files/last_folder", str, "")

    def save_last_folder(self, folder: str) -> None:
        self.qsettings.setValue("files/last_folder", folder)


# ---- converters: raise ValueError/TypeError on anything unexpected ----------------------------


def _bytes(raw) -> QByteArray:
    if isinstance(raw, QByteArray) and not raw.isEmpty():
        return raw
    raise TypeError("not a byte array")


def _choice(options):
    def convert(raw):
        value = str(raw)
        if value not in options:
            raise ValueError(value)
        return value

    return convert


def _ranged(kind, low, high):
    def convert(raw):
        if isinstance(raw, (list, tuple, dict)):
            raise TypeError("not a number")
        value = kind(float(raw)) if kind is int else kind(raw)
        if not (low <= value <= high):  # also rejects NaN
            raise ValueError(value)
        return value

    return convert


def _hidden_sizes(raw) -> tuple[int, ...]:
    text = ",".join(raw) if isinstance(raw, (list, tuple)) else str(raw)
    sizes = tuple(int(part) for part in text.split(",") if part.strip())
    check_layer_sizes((1, *sizes, 1))  # the engine's limits on hidden layers
    return sizes


def _string_list(raw) -> list[str]:
    if isinstance(raw, str):
        return [raw] if raw else []
    if isinstance(raw, (list, tuple)):
        return [str(p) for p in raw if isinstance(p, str) and p]
    raise TypeError("not a list")
