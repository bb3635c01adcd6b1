"""Turning --at / --range / --num / --step into points, produced in blocks so that very long
ranges stream instead of filling memory."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .registry import SpecError, parse_number

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
    values = [
        parse_number(part) for item in items for part in str(item).split(",") if part.strip() != ""
    ]
    if not values:
        raise SpecError("--at needs at least one number, e.g. --at -2,0,3")
    return Points(np.dtype(dtype), values=np.array(values, dtype=dtype))


def parse_range(
    lo_text: str, hi_text: str, num: int | None, step: str | None, dtype: str = "float64"
) -> Points:
    """``--range LO HI`` with ``--num N`` points (default 11) or ``--step S``."""
    lo, hi = parse_number(lo_text), parse_number(hi_text)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise SpecError(f"--range needs finite LO and HI, got {lo_text} {hi_text}")
    if not lo < hi:
        raise SpecError(f"--range needs LO < HI, got LO={lo:g} HI={hi:g}")
    if num is not None and step is not None:
        raise SpecError("give --num or --step, not both")
    if step is not None:
        s = parse_number(step)
        if not (math.isfinite(s) and s > 0):
            raise SpecError(f"--step must be a positive number, got {step}")
        count = math.floor((hi - lo) / s + 1e-9) + 1  # 1/0.1 is 9.999999999999998
        _check_count(count, "--step")
        return Points(np.dtype(dtype), lo=lo, hi=hi, num=count, step=s)
    count = 11 if num is None else num
    if count < 1:
        raise SpecError(f"--num must be at least 1, got {count}")
    _check_count(count, "--num")
    return Points(np.dtype(dtype), lo=lo, hi=hi, num=count)


def _check_count(count: int, option: str) -> None:
    if count > MAX_POINTS:
        raise SpecError(f"{option} gives {count:,} points; the limit is {MAX_POINTS:,}")
