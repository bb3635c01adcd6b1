"""Measured placement shared by every figure (comparison, gallery, depth, dying).

Sizes come from the renderer (window extents), never from guesses: panels are laid out
around their measured labels, legends go where they hide nothing (inside a panel, beside
it, or under the figure in columns), an inset goes where it collides with nothing, titles
wrap to the width they have, and a figure whose texts still collide is refused with the
smallest size at which it lays out cleanly (:func:`require_clean`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..registry import SpecError
from .curves import Curve
from .figure import glow_effects, new_figure
from .measure import find_problems

if TYPE_CHECKING:  # pragma: no cover - typing only; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

LEGEND_MODES: tuple[str, ...] = ("auto", "inside", "outside", "none")
# "auto" keeps a legend inside a panel only when it is short and a spot covers nothing.
_MAX_INSIDE_ENTRIES = 6
_PAD = 0.08 * 72  # points: the padding constrained layout uses (figure.constrained_layout.*)


def renderer_of(fig: Figure) -> Any:
    return fig.canvas.get_renderer()


def wrap_text(text: str, width: float, prop: Any, renderer: Any) -> str:
    """``text`` with line breaks so no line is wider than ``width`` pixels (measured), broken
    at spaces, never inside $...$ math; existing line breaks are kept."""

    def measure(s: str) -> float:
        ismath = s.count("$") >= 2 and s.count("$") % 2 == 0
        return renderer.get_text_width_height_descent(s, prop, ismath=ismath)[0]

    out = []
    for paragraph in text.split("\n"):
        words: list[str] = []
        for word in paragraph.split(" "):
            # Keep $...$ together: a word with an unmatched $ joins the next one.
            if words and words[-1].count("$") % 2 == 1:
                words[-1] += " " + word
            else:
                words.append(word)
        line = ""
        for word in words:
            trial = f"{line} {word}" if line else word
            if line and measure(trial) > width:
                out.append(line)
                line = word
            else:
                line = trial
        out.append(line)
    return "\n".join(out)


def wrap_artist(text_artist: Any, width: float) -> None:
    """Wrap a Text artist's own text to ``width`` pixels, in its own font."""
    renderer = renderer_of(text_artist.figure)
    original = getattr(text_artist, "relucli_unwrapped", text_artist.get_text())
    text_artist.relucli_unwrapped = original
    text_artist.set_text(wrap_text(original, width, text_artist.get_fontproperties(), renderer))


