"""The frameworks' functions of the zoo, spelled out: the decisions each record makes (which
definition, which side a kink or jump takes, what a parameter means) as exact values. The
generic checks (limits, accuracy, kinks per convention, kernels) come from tests/cases.py."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

import relucli
from relucli.registry import Param, SpecError
from relucli.variants import REGISTRY, VARIANTS

INF = math.inf
DTYPES = [np.float64, np.float32]

# ------------------------------------------------------------------------- groups


def test_frameworks_and_research_groups_follow_the_origin_field():
    assert {v.origin for v in VARIANTS} <= {"framework", "research"}
    frameworks = [v.name for v in VARIANTS if v.origin == "framework"]
    research = [v.name for v in VARIANTS if v.origin == "research"]
    assert REGISTRY.group("frameworks") == frameworks
    assert REGISTRY.group("research") == research
    assert {"relu", "hardtanh", "swish", "sparse_plus", "identity"} <= set(frameworks)
    assert "relu2" in frameworks  # MLX ships squared ReLU (mlx.nn.relu2)
    assert REGISTRY.expand([]) == REGISTRY.group("seed")  # seed stays the default


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("hard_silu", "hardswish"),
        ("hard_sigmoid", "hardsigmoid"),
        ("log_sigmoid", "logsigmoid"),
        ("soft_sign", "softsign"),
        ("squared_relu", "relu2"),
        ("gelu_sigmoid", "quick_gelu"),
        ("gelu_fast_approx", "quick_gelu"),
        ("linear", "identity"),
        ("heaviside", "step"),
        ("swish", "swish"),
    ],
)
def test_framework_names_resolve(alias, name):
    assert relucli.get(alias).name == name


def test_record_texts_are_printable_and_table_safe():
    for v in VARIANTS:
        for text in (v.summary, v.formula, v.latex, v.kink_rule, v.jax_rule):
            assert text.isprintable(), (v.name, text)
        # A "|" would end a cell of the README's Markdown tables.
        assert "|" not in v.formula + v.summary + v.kink_rule + v.jax_rule, v.name


# ------------------------------------------------------------------------ swish


@pytest.mark.parametrize("dtype", DTYPES)
def test_swish_at_its_default_is_silu_bit_for_bit(dtype):
    x = np.concatenate([np.linspace(-40, 40, 4001), [0.0, -0.0, INF, -INF, np.nan]])
    x = x.astype(dtype)
    swish, silu = relucli.get("swish").value_and_grad(x), relucli.get("silu").value_and_grad(x)
    for a, b in zip(swish, silu, strict=True):
        np.testing.assert_array_equal(a, b)


def test_swish_beta_and_quick_gelu():
    x = np.array([-2.0, 0.0, 1.0])
    sig = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    np.testing.assert_allclose(relucli.get("swish:beta=2")(x), x * sig(2 * x), rtol=1e-15)
    np.testing.assert_allclose(relucli.get("quick_gelu")(x), x * sig(1.702 * x), rtol=1e-15)


def test_swish_keeps_relative_accuracy_deep_in_the_left_tail():
    # σ(βx) ≈ exp(βx) amplifies the rounding of βx = -1.702·400 by 680 ulp unless βx is exact.
    with mp.workdps(50):
        x = mp.mpf(-400)
        exact = x / (1 + mp.exp(-mp.mpf(1.702) * x))
    got = float(relucli.get("quick_gelu")(-400.0))
    assert abs(got - exact) <= 4 * np.spacing(abs(got))


# -------------------------------------------------------------------- hard sigmoid


@pytest.mark.parametrize("dtype", DTYPES)
def test_hardsigmoid_is_pytorchs_formula_bit_for_bit(dtype):
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(0, 3, 5000), [-3, 3, 0, -0.0, INF, -INF, np.nan]])
    x = x.astype(dtype)
    value, grad = relucli.get("hardsigmoid").value_and_grad(x)
    np.testing.assert_array_equal(value, np.minimum(np.maximum(x + dtype(3), 0), 6) / dtype(6))
    inside = (x > -3) & (x < 3)
    np.testing.assert_array_equal(grad, np.where(np.isnan(x), np.nan, inside / dtype(6)))


def test_hardsigmoid_tf_keras_2_definition_by_its_ends():
    # tf.keras 2 and ONNX: clip(0.2x + 0.5, 0, 1), the ramp from -2.5 to 2.5.
    act = relucli.get("hardsigmoid:lower=-2.5,upper=2.5")
    value, grad = act.value_and_grad(np.array([-2.5, -1.0, 0.0, 1.0, 2.5]))
    assert value.tolist() == [0.0, 0.3, 0.5, 0.7, 1.0]
    assert grad.tolist() == [0.0, 0.2, 0.2, 0.2, 0.0]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("hardsigmoid:lower=3", "hardsigmoid: lower must be < upper, got lower=3 >= upper=3"),
        (
            "hardsigmoid:lower=-1e308,upper=1e308",
            "hardsigmoid: upper - lower must be finite, got 1e+308 - -1e+308",
        ),
    ],
)
def test_hardsigmoid_bad_ends(spec, message):
    with pytest.raises(SpecError) as err:
        relucli.get(spec)
    assert str(err.value) == message


def test_sparse_sigmoid_kinks_per_convention():
    x = np.array([-1.0, 1.0])
    assert relucli.get("sparse_sigmoid").grad(x).tolist() == [0.0, 0.0]
    # jnp.clip is min(max(...)), and JAX's max and min split a tie: 1/2 of the slope 1/2.
    assert relucli.get("sparse_sigmoid", convention="jax").grad(x).tolist() == [0.25, 0.25]


# ------------------------------------------------------------ shrinks and thresholds


def test_shrinks_at_and_around_lambda():
    x = np.array([-0.75, -0.5, -0.25, 0.0, 0.5, 0.75])
    value, grad = relucli.get("softshrink").value_and_grad(x)
    assert value.tolist() == [-0.25, 0.0, 0.0, 0.0, 0.0, 0.25]
    assert grad.tolist() == [1.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    value, grad = relucli.get("hardshrink").value_and_grad(x)
    assert value.tolist() == [-0.75, 0.0, 0.0, 0.0, 0.0, 0.75]
    assert grad.tolist() == [1.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    assert not np.signbit(value[value == 0]).any()  # PyTorch's zeros are +0


def test_tanhshrink_does_not_cancel_near_zero():
    # PyTorch's x - tanh(x) gives 3.333328757e-16 at 1e-5: 15 bits lost.
    for x in (1e-5, 0.3, 0.7, -0.9):
        with mp.workdps(50):
            exact = mp.mpf(x) - mp.tanh(mp.mpf(x))
        got = float(relucli.get("tanhshrink")(x))
        assert abs(got - exact) <= 4 * np.spacing(abs(got)), x


def test_threshold_is_pytorchs():
    # F.threshold(x, 1, 2): x above 1, else 2; the gradient 0 at the threshold itself.
    value, grad = relucli.get("threshold:threshold=1,value=2").value_and_grad(
        np.array([0.5, 1.0, 2.0])
    )
    assert value.tolist() == [2.0, 2.0, 2.0]
    assert grad.tolist() == [0.0, 0.0, 1.0]


@pytest.mark.parametrize("dtype", DTYPES)
def test_step_and_its_zero_gradient(dtype):
    x = np.array([-INF, -1.0, -0.0, 0.0, 1.0, INF, np.nan], dtype=dtype)
    value, grad = relucli.get("step").value_and_grad(x)
    np.testing.assert_array_equal(value, [0, 0, 0.5, 0.5, 1, 1, np.nan])
    np.testing.assert_array_equal(grad, [0, 0, 0, 0, 0, 0, np.nan])
    assert relucli.get("step:at_zero=1")(dtype(0)) == 1


# --------------------------------------------------------------------- Keras's relu


def test_keras_relu_spelled_out():
    act = relucli.get("keras_relu:negative_slope=0.1,max_value=6,threshold=1.5")
    value, grad = act.value_and_grad(np.array([-1.0, 1.5, 1.6, 6.0, 7.0]))
    np.testing.assert_allclose(value, [-0.25, 0.0, 1.6, 6.0, 6.0], rtol=1e-15)
    assert grad.tolist() == [0.1, 0.1, 1.0, 0.0, 0.0]


def test_keras_relu_negative_threshold_with_and_without_a_cap():
    # Keras 3 clips x·[x > threshold] to [0, max_value] only when max_value is given.
    x = np.array([-1.0, -0.5, 2.0])
    uncapped = relucli.get("keras_relu:negative_slope=0.3,threshold=-0.7")
    capped = relucli.get("keras_relu:negative_slope=0.3,threshold=-0.7,max_value=4")
    np.testing.assert_allclose(uncapped(x), [-0.09, -0.5, 2.0], rtol=1e-15)
    np.testing.assert_allclose(capped(x), [-0.09, 0.0, 2.0], rtol=1e-15)
    assert uncapped.continuity == "discontinuous" and capped.continuity == "C0"


def test_keras_relu_max_value_accepts_inf_only_there():
    assert relucli.get("keras_relu:max_value=inf").params["max_value"] == INF
    with pytest.raises(SpecError, match=r"^keras_relu: max_value must be > 0, got 0$"):
        relucli.get("keras_relu:max_value=0")
    with pytest.raises(SpecError, match=r"^hardtanh: max_val must be a finite number, got inf$"):
        relucli.get("hardtanh:max_val=inf")
    p = Param("m", INF, "", low=0.0, low_open=True, allow_inf=True)
    assert p.accepts(INF) and not p.accepts(math.nan) and not p.accepts(-INF)


# ------------------------------------------------------------------------ algebraic


def test_squareplus_far_left_does_not_cancel():
    # (x + sqrt(x^2 + 4))/2 is inf at -1e200 as JAX writes it (x^2 overflows), 0 at -1e9.
    value, grad = relucli.get("squareplus").value_and_grad(np.array([-1e200, -1e9, 0.0]))
    assert value.tolist() == [1e-200, 1e-9, 1.0]
    np.testing.assert_allclose(grad, [0.0, 1e-18, 0.5], rtol=1e-15)  # 1e-400 underflows


def test_sparse_plus_and_relu2_spelled_out():
    x = np.array([-2.0, -1.0, 0.0, 0.5, 1.0, 3.0])
    value, grad = relucli.get("sparse_plus").value_and_grad(x)
    assert value.tolist() == [0.0, 0.0, 0.25, 0.5625, 1.0, 3.0]
    assert grad.tolist() == [0.0, 0.0, 0.5, 0.75, 1.0, 1.0]
    value, grad = relucli.get("relu2").value_and_grad(x)
    assert value.tolist() == [0.0, 0.0, 0.0, 0.25, 1.0, 9.0]
    assert grad.tolist() == [0.0, 0.0, 0.0, 1.0, 2.0, 6.0]


# --------------------------------------------------- Keras's relu under each backend
#
# The reference file measures keras_relu at one parameter set (0.1, 6, 1); the records' rules
# are functions of the parameters. These rows were measured the same way (each backend's own
# autodiff, float64; Keras 3.15.1, tf_keras 2.21) at the other branches of Keras's code: a
# negative threshold with a cap (clip ties at 0 and at the cap), threshold 0 with cap 6
# (relu6), with another cap (relu then clip), and with no cap (the backend's leaky_relu).
_KERAS_RELU_KINKS = [
    ("0.1,max_value=3,threshold=-1", {"keras-tf": [0, 1, 1], "keras-jax": [0, 0.5, 0.5]}),
    ("0.1,max_value=3,threshold=-1", {"keras-torch": [0, 1, 1], "tf-keras": [0, 1, 1]}),
    ("0.1,max_value=6,threshold=0", {"keras-tf": [0, 0], "keras-jax": [0, 0]}),
    ("0.1,max_value=3,threshold=0", {"keras-tf": [0, 1], "keras-jax": [0, 0.5]}),
    ("0.1,max_value=inf,threshold=0", {"keras-torch": [0.1], "keras-jax": [1]}),
    ("0,max_value=inf,threshold=2", {"keras-tf": [0], "tf-keras": [0]}),
    ("0.1,max_value=2,threshold=3", {"keras-jax": [0], "tf-keras": [0]}),
]


@pytest.mark.parametrize(("params", "by_framework"), _KERAS_RELU_KINKS)
def test_keras_relu_kinks_follow_the_backend_for_every_branch(params, by_framework):
    for fw, grads in by_framework.items():
        act = relucli.get(f"keras_relu@{fw}:{params}")
        assert act.grad(np.array(act.kinks)).tolist() == grads, (fw, act.kinks)


def test_tf_keras_relu_is_nan_at_minus_inf_with_a_threshold():
    # x·[x > threshold] as a product: -inf·0. Keras 3 uses a where(): the limit.
    for params, at in (("0.1,max_value=6,threshold=1", 6.0), ("0,max_value=inf,threshold=2", INF)):
        facts = REGISTRY.variants["keras_relu"].frameworks["tf-keras"]
        pairs = facts.limit_pairs(relucli.get(f"keras_relu@tf-keras:{params}").params)
        assert math.isnan(pairs[0][0]) and pairs[1][0] == at
        assert REGISTRY.variants["keras_relu"].frameworks["keras-tf"].limit_pairs({}) is None
    assert (
        REGISTRY.variants["keras_relu"]
        .frameworks["tf-keras"]
        .limit_pairs(relucli.get("keras_relu@tf-keras:0.1,max_value=3").params)
        is None
    )
