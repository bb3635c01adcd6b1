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
    "EXP_DD_LOW",
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


def _finish(hi, lo, k, b_hi: float, b_lo: float, b_lo2: float = 0.0):
    """(hi + lo) 2^k + (b_hi + b_lo + b_lo2), rounded once; overflow gives the signed
    infinity."""
    with np.errstate(over="ignore"):
        big = np.ldexp(hi, k)
        small = np.ldexp(lo, k)  # may underflow: then it is far below big's ulp anyway
    with np.errstate(invalid="ignore"):  # inf - inf inside two_sum, replaced below
        # Four terms: the two large ones may cancel, and then the two small ones may cancel
        # what is left (at the floats next to a zero of the sum), so both pairs are exact.
        s, e = two_sum(big, b_hi)
        t, f = two_sum(small, b_lo)
        f += b_lo2
        u, v = two_sum(s, t)
        out = u + (v + (e + f))
    return np.where(np.isinf(big), big, out)


def affine(x: np.ndarray, a: float, b: tuple[float, ...]) -> np.ndarray:
    """a*x + b rounded once (x finite or NaN), b = b_hi + b_lo (+ b_lo2) given to 159 bits
    (SReLU's (1 - a) t needs up to ~110): no cancellation error where the sum is small."""
    am, ea = math.frexp(a)
    xm, ex = np.frexp(x)
    p, pe = two_prod(am, xm)
    return _finish(p, pe, ex + ea, *b)


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
# exp(x) for x in [-40, 0]: x = -a - b/1024 + r with integers a, b read off -1024 x (exact)
# and -1/1024 < r <= 0, so exp(x) = A[a] B[b] e^r with A[a] = e^-a and B[b] = e^(-b/1024)
# double-double tables (from the decimal module at 45 digits, so they are exact to 2^-106)
# and e^r = 1 + P, P = r + r²/2 + r³/6 + r^4/24 + C: the powers in double-double, C =
# r^5/120 + ... + r^10/10! in float64 (C < 2^-36 of F = P - r: its rounding is below 2^-89).
#
# exp(x) - 1 - x (xIELU's negative side, ~x²/2 for small x) is formed without cancellation
# for |x| < 1: with G[b] = B[b] - 1 + b/1024 tabulated too, it is the sum of three
# non-negative terms G[b] + (B[b] - 1) P + (P - r).

EXP_DD_LOW = -40.0


def _split(value) -> tuple[float, float]:
    hi = float(value)
    return hi, float(value - type(value)(hi))


@functools.cache
def _exp_tables():
    """(A, B, G) as (hi, lo) float64 array pairs."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 45
        a = [_split((-Decimal(i)).exp()) for i in range(41)]
        steps = [(-Decimal(j) / 1024).exp() for j in range(1024)]
        b = [_split(e) for e in steps]
        g = [_split(e - 1 + Decimal(j) / 1024) for j, e in enumerate(steps)]
    return tuple(tuple(np.array(col) for col in zip(*t)) for t in (a, b, g))


def exp_dd(x: np.ndarray):
    """exp(x) - 1, exp(x) and exp(x) - 1 - x as double-doubles (hi, lo), for x in [-40, 0]
    (NaN gives NaN): relative errors below about 2^-98, 2^-104 and 2^-88."""
    (ah, al), (bh, bl), (gh, gl) = _exp_tables()
    t = np.multiply(x, -1024.0)  # exact
    n = np.floor(t)
    r = (n - t) * (1 / 1024)  # exact (a fraction part): in (-1/1024, 0]
    n = np.nan_to_num(n, nan=0.0)
    ia = (n // 1024).astype(np.intp)
    ib = (n - ia * 1024).astype(np.intp)
    th, tl = dd_mul(ah[ia], al[ia], bh[ib], bl[ib])
    # P = e^r - 1 = r + F, F = r²/2 + r³/6 + r^4/24 + C
    r2, r2e = two_prod(r, r)
    r3, r3e = two_prod(r2, r)
    r3e += r2e * r
    c3 = r3 / 6
    p6, p6e = two_prod(c3, 6.0)
    c3e = ((r3 - p6) - p6e + r3e) / 6  # the quotient's remainder
    r4, r4e = two_prod(r2, r2)
    r4e += 2 * r2 * r2e
    c4 = r4 / 24
    p24, p24e = two_prod(c4, 24.0)
    c4e = ((r4 - p24) - p24e + r4e) / 24
    c = 1 / 40320 + r * (1 / 362880 + r * (1 / 3628800))  # to r^10: below 2^-100 of F
    c = r4 * r * (1 / 120 + r * (1 / 720 + r * (1 / 5040 + r * c)))
    fh, fl = two_sum(r2 * 0.5, c3)
    gh_, gl_ = two_sum(fh, c4)
    fh, fl = two_sum(gh_, gl_ + fl + (r2e * 0.5 + c3e + c4e + c))
    ph, pl = two_sum(r, fh)
    ph, pl = two_sum(ph, pl + fl)
    # exp(x) = T (1 + P); exp(x) - 1 = (T - 1) + T P
    mh, ml = dd_mul(th, tl, ph, pl)
    eh, el = dd_add(th, tl, mh, ml)
    near = ia == 0  # |x| < 1: T - 1 = G - b/1024 keeps T's small distance from 1 exact
    sh, sl = two_sum(np.where(near, gh[ib], th), np.where(near, -ib / 1024, -1.0))
    sl += np.where(near, gl[ib], tl)
    em1h, em1l = dd_add(sh, sl, mh, ml)
    # exp(x) - 1 - x = G + (T - 1) P + F for |x| < 1 (all >= 0), else expm1 - x (>= 0.36)
    uh, ul = dd_mul(sh, sl, ph, pl)
    vh, vl = dd_add(gh[ib], gl[ib], uh, ul)
    vh, vl = dd_add(vh, vl, fh, fl)
    dh, dl = two_sum(em1h, -x)
    dl += em1l
    dh, dl = two_sum(dh, dl)
    dh, dl = np.where(near, vh, dh), np.where(near, vl, dl)
    nan = np.isnan(x)
    return (np.where(nan, x, em1h), em1l), (np.where(nan, x, eh), el), (np.where(nan, x, dh), dl)
