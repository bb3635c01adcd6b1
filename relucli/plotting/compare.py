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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..activation import Activation
from ..registry import SpecError
from .figure import (
    DEFAULT_DPI,
    SIZES,
    glow_effects,
    glow_line,
    new_figure,
    save_figure,
    style_colors,
)

if TYPE_CHECKING:  # pragma: no cover - typing only; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PANELS: tuple[str, ...] = ("f", "grad")
LAYOUTS: tuple[str, ...] = ("overlay", "grid")
SHADES: tuple[str, ...] = ("saturation",)
DEFAULT_RANGE = (-5.0, 5.0)
# 4001 samples over the range put more than one sample per pixel column of a 4K-wide figure,
# and kinks are in the grid exactly, so corners stay sharp at any size.
DEFAULT_POINTS = 4001
SATURATION = 0.1  # --shade saturation marks |f'(x)| < SATURATION
# A curve whose negative side never leaves this share of the panel height looks flat:
# it gets a magnified inset and a note, so a small leak is visible and said to be magnified.
_FAINT_SHARE = 0.015
_TRAIN_SAMPLES = 161


class NoDisplayError(RuntimeError):
    """--show was asked where no window can open."""


@dataclass(frozen=True)
class PlotOptions:
    """What to draw; the CLI fills it from its options."""

    x_range: tuple[float, float] | None = None  # None: DEFAULT_RANGE, widened to show kinks
    points: int = DEFAULT_POINTS
    panels: tuple[str, ...] = PANELS
    layout: str = "overlay"
    title: str | None = None
    shade: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.points < 2:
            raise SpecError(f"--points must be at least 2, got {self.points}")
        bad = [p for p in self.panels if p not in PANELS]
        if bad or not self.panels:
            raise SpecError(f"unknown panel '{','.join(bad)}' (valid: {', '.join(PANELS)})")
        if self.layout not in LAYOUTS:
            raise SpecError(f"unknown layout '{self.layout}' (valid: {', '.join(LAYOUTS)})")


# ----------------------------------------------------------------------------- sampling


def plot_range(
    acts: Sequence[Activation], x_range: tuple[float, float] | None
) -> tuple[float, float]:
    """The x range: as given, or DEFAULT_RANGE widened (symmetrically) so that every kink
    sits at least a tenth of the range inside it (ReLU6's cap at 6 gives -7..7)."""
    if x_range is not None:
        lo, hi = (float(v) for v in x_range)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise SpecError(f"--range needs finite LO < HI, got {lo:g} {hi:g}")
        return lo, hi
    lo, hi = DEFAULT_RANGE
    margin = 0.1 * (hi - lo)
    kinks = [abs(k) for a in acts for k in a.kinks if math.isfinite(k)]
    reach = max([hi, -lo, *(k + margin for k in kinks)])
    return -reach, reach


def sample_grid(lo: float, hi: float, points: int, kinks: Sequence[float] = ()) -> np.ndarray:
    """Evenly spaced x from lo to hi plus every kink in the range, exactly, sorted."""
    inside = [k for k in kinks if lo < k < hi]
    return np.unique(np.concatenate([np.linspace(lo, hi, points), np.asarray(inside, float)]))


@dataclass(frozen=True)
class Kink:
    x: float
    left: float  # f'(x-)
    right: float  # f'(x+)
    at: float  # f'(x) under the activation's convention
    value: float  # f(x)


@dataclass
class Curve:
    """One activation sampled for drawing."""

    act: Activation
    color: str
    linestyle: str
    x: np.ndarray
    f: np.ndarray
    grad: np.ndarray
    kinks: list[Kink] = field(default_factory=list)
    # (f lower, f upper, f' lower, f' upper) over x, for random-slope variants
    band: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    # training-mode samples (x, f, f') drawn as points
    samples: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def label(self) -> str:
        return self.act.label


def _eval_twin(act: Activation, **params: Any) -> Activation:
    """The same activation in eval mode, optionally with some parameters replaced."""
    return Activation(act.variant, {**act.params, **params}, convention=act.convention)


