"""Double-double building blocks: sums and products carried to about 2^-104, for the
research variants whose value crosses zero away from x = 0 (StarReLU's s x² + b, SReLU's
affine pieces, xIELU's negative side) and whose exponent argument is a quotient (PELU's
exp(x/b)). A float64 result rounded once from these keeps full relative accuracy even where
two large terms cancel.

Products are formed on frexp mantissas (in [0.5, 1)) and scaled back with ldexp, so
Dekker's product never overflows whatever the magnitudes; a result beyond the float range
is the signed infinity, its true rounding.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .elementwise import two_prod

__all__ = [
    "affine",
    "dd_add",
    "dd_mul",
    "exp_dd",
    "quotient",
    "scaled_square_affine",
    "two_sum",
]


def two_sum(a, b):
    """a + b = s + e exactly (Knuth), whichever is larger; NaN and inf flow into s."""
    s = a + b
    bb = s - a
    e = (a - (s - bb)) + (b - bb)
    return s, e


def dd_add(ah, al, bh, bl):
    """(ah + al) + (bh + bl) as a normalized double-double."""
    s, e = two_sum(ah, bh)
    e = e + (al + bl)
    hi = s + e
    return hi, e - (hi - s)


def dd_mul(ah, al, bh, bl):
    """(ah + al)(bh + bl) as a normalized double-double (|ah|, |bh| < 1e150)."""
    p, e = two_prod(ah, bh)
    e = e + (ah * bl + al * bh)
    hi = p + e
    return hi, e - (hi - p)


def _finish(hi, lo, k, b_hi: float, b_lo: float):
    """(hi + lo) 2^k + (b_hi + b_lo), rounded once; overflow gives the signed infinity."""
    with np.errstate(over="ignore"):
        big = np.ldexp(hi, k)
        small = np.ldexp(lo, k)  # may underflow: then it is far below big's ulp anyway
    with np.errstate(invalid="ignore"):  # inf - inf inside two_sum, replaced below
        s, e = two_sum(big, b_hi)
        out = s + (e + (small + b_lo))
    return np.where(np.isinf(big), big, out)


def affine(x: np.ndarray, a: float, b_hi: float, b_lo: float = 0.0) -> np.ndarray:
    """a*x + b rounded once (x finite or NaN): no cancellation error where the sum is small."""
    am, ea = math.frexp(a)
    xm, ex = np.frexp(x)
    p, pe = two_prod(am, xm)
    return _finish(p, pe, ex + ea, b_hi, b_lo)


def scaled_square_affine(x: np.ndarray, s: float, b: float) -> np.ndarray:
    """s*x² + b rounded once (x finite or NaN)."""
    sm, es = math.frexp(s)
    xm, ex = np.frexp(x)
    q, qe = two_prod(xm, xm)
    r, re = two_prod(sm, q)
    re += sm * qe
    return _finish(r, re, 2 * ex + es, b, 0.0)


def quotient(x: np.ndarray, b: float, low: float):
    """(q, ql) with q + ql = max(x/b, low) to ~2^-104 relative, for b > 0 and finite x.

    exp(x/b) amplifies the rounding of x/b by |x/b|; q + ql carries the lost bits.
    Where x/b < low (exp has underflowed there) q = low and ql = 0.
    """
    bm, eb = math.frexp(b)
    with np.errstate(over="ignore"):
        q = np.divide(x, b)
    np.maximum(q, low, out=q)
    inside = q > low  # where the clamp acted exp(low) is 0: no residual is needed
    with np.errstate(under="ignore"):
        xs = np.ldexp(x * inside, -eb)  # exact unless subnormal (then q is tiny anyway)
    p, pe = two_prod(q, bm)
    ql = ((xs - p) - pe) / bm
    ql *= inside
    return q, ql


# ------------------------------------------------------------------ exp in double-double
#
# exp(x) for x in [-40, 0] to ~2^-95: x = -a - b/1024 + r with integers a, b read off
# -1024 x (exact) and -1/1024 < r <= 0, so exp(x) = A[a] B[b] e^r with A[a] = e^-a and
# B[b] = e^(-b/1024) double-double tables and e^r = 1 + r + r²/2 + r³/6 + C: r² and r³/6 in
# double-double, C = r^4/24 + ... in float64 (C < 2^-44: its rounding is below 2^-96).

_E_M1 = (0.36787944117144233, -1.2428753672788363e-17)  # e^-1 as hi + lo
_E_STEP = (0.9990239141819757, -7.400282329795416e-18)  # e^(-1/1024) as hi + lo
EXP_DD_LOW = -40.0


def _powers(base: tuple[float, float], n: int) -> tuple[np.ndarray, np.ndarray]:
    """base^0 .. base^(n-1) as double-double arrays, by doubling (log2(n) vector steps)."""
    hi, lo = np.array([1.0]), np.array([0.0])
    ph, pl = base
    while hi.size < n:
        nh, nl = dd_mul(hi, lo, ph, pl)  # the next block: base^size times the block
        hi, lo = np.concatenate([hi, nh]), np.concatenate([lo, nl])
        ph, pl = dd_mul(np.array([ph]), np.array([pl]), np.array([ph]), np.array([pl]))
        ph, pl = float(ph[0]), float(pl[0])
    return hi[:n], lo[:n]


@functools.cache
def _exp_tables():
    return _powers(_E_M1, 41), _powers(_E_STEP, 1024)


def exp_dd(x: np.ndarray):
    """exp(x) - 1 as double-double (hi, lo), and exp(x) as (eh, el), for x in [-40, 0]."""
    (ah, al), (bh, bl) = _exp_tables()
    t = np.multiply(x, -1024.0)  # exact
    n = np.floor(t)
    r = (n - t) * (1 / 1024)  # exact (a fraction part): in (-1/1024, 0]
    n = np.nan_to_num(n, nan=0.0)
    ia = (n // 1024).astype(np.intp)
    ib = (n - ia * 1024).astype(np.intp)
    th, tl = dd_mul(ah[ia], al[ia], bh[ib], bl[ib])
    # e^r - 1 = r + r²/2 + r³/6 + C: r² and r³/6 in double-double, the rest float64
    r2, r2e = two_prod(r, r)
    r3, r3e = two_prod(r2, r)
    r3e += r2e * r
    c3 = r3 / 6
    p6, p6e = two_prod(c3, 6.0)
    c3e = ((r3 - p6) - p6e + r3e) / 6  # the quotient's remainder
    c = r2 * r2 * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040))))
    ph, pl = two_sum(r, r2 * 0.5)
    qh, ql = two_sum(ph, c3)
    ph, pl = two_sum(qh, ql + pl + r2e * 0.5 + c3e + c)
    # exp(x) = T (1 + P); exp(x) - 1 = (T - 1) + T P
    mh, ml = dd_mul(th, tl, ph, pl)
    eh, el = dd_add(th, tl, mh, ml)
    sh, sl = two_sum(th, -1.0)
    em1h, em1l = dd_add(sh, sl + tl, mh, ml)
    nan = np.isnan(x)
    return (np.where(nan, x, em1h), em1l), (np.where(nan, x, eh), el)
