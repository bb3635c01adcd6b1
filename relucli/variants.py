"""One record per variant: formula, parameters, bounds, properties and a value+gradient kernel.

Kernel conventions (every kernel here follows them):

* ``kernel(x, value, grad, a)`` works on one 1-D chunk and writes into ``value`` and, unless
  it is None, ``grad``. Temporaries are chunk-sized, never full-size, and come from the
  call's :class:`~relucli.kernels.Workspace`. A value-only call (``grad`` None) pays nothing
  for the gradient.
* Gradients at kinks follow PyTorch autograd; ``a.jax`` switches to JAX where they differ.
* exp is only ever applied where it cannot overflow (expm1/exp of min(x, 0), exp(-|x|)), so
  no input from -inf to inf raises a floating-point warning; +-inf give the limits and NaN
  propagates to value and gradient.
* A gradient is never computed by subtracting nearly equal numbers: ELU's negative-side
  gradient is alpha*exp(x), not value + alpha, which would round to 0 below x = -37.

Speed (see benchmarks/README.md): a NumPy pass over a cached chunk costs ~0.1 ns per
float32 element, while ``np.where``, masked ``copyto``, boolean indexing and ``np.heaviside``
cost 1-10 ns. So branches are written as arithmetic that is exact for both sides: max/min
of the two branches where their order is known (leaky ReLU is max(x, slope*x) for slope <= 1),
or ``ceil(min(v, 1))``, which is 0, 1 or NaN like a step function. Scalars are cast to the
working dtype first (a NumPy float64 scalar would turn float32 work into float64), and
constants are passed as chunk arrays (``Workspace.full``) where NumPy's SIMD loops need both
operands to be arrays. float32 exponentials come from tables of exp(-j/128) and a cubic
(below): NumPy's float32 ``np.exp`` is 2.5 ulp off and has no fast expm1, its float64 ones
cost 5-12 ns per element. ELU, SELU and CELU stay in float32 (within 1.5-2.6 ulp); the
smooth variants take float64 table entries and finish in float64, rounding once.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .kernels import Workspace, workspace
from .registry import KernelArgs, Param, Registry, SpecError, Variant

INF = math.inf

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


# ---------------------------------------------------------------- shared kernel pieces


def float32_native(kernel):
    """Mark a kernel whose float32 path is accurate on its own (evaluate won't upcast it)."""
    kernel.float32_native = True
    return kernel


def streaming(kernel):
    """Mark a kernel of a few passes with no temporaries to speak of: it runs in larger
    chunks (``kernels.STREAMING_CHUNK``)."""
    kernel.streaming = True
    return kernel


def _const(x: np.ndarray, value) -> np.generic:
    """A scalar in x's dtype: float32 work stays float32."""
    return x.dtype.type(value)


def _step_ceil(v: np.ndarray, out: np.ndarray, w: Workspace) -> np.ndarray:
    """out = 1 where v > 0, +0 where v <= 0 (v in [0, inf] or -0), NaN where v is NaN.

    ``ceil(min(v, 1))`` maps (0, inf] to 1 and keeps NaN; a final max with +0 turns the
    -0 that ceil keeps for v = -0 into +0 (NumPy's maximum returns the second operand on a
    tie), as PyTorch's gradients have it.
    """
    np.minimum(v, w.full(1, v), out=out)
    np.ceil(out, out=out)
    np.maximum(out, w.full(0, v), out=out)
    return out


def _blend(h: np.ndarray, pos, neg, out: np.ndarray) -> np.ndarray:
    """out = h*pos + (1-h)*neg with h in {0, 1, NaN}: exact (no rounding) for both branches."""
    np.multiply(h, pos, out=out)
    out += (1 - h) * neg
    return out


def _piecewise_linear(x, value, grad, slope, jax: bool, w: Workspace) -> None:
    """x for x > 0, slope*x for x < 0 (leaky ReLU, PReLU, RReLU): gradient 1 or slope.

    At x = 0 the gradient is slope (PyTorch, the x <= 0 branch) or 1 (``jax``). ``slope``
    is a scalar or an array broadcasting against x (RReLU training, PReLU per neuron).
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
        np.maximum(x, w.full(0, x), out=value)  # 0 * -inf would be NaN; the limit is 0
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
        g = _blend(_step_from_x(x, w.buf(2, x), jax, w), 1, slope, out=w.buf(1, x))
        with np.errstate(over="ignore"):
            np.multiply(x, g, out=value)
    if grad is None:
        return
    if scalar and slope == 0 and not jax:
        _step_ceil(value, grad, w)  # like ReLU: 1 where x > 0, +0 elsewhere
    else:
        h = _step_from_x(x, w.buf(2, x), jax, w)
        _blend(h, 1, slope, out=grad)


def _positive(x: np.ndarray, w: Workspace) -> np.ndarray:
    """1 where x > 0, 0 where x <= 0, NaN where x is NaN."""
    p = np.maximum(x, w.full(0, x), out=w.buf(3, x))  # +0 for x <= 0, ties included
    return _step_ceil(p, p, w)


def _step_from_x(x: np.ndarray, out: np.ndarray, jax: bool, w: Workspace) -> np.ndarray:
    """The slope-1 indicator: x > 0 (PyTorch) or x >= 0 (JAX), NaN for NaN."""
    if not jax:
        np.copyto(out, _positive(x, w))
        return out
    # x >= 0  <=>  not (-x > 0): 1 - step(-x), which keeps NaN and treats -0 as 0.
    np.negative(x, out=out)
    np.copyto(out, _positive(out, w))
    np.subtract(1, out, out=out)
    return out


# ------------------------------------------- float64 exp and expm1 tables for float32 inputs
#
# SiLU, Mish, softplus and sigmoid need exp(m) of a float32 m in [-110, 0] to ~1e-9 relative,
# as float64 (they go on in float64 and round once). With j = floor(-128 m) and
# r = m + j/128 in (-1/128, 0]: exp(m) = T (1 + q), expm1(m) = (T - 1) + T q, T = exp(-j/128)
# and T - 1 from float64 tables, q = expm1(r) = r + r^2/2 + r^3/6 in float32 (truncation
# < 2e-8 relative, times |q| < 1/128). -128 m and its fraction are exact. j reaches the table
# as the low bits of j + 1.5*2^23 (no float-to-int cast, so a NaN cannot warn: it picks a
# clipped entry and flows on through r). ELU, SELU and CELU have their own float32 tables
# (below), which need no float64 work.

_EXP_STEPS = 128
_EXP_LOW = -104.0  # exp(-104) is below half the smallest float32 subnormal: rounds to 0
_MAGIC = 1.5 * 2**23  # j + _MAGIC has j in its low mantissa bits (|j| < 2^22)
_MAGIC_BITS = int(np.array(_MAGIC, np.float32).view(np.int32))
_Q1 = -1 / _EXP_STEPS  # q = u (Q1 + u (Q2 + u Q3)) with u = -128 r in [0, 1)
_Q2 = 1 / (2 * _EXP_STEPS**2)
_Q3 = -1 / (6 * _EXP_STEPS**3)


_EXP_HIGH = 110.0  # tables run to 110: beyond, every float32 result built on exp underflows


@functools.cache
def _exp_tables64() -> tuple[np.ndarray, np.ndarray]:
    """exp(-j/128) - 1 and exp(-j/128) in float64, j = 0 .. 14080; the last entry, where
    clamped inputs (down to -inf) land, is the limit: -1 and 0."""
    m = -np.arange(0, _EXP_HIGH * _EXP_STEPS + 1) / _EXP_STEPS
    em1, e = np.expm1(m), np.exp(m)
    em1[-1], e[-1] = -1.0, 0.0
    return em1, e


@functools.cache
def _log1p_exp_table64() -> np.ndarray:
    """log1p(exp(-j/128)) in float64 (softplus on the grid), j = 0 .. 14080."""
    return np.log1p(_exp_tables64()[1])


def _exp_index32(m, w: Workspace, intp: bool = False):
    """(idx, q) for float32 m in [-110, 0] or NaN: exp(m) = T[idx] (1 + q). ``intp``:
    indices as np.take wants them (it converts int32 on every call; for two tables,
    converting once is cheaper)."""
    t = np.multiply(m, -_EXP_STEPS, out=w.buf(10, m))  # exact, >= 0
    j = np.floor(t, out=w.buf(11, m))
    bits = np.add(j, _MAGIC, out=w.buf(12, m)).view(np.int32)
    idx = np.subtract(
        bits, _MAGIC_BITS, out=w.buf(16 if intp else 13, m, np.intp if intp else np.int32)
    )
    u = np.subtract(t, j, out=t)  # -128 r, exact
    q = np.multiply(u, _Q3, out=j)
    q += _Q2
    q *= u
    q += _Q1
    q *= u
    return idx, q


def _exp_parts_mixed(m, em1, e, w: Workspace) -> None:
    """expm1(m) into ``em1`` and exp(m) into ``e`` (float64 arrays, either may be None) for
    float32 m in [-110, 0] or NaN: within ~1e-9 relative (q's float32 rounding times
    |q| < 1/128), never subnormal, so float32 results built from them round once."""
    table_m1, table = _exp_tables64()
    idx, q = _exp_index32(m, w, intp=True)  # slot 16; T is left in slot 18 (softplus uses both)
    if em1 is not None:
        tm1 = table_m1.take(idx, out=w.buf(17, m, np.float64), mode="clip")
        big = np.add(tm1, 1, out=w.buf(18, m, np.float64))
        big *= q
        np.add(tm1, big, out=em1)
    if e is not None:
        big = table.take(idx, out=w.buf(18, m, np.float64), mode="clip")
        np.multiply(big, q, out=e)
        e += big


# ------------------------------------------- ELU, SELU and CELU in float32: one grid, two tables
#
# m = clip(x, -104, 0) is rounded to the grid of 2^-11 by adding 1.5*2^12: the float32 sum
# keeps 11 fractional bits, so the addition itself rounds, and the grid index j can be read
# off the sum's bits (no float-to-int cast, so NaN cannot warn: its index is clipped and
# NaN flows on through r). r = m - mq is exact and |r| <= 2^-12. With E = c exp(mq) and
# M = c expm1(mq) from float32 tables, the variant's coefficient c folded in,
#     c exp(m) = E + E q,   c expm1(m) = M + E q,   q = expm1(r) = r (1 + r/2)
# (r^3/6 < 2^-38 is dropped). Max error against mpmath (scripts/accuracy_report.py): ELU
# 0.9 ulp (value) and 1.0 (gradient), SELU 1.7 and 1.1 with its constants rounded to float32
# as PyTorch rounds them. Twelve cheap passes and two gathers, a third fewer than the 2^-7
# grid and cubic above; 1.4x faster. M[0] is -0 so that expm1(-0) = -0.

_GRID_BITS = 11
_GRID_MAGIC = np.float32(1.5 * 2.0 ** (23 - _GRID_BITS))
_GRID_MAGIC_BITS = int(_GRID_MAGIC.view(np.int32))


@functools.lru_cache(maxsize=8)
def _grid_tables(coef: float) -> tuple[np.ndarray, np.ndarray]:
    """(c expm1(-j/2^11), c exp(-j/2^11)) in float32, j = 0 .. 104*2^11 (1.7 MB); the
    last entry, where clamped inputs land, is the limit -c and 0."""
    m = -np.arange(int(-_EXP_LOW) * 2**_GRID_BITS + 1) / 2**_GRID_BITS  # exact
    e = np.exp(m)
    # Below m = -1, e - 1 in float64 is 1e-16 relative, far inside a float32 rounding, and
    # much cheaper than expm1: the tables take ~10 ms to build, once per coefficient.
    em1 = e - 1
    em1[: 2**_GRID_BITS] = np.expm1(m[: 2**_GRID_BITS])
    em1 *= coef
    e *= coef
    em1[0], em1[-1], e[-1] = -0.0, -coef, 0.0
    return em1.astype(np.float32), e.astype(np.float32)


def _exp_grid32(x, em1, e, coef, w: Workspace) -> None:
    """c expm1(min(x, 0)) into ``em1`` and c exp(min(x, 0)) into ``e`` (either may be None)
    for float32 x, where c is the float32 ``coef``."""
    table_m1, table = _grid_tables(float(coef))
    m = np.clip(x, _EXP_LOW, 0, out=w.buf(0, x))  # NaN stays NaN
    s = np.add(m, _GRID_MAGIC, out=w.buf(1, x))
    idx = np.subtract(_GRID_MAGIC_BITS, s.view(np.int32), out=w.buf(2, x, np.intp))
    s -= _GRID_MAGIC
    r = np.subtract(m, s, out=m)
    q = np.multiply(r, 0.5, out=s)
    q += 1
    q *= r  # r (1 + r/2): -0 for r = -0, so the sign of zero survives
    big = table.take(idx, out=w.buf(3, x) if e is None else e, mode="clip")
    q *= big
    if em1 is not None:
        table_m1.take(idx, out=em1, mode="clip")
        em1 += q
    if e is not None:
        e += q


def _exp_family(x, value, grad, neg_value_coef, neg_grad_coef, pos_coef, divisor, w):
    """ELU, SELU and CELU: pos_coef*x for x > 0, neg_value_coef*expm1(x/divisor) otherwise;
    gradient pos_coef, or neg_grad_coef*exp(x/divisor) for x <= 0 (the PyTorch kink)."""
    m = w.buf(0, x)
    if x.dtype == np.float32 and divisor is None and neg_value_coef == neg_grad_coef:
        _exp_grid32(x, value, grad, neg_value_coef, w)  # coefficients folded into the tables
    else:
        np.minimum(w.full(0, x), x, out=m)  # exp of non-positive numbers only; -0 kept
        if divisor is not None:
            with np.errstate(over="ignore"):  # -huge/alpha = -inf: expm1 gives the limit
                m /= divisor
        np.expm1(m, out=value)
        if grad is not None:
            np.exp(m, out=grad)
        if neg_value_coef != 1:
            value *= neg_value_coef
        if grad is not None and neg_grad_coef != 1:
            grad *= neg_grad_coef
    if pos_coef == 1 and (divisor is not None or 0 < neg_value_coef <= 1):
        # alpha expm1(x/alpha) >= x for x <= 0 (CELU, and ELU with alpha <= 1), and it is
        # 0 for x > 0: the max is the right branch, exactly, in one pass (x on the tie at
        # zero, so the zero keeps x's sign).
        np.maximum(value, x, out=value)
    else:
        r = np.maximum(w.full(0, x), x, out=m)  # x on the tie: -0 + -0 keeps expm1(-0) = -0
        if pos_coef != 1:
            with np.errstate(over="ignore"):  # SELU's scale * huge x: inf is the limit
                r *= pos_coef
        value += r
    if grad is None or neg_grad_coef == pos_coef:
        return  # exp(min(x, 0)) = 1 for x > 0 already gives pos_coef
    # x > 0 needs pos instead of neg*exp(0) = neg. Within a factor 2 of each other, pos - neg
    # is exact (Sterbenz) and neg + (pos - neg) rounds to pos exactly; NaN stays in grad.
    above = np.greater(x, w.full(0, x), out=w.buf(1, x, np.bool_))
    if 0.5 * neg_grad_coef <= pos_coef <= 2 * neg_grad_coef:
        grad += np.multiply(above, pos_coef - neg_grad_coef, out=w.buf(2, x))
    else:
        grad *= np.less_equal(x, w.full(0, x), out=w.buf(3, x, np.bool_))
        grad += np.multiply(above, pos_coef, out=w.buf(2, x))


def _sigmoid_pair(x):
    """(sigmoid(x), sigmoid(-x)), each with full relative accuracy and no overflow."""
    e = np.exp(-np.abs(x))
    r = 1 / (1 + e)
    h = np.heaviside(x, 1.0)
    return r * np.maximum(e, h), r * np.maximum(e, 1 - h)


def _sigmoid_parts(y, w: Workspace, slot: int = 30):
    """(r, er, h, e), all float64, for y: e = exp(-|y|) (never overflows; for float32 y
    from the table, ~1e-9 relative), r = sigmoid(|y|) = 1/(1 + e),
    er = sigmoid(-|y|) = e/(1 + e) (both exact to an ulp), h = 1 where y >= 0 else 0. NaN flows
    through e, r and er. sigmoid(y) is r or er by h (see ``_pick``), and
    sigmoid(y)*sigmoid(-y) = r*er."""
    f64 = np.float64
    e = w.buf(slot, y, f64)
    if y.dtype == np.float32:
        m = np.abs(y, out=w.buf(9, y))
        np.minimum(m, w.full(_EXP_HIGH, y), out=m)
        np.negative(m, out=m)
        _exp_parts_mixed(m, None, e, w)
    else:
        np.abs(y, out=e)
        np.negative(e, out=e)
        np.exp(e, out=e)
    d = np.add(e, 1.0, out=w.buf(slot + 4, y, f64))
    r = np.divide(1.0, d, out=w.buf(slot + 1, y, f64))
    er = np.divide(e, d, out=w.buf(slot + 3, y, f64))
    h = np.greater_equal(y, w.full(0, y), out=w.buf(slot + 2, y, f64))
    return r, er, h, e


def _pick(r, er, h, out):
    """out = r where h = 1, er where h = 0: er <= r, so max(r*h, er) is exact (NaN kept)."""
    np.multiply(r, h, out=out)
    np.maximum(out, er, out=out)
    return out


def _finite(x, dtype_like):
    """x clamped to the finite range, so x * 0 is 0 at the infinite limits, not NaN."""
    big = np.finfo(dtype_like.dtype).max
    return np.clip(x, -big, big)


def _no_neg_inf(x, dtype_like):
    return np.maximum(x, -np.finfo(dtype_like.dtype).max)


# ---------------------------------------------------------------------------- kernels


@streaming
def relu_kernel(x, value, grad, a: KernelArgs) -> None:
    w = workspace(a)
    # max(0, x) returns x on a tie, so relu(-0) = -0 as in PyTorch.
    np.maximum(w.full(0, x), x, out=value)
    if grad is not None:
        _step_ceil(value, grad, w)  # relu'(0) = 0 in PyTorch and JAX


@streaming
def leaky_relu_kernel(x, value, grad, a: KernelArgs) -> None:
    _piecewise_linear(x, value, grad, a.negative_slope, a.jax, workspace(a))


@streaming
def prelu_kernel(x, value, grad, a: KernelArgs) -> None:
    _piecewise_linear(x, value, grad, a.weight, a.jax, workspace(a))


@streaming
def rrelu_kernel(x, value, grad, a: KernelArgs) -> None:
    w = workspace(a)
    if a.rng is None:
        slope = (a.lower + a.upper) / 2
    else:
        # Training mode: one slope per element from U(lower, upper); drawing for every
        # element (not only negative ones) keeps the stream independent of the data, and
        # drawing float64 per chunk continues one stream, so chunking changes nothing.
        u = a.rng.random(out=w.buf(4, x, np.float64).reshape(-1)).reshape(x.shape)
        u *= a.upper - a.lower
        u += a.lower
        slope = w.buf(5, x)
        np.copyto(slope, u, casting="same_kind")
    _piecewise_linear(x, value, grad, slope, a.jax, w)


@float32_native
def elu_kernel(x, value, grad, a: KernelArgs) -> None:
    _exp_family(x, value, grad, a.alpha, a.alpha, _const(x, 1), None, workspace(a))


@float32_native
def selu_kernel(x, value, grad, a: KernelArgs) -> None:
    coef = _const(x, SELU_ALPHA) * _const(x, SELU_SCALE)  # PyTorch multiplies them first
    _exp_family(x, value, grad, coef, coef, _const(x, SELU_SCALE), None, workspace(a))


@float32_native
def celu_kernel(x, value, grad, a: KernelArgs) -> None:
    w = workspace(a)
    one = _const(x, 1)
    if a.alpha == 1:
        _exp_family(x, value, grad, one, one, one, None, w)
        return
    # Divide (not multiply by 1/alpha): the rounding of 1/alpha would be amplified by exp.
    # In float32 even the rounding of x/alpha is amplified (by |x/alpha| ulp), so that
    # division and the exponentials run in float64 and are rounded once.
    if x.dtype == np.float32:
        alpha = np.float64(a.alpha)
        _in_float64(
            lambda x, v, g: _exp_family(x, v, g, alpha, 1.0, 1.0, alpha, w), x, value, grad, w
        )
        return
    _exp_family(x, value, grad, a.alpha, one, one, a.alpha, w)


@streaming
def relu6_kernel(x, value, grad, a: KernelArgs) -> None:
    w = workspace(a)
    np.clip(x, 0, 6, out=value)  # -0 stays -0, as in PyTorch
    if grad is not None:
        # PyTorch (hardtanh backward): 1 strictly inside (0, 6), +0 at both kinks, NaN for
        # NaN. ceil(min(value, 1)) is 1 for value > 0 and the sign of zero otherwise;
        # floor(value * (1/6)) is 1 only at value = 6 (the largest float below 6 gives
        # 0.99999994 in float32, 1 - 2^-52 in float64, and the product is monotone); the
        # difference turns -0 - -0 into +0.
        top = np.multiply(value, _const(x, 1) / _const(x, 6), out=w.buf(0, x))
        np.floor(top, out=top)
        np.minimum(value, w.full(1, x), out=grad)
        np.ceil(grad, out=grad)
        grad -= top


def hardswish_kernel(x, value, grad, a: KernelArgs) -> None:
    w = workspace(a)
    # x * (relu6(x + 3)/6): the ratio is exactly 1 above 3, and no x*6 overflow near max.
    ratio = np.add(x, _const(x, 3), out=w.buf(0, x))
    np.maximum(ratio, w.full(0, x), out=ratio)
    np.minimum(ratio, w.full(6, x), out=ratio)
    ratio /= _const(x, 6)
    np.maximum(x, w.full(-np.finfo(x.dtype).max, x), out=value)
    value *= ratio
    if grad is None:
        return
    # PyTorch 2.13 autograd: 0 for x <= -3, x/3 + 1/2 for -3 < x < 3, 1 for x >= 3.
    inside = np.maximum(x, w.full(-3, x), out=w.buf(1, x))
    np.minimum(inside, w.full(3, x), out=inside)
    inside /= _const(x, 3)
    inside += _const(x, 0.5)
    above = np.greater(x, w.full(-3, x), out=w.buf(2, x, np.bool_))
    h = ratio
    np.copyto(h, above)
    np.multiply(inside, h, out=grad)  # NaN * 0 stays NaN
    grad += _const(x, 0)  # the -0 of -0.5 * 0 becomes +0
    at_top = np.greater_equal(x, w.full(3, x), out=above)
    np.copyto(h, at_top)
    np.subtract(_const(x, 1), h, out=inside)
    grad *= inside
    grad += h


@float32_native
def gelu_kernel(x, value, grad, a: KernelArgs) -> None:
    w = workspace(a)
    if x.dtype == np.float32:
        if a.approximate == "tanh":
            _in_float64(_gelu_tanh, x, value, grad, w)
        else:
            _gelu32(x, value, grad, w)
        return
    if a.approximate == "tanh":
        _gelu_tanh(x, value, grad)
        return
    from . import special  # imported on first use: it costs start-up time (numpy.typing)

    cdf = special.ndtr(x)
    np.multiply(_no_neg_inf(x, x), cdf, out=value)
    if grad is not None:
        np.multiply(_finite(x, x), special.norm_pdf(x), out=grad)
        grad += cdf


def _in_float64(kernel, x, value, grad, w: Workspace) -> None:
    """Run a float64 kernel body on a float32 chunk and round once (workspace slots 20-22)."""
    x64 = w.buf(20, x, np.float64)
    np.copyto(x64, x)
    v64 = w.buf(21, x, np.float64)
    g64 = None if grad is None else w.buf(22, x, np.float64)
    kernel(x64, v64, g64)
    with np.errstate(over="ignore"):  # beyond float32's max, inf is the exact rounding
        np.copyto(value, v64, casting="same_kind")
        if grad is not None:
            np.copyto(grad, g64, casting="same_kind")


# float32 GELU: with y = |x| = a + d, a = j/1024 on a grid and 0 <= d < 1/1024,
#   Phi(-y) = P - D (d - a d^2/2 + (a^2 - 1) d^3/6)  and  phi(y) = D exp(-d (a + d/2)),
# P = Phi(-a) and D = phi(a) from float64 tables (relucli.special), the short series in
# float32 (they are corrections of relative size a*d < 0.015, so their float32 rounding
# costs < 1e-8), the rest in float64: Phi(x) = |[x > 0] - Phi(-y)|. Both results are
# within about an ulp (the series truncate below 2e-9). Past |x| = 15 the tables hold the
# limits (P = D = 0), where every float32 result has underflowed or saturated.
_GELU_STEPS = 1024
_GELU_HIGH = 15.0


@functools.cache
def _gelu_tables() -> tuple[np.ndarray, np.ndarray]:
    from . import special

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
    bits = np.add(j, _MAGIC, out=w.buf(2, x)).view(np.int32)
    idx = np.subtract(bits, _MAGIC_BITS, out=w.buf(3, x, np.intp))
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
_SPLIT = 134217729.0  # 2^27 + 1, Veltkamp's splitting constant


def _two_prod(a, b):
    """a*b = p + e exactly (Dekker): NumPy has no fma. Needs |a|, |b| < 1e150."""
    p = a * b
    ah = a * _SPLIT
    ah -= ah - a
    bh = b * _SPLIT
    bh -= bh - b
    al, bl = a - ah, b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _gelu_tanh(x, value, grad) -> None:
    # 1 + tanh(u) = 2 sigmoid(2u): no cancellation for negative u. |x| > 1e5 saturates.
    # In the left tail sigmoid(2u) = exp(2u) amplifies the rounding of 2u ~ -600 into
    # hundreds of ulp, so 2u = 2c x (1 + k x^2) is formed in double-double (t + te) and
    # the sigmoid corrected to first order in te.
    xs = np.clip(x, -1e5, 1e5)
    q, qe = _two_prod(xs, xs)
    r, re = _two_prod(_GELU_K, q)
    re += _GELU_K * qe
    w = 1 + r  # Knuth's two-sum: w + we = 1 + r exactly, whichever term is larger
    back = w - r
    we = ((1 - back) + (r - (w - back))) + re
    m, me = _two_prod(xs, w)
    me += xs * we
    t, te = _two_prod(_GELU_2C_HI, m)
    te += _GELU_2C_HI * me + _GELU_2C_LO * m
    sp, sn = _sigmoid_pair(t)
    spsn = sp * sn
    sp += spsn * te
    sn -= spsn * te
    np.multiply(_no_neg_inf(x, x), sp, out=value)
    if grad is not None:
        du = _GELU_C * (1 + 3 * _GELU_K * xs * xs)
        np.multiply(xs * (2 * sp * sn), du, out=grad)
        grad += sp


@float32_native
def silu_kernel(x, value, grad, a: KernelArgs) -> None:
    w = workspace(a)
    r, er, h, _ = _sigmoid_parts(x, w)
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


@float32_native
def mish_kernel(x, value, grad, a: KernelArgs) -> None:
    # tanh(softplus(x)) = n/d with w = exp(-|x|), written for both signs at once as
    #   n = A + 2w, d = n + C;  A = 1, C = 2w^2 for x >= 0;  A = w^2, C = 2 for x < 0
    # (A = max(h, w^2) and C = 2 max(1 - h, w^2) pick exactly). 1 - t^2 = C(d + n)/d^2
    # keeps full relative accuracy where t is near 1. Intermediates are float64.
    w = workspace(a)
    f64 = np.float64
    r, er, h, ew = _sigmoid_parts(x, w)
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


@float32_native
def softplus_kernel(x, value, grad, a: KernelArgs) -> None:
    # PyTorch: x where beta*x > threshold, else log1p(exp(beta*x))/beta.
    w = workspace(a)
    beta, threshold = float(a.beta), float(a.threshold)
    if x.dtype == np.float32 and beta != 1:
        # beta*x rounded to float32 would be amplified by exp: that product (and the rest)
        # runs in float64 and is rounded once.
        _in_float64(lambda x, v, g: _softplus(x, v, g, beta, threshold, w), x, value, grad, w)
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
    r, er, h, e = _sigmoid_parts(yc, w)
    soft = w.buf(3, x, f64)
    if x.dtype == np.float32:
        # log1p(e) = log1p(T) + log1p(T q/(1 + T)) for e = T (1 + q): the first from a
        # table, the second a short series (|T q/(1 + T)| < 1/256): no logarithm at all.
        idx = w.buf(16, x, np.intp)  # left by _sigmoid_parts' table lookup
        big = np.add(w.buf(18, x, f64), 1.0, out=w.buf(4, x, f64))  # 1 + T
        z = np.subtract(e, w.buf(18, x, f64), out=soft)  # T q
        z /= big
        series = np.multiply(z, 1 / 3, out=big)
        series -= 0.5
        series *= z
        series += 1.0
        z *= series
        z += _log1p_exp_table64().take(idx, out=series, mode="clip")
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


@float32_native
def sigmoid_kernel(x, value, grad, a: KernelArgs) -> None:
    w = workspace(a)
    r, er, h, _ = _sigmoid_parts(x, w)
    np.copyto(value, _pick(r, er, h, w.buf(1, x, np.float64)), casting="same_kind")
    if grad is not None:
        np.multiply(r, er, out=grad)


@float32_native
def tanh_kernel(x, value, grad, a: KernelArgs) -> None:
    w = workspace(a)
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
    np.minimum(m, w.full(_EXP_HIGH / 2, x), out=m)
    m *= -2  # exact
    em1 = w.buf(1, x, f64)
    e = None if grad is None else w.buf(2, x, f64)
    _exp_parts_mixed(m, em1, e, w)
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


# ----------------------------------------------------------------- parameter gradients


def _d_slope(x: np.ndarray, p) -> np.ndarray:
    return np.minimum(x, 0)


def _d_rrelu_bound(x: np.ndarray, p) -> np.ndarray:
    return np.minimum(x, 0) / 2  # eval slope is (lower + upper)/2


def _d_elu_alpha(x: np.ndarray, p) -> np.ndarray:
    return np.expm1(np.minimum(x, 0))


def _d_celu_alpha(x: np.ndarray, p) -> np.ndarray:
    # d/da [a expm1(x/a)] = expm1(y) - y exp(y), y = x/a <= 0; clamp so -inf * 0 is not NaN.
    y = np.maximum(np.minimum(x, 0) / p["alpha"], -1e4)
    return np.expm1(y) - y * np.exp(y)


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


# --------------------------------------------------------------------------- records

# Extremes of the smooth non-monotonic variants, found with mpmath at 40 digits
# (tests/test_variants.py checks them against dense sampling).
_GELU_MIN = {"none": -0.16997120747990366, "tanh": -0.17004075057125405}
_GELU_GRAD = {
    "none": (-0.12890414518515479, 1.1289041451851548),
    "tanh": (-0.12899306865877177, 1.1289930686587718),
}


def _unbounded(p) -> tuple[float, float]:
    return (-INF, INF)


def _always(value):
    return lambda p: value


def _check_rrelu(p) -> None:
    if p["lower"] > p["upper"]:
        raise SpecError(
            f"rrelu: lower must be <= upper, got lower={p['lower']:g} > upper={p['upper']:g}"
        )


def _slope_bounds(slope: float) -> tuple[float, float]:
    return (-INF, INF) if slope > 0 else (0.0, INF)


def _slope_grads(slope: float) -> tuple[float, float]:
    return (min(slope, 1.0), max(slope, 1.0))


_PYTORCH_LEAKY = "f'(0) = slope (PyTorch: the x <= 0 branch)"
_JAX_LEAKY = "f'(0) = 1 (JAX: the x >= 0 branch)"

VARIANTS: tuple[Variant, ...] = (
    Variant(
        name="relu",
        summary="Rectified linear unit: passes positives, zeroes negatives.",
        formula="max(0, x)",
        latex=r"\max(0, x)",
        kernel=relu_kernel,
        bounds=_always((0.0, INF)),
        grad_bounds=_always((0.0, 1.0)),
        continuity=_always("C0"),
        monotonic=_always(True),
        kinks=_always((0.0,)),
        dead_zone=_always(((-INF, 0.0),)),
        kink_rule="f'(0) = 0 (PyTorch and JAX)",
        reference="Nair & Hinton 2010",
    ),
    Variant(
        name="leaky_relu",
        aliases=("leaky", "lrelu", "leakyrelu"),
        summary="ReLU with a small fixed slope for negatives, so gradients never vanish.",
        formula="x if x > 0 else negative_slope·x",
        latex=r"\begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}",
        kernel=leaky_relu_kernel,
        params=(
            Param("negative_slope", 0.01, "slope for x < 0", "α", synonyms=("alpha", "slope")),
        ),
        bounds=lambda p: _slope_bounds(p["negative_slope"]),
        grad_bounds=lambda p: _slope_grads(p["negative_slope"]),
        continuity=lambda p: "C∞" if p["negative_slope"] == 1 else "C0",
        monotonic=lambda p: p["negative_slope"] >= 0,
        kinks=_always((0.0,)),
        dead_zone=lambda p: ((-INF, 0.0),) if p["negative_slope"] == 0 else (),
        param_grads={"negative_slope": _d_slope},
        kink_rule=_PYTORCH_LEAKY,
        jax_rule=_JAX_LEAKY,
        reference="Maas et al. 2013",
    ),
    Variant(
        name="prelu",
        summary="Parametric ReLU: the negative slope is a weight the network learns.",
        formula="x if x > 0 else weight·x",
        latex=r"\begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}",
        kernel=prelu_kernel,
        params=(Param("weight", 0.25, "learned slope for x < 0", "a", synonyms=("alpha", "a")),),
        bounds=lambda p: _slope_bounds(p["weight"]),
        grad_bounds=lambda p: _slope_grads(p["weight"]),
        continuity=lambda p: "C∞" if p["weight"] == 1 else "C0",
        monotonic=lambda p: p["weight"] >= 0,
        kinks=_always((0.0,)),
        dead_zone=lambda p: ((-INF, 0.0),) if p["weight"] == 0 else (),
        param_grads={"weight": _d_slope},
        kink_rule="f'(0) = weight (PyTorch: the x <= 0 branch)",
        jax_rule=_JAX_LEAKY,
        reference="He et al. 2015",
    ),
    Variant(
        name="elu",
        summary="Exponential linear unit: smooth negative side saturating at -alpha.",
        formula="x if x > 0 else alpha·(exp(x) − 1)",
        latex=r"\begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
        kernel=elu_kernel,
        range_open=lambda p: (p["alpha"] > 0, False),
        grad_range_open=lambda p: (p["alpha"] > 0, False),
        params=(Param("alpha", 1.0, "negative saturation value", "α", low=0.0),),
        bounds=lambda p: (-p["alpha"], INF),
        grad_bounds=lambda p: (0.0, max(1.0, p["alpha"])),
        continuity=lambda p: "C1" if p["alpha"] == 1 else "C0",
        monotonic=_always(True),
        kinks=lambda p: () if p["alpha"] == 1 else (0.0,),
        dead_zone=lambda p: ((-INF, 0.0),) if p["alpha"] == 0 else (),
        param_grads={"alpha": _d_elu_alpha},
        kink_rule="f'(0) = alpha (PyTorch: the x <= 0 branch)",
        reference="Clevert et al. 2015",
        transcendental=True,
    ),
    Variant(
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
        bounds=lambda p: _slope_bounds(p["lower"]),
        # Eval mode; in training mode the negative-side slope ranges over [lower, upper].
        grad_bounds=lambda p: (min((p["lower"] + p["upper"]) / 2, 1.0), 1.0),
        continuity=lambda p: "C0",
        monotonic=_always(True),
        kinks=_always((0.0,)),
        dead_zone=lambda p: ((-INF, 0.0),) if p["upper"] == 0 else (),
        param_grads={"lower": _d_rrelu_bound, "upper": _d_rrelu_bound},
        check=_check_rrelu,
        kink_rule="f'(0) = (lower+upper)/2 in eval (PyTorch: the x <= 0 branch)",
        jax_rule=_JAX_LEAKY,
        reference="Xu et al. 2015",
    ),
    Variant(
        name="selu",
        summary="Scaled ELU with constants chosen so activations self-normalize.",
        formula="scale·(x if x > 0 else alpha·(exp(x) − 1))",
        latex=r"\lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
        kernel=selu_kernel,
        range_open=_always((True, False)),
        grad_range_open=_always((True, False)),
        constants=(("alpha", SELU_ALPHA), ("scale", SELU_SCALE)),
        bounds=_always((-SELU_ALPHA * SELU_SCALE, INF)),
        grad_bounds=_always((0.0, SELU_ALPHA * SELU_SCALE)),
        continuity=_always("C0"),
        monotonic=_always(True),
        kinks=_always((0.0,)),
        kink_rule="f'(0) = scale·alpha = 1.7580993408473766 (PyTorch)",
        reference="Klambauer et al. 2017",
        transcendental=True,
    ),
    Variant(
        name="relu6",
        summary="ReLU capped at 6 (MobileNet): bounded on both sides.",
        formula="min(max(0, x), 6)",
        latex=r"\min(\max(0, x), 6)",
        kernel=relu6_kernel,
        bounds=_always((0.0, 6.0)),
        grad_bounds=_always((0.0, 1.0)),
        continuity=_always("C0"),
        monotonic=_always(True),
        kinks=_always((0.0, 6.0)),
        dead_zone=_always(((-INF, 0.0), (6.0, INF))),
        kink_rule="f'(0) = 0 and f'(6) = 0 (PyTorch and JAX)",
        reference="Howard et al. 2017",
    ),
    Variant(
        name="celu",
        summary="Continuously differentiable ELU: C1 for every alpha.",
        formula="x if x > 0 else alpha·(exp(x/alpha) − 1)",
        latex=r"\begin{cases} x & x > 0 \\ \alpha (e^{x/\alpha} - 1) & x \le 0 \end{cases}",
        kernel=celu_kernel,
        range_open=_always((True, False)),
        grad_range_open=_always((True, False)),
        params=(Param("alpha", 1.0, "negative saturation value", "α", low=0.0, low_open=True),),
        bounds=lambda p: (-p["alpha"], INF),
        grad_bounds=_always((0.0, 1.0)),
        continuity=_always("C1"),
        monotonic=_always(True),
        param_grads={"alpha": _d_celu_alpha},
        kink_rule="f'(0) = 1 (both sides agree)",
        reference="Barron 2017",
        transcendental=True,
    ),
    Variant(
        name="gelu",
        summary="Gaussian error linear unit: x weighted by the normal CDF.",
        formula="x·Φ(x); tanh form: x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))",
        latex=r"x\,\Phi(x)",
        kernel=gelu_kernel,
        params=(
            Param("approximate", "none", "'none' (exact, erf) or 'tanh'", choices=("none", "tanh")),
        ),
        bounds=lambda p: (_GELU_MIN[p["approximate"]], INF),
        grad_bounds=lambda p: _GELU_GRAD[p["approximate"]],
        continuity=_always("C∞"),
        monotonic=_always(False),
        kink_rule="smooth: no kink",
        reference="Hendrycks & Gimpel 2016",
        transcendental=True,
    ),
    Variant(
        name="silu",
        aliases=("swish",),
        summary="Sigmoid linear unit (swish): x times sigmoid(x).",
        formula="x·σ(x)",
        latex=r"x\,\sigma(x)",
        kernel=silu_kernel,
        bounds=_always((-0.2784645427610738, INF)),
        grad_bounds=_always((-0.09983932012886692, 1.0998393201288670)),
        continuity=_always("C∞"),
        monotonic=_always(False),
        kink_rule="smooth: no kink",
        reference="Elfwing et al. 2017; Ramachandran et al. 2017",
        transcendental=True,
    ),
    Variant(
        name="mish",
        summary="Self-regularized smooth activation: x·tanh(softplus(x)).",
        formula="x·tanh(ln(1 + exp(x)))",
        latex=r"x \tanh(\ln(1 + e^{x}))",
        kernel=mish_kernel,
        bounds=_always((-0.3088434130172504, INF)),
        grad_bounds=_always((-0.11252612238946256, 1.0884981612517279)),
        continuity=_always("C∞"),
        monotonic=_always(False),
        kink_rule="smooth: no kink",
        reference="Misra 2019",
        transcendental=True,
    ),
    Variant(
        name="softplus",
        summary="Smooth ReLU: ln(1 + exp(beta·x))/beta, linear past the threshold.",
        formula="ln(1 + exp(beta·x))/beta, or x where beta·x > threshold",
        latex=r"\tfrac{1}{\beta}\ln(1 + e^{\beta x})",
        kernel=softplus_kernel,
        range_open=_always((True, False)),
        grad_range_open=_always((True, False)),
        params=(
            Param("beta", 1.0, "sharpness", "β", low=0.0, low_open=True),
            Param("threshold", 20.0, "beta·x above which softplus returns x", "t"),
        ),
        bounds=_always((0.0, INF)),
        grad_bounds=_always((0.0, 1.0)),
        continuity=_always("C∞"),
        monotonic=_always(True),
        param_grads={"beta": _d_softplus_beta},
        kink_rule="smooth below the threshold; f' = 1 above it (PyTorch)",
        reference="Dugas et al. 2001",
        transcendental=True,
    ),
    Variant(
        name="hardswish",
        aliases=("hard_swish",),
        summary="Piecewise-quadratic swish from MobileNetV3: x·relu6(x + 3)/6.",
        formula="x·min(max(x + 3, 0), 6)/6",
        latex=r"x \, \frac{\min(\max(x + 3, 0), 6)}{6}",
        kernel=hardswish_kernel,
        grad_range_open=_always((True, True)),
        bounds=_always((-0.375, INF)),
        grad_bounds=_always((-0.5, 1.5)),
        continuity=_always("C0"),
        monotonic=_always(False),
        kinks=_always((-3.0, 3.0)),
        dead_zone=_always(((-INF, -3.0),)),
        kink_rule="f'(-3) = 0 and f'(3) = 1 (PyTorch: the outer branches)",
        reference="Howard et al. 2019",
    ),
    Variant(
        name="sigmoid",
        aliases=("logistic",),
        summary="Logistic sigmoid: the bounded reference ReLU replaced.",
        formula="1/(1 + exp(−x))",
        latex=r"\frac{1}{1 + e^{-x}}",
        kernel=sigmoid_kernel,
        range_open=_always((True, True)),
        grad_range_open=_always((True, False)),
        bounds=_always((0.0, 1.0)),
        grad_bounds=_always((0.0, 0.25)),
        continuity=_always("C∞"),
        monotonic=_always(True),
        kink_rule="smooth: no kink",
        transcendental=True,
    ),
    Variant(
        name="tanh",
        summary="Hyperbolic tangent: bounded, zero-centred reference.",
        formula="tanh(x)",
        latex=r"\tanh(x)",
        kernel=tanh_kernel,
        range_open=_always((True, True)),
        grad_range_open=_always((True, False)),
        bounds=_always((-1.0, 1.0)),
        grad_bounds=_always((0.0, 1.0)),
        continuity=_always("C∞"),
        monotonic=_always(True),
        kink_rule="smooth: no kink",
        transcendental=True,
    ),
)

SEED = ("relu", "leaky_relu", "prelu", "elu", "rrelu", "selu", "relu6")


def _bounded(p) -> bool:
    lo, hi = p
    return math.isfinite(lo) and math.isfinite(hi)


GROUPS = {
    "seed": lambda reg: [reg.variants[n] for n in SEED],
    "all": lambda reg: list(reg.variants.values()),
    "smooth": lambda reg: [v for v in reg.variants.values() if v.continuity(v.defaults()) == "C∞"],
    "bounded": lambda reg: [v for v in reg.variants.values() if _bounded(v.bounds(v.defaults()))],
}

REGISTRY = Registry(VARIANTS, GROUPS)
