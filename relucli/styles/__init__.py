"""The style registry: one row per style holding its sheets, glow and lightbulb colours, and
the line looks (colour x dash) every figure draws its variants with.

Sheets are layered as SciencePlots layers them: ``base.mplstyle`` (fonts, lines, layout,
deterministic output) under one colour-only sheet (``light``, ``dark``, ``neon``), used by
dotted name, with no registration into pyplot's style library::

    with matplotlib.style.context(STYLES["neon"].sheets): ...

This module imports no Matplotlib: the palette is read from the colour sheet's text, so the
looks of a figure can be computed (and tested) without drawing.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from importlib import resources

# Dash patterns in units of the line width (Matplotlib scales dashes with it). Seven
# hand-tuned patterns x eight colours give 56 distinct looks; past that, :func:`dashes`
# derives more (the product grows with the catalogue).
DASHES: tuple[tuple[float, ...], ...] = (
    (),  # solid
    (3.7, 1.6),  # dashed
    (1.0, 1.65),  # dotted
    (6.4, 1.6, 1.0, 1.6),  # dash-dot
    (9.0, 3.0),  # long dash
    (5.0, 1.6, 1.0, 1.6, 1.0, 1.6),  # dash-dot-dot
    (2.0, 3.5),  # sparse short dash
)


def dashes(count: int) -> tuple[tuple[float, ...], ...]:
    """``count`` distinct dash patterns: :data:`DASHES`, then derived ones, alternately a
    long or a double dash followed by m = 1, 2, ... dots (told apart by their rhythm, in
    grayscale too)."""
    out = list(DASHES[:count])
    m = 1
    while len(out) < count:
        out.append((9.0, 3.0) + (1.0, 3.0) * m)
        if len(out) < count:
            out.append((3.7, 1.6, 3.7, 1.6) + (1.0, 1.6) * m)
        m += 1
    return tuple(out)


# Markers for figures that mark points (depth): cycled with the same index as the looks.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">")


@dataclass(frozen=True)
class Bulbs:
    """Lightbulb colours of the dying figure: unlit -> lit ramp, a dead bulb and its cross."""

    ramp: tuple[str, str, str]
    dead: str
    cross: str
    halo: bool  # lit bulbs glow (dark grounds only)


@dataclass(frozen=True)
class Style:
    name: str
    # (extra width x line width, alpha) of the faint strokes drawn under each line; () = none
    glow: tuple[tuple[float, float], ...]
    bulbs: Bulbs
    # Neon keeps its first lines solid (light paths) and changes colour before dash;
    # the others change both from the first line, so even three lines differ in print.
    solid_first: bool = False

    @property
    def sheets(self) -> list[str]:
        return ["relucli.styles.base", f"relucli.styles.{self.name}"]

    @property
    def palette(self) -> tuple[str, ...]:
        return _palette(self.name)

    def looks(self, n: int) -> list[tuple[str, tuple[float, ...]]]:
        """(colour, dash pattern) of ``n`` variants, all distinct for any n; looks(n) starts
        with looks(k) for k < n, so a growing catalogue never restyles the first variants.

        The first P * D (8 x 7 = 56): index i = q * P + r takes colour r and dash
        (q * (P + 1) + r) mod D, a bijection of the palette x dash product while
        gcd(P + 1, D) = 1 (9 and 7), so neighbours differ in colour and dash (solid_first:
        dash q mod D). Past them, each further row of P colours takes a new derived dash
        (:func:`dashes`): the product grows with the catalogue."""
        colors, p, d = self.palette, len(self.palette), len(DASHES)
        patterns = dashes(d + max(0, math.ceil((n - p * d) / p)))
        out = []
        for i in range(n):
            q, r = divmod(i, p)
            dash = q % d if self.solid_first else (q * (p + 1) + r) % d
            out.append((colors[r], patterns[q if q >= d else dash]))
        return out


@functools.cache
def _palette(name: str) -> tuple[str, ...]:
    text = resources.files(__name__).joinpath(f"{name}.mplstyle").read_text(encoding="utf-8")
    match = re.search(r"cycler\('color', \[([^]]*)\]\)", text)
    if match is None:  # pragma: no cover - a broken sheet is a packaging error
        raise RuntimeError(f"no colour cycle in {name}.mplstyle")
    return tuple("#" + c.strip().strip("'\"") for c in match.group(1).split(","))


_GLOW = ((6.0, 0.05), (3.5, 0.09), (1.6, 0.16))

STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        Style("light", (), Bulbs(("#e4e0d6", "#f2a900", "#ff6a00"), "#1c1c1c", "#d62728", False)),
        Style("dark", (), Bulbs(("#3a3f4b", "#f2a900", "#fff4c2"), "#2b0f0f", "#ff5a5a", True)),
        Style(
            "neon",
            _GLOW,
            Bulbs(("#1b2540", "#ffd23f", "#fffbe6"), "#2a0d22", "#ff4fd8", True),
            solid_first=True,
        ),
    )
}

__all__ = ["DASHES", "MARKERS", "STYLES", "Bulbs", "Style", "dashes"]
