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
from relucli.numerics import exp_path

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
    errors = []
    big = float(np.finfo(dtype).max)
    for g, e, s in zip(got.tolist(), exact, scale, strict=True):
        if abs(e) > big and g == math.copysign(math.inf, e):
            errors.append(0.0)  # beyond the float range (relu2(1e300)): inf is the rounding
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


@pytest.mark.parametrize("path", exp_path.PATHS)
def test_elu_gradient_keeps_relative_accuracy_far_below_minus_37(path):
    # value + alpha would round to exactly 0 here; alpha*exp(x) is tiny but not zero.
    g = relucli.get("elu").grad(np.array([-40.0, -100.0, -700.0]))
    assert g.tolist() == [math.exp(-40.0), math.exp(-100.0), math.exp(-700.0)]
    with exp_path.force(path):
        g32 = relucli.get("elu").grad(np.array([-20.0, -80.0], dtype=np.float32))
    exact = [math.exp(-20.0), math.exp(-80.0)]
    if path == "table":  # correctly rounded at these two
        assert g32.tolist() == [float(np.float32(e)) for e in exact]
    else:  # NumPy's float32 exp: within its 2.4 ulp (NumPy 2.4, AVX-512)
        ulps = np.abs(g32 - exact) / np.spacing(np.float32(exact))
        assert ulps.max() <= 4, ulps


# ------------------------------------- parameters whose rounding exp amplifies (issue 13)


def _ulps(got, exact, dtype) -> float:
    """Worst error of got against mpmath values, in ulps of the exact result (absolute
    errors below the underflow floor of ``_ulp_errors`` count as 0)."""
    floor = 1e-300 if dtype == np.float64 else float(np.finfo(np.float32).tiny)
    worst = 0.0
    for g, e in zip(np.asarray(got).tolist(), exact, strict=True):
        if abs(mpf(g) - e) <= floor:
            continue
        spacing = float(np.spacing(dtype(min(abs(float(e)), float(np.finfo(dtype).max)))))
        worst = max(worst, float(abs(mpf(g) - e) / spacing))
    return worst


def _softplus_exact(x, beta, threshold=20):
    x, b = mpf(x), mpf(beta)
    if b * x > threshold:
        return x, mpf(1), mpf(0)
    with mp.workdps(60 + int(abs(b * x) / 2)):  # x sig - value cancels e^|bx| digits
        value = mp.log1p(mp.exp(b * x)) / b
        sig = 1 / (1 + mp.exp(-b * x))
        return +value, +sig, +((x * sig - value) / b)


def test_softplus_beta_gradient_is_exact_in_both_tails():
    # (y sigmoid(y) - softplus(y))/beta^2 cancels in both tails: -4.25e-18 instead of
    # -1.74e-16 at x = -40, 1e2-1e8 ulp for |x| in [5, 20], 0 for x >= 40 (threshold 1000).
    x = np.concatenate([-np.geomspace(1e-3, 700, 60), np.geomspace(1e-3, 20, 40)])
    got = relucli.get("softplus").param_grad(x, "beta")
    assert _ulps(got, [_softplus_exact(v, 1)[2] for v in x], np.float64) <= 4
    assert float(got[np.argmin(np.abs(x + 40))]) != 0
    big = np.array([40.0, 100.0, 700.0])
    got = relucli.get("softplus:threshold=1000").param_grad(big, "beta")
    assert _ulps(got, [_softplus_exact(v, 1, 1000)[2] for v in big], np.float64) <= 4
    assert (got < 0).all()


@pytest.mark.parametrize("beta", [100.0, 0.1, 1.5, 3e-5, 7e4])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softplus_with_beta_not_a_power_of_two_carries_the_product_rounding(beta, dtype):
    # exp(beta x) turns the rounding of beta*x into |beta x| half-ulps: 511 ulp at beta=100.
    x = -np.geomspace(1e-3, 740 / beta, 120).astype(dtype)
    act = relucli.get(f"softplus:beta={beta!r}")
    value, grad = act.value_and_grad(x)
    exact = [_softplus_exact(float(v), beta) for v in x]
    assert _ulps(value, [e[0] for e in exact], dtype) <= 4
    assert _ulps(grad, [e[1] for e in exact], dtype) <= 4
    assert _ulps(act.param_grad(x, "beta"), [e[2] for e in exact], dtype) <= 4


def _celu_exact(x, alpha):
    x, a = mpf(x), mpf(alpha)
    if x > 0:
        return x, mpf(1), mpf(0)
    q = x / a
    digits = 60 + (int(-mp.log10(-q)) if q != 0 and q > -1 else 0)  # the last term cancels
    with mp.workdps(digits):
        return +(a * mp.expm1(q)), +mp.exp(q), +(mp.expm1(q) - q * mp.exp(q))


@pytest.mark.parametrize("alpha", [0.1, 0.3, 7.7, 1e-4, 1e30])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_celu_with_alpha_not_a_power_of_two_carries_the_quotient_rounding(alpha, dtype):
    # exp(x/alpha): 470 ulp in float64 at alpha = 0.1 without the two-quotient, 21-64 float32
    # ulp with alpha rounded to float32 inside the float64 path.
    x = -np.geomspace(1e-3 * alpha, 100 * alpha, 150).astype(dtype)
    act = relucli.get(f"celu:alpha={alpha!r}")
    value, grad = act.value_and_grad(x)
    exact = [_celu_exact(float(v), alpha) for v in x]
    assert _ulps(value, [e[0] for e in exact], dtype) <= 4
    assert _ulps(grad, [e[1] for e in exact], dtype) <= 4
    assert _ulps(act.param_grad(x, "alpha"), [e[2] for e in exact], dtype) <= 4


