"""Vectorized error function, normal CDF and normal PDF in pure NumPy.

Why this module exists: GELU-style activations need Φ and φ on large arrays, SciPy is not a
dependency, and the naive ``0.5 * erfc(-x / sqrt(2))`` loses about |x|² ulp in the lower tail
because the rounding error of ``x / sqrt(2)`` is amplified by the Gaussian.

Method (float64 throughout; float32/float16 inputs are computed in float64 and rounded once):

* ``erf``/``erfc`` port the fdlibm ``s_erf.c`` rational approximations (Sun Microsystems, 1993,
  freely redistributable; < 1 ulp there): ``|z| < 0.84375`` odd rational in z,
  ``[0.84375, 1.25)`` rational in ``|z| - 1`` and, for ``|z| >= 1.25``,
  ``erfc(z) = exp(-z² - 0.5625 + R/S(1/z²)) / z``.
* In that exponential, ``z²`` is split as ``zh² + (z - zh)(z + zh)`` with ``zh`` holding 26
  significant bits, so the large part ``-zh² - 0.5625`` is exact.  The argument is then reduced
  by k·ln 2 by hand (exactly, via Sterbenz) so that a single ``np.exp`` of an O(1) argument and
  an exact scaling by 2^k remain: large exponents never see a rounding error of order ulp(z²).
* For ``|z| < 0.84375`` erfc is ``(1 - z) - z·y`` with ``1 - z`` split exactly (Fast2Sum) and
  the rounding error of ``z²`` fed back through ``y'``; this is ~1 ulp better than fdlibm's
  own regrouping where erfc < 1/4.
* ``ndtr`` never rounds ``x/√2``: its tail is the same formula written in x
  (``Φ(-u) = exp(-u²/2 - 0.5625 + R/S(2/u²)) · √½ / u``, √½ folded into the reduction), and its
  centre evaluates the formulas above on ``x·√½`` kept as an unevaluated sum head + tail, whose
  head is combined exactly with the constants 1 or -1 before the tail is added.
* ``norm_pdf`` uses the same 26-bit split: ``exp(-uh²/2) · exp(-b) / √(2π)``, with the tiny
  ``exp(-b)`` done as a polynomial and 1/√(2π) as a double-double constant.
* Elements are routed to their region with comparisons; each region's polynomials then run
  on the compressed subset only, and the whole input is processed in cache-sized chunks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._fdlibm_erf import _DY, _ERX, _PA, _PP, _QA, _QQ, _RA, _RB, _SA, _SB
from .chunked import Workspace

__all__ = ["erf", "erfc", "ndtr", "norm_pdf"]

F64 = NDArray[np.float64]

# Region boundaries in the erf argument z (fdlibm's high-word tests, as doubles).
_Z_SMALL = 0.84375
_Z_MID = 1.25
_Z_SPLIT = 2.8571434020996094  # 0x4006DB6E00000000 ~ 1/0.35: switch from (RA, SA) to (RB, SB)
_Z_ERF_ONE = 6.0  # erf(z) rounds to ±1 from here on
_Z_ERFC_ZERO = 28.0  # erfc(z) underflows to 0 from here on
_U_ZERO = 40.0  # Φ(-40) ~ 4e-350 underflows; clamping here keeps u² far from overflow

# Double-double constants: value = HI + LO to ~106 bits.
_SQRT1_2_HI = 0.7071067811865476
_SQRT1_2_LO = -4.833646656726457e-17
_INV_SQRT_2PI_HI = 0.3989422804014327
_INV_SQRT_2PI_LO = -2.49232720227773e-17
# fdlibm's split of ln 2: LN2_HI has 32 significant bits, so k·LN2_HI is exact for |k| < 2^21.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.4426950408889634
# Adding 1.5·2^52 rounds to an integer and leaves that integer in the low mantissa bits.
_SHIFTER = 6755399441055744.0
_SHIFTER_BITS = 0x4338000000000000
# Scale by 2^k as 2^(k + _PRE) · 2^-_PRE: both factors are normal for the -1160 < k <= 0
# that occur here, and only the last product can round (when the result is subnormal).
_PRE = 200
_POST_SCALE = 2.0**-_PRE

# Clearing the low 27 mantissa bits leaves 26 significant bits (see _hi26).
_HI26_MASK = np.uint64(0xFFFF_FFFF_F800_0000)
# √½ = _SQRT1_2_H26 + _SQRT1_2_T (to ~2^-80) with a 26-bit head (0x1.6a09e6p-1), so that
# hi26(x) · head is exact.
_SQRT1_2_H26 = 0.7071067690849304
_SQRT1_2_T = 1.210161710447897e-08
# Elements per evaluation chunk (see _run).
_CHUNK = 1 << 16


# ---------------------------------------------------------------------------------------------
# Scratch memory: a Workspace's stack (see numerics/chunked.py)
# ---------------------------------------------------------------------------------------------
# Why: with NumPy's allocate-per-operation style every temporary of a few hundred KB is, under
# glibc's default thresholds, a fresh mmap that is page-faulted in and unmapped again; that
# alone made evaluation 4-5x slower.  So every kernel writes into buffers handed out by the
# workspace (out=...), which stay mapped and hot in cache.
_LOCAL = threading.local()


def _scratch(n: int) -> Workspace:
    """This thread's workspace, kept between calls so that its pages stay mapped and warm.

    At most _CHUNK float64s per buffer (~6 MB in all); small calls reuse a larger pool.
    """
    pool: Workspace | None = getattr(_LOCAL, "scratch", None)
    if pool is None or pool.size < min(n, _CHUNK):
        pool = _LOCAL.scratch = Workspace(min(n, _CHUNK))
    return pool


Kernel = Callable[[F64, F64, Workspace], None]
Region = Callable[[F64, Workspace], F64]


def _run(kernel: Kernel, x: ArrayLike) -> np.ndarray | np.floating:
    """Apply a float64 kernel chunk by chunk, keeping x's shape and narrow float dtype.

    Chunks keep the scratch buffers cache-sized.  float32/float16 chunks are computed in
    float64 and rounded once on the way out (well under 1 ulp of the narrow type).
    """
    a = np.asarray(x)
    if a.dtype.kind == "c":
        raise TypeError("complex input is not supported")
    narrow = a.dtype.kind == "f" and a.dtype.itemsize < 8
    src = a.reshape(-1)  # a view whenever possible
    direct = src.dtype == np.float64 and src.flags.c_contiguous
    out = np.empty(src.shape, dtype=a.dtype if narrow else np.float64)
    scratch = _scratch(src.size)
    with np.errstate(under="ignore"):  # underflow to subnormals/0 is the correct answer
        for start in range(0, src.size, _CHUNK):
            scratch.reset()
            part = src[start : start + _CHUNK]
            if not direct:
                chunk = scratch.like(part)
                chunk[...] = part  # converts ints, float32, ... to float64
                part = chunk
            dest = out[start : start + _CHUNK]
            if narrow:
                dest64 = scratch.like(part)
                kernel(part, dest64, scratch)
                dest[...] = dest64
            else:
                kernel(part, dest, scratch)
    out = out.reshape(a.shape)
    return out[()] if out.ndim == 0 else out


def _apply(out: F64, x: F64, mask: NDArray[np.bool_], fn: Region, s: Workspace) -> None:
    """out[mask] = fn(x[mask]).

    Index arrays instead of boolean indexing: with unpredictable masks NumPy's boolean
    gather/scatter (and np.where) branch per element and cost several times more.
    """
    idx = np.flatnonzero(mask)
    if idx.size:
        mark = s.mark()
        sub = np.take(x, idx, out=s.like(idx), mode="clip")  # "clip": no bounds-check buffer
        out[idx] = fn(sub, s)
        s.release(mark)


# ---------------------------------------------------------------------------------------------
# Building blocks.  Arguments are never written to unless documented; results are scratch.
# ---------------------------------------------------------------------------------------------
def _poly(x: F64, coeffs: Sequence[float], out: F64) -> F64:
    """Horner evaluation of sum(c[i] * x**i) into out."""
    np.multiply(x, coeffs[-1], out=out)
    out += coeffs[-2]
    for c in coeffs[-3::-1]:
        out *= x
        out += c
    return out


def _ratio(x: F64, num: Sequence[float], den: Sequence[float], s: Workspace) -> F64:
    p = _poly(x, num, s.like(x))
    p /= _poly(x, den, s.like(x))
    return p


def _hi26(v: F64, out: F64) -> F64:
    """v truncated to 26 significant bits (clear the low 27 mantissa bits)."""
    np.bitwise_and(v.view(np.uint64), _HI26_MASK, out=out.view(np.uint64))
    return out


def _exp_div(big: F64, small: F64, den: F64, s: Workspace, half: bool = False) -> F64:
    """exp(big + small) / den, times √½ if `half`; overwrites big and small, returns small.

    Requires big <= 0 exact, |small| < 0.3, den >= 1.  Rather than exp(big) * exp(small) (two
    exps and a product, ~3 roundings) reduce by hand:
    big + small - k·ln2 = (big - k·LN2_HI) + (small - k·LN2_LO), where the first difference
    is exact (Sterbenz), so only O(ulp(1)) rounding reaches exp; then scale by 2^k exactly.
    √½ = 2^-0.5 is folded in by using the half-integer multiple k + 1/2 of ln 2.
    """
    shift = 0.5 if half else 0.0
    t = np.multiply(big, _INV_LN2, out=s.like(big))
    t -= shift
    t += _SHIFTER  # t = SHIFTER + k with k = round(big/ln2 - shift)
    kf = np.subtract(t, _SHIFTER, out=s.like(big))
    kf += shift
    prod = np.multiply(kf, _LN2_LO, out=s.like(big))
    small -= prod
    np.multiply(kf, _LN2_HI, out=prod)
    big -= prod  # exact
    small += big
    np.exp(small, out=small)
    small /= den
    # 2^(k + _PRE) from t's low bits: k + _PRE + 1023 is the biased exponent.
    bits = t.view(np.int64)
    bits += _PRE + 1023 - _SHIFTER_BITS
    bits <<= 52
    small *= t  # t now holds 2^(k + _PRE)
    small *= _POST_SCALE  # the only rounding, and only if the result is subnormal
    return small


def _rs(w: F64, s: Workspace, near: bool) -> F64:
    """fdlibm's R/S(w), w = 1/z², approximating ln(z·erfc(z)) + z² + 0.5625."""
    return _ratio(w, _RA, _SA, s) if near else _ratio(w, _RB, _SB, s)


