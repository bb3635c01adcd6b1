"""Animated figures for slides: parameter sweeps and the labs over time, as GIF, APNG or WebP.

One figure is laid out once (with the widest frame label, axes fixed over every frame: the
limits are computed in NumPy over all frames before anything is drawn), then each frame only
updates that figure's artists (``set_data``, ``set_text``) and is rendered by the Agg canvas
to an RGB buffer. Pillow (a Matplotlib dependency, no ffmpeg) writes the frames:

- GIF: one adaptive palette computed once from every frame (stable colours from frame to
  frame, small files), no dithering; ``colors`` sets its size.
- APNG (``.png``) and WebP: full colour, lossless.

Output is deterministic (no timestamps; the same command gives the same bytes) and atomic
(relucli.files.open_output). ``frames_dir`` also writes each frame as frame-000.png ..., for
LaTeX's ``animate`` package.

Typical use::

    with sweep_animation(acts, parse_sweep("alpha=0.1:2:24"), PlotOptions()) as anim:
        write_animation(anim, "elu.gif")
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..activation import Activation
from ..registry import SpecError, parse_number
from .figure import DEFAULT_DPI, SIZES, new_figure

if TYPE_CHECKING:  # pragma: no cover - typing only; matplotlib is imported lazily
    from matplotlib.figure import Figure

    from .compare import PlotOptions

#: Animation formats, chosen by the file suffix (.png is an APNG).
ANIMATION_FORMATS: tuple[str, ...] = ("gif", "png", "webp")
DEFAULT_FRAMES = 40
DEFAULT_FPS = 12.0
DEFAULT_COLORS = 256
MAX_FRAMES = 1000
# Frames are kept in memory (RGB) until the palette is known: refuse sweeps that would not fit.
_MAX_FRAME_BYTES = 1 << 30
# The f and f' panels as `relucli plot` pads them (no leak notes in an animation).
_PAD_BELOW, _PAD_ABOVE = 0.08, 0.1


@dataclass(frozen=True)
class Sweep:
    """``PARAM=LO:HI[:FRAMES[:log]]``: the parameter name as written and its values."""

    name: str
    values: np.ndarray
    log: bool = False

    def labels(self) -> list[str]:
        """One label per value, ``alpha = 0.50``, all with the same digits (no jitter)."""
        v = self.values
        if self.log or np.max(np.abs(v)) >= 1e4:
            return [f"{self.name} = {x:.3g}" for x in v]
        step = float(np.min(np.abs(np.diff(v)))) if len(v) > 1 else 1.0
        digits = min(max(2, math.ceil(-math.log10(step)) if step > 0 else 2), 6)
        return [f"{self.name} = {x:.{digits}f}" for x in v]


def parse_sweep(text: str) -> Sweep:
    """``alpha=0.1:2``, ``alpha=0.1:2:24``, ``beta=0.1:10:30:log`` -> Sweep (SpecError: usage)."""
    form = "PARAM=LO:HI[:FRAMES[:log]], e.g. alpha=0.1:2:24"
    name, eq, rest = text.partition("=")
    parts = [p.strip() for p in rest.split(":")]
    if not eq or not name.strip() or not 2 <= len(parts) <= 4:
        raise SpecError(f"--sweep '{text}' is not {form}")
    log = len(parts) == 4
    if log and parts[3].lower() != "log":
        raise SpecError(f"--sweep '{text}': the fourth field can only be 'log' ({form})")
    lo, hi = parse_number(parts[0]), parse_number(parts[1])
    if len(parts) >= 3:
        try:
            frames = int(parts[2])
        except ValueError:
            raise SpecError(f"--sweep '{text}': FRAMES must be a whole number") from None
    else:
        frames = DEFAULT_FRAMES
    if not 2 <= frames <= MAX_FRAMES:
        raise SpecError(f"--sweep '{text}': FRAMES must be 2 to {MAX_FRAMES}, got {frames}")
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo == hi:
        raise SpecError(f"--sweep '{text}' needs finite LO and HI that differ")
    if log and not (lo > 0 and hi > 0):
        raise SpecError(f"--sweep '{text}': a log sweep needs LO and HI above 0")
    values = np.geomspace(lo, hi, frames) if log else np.linspace(lo, hi, frames)
    return Sweep(name.strip(), values, log)


class _Labelled(Activation):
    """An activation whose legend label leaves out the swept parameter (the frame says it)."""

    relucli_label = ""

    @property
    def label(self) -> str:
        return self.relucli_label


def sweep_activations(acts: Sequence[Activation], sweep: Sweep) -> list[list[Activation]]:
    """Per frame, every activation with the swept parameter set. The name may be a parameter's
    name or synonym; a variant without it, or a value outside its range, is a SpecError."""
    from ..activation import _fmt

    params = []
    lacking = []
    for act in acts:
        try:
            params.append(act.variant.param(sweep.name))
        except SpecError:
            names = ", ".join(p.name for p in act.variant.params)
            has = f"its parameters: {names}" if names else "it has none"
            lacking.append(f"{act.name} has no parameter '{sweep.name}' ({has})")
    if lacking:
        raise SpecError(f"--sweep: {'; '.join(lacking)}")
    if any(act.train for act in acts):
        raise SpecError("--sweep draws eval mode only: leave out --train")
    frames: list[list[Activation]] = [[] for _ in sweep.values]
    for act, p in zip(acts, params):
        if p.choices:
            raise SpecError(f"--sweep {sweep.name}: {act.name}'s {p.name} is not a number")
        for end in (sweep.values[0], sweep.values[-1]):
            p.coerce(act.name, float(end))
        shown = [f"{q.label}={_fmt(act.params[q.name])}" for q in act.variant.params if q is not p]
        name = act.name + (f"@{act.framework}" if act.framework else "")
        label = f"{name} ({', '.join(shown)})" if shown else name
        for frame, value in zip(frames, sweep.values):
            params_i = {**act.params, p.name: float(value)}
            act.variant.check(params_i)
            bound = Activation(
                act.variant, params_i, convention=act.convention, framework=act.framework
            )
            bound.__class__ = _Labelled
            bound.relucli_label = label  # type: ignore[attr-defined]
            frame.append(bound)
    return frames


@dataclass
class Animation:
    """One laid-out figure and how to turn it into frame ``i``."""

    fig: Figure
    count: int
    update: Callable[[int], None]  # sets frame i's data and texts on the figure's artists
    moving: list  # the artists update() changes (drawn per frame; the rest drawn once)


def wants_animation(output: str | None, animate: bool, frames_dir: str | None) -> bool:
    """Whether a command's options ask for an animation: --animate, --frames DIR, or an -o
    suffix only animations have (.gif, .webp). Checks the -o suffix (SpecError: usage)."""
    suffix = Path(output).suffix.lower() if output else ""
    if not (animate or frames_dir is not None or suffix in (".gif", ".webp")):
        return False
    if output is None and frames_dir is None:
        raise SpecError("--animate needs -o FILE.gif, .png (APNG) or .webp, or --frames DIR")
    if output is not None:
        animation_format(output)
    return True


def animation_format(path: str | os.PathLike) -> str:
    """gif, png (APNG) or webp from the suffix; SpecError (usage) otherwise or when Pillow
    here has no WebP."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in ANIMATION_FORMATS:
        shown = f"'.{suffix}'" if suffix else "no suffix"
        raise SpecError(
            f"cannot tell the animation format of '{path}' from {shown}"
            f" (use {', '.join(ANIMATION_FORMATS)})"
        )
    if suffix == "webp":
        from PIL import features

        if not features.check("webp"):
            raise SpecError("this Pillow was built without WebP: write .gif or .png (APNG)")
    return suffix


