"""The variant records and their kernels: limits, properties, conventions, specs, dtypes."""

from __future__ import annotations

import math

import cases
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import relucli
from relucli.activation import Activation
from relucli.registry import CONVENTIONS, SpecError

INF = math.inf
SPECS = cases.SPECS
DTYPES = [np.float64, np.float32]


def every_float(dtype):
    return st.floats(allow_nan=True, allow_infinity=True, width=32 if dtype == np.float32 else 64)


def arrays(dtype, elements=None, max_size=64):
    return hnp.arrays(dtype, st.integers(1, max_size), elements=elements or every_float(dtype))


# ------------------------------------------------------------------ limits and NaN


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("dtype", DTYPES)
def test_infinite_inputs_give_the_limits(case, dtype):
    (v_lo, g_lo), (v_hi, g_hi) = case.limits
    value, grad = relucli.get(case.name).value_and_grad(np.array([-INF, INF], dtype=dtype))
    assert value.tolist() == [dtype(v_lo), dtype(v_hi)]
    assert grad.tolist() == [dtype(g_lo), dtype(g_hi)]


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_gives_nan_for_value_and_gradient(spec, dtype):
    value, grad = relucli.get(spec).value_and_grad(np.array([np.nan, 1.0], dtype=dtype))
    assert np.isnan(value[0]) and np.isnan(grad[0])
    assert not np.isnan(value[1]) and not np.isnan(grad[1])


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_no_floating_point_warning_for_any_input(spec, dtype, data):
    x = data.draw(arrays(dtype))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad = relucli.get(spec).value_and_grad(x)
    finite_or_inf = ~np.isnan(x)
    assert not np.isnan(value[finite_or_inf]).any()
    assert not np.isnan(grad[finite_or_inf]).any()


@pytest.mark.parametrize("dtype", DTYPES)
def test_extreme_inputs_raise_no_warning(dtype):
    info = np.finfo(dtype)
    x = np.array(
        [
            -INF,
            -info.max,
            -1e30,
            -800,
            -100,
            -40,
            -1e-30,
            -info.smallest_subnormal,
            -0.0,
            0.0,
            info.smallest_subnormal,
            1e-30,
            40,
            100,
            800,
            1e30,
            info.max,
            INF,
            np.nan,
        ],
        dtype=dtype,
    )
    for name in SPECS:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            relucli.get(name).value_and_grad(x)


# ----------------------------------------------------------------- declared properties


FINITE = st.floats(-1e6, 1e6, allow_nan=False)


@pytest.mark.parametrize("spec", SPECS)
@settings(max_examples=60, deadline=None)
@given(x=hnp.arrays(np.float64, st.integers(1, 50), elements=FINITE))
def test_outputs_and_gradients_stay_inside_declared_bounds(spec, x):
    act = relucli.get(spec)
    value, grad = act.value_and_grad(x)
    lo, hi = act.bounds
    glo, ghi = act.grad_bounds
    assert np.all(value >= lo) and np.all(value <= hi)
    # A smooth gradient's maximum (sigmoid' = 1/4 at 0) may be overshot by rounding alone.
    slack = 4 * np.finfo(np.float64).eps
    assert np.all(grad >= glo - slack * abs(glo)) and np.all(grad <= ghi + slack * abs(ghi))


@pytest.mark.parametrize("spec", [s for s in SPECS if relucli.get(s).monotonic])
@settings(max_examples=60, deadline=None)
@given(x=hnp.arrays(np.float64, st.integers(2, 50), elements=FINITE))
def test_monotonic_where_declared(spec, x):
    f = relucli.get(spec)(np.sort(x))
    # Within the rounding: a correctly rounded smooth kernel (logsigmoid near 0, where f is
    # flat to 1e-17 and the accuracy contract allows an ulp) may step back by one ulp.
    assert np.all(np.diff(f) >= -np.spacing(np.abs(f[1:])))


@pytest.mark.parametrize("spec", [s for s in SPECS if not relucli.get(s).monotonic])
def test_non_monotonic_ones_really_dip(spec):
    act = relucli.get(spec)
    # Softplus dips only at its threshold jump: sample both sides of each kink too.
    near = [k + d for k in (*act.kinks, *act.jumps) for d in (-1e-9, 1e-9)]
    x = np.sort(np.concatenate([np.linspace(-6, 6, 100001), near]))
    assert np.any(np.diff(act(x)) < 0)


