"""Cache-blocked evaluation shared by every variant.

A kernel works on one chunk at a time, so its temporaries stay in cache and no full-size
temporary is ever allocated: memory is the input plus the outputs plus a few chunks. The
temporaries themselves come from a :class:`Workspace` that lives for one ``evaluate`` call,
so a chunk costs no allocation and no page faults, only arithmetic.

Measured on the reference machine (2 cores, 1 MiB L2 each; see benchmarks/README.md): the
per-call overhead of a NumPy ufunc (about a microsecond) is paid once per chunk and pass, so
chunks below ~2^14 elements lose to overhead; much larger chunks no longer keep a kernel's
temporaries in L2. 2^16 float32 elements (256 KiB per array) was best, 2^15 for float64.
Kernels marked ``streaming`` (three to six passes and no temporaries beyond one chunk, the
piecewise-linear ones) were best at twice that: their few passes pay the per-call overhead
more often per byte, and there is little to keep in L2.
"""

from __future__ import annotations

import numpy as np

from .registry import Kernel, KernelArgs

# Elements per float32 chunk (float64 work uses half as many, the same bytes); tuned with
# `python benchmarks/kernels.py --chunks`.
CHUNK = 1 << 16
STREAMING_CHUNK = 1 << 17


class Workspace:
    """Chunk-sized scratch arrays, allocated once and reused by every chunk of one call.

    ``buf(slot, like, dtype)`` returns an array shaped like ``like`` backed by the slot's
    buffer; two different slots never share memory, the same slot always does. ``full``
    returns a read-only chunk of one constant (NumPy's binary ufuncs run their fast SIMD
    loops only when both operands are arrays: ``np.maximum(x, zeros)`` is about three times
    faster than ``np.maximum(x, 0)``). Views are cached by shape, because at 2^15 elements a
    microsecond of Python per call is already a tenth of the arithmetic.
    """

    def __init__(self, size: int = CHUNK):
        self.size = size
        self._views: dict[tuple, np.ndarray] = {}

    def buf(self, slot: int, like: np.ndarray, dtype=None) -> np.ndarray:
        key = (slot, like.dtype if dtype is None else dtype, like.shape)
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = self._make(slot, like, key[1], None)
        return view

    def full(self, value: float, like: np.ndarray, dtype=None) -> np.ndarray:
        key = ("full", value, like.dtype if dtype is None else dtype, like.shape)
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = self._make(("full", value), like, key[2], value)
        return view

    def _make(self, slot, like: np.ndarray, dtype, value) -> np.ndarray:
        base_key = ("base", slot, np.dtype(dtype).str)
        flat = self._views.get(base_key)
        if flat is None or flat.size < like.size:
            flat = np.empty(max(like.size, self.size), dtype)
            if value is not None:
                flat.fill(value)
                flat.flags.writeable = False
            self._views[base_key] = flat
        return flat[: like.size].reshape(like.shape)


def workspace(a: KernelArgs) -> Workspace:
    """The call's workspace; a kernel called directly (no ``evaluate``) gets a fresh one."""
    work = getattr(a, "work", None)
    if work is None:
        work = Workspace(0)
    return work


def working_dtype(x: np.ndarray) -> np.dtype:
    """float32 stays float32; everything else (ints, float16, bool) is computed in float64."""
    return np.dtype(np.float32) if x.dtype == np.float32 else np.dtype(np.float64)


def evaluate(
    kernel: Kernel,
    x,
    make_args,
    want_grad: bool = True,
    out: tuple[np.ndarray | None, np.ndarray | None] | None = None,
    upcast_float32: bool = False,
    chunk: int | None = None,
    want_value: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Run ``kernel`` over ``x`` chunk by chunk and return (value, grad) shaped like x.

    Without ``want_value`` (the gradient alone) the value goes to one chunk of scratch and
    None is returned in its place: no full-size array is allocated for it.

    ``make_args(dtype)`` builds the kernel's arguments for the dtype it computes in. With
    ``upcast_float32`` a float32 chunk is computed in float64 and rounded once at the end,
    which keeps transcendental variants within a float32 ulp of the exact result; a kernel
    marked ``float32_native`` (see variants.py) has its own float32 path of that accuracy
    and is never upcast. Results do not depend on ``chunk`` (default: ``CHUNK`` float32
    elements, half as many float64): every kernel is elementwise.
    """
    x = np.asarray(x)
    dtype = working_dtype(x)
    flat = np.ascontiguousarray(x, dtype=dtype).reshape(-1)
    value_out, grad_out = out if out is not None else (None, None)
    value = _output(value_out, x.shape, dtype) if want_value else None
    grad = _output(grad_out, x.shape, dtype) if want_grad else None
    grad_flat = grad.reshape(-1) if grad is not None else None

    upcast = upcast_float32 and dtype == np.float32 and not getattr(kernel, "float32_native", 0)
    compute = np.dtype(np.float64) if upcast else dtype
    if chunk is None:
        chunk = STREAMING_CHUNK if getattr(kernel, "streaming", False) else CHUNK
        chunk = chunk if compute == np.float32 else chunk // 2
    chunk = max(1, min(chunk, flat.size))
    args = make_args(compute)
    args.work = Workspace(chunk)
    value_flat = value.reshape(-1) if value is not None else np.empty(chunk, dtype)
    if upcast:
        # float64 copies of one chunk, reused: computing in float64 and rounding once.
        xw, vw, gw = (np.empty(chunk) for _ in range(3))
    for start in range(0, flat.size, chunk):
        stop = min(start + chunk, flat.size)
        xs = flat[start:stop]
        vs = value_flat[start:stop] if value is not None else value_flat[: stop - start]
        gs = grad_flat[start:stop] if grad_flat is not None else None
        if not upcast:
            kernel(xs, vs, gs, args)
            continue
        n = stop - start
        xc, vc = xw[:n], vw[:n]
        gc = gw[:n] if gs is not None else None
        np.copyto(xc, xs)
        kernel(xc, vc, gc, args)
        with np.errstate(over="ignore"):  # beyond float32's max, inf is the exact rounding
            if value is not None:
                np.copyto(vs, vc, casting="same_kind")
            if gs is not None:
                np.copyto(gs, gc, casting="same_kind")
    return value, grad


def _output(given: np.ndarray | None, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    if given is None:
        return np.empty(shape, dtype)
    if given.shape != shape or given.dtype != dtype or not given.flags.c_contiguous:
        raise ValueError(
            f"out= array must be C-contiguous {dtype} of shape {shape},"
            f" got {given.dtype} of shape {given.shape}"
        )
    return given


__all__ = [
    "CHUNK",
    "STREAMING_CHUNK",
    "KernelArgs",
    "Workspace",
    "evaluate",
    "working_dtype",
    "workspace",
]