def test_celu_alpha_gradient_near_zero_uses_its_series_and_never_warns():
    x = -np.geomspace(1e-300, 3, 200)
    for alpha in (1.0, 0.1, 2.5):
        got = relucli.get("celu", alpha=alpha).param_grad(x, "alpha")
        assert _ulps(got, [_celu_exact(v, alpha)[2] for v in x], np.float64) <= 4
    assert float(relucli.get("celu").param_grad(-1e-17, "alpha")) == -0.5 * 1e-17 * 1e-17
    with np.errstate(over="raise", invalid="raise"):
        far = relucli.get("celu:alpha=0.5").param_grad(np.array([-1e308, -np.inf]), "alpha")
    assert far.tolist() == [-1.0, -1.0]


def test_hardswish_gradient_keeps_relative_accuracy_near_its_zero():
    # x/3 + 1/2 cancels at x = -1.5 (2.8e6 ulp off, as in PyTorch); (2x + 3)/6 does not.
    x = -1.5 + np.array([-1e-3, -1e-10, -1e-15, 0.0, 2.2e-16, 1e-12, 1e-5])
    for dtype in (np.float64, np.float32):
        xd = x.astype(dtype)
        got = relucli.get("hardswish").grad(xd)
        exact = [(2 * mpf(float(v)) + 3) / 6 for v in xd]
        assert _ulps(got, exact, dtype) <= 1


def _ulps_no_floor(got, exact, scale) -> float:
    """ulps of the exact result (or of the largest term, ``scale``) with no underflow floor:
    a subnormal result's ulp is the smallest subnormal."""
    worst = 0.0
    for g, e, s in zip(np.asarray(got).tolist(), exact, scale, strict=True):
        ref = float(max(abs(e), s or 0))
        worst = max(worst, float(abs(mpf(g) - e) / float(np.spacing(min(ref, 1e308)))))
    return worst


@pytest.mark.parametrize(
    ("spec", "lo", "hi"),
    [
        ("silu", -716, -700),  # 354 ulp before: e^x subnormal, x e^x normal
        ("mish", -716, -700),
        ("silu", -760, -740),
        ("gelu:approximate=tanh", -21.5, -20.8),  # gradient 1.9e3 ulp before
        ("gelu", -38.5, -36.5),  # 20 ulp before: Phi(x) subnormal, x Phi(x) normal
    ],
)
def test_underflow_windows_keep_the_contract_down_to_the_subnormals(spec, lo, hi):
    ref = dict((s, f) for s, f, _ in cases.REFERENCES)[spec]
    x = np.linspace(lo, hi, 301)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad = relucli.get(spec).value_and_grad(x)
    exact = [ref(mpf(float(v))) for v in x]
    assert _ulps_no_floor(value, [e[0] for e in exact], [0] * len(x)) <= 4
    assert _ulps_no_floor(grad, [e[1] for e in exact], [e[2] for e in exact]) <= 4


@pytest.mark.parametrize(
    ("alpha", "dtype", "lo"),
    [
        (1e30, np.float64, -1380),
        (1e112, np.float64, -1400),
        (1e30, np.float32, -150),
        (3e38, np.float32, -170),
    ],
)
def test_elu_gradient_with_a_large_alpha_where_exp_alone_underflows(alpha, dtype, lo):
    # alpha exp(x) stays normal far below where exp(x) is subnormal or 0 (10 ulp before,
    # and 0 in float32 below the tables' -104).
    x = np.linspace(lo, -60, 400).astype(dtype)
    grad = relucli.get("elu", alpha=alpha).grad(x)
    exact = [mpf(alpha) * mp.exp(mpf(float(v))) for v in x]
    if dtype == np.float64:
        assert _ulps_no_floor(grad, exact, [0] * len(x)) <= 4
    else:
        assert _ulps(grad, exact, dtype) <= 4  # float32: its subnormals held absolutely


def test_softplus_decides_beta_x_above_threshold_on_the_exact_product():
    # beta*x = 1e-324 rounds to 0 = threshold, yet it is above it: the linear branch, x.
    act = relucli.get("softplus", beta=1e-275, threshold=0.0)
    value, grad = act.value_and_grad(np.array([1e-49, -1e-49, 0.0]))
    assert value.tolist() == [1e-49, math.log(2) / 1e-275, math.log(2) / 1e-275]
    assert grad.tolist() == [1.0, 0.5, 0.5]
    assert act.param_grad(np.array([1e-49]), "beta").tolist() == [0.0]
    # A tie off zero: 3 * (1/3 rounded) rounds to 1.0 exactly but is below it.
    x = np.array([1 / 3])
    assert float(3.0 * x[0]) == 1.0
    below = relucli.get("softplus", beta=3.0, threshold=1.0)(x)
    assert float(below[0]) == float(mp.log1p(mp.exp(3 * mpf(1 / 3))) / 3)
