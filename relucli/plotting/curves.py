"""The numbers a figure draws, computed in NumPy before any drawing (no Matplotlib here).

Every activation sampled on one shared grid (kinks in it exactly), its one-sided gradients
at each kink, the RReLU band of slopes, training-mode samples, dead zones, leaks too faint to
see, and the data limits of a panel. Testable without a figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..activation import Activation
from ..registry import SpecError

DEFAULT_RANGE = (-5.0, 5.0)


# 4001 samples over the range put more than one sample per pixel column of a 4K-wide figure,
# and kinks are in the grid exactly, so corners stay sharp at any size.
DEFAULT_POINTS = 4001


# A curve whose negative side never leaves this share of the panel height looks flat:
# it gets a magnified inset and a note, so a small leak is visible and said to be magnified.
_FAINT_SHARE = 0.015


_TRAIN_SAMPLES = 161


def plot_range(
    acts: Sequence[Activation], x_range: tuple[float, float] | None
) -> tuple[float, float]:
    """The x range: as given, or DEFAULT_RANGE widened (symmetrically) so that every kink
    sits at least a tenth of the range inside it (ReLU6's cap at 6 gives -7..7)."""
    if x_range is not None:
        lo, hi = (float(v) for v in x_range)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise SpecError(f"--range needs finite LO < HI, got {lo:g} {hi:g}")
        return lo, hi
    lo, hi = DEFAULT_RANGE
    margin = 0.1 * (hi - lo)
    kinks = [abs(k) for a in acts for k in a.kinks if math.isfinite(k)]
    reach = max([hi, -lo, *(k + margin for k in kinks)])
    return -reach, reach


def sample_grid(lo: float, hi: float, points: int, kinks: Sequence[float] = ()) -> np.ndarray:
    """Evenly spaced x from lo to hi plus every kink in the range, exactly, sorted."""
    inside = [k for k in kinks if lo < k < hi]
    return np.unique(np.concatenate([np.linspace(lo, hi, points), np.asarray(inside, float)]))


@dataclass(frozen=True)
class Kink:
    x: float
    left: float  # f'(x-)
    right: float  # f'(x+)
    at: float  # f'(x) under the activation's convention
    value: float  # f(x)


@dataclass
class Curve:
    """One activation sampled for drawing."""

    act: Activation
    color: str
    linestyle: Any  # a Matplotlib line style: "-" or (offset, dash pattern)
    x: np.ndarray
    f: np.ndarray
    grad: np.ndarray
    kinks: list[Kink] = field(default_factory=list)
    # (f lower, f upper, f' lower, f' upper) over x, for random-slope variants
    band: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    # training-mode samples (x, f, f') drawn as points
    samples: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def label(self) -> str:
        return self.act.label


def _eval_twin(act: Activation, **params: Any) -> Activation:
    """The same activation in eval mode, optionally with some parameters replaced."""
    return Activation(act.variant, {**act.params, **params}, convention=act.convention)


def sample(
    acts: Sequence[Activation],
    lo: float,
    hi: float,
    points: int,
    looks: Sequence[tuple[str, tuple[float, ...]]],
) -> list[Curve]:
    """Sample every activation on one shared grid (all kinks included); ``looks`` gives each
    its (colour, dash pattern), from :meth:`relucli.styles.Style.looks`."""
    x = sample_grid(lo, hi, points, [k for a in acts for k in a.kinks])
    curves = []
    for i, act in enumerate(acts):
        smooth = _eval_twin(act) if act.train else act
        f, g = smooth.value_and_grad(x)
        kinks = []
        for k in smooth.kinks:
            if lo <= k <= hi:
                left, right = smooth.one_sided(k)
                kinks.append(Kink(k, left, right, float(smooth.grad(k)), float(smooth(k))))
        color, dash = looks[i]
        curve = Curve(act, color, (0, dash) if dash else "-", x, f, g, kinks)
        if act.variant.band is not None:  # a random slope (RReLU): drawn as a band
            lower, upper = act.variant.band
            low = _eval_twin(act, **{upper: act.params[lower]})
            high = _eval_twin(act, **{lower: act.params[upper]})
            (f_lo, g_lo), (f_hi, g_hi) = low.value_and_grad(x), high.value_and_grad(x)
            curve.band = (np.minimum(f_lo, f_hi), np.maximum(f_lo, f_hi), g_lo, g_hi)
        if act.train:
            xs = np.linspace(lo, hi, _TRAIN_SAMPLES)
            fs, gs = act.value_and_grad(xs)
            curve.samples = (xs, fs, gs)
        curves.append(curve)
    return curves


def coincide(curves: list[Curve], share: float = 0.1) -> bool:
    """Whether two curves are drawn on top of each other over a tenth of the range."""
    for i, a in enumerate(curves):
        for b in curves[i + 1 :]:
            if np.mean(np.isclose(a.f, b.f, rtol=0, atol=1e-9)) >= share:
                return True
    return False


def break_at_jumps(c: Curve) -> tuple[np.ndarray, np.ndarray]:
    """f' with a gap at every jump: the left limit, a break, then the right limit."""
    jumps = [k for k in c.kinks if k.left != k.right]
    if not jumps:
        return c.x, c.grad
    x, y = c.x.copy(), c.grad.copy()
    for k in jumps:
        i = int(np.searchsorted(x, k.x))
        x = np.insert(x, [i, i], [k.x, k.x])
        y = np.insert(y, [i, i], [k.left, np.nan])
        y[i + 2] = k.right
    return x, y


def data_limits(curves: list[Curve], panel: str) -> tuple[float, float]:
    """The smallest and largest value drawn (bands included), always spanning 0."""
    values = [c.f if panel == "f" else c.grad for c in curves]
    if panel == "both":
        values = [c.f for c in curves] + [c.grad for c in curves]
        panel = "f"
    for c in curves:
        if c.band is not None:
            values += list(c.band[:2] if panel == "f" else c.band[2:])
        if c.samples is not None:
            values.append(c.samples[1] if panel == "f" else c.samples[2])
    finite = np.concatenate([v[np.isfinite(v)] for v in values])
    return float(min(finite.min(), 0.0)), float(max(finite.max(), 0.0))


def dead_zones(curves: list[Curve], lo: float, hi: float) -> dict[tuple[float, float], list]:
    """Distinct zero-gradient intervals in view -> the curves that have them."""
    zones: dict[tuple[float, float], list[Curve]] = {}
    for c in curves:
        for a, b in c.act.dead_zone:
            a, b = max(a, lo), min(b, hi)
            if a < b:
                zones.setdefault((a, b), []).append(c)
    return zones


def faint_curves(curves: list[Curve]) -> dict[int, float]:
    """Curves with a leak too faint to see: id(curve) -> the largest |f(x)| for x < 0 in view.

    A leak is a slope: f'(x) != 0 at every sampled x < 0 (a flat negative side is no leak,
    even off zero: StarReLU's is its bias, f' = 0; nor is one that is flat below some point,
    as hard ELiSH's below -1, a dead zone). Faint: f(x) for x < 0 stays within
    _FAINT_SHARE of the panel height, so the line would look flat without an inset."""
    ymin, ymax = data_limits(curves, "f")
    span = ymax - ymin
    out = {}
    for c in curves:
        neg = c.x < 0
        if neg.any():
            m = float(np.nanmax(np.abs(c.f[neg])))
            if 0 < m < _FAINT_SHARE * span and bool(np.all(c.grad[neg] != 0)):
                out[id(c)] = m
    return out