def sample(
    acts: Sequence[Activation], lo: float, hi: float, points: int, style: str
) -> list[Curve]:
    """Sample every activation on one shared grid (all kinks included), colours from style."""
    import matplotlib
    import matplotlib.style

    from .figure import _style_sheet

    with matplotlib.style.context(_style_sheet(style)):
        cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()
    colors = cycle["color"]
    dashes = cycle.get("linestyle", ["-"])
    x = sample_grid(lo, hi, points, [k for a in acts for k in a.kinks])
    curves = []
    for i, act in enumerate(acts):
        smooth = _eval_twin(act) if act.train else act
        f, g = smooth.value_and_grad(x)
        kinks = []
        for k in smooth.kinks:
            if lo <= k <= hi:
                left, right = smooth.one_sided(k)
                kinks.append(Kink(k, left, right, float(smooth.grad(k)), float(smooth(k))))
        curve = Curve(act, colors[i % len(colors)], dashes[i % len(dashes)], x, f, g, kinks)
        if act.variant.band is not None:
            lower, upper = act.variant.band
            low = _eval_twin(act, **{upper: act.params[lower]})
            high = _eval_twin(act, **{lower: act.params[upper]})
            (f_lo, g_lo), (f_hi, g_hi) = low.value_and_grad(x), high.value_and_grad(x)
            curve.band = (np.minimum(f_lo, f_hi), np.maximum(f_lo, f_hi), g_lo, g_hi)
        if act.train:
            xs = np.linspace(lo, hi, _TRAIN_SAMPLES)
            fs, gs = act.value_and_grad(xs)
            curve.samples = (xs, fs, gs)
        curves.append(curve)
    return curves


# ----------------------------------------------------------------------------- drawing


def draw_comparison(fig: Figure, acts: Sequence[Activation], options: PlotOptions) -> None:
    """Draw the comparison (overlay) or gallery (grid) of ``acts`` into ``fig``.

    Call inside :func:`relucli.plotting.figure.new_figure` so the style is active."""
    if not acts:
        raise SpecError("nothing to plot: give at least one variant")
    style = getattr(fig, "relucli_style", "light")
    lo, hi = plot_range(acts, options.x_range)
    curves = sample(acts, lo, hi, options.points, style)
    if options.title:  # first: the overlay freezes its layout once drawn
        fig.suptitle(options.title)
    if options.layout == "grid":
        _draw_grid(fig, curves, options, lo, hi)
    else:
        _draw_overlay(fig, curves, options, lo, hi)


