"""Small exact building blocks shared by kernels of several families.

Speed (see benchmarks/README.md): a NumPy pass over a cached chunk costs ~0.1 ns per
float32 element, while ``np.where``, masked ``copyto``, boolean indexing and ``np.heaviside``
cost 1-10 ns. So branches are written as arithmetic that is exact for both sides (``step_ceil``,
``blend``), scalars are cast to the working dtype first (``const``: a NumPy float64 scalar
would turn float32 work into float64), and constants are passed as chunk arrays
(``Workspace.full``) where NumPy's SIMD loops need both operands to be arrays.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .chunked import Workspace

_SPLIT = 134217729.0  # 2^27 + 1, Veltkamp's splitting constant


def const(x: np.ndarray, value) -> np.generic:
    """A scalar in x's dtype: float32 work stays float32."""
    return x.dtype.type(value)


def step_ceil(v: np.ndarray, out: np.ndarray, w: Workspace) -> np.ndarray:
    """out = 1 where v > 0, +0 where v <= 0 (v in [0, inf] or -0), NaN where v is NaN.

    ``ceil(min(v, 1))`` maps (0, inf] to 1 and keeps NaN; a final max with +0 turns the
    -0 that ceil keeps for v = -0 into +0 (NumPy's maximum returns the second operand on a
    tie), as PyTorch's gradients have it.
    """
    np.minimum(v, w.full(1, v), out=out)
    np.ceil(out, out=out)
    np.maximum(out, w.full(0, v), out=out)
    return out


def blend(h: np.ndarray, pos, neg, out: np.ndarray) -> np.ndarray:
    """out = h*pos + (1-h)*neg with h in {0, 1, NaN}: exact (no rounding) for both branches."""
    np.multiply(h, pos, out=out)
    out += (1 - h) * neg
    return out


def finite(x, dtype_like):
    """x clamped to the finite range, so x * 0 is 0 at the infinite limits, not NaN."""
    big = np.finfo(dtype_like.dtype).max
    return np.clip(x, -big, big)


def no_neg_inf(x, dtype_like):
    """x with -inf replaced by the most negative finite number (so -inf * 0 is not NaN)."""
    return np.maximum(x, -np.finfo(dtype_like.dtype).max)


def in_float64(body: Callable, x, value, grad, w: Workspace) -> None:
    """Run a float64 kernel ``body(x, value, grad)`` on a float32 chunk and round once.
    ``w`` is this helper's own scope (the body may use its caller's)."""
    x64 = w.buf(0, x, np.float64)
    np.copyto(x64, x)
    v64 = w.buf(1, x, np.float64)
    g64 = None if grad is None else w.buf(2, x, np.float64)
    body(x64, v64, g64)
    with np.errstate(over="ignore"):  # beyond float32's max, inf is the exact rounding
        np.copyto(value, v64, casting="same_kind")
        if grad is not None:
            np.copyto(grad, g64, casting="same_kind")


def two_prod(a, b):
    """a*b = p + e exactly (Dekker): NumPy has no fma. Needs |a|, |b| < 1e150."""
    p = a * b
    ah = a * _SPLIT
    ah -= ah - a
    bh = b * _SPLIT
    bh -= bh - b
    al, bl = a - ah, b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl
