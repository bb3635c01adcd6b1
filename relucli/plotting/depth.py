"""The depth figure: activation std and gradient norm against depth, simulation and theory.

Two log-scale panels side by side, one colour per variant: solid lines are the simulated
network, dashed lines of the same colour the mean-field prediction. A variant whose
activations overflowed gets an x where its line ends, and a note names the layer.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..lab.depth import DepthResult
from ..styles import MARKERS, STYLES
from .figure import (
    DEFAULT_DPI,
    SIZES,
    glow_effects,
    glow_line,
    write_figure,
)
from .layout import renderer_of, require_clean, wrap_artist

if TYPE_CHECKING:  # pragma: no cover - typing only; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _positive(values: np.ndarray) -> np.ndarray:
    # Log axes cannot show 0 (underflow) or inf (overflow): leave a gap instead.
    out = np.array(values, dtype=float)
    out[~np.isfinite(out) | (out <= 0)] = np.nan
    return out


def draw_depth(fig: Figure, result: DepthResult) -> None:
    """Draw ``result`` on ``fig`` (inside new_figure, where the style is active). Raises
    SpecError when the figure is too small to lay out legibly, naming a size that works."""
    _draw_depth(fig, result)
    require_clean(fig, lambda other: _draw_depth(other, result))


def _draw_depth(fig: Figure, result: DepthResult) -> None:
    from matplotlib.lines import Line2D

    looks = STYLES[getattr(fig, "relucli_style", "light")].looks(len(result.variants))
    layers = result.layers
    std_ax, grad_ax = fig.subplots(1, 2)
    mark_every = max(1, len(layers) // 10)
    handles = []
    overflowed: list[str] = []
    for i, v in enumerate(result.variants):
        # The colour tells the variants apart; the marker too, in grayscale and for
        # colour-blind readers (the dash is kept for theory, dashed, against simulation).
        color = looks[i][0]
        marker = MARKERS[i % len(MARKERS)]
        label = f"{v.act.spec} · {v.setup.init_text}"
        for ax, sim, theory in (
            (std_ax, v.sim.std, v.theory.std),
            (grad_ax, v.sim.grad, v.theory.grad),
        ):
            glow_line(
                ax,
                layers,
                _positive(theory),
                color=color,
                linestyle=(0, (4, 3)),
                linewidth=_line_width() * 0.8,
                alpha=0.9,
                zorder=2,
            )
            glow_line(
                ax,
                layers,
                _positive(sim),
                color=color,
                linestyle="-",
                marker=marker,
                # Staggered markers keep coinciding lines (relu, leaky_relu) both visible.
                markevery=(i * mark_every // max(len(result.variants), 1), mark_every),
                markersize=_line_width() * 2.6,
                zorder=3,
                label=label,
            )
        if v.sim.overflow is not None:
            _mark_overflow(std_ax, v.sim.overflow, v.sim.std, color)
            overflowed.append(f"{v.act.spec} at layer {v.sim.overflow}")
        handles.append(
            Line2D([], [], color=color, marker=marker, markersize=_line_width() * 2.6, label=label)
        )

    for ax, title, ylabel in (
        (std_ax, "Activation spread per layer", "std of activations $a_l$"),
        (grad_ax, "Gradient flowing back", r"$\|\partial L/\partial a_l\|$  (last layer = 1)"),
    ):
        ax.set_yscale("log")
        _finite_log_limits(ax)
        _readable_log_ticks(ax)
        ax.set_xlim(1, max(int(layers[-1]), 2))
        ax.set_xlabel("layer $l$")
        ax.set_ylabel(ylabel)
        wrap_artist(ax.set_title(title), 0.42 * fig.bbox.width)
        ax.grid(True, which="major")

    if overflowed:
        note = std_ax.text(
            0.02,
            0.98,
            f"× {result.config.dtype} overflow: " + ", ".join(overflowed),
            transform=std_ax.transAxes,
            ha="left",
            va="top",
            fontsize="small",
        )
        # Inside the panel: wrapped to its share of the width, so it never widens the panel.
        wrap_artist(note, 0.38 * fig.bbox.width)

    ink = std_ax.yaxis.label.get_color()
    key = [
        Line2D([], [], color=ink, linestyle="-", label="simulation"),
        Line2D([], [], color=ink, linestyle=(0, (4, 3)), label="mean-field theory"),
    ]
    # As many columns as fit across the figure; dozens of variants (`depth all`) step the
    # font down to a legible floor so the legend takes at most a third of the height.
    import matplotlib
    from matplotlib.font_manager import FontProperties

    entries = [*handles, *key]
    full = FontProperties(size=matplotlib.rcParams["legend.fontsize"]).get_size_in_points()
    sizes = [full] if len(entries) <= 12 else [full * k for k in (1.0, 0.85, 0.72, 0.62)] + [6.5]
    renderer = renderer_of(fig)
    for size in sizes:
        for ncols in range(min(len(entries), 6 if len(entries) <= 12 else 10), 0, -1):
            legend = fig.legend(
                handles=entries,
                loc="outside lower center",
                ncols=ncols,
                frameon=False,
                fontsize=size,
            )
            box = legend.get_window_extent(renderer)
            if ncols == 1 or box.width < 0.96 * fig.bbox.width:
                break
            legend.remove()
        if box.height <= fig.bbox.height / 3 or size == sizes[-1]:
            break
        legend.remove()
    for line in legend.get_lines():
        line.set_path_effects(glow_effects(fig, line.get_color(), line.get_linewidth()))
    c = result.config
    networks = f"{c.batch} networks, one per input" if c.ensemble else "one network"
    title = fig.suptitle(f"Signals through depth (width {c.width}, {networks}, seed {c.seed})")
    wrap_artist(title, 0.96 * fig.bbox.width)


# Variants that explode through depth reach 1e300: Matplotlib's log margins (5% of the
# decades) would put a limit past the float range, and its tick code fails on inf.
_LOG_LIMIT = 1e280


def _finite_log_limits(ax: Axes) -> None:
    """y limits from the data, with a margin, never beyond 1e+-280."""
    lo, hi = ax.dataLim.intervaly
    if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo <= hi):
        return
    lo, hi = max(lo, 1 / _LOG_LIMIT), min(hi, _LOG_LIMIT)
    span = np.log10(hi) - np.log10(lo)
    pad = 10 ** (0.05 * span) if span > 0 else 2.0
    ax.set_ylim(max(lo / pad, 1 / _LOG_LIMIT), min(hi * pad, _LOG_LIMIT))


def _readable_log_ticks(ax: Axes) -> None:
    """Over a few decades, label 1-2-5 steps as plain numbers (0.2, 0.5, 1, 2) instead of
    only powers of ten; over many decades keep Matplotlib's 10^k labels."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    lo, hi = ax.get_ylim()
    if hi / lo > 1e30:
        # Over hundreds of decades Matplotlib's LogLocator strides past the float range
        # (a tick at 10^350 is inf, and its formatter fails): powers of ten we choose.
        from matplotlib.ticker import FixedLocator, LogFormatterSciNotation, NullLocator

        first, last = math.ceil(math.log10(lo)), math.floor(math.log10(hi))
        stride = max(1, math.ceil((last - first) / 6))
        ax.yaxis.set_major_locator(FixedLocator([10.0**k for k in range(first, last + 1, stride)]))
        ax.yaxis.set_major_formatter(LogFormatterSciNotation())
        ax.yaxis.set_minor_locator(NullLocator())
        return
    if hi / lo > 1e3:
        return
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _line_width() -> float:
    import matplotlib

    return float(matplotlib.rcParams["lines.linewidth"])


def _mark_overflow(ax: Axes, layer: int, std: Sequence[float], color: str) -> None:
    """An x where the line ends: the last layer before the activations overflowed."""
    finite = _positive(np.asarray(std)[: layer - 1])
    if layer > 1 and np.isfinite(finite[-1]):
        ax.plot([layer - 1], [finite[-1]], marker="x", color=color, ms=12, mew=2.5, zorder=4)


def write_depth_figure(
    result: DepthResult,
    path: str | os.PathLike,
    *,
    style: str = "light",
    size: tuple[float, float] = SIZES["16:9"],
    dpi: float = DEFAULT_DPI,
) -> Path:
    """Draw ``result`` and write it atomically to ``path`` (png, svg or pdf by suffix)."""
    return write_figure(lambda fig: _draw_depth(fig, result), path, style=style, size=size, dpi=dpi)
