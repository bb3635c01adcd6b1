"""Synthetic data sets for the labs, generated in process from a seed (no downloads).

* ``wave``: points in the square [-1.7, 1.7]^2 (unit variance per input), target
  sin(2x)·cos(2y), standardized: a smooth 2-D landscape of four hills and four valleys
  (regression). In 2-D every hidden neuron of the first layer is a line across the square, so
  a dead one is a line pushed off the data.
* ``shifted``: the ``wave`` task fed raw, with every input shifted by +3 (not centred), as
  when features are used without standardization.
* ``spirals``: two interleaved spiral arms in the plane, one class each (classification).
* ``teacher``: inputs x ~ N(0, I_8), targets from a fixed random tanh "teacher" network
  (regression).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..registry import SpecError

DATASETS = ("wave", "shifted", "spirals", "teacher")
_DESCRIPTIONS = {
    "wave": "sin(2x)·cos(2y) on the square [-1.7, 1.7]² (regression)",
    "shifted": "the wave task with every input shifted by +3, not centred (regression)",
    "spirals": "two interleaved spiral arms in 2-D (classification)",
    "teacher": "8-D Gaussian inputs, targets from a random tanh network (regression)",
}
WAVE_HALF_WIDTH = 1.7  # half the side of the square: inputs have (nearly) unit variance
WAVE_FREQUENCY = 2.0
SHIFT = 3.0
TEACHER_INPUTS = 8
TEACHER_HIDDEN = 16


@dataclass(frozen=True)
class Dataset:
    """Inputs ``x`` (n, d), targets ``y``: class indices (n,) or values (n, k)."""

    name: str
    x: np.ndarray
    y: np.ndarray
    classes: int  # 0 for regression

    @property
    def task(self) -> str:
        return "classification" if self.classes else "regression"

    @property
    def inputs(self) -> int:
        return self.x.shape[1]

    @property
    def outputs(self) -> int:
        return self.classes or self.y.shape[1]

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self.name]


def check_dataset(name: str) -> str:
    key = str(name).strip().lower()
    if key not in DATASETS:
        raise SpecError(f"unknown data set '{name}' (valid: {', '.join(DATASETS)})")
    return key


def make_dataset(name: str, n: int, rng: np.random.Generator) -> Dataset:
    """``n`` samples of the data set ``name``, drawn from ``rng``."""
    key = check_dataset(name)
    if key in ("wave", "shifted"):
        return _wave(key, n, rng, shift=SHIFT if key == "shifted" else 0.0)
    if key == "spirals":
        return _spirals(n, rng)
    return _teacher(n, rng)


def _wave(name: str, n: int, rng: np.random.Generator, shift: float) -> Dataset:
    x = rng.uniform(-WAVE_HALF_WIDTH, WAVE_HALF_WIDTH, (n, 2))
    y = np.sin(WAVE_FREQUENCY * x[:, :1]) * np.cos(WAVE_FREQUENCY * x[:, 1:])
    y = (y - y.mean()) / y.std()
    return Dataset(name, x + shift, y, classes=0)


def _spirals(n: int, rng: np.random.Generator, turns: float = 1.5) -> Dataset:
    label = np.arange(n) % 2  # balanced classes
    t = np.sqrt(rng.random(n))  # uniform density over the arm's area, not its length
    angle = 2 * math.pi * turns * t + math.pi * label
    radius = 0.15 + t
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    x += rng.normal(0.0, 0.04, size=x.shape)
    x /= x.std()  # unit scale, so the init schemes mean what they say
    return Dataset("spirals", x, label, classes=2)


def _teacher(n: int, rng: np.random.Generator) -> Dataset:
    # The teacher draws from its own stream first, so it is the same for every n.
    teacher_rng = np.random.default_rng(rng.integers(2**63))
    w1 = teacher_rng.normal(0.0, 1 / math.sqrt(TEACHER_INPUTS), (TEACHER_INPUTS, TEACHER_HIDDEN))
    w2 = teacher_rng.normal(0.0, 1 / math.sqrt(TEACHER_HIDDEN), (TEACHER_HIDDEN, 1))
    x = rng.standard_normal((n, TEACHER_INPUTS))
    y = np.tanh(2 * x @ w1) @ w2
    y = (y - y.mean()) / y.std()
    return Dataset("teacher", x, y, classes=0)