def _erfc_tail(a: F64, s: Workspace, near: bool) -> F64:
    """erfc(a) for 1.25 <= a <= 28 (`near`: a < 1/0.35)."""
    ah = _hi26(a, s.like(a))
    small = np.subtract(ah, a, out=s.like(a))
    tmp = np.add(ah, a, out=s.like(a))
    small *= tmp  # -a² = -ah² + (ah - a)(ah + a)
    np.multiply(a, a, out=tmp)
    np.divide(1.0, tmp, out=tmp)
    small += _rs(tmp, s, near)
    ah *= ah
    np.subtract(-0.5625, ah, out=ah)  # -ah² - 0.5625 exactly: ah² has <= 52 bits
    return _exp_div(ah, small, a, s)


def _ndtr_tail(u: F64, s: Workspace, near: bool) -> F64:
    """Φ(-u) for 1.7678 <= u <= 40, evaluated in u so that u/√2 is never rounded.

    With z = u/√2: Φ(-u) = erfc(z)/2 = exp(-u²/2 - 0.5625 + R/S(2/u²)) · √½ / u.
    """
    uh = _hi26(u, s.like(u))
    small = np.subtract(uh, u, out=s.like(u))
    tmp = np.add(uh, u, out=s.like(u))
    small *= tmp
    small *= 0.5
    np.multiply(u, u, out=tmp)
    np.divide(2.0, tmp, out=tmp)
    small += _rs(tmp, s, near)
    uh *= uh
    uh *= -0.5
    uh -= 0.5625  # exact
    return _exp_div(uh, small, u, s, half=True)


