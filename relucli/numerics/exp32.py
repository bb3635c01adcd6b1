"""float32 exponentials from tables: NumPy's float32 ``np.exp`` is 2.5 ulp off and, except
on AVX-512 builds (numerics/exp_path.py), has no fast expm1; its float64 ones cost 5-12 ns
per element.

Two table families, each a helper that receives its own workspace scope and returns what it
computes:

* ``exp_parts_mixed``: float64 exp/expm1 of float32 arguments to ~1e-9 relative, for the
  smooth variants that go on in float64 and round once (SiLU, Mish, softplus, sigmoid, tanh).
* ``exp_grid32``: c*exp and c*expm1 in float32 within ~2 ulp, for ELU, SELU and CELU.
"""

from __future__ import annotations

import functools

import numpy as np

from .chunked import Workspace

# ------------------------------------------- float64 exp and expm1 tables for float32 inputs
#
# as float64 (they go on in float64 and round once). With j = floor(-128 m) and
# r = m + j/128 in (-1/128, 0]: exp(m) = T (1 + q), expm1(m) = (T - 1) + T q, T = exp(-j/128)
# and T - 1 from float64 tables, q = expm1(r) = r + r^2/2 + r^3/6 in float32 (truncation
# < 2e-8 relative, times |q| < 1/128). -128 m and its fraction are exact. j reaches the table
# as the low bits of j + 1.5*2^23 (no float-to-int cast, so a NaN cannot warn: it picks a
# clipped entry and flows on through r). ELU, SELU and CELU have their own float32 tables
# (below), which need no float64 work.

_EXP_STEPS = 128
EXP_LOW = -104.0  # exp(-104) is below half the smallest float32 subnormal: rounds to 0
MAGIC = 1.5 * 2**23  # j + MAGIC has j in its low mantissa bits (|j| < 2^22)
MAGIC_BITS = int(np.array(MAGIC, np.float32).view(np.int32))
_Q1 = -1 / _EXP_STEPS  # q = u (Q1 + u (Q2 + u Q3)) with u = -128 r in [0, 1)
_Q2 = 1 / (2 * _EXP_STEPS**2)
_Q3 = -1 / (6 * _EXP_STEPS**3)


EXP_HIGH = 110.0  # tables run to 110: beyond, every float32 result built on exp underflows


@functools.cache
def exp_tables64() -> tuple[np.ndarray, np.ndarray]:
    """exp(-j/128) - 1 and exp(-j/128) in float64, j = 0 .. 14080; the last entry, where
    clamped inputs (down to -inf) land, is the limit: -1 and 0."""
    m = -np.arange(0, EXP_HIGH * _EXP_STEPS + 1) / _EXP_STEPS
    em1, e = np.expm1(m), np.exp(m)
    em1[-1], e[-1] = -1.0, 0.0
    return em1, e


def _exp_index32(m, w: Workspace) -> tuple[np.ndarray, np.ndarray]:
    """(idx, q) for float32 m in [-110, 0] or NaN: exp(m) = T[idx] (1 + q); idx as np.intp
    (np.take converts int32 on every call; for two tables, converting once is cheaper)."""
    t = np.multiply(m, -_EXP_STEPS, out=w.buf(0, m))  # exact, >= 0
    j = np.floor(t, out=w.buf(1, m))
    bits = np.add(j, MAGIC, out=w.buf(2, m)).view(np.int32)
    idx = np.subtract(bits, MAGIC_BITS, out=w.buf(3, m, np.intp))
    u = np.subtract(t, j, out=t)  # -128 r, exact
    q = np.multiply(u, _Q3, out=j)
    q += _Q2
    q *= u
    q += _Q1
    q *= u
    return idx, q


