"""Every props claim, verified numerically for sampled parameters: range and f' range (the
ends hold, are approached, and are attained exactly when closed), monotonic, continuity by
one-sided limits at the kinks, dead zones, and the N(0, 1) moments against mpmath."""

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
from relucli.activation import Activation
from relucli.describe import normal_moments, props_row, range_text
from relucli.registry import Interval
from relucli.variants import REGISTRY

VARIANTS = list(REGISTRY.variants.values())


def _draw(variant, data, lo_exp=-4, hi_exp=4) -> Activation:
    # Magnitudes 1e-4 .. 1e4: a grid of x can resolve the claims there (at 1e300 every
    # finite grid is one point); the accuracy sweep covers the whole range. A variant whose
    # row has no mpmath model is drawn at its defaults (the checks below compare with it).
    if cases.model(cases.BY_NAME[variant.name]) is None:
        return relucli.get(variant.name)
    params = data.draw(strategies.params(variant, lo_exp, hi_exp))
    return relucli.get(variant.name, **strategies.checked(variant, params))


def _near(points) -> np.ndarray:
    """Points within a few ulps and at 10^-k of each given point."""
    out = []
    for p in points:
        step = float(np.spacing(abs(p)))
        out += [p + i * step for i in range(-4, 5)]
        out += [p + s * 10.0**-k * max(1.0, abs(p)) for s in (-1, 1) for k in range(1, 13)]
    return np.array(out)


def grid(act: Activation) -> np.ndarray:
    """Dense in [-60, 60], geometric out to 1e6, at each kink's and 0's neighbourhood, and at
    each parameter's scale (x/alpha, beta x, the clip ends)."""
    parts = [np.linspace(-60, 60, 48001), np.geomspace(1e-12, 1e6, 400)]
    parts.append(-parts[1])
    parts.append(_near([0.0, *act.kinks, *act.jumps]))
    for v in act.params.values():
        if isinstance(v, float) and v != 0 and math.isfinite(v):
            parts += [np.linspace(-60, 60, 4001) * abs(v), np.linspace(-60, 60, 4001) / abs(v)]
    x = np.unique(np.concatenate(parts))
    return x[np.isfinite(x)]


def _tol(end: float) -> float:
    return 1e-6 * max(1.0, abs(end))