def _y_low(t_hi: F64, t_lo: F64, s: Workspace) -> F64:
    """fdlibm's y = P/Q(t) ~ erf(z)/z - 1 at t = z² given exactly as t_hi + t_lo.

    Near |z| = 0.84375 the rounding error of z² alone costs erfc up to ~0.6 ulp, so it is
    recovered exactly (Fast2Sum) and fed through y'(t); overwrites t_lo.
    """
    t = np.add(t_hi, t_lo, out=s.like(t_hi))
    dt = np.subtract(t_hi, t, out=s.like(t_hi))
    dt += t_lo
    y = _ratio(t, _PP, _QQ, s)
    dt *= _poly(t, _DY, t_lo)
    y += dt
    return y


def _pq_mid(z: F64, s: Workspace) -> F64:
    """erf(|z|) - erx for 0.84375 <= |z| < 1.25."""
    w = np.abs(z, out=s.like(z))
    w -= 1.0
    return _ratio(w, _PA, _QA, s)


# ---------------------------------------------------------------------------------------------
# Regions: each maps its subset of the input to results (a scratch buffer)
# ---------------------------------------------------------------------------------------------
def _erf_low(z: F64, s: Workspace) -> F64:
    """erf(z) for |z| < 0.84375 (or NaN): z + z·P/Q(z²)."""
    t = np.multiply(z, z, out=s.like(z))
    y = _ratio(t, _PP, _QQ, s)
    y *= z
    y += z
    return y


