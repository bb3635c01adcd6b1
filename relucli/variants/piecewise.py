"""Piecewise-linear and piecewise-quadratic variants: ReLU, leaky ReLU, PReLU, RReLU,
ReLU6, hardtanh and hardswish. Each record sits next to its kernel.

Speed (see benchmarks/README.md): these are a few passes each, so branches are written as
arithmetic that is exact for both sides: max/min of the two branches where their order is
known (leaky ReLU is max(x, slope*x) for slope <= 1), or ``ceil(min(v, 1))``, which is 0, 1
or NaN like a step function; ``np.where``, masked copies and boolean indexing cost 10-100
times a pass.
"""

from __future__ import annotations

import math

import numpy as np

from ..frameworks import KERAS, NAN_TAILS, facts, same_facts
from ..numerics.chunked import KernelArgs, Workspace, streaming
from ..numerics.elementwise import blend, const, step_ceil
from ..registry import Interval, Param, SpecError, Variant

INF = math.inf

# ----------------------------------------------------------------- the leaky family


def _piecewise_linear(x, value, grad, slope, jax: bool, w: Workspace) -> None:
    """x for x > 0, slope*x for x < 0 (leaky ReLU, PReLU, RReLU): gradient 1 or slope.

    At x = 0 the gradient is slope (PyTorch, the x <= 0 branch) or 1 (``jax``). ``slope``
    is a scalar or an array broadcasting against x (RReLU training, PReLU per neuron).
    ``w`` is this helper's own scratch.
    """
    scalar = np.ndim(slope) == 0
    if scalar and 0 < slope <= 1 and not jax and grad is not None:
        # The gradient first, then value = x * gradient, in three passes: ceil(x) is >= 1
        # where x > 0 and <= 0 where x <= 0 (NaN kept), so the clip gives 1 or slope, and
        # x * 1 or x * slope is PyTorch's value exactly (-0 * slope = -0 included).
        np.ceil(x, out=grad)
        np.clip(grad, slope, 1, out=grad)
        np.multiply(x, grad, out=value)
        return
    lo, hi = (slope, slope) if scalar else (np.min(slope), np.max(slope))
    if scalar and slope == 0:
        # PyTorch computes 0 * x = -0 for x < 0; 0 * -inf would be NaN where the limit is -0.
        # max(x, 0) is +0 there and keeps NaN; copying x's sign gives the -0.
        np.maximum(x, w.full(0, x), out=value)
        np.copysign(value, x, out=value)
    elif lo >= 0:
        with np.errstate(over="ignore" if hi > 1 else "raise"):
            np.multiply(x, slope, out=value)  # may overflow to the right +-inf
        # Both branches ordered: for 0 <= slope <= 1, x >= slope*x where x >= 0 and
        # x <= slope*x where x <= 0, so the max picks x*1 or x*slope exactly (the min for
        # slope >= 1); on a tie (x = +-0) it returns slope*x, whose zero has x's sign.
        if hi <= 1:
            np.maximum(x, value, out=value)
        elif lo >= 1:
            np.minimum(x, value, out=value)
        else:
            np.copyto(value, np.where(x > 0, x, value))  # slopes on both sides of 1: rare
    else:
        # Negative slopes (unusual): x * (1 or slope), as written.
        g = blend(_step_from_x(x, w.buf(2, x), jax, w), 1, slope, out=w.buf(1, x))
        with np.errstate(over="ignore"):
            np.multiply(x, g, out=value)
    if grad is None:
        return
    if scalar and slope == 0 and not jax:
        step_ceil(value, grad, w)  # like ReLU: 1 where x > 0, +0 elsewhere
    else:
        h = _step_from_x(x, w.buf(2, x), jax, w)
        blend(h, 1, slope, out=grad)


