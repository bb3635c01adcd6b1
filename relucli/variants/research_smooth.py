"""Exponential and smooth variants from the ReLU-family literature: xIELU, PELU, ISRLU,
ELiSH, HardELiSH, TanhExp and LiSHT. Each record sits next to its kernel; ``origin`` is
"research".

Numerics: exp only of non-positive arguments (or clamped where the result has saturated);
xIELU's negative side crosses zero away from x = 0, so there it is formed in double-double
from exp_dd (numerics/doubled.py); PELU's exp(x/b) amplifies the rounding of x/b by |x/b|,
so the quotient carries its remainder; ISRLU's value is -1/sqrt(alpha + (1/y)²), a chain of
monotone roundings (monotone, and exactly the bound at -inf), its gradients use 1 + alpha x²
as a frexp-scaled double-double, so no x² overflows. Values are clamped at the declared
minima, so the range facts hold for every output. float32 inputs run the float64 bodies
with the parameters as given and round once. Kinks follow the x <= kink (left) branch,
PyTorch's ReLU convention; C1 joints are not kinks (as for CELU).
"""

from __future__ import annotations

import math

import numpy as np

from ..numerics.chunked import KernelArgs
from ..numerics.doubled import EXP_DD_LOW, exp_dd, quotient, two_sum
from ..numerics.elementwise import two_prod
from ..registry import Interval, Param, SpecError, Variant
from .research_piecewise import float64_body, nan_like, square_relu

INF = math.inf
_BIG = np.finfo(np.float64).max


def _scaled(hi, lo, k):
    with np.errstate(over="ignore"):
        return np.ldexp(hi, k), np.ldexp(lo, k)


def _times(c: float, hi, lo):
    """c (hi + lo) as hi' + lo' (hi finite): both scaled to mantissas first, so Dekker's
    product cannot overflow."""
    cm, ec = math.frexp(c)
    hm, eh = np.frexp(hi)
    p, pe = two_prod(cm, hm)
    pe += cm * np.ldexp(lo, -eh)
    return _scaled(p, pe, eh + ec)


def _times_x(c: float, x):
    """c x as hi + lo exactly (x finite): both scaled to mantissas first."""
    cm, ec = math.frexp(c)
    xm, ex = np.frexp(x)
    p, pe = two_prod(cm, xm)
    return _scaled(p, pe, ex + ec)


def _sum_round(ah, al, bh, bl):
    """(ah + al) + (bh + bl) rounded once; an infinite term is the result."""
    with np.errstate(invalid="ignore", over="ignore"):
        s, e = two_sum(ah, bh)
        out = s + (e + (al + bl))
    return np.where(np.isinf(ah), ah, np.where(np.isinf(bh), bh, out))


def _exp_parts(x):
    """exp(x) and exp(x) - 1 - x as double-doubles for every x <= 0 (at -inf the second is
    left 0, for the caller to set to its limit)."""
    xe = np.maximum(x, EXP_DD_LOW)
    _, (eh, el), (dh, dl) = exp_dd(xe)
    far = x < EXP_DD_LOW  # exp(x) < 4e-18: -1 - x + exp(x) is exact enough in double-double
    tail = np.exp(np.minimum(x, EXP_DD_LOW))
    with np.errstate(invalid="ignore"):  # -1 - (-inf) inside two_sum; replaced below
        fh, fl = two_sum(-1.0, -x)
    fl += tail
    fh, fl = np.where(np.isinf(x), 0.0, fh), np.where(np.isinf(x), 0.0, fl)  # callers: inf
    return (
        (np.where(far, tail, eh), np.where(far, 0.0, el)),
        (np.where(far, fh, dh), np.where(far, fl, dl)),
    )


# --------------------------------------------------------------------------- xIELU


def _xielu_c(p) -> tuple[float, float]:
    """beta - alpha_n (< 0) as hi + lo, exactly."""
    from fractions import Fraction  # here: a millisecond off every start-up

    c = Fraction(float(p["beta"])) - Fraction(float(p["alpha_n"]))
    hi = float(c)
    return hi, float(c - Fraction(hi))