def _erf_mid(z: F64, s: Workspace) -> F64:
    pq = _pq_mid(z, s)
    pq += _ERX
    return np.copysign(pq, z, out=pq)


def _erf_tail(z: F64, s: Workspace, near: bool) -> F64:
    # Clamping at 6 (erf is already ±1 in float64 there) keeps inf out of the arithmetic.
    a = np.abs(z, out=s.like(z))
    np.minimum(a, _Z_ERF_ONE, out=a)
    q = _erfc_tail(a, s, near)
    np.subtract(1.0, q, out=q)
    return np.copysign(q, z, out=q)


def _erfc_low(z: F64, s: Workspace) -> F64:
    """erfc(z) for |z| < 0.84375 (or NaN): (1 - z) - z·y with 1 - z kept exact.

    hi + lo = 1 - z exactly (Fast2Sum, |z| < 1), so the only rounding of size ulp(result) is
    the final add; this beats fdlibm's 0.5 - (z·y + (z - 0.5)) by ~1 ulp when erfc < 1/4.
    """
    zh = _hi26(z, s.like(z))
    t_lo = np.subtract(z, zh, out=s.like(z))
    tmp = np.add(z, zh, out=s.like(z))
    t_lo *= tmp
    zh *= zh  # exact
    zy = _y_low(zh, t_lo, s)
    zy *= z
    hi = np.subtract(1.0, z, out=zh)
    lo = np.subtract(1.0, hi, out=tmp)
    lo -= z
    lo -= zy
    hi += lo
    return hi


def _erfc_mid(z: F64, s: Workspace) -> F64:
    """erfc(z) for 0.84375 <= |z| < 1.25: (1 ∓ erx) ∓ P/Q, where 1 ± erx is exact."""
    sign = np.copysign(1.0, z, out=s.like(z))
    pq = _pq_mid(z, s)
    pq *= sign
    sign *= -_ERX
    sign += 1.0
    sign -= pq
    return sign


