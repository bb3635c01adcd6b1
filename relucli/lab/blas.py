"""One BLAS thread for the labs' matrix products, set at run time on the library NumPy loaded.

OpenBLAS splits a matrix product over every core once m*n*k passes about 2^18. The labs'
products are small to mid-size (width 1024 at most by default), and on a machine whose cores
are busy the threads mostly wait on each other: `relucli depth` took 2.8x more CPU time
(0.77 s against 2.05 s) and over twice the wall time on two threads than on one, and a
dying-lab census over 1024 samples 10x longer.

Environment variables (OPENBLAS_NUM_THREADS) only count before NumPy is loaded, which the
CLI does long before a command runs; so this calls OpenBLAS's own setter on the library
already loaded, as threadpoolctl does, and restores the previous count afterwards (a
notebook keeps its threads). Where no OpenBLAS is found (MKL, Accelerate, a static build)
it does nothing: results are the same either way, only the time differs.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import sys
import threading
from collections.abc import Iterator
from functools import cache

# (setter, getter) pairs: NumPy's wheels (scipy-openblas, 64-bit ints), then plain OpenBLAS.
_SYMBOLS = (
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    ("openblas_set_num_threads", "openblas_get_num_threads"),
)
_lock = threading.Lock()
_depth = 0  # nested uses: only the outermost sets and restores
_saved = 0


def _candidates() -> list[str]:
    """Paths of loaded (or bundled) libraries that may be OpenBLAS."""
    paths: list[str] = []
    maps = "/proc/self/maps"
    if os.path.exists(maps):  # Linux: exactly the libraries this process has loaded
        with contextlib.suppress(OSError), open(maps, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                path = line.rstrip("\n").split(maxsplit=5)[-1]
                if "blas" in os.path.basename(path).lower() and path not in paths:
                    paths.append(path)
    import numpy

    # The libraries a NumPy wheel bundles (numpy.libs on Linux and Windows, .dylibs on macOS).
    root = os.path.dirname(numpy.__file__)
    for pattern in ("../numpy.libs/*blas*", ".dylibs/*blas*"):
        for path in sorted(glob.glob(os.path.join(root, pattern))):
            if path not in paths:
                paths.append(path)
    return paths


@cache
def _functions() -> tuple | None:
    """OpenBLAS's (set_num_threads, get_num_threads), or None where there is none."""
    if sys.platform == "emscripten":  # pragma: no cover - no threads there
        return None
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)  # already loaded by NumPy: the same handle, no new copy
        except OSError:
            continue
        for set_name, get_name in _SYMBOLS:
            setter, getter = getattr(lib, set_name, None), getattr(lib, get_name, None)
            if setter is not None and getter is not None:
                setter.argtypes, setter.restype = [ctypes.c_int], None
                getter.argtypes, getter.restype = [], ctypes.c_int
                return setter, getter
    return None


def blas_threads() -> int | None:
    """OpenBLAS's thread count now, or None where no OpenBLAS was found."""
    functions = _functions()
    return None if functions is None else int(functions[1]())


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block's matrix products on one OpenBLAS thread; the count is restored after."""
    global _depth, _saved
    functions = _functions()
    if functions is None:
        yield
        return
    setter, getter = functions
    with _lock:
        if _depth == 0:
            _saved = int(getter())
            setter(1)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                setter(_saved)