def lay_out_panels(
    fig: Figure, axes: Sequence[Axes], under: list, right: list | None = None
) -> None:
    """Place side-by-side (or, in portrait figures, stacked) panels so that no tick label,
    title or axis name is clipped, with legends and notes ``under`` the panels (stacked up
    from the bottom edge) and legends ``right`` of them.

    The margins are the measured sizes of the texts around the axes, as constrained layout
    would find them, but measured once: the same measurements are reused when the figure is
    drawn, where constrained layout would cost a third of a simple figure's time."""
    import matplotlib

    rc = matplotlib.rcParams
    dpi = fig.dpi
    renderer = renderer_of(fig)
    width, height = fig.get_size_inches() * 72  # points
    pad = _PAD
    right = right or []

    measured: dict[tuple[str, Any], tuple[float, float, float]] = {}

    def metrics(text: str, prop: Any) -> tuple[float, float, float]:
        # The same tick labels are measured on every panel and pass: once each is enough.
        key = (text, prop)
        if key not in measured:
            measured[key] = renderer.get_text_width_height_descent(text, prop, ismath=False)
        return measured[key]

    def size(text: str, artist_like) -> tuple[float, float]:
        """Width and line height in points; like Matplotlib, a line is never less tall
        than "lp" (ascender to descender), whatever its letters."""
        if not text:
            return 0.0, 0.0
        prop = artist_like.get_fontproperties()
        w, h, d = metrics(text, prop)
        _, lh, ld = metrics("lp", prop)
        return w * 72 / dpi, max(h - d, lh - ld) * 72 / dpi + max(d, ld) * 72 / dpi

    def extent_pts(artist) -> Any:
        box = artist.get_window_extent(renderer)
        return box.width * 72 / dpi, box.height * 72 / dpi

    def tick_labels(axis, lo: float, hi: float) -> list[str]:
        locs = [v for v in axis.get_majorticklocs() if lo <= v <= hi]
        return [t for t in axis.get_major_formatter().format_ticks(locs) if t]

    tick = rc["ytick.major.size"] + rc["ytick.major.pad"]
    sample_tick = axes[0].xaxis.get_major_ticks()[0].label1
    title_h = max(extent_pts(ax.title)[1] if ax.get_title() else 0.0 for ax in axes)
    title_h = max(title_h, size("Mg", axes[0].title)[1]) + rc["axes.titlepad"]
    below_h = tick + size("0", sample_tick)[1] + axes[0].xaxis.labelpad
    below_h += size("x", axes[0].xaxis.label)[1] + pad / 2  # descents, rounding
    top = pad
    if fig._suptitle is not None and fig._suptitle.get_text():
        top += extent_pts(fig._suptitle)[1] + pad
        fig._suptitle.set_y(1 - pad / height)
        fig._suptitle.set_va("top")
    bottom = pad
    for item in under:  # stacked upwards from the bottom edge
        if hasattr(item, "set_bbox_to_anchor"):  # a legend
            item.set_bbox_to_anchor((0.5, bottom / height), transform=fig.transFigure)
        else:  # a note
            item.set_position((pad / width, bottom / height))
        # Measured where it landed: a legend keeps its border pad from its anchor.
        bottom = item.get_window_extent(renderer).y1 * 72 / dpi + pad
    right_w = 0.0
    for item in right:
        item.set_bbox_to_anchor(((width - pad) / width, 1.0), transform=fig.transFigure)
        right_w = max(right_w, width - item.get_window_extent(renderer).x0 * 72 / dpi)
    # Side by side, except in portrait figures, where panels would be too narrow: stacked.
    stacked = len(axes) > 1 and width < height  # as the overlay expects
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
            left, right_edge = max(lefts), pad + max(max(overhangs), right_w)
            panel_w = width - left - right_edge
            panel_h = (height - top - bottom - len(axes) * (title_h + below_h)) / len(axes)
            y = height - top
            for ax in axes:
                y -= title_h + panel_h
                ax.set_position(_fraction(left, y, panel_w, panel_h, width, height))
                y -= below_h
            panels_top = height - top - title_h
        else:
            gaps = [overhangs[i] + pad + lefts[i + 1] for i in range(len(axes) - 1)]
            end = pad + max(overhangs[-1], right_w)
            panel_w = (width - lefts[0] - end - sum(gaps)) / len(axes)
            panel_h = height - top - title_h - bottom - below_h
            x = lefts[0]
            for i, ax in enumerate(axes):
                ax.set_position(_fraction(x, bottom + below_h, panel_w, panel_h, width, height))
                x += panel_w + (gaps[i] if i < len(gaps) else 0.0)
            panels_top = height - top - title_h
    y = panels_top
    for item in right:  # stacked down from the panels' top, at the right edge
        item.set_bbox_to_anchor(((width - pad) / width, y / height), transform=fig.transFigure)
        y = item.get_window_extent(renderer).y0 * 72 / dpi - pad


def _fraction(x: float, y: float, w: float, h: float, width: float, height: float) -> list[float]:
    # A negative size (a figure far too small) is kept at zero: require_clean refuses it.
    return [x / width, y / height, max(w, 1.0) / width, max(h, 1.0) / height]


def outside_legend(
    fig: Figure,
    legend: Any,
    where: str,
    *,
    fontsize: float | None = None,
    ncols: int | None = None,
) -> Any:
    """Re-create an axes legend as a figure legend ``where`` = "under" the panels (in as
    many columns as fit across the figure) or "right" of them (one column, or ``ncols``).
    ``fontsize`` (points): smaller entries for long legends (the caller keeps a floor)."""
    handles, labels, options = legend.relucli_source
    colors = [t.get_color() for t in legend.get_texts()]
    title = legend.get_title().get_text()
    legend.remove()
    renderer = renderer_of(fig)
    limit = fig.bbox.width - 2 * _PAD * fig.dpi / 72
    if ncols is not None:
        columns: Sequence[int] = [ncols]
    else:
        columns = range(min(len(labels), 8), 0, -1) if where == "under" else [1]
    extra = {} if fontsize is None else {"fontsize": fontsize}
    for n in columns:
        moved = fig.legend(
            handles,
            labels,
            title=(title.replace("\n", ": ") if n > 1 else title) or None,
            loc="lower center" if where == "under" else "upper right",
            ncols=n,
            frameon=False,
            **{**options, **extra},
        )
        if n == columns[-1] or moved.get_window_extent(renderer).width <= limit:
            break
        moved.remove()
    for text, color in zip(moved.get_texts(), colors):
        text.set_color(color)
    for line in moved.get_lines():
        line.set_path_effects(glow_effects(fig, line.get_color(), line.get_linewidth()))
    moved.relucli_source = legend.relucli_source
    return moved


