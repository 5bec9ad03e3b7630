"""What the window remembers between runs (QSettings): geometry, architecture, hyper-parameters, data.

Every value is checked when read; a missing, damaged or nonsensical value falls back to its default.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "nnviz"
APPLICATION = "nnviz"
MAX_RECENT = 8
MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 512
OPTIMIZERS = ("sgd", "momentum", "adam")
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
COST_NAMES = ("cross-entropy", "mse")


def _trainer_default(name: str, fallback):
    """The engine's TrainConfig default for ``name`` (the engine owns the tuned defaults)."""
    try:
        from nnviz.engine.trainer import TrainConfig
    except ImportError:  # pragma: no cover - the engine is part of the package
        return fallback
    for f in dataclasses.fields(TrainConfig):
        if f.name == name and f.default is not dataclasses.MISSING:
            return f.default
    return fallback


def _default_activation() -> str:
    """The engine's default hidden activation (tuned for 784-16-16-10 on MNIST)."""
    try:
        from nnviz.engine.network import DEFAULT_ACTIVATION
    except ImportError:  # pragma: no cover
        return "relu"
    return DEFAULT_ACTIVATION


@dataclass(frozen=True)
class Architecture:
    """The network's shape: hidden layer sizes, hidden activation and cost (inputs/outputs come from the data)."""

    hidden: tuple[int, ...] = (16, 16)
    activation: str = field(default_factory=_default_activation)
    cost: str = "cross-entropy"

    def layer_sizes(self, n_inputs: int, n_outputs: int) -> tuple[int, ...]:
        return (n_inputs, *self.hidden, n_outputs)


@dataclass(frozen=True)
class HyperParameters:
    """What can change while training (passed to Trainer.update / TrainConfig)."""

    learning_rate: float = field(default_factory=lambda: float(_trainer_default("learning_rate", 0.001)))
    batch_size: int = field(default_factory=lambda: int(_trainer_default("batch_size", 32)))
    optimizer: str = field(default_factory=lambda: str(_trainer_default("optimizer", "adam")))
    l2: float = field(default_factory=lambda: float(_trainer_default("l2", 0.0)))
    dropout: float = field(default_factory=lambda: float(_trainer_default("dropout", 0.0)))

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
            activation=self._get("network/activation", _choice(ACTIVATION_NAMES), default.activation),
            cost=self._get("network/cost", _choice(COST_NAMES), default.cost),
        )

    def save_architecture(self, arch: Architecture) -> None:
        self.qsettings.setValue("network/hidden", ",".join(str(n) for n in arch.hidden))
        self.qsettings.setValue("network/activation", arch.activation)
        self.qsettings.setValue("network/cost", arch.cost)

    def hyper_parameters(self) -> HyperParameters:
        d = HyperParameters()
        return HyperParameters(
            learning_rate=self._get("training/learning_rate", _ranged(float, 1e-6, 10.0), d.learning_rate),
            batch_size=self._get("training/batch_size", _ranged(int, 1, 4096), d.batch_size),
            optimizer=self._get("training/optimizer", _choice(OPTIMIZERS), d.optimizer),
            l2=self._get("training/l2", _ranged(float, 0.0, 1.0), d.l2),
            dropout=self._get("training/dropout", _ranged(float, 0.0, 0.9), d.dropout),
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
    if len(sizes) > MAX_HIDDEN_LAYERS or any(not 1 <= n <= MAX_NEURONS for n in sizes):
        raise ValueError(text)
    return sizes


def _string_list(raw) -> list[str]:
    if isinstance(raw, str):
        return [raw] if raw else []
    if isinstance(raw, (list, tuple)):
        return [str(p) for p in raw if isinstance(p, str) and p]
    raise TypeError("not a list")
