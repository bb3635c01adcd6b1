"""The exponential linear family: ELU, SELU (a scaled ELU) and CELU (ELU of x/alpha),
one kernel body with coefficients, each record next to its kernel.

exp is only ever applied to min(x, 0) (or x/alpha of it), so it cannot overflow, and the
negative-side gradient is alpha*exp(x), never value + alpha: that sum rounds to exactly 0
below x = -37 (float64), where the true gradient is tiny but not zero. float32 inputs take
either NumPy's own SIMD exp/expm1 (ELU and CELU at alpha = 1 and SELU, where
numerics/exp_path.py finds them: ``_simd32``) or the 2^-11 grid tables of numerics/exp32.py
(within 1.5-2.6 ulp, no float64 work).
"""

from __future__ import annotations

import math

import numpy as np

from ..frameworks import KERAS, facts, same_facts
from ..numerics import exp_path
from ..numerics.chunked import KernelArgs, Workspace
from ..numerics.elementwise import const, in_float64, two_prod
from ..numerics.exp32 import exp_grid32
from ..registry import Interval, Param, Variant

INF = math.inf

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _exp_family(x, value, grad, neg_value_coef, neg_grad_coef, pos_coef, divisor, w):
    """ELU, SELU and CELU: pos_coef*x for x > 0, neg_value_coef*expm1(x/divisor) otherwise;
    gradient pos_coef, or neg_grad_coef*exp(x/divisor) for x <= 0 (the PyTorch kink).
    ``w`` is this helper's own scratch."""
    m = w.buf(0, x)
    table = neg_value_coef != 0  # alpha = 0: NumPy's path gives PyTorch's -0
    if x.dtype == np.float32 and divisor is None and neg_value_coef == neg_grad_coef and table:
        exp_grid32(
            x, value, grad, neg_value_coef, w.scope("grid")
        )  # coefficients folded into the tables
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
    if pos_coef == 1 and (divisor is not None or 0 <= neg_value_coef <= 1):
        # alpha expm1(x/alpha) >= x for x <= 0 (CELU, and ELU with alpha <= 1), and it is
        # 0 for x > 0: the max is the right branch, exactly, in one pass (x on the tie at
        # zero, so the zero keeps x's sign; with alpha = 0 the negative side is 0 * expm1(x)
        # = -0, PyTorch's zero, where adding max(x, 0) would give +0).
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


def _simd32(x, value, grad, w: Workspace, coef=None, scale=None) -> None:
    """float32 ELU (alpha = 1; also CELU at alpha = 1) or, given ``coef`` = alpha*scale and
    ``scale``, SELU, from NumPy's float32 np.expm1 and np.exp (vectorised where
    numerics/exp_path.py chose this path; ``w`` is this helper's own scratch).

    Only for these coefficients: NumPy's exp is up to 2.4 ulp off, and a coefficient that
    moves a result from the bottom of its binade to the top doubles that in ulps (ELU at
    alpha = 0.3 reached 3.2 of the 4 allowed); other alphas read the tables. Over every
    float32 in [-104, 0] (NumPy 2.4.6, AVX-512): ELU within 2.35 ulp (value) and 2.54
    (gradient), SELU 3.06 and 2.95 (benchmarks/elu32.py --exhaustive).

    Each NumPy call costs about a microsecond, 0.015 ns per element of a 2^16 chunk, as
    much as a tenth of a copy of that element: ELU is four calls, the fewest that give both
    branches exactly. m = min(x, 0) goes into the value's own memory (no scratch array to
    keep in cache), exp reads it from there and expm1 then runs in place: 12% faster at
    10^7 than m in the gradient with exp in place (NumPy's AVX-512 exp is the slower one in
    place). The underflow flag NumPy's exp raises below x = -87 (a subnormal result,
    the right one) is ignored by default, as for every float64 exp here.
    """
    zeros = w.full(0, x)
    np.minimum(zeros, x, out=value)  # m: exp of non-positive numbers only; -0 kept
    if grad is not None:
        np.exp(value, out=grad)  # 1 for x > 0: ELU's gradient there, already
    np.expm1(value, out=value)
    if coef is None:
        np.maximum(value, x, out=value)  # expm1(x) >= x for x <= 0: see _exp_family
        return
    value *= coef
    r = np.maximum(zeros, x, out=w.buf(0, x))  # x on the tie: -0 + -0 keeps expm1(-0) = -0
    with np.errstate(over="ignore"):  # scale * huge x: inf is the limit
        r *= scale
    value += r
    if grad is None:
        return
    grad *= coef
    # x > 0: coef*exp(0) = coef, plus (scale - coef), exact (Sterbenz), rounds to scale.
    above = np.greater(x, zeros, out=w.buf(1, x, np.bool_))
    grad += np.multiply(above, scale - coef, out=w.buf(2, x))