def _step_from_x(x: np.ndarray, out: np.ndarray, jax: bool, w: Workspace) -> np.ndarray:
    """The slope-1 indicator into ``out``: x > 0 (PyTorch) or x >= 0 (JAX), NaN for NaN."""
    if not jax:
        np.maximum(x, w.full(0, x), out=out)  # +0 for x <= 0, ties included
        return step_ceil(out, out, w)
    # x >= 0  <=>  not (-x > 0): 1 - step(-x), which keeps NaN and treats -0 as 0.
    np.negative(x, out=out)
    np.maximum(out, w.full(0, x), out=out)
    step_ceil(out, out, w)
    np.subtract(1, out, out=out)
    return out


@streaming
def relu_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    # max(0, x) returns x on a tie, so relu(-0) = -0 as in PyTorch.
    np.maximum(w.full(0, x), x, out=value)
    if grad is not None:
        step_ceil(value, grad, w)  # relu'(0) = 0 in PyTorch and JAX


@streaming
def leaky_relu_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    _piecewise_linear(x, value, grad, a.negative_slope, a.jax, w.scope("linear"))


@streaming
def prelu_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    _piecewise_linear(x, value, grad, a.weight, a.jax, w.scope("linear"))


@streaming
def rrelu_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    if a.rng is None:
        slope = x.dtype.type(rrelu_eval_slope(a.exact["lower"], a.exact["upper"]))
    else:
        # Training mode: one slope per element from U(lower, upper); drawing for every
        # element (not only negative ones) keeps the stream independent of the data, and
        # drawing float64 per chunk continues one stream, so chunking changes nothing.
        u = a.rng.random(out=w.buf(0, x, np.float64).reshape(-1)).reshape(x.shape)
        u *= a.upper - a.lower
        u += a.lower
        slope = w.buf(1, x)
        np.copyto(slope, u, casting="same_kind")
    _piecewise_linear(x, value, grad, slope, a.jax, w.scope("linear"))


def rrelu_eval_slope(lower: float, upper: float) -> float:
    """(lower + upper)/2, the eval-mode slope, in float64: the sum overflows for bounds
    near the float limit (1e308 + 1.5e308 = inf, and inf * 0 = NaN at x = 0), so then each
    bound is halved first (exact for normal numbers)."""
    total = lower + upper
    return total / 2 if math.isfinite(total) else lower / 2 + upper / 2


def _rrelu_slope(p) -> float:
    return rrelu_eval_slope(p["lower"], p["upper"])


def _d_slope(x: np.ndarray, p) -> np.ndarray:
    return np.minimum(x, 0)


def _d_rrelu_bound(x: np.ndarray, p) -> np.ndarray:
    return np.minimum(x, 0) / 2  # eval slope is (lower + upper)/2


def _check_rrelu(p) -> None:
    if p["lower"] > p["upper"]:
        raise SpecError(
            f"rrelu: lower must be <= upper, got lower={p['lower']:g} > upper={p['upper']:g}"
        )


def _slope_range(slope: float) -> Interval:
    # slope > 0: slope*x covers (-inf, 0]; slope <= 0: both branches are >= 0, 0 at x = 0.
    return Interval(-INF, INF) if slope > 0 else Interval(0.0, INF)


def _slope_grads(slope: float) -> Interval:
    return Interval(min(slope, 1.0), max(slope, 1.0))


def _slope_continuity(slope: float) -> str:
    return "C∞" if slope == 1 else "C0"  # slope 1 is the identity


def _slope_kinks(slope: float) -> tuple[float, ...]:
    return () if slope == 1 else (0.0,)


def _dead_if(zero: bool) -> tuple[Interval, ...]:
    return (Interval(-INF, 0.0),) if zero else ()


_JAX_LEAKY = "1"