def _erfc_signed_tail(z: F64, s: Workspace, near: bool) -> F64:
    a = np.abs(z, out=s.like(z))
    np.minimum(a, _Z_ERFC_ZERO, out=a)
    q = _erfc_tail(a, s, near)
    # z > 0: 0 + q;  z < 0: 2 - q.  Sign arithmetic instead of a branchy np.where.
    np.copysign(q, z, out=q)
    h = np.copysign(1.0, z, out=a)
    np.subtract(1.0, h, out=h)
    h += q
    return h


def _scaled_by_sqrt1_2(x: F64, s: Workspace) -> tuple[F64, F64]:
    """x·√½ as head + tail, head = hi26(x)·_SQRT1_2_H26 exact, |tail| <~ 2^-25·|head|.

    Working on this unevaluated sum lets the centre of ndtr combine the head exactly with
    1 or -1 instead of using the rounded product, whose error erfc's condition number (up to
    ~3.8 near |z| = 1.25) would amplify.
    """
    head = _hi26(x, s.like(x))
    tail = np.subtract(x, head, out=s.like(x))  # exact
    tail *= _SQRT1_2_H26  # exact: 27 x 26 bits
    tmp = np.multiply(x, _SQRT1_2_T, out=s.like(x))
    tail += tmp  # ~2^-27 relative to the head: its rounding is negligible
    head *= _SQRT1_2_H26
    return head, tail


def _ndtr_low(x: F64, s: Workspace) -> F64:
    """Φ(x) for |v| < 0.84375, v = x·√½ (or NaN): (1 + erf(v))/2 = (1 + v + v·y)/2.

    As in _erfc_low, 1 + head is split exactly into hi + lo (Fast2Sum), and the small
    terms lo + tail + v·y are added before the single rounding of size ulp(result).
    """
    head, tail = _scaled_by_sqrt1_2(x, s)
    xh = _hi26(x, s.like(x))
    t_lo = np.subtract(x, xh, out=s.like(x))
    tmp = np.add(x, xh, out=s.like(x))
    t_lo *= tmp
    t_lo *= 0.5
    xh *= xh
    xh *= 0.5  # v² = x²/2 = xh²/2 (exact) + t_lo
    vy = np.add(head, tail, out=tmp)
    vy *= _y_low(xh, t_lo, s)
    hi = np.add(1.0, head, out=xh)
    lo = np.subtract(1.0, hi, out=t_lo)
    lo += head
    lo += tail
    lo += vy
    hi += lo
    hi *= 0.5
    return hi


def _ndtr_mid(x: F64, s: Workspace) -> F64:
    """Φ(x) for 0.84375 <= |v| < 1.25: (1 ± erx ± P/Q(|v| - 1))/2 with |v| - 1 accurate."""
    head, tail = _scaled_by_sqrt1_2(x, s)
    np.abs(head, out=head)
    head -= 1.0  # exact (Sterbenz)
    head += np.abs(tail, out=tail)  # head and tail have the sign of x
    pq = _ratio(head, _PA, _QA, s)
    sign = np.copysign(1.0, x, out=head)
    pq *= sign
    sign *= _ERX
    sign += 1.0  # 1 ± erx is exact
    pq += sign
    pq *= 0.5
    return pq


def _ndtr_signed_tail(x: F64, s: Workspace, near: bool) -> F64:
    a = np.abs(x, out=s.like(x))
    np.minimum(a, _U_ZERO, out=a)
    q = _ndtr_tail(a, s, near)
    # x < 0: 0 + q;  x > 0: 1 - q.
    np.copysign(q, x, out=q)
    h = np.copysign(0.5, x, out=a)
    h += 0.5
    h -= q
    return h


