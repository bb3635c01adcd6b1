"""The accuracy contract over the parameter space: parameters drawn from each record's
Param ranges (tests/strategies.py), inputs drawn around the parameters' scales, value,
gradient and every parameter gradient against the mpmath models of tests/cases.py, in
float64 and float32.

The contract (README, "Accuracy"): within ``case.ulps`` ulps of the exact result (4 for
the piecewise-linear and exponential variants, 16 for the smooth ones) in either dtype;
where a gradient is a sum of terms of opposite sign crossing zero, in ulps of its largest
term; a result in the subnormal range in ulps of the subnormal grid (2^-1074 in float64,
2^-149 in float32), with no looser floor. A row of tests/cases.py without a model for
other parameters is skipped here (its defaults are checked by tests/test_accuracy.py).
"""

from __future__ import annotations

import math

import cases
import mpmath as mp
import numpy as np
import pytest
import strategies
from hypothesis import given, settings
from hypothesis import strategies as st

import relucli
from relucli.variants import REGISTRY

mpf = mp.mpf
PARAM_CASES = [c for c in cases.CASES if REGISTRY.variants[c.name].params]
# A row without a model (tests/cases.py) is checked at its defaults only; the sampling
# tests skip it, saying so.


def ulp_error(got: float, exact, scale, dtype) -> float:
    """|got - exact| in ulps of max(|exact|, scale) in dtype (see the module docstring);
    an exact result beyond the dtype's range is matched by the infinity of its sign."""
    info = np.finfo(dtype)
    big = max(abs(exact), scale or 0)
    if big > float(info.max):
        rounded = math.copysign(math.inf, exact) if abs(exact) > float(info.max) else None
        if rounded is not None and (got == rounded or abs(got) == float(info.max)):
            return 0.0
        if not math.isfinite(got):
            return math.inf
    if math.isnan(got):
        return math.inf
    if math.isinf(got):
        return math.inf
    if big >= float(info.max):
        # The ulp of the top binade: np.spacing(max) overflows to inf (a scale beyond the
        # range: xielu's gradient an e^x + (beta - an) with an = 1e39 in float32, at x = 0).
        spacing = 2.0 ** (info.maxexp - 1 - info.nmant)
    else:
        spacing = float(np.spacing(dtype(big)))
    return float(abs(mpf(got) - exact) / spacing)


def measure(case, params: dict, dtype, x: np.ndarray) -> dict[str, float]:
    """Worst ulp error per quantity ("value", "grad", "d/d<param>") at these parameters."""
    act = relucli.get(case.name, **params)
    with np.errstate(over="ignore"):
        xd = np.asarray(x, np.float64).astype(dtype)
    xd = xd[np.isfinite(xd)]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad = act.value_and_grad(xd)
        dparams = {n: act.param_grad(xd, n) for n in act.variant.param_grads}
    f = cases.exact(case, act.params)
    worst = {"value": 0.0, "grad": 0.0, **{f"d/d{n}": 0.0 for n in dparams}}
    for i, xi in enumerate(xd.tolist()):
        v, g, scale, dp = f(mpf(xi))
        worst["value"] = max(worst["value"], ulp_error(float(value[i]), v, None, dtype))
        worst["grad"] = max(worst["grad"], ulp_error(float(grad[i]), g, scale, dtype))
        for n, got in dparams.items():
            err = ulp_error(float(got[i]), dp[n], None, dtype)
            worst[f"d/d{n}"] = max(worst[f"d/d{n}"], err)
    return worst


def inputs(params: dict) -> st.SearchStrategy:
    """Inputs around 0, over the float range, and at the parameters' scales (x = p*u and
    x = u/p: where CELU's x/alpha, softplus's beta*x and hardtanh's ends matter)."""
    scales = [abs(v) for v in params.values() if isinstance(v, float) and v != 0]
    signed_mag = st.tuples(st.floats(-320, 308), st.sampled_from([-1.0, 1.0])).map(
        lambda t: t[1] * 10.0 ** t[0]
    )
    parts = [signed_mag, st.floats(-40, 40)]
    for s in scales:
        parts.append(st.floats(-50, 50).map(lambda u, s=s: u * s))
        parts.append(st.floats(-800, 50).map(lambda u, s=s: u / s))
    return st.lists(st.one_of(*parts), min_size=8, max_size=24).map(np.array)


def _check(case, dtype, data, lo_exp: float) -> None:
    if cases.model(case) is None:
        pytest.skip(f"{case.name}: no mpmath model for other parameters in tests/cases.py")
    variant = REGISTRY.variants[case.name]
    params = strategies.checked(variant, data.draw(strategies.params(variant, -lo_exp, lo_exp)))
    x = data.draw(inputs(params))
    worst = measure(case, params, dtype, x)
    bad = {k: v for k, v in worst.items() if v > case.ulps}
    assert not bad, f"{case.name} {params}: {bad} ulp (bound {case.ulps})"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", PARAM_CASES, ids=lambda c: c.name)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_sampled_parameters_keep_the_accuracy_contract(case, dtype, data):
    _check(case, dtype, data, case.param_exp)


@pytest.mark.slow
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", PARAM_CASES, ids=lambda c: c.name)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_sampled_parameters_keep_the_accuracy_contract_sweep(case, dtype, data):
    _check(case, dtype, data, case.param_exp)