_RELU_FW = {
    "torch": facts("torch.nn.functional.relu", "torch.relu", "torch.nn.ReLU"),
    "jax": facts("jax.nn.relu"),
    "flax": facts("flax.linen.relu"),
    "tf": facts("tf.nn.relu"),
    "tf-keras": facts("tf_keras.activations.relu", "tf_keras.layers.ReLU"),
    **same_facts(KERAS, facts("keras.activations.relu", "keras.ops.relu", "keras.layers.ReLU")),
    "mlx": facts("mlx.nn.relu", "mlx.nn.ReLU"),
}

RELU = Variant(
    name="relu",
    summary="Rectified linear unit: passes positives, zeroes negatives.",
    formula="max(0, x)",
    latex=r"\max(0, x)",
    kernel=relu_kernel,
    range=Interval(0.0, INF),
    grad_range=Interval(0.0, 1.0),
    continuity="C0",
    monotonic=True,
    kinks=(0.0,),
    dead_zones=(Interval(-INF, 0.0),),
    kink_rule="relu′(0) = 0",
    reference="Nair & Hinton 2010",
    torch="torch.nn.functional.relu",
    frameworks=_RELU_FW,
)

_RIGHT = {0.0: 1.0}  # the x >= 0 branch at 0
_KERAS_LEAKY = ("keras.activations.leaky_relu", "keras.ops.leaky_relu", "keras.layers.LeakyReLU")
_F32_SLOPE = "the slope is rounded to float32, also for float64 input"
_LEAKY_FW = {
    "torch": facts("torch.nn.functional.leaky_relu", "torch.nn.LeakyReLU"),
    "jax": facts("jax.nn.leaky_relu", kinks=_RIGHT),
    "flax": facts("flax.linen.leaky_relu", kinks=_RIGHT),
    "tf": facts("tf.nn.leaky_relu", defaults={"negative_slope": 0.2}, definition=_F32_SLOPE),
    "tf-keras": facts(
        "tf_keras.layers.LeakyReLU", defaults={"negative_slope": 0.3}, definition=_F32_SLOPE
    ),
    "keras-tf": facts(
        *_KERAS_LEAKY,
        defaults={"negative_slope": 0.2},
        forms={"layer": {"negative_slope": 0.3}},
        definition=_F32_SLOPE,
    ),
    "keras-jax": facts(
        *_KERAS_LEAKY,
        defaults={"negative_slope": 0.2},
        forms={"layer": {"negative_slope": 0.3}},
        kinks=_RIGHT,
    ),
    "keras-torch": facts(
        *_KERAS_LEAKY, defaults={"negative_slope": 0.2}, forms={"layer": {"negative_slope": 0.3}}
    ),
    "mlx": facts(
        "mlx.nn.leaky_relu", "mlx.nn.LeakyReLU", kinks=_RIGHT, limits=((-INF, 1.0), (INF, 1.0))
    ),
}

LEAKY_RELU = Variant(
    name="leaky_relu",
    aliases=("leaky", "lrelu", "leakyrelu"),
    summary="ReLU with a small fixed slope for negatives, so gradients never vanish.",
    formula="x if x > 0 else negative_slope·x",
    latex=r"\begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}",
    kernel=leaky_relu_kernel,
    params=(Param("negative_slope", 0.01, "slope for x < 0", "α", synonyms=("alpha", "slope")),),
    range=lambda p: _slope_range(p["negative_slope"]),
    grad_range=lambda p: _slope_grads(p["negative_slope"]),
    continuity=lambda p: _slope_continuity(p["negative_slope"]),
    monotonic=lambda p: p["negative_slope"] >= 0,
    kinks=lambda p: _slope_kinks(p["negative_slope"]),
    dead_zones=lambda p: _dead_if(p["negative_slope"] == 0),
    param_grads={"negative_slope": _d_slope},
    kink_rule="leaky′(0) = negative_slope (the x ≤ 0 branch)",
    jax_rule="1 (the x ≥ 0 branch)",
    reference="Maas et al. 2013",
    torch="torch.nn.functional.leaky_relu",
    frameworks=_LEAKY_FW,
)