@pytest.mark.parametrize("spec", SPECS)
def test_declared_extremes_are_reached(spec):
    """Finite bounds are infima/suprema: sampling gets within 1e-9 of them."""
    act = relucli.get(spec)
    coarse = np.concatenate([np.linspace(-60, 60, 120001), [-INF, INF], act.kinks])

    def extreme(fn, pick):
        y = fn(coarse)
        i = int(pick(y))
        if not np.isfinite(coarse[i]):
            return y[i]
        # Zoom in twice around the best sample: a smooth extremum needs a fine grid, and an
        # open end approached linearly (hardswish' -> -1/2 as x -> -3) a finer one.
        best = coarse[i]
        for width in (2e-3, 2e-7):
            fine = np.linspace(best - width, best + width, 40001)
            best = fine[pick(fn(fine))]
        return fn(np.array([best]))[0]

    for bound, sample in (
        (act.bounds[0], extreme(act, np.argmin)),
        (act.bounds[1], extreme(act, np.argmax)),
        (act.grad_bounds[0], extreme(act.grad, np.argmin)),
        (act.grad_bounds[1], extreme(act.grad, np.argmax)),
    ):
        if math.isfinite(bound):
            assert abs(sample - bound) < 1e-9, (bound, sample)


@pytest.mark.parametrize("spec", SPECS)
def test_dead_zone_is_exactly_where_the_gradient_is_zero(spec):
    act = relucli.get(spec)
    # Within +-20 no gradient underflows (gelu-tanh's does below -25: exp(-2000) is 0).
    x = np.linspace(-20, 20, 40001)
    x = x[~np.isin(x, act.kinks)]
    dead = np.zeros(x.shape, bool)
    for lo, hi in act.dead_zone:
        dead |= (x > lo) & (x < hi)
    grad = act.grad(x)
    assert np.all(grad[dead] == 0)
    # Outside the dead zone a zero can only be isolated (hardswish'(-1.5) = 0, its minimum).
    zero = (grad == 0) & ~dead
    assert not np.any(zero[1:] & zero[:-1])


@pytest.mark.parametrize("spec", SPECS)
def test_continuity_class_matches_the_gradient(spec):
    """discontinuous: the value jumps at some kink; C0: it does not, the gradient does; C1
    and C∞: neither (one-sided limits)."""
    act = relucli.get(spec)
    if act.jumps:
        return  # f jumps away from its kinks (softplus at its threshold): tests/test_props.py
    points = [*act.kinks, 0.0]
    steps = [abs(float(act(k - 1e-9)) - float(act(k + 1e-9))) for k in points]
    if act.continuity == "discontinuous":
        assert max(steps) > 1e-3
        return
    assert max(steps) < 1e-6
    jumps = [abs(float(act.grad(k - 1e-9)) - float(act.grad(k + 1e-9))) for k in points]
    if act.continuity == "C0":
        assert max(jumps) > 1e-3
    else:
        assert max(jumps) < 1e-6


@pytest.mark.parametrize("spec", SPECS)
@settings(max_examples=40, deadline=None)
@given(x=hnp.arrays(np.float64, st.integers(1, 40), elements=st.floats(-30, 30)))
def test_gradient_agrees_with_central_differences_away_from_kinks(spec, x):
    act = relucli.get(spec)
    for k in act.kinks:
        x = x[np.abs(x - k) > 1e-3]
    if act.name == "softplus":
        x = x[np.abs(act.params["beta"] * x - act.params["threshold"]) > 1e-3]
    h = 1e-6
    numeric = (act(x + h) - act(x - h)) / (2 * h)
    # Where C1 pieces meet (StarReLU at 0, SmeLU at +-beta) f'' jumps and the difference is
    # off by h (f''(x+) - f''(x-))/4, within h |f''| of the mean second difference.
    curvature = np.abs(act(x + h) - 2 * act(x) + act(x - h)) / (h * h)
    error = np.abs(act.grad(x) - numeric)
    assert np.all(error <= 1e-7 + 1e-5 * np.abs(numeric) + h * curvature), (x, error)


