"""Gaussian expectations by kink-aware quadrature.

A Gauss-Hermite rule across a kink converges slowly (200 nodes give SELU's mean as -6e-4),
so the real line is split at the kinks (and jumps) and each smooth piece gets Gauss-Legendre
nodes, on pieces that shrink towards 0 and the kinks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

# Beyond 40 standard deviations the Gaussian weight is below 1e-347: nothing is left.
_REACH = 40.0


@lru_cache(maxsize=1)
def _legendre() -> tuple[np.ndarray, np.ndarray]:
    """The 32-point Gauss-Legendre rule: leggauss(32) written out (numerics/_legendre.py),
    since importing numpy.polynomial for it cost `relucli props` about 40 ms."""
    from ._legendre import NODES, WEIGHTS

    return np.array(NODES), np.array(WEIGHTS)


def gaussian_nodes(
    breakpoints: Iterable[float] = (), mean: float = 0.0, std: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes x and weights w with sum(w * g(x)) = E[g(X)], X ~ N(mean, std^2).

    Exact to rounding for any g that is smooth between the breakpoints and grows no faster
    than a polynomial.
    """
    if std == 0:
        return np.array([mean]), np.array([1.0])
    lo, hi = mean - _REACH * std, mean + _REACH * std
    points = {0.0, *breakpoints}
    # Pieces shrinking geometrically (by 2) towards 0 and each breakpoint, down to 2^-40:
    # a branch that changes on a short scale there (CELU's exp(x/alpha) with alpha = 1e-4,
    # softplus with a large beta) is resolved as well as a kink (CELU's mean was 4e-9 off).
    graded = {c + s * std * 2.0**-k for c in points for s in (-1, 1) for k in range(1, 41)}
    cuts = sorted({lo, hi, *(b for b in points | graded if lo < b < hi)})
    # np.linspace(a, b, pieces + 1) for every pair of cuts at once, computed as linspace
    # computes it (k * step + a, the last point b itself), so the nodes are bit for bit those
    # of ~250 linspace calls, which cost `relucli props` 3 ms. step > 0: b - a > 0, and
    # pieces > 1 only where b - a > std / 2.
    a, b = np.array(cuts[:-1]), np.array(cuts[1:])
    pieces = np.maximum(1.0, np.ceil((b - a) / (0.5 * std)))
    counts = pieces.astype(np.intp) + 1
    segment = np.repeat(np.arange(a.size), counts)
    first = np.cumsum(counts) - counts
    edges = (np.arange(segment.size) - first[segment]) * ((b - a) / pieces)[segment] + a[segment]
    edges[first + counts - 1] = b
    # np.unique, without its numpy.ma import (about 13 ms of `relucli props`).
    bounds = np.sort(edges)
    bounds = bounds[np.concatenate(([True], bounds[1:] != bounds[:-1]))]
    t, w = _legendre()
    half = np.diff(bounds)[:, None] / 2
    mid = (bounds[:-1] + bounds[1:])[:, None] / 2
    x = (mid + half * t).ravel()
    z = (x - mean) / std
    weights = (half * w).ravel() * np.exp(-0.5 * z * z) / (std * math.sqrt(2 * math.pi))
    return x, weights
