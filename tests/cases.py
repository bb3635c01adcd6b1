"""One row per variant: everything the per-variant tests need, in one table.

Each row holds the limits at -inf and +inf (value and gradient), the gradient at each kink
per convention, the mpmath reference (written from the formula, not the code), the PyTorch
function (or NOT_IN_TORCH), and the extra parameter settings the checks exercise. The test
files expand the rows into their checks; tests/test_registry.py fails when a registry
variant has no row or a row names no variant. Adding a variant: its record and one row here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction

import mpmath as mp

from relucli.variants import REGISTRY, SELU_ALPHA, SELU_SCALE

mp.mp.dps = 50
mpf = mp.mpf
INF = math.inf
NOT_IN_TORCH = "not in torch"

# x -> (value, gradient, gradient scale or None), exact at 50 digits; the scale is the
# largest term of a gradient that is a sum crossing zero (errors are measured in its ulps).
Reference = Callable[[mp.mpf], tuple]


def _sig(x):
    return 1 / (1 + mp.exp(-x))


def _plain(value, grad) -> Reference:
    return lambda x: (value(x), grad(x), None)


def _leaky(s) -> Reference:
    s = mpf(s)
    return _plain(lambda x: x if x > 0 else s * x, lambda x: mpf(1) if x > 0 else s)


def _elu(alpha, scale=1, divisor=1) -> Reference:
    a, lam, d = mpf(alpha), mpf(scale), mpf(divisor)
    return _plain(
        lambda x: lam * x if x > 0 else lam * a * mp.expm1(x / d),
        lambda x: lam if x > 0 else lam * a / d * mp.exp(x / d),
    )


def _clip(lo, hi) -> Reference:
    lo, hi = mpf(lo), mpf(hi)
    return _plain(lambda x: min(max(x, lo), hi), lambda x: mpf(1 if lo < x < hi else 0))


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


def _softplus(beta, threshold) -> Reference:
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


# zoo1: references of the frameworks' functions.


def _ramp(lo, hi) -> Reference:
    lo, hi = mpf(lo), mpf(hi)
    return _plain(
        lambda x: min(max((x - lo) / (hi - lo), mpf(0)), mpf(1)),
        lambda x: 1 / (hi - lo) if lo < x < hi else mpf(0),
    )


def _softshrink(lambd) -> Reference:
    lam = mpf(lambd)
    return _plain(
        lambda x: x - lam if x > lam else x + lam if x < -lam else mpf(0),
        lambda x: mpf(1 if abs(x) > lam else 0),
    )


def _hardshrink(lambd) -> Reference:
    lam = mpf(lambd)
    return _plain(lambda x: x if abs(x) > lam else mpf(0), lambda x: mpf(1 if abs(x) > lam else 0))


def _threshold(threshold, value) -> Reference:
    t, v = mpf(threshold), mpf(value)
    return _plain(lambda x: x if x > t else v, lambda x: mpf(1 if x > t else 0))


def _step(at_zero) -> Reference:
    h = mpf(at_zero)
    return _plain(lambda x: mpf(1) if x > 0 else h if x == 0 else mpf(0), lambda x: mpf(0))


def _keras_relu(slope, max_value, threshold) -> Reference:
    # Keras 3: a given max_value also clips at 0 (x between a negative threshold and 0).
    a, m, t = mpf(slope), mpf(max_value), mpf(threshold)
    capped = max_value != INF
    return _plain(
        lambda x: a * (x - t) if x <= t else min(max(x, 0), m) if capped else x,
        lambda x: a if x <= t else mpf(1 if not capped or 0 < x < m else 0),
    )


def _tanhshrink_value(x):
    # x - tanh(x) cancels 2 log10(1/|x|) digits: 50 are gone by |x| = 1e-25 (mpmath gave 0
    # for -5.4e-90 at x = -2.5e-30); below 1e-10 its series x³/3 - 2x⁵/15 + 17x⁷/315.
    if abs(x) < mpf(10) ** -10:
        return x**3 / 3 - 2 * x**5 / 15 + 17 * x**7 / 315
    return x - mp.tanh(x)


def _swish(beta) -> Reference:
    b = mpf(beta)

    def f(x):
        s = _sig(b * x)
        second = b * x * s * _sig(-b * x)
        return x * s, s + second, max(abs(s), abs(second))

    return f


# ------------------------------------------------------------ models for any parameters
#
# params -> (x -> (value, gradient, gradient scale or None, {parameter: d value/d parameter}))
# at 50 digits (more where a parameter gradient cancels), for any valid parameters: the
# parameter-sampling tests (tests/test_param_accuracy.py) draw parameters from the records'
# ranges and compare against these.
Model = Callable[[dict], Callable[[mp.mpf], tuple]]


def _fixed(reference: Reference) -> Model:
    """A variant without number parameters: its reference, no parameter gradients."""
    return lambda p: lambda x: (*reference(x), {})


def _leaky_model(name: str, half: tuple[str, str] | None = None) -> Model:
    def model(p):
        s = (mpf(p[half[0]]) + mpf(p[half[1]])) / 2 if half else mpf(p[name])
        names = half or (name,)
        weight = mpf(0.5) if half else mpf(1)

        def f(x):
            neg = min(x, mpf(0)) * weight
            return (
                (x if x > 0 else s * x),
                (mpf(1) if x > 0 else s),
                None,
                dict.fromkeys(names, neg),
            )

        return f

    return model


def _elu_model(p):
    a = mpf(p["alpha"])

    def f(x):
        if x > 0:
            return x, mpf(1), None, {"alpha": mpf(0)}
        return a * mp.expm1(x), a * mp.exp(x), None, {"alpha": mp.expm1(x)}

    return f


def _squareplus(b) -> Reference:
    # For x < 0, x + sqrt(x^2 + b) cancels even at 50 digits: its conjugate form.
    b = mpf(b)

    def f(x):
        r = mp.sqrt(x * x + b)
        if x >= 0:
            return (x + r) / 2, (1 + x / r) / 2, None
        return b / (2 * (r - x)), b / (2 * r * (r - x)), None

    return f


def _celu_model(p):
    a = mpf(p["alpha"])

    def f(x):
        if x > 0:
            return x, mpf(1), None, {"alpha": mpf(0)}
        q = x / a
        if q > -1e-12:  # expm1(q) - q exp(q) cancels: its series, -q^2/2 - q^3/3 - q^4/8
            d = -(q**2) * (mpf(1) / 2 + q / 3 + q**2 / 8)
        else:
            d = mp.expm1(q) - q * mp.exp(q)
        return a * mp.expm1(q), mp.exp(q), None, {"alpha": d}

    return f


def _sparse_plus(x):
    if x <= -1:
        return mpf(0), mpf(0), None
    if x >= 1:
        return x, mpf(1), None
    return (x + 1) ** 2 / 4, (x + 1) / 2, None


def _softplus_model(p):
    b, t = mpf(p["beta"]), mpf(p["threshold"])

    def f(x):
        y = b * x
        if y > t:
            return x, mpf(1), None, {"beta": mpf(0)}
        value = mp.log1p(mp.exp(y)) / b
        sig = 1 / (1 + mp.exp(-y))
        if y <= 0:
            d = (x * sig - value) / b
        else:
            # x sigmoid(y) - value cancels y/2.3 digits; the same quantity, exactly:
            # -(y sigmoid(-y) + log1p(exp(-y)))/beta^2.
            d = -(y / (1 + mp.exp(y)) + mp.log1p(mp.exp(-y))) / b**2
        return value, sig, None, {"beta": d}

    return f


def _hardtanh_model(p):
    lo, hi = mpf(p["min_val"]), mpf(p["max_val"])

    def f(x):
        grads = {"min_val": mpf(1 if x < lo else 0), "max_val": mpf(1 if x > hi else 0)}
        return min(max(x, lo), hi), mpf(1 if lo < x < hi else 0), None, grads

    return f


def _gelu_model(p):
    return _fixed(_gelu_tanh if p["approximate"] == "tanh" else _gelu)(p)


@dataclass(frozen=True)
class Case:
    name: str  # the registry's canonical name
    limits: tuple[tuple[float, float], tuple[float, float]]  # (value, grad) at -inf, +inf
    kinks: dict[str, dict[float, float]]  # convention -> {x: f'(x)} at the defaults
    reference: Reference  # mpmath, at the defaults
    ulps: int  # float64 accuracy bound against the reference (float32: always 4)
    torch: str  # the PyTorch function, or NOT_IN_TORCH
    specs: tuple[str, ...] = ()  # more settings for every property and kernel check
    kernel_specs: tuple[str, ...] = ()  # edge settings for the kernel checks only
    references: dict[str, Reference] = field(default_factory=dict)  # spec -> mpmath
    param_grads: tuple[tuple[str, str], ...] = ()  # (spec, parameter) checked by differences
    model: Model | None = None  # mpmath for any parameters (None: the reference, no params)
    # Largest parameter magnitude the sampling tests draw (10^x): most of the float range.
    param_exp: float = 300


def _same(kinks: dict[float, float]) -> dict[str, dict[float, float]]:
    return {"torch": kinks, "jax": kinks}


_F = "torch.nn.functional."
_RRELU_EVAL = (1 / 8 + 1 / 3) / 2

CASES: tuple[Case, ...] = (
    Case(
        "relu",
        ((0, 0), (INF, 1)),
        _same({0.0: 0.0}),
        _plain(lambda x: max(x, 0), lambda x: mpf(1) if x > 0 else mpf(0)),
        4,
        _F + "relu",
    ),
    Case(
        "leaky_relu",
        ((-INF, 0.01), (INF, 1)),
        {"torch": {0.0: 0.01}, "jax": {0.0: 1.0}},
        _leaky(0.01),
        4,
        _F + "leaky_relu",
        specs=("leaky_relu:0.2",),
        kernel_specs=("leaky_relu:0", "leaky_relu:-0.5", "leaky_relu:3"),
        references={"leaky_relu:negative_slope=0.2": _leaky(0.2)},
        param_grads=(("leaky_relu:0.1", "negative_slope"), ("leaky_relu:0.1", "alpha")),
        model=_leaky_model("negative_slope"),
    ),
    Case(
        "prelu",
        ((-INF, 0.25), (INF, 1)),
        {"torch": {0.0: 0.25}, "jax": {0.0: 1.0}},
        _leaky(0.25),
        4,
        _F + "prelu",
        specs=("prelu:weight=0",),
        param_grads=(("prelu", "weight"),),
        model=_leaky_model("weight"),
    ),
    Case(
        "elu",
        ((-1, 0), (INF, 1)),
        _same({0.0: 1.0}),
        _elu(1),
        4,
        _F + "elu",
        specs=("elu:alpha=0.5", "elu:alpha=2"),
        kernel_specs=("elu:alpha=3",),
        references={"elu:alpha=0.5": _elu(0.5)},
        param_grads=(("elu:alpha=0.7", "alpha"),),
        model=_elu_model,
    ),
    Case(
        "rrelu",
        ((-INF, _RRELU_EVAL), (INF, 1)),
        {"torch": {0.0: _RRELU_EVAL}, "jax": {0.0: 1.0}},
        _leaky((mpf(0.125) + mpf(1 / 3)) / 2),
        4,
        _F + "rrelu",
        specs=("rrelu:lower=0.1,upper=0.3",),
        kernel_specs=("rrelu:lower=0.5,upper=1.5",),
        param_grads=(("rrelu", "lower"), ("rrelu", "upper")),
        model=_leaky_model("", ("lower", "upper")),
    ),
    Case(
        "selu",
        ((-1.7580993408473766, 0), (INF, 1.0507009873554805)),
        _same({0.0: 1.7580993408473766}),
        _elu(SELU_ALPHA, SELU_SCALE),
        4,
        _F + "selu",
    ),
    Case(
        "relu6",
        ((0, 0), (6, 0)),
        _same({0.0: 0.0, 6.0: 0.0}),
        _clip(0, 6),
        4,
        _F + "relu6",
    ),
    Case(
        "celu",
        ((-1, 0), (INF, 1)),
        _same({0.0: 1.0}),
        _elu(1),
        4,
        _F + "celu",
        specs=("celu:alpha=0.5",),
        kernel_specs=("celu:alpha=2",),
        references={"celu:alpha=2": _elu(2, 1, 2)},
        param_grads=(("celu:alpha=1.5", "alpha"),),
        model=_celu_model,
    ),
    Case(
        "gelu",
        ((0, 0), (INF, 1)),
        _same({}),
        _gelu,
        16,
        _F + "gelu",
        specs=("gelu:approximate=tanh",),
        references={"gelu:approximate=tanh": _gelu_tanh},
        model=_gelu_model,
    ),
    Case("silu", ((0, 0), (INF, 1)), _same({}), _silu, 16, _F + "silu"),
    Case("mish", ((0, 0), (INF, 1)), _same({}), _mish, 16, _F + "mish"),
    Case(
        "softplus",
        ((0, 0), (INF, 1)),
        _same({20.0: 1 / (1 + math.exp(-20.0))}),  # the softplus side: beta*x > t is strict
        _softplus(1, 20),
        16,
        _F + "softplus",
        specs=("softplus:beta=2,threshold=5",),
        kernel_specs=("softplus:beta=2,threshold=10",),
        references={"softplus:beta=2,threshold=10": _softplus(2, 10)},
        param_grads=(("softplus:beta=1.5", "beta"),),
        model=_softplus_model,
    ),
    Case(
        "hardswish",
        ((0, 0), (INF, 1)),
        _same({-3.0: 0.0, 3.0: 1.0}),
        _hardswish,
        4,
        _F + "hardswish",
    ),
    Case(
        "hardtanh",
        ((-1, 0), (1, 0)),
        {"torch": {-1.0: 0.0, 1.0: 0.0}, "jax": {-1.0: 1.0, 1.0: 1.0}},
        _clip(-1, 1),
        4,
        _F + "hardtanh",
        specs=("hardtanh:min_val=-2,max_val=0.5",),
        kernel_specs=("hardtanh:min_val=0,max_val=6", "hardtanh:min_val=-0.5,max_val=0.25"),
        references={"hardtanh:min_val=-2,max_val=0.5": _clip(-2, 0.5)},
        param_grads=(
            ("hardtanh:min_val=-0.55,max_val=2.05", "min_val"),
            ("hardtanh:min_val=-0.55,max_val=2.05", "max_val"),
        ),
        model=_hardtanh_model,
    ),
    Case(
        "sigmoid",
        ((0, 0), (1, 0)),
        _same({}),
        _plain(_sig, lambda x: _sig(x) * _sig(-x)),
        16,
        "torch.sigmoid",
    ),
    Case(
        "tanh",
        ((-1, 0), (1, 0)),
        _same({}),
        _plain(mp.tanh, lambda x: mp.sech(x) ** 2),
        16,
        "torch.tanh",
    ),
)

# zoo1: the frameworks' functions.
CASES += (
    Case(
        "hardsigmoid",
        ((0, 0), (1, 0)),
        _same({-3.0: 0.0, 3.0: 0.0}),
        _ramp(-3, 3),
        4,
        _F + "hardsigmoid",
        specs=("hardsigmoid:lower=-2.5,upper=2.5",),
        kernel_specs=("hardsigmoid:lower=-0.1,upper=0.7", "hardsigmoid:lower=2,upper=1e30"),
        references={
            "hardsigmoid:lower=-2.5,upper=2.5": _ramp(-2.5, 2.5),
            "hardsigmoid:lower=-0.1,upper=0.7": _ramp(-0.1, 0.7),
        },
        param_grads=(
            ("hardsigmoid:lower=-2.55,upper=1.05", "lower"),
            ("hardsigmoid:lower=-2.55,upper=1.05", "upper"),
        ),
    ),
    Case(
        "sparse_sigmoid",
        ((0, 0), (1, 0)),
        {"torch": {-1.0: 0.0, 1.0: 0.0}, "jax": {-1.0: 0.25, 1.0: 0.25}},
        _ramp(-1, 1),
        4,
        NOT_IN_TORCH,
    ),
    Case(
        "softsign",
        ((-1, 0), (1, 0)),
        _same({}),
        _plain(lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2),
        4,
        _F + "softsign",
    ),
    Case(
        "logsigmoid",
        ((-INF, 1), (0, 0)),
        _same({}),
        _plain(lambda x: -mp.log1p(mp.exp(-x)), lambda x: _sig(-x)),
        16,
        _F + "logsigmoid",
    ),
)

CASES += (
    Case(
        "softshrink",
        ((-INF, 1), (INF, 1)),
        _same({-0.5: 0.0, 0.5: 0.0}),
        _softshrink(0.5),
        4,
        _F + "softshrink",
        specs=("softshrink:lambd=2",),
        kernel_specs=("softshrink:0", "softshrink:0.1"),
        references={"softshrink:0.1": _softshrink(0.1), "softshrink:lambd=2": _softshrink(2)},
        param_grads=(("softshrink:0.57", "lambd"),),
    ),
    Case(
        "hardshrink",
        ((-INF, 1), (INF, 1)),
        _same({-0.5: 0.0, 0.5: 0.0}),
        _hardshrink(0.5),
        4,
        _F + "hardshrink",
        specs=("hardshrink:lambd=2",),
        kernel_specs=("hardshrink:0", "hardshrink:0.1"),
        references={"hardshrink:0.1": _hardshrink(0.1), "hardshrink:lambd=2": _hardshrink(2)},
        param_grads=(("hardshrink:0.57", "lambd"),),
    ),
    Case(
        "tanhshrink",
        ((-INF, 1), (INF, 1)),
        _same({}),
        _plain(_tanhshrink_value, lambda x: mp.tanh(x) ** 2),
        16,
        _F + "tanhshrink",
    ),
    Case(
        "threshold",
        ((0, 0), (INF, 1)),
        _same({0.0: 0.0}),
        _threshold(0, 0),
        4,
        _F + "threshold",
        specs=("threshold:threshold=1,value=2", "threshold:threshold=0.5,value=-1"),
        kernel_specs=("threshold:threshold=0.1,value=0.3",),
        references={"threshold:threshold=0.1,value=0.3": _threshold(0.1, 0.3)},
        param_grads=(
            ("threshold:0.55,value=-2", "threshold"),
            ("threshold:0.55,value=-2", "value"),
        ),
    ),
    Case(
        "step",
        ((0, 0), (1, 0)),
        _same({0.0: 0.0}),
        _step(0.5),
        4,
        NOT_IN_TORCH,
        specs=("step:at_zero=1", "step:at_zero=0"),
        kernel_specs=("step:at_zero=-2",),
        references={"step:at_zero=1": _step(1)},
        param_grads=(("step", "at_zero"),),
    ),
    Case(
        "keras_relu",
        ((0, 0), (INF, 1)),
        _same({0.0: 0.0}),
        _keras_relu(0, INF, 0),
        4,
        NOT_IN_TORCH,
        specs=(
            "keras_relu:negative_slope=0.2,max_value=6",
            "keras_relu:negative_slope=0.1,max_value=6,threshold=1.5",
            "keras_relu:negative_slope=0.3,threshold=-0.7",
            "keras_relu:negative_slope=0.3,max_value=4,threshold=-0.7",
            "keras_relu:max_value=2,threshold=3",
        ),
        kernel_specs=("keras_relu:negative_slope=-0.5,max_value=0.1,threshold=0.3",),
        references={
            "keras_relu:negative_slope=0.1,max_value=6,threshold=1.5": _keras_relu(0.1, 6, 1.5),
            "keras_relu:negative_slope=0.3,threshold=-0.7": _keras_relu(0.3, INF, -0.7),
            "keras_relu:negative_slope=0.3,max_value=4,threshold=-0.7": _keras_relu(0.3, 4, -0.7),
            "keras_relu:negative_slope=-0.5,max_value=0.1,threshold=0.3": _keras_relu(
                -0.5, 0.1, 0.3
            ),
        },
        param_grads=tuple(
            ("keras_relu:negative_slope=0.15,max_value=5.55,threshold=-1.45", p)
            for p in ("negative_slope", "max_value", "threshold")
        ),
    ),
)

CASES += (
    Case(
        "swish",
        ((0, 0), (INF, 1)),
        _same({}),
        _silu,
        16,
        NOT_IN_TORCH,
        specs=("swish:beta=2.5", "swish:beta=0.3"),
        kernel_specs=("swish:beta=1e-5", "swish:beta=1e5"),
        references={"swish:beta=2.5": _swish(2.5), "swish:beta=0.3": _swish(0.3)},
        param_grads=(("swish:beta=1.3", "beta"),),
    ),
    Case("quick_gelu", ((0, 0), (INF, 1)), _same({}), _swish(1.702), 16, NOT_IN_TORCH),
)

CASES += (
    Case(
        "squareplus",
        ((0, 0), (INF, 1)),
        _same({}),
        _squareplus(4),
        16,
        NOT_IN_TORCH,
        specs=("squareplus:b=0.5",),
        kernel_specs=("squareplus:b=1e-20", "squareplus:b=1e20"),
        references={"squareplus:b=0.5": _squareplus(0.5)},
        param_grads=(("squareplus:b=2.5", "b"),),
    ),
    Case(
        "sparse_plus",
        ((0, 0), (INF, 1)),
        _same({-1.0: 0.0, 1.0: 1.0}),
        _sparse_plus,
        4,
        NOT_IN_TORCH,
    ),
    Case(
        "relu2",
        ((0, 0), (INF, INF)),
        _same({0.0: 0.0}),
        _plain(lambda x: max(x, 0) ** 2, lambda x: 2 * max(x, 0)),
        4,
        NOT_IN_TORCH,
    ),
    Case(
        "identity",
        ((-INF, 1), (INF, 1)),
        _same({}),
        _plain(lambda x: x, lambda x: mpf(1)),
        4,
        NOT_IN_TORCH,
    ),
)


# ------------------------------------------------- the ReLU-family literature (zoo2)
#
# References written from the papers' formulas (see each record's `reference`).


def _starrelu(s, b) -> Reference:
    s, b = mpf(s), mpf(b)
    return _plain(lambda x: s * max(x, 0) ** 2 + b, lambda x: 2 * s * max(x, 0))


def _xielu(ap, an, beta) -> Reference:
    ap, an, beta = mpf(ap), mpf(an), mpf(beta)

    def f(x):
        if x > 0:
            return ap * x * x + beta * x, 2 * ap * x + beta, None
        value = an * (mp.expm1(x) - x) + beta * x
        # f' as alpha_n expm1(x) + beta: alpha_n e^x + (beta - alpha_n) loses beta at 50
        # digits when beta/alpha_n < 1e-50.
        first = an * mp.exp(x)
        return value, an * mp.expm1(x) + beta, max(abs(first), abs(beta - an))

    return f


def _pelu(a, b) -> Reference:
    a, b = mpf(a), mpf(b)
    return _plain(
        lambda x: a / b * x if x >= 0 else a * mp.expm1(x / b),
        lambda x: a / b if x >= 0 else a / b * mp.exp(x / b),
    )


def _srelu(tl, al, tr, ar) -> Reference:
    tl_a, tr_a = (tl, al), (tr, ar)
    tl, al, tr, ar = mpf(tl), mpf(al), mpf(tr), mpf(ar)

    def f(x):
        # Exact rationals, rounded once: at 50 digits t + a (x - t) loses a tiny x (a = 1,
        # t = 0.1, x = -4.8e-54 gave 0) and a x + (1 - a) t a small t (a = -7.5e50, x = t = 1).
        def piece(a, t):
            v = Fraction(float(a)) * Fraction(float(x)) + (1 - Fraction(float(a))) * Fraction(
                float(t)
            )
            return mpf(v.numerator) / v.denominator

        if x <= tl:
            return piece(tl_a[1], tl_a[0]), al, None
        if x <= tr:
            return x, mpf(1), None
        return piece(tr_a[1], tr_a[0]), ar, None

    return f


def _smelu(beta) -> Reference:
    b = mpf(beta)

    def f(x):
        if x <= -b:
            return mpf(0), mpf(0), None
        if x >= b:
            return x, mpf(1), None
        return (x + b) ** 2 / (4 * b), (x + b) / (2 * b), None

    return f


def _isrlu(alpha) -> Reference:
    a = mpf(alpha)
    return _plain(
        lambda x: x if x >= 0 else x / mp.sqrt(1 + a * x * x),
        lambda x: mpf(1) if x >= 0 else (1 + a * x * x) ** mpf(-1.5),
    )


def _thresholded(theta) -> Reference:
    t = mpf(theta)
    return _plain(lambda x: x if x > t else mpf(0), lambda x: mpf(1 if x > t else 0))


def _elish(x):
    if x >= 0:
        return _silu(x)
    s, e = _sig(x), mp.exp(x)
    first, second = e * s, mp.expm1(x) * s * _sig(-x)
    return mp.expm1(x) * s, first + second, max(abs(first), abs(second))


def _hard_elish(x):
    h = max(mpf(0), min(mpf(1), (x + 1) / 2))
    if x >= 0:
        return x * h, (x + mpf(0.5) if x <= 1 else mpf(1)), None
    if x <= -1:
        return mpf(0), mpf(0), None
    first, second = mp.exp(x) * h, mp.expm1(x) / 2
    return mp.expm1(x) * h, first + second, max(abs(first), abs(second))


def _tanhexp(x):
    if x > 40:  # tanh(e^x) = 1 - 2e^(-2e^x) to far below 50 digits; mpmath's tanh overflows
        return x, mpf(1), None
    u = mp.exp(x)
    t = mp.tanh(u)
    second = x * u * mp.sech(u) ** 2
    return x * t, t + second, max(abs(t), abs(second))


def _lisht(x):
    return x * mp.tanh(x), mp.tanh(x) + x * mp.sech(x) ** 2, None


def _frelu(b) -> Reference:
    b = mpf(b)
    return _plain(lambda x: max(x, 0) + b, lambda x: mpf(1) if x > 0 else mpf(0))


CASES += (
    Case(
        "starrelu",
        ((-0.4472, 0), (INF, INF)),
        _same({0.0: 0.0}),
        _starrelu(0.8944, -0.4472),
        4,
        NOT_IN_TORCH,
        specs=("starrelu:scale=2,bias=-3",),
        kernel_specs=("starrelu:scale=-0.5,bias=1", "starrelu:scale=0,bias=2"),
        references={"starrelu:scale=2,bias=-3": _starrelu(2, -3)},
        param_grads=(("starrelu", "scale"), ("starrelu", "bias")),
    ),
    Case(
        "xielu",
        ((INF, 0.5 - 0.8), (INF, INF)),
        _same({0.0: 0.5}),
        _xielu(0.8, 0.8, 0.5),
        4,
        NOT_IN_TORCH,
        specs=("xielu:alpha_p=2,alpha_n=1.5,beta=0.25",),
        kernel_specs=("xielu:beta=0", "xielu:alpha_n=0.5000001"),
        references={
            "xielu:alpha_p=2,alpha_n=1.5,beta=0.25": _xielu(2, 1.5, 0.25),
            "xielu:beta=0": _xielu(0.8, 0.8, 0),
        },
        param_grads=(
            ("xielu:alpha_p=0.7,alpha_n=1.1,beta=0.3", "alpha_p"),
            ("xielu:alpha_p=0.7,alpha_n=1.1,beta=0.3", "alpha_n"),
            ("xielu:alpha_p=0.7,alpha_n=1.1,beta=0.3", "beta"),
        ),
    ),
    Case(
        "pelu",
        ((-1, 0), (INF, 1)),
        _same({0.0: 1.0}),
        _pelu(1, 1),
        4,
        NOT_IN_TORCH,
        specs=("pelu:a=2,b=0.5",),
        kernel_specs=("pelu:a=0.5,b=3", "pelu:a=1e-3,b=1e-5"),
        references={"pelu:a=2,b=0.5": _pelu(2, 0.5), "pelu:a=0.5,b=3": _pelu(0.5, 3)},
        param_grads=(("pelu:a=1.5,b=0.75", "a"), ("pelu:a=1.5,b=0.75", "b")),
    ),
    Case(
        "srelu",
        ((-INF, 0.5), (INF, 1)),
        _same({0.0: 0.5, 2.5: 1.0}),
        _srelu(0, 0.5, 2.5, 1),
        4,
        NOT_IN_TORCH,
        specs=("srelu:t_left=-1,a_left=0.1,t_right=1,a_right=0.5",),
        kernel_specs=("srelu:t_left=-2,a_left=-0.5,t_right=3,a_right=2", "srelu:a_left=0"),
        references={
            "srelu:t_left=-1,a_left=0.1,t_right=1,a_right=0.5": _srelu(-1, 0.1, 1, 0.5),
            "srelu:t_left=-2,a_left=-0.5,t_right=3,a_right=2": _srelu(-2, -0.5, 3, 2),
        },
        param_grads=tuple(
            ("srelu:t_left=-0.55,a_left=0.3,t_right=2.05,a_right=0.6", p)
            for p in ("t_left", "a_left", "t_right", "a_right")
        ),
    ),
    Case(
        "smelu",
        ((0, 0), (INF, 1)),
        _same({-2.0: 0.0, 2.0: 1.0}),
        _smelu(2),
        4,
        NOT_IN_TORCH,
        specs=("smelu:0.5",),
        kernel_specs=("smelu:1e-30",),
        references={"smelu:beta=0.5": _smelu(0.5)},
        param_grads=(("smelu:beta=1.35", "beta"),),
    ),
    Case(
        "isrlu",
        ((-1, 0), (INF, 1)),
        _same({0.0: 1.0}),
        _isrlu(1),
        4,
        NOT_IN_TORCH,
        specs=("isrlu:alpha=3",),
        kernel_specs=("isrlu:alpha=1e-30", "isrlu:alpha=1e30"),
        references={"isrlu:alpha=3": _isrlu(3), "isrlu:alpha=0.25": _isrlu(0.25)},
        param_grads=(("isrlu:alpha=0.7", "alpha"),),
    ),
    Case(
        "thresholded_relu",
        ((0, 0), (INF, 1)),
        _same({1.0: 0.0}),
        _thresholded(1),
        4,
        NOT_IN_TORCH,
        specs=("thresholded_relu:theta=0", "thresholded_relu:2.5"),
        references={"thresholded_relu:theta=2.5": _thresholded(2.5)},
        param_grads=(("thresholded_relu:1.05", "theta"),),
    ),
    Case("elish", ((0, 0), (INF, 1)), _same({0.0: 0.5}), _elish, 16, NOT_IN_TORCH),
    Case(
        "hard_elish",
        ((0, 0), (INF, 1)),
        _same({-1.0: 0.0, 1.0: 1.5}),
        _hard_elish,
        4,
        NOT_IN_TORCH,
    ),
    Case("tanhexp", ((0, 0), (INF, 1)), _same({}), _tanhexp, 16, NOT_IN_TORCH),
    Case("lisht", ((INF, -1), (INF, 1)), _same({}), _lisht, 16, NOT_IN_TORCH),
    Case(
        "frelu",
        ((0, 0), (INF, 1)),
        _same({0.0: 0.0}),
        _frelu(0),
        4,
        NOT_IN_TORCH,
        specs=("frelu:bias=-0.4",),
        references={"frelu:bias=-0.4": _frelu(-0.4)},
        param_grads=(("frelu:bias=-0.25", "bias"),),
    ),
)

# ------------------------------------------- models of the zoo's parameterized variants
#
# The same functions as the references above, for any valid parameters, with every
# parameter's derivative, on the kernels' sides at the kinks (one-sided, as the record's
# param_grads: e.g. hardsigmoid's ends belong to the flat side).


def _em1mx(x):
    """exp(x) - 1 - x: below 1e-10 the 50-digit expm1(x) - x loses its x²/2 (x = -1e-300)."""
    if abs(x) < mpf(10) ** -10:
        return x**2 / 2 + x**3 / 6 + x**4 / 24 + x**5 / 120
    return mp.expm1(x) - x


def _hardsigmoid_model(p):
    lo, hi = mpf(p["lower"]), mpf(p["upper"])
    w = hi - lo

    def f(x):
        if lo < x < hi:
            d = {"lower": (x - hi) / w**2, "upper": (lo - x) / w**2}
            return (x - lo) / w, 1 / w, None, d
        return mpf(0 if x <= lo else 1), mpf(0), None, {"lower": mpf(0), "upper": mpf(0)}

    return f


def _softshrink_model(p):
    lam = mpf(p["lambd"])

    def f(x):
        if x > lam:
            return x - lam, mpf(1), None, {"lambd": mpf(-1)}
        if x < -lam:
            return x + lam, mpf(1), None, {"lambd": mpf(1)}
        return mpf(0), mpf(0), None, {"lambd": mpf(0)}

    return f


def _hardshrink_model(p):
    ref = _hardshrink(p["lambd"])
    return lambda x: (*ref(x), {"lambd": mpf(0)})


def _threshold_model(p):
    ref, t = _threshold(p["threshold"], p["value"]), mpf(p["threshold"])
    return lambda x: (*ref(x), {"threshold": mpf(0), "value": mpf(1 if x <= t else 0)})


def _step_model(p):
    ref = _step(p["at_zero"])
    return lambda x: (*ref(x), {"at_zero": mpf(1 if x == 0 else 0)})


def _keras_relu_model(p):
    a, m, t = (mpf(p[k]) for k in ("negative_slope", "max_value", "threshold"))
    ref = _keras_relu(p["negative_slope"], p["max_value"], p["threshold"])

    def f(x):
        d = {
            "negative_slope": min(x - t, mpf(0)),
            "threshold": -a if x < t else mpf(0),
            "max_value": mpf(1 if x > max(t, m) else 0),
        }
        return (*ref(x), d)

    return f


def _swish_model(p):
    b, ref = mpf(p["beta"]), _swish(p["beta"])

    def f(x):
        return (*ref(x), {"beta": x * x * _sig(b * x) * _sig(-b * x)})

    return f


def _squareplus_model(p):
    b, ref = mpf(p["b"]), _squareplus(p["b"])
    return lambda x: (*ref(x), {"b": 1 / (4 * mp.sqrt(x * x + b))})


def _starrelu_model(p):
    ref = _starrelu(p["scale"], p["bias"])
    return lambda x: (*ref(x), {"scale": max(x, mpf(0)) ** 2, "bias": mpf(1)})


def _xielu_model(p):
    ap, an, beta = (mpf(p[k]) for k in ("alpha_p", "alpha_n", "beta"))

    def f(x):
        if x > 0:
            d = {"alpha_p": x * x, "alpha_n": mpf(0), "beta": x}
            return ap * x * x + beta * x, 2 * ap * x + beta, None, d
        em = _em1mx(x)
        first = an * mp.exp(x)
        d = {"alpha_p": mpf(0), "alpha_n": em, "beta": x}
        return an * em + beta * x, an * mp.expm1(x) + beta, max(abs(first), abs(beta - an)), d

    return f


def _pelu_model(p):
    a, b = mpf(p["a"]), mpf(p["b"])

    def f(x):
        if x >= 0:
            return a / b * x, a / b, None, {"a": x / b, "b": -a * x / b**2}
        e = mp.exp(x / b)
        return a * mp.expm1(x / b), a / b * e, None, {"a": mp.expm1(x / b), "b": -a * x / b**2 * e}

    return f


def _srelu_model(p):
    tl, al, tr, ar = (mpf(p[k]) for k in ("t_left", "a_left", "t_right", "a_right"))
    ref = _srelu(p["t_left"], p["a_left"], p["t_right"], p["a_right"])

    def f(x):
        d = dict.fromkeys(("t_left", "a_left", "t_right", "a_right"), mpf(0))
        if x <= tl:
            d["t_left"], d["a_left"] = 1 - al, x - tl
        elif x > tr:
            d["t_right"], d["a_right"] = 1 - ar, x - tr
        return (*ref(x), d)

    return f


def _smelu_model(p):
    b, ref = mpf(p["beta"]), _smelu(p["beta"])

    def f(x):
        d = (x + b) * (b - x) / (4 * b**2) if -b < x < b else mpf(0)
        return (*ref(x), {"beta": d})

    return f


def _isrlu_model(p):
    a, ref = mpf(p["alpha"]), _isrlu(p["alpha"])

    def f(x):
        d = -(x**3) / (2 * (1 + a * x * x) ** mpf(1.5)) if x < 0 else mpf(0)
        return (*ref(x), {"alpha": d})

    return f


def _thresholded_model(p):
    ref = _thresholded(p["theta"])
    return lambda x: (*ref(x), {"theta": mpf(0)})


def _frelu_model(p):
    ref = _frelu(p["bias"])
    return lambda x: (*ref(x), {"bias": mpf(1)})


_ZOO_MODELS: dict[str, Model] = {
    "hardsigmoid": _hardsigmoid_model,
    "softshrink": _softshrink_model,
    "hardshrink": _hardshrink_model,
    "threshold": _threshold_model,
    "step": _step_model,
    "keras_relu": _keras_relu_model,
    "swish": _swish_model,
    "squareplus": _squareplus_model,
    "starrelu": _starrelu_model,
    "xielu": _xielu_model,
    "pelu": _pelu_model,
    "srelu": _srelu_model,
    "smelu": _smelu_model,
    "isrlu": _isrlu_model,
    "thresholded_relu": _thresholded_model,
    "frelu": _frelu_model,
}
CASES = tuple(
    replace(c, model=_ZOO_MODELS[c.name]) if c.name in _ZOO_MODELS and c.model is None else c
    for c in CASES
)

BY_NAME = {c.name: c for c in CASES}

# Every setting the property checks run on (the defaults first), and the kernel checks.
SPECS = [c.name for c in CASES] + [s for c in CASES for s in c.specs]
KERNEL_SPECS = SPECS + [s for c in CASES for s in c.kernel_specs]
# (spec, reference, float64 ulps) for the accuracy checks.
REFERENCES = [(c.name, c.reference, c.ulps) for c in CASES] + [
    (spec, ref, c.ulps) for c in CASES for spec, ref in c.references.items()
]
PARAM_GRADS = [pair for c in CASES for pair in c.param_grads]


def model(case: Case) -> Model | None:
    """The case's mpmath model for any parameters: its reference when the variant has no
    number parameters, None when it has some but the row gives no model (then only the
    defaults can be checked against the reference)."""
    if case.model is not None:
        return case.model
    numbers = [p for p in REGISTRY.variants[case.name].params if not p.choices]
    return None if numbers else _fixed(case.reference)


def exact(case: Case, params: dict):
    """x -> (value, gradient, scale, {parameter: derivative}) in mpmath at these parameters:
    the row's model, or its reference at the defaults (a row without a model)."""
    found = model(case)
    if found is not None:
        return found(params)
    if params != REGISTRY.variants[case.name].defaults():
        raise ValueError(f"{case.name}: tests/cases.py has no model for {params}")
    return _fixed(case.reference)(params)
