"""The comparison figure ("Visualizing the Difference") and the gallery grid.

Everything drawn is read from the activation records: legend labels from ``Activation.label``,
shaded dead zones from ``Activation.dead_zone``, kink markers from ``Activation.kinks`` with
the gradient just left and right of each kink, the RReLU band from its ``lower``/``upper``
parameters. Nothing here asks which variant it is drawing.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..activation import Activation
from ..registry import SpecError
from ..styles import STYLES
from .annotate import (
    indicate_leak,
    leak_inset,
    leak_note,
    line_width,
    mark_kinks,
    note_leaks,
    shade_dead_zones,
    shade_saturation,
    zone_headroom,
)
from .curves import (
    DEFAULT_POINTS,
    DEFAULT_RANGE,
    Curve,
    break_at_jumps,
    coincide,
    data_limits,
    faint_curves,
    plot_range,
    sample,
    sample_grid,
)
from .figure import (
    DEFAULT_DPI,
    SIZES,
    check_mathtext,
    glow_effects,
    glow_line,
    new_figure,
    style_colors,
    write_figure,
)
from .layout import (
    LEGEND_MODES,
    add_note,
    curve_points,
    freeze_layout,
    lay_out_panels,
    outside_legend,
    place_inset,
    place_legend,
    renderer_of,
    require_clean,
    text_boxes,
    thin_tick_labels,
    wrap_artist,
    wrap_text,
)

if TYPE_CHECKING:  # pragma: no cover - typing only; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PANELS: tuple[str, ...] = ("f", "grad")
LAYOUTS: tuple[str, ...] = ("overlay", "grid")
SHADES: tuple[str, ...] = ("saturation",)


class NoDisplayError(RuntimeError):
    """--show was asked where no window can open."""


@dataclass(frozen=True)
class PlotOptions:
    """What to draw; the CLI (and :func:`relucli.plot`) fill it from their options."""

    x_range: tuple[float, float] | None = None  # None: DEFAULT_RANGE, widened to show kinks
    points: int = DEFAULT_POINTS
    panels: tuple[str, ...] = PANELS
    layout: str = "overlay"
    title: str | None = None
    shade: tuple[str, ...] = ()
    legend: str = "auto"  # auto, inside, outside, none
    clean: bool = False  # curves and legend only: no teaching annotations
    ylim: tuple[float, float] | None = None  # of f(x), or of f'(x) when drawn alone
    # (panel, (lo, hi)) pairs fixing a panel's y range (animations: the same axes every frame)
    panel_ylims: tuple[tuple[str, tuple[float, float]], ...] = ()

    def __post_init__(self) -> None:
        if self.points < 2:
            raise SpecError(f"--points must be at least 2, got {self.points}")
        bad = [p for p in self.panels if p not in PANELS]
        if bad or not self.panels:
            raise SpecError(f"unknown panel '{','.join(bad)}' (valid: {', '.join(PANELS)})")
        if self.layout not in LAYOUTS:
            raise SpecError(f"unknown layout '{self.layout}' (valid: {', '.join(LAYOUTS)})")
        if self.legend not in LEGEND_MODES:
            raise SpecError(
                f"unknown legend placement '{self.legend}' (valid: {', '.join(LEGEND_MODES)})"
            )
        if self.ylim is not None:
            lo, hi = (float(v) for v in self.ylim)
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise SpecError(f"--ylim needs finite LO < HI, got {lo:g} {hi:g}")
        if self.title:
            check_mathtext(self.title)


def draw_comparison(
    fig: Figure, acts: Sequence[Activation], options: PlotOptions, *, check: bool = True
) -> None:
    """Draw the comparison (overlay) or gallery (grid) of ``acts`` into ``fig``.

    Call inside :func:`relucli.plotting.figure.new_figure` so the style is active. Raises
    SpecError when the figure is too small to lay out legibly, naming a size that works
    (``check=False``: the caller checks, as save_figure does on the drawing it saves)."""
    _draw(fig, acts, options)
    if check:
        require_clean(fig, lambda other: _draw(other, acts, options))


def _draw(fig: Figure, acts: Sequence[Activation], options: PlotOptions) -> None:
    if not acts:
        raise SpecError("nothing to plot: give at least one variant")
    style = STYLES[getattr(fig, "relucli_style", "light")]
    lo, hi = plot_range(acts, options.x_range)
    curves = sample(acts, lo, hi, options.points, style.looks(len(acts)))
    if options.title:
        title = fig.suptitle(options.title)
        wrap_artist(title, fig.bbox.width * 0.96)
    if options.layout == "grid":
        _draw_grid(fig, curves, options, lo, hi)
        return
    notes = _draw_overlay(fig, curves, options, lo, hi, teach=not options.clean)
    if notes:
        # Teaching notes for dozens of variants would crowd the panels off the figure:
        # past a fifth of the height, the overlay is drawn clean, with one note saying so.
        renderer = renderer_of(fig)
        taken = sum(n.get_window_extent(renderer).height for n in notes)
        if taken > _NOTES_SHARE * fig.bbox.height:
            fig.clear()
            if options.title:
                wrap_artist(fig.suptitle(options.title), fig.bbox.width * 0.96)
            summary = (
                f"{len(curves)} variants: dead zones, kinks and leaks are not marked here"
                " (--layout grid marks them per variant)"
            )
            _draw_overlay(fig, curves, options, lo, hi, teach=False, summary=summary)


_NOTES_SHARE = 0.2


def _draw_overlay(
    fig: Figure,
    curves: list[Curve],
    options: PlotOptions,
    lo,
    hi,
    *,
    teach: bool,
    summary: str | None = None,
) -> list:
    """Draw the overlay; returns the notes placed under the panels."""
    axes = list(fig.subplots(1, len(options.panels), squeeze=False)[0])
    width, height = fig.get_size_inches()
    rows = len(axes) if width < height else 1  # portrait figures stack their panels
    n = len(curves)
    faint = faint_curves(curves) if teach else {}
    leaks = [c for c in curves if id(c) in faint]
    # Where curves coincide (x > 0 for the whole ReLU family) the earlier ones are drawn
    # wider underneath, so every colour stays visible as a stripe.
    stripes = 1 < n <= 5 and coincide(curves)
    notes: list[str] = [summary] if summary else []
    panel_texts: dict[int, list] = {}  # id(ax) -> labels drawn inside it, kept if they fit
    inside: list[tuple[Axes, Any, str, bool]] = []  # (axes, legend, panel, may move out)
    inset_of: dict[int, Any] = {}
    for ax, panel in zip(axes, options.panels):
        for i, c in enumerate(curves):
            width = 1.0 + (0.9 * (n - 1 - i) / (n - 1) if stripes else 0.0)
            _draw_curve(ax, c, panel, width, zorder=2 + i)
        # Dead zones go on the derivative panel, or on f(x) when it is drawn alone.
        grad_like = panel == "grad" or "grad" not in options.panels
        below = 0.08 + (0.16 * len(leaks) if panel == "grad" else 0.0)
        above = zone_headroom(fig, curves, lo, hi, rows) if grad_like and teach else 0.1
        ylim = options.ylim if panel == options.panels[0] else None
        ylim = dict(options.panel_ylims).get(panel, ylim)
        _finish_axes(ax, curves, panel, lo, hi, below, above, ylim=ylim)
        texts: list = []
        if grad_like and teach:
            texts += shade_dead_zones(ax, curves, lo, hi)
        if panel == "grad" and teach:
            if "saturation" in options.shade:
                notes.append(shade_saturation(ax, curves) or "")
            texts += note_leaks(ax, leaks, lo, hi)
            kinks = mark_kinks(ax, curves)
            if kinks is not None:
                inside.append((ax, kinks, panel, True))
        elif panel == "f" and faint:
            inset_of[id(ax)] = leak_inset(ax, curves, faint, lo, hi)
        panel_texts[id(ax)] = texts
    if options.legend != "none":
        legend = _legend(axes[0], curves)
        inside.append((axes[0], legend, options.panels[0], options.legend != "inside"))
    freeze_layout(fig)
    under: list = []
    right: list = []
    if options.legend == "outside" or (options.legend == "auto" and n > 6):
        ax, legend, _, _ = inside.pop()
        _move_out(fig, legend, under, right)
    lay_out_panels(fig, axes, under, right)
    # Then what goes inside the panels, in the final geometry: the inset where it collides
    # with nothing (or a note instead), labels that fit (others become notes), legends
    # where they hide nothing (or out of the panels). Anything moved out shrinks the panels:
    # lay out again and re-check, until nothing moves.
    insets: dict[int, Any] = {}
    for _ in range(5):
        for ins in insets.values():
            ins.remove()
        insets = {}
        moved = _settle_beside(fig, under, right)
        for ax in axes:
            build = inset_of.get(id(ax))
            if build is None:
                continue
            points, groups = curve_points(ax, curves, "f")
            ins = place_inset(ax, build, points, groups, text_boxes(ax, panel_texts[id(ax)]))
            if ins is None:
                del inset_of[id(ax)]
                notes.append(leak_note(curves, faint, lo))
                moved = True
            else:
                insets[id(ax)] = ins
        for ax in axes:
            keep, dropped = _fitting(ax, panel_texts[id(ax)], insets.get(id(ax)))
            panel_texts[id(ax)] = keep
            for t in dropped:
                notes.append(t.get_text().replace("\n", " "))
                t.remove()
                moved = True
        placed: dict[int, list] = {}  # legends already placed in this pass, per panel
        for item in list(inside):
            ax, legend, panel, movable = item
            points, _ = curve_points(ax, curves, panel)
            boxes = text_boxes(ax, panel_texts[id(ax)]) + placed.get(id(ax), [])
            if id(ax) in insets:
                boxes.append(insets[id(ax)].relucli_box)
            fits = place_legend(ax, legend, points, boxes)
            box = text_boxes(ax, [legend])[0]
            too_big = box[2] - box[0] > 0.96 or box[3] - box[1] > 0.96
            if too_big or (not fits and movable):
                inside.remove(item)
                _move_out(fig, legend, under, right)
                moved = True
            else:
                placed.setdefault(id(ax), []).append(box)
        note_artists = [a for a in under if getattr(a, "relucli_note", False)]
        for text in dict.fromkeys(t for t in notes if t):
            if text not in [a.relucli_note for a in note_artists]:
                note = add_note(fig, text)
                note.relucli_note = text
                under.insert(0, note)
                moved = True
        if not moved:
            break
        lay_out_panels(fig, axes, under, right)
    for ax in axes:
        if id(ax) in insets:
            indicate_leak(ax, insets[id(ax)])
        _pin_title(ax)
    return [a for a in under if getattr(a, "relucli_note", False)]


def _move_out(fig: Figure, legend: Any, under: list, right: list) -> None:
    """Move a legend out of the panels: under them when it fits there in two rows, else
    beside them (wide figures, while the legends beside fit in the height), else under
    them in as many columns as fit; a legend that would still take more than a third of the
    height (dozens of entries) goes to :func:`_long_legend`."""
    renderer = renderer_of(fig)
    below = outside_legend(fig, legend, "under")
    entries = len(below.get_texts())
    rows = math.ceil(entries / max(below._ncols, 1))
    if rows <= 2:
        under.append(below)
        return
    box = below.get_window_extent(renderer)
    beside = outside_legend(fig, below, "right")
    box = beside.get_window_extent(renderer)
    taken = sum(r.get_window_extent(renderer).height for r in right)
    wide = fig.bbox.width >= 1.3 * fig.bbox.height
    if wide and box.width <= 0.3 * fig.bbox.width and taken + box.height <= 0.75 * fig.bbox.height:
        right.append(beside)
        return
    below = outside_legend(fig, beside, "under")
    if below.get_window_extent(renderer).height <= _LONG_LEGEND * fig.bbox.height or right:
        under.append(below)
        return
    _long_legend(fig, below, under, right)


# A legend under the panels may take this share of the height before it is set smaller or
# in columns beside them; its font never goes below _LEGEND_FLOOR points (or the figure's
# own size, in figures too small for that).
_LONG_LEGEND = 1 / 3
_LEGEND_FLOOR = 8.0


def _long_legend(fig: Figure, legend: Any, under: list, right: list) -> None:
    """A legend of dozens of entries: in columns beside the panels (wide figures) or under
    them, at the largest font (stepping down to a legible floor) at which it takes at most
    a third of the height under them, or 45% of the width beside them; failing that, the
    smallest such legend at the floor (the layout check then names a size that works)."""
    import matplotlib
    from matplotlib.font_manager import FontProperties

    renderer = renderer_of(fig)
    W, H = fig.bbox.width, fig.bbox.height
    full = FontProperties(size=matplotlib.rcParams["legend.fontsize"]).get_size_in_points()
    floor = min(full, _LEGEND_FLOOR)
    sizes = [full * k for k in (1.0, 0.88, 0.77, 0.68, 0.6, 0.53) if full * k > floor]
    wide = W >= 1.3 * H
    best = None  # (share of the figure taken, where, font, columns)
    for size in [*sizes, floor]:
        for where in ("right", "under") if wide else ("under", "right"):
            trial = outside_legend(fig, legend, where, fontsize=size, ncols=1)
            entries = len(trial.get_texts())
            if where == "under":
                trial = outside_legend(fig, trial, "under", fontsize=size)
                box = trial.get_window_extent(renderer)
                fits = box.height <= _LONG_LEGEND * H
                share = box.height / H
                cols = trial._ncols
            else:
                # Columns enough to fit the height under a title's room.
                box = trial.get_window_extent(renderer)
                cols = max(1, math.ceil(box.height / (0.85 * H)))
                if cols > 1:
                    trial = outside_legend(fig, trial, "right", fontsize=size, ncols=cols)
                    box = trial.get_window_extent(renderer)
                rows = math.ceil(entries / cols)
                fits = box.width <= 0.45 * W and box.height <= 0.85 * H and rows >= 1
                share = box.width / W
            legend = trial
            if fits:
                (right if where == "right" else under).append(trial)
                return
            if best is None or share < best[0]:
                best = (share, where, size, cols)
    _, where, size, cols = best
    final = outside_legend(fig, legend, where, fontsize=size, ncols=cols)
    (right if where == "right" else under).append(final)


def _settle_beside(fig: Figure, under: list, right: list) -> bool:
    """Legends beside the panels must end above what is under them: move the last one under
    when they reach down that far. Returns whether one moved."""
    if not right or not under:
        return False
    renderer = renderer_of(fig)
    floor = max(item.get_window_extent(renderer).y1 for item in under)
    if right[-1].get_window_extent(renderer).y0 >= floor:
        return False
    under.append(outside_legend(fig, right.pop(), "under"))
    return True


def _fitting(ax: Axes, texts: list, inset: Any) -> tuple[list, list]:
    """Split a panel's labels into those that fit (inside the panel, clear of each other,
    of the tick labels and of the inset) and those that do not."""
    if not texts:
        return [], []
    renderer = renderer_of(ax.figure)
    frame = ax.get_window_extent(renderer)
    taken = [
        t.get_window_extent(renderer)
        for t in ax.get_xticklabels() + ax.get_yticklabels()
        if t.get_text()
    ]
    if inset is not None:
        taken.append(inset.get_tightbbox(renderer))
    keep, dropped = [], []
    for t in texts:
        box = t.get_window_extent(renderer)
        inside = (
            box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1
        )
        clear = not any(box.overlaps(other) for other in taken)
        if inside and clear:
            keep.append(t)
            taken.append(box)
        else:
            dropped.append(t)
    return keep, dropped


def _draw_curve(ax: Axes, c: Curve, panel: str, width: float, zorder: float) -> None:
    base = line_width()
    y = c.f if panel == "f" else c.grad
    x = c.x
    if panel == "grad":
        x, y = break_at_jumps(c)
    if c.band is not None:
        low, high = (c.band[0], c.band[1]) if panel == "f" else (c.band[2], c.band[3])
        ax.fill_between(c.x, low, high, color=c.color, alpha=0.22, lw=0, zorder=zorder - 0.5)
    if c.samples is not None:
        xs, fs, gs = c.samples
        ax.scatter(
            xs,
            fs if panel == "f" else gs,
            s=16 * base / 2.6,
            color=c.color,
            zorder=zorder,
            lw=0,
            label=c.label,
            gid=curve_id(panel, c.act),
        )
        return
    glow_line(
        ax,
        x,
        y,
        color=c.color,
        linestyle=c.linestyle,
        linewidth=base * width,
        glow_zorder=1.8,
        glow_width=base,
        label=c.label,
        gid=curve_id(panel, c.act),
        zorder=zorder,
    )


def curve_id(panel: str, act: Activation) -> str:
    """The SVG id of a curve: ``f-relu``, ``grad-leaky_relu_negative_slope_0.1``."""
    return f"{panel}-" + re.sub(r"[^A-Za-z0-9_.-]", "_", act.spec)


def _finish_axes(
    ax: Axes,
    curves: list[Curve],
    panel: str,
    lo: float,
    hi: float,
    below: float = 0.08,
    above: float = 0.1,
    titled: bool = True,
    ylim: tuple[float, float] | None = None,
) -> None:
    ymin, ymax = data_limits(curves, panel)
    span = (ymax - ymin) or 1.0
    # ``above`` and ``below`` leave room for labels (dead zones above, leak notes below).
    ax.set_xlim(lo, hi)
    ax.set_ylim(ylim or (ymin - below * span, ymax + above * span))
    _axes_through_origin(ax)
    if not titled:  # gallery cells: titled by the caller
        return
    # Plain Unicode, not mathtext: the math parser costs a third of a simple figure's time.
    ax.set_title("activation  f(x)" if panel == "f" else "derivative  f′(x)", loc="left")
    ax.set_xlabel("x", loc="right", labelpad=1, fontstyle="italic")


def _pin_title(ax: Axes) -> None:
    """Keep a panel's title where it is (on top of the panel, as laid out) when drawn.

    At every draw Matplotlib measures every y tick label of the panel and of its inset to
    see whether a title must move up (above x tick labels or an x label on top, or above an
    offset text such as ``1e6`` at the top of the y axis): a fifth of the figure's drawing.
    The panels here have neither on top; where an offset text will show (found as
    Matplotlib finds it, from the final ticks), the title keeps Matplotlib's placement."""
    for each in (ax, *ax.child_axes):
        if each.xaxis.get_ticks_position() in ("top", "unknown"):
            return
        if each.xaxis.get_label_position() == "top":
            return
        formatter = each.yaxis.get_major_formatter()
        formatter.format_ticks(each.yaxis.get_majorticklocs())  # sets the offset, if any
        if formatter.get_offset():
            return
    # y given: Matplotlib stops moving this panel's titles (the same call otherwise).
    ax.set_title(ax.get_title(loc="left"), loc="left", y=1.0)
    if not ax.get_ylabel():
        # Nor place an empty y label beside the tick labels it would measure again.
        ax.yaxis.set_label_coords(0.0, 0.5)


