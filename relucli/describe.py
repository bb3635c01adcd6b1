"""The rows that describe activations: range and dead-zone text, one-sided slopes at kinks
(the ``grad --check`` rows), and the N(0, 1) properties of ``relucli props``.

Library code: it returns rows (lists of cells) and never prints; commands render them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .activation import Activation
from .numerics.quadrature import gaussian_nodes
from .registry import Interval

if TYPE_CHECKING:  # `props` never parses points: inputs is grad's (start-up, issue 16)
    from .inputs import Points

CHECK_HEADERS = ["variant", "x", "f'(x)", "central difference", "abs error", "note"]

PROPS_HEADERS = [
    "variant",
    "range",
    "f' range",
    "bounded",
    "continuity",
    "monotonic",
    "dead zone (f'=0)",
    "≈x near 0",
    "E[f(z)]",
    "Var[f(z)]",
    "P(f'(z)=0)",
]


def range_text(interval: Interval) -> str:
    """``[0, inf)``, ``(-1, 1)``: open where the end is only approached (or infinite)."""
    from .tables import format_float

    left = "(" if interval.lo_open or not np.isfinite(interval.lo) else "["
    right = ")" if interval.hi_open or not np.isfinite(interval.hi) else "]"
    return f"{left}{format_float(interval.lo, 6)}, {format_float(interval.hi, 6)}{right}"


def dead_zone_text(a: Activation) -> str:
    parts = []
    for zone in a.dead_zones:
        lo, hi = zone.ends
        if lo == -np.inf:
            parts.append(f"x < {hi:g}")
        elif hi == np.inf:
            parts.append(f"x > {lo:g}")
        else:
            parts.append(f"{lo:g} < x < {hi:g}")
    return ", ".join(parts) or "none"


def snap(value: float) -> float:
    # Quadrature is exact to ~1e-16; below 1e-12 what is left is rounding, not the moment.
    return 0.0 if abs(value) < 1e-12 else value


# ------------------------------------------------------------------- gradient checks


def check_rows(acts: Sequence[Activation], points: Points) -> Iterator[list]:
    """f'(x) against a central difference, per (variant, x), with a note at kinks."""
    for a in acts:
        for block in points.blocks():
            x = block.astype(np.float64)
            grad = a.grad(block).astype(np.float64)
            h = np.cbrt(np.finfo(block.dtype).eps) * np.maximum(1.0, np.abs(x))
            with np.errstate(all="ignore"):
                fd = (a(x + h).astype(np.float64) - a(x - h).astype(np.float64)) / (2 * h)
                err = np.abs(fd - grad)
            for xi, gi, fi, ei in zip(x.tolist(), grad.tolist(), fd.tolist(), err.tolist()):
                yield [a.spec, xi, gi, fi, ei, kink_note(a, xi)]


def kink_note(a: Activation, x: float) -> str:
    """At a kink whose sides differ: both one-sided slopes and the convention's pick."""
    if x not in a.kinks and x not in a.jumps:
        return ""
    left, right = a.one_sided(x)
    if left == right:
        return ""
    # Six significant digits, or as many as tell the two sides apart (softplus at its
    # threshold: sigmoid(20) = 0.999999998 against 1).
    digits = next((d for d in range(6, 18) if f"{left:.{d}g}" != f"{right:.{d}g}"), 17)
    at = float(a.grad(x))
    return (
        f"kink: f'(x-)={left:.{digits}g}, f'(x+)={right:.{digits}g};"
        f" {a.convention} uses {at:.{digits}g}"
    )


# ------------------------------------------------------------ properties under N(0, 1)


def normal_moments(act: Activation, std: float = 1.0) -> tuple[float, float]:
    """(E[f(z)], Var[f(z)]) for z ~ N(0, std^2)."""
    x, w = gaussian_nodes((*act.kinks, *act.jumps), 0.0, std)
    fx = act(x)
    # Parameters near the float limit (elu:alpha=1e300) would overflow the sums of squares
    # (and inf - inf is NaN): each sum is taken of values divided by their largest
    # magnitude, then scaled back, so a moment beyond the float range is inf, its rounding.
    # Where a node's value itself overflows (leaky_relu:1e308 at -40) the mean stays NaN.
    with np.errstate(over="ignore", invalid="ignore"):
        mean = _scaled_sum(w, fx, 1)
        return mean, _scaled_sum(w, fx - mean, 2)


def _scaled_sum(w: np.ndarray, v: np.ndarray, power: int) -> float:
    """sum(w * v**power) without overflowing in the intermediate terms.

    Summed by np.add.reduce (pairwise), not np.dot: OpenBLAS runs a dot product of more
    than 10,000 terms (relu6 has 10,112 nodes) on its thread pool, whose spinning threads
    cost `relucli props` about 100 ms of CPU on top of its own 60 ms."""
    top = float(np.max(np.abs(v))) if v.size else 0.0
    if not math.isfinite(top) or top == 0:
        return float(np.add.reduce(w * v**power))
    return float(np.add.reduce(w * (v / top) ** power) * np.float64(top) ** power)  # may be inf


def zero_grad_share(act: Activation, std: float = 1.0) -> float:
    """P(f'(z) = 0) for z ~ N(0, std^2), from the variant's declared dead zones."""
    from .numerics.special import ndtr

    def cdf(t: float) -> float:
        if std == 0:
            return 1.0 if t >= 0 else 0.0
        return float(ndtr(t / std))

    return sum(cdf(z.hi) - cdf(z.lo) for z in act.dead_zones)


def identity_near_zero(act: Activation) -> bool:
    """f(0) = 0 and both one-sided slopes at 0 equal 1, so f(x) ≈ x for small x. Where 0 is
    not a kink the gradient at 0 is both (CELU with alpha = 1e-300 varies on a scale of
    1e-300: even the smallest step would leave its limit)."""
    if 0.0 not in act.kinks and 0.0 not in act.jumps:
        slope = float(act.grad(0.0))
        return float(act(0.0)) == 0 and abs(slope - 1) < 1e-6
    left, right = act.one_sided(0.0)
    return float(act(0.0)) == 0 and abs(left - 1) < 1e-6 and abs(right - 1) < 1e-6


def props_row(a: Activation) -> list:
    """One row of ``relucli props`` (columns: PROPS_HEADERS)."""
    mean, var = normal_moments(a)
    finite = (bool(math.isfinite(a.range.lo)), bool(math.isfinite(a.range.hi)))
    bounded = {(True, True): "both", (True, False): "below", (False, True): "above"}
    return [
        a.spec,
        range_text(a.range),
        range_text(a.grad_range),
        bounded.get(finite, "no"),
        a.continuity,
        a.monotonic,
        dead_zone_text(a),
        identity_near_zero(a),
        snap(mean),
        snap(var),
        snap(zero_grad_share(a)),
    ]