def _draw_overlay(fig: Figure, curves: list[Curve], options: PlotOptions, lo, hi) -> None:
    axes = fig.subplots(1, len(options.panels), squeeze=False)[0]
    width, height = fig.get_size_inches()
    rows = len(axes) if width < height else 1  # portrait figures stack their panels
    n = len(curves)
    faint = _faint_curves(curves)
    leaks = [c for c in curves if id(c) in faint]
    # Where curves coincide (x > 0 for the whole ReLU family) the earlier ones are drawn
    # wider underneath, so every colour stays visible as a stripe.
    stripes = 1 < n <= 5 and _coincide(curves)
    curve_legend_ax = axes[0]
    # (axes, legend, panel, texts and boxes to avoid, may move under the figure)
    placed: list[tuple[Axes, Any, str, list, bool]] = []
    for ax, panel in zip(axes, options.panels):
        for i, c in enumerate(curves):
            width = 1.0 + (0.9 * (n - 1 - i) / (n - 1) if stripes else 0.0)
            _draw_curve(ax, c, panel, width, zorder=2 + i)
        # Dead zones go on the derivative panel, or on f(x) when it is drawn alone.
        grad_like = panel == "grad" or "grad" not in options.panels
        below = 0.08 + (0.16 * len(leaks) if panel == "grad" else 0.0)
        above = _zone_headroom(fig, curves, lo, hi, rows) if grad_like else 0.1
        _finish_axes(ax, curves, panel, lo, hi, below, above)
        avoid: list = []
        if grad_like:
            avoid += _shade_dead_zones(ax, curves, lo, hi)
        if panel == "grad":
            if "saturation" in options.shade:
                avoid += _shade_saturation(ax, curves)
            avoid += _note_leaks(ax, leaks, lo, hi)
            kinks = _mark_kinks(ax, curves)
            if kinks is not None:
                placed.append((ax, kinks, panel, avoid, True))
        else:
            avoid += _leak_inset(ax, curves, faint, lo, hi)
        if ax is curve_legend_ax:
            legend = _legend(ax, curves)
            placed.append((ax, legend, panel, avoid, False))
    # Legends last, each where it covers nothing already drawn (nor an earlier legend).
    # The list of jumps moves under the figure when its panel has no free spot for it; the
    # curves' legend stays on its panel unless it is wider than the panel (small figures).
    # Lay the panels out first, so sizes measured in axes fractions are final; legends
    # that may move go first, since moving one changes the layout again.
    _freeze_layout(fig)
    under: list = []
    _lay_out_panels(fig, axes, under)
    placed.sort(key=lambda item: not item[4])
    for ax, legend, panel, avoid, movable in placed:
        boxes = [b if isinstance(b, tuple) else _text_boxes(ax, [b])[0] for b in avoid]
        fits = _place_legend(ax, legend, _curve_points(ax, curves, panel), boxes)
        too_wide = _text_boxes(ax, [legend])[0][2] - _text_boxes(ax, [legend])[0][0] > 0.96
        if too_wide or (not fits and movable):
            under.append(_move_under_figure(fig, legend))
            _lay_out_panels(fig, axes, under)
        else:
            avoid.append(legend)


def _lay_out_panels(fig: Figure, axes, under: list) -> None:
    """Place side-by-side panels so that no tick label, title or axis name is clipped.

    The margins are the measured sizes of the texts around the axes (tick labels, title,
    axis name, the suptitle, a legend ``under`` the panels), as constrained layout would
    find them, but measured once: the same measurements are reused when the figure is
    drawn, where constrained layout would cost a third of a simple figure's time."""
    import matplotlib

    rc = matplotlib.rcParams
    dpi = fig.dpi
    renderer = fig.canvas.get_renderer()
    width, height = fig.get_size_inches() * 72  # points
    pad = 0.08 * 72  # the padding constrained layout uses (figure.constrained_layout.*_pad)

    def size(text: str, artist_like) -> tuple[float, float]:
        """Width and line height in points; like Matplotlib, a line is never less tall
        than "lp" (ascender to descender), whatever its letters."""
        if not text:
            return 0.0, 0.0
        prop = artist_like.get_fontproperties()
        w, h, d = renderer.get_text_width_height_descent(text, prop, ismath=False)
        _, lh, ld = renderer.get_text_width_height_descent("lp", prop, ismath=False)
        return w * 72 / dpi, max(h - d, lh - ld) * 72 / dpi + max(d, ld) * 72 / dpi

    def tick_labels(axis, lo: float, hi: float) -> list[str]:
        locs = [v for v in axis.get_majorticklocs() if lo <= v <= hi]
        return [t for t in axis.get_major_formatter().format_ticks(locs) if t]

    tick = rc["ytick.major.size"] + rc["ytick.major.pad"]
    sample_tick = axes[0].xaxis.get_major_ticks()[0].label1
    title_h = max(size(ax.title.get_text() or "Mg", ax.title)[1] for ax in axes)
    title_h += rc["axes.titlepad"]
    below_h = tick + size("0", sample_tick)[1] + axes[0].xaxis.labelpad
    below_h += size("x", axes[0].xaxis.label)[1]
    top = pad
    if fig._suptitle is not None:
        top += size(fig._suptitle.get_text(), fig._suptitle)[1] + pad
    bottom = pad
    for legend in under:  # stacked upwards from the bottom edge
        legend.set_bbox_to_anchor((0.5, bottom / height), transform=fig.transFigure)
        bottom += legend.get_window_extent(renderer).height * 72 / dpi + pad
    # Side by side, except in portrait figures, where panels would be too narrow: stacked.
    stacked = len(axes) > 1 and width < height  # as _draw_overlay expects
    # Twice: tick positions (and so their labels) depend on the panels' size.
    for _ in range(2):
        lefts, overhangs = [], []
        for ax in axes:
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            label_w = [size(t, sample_tick)[0] for t in tick_labels(ax.yaxis, y0, y1)]
            lefts.append(pad + tick + max(label_w, default=0.0))
            last = tick_labels(ax.xaxis, x0, x1)
            overhangs.append(size(last[-1], sample_tick)[0] / 2 if last else 0.0)
        if stacked:
            left, right = max(lefts), pad + max(overhangs)
            panel_w = width - left - right
            panel_h = (height - top - bottom - len(axes) * (title_h + below_h)) / len(axes)
            y = height - top
            for ax in axes:
                y -= title_h + panel_h
                ax.set_position([left / width, y / height, panel_w / width, panel_h / height])
                y -= below_h
            continue
        gaps = [overhangs[i] + pad + lefts[i + 1] for i in range(len(axes) - 1)]
        panel_w = (width - lefts[0] - pad - overhangs[-1] - sum(gaps)) / len(axes)
        panel_h = height - top - title_h - bottom - below_h
        x = lefts[0]
        for i, ax in enumerate(axes):
            box = [x / width, (bottom + below_h) / height, panel_w / width, panel_h / height]
            ax.set_position(box)
            x += panel_w + (gaps[i] if i < len(gaps) else 0.0)


