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

import mpmath as mp
import numpy as np
import pytest

import relucli
from relucli.variants import SELU_ALPHA, SELU_SCALE

mp.mp.dps = 50
mpf = mp.mpf


def _sig(x):
    return 1 / (1 + mp.exp(-x))


@dataclass(frozen=True)
class Ref:
    spec: str
    ulps: float
    f: object  # x -> (value, grad, grad_scale)


def _plain(value, grad):
    return lambda x: (value(x), grad(x), None)


def _leaky(s):
    s = mpf(s)
    return _plain(lambda x: x if x > 0 else s * x, lambda x: mpf(1) if x > 0 else s)


def _elu(alpha, scale=1, divisor=1):
    a, lam, d = mpf(alpha), mpf(scale), mpf(divisor)
    return _plain(
        lambda x: lam * x if x > 0 else lam * a * mp.expm1(x / d),
        lambda x: lam if x > 0 else lam * a / d * mp.exp(x / d),
    )


def _gelu(x):
    if abs(x) > 1e4:  # mpmath's erfc overflows a float internally here; the tails are exact
        cdf, pdf = mpf(1 if x > 0 else 0), mpf(0)
    else:
        cdf, pdf = mp.ncdf(x), mp.npdf(x)
    return x * cdf, cdf + x * pdf, max(abs(cdf), abs(x * pdf))


def _gelu_tanh(x):
    c, k = mp.sqrt(2 / mp.pi), mpf(0.044715)
    u = c * (x + k * x**3)
    first = 1 / (1 + mp.exp(-2 * u))  # (1 + tanh u)/2 without cancelling 50 digits away
    second = x / 2 * mp.sech(u) ** 2 * c * (1 + 3 * k * x**2)
    return x * first, first + second, max(abs(first), abs(second))


def _silu(x):
    s = _sig(x)
    second = x * s * _sig(-x)
    return x * s, s + second, max(abs(s), abs(second))


def _mish(x):
    sp = mp.log1p(mp.exp(x))
    t = mp.tanh(sp)
    second = x * mp.sech(sp) ** 2 * _sig(x)
    return x * t, t + second, max(abs(t), abs(second))


def _softplus(beta, threshold):
    b, t = mpf(beta), mpf(threshold)

    def f(x):
        if b * x > t:
            return x, mpf(1), None
        return mp.log1p(mp.exp(b * x)) / b, _sig(b * x), None

    return f


def _hardswish(x):
    if x <= -3:
        return mpf(0), mpf(0), None
    if x >= 3:
        return x, mpf(1), None
    return x * (x + 3) / 6, (2 * x + 3) / 6, None


REFS = [
    Ref("relu", 4, _plain(lambda x: max(x, 0), lambda x: mpf(1) if x > 0 else mpf(0))),
    Ref("leaky_relu", 4, _leaky(0.01)),
    Ref("leaky_relu:negative_slope=0.2", 4, _leaky(0.2)),
    Ref("prelu", 4, _leaky(0.25)),
    Ref("rrelu", 4, _leaky((mpf(0.125) + mpf(1 / 3)) / 2)),
    Ref("elu", 4, _elu(1)),
    Ref("elu:alpha=0.5", 4, _elu(0.5)),
    Ref("selu", 4, _elu(SELU_ALPHA, SELU_SCALE)),
    Ref("relu6", 4, _plain(lambda x: min(max(x, 0), 6), lambda x: mpf(1 if 0 < x < 6 else 0))),
    Ref("celu", 4, _elu(1)),
    Ref("celu:alpha=2", 4, _elu(2, 1, 2)),
    Ref("hardswish", 4, _hardswish),
    Ref("gelu", 16, _gelu),
    Ref("gelu:approximate=tanh", 16, _gelu_tanh),
    Ref("silu", 16, _silu),
    Ref("mish", 16, _mish),
    Ref("softplus", 16, _softplus(1, 20)),
    Ref("softplus:beta=2,threshold=10", 16, _softplus(2, 10)),
    Ref("sigmoid", 16, _plain(_sig, lambda x: _sig(x) * _sig(-x))),
    Ref("tanh", 16, _plain(mp.tanh, lambda x: mp.sech(x) ** 2)),
]


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
    errors = []
    for g, e, s in zip(got.tolist(), exact, scale, strict=True):
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