def _axes_through_origin(ax: Axes) -> None:
    """Coordinate axes drawn through (0, 0); tick labels stay on the frame, off the curves."""
    color = ax.spines["bottom"].get_edgecolor()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    if y0 < 0 < y1:
        ax.axhline(0, color=color, lw=1.3, zorder=1.5)
    if x0 < 0 < x1:
        ax.axvline(0, color=color, lw=1.3, zorder=1.5)


def _legend(ax: Axes, curves: list[Curve]) -> Any:
    """One entry per curve; a random-slope band shows as its shading under its line."""
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if ax.get_legend() is not None:
        ax.add_artist(ax.get_legend())  # keep the list of jumps when both share a panel
    by_label = {h.get_label(): h for h in ax.get_lines()}
    handles: list[Any] = []
    for c in curves:
        if c.samples is not None:
            line: Any = Line2D([], [], color=c.color, marker="o", linestyle="")
        else:
            line = by_label[c.label]
        if c.band is not None:
            handles.append((Patch(color=c.color, alpha=0.22, lw=0), line))
        else:
            handles.append(line)
    labels = [c.label for c in curves]
    options = {"handler_map": {tuple: HandlerTuple(ndivide=1)}}
    legend = ax.legend(
        handles,
        labels,
        loc="lower right",  # a fixed spot until placed: "best" would scan every point
        **options,
    )
    for line in legend.get_lines():
        line.set_path_effects(glow_effects(ax.figure, line.get_color(), line.get_linewidth()))
    legend.relucli_source = (handles, labels, options)  # to re-create it under the figure
    return legend


