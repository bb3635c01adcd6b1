"""Which float32 exp path ELU, SELU and CELU take: NumPy's own SIMD exp/expm1, or tables.

NumPy's float32 ``np.exp`` and ``np.expm1`` run vectorised loops only on some builds and
CPUs (read from NumPy 2.4's meson.build and umath sources):

* ``exp`` (loops_exponent_log.dispatch.c.src): AVX-512F code on the X86_V4 target (named
  AVX512F/AVX512_SKX before NumPy 2.4), AVX2+FMA3 code on X86_V3; scalar ``npy_expf``
  otherwise (every non-x86 CPU).
* ``expm1`` (loops_umath_fp.dispatch.c.src): Intel SVML, compiled only for the X86_V4
  target (AVX512_SKX before 2.4) and linked only on Linux x86-64 builds; scalar
  ``npy_expm1f`` otherwise, also on AVX2-only CPUs (9-10 ns per element, where the tables
  of numerics/exp32.py take about 4).

So the "simd" path needs X86_V4/AVX512_SKX in NumPy's build (dispatch targets or baseline)
and on the CPU, on Linux x86-64, and a one-time self-check that both functions are within
2.6 ulp (the kernels scale them by SELU's alpha*scale: over every float32 in [-104, 0] that
stayed within 3.1 of the 4 allowed; benchmarks/elu32.py --exhaustive). Anything else takes
the "table" path. The choice is made once, on the first float32
ELU/SELU/CELU evaluation (importing relucli costs nothing), and ``RELUCLI_EXP_PATH=auto|simd|
table`` overrides it; an invalid value is ignored (auto), and ``describe()`` says so.
"""

from __future__ import annotations

import os
import platform
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

ENV = "RELUCLI_EXP_PATH"
PATHS = ("simd", "table")
# NumPy 1.17's release notes give 2.52 ulp for its AVX-512F float32 exp (measured here:
# 2.4; SVML's expm1f 2.2); beyond that the SELU kernel could leave the 4-ulp contract.
SELF_CHECK_ULPS = 2.6

_lock = threading.Lock()
_decided: tuple[str, str] | None = None  # (path, reason), once decided
_forced: list[str] = []  # innermost force() last (tests)


def current() -> str:
    """The float32 exp path in use: "simd" or "table" (decided on first call)."""
    if _forced:
        return _forced[-1]
    return (_decided or _decide())[0]


def describe() -> str:
    """One line: the path in use and why, e.g. "simd: X86_V4 exp/expm1 loops, self-check
    2.2 ulp" (for ``relucli info`` and ``relucli bench``)."""
    if _forced:
        return f"{_forced[-1]}: forced in-process"
    path, reason = _decided or _decide()
    return f"{path}: {reason}"


@contextmanager
def force(path: str) -> Iterator[None]:
    """Run the block on ``path`` ("simd" or "table") in this process (tests: both paths in
    one run). Not thread-local: meant for tests, not for concurrent code."""
    if path not in PATHS:
        raise ValueError(f"exp path must be one of {', '.join(PATHS)}, got {path!r}")
    _forced.append(path)
    try:
        yield
    finally:
        _forced.pop()


def reset() -> None:
    """Forget the decision: the next call decides again (tests that change the environment
    or the feature tables)."""
    global _decided
    with _lock:
        _decided = None


def _decide() -> tuple[str, str]:
    global _decided
    with _lock:
        if _decided is None:
            _decided = choose(os.environ.get(ENV, ""))
        return _decided


def choose(setting: str) -> tuple[str, str]:
    """(path, reason) for the value of RELUCLI_EXP_PATH (empty: auto)."""
    value = setting.strip().lower()
    if value in PATHS:
        return value, f"forced by {ENV}={value}"
    note = ""
    if value not in ("", "auto"):
        note = f" ({ENV}={setting!r} is not auto, simd or table: ignored)"
    path, reason = automatic()
    return path, reason + note


def automatic() -> tuple[str, str]:
    """The automatic choice: NumPy's dispatch information, then the self-check."""
    features, dispatch, baseline = cpu_info()
    target = simd_target(features, dispatch, baseline, platform.system(), platform.machine())
    if target is None:
        return "table", "no SIMD float32 expm1 in this NumPy build or CPU (needs X86_V4/SVML)"
    worst = self_check()
    if not worst <= SELF_CHECK_ULPS:  # NaN (a special value wrong) fails too
        return "table", f"{target} exp/expm1 loops failed the self-check ({worst:.3g} ulp)"
    return "simd", f"{target} exp/expm1 loops, self-check {worst:.2f} ulp"


def cpu_info() -> tuple[Mapping[str, bool], Sequence[str], Sequence[str]]:
    """NumPy's (__cpu_features__, __cpu_dispatch__, __cpu_baseline__); empty if absent."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # NumPy < 2
        try:
            from numpy.core import _multiarray_umath as umath  # type: ignore[no-redef]
        except ImportError:
            return {}, (), ()
    return (
        getattr(umath, "__cpu_features__", {}),
        getattr(umath, "__cpu_dispatch__", ()),
        getattr(umath, "__cpu_baseline__", ()),
    )


def simd_target(
    features: Mapping[str, bool],
    dispatch: Sequence[str],
    baseline: Sequence[str],
    system: str,
    machine: str,
) -> str | None:
    """The NumPy target whose float32 exp and expm1 loops are SIMD here, or None.

    expm1 decides (exp is SIMD on every target that has SIMD expm1): SVML is linked only on
    Linux x86-64, and its loops are compiled for X86_V4 (NumPy >= 2.4) or AVX512_SKX
    (before); the build must list the target and the CPU must have it.
    """
    if system != "Linux" or machine.lower() not in ("x86_64", "amd64"):
        return None
    for target in ("X86_V4", "AVX512_SKX"):
        built = target in dispatch or target in baseline
        if built and features.get(target):
            return target
    return None


def self_check() -> float:
    """Worst error in float32 ulps of np.expm1 and np.exp on a fixed float32 sample of
    [-104, 0] against float64 NumPy (far more accurate than a float32 ulp); NaN when a
    special value is wrong (-0, -inf, NaN) or a floating-point flag other than underflow
    is raised. About 0.2 ms."""
    import numpy as np

    f32 = np.float32
    x = np.concatenate(
        [-np.linspace(0, 104, 4099), -np.logspace(-45, 1, 1024), [-0.0, 0.0, -np.inf, np.nan]]
    ).astype(f32)
    try:
        with np.errstate(all="raise", under="ignore"):
            em1, e = np.expm1(x), np.exp(x)
    except FloatingPointError:
        return float("nan")
    special = em1[-4:], e[-4:]
    if not (
        np.signbit(special[0][0])
        and not np.signbit(special[0][1])
        and special[0][2] == -1
        and np.isnan(special[0][3])
        and special[1][:3].tolist() == [1, 1, 0]
        and np.isnan(special[1][3])
    ):
        return float("nan")
    x64 = x[:-4].astype(np.float64)
    worst = 0.0
    for got, exact in ((em1[:-4], np.expm1(x64)), (e[:-4], np.exp(x64))):
        # Below the smallest normal float32 the contract counts subnormal ulps.
        spacing = np.maximum(
            np.spacing(np.abs(exact).astype(f32)), np.finfo(f32).smallest_subnormal
        )
        worst = max(worst, float((np.abs(got - exact) / spacing).max()))
    return worst
