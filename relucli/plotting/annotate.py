"""Annotations that teach: dead zones, jumps of f' at kinks, saturation hatching, the notes
and magnified inset of a leak too small to see. Each returns what it drew, for the layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .curves import Curve, dead_zones

if TYPE_CHECKING:  # pragma: no cover - typing only; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SATURATION = 0.1  # --shade saturation marks |f'(x)| < SATURATION


_NICE = tuple(m * 10**e for e in range(5) for m in (1, 1.5, 2, 3, 5, 7.5) if m * 10**e >= 2)


def line_width() -> float:
    import matplotlib

    return float(matplotlib.rcParams["lines.linewidth"])


def shade_dead_zones(ax: Axes, curves: list[Curve], lo: float, hi: float) -> list:
    """Shade each variant's zero-gradient intervals and label them "dead zone".

    Labels stack down from the top of the panel, one per distinct interval, so overlapping
    zones (relu's x < 0 and hardswish's x < -3) keep readable labels. A wide zone is labelled
    at its middle; a narrow one at its edge, reading inward."""
    import matplotlib

    zones = dead_zones(curves, lo, hi)
    labels = []
    line = 1.3 * matplotlib.rcParams["font.size"]  # points per line of label
    drop = 0.0  # points below the top of the panel
    for (a, b), owners in zones.items():
        ax.axvspan(a, b, color=owners[0].color, alpha=0.13, lw=0, zorder=0.5)
        names = ", ".join(c.act.name for c in owners)
        # Anchored to the panel's edge when the zone reaches it, so the text stays inside.
        wide = (b - a) >= 0.3 * (hi - lo)
        text = f"dead zone\nf′ = 0: {names}" if wide else f"dead zone: {names}"
        if a <= lo and not b >= hi:
            x, ha = a + 0.015 * (hi - lo), "left"
            text = text if wide else "← " + text
        elif b >= hi and not a <= lo:
            x, ha = b - 0.015 * (hi - lo), "right"
            text = text if wide else text + " →"
        else:
            x, ha = (a + b) / 2, "center"
        label = ax.annotate(
            text,
            xy=(x, 1.0),
            xycoords=ax.get_xaxis_transform(),
            xytext=(0, -0.4 * line - drop),
            textcoords="offset points",
            ha=ha,
            va="top",
            color=owners[0].color,
            fontweight="bold",
            linespacing=1.2,
            zorder=6,
        )
        drop += line * (text.count("\n") + 1) + 0.3 * line
        labels.append(label)
    return labels


def zone_headroom(fig: Figure, curves: list[Curve], lo: float, hi: float, rows: int) -> float:
    """Share of the derivative panel's data span to leave above the curves for zone labels
    (an estimate made before layout: the panel is about 3/4 of the figure's height)."""
    import matplotlib

    lines = sum(1 + ((b - a) >= 0.3 * (hi - lo)) for a, b in dead_zones(curves, lo, hi))
    if not lines:
        return 0.1
    label_pts = (1.3 * lines + 0.7) * 1.3 * matplotlib.rcParams["font.size"]
    panel_pts = fig.get_size_inches()[1] * 72 * 0.75 / rows
    share = label_pts / panel_pts  # of the panel's height, to keep free at its top
    return 0.06 + share / max(1.0 - share, 0.2)


# Saturation is hatched in a band this share of the panel's height around each curve, so
# the hatching follows the curves: all bands lie near f' = 0 (|f'| < SATURATION there), so
# however many variants saturate, the hatched area stays a thin strip of the panel.
_SATURATION_BAND = 0.035


def shade_saturation(ax: Axes, curves: list[Curve]) -> str | None:
    """Hatch along each curve where 0 < |f'| < SATURATION (exact zeros are the dead zones,
    shaded apart). Returns the note that explains the hatching, or None when nothing
    saturates (the caller places the note where it collides with nothing)."""
    y0, y1 = ax.get_ylim()
    band = _SATURATION_BAND * (y1 - y0)
    hatched = False
    for c in curves:
        weak = (np.abs(c.grad) < SATURATION) & (c.grad != 0)
        if weak.any():
            hatched = True
            ax.fill_between(c.x, c.grad - band, c.grad + band, where=weak, facecolor="none",
                            edgecolor=c.color, alpha=0.5, hatch="////", lw=0,
                            zorder=0.4)  # fmt: skip
    if not hatched:
        return None
    return f"hatched along a curve: saturation, 0 < |f′| < {SATURATION:g}"


def mark_kinks(ax: Axes, curves: list[Curve]) -> Any:
    """At each jump of f': open circles at the one-sided limits and a filled dot at the value
    the convention uses; a legend (placed where it covers least) lists the values."""
    from matplotlib.lines import Line2D

    handles, labels, colors = [], [], []
    face = ax.get_facecolor()
    size = (line_width() * 2.9) ** 2
    everywhere_zero = all(k.x == 0 for c in curves for k in c.kinks)
    for c in curves:
        for k in c.kinks:
            if k.left == k.right:
                continue
            ax.scatter(
                [k.x, k.x],
                [k.left, k.right],
                s=size,
                facecolor=face,
                edgecolor=c.color,
                lw=line_width() * 0.8,
                zorder=20,
            )
            ax.scatter([k.x], [k.at], s=size * 0.7, color=c.color, zorder=21, lw=0)
            where = "" if everywhere_zero else f" at {k.x:g}"
            labels.append(f"{c.act.name}{where}: {k.left:.3g} → {k.right:.3g}, ● {k.at:.3g}")
            # The text is coloured like its curve; the legend needs no handle drawn.
            handles.append(Line2D([], [], linestyle="", marker="", color=c.color))
            colors.append(c.color)
    if not handles:
        return None
    conventions = ", ".join(sorted({c.act.convention for c in curves}))
    at = " at x = 0" if everywhere_zero else ""
    options = dict(fontsize="small", title_fontsize="small", handlelength=0, handletextpad=0)
    legend = ax.legend(
        handles,
        labels,
        title=f"f′ jumps{at} ({conventions})\n○ left → right limit, ● used",
        loc="lower right",  # a fixed spot until placed: "best" would scan every point
        alignment="left",
        **options,
    )
    for text, color in zip(legend.get_texts(), colors):
        text.set_color(color)
    legend.relucli_source = (handles, labels, options)  # to re-create it under the figure
    return legend


def note_leaks(ax: Axes, faint: list[Curve], lo: float, hi: float) -> list:
    """Under the flat-looking line of a faint curve, say that its slope is a leak, not 0."""
    y0, y1 = ax.get_ylim()
    notes = []
    for i, c in enumerate(faint):
        x = lo + 0.12 * (hi - lo)
        g = float(c.act.grad(x))
        note = ax.annotate(
            f"{c.act.name}: f′ = {g:.3g} for x < 0\n(a leak, not zero)",
            xy=(x, g),
            xytext=(lo + 0.02 * (hi - lo), -0.03 * (y1 - y0) - 0.14 * i * (y1 - y0)),
            color=c.color,
            fontsize="small",
            fontweight="bold",
            ha="left",
            va="top",
            arrowprops=dict(arrowstyle="-", color=c.color, lw=line_width() * 0.4),
            zorder=22,
        )
        notes.append(note)
    return notes


def leak_values(curves: list[Curve], faint: dict[int, float], lo: float) -> str:
    """``f(-7) = -0.07`` for each faint curve, with true minus signs."""
    return ", ".join(
        f"f({lo:g}) = {float(c.f[0]):.3g}".replace("-", "\N{MINUS SIGN}")
        for c in curves
        if id(c) in faint
    )


def leak_note(curves: list[Curve], faint: dict[int, float], lo: float) -> str:
    """What the figure says when it has no room for the magnified inset."""
    names = ", ".join(c.act.name for c in curves if id(c) in faint)
    return (
        f"{names}: the leak ({leak_values(curves, faint, lo)}) is too small to see at this"
        " size, and there is no room for a magnified inset."
    )


def leak_inset(
    ax: Axes, curves: list[Curve], faint: dict[int, float], lo: float, hi: float
) -> Callable[[list[float]], Any]:
    """A builder of the magnified inset near the origin for curves whose negative side is
    too flat to see: ``build(bounds)`` draws it at ``bounds`` (axes fractions) and returns
    it, for the layout to try spots. The y magnification is a round number, written in the
    inset's title; the zoom indicator is drawn by :func:`indicate_leak` once placed."""
    from matplotlib.ticker import MaxNLocator

    names = ", ".join(c.act.name for c in curves if id(c) in faint)
    m = max(faint.values())
    y0, y1 = ax.get_ylim()
    edge = ax.spines["bottom"].get_edgecolor()

    def build(bounds: list[float]) -> Any:
        height = bounds[3]
        # Magnification = (main y units per axes height) / (inset y units per inset height);
        # the largest round value that still leaves the leak filling ~40% of the inset.
        wanted = (y1 - y0) * height / (2.5 * m)
        zoom = max([z for z in _NICE if z <= wanted], default=2)
        inset_span = (y1 - y0) * height / zoom
        ins = ax.inset_axes(bounds, zorder=15)
        ins.set_facecolor(ax.get_facecolor())
        for i, c in enumerate(curves):
            ins.plot(c.x, c.f, color=c.color, linestyle=c.linestyle, lw=line_width() * 0.8,
                     zorder=2 + i)  # fmt: skip
        ins.set_xlim(lo, 0.12 * (hi - lo))
        ins.set_ylim(-0.72 * inset_span, 0.28 * inset_span)
        ins.axhline(0, color=edge, lw=0.8, zorder=1)
        ins.axvline(0, color=edge, lw=0.8, zorder=1)
        # No y tick labels (at slide sizes they would crowd the panel's own): the value at
        # the left end of each faint curve gives the scale instead.
        ins.tick_params(labelsize="x-small", left=False, labelleft=False)
        ins.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
        ins.grid(False)
        for c in curves:
            if id(c) in faint:
                ins.annotate(
                    f"f({lo:g}) = {float(c.f[0]):.3g}".replace("-", "\N{MINUS SIGN}"),
                    xy=(lo, float(c.f[0])),
                    xytext=(3, -4),  # under the line's left end, where nothing is drawn
                    textcoords="offset points",
                    color=c.color,
                    fontsize="x-small",
                    va="top",
                )
        backing = dict(facecolor=ax.get_facecolor(), alpha=0.8, edgecolor="none", pad=1.0)
        ins.set_title(f"the {names} leak\n(y magnified ×{zoom:g})", fontsize="small",
                      loc="left", bbox=backing)  # fmt: skip
        return ins

    return build


def indicate_leak(ax: Axes, ins: Any) -> None:
    """The zoom indicator (a box around the origin, lines to the inset)."""
    ax.indicate_inset_zoom(ins, edgecolor=ax.spines["bottom"].get_edgecolor(), alpha=0.7)