def _freeze_layout(fig: Figure) -> None:
    """Keep the layout just computed: savefig would otherwise lay the figure out again (a
    third of the time of a simple figure). Nothing added afterwards changes the margins."""
    import matplotlib

    # set_layout_engine(None) consults these rcParams; with both off it removes the engine.
    with matplotlib.rc_context(
        {"figure.constrained_layout.use": False, "figure.autolayout": False}
    ):
        fig.set_layout_engine(None)


_LEGEND_SPOTS = (
    "lower right",
    "upper right",
    "center right",
    "lower left",
    "upper left",
    "center left",
    "lower center",
    "upper center",
)


def _move_under_figure(fig: Figure, legend) -> Any:
    """Re-create an axes legend as a figure legend under the panels, in columns."""
    handles, labels, options = legend.relucli_source
    colors = [t.get_color() for t in legend.get_texts()]
    title = legend.get_title().get_text().replace("\n", ": ")
    legend.remove()
    renderer = fig.canvas.get_renderer()
    # As many columns (up to 3) as fit across the figure.
    for ncols in range(min(3, len(labels)), 0, -1):
        moved = fig.legend(
            handles,
            labels,
            title=(title if ncols > 1 else title.replace(": ", "\n")) or None,
            loc="lower center",
            ncols=ncols,
            frameon=False,
            **options,
        )
        if ncols == 1 or moved.get_window_extent(renderer).width < 0.96 * fig.bbox.width:
            break
        moved.remove()
    for text, color in zip(moved.get_texts(), colors):
        text.set_color(color)
    for line in moved.get_lines():
        line.set_path_effects(glow_effects(fig, line.get_color(), line.get_linewidth()))
    return moved


