"""Sigmoid-like variants of the frameworks: hard sigmoid (PyTorch's and tf.keras 2's), JAX's
sparse sigmoid, softsign and log-sigmoid, each record next to its kernel.

hardsigmoid and sparse_sigmoid are one ramp, clip((x - lower)/(upper - lower), 0, 1), with
the kinks as parameters: the ends are then exact, so the gradient at them is decided on x
itself as PyTorch does ((x + 3)/6 in PyTorch is this ramp bit for bit). The slope/offset
form clip(slope·x + offset, 0, 1) would put the kinks at -offset/slope, rounded: with slope =
1/6 rounded, x = -3 would lie inside the ramp. log-sigmoid is minus softplus of -x, and
reuses softplus's exact kernel.
"""

from __future__ import annotations

import math

import numpy as np

from ..frameworks import KERAS, NAN, facts, same_facts
from ..numerics.chunked import KernelArgs, Workspace, streaming
from ..numerics.elementwise import const, in_float64
from ..registry import Interval, Param, SpecError, Variant
from .smooth import _softplus

INF = math.inf

# ----------------------------------------------------------------- the ramp: hard sigmoid


def _ramp(x, value, grad, lower, upper, jax_half: bool, w: Workspace) -> None:
    """clip((x - lower)/(upper - lower), 0, 1) and its gradient: 1/(upper - lower) strictly
    inside, +0 at the ends and outside (PyTorch's hardsigmoid), or half the slope at the
    ends (``jax_half``: JAX's clip = min(max(...)) takes half of a tie). ``lower`` and
    ``upper`` are scalars of x's dtype."""
    width = upper - lower  # rounded once; (upper - lower)/width is then exactly 1
    np.clip(x, lower, upper, out=value)  # exact; NaN stays NaN
    value -= lower  # exact near lower (Sterbenz), one rounding elsewhere
    value /= width
    if grad is None:
        return
    inside = np.greater(x, lower, out=w.buf(0, x, np.bool_))
    inside &= np.less(x, upper, out=w.buf(1, x, np.bool_))
    slope = const(x, 1) / width
    np.multiply(inside, slope, out=grad)
    if jax_half:
        ends = np.equal(x, lower, out=w.buf(0, x, np.bool_))
        ends |= np.equal(x, upper, out=w.buf(1, x, np.bool_))
        grad += np.multiply(ends, slope / 2, out=w.buf(2, x))
    grad += np.multiply(value, const(x, 0), out=w.buf(2, x))  # NaN for NaN; zeros stay +0


def _fits_float32(*values: float) -> bool:
    return all(float(np.float32(v)) == v for v in values)


@streaming
def hardsigmoid_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    lower, upper = a.exact["lower"], a.exact["upper"]
    if x.dtype == np.float32 and not _fits_float32(lower, upper):
        # Ends that float32 cannot hold: compute with the ends as given, round once.
        body = lambda x, v, g: _ramp(x, v, g, lower, upper, False, w)  # noqa: E731
        in_float64(body, x, value, grad, w.scope("float64"))
        return
    _ramp(x, value, grad, a.lower, a.upper, False, w)


@streaming
def sparse_sigmoid_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    _ramp(x, value, grad, const(x, -1), const(x, 1), a.jax, w)


def _check_ramp(p) -> None:
    lower, upper = p["lower"], p["upper"]
    if not lower < upper:
        raise SpecError(
            f"hardsigmoid: lower must be < upper, got lower={lower:g} >= upper={upper:g}"
        )
    if not math.isfinite(upper - lower):
        raise SpecError(f"hardsigmoid: upper - lower must be finite, got {upper:g} - {lower:g}")


def _d_ramp_end(which: str):
    """d/d lower = (x - upper)/w^2 and d/d upper = -(x - lower)/w^2 inside the ramp (w the
    width), 0 outside and at the ends (PyTorch's side), NaN for NaN."""

    def rule(x: np.ndarray, p) -> np.ndarray:
        lower, upper = p["lower"], p["upper"]
        width = upper - lower
        inside = (x > lower) & (x < upper)
        xc = np.clip(x, lower, upper)
        d = (xc - upper) / width if which == "lower" else (lower - xc) / width
        return np.where(np.isnan(x), np.nan, np.where(inside, d / width, 0.0))

    return rule


def _ramp_facts(lower, upper) -> dict:
    return {
        "range": Interval(0.0, 1.0),
        "grad_range": lambda p: Interval(0.0, 1 / (upper(p) - lower(p))),
        "continuity": "C0",
        "monotonic": True,
        "kinks": lambda p: (lower(p), upper(p)),
        "dead_zones": lambda p: (Interval(-INF, lower(p)), Interval(upper(p), INF)),
        "init": "xavier",  # sigmoid-like: Glorot's setting
    }


