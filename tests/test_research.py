"""The research variants' numerics where the shared grid rarely looks: values next to a zero
that is not at x = 0 (the double-double paths), float32 at the parameters as given, the
limits of ISRLU and PELU for extreme parameters, and their usage errors."""

from __future__ import annotations

import math

import cases
import mpmath as mp
import numpy as np
import pytest

import relucli
from relucli.registry import SpecError

mpf = mp.mpf


def _ulps(got: float, exact) -> float:
    return float(abs(mpf(got) - exact) / mpf(float(np.spacing(abs(float(exact))))))


def _near(root: float, rel: float = 1e-10, n: int = 40) -> np.ndarray:
    """Points within rel of root, none on it: at the float nearest a zero of xIELU the value
    is ~2^-53 of its terms, beyond double-double (the one place it is not exact)."""
    return root * (1 + np.linspace(-rel, rel, n))


@pytest.mark.parametrize(
    ("spec", "params"),
    [
        ("xielu", (0.8, 0.8, 0.5)),
        ("xielu:alpha_n=3,beta=0.01", (0.8, 3, 0.01)),  # root near -2 beta/alpha_n
        ("xielu:alpha_n=0.5000001,beta=0.5", (0.8, 0.5000001, 0.5)),  # root near -5e6
    ],
)
def test_xielu_keeps_relative_accuracy_close_to_its_negative_zero(spec, params):
    ap, an, beta = params

    def f(x):
        return an * (mp.expm1(x) - x) + beta * x

    lo = -1.0
    while f(lo) < 0:
        lo *= 2
    root = float(mp.findroot(f, (mpf(lo), mpf(math.log1p(-beta / an))), solver="bisect"))
    x = _near(root)
    ref = cases._xielu(ap, an, beta)
    got = relucli.get(spec)(x)
    assert max(_ulps(g, ref(mpf(float(t)))[0]) for g, t in zip(got, x)) <= 4


@pytest.mark.parametrize(
    ("spec", "params"),
    [
        ("xielu:alpha_n=2,beta=1", (0.8, 2, 1)),  # both terms overflow, the sum is 1e308
        ("xielu", (0.8, 0.8, 0.5)),
        ("xielu:alpha_n=3,beta=2.9999999", (0.8, 3, 2.9999999)),
        ("xielu:alpha_n=1e300,beta=1", (0.8, 1e300, 1)),  # the sum itself overflows: inf
        # c = beta - alpha_n overflows times x, and c's low part times x overflows the
        # other way (found by hypothesis: inf - inf gave NaN and a FloatingPointError)
        ("xielu:alpha_p=1,alpha_n=3.602879701896397e16,beta=2", (1, 3.602879701896397e16, 2)),
    ],
)
def test_xielu_far_left_is_finite_where_its_terms_overflow_but_the_sum_does_not(spec, params):
    # Found by hypothesis: alpha_n=2, beta=1 at x = -1e308 gave inf (alpha_n |x| overflowed).
    ap, an, beta = params
    x = np.array([-1e308, -np.finfo(np.float64).max, -9e307, -1e300, -3e200])
    ref = cases._xielu(ap, an, beta)
    value, grad = relucli.get(spec).value_and_grad(x)
    with mp.workdps(60):  # the two terms cancel to 1 part in 1e7: 15 digits are not enough
        exact = [ref(mpf(float(t)))[0] for t in x]
    big = mpf(float(np.finfo(np.float64).max))
    for got, want in zip(value, exact):
        if want > big:
            assert got == np.inf
        else:  # math.ulp: np.spacing at the largest float overflows
            assert abs(mpf(float(got)) - want) <= math.ulp(float(want))
    assert np.all(grad == grad[0]) and grad[0] == pytest.approx(beta - an, rel=1e-15)


@pytest.mark.parametrize(
    ("spec", "root", "ref"),
    [
        ("starrelu", math.sqrt(0.4472 / 0.8944), cases._starrelu(0.8944, -0.4472)),
        (
            "srelu:t_left=-1,a_left=0.1,t_right=0.3,a_right=-0.7",
            0.3 + 0.3 / 0.7,
            cases._srelu(-1, 0.1, 0.3, -0.7),
        ),
    ],
)
def test_piecewise_values_are_exact_next_to_their_zero(spec, root, ref):
    x = _near(root, 1e-12)
    got = relucli.get(spec)(x)
    assert max(_ulps(g, ref(mpf(float(t)))[0]) for g, t in zip(got, x)) <= 1


def test_float32_uses_the_parameters_as_given():
    # beta = 0.1 is not a float32: the result is the rounding of f at 0.1 itself.
    x = np.array([-3.0, -1.0, 0.5], np.float32)
    got = relucli.get("pelu:a=0.1,b=0.3")(x)
    ref = cases._pelu(0.1, 0.3)
    assert got.dtype == np.float32
    assert got.tolist() == [float(np.float32(float(ref(mpf(float(t)))[0]))) for t in x]


def test_isrlu_is_monotone_and_reaches_its_bound_only_at_minus_infinity():
    act = relucli.get("isrlu:alpha=3")
    x = -np.logspace(0, 300, 20001)[::-1]
    value = act(x)
    assert np.all(np.diff(value) >= 0)
    assert value.min() >= act.bounds[0] == float(act(-np.inf)) == -1 / math.sqrt(3)


def test_pelu_exponent_carries_the_remainder_of_x_over_b():
    # x/b = -700/0.3: exp amplifies the rounding of the quotient 2333 times.
    x = np.array([-700.0, -210.0])
    value, grad = relucli.get("pelu:a=2,b=0.3").value_and_grad(x)
    ref = cases._pelu(2, 0.3)
    for v, g, t in zip(value, grad, x):
        exact_v, exact_g, _ = ref(mpf(float(t)))
        assert _ulps(v, exact_v) <= 4 and _ulps(g, exact_g) <= 4


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("xielu:alpha_n=0.4", "xielu: alpha_n must be > beta, got alpha_n=0.4 <= beta=0.5"),
        ("srelu:t_left=3", "srelu: t_left must be < t_right, got t_left=3 >= t_right=2.5"),
        ("pelu:a=1e300,b=1e-300", "pelu: a/b must be a finite number, got a=1e+300, b=1e-300"),
        ("thresholded_relu:-1", "thresholded_relu: theta must be >= 0, got -1"),
        ("smelu:0", "smelu: beta must be > 0, got 0"),
    ],
)
def test_invalid_parameters_are_usage_errors(spec, message):
    with pytest.raises(SpecError) as err:
        relucli.get(spec)
    assert str(err.value) == message


def test_research_records_say_so():
    research = [v.name for v in relucli.variants.VARIANTS if v.origin == "research"]
    assert research == [
        "starrelu",
        "xielu",
        "pelu",
        "srelu",
        "smelu",
        "isrlu",
        "thresholded_relu",
        "elish",
        "hard_elish",
        "tanhexp",
        "lisht",
        "frelu",
    ]
    assert all(relucli.variants.REGISTRY.variants[n].reference for n in research)
