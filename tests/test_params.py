"""Parameters and inputs at their edges: what is refused (one-line usage errors), parameters
the input dtype cannot hold (computed in float64 and rounded once), out= aliasing, and the
signed zeros PyTorch gives."""

from __future__ import annotations

import numpy as np
import pytest

import relucli
from relucli.registry import SpecError

# ------------------------------------------------------------------ refused parameters


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (True, "bool"),
        (np.bool_(False), "bool"),
        (None, "NoneType"),
        (np.ones(2), "ndarray"),
        (1j, "complex"),
        (np.complex128(1), "complex128"),
        ([1.0], "list"),
    ],
)
def test_a_parameter_that_is_not_a_real_number_is_a_one_line_spec_error(value, kind):
    with pytest.raises(SpecError) as err:
        relucli.get("elu", alpha=value)
    assert str(err.value) == f"elu: alpha must be a real number, got {kind}"


def test_numpy_and_integer_parameters_are_accepted_as_floats():
    assert relucli.get("elu", alpha=np.float32(0.5)).params == {"alpha": 0.5}
    assert relucli.get("elu", alpha=np.int64(2)).params == {"alpha": 2.0}
    assert relucli.get("elu", alpha=3).params == {"alpha": 3.0}


def test_a_choice_parameter_must_be_text():
    with pytest.raises(
        SpecError, match=r"^gelu: approximate must be one of none, tanh, got NoneType$"
    ):
        relucli.get("gelu", approximate=None)  # str(None) would have read as 'none'


@pytest.mark.parametrize("x", [np.array([1 + 2j]), np.array(["1"]), np.array([object()])])
def test_complex_or_non_numeric_input_is_a_spec_error_not_a_warning(x):
    act = relucli.get("leaky")
    for call in (act, act.grad, act.value_and_grad, lambda x: act.param_grad(x, "alpha")):
        with pytest.raises(SpecError, match=r"^input must be real numbers, got \w+ values$"):
            call(x)


# ------------------------------------------------- parameters the dtype cannot hold

# float32 cannot hold 1e39 (overflows) or 1e-50 (flushes to 0): relucli computes such
# activations in float64 and rounds once (README: "Parameters float32 cannot hold").
UNHELD = [
    "elu:alpha=1e39",
    "celu:alpha=1e-50",
    "celu:alpha=1e39",
    "leaky_relu:1e39",
    "prelu:weight=-1e39",
    "softplus:beta=1e39",
    "softplus:beta=1e-50",
    "rrelu:lower=1e308,upper=1.5e308",
    "hardtanh:min_val=-1e39,max_val=1e-40",
]
EDGES = [-np.inf, -1e30, -2.0, -1e-30, -0.0, 0.0, 1e-30, 3.0, 1e30, np.inf]


@pytest.mark.parametrize("spec", UNHELD)
def test_float32_with_a_parameter_float32_cannot_hold_is_the_float64_result_rounded(spec):
    act = relucli.get(spec)
    x32 = np.array(EDGES, np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad = act.value_and_grad(x32)
        v64, g64 = act.value_and_grad(x32.astype(np.float64))
        with np.errstate(over="ignore"):  # the rounding itself may overflow to inf
            expected = v64.astype(np.float32), g64.astype(np.float32)
        for name in act.variant.param_grads:
            dp = act.param_grad(x32, name)
            assert not np.isnan(dp).any()
    assert value.dtype == grad.dtype == np.float32
    np.testing.assert_array_equal(value, expected[0])
    np.testing.assert_array_equal(grad, expected[1])
    assert not np.isnan(value).any() and not np.isnan(grad).any()


def test_unheld_parameters_give_the_exact_roundings():
    x = np.array([-2.0, 0.0, 3.0], np.float32)
    assert relucli.get("leaky_relu:1e39")(x).tolist() == [-np.inf, 0.0, 3.0]
    assert relucli.get("leaky_relu:1e39").grad(x).tolist() == [np.inf, np.inf, 1.0]
    assert relucli.get("celu:alpha=1e-50").grad(x).tolist() == [0.0, 1.0, 1.0]
    assert relucli.get("softplus:beta=1e39")(x).tolist() == [0.0, np.float32(np.log(2) / 1e39), 3.0]


def test_rrelu_bounds_near_the_float_limit_do_not_overflow_their_mean():
    act = relucli.get("rrelu:lower=1e308,upper=1.5e308")
    value, grad = act.value_and_grad(np.array([0.0, -1e-300, 1.0]))
    assert value.tolist() == [0.0, -1.25e8, 1.0]
    assert grad.tolist() == [1.25e308, 1.25e308, 1.0]
    assert act.grad_range.ends == (1.0, 1.25e308)


# ------------------------------------------------------------------------- out= aliasing

ALIASED = ["leaky_relu", "prelu", "rrelu", "elu", "selu", "celu:alpha=0.3", "gelu"]
ALIASED += ["gelu:approximate=tanh", "softplus:beta=3", "hardswish", "tanh", "silu", "relu"]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", ALIASED)
def test_outputs_that_alias_the_input_give_the_same_numbers(spec, dtype):
    act = relucli.get(spec)
    x0 = np.linspace(-6, 6, 200_001).astype(dtype)  # several chunks
    v0, g0 = act.value_and_grad(x0)
    x = x0.copy()
    assert act(x, out=x) is x
    np.testing.assert_array_equal(x, v0)
    x, g = x0.copy(), np.empty_like(x0)
    act.value_and_grad(x, out=(x, g))
    np.testing.assert_array_equal(x, v0)
    np.testing.assert_array_equal(g, g0)
    x, v = x0.copy(), np.empty_like(x0)
    act.value_and_grad(x, out=(v, x))
    np.testing.assert_array_equal(v, v0)
    np.testing.assert_array_equal(x, g0)
    x = x0.copy()
    act.grad(x, out=x)
    np.testing.assert_array_equal(x, g0)


def test_an_output_overlapping_the_input_shifted_still_gives_the_right_numbers():
    act = relucli.get("leaky_relu")
    buf = np.linspace(-5, 5, 100_001)
    x, out = buf[1:], buf[:-1]
    expected = act(x.copy())
    act(x, out=out)
    np.testing.assert_array_equal(out, expected)
    assert act(4.81, out=np.empty(())).tolist() == 4.81


def test_value_and_gradient_in_one_array_are_refused():
    x, v = np.ones(4), np.empty(4)
    with pytest.raises(ValueError, match=r"^out=: the value and the gradient need two separate"):
        relucli.get("elu").value_and_grad(x, out=(v, v))
    with pytest.raises(ValueError, match="two separate arrays"):
        relucli.get("elu").value_and_grad(x, out=(x, x))


# ------------------------------------------------------------------------- signed zeros


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "spec", ["leaky_relu:0", "elu:alpha=0", "rrelu:lower=0,upper=0", "prelu:weight=0"]
)
def test_a_zero_slope_or_alpha_gives_minus_zero_for_negative_x_as_pytorch(spec, dtype):
    # PyTorch computes 0 * x (leaky, prelu, rrelu) and 0 * expm1(x) (ELU): -0 for x < 0.
    x = np.array([-np.inf, -2.0, -0.0, 0.0, 3.0], dtype)
    value, grad = relucli.get(spec).value_and_grad(x)
    assert value.tolist() == [0.0, 0.0, 0.0, 0.0, 3.0]
    assert np.signbit(value).tolist() == [True, True, True, False, False]
    assert grad.tolist() == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert not np.signbit(grad).any()