# Keras starts PReLU at 0 (alpha_initializer="zeros"), and 0 * -inf is NaN there.
_KERAS_PRELU_LIMITS = ((math.nan, 0.0), (INF, 1.0))
_PRELU_FW = {
    "torch": facts("torch.nn.PReLU", "torch.nn.functional.prelu"),
    "flax": facts(
        "flax.linen.PReLU",
        defaults={"weight": 0.01},
        kinks=_RIGHT,
        definition="the slope is stored in float32 (0.01 -> 0.009999999776482582)",
    ),
    "tf-keras": facts(
        "tf_keras.layers.PReLU", defaults={"weight": 0.0}, limits=_KERAS_PRELU_LIMITS
    ),
    **same_facts(
        KERAS, facts("keras.layers.PReLU", defaults={"weight": 0.0}, limits=_KERAS_PRELU_LIMITS)
    ),
    # MLX: maximum(0, x) + a * minimum(0, x), both ties passing x a gradient of 1: 1 + a.
    "mlx": facts("mlx.nn.PReLU", "mlx.nn.prelu", kinks=lambda p: {0.0: 1 + p["weight"]}),
}

PRELU = Variant(
    name="prelu",
    summary="Parametric ReLU: the negative slope is a weight the network learns.",
    formula="x if x > 0 else weight·x",
    latex=r"\begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}",
    kernel=prelu_kernel,
    params=(Param("weight", 0.25, "learned slope for x < 0", "a", synonyms=("alpha", "a")),),
    range=lambda p: _slope_range(p["weight"]),
    grad_range=lambda p: _slope_grads(p["weight"]),
    continuity=lambda p: _slope_continuity(p["weight"]),
    monotonic=lambda p: p["weight"] >= 0,
    kinks=lambda p: _slope_kinks(p["weight"]),
    dead_zones=lambda p: _dead_if(p["weight"] == 0),
    param_grads={"weight": _d_slope},
    kink_rule="prelu′(0) = weight",
    jax_rule=_JAX_LEAKY,
    reference="He et al. 2015",
    torch="torch.nn.functional.prelu",
    learnable="weight",  # lab/nn.py learns one slope per neuron
    frameworks=_PRELU_FW,
)

RRELU = Variant(
    name="rrelu",
    summary="Randomized leaky ReLU: random slope in training, the mean slope in eval.",
    formula="x if x > 0 else a·x; a ~ U(lower, upper) (train), (lower+upper)/2 (eval)",
    latex=r"\begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases},"
    r"\ a \sim U(l, u)\ \text{(train)},\ a = \tfrac{l+u}{2}\ \text{(eval)}",
    kernel=rrelu_kernel,
    params=(
        Param("lower", 0.125, "lower bound of the slope", "l", low=0.0),
        Param("upper", 1 / 3, "upper bound of the slope", "u", low=0.0),
    ),
    # Eval mode (the slope (lower + upper)/2); in training mode the negative-side slope
    # ranges over [lower, upper].
    range=lambda p: _slope_range(_rrelu_slope(p)),
    grad_range=lambda p: _slope_grads(_rrelu_slope(p)),
    continuity=lambda p: _slope_continuity(_rrelu_slope(p)),
    monotonic=True,
    kinks=lambda p: _slope_kinks(_rrelu_slope(p)),
    dead_zones=lambda p: _dead_if(_rrelu_slope(p) == 0),
    param_grads={"lower": _d_rrelu_bound, "upper": _d_rrelu_bound},
    check=_check_rrelu,
    kink_rule="rrelu′(0) = (lower + upper)/2 in eval mode",
    jax_rule=_JAX_LEAKY,
    reference="Xu et al. 2015",
    torch="torch.nn.functional.rrelu",
    stochastic=True,  # --train samples one slope per element from U(lower, upper)
    band=("lower", "upper"),
    frameworks={"torch": facts("torch.nn.functional.rrelu", "torch.nn.RReLU")},
)