def _check_interval(
    values: np.ndarray, far: np.ndarray, claim: Interval, what: str, continuous: bool
) -> None:
    """``far``: the values at -1e300 and 1e300, where an infinite end shows. ``continuous``:
    the checked quantity is continuous, so a closed end may be a smooth extremum."""
    lo, hi = claim.ends
    slack = 8 * np.finfo(np.float64).eps
    assert values.min() >= lo - slack * abs(lo), (what, "below", lo, values.min())
    assert values.max() <= hi + slack * abs(hi), (what, "above", hi, values.max())
    for end, is_open, sign in ((lo, claim.lo_open, 1), (hi, claim.hi_open, -1)):
        if not math.isfinite(end):
            reach = np.max(far * np.sign(end))
            assert reach > 1e200, (what, "unbounded end not reached", end, far)
            continue
        i = int(np.argmin(values * sign))
        best = values[i]
        # An end approached only as x -> -+inf may decay slowly (squareplus's b/(4|x|) is
        # 2e-6 at the grid's -1e6 for b = 8): the values at -+1e300 count too.
        gap = min(abs(best - end), float(np.min(np.abs(far - end))))
        assert gap <= _tol(end), (what, "end not approached", end, best)
        if is_open or np.any(values == end):
            continue
        # A closed end no grid point hits is a smooth extremum (swish's minimum at an
        # irrational x): attained if the best point is interior with both neighbours
        # farther from the end, since a continuous function then has its extremum inside
        # that bracket (within the tolerance of the end, the bound holding). An end only
        # approached at infinity has its best point at the grid's edge instead.
        left, right = sign * (values[max(i - 1, 0)] - best), sign * (values[i + 1 :][:1] - best)
        bracketed = 0 < i < values.size - 1 and left >= 0 and right[0] >= 0
        assert continuous and bracketed, (what, "closed end not attained", end)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_ranges_hold_are_approached_and_closed_ends_are_attained(variant, data):
    act = _draw(variant, data)
    x = grid(act)
    with np.errstate(over="ignore"):
        value, grad = act.value_and_grad(x)
    # Refine around each extreme the grid found: a smooth minimum may lie where the grid is
    # coarse (swish:beta=0.01 has its minimum at x = -127.8, between points 3 apart).
    fine = []
    for v in (value, grad):
        for i in (int(np.nanargmin(v)), int(np.nanargmax(v))):
            lo, hi = x[max(i - 1, 0)], x[min(i + 1, x.size - 1)]
            fine.append(np.linspace(lo, hi, 2001))
    x = np.unique(np.concatenate([x, *fine]))
    with np.errstate(over="ignore"):
        value, grad = act.value_and_grad(x)
    with np.errstate(over="ignore"):
        far_value, far_grad = act.value_and_grad(np.array([-1e300, 1e300]))
    _check_interval(value, far_value, act.range, "range", act.continuity != "discontinuous")
    smooth_grad = act.continuity in ("C1", "C∞")
    _check_interval(grad, far_grad, act.grad_range, "f' range", smooth_grad)
    # An open end is only approached: where the computed value equals it, the exact one
    # (mpmath) is within an ulp of it (ELU's -alpha (1 - e^-40) rounds to -alpha).
    f = cases.exact(cases.BY_NAME[act.name], act.params)
    for claim, v, part in ((act.range, value, 0), (act.grad_range, grad, 1)):
        for end, is_open in zip(claim.ends, claim.open_ends, strict=True):
            if not (is_open and math.isfinite(end)):
                continue
            hits = x[v == end]
            for xi in hits[:: max(1, hits.size // 10)].tolist():
                exact = f(mp.mpf(xi))[part]
                assert abs(exact - end) <= np.spacing(abs(end)), (act.spec, end, xi)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_monotonic_claim_holds_on_a_dense_grid(variant, data):
    act = _draw(variant, data)
    x = grid(act)
    with np.errstate(over="ignore", invalid="ignore"):
        value = act(x)
        steps = np.diff(value)
        # Rounding within the accuracy contract may step back by an ulp or two (softplus
        # with beta = 0.1 at its threshold: (beta x)/beta rounds above x).
        noise = 4 * np.spacing(np.abs(value[1:]))
    keep = ~np.isnan(steps)
    steps, noise = steps[keep], noise[keep]
    if act.monotonic:
        assert np.all(steps >= -noise), act.spec
    else:
        assert np.any(steps < 0), act.spec


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_continuity_class_from_one_sided_limits(variant, data):
    """discontinuous: f's one-sided limits differ at a kink; C0: f continuous, f' jumps at a kink;
    C1 and C∞: f' continuous too (at the kinks and at 0)."""
    act = _draw(variant, data)
    value_jumps, grad_jumps, grad_differs = [], [], []
    for k in (*act.kinks, *act.jumps, 0.0):
        step = max(4 * float(np.spacing(abs(k))), 1e-300)  # as Activation.one_sided
        (left, right), (gl, gr) = act.value_and_grad(np.array([k - step, k + step]))
        # Beyond what the slopes move f over the 2 steps (keras_relu:negative_slope=64 at
        # its threshold moves by 64 * 2 steps = 3.6e-12 with no jump).
        moved = (abs(gl) + abs(gr)) * 2 * step if np.isfinite(gl + gr) else 0.0
        value_jumps.append(abs(left - right) > 1e-12 * max(1.0, abs(left)) + moved)
        grad_jumps.append(abs(gl - gr) > 1e-9 * max(1.0, abs(gl)))
        # A kink may be as small as an ulp (prelu:weight=1+2^-52 has slopes 1 + 2^-52 and
        # 1): exact gradients keep it, so C0 asks only that the two sides differ at all.
        grad_differs.append(gl != gr)
    if act.continuity == "discontinuous":
        if not any(value_jumps):
            # A jump below the grid's resolution (softplus:beta=10,threshold=32 jumps by
            # log1p(e^-32)/10 = 1.3e-15 at 3.2, 3 ulps): mpmath shows it across the jump.
            f = cases.exact(cases.BY_NAME[act.name], act.params)
            tiny = mp.mpf(10) ** -40
            assert any(
                abs(f(mp.mpf(k) + tiny)[0] - f(mp.mpf(k) - tiny)[0]) > tiny * 10 for k in act.jumps
            ), act.spec
        return
    assert not any(value_jumps), act.spec
    if act.continuity == "C0":
        assert any(grad_differs), act.spec
    else:
        assert act.continuity in ("C1", "C∞")
        assert not any(grad_jumps), act.spec


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_dead_zones_are_exactly_where_the_gradient_is_zero(variant, data):
    act = _draw(variant, data)
    x = np.linspace(-20, 20, 40001)
    x = x[~np.isin(x, act.kinks)]
    dead = np.zeros(x.shape, bool)
    for lo, hi in act.dead_zone:
        dead |= (x > lo) & (x < hi)
    grad = act.grad(x)
    assert np.all(grad[dead] == 0), act.spec
    # Outside, a zero is isolated (hardswish'(-1.5)) or an underflow: the exact gradient
    # there is below the smallest subnormal (CELU's exp(x/alpha) for small alpha).
    live = (grad == 0) & ~dead
    runs = x[1:][live[1:] & live[:-1]]
    f = cases.exact(cases.BY_NAME[act.name], act.params)
    for xi in runs[:: max(1, runs.size // 20)].tolist():
        assert abs(f(mp.mpf(xi))[1]) < mp.mpf(2) ** -1075, (act.spec, xi)


def _mp_moments(act: Activation) -> tuple[float, float]:
    """E[f(z)] and Var[f(z)] by mpmath quadrature split at the kinks and graded to 0."""
    f = cases.exact(cases.BY_NAME[act.name], act.params)
    mp.mp.dps = 20
    breaks = (*act.kinks, *act.jumps)
    pts = sorted({-40.0, 40.0, 0.0, *[k for k in breaks if -40 < k < 40]})
    for c in [0.0, *breaks]:
        pts += [c + s * 2.0**-k for s in (-1, 1) for k in range(1, 41, 3)]
    pts = sorted({p for p in pts if -40 <= p <= 40})

    def val(x):
        return f(x)[0]

    mean = mp.quad(lambda x: val(x) * mp.npdf(x), pts)
    var = mp.quad(lambda x: (val(x) - mean) ** 2 * mp.npdf(x), pts)
    mp.mp.dps = 50
    return float(mean), float(var)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_moments_agree_with_mpmath_quadrature(variant, data):
    act = _draw(variant, data, -2, 2)
    mean, var = normal_moments(act)
    exact_mean, exact_var = _mp_moments(act)
    assert abs(mean - exact_mean) <= 1e-10 * max(1.0, abs(exact_mean)), act.spec
    assert abs(var - exact_var) <= 1e-10 * max(1.0, abs(exact_var)), act.spec


# --------------------------------------------------------------- the reported cases


@pytest.mark.parametrize(
    ("spec", "column", "text"),
    [
        ("rrelu:lower=0,upper=0.5", 1, "(-inf, inf)"),  # was [0, inf), "bounded below"
        ("rrelu:lower=0,upper=0.5", 3, "no"),
        ("rrelu:lower=2,upper=3", 2, "[1, 2.5]"),  # was [1, 1]
        ("rrelu:lower=1,upper=1", 4, "C∞"),  # the identity, was C0
        ("rrelu:lower=1,upper=1", 7, True),
        ("softplus", 4, "discontinuous"),  # jumps by 2.1e-9 at x = 20
        ("softplus", 5, False),
        ("softplus:threshold=40", 4, "C∞"),  # its jump is below half an ulp of 40
        ("softplus:threshold=-5", 1, "(-5, inf)"),  # f(-4) = -4; was (0, inf)
        ("celu:alpha=1e-4", 7, True),  # celu'(0) = 1: was "no"
        ("elu:alpha=0", 1, "[0, inf)"),  # was [-0, inf)
    ],
)
def test_props_rows_for_the_reported_parameters(spec, column, text):
    assert props_row(relucli.get(spec))[column] == text


def test_props_moments_for_the_reported_parameters():
    # softplus:threshold=0.3 had its mean 4e-4 off (no split at the jump), celu:alpha=1e-4
    # its moments 4e-9 off (exp(x/alpha) unresolved near 0).
    for spec, mean, var in (
        ("softplus:threshold=0.3", 0.6758893801757969, 0.2067447679502676),
        ("celu:alpha=1e-4", 0.39889228439085544, 0.3408849504528465),
    ):
        got = normal_moments(relucli.get(spec))
        assert got == pytest.approx((mean, var), rel=1e-14, abs=1e-15)


def test_range_text_never_shows_minus_zero():
    assert range_text(relucli.get("elu:alpha=0").range) == "[0, inf)"


def test_moments_beyond_the_float_range_are_inf_not_nan():
    mean, var = normal_moments(relucli.get("elu:alpha=1e200"))
    assert mean == pytest.approx(-2.384217081348766e199, rel=1e-14)  # alpha (e^0.5 Phi(-1) - 1/2)
    assert var == math.inf  # alpha^2 * 0.1 is beyond the float range: its rounding


def test_identity_near_zero_reads_the_gradient_at_zero_where_it_is_no_kink():
    # celu'(0) = 1 on both sides for every alpha, even where exp(x/alpha) varies on 1e-300.
    assert props_row(relucli.get("celu:alpha=1e-300"))[7] is True
    assert props_row(relucli.get("elu:alpha=2"))[7] is False  # a kink: 2 on the left
