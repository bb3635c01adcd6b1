"""Smooth variants: GELU, SiLU (swish), Mish, softplus, sigmoid and tanh, each record next
to its kernel.

They share the sigmoid pieces (``_sigmoid_parts``: exp(-|y|) once, then sigmoid(y) and
sigmoid(y)sigmoid(-y) without cancellation). float32 inputs take float64 table entries
(numerics/exp32.py) and finish in float64, rounding once: within 16 ulp of the exact result
(mostly within 1), and faster than NumPy's float64 transcendental functions.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..frameworks import KERAS, NAN_TAILS, facts, same_facts
from ..numerics.chunked import KernelArgs, Workspace
from ..numerics.elementwise import finite, in_float64, no_neg_inf, two_prod
from ..numerics.exp32 import EXP_HIGH, MAGIC, MAGIC_BITS, exp_parts_mixed, log1p_exp_table64
from ..registry import Interval, Param, Variant

INF = math.inf


def _sigmoid_pair(x):
    """(sigmoid(x), sigmoid(-x)), each with full relative accuracy and no overflow."""
    e = np.exp(-np.abs(x))
    r = 1 / (1 + e)
    h = np.heaviside(x, 1.0)
    return r * np.maximum(e, h), r * np.maximum(e, 1 - h)


def _sigmoid_parts(y, w: Workspace):
    """(r, er, h, e, table), the first four float64, for y: e = exp(-|y|) (never overflows;
    for float32 y from the table, ~1e-9 relative), r = sigmoid(|y|) = 1/(1 + e),
    er = sigmoid(-|y|) = e/(1 + e) (both exact to an ulp), h = 1 where y >= 0 else 0. NaN flows
    through e, r and er. sigmoid(y) is r or er by h (see ``_pick``), and
    sigmoid(y)*sigmoid(-y) = r*er. ``table`` is (idx, T) of the float32 table lookup
    (e = T (1 + q), see ``exp_parts_mixed``), None for float64. All live in ``w`` (this
    helper's own scratch) until its next call; the caller may overwrite them."""
    f64 = np.float64
    e = w.buf(0, y, f64)
    table = None
    if y.dtype == np.float32:
        m = np.abs(y, out=w.buf(5, y))
        np.minimum(m, w.full(EXP_HIGH, y), out=m)
        np.negative(m, out=m)
        table = exp_parts_mixed(m, None, e, w.scope("exp"))
    else:
        np.abs(y, out=e)
        np.negative(e, out=e)
        np.exp(e, out=e)
    d = np.add(e, 1.0, out=w.buf(4, y, f64))
    r = np.divide(1.0, d, out=w.buf(1, y, f64))
    er = np.divide(e, d, out=w.buf(3, y, f64))
    h = np.greater_equal(y, w.full(0, y), out=w.buf(2, y, f64))
    return r, er, h, e, table


def _pick(r, er, h, out):
    """out = r where h = 1, er where h = 0: er <= r, so max(r*h, er) is exact (NaN kept)."""
    np.multiply(r, h, out=out)
    np.maximum(out, er, out=out)
    return out


def gelu_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    if x.dtype == np.float32:
        if a.approximate == "tanh":
            in_float64(_gelu_tanh, x, value, grad, w.scope("float64"))
        else:
            _gelu32(x, value, grad, w)
        return
    if a.approximate == "tanh":
        _gelu_tanh(x, value, grad)
        return
    from ..numerics import special  # on first use: it costs start-up time (numpy.typing)

    cdf = special.ndtr(x)
    np.multiply(no_neg_inf(x, x), cdf, out=value)
    if grad is not None:
        np.multiply(finite(x, x), special.norm_pdf(x), out=grad)
        grad += cdf


# float32 GELU: with y = |x| = a + d, a = j/1024 on a grid and 0 <= d < 1/1024,
#   Phi(-y) = P - D (d - a d^2/2 + (a^2 - 1) d^3/6)  and  phi(y) = D exp(-d (a + d/2)),
# P = Phi(-a) and D = phi(a) from float64 tables (relucli.numerics.special), the short series in
# float32 (they are corrections of relative size a*d < 0.015, so their float32 rounding
# costs < 1e-8), the rest in float64: Phi(x) = |[x > 0] - Phi(-y)|. Both results are
# within about an ulp (the series truncate below 2e-9). Past |x| = 15 the tables hold the
# limits (P = D = 0), where every float32 result has underflowed or saturated.
_GELU_STEPS = 1024
_GELU_HIGH = 15.0


@functools.cache
def _gelu_tables() -> tuple[np.ndarray, np.ndarray]:
    from ..numerics import special

    a = np.arange(0, _GELU_HIGH * _GELU_STEPS + 1) / _GELU_STEPS
    cdf, pdf = np.asarray(special.ndtr(-a), np.float64), np.asarray(special.norm_pdf(a))
    cdf[-1] = pdf[-1] = 0.0
    return cdf, pdf


def _gelu32(x, value, grad, w: Workspace) -> None:
    f64 = np.float64
    cdf_table, pdf_table = _gelu_tables()
    y = np.abs(x, out=w.buf(0, x))
    np.minimum(y, w.full(_GELU_HIGH, x), out=y)  # NaN stays NaN
    t = np.multiply(y, _GELU_STEPS, out=y)  # exact
    j = np.floor(t, out=w.buf(1, x))
    bits = np.add(j, MAGIC, out=w.buf(2, x)).view(np.int32)
    idx = np.subtract(bits, MAGIC_BITS, out=w.buf(3, x, np.intp))
    d = np.subtract(t, j, out=t)
    d *= 1 / _GELU_STEPS  # exact
    a = np.multiply(j, 1 / _GELU_STEPS, out=j)  # exact
    # Phi(-y) = P - D*series, series = d (1 + d (-a/2 + d (a^2 - 1)/6))
    c3 = np.multiply(a, a, out=w.buf(4, x))
    c3 -= 1
    c3 *= 1 / 6
    c3 *= d
    c3 -= np.multiply(a, 0.5, out=w.buf(5, x))
    c3 *= d
    c3 += 1
    c3 *= d
    pdf = pdf_table.take(idx, out=w.buf(6, x, f64), mode="clip")
    tail = np.multiply(pdf, c3, out=w.buf(7, x, f64))
    np.subtract(cdf_table.take(idx, out=w.buf(8, x, f64), mode="clip"), tail, out=tail)
    # Phi(x) = Phi(-y) for x <= 0, 1 - Phi(-y) for x > 0
    above = np.greater(x, w.full(0, x), out=w.buf(9, x, np.bool_))
    cdf = np.subtract(above, tail, out=tail)
    np.abs(cdf, out=cdf)
    big = np.finfo(np.float32).max
    xm = np.maximum(x, w.full(-big, x), out=w.buf(10, x))  # -inf * 0 would be NaN
    np.multiply(xm, cdf, out=value)
    if grad is None:
        return
    # gelu' = Phi(x) + x phi(x), phi(y) = D exp(-s), s = d (a + d/2), exp(-s) to s^3
    s = np.multiply(d, 0.5, out=w.buf(4, x))
    s += a
    s *= d
    e = np.multiply(s, -1 / 6, out=w.buf(5, x))
    e += 0.5
    e *= s
    e -= 1
    e *= s
    e += 1
    pdf *= e
    np.minimum(xm, w.full(big, x), out=xm)
    pdf *= xm
    np.add(cdf, pdf, out=grad)


_GELU_C = math.sqrt(2 / math.pi)
_GELU_K = 0.044715
# 2*sqrt(2/pi) as an unevaluated sum hi + lo (mpmath): double-double for the tail below.
_GELU_2C_HI, _GELU_2C_LO = 1.5957691216057308, -9.96930880911092e-17


def _gelu_tanh(x, value, grad) -> None:
    # 1 + tanh(u) = 2 sigmoid(2u): no cancellation for negative u. |x| > 1e5 saturates.
    # In the left tail sigmoid(2u) = exp(2u) amplifies the rounding of 2u ~ -600 into
    # hundreds of ulp, so 2u = 2c x (1 + k x^2) is formed in double-double (t + te) and
    # the sigmoid corrected to first order in te.
    xs = np.clip(x, -1e5, 1e5)
    q, qe = two_prod(xs, xs)
    r, re = two_prod(_GELU_K, q)
    re += _GELU_K * qe
    w = 1 + r  # Knuth's two-sum: w + we = 1 + r exactly, whichever term is larger
    back = w - r
    we = ((1 - back) + (r - (w - back))) + re
    m, me = two_prod(xs, w)
    me += xs * we
    t, te = two_prod(_GELU_2C_HI, m)
    te += _GELU_2C_HI * me + _GELU_2C_LO * m
    sp, sn = _sigmoid_pair(t)
    spsn = sp * sn
    sp += spsn * te
    sn -= spsn * te
    np.multiply(no_neg_inf(x, x), sp, out=value)
    if grad is not None:
        du = _GELU_C * (1 + 3 * _GELU_K * xs * xs)
        np.multiply(xs * (2 * sp * sn), du, out=grad)
        grad += sp


def silu_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    r, er, h, _, _ = _sigmoid_parts(x, w.scope("sigmoid"))
    sp = _pick(r, er, h, w.buf(1, x, np.float64))
    big = np.finfo(x.dtype).max
    xm = np.maximum(x, w.full(-big, x), out=w.buf(2, x))  # -inf * 0 would be NaN
    np.multiply(xm, sp, out=value)  # float64 product, rounded once
    if grad is not None:
        # silu' = s(x) + x s(x) s(-x), and s(x) s(-x) = r*er: no 1 - s(x) cancellation.
        xf = np.minimum(xm, w.full(big, x), out=xm)
        g = np.multiply(r, er, out=r)
        g *= xf
        np.add(g, sp, out=grad)


def mish_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    # tanh(softplus(x)) = n/d with w = exp(-|x|), written for both signs at once as
    #   n = A + 2w, d = n + C;  A = 1, C = 2w^2 for x >= 0;  A = w^2, C = 2 for x < 0
    # (A = max(h, w^2) and C = 2 max(1 - h, w^2) pick exactly). 1 - t^2 = C(d + n)/d^2
    # keeps full relative accuracy where t is near 1. Intermediates are float64.
    f64 = np.float64
    r, er, h, ew, _ = _sigmoid_parts(x, w.scope("sigmoid"))
    w2 = np.multiply(ew, ew, out=w.buf(2, x, f64))
    n = np.maximum(h, w2, out=w.buf(3, x, f64))
    ew *= 2
    n += ew
    gap = np.subtract(1.0, h, out=ew)
    np.maximum(gap, w2, out=gap)
    gap *= 2
    d = np.add(n, gap, out=w2)
    t = np.divide(n, d, out=w.buf(4, x, f64))
    big = np.finfo(x.dtype).max
    xm = np.maximum(x, w.full(-big, x), out=w.buf(1, x))
    np.multiply(xm, t, out=value)
    if grad is None:
        return
    # mish' = t + x s(x) (1 - t^2)
    n += d
    n *= gap
    d *= d
    n /= d  # 1 - t^2
    sp = _pick(r, er, h, w.buf(5, x, f64))
    xf = np.minimum(xm, w.full(big, x), out=xm)
    sp *= xf
    sp *= n
    np.add(sp, t, out=grad)


def softplus_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    # PyTorch: x where beta*x > threshold, else log1p(exp(beta*x))/beta.
    beta, threshold = float(a.beta), float(a.threshold)
    if x.dtype == np.float32 and beta != 1:
        # beta*x rounded to float32 would be amplified by exp: that product (and the rest)
        # runs in float64 and is rounded once.
        body = lambda x, v, g: _softplus(x, v, g, beta, threshold, w)  # noqa: E731
        in_float64(body, x, value, grad, w.scope("float64"))
        return
    _softplus(x, value, grad, beta, threshold, w)


def _softplus(x, value, grad, beta: float, threshold: float, w: Workspace) -> None:
    f64 = np.float64
    y = x
    if beta != 1:
        y = w.buf(0, x)
        with np.errstate(over="ignore"):  # beta*x overflowing to +-inf is the right limit
            np.multiply(x, beta, out=y)
    yc = np.minimum(y, w.full(threshold, x), out=w.buf(1, x))  # NaN stays NaN
    r, er, h, e, table = _sigmoid_parts(yc, w.scope("sigmoid"))
    soft = w.buf(3, x, f64)
    if x.dtype == np.float32:
        # log1p(e) = log1p(T) + log1p(T q/(1 + T)) for e = T (1 + q): the first from a
        # table, the second a short series (|T q/(1 + T)| < 1/256): no logarithm at all.
        idx, t = table
        big = np.add(t, 1.0, out=w.buf(4, x, f64))  # 1 + T
        z = np.subtract(e, t, out=soft)  # T q
        z /= big
        series = np.multiply(z, 1 / 3, out=big)
        series -= 0.5
        series *= z
        series += 1.0
        z *= series
        z += log1p_exp_table64().take(idx, out=series, mode="clip")
    else:
        # log1p(e) as log(v) - ((v - 1) - e)/v with v = 1 + e: the correction is the
        # rounding error of v (exact), and np.log is three times faster than np.log1p.
        v = np.add(e, 1.0, out=w.buf(4, x, f64))
        np.subtract(v, 1.0, out=soft)
        soft -= e
        soft /= v
        np.subtract(np.log(v, out=v), soft, out=soft)
    soft += np.maximum(yc, w.full(0, x), out=w.buf(2, x))
    if beta != 1:
        soft /= beta
    np.copyto(value, soft, casting="same_kind")
    linear = np.greater(y, w.full(threshold, x), out=w.buf(5, x, np.bool_))
    any_linear = linear.any()  # none in most chunks: skip the (slow) masked copies
    if any_linear:
        np.copyto(value, x, where=linear)
    if grad is None:
        return
    _pick(r, er, h, soft)  # softplus' = sigmoid(beta x)
    np.copyto(grad, soft, casting="same_kind")
    if any_linear:
        np.copyto(grad, 1.0, where=linear)


def sigmoid_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    r, er, h, _, _ = _sigmoid_parts(x, w.scope("sigmoid"))
    np.copyto(value, _pick(r, er, h, w.buf(1, x, np.float64)), casting="same_kind")
    if grad is not None:
        np.multiply(r, er, out=grad)


def tanh_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    if x.dtype != np.float32:
        np.tanh(x, out=value)
        if grad is not None:
            # tanh' = 4e/(1+e)^2 with e = exp(-2|x|): no 1 - tanh^2 cancellation in the tails.
            e = np.abs(x, out=w.buf(0, x))
            np.negative(e, out=e)
            np.exp(e, out=e)
            e *= e
            d = np.add(e, 1.0, out=w.buf(1, x))
            d *= d
            np.multiply(e, 4.0, out=grad)
            grad /= d
        return
    # float32: with em1 = expm1(-2|x|) and e = exp(-2|x|) from the float64 tables,
    # tanh|x| = -em1/(2 + em1) (no cancellation) and tanh' = 4e/(1 + e)^2.
    f64 = np.float64
    m = np.abs(x, out=w.buf(0, x))
    np.minimum(m, w.full(EXP_HIGH / 2, x), out=m)
    m *= -2  # exact
    em1 = w.buf(1, x, f64)
    e = None if grad is None else w.buf(2, x, f64)
    exp_parts_mixed(m, em1, e, w.scope("exp"))
    d = np.add(em1, 2.0, out=w.buf(3, x, f64))
    t = np.divide(em1, d, out=d)  # -tanh|x|
    sign = np.signbit(x, out=w.buf(4, x, np.bool_))  # tanh is odd: -0 stays -0
    s = np.multiply(sign, 2.0, out=w.buf(5, x, f64))
    s -= 1
    np.multiply(t, s, out=value)
    if grad is not None:
        d = np.add(e, 1.0, out=em1)
        d *= d
        e *= 4
        np.divide(e, d, out=grad)


def _d_softplus_beta(x: np.ndarray, p) -> np.ndarray:
    beta, threshold = p["beta"], p["threshold"]
    with np.errstate(over="ignore"):
        y = beta * x
    yc = np.clip(y, -1e4, threshold)
    sp = 1 / (1 + np.exp(-np.abs(yc)))
    sig = np.where(yc >= 0, sp, 1 - sp)
    soft = np.log1p(np.exp(-np.abs(yc))) + np.maximum(yc, 0)
    d = (yc * sig - soft) / (beta * beta)
    return np.where(y > threshold, 0.0, d)


# Extremes of the smooth non-monotonic variants, found with mpmath at 40 digits
# (tests/test_variants.py checks them against dense sampling).
_GELU_MIN = {"none": -0.16997120747990366, "tanh": -0.17004075057125405}
_GELU_GRAD = {
    "none": Interval(-0.12890414518515479, 1.1289041451851548),
    "tanh": Interval(-0.12899306865877177, 1.1289930686587718),
}


_TANH = {"approximate": "tanh"}
_GELU_FW = {
    # PyTorch's exact GELU in float32 is NaN at +inf too.
    "torch": facts(
        "torch.nn.functional.gelu",
        "torch.nn.GELU",
        limits=NAN_TAILS,
        limits32=lambda p: ((math.nan, math.nan),) * 2 if p["approximate"] == "none" else NAN_TAILS,
    ),
    "jax": facts("jax.nn.gelu", defaults=_TANH, limits=NAN_TAILS),
    "flax": facts("flax.linen.gelu", defaults=_TANH, limits=NAN_TAILS),
    "tf": facts("tf.nn.gelu", limits=NAN_TAILS),
    "tf-keras": facts("tf_keras.activations.gelu", limits=NAN_TAILS),
    **same_facts(
        ("keras-tf", "keras-jax"),
        facts("keras.activations.gelu", "keras.ops.gelu", forms={"ops": _TANH}, limits=NAN_TAILS),
    ),
    "keras-torch": facts(
        "keras.activations.gelu",
        "keras.ops.gelu",
        forms={"ops": _TANH},
        limits=NAN_TAILS,
        limits32=lambda p: ((math.nan, math.nan),) * 2 if p["approximate"] == "none" else NAN_TAILS,
    ),
    "mlx": facts("mlx.nn.gelu", "mlx.nn.gelu_approx", "mlx.nn.GELU", limits=NAN_TAILS),
}

GELU = Variant(
    name="gelu",
    summary="Gaussian error linear unit: x weighted by the normal CDF.",
    formula="x·Φ(x); tanh form: x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))",
    latex=r"x\,\Phi(x)",
    kernel=gelu_kernel,
    params=(
        Param("approximate", "none", "'none' (exact, erf) or 'tanh'", choices=("none", "tanh")),
    ),
    range=lambda p: Interval(_GELU_MIN[p["approximate"]], INF),
    grad_range=lambda p: _GELU_GRAD[p["approximate"]],
    continuity="C∞",
    monotonic=False,
    reference="Hendrycks & Gimpel 2016",
    torch="torch.nn.functional.gelu",
    frameworks=_GELU_FW,
)

_SILU_FW = {
    "torch": facts("torch.nn.functional.silu", "torch.nn.SiLU", limits=NAN_TAILS),
    "jax": facts("jax.nn.silu", "jax.nn.swish", limits=NAN_TAILS),
    "flax": facts("flax.linen.silu", "flax.linen.swish", limits=NAN_TAILS),
    "tf": facts(
        "tf.nn.silu",
        "tf.nn.swish",
        limits=NAN_TAILS,
        definition="takes a beta (default 1): x·σ(beta·x) is relucli's swish (swish@tf)",
    ),
    "tf-keras": facts("tf_keras.activations.swish", limits=NAN_TAILS),
    **same_facts(
        KERAS,
        facts(
            "keras.activations.silu",
            "keras.activations.swish",
            "keras.ops.silu",
            limits=NAN_TAILS,
        ),
    ),
    "mlx": facts("mlx.nn.silu", "mlx.nn.SiLU", limits=NAN_TAILS),
}

SILU = Variant(
    name="silu",
    # `swish` names the record with β (variants/swish.py): at β = 1 the same numbers.
    summary="Sigmoid linear unit (swish): x times sigmoid(x).",
    formula="x·σ(x)",
    latex=r"x\,\sigma(x)",
    kernel=silu_kernel,
    range=Interval(-0.2784645427610738, INF),
    grad_range=Interval(-0.09983932012886692, 1.0998393201288670),
    continuity="C∞",
    monotonic=False,
    reference="Elfwing et al. 2017; Ramachandran et al. 2017",
    torch="torch.nn.functional.silu",
    frameworks=_SILU_FW,
)

_MISH_FW = {
    "torch": facts("torch.nn.functional.mish", "torch.nn.Mish", limits=NAN_TAILS),
    "jax": facts("jax.nn.mish", limits=NAN_TAILS),
    "tf-keras": facts("tf_keras.activations.mish", limits=NAN_TAILS),
    **same_facts(KERAS, facts("keras.activations.mish", limits=NAN_TAILS)),
    "mlx": facts("mlx.nn.mish", "mlx.nn.Mish", limits=NAN_TAILS),
}

MISH = Variant(
    name="mish",
    summary="Self-regularized smooth activation: x·tanh(softplus(x)).",
    formula="x·tanh(ln(1 + exp(x)))",
    latex=r"x \tanh(\ln(1 + e^{x}))",
    kernel=mish_kernel,
    range=Interval(-0.3088434130172504, INF),
    grad_range=Interval(-0.11252612238946256, 1.0884981612517279),
    continuity="C∞",
    monotonic=False,
    reference="Misra 2019",
    torch="torch.nn.functional.mish",
    frameworks=_MISH_FW,
)

# Where softplus returns exactly x (gradient exactly 1), measured (float32; float64).
_NO_SWITCH = "no switch to x: log1p(exp(x)) throughout (exactly x from 14.56; 33.27 by rounding)"
_TF_SWITCH = "switches to x from 13.94 (gradient 1 from 16.64) in float32; 32.94 in float64"
_SOFTPLUS_FW = {
    "torch": facts("torch.nn.functional.softplus", "torch.nn.Softplus"),
    "jax": facts("jax.nn.softplus", definition=_NO_SWITCH),
    "flax": facts("flax.linen.softplus", definition=_NO_SWITCH),
    "tf": facts("tf.nn.softplus", "tf.math.softplus", definition=_TF_SWITCH),
    "tf-keras": facts("tf_keras.activations.softplus", definition=_TF_SWITCH),
    "keras-tf": facts("keras.activations.softplus", "keras.ops.softplus", definition=_TF_SWITCH),
    "keras-jax": facts("keras.activations.softplus", "keras.ops.softplus", definition=_NO_SWITCH),
    "keras-torch": facts("keras.activations.softplus", "keras.ops.softplus"),
    "mlx": facts("mlx.nn.softplus", "mlx.nn.Softplus", definition=_NO_SWITCH),
}

SOFTPLUS = Variant(
    name="softplus",
    summary="Smooth ReLU: ln(1 + exp(beta·x))/beta, linear past the threshold.",
    formula="ln(1 + exp(beta·x))/beta, or x where beta·x > threshold",
    latex=r"\tfrac{1}{\beta}\ln(1 + e^{\beta x})",
    kernel=softplus_kernel,
    params=(
        Param("beta", 1.0, "sharpness", "β", low=0.0, low_open=True),
        Param("threshold", 20.0, "beta·x above which softplus returns x", "t"),
    ),
    range=Interval(0.0, INF, lo_open=True),
    grad_range=Interval(0.0, 1.0, lo_open=True),
    continuity="C∞",
    monotonic=True,
    param_grads={"beta": _d_softplus_beta},
    reference="Dugas et al. 2001",
    torch="torch.nn.functional.softplus",
    frameworks=_SOFTPLUS_FW,
)

SIGMOID = Variant(
    name="sigmoid",
    aliases=("logistic",),
    summary="Logistic sigmoid: the bounded reference ReLU replaced.",
    formula="1/(1 + exp(−x))",
    latex=r"\frac{1}{1 + e^{-x}}",
    kernel=sigmoid_kernel,
    range=Interval(0.0, 1.0, True, True),
    grad_range=Interval(0.0, 0.25, lo_open=True),
    continuity="C∞",
    monotonic=True,
    torch="torch.sigmoid",
    init="xavier",  # Glorot's init was derived for saturating, zero-slope-at-the-tails units
    frameworks={
        "torch": facts("torch.sigmoid", "torch.nn.Sigmoid"),
        "jax": facts("jax.nn.sigmoid"),
        "flax": facts("flax.linen.sigmoid"),
        "tf": facts("tf.nn.sigmoid", "tf.math.sigmoid"),
        "tf-keras": facts("tf_keras.activations.sigmoid"),
        **same_facts(KERAS, facts("keras.activations.sigmoid", "keras.ops.sigmoid")),
        "mlx": facts("mlx.nn.sigmoid", "mlx.nn.Sigmoid"),
    },
)

TANH = Variant(
    name="tanh",
    summary="Hyperbolic tangent: bounded, zero-centred reference.",
    formula="tanh(x)",
    latex=r"\tanh(x)",
    kernel=tanh_kernel,
    range=Interval(-1.0, 1.0, True, True),
    grad_range=Interval(0.0, 1.0, lo_open=True),
    continuity="C∞",
    monotonic=True,
    torch="torch.tanh",
    init="xavier",
    frameworks={
        "torch": facts("torch.tanh", "torch.nn.Tanh"),
        "jax": facts("jax.nn.tanh"),
        "flax": facts("flax.linen.tanh"),
        "tf": facts("tf.nn.tanh", "tf.math.tanh"),
        "tf-keras": facts("tf_keras.activations.tanh"),
        "keras-tf": facts("keras.activations.tanh", "keras.ops.tanh"),
        "keras-jax": facts(
            "keras.activations.tanh", "keras.ops.tanh", definition="float64 input gives float32"
        ),
        "keras-torch": facts("keras.activations.tanh", "keras.ops.tanh"),
        "mlx": facts("mlx.nn.tanh", "mlx.nn.Tanh"),
    },
)