# ------------------------------------------------------------ clipped: relu6, hardtanh
#
# ReLU6 is hardtanh(0, 6) in PyTorch, and the two share their facts (_clip_facts). They keep
# separate kernels: ReLU6's uses lower = 0 for a cheaper exact gradient (see below), and
# under --convention jax they differ (jax.nn.relu6 has f' = 0 at both kinks, jax.nn.hard_tanh
# takes the inner branch, 1).


def _clip_facts(lower, upper) -> dict:
    """The record fields of clip(x, lower, upper); ``lower``/``upper`` map params to ends."""
    return {
        "range": lambda p: Interval(lower(p), upper(p)),
        "grad_range": Interval(0.0, 1.0),
        "continuity": "C0",
        "monotonic": True,
        "kinks": lambda p: (lower(p), upper(p)),
        "dead_zones": lambda p: (Interval(-INF, lower(p)), Interval(upper(p), INF)),
    }


@streaming
def relu6_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    np.clip(x, 0, 6, out=value)  # -0 stays -0, as in PyTorch
    if grad is not None:
        # PyTorch (hardtanh backward): 1 strictly inside (0, 6), +0 at both kinks, NaN for
        # NaN. ceil(min(value, 1)) is 1 for value > 0 and the sign of zero otherwise;
        # floor(value * (1/6)) is 1 only at value = 6 (the largest float below 6 gives
        # 0.99999994 in float32, 1 - 2^-52 in float64, and the product is monotone); the
        # difference turns -0 - -0 into +0.
        top = np.multiply(value, const(x, 1) / const(x, 6), out=w.buf(0, x))
        np.floor(top, out=top)
        np.minimum(value, w.full(1, x), out=grad)
        np.ceil(grad, out=grad)
        grad -= top


_RELU6_FW = {
    "torch": facts("torch.nn.functional.relu6", "torch.nn.ReLU6"),
    "jax": facts("jax.nn.relu6"),
    "flax": facts("flax.linen.relu6"),
    "tf": facts("tf.nn.relu6"),
    **same_facts(KERAS, facts("keras.activations.relu6", "keras.ops.relu6")),
    "mlx": facts("mlx.nn.relu6", "mlx.nn.ReLU6"),
}

RELU6 = Variant(
    name="relu6",
    summary="ReLU capped at 6 (MobileNet): bounded on both sides.",
    formula="min(max(0, x), 6)",
    latex=r"\min(\max(0, x), 6)",
    kernel=relu6_kernel,
    **_clip_facts(lambda p: 0.0, lambda p: 6.0),
    kink_rule="relu6′(0) = 0 and relu6′(6) = 0",
    reference="Howard et al. 2017",
    torch="torch.nn.functional.relu6",
    frameworks=_RELU6_FW,
)