def _xielu_left_exact(neg, an: float, beta: float):
    """alpha_n (exp(x) - 1 - x) + beta x for x <= 0 (or NaN), both terms in double-double:
    they cancel where the value crosses zero (near x = -2.45 at the defaults, near
    -2 beta/alpha_n for a small beta), and exp(x) - 1 - x keeps its relative accuracy down to
    x²/2."""
    _, (dh, dl) = _exp_parts(neg)
    nc = np.clip(neg, -_BIG, 0.0)
    ah, al = _times(an, dh, dl)
    # Below |x| = 1e-150, exp(x) - 1 - x = x²/2 (1 + x/3) underflows (x² < 1e-300) though
    # alpha_n x²/2 need not (alpha_n = 1e196, x = -7e-194: the value was -2e-197, not
    # 2.8e-191): there (alpha_n x) x (1/2 + x/6), no intermediate below the result.
    tiny = np.abs(nc) < 1e-150
    if tiny.any():
        xt = nc[tiny]
        with np.errstate(over="ignore", under="ignore"):
            ah[tiny] = ((an * xt) * xt) * (0.5 + xt / 6)
        al[tiny] = 0.0
    bh, bl = _times_x(beta, nc)
    with np.errstate(invalid="ignore"):
        left = _sum_round(ah, al, bh, bl)
    return np.where(neg == -INF, INF, left)  # (alpha_n - beta)|x| -> inf


def _xielu(x, value, grad, a: KernelArgs) -> None:
    ap, an, beta = float(a.alpha_p), float(a.alpha_n), float(a.beta)
    neg = np.minimum(x, 0.0)  # -0 kept, NaN kept
    nc = np.maximum(neg, -_BIG)
    # The plain float64 value is exact to a few ulp where x <= -1 (exp(x) - 1 - x > 0.36
    # without cancellation) and the two terms do not nearly cancel; the double-double path
    # (~40 passes) takes the rest: -1 < x <= 0, the neighbourhood of the negative zero,
    # NaN and overflowed sums.
    with np.errstate(over="ignore", invalid="ignore"):
        d = np.expm1(nc) - nc
        t1, t2 = an * d, beta * nc
        left = t1 + t2
        # plain errors: ~1.5 ulp of t1 and 0.5 of t2, so |left| >= (t1 + |t2|)/2 keeps 4 ulp
        # (x > 0 takes the right side: its left value is never used.)
        exact = ((neg > -1) & (x <= 0)) | ~np.isfinite(left) | (np.abs(left) < 0.5 * (t1 - t2))
    # Past |x| ~ 1e308 / alpha_n the two terms overflow while their sum, about
    # (alpha_n - beta)|x|, may not: there it is (beta - alpha_n) x (exact as hi + lo) plus
    # alpha_n expm1(x), which cannot cancel (both >= 0 up to -alpha_n, negligible there).
    huge = ~np.isfinite(left) & (neg < -1) & (neg > -INF)
    if huge.any():
        c, c_lo = _xielu_c({"beta": beta, "alpha_n": an})
        far = nc[huge]
        with np.errstate(over="ignore", invalid="ignore"):  # past the float range: inf
            head = c * far
            # Where c x itself overflows so does the sum (c_lo x could be an inf of the
            # other sign, and inf - inf would be NaN).
            left[huge] = np.where(np.isinf(head), head, (head + c_lo * far) + an * np.expm1(far))
        exact &= ~huge
    idx = np.flatnonzero(exact)
    if idx.size:
        left[idx] = _xielu_left_exact(neg[idx], an, beta)
    pos = np.maximum(x, 0.0)
    with np.errstate(over="ignore"):
        right = pos * (ap * pos + beta)  # both terms >= 0: no cancellation
    above = x > 0
    # No rounding below the declared minimum (the range fact holds for every output).
    low = _xielu_min({"alpha_n": an, "beta": beta})
    value[...] = np.maximum(np.where(above, right, left), low)
    if grad is None:
        return
    # f' = alpha_n exp(x) + (beta - alpha_n) for x <= 0 (beta at 0): where it crosses zero
    # it is exact in ulps of its larger term, as the accuracy contract measures it.
    # Above x = -1 as alpha_n expm1(x) + beta: alpha_n exp(x) + (beta - alpha_n) lost
    # alpha_n x where exp(x) rounds to 1 (alpha_n = 1e196, x = -5e-22: 0.5 for -5.7e174).
    # Below, alpha_n exp(x) <= 0.37 alpha_n against beta - alpha_n taken exactly (c + c_lo):
    # the tail keeps alpha_n exp(x) on top of the limit beta - alpha_n, which the expm1 form
    # rounds away (the open end of the f' range would be reached at x = -37).
    c, c_lo = _xielu_c({"beta": beta, "alpha_n": an})
    with np.errstate(over="ignore"):
        g_left = np.where(neg > -1, an * np.expm1(neg) + beta, an * np.exp(neg) + c + c_lo)
    with np.errstate(over="ignore"):
        g_right = 2 * ap * pos + beta
    grad[...] = np.where(above, g_right, g_left)