def _sweep_limits(frames: list[list[Any]], panel: str) -> tuple[float, float]:
    """The padded y limits of ``panel`` over every frame (as `relucli plot` pads one)."""
    from .curves import data_limits

    lows, highs = zip(*(data_limits(curves, panel) for curves in frames))
    ymin, ymax = min(lows), max(highs)
    span = (ymax - ymin) or 1.0
    return ymin - _PAD_BELOW * span, ymax + _PAD_ABOVE * span


@contextlib.contextmanager
def sweep_animation(
    acts: Sequence[Activation],
    sweep: Sweep,
    options: PlotOptions,
    *,
    style: str = "light",
    size: tuple[float, float] = SIZES["16:9"],
    dpi: float = DEFAULT_DPI,
    check: bool = True,
) -> Iterator[Animation]:
    """The comparison figure of ``acts`` as ``sweep`` moves their parameter: f and f' panels,
    the value in the title, axes fixed over the sweep. Curves and legend only (the teaching
    annotations belong to one parameter value). ``check``: refuse (SpecError naming a size
    that works) a figure too small to lay out, as `relucli plot` does."""
    import dataclasses

    from ..styles import STYLES
    from .compare import _draw, curve_id
    from .curves import break_at_jumps, plot_range, sample
    from .layout import require_clean

    if options.layout != "overlay":
        raise SpecError("--sweep draws the overlay layout: leave out --layout grid")
    frames = sweep_activations(acts, sweep)
    labels = sweep.labels()
    lo, hi = plot_range([a for frame in frames for a in frame], options.x_range)
    looks = STYLES[style].looks(len(acts))
    # Every frame's numbers first, so the axes can be fixed before anything is drawn.
    curves = [sample(frame, lo, hi, options.points, looks) for frame in frames]
    fixed = {p: _sweep_limits(curves, p) for p in options.panels}
    if options.ylim is not None:
        fixed[options.panels[0]] = options.ylim
    widest = max(range(len(labels)), key=lambda i: (len(labels[i]), i == 0))
    title = f"{options.title}\n" if options.title else ""

    def build(fig: Figure, at: int) -> None:
        opts = dataclasses.replace(
            options,
            x_range=(lo, hi),
            title=title + labels[at],
            clean=True,
            legend="outside" if options.legend == "auto" else options.legend,
            ylim=None,
            panel_ylims=tuple(fixed.items()),
        )
        _draw(fig, frames[at], opts)

    with new_figure(style, size, dpi) as fig:
        build(fig, widest)
        if check:
            require_clean(fig, lambda other: build(other, widest))
        artists = _curve_artists(fig, frames[widest], options.panels, curve_id)
        heading = fig._suptitle
        wrapped = heading.get_text()
        head = wrapped[: len(wrapped) - len(labels[widest])]

        def update(i: int) -> None:
            heading.set_text(head + labels[i])
            for (panel, k), (line, halo, band) in artists.items():
                c = curves[i][k]
                x, y = (c.x, c.f) if panel == "f" else break_at_jumps(c)
                line.set_data(x, y)
                if halo is not None:
                    halo.set_data(x, y)
                if band is not None and c.band is not None:
                    low, high = (c.band[0], c.band[1]) if panel == "f" else c.band[2:]
                    band.set_verts([_band_polygon(c.x, low, high)])

        update(0)
        moving = [heading] + [a for trio in artists.values() for a in trio if a is not None]
        yield Animation(fig, len(labels), update, moving)


