"""Smooth variants: GELU, SiLU (swish), Mish, softplus, sigmoid and tanh, each record next
to its kernel.

They share the sigmoid pieces (``_sigmoid_parts``: exp(-|y|) once, then sigmoid(y) and
sigmoid(y)sigmoid(-y) without cancellation). float32 SiLU, Mish and softplus convert each
chunk to float64, run the float64 kernel and round once (``_upcast``: NumPy's float64 exp
is a SIMD loop); float32 GELU, sigmoid and tanh take float64 table entries
(numerics/exp32.py) and finish in float64, rounding once. Within 16 ulp of the exact
result (mostly within 1).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..frameworks import KERAS, NAN_TAILS, facts, same_facts
from ..numerics.chunked import KernelArgs, Workspace
from ..numerics.elementwise import in_float64, no_neg_inf, two_prod
from ..numerics.exp32 import EXP_HIGH, MAGIC, MAGIC_BITS, exp_parts_mixed
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
    _gelu64(x, value, grad, w)
    if np.fmin.reduce(x, initial=0.0) < _GELU_DEEP:
        _gelu_deep_tail(x, value, grad)


# float64 GELU from the Mills ratio R(y) = Phi(-y)/phi(y), smooth and slowly varying: with
# y = |x| = a + d, a = j/1024 on a grid and 0 <= d < 1/1024,
#   phi(y) = D exp(-d (a + d/2)),   R(y) = sum_k R_k d^k / k!,   Phi(-y) = phi(y) R(y),
# D = phi(a) and R_0 = R(a) from float64 tables, the derivatives from R' = y R - 1:
# R_1 = a R_0 - 1, R_(k+1) = a R_k + k R_(k-1). Four terms: the fifth is below 6e-17 of R
# (at a = 0; for large a they fall off as (d/a)^k). exp's argument is below 0.04, so its
# own rounding costs nothing. No branch and no region masks: about 40 passes, two gathers
# and one exp, 2-3x faster than erf by regions (numerics/special.py), within a few ulp.
# Past |x| = 38 the tables hold the limits (R = D = 0); x < -37 is patched by
# _gelu_deep_tail, where Phi and phi are subnormal.
_GELU64_STEPS = 1024
_GELU64_HIGH = 38.0


@functools.cache
def _gelu64_tables() -> tuple[np.ndarray, np.ndarray]:
    from ..numerics import special

    a = np.arange(0, _GELU64_HIGH * _GELU64_STEPS + 1) / _GELU64_STEPS
    with np.errstate(under="ignore"):
        pdf = np.asarray(special.norm_pdf(a), np.float64)
        mills = np.asarray(special.ndtr(-a), np.float64) / pdf
    mills[-1] = pdf[-1] = 0.0
    return mills, pdf


def _gelu64(x, value, grad, w: Workspace) -> None:
    mills_table, pdf_table = _gelu64_tables()
    y = np.abs(x, out=w.buf(0, x))
    np.minimum(y, w.full(_GELU64_HIGH, x), out=y)  # NaN stays NaN
    t = np.multiply(y, _GELU64_STEPS, out=y)  # exact
    j = np.floor(t, out=w.buf(1, x))
    bits = np.add(j, _MAGIC64, out=w.buf(2, x)).view(np.int64)
    idx = np.subtract(bits, _MAGIC64_BITS, out=w.buf(3, x, np.intp))
    d = np.subtract(t, j, out=t)
    d *= 1 / _GELU64_STEPS  # exact
    a = np.multiply(j, 1 / _GELU64_STEPS, out=j)  # exact
    # R_k/k! for k = 0..4 (q0..q4), by the recurrence, then Horner in d.
    q0 = mills_table.take(idx, out=w.buf(4, x), mode="clip")
    q1 = np.multiply(a, q0, out=w.buf(5, x))
    q1 -= 1
    q2 = np.multiply(a, q1, out=w.buf(6, x))
    q2 += q0
    q2 *= 0.5
    q3 = np.multiply(a, q2, out=w.buf(7, x))
    q3 += q1  # (a R_2 + 2 R_1)/3! = (a q2 + q1)/3
    q3 *= 1 / 3
    q4 = np.multiply(a, q3, out=w.buf(8, x))
    q4 += q2  # (a R_3 + 3 R_2)/4! = (a q3 + q2)/4
    q4 *= 0.25
    q4 *= d
    q4 += q3
    q4 *= d
    q4 += q2
    q4 *= d
    q4 += q1
    q4 *= d
    q4 += q0
    mills = q4
    # phi(y) = D exp(-d (a + d/2))
    s = np.multiply(d, 0.5, out=q1)
    s += a
    s *= d
    np.negative(s, out=s)
    pdf = np.exp(s, out=s)
    pdf *= pdf_table.take(idx, out=q2, mode="clip")
    tail = np.multiply(pdf, mills, out=mills)  # Phi(-y)
    # Phi(x) = Phi(-y) for x <= 0, 1 - Phi(-y) for x > 0
    above = np.greater(x, w.full(0, x), out=w.buf(9, x, np.bool_))
    cdf = np.subtract(above, tail, out=tail)
    np.abs(cdf, out=cdf)
    big = np.finfo(np.float64).max
    xm = np.maximum(x, w.full(-big, x), out=a)  # -inf * 0 would be NaN
    np.multiply(xm, cdf, out=value)
    if grad is None:
        return
    np.minimum(xm, w.full(big, x), out=xm)
    pdf *= xm
    np.add(cdf, pdf, out=grad)


_MAGIC64 = 1.5 * 2.0**52  # j + _MAGIC64 has j in its low mantissa bits
_MAGIC64_BITS = int(np.array(_MAGIC64).view(np.int64))


# Below x = -37.5, Phi(x) (and below -37.67, phi(x)) are subnormal and have lost bits, while
# x Phi(x) and gelu'(x) = Phi(x) + x phi(x) are still normal numbers down to about -37.7:
# about 20 ulp off there. This window is recomputed from scaled pieces.
_GELU_DEEP = -37.0
_INV_SQRT_2PI = 0.3989422804014327


def _gelu_deep_tail(x, value, grad) -> None:
    """x Phi(x) and Phi(x) + x phi(x) for -39 <= x < -37, never forming a subnormal.

    With u = -x: phi(x) = exp(-uh^2/4)^2 exp(-b)/sqrt(2 pi), uh = u to 26 bits (uh^2/4 is
    exact, as in numerics/special.py), b = (u - uh)(u + uh)/2 < 4e-5; Phi(x) = phi(x) S/u
    with the asymptotic series S = 1 - 1/u^2 + 3/u^4 - ... (10 terms: below 1e-20 at
    u = 37). Then x Phi(x) = -phi S and gelu' = -phi (u - S/u), each multiplied by the
    normal number exp(-uh^2/4) last, twice. Rare: a masked patch."""
    from ..numerics.special import _hi26

    where = (x < _GELU_DEEP) & (x >= -39.0)
    if not where.any():
        return
    u = -x[where]
    uh = _hi26(u, np.empty_like(u))
    b = (u - uh) * (u + uh) * 0.5
    e1 = np.exp(-(uh * uh) * 0.25)
    corr = 1 - b * (1 - b * (0.5 - b / 6))  # exp(-b)
    w = 1 / (u * u)
    series = np.zeros_like(u)
    for k in range(10, 0, -1):  # (2k - 1)!! (-w)^k, Horner over 10 terms
        series = (series + 1) * (-(2 * k - 1) * w)
    series += 1
    front = corr * _INV_SQRT_2PI
    value[where] = -(series * front * e1) * e1
    if grad is not None:
        grad[where] = -((u - series / u) * front * e1) * e1


# float32 GELU: with y = |x| = a + d, a = j/1024 the nearest grid point and |d| <= 1/2048,
#   Phi(-y) = P - phi(y) (d + y d^2/2 + (y^2 - 1) d^3/6),
# the integral of phi from a to y written around y: phi(y - u) = phi(y) exp(u y - u^2/2).
# P = Phi(-a) from a float64 table (relucli.numerics.special), the short series in float32
# (a correction of relative size y*d < 0.015, so its float32 rounding costs < 1e-8; the
# next term is below 2e-9 of Phi), phi(y) = exp(-x^2/2 - ln sqrt(2 pi)) in float64 (x^2 of
# a float32 is exact in float64; the argument's rounding, below 2e-14, is far below a
# float32 ulp): one gather, and NumPy's float64 exp is a SIMD loop. Then
# Phi(x) = |[x > 0] - Phi(-y)|, value and gradient Phi(x) + x phi(x) rounded once: within
# about an ulp. Past |x| = 15 the table holds the limit (P = 0) and d = 0, where every
# float32 result has underflowed or saturated.
_GELU_STEPS = 1024
_GELU_HIGH = 15.0
_LOG_SQRT_2PI = 0.9189385332046728  # ln sqrt(2 pi)


@functools.cache
def _gelu_table() -> np.ndarray:
    from ..numerics import special

    a = np.arange(0, _GELU_HIGH * _GELU_STEPS + 1) / _GELU_STEPS
    cdf = np.asarray(special.ndtr(-a), np.float64)
    cdf[-1] = 0.0
    return cdf


def _gelu32(x, value, grad, w: Workspace) -> None:
    f64 = np.float64
    cdf_table = _gelu_table()
    y = np.abs(x, out=w.buf(0, x))
    np.minimum(y, w.full(_GELU_HIGH, x), out=y)  # NaN stays NaN
    t = np.multiply(y, _GELU_STEPS, out=w.buf(4, x))  # exact
    # t + MAGIC rounds t to the nearest integer j (no floor pass): |d| <= 1/2048, and the
    # series below holds for either sign of d.
    bits = np.add(t, MAGIC, out=w.buf(2, x))
    j = np.subtract(bits, MAGIC, out=w.buf(1, x))  # exact
    idx = np.subtract(bits.view(np.int32), MAGIC_BITS, out=w.buf(3, x, np.intp))
    d = np.subtract(t, j, out=t)
    d *= 1 / _GELU_STEPS  # exact
    # series = d (1 + d (y/2 + d (y^2 - 1)/6)), in float32
    c3 = np.multiply(y, y, out=j)
    c3 -= 1
    c3 *= 1 / 6
    c3 *= d
    c3 += np.multiply(y, 0.5, out=w.buf(5, x))
    c3 *= d
    c3 += 1
    c3 *= d
    # The float32 series is converted once: a float32-float64 mixed operation costs about
    # three plain passes, a conversion less than one.
    series = w.buf(11, x, f64)
    np.copyto(series, c3)
    x64 = w.buf(10, x, f64)
    # -inf * 0 would be NaN: x is clamped from below in float32 (a cheaper pass), where
    # the square is still exact in float64.
    np.copyto(x64, np.maximum(x, w.full(-np.finfo(np.float32).max, x), out=w.buf(5, x)))
    pdf = np.multiply(x64, x64, out=w.buf(6, x, f64))  # exact; inf for +inf (no warning)
    pdf *= -0.5
    pdf -= _LOG_SQRT_2PI
    np.exp(pdf, out=pdf)  # phi(x), 0 at +-inf
    tail = np.multiply(pdf, series, out=series)
    np.subtract(cdf_table.take(idx, out=w.buf(8, x, f64), mode="clip"), tail, out=tail)
    # Phi(x) = Phi(-y) for x <= 0, 1 - Phi(-y) for x > 0
    above = np.greater(x, w.full(0, x), out=w.buf(9, x, np.bool_))
    step = w.buf(12, x, f64)
    np.copyto(step, above)
    cdf = np.subtract(step, tail, out=tail)
    np.abs(cdf, out=cdf)
    np.multiply(x64, cdf, out=value, casting="same_kind")
    if grad is None:
        return
    np.minimum(x64, w.full(np.finfo(np.float64).max, x64), out=x64)
    pdf *= x64
    np.add(cdf, pdf, out=grad, casting="same_kind")


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
    # Near x = -21.2 (t < -708) sigmoid(t) = exp(t) is subnormal and has lost bits, while
    # the gradient exp(t)(1 + 2 x du) (-2000 exp(t)) is normal: 1.9e3 ulp off. There it is
    # formed from exp(t/2), normal, multiplied in last (rare: masked).
    deep = t < -700
    if deep.any():
        half = np.exp(t[deep] / 2)
        value[deep] = (xs[deep] * (1 + te[deep]) * half) * half
        if grad is not None:
            du = _GELU_C * (1 + 3 * _GELU_K * xs[deep] * xs[deep])
            g = (1 + 2 * xs[deep] * du) * (1 + te[deep])
            grad[deep] = (g * half) * half


def _deep_left_tail(x, value, grad) -> None:
    """SiLU and Mish for x < -700 (float64): both are x e^x with gradient (1 + x) e^x there
    (the next terms are e^(2x) smaller). e^x is subnormal below -708 and has lost bits,
    while x e^x and (1 + x) e^x stay normal down to -715 (354 ulp off there). Formed as
    (x e^(x/2)) e^(x/2), never subnormal before the last product. Rare: a masked patch."""
    if x.dtype != np.float64 or not np.fmin.reduce(x, initial=0.0) < -700:
        return
    deep = x < -700
    xs = np.maximum(x[deep], -1500.0)  # exp(-750) = 0: -inf gives the limit -0, not NaN
    half = np.exp(xs / 2)
    value[deep] = (xs * half) * half
    if grad is not None:
        grad[deep] = ((1 + xs) * half) * half


def _upcast(body, x, value, grad, a: KernelArgs, w: Workspace) -> bool:
    """Run the float64 ``body`` on a float32 chunk and round once (True), or do nothing for
    float64 (False). For SiLU, Mish and softplus this is faster than their float32 table
    paths: NumPy's float64 exp is a SIMD loop here (0.55 ns per element, against 0.77 for
    one float64 table gather), and every float32-float64 mixed operation (about three
    times a plain pass) becomes one conversion; the result is the float64 one rounded."""
    if x.dtype != np.float32:
        return False
    scope = w.scope("float64 body")
    in_float64(lambda x, v, g: body(x, v, g, a, scope), x, value, grad, w.scope("float64"))
    return True


def silu_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    if not _upcast(silu_kernel, x, value, grad, a, w):
        _silu(x, value, grad, w)


def _silu(x, value, grad, w: Workspace) -> None:
    """float64 SiLU. With t = exp(-x), x clamped at -700 (so t never overflows; below -700
    _deep_left_tail writes the result): s(x) = 1/(1 + t) and s(-x) = t/(1 + t), both with
    full relative accuracy for either sign, with no |x| and no branch pick (three passes
    fewer than _sigmoid_parts, which matters at the lab's 4,096 elements)."""
    t = np.maximum(x, w.full(-700.0, x), out=w.buf(0, x))  # NaN stays NaN
    np.negative(t, out=t)
    np.exp(t, out=t)
    d = np.add(t, 1.0, out=w.buf(1, x))
    sp = np.divide(1.0, d, out=w.buf(2, x))
    np.multiply(x, sp, out=value)  # -inf * s: NaN-free, and rewritten below -700 anyway
    if grad is not None:
        # silu' = s(x) + x s(x) s(-x): no 1 - s(x) cancellation.
        sn = np.divide(t, d, out=t)
        sn *= sp
        xf = np.minimum(x, w.full(np.finfo(x.dtype).max, x), out=d)  # inf * 0 would be NaN
        sn *= xf
        np.add(sn, sp, out=grad)
    _deep_left_tail(x, value, grad)


def _mish(x, value, grad, w: Workspace) -> None:
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


def mish_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    if not _upcast(mish_kernel, x, value, grad, a, w):
        _mish(x, value, grad, w)
        _deep_left_tail(x, value, grad)


def softplus_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    # PyTorch: x where beta*x > threshold, else log1p(exp(beta*x))/beta.
    beta, threshold = float(a.exact["beta"]), float(a.exact["threshold"])
    if x.dtype == np.float32 and beta == 1:
        # float64 throughout (see _upcast), comparing with the threshold as float32 work
        # always has: rounded to float32 (x itself is exact in float64).
        with np.errstate(over="ignore"):
            threshold = float(np.float32(threshold))
        body = lambda x, v, g: _softplus(x, v, g, 1.0, threshold, w, False)  # noqa: E731
        in_float64(body, x, value, grad, w.scope("float64"))
        return
    if x.dtype == np.float32:
        # beta*x rounded to float32 would be amplified by exp, and so would beta's own
        # float32 rounding: the product (with beta as given, not rounded) and the rest run
        # in float64 and are rounded once. In float64, x*beta of a float32 x is off by at
        # most 2^-53 relative, times |beta x| <= 745 from exp: far below a float32 ulp.
        body = lambda x, v, g: _softplus(x, v, g, beta, threshold, w, False)  # noqa: E731
        in_float64(body, x, value, grad, w.scope("float64"))
        return
    _softplus(x, value, grad, beta, threshold, w, _needs_two_prod(beta))


def _needs_two_prod(c: float) -> bool:
    """c*x (or x/c) is exact for every x (bar underflow) only when c is a power of two."""
    return math.frexp(c)[0] != 0.5


def _low_part(x, c: float, lo: float, hi: float, out, w: Workspace):
    """out = the rounding error of x*c, for x*c in [lo, hi] (elsewhere a finite number that
    callers weigh by 0): x*c = fl(x*c) + out exactly. c = m 2^k with m in [0.5, 1): x 2^k is
    exact, so Dekker's two-product of (x 2^k, m) works for any c, however tiny or huge
    (two_prod needs factors far from overflow; x is clipped to the range that matters)."""
    m, k = math.frexp(c)
    with np.errstate(over="ignore"):
        lo_x, hi_x = sorted((lo / c, hi / c))
    xs = np.clip(x, lo_x, hi_x, out=w.buf(0, x))
    np.ldexp(xs, k, out=xs)
    _, err = two_prod(xs, m)
    np.copyto(out, err)
    return out


def _softplus(x, value, grad, beta, threshold, w: Workspace, exact: bool) -> None:
    f64 = np.float64
    y = x
    if beta != 1:
        y = w.buf(0, x)
        with np.errstate(over="ignore"):  # beta*x overflowing to +-inf is the right limit
            np.multiply(x, beta, out=y)
    # Where beta*x > threshold the results are overwritten below, so y goes on unclamped
    # (exp(-|y|) cannot overflow).
    yc = y
    low = None
    if exact:
        # beta not a power of two: beta*x = y + low exactly, and for y < 0 exp(y) turns
        # the rounding error low into a relative error |y| times larger (511 ulp at
        # beta = 100, x in [-7, -0.3]). First order in low: softplus(y + low) =
        # softplus(y) + sigmoid(y) low and sigmoid(y + low) = sigmoid(y) + s(y) s(-y) low.
        # Only y < 0 needs it (for y > 0 softplus is y + a small term: the error stays as
        # small as low itself), and below -800 exp(y) is 0.
        low = _low_part(x, beta, -800.0, 0.0, w.buf(6, x), w.scope("low"))
    r, er, h, e, _ = _sigmoid_parts(yc, w.scope("sigmoid"))
    # float64 outputs are written in place (no copy pass).
    soft = value if value.dtype == f64 else w.buf(3, x, f64)
    # Always float64 here (float32 chunks arrive converted). log1p(e) as log(v) - ((v - 1)
    # - e)/v with v = 1 + e: the correction is the rounding error of v (exact), and np.log
    # is three times faster than np.log1p.
    v = np.add(e, 1.0, out=w.buf(4, x, f64))
    np.subtract(v, 1.0, out=soft)
    soft -= e
    soft /= v
    np.subtract(np.log(v, out=v), soft, out=soft)
    soft += np.maximum(yc, w.full(0, x), out=w.buf(2, x))
    sig = None
    if low is not None:
        low *= np.less(y, w.full(0, x), out=w.buf(7, x, np.bool_))  # y < 0 only
        sig = _pick(r, er, h, w.buf(8, x))
        soft += np.multiply(sig, low, out=w.buf(9, x))
    if beta != 1:
        soft /= beta
    if beta < 1:
        _softplus_underflow(y, soft, low, beta, threshold, w.scope("underflow"))
    if soft is not value:
        np.copyto(value, soft, casting="same_kind")
    linear = np.greater(y, w.full(threshold, x), out=w.buf(5, x, np.bool_))
    if beta != 1:
        _threshold_ties(x, y, beta, threshold, linear)
    any_linear = linear.any()  # none in most chunks: skip the (slow) masked copies
    if any_linear:
        np.copyto(value, x, where=linear)
    if grad is None:
        return
    g = grad if grad.dtype == f64 else w.buf(3, x, f64)
    if sig is None:
        _pick(r, er, h, g)  # softplus' = sigmoid(beta x)
    else:
        np.multiply(r, er, out=g)
        g *= low
        g += sig
    if g is not grad:
        np.copyto(grad, g, casting="same_kind")
    if any_linear:
        np.copyto(grad, 1.0, where=linear)


def _threshold_ties(x, y, beta: float, threshold: float, linear) -> None:
    """Where beta*x rounds onto the threshold, decide beta*x > threshold exactly: by x's
    sign for threshold 0 (beta*1e-49 rounds to 0 for beta = 1e-275, yet it is > 0), else
    by the sign of the product's rounding error. Rare: a masked patch."""
    ties = y == threshold
    if not ties.any():
        return
    xt = x[ties]
    if threshold == 0:
        linear[ties] = xt > 0
        return
    lo, hi = sorted((0.0, 2 * threshold))
    low = _low_part(xt, beta, lo, hi, np.empty_like(xt), Workspace(xt.size))
    linear[ties] = low > 0


def _softplus_underflow(y, soft, low, beta: float, threshold: float, w: Workspace) -> None:
    """For beta < 1, softplus = exp(y)/beta can be a normal number while exp(y) (y < -708)
    is subnormal and has lost bits: there, exp(y)/beta = (exp(y/2)/beta) exp(y/2) (1 + low)
    (log1p(e) = e to double precision below e^-700). Rare, so a masked patch."""
    lo = -700.0
    if not (np.fmin.reduce(y, initial=np.inf) < lo and threshold >= lo):
        return
    where = np.less(y, lo, out=w.buf(0, y, np.bool_))
    ys = y[where]
    half = np.exp(ys / 2)
    with np.errstate(over="ignore"):  # the exact result itself may overflow
        v = half / beta * half
    if low is not None:
        v += v * low[where]
    soft[where] = v


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
    """d/dbeta [softplus(beta x)/beta] = (y sigmoid(y) - softplus(y))/beta^2, y = beta x.

    Written as it stands, both tails cancel (y sigmoid(y) and softplus(y) agree to all
    digits for y > 35 and are both ~e^y for y < -35: 0 or 1e8 ulp). With u = |y| the
    numerator is exactly -h(u), h(u) = u sigmoid(-u) + log1p(exp(-u)), for both signs
    of y: a sum of two positive terms, no cancellation. exp(-u) amplifies the rounding of
    beta*x (u times), so its rounding error (a two-product) is carried to first order:
    h'(u) = -u sigmoid(u) sigmoid(-u). Below exp(-700) h is formed from exp(-u/2) twice so
    that it does not go subnormal before the division by beta^2.
    """
    beta, threshold = float(p["beta"]), float(p["threshold"])
    x = np.asarray(x, np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        y = x * beta
        u = np.minimum(np.abs(y), 1e4)  # exp(-1e4) = 0: h is 0 there (NaN kept)
        if _needs_two_prod(beta):
            low = _low_part(x, beta, -800.0, 800.0, np.empty_like(x), Workspace(x.size))
            du = np.where(np.abs(y) <= 800, low, 0.0) * np.sign(y)  # |y + low| - |y|
        else:
            du = np.zeros_like(x)
        half = np.exp(-u / 2)
        e = half * half  # exp(-u), subnormal below exp(-708)
        sig_neg = e / (1 + e)  # sigmoid(-u)
        h = u * sig_neg + np.log1p(e)
        h -= u * sig_neg / (1 + e) * du  # h(u + du) to first order
        deep = u > 700
        # (u + 1) exp(-u) in a scaled order: exp(-u/2) is normal down to u = 1416.
        hd = ((u + 1) * half / beta) * (half / beta)  # two normal factors, one rounding
        hd -= hd * (u / (u + 1) * du)
        d = np.where(deep, -hd, -h / beta / beta)
    linear = y > threshold
    if beta != 1:
        _threshold_ties(x, y, beta, threshold, linear)
    return np.where(linear, 0.0, d)


def _softplus_jumps(p) -> bool:
    """PyTorch's softplus switches to x above x = threshold/beta, where it jumps down by
    softplus(t)/beta - t/beta = log1p(exp(-t))/beta (2e-9 at the default t = 20; a jump
    down, so neither continuous nor monotonic). From t ~ 35 on the jump is below two ulps
    of the value there: lost in the rounding of the computed function (props then says
    C∞ and monotonic, true of the computed function to within its accuracy contract)."""
    beta, t = p["beta"], p["threshold"]
    with np.errstate(over="ignore"):
        jump = math.log1p(math.exp(-t)) / beta if t > -700 else -t / beta
    return bool(jump > 2 * np.spacing(abs(t / beta)))


def _softplus_range(p) -> Interval:
    # Past the threshold f(x) = x > t/beta: for t < 0 that reaches below 0 (never t/beta).
    low = p["threshold"] / p["beta"]
    return Interval(min(low, 0.0) + 0.0, INF, lo_open=True)


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
    range=lambda p: _softplus_range(p),
    grad_range=Interval(0.0, 1.0, lo_open=True),
    continuity=lambda p: "discontinuous" if _softplus_jumps(p) else "C∞",
    monotonic=lambda p: not _softplus_jumps(p),
    jumps=lambda p: (p["threshold"] / p["beta"],) if _softplus_jumps(p) else (),
    param_grads={"beta": _d_softplus_beta},
    # The jump at threshold/beta (where f' jumps from sigmoid(threshold) to 1 as well).
    kink_rule="softplus′(threshold/beta) = sigmoid(threshold) (x is linear only above)",
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