@pytest.mark.parametrize("spec", SPECS)
def test_value_and_grad_equal_separate_calls(spec):
    act = relucli.get(spec)
    x = np.linspace(-10, 10, 1001)
    value, grad = act.value_and_grad(x)
    np.testing.assert_array_equal(value, act(x))
    np.testing.assert_array_equal(grad, act.grad(x))


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dtype_and_shape_are_preserved(spec, dtype):
    x = np.linspace(-3, 3, 24, dtype=dtype).reshape(2, 3, 4)
    value, grad = relucli.get(spec).value_and_grad(x)
    assert value.dtype == dtype and grad.dtype == dtype
    assert value.shape == (2, 3, 4) and grad.shape == (2, 3, 4)


def test_integers_and_scalars_are_computed_in_float64():
    relu = relucli.get("relu")
    assert relu(np.array([-1, 2])).dtype == np.float64
    assert relu(3).shape == () and float(relu(3)) == 3.0
    assert relu([[-1.0, 2.0]]).tolist() == [[0.0, 2.0]]


def test_out_arrays_are_filled_and_returned():
    x = np.array([-1.0, 0.5])
    value, grad = np.empty(2), np.empty(2)
    v, g = relucli.get("elu").value_and_grad(x, out=(value, grad))
    assert v is value and g is grad
    assert value.tolist() == [math.expm1(-1), 0.5]
    with pytest.raises(ValueError, match="out= array must be C-contiguous float64 of shape"):
        relucli.get("elu")(x, out=np.empty(3))


