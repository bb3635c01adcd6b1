"""Turning --at / --range / --num / --step into points, produced in blocks so that very long
ranges stream instead of filling memory."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .registry import SpecError, parse_number

FLOAT64_MAX = float(np.finfo(np.float64).max)
FLOAT32_MAX = float(np.finfo(np.float32).max)
# A range beyond this many points is refused: at ~50 bytes a CSV row it would be > 50 GB.
MAX_POINTS = 1_000_000_000
BLOCK = 1 << 16


@dataclass(frozen=True)
class Points:
    """Either explicit values or an evenly spaced grid, in a given dtype."""

    dtype: np.dtype
    values: np.ndarray | None = None
    lo: float = 0.0
    hi: float = 0.0
    num: int = 0
    step: float | None = None

    @property
    def size(self) -> int:
        return self.values.size if self.values is not None else self.num

    def blocks(self, block: int = BLOCK) -> Iterator[np.ndarray]:
        if self.values is not None:
            for start in range(0, self.values.size, block):
                yield self.values[start : start + block]
            return
        for start in range(0, self.num, block):
            yield self._grid(start, min(start + block, self.num))

    def _grid(self, start: int, stop: int) -> np.ndarray:
        i = np.arange(start, stop, dtype=np.float64)
        if self.step is not None:
            out = self.lo + i * self.step
        elif self.num == 1:
            out = np.full(i.shape, self.lo)
        else:
            # Same arithmetic as np.linspace, so a block-built grid equals the whole one.
            out = i * ((self.hi - self.lo) / (self.num - 1)) + self.lo
            if stop == self.num:
                out[-1] = self.hi
        return out.astype(self.dtype)


def parse_at(items: Sequence[str], dtype: str = "float64") -> Points:
    """``--at -2 --at 0,1/2,inf`` -> the listed values, in order, duplicates kept."""
    texts = [part.strip() for item in items for part in str(item).split(",") if part.strip()]
    values = [parse_number(text) for text in texts]
    if not values:
        raise SpecError("--at needs at least one number, e.g. --at -2,0,3")
    exact = np.array(values, dtype=np.float64)
    with np.errstate(over="ignore"):  # overflow is checked just below, as a usage error
        cast = exact.astype(dtype)
    overflow = np.flatnonzero(np.isinf(cast) & np.isfinite(exact))
    if overflow.size:
        raise SpecError(
            f"--at {texts[overflow[0]]} is beyond the {dtype} range (the largest finite"
            f" {dtype} is {_largest(dtype)}); use --dtype float64, or inf"
        )
    return Points(np.dtype(dtype), values=cast)


def parse_range(
    lo_text: str, hi_text: str, num: int | None, step: str | None, dtype: str = "float64"
) -> Points:
    """``--range LO HI`` with ``--num N`` points (default 11) or ``--step S``."""
    lo, hi = parse_number(lo_text), parse_number(hi_text)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise SpecError(f"--range needs finite LO and HI, got {lo_text} {hi_text}")
    if not lo < hi:
        raise SpecError(f"--range needs LO < HI, got LO={lo:g} HI={hi:g}")
    if dtype == "float32" and max(-lo, hi) > FLOAT32_MAX:
        raise SpecError(
            f"--range {lo_text} {hi_text} is beyond the float32 range: LO and HI must lie"
            f" within -{_largest(dtype)} and {_largest(dtype)} (or use --dtype float64)"
        )
    if not math.isfinite(hi - lo):
        # The grid is built from HI - LO, which would be inf: refuse rather than print nan.
        raise SpecError(
            f"--range {lo_text} {hi_text} is too wide: HI - LO must be at most {FLOAT64_MAX:.17g}"
            " (the largest float); narrow the range"
        )
    if num is not None and step is not None:
        raise SpecError("give --num or --step, not both")
    if step is not None:
        s = parse_number(step)
        if not (math.isfinite(s) and s > 0):
            raise SpecError(f"--step must be a positive number, got {step}")
        intervals = (hi - lo) / s + 1e-9  # 1/0.1 is 9.999999999999998
        if intervals >= MAX_POINTS:  # also inf (a subnormal step): floor() would overflow
            raise SpecError(
                f"--step gives {_count_text(intervals)} points; the limit is {MAX_POINTS:,}"
            )
        count = math.floor(intervals) + 1
        return Points(np.dtype(dtype), lo=lo, hi=hi, num=count, step=s)
    count = 11 if num is None else num
    if count < 1:
        raise SpecError(f"--num must be at least 1, got {count}")
    _check_count(count, "--num")
    return Points(np.dtype(dtype), lo=lo, hi=hi, num=count)


def _largest(dtype: str) -> str:
    return f"{FLOAT32_MAX:.8g}" if dtype == "float32" else f"{FLOAT64_MAX:.17g}"


def _count_text(intervals: float) -> str:
    return f"{math.floor(intervals) + 1:,}" if math.isfinite(intervals) else "more than 1e308"


def _check_count(count: int, option: str) -> None:
    if count > MAX_POINTS:
        raise SpecError(f"{option} gives {count:,} points; the limit is {MAX_POINTS:,}")