def _curve_points(ax: Axes, curves: list[Curve], panel: str) -> np.ndarray:
    """Every drawn point of the curves (bands and kink markers too) in axes fractions."""
    xs, ys = [], []
    for c in curves:
        step = max(1, c.x.size // 400)
        x = c.x[::step]
        ys_c = [c.f if panel == "f" else c.grad]
        if c.band is not None:
            low, high = (c.band[0], c.band[1]) if panel == "f" else (c.band[2], c.band[3])
            ys_c += [low, high, (low + high) / 2]
        for y in ys_c:
            xs.append(x)
            ys.append(y[::step])
        for k in c.kinks:
            xs.append(np.array([k.x, k.x, k.x]))
            ys.append(np.array([k.left, k.right, k.at]))
    x, y = np.concatenate(xs), np.concatenate(ys)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return np.column_stack([(x - x0) / (x1 - x0), (y - y0) / (y1 - y0)])


def _text_boxes(ax: Axes, artists: list) -> list[tuple[float, float, float, float]]:
    """Window extents of ``artists`` (texts, inset axes) as axes-fraction boxes."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    out = []
    for artist in artists:
        box = artist.get_window_extent(renderer)
        out.append(
            (
                (box.x0 - frame.x0) / frame.width,
                (box.y0 - frame.y0) / frame.height,
                (box.x1 - frame.x0) / frame.width,
                (box.y1 - frame.y0) / frame.height,
            )
        )
    return out


def _place_legend(ax: Axes, legend, points: np.ndarray, boxes: list) -> bool:
    """Put ``legend`` in the first spot (in order of preference) that covers no curve,
    marker, label or inset and return True; when every spot covers something, put it in the
    one covering least and return False."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    size = legend.get_window_extent(renderer)
    w, h = 1.04 * size.width / frame.width, 1.04 * size.height / frame.height
    pad, clear = 0.02, 0.01  # clear: keep this far from any point
    scores = []
    for spot in _LEGEND_SPOTS:
        x0 = pad if "left" in spot else 1 - pad - w if "right" in spot else 0.5 - w / 2
        y0 = pad if "lower" in spot else 1 - pad - h if "upper" in spot else 0.5 - h / 2
        x1, y1 = x0 + w, y0 + h
        inside = (points[:, 0] > x0 - clear) & (points[:, 0] < x1 + clear)
        inside &= (points[:, 1] > y0 - clear) & (points[:, 1] < y1 + clear)
        covered = int(np.count_nonzero(inside))
        covered += sum(
            100 for a0, b0, a1, b1 in boxes if a0 < x1 and x0 < a1 and b0 < y1 and y0 < b1
        )
        if covered == 0:
            legend.set_loc(spot)
            return True
        scores.append(covered)
    legend.set_loc(_LEGEND_SPOTS[int(np.argmin(scores))])
    return False


def _coincide(curves: list[Curve], share: float = 0.1) -> bool:
    """Whether two curves are drawn on top of each other over a tenth of the range."""
    for i, a in enumerate(curves):
        for b in curves[i + 1 :]:
            if np.mean(np.isclose(a.f, b.f, rtol=0, atol=1e-9)) >= share:
                return True
    return False


def _draw_curve(ax: Axes, c: Curve, panel: str, width: float, zorder: float) -> None:
    base = _line_width()
    y = c.f if panel == "f" else c.grad
    x = c.x
    if panel == "grad":
        x, y = _break_at_jumps(c)
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


def _line_width() -> float:
    import matplotlib

    return float(matplotlib.rcParams["lines.linewidth"])


def _break_at_jumps(c: Curve) -> tuple[np.ndarray, np.ndarray]:
    """f' with a gap at every jump: the left limit, a break, then the right limit."""
    jumps = [k for k in c.kinks if k.left != k.right]
    if not jumps:
        return c.x, c.grad
    x, y = c.x.copy(), c.grad.copy()
    for k in jumps:
        i = int(np.searchsorted(x, k.x))
        x = np.insert(x, [i, i], [k.x, k.x])
        y = np.insert(y, [i, i], [k.left, np.nan])
        y[i + 2] = k.right
    return x, y


def _data_limits(curves: list[Curve], panel: str) -> tuple[float, float]:
    """The smallest and largest value drawn (bands included), always spanning 0."""
    values = [c.f if panel == "f" else c.grad for c in curves]
    if panel == "both":
        values = [c.f for c in curves] + [c.grad for c in curves]
        panel = "f"
    for c in curves:
        if c.band is not None:
            values += list(c.band[:2] if panel == "f" else c.band[2:])
        if c.samples is not None:
            values.append(c.samples[1] if panel == "f" else c.samples[2])
    finite = np.concatenate([v[np.isfinite(v)] for v in values])
    return float(min(finite.min(), 0.0)), float(max(finite.max(), 0.0))


def _finish_axes(
    ax: Axes,
    curves: list[Curve],
    panel: str,
    lo: float,
    hi: float,
    below: float = 0.08,
    above: float = 0.1,
    titled: bool = True,
) -> None:
    ymin, ymax = _data_limits(curves, panel)
    span = (ymax - ymin) or 1.0
    # ``above`` and ``below`` leave room for labels (dead zones above, leak notes below).
    ax.set_xlim(lo, hi)
    ax.set_ylim(ymin - below * span, ymax + above * span)
    _axes_through_origin(ax)
    if not titled:  # gallery cells: titled by the caller
        return
    # Plain Unicode, not mathtext: the math parser costs a third of a simple figure's time.
    ax.set_title("activation  f(x)" if panel == "f" else "derivative  f′(x)", loc="left")
    ax.set_xlabel("x", loc="right", labelpad=1, fontstyle="italic")


def _axes_through_origin(ax: Axes) -> None:
    """Coordinate axes drawn through (0, 0); tick labels stay on the frame, off the curves."""
    color = ax.spines["bottom"].get_edgecolor()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    if y0 < 0 < y1:
        ax.axhline(0, color=color, lw=1.3, zorder=1.5)
    if x0 < 0 < x1:
        ax.axvline(0, color=color, lw=1.3, zorder=1.5)


def _dead_zones(curves: list[Curve], lo: float, hi: float) -> dict[tuple[float, float], list]:
    """Distinct zero-gradient intervals in view -> the curves that have them."""
    zones: dict[tuple[float, float], list[Curve]] = {}
    for c in curves:
        for a, b in c.act.dead_zone:
            a, b = max(a, lo), min(b, hi)
            if a < b:
                zones.setdefault((a, b), []).append(c)
    return zones


def _shade_dead_zones(ax: Axes, curves: list[Curve], lo: float, hi: float) -> list:
    """Shade each variant's zero-gradient intervals and label them "dead zone".

    Labels stack down from the top of the panel, one per distinct interval, so overlapping
    zones (relu's x < 0 and hardswish's x < -3) keep readable labels. A wide zone is labelled
    at its middle; a narrow one at its edge, reading inward."""
    import matplotlib

    zones = _dead_zones(curves, lo, hi)
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


def _zone_headroom(fig: Figure, curves: list[Curve], lo: float, hi: float, rows: int) -> float:
    """Share of the derivative panel's data span to leave above the curves for zone labels
    (an estimate made before layout: the panel is about 3/4 of the figure's height)."""
    import matplotlib

    lines = sum(1 + ((b - a) >= 0.3 * (hi - lo)) for a, b in _dead_zones(curves, lo, hi))
    if not lines:
        return 0.1
    label_pts = (1.3 * lines + 0.7) * 1.3 * matplotlib.rcParams["font.size"]
    panel_pts = fig.get_size_inches()[1] * 72 * 0.75 / rows
    share = label_pts / panel_pts  # of the panel's height, to keep free at its top
    return 0.06 + share / max(1.0 - share, 0.2)


def _shade_saturation(ax: Axes, curves: list[Curve]) -> list:
    """Hatch where 0 < |f'| < SATURATION (exact zeros are the dead zones, shaded apart)."""
    hatched = False
    for c in curves:
        weak = (np.abs(c.grad) < SATURATION) & (c.grad != 0)
        if weak.any():
            hatched = True
            ax.fill_between(
                c.x,
                0,
                1,
                where=weak,
                transform=ax.get_xaxis_transform(),
                facecolor="none",
                edgecolor=c.color,
                alpha=0.35,
                hatch="//",
                lw=0,
                zorder=0.4,
            )
    if not hatched:
        return []
    return [
        ax.text(
            0.985,
            0.965,
            f"hatched: saturation, 0 < |f′| < {SATURATION:g}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize="small",
            zorder=10,
        )
    ]


def _mark_kinks(ax: Axes, curves: list[Curve]) -> Any:
    """At each jump of f': open circles at the one-sided limits and a filled dot at the value
    the convention uses; a legend (placed where it covers least) lists the values."""
    from matplotlib.lines import Line2D

    handles, labels, colors = [], [], []
    face = ax.get_facecolor()
    size = (_line_width() * 2.9) ** 2
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
                lw=_line_width() * 0.8,
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


def _faint_curves(curves: list[Curve]) -> dict[int, float]:
    """Curves whose negative side is not zero yet would look flat in the f(x) panel:
    id(curve) -> the largest |f(x)| for x < 0 in view."""
    ymin, ymax = _data_limits(curves, "f")
    span = ymax - ymin
    out = {}
    for c in curves:
        neg = c.x < 0
        if neg.any():
            m = float(np.nanmax(np.abs(c.f[neg])))
            if 0 < m < _FAINT_SHARE * span:
                out[id(c)] = m
    return out


def _note_leaks(ax: Axes, faint: list[Curve], lo: float, hi: float) -> list:
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
            arrowprops=dict(arrowstyle="-", color=c.color, lw=_line_width() * 0.4),
            zorder=22,
        )
        notes.append(note)
    return notes


