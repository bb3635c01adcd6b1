"""Swish with its β (x·σ(βx), Ramachandran et al.) and the sigmoid form of GELU,
quick_gelu = swish with β = 1.702, each record next to its kernel.

σ(βx) amplifies the rounding of βx by up to |βx| (hundreds of ulp in the left tail), so βx
is formed exactly as p + e (a two-product of x, scaled by a power of two, with β's mantissa)
and σ corrected to first order in e. β = 1 is SiLU's kernel itself: `swish` at its default
gives SiLU's numbers bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from ..frameworks import NAN_TAILS, facts
from ..numerics.chunked import KernelArgs, Workspace
from ..numerics.elementwise import in_float64, two_prod
from ..registry import Interval, Param, Variant
from .smooth import silu_kernel

INF = math.inf
QUICK_GELU_BETA = 1.702  # OpenAI CLIP's constant: x·σ(1.702x) approximates x·Φ(x)
# Where |βx| passes this, σ(βx) is 0 or 1 to the last bit of float64.
_SATURATED = 1e4

# The extremes of u·σ(u) and of its derivative (SiLU's, mpmath at 40 digits): swish with β
# has the same gradient range and its minimum value divided by β.
_SILU_MIN = -0.2784645427610738
_SILU_GRAD = Interval(-0.09983932012886692, 1.0998393201288670)


def _swish_parts(x, beta: float, w: Workspace):
    """(s, sn, ss, t) for float64 x: s = σ(βx), sn = σ(-βx), ss = σ(βx)σ(-βx) and t = βx,
    each to full relative accuracy (arrays in ``w``, valid until its next call).

    βx = p + e exactly, and e^(-βx) = e^(-p) (1 - e) to first order (|e| < 1e-13 where
    p >= -700, so e² is far below an ulp): the correction costs two passes on the
    exponential, and s = 1/(1 + e^(-βx)), sn = e^(-βx)/(1 + e^(-βx)) need no |βx| and no
    branch pick. p is clamped at -700 inside exp (no overflow); below, _far_left writes
    the results."""
    limit = min(_SATURATED / beta, np.finfo(np.float64).max)
    xs = np.clip(x, -limit, limit, out=w.buf(0, x))  # |βx| <= 1e4: no overflow below
    # β = m·2^k with 1/2 <= m < 1: xs·2^k is exact (unless it underflows, where βx is tiny
    # and the correction irrelevant) and small enough for the two-product's splitting.
    m, k = math.frexp(beta)
    if -1074 <= k <= 1023:
        xs *= 2.0**k  # exact like ldexp (a correctly rounded product), and a SIMD loop
    else:
        np.ldexp(xs, k, out=xs)
    p, e = _two_prod_scalar(xs, m, w.scope("two_prod"))
    t = np.maximum(p, -700.0, out=w.buf(1, x))  # NaN stays NaN
    np.negative(t, out=t)
    np.exp(t, out=t)
    corr = np.subtract(1.0, e, out=e)
    t *= corr
    d = np.add(t, 1.0, out=w.buf(2, x))
    s = np.divide(1.0, d, out=w.buf(5, x))  # (slot 3 is _swish's)
    sn = np.divide(t, d, out=t)
    ss = np.multiply(s, sn, out=d)
    return s, sn, ss, p


def _two_prod_scalar(a, b: float, w: Workspace):
    """a*b = p + e exactly (Dekker) for an array a (|a| < 1e150) and a float b, in ``w``'s
    buffers: b's halves are split once, in Python."""
    bh = b * _SPLIT
    bh -= bh - b
    bl = b - bh
    p = np.multiply(a, b, out=w.buf(0, a))
    ah = np.multiply(a, _SPLIT, out=w.buf(1, a))
    al = np.subtract(ah, a, out=w.buf(2, a))
    ah -= al
    np.subtract(a, ah, out=al)
    e = np.multiply(ah, bh, out=w.buf(3, a))
    e -= p
    tmp = np.multiply(ah, bl, out=ah)
    e += tmp
    np.multiply(al, bh, out=tmp)
    e += tmp
    al *= bl
    e += al
    return p, e


_SPLIT = 134217729.0  # 2^27 + 1, Veltkamp's splitting constant


def _swish(x, value, grad, beta: float, w: Workspace) -> None:
    s, _, ss, t = _swish_parts(x, beta, w)
    big = np.finfo(x.dtype).max
    xm = np.maximum(x, -big, out=w.buf(3, x))  # -inf * 0 would be NaN
    np.multiply(xm, s, out=value)
    if grad is not None:
        # swish' = σ(βx) + βx σ(βx)σ(-βx): no 1 - σ cancellation.
        np.multiply(t, ss, out=grad)
        grad += s
    _far_left(x, value, grad, beta, t)