def _xielu_min(p) -> float:
    """The minimum, at x* = log1p(-beta/alpha_n) where f' = 0, from the double-double path
    (the closed form -beta + (beta - alpha_n) x* cancels when beta << alpha_n). f is flat at
    x*, so f at the float nearest x* is the minimum to far below an ulp."""
    an, beta = float(p["alpha_n"]), float(p["beta"])
    if beta == 0:
        return 0.0
    xs = math.log1p(-beta / an)
    return float(_xielu_left_exact(np.array([xs]), an, beta)[0])


def _check_xielu(p) -> None:
    if not p["alpha_n"] > p["beta"]:
        raise SpecError(
            f"xielu: alpha_n must be > beta, got alpha_n={p['alpha_n']:g} <= beta={p['beta']:g}"
        )


def _d_xielu_alpha_n(x: np.ndarray, p) -> np.ndarray:
    neg = np.minimum(x, 0.0)
    _, (dh, dl) = _exp_parts(neg)
    return np.where(neg == -INF, INF, dh + dl)  # exp(x) - 1 - x


XIELU = Variant(
    name="xielu",
    aliases=("x_ielu",),
    summary="Expanded integral of ELU: trainable ReLU²-like right side, negative-gradient left.",
    formula=("alpha_p·x² + beta·x if x > 0 else alpha_n·(exp(x) − 1 − x) + beta·x"),
    latex=(
        r"\begin{cases} \alpha_p x^2 + \beta x & x > 0 \\"
        r" \alpha_n (e^{x} - 1 - x) + \beta x & x \le 0 \end{cases}"
    ),
    kernel=float64_body(_xielu),
    params=(
        Param("alpha_p", 0.8, "curvature for x > 0", "α_p", low=0.0, low_open=True),
        Param("alpha_n", 0.8, "scale of the negative side (> beta)", "α_n", low=0.0, low_open=True),
        Param("beta", 0.5, "slope at 0", "β", low=0.0),
    ),
    range=lambda p: Interval(_xielu_min(p), INF),
    grad_range=lambda p: Interval(p["beta"] - p["alpha_n"], INF, lo_open=True),
    continuity="C1",
    monotonic=False,
    check=_check_xielu,
    param_grads={
        "alpha_p": lambda x, p: square_relu(x),
        "alpha_n": _d_xielu_alpha_n,
        "beta": lambda x, p: x + 0.0,
    },
    kink_rule="xielu′(0) = beta (both sides agree)",
    reference=(
        "Huang & Schlag 2024, Deriving Activation Functions Using Integration (alpha_p ="
        " alpha_n = 0.8, beta = 0.5; the reference code's eps = −1e-6 clamp of exp's"
        " argument is left out, so f is C1 at 0)"
    ),
    origin="research",
)

# ---------------------------------------------------------------------------- PELU