def _band_polygon(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.column_stack([np.concatenate([x, x[::-1]]), np.concatenate([low, high[::-1]])])


def _curve_artists(fig: Figure, acts: Sequence[Activation], panels, curve_id) -> dict:
    """(panel, k) -> (line, glow halo or None, band polygon or None) of variant k."""
    out = {}
    for ax, panel in zip(fig.axes, panels):
        lines = list(ax.lines)
        for k, act in enumerate(acts):
            gid = curve_id(panel, act)
            at = next(i for i, line in enumerate(lines) if line.get_gid() == gid)
            line = lines[at]
            nxt = lines[at + 1] if at + 1 < len(lines) else None
            halo = nxt if nxt is not None and nxt.get_label() == "_nolegend_" else None
            band = next(
                (
                    coll
                    for coll in ax.collections
                    if coll.get_zorder() == line.get_zorder() - 0.5 and hasattr(coll, "set_verts")
                ),
                None,
            )
            out[(panel, k)] = (line, halo, band)
    return out


# ------------------------------------------------------------------------------ the labs


def _too_many(count: int, fix: str) -> None:
    if count > MAX_FRAMES:
        raise SpecError(
            f"{count} frames are too many for an animation (at most {MAX_FRAMES}): {fix}"
        )


@contextlib.contextmanager
def dying_animation(
    result: Any,
    scenario: str = "",
    *,
    style: str = "light",
    size: tuple[float, float] = SIZES["16:9"],
    dpi: float = DEFAULT_DPI,
    check: bool = True,
) -> Iterator[Animation]:
    """The dying-ReLU figure over training, one frame per census: the dead-share and loss
    lines grow, the bulbs light up and die. ``result`` from run_dying(..., rates=True).
    Laid out once on the final state (the axes span the whole training already)."""
    from .dying import _draw_dying, bulb_positions
    from .layout import freeze_layout, require_clean

    runs = result.runs
    if any(run.rate_history is None for run in runs):
        raise ValueError("dying_animation needs run_dying(..., rates=True)")
    count = max(len(run.steps) for run in runs)
    _too_many(count, "count less often with a larger --every")
    with new_figure(style, size, dpi) as fig:
        _draw_dying(fig, result, scenario)
        if check:
            require_clean(fig, lambda other: _draw_dying(other, result, scenario))
        dead_ax, loss_ax, bulb_ax = fig.axes[:3]
        # The bulb labels and line-end labels give final numbers: names only here (shorter
        # texts, so the fixed layout still fits); the growing lines give the numbers.
        bulb_ax.set_yticks(bulb_ax.get_yticks(), [run.spec for run in runs])
        for text in dead_ax.texts:
            if not text.get_text().startswith("50%"):
                text.set_visible(False)
        fig.draw_without_rendering()
        freeze_layout(fig)
        lines = []
        for ax, series in ((dead_ax, "dead"), (loss_ax, "loss")):
            drawn = list(ax.lines)
            for run in runs:
                at = next(i for i, ln in enumerate(drawn) if ln.get_label() == run.spec)
                nxt = drawn[at + 1] if at + 1 < len(drawn) else None
                halo = nxt if nxt is not None and nxt.get_label() == "_nolegend_" else None
                ys = run.dead_pct_history if series == "dead" else run.loss
                if series == "loss":
                    ys = np.where(np.isfinite(ys) & (ys > 0), ys, np.nan)
                lines.append((run, ys, [a for a in (drawn[at], halo) if a is not None]))
        bulbs = _bulb_artists(bulb_ax)
        xy = np.column_stack(bulb_positions(result))
        heading = bulb_ax.title
        final = f"after {int(runs[0].steps[-1])} steps"
        wrapped = heading.get_text()

        def update(i: int) -> None:
            for run, ys, artists in lines:
                j = min(i, len(run.steps) - 1) + 1
                for artist in artists:
                    artist.set_data(run.steps[:j], ys[:j])
            rate = np.concatenate([_at(run.rate_history, i) for run in runs]).astype(float)
            dead = np.concatenate([_at(run.dead, i) for run in runs])
            _set_bulbs(bulbs, xy, rate, dead)
            step = int(runs[0].steps[min(i, len(runs[0].steps) - 1)])
            heading.set_text(wrapped.replace(final, f"after {step} steps"))

        update(0)
        moving = [heading, *(a for *_, artists in lines for a in artists)]
        moving += [a for a in bulbs.values() if a is not None]
        yield Animation(fig, count, update, moving)


def _at(history: np.ndarray, i: int) -> np.ndarray:
    return history[min(i, len(history) - 1)]


def _bulb_artists(ax: Any) -> dict:
    """The bulb grid's scatters by role: halo (or None), lit (colour-mapped), dead, cross."""
    out: dict = {"halo": None, "lit": None, "dead": None, "cross": None}
    for coll in ax.collections:
        z = coll.get_zorder()
        if z == 1:
            out["halo"] = coll
        elif z == 3:
            out["cross"] = coll
        elif coll.get_array() is not None:
            out["lit"] = coll
        else:
            out["dead"] = coll
    old = out["halo"]
    if old is not None:  # again without its per-bulb alpha array, which fixes the bulb count
        out["halo"] = ax.scatter(np.empty(0), np.empty(0), s=old.get_sizes(), linewidths=0,
                                 zorder=1)  # fmt: skip
        old.remove()
    return out


def _set_bulbs(bulbs: dict, xy: np.ndarray, rate: np.ndarray, dead: np.ndarray) -> None:
    alive = ~dead
    lit = alive & (rate > 0)
    bulbs["lit"].set_offsets(xy[alive])
    bulbs["lit"].set_array(rate[alive])
    for role in ("dead", "cross"):
        if bulbs[role] is not None:
            bulbs[role].set_offsets(xy[dead])
    halo = bulbs["halo"]
    if halo is not None:
        colours = bulbs["lit"].cmap(rate[lit])
        colours[:, 3] = 0.18 * rate[lit]  # as drawn: fainter for bulbs that fire less
        halo.set_offsets(xy[lit])
        halo.set_facecolor(colours)


@contextlib.contextmanager
def depth_animation(
    result: Any,
    *,
    style: str = "light",
    size: tuple[float, float] = SIZES["16:9"],
    dpi: float = DEFAULT_DPI,
    bins: int = 60,
    check: bool = True,
) -> Iterator[Animation]:
    """The histogram of activations layer by layer, one frame per layer, every variant's
    outline on fixed axes (the bins span every layer's values, so a signal that explodes or
    vanishes is seen doing so). ``result`` from relucli.lab.depth.run(..., values=k)."""
    from .layout import freeze_layout, require_clean

    samples = [v.sim.sample for v in result.variants]
    if any(s is None for s in samples):
        raise ValueError("depth_animation needs relucli.lab.depth.run(..., values=k)")
    layers = result.config.layers
    _too_many(layers, "fewer --layers")
    pooled = np.concatenate([s[np.isfinite(s)] for s in samples])
    lo, hi = np.percentile(pooled, (0.5, 99.5)) if pooled.size else (-1.0, 1.0)
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if hi - lo <= 0:
        lo, hi = -1.0, 1.0
    edges = np.linspace(lo, hi, bins + 1)
    shares = []  # (variants, layers, bins): share of a layer's values in each bin
    for s in samples:
        finite = np.isfinite(s)
        clipped = np.clip(np.where(finite, s, lo), lo, hi)
        which = np.minimum(((clipped - lo) / (hi - lo) * bins).astype(int), bins - 1)
        counts = np.zeros((layers, bins))
        rows = np.broadcast_to(np.arange(layers)[:, None], s.shape)
        np.add.at(counts, (rows[finite], which[finite]), 1)
        total = finite.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, counts / np.maximum(total, 1), 0.0)
        shares.append(np.where(share > 0, share, np.nan))
    stacked = np.stack(shares)
    top = float(np.nanmax(stacked)) if np.isfinite(stacked).any() else 1.0
    floor = max(float(np.nanmin(stacked)) if np.isfinite(stacked).any() else 1e-4, 1e-5)
    looks = None
    width = len(str(layers))

    def heading(layer: int) -> str:
        return f"Activations layer by layer: layer {layer:>{width}} of {layers}"

    def build(fig: Figure) -> list:
        from ..styles import STYLES

        nonlocal looks
        looks = STYLES[style].looks(len(result.variants))
        ax = fig.add_subplot()
        steps = []
        for v, (color, dash) in zip(result.variants, looks):
            step = ax.stairs(stacked[len(steps), 0], edges, baseline=None, color=color,
                             linestyle=(0, dash) if dash else "-", linewidth=_lw() * 1.2,
                             label=f"{v.act.spec} · {v.setup.init_text}")  # fmt: skip
            steps.append(step)
        ax.set_xlim(lo, hi)
        ax.set_yscale("log")
        ax.set_ylim(floor / 1.5, min(1.0, top * 1.5))
        ax.set_xlabel("activation value $a_l$")
        ax.set_ylabel("share of the layer's values")
        for ncols in range(min(len(steps), 6), 0, -1):
            legend = fig.legend(loc="outside lower center", ncols=ncols, frameon=False)
            if ncols == 1 or legend.get_window_extent().width < 0.96 * fig.bbox.width:
                break
            legend.remove()
        fig.suptitle(heading(layers))
        return steps

    with new_figure(style, size, dpi) as fig:
        fig.set_layout_engine("constrained")
        steps = build(fig)
        if check:

            def redraw(other: Figure) -> None:
                other.set_layout_engine("constrained")
                build(other)

            require_clean(fig, redraw)
        fig.draw_without_rendering()
        freeze_layout(fig)
        title = fig._suptitle

        def update(i: int) -> None:
            for k, step in enumerate(steps):
                step.set_data(stacked[k, i])
            title.set_text(heading(i + 1))

        update(0)
        yield Animation(fig, layers, update, [title, *steps])