# tf.keras 2 writes hard_sigmoid clip(0.2x + 0.5, 0, 1), the ramp from -2.5 to 2.5, and its
# clip takes the inner branch at both ends (f' = 0.2 there); the others are x/6 + 1/2.
_KERAS2_ENDS = {"lower": -2.5, "upper": 2.5}
_KERAS_HARDSIGMOID = ("keras.activations.hard_sigmoid", "keras.ops.hard_sigmoid")
_HARDSIGMOID_FW = {
    "torch": facts("torch.nn.functional.hardsigmoid", "torch.nn.Hardsigmoid"),
    "jax": facts("jax.nn.hard_sigmoid"),
    "flax": facts("flax.linen.hard_sigmoid"),
    "tf-keras": facts(
        "tf_keras.activations.hard_sigmoid",
        defaults=_KERAS2_ENDS,
        kinks=lambda p: dict.fromkeys((p["lower"], p["upper"]), 1 / (p["upper"] - p["lower"])),
        definition="written clip(0.2·x + 0.5, 0, 1): the ramp from -2.5 to 2.5",
    ),
    **same_facts(KERAS, facts(*_KERAS_HARDSIGMOID)),
}

HARDSIGMOID = Variant(
    name="hardsigmoid",
    aliases=("hard_sigmoid",),
    summary="Piecewise-linear sigmoid: a ramp from 0 at lower to 1 at upper.",
    formula="min(max((x − lower)/(upper − lower), 0), 1)",
    latex=r"\min\left(\max\left(\frac{x - a}{b - a}, 0\right), 1\right)",
    kernel=hardsigmoid_kernel,
    params=(
        # PyTorch, JAX and Keras 3: x/6 + 1/2 (ends -3, 3); tf.keras 2 and ONNX's defaults
        # 0.2x + 0.5 are ends -2.5, 2.5 (ONNX alpha, beta: ends -beta/alpha, (1-beta)/alpha).
        Param("lower", -3.0, "where the ramp leaves 0 (tf.keras 2: -2.5)", "a"),
        Param("upper", 3.0, "where the ramp reaches 1 (tf.keras 2: 2.5)", "b"),
    ),
    **_ramp_facts(lambda p: p["lower"], lambda p: p["upper"]),
    check=_check_ramp,
    param_grads={"lower": _d_ramp_end("lower"), "upper": _d_ramp_end("upper")},
    kink_rule="hardsigmoid′(lower) = 0 and hardsigmoid′(upper) = 0",
    reference="Courbariaux et al. 2015; Howard et al. 2019",
    torch="torch.nn.functional.hardsigmoid",
    frameworks=_HARDSIGMOID_FW,
)

# jnp.clip is min(max(...)): a tie passes half the gradient, so JAX's backends give 1/4 at
# both ends; Keras on TF and torch clip with their own ties (0, relucli's).
_QUARTER = {-1.0: 0.25, 1.0: 0.25}
_KERAS_SPARSE_SIGMOID = ("keras.activations.sparse_sigmoid", "keras.ops.sparse_sigmoid")
_SPARSE_SIGMOID_FW = {
    "jax": facts("jax.nn.sparse_sigmoid", kinks=_QUARTER),
    "keras-tf": facts(*_KERAS_SPARSE_SIGMOID),
    "keras-jax": facts(*_KERAS_SPARSE_SIGMOID, kinks=_QUARTER),
    "keras-torch": facts(*_KERAS_SPARSE_SIGMOID),
}

SPARSE_SIGMOID = Variant(
    name="sparse_sigmoid",
    summary="JAX's sparse sigmoid: the ramp (x + 1)/2 between −1 and 1 (sparsemax's).",
    formula="min(max((x + 1)/2, 0), 1)",
    latex=r"\min\left(\max\left(\tfrac{x + 1}{2}, 0\right), 1\right)",
    kernel=sparse_sigmoid_kernel,
    **_ramp_facts(lambda p: -1.0, lambda p: 1.0),
    # relucli's default follows PyTorch's rule for the same ramp (its hardsigmoid).
    kink_rule="sparse_sigmoid′(−1) = 0 and sparse_sigmoid′(1) = 0",
    jax_rule="1/4 at both ends (jnp.clip splits a tie in half)",
    reference="Martins & Astudillo 2016",
    frameworks=_SPARSE_SIGMOID_FW,
)

# ------------------------------------------------------------------------- softsign


def softsign_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    if x.dtype == np.float32:
        in_float64(lambda x, v, g: _softsign(x, v, g, w), x, value, grad, w.scope("float64"))
        return
    _softsign(x, value, grad, w)


