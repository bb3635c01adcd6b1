"""Throughput of each variant's kernel, in ns per element and as multiples of a memory copy
and of ReLU measured in the same run (what ``relucli bench`` prints).

Absolute timings depend on the machine and on whatever else it is running; ratios measured
in one run, on the same array, are what compare. So every repeat times, back to back, a
memory copy of the input into a preallocated array (``np.copyto``, the floor for anything
that reads x and writes one output), ReLU, and each variant; the median of the repeats is
reported with the fastest and the slowest. Outputs are preallocated and passed with
``out=`` (a fresh output array would add its page faults, about 0.5 ns per element, to
every variant alike).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .activation import Activation

DTYPES = ("float32", "float64")
CLOCK = time.perf_counter  # tests replace it with a fake clock
DEFAULT_SIZE = 1_000_000
DEFAULT_REPEAT = 5
SEED = 0


@dataclass(frozen=True)
class Spread:
    """Seconds per element over the repeats: the fastest, the median and the slowest. On a
    shared machine one run can be several times slower than the next; the spread says how
    far to trust the median."""

    low: float
    median: float
    high: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Spread:
        return cls(min(seconds), statistics.median(seconds), max(seconds))


@dataclass(frozen=True)
class Timing:
    """One variant's forward and forward+gradient timings (None for the copy's gradient)."""

    name: str
    forward: Spread
    both: Spread | None
    path: str = ""  # "simd" or "table" where the kernel follows numerics/exp_path


@dataclass(frozen=True)
class BenchResult:
    size: int
    dtype: str
    repeat: int
    copy: Spread  # seconds per element of np.copyto(out, x)
    relu: Timing
    timings: list[Timing]

    def rows(self) -> list[list]:
        """One row per variant (the memory copy first): the median ns/element with the
        fastest and slowest run, and the median as multiples of the copy (and of ReLU for
        forward+gradient), for the forward pass and for forward+gradient."""
        rows = [self._row("memory copy", self.copy, None, "")]
        rows += [self._row(t.name, t.forward, t.both, t.path) for t in self.timings]
        return rows

    def _row(self, name: str, forward: Spread, both: Spread | None, path: str) -> list:
        row = [name, *_ns(forward), forward.median / self.copy.median]
        if both is None:
            return [*row, None, None, None, None, None, path]
        assert self.relu.both is not None
        ratios = [both.median / self.relu.both.median, both.median / self.copy.median]
        return [*row, *_ns(both), *ratios, path]


def _ns(spread: Spread) -> list[float]:
    return [spread.median * 1e9, spread.low * 1e9, spread.high * 1e9]


HEADERS = [
    "variant",
    "f ns/el",
    "f min",
    "f max",
    "f ×copy",
    "f+f' ns/el",
    "f+f' min",
    "f+f' max",
    "f+f' ×relu",
    "f+f' ×copy",
    "exp path",
]


# What a process holds before any work: the interpreter with NumPy, Click and relucli
# (measured: 40 to 48 MiB on Linux x86-64).
BASE_BYTES = 48 * 2**20


def peak_bytes(size: int, dtype: str) -> int:
    """The peak memory of :func:`measure` on ``size`` elements: the input and its three
    preallocated outputs (value, gradient, copy), 4 x size x itemsize, over BASE_BYTES.
    (While the input is drawn, the float64 normals and their cast coexist: 12 bytes per
    element in float32, less than the 16 that follow.)"""
    return BASE_BYTES + 4 * size * np.dtype(dtype).itemsize


def sample(size: int, dtype: str, seed: int = SEED) -> np.ndarray:
    """The benchmark input: standard normal (half the inputs negative, as in a network)."""
    return np.random.default_rng(seed).standard_normal(size).astype(dtype)


def measure(
    acts: Sequence[Activation],
    size: int = DEFAULT_SIZE,
    dtype: str = "float32",
    repeat: int = DEFAULT_REPEAT,
    progress: Callable[[int], None] | None = None,
    clock: Callable[[], float] | None = None,
) -> BenchResult:
    """Time every activation's forward pass and forward+gradient on ``size`` elements.

    ``progress(n)`` is called after each of the ``repeat * steps(acts)`` steps.
    """
    if size < 1 or repeat < 1:
        raise ValueError("size and repeat must be at least 1")
    x = sample(size, dtype)
    value, grad, copy_out = np.empty_like(x), np.empty_like(x), np.empty_like(x)
    for buf in (value, grad, copy_out):
        np.copyto(buf, x)  # touch every page now, not inside the first timing
    # ReLU is the reference: measured as one of the variants when asked for, else extra.
    acts = list(acts)
    relu_at = next((i for i, a in enumerate(acts) if a.spec == "relu"), None)
    order = acts if relu_at is not None else [_relu(), *acts]
    relu_at = relu_at if relu_at is not None else 0
    clock = clock or CLOCK
    for act in order:  # first calls build lookup tables and warm caches: not timed
        act.value_and_grad(x[:1024], out=(value[:1024], grad[:1024]))

    def timed(fn: Callable[[], object]) -> float:
        start = clock()
        fn()
        return (clock() - start) / size

    copies: list[float] = []
    runs: list[tuple[list[float], list[float]]] = [([], []) for _ in order]
    for _ in range(repeat):
        # Each repeat measures everything once, back to back, so a busy spell on the
        # machine shifts one repeat of every ratio rather than all repeats of one variant.
        copies.append(timed(lambda: np.copyto(copy_out, x)))
        for act, (fwd, both) in zip(order, runs):
            fwd.append(timed(lambda a=act: a(x, out=value)))
            both.append(timed(lambda a=act: a.value_and_grad(x, out=(value, grad))))
            if progress:
                progress(1)
    timings = [
        Timing(a.spec, Spread.of(f), Spread.of(b), exp_path_of(a, dtype))
        for a, (f, b) in zip(order, runs)
    ]
    return BenchResult(
        size=size,
        dtype=dtype,
        repeat=repeat,
        copy=Spread.of(copies),
        relu=timings[relu_at],
        timings=timings if len(order) == len(acts) else timings[1:],
    )


def exp_path_of(act: Activation, dtype: str) -> str:
    """Which float32 exp path this activation's kernel ran ("simd" or "table"), or "" when
    it does not depend on the machine (numerics/exp_path.py says why a path was chosen)."""
    from .numerics import exp_path
    from .variants.exponential import follows_exp_path

    name = act.variant.name
    if dtype != "float32" or not follows_exp_path(name, float(act.params.get("alpha", 1))):
        return ""
    return exp_path.current()


def steps(acts: Sequence[Activation]) -> int:
    """Progress steps per repeat: one per variant, plus the ReLU reference if not asked for."""
    return len(acts) + (0 if any(a.spec == "relu" for a in acts) else 1)


def _relu() -> Activation:
    from .variants import REGISTRY

    return Activation(REGISTRY.lookup("relu"))