def _ratio(a: float, b: float) -> tuple[float, float]:
    from fractions import Fraction  # here: a millisecond off every start-up

    r = Fraction(a) / Fraction(b)
    hi = float(r)
    return hi, float(r - Fraction(hi))


# Below x/b = -1500 the gradient (a/b) exp(x/b) < e^(709.8 - 1500) underflows to 0 even
# for a/b at the float maximum (-800 was not enough: a/b = 2.7e300 with x/b = -800 gives
# 1e-47), and the value is -a.
_PELU_LOW = -1500.0


def _times_ratio(x, a: float, b: float, r: float, r_lo: float):
    """x·a/b for an array x, to an ulp or two, wherever the result is a normal number.
    With a/b = r + r_lo normal: x r + x r_lo (the low part only where x r is finite:
    inf + (-inf) would be NaN). Where a/b is subnormal or 0 (a = 1e-200, b = 1e200),
    (x/b)·a, or (x·a)/b where x/b is not a normal number: the intermediate then has all
    its bits."""
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        if abs(r) >= 2.0**-960:
            out = x * r
            # |x r_lo| < 2^-52 |x r|: it overflows only with x*r; inf * 0 would be NaN.
            corr = np.clip(x, -_BIG, _BIG) * r_lo
            np.add(out, corr, out=out, where=np.isfinite(out))
            return out
        mid = x / b
        normal = (np.abs(mid) >= np.finfo(np.float64).tiny) & np.isfinite(mid)
        return np.where(normal, mid * a, (x * a) / b)


_PELU_LINEAR = -(2.0**-60)


def _pelu_parts(x, b: float):
    """(q, ql, e) for x <= 0: q + ql = x/b, e = exp(q)."""
    neg = np.clip(np.minimum(x, 0.0), -_BIG, 0.0)
    q, ql = quotient(neg, b, _PELU_LOW)
    return q, ql, np.exp(q)


def _pelu(x, value, grad, a: KernelArgs) -> None:
    aa, b = float(a.a), float(a.b)
    r, r_lo = _ratio(aa, b)
    q, ql, e = _pelu_parts(x, b)
    # expm1(q + ql) = expm1(q) + exp(q) ql to far below an ulp; NaN flows through q.
    left = np.expm1(q)
    left += e * ql
    left *= aa
    right = _times_ratio(x, aa, b, r, r_lo)  # a/b x, also where a/b underflows
    # Where |x/b| < 2^-60, expm1(x/b) = x/b to double precision: the right side's a/b x,
    # also for x <= 0. Else a subnormal q = x/b would lose bits that a large a scales into
    # view (a = 1e300, b = 0.37, x = -2.2e-318 was 1.2e9 ulp off).
    above = q > _PELU_LINEAR
    value[...] = np.where(above, right, left)
    if grad is not None:
        # exp(q) as h·h with h = exp(q/2): below q = -708 exp(q) is subnormal and has lost
        # bits that a large a/b would scale back into view; h is normal down to q = -1416,
        # so only the last product rounds into the subnormal range.
        h = np.exp(q / 2)
        g = (h * (r + (r * ql + r_lo))) * h
        grad[...] = np.where(above, r, g) + nan_like(x)


def _check_pelu(p) -> None:
    if not math.isfinite(p["a"] / p["b"]):
        raise SpecError(f"pelu: a/b must be a finite number, got a={p['a']:g}, b={p['b']:g}")


def _d_pelu_a(x: np.ndarray, p) -> np.ndarray:
    q, ql, e = _pelu_parts(x, p["b"])
    left = np.expm1(q) + e * ql
    with np.errstate(over="ignore"):
        right = x / p["b"]
    return np.where(x > 0, right, left)