@streaming
def hardtanh_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    # Scalar bounds: np.clip with array bounds is twice as slow.
    np.clip(x, a.min_val, a.max_val, out=value)  # NaN stays NaN
    if grad is None:
        return
    if x.dtype == np.float32 and _hardtanh_ends_rounded(a):
        # Ends float32 cannot hold (min_val = 1/3): a float32 x equal to the rounded end
        # may lie strictly inside the exact range (0.33333334 > 1/3, so f' = 1, not 0):
        # the comparisons are made in float64 against the ends as given.
        lo, hi = float(a.exact["min_val"]), float(a.exact["max_val"])
        x64 = x.astype(np.float64)
        inside = (x64 >= lo) & (x64 <= hi) if a.jax else (x64 > lo) & (x64 < hi)
        np.copyto(grad, inside)
        np.copyto(grad, np.nan, where=np.isnan(x))
        return
    one = w.full(1, x)
    if a.jax:
        # JAX takes the inner branch at both ends: 1 for min_val <= x <= max_val.
        inside = np.greater_equal(x, a.min_val, out=w.buf(0, x, np.bool_))
        inside &= np.less_equal(x, a.max_val, out=w.buf(1, x, np.bool_))
        np.copyto(grad, inside)
        grad += np.multiply(value, w.full(0, x), out=w.buf(2, x))  # NaN for NaN; +0 + -0 = +0
        return
    # PyTorch: 1 strictly inside, +0 at the ends and outside, NaN for NaN. value - min_val
    # and max_val - value are 0 exactly at the ends (two different floats never subtract
    # to 0) and > 0 inside; ceil of the smaller of both, capped at 1, is 1 or 0 (not of
    # their product: 1e-200 * 1e-200 underflows to 0 inside a narrow range near 0).
    with np.errstate(over="ignore"):  # a range wider than the float range: inf, capped
        below = np.subtract(value, a.min_val, out=w.buf(0, x))
        np.subtract(a.max_val, value, out=grad)
    np.minimum(grad, below, out=grad)
    np.minimum(grad, one, out=grad)
    np.ceil(grad, out=grad)
    if a.min_val == 0 or a.max_val == 0:
        grad += w.full(0, x)  # -0 - +0 is -0: keep gradients' zeros positive, as PyTorch


def _hardtanh_ends_rounded(a: KernelArgs) -> bool:
    lo, hi = float(a.exact["min_val"]), float(a.exact["max_val"])
    return float(np.float32(lo)) != lo or float(np.float32(hi)) != hi


def _check_hardtanh(p) -> None:
    if not p["min_val"] < p["max_val"]:
        raise SpecError(
            "hardtanh: min_val must be < max_val,"
            f" got min_val={p['min_val']:g} >= max_val={p['max_val']:g}"
        )


def _d_bound(below: bool):
    def rule(x: np.ndarray, p) -> np.ndarray:
        side = x < p["min_val"] if below else x > p["max_val"]
        return np.where(np.isnan(x), np.nan, side.astype(np.float64))

    return rule


_INNER = lambda p: {p["min_val"]: 1.0, p["max_val"]: 1.0}  # noqa: E731 (1 at both ends)
_HARDTANH_FW = {
    "torch": facts("torch.nn.functional.hardtanh", "torch.nn.Hardtanh"),
    "jax": facts("jax.nn.hard_tanh", kinks=_INNER),
    "flax": facts("flax.linen.hard_tanh", kinks=_INNER),
    **same_facts(
        ("keras-tf", "keras-jax"),
        facts("keras.activations.hard_tanh", "keras.ops.hard_tanh", kinks=_INNER),
    ),
    "keras-torch": facts("keras.activations.hard_tanh", "keras.ops.hard_tanh"),
    "mlx": facts("mlx.nn.hard_tanh", "mlx.nn.HardTanh"),
}

HARDTANH = Variant(
    name="hardtanh",
    aliases=("hard_tanh",),
    summary="tanh's piecewise-linear cousin: x clipped to [min_val, max_val].",
    formula="min(max(x, min_val), max_val)",
    latex=r"\min(\max(x, a), b)",
    kernel=hardtanh_kernel,
    params=(
        Param("min_val", -1.0, "lower end of the linear part", "a"),
        Param("max_val", 1.0, "upper end of the linear part", "b"),
    ),
    **_clip_facts(lambda p: p["min_val"], lambda p: p["max_val"]),
    check=_check_hardtanh,
    param_grads={"min_val": _d_bound(True), "max_val": _d_bound(False)},
    kink_rule="hardtanh′(min_val) = 0 and hardtanh′(max_val) = 0",
    jax_rule="1 at both ends (the inner branch)",
    torch="torch.nn.functional.hardtanh",
    init="xavier",  # like tanh: slope 1 at 0 and saturating, Glorot's setting
    frameworks=_HARDTANH_FW,
)

# ------------------------------------------------------------------------- hardswish