def _simd(x) -> bool:
    """float32 work on NumPy's SIMD exp path (decided once, on the first such call)."""
    return x.dtype == np.float32 and exp_path.current() == "simd"


def follows_exp_path(name: str, alpha: float) -> bool:
    """Whether this variant's float32 kernel at this alpha takes exp_path's choice (simd
    or table): ELU and CELU at alpha = 1 and SELU. Any other coefficient can double
    NumPy's exp error in ulps, so other alphas keep the tables on every machine. (The
    kernels below ask this; ``relucli bench`` uses it to say which path ran.)"""
    return name == "selu" or (name in ("elu", "celu") and alpha == 1)


def elu_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    if follows_exp_path("elu", a.alpha) and _simd(x):
        _simd32(x, value, grad, w.scope("simd"))
        return
    _exp_family(x, value, grad, a.alpha, a.alpha, const(x, 1), None, w.scope("exp"))
    if grad is not None and a.alpha > 1:
        _elu_grad_tail(x, grad, float(a.exact["alpha"]))


def _elu_grad_tail(x, grad, alpha: float) -> None:
    """alpha exp(x) for alpha > 1 where exp(x) alone underflows (float64: x < -708;
    float32: x < -87, and its tables stop at -104) but alpha exp(x) does not (alpha = 1e30
    keeps it normal down to x = -1400 in float64, -156 in float32): formed as
    (alpha exp(x/2)) exp(x/2), in float64 and rounded once (exp(x/2) is normal down to
    x = -1416, past which alpha exp(x) underflows for every alpha below 1e307). Rare
    (a masked patch), and only for alpha > 1."""
    low = -700.0 if x.dtype == np.float64 else -80.0
    if not np.fmin.reduce(x, initial=0.0) < low:
        return
    deep = x < low
    half = np.exp(np.maximum(x[deep].astype(np.float64), -1e4) / 2)
    with np.errstate(over="ignore"):  # float32: beyond its max, inf is the rounding
        grad[deep] = (alpha * half) * half


def selu_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    # ELU with alpha = SELU_ALPHA, scaled: the same body with the scale folded in.
    coef = const(x, SELU_ALPHA) * const(x, SELU_SCALE)  # PyTorch multiplies them first
    if follows_exp_path("selu", 1.0) and _simd(x):
        _simd32(x, value, grad, w.scope("simd"), coef, const(x, SELU_SCALE))
        return
    _exp_family(x, value, grad, coef, coef, const(x, SELU_SCALE), None, w.scope("exp"))


def celu_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    one = const(x, 1)
    body = w.scope("exp")
    if a.alpha == 1:
        if follows_exp_path("celu", a.alpha) and _simd(x):
            _simd32(x, value, grad, w.scope("simd"))
            return
        _exp_family(x, value, grad, one, one, one, None, body)
        return
    # Divide (not multiply by 1/alpha): the rounding of 1/alpha would be amplified by exp.
    # In float32 even the rounding of x/alpha is amplified (by |x/alpha| ulp), and so is
    # alpha's own float32 rounding, so the division (by alpha as given, not rounded to
    # float32) and the exponentials run in float64 and are rounded once; there the
    # quotient's rounding (2^-53 times |x/alpha| <= 104) is far below a float32 ulp.
    alpha = float(a.exact["alpha"])
    if x.dtype == np.float32:
        in_float64(
            lambda x, v, g: _exp_family(x, v, g, alpha, 1.0, 1.0, alpha, body),
            x,
            value,
            grad,
            w.scope("float64"),
        )
        return
    if math.frexp(alpha)[0] == 0.5:  # a power of two: x/alpha is exact
        _exp_family(x, value, grad, a.alpha, one, one, a.alpha, body)
    else:
        _celu_two_quotient(x, value, grad, alpha, w.scope("two quotient"))
    if alpha > 1:
        # x/alpha can be subnormal (|x| < alpha 2^-1022) and have lost bits, which the
        # product with alpha would bring back as a relative error. Where |x/alpha| < 2^-60,
        # alpha expm1(x/alpha) = x (1 + x/(2 alpha)) rounds to x: take x there.
        tiny = np.greater(x, -alpha * 2.0**-60, out=w.buf(0, x, np.bool_))
        np.copyto(value, x, where=tiny)