def _d_pelu_b(x: np.ndarray, p) -> np.ndarray:
    # -a x / b² on both sides, times exp(x/b) on the left.
    r, r_lo = _ratio(p["a"], p["b"])
    q, ql, _ = _pelu_parts(x, p["b"])
    # exp(q + ql) = exp(q)(1 + ql), with exp(q) as h·h, h = exp(q/2): a subnormal exp(q)
    # times x/b² lost up to 800 ulp of the subnormal grid (b = 1/3, x = -240); |q| h <= 2/e,
    # so the products cannot overflow before the last one.
    h = np.exp(q / 2)
    left = -(((q + ql) * h) * (r + r_lo)) * (h * (1 + ql))
    # -a x/b² = -(x/b)(a/b) with each factor formed so that no intermediate is subnormal
    # (x = 1e-24, a = 1e-300, b = 3e-5: x r underflows) or lost.
    b = float(p["b"])

    def times(xs):
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            xb = xs / b
            normal = (np.abs(xb) >= np.finfo(np.float64).tiny) & np.isfinite(xb)
            return -np.where(
                normal,
                _times_ratio(xb, p["a"], b, r, r_lo),
                _times_ratio(xs, p["a"], b, r, r_lo) / b,
            )

    right = times(x)
    # Where the result is below 2^-900, x is scaled up by 2^600 and the result back, so only
    # the last step rounds into the subnormal range (x = -1e-311, a = 2^-19, b = 2^-10: x a/b
    # lost bits that /b then showed, 292 ulp of the subnormal grid); scaled, nothing overflows.
    small = (np.abs(right) < 2.0**-900) & (np.abs(x) < 2.0**400)  # x 2^600 stays finite
    if small.any():
        right[small] = np.ldexp(times(np.ldexp(x[small], 600)), -600)
    # Where |x/b| < 2^-60, exp(x/b) = 1 to double precision: the linear form on both sides.
    return np.where(q > _PELU_LINEAR, right, left)


PELU = Variant(
    name="pelu",
    aliases=("parametric_elu",),
    summary="Parametric ELU: learned a, b with slope a/b on both sides of 0 (C1).",
    formula="(a/b)·x if x ≥ 0 else a·(exp(x/b) − 1)",
    latex=r"\begin{cases} \frac{a}{b} x & x \ge 0 \\ a (e^{x/b} - 1) & x < 0 \end{cases}",
    kernel=float64_body(_pelu),
    params=(
        Param("a", 1.0, "negative saturation value", "a", low=0.0, low_open=True),
        Param("b", 1.0, "scale of the exponential decay", "b", low=0.0, low_open=True),
    ),
    range=lambda p: Interval(-p["a"], INF, lo_open=True),
    grad_range=lambda p: Interval(0.0, p["a"] / p["b"], lo_open=True),
    continuity="C1",
    monotonic=True,
    check=_check_pelu,
    param_grads={"a": _d_pelu_a, "b": _d_pelu_b},
    kink_rule="pelu′(0) = a/b (both sides agree)",
    reference="Trottier, Giguère & Chaib-draa 2017, Parametric Exponential Linear Unit (a = b = 1)",
    origin="research",
)

# --------------------------------------------------------------------------- ISRLU


def _isrlu_parts(y, alpha: float):
    """(D, Dl) = 1 + alpha y² as a double-double (y >= 0 finite), inf where it overflows."""
    am, ea = math.frexp(alpha)
    ym, ey = np.frexp(y)
    q, qe = two_prod(ym, ym)
    r, re = two_prod(am, q)
    re += am * qe
    big, small = _scaled(r, re, 2 * ey + ea)
    with np.errstate(invalid="ignore"):
        d, de = two_sum(1.0, big)
    return d, de + small


