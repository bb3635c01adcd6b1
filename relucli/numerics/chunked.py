"""Cache-blocked evaluation shared by every variant, and the one scratch mechanism.

A kernel works on one chunk at a time, so its temporaries stay in cache and no full-size
temporary is ever allocated: memory is the input plus the outputs plus a few chunks. The
temporaries come from a :class:`Workspace` that ``evaluate`` hands to the kernel as an
explicit argument, so a chunk costs no allocation and no page faults, only arithmetic.

The workspace outlives the call: each thread keeps its own (``_borrow``/``_give_back``), so
a call on 10^5 elements no longer pays for mapping and faulting in a few dozen fresh
chunk-sized buffers (1,568 page faults per float32 SiLU call, 5.3x its arithmetic). A
thread never shares its scratch with another, and a call nested inside a kernel (same
thread) borrows a second workspace rather than the one in use. Memory stays bounded: one or
two workspaces per thread, each a few dozen chunk-sized arrays.

Measured on the reference machine (2 cores, 1 MiB L2 each; see benchmarks/README.md): the
per-call overhead of a NumPy ufunc (about a microsecond) is paid once per chunk and pass, so
chunks below ~2^14 elements lose to overhead; much larger chunks no longer keep a kernel's
temporaries in L2. 2^16 float32 elements (256 KiB per array) was best, 2^15 for float64.
Kernels marked ``streaming`` (three to six passes and no temporaries beyond one chunk, the
piecewise-linear ones) were best at twice that: their few passes pay the per-call overhead
more often per byte, and there is little to keep in L2.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

# Elements per float32 chunk (float64 work uses half as many, the same bytes); tuned with
# `python benchmarks/kernels.py --chunks`.
CHUNK = 1 << 16
STREAMING_CHUNK = 1 << 17


class Workspace:
    """Chunk-sized scratch arrays, allocated once and reused by every chunk of one call.

    Two ways to take memory, both from the same pool of chunk-sized buffers:

    * ``buf(slot, like, dtype)``: an array shaped like ``like`` backed by the slot's buffer
      (kernels, whose set of temporaries is fixed). Two different slots never share memory,
      the same slot always does. Views are cached by shape, because at 2^15 elements a
      microsecond of Python per call is already a tenth of the arithmetic.
    * ``like(x)`` / ``mask(x)`` with ``mark``/``release``/``reset``: a stack, for code whose
      number of live temporaries depends on the data (the special functions' regions).

    ``scope(name)`` is a child workspace with its own slots: a helper receives the scope it
    may use, so no helper can overwrite, or rely on, another's buffers; it returns what it
    computed (arrays in its scope, valid until its next call). ``full`` returns a read-only
    chunk of one constant, shared by all scopes (NumPy's binary ufuncs run their fast SIMD
    loops only when both operands are arrays: ``np.maximum(x, zeros)`` is about three times
    faster than ``np.maximum(x, 0)``).
    """

    # Views are cached by shape; a workspace kept across calls sees the last chunk's shape of
    # every input size it meets, so the caches are emptied when they grow past this.
    MAX_VIEWS = 256
    # Constant chunks are keyed by value, and some values are parameters (softplus's
    # threshold): a sweep over them would keep one chunk per value. Past this many they
    # are all dropped (at most ~32 MB), and rebuilt as used.
    MAX_CONSTS = 64

    def __init__(self, size: int = CHUNK, _consts: tuple[dict, dict] | None = None):
        self.size = size
        self._views: dict[tuple, np.ndarray] = {}
        self._bases: dict[tuple, np.ndarray] = {}
        # (views, bases) of the read-only constants, shared by every scope.
        self._consts: tuple[dict, dict] = ({}, {}) if _consts is None else _consts
        self._scopes: dict[str, Workspace] = {}
        self._stack: list[np.ndarray] = []
        self._masks: list[np.ndarray] = []
        self._nf = self._nm = 0

    # ------------------------------------------------------------- named slots
    def buf(self, slot: int, like: np.ndarray, dtype=None) -> np.ndarray:
        key = (slot, like.dtype if dtype is None else dtype, like.shape)
        view = self._views.get(key)
        if view is None:
            if len(self._views) >= self.MAX_VIEWS:
                self._views.clear()
            view = self._views[key] = self._make(self._bases, slot, like, key[1], None)
        return view

    def full(self, value: float, like: np.ndarray, dtype=None) -> np.ndarray:
        key = (value, like.dtype if dtype is None else dtype, like.shape)
        views, bases = self._consts
        view = views.get(key)
        if view is None:
            if len(views) >= self.MAX_VIEWS or len(bases) >= self.MAX_CONSTS:
                views.clear()
                bases.clear()
            view = views[key] = self._make(bases, value, like, key[1], value)
        return view

    def scope(self, name: str) -> Workspace:
        """The child workspace ``name``: slots of its own, constants shared."""
        child = self._scopes.get(name)
        if child is None:
            child = self._scopes[name] = Workspace(self.size, self._consts)
        return child

    def _make(self, bases: dict, slot, like: np.ndarray, dtype, value) -> np.ndarray:
        base_key = (slot, np.dtype(dtype).str)
        flat = bases.get(base_key)
        if flat is None or flat.size < like.size:
            if flat is not None:
                # Grown: cached views of the old buffer would keep it alive. Views already
                # handed out stay valid (they hold their own reference).
                (self._consts[0] if value is not None else self._views).clear()
            flat = np.empty(max(like.size, self.size), dtype)
            if value is not None:
                flat.fill(value)
                flat.flags.writeable = False
            bases[base_key] = flat
        return flat[: like.size].reshape(like.shape)

    # ------------------------------------------------------------------ a stack
    def like(self, x: np.ndarray) -> np.ndarray:
        """A 1-D float64 buffer with x's length (contents undefined), until released."""
        self._nf = self._push(self._stack, self._nf, x.size, np.float64)
        return self._stack[self._nf - 1][: x.size]

    def mask(self, x: np.ndarray) -> np.ndarray:
        """A 1-D boolean buffer with x's length; masks live until the next reset."""
        self._nm = self._push(self._masks, self._nm, x.size, np.bool_)
        return self._masks[self._nm - 1][: x.size]

    def _push(self, pool: list[np.ndarray], used: int, n: int, dtype) -> int:
        # Views are not cached here: subset sizes vary from chunk to chunk.
        if used == len(pool):
            pool.append(np.empty(max(n, self.size), dtype))
        elif pool[used].size < n:
            pool[used] = np.empty(n, dtype)
        return used + 1

    def mark(self) -> int:
        return self._nf

    def release(self, mark: int) -> None:
        """Hand back every float buffer obtained since ``mark``."""
        self._nf = mark

    def reset(self) -> None:
        self._nf = self._nm = 0


class KernelArgs:
    """What a kernel receives besides its arrays and workspace: parameters cast to the
    working dtype, the gradient convention at kinks, and for stochastic (training-mode)
    variants a random generator."""

    def __init__(self, params: dict[str, Any], dtype: np.dtype, jax: bool, rng=None):
        dtype = np.dtype(dtype)
        # The parameters as given (float64): a float32 kernel that computes in float64 uses
        # these, so a parameter like 1.702 is not first rounded to float32 (CELU's x/alpha,
        # softplus's beta*x: exp would amplify that rounding).
        self.exact = dict(params)
        # False when a float parameter has no float32 counterpart (1e39 overflows, 1e-50
        # flushes to 0, 1e-40 keeps few bits): then evaluate() runs the float64 kernel on
        # float32 chunks and rounds once, rather than compute with inf or 0 (NaN, warnings).
        self.fits = True
        with np.errstate(over="ignore", under="ignore"):
            for name, value in params.items():
                # A NumPy float64 scalar would silently promote float32 work to float64.
                cast = dtype.type(value) if isinstance(value, float) else value
                if isinstance(value, float) and value != 0 and math.isfinite(value):
                    self.fits &= bool(np.isfinite(cast)) and abs(cast) >= np.finfo(dtype).tiny
                setattr(self, name, cast)
        self.jax = jax
        self.rng = rng


class Kernel(Protocol):
    def __call__(
        self,
        x: np.ndarray,
        value: np.ndarray,
        grad: np.ndarray | None,
        a: KernelArgs,
        w: Workspace,
    ) -> None: ...


def streaming(kernel: Kernel) -> Kernel:
    """Mark a kernel of a few passes with no temporaries to speak of: it runs in larger
    chunks (``STREAMING_CHUNK``)."""
    kernel.streaming = True  # type: ignore[attr-defined]
    return kernel


def working_dtype(x: np.ndarray) -> np.dtype:
    """float32 stays float32; everything else (ints, float16, bool) is computed in float64."""
    return np.dtype(np.float32) if x.dtype == np.float32 else np.dtype(np.float64)


def evaluate(
    kernel: Kernel,
    x,
    make_args: Callable[[np.dtype], KernelArgs],
    want_grad: bool = True,
    out: tuple[np.ndarray | None, np.ndarray | None] | None = None,
    chunk: int | None = None,
    want_value: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Run ``kernel`` over ``x`` chunk by chunk and return (value, grad) shaped like x.

    Without ``want_value`` (the gradient alone) the value goes to one chunk of scratch and
    None is returned in its place: no full-size array is allocated for it.

    ``make_args(dtype)`` builds the kernel's arguments for the dtype it computes in (float32
    for float32 input: every kernel has its own float32 path of full accuracy). Results do
    not depend on ``chunk`` (default: ``CHUNK`` float32 elements, half as many float64):
    every kernel is elementwise.
    """
    x = np.asarray(x)
    dtype = working_dtype(x)
    flat = np.ascontiguousarray(x, dtype=dtype).reshape(-1)
    value_out, grad_out = out if out is not None else (None, None)
    if value_out is not None and grad_out is not None and np.shares_memory(value_out, grad_out):
        raise ValueError("out=: the value and the gradient need two separate arrays")
    value = _output(value_out, x.shape, dtype) if want_value else None
    grad = _output(grad_out, x.shape, dtype) if want_grad else None
    grad_flat = grad.reshape(-1) if grad is not None else None
    # An output that shares memory with the input (act(x, out=x)): kernels write their
    # outputs while still reading x, so each chunk of x is first copied to scratch. If the
    # overlap is not element for element (a shifted view), writing one chunk could change
    # later chunks of x before they are read: then x is copied whole, once.
    aliased = [o for o in (value, grad) if o is not None and np.shares_memory(o, flat)]
    copy_chunks = bool(aliased)
    if any(not _same_elements(o, flat) for o in aliased):
        flat, copy_chunks = flat.copy(), False

    if chunk is None:
        chunk = chunk_for(kernel, dtype)
    chunk = max(1, min(chunk, flat.size))
    args = make_args(dtype)
    if dtype == np.float32 and not args.fits:
        kernel = _in_float64(kernel, make_args(np.dtype(np.float64)))
    # A chunk larger than the kernels' own (a caller's choice) gets scratch of its own that
    # is not kept: kept workspaces hold chunk-sized buffers only.
    work = _borrow() if chunk <= STREAMING_CHUNK else Workspace(chunk)
    try:
        own = work.scope("evaluate")
        value_flat = value.reshape(-1) if value is not None else own.buf(0, flat[:chunk])
        x_copy = own.buf(1, flat[:chunk]) if copy_chunks else None
        for start in range(0, flat.size, chunk):
            stop = min(start + chunk, flat.size)
            xs = flat[start:stop]
            if x_copy is not None:
                xs = x_copy[: stop - start]
                np.copyto(xs, flat[start:stop])
            vs = value_flat[start:stop] if value is not None else value_flat[: stop - start]
            gs = grad_flat[start:stop] if grad_flat is not None else None
            kernel(xs, vs, gs, args, work)
    finally:
        _give_back(work)
    return value, grad


def chunk_for(kernel: Kernel, dtype: np.dtype) -> int:
    """The chunk ``evaluate`` uses for ``kernel`` in ``dtype`` (elements)."""
    chunk = STREAMING_CHUNK if getattr(kernel, "streaming", False) else CHUNK
    return chunk if dtype == np.float32 else chunk // 2


def evaluate_chunk(
    kernel: Kernel,
    x: np.ndarray,
    args: KernelArgs,
    want_value: bool = True,
    want_grad: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """``evaluate`` for the common small call, with no chunk loop: ``x`` a non-empty
    C-contiguous array in its working dtype of at most one chunk (``chunk_for``), ``args``
    built for that dtype (and ``args.fits``), fresh outputs. Same results as ``evaluate``,
    about ten microseconds sooner (the lab's (128, 32) arrays cost only a few)."""
    flat = x.reshape(-1)
    value = np.empty(x.shape, x.dtype) if want_value else None
    grad = np.empty(x.shape, x.dtype) if want_grad else None
    work = _borrow()
    try:
        vs = value.reshape(-1) if value is not None else work.scope("evaluate").buf(0, flat)
        kernel(flat, vs, None if grad is None else grad.reshape(-1), args, work)
    finally:
        _give_back(work)
    return value, grad


# Each thread's idle workspaces (see the module docstring). A kernel never sees a workspace
# another thread is using, nor one an enclosing call on its own thread is still using.
_LOCAL = threading.local()
_KEEP = 2  # idle workspaces kept per thread: one, plus one for a nested call


def _borrow() -> Workspace:
    idle = getattr(_LOCAL, "idle", None)
    if idle:
        work = idle.pop()
        work.reset()
        return work
    return Workspace(CHUNK)


def _give_back(work: Workspace) -> None:
    if work.size > STREAMING_CHUNK:
        return
    idle = getattr(_LOCAL, "idle", None)
    if idle is None:
        idle = _LOCAL.idle = []
    if len(idle) < _KEEP:
        idle.append(work)


def _same_elements(out: np.ndarray, flat: np.ndarray) -> bool:
    """out (C-contiguous, flat's size) holds exactly flat's elements in flat's order."""
    return (
        out.dtype == flat.dtype
        and flat.flags.c_contiguous
        and out.__array_interface__["data"][0] == flat.__array_interface__["data"][0]
    )


def _in_float64(kernel: Kernel, args64: KernelArgs) -> Kernel:
    """``kernel`` run in float64 on float32 chunks, rounded once: for parameters float32
    cannot hold (see ``KernelArgs.fits``). The result is the float64 result's rounding, so
    within the float32 contract; overflow to inf is the correct rounding, not a warning."""

    def run(x, value, grad, a: KernelArgs, w: Workspace) -> None:
        scope = w.scope("float64 parameters")
        x64 = scope.buf(0, x, np.float64)
        np.copyto(x64, x)
        v64 = scope.buf(1, x, np.float64)
        g64 = None if grad is None else scope.buf(2, x, np.float64)
        kernel(x64, v64, g64, args64, scope.scope("kernel"))
        with np.errstate(over="ignore"):
            np.copyto(value, v64, casting="same_kind")
            if grad is not None:
                np.copyto(grad, g64, casting="same_kind")

    return run


def _output(given: np.ndarray | None, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    if given is None:
        return np.empty(shape, dtype)
    if given.shape != shape or given.dtype != dtype or not given.flags.c_contiguous:
        raise ValueError(
            f"out= array must be C-contiguous {dtype} of shape {shape},"
            f" got {given.dtype} of shape {given.shape}"
        )
    return given