def _draw_grid(fig: Figure, curves: list[Curve], options: PlotOptions, lo, hi) -> None:
    """One small panel per variant (a gallery): f solid, f' dashed, dead zones shaded; a key
    under the panels says which line is f and which f'."""
    n = len(curves)
    width, height = fig.get_size_inches()
    # Columns so that cells come out a little wider than tall on this figure's shape.
    cols = max(1, min(n, math.ceil(math.sqrt(n * (width / height) / 1.2) - 0.15)))
    rows = math.ceil(n / cols)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    both = "f" in options.panels and "grad" in options.panels
    base = line_width()
    teach = not options.clean
    any_dead = False
    # Cells shorter than _GRID_CELL (galleries of dozens of variants) set their texts
    # smaller, down to a floor, share the x tick labels of their column (one x range for
    # all), and keep two or three y ticks: the titles are then the only labels per cell.
    scale = min(1.0, height / rows / _GRID_CELL)
    compact = scale < 1.0
    fs = _font_size()
    title_pt = max(min(fs, _GRID_FLOOR), fs * scale)
    tick_pt = max(min(fs, _GRID_FLOOR - 0.5), 0.85 * title_pt)
    # A cell's title may take the cell's width less its tick labels (about 3 em).
    em = (tick_pt if compact else fs) * fig.dpi / 72
    title_width = fig.bbox.width / cols - (3 * em if compact else 3 * em * 1.5)
    for k, (ax, c) in enumerate(zip(axes, curves)):
        if "f" in options.panels:
            _draw_curve(ax, _solid(c), "f", 1.0, zorder=3)
        if "grad" in options.panels:
            x, g = break_at_jumps(c)
            glow_line(ax, x, g, color=c.color, linestyle="--" if both else "-",
                      lw=base * (0.6 if both else 1.0), zorder=2)  # fmt: skip
        _finish_axes(ax, [c], "both" if both else options.panels[0], lo, hi, titled=False,
                     ylim=options.ylim)  # fmt: skip
        if compact:
            from matplotlib.ticker import MaxNLocator

            title = ax.set_title(c.label, fontsize=title_pt, loc="center", pad=2)
            ax.tick_params(labelsize=tick_pt, pad=1.5, length=2)
            ax.yaxis.set_major_locator(MaxNLocator(3 if scale > 0.45 else 2))
            if k + cols < n:  # a cell below shows this column's x tick labels
                ax.tick_params(labelbottom=False)
        else:
            title = ax.set_title(c.label, fontsize="medium", loc="center")
            ax.tick_params(labelsize="small")
        if compact:
            # A title wider than its cell is set smaller, to the floor, then broken at its
            # spaces; only a word still wider than the cell (sparse_sigmoid) is broken
            # after its underscores (never "α_" / "n" when a space would do).
            wide = title.get_window_extent(renderer_of(fig)).width
            if wide > title_width:
                title.set_fontsize(max(_GRID_FLOOR - 1, title_pt * title_width / wide))
            wrap_artist(title, title_width)
            if title.get_window_extent(renderer_of(fig)).width > title_width:
                broken = wrap_text(c.label.replace("_", "_ "), title_width,
                                   title.get_fontproperties(), renderer_of(fig))  # fmt: skip
                title.set_text(broken.replace("_ ", "_"))
        else:
            wrap_artist(title, title_width)
        if not teach:
            continue
        for a, b in c.act.dead_zone:
            a, b = max(a, lo), min(b, hi)
            if a < b:
                any_dead = True
                ax.axvspan(a, b, color=c.color, alpha=0.13, lw=0, zorder=0.5)
        if faint_curves([c]):
            g = float(c.act.grad(lo / 2))
            if compact:  # one short line inside the cell, clear of the tick labels
                ax.text(0.04, 0.94, f"leak f′ = {g:.2g}", transform=ax.transAxes,
                        fontsize=tick_pt, va="top", color=c.color)  # fmt: skip
            else:
                ax.text(0.04, 0.94, f"leak: f′ = {g:.3g}\n(too small to see)",
                        transform=ax.transAxes, fontsize="small", va="top",
                        color=c.color)  # fmt: skip
    if options.legend != "none":
        _grid_key(fig, options, both, any_dead)
    if compact:
        _thin_cells(fig, axes[:n])