# --------------------------------------------------------------- kinks and conventions


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("convention", ["torch", "jax"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_gradients_at_kinks_follow_the_convention(case, convention, dtype):
    act = relucli.get(case.name, convention=convention)
    # Every declared kink has its gradient pinned in the case row.
    assert set(act.kinks) <= set(case.kinks[convention])
    x = np.array(list(case.kinks[convention]), dtype=dtype)
    expected = [dtype(g) for g in case.kinks[convention].values()]
    assert act.grad(x).tolist() == expected
    assert act.value_and_grad(x)[1].tolist() == expected


def test_gradient_at_a_kink_follows_the_parameters():
    assert float(relucli.get("elu:alpha=0.5").grad(0.0)) == 0.5
    assert relucli.get("hardtanh:min_val=-2,max_val=3").grad(np.array([-2.0, 3.0])).tolist() == [
        0,
        0,
    ]
    jax = relucli.get("hardtanh:min_val=-2,max_val=3", convention="jax")
    assert jax.grad(np.array([-2.0, 3.0])).tolist() == [1, 1]


def test_conventions_agree_away_from_kinks():
    # With the same parameters (a convention also brings its defaults: gelu@jax is tanh).
    for name in relucli.names():
        torch = relucli.get(name)
        # Not at a kink of the variant (hardsigmoid's is at 3, and tf.keras 2 takes the inner
        # branch there).
        x = np.array([t for t in (-2.0, 3.0, 3.5) if t not in torch.kinks])
        for convention in CONVENTIONS:
            other = Activation(torch.variant, torch.params, convention=convention)
            np.testing.assert_array_equal(torch.grad(x), other.grad(x))


def test_unknown_convention_is_refused():
    with pytest.raises(SpecError, match=r"unknown convention 'tensorflow' \(valid: torch, jax,"):
        relucli.get("relu", convention="tensorflow")


# ------------------------------------------------------------------ parameter gradients


PARAM_CASES = cases.PARAM_GRADS


@pytest.mark.parametrize(("spec", "param"), PARAM_CASES)
def test_parameter_gradients_agree_with_differences_in_the_parameter(spec, param):
    act = relucli.get(spec)
    name = act.variant.param(param).name
    x = np.linspace(-8, 8, 161)
    h = 1e-6
    up = relucli.get(act.name, **{**act.params, name: act.params[name] + h})
    down = relucli.get(act.name, **{**act.params, name: act.params[name] - h})
    np.testing.assert_allclose(
        act.param_grad(x, param), (up(x) - down(x)) / (2 * h), rtol=1e-6, atol=1e-8
    )


def test_parameter_gradients_spelled_out():
    x = np.array([-2.0, 0.0, 3.0])
    assert relucli.get("prelu").param_grad(x, "weight").tolist() == [-2.0, 0.0, 0.0]
    assert relucli.get("elu").param_grad(x, "alpha").tolist() == [math.expm1(-2), 0.0, 0.0]
    with pytest.raises(SpecError, match="unknown parameter 'beta' for elu"):
        relucli.get("elu").param_grad(x, "beta")
    with pytest.raises(SpecError, match="no gradient with respect to 'approximate'"):
        relucli.get("gelu").param_grad(x, "approximate")


# ---------------------------------------------------------------------------- RReLU


def test_rrelu_training_mode_is_reproducible_and_inside_its_band():
    x = -np.ones(10000)
    a = relucli.get("rrelu", train=True, seed=7)
    slopes = a.grad(x)
    np.testing.assert_array_equal(slopes, relucli.get("rrelu", train=True, seed=7).grad(x))
    assert not np.array_equal(slopes, relucli.get("rrelu", train=True, seed=8).grad(x))
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3
    assert abs(slopes.mean() - (1 / 8 + 1 / 3) / 2) < 0.003
    value, grad = a.value_and_grad(x)
    np.testing.assert_array_equal(value, -grad)
    assert relucli.get("rrelu", train=True, seed=7).grad(np.ones(5)).tolist() == [1.0] * 5


# ---------------------------------------------------------------------------- specs


@pytest.mark.parametrize(
    ("spec", "name", "params"),
    [
        ("leaky", "leaky_relu", {"negative_slope": 0.01}),
        ("LReLU:0.2", "leaky_relu", {"negative_slope": 0.2}),
        ("Leaky-ReLU:alpha=1/8", "leaky_relu", {"negative_slope": 0.125}),
        ("elu:alpha=0.5", "elu", {"alpha": 0.5}),
        ("rrelu:lower=1/10,upper=0.3", "rrelu", {"lower": 0.1, "upper": 0.3}),
        ("rrelu:0.1", "rrelu", {"lower": 0.1, "upper": 1 / 3}),
        ("gelu:approximate=TANH", "gelu", {"approximate": "tanh"}),
        ("swish", "swish", {"beta": 1.0}),
        ("prelu:a=0.1", "prelu", {"weight": 0.1}),
        (" softplus : beta = 2 , threshold = 10 ", "softplus", {"beta": 2.0, "threshold": 10.0}),
    ],
)
def test_specs_parse(spec, name, params):
    act = relucli.get(spec)
    assert act.name == name
    assert act.params == params


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "seluu",
            f"unknown variant 'seluu'; did you mean 'selu'? (valid: {', '.join(relucli.names())};",
        ),
        ("elu:alhpa=1", "unknown parameter 'alhpa' for elu; did you mean 'alpha'? (valid: alpha)"),
        ("relu:1", "relu takes no parameters, got 'relu:1'"),
        ("rrelu:lower=-1", "rrelu: lower must be >= 0, got -1"),
        ("rrelu:lower=0.5,upper=0.2", "rrelu: lower must be <= upper, got lower=0.5 > upper=0.2"),
        ("softplus:beta=0", "softplus: beta must be > 0, got 0"),
        ("celu:alpha=0", "celu: alpha must be > 0, got 0"),
        ("elu:alpha=-1", "elu: alpha must be >= 0, got -1"),
        ("leaky:inf", "leaky_relu: negative_slope must be a finite number, got inf"),
        ("leaky:abc", "not a number: 'abc'"),
        ("leaky:1/0", "not a number: '1/0' (division by zero)"),
        ("gelu:approximate=erf", "gelu: approximate must be one of none, tanh, got 'erf'"),
        ("elu:0.5,0.7", "elu: write later parameters as NAME=VALUE, got '0.7'"),
    ],
)
def test_bad_specs_are_usage_errors_with_the_valid_choices(spec, message):
    with pytest.raises(SpecError) as err:
        relucli.get(spec)
    assert str(err.value).startswith(message)


def test_labels_and_specs_show_parameters():
    assert relucli.get("leaky").label == "leaky_relu (α=0.01)"
    assert relucli.get("elu:alpha=0.5").spec == "elu:alpha=0.5"
    assert relucli.get("elu").spec == "elu"
    assert relucli.get("relu").label == "relu"
    assert relucli.get("rrelu", train=True).label == "rrelu (l=0.125, u=1/3, train)"