def hardswish_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    # x * (relu6(x + 3)/6) with u = clip(x, -3, 3): relu6(x + 3) = u + 3 (the same sum for
    # x in [-3, 3], 0 and 6 beyond), so the ratio is exactly 1 above 3, and no x*6 overflow.
    u = np.maximum(x, w.full(-3, x), out=w.buf(0, x))  # NaN stays NaN
    np.minimum(u, w.full(3, x), out=u)
    ratio = np.add(u, const(x, 3), out=w.buf(1, x))
    ratio /= const(x, 6)
    np.maximum(x, w.full(-np.finfo(x.dtype).max, x), out=value)
    value *= ratio
    if grad is None:
        return
    # PyTorch 2.13 autograd: 0 for x <= -3, x/3 + 1/2 for -3 < x < 3, 1 for x >= 3. That
    # sum cancels near its zero at x = -1.5 (x/3 is rounded, then 1/2 removes its leading
    # bits: 2.8e6 ulp off at -1.5 + 1e-10); (u + 1.5)/3 does not: u + 1.5 is exact for u
    # in [-3, -0.75] (Sterbenz), so near the zero one rounding is left, the division. At
    # the ends (u + 1.5)/3 is -1/2 and 3/2, and trunc(u/-3) is 1 at u = -3, -1 at u = 3
    # and 0 strictly between (u/-3 is correctly rounded, so never 1 inside): adding half of
    # it gives exactly 0 and 1 there (+0: -0.5 + 0.5), in eight passes and no mask.
    ends = np.divide(u, const(x, -3), out=ratio)
    np.trunc(ends, out=ends)
    ends *= const(x, 0.5)
    u += const(x, 1.5)
    u /= const(x, 3)
    np.add(u, ends, out=grad)


# x * relu6(x + 3)/6 at -inf is -inf * 0, NaN in every framework; TF and MLX lose f' too.
_NAN_AT_MINUS_INF = ((math.nan, 0.0), (INF, 1.0))
_KERAS_HARDSWISH = (
    "keras.activations.hard_silu",
    "keras.activations.hard_swish",
    "keras.ops.hard_silu",
)
_HARDSWISH_FW = {
    "torch": facts("torch.nn.functional.hardswish", "torch.nn.Hardswish", limits=_NAN_AT_MINUS_INF),
    "jax": facts("jax.nn.hard_swish", "jax.nn.hard_silu", limits=_NAN_AT_MINUS_INF),
    "flax": facts("flax.linen.hard_swish", "flax.linen.hard_silu", limits=_NAN_AT_MINUS_INF),
    "keras-tf": facts(*_KERAS_HARDSWISH, limits=NAN_TAILS),
    "keras-jax": facts(*_KERAS_HARDSWISH, limits=_NAN_AT_MINUS_INF),
    "keras-torch": facts(*_KERAS_HARDSWISH, limits=_NAN_AT_MINUS_INF),
    "mlx": facts("mlx.nn.hardswish", "mlx.nn.Hardswish", limits=NAN_TAILS),
}

HARDSWISH = Variant(
    name="hardswish",
    aliases=("hard_swish", "hard_silu"),  # JAX's two names
    summary="Piecewise-quadratic swish from MobileNetV3: x·relu6(x + 3)/6.",
    formula="x·min(max(x + 3, 0), 6)/6",
    latex=r"x \, \frac{\min(\max(x + 3, 0), 6)}{6}",
    kernel=hardswish_kernel,
    range=Interval(-0.375, INF),
    grad_range=Interval(-0.5, 1.5, True, True),
    continuity="C0",
    monotonic=False,
    kinks=(-3.0, 3.0),
    dead_zones=(Interval(-INF, -3.0),),
    kink_rule="hardswish′(−3) = 0 and hardswish′(3) = 1",
    reference="Howard et al. 2019",
    torch="torch.nn.functional.hardswish",
    frameworks=_HARDSWISH_FW,
)