def exp_parts_mixed(m, em1, e, w: Workspace) -> tuple[np.ndarray, np.ndarray | None]:
    """expm1(m) into ``em1`` and exp(m) into ``e`` (float64 arrays, either may be None) for
    float32 m in [-110, 0] or NaN: within ~1e-9 relative (q's float32 rounding times
    |q| < 1/128), never subnormal, so float32 results built from them round once.

    Returns (idx, T): the table index and, when ``e`` was asked for, T = exp(-j/128) with
    exp(m) = T (1 + q) (softplus continues from both); they live in ``w`` until the next call.
    """
    table_m1, table = exp_tables64()
    idx, q = _exp_index32(m, w)
    big = None
    if em1 is not None:
        tm1 = table_m1.take(idx, out=w.buf(4, m, np.float64), mode="clip")
        big = np.add(tm1, 1, out=w.buf(5, m, np.float64))
        big *= q
        np.add(tm1, big, out=em1)
        big = None
    if e is not None:
        big = table.take(idx, out=w.buf(5, m, np.float64), mode="clip")
        np.multiply(big, q, out=e)
        e += big
    return idx, big


# ------------------------------------------- ELU, SELU and CELU in float32: one grid, two tables
#
# m = clip(x, -104, 0) is rounded to the grid of 2^-11 by adding 1.5*2^12: the float32 sum
# keeps 11 fractional bits, so the addition itself rounds, and the grid index j can be read
# off the sum's bits (no float-to-int cast, so NaN cannot warn: its index is clipped and
# NaN flows on through r). r = m - mq is exact and |r| <= 2^-12. With E = c exp(mq) and
# M = c expm1(mq) from float32 tables, the variant's coefficient c folded in,
#     c exp(m) = E + E q,   c expm1(m) = M + E q,   q = expm1(r) = r (1 + r/2)
# (r^3/6 < 2^-38 is dropped). Max error over every float32 in [-104, 0] against float64
# (benchmarks/elu32.py --exhaustive): ELU 1.83 ulp (value, near x = -2.5e-4) and 1.31
# (gradient), SELU 2.05 and 1.40 with its constants rounded to float32 as PyTorch rounds
# them. Twelve cheap passes and two gathers, a third fewer than the 2^-7 grid and cubic
# above; 1.4x faster. M[0] is -0 so that expm1(-0) = -0. These tables are the "table" path
# of numerics/exp_path.py: where NumPy's own float32 exp/expm1 are vectorised (AVX-512
# builds), ELU and CELU at alpha = 1 and SELU use those instead.

_GRID_BITS = 11
_GRID_MAGIC = np.float32(1.5 * 2.0 ** (23 - _GRID_BITS))
_GRID_MAGIC_BITS = int(_GRID_MAGIC.view(np.int32))


@functools.lru_cache(maxsize=8)
def _grid_tables(coef: float) -> tuple[np.ndarray, np.ndarray]:
    """(c expm1(-j/2^11), c exp(-j/2^11)) in float32, j = 0 .. 104*2^11 (1.7 MB); the
    last entry, where clamped inputs land, is the limit -c and 0."""
    m = -np.arange(int(-EXP_LOW) * 2**_GRID_BITS + 1) / 2**_GRID_BITS  # exact
    e = np.exp(m)
    # Below m = -1, e - 1 in float64 is 1e-16 relative, far inside a float32 rounding, and
    # much cheaper than expm1: the tables take ~10 ms to build, once per coefficient.
    em1 = e - 1
    em1[: 2**_GRID_BITS] = np.expm1(m[: 2**_GRID_BITS])
    em1 *= coef
    e *= coef
    em1[0], em1[-1], e[-1] = -0.0, -coef, 0.0
    return em1.astype(np.float32), e.astype(np.float32)


def exp_grid32(x, em1, e, coef, w: Workspace) -> None:
    """c expm1(min(x, 0)) into ``em1`` and c exp(min(x, 0)) into ``e`` (either may be None)
    for float32 x, where c is the float32 ``coef``."""
    table_m1, table = _grid_tables(float(coef))
    m = np.clip(x, EXP_LOW, 0, out=w.buf(0, x))  # NaN stays NaN
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