def _grid_key(fig: Figure, options: PlotOptions, both: bool, any_dead: bool) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    base = line_width()
    neutral = "0.5"  # grey reads on every style's background
    # The key always names the curves drawn: f, f' or both (a lone f' panel says so).
    key: list[Any] = []
    if "f" in options.panels:
        key.append(Line2D([], [], color=neutral, lw=base, label="f(x)"))
    if "grad" in options.panels:
        key.append(Line2D([], [], color=neutral, lw=base * (0.6 if both else 1.0),
                          ls="--" if both else "-", label="f′(x)"))  # fmt: skip
    if any_dead:
        key.append(Patch(color=neutral, alpha=0.3, label="dead zone (f′ = 0)"))
    for ncols in range(len(key), 0, -1):
        legend = fig.legend(handles=key, loc="outside lower center", ncols=ncols, frameon=False)
        if ncols == 1 or legend.get_window_extent(renderer_of(fig)).width < 0.96 * fig.bbox.width:
            break
        legend.remove()


# Gallery cells at least this tall (inches) keep the figure's fonts; _GRID_FLOOR: the
# smallest font (points) a smaller cell's title gets.
_GRID_CELL = 2.0
_GRID_FLOOR = 8.0


def _thin_cells(fig: Figure, axes: Sequence[Axes]) -> None:
    """Blank the tick labels of small cells that would overlap a neighbour, once constrained
    layout has sized the cells, and keep that layout (a later one would move the ticks)."""
    import warnings

    with warnings.catch_warnings():  # a figure far too small: require_clean refuses it
        warnings.simplefilter("ignore", UserWarning)
        fig.draw_without_rendering()
    freeze_layout(fig)
    for ax in axes:
        thin_tick_labels(ax)