def _lw() -> float:
    import matplotlib

    return float(matplotlib.rcParams["lines.linewidth"])


# ------------------------------------------------------------------------------ writing


def render_frames(anim: Animation, order: Sequence[int] | None = None) -> Iterator[np.ndarray]:
    """Frame after frame as RGB uint8 (H, W, 3). The still part of the figure is drawn once;
    each frame restores it and draws only the artists that move (they are not drawn again
    otherwise: the layout is fixed and the axes do not change)."""
    import warnings

    fig, canvas = anim.fig, anim.fig.canvas
    moving = sorted(anim.moving, key=lambda a: a.get_zorder())
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        for artist in moving:
            artist.set_animated(True)
        try:
            canvas.draw()
            still = canvas.copy_from_bbox(fig.bbox)
            for i in range(anim.count) if order is None else order:
                anim.update(i)
                canvas.restore_region(still)
                for artist in moving:
                    fig.draw_artist(artist)
                yield np.asarray(canvas.buffer_rgba())[:, :, :3].copy()
        finally:
            for artist in moving:
                artist.set_animated(False)


def _palette(frames: list[np.ndarray], colors: int) -> np.ndarray:
    """One adaptive palette (colors x 3, uint8) for every frame, by median cut over a montage of
    up to 16 frames spread over the animation (every other row and column)."""
    from PIL import Image

    picks = np.unique(np.linspace(0, len(frames) - 1, min(len(frames), 16)).round().astype(int))
    montage = np.concatenate([frames[i][::2, ::2] for i in picks], axis=0)
    image = Image.fromarray(montage).quantize(
        colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    palette = np.asarray(image.getpalette() or [], dtype=np.uint8).reshape(-1, 3)
    return palette[: max(1, min(colors, len(palette)))]


def _nearest(pixels: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Palette index of each RGB pixel (N, 3): the nearest colour, computed once per distinct
    colour (anti-aliased figures have a few thousand)."""
    packed = (pixels[:, 0].astype(np.int32) << 16) | (pixels[:, 1].astype(np.int32) << 8)
    packed |= pixels[:, 2]
    distinct, inverse = np.unique(packed, return_inverse=True)
    rgb = np.stack([distinct >> 16, (distinct >> 8) & 255, distinct & 255], axis=1)
    pal = palette.astype(np.int32)
    best = np.empty(len(distinct), dtype=np.uint8)
    for start in range(0, len(distinct), 4096):  # chunks of colours keep the table small
        d = rgb[start : start + 4096, None, :] - pal[None, :, :]
        best[start : start + 4096] = np.argmin(np.einsum("ijk,ijk->ij", d, d), axis=1)
    return best[inverse.ravel()]


def _indexed(frames: list[np.ndarray], palette: np.ndarray) -> list[np.ndarray]:
    """Every frame as palette indices; only the pixels that differ from the first frame are
    looked up again (most of a figure does not move)."""
    first = frames[0]
    base = _nearest(first.reshape(-1, 3), palette).reshape(first.shape[:2])
    out = [base]
    for frame in frames[1:]:
        # Three ORs of the channels, not np.any(axis=2): a reduction over a length-3 axis
        # runs NumPy's inner loop once per pixel, 12x slower (8 ms a 1280x720 frame).
        differs = frame != first
        changed = differs[..., 0] | differs[..., 1] | differs[..., 2]
        idx = base.copy()
        idx[changed] = _nearest(frame[changed], palette)
        out.append(idx)
    return out


def write_animation(
    anim: Animation,
    path: str | os.PathLike | None,
    *,
    fps: float = DEFAULT_FPS,
    loop: int = 0,
    bounce: bool = False,
    colors: int = DEFAULT_COLORS,
    frames_dir: str | os.PathLike | None = None,
    make_folder: bool = False,
) -> list[Path]:
    """Render every frame of ``anim`` and write them to ``path`` (GIF, APNG or WebP, from the
    suffix) and/or as PNG files in ``frames_dir``. ``loop``: times to play, 0 forever;
    ``bounce``: play back to the start too. Returns the paths written (files, then frames)."""
    from PIL import Image

    from ..files import open_output

    fmt = animation_format(path) if path is not None else None
    w, h = anim.fig.canvas.get_width_height()
    if anim.count * w * h * 3 > _MAX_FRAME_BYTES:
        raise SpecError(
            f"{anim.count} frames of {w}x{h} px need more than"
            f" {_MAX_FRAME_BYTES >> 20} MiB: fewer frames or a smaller --size"
        )
    order = list(range(anim.count))
    frames = list(render_frames(anim, order))
    written: list[Path] = []
    if frames_dir is not None:
        folder = Path(frames_dir)
        folder.mkdir(parents=True, exist_ok=True)
        digits = max(3, len(str(len(frames) - 1)))
        for i, rgb in enumerate(frames):
            target = folder / f"frame-{i:0{digits}d}.png"
            buffer = io.BytesIO()
            Image.fromarray(rgb).save(buffer, format="PNG", optimize=False)
            with open_output(target, "wb") as stream:
                stream.write(buffer.getbuffer())
            written.append(target)
    if path is None:
        return written
    if bounce and len(frames) > 2:
        order = order + order[-2:0:-1]
    # Whole milliseconds (GIF keeps hundredths): the same on every run, and on every frame.
    duration = max(1, round(1000 / fps))
    buffer = io.BytesIO()
    if fmt == "gif":
        palette = _palette(frames, colors)
        images = []
        for idx in _indexed(frames, palette):
            image = Image.fromarray(idx, mode="P")
            image.putpalette(palette.ravel().tolist())
            images.append(image)
        sequence = [images[i] for i in order]
        sequence[0].save(
            buffer,
            format="GIF",
            save_all=True,
            append_images=sequence[1:],
            duration=duration,
            loop=loop,
            optimize=False,
            disposal=1,
        )
    else:
        images = [Image.fromarray(f) for f in frames]
        sequence = [images[i] for i in order]
        extra = {"lossless": True, "method": 4} if fmt == "webp" else {"optimize": False}
        sequence[0].save(
            buffer,
            format="WEBP" if fmt == "webp" else "PNG",
            save_all=True,
            append_images=sequence[1:],
            duration=duration,
            loop=loop,
            **extra,
        )
    target = Path(path)
    if make_folder and not os.path.lexists(target.parent):
        target.parent.mkdir(parents=True)
    with open_output(target, "wb") as stream:
        stream.write(buffer.getbuffer())
    return [target, *written]


__all__ = [
    "ANIMATION_FORMATS",
    "Animation",
    "Sweep",
    "animation_format",
    "depth_animation",
    "dying_animation",
    "parse_sweep",
    "render_frames",
    "sweep_activations",
    "sweep_animation",
    "write_animation",
]