_NICE = tuple(m * 10**e for e in range(5) for m in (1, 1.5, 2, 3, 5, 7.5) if m * 10**e >= 2)


def _leak_inset(ax: Axes, curves: list[Curve], faint: dict[int, float], lo, hi) -> list:
    """A magnified inset near the origin when some curve's negative side is too flat to see.

    The y magnification is a round number and is written in the inset's title."""
    if not faint:
        return []
    names = ", ".join(c.act.name for c in curves if id(c) in faint)
    panel_width = ax.figure.get_size_inches()[0] * ax.get_position().width
    if panel_width < 3.2:  # too narrow for an inset to be read: say it in words
        values = ", ".join(
            f"f({lo:g}) = {float(c.f[0]):.3g}".replace("-", "\N{MINUS SIGN}")
            for c in curves
            if id(c) in faint
        )
        note = ax.text(
            0.04,
            0.96,
            f"{names} leaks:\n{values}\n(too small to see here)",
            transform=ax.transAxes,
            va="top",
            fontsize="small",
            color=next(c.color for c in curves if id(c) in faint),
            zorder=22,
        )
        return [note]
    from matplotlib.ticker import MaxNLocator

    m = max(faint.values())
    height = 0.34
    bounds = [0.08, 0.54, 0.36, height]
    y0, y1 = ax.get_ylim()
    # Magnification = (main y units per axes height) / (inset y units per inset height);
    # pick the largest round value that still leaves the leak filling ~40% of the inset.
    wanted = (y1 - y0) * height / (2.5 * m)
    zoom = max([z for z in _NICE if z <= wanted], default=2)
    inset_span = (y1 - y0) * height / zoom
    ins = ax.inset_axes(bounds, zorder=15)
    ins.set_facecolor(ax.get_facecolor())
    for i, c in enumerate(curves):
        ins.plot(
            c.x, c.f, color=c.color, linestyle=c.linestyle, lw=_line_width() * 0.8, zorder=2 + i
        )
    ins.set_xlim(lo, 0.12 * (hi - lo))
    ins.set_ylim(-0.72 * inset_span, 0.28 * inset_span)
    ins.axhline(0, color=ax.spines["bottom"].get_edgecolor(), lw=0.8, zorder=1)
    ins.axvline(0, color=ax.spines["bottom"].get_edgecolor(), lw=0.8, zorder=1)
    # No y tick labels (at slide sizes they would crowd the panel's own): the value at the
    # left end of each faint curve gives the scale instead.
    ins.tick_params(labelsize="x-small", left=False, labelleft=False)
    ins.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    ins.grid(False)
    for c in curves:
        if id(c) in faint:
            ins.annotate(
                f"f({lo:g}) = {float(c.f[0]):.3g}".replace("-", "\N{MINUS SIGN}"),
                xy=(lo, float(c.f[0])),
                xytext=(3, -4),  # under the line's left end, where nothing else is drawn
                textcoords="offset points",
                color=c.color,
                fontsize="x-small",
                va="top",
            )
    backing = dict(facecolor=ax.get_facecolor(), alpha=0.8, edgecolor="none", pad=1.0)
    ins.set_title(
        f"the {names} leak\n(y magnified ×{zoom:g})", fontsize="small", loc="left", bbox=backing
    )
    ax.indicate_inset_zoom(ins, edgecolor=ax.spines["bottom"].get_edgecolor(), alpha=0.7)
    # The inset and its two-line title, in axes fractions, for placing the legend.
    x0, y0, w, h = bounds
    return [(x0 - 0.02, y0 - 0.06, x0 + w, min(1.0, y0 + h + 0.14))]


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
    """One small panel per variant (a gallery): f solid, f' dashed, dead zones shaded."""
    n = len(curves)
    width, height = fig.get_size_inches()
    # Columns so that cells come out a little wider than tall on this figure's shape.
    cols = max(1, min(n, math.ceil(math.sqrt(n * (width / height) / 1.2) - 0.15)))
    rows = math.ceil(n / cols)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    both = "f" in options.panels and "grad" in options.panels
    base = _line_width()
    any_dead = False
    for ax, c in zip(axes, curves):
        if "f" in options.panels:
            _draw_curve(ax, _solid(c), "f", 1.0, zorder=3)
        if "grad" in options.panels:
            x, g = _break_at_jumps(c)
            glow_line(
                ax,
                x,
                g,
                color=c.color,
                linestyle="--" if both else "-",
                lw=base * (0.6 if both else 1.0),
                zorder=2,
            )
        _finish_axes(ax, [c], "both" if both else options.panels[0], lo, hi, titled=False)
        # Long labels (rrelu (l=0.125, u=1/3)) break before their parameters.
        title = c.label if len(c.label) <= 18 else c.label.replace(" (", "\n(", 1)
        ax.set_title(title, fontsize="medium", loc="center")
        ax.tick_params(labelsize="small")
        for a, b in c.act.dead_zone:
            a, b = max(a, lo), min(b, hi)
            if a < b:
                any_dead = True
                ax.axvspan(a, b, color=c.color, alpha=0.13, lw=0, zorder=0.5)
        if _faint_curves([c]):
            g = float(c.act.grad(lo / 2))
            ax.text(
                0.04,
                0.94,
                f"leak: f′ = {g:.3g}\n(too small to see)",
                transform=ax.transAxes,
                fontsize="small",
                va="top",
                color=c.color,
            )
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    neutral = "0.5"  # grey reads on every style's background
    key: list[Any] = []
    if both:
        key += [
            Line2D([], [], color=neutral, lw=base, label="f(x)"),
            Line2D([], [], color=neutral, lw=base * 0.6, ls="--", label="f′(x)"),
        ]
    if any_dead:
        key.append(Patch(color=neutral, alpha=0.3, label="dead zone (f′ = 0)"))
    if key:
        fig.legend(handles=key, loc="outside lower center", ncols=len(key), frameon=False)


def _solid(c: Curve) -> Curve:
    return Curve(c.act, c.color, "-", c.x, c.f, c.grad, c.kinks, c.band, c.samples)


# ----------------------------------------------------------------------------- entry points


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
    with new_figure(style, size, dpi) as fig:
        draw_comparison(fig, acts, options)
        return save_figure(fig, path, transparent=transparent, make_folder=make_folder)


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