def _softsign(x, value, grad, w: Workspace) -> None:
    # d = 1 + |x| = dh + dl exactly (Fast2Sum, 1 >= |x| or |x| >= 1 both fine as
    # max + min); the rounding dl of d would cost up to 3 ulp in 1/d^2, so it is carried as a
    # first-order correction: x/d = (x/dh)(1 - dl/dh), 1/d^2 = (1/dh)^2 (1 - 2 dl/dh).
    big = np.finfo(x.dtype).max
    xf = np.clip(x, -big, big, out=w.buf(0, x))  # inf/(1 + inf) would be NaN; the limit is +-1
    m = np.abs(xf, out=w.buf(1, x))
    dh = np.add(m, 1.0, out=w.buf(2, x))
    hi = np.maximum(m, 1.0, out=w.buf(3, x))
    lo = np.minimum(m, 1.0, out=m)
    dl = np.subtract(hi, dh, out=hi)
    dl += lo  # the rounding error of 1 + |x|, exactly
    dl /= dh  # dl/dh
    np.divide(xf, dh, out=value)
    corr = np.multiply(value, dl, out=lo)
    value -= corr
    if grad is not None:
        # (1/dh)^2 rather than 1/dh^2: dh^2 overflows for |x| > 1e154.
        np.divide(1.0, dh, out=grad)
        grad *= grad
        dl *= 2
        dl *= grad
        grad -= dl


# x/(1 + |x|) at +-inf is inf/inf: NaN everywhere; TF's gradient 1/(1 + |x|)^2 stays 0.
_NAN_BOTH = ((NAN, NAN), (NAN, NAN))
_NAN_VALUES = ((NAN, 0.0), (NAN, 0.0))
_KERAS_SOFTSIGN = ("keras.activations.softsign", "keras.ops.softsign")
_SOFTSIGN_FW = {
    "torch": facts("torch.nn.functional.softsign", "torch.nn.Softsign", limits=_NAN_BOTH),
    "jax": facts("jax.nn.soft_sign", limits=_NAN_BOTH),
    "flax": facts("flax.linen.soft_sign", limits=_NAN_BOTH),
    "tf": facts("tf.nn.softsign", "tf.math.softsign", limits=_NAN_VALUES),
    "tf-keras": facts("tf_keras.activations.softsign", limits=_NAN_VALUES),
    "keras-tf": facts(*_KERAS_SOFTSIGN, limits=_NAN_VALUES),
    **same_facts(("keras-jax", "keras-torch"), facts(*_KERAS_SOFTSIGN, limits=_NAN_BOTH)),
    "mlx": facts("mlx.nn.softsign", "mlx.nn.Softsign", limits=_NAN_BOTH),
}

SOFTSIGN = Variant(
    name="softsign",
    aliases=("soft_sign",),
    summary="x/(1 + abs(x)): tanh-shaped, with polynomial (not exponential) tails.",
    formula="x/(1 + abs(x))",  # no "|": it would break Markdown tables
    latex=r"\frac{x}{1 + |x|}",
    kernel=softsign_kernel,
    range=Interval(-1.0, 1.0, True, True),
    grad_range=Interval(0.0, 1.0, lo_open=True),
    # f'' jumps at 0 (−2 sign(x)/(1 + |x|)^3): C1, not smooth.
    continuity="C1",
    monotonic=True,
    kink_rule="softsign′(0) = 1 (both sides agree)",
    reference="Bergstra et al. 2009",
    torch="torch.nn.functional.softsign",
    init="xavier",
    frameworks=_SOFTSIGN_FW,
)

# ---------------------------------------------------------------------- log-sigmoid


def logsigmoid_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    # log sigmoid(x) = -softplus(-x), and its gradient sigmoid(-x) is softplus'(-x).
    neg = np.negative(x, out=w.buf(0, x))
    # beta = 1: no product to round, so no two-product (exact=False).
    _softplus(neg, value, grad, 1.0, INF, w.scope("softplus"), False)
    np.subtract(const(x, 0), value, out=value)  # 0 - 0 = +0 at +inf, as PyTorch


_LOGSIGMOID_FW = {
    "torch": facts("torch.nn.functional.logsigmoid", "torch.nn.LogSigmoid"),
    "jax": facts("jax.nn.log_sigmoid"),
    "flax": facts("flax.linen.log_sigmoid"),
    "tf": facts("tf.math.log_sigmoid"),
    **same_facts(KERAS, facts("keras.activations.log_sigmoid", "keras.ops.log_sigmoid")),
    "mlx": facts("mlx.nn.log_sigmoid", "mlx.nn.LogSigmoid"),
}

LOGSIGMOID = Variant(
    name="logsigmoid",
    aliases=("log_sigmoid",),
    summary="log(sigmoid(x)) = −softplus(−x): linear for x → −inf, 0 for x → inf.",
    formula="−ln(1 + exp(−x))",
    latex=r"-\ln(1 + e^{-x})",
    kernel=logsigmoid_kernel,
    range=Interval(-INF, 0.0, hi_open=True),
    grad_range=Interval(0.0, 1.0, True, True),
    continuity="C∞",
    monotonic=True,
    torch="torch.nn.functional.logsigmoid",
    frameworks=_LOGSIGMOID_FW,
)
