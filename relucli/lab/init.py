"""Weight initialization schemes for the labs' small networks: He, Xavier, LeCun, fixed std.

Every scheme draws weights from N(0, std^2) with std from :func:`init_std`. The scheme does
not look at the activation on purpose: the dying lab gives every variant the very same
initial weights, so any difference in the outcome comes from the activation alone.

>>> init_std("he", fan_in=32, fan_out=16)
0.25
>>> init_std("normal:0.5", 32, 16)
0.5
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from ..registry import SpecError, parse_number

SCHEMES = ("he", "xavier", "lecun", "normal:STD")
_FORMULAS = {
    "he": "sqrt(2/fan_in)",  # He et al. 2015: keeps the ReLU forward variance
    "xavier": "sqrt(2/(fan_in + fan_out))",  # Glorot & Bengio 2010 (normal form)
    "lecun": "sqrt(1/fan_in)",  # LeCun 1998; SELU's self-normalizing init
}


@dataclass(frozen=True)
class Init:
    """A parsed ``--init`` value: a scheme name, and for ``normal`` its fixed std."""

    scheme: str
    std: float | None = None

    def std_for(self, fan_in: int, fan_out: int) -> float:
        if self.scheme == "he":
            return math.sqrt(2.0 / fan_in)
        if self.scheme == "xavier":
            return math.sqrt(2.0 / (fan_in + fan_out))
        if self.scheme == "lecun":
            return math.sqrt(1.0 / fan_in)
        assert self.std is not None
        return self.std

    @property
    def text(self) -> str:
        return self.scheme if self.std is None else f"normal:{self.std:g}"


def parse_init(text: str | Init) -> Init:
    """``he``, ``xavier``, ``lecun`` or ``normal:STD`` (STD > 0) -> :class:`Init`."""
    if isinstance(text, Init):
        return text
    name, colon, rest = str(text).strip().lower().partition(":")
    if name in _FORMULAS and not colon:
        return Init(name)
    if name == "normal" and colon:
        std = parse_number(rest)
        if not (math.isfinite(std) and std > 0):
            raise SpecError(f"--init normal:STD needs a finite STD > 0, got '{rest}'")
        return Init("normal", std)
    raise SpecError(f"unknown init '{text}' (valid: {', '.join(SCHEMES)})")


def init_std(scheme: str | Init, fan_in: int, fan_out: int) -> float:
    """The standard deviation of a layer's weights under ``scheme``."""
    return parse_init(scheme).std_for(fan_in, fan_out)


def init_layers(
    rng: np.random.Generator,
    sizes: list[int],
    scheme: str | Init,
    bias: float = 0.0,
    output_bias: float = 0.0,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W, b) per layer for layer sizes ``[n_in, h1, ..., n_out]``; W has shape (fan_in,
    fan_out). Hidden biases start at ``bias``; the output layer's at ``output_bias``."""
    init = parse_init(scheme)
    layers = []
    last = len(sizes) - 2
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        w = rng.standard_normal((fan_in, fan_out)) * init.std_for(fan_in, fan_out)
        b = np.full(fan_out, output_bias if i == last else bias)
        layers.append((w, b))
    return layers