def _isrlu(x, value, grad, a: KernelArgs) -> None:
    alpha = float(a.alpha)
    y = np.clip(-x, 0.0, _BIG)  # |x| on the left, NaN kept
    # The value as -1/sqrt(alpha + (1/y)²): every step is a monotone rounding, so the result
    # is monotone in x, and it is -1/sqrt(alpha), the declared bound, at y = inf (within 2
    # ulp: 1/y, its square, the sum, sqrt and the reciprocal). Below y = 2^-500 the value is
    # -y (alpha y² < 2^-53 there for alpha < 2^947); the two forms meet exactly at 2^-500.
    with np.errstate(divide="ignore", over="ignore"):
        t = 1.0 / np.maximum(y, 2.0**-500)
    left = -1.0 / np.sqrt(alpha + t * t)
    # Below 2^-500: -y/sqrt(1 + (sqrt(alpha) y)²), which is -y itself for alpha < 2^947
    # (the sum rounds to 1) but not for larger alpha (alpha = 1e300, y = 5e-154: -y was
    # 1e9 ulp off); sqrt(alpha) y <= 4e3 there, so nothing overflows or underflows.
    with np.errstate(under="ignore"):
        sy = math.sqrt(alpha) * np.minimum(y, 2.0**-500)
        small = -y / np.sqrt(1.0 + sy * sy)
    left = np.where(y < 2.0**-500, small, left)
    above = x >= 0
    value[...] = np.where(above, x, left)
    if grad is not None:
        d, dl = _isrlu_parts(y, alpha)
        huge = np.isinf(d)  # alpha y² overflowed: the gradient has underflowed
        d = np.where(huge, 1.0, d)
        root = np.sqrt(d)
        corr = dl / d  # 1 + alpha y² = d (1 + corr)
        g3 = 1.0 / d / root * (1 - 1.5 * corr)  # (1 + alpha x²)^(-3/2), underflows quietly
        grad[...] = np.where(above, 1.0, np.where(huge, 0.0, g3)) + nan_like(x)


def _d_isrlu_alpha(x: np.ndarray, p) -> np.ndarray:
    # f = -y/sqrt(1 + alpha y²) for y = -x > 0, so df/dalpha = y³/(2 (1 + alpha y²)^(3/2))
    # = Q^(3/2)/2 with Q = y²/(1 + alpha y²) <= 1/alpha. With y = m 2^k (frexp),
    # Q = m²/(2^-2k + alpha m²): both in double-double, so no y² or y³ overflows, and Q's
    # three roundings are carried (Q = Qh (1 + delta)) into Q^(3/2) = Qh^(3/2)(1 + 1.5 delta).
    alpha = float(p["alpha"])
    am, ea = math.frexp(alpha)
    y = np.clip(-np.asarray(x, np.float64), 0.0, _BIG)
    ym, ey = np.frexp(y)
    q, qe = two_prod(ym, ym)
    r, re = two_prod(am, q)
    re += am * qe
    with np.errstate(over="ignore"):
        big, small = np.ldexp(r, ea), np.ldexp(re, ea)
        unit = np.ldexp(1.0, -2 * ey)
    with np.errstate(invalid="ignore"):
        dh, dl = two_sum(unit, big)
        dl += small
        qh = q / dh
        ph, pe = two_prod(qh, np.minimum(dh, 1e150))  # the quotient's residual
        delta = np.where(
            np.isinf(dh) | (dh > 1e150), 0.0, qe / q - dl / dh + ((q - ph) - pe) / (qh * dh)
        )
        out = 0.5 * qh * np.sqrt(qh) * (1 + 1.5 * delta)
    out = np.where(q == 0, 0.0, out)  # y = 0: nothing to divide
    return np.where(np.asarray(x) < 0, out, np.where(np.isnan(x), np.nan, 0.0))


ISRLU = Variant(
    name="isrlu",
    summary="Inverse square root linear unit: ELU-like, with an algebraic negative side.",
    formula="x if x ≥ 0 else x/√(1 + alpha·x²)",
    latex=r"\begin{cases} x & x \ge 0 \\ \frac{x}{\sqrt{1 + \alpha x^2}} & x < 0 \end{cases}",
    kernel=float64_body(_isrlu),
    params=(
        Param(
            "alpha", 1.0, "saturation: the value tends to −1/√alpha", "α", low=0.0, low_open=True
        ),
    ),
    range=lambda p: Interval(-1 / math.sqrt(p["alpha"]), INF, lo_open=True),
    grad_range=Interval(0.0, 1.0, lo_open=True),
    continuity="C1",  # in fact C2: f'' is 0 from both sides at 0
    monotonic=True,
    param_grads={"alpha": _d_isrlu_alpha},
    kink_rule="isrlu′(0) = 1 (both sides agree)",
    reference=(
        "Carlile et al. 2017, Improving Deep Learning by Inverse Square Root Linear Units"
        " (alpha = 1)"
    ),
    origin="research",
)