def add_note(fig: Figure, text: str, color: Any = None) -> Any:
    """A note for the foot of the figure (placed by :func:`lay_out_panels` from ``under``),
    wrapped to the figure's width."""
    note = fig.text(0, 0, text, ha="left", va="bottom", fontsize="small", color=color)
    wrap_artist(note, fig.bbox.width - 2 * _PAD * fig.dpi / 72)
    return note


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


def freeze_layout(fig: Figure) -> None:
    """Keep the layout just computed: savefig would otherwise lay the figure out again (a
    third of the time of a simple figure). Nothing added afterwards changes the margins."""
    import matplotlib

    # set_layout_engine(None) consults these rcParams; with both off it removes the engine.
    with matplotlib.rc_context(
        {"figure.constrained_layout.use": False, "figure.autolayout": False}
    ):
        fig.set_layout_engine(None)


def curve_points(ax: Axes, curves: list[Curve], panel: str) -> tuple[np.ndarray, np.ndarray]:
    """Every drawn point of the curves (bands and kink markers too) in axes fractions, and
    the index of the curve each point belongs to."""
    xs, ys, owners = [], [], []
    for i, c in enumerate(curves):
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
        owners.append(np.full(sum(len(v) for v in xs) - sum(len(o) for o in owners), i))
    x, y = np.concatenate(xs), np.concatenate(ys)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    points = np.column_stack([(x - x0) / (x1 - x0), (y - y0) / (y1 - y0)])
    return points, np.concatenate(owners)


def text_boxes(ax: Axes, artists: list) -> list[tuple[float, float, float, float]]:
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


def place_legend(ax: Axes, legend, points: np.ndarray, boxes: list) -> bool:
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


# Where a magnified inset may go, in axes fractions (x0, y0), in order of preference: the
# upper left (where the negative side of most activations leaves room), then the others.
_INSET_SPOTS = ((0.06, 0.54), (0.06, 0.30), (0.32, 0.54), (0.58, 0.30), (0.58, 0.06), (0.06, 0.06))
_INSET_SIZE = (0.36, 0.34)
_INSET_HIDES = 0.10  # the share of one curve's samples an inset may cover


def place_inset(
    ax: Axes,
    build: Callable[[list[float]], Any],
    points: np.ndarray,
    groups: np.ndarray,
    boxes: list,
) -> Any | None:
    """Build an inset (``build(bounds)`` returns the inset axes) at the first spot where it
    and its title stay inside the panel, overlap no box in ``boxes`` (axes fractions) and
    cover at most a tenth of any curve's ``points`` (``groups`` says which curve each point
    belongs to). Returns the inset, or None when no spot works (nothing is left drawn)."""
    renderer = renderer_of(ax.figure)
    frame = ax.get_window_extent(renderer)
    w, h = _INSET_SIZE
    for x0, y0 in _INSET_SPOTS:
        ins = build([x0, y0, w, h])
        box = ins.get_tightbbox(renderer)
        a0 = (box.x0 - frame.x0) / frame.width
        b0 = (box.y0 - frame.y0) / frame.height
        a1 = (box.x1 - frame.x0) / frame.width
        b1 = (box.y1 - frame.y0) / frame.height
        inside = a0 >= 0 and b0 >= 0 and a1 <= 1 and b1 <= 1
        clear = not any(p0 < a1 and a0 < p1 and q0 < b1 and b0 < q1 for p0, q0, p1, q1 in boxes)
        covered = (points[:, 0] >= a0) & (points[:, 0] <= a1)
        covered &= (points[:, 1] >= b0) & (points[:, 1] <= b1)
        share = np.bincount(groups[covered], minlength=groups.max() + 1) / np.bincount(groups)
        if inside and clear and share.max() <= _INSET_HIDES:
            ins.relucli_box = (a0, b0, a1, b1)
            return ins
        ins.remove()
    return None


