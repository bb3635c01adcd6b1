"""The `relucli inspect` figure: what the user's own layers look like to their activation.

Top, one histogram of z per layer (a seeded uniform sample of up to 2^18 values of it),
with the variant's dead zone (f'(z) = 0) shaded and the layer's dead share written on it.
Below, the lightbulb grid of the dying lab, for the user's units: one bulb per unit, a
block of rows per layer, lit by the unit's firing rate; a dead unit is a dark bulb with a
cross.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..lab.census import CensusResult, LayerCensus, level
from ..styles import STYLES
from .dying import (
    BULBS_PER_ROW,
    DEAD_KEY,
    UNLIT_KEY,
    bulb_colorbar,
    bulb_handles,
    draw_bulbs,
)
from .figure import DEFAULT_DPI, write_figure
from .layout import require_clean, thin_tick_labels, wrap_artist

if TYPE_CHECKING:  # pragma: no cover - typing only; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Histograms shown side by side; more layers are left out of the top row (the grid below
# still shows every layer, up to MAX_GRID_LAYERS).
MAX_HISTOGRAMS = 6
MAX_GRID_LAYERS = 12
# Bulbs per layer: a wider layer shows its first units only (the label says so).
MAX_BULBS = 8 * BULBS_PER_ROW
_BINS = 60


def draw_inspect(fig: Figure, result: CensusResult, title: str = "") -> None:
    """Draw ``result`` on ``fig`` (inside new_figure, where the style is active). Raises
    SpecError when the figure is too small to lay out legibly, naming a size that works
    (the shared layout check, relucli.plotting.layout.require_clean)."""
    _draw_inspect(fig, result, title)
    require_clean(fig, lambda other: _draw_inspect(other, result, title))


def _draw_inspect(fig: Figure, result: CensusResult, title: str = "") -> None:
    style = STYLES[getattr(fig, "relucli_style", "light")]
    shown = result.layers[:MAX_HISTOGRAMS]
    colors = [color for color, _ in style.looks(len(shown))]
    shown = result.layers[:MAX_HISTOGRAMS]
    grid = fig.add_gridspec(2, len(shown), height_ratios=(1.0, 1.25))
    for i, layer in enumerate(shown):
        ax = fig.add_subplot(grid[0, i])
        _draw_histogram(ax, layer, result, colors[i], first=i == 0)
    bulbs = fig.add_subplot(grid[1, :])
    _draw_bulbs(fig, bulbs, result)
    act = result.acts[0]
    heading = fig.suptitle(title or f"Dead-unit census under {act.spec}", fontsize="large")
    left_out = len(result.layers) - len(shown)
    more = f"; {left_out} more layer(s) in the grid and the table" if left_out > 0 else ""
    foot = fig.supxlabel(
        f"{result.units} units in {len(result.layers)} layer(s), {act.convention} convention,"
        f" dead: f′(z) = 0 on every sample{more}",
        fontsize="x-small",
        color="0.5",
    )
    # Titles wrap to the width (measured), as in every relucli figure.
    for text in (heading, foot):
        wrap_artist(text, fig.bbox.width * 0.96)
    for ax in fig.axes:
        if ax.get_visible():
            thin_tick_labels(ax)


def _finite_sample(layer: LayerCensus) -> np.ndarray:
    values = np.zeros(0) if layer.sample is None else layer.sample.reshape(-1)
    return values[np.isfinite(values)]


def _draw_histogram(
    ax: Axes, layer: LayerCensus, result: CensusResult, color: str, first: bool
) -> None:
    values = _finite_sample(layer)
    if values.size:
        lo, hi = np.quantile(values, (0.001, 0.999)).tolist()
    else:
        lo, hi = -1.0, 1.0
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    pad = 0.05 * (hi - lo) or 1.0
    lo, hi = lo - pad, hi + pad
    # Values past the 0.1% tails are drawn in the edge bins, so no sample goes missing.
    ax.hist(np.clip(values, lo, hi), bins=_BINS, range=(lo, hi), color=color, alpha=0.85,
            linewidth=0, zorder=2)  # fmt: skip
    for zone_lo, zone_hi in result.acts[0].dead_zone:
        a, b = max(zone_lo, lo), min(zone_hi, hi)
        if a < b:
            ax.axvspan(a, b, color="0.5", alpha=0.18, linewidth=0, zorder=1)
    ax.axvline(0, color="0.5", linewidth=0.8, zorder=3)
    ax.set_xlim(lo, hi)
    pct = layer.dead_pct()
    dead = layer.under().dead_count
    ax.text(0.97, 0.95, f"{pct:.3g}% dead\n({dead} of {layer.units}, {level(pct)})",
            transform=ax.transAxes, ha="right", va="top", fontsize="small",
            color="#d62728" if pct > 50 else "0.35", zorder=4)  # fmt: skip
    ax.set_title(layer.name, fontsize="medium")
    ax.set_xlabel("z", fontsize="small")
    ax.set_yticks([])
    ax.tick_params(labelsize="x-small")
    if first:
        zone = "shaded: dead zone (f′ = 0)" if result.acts[0].dead_zone else "no dead zone"
        ax.set_ylabel(f"samples × units\n{zone}", fontsize="x-small")


def _grid_rows(result: CensusResult) -> tuple[list[tuple[LayerCensus, int, int]], int, int]:
    """(layer, first row, bulbs shown) per layer shown; total rows; columns."""
    layers = result.layers[:MAX_GRID_LAYERS]
    cols = min(max(layer.units for layer in layers), BULBS_PER_ROW)
    blocks, row = [], 0
    for layer in layers:
        shown = min(layer.units, MAX_BULBS)
        blocks.append((layer, row, shown))
        row += math.ceil(shown / cols) + 1  # a blank row between layers
    return blocks, row - 1, cols


def _draw_bulbs(fig: Figure, ax: Axes, result: CensusResult) -> None:
    blocks, total_rows, cols = _grid_rows(result)
    xs, ys, rates, dead = [], [], [], []
    for layer, first, shown in blocks:
        index = np.arange(shown)
        xs.append(index % cols)
        ys.append(first + index // cols)
        rates.append(layer.rate[:shown])
        dead.append(layer.under().dead[:shown])
    x, y = np.concatenate(xs), np.concatenate(ys)
    rate, is_dead = np.concatenate(rates), np.concatenate(dead)

    bulbs = draw_bulbs(fig, ax, x, y, rate, is_dead, cols, total_rows)
    ticks, labels = [], []
    for layer, first, shown in blocks:
        rows = math.ceil(shown / cols)
        ticks.append(first + (rows - 1) / 2)
        label = f"{layer.name}\n{layer.dead_pct():.3g}% dead of {layer.units}"
        labels.append(label if shown == layer.units else f"{label}\n(first {shown} shown)")
    ax.set_yticks(ticks, labels)
    ax.tick_params(axis="y", length=0, labelsize="small")
    ax.set_title(
        "The lightbulb grid: one bulb per unit, lit by how often it fires", fontsize="medium"
    )
    bulb_colorbar(fig, ax, bulbs)
    dead_bulb, unlit = bulb_handles(bulbs)
    handles, texts = [dead_bulb], [DEAD_KEY]
    if (~is_dead & (rate == 0)).any():  # only variants with a live negative side have these
        handles.append(unlit)
        texts.append(UNLIT_KEY)
    ax.legend(
        handles,
        texts,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=2,
        fontsize="x-small",
        frameon=False,
    )  # fmt: skip


def write_inspect_figure(
    result: CensusResult,
    path: str | os.PathLike,
    *,
    title: str = "",
    style: str = "light",
    size: tuple[float, float] | None = None,
    dpi: float = DEFAULT_DPI,
) -> Path:
    """Draw the figure and write it atomically; a missing folder is created."""
    return write_figure(
        lambda fig: _draw_inspect(fig, result, title), path, style=style, size=size, dpi=dpi
    )


__all__ = ["draw_inspect", "write_inspect_figure"]
