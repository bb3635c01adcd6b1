"""Values and gradients against mpmath at 50 digits, written from the formulas, not the code.

float64: within 4 ulp for the piecewise-linear and exponential variants, 16 ulp for the
smooth ones; float32: within 4 float32 ulp. Results that underflow are held to an absolute
1e-300 (float32: the smallest normal). Where a smooth gradient is a sum of terms of opposite
sign (GELU, SiLU, Mish near their minima), it crosses zero: no fixed-precision sum keeps
relative accuracy there, so the error is measured in ulps of the largest term.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cases
import mpmath as mp
import numpy as np
import pytest

import relucli

mpf = mp.mpf


@dataclass(frozen=True)
class Ref:
    spec: str
    ulps: float
    f: object  # x -> (value, grad, grad_scale)


# The mpmath references live in tests/cases.py, one row per variant.
REFS = [Ref(spec, ulps, f) for spec, f, ulps in cases.REFERENCES]


def _grid() -> np.ndarray:
    fixed = [1e-300, 1e-8, 0.5, 1, 2, 20, 700, 800, 1e300]
    rng = np.random.default_rng(20261123)
    magnitudes = 10.0 ** rng.uniform(-12, 3, 150)
    signs = rng.choice([-1.0, 1.0], 150)
    uniform = rng.uniform(-40, 40, 150)
    return np.concatenate([fixed, [-v for v in fixed], magnitudes * signs, uniform])


GRID = _grid()


def _ulp_errors(got: np.ndarray, exact: list, scale: list, dtype) -> np.ndarray:
    floor = 1e-300 if dtype == np.float64 else float(np.finfo(np.float32).tiny)
    top = mpf(float(np.finfo(dtype).max))
    errors = []
    for g, e, s in zip(got.tolist(), exact, scale, strict=True):
        if math.isinf(g) and abs(e) > top and (g > 0) == (e > 0):
            errors.append(0.0)  # beyond the float range: inf is the rounding (s x² at 1e300)
            continue
        diff = abs(mpf(g) - e)
        if diff <= floor:
            errors.append(0.0)
            continue
        ref = float(max(abs(e), s))
        ulp = float(np.spacing(dtype(min(ref, float(np.finfo(dtype).max)))))
        errors.append(float(diff / ulp))
    return np.array(errors)


def _check(ref: Ref, dtype) -> tuple[float, float]:
    limit = np.finfo(dtype).max
    x = GRID[np.abs(GRID) <= limit].astype(dtype)
    value, grad = relucli.get(ref.spec).value_and_grad(x)
    exact = [ref.f(mpf(float(v))) for v in x]
    value_err = _ulp_errors(value, [e[0] for e in exact], [0] * len(exact), dtype)
    grad_err = _ulp_errors(grad, [e[1] for e in exact], [e[2] or 0 for e in exact], dtype)
    return float(value_err.max()), float(grad_err.max())


@pytest.mark.parametrize("ref", REFS, ids=lambda r: r.spec)
def test_float64_values_and_gradients_match_mpmath(ref):
    value_err, grad_err = _check(ref, np.float64)
    assert value_err <= ref.ulps, f"value off by {value_err} ulp"
    assert grad_err <= ref.ulps, f"gradient off by {grad_err} ulp"


@pytest.mark.parametrize("ref", REFS, ids=lambda r: r.spec)
def test_float32_values_and_gradients_match_mpmath(ref):
    value_err, grad_err = _check(ref, np.float32)
    assert value_err <= 4, f"value off by {value_err} float32 ulp"
    assert grad_err <= 4, f"gradient off by {grad_err} float32 ulp"


def test_elu_gradient_keeps_relative_accuracy_far_below_minus_37():
    # value + alpha would round to exactly 0 here; alpha*exp(x) is tiny but not zero.
    g = relucli.get("elu").grad(np.array([-40.0, -100.0, -700.0]))
    assert g.tolist() == [math.exp(-40.0), math.exp(-100.0), math.exp(-700.0)]
    g32 = relucli.get("elu").grad(np.array([-20.0, -80.0], dtype=np.float32))
    assert g32.tolist() == [float(np.float32(math.exp(-20.0))), float(np.float32(math.exp(-80)))]
