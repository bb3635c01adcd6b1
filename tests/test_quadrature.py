"""The quadrature's nodes: its Gauss-Legendre rule is numpy.polynomial's, and its pieces
np.linspace's, to the last bit."""

from __future__ import annotations

import numpy as np
import pytest

from relucli.numerics import _legendre
from relucli.numerics.quadrature import _legendre as rule
from relucli.numerics.quadrature import gaussian_nodes


def test_the_written_out_rule_is_leggauss_to_the_last_bit():
    # Regenerate with `python scripts/make_legendre_nodes.py`.
    t, w = np.polynomial.legendre.leggauss(32)
    assert np.array(_legendre.NODES).tobytes() == t.tobytes()
    assert np.array(_legendre.WEIGHTS).tobytes() == w.tobytes()
    nodes, weights = rule()
    assert nodes.tobytes() == t.tobytes() and weights.tobytes() == w.tobytes()


def _nodes_as_before(breakpoints=(), mean=0.0, std=1.0):
    """gaussian_nodes as written before it was vectorized: a linspace per pair of cuts."""
    import itertools
    import math

    lo, hi = mean - 40.0 * std, mean + 40.0 * std
    points = {0.0, *breakpoints}
    graded = {c + s * std * 2.0**-k for c in points for s in (-1, 1) for k in range(1, 41)}
    cuts = sorted({lo, hi, *(b for b in points | graded if lo < b < hi)})
    edges = [
        np.linspace(a, b, max(1, math.ceil((b - a) / (0.5 * std))) + 1)
        for a, b in itertools.pairwise(cuts)
    ]
    bounds = np.unique(np.concatenate(edges))
    t, w = np.polynomial.legendre.leggauss(32)
    half = np.diff(bounds)[:, None] / 2
    mid = (bounds[:-1] + bounds[1:])[:, None] / 2
    x = (mid + half * t).ravel()
    z = (x - mean) / std
    return x, (half * w).ravel() * np.exp(-0.5 * z * z) / (std * math.sqrt(2 * math.pi))


@pytest.mark.parametrize(
    ("breakpoints", "mean", "std"),
    [
        ((), 0.0, 1.0),
        ((0.0, -0.0, 6.0), 0.0, 1.0),
        ((-3.0, 3.0), 0.5, 2.0),
        ((1e-9,), 0.0, 1e-3),
        ((-1.0, 0.1, 0.7), 3.0, 0.1),
        ((20.0, -39.0, 45.0), 0.0, 1.0),
        ((1.0,), 0.0, 1e-150),
        ((), -1e6, 3e5),
    ],
)
def test_nodes_are_bit_for_bit_those_of_a_linspace_per_piece(breakpoints, mean, std):
    x, w = gaussian_nodes(breakpoints, mean, std)
    old_x, old_w = _nodes_as_before(breakpoints, mean, std)
    assert x.tobytes() == old_x.tobytes() and w.tobytes() == old_w.tobytes()