# ------------------------------------------------------------------ ELiSH, HardELiSH


def _elish(x, value, grad, a: KernelArgs) -> None:
    e = np.exp(-np.abs(x))  # <= 1: exp(x) on the left, exp(-x) on the right
    d = 1 + e
    xc = np.clip(x, -_BIG, _BIG)
    above = x >= 0
    # x >= 0: x sigmoid(x) = x/(1 + e); x < 0: expm1(x) sigmoid(x) = expm1(x) e/(1 + e)
    em1 = np.expm1(np.minimum(x, 0.0))
    # No rounding below the declared minimum (the range fact holds for every output).
    value[...] = np.maximum(np.where(above, x / d, em1 * e / d), _ELISH_MIN)
    if grad is None:
        return
    # right: sigmoid(x)(1 + x sigmoid(-x)); left: e ((1 + e)² - 2)/(1 + e)², zero at
    # e = sqrt(2) - 1 (there in ulps of its largest term, e/(1 + e)).
    right = (1 + xc * e / d) / d
    left = e * (e * (e + 2) - 1) / (d * d)
    grad[...] = np.where(above, right, left) + nan_like(x)


_ELISH_MIN = -0.17157287525380990  # at x = ln(sqrt(2) - 1): (sqrt(2) - 2)(sqrt(2) - 1)/sqrt(2)
_ELISH_GRAD_MIN = -0.078546847875555876  # at x = -1.7175297959782471 (mpmath)
_SILU_GRAD_MAX = 1.0998393201288670  # ELiSH is x sigmoid(x) for x >= 0

ELISH = Variant(
    name="elish",
    summary="Exponential linear sigmoid squashing: x·σ(x) right, (eˣ − 1)·σ(x) left.",
    formula="x·σ(x) if x ≥ 0 else (exp(x) − 1)·σ(x)",
    latex=r"\begin{cases} x \sigma(x) & x \ge 0 \\ (e^{x} - 1) \sigma(x) & x < 0 \end{cases}",
    kernel=float64_body(_elish),
    range=Interval(_ELISH_MIN, INF),
    grad_range=Interval(_ELISH_GRAD_MIN, _SILU_GRAD_MAX),
    continuity="C1",
    monotonic=False,
    kink_rule="elish′(0) = 1/2 (both sides agree)",
    reference="Basirat & Roth 2018, The Quest for the Golden Activation Function",
    origin="research",
)


def _hard_elish(x, value, grad, a: KernelArgs) -> None:
    h = np.clip((x + 1) * 0.5, 0.0, 1.0)  # hard sigmoid max(0, min(1, (x + 1)/2)), NaN kept
    em1 = np.expm1(np.minimum(x, 0.0))
    xc = np.clip(x, -_BIG, _BIG)
    above = x >= 0
    right = np.maximum(x, 0.0) * h  # (-inf * 0 would be NaN; the right branch is x >= 0)
    value[...] = np.maximum(np.where(above, right, em1 * h), _HARD_ELISH_MIN) + 0.0
    if grad is None:
        return
    # Left branch at each kink: 0 at x = -1, x + 1/2 = 3/2 at x = 1.
    inner = x > -1
    left = np.where(inner, np.exp(np.minimum(x, 0.0)) * h + em1 * 0.5, 0.0)
    right_g = np.where(x <= 1, xc + 0.5, 1.0)
    grad[...] = np.where(above, right_g, left) + nan_like(x)


_HARD_ELISH_MIN = -0.099673151528742618  # at x = -0.44285440100238858: e^x (x + 2) = 1
_HARD_ELISH_GRAD_MIN = -0.31606027941427884  # (1/e - 1)/2, approached from the right of -1

