"""What the window remembers between runs (QSettings): geometry, architecture, hyper-parameters, data.

Every value is checked when read; a missing, damaged or nonsensical value falls back to its default.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings

from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.network import COSTS, DEFAULT_ACTIVATION, check_layer_sizes
from nnviz.engine.optimizers import OPTIMIZERS, SCHEDULES
from nnviz.engine.trainer import MAX_AUGMENT, TrainConfig

ORGANIZATION = "nnviz"
APPLICATION = "nnviz"
MAX_RECENT = 8
# What the controls offer (and what a saved value may be); the engine accepts more than this.
LEARNING_RATE_RANGE = (1e-6, 10.0)
BATCH_SIZE_RANGE = (1, 4096)
L2_RANGE = (0.0, 1.0)
DROPOUT_RANGE = (0.0, 0.9)
MAX_PATH_LENGTH = 4096
EPOCHS_RANGE = (1, 1000)
AUGMENT_RANGE = (0, MAX_AUGMENT)


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
    epochs: int = TrainConfig.epochs
    schedule: str = TrainConfig.schedule
    augment: int = TrainConfig.augment

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
        #: key -> what was wrong with its stored value (each bad value is reported once)
        self.problems: dict[str, str] = {}

    # ---- low level: one value, checked --------------------------------------------------------

    def _get(self, key: str, convert, default):
        """``convert(raw)`` or ``default`` when the value is missing or ``convert`` rejects it.

        A value that is there but unusable (``seed=1e400``, ``batch_size=inf``, garbage) is
        reported once on stderr and in :meth:`problem_message`, and the default is used.
        """
        try:
            raw = self.qsettings.value(key)
        except Exception:  # noqa: BLE001 - an unreadable value is just a missing one
            self._reject(key, "<unreadable>", default)
            return default
        if raw is None:
            return default
        try:
            return convert(raw)
        except Exception:  # noqa: BLE001 - OverflowError, ValueError, ...: whatever it is, not usable
            self._reject(key, raw, default)
            return default

    def _reject(self, key: str, raw, default) -> None:
        if key in self.problems:
            return
        shown = repr(raw) if len(repr(raw)) <= 60 else repr(raw)[:57] + "..."
        if isinstance(default, tuple):
            default = ",".join(map(str, default))
        text = f"{key} = {shown} is not valid, using {default!r}" if default not in (None, "", [], ()) \
            else f"{key} = {shown} is not valid, ignored"
        self.problems[key] = text
        print(f"nnviz: saved setting {text}", file=sys.stderr)

    def problem_message(self) -> str:
        """One sentence for the window about settings that could not be used, or ""."""
        if self.was_corrupt:
            return "The saved settings could not be read; nnviz started with its defaults."
        if not self.problems:
            return ""
        return ("Some saved settings were not valid and their defaults are used instead: "
                + "; ".join(self.problems.values()) + ".")

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
            epochs=self._get("training/epochs", _ranged(int, *EPOCHS_RANGE), d.epochs),
            schedule=self._get("training/schedule", _choice(SCHEDULES), d.schedule),
            augment=self._get("training/augment", _ranged(int, *AUGMENT_RANGE), d.augment),
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
        """The last data used: None (best available), "sample", "mnist" or a folder path.

        If loading the remembered data did not finish last time (the program was killed or
        crashed while reading it), None is returned instead, so bad data never blocks a start.
        """
        unfinished = self._get("data/loading", str, "")
        if unfinished:
            self.problems.setdefault("data/loading", f"the data used last time ({unfinished}) did not finish "
                                     "loading, so the best available data is used")
            self.end_data_load()
            self.qsettings.setValue("data/spec", "")
            return None
        spec = self._get("data/spec", _path_text, "")
        return spec or None

    def save_dataset_spec(self, spec: str | None) -> None:
        self.qsettings.setValue("data/spec", spec or "")

    def begin_data_load(self, spec: str | None) -> None:
        """Note that ``spec`` is being loaded; :meth:`end_data_load` once it succeeded or failed."""
        self.qsettings.setValue("data/loading", spec or "auto")
        self.qsettings.sync()  # on disk now: a crash while reading must be seen at the next start

    def end_data_load(self) -> None:
        self.qsettings.remove("data/loading")

    def recent_files(self) -> list[str]:
        return self._get("files/recent", _string_list, [])[:MAX_RECENT]

    def add_recent_file(self, path: str) -> list[str]:
        files = [path] + [p for p in self.recent_files() if p != path]
        files = files[:MAX_RECENT]
        self.qsettings.setValue("files/recent", files)
        return files

    def last_folder(self) -> str:
        return self._get("files/last_folder", _path_text, "")

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
        if isinstance(raw, (list, tuple, dict, bool)):
            raise TypeError("not a number")
        number = float(raw)
        if not (low <= number <= high):  # also rejects NaN and infinities, before int() can overflow
            raise ValueError(number)
        if kind is int and number != int(number):
            raise ValueError(f"{number} is not a whole number")
        return kind(number)

    return convert


def _hidden_sizes(raw) -> tuple[int, ...]:
    text = ",".join(raw) if isinstance(raw, (list, tuple)) else str(raw)
    sizes = tuple(int(part) for part in text.split(",") if part.strip())
    check_layer_sizes((1, *sizes, 1))  # the engine's limits on hidden layers
    return sizes


def _string_list(raw) -> list[str]:
    if isinstance(raw, str):
        return [raw] if raw and len(raw) <= MAX_PATH_LENGTH else []
    if isinstance(raw, (list, tuple)):
        return [p for p in raw if isinstance(p, str) and p and len(p) <= MAX_PATH_LENGTH]
    raise TypeError("not a list")


def _path_text(raw) -> str:
    if not isinstance(raw, str) or len(raw) > MAX_PATH_LENGTH or "\0" in raw:
        raise ValueError("not a path")
    return raw