def _font_size() -> float:
    import matplotlib

    return float(matplotlib.rcParams["font.size"])


def _solid(c: Curve) -> Curve:
    return Curve(c.act, c.color, "-", c.x, c.f, c.grad, c.kinks, c.band, c.samples)


def default_filename(specs: Sequence[str], acts: Sequence[Activation]) -> str:
    """``relucli-<variants>.png`` from the words the user typed (or the default names)."""
    words = list(specs) or [a.name for a in acts]
    stem = "-".join(re.sub(r"[^A-Za-z0-9._]+", "-", w).strip("-") for w in words)
    return f"relucli-{stem}.png"


def write_comparison(
    acts: Sequence[Activation],
    path: str | os.PathLike,
    options: PlotOptions,
    *,
    style: str = "light",
    size: tuple[float, float] = SIZES["16:9"],
    dpi: float = DEFAULT_DPI,
    transparent: bool = False,
    make_folder: bool = False,
) -> Path:
    """Draw the comparison of ``acts`` and write it atomically to ``path``."""
    return write_figure(
        lambda fig: _draw(fig, acts, options),
        path,
        style=style,
        size=size,
        dpi=dpi,
        transparent=transparent,
        make_folder=make_folder,
    )


def show_comparison(
    acts: Sequence[Activation],
    options: PlotOptions,
    *,
    style: str = "light",
    size: tuple[float, float] = SIZES["16:9"],
    dpi: float = DEFAULT_DPI,
) -> None:
    """Open the figure in a window (the only use of pyplot in relucli).

    Raises NoDisplayError when Matplotlib can only draw to files here (no display, or a
    non-interactive MPLBACKEND), instead of returning silently with nothing shown."""
    import matplotlib.pyplot as plt
    from matplotlib.backends import BackendFilter, backend_registry

    backend = plt.get_backend().lower()
    if backend in backend_registry.list_builtin(BackendFilter.NON_INTERACTIVE):
        raise NoDisplayError(
            f"--show needs a window, but Matplotlib's backend here is '{backend}'"
            " (no display?); write a file with -o FILE instead"
        )
    with new_figure(style, size, dpi, window=True) as fig:
        draw_comparison(fig, acts, options)
        plt.show()


__all__ = [
    "DEFAULT_POINTS",
    "DEFAULT_RANGE",
    "LAYOUTS",
    "PANELS",
    "SHADES",
    "PlotOptions",
    "default_filename",
    "draw_comparison",
    "plot_range",
    "sample",
    "sample_grid",
    "show_comparison",
    "style_colors",
    "write_comparison",
]
