"""The dying-ReLU figure: dead neurons and loss over training, and the lightbulb grid.

Top left, the share of dead hidden neurons per variant over the steps, with the 50% line
past which (the source material says) a network can no longer capture the patterns in its
data. Top right, the loss on a log scale. Below, the "lightbulb grid": one bulb per hidden
neuron at the end of training, one row of bulbs per hidden layer and a block of rows per
variant. A bulb is lit by its firing rate (the share of samples with z > 0); a dead neuron
(f'(z) = 0 for every sample) is a dark, broken bulb with a cross.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..lab.dying import DyingResult
from .figure import DEFAULT_DPI, SIZES, glow_line, new_figure, save_figure, style_colors

if TYPE_CHECKING:  # pragma: no cover - typing only; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# A layer wider than this wraps onto more rows of bulbs, so bulbs stay big enough to see.
BULBS_PER_ROW = 32
# Bulb colours by style: unlit glass -> amber -> white-hot; dead bulbs and their cross.
_BULBS = {
    "light": {"ramp": ("#e4e0d6", "#f2a900", "#ff6a00"), "dead": "#1c1c1c", "cross": "#d62728"},
    "dark": {"ramp": ("#3a3f4b", "#f2a900", "#fff4c2"), "dead": "#2b0f0f", "cross": "#ff5a5a"},
    "neon": {"ramp": ("#1b2540", "#ffd23f", "#fffbe6"), "dead": "#2a0d22", "cross": "#ff4fd8"},
}
_GLOWING = frozenset({"dark", "neon"})


def draw_dying(fig: Figure, result: DyingResult, scenario: str = "") -> None:
    """Draw ``result`` on ``fig`` (inside new_figure, where the style is active)."""
    colors = style_colors()
    grid = fig.add_gridspec(2, 2, height_ratios=(1.0, 1.2))
    dead_ax = fig.add_subplot(grid[0, 0])
    loss_ax = fig.add_subplot(grid[0, 1])
    bulb_ax = fig.add_subplot(grid[1, :])
    _draw_curves(dead_ax, loss_ax, result, colors)
    _draw_bulbs(fig, bulb_ax, result, colors)
    c, d = result.config, result.dataset
    fig.suptitle("Dying ReLU" + (f": {scenario}" if scenario else ""), fontsize="large")
    fig.supxlabel(
        f"{d.name} ({d.task}), {c.depth}×{c.width} hidden, {c.optimizer} lr {c.lr:g},"
        f" {c.init_scheme.text} init, bias {c.bias_init:g}, {c.steps} steps of"
        f" {min(c.batch, c.samples)}, seed {c.seed}",
        fontsize="x-small",
        color="0.5",
    )


def _draw_curves(dead_ax: Axes, loss_ax: Axes, result: DyingResult, colors) -> None:
    for i, run in enumerate(result.runs):
        color = colors[i % len(colors)]
        glow_line(dead_ax, run.steps, run.dead_pct_history, color=color, label=run.spec)
        loss = np.where(np.isfinite(run.loss) & (run.loss > 0), run.loss, np.nan)
        glow_line(loss_ax, run.steps, loss, color=color, label=run.spec)
    _label_line_ends(dead_ax, result, colors)
    dead_ax.axhline(50, color="0.5", linewidth=1.2, linestyle=(0, (5, 4)), zorder=1)
    dead_ax.annotate(
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
    dead_ax.set_ylim(-4, 104)
    dead_ax.set_yticks([0, 25, 50, 75, 100])
    dead_ax.set_title("Dead hidden neurons (f′ = 0 on every sample)", fontsize="medium")
    dead_ax.set_xlabel("training step", fontsize="small")
    dead_ax.set_ylabel("dead %", fontsize="small")
    loss_ax.set_yscale("log")
    task = "cross-entropy" if result.dataset.classes else "mean squared error"
    loss_ax.set_title(f"Training loss ({task})", fontsize="medium")
    loss_ax.set_xlabel("training step", fontsize="small")
    # Beside the axes: curves fill every corner of it at some learning rate.
    loss_ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="x-small",
                   frameon=False, handlelength=2.2)  # fmt: skip
    for ax in (dead_ax, loss_ax):
        ax.set_xlim(0, result.config.steps)
        # "which=both": a loss range under a decade is labelled by minor ticks on a log axis.
        ax.tick_params(which="both", labelsize="x-small")


def _label_line_ends(ax: Axes, result: DyingResult, colors) -> None:
    """Name each dead-% line where it ends; variants ending at the same value share a label
    (the lines lie on top of each other there, so a legend alone would hide them)."""
    ends: dict[float, list[int]] = {}
    for i, run in enumerate(result.runs):
        ends.setdefault(round(float(run.dead_pct_history[-1]), 1), []).append(i)
    for value, members in ends.items():
        names = ", ".join(result.runs[i].spec for i in members)
        color = colors[members[0] % len(colors)] if len(members) == 1 else "0.45"
        ax.annotate(
            f"{names}: {value:g}%",
            xy=(1.0, value),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 5 if value < 90 else -12),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize="x-small",
            color=color,
        )


def _bulb_layout(result: DyingResult) -> tuple[list[tuple[int, int, float]], int, int]:
    """(variant, layer, first row) blocks; total rows; columns. A blank row between variants."""
    width = result.config.width
    cols = min(width, BULBS_PER_ROW)
    rows_per_layer = math.ceil(width / cols)
    blocks, row = [], 0
    for v, run in enumerate(result.runs):
        for layer in range(run.layers):
            blocks.append((v, layer, row))
            row += rows_per_layer
        row += 1
    return blocks, row - 1, cols


def _draw_bulbs(fig: Figure, ax: Axes, result: DyingResult, colors) -> None:
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.lines import Line2D

    style = getattr(fig, "relucli_style", "light")
    look = _BULBS.get(style, _BULBS["light"])
    cmap = LinearSegmentedColormap.from_list("bulb", look["ramp"])
    blocks, total_rows, cols = _bulb_layout(result)
    width = result.config.width

    xs, ys, rates, dead = [], [], [], []
    for v, layer, first in blocks:
        run = result.runs[v]
        units = run.layer_of == layer
        index = np.arange(width)
        xs.append(index % cols)
        ys.append(first + index // cols)
        rates.append(run.rate[units])
        dead.append(run.dead[-1][units])
    x, y = np.concatenate(xs), np.concatenate(ys)
    rate, is_dead = np.concatenate(rates), np.concatenate(dead)

    # Marker area from the axes' size in points, so bulbs fill their cells at any size.
    inches = fig.dpi_scale_trans.inverted()
    bbox = ax.get_position().transformed(fig.transFigure).transformed(inches)
    cell = min(bbox.width * 72 / (cols + 1), bbox.height * 72 / (total_rows + 1))
    size = (0.78 * cell) ** 2
    alive = ~is_dead
    if style in _GLOWING:
        lit = alive & (rate > 0)
        ax.scatter(x[lit], y[lit], s=size * 2.6, c=cmap(rate[lit]), alpha=0.18 * rate[lit],
                   linewidths=0, zorder=1)  # fmt: skip
    edge = "0.35" if style == "light" else "0.55"
    lit_artist = ax.scatter(x[alive], y[alive], s=size, c=rate[alive], cmap=cmap, vmin=0,
                            vmax=1, edgecolors=edge, linewidths=0.6, zorder=2)  # fmt: skip
    ax.scatter(x[is_dead], y[is_dead], s=size, color=look["dead"], edgecolors=edge,
               linewidths=0.6, zorder=2)  # fmt: skip
    ax.scatter(x[is_dead], y[is_dead], s=size * 0.45, marker="x", color=look["cross"],
               linewidths=1.4, zorder=3)  # fmt: skip

    ax.set_xlim(-0.8, cols - 0.2)
    ax.set_ylim(total_rows - 0.4, -0.6)  # first variant on top
    ax.set_xticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ticks, labels = [], []
    rows_per_layer = math.ceil(width / cols)
    for v, run in enumerate(result.runs):
        rows = [first for vv, _, first in blocks if vv == v]
        ticks.append((rows[0] + rows[-1] + rows_per_layer - 1) / 2)
        labels.append(f"{run.spec}\n{run.dead_pct():.0f}% dead")
    ax.set_yticks(ticks, labels)
    ax.tick_params(axis="y", length=0, pad=18 if result.config.depth > 1 else 4)
    for tick, color in zip(ax.get_yticklabels(), colors):
        tick.set_color(color)
    if result.config.depth > 1:
        for _, layer, first in blocks:
            ax.annotate(f"L{layer + 1}", xy=(-0.75, first + (rows_per_layer - 1) / 2),
                        ha="right", va="center", fontsize="x-small", color="0.5",
                        annotation_clip=False)  # fmt: skip
    step = int(result.runs[0].steps[-1]) if result.runs else 0
    ax.set_title(
        f"The lightbulb grid after {step} steps: one bulb per hidden neuron, lit by how often"
        " it fires",
        fontsize="medium",
    )
    ax.tick_params(axis="y", labelsize="small")
    bar = fig.colorbar(lit_artist, ax=ax, fraction=0.02, pad=0.01, aspect=14)
    bar.set_label("firing rate: share of samples with z > 0", fontsize="x-small")
    bar.ax.tick_params(labelsize="x-small")
    bar.outline.set_visible(False)
    marker = math.sqrt(size) * 0.75
    dead_bulb = Line2D([], [], linestyle="none", marker="o", markersize=marker,
                       markerfacecolor=look["dead"], markeredgecolor=edge)  # fmt: skip
    cross = Line2D([], [], linestyle="none", marker="x", markersize=marker * 0.6,
                   color=look["cross"], markeredgewidth=1.4)  # fmt: skip
    unlit = Line2D([], [], linestyle="none", marker="o", markersize=marker,
                   markerfacecolor=cmap(0.0), markeredgecolor=edge)  # fmt: skip
    ax.legend(
        [(dead_bulb, cross), unlit],
        ["dead: f′(z) = 0 for every sample, it can no longer learn",
         "unlit but alive: z ≤ 0 for every sample (inactive), yet f′(z) ≠ 0"],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=2,
        fontsize="x-small",
        frameon=False,
    )  # fmt: skip


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
    with new_figure(style, size or SIZES["16:9"], dpi) as fig:
        draw_dying(fig, result, scenario)
        return save_figure(fig, path, make_folder=True)


__all__ = ["draw_dying", "write_dying_figure"]
