"""Shrinkage and threshold variants of the frameworks: softshrink, hardshrink, tanhshrink,
PyTorch's threshold, the Heaviside step and Keras's general relu (negative_slope,
max_value, threshold), each record next to its kernel.

Thresholds are compared with x in float64 (a float32 x against the parameter as given, not
rounded to float32), so the kink is where the user put it. Several of these jump: their
continuity is "discontinuous", and their kink rule says which side the point itself takes.
"""

from __future__ import annotations

import math

import numpy as np

from ..frameworks import KERAS, NAN, facts, same_facts
from ..numerics.chunked import KernelArgs, Workspace
from ..numerics.elementwise import blend, const, in_float64, step_ceil
from ..registry import Interval, Param, Variant

INF = math.inf


def _nan_where_nan(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    np.copyto(out, x, where=np.isnan(x))
    return out


def _nan_or(x: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A parameter gradient: values, NaN where x is NaN."""
    return np.where(np.isnan(x), np.nan, values)


# Keras spells λ `threshold` (keras.activations.soft_shrink(x, threshold=0.5)).
_LAMBD = Param(
    "lambd", 0.5, "half-width of the zeroed band", "λ", low=0.0, synonyms=("lambda", "threshold")
)


def _shrink_facts(torch: tuple[str, ...], keras: tuple[str, ...], mlx: tuple[str, ...]) -> dict:
    """Soft- and hardshrink in PyTorch, Keras and MLX. Keras writes them with where(x > λ, ...)
    (on TF and JAX; on torch it calls PyTorch's), MLX too: false for NaN, so NaN gives 0."""
    return {
        "torch": facts(*torch),
        **same_facts(("keras-tf", "keras-jax"), facts(*keras, nan=0.0)),
        "keras-torch": facts(*keras),
        "mlx": facts(*mlx, nan=0.0),
    }


# ------------------------------------------------------------------------- softshrink


def softshrink_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    lambd = a.exact["lambd"]
    if x.dtype == np.float32 and float(np.float32(lambd)) != lambd:
        body = lambda x, v, g: _softshrink(x, v, g, lambd, w)  # noqa: E731
        in_float64(body, x, value, grad, w.scope("float64"))
        return
    _softshrink(x, value, grad, a.lambd, w)


def _softshrink(x, value, grad, lambd, w: Workspace) -> None:
    # x - clip(x, -lambd, lambd): x -+ lambd outside (one rounding), exactly 0 inside.
    c = np.clip(x, -lambd, lambd, out=w.buf(0, x))
    np.subtract(x, c, out=value)  # inf - lambd = inf; NaN stays NaN
    if grad is not None:
        # PyTorch: 0 for -lambd <= x <= lambd, 1 outside. value is nonzero exactly outside
        # (two different floats never subtract to 0).
        step_ceil(np.abs(value, out=c), grad, w)


def _d_softshrink(x: np.ndarray, p) -> np.ndarray:
    lambd = p["lambd"]
    return _nan_or(x, np.where(x > lambd, -1.0, np.where(x < -lambd, 1.0, 0.0)))


def _shrink_kinks(p) -> tuple[float, ...]:
    return (-p["lambd"], p["lambd"]) if p["lambd"] > 0 else (0.0,)


def _shrink_dead(p) -> tuple[Interval, ...]:
    return (Interval(-p["lambd"], p["lambd"]),) if p["lambd"] > 0 else ()


SOFTSHRINK = Variant(
    name="softshrink",
    aliases=("soft_shrink",),
    summary="Soft thresholding: zero inside [−λ, λ], shifted towards 0 by λ outside.",
    formula="x − λ if x > λ, x + λ if x < −λ, else 0",
    latex=r"\begin{cases} x - \lambda & x > \lambda \\ x + \lambda & x < -\lambda"
    r" \\ 0 & \text{otherwise} \end{cases}",
    kernel=softshrink_kernel,
    params=(_LAMBD,),
    range=Interval(-INF, INF),
    grad_range=Interval(0.0, 1.0),
    continuity=lambda p: "C0" if p["lambd"] > 0 else "C∞",
    monotonic=True,
    kinks=_shrink_kinks,
    dead_zones=_shrink_dead,
    param_grads={"lambd": _d_softshrink},
    kink_rule="softshrink′(±λ) = 0 (the band's side)",
    reference="Donoho 1995",
    torch="torch.nn.functional.softshrink",
    frameworks=_shrink_facts(
        ("torch.nn.functional.softshrink", "torch.nn.Softshrink"),
        ("keras.activations.soft_shrink", "keras.ops.soft_shrink"),
        ("mlx.nn.softshrink", "mlx.nn.Softshrink"),
    ),
    init="xavier",  # odd and linear outside the band, like tanh near 0
)

# ------------------------------------------------------------------------- hardshrink


def hardshrink_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    # x where |x| > lambd, else 0 (PyTorch: 0 at |x| = lambd, value and gradient); the test
    # against lambd as given: |x| - lambd in float64 is exact in sign.
    m = np.abs(x, out=w.buf(0, x, np.float64))
    m -= a.exact["lambd"]
    np.maximum(m, 0.0, out=m)
    h = step_ceil(m, m, w.scope("step"))  # 1 outside, 0 inside, NaN for NaN
    np.multiply(x, h, out=value)  # x finite wherever h = 0: no inf * 0
    value += const(x, 0)  # -0 inside becomes +0, as PyTorch
    if grad is not None:
        np.copyto(grad, h, casting="same_kind")


def _zero_grad(x: np.ndarray, p) -> np.ndarray:
    # Moving a jump: zero almost everywhere (a Dirac delta at the jump itself).
    return _nan_or(x, np.zeros(np.shape(x)))


HARDSHRINK = Variant(
    name="hardshrink",
    aliases=("hard_shrink",),
    summary="Hard thresholding: x outside [−λ, λ], zero inside (jumps at ±λ).",
    formula="x if abs(x) > λ else 0",
    latex=r"\begin{cases} x & |x| > \lambda \\ 0 & \text{otherwise} \end{cases}",
    kernel=hardshrink_kernel,
    params=(_LAMBD,),
    range=Interval(-INF, INF),
    grad_range=Interval(0.0, 1.0),
    continuity=lambda p: "discontinuous" if p["lambd"] > 0 else "C∞",
    monotonic=True,
    kinks=_shrink_kinks,
    dead_zones=_shrink_dead,
    param_grads={"lambd": _zero_grad},
    kink_rule="hardshrink′(±λ) = 0 and hardshrink(±λ) = 0 (the band's side)",
    reference="Donoho & Johnstone 1994",
    torch="torch.nn.functional.hardshrink",
    frameworks=_shrink_facts(
        ("torch.nn.functional.hardshrink", "torch.nn.Hardshrink"),
        ("keras.activations.hard_shrink", "keras.ops.hard_shrink"),
        ("mlx.nn.hard_shrink", "mlx.nn.HardShrink"),
    ),
    init="xavier",
)

# ------------------------------------------------------------------------- tanhshrink

# x - tanh(x) = sum_n c_n x^(2n+1), n >= 1, for |x| < pi/2 (from tanh's Bernoulli series);
# 17 terms reach 2^-56 of the first at |x| = 1/2.
_TANHSHRINK_SERIES = (
    0.3333333333333333,
    -0.13333333333333333,
    0.05396825396825397,
    -0.021869488536155203,
    0.008863235529902197,
    -0.003592128036572481,
    0.0014558343870513183,
    -0.000590027440945586,
    0.00023912911424355248,
    -9.691537956929451e-05,
    3.927832388331683e-05,
    -1.5918905069328964e-05,
    6.451689215655431e-06,
    -2.6147711512907546e-06,
    1.0597268320104654e-06,
    -4.294911078273806e-07,
    1.7406618963571648e-07,
)


def tanhshrink_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    if x.dtype == np.float32:
        in_float64(lambda x, v, g: _tanhshrink(x, v, g, w), x, value, grad, w.scope("float64"))
        return
    _tanhshrink(x, value, grad, w)


def _tanhshrink(x, value, grad, w: Workspace) -> None:
    # x - tanh(x) cancels for |x| < 1 (12 ulp at 1/2). There, with y = |x|/2 and
    # t = tanh(y), tanh(2y) = 2t/(1 + t^2) gives x - tanh(x) = 2((y - t) + y t^2)/(1 + t^2):
    # a sum of positive terms, y - t from the series (y < 1/2). Above 1, directly (2 ulp).
    m = np.abs(x, out=w.buf(0, x))
    y = np.minimum(m, 1.0, out=w.buf(1, x))
    y *= 0.5
    y2 = np.multiply(y, y, out=w.buf(2, x))
    series = w.buf(3, x)
    series.fill(_TANHSHRINK_SERIES[-1])
    for c in _TANHSHRINK_SERIES[-2::-1]:
        series *= y2
        series += c
    series *= y2
    series *= y  # y - tanh(y)
    t = np.tanh(y, out=w.buf(4, x))
    t *= t
    series += np.multiply(y, t, out=y2)
    series *= 2.0
    t += 1.0
    series /= t  # |x| - tanh|x| for |x| < 1
    direct = np.tanh(x, out=w.buf(5, x))
    if grad is not None:
        np.multiply(direct, direct, out=grad)  # tanh^2: 1 at +-inf, NaN for NaN
    np.subtract(x, direct, out=direct)  # +-inf - +-1 = +-inf
    np.copysign(series, x, out=series)
    np.copyto(value, direct)
    np.copyto(value, series, where=m < 1.0)


TANHSHRINK = Variant(
    name="tanhshrink",
    aliases=("tanh_shrink",),
    summary="x − tanh(x): flat (cubic) near 0, slope 1 far from it.",
    formula="x − tanh(x)",
    latex=r"x - \tanh(x)",
    kernel=tanhshrink_kernel,
    range=Interval(-INF, INF),
    grad_range=Interval(0.0, 1.0, hi_open=True),
    continuity="C∞",
    monotonic=True,
    torch="torch.nn.functional.tanhshrink",
    init="xavier",
    frameworks={
        "torch": facts("torch.nn.functional.tanhshrink", "torch.nn.Tanhshrink"),
        **same_facts(KERAS, facts("keras.activations.tanh_shrink", "keras.ops.tanh_shrink")),
    },
)

# -------------------------------------------------------------------------- threshold


def threshold_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    # PyTorch's F.threshold: x where x > threshold, else value (value and gradient 0 at the
    # threshold itself). The comparison uses the threshold as given (float64).
    below = np.less_equal(x, np.float64(a.exact["threshold"]), out=w.buf(0, x, np.bool_))
    np.copyto(value, x)
    np.copyto(value, a.value, where=below)  # NaN is never below: it stays
    if grad is not None:
        np.subtract(const(x, 1), below, out=grad)
        _nan_where_nan(x, grad)


def _d_threshold_value(x: np.ndarray, p) -> np.ndarray:
    return _nan_or(x, (x <= p["threshold"]).astype(np.float64))


def _threshold_range(p) -> Interval:
    # {value} for x <= threshold, (threshold, inf) above: the hull of both.
    t, v = p["threshold"], p["value"]
    return Interval(min(t, v), INF, lo_open=v > t)


_KERAS_THRESHOLD = ("keras.activations.threshold", "keras.ops.threshold")
_THRESHOLD_FW = {
    "torch": facts("torch.nn.functional.threshold", "torch.nn.Threshold"),
    # tf.keras 2's ThresholdedReLU(theta=1.0): x·[x > theta], so -inf·0 is NaN at -inf.
    "tf-keras": facts(
        "tf_keras.layers.ThresholdedReLU",
        defaults={"threshold": 1.0},
        limits=((NAN, 0.0), (INF, 1.0)),
        definition="ThresholdedReLU has no value parameter: x·[x > theta], 0 at and below",
    ),
    # where(x > threshold, x, default_value): NaN is not above, so it gives default_value.
    **same_facts(("keras-tf", "keras-jax"), facts(*_KERAS_THRESHOLD, nan=lambda p: p["value"])),
    "keras-torch": facts(*_KERAS_THRESHOLD),
}

THRESHOLD = Variant(
    name="threshold",
    summary="PyTorch's threshold: x above the threshold, a constant value at or below it.",
    formula="x if x > threshold else value",
    latex=r"\begin{cases} x & x > \theta \\ v & x \le \theta \end{cases}",
    kernel=threshold_kernel,
    params=(
        # PyTorch has no defaults (both arguments are required): 0 and 0 make it ReLU.
        # Keras 3 spells value `default_value`; tf.keras 2's ThresholdedReLU spells the
        # threshold `theta` (its value is always 0).
        Param("threshold", 0.0, "x at or below it is replaced", "θ", synonyms=("theta",)),
        Param("value", 0.0, "the replacement", "v", synonyms=("default_value",)),
    ),
    range=_threshold_range,
    grad_range=Interval(0.0, 1.0),
    continuity=lambda p: "C0" if p["value"] == p["threshold"] else "discontinuous",
    monotonic=lambda p: p["value"] <= p["threshold"],
    kinks=lambda p: (p["threshold"],),
    dead_zones=lambda p: (Interval(-INF, p["threshold"]),),
    param_grads={"threshold": _zero_grad, "value": _d_threshold_value},
    kink_rule="threshold′(threshold) = 0, threshold(threshold) = value (the x ≤ threshold side)",
    torch="torch.nn.functional.threshold",
    frameworks=_THRESHOLD_FW,
)

# ------------------------------------------------------------------------------- step


def step_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    np.maximum(x, w.full(0, x), out=value)
    step_ceil(value, value, w)  # 1 for x > 0, 0 for x <= 0, NaN for NaN
    at_zero = np.equal(x, w.full(0, x), out=w.buf(0, x, np.bool_))
    value += np.multiply(at_zero, a.at_zero, out=w.buf(1, x))
    if grad is not None:
        np.multiply(value, const(x, 0), out=grad)  # 0 everywhere, NaN for NaN
        grad += const(x, 0)  # -0 (a negative at_zero times 0) becomes +0


def _d_at_zero(x: np.ndarray, p) -> np.ndarray:
    return _nan_or(x, (x == 0).astype(np.float64))


STEP = Variant(
    name="step",
    aliases=("heaviside", "binary_step"),
    summary="Heaviside step: 0 below 0, 1 above, at_zero at 0; its gradient is 0 everywhere.",
    formula="1 if x > 0, at_zero if x = 0, else 0",
    latex=r"\begin{cases} 1 & x > 0 \\ h_0 & x = 0 \\ 0 & x < 0 \end{cases}",
    kernel=step_kernel,
    params=(Param("at_zero", 0.5, "the value at 0 (NumPy's and JAX's x2)", "h₀"),),
    range=lambda p: Interval(min(0.0, p["at_zero"]), max(1.0, p["at_zero"])),
    grad_range=Interval(0.0, 0.0),
    continuity="discontinuous",
    monotonic=lambda p: 0.0 <= p["at_zero"] <= 1.0,
    kinks=(0.0,),
    dead_zones=(Interval(-INF, 0.0), Interval(0.0, INF)),
    param_grads={"at_zero": _d_at_zero},
    # torch.heaviside has no autograd ("derivative not implemented"); JAX's jnp.heaviside is
    # a where(): its gradient is 0, also at 0. relucli gives 0 everywhere too.
    kink_rule="step′(0) = 0 (0 everywhere: the jump has no derivative)",
    reference="the perceptron: Rosenblatt 1958",
    init="xavier",
    frameworks={
        # mlx.nn.step(x, threshold=0.0) is where(x >= threshold, 1, 0): 1 at 0, 0 for NaN.
        "mlx": facts(
            "mlx.nn.step",
            "mlx.nn.Step",
            defaults={"at_zero": 1.0},
            nan=0.0,
            definition="returns int32 0 or 1, and moves the jump with a threshold parameter",
        ),
    },
)

# ------------------------------------------------------------------------ Keras's relu
#
# keras.activations.relu(x, negative_slope, max_value, threshold), as Keras 3 computes it:
# x·[x > threshold], clipped to [0, max_value] when max_value is given, minus
# negative_slope·relu(threshold − x). So f(threshold) = 0 (x > threshold is strict), and for
# a negative threshold, x between it and 0 passes unchanged without a cap but becomes 0 with
# one (the clip to [0, max_value]): relucli follows both, max_value = inf standing for None.


def keras_relu_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    theta64 = np.float64(a.exact["threshold"])
    cap = np.float64(a.exact["max_value"])
    capped = cap != INF
    if a.negative_slope == 0 and not capped and theta64 == 0:
        # Keras's default is ReLU with f'(0) = 0 and +0 for every x <= 0: max(x, +0) (a tie
        # gives the second operand, so -0 becomes +0; NaN stays NaN), gradient as ReLU's.
        np.maximum(x, w.full(0, x), out=value)
        if grad is not None:
            step_ceil(value, grad, w)
        return
    below = np.less_equal(x, theta64, out=w.buf(0, x, np.bool_))
    if capped:
        np.clip(x, w.full(0, x), a.max_value, out=value)  # NaN stays NaN; exact
    else:
        np.copyto(value, x)
    if a.negative_slope == 0:
        np.copyto(value, 0, where=below)
    else:
        # In float64 with the parameters as given, rounded once.
        lower = np.subtract(x, theta64, out=w.buf(1, x, np.float64))
        with np.errstate(over="ignore"):  # -huge - huge = -inf, the limit
            lower *= a.exact["negative_slope"]
            np.copyto(value, lower, where=below, casting="same_kind")
    if grad is None:
        return
    # 1 where the identity part applies, 0 where the cap or the clip at 0 holds (their
    # points included), negative_slope at and below the threshold.
    inner = w.buf(2, x, np.bool_)
    if capped:
        np.less(x, cap, out=inner)
        inner &= np.greater(x, w.full(0, x), out=w.buf(5, x, np.bool_))
    else:
        inner.fill(True)  # slope 1 up to +inf, the limit included
    above = np.subtract(const(x, 1), below, out=w.buf(3, x))
    blend(above, np.multiply(inner, const(x, 1), out=w.buf(4, x)), a.negative_slope, out=grad)
    grad += const(x, 0)  # -0 (a negative slope times 0) becomes +0
    _nan_where_nan(x, grad)


def _hull(*pieces: tuple[float, float, bool, bool]) -> Interval:
    """The smallest interval holding every (lo, hi, lo_open, hi_open) piece."""
    lo = min(p[0] for p in pieces)
    hi = max(p[1] for p in pieces)
    lo_open = all(p[2] for p in pieces if p[0] == lo) or lo == -INF
    hi_open = all(p[3] for p in pieces if p[1] == hi) or hi == INF
    return Interval(lo, hi, lo_open, hi_open)


def _keras_range(p) -> Interval:
    a, t, m = p["negative_slope"], p["threshold"], p["max_value"]
    if a > 0:
        below = (-INF, 0.0, True, False)
    elif a < 0:
        below = (0.0, INF, False, True)
    else:
        below = (0.0, 0.0, False, False)
    if m == INF:
        above = (t, INF, True, True)
    elif t < 0:
        above = (0.0, m, False, False)  # clipped: (t, 0] gives 0
    elif t < m:
        above = (t, m, True, False)
    else:
        above = (m, m, False, False)
    return _hull(below, above)


def _keras_grads(p) -> Interval:
    a, t, m = p["negative_slope"], p["threshold"], p["max_value"]
    if m == INF:
        slopes = [a, 1.0]
    elif t < m:
        slopes = [a, 1.0, 0.0]
    else:
        slopes = [a, 0.0]
    return Interval(min(slopes), max(slopes))


def _keras_kinks(p) -> tuple[float, ...]:
    t, m = p["threshold"], p["max_value"]
    if m == INF or t >= m:
        return (t,)
    return (t, 0.0, m) if t < 0 else (t, m)


def _keras_dead(p) -> tuple[Interval, ...]:
    a, t, m = p["negative_slope"], p["threshold"], p["max_value"]
    zones = [Interval(-INF, t)] if a == 0 else []
    if m < INF:
        if t < 0:
            zones.append(Interval(t, 0.0))
        zones.append(Interval(max(t, m), INF))
    return tuple(zones)


def _keras_jumps(p) -> bool:
    # From f(threshold) = 0 to min(threshold, max_value) (> 0), or to a negative threshold
    # itself when nothing clips at 0.
    t = p["threshold"]
    return t > 0 or (t < 0 and p["max_value"] == INF)


def _keras_continuity(p) -> str:
    if _keras_jumps(p):
        return "discontinuous"
    plain = p["negative_slope"] == 1 and p["max_value"] == INF and p["threshold"] == 0
    return "C∞" if plain else "C0"


def _d_keras_slope(x: np.ndarray, p) -> np.ndarray:
    with np.errstate(over="ignore"):
        return _nan_or(x, np.minimum(x - p["threshold"], 0.0))


def _d_keras_threshold(x: np.ndarray, p) -> np.ndarray:
    return _nan_or(x, np.where(x < p["threshold"], -p["negative_slope"], 0.0))


def _d_keras_max(x: np.ndarray, p) -> np.ndarray:
    return _nan_or(x, (x > max(p["threshold"], p["max_value"])).astype(np.float64))


def _keras_relu_kinks(tie: float, leaky_tie: float | None):
    """f' at the kinks of Keras's relu in a backend (keras/src/activations/activations.py).
    x·[x > threshold] (a where) has f' = 0 at the threshold, and so has the negative part
    relu(threshold − x); the cap is clip(x, 0, max_value), whose tie passes ``tie`` (1 on TF
    and torch, 1/2 on JAX), at max_value and, for a negative threshold, at 0. With no cap and
    threshold 0, Keras calls the backend's leaky_relu: its own rule (``leaky_tie``, None for
    relucli's). With threshold 0 and max_value 6 it calls relu6, whose f'(6) = 0."""

    def rule(p) -> dict[float, float]:
        slope, theta, cap = p["negative_slope"], p["threshold"], p["max_value"]
        if cap == INF and theta == 0:
            return {0.0: leaky_tie} if slope != 0 and leaky_tie is not None else {}
        out = {theta: 0.0}
        if cap != INF and theta < cap and not (theta == 0 and cap == 6):
            out[cap] = tie
        if cap != INF and theta < 0:
            out[0.0] = tie
        return out

    return rule


def _keras2_relu_limits(p):
    """tf.keras 2 writes x·[x > threshold] as a product: -inf·0 is NaN at -inf."""
    if p["threshold"] == 0:
        return None
    cap = p["max_value"]
    return ((NAN, p["negative_slope"]), (INF, 1.0) if cap == INF else (cap, 0.0))


_KERAS_RELU = ("keras.activations.relu", "keras.layers.ReLU")
# The kink rules differ from relucli's only away from the defaults, which the frameworks
# table shows: the notes say them.
_KINKS = (
    "f′(threshold) = 0 once threshold ≠ 0 or max_value is set, and f′(max_value) = {}"
    " unless it is relu6 (max_value 6, threshold 0) (relucli: negative_slope, 0)"
)
_KINKS_1 = _KINKS.format(1)
_KINKS_HALF = _KINKS.format(0.5) + "; with a slope and neither, f′(0) = 1 (jax.nn.leaky_relu)"
_TF_LEAKY = "; with a slope, no cap and threshold 0 it is tf.nn.leaky_relu (a float32 slope)"
_KERAS_RELU_FW = {
    "tf-keras": facts(
        "tf_keras.activations.relu",
        "tf_keras.layers.ReLU",
        kinks=_keras_relu_kinks(1.0, None),
        limits=_keras2_relu_limits,
        definition=_KINKS_1 + _TF_LEAKY,
    ),
    "keras-tf": facts(
        *_KERAS_RELU, kinks=_keras_relu_kinks(1.0, None), definition=_KINKS_1 + _TF_LEAKY
    ),
    "keras-jax": facts(*_KERAS_RELU, kinks=_keras_relu_kinks(0.5, 1.0), definition=_KINKS_HALF),
    "keras-torch": facts(*_KERAS_RELU, kinks=_keras_relu_kinks(1.0, None), definition=_KINKS_1),
}

KERAS_RELU = Variant(
    name="keras_relu",
    aliases=("general_relu",),
    summary="Keras's relu: a leaky slope below a threshold, capped at max_value.",
    formula=(
        "negative_slope·(x − threshold) if x ≤ threshold, else clip(x, 0, max_value) (x if no cap)"
    ),
    latex=r"\begin{cases} \alpha (x - \theta) & x \le \theta \\ \min(\max(x, 0), m) & x > \theta"
    r" \end{cases}",
    kernel=keras_relu_kernel,
    params=(
        Param("negative_slope", 0.0, "slope at and below the threshold", "α", synonyms=("alpha",)),
        Param(
            "max_value",
            INF,
            "the cap (Keras's None: inf)",
            "m",
            low=0.0,
            low_open=True,
            allow_inf=True,
        ),
        Param("threshold", 0.0, "where the slope changes (a jump unless 0)", "θ"),
    ),
    range=_keras_range,
    grad_range=_keras_grads,
    continuity=_keras_continuity,
    monotonic=lambda p: (
        p["negative_slope"] >= 0 and not (p["threshold"] < 0 and p["max_value"] == INF)
    ),
    kinks=_keras_kinks,
    dead_zones=_keras_dead,
    param_grads={
        "negative_slope": _d_keras_slope,
        "threshold": _d_keras_threshold,
        "max_value": _d_keras_max,
    },
    kink_rule=(
        "keras_relu′(threshold) = negative_slope (the x ≤ threshold branch);"
        " 0 at max_value and at a clipped 0 (the clipped side)"
    ),
    reference="keras.activations.relu",
    frameworks=_KERAS_RELU_FW,
)
