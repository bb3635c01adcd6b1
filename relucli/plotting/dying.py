"""The dying-ReLU figure: dead neurons and loss over training, and the lightbulb grid.

Top left, the share of dead hidden neurons per variant over the steps, with the 50% line
past which (the source material says) a network can no longer capture the patterns in its
data. Top right, the loss on a log scale. Below, the "lightbulb grid": one bulb per hidden
neuron at the end of training, one row of bulbs per hidden layer and a block of rows per
variant. A bulb is lit by its firing rate (the share of samples with z > 0); a dead neuron
(f'(z) = 0 for every sample) is a dark, broken bulb with a cross.
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..lab.dying import DyingResult
from ..styles import STYLES
from .figure import DEFAULT_DPI, glow_line, write_figure
from .layout import renderer_of, require_clean, thin_tick_labels, wrap_artist

if TYPE_CHECKING:  # pragma: no cover - typing only; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# A layer wider than this wraps onto more rows of bulbs, so bulbs stay big enough to see.
BULBS_PER_ROW = 32


# Beside the loss axes: curves fill every corner of it at some learning rate.
# Two font sizes from the axes: clear of the last x tick label, which overhangs it.
_LOSS_LEGEND = dict(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize="x-small",
                    frameon=False, handlelength=2.2, borderaxespad=2.0)  # fmt: skip
_SMALLEST_FONT = 5.0  # points: smaller bulb labels are not shrunk further (refused instead)


def draw_dying(fig: Figure, result: DyingResult, scenario: str = "") -> None:
    """Draw ``result`` on ``fig`` (inside new_figure, where the style is active). Raises
    SpecError when the figure is too small to lay out legibly, naming a size that works."""
    _draw_dying(fig, result, scenario)
    require_clean(fig, lambda other: _draw_dying(other, result, scenario))


def _draw_dying(fig: Figure, result: DyingResult, scenario: str = "") -> None:
    looks = STYLES[getattr(fig, "relucli_style", "light")].looks(len(result.runs))
    colors = [color for color, _ in looks]
    # Many variants make many rows of bulbs: the grid grows with them (gently).
    grid = fig.add_gridspec(2, 2, height_ratios=(1.0, 1.2 * max(1.0, math.sqrt(len(looks) / 5))))
    dead_ax = fig.add_subplot(grid[0, 0])
    loss_ax = fig.add_subplot(grid[0, 1])
    bulb_ax = fig.add_subplot(grid[1, :])
    labels = _draw_curves(dead_ax, loss_ax, result, looks)
    bar = _draw_bulbs(fig, bulb_ax, result, colors)
    c, d = result.config, result.dataset
    title = fig.suptitle("Dying ReLU" + (f": {scenario}" if scenario else ""), fontsize="large")
    # The set-up, as the title of the key under the figure (constrained layout stacks no
    # caption under a legend placed outside).
    key = fig.legends[-1]
    key.set_title(
        f"{d.name} ({d.task}), {c.depth}×{c.width} hidden, {c.optimizer} lr {c.lr:g},"
        f" {c.init_scheme.text} init, bias {c.bias_init:g}, {c.steps} steps of"
        f" {min(c.batch, c.samples)}, seed {c.seed}",
        prop={"size": "x-small"},
    )
    key.get_title().set_color("0.5")
    for text in (title, key.get_title()):
        wrap_artist(text, 0.96 * fig.bbox.width)
    _after_layout(fig, dead_ax, loss_ax, bulb_ax, bar, labels)


def _draw_curves(dead_ax: Axes, loss_ax: Axes, result: DyingResult, looks) -> list:
    for run, (color, dash) in zip(result.runs, looks):
        style = (0, dash) if dash else "-"
        glow_line(dead_ax, run.steps, run.dead_pct_history, color=color, linestyle=style,
                  label=run.spec)  # fmt: skip
        loss = np.where(np.isfinite(run.loss) & (run.loss > 0), run.loss, np.nan)
        glow_line(loss_ax, run.steps, loss, color=color, linestyle=style, label=run.spec)
    labels = _label_line_ends(dead_ax, result, [color for color, _ in looks])
    dead_ax.axhline(50, color="0.5", linewidth=1.2, linestyle=(0, (5, 4)), zorder=1)
    # Dozens of lines leave the note no clear spot: the dashed line alone marks 50%.
    if len(result.runs) <= _PANEL_LEGEND:
        _note_half(dead_ax)
    dead_ax.set_ylim(-4, 104)
    dead_ax.set_yticks([0, 25, 50, 75, 100])
    dead_ax.set_title("Dead hidden neurons (f′ = 0 on every sample)", fontsize="medium")
    dead_ax.set_xlabel("training step", fontsize="small")
    dead_ax.set_ylabel("dead %", fontsize="small")
    loss_ax.set_yscale("log")
    task = "cross-entropy" if result.dataset.classes else "mean squared error"
    loss_ax.set_title(f"Training loss ({task})", fontsize="medium")
    loss_ax.set_xlabel("training step", fontsize="small")
    if len(result.runs) <= _PANEL_LEGEND:
        # Columns of at most eight names, so the legend stays within the panel's height.
        loss_ax.legend(ncols=math.ceil(len(result.runs) / 8), **_LOSS_LEGEND)
    else:
        _side_legend(loss_ax)
    for ax in (dead_ax, loss_ax):
        ax.set_xlim(0, result.config.steps)
        # "which=both": a loss range under a decade is labelled by minor ticks on a log axis.
        ax.tick_params(which="both", labelsize="x-small")
    return labels


# Past this many variants the loss legend leaves the panel: a figure legend at the right
# edge, in as many columns as keep it within the figure's height.
_PANEL_LEGEND = 16


def _note_half(ax: Axes) -> None:
    ax.annotate(
        "50%: too few left to capture the patterns",
        xy=(0.02, 50),
        xycoords=("axes fraction", "data"),
        xytext=(0, -4),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize="x-small",
        color="0.5",
    )


def _side_legend(ax: Axes) -> None:
    fig = ax.figure
    handles, labels = ax.get_legend_handles_labels()
    options = dict(loc="outside right center", fontsize="x-small", frameon=False,
                   handlelength=2.2)  # fmt: skip
    legend = fig.legend(handles, labels, ncols=1, **options)
    tall = legend.get_window_extent(renderer_of(fig)).height
    ncols = math.ceil(tall / (0.75 * fig.bbox.height))  # clear of the title above
    if ncols > 1:
        legend.remove()
        fig.legend(handles, labels, ncols=ncols, **options)


def _label_line_ends(ax: Axes, result: DyingResult, colors) -> None:
    """Name each dead-% line where it ends; variants ending at the same value share a label
    (the lines lie on top of each other there, so a legend alone would hide them)."""
    ends: dict[float, list[int]] = {}
    for i, run in enumerate(result.runs):
        ends.setdefault(round(float(run.dead_pct_history[-1]), 1), []).append(i)
    labels = []
    for value, members in ends.items():
        names = ", ".join(result.runs[i].spec for i in members)
        color = colors[members[0] % len(colors)] if len(members) == 1 else "0.45"
        label = ax.annotate(
            f"{names}: {value:g}%",
            xy=(1.0, value),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 5 if value < 90 else -12),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize="x-small",
            color=color,
            bbox=_backing(ax),
            zorder=5,
        )
        label.set_in_layout(False)  # spread apart once laid out (_spread)
        labels.append(label)
    return labels


def _backing(ax: Axes) -> dict:
    # Labels sit on the lines they name: a faint backing keeps them readable.
    return dict(facecolor=ax.get_facecolor(), alpha=0.75, edgecolor="none", pad=1.0)


def _bulb_layout(
    result: DyingResult,
) -> tuple[list[tuple[int, int, int, int]], int, int]:
    """(variant, layer, first row, first column) blocks; total rows; total columns. A blank
    row between variants; past _PANEL_LEGEND variants (dozens of rows), each variant takes
    one row block with its layers side by side, a blank column between them, so the bulbs
    stay large enough to read."""
    width = result.config.width
    cols = min(width, BULBS_PER_ROW)
    rows_per_layer = math.ceil(width / cols)
    depth = max((run.layers for run in result.runs), default=1)
    side = len(result.runs) > _PANEL_LEGEND and depth * (cols + 1) - 1 <= 4 * BULBS_PER_ROW
    blocks, row = [], 0
    for v, run in enumerate(result.runs):
        for layer in range(run.layers):
            if side:
                blocks.append((v, layer, row, layer * (cols + 1)))
            else:
                blocks.append((v, layer, row, 0))
                row += rows_per_layer
        row += rows_per_layer if side else 1
    total_cols = depth * (cols + 1) - 1 if side else cols
    return blocks, row - (0 if side else 1), total_cols


def bulb_positions(result: DyingResult) -> tuple[np.ndarray, np.ndarray]:
    """x, y of every hidden unit's bulb, block by block (run by run, layer by layer: the
    order of the units in the censuses). The still figure and the animation share it."""
    blocks, _, _ = _bulb_layout(result)
    width = result.config.width
    per_row = min(width, BULBS_PER_ROW)
    index = np.arange(width)
    xs = [left + index % per_row for _, _, _, left in blocks]
    ys = [first + index // per_row for _, _, first, _ in blocks]
    return np.concatenate(xs), np.concatenate(ys)


class Bulbs(NamedTuple):
    """What :func:`draw_bulbs` drew, for the colour bar and the key."""

    lit: Any  # the live bulbs, coloured by firing rate (the colour bar's mappable)
    size: float  # marker area, points^2
    edge: str  # the bulbs' edge colour
    cmap: Any  # unlit -> lit
    look: Any  # the style's bulb colours (relucli.styles.Bulbs)


def draw_bulbs(
    fig: Figure,
    ax: Axes,
    x: np.ndarray,
    y: np.ndarray,
    rate: np.ndarray,
    is_dead: np.ndarray,
    cols: int,
    rows: int,
) -> Bulbs:
    """One lightbulb per unit at (x, y) on a grid of ``cols`` x ``rows`` cells: lit by its
    firing rate ``rate`` (with a halo in glowing styles), grey and crossed where ``is_dead``.
    The axes become the bare grid (no ticks on x, no frame, first row on top). Shared by the
    dying and inspect figures, so a bulb means the same in both."""
    from matplotlib.colors import LinearSegmentedColormap

    style = getattr(fig, "relucli_style", "light")
    look = STYLES[style].bulbs
    cmap = LinearSegmentedColormap.from_list("bulb", look.ramp)
    # Marker area from the axes' size in points, so bulbs fill their cells at any size.
    inches = fig.dpi_scale_trans.inverted()
    bbox = ax.get_position().transformed(fig.transFigure).transformed(inches)
    cell = min(bbox.width * 72 / (cols + 1), bbox.height * 72 / (rows + 1))
    size = (0.78 * cell) ** 2
    alive = ~is_dead
    lit = alive & (rate > 0)
    if look.halo and lit.any():  # none lit when every unit died
        ax.scatter(x[lit], y[lit], s=size * 2.6, c=cmap(rate[lit]), alpha=0.18 * rate[lit],
                   linewidths=0, zorder=1)  # fmt: skip
    edge = "0.35" if style == "light" else "0.55"
    lit_artist = ax.scatter(x[alive], y[alive], s=size, c=rate[alive], cmap=cmap, vmin=0,
                            vmax=1, edgecolors=edge, linewidths=0.6, zorder=2)  # fmt: skip
    ax.scatter(x[is_dead], y[is_dead], s=size, color=look.dead, edgecolors=edge,
               linewidths=0.6, zorder=2)  # fmt: skip
    ax.scatter(x[is_dead], y[is_dead], s=size * 0.45, marker="x", color=look.cross,
               linewidths=1.4, zorder=3)  # fmt: skip
    ax.set_xlim(-0.8, cols - 0.2)
    ax.set_ylim(rows - 0.4, -0.6)  # first row on top
    ax.set_xticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return Bulbs(lit_artist, size, edge, cmap, look)


def bulb_colorbar(fig: Figure, ax: Axes, bulbs: Bulbs) -> Any:
    """The firing-rate colour bar beside the bulb grid."""
    bar = fig.colorbar(bulbs.lit, ax=ax, fraction=0.02, pad=0.01, aspect=14)
    bar.set_label("firing rate: share of samples with z > 0", fontsize="x-small")
    bar.ax.tick_params(labelsize="x-small")
    bar.outline.set_visible(False)
    return bar


#: What the key says of a dead bulb and of an unlit live one.
DEAD_KEY = "dead: f′(z) = 0 for every sample, it can no longer learn"
UNLIT_KEY = "unlit but alive: z ≤ 0 for every sample (inactive), yet f′(z) ≠ 0"


def bulb_handles(bulbs: Bulbs) -> tuple[tuple[Any, Any], Any]:
    """Legend handles drawn as the bulbs are: (a dead bulb with its cross), an unlit bulb."""
    from matplotlib.lines import Line2D

    marker = math.sqrt(bulbs.size) * 0.75
    dead_bulb = Line2D([], [], linestyle="none", marker="o", markersize=marker,
                       markerfacecolor=bulbs.look.dead, markeredgecolor=bulbs.edge)  # fmt: skip
    cross = Line2D([], [], linestyle="none", marker="x", markersize=marker * 0.6,
                   color=bulbs.look.cross, markeredgewidth=1.4)  # fmt: skip
    unlit = Line2D([], [], linestyle="none", marker="o", markersize=marker,
                   markerfacecolor=bulbs.cmap(0.0), markeredgecolor=bulbs.edge)  # fmt: skip
    return (dead_bulb, cross), unlit


def _draw_bulbs(fig: Figure, ax: Axes, result: DyingResult, colors) -> Any:
    blocks, total_rows, cols = _bulb_layout(result)
    width = result.config.width
    per_row = min(width, BULBS_PER_ROW)
    x, y = bulb_positions(result)
    rates, dead = [], []
    for v, layer, _, _ in blocks:
        run = result.runs[v]
        units = run.layer_of == layer
        rates.append(run.rate[units])
        dead.append(run.dead[-1][units])
    rate, is_dead = np.concatenate(rates), np.concatenate(dead)

    bulbs = draw_bulbs(fig, ax, x, y, rate, is_dead, cols, total_rows)
    ticks, labels = [], []
    side = any(left for *_, left in blocks)  # layers side by side: the gap shows them
    rows_per_layer = math.ceil(width / per_row)
    for v, run in enumerate(result.runs):
        rows = [first for vv, _, first, _ in blocks if vv == v]
        ticks.append((rows[0] + rows[-1] + rows_per_layer - 1) / 2)
        labels.append(f"{run.spec}\n{run.dead_pct():.0f}% dead")
    ax.set_yticks(ticks, labels)
    ax.tick_params(axis="y", length=0, pad=18 if result.config.depth > 1 and not side else 4)
    for tick, color in zip(ax.get_yticklabels(), colors):
        tick.set_color(color)
    if result.config.depth > 1 and not side:
        ax.relucli_layer_labels = [
            ax.annotate(f"L{layer + 1}", xy=(-0.75, first + (rows_per_layer - 1) / 2),
                        ha="right", va="center", fontsize="x-small", color="0.5",
                        annotation_clip=False)
            for _, layer, first, _ in blocks
        ]  # fmt: skip
    step = int(result.runs[0].steps[-1]) if result.runs else 0
    ax.set_title(
        f"The lightbulb grid after {step} steps: one bulb per hidden neuron, lit by how often"
        " it fires",
        fontsize="medium",
    )
    ax.tick_params(axis="y", labelsize="small")
    bar = bulb_colorbar(fig, ax, bulbs)
    dead_bulb, unlit = bulb_handles(bulbs)
    ax.relucli_key = ([dead_bulb, unlit], [DEAD_KEY, UNLIT_KEY])
    key = _bulb_key(ax, ncols=2)
    if key.get_window_extent(renderer_of(fig)).width > 0.96 * fig.bbox.width:
        key.remove()
        _bulb_key(ax, ncols=1)
    return bar


def _bulb_key(ax: Axes, ncols: int) -> Any:
    # Under the whole figure (constrained layout keeps it inside the canvas).
    handles, labels = ax.relucli_key
    return ax.figure.legend(handles, labels, loc="outside lower center", ncols=ncols,
                            fontsize="x-small", frameon=False)  # fmt: skip


def _after_layout(
    fig: Figure, dead_ax: Axes, loss_ax: Axes, bulb_ax: Axes, bar: Any, labels: list
) -> None:
    """What can only be fitted once constrained layout has sized the panels: line-end
    labels spread apart (or left to the legend when they cannot all fit), bulb-block
    labels on one line when two do not fit, the colour bar's label wrapped to its height,
    overlapping tick labels thinned out."""
    renderer = renderer_of(fig)

    def lay_out() -> None:
        with warnings.catch_warnings():  # a figure far too small: require_clean refuses it
            warnings.simplefilter("ignore", UserWarning)
            fig.draw_without_rendering()

    lay_out()
    for ax in (dead_ax, loss_ax, bulb_ax):  # titles wrap to their panel, once it is sized
        wrap_artist(ax.title, ax.get_window_extent(renderer).width)
    ticks = bulb_ax.get_yticklabels()
    if len(ticks) > 1:
        spacing = abs(
            ticks[1].get_window_extent(renderer).y0 - ticks[0].get_window_extent(renderer).y0
        )
        tallest = max(t.get_window_extent(renderer).height for t in ticks)
        if tallest > 0.95 * spacing:  # "relu\n53% dead" on one line, smaller if need be
            bulb_ax.set_yticks(
                bulb_ax.get_yticks(), [t.get_text().replace("\n", " ") for t in ticks]
            )
            one_line = tallest / (ticks[0].get_text().count("\n") + 1)
            if one_line > 0.95 * spacing:
                size = ticks[0].get_fontsize() * 0.95 * spacing / one_line
                bulb_ax.tick_params(axis="y", labelsize=max(size, _SMALLEST_FONT))
    layer_labels = getattr(bulb_ax, "relucli_layer_labels", [])
    if len(layer_labels) > 1:
        boxes = [t.get_window_extent(renderer) for t in layer_labels]
        if any(a.overlaps(b) for a, b in itertools.pairwise(boxes)):
            for t in layer_labels:  # rows too thin to name: the blocks still show layers
                t.remove()
    lay_out()
    for label in [*labels, *dead_ax.texts]:
        wrap_artist(label, 0.9 * dead_ax.get_window_extent(renderer).width)
    # Dozens of bulb rows on a small figure: rows whose label cannot fit even at the
    # smallest font keep their colour and bulbs, and the loss legend names them.
    for ax in (dead_ax, bulb_ax, *(a for a in fig.axes if a.get_yscale() == "log")):
        thin_tick_labels(ax)
    _spread(dead_ax, labels, renderer)
    # The 50% note goes under its line, or over it, or (both taken by labels) away.
    for note in [t for t in dead_ax.texts if t not in labels]:
        for flip in (False, True, None):
            if flip is None:
                note.remove()
                break
            if flip:
                note.xyann = (0, 4)
                note.set_va("bottom")
            box = note.get_window_extent(renderer)
            if not any(box.overlaps(t.get_window_extent(renderer)) for t in labels if t.axes):
                break
    if bar is not None:
        wrap_artist(bar.ax.yaxis.label, bar.ax.get_window_extent(renderer).height)


def _spread(ax: Axes, labels: list, renderer: Any) -> None:
    """Move line-end labels apart vertically (keeping their order) so none overlaps another;
    when they cannot all fit in the panel's height, remove them: the legend names the lines."""
    if not labels:
        return
    frame = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in labels]
    order = np.argsort([b.y0 for b in boxes])
    gap = 1.0
    if sum(b.height + gap for b in boxes) > frame.height:
        for t in labels:
            t.remove()
        return
    bottom = frame.y0
    shifts = np.zeros(len(labels))
    for i in order:
        y0 = max(boxes[i].y0, bottom)
        shifts[i] = y0 - boxes[i].y0
        bottom = y0 + boxes[i].height + gap
    overflow = bottom - gap - frame.y1
    if overflow > 0:  # pushed past the top: slide the stack down from the top edge
        top = frame.y1
        for i in order[::-1]:
            y1 = min(boxes[i].y1 + shifts[i], top)
            shifts[i] = y1 - boxes[i].y1
            top = y1 - boxes[i].height - gap
    points = 72 / fig_dpi(ax)
    for t, shift in zip(labels, shifts):
        dx, dy = t.xyann
        t.xyann = (dx, dy + shift * points)


def fig_dpi(ax: Axes) -> float:
    return float(ax.figure.dpi)


def write_dying_figure(
    result: DyingResult,
    path: str | os.PathLike,
    *,
    scenario: str = "",
    style: str = "light",
    size: tuple[float, float] | None = None,
    dpi: float = DEFAULT_DPI,
) -> Path:
    """Draw the figure and write it atomically; a missing folder is created."""
    return write_figure(
        lambda fig: _draw_dying(fig, result, scenario), path, style=style, size=size, dpi=dpi
    )


__all__ = ["draw_dying", "write_dying_figure"]