def _celu_two_quotient(x, value, grad, alpha: float, w: Workspace) -> None:
    """CELU for alpha not a power of two, in float64: x/alpha = q + c with c the rounding
    error of the quotient (a two-quotient), and exp(q + c) = exp(q)(1 + c) to first order.
    Without c, exp turns the quotient's half-ulp error into |q| half-ulps (470 ulp in the
    gradient at alpha = 0.1). c comes from Dekker's two-product on alpha = m 2^k scaled to
    m in [0.5, 1) (x 2^-k is exact), so any alpha works; below q = -1000 exp(q) is 0."""
    m = np.minimum(w.full(0, x), x, out=w.buf(0, x))  # -0 kept
    q = w.buf(1, x)
    with np.errstate(over="ignore"):  # -huge/alpha = -inf: expm1 gives the limit
        np.divide(m, alpha, out=q)
        floor = -1000.0 * alpha  # -inf for huge alpha: no clip needed there
    frac, k = math.frexp(alpha)
    xs = np.maximum(m, floor, out=w.buf(2, x))
    np.ldexp(xs, -k, out=xs)  # |xs| <= 1000: two_prod's factors are far from overflow
    qs = np.divide(xs, frac, out=w.buf(3, x))
    p, e = two_prod(qs, frac)
    c = np.subtract(xs, p, out=w.buf(4, x))  # exact (Sterbenz: p is within an ulp of xs)
    c -= e
    c /= frac  # the remainder over the divisor: x/alpha - q
    ex = np.exp(q, out=w.buf(5, x))
    c *= ex  # exp(q) c: the first-order term of exp and of expm1
    np.expm1(q, out=value)
    value += c
    with np.errstate(over="ignore"):
        value *= alpha
    np.maximum(value, x, out=value)  # x > 0: value is 0 there; the max picks x exactly
    if grad is None:
        return
    np.add(ex, c, out=grad)  # exp(x/alpha) for x <= 0, 1 for x > 0 (q = 0, c = 0)


def _d_elu_alpha(x: np.ndarray, p) -> np.ndarray:
    return np.expm1(np.minimum(x, 0))


# expm1(q) - q exp(q) = -sum_{n>=2} (n - 1) q^n / n!  =  -q^2 sum_j _CELU_SERIES[j] q^j
_CELU_SERIES = [(j + 1) / math.factorial(j + 2) for j in range(22)]


def _d_celu_alpha(x: np.ndarray, p) -> np.ndarray:
    """d/dalpha [alpha expm1(x/alpha)] = expm1(q) - q exp(q), q = x/alpha <= 0.

    The two terms cancel as q -> 0 (both ~q): the difference is -q^2/2 (0 instead of
    -5e-35 at x = -1e-17, 1e5 ulp off at -1e-5). For |q| < 1 it comes from its series
    (22 terms: the last is below 2^-60 of the first); beyond, the terms differ enough
    (at most a factor 4 of cancellation at q = -1). The quotient overflows to -inf for
    x = -1e308, alpha < 1: clamped (exp is 0 far before -1e4), so -inf * 0 is not NaN.
    """
    x = np.asarray(x, np.float64)
    with np.errstate(over="ignore"):
        q = np.maximum(np.minimum(x, 0) / p["alpha"], -1e4)
    direct = np.expm1(q) - q * np.exp(q)
    qs = np.maximum(q, -1.0)
    series = np.full_like(qs, _CELU_SERIES[-1])
    for coef in reversed(_CELU_SERIES[:-1]):  # Horner over 22 coefficients, not elements
        series *= qs
        series += coef
    series *= -qs * qs
    return np.where(q > -1.0, series, direct)


_ELU_FW = {
    "torch": facts("torch.nn.functional.elu", "torch.nn.ELU"),
    "jax": facts("jax.nn.elu"),
    "flax": facts("flax.linen.elu"),
    "tf": facts("tf.nn.elu", definition="no alpha parameter (alpha = 1)"),
    "tf-keras": facts("tf_keras.activations.elu", "tf_keras.layers.ELU"),
    **same_facts(KERAS, facts("keras.activations.elu", "keras.ops.elu", "keras.layers.ELU")),
    "mlx": facts("mlx.nn.elu", "mlx.nn.ELU", limits=((-1.0, 0.0), (INF, math.nan))),
}

