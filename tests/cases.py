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
from dataclasses import dataclass, field

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