# ---------------------------------------------------------------------------------------------
# float64 kernels on one contiguous chunk: route by comparisons, evaluate each region's subset
# ---------------------------------------------------------------------------------------------
def _route(
    x: F64, out: F64, s: Workspace, a: F64, low: Region, mid: Region, tail: Callable[..., F64]
) -> None:
    """Dispatch on a = |z| (the erf/erfc argument): fdlibm's four regions."""
    mid_up = np.greater_equal(a, _Z_SMALL, out=s.mask(a))
    is_tail = np.greater_equal(a, _Z_MID, out=s.mask(a))
    far = np.greater_equal(a, _Z_SPLIT, out=s.mask(a))
    region = np.logical_not(mid_up, out=s.mask(a))  # NaN compares False and lands here
    _apply(out, x, region, low, s)
    _apply(out, x, np.logical_xor(mid_up, is_tail, out=region), mid, s)
    _apply(out, x, np.logical_xor(is_tail, far, out=region), partial(tail, near=True), s)
    _apply(out, x, far, partial(tail, near=False), s)


def _erf64(x: F64, out: F64, s: Workspace) -> None:
    _route(x, out, s, np.abs(x, out=s.like(x)), _erf_low, _erf_mid, _erf_tail)


def _erfc64(x: F64, out: F64, s: Workspace) -> None:
    _route(x, out, s, np.abs(x, out=s.like(x)), _erfc_low, _erfc_mid, _erfc_signed_tail)


def _ndtr64(x: F64, out: F64, s: Workspace) -> None:
    # Route by |v|, v = x·√½ = -z (rounding v is harmless for routing only).
    av = np.multiply(x, _SQRT1_2_HI, out=s.like(x))
    np.abs(av, out=av)
    _route(x, out, s, av, _ndtr_low, _ndtr_mid, _ndtr_signed_tail)


def _norm_pdf64(x: F64, out: F64, s: Workspace) -> None:
    # φ(40) underflows to 0; the clamp keeps inf (and huge |x|) from overflowing u².
    u = np.abs(x, out=s.like(x))
    np.minimum(u, _U_ZERO, out=u)
    uh = _hi26(u, s.like(x))
    # φ(u) = exp(-uh²/2) · exp(-b) / √(2π) with b = (u - uh)(u + uh)/2 < 4e-5: a cubic Taylor
    # polynomial for 1 - exp(-b) is exact to < 1e-19 and far cheaper than a second exp.
    b = np.subtract(u, uh, out=s.like(x))
    u += uh
    b *= u
    b *= 0.5
    g = np.multiply(b, 1.0 / 6.0, out=u)
    g -= 0.5
    g *= b
    g += 1.0
    g *= b  # 1 - exp(-b)
    # Times the double-double 1/√(2π), so the constant adds no rounding of its own.
    g *= -_INV_SQRT_2PI_HI
    g += _INV_SQRT_2PI_LO
    g += _INV_SQRT_2PI_HI
    uh *= uh
    uh *= -0.5  # exact: uh² has <= 52 significant bits
    np.multiply(g, np.exp(uh, out=uh), out=out)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------
def erf(x: ArrayLike) -> np.ndarray | np.floating:
    """Error function erf(x), elementwise.

    float32/float16 in gives the same dtype out, anything else real gives float64.
    """
    return _run(_erf64, x)


def erfc(x: ArrayLike) -> np.ndarray | np.floating:
    """Complementary error function 1 - erf(x), relatively accurate until underflow."""
    return _run(_erfc64, x)


def ndtr(x: ArrayLike) -> np.ndarray | np.floating:
    """Standard normal CDF Φ(x) = erfc(-x/√2)/2, relatively accurate until underflow."""
    return _run(_ndtr64, x)


def norm_pdf(x: ArrayLike) -> np.ndarray | np.floating:
    """Standard normal density φ(x) = exp(-x²/2)/√(2π), relatively accurate until underflow."""
    return _run(_norm_pdf64, x)