HARD_ELISH = Variant(
    name="hard_elish",
    aliases=("hardelish",),
    summary="ELiSH with the hard sigmoid max(0, min(1, (x + 1)/2)) for σ.",
    formula="x·hσ(x) if x ≥ 0 else (exp(x) − 1)·hσ(x), hσ(x) = max(0, min(1, (x + 1)/2))",
    latex=(
        r"\begin{cases} x\, h(x) & x \ge 0 \\ (e^{x} - 1)\, h(x) & x < 0 \end{cases},"
        r"\ h(x) = \max(0, \min(1, \tfrac{x + 1}{2}))"
    ),
    kernel=float64_body(_hard_elish),
    range=Interval(_HARD_ELISH_MIN, INF),
    grad_range=Interval(_HARD_ELISH_GRAD_MIN, 1.5, lo_open=True),
    continuity="C0",
    monotonic=False,
    kinks=(-1.0, 1.0),
    dead_zones=(Interval(-INF, -1.0),),
    kink_rule="hard_elish′(−1) = 0 and hard_elish′(1) = 3/2 (the left branch at each kink)",
    reference="Basirat & Roth 2018, The Quest for the Golden Activation Function",
    origin="research",
)

# ----------------------------------------------------------------- TanhExp, LiSHT


def _sech2(u):
    """sech²(u) = 4e/(1 + e)², e = exp(-2|u|): no 1 - tanh² cancellation, no overflow."""
    e = np.exp(-2 * np.minimum(np.abs(u), 400.0))  # exp(-800) is 0 already
    return 4 * e / ((1 + e) * (1 + e))


_TANHEXP_CAP = 7.0  # exp(7) = 1097: tanh is 1 and sech² is 0 (exp(-2194)) beyond


def _tanhexp(x, value, grad, a: KernelArgs) -> None:
    u = np.exp(np.minimum(x, _TANHEXP_CAP))
    t = np.tanh(u)
    np.multiply(np.maximum(x, -_BIG), t, out=value)  # -inf * 0 would be NaN
    np.maximum(value, _TANHEXP_MIN, out=value)  # no rounding below the declared minimum
    if grad is not None:
        xc = np.clip(x, -_BIG, _BIG)
        np.add(t, xc * (u * _sech2(u)), out=grad)  # u sech²(u) <= 0.45: no overflow


_TANHEXP_MIN = -0.35328577784821127  # at x = -1.0788600584646241 (mpmath)
_TANHEXP_GRAD = Interval(-0.13157003618971582, 1.0619753087179160)  # at x = -2.066, 0.697

TANHEXP = Variant(
    name="tanhexp",
    aliases=("tanh_exp",),
    summary="x·tanh(eˣ): Mish-like, linear right, vanishing left.",
    formula="x·tanh(exp(x))",
    latex=r"x \tanh(e^{x})",
    kernel=float64_body(_tanhexp),
    range=Interval(_TANHEXP_MIN, INF),
    grad_range=_TANHEXP_GRAD,
    continuity="C∞",
    monotonic=False,
    reference="Liu & Di 2020, TanhExp: A Smooth Activation Function with High Convergence Speed",
    origin="research",
)


def _lisht(x, value, grad, a: KernelArgs) -> None:
    t = np.tanh(x)
    np.multiply(x, t, out=value)  # >= 0; +-inf give inf
    if grad is not None:
        xc = np.clip(x, -_BIG, _BIG)
        np.add(t, xc * _sech2(xc), out=grad)


# f' = tanh x + x sech² x peaks where x tanh x = 1, and its value there is that x.
_LISHT_GRAD_MAX = 1.1996786402577338

LISHT = Variant(
    name="lisht",
    summary="Linearly scaled hyperbolic tangent: x·tanh(x), even and non-negative.",
    formula="x·tanh(x)",
    latex=r"x \tanh(x)",
    kernel=float64_body(_lisht),
    range=Interval(0.0, INF),
    grad_range=Interval(-_LISHT_GRAD_MAX, _LISHT_GRAD_MAX),
    continuity="C∞",
    monotonic=False,
    reference="Roy et al. 2019, LiSHT: Non-Parametric Linearly Scaled Hyperbolic Tangent",
    origin="research",
)