def require_clean(
    fig: Figure, redraw: Callable[[Figure], None], problems: list | None = None
) -> None:
    """Refuse (SpecError, a usage error) a figure whose layout still has a problem (texts
    colliding, a legend or inset hiding a curve, anything past the canvas), naming the
    smallest size of the same shape at which ``redraw`` lays out cleanly.

    Fonts scale with the figure (relucli.plotting.figure), down to a floor: so a larger
    figure helps only below that floor, and the search is short. ``problems``: already
    measured (after saving), else measured here."""
    problems = find_problems(fig) if problems is None else problems
    if not problems:
        return
    w, h = fig.get_size_inches()
    style = getattr(fig, "relucli_style", "light")

    def size_at(k: int) -> tuple[float, float]:  # 1.2**k times larger, to 0.1 in
        return (math.ceil(w * 1.2**k * 10) / 10, math.ceil(h * 1.2**k * 10) / 10)

    def clean(k: int) -> bool:
        with new_figure(style, size_at(k), fig.dpi) as trial:
            try:
                redraw(trial)
            except SpecError:
                return False
            return not find_problems(trial)

    # Doubling steps find a size that works, halving steps the smallest one (a figure only
    # gets easier to lay out as it grows, until fonts stop shrinking with it).
    found, bad = None, 0
    for k in (1, 2, 4, 8, 12):
        if clean(k):
            found = k
            break
        bad = k
    while found is not None and found - bad > 1:
        mid = (found + bad) // 2
        found, bad = (mid, bad) if clean(mid) else (found, mid)
    found = None if found is None else size_at(found)
    shown = f"{w:.3g}x{h:.3g} in ({w * fig.dpi:.0f}x{h * fig.dpi:.0f} px)"
    message = f"a {shown} figure is too small to lay this out legibly ({problems[0]})"
    if found is None:
        raise SpecError(message + "; try a larger --size")
    px = f"{found[0] * fig.dpi:.0f}x{found[1] * fig.dpi:.0f}px at {fig.dpi:g} dpi"
    raise SpecError(
        f"{message}; the smallest size that works here is {found[0]:g}x{found[1]:g}in ({px})"
    )


def thin_tick_labels(ax: Axes) -> None:
    """Blank tick labels that would overlap a neighbour (minor labels of a short log axis
    crowd a small panel), keeping the first of each crowded run; call once laid out."""
    from matplotlib.ticker import FuncFormatter

    renderer = renderer_of(ax.figure)
    for axis, lo in ((ax.xaxis, 0), (ax.yaxis, 1)):
        shown = [
            (tick.get_loc(), tick.label1, minor)
            for minor, ticks in ((False, axis.get_major_ticks()), (True, axis.get_minor_ticks()))
            for tick in ticks[
                : len(axis.get_minorticklocs() if minor else axis.get_majorticklocs())
            ]
            if tick.label1.get_visible() and tick.label1.get_text()
        ]
        view = sorted(axis.get_view_interval())
        shown = [s for s in shown if view[0] <= s[0] <= view[1]]
        shown.sort(key=lambda s: s[1].get_window_extent(renderer).bounds[lo])
        kept, hidden, last = [], set(), None
        for loc, label, minor in shown:
            box = label.get_window_extent(renderer)
            if last is not None and box.overlaps(last):
                hidden.add((loc, minor))
            else:
                kept.append(loc)
                last = box
        if not hidden:
            continue
        for minor, get, set_ in (
            (False, axis.get_major_formatter, axis.set_major_formatter),
            (True, axis.get_minor_formatter, axis.set_minor_formatter),
        ):
            original = get()
            blank = {loc for loc, m in hidden if m == minor}
            if blank:
                set_(FuncFormatter(
                    lambda v, pos, f=original, b=blank: "" if v in b else f(v, pos)
                ))  # fmt: skip