ELU = Variant(
    name="elu",
    summary="Exponential linear unit: smooth negative side saturating at -alpha.",
    formula="x if x > 0 else alpha·(exp(x) − 1)",
    latex=r"\begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
    kernel=elu_kernel,
    params=(Param("alpha", 1.0, "negative saturation value", "α", low=0.0),),
    range=lambda p: Interval(0.0 - p["alpha"], INF, lo_open=p["alpha"] > 0),  # not -0
    grad_range=lambda p: Interval(0.0, max(1.0, p["alpha"]), lo_open=p["alpha"] > 0),
    continuity=lambda p: "C1" if p["alpha"] == 1 else "C0",
    monotonic=True,
    kinks=lambda p: () if p["alpha"] == 1 else (0.0,),
    dead_zones=lambda p: (Interval(-INF, 0.0),) if p["alpha"] == 0 else (),
    param_grads={"alpha": _d_elu_alpha},
    kink_rule="elu′(0) = alpha",
    reference="Clevert et al. 2015",
    torch="torch.nn.functional.elu",
    frameworks=_ELU_FW,
)

_SCALE_AT_0 = {0.0: SELU_SCALE}  # TF: the x > 0 branch
_SELU_FW = {
    "torch": facts("torch.nn.functional.selu", "torch.nn.SELU"),
    "jax": facts("jax.nn.selu"),
    "flax": facts("flax.linen.selu"),
    "tf": facts("tf.nn.selu", kinks=_SCALE_AT_0),
    "tf-keras": facts("tf_keras.activations.selu", kinks=_SCALE_AT_0),
    "keras-tf": facts("keras.activations.selu", "keras.ops.selu", kinks=_SCALE_AT_0),
    **same_facts(("keras-jax", "keras-torch"), facts("keras.activations.selu", "keras.ops.selu")),
    "mlx": facts(
        "mlx.nn.selu",
        "mlx.nn.SELU",
        definition="truncated constants: scale = 1.0507, alpha = 1.67326",
        limits=((-1.7580942819999998, 0.0), (INF, math.nan)),
        limits32=((-1.7580941915512085, 0.0), (INF, math.nan)),
    ),
}

SELU = Variant(
    name="selu",
    summary="Scaled ELU with constants chosen so activations self-normalize.",
    formula="scale·(x if x > 0 else alpha·(exp(x) − 1))",
    latex=r"\lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
    kernel=selu_kernel,
    constants=(("alpha", SELU_ALPHA), ("scale", SELU_SCALE)),
    range=Interval(-SELU_ALPHA * SELU_SCALE, INF, lo_open=True),
    grad_range=Interval(0.0, SELU_ALPHA * SELU_SCALE, lo_open=True),
    continuity="C0",
    monotonic=True,
    kinks=(0.0,),
    kink_rule="selu′(0) = scale·alpha = 1.7580993408473766",
    reference="Klambauer et al. 2017",
    torch="torch.nn.functional.selu",
    init="lecun",  # self-normalizing needs LeCun's variance 1/fan_in
    frameworks=_SELU_FW,
)

_CELU_FW = {
    "torch": facts("torch.nn.functional.celu", "torch.nn.CELU"),
    "jax": facts("jax.nn.celu"),
    "flax": facts("flax.linen.celu"),
    # Keras on TF: maximum(x, 0) + alpha*expm1(minimum(x, 0)/alpha), and at the tie TF's
    # maximum and minimum each pass x a gradient of 1: 2.
    "keras-tf": facts("keras.activations.celu", "keras.ops.celu", kinks={0.0: 2.0}),
    **same_facts(("keras-jax", "keras-torch"), facts("keras.activations.celu", "keras.ops.celu")),
    # MLX: the same sum, with maximum(x, 0) and minimum(x, 0) passing x 0 at the tie.
    "mlx": facts("mlx.nn.celu", "mlx.nn.CELU", kinks={0.0: 0.0}),
}

CELU = Variant(
    name="celu",
    summary="Continuously differentiable ELU: C1 for every alpha.",
    formula="x if x > 0 else alpha·(exp(x/alpha) − 1)",
    latex=r"\begin{cases} x & x > 0 \\ \alpha (e^{x/\alpha} - 1) & x \le 0 \end{cases}",
    kernel=celu_kernel,
    params=(Param("alpha", 1.0, "negative saturation value", "α", low=0.0, low_open=True),),
    range=lambda p: Interval(-p["alpha"], INF, lo_open=True),
    grad_range=Interval(0.0, 1.0, lo_open=True),
    continuity="C1",
    monotonic=True,
    param_grads={"alpha": _d_celu_alpha},
    kink_rule="celu′(0) = 1 (both sides agree)",
    reference="Barron 2017",
    torch="torch.nn.functional.celu",
    frameworks=_CELU_FW,
)