def _far_left(x, value, grad, beta: float, t) -> None:
    """Below βx = -700, σ(βx) = e^βx is subnormal or 0, and x σ(βx) lost bits x scales
    back into view (β = 1/3, x = -2215: 1.1e3 ulp; β = 6.5e-114, x = -1.2e116: 0 for
    -1.3e-228). There x σ(βx) = x e^βx and swish' = e^βx (1 + βx) to double precision;
    with βx = p + e exactly (two-product) and h = e^(p/4), x e^βx = x h h h h (1 + e): each
    partial product lies between x and the result, so none underflows before the last.
    Rare: a masked patch."""
    far = t < -700
    if not far.any():
        return
    limit = min(_SATURATED / beta, np.finfo(np.float64).max)
    xs = np.clip(x[far], -limit, limit)
    m, k = math.frexp(beta)
    p, e = two_prod(np.ldexp(xs, k), m)
    h = np.exp(p / 4)
    with np.errstate(under="ignore"):
        v = (((xs * h) * h) * h) * h
        value[far] = v * (1 + e)
        if grad is not None:
            g = ((((1 + p) + e) * h) * h * h) * h
            grad[far] = g * (1 + e)


def swish_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    beta = float(a.exact["beta"])
    if beta == 1:
        silu_kernel(x, value, grad, a, w)  # SiLU's numbers, bit for bit
        return
    _beta_kernel(x, value, grad, beta, w)


def quick_gelu_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    _beta_kernel(x, value, grad, QUICK_GELU_BETA, w)


def _beta_kernel(x, value, grad, beta: float, w: Workspace) -> None:
    if x.dtype == np.float32:
        # In float64 with β as given, rounded once.
        body = lambda x, v, g: _swish(x, v, g, beta, w.scope("swish"))  # noqa: E731
        in_float64(body, x, value, grad, w.scope("float64"))
        return
    _swish(x, value, grad, beta, w.scope("swish"))


def _d_swish_beta(x: np.ndarray, p) -> np.ndarray:
    # d/dβ x σ(βx) = x² σ(βx)σ(-βx), as x·(x·σσ̄) so that x² cannot overflow to inf·0.
    x = np.asarray(x, np.float64)
    _, _, ss, t = _swish_parts(x.reshape(-1), p["beta"], Workspace(x.size))
    xf = np.clip(x.reshape(-1), -np.finfo(np.float64).max, np.finfo(np.float64).max)
    with np.errstate(over="ignore"):  # x² σσ̄ beyond the float range (tiny β): inf
        out = xf * (xf * ss)
    # Past |βx| = 700, σσ̄ = e^-|βx| is subnormal (or nearly) and has lost its low bits,
    # which x² then scales into view (2.7e5 ulp of the subnormal grid at x = -738, β = 1).
    # There σσ̄ = e^-|βx| to double precision, and with βx = p + e exactly (two-product),
    # x² e^-|βx| = (x e^(-|p|/2))² (1 - sign(p) e): no intermediate underflows. Rare: a
    # masked patch.
    far = np.abs(t) > 700
    if far.any():
        beta = float(p["beta"])
        limit = min(_SATURATED / beta, np.finfo(np.float64).max)
        xs = np.clip(xf[far], -limit, limit)  # as _swish_parts: the two-product cannot overflow
        m, k = math.frexp(beta)
        ph, pe = two_prod(np.ldexp(xs, k), m)
        half = xs * np.exp(-np.abs(ph) / 2)
        with np.errstate(over="ignore"):
            out[far] = half * half * (1 - np.sign(ph) * pe)
    return out.reshape(x.shape)


SWISH = Variant(
    name="swish",
    summary="Swish: x·σ(βx); β = 1 is SiLU, β → ∞ approaches ReLU.",
    formula="x·σ(βx)",
    latex=r"x\,\sigma(\beta x)",
    kernel=swish_kernel,
    params=(Param("beta", 1.0, "sharpness (trainable in the paper)", "β", low=0.0, low_open=True),),
    range=lambda p: Interval(_SILU_MIN / p["beta"], INF),
    grad_range=_SILU_GRAD,
    continuity="C∞",
    monotonic=False,
    param_grads={"beta": _d_swish_beta},
    reference="Ramachandran et al. 2017",
    # TF's silu takes β (tf.nn.silu(features, beta=1.0)); the other frameworks' silu/swish
    # have none (they are relucli's silu).
    frameworks={"tf": facts("tf.nn.silu", "tf.nn.swish", limits=NAN_TAILS)},
)

QUICK_GELU = Variant(
    name="quick_gelu",
    aliases=("gelu_sigmoid", "quickgelu", "gelu_fast_approx"),  # the last is MLX's name
    summary="GELU's sigmoid approximation (CLIP): x·σ(1.702x).",
    formula="x·σ(1.702x)",
    latex=r"x\,\sigma(1.702\,x)",
    kernel=quick_gelu_kernel,
    range=Interval(_SILU_MIN / QUICK_GELU_BETA, INF),
    grad_range=_SILU_GRAD,
    continuity="C∞",
    monotonic=False,
    reference="Hendrycks & Gimpel 2016 (the sigmoid form); Radford et al. 2021 (CLIP)",
    # mlx.nn.GELU(approx="fast") is the layer.
    frameworks={"mlx": facts("mlx.nn.gelu_fast_approx", "mlx.nn.GELU", limits=NAN_TAILS)},
)
