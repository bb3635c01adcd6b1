"""The quadrature's Gauss-Legendre rule is numpy.polynomial's, to the last bit."""

from __future__ import annotations

import numpy as np

from relucli.numerics import _legendre
from relucli.numerics.quadrature import _legendre as rule


def test_the_written_out_rule_is_leggauss_to_the_last_bit():
    # Regenerate with `python scripts/make_legendre_nodes.py`.
    t, w = np.polynomial.legendre.leggauss(32)
    assert np.array(_legendre.NODES).tobytes() == t.tobytes()
    assert np.array(_legendre.WEIGHTS).tobytes() == w.tobytes()
    nodes, weights = rule()
    assert nodes.tobytes() == t.tobytes() and weights.tobytes() == w.tobytes()
