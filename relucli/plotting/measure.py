"""What collides in a laid-out figure: the check every relucli figure passes before it is
written (a figure that fails it at the asked size is refused, naming a size that works).

It measures what the renderer draws (window extents, never estimates) and reports, one
:class:`Problem` per finding:

- ``outside``: a text, legend or inset reaching past the canvas;
- ``texts-overlap``: two texts drawn over each other;
- ``legend-over``: a legend over an inset, another legend or a text;
- ``inset-over``: an inset over a text that is not its own;
- ``hides-curve``: a legend or inset covering more than 15% of one curve's samples;
- ``alike``: two legend entries for different labels drawn alike (colour, dash, marker).

The test suite checks figures with its own, independent copy (tests/layout_check.py), so
the drawing code cannot pass by agreeing with itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

HIDDEN_SHARE = 0.15  # a legend or inset may cover at most this share of a curve's samples
KINDS = ("outside", "texts-overlap", "legend-over", "inset-over", "hides-curve", "alike")


@dataclass(frozen=True)
class Problem:
    kind: str
    what: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.what}"


@dataclass
class _Box:
    name: str
    x0: float
    y0: float
    x1: float
    y1: float
    owner: Any = None  # the legend or inset axes a text belongs to, if any

    def overlap(self, other: _Box, slack: float) -> bool:
        """Overlapping by more than ``slack`` pixels in both directions."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w > slack and h > slack

    def contains(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x >= self.x0) & (x <= self.x1) & (y >= self.y0) & (y <= self.y1)


def _box(name: str, extent, owner: Any = None) -> _Box:
    return _Box(name, extent.x0, extent.y0, extent.x1, extent.y1, owner)


def _label(text) -> str:
    return repr(text.get_text()[:40])


def _drawn(artist) -> bool:
    """Visible, with every axes it sits in visible too."""
    if not artist.get_visible():
        return False
    ax = getattr(artist, "axes", None)
    while ax is not None:
        if not ax.get_visible():
            return False
        ax = getattr(ax, "_relucli_parent", None)
    return True


def _insets(fig) -> list:
    """Axes drawn inside another axes (``inset_axes``)."""
    return [child for ax in fig.axes for child in ax.child_axes if _drawn(child)]


def _legends(fig) -> list:
    found = list(fig.legends)
    for ax in [*fig.axes, *_insets(fig)]:
        found += [a for a in ax.get_children() if type(a).__name__ == "Legend"]
    unique = {id(leg): leg for leg in found}
    return [leg for leg in unique.values() if leg.get_visible()]


def _tick_texts(ax) -> list:
    out = []
    for axis in (ax.xaxis, ax.yaxis):
        if not axis.get_visible():
            continue
        for tick in axis._update_ticks():  # the ticks drawn: those inside the view
            out += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    return out


def _texts(fig, renderer, legends, insets) -> list[_Box]:
    """Every visible non-empty text, with its owner (legend or inset) when it has one."""
    from matplotlib.text import Annotation

    owned: dict[int, Any] = {}
    for leg in legends:
        for t in [*leg.get_texts(), leg.get_title()]:
            owned[id(t)] = leg
    for ins in insets:
        for t in [*ins.texts, ins.title, ins._left_title, ins._right_title]:
            owned[id(t)] = ins
        for t in [*_tick_texts(ins), ins.xaxis.label, ins.yaxis.label]:
            owned[id(t)] = ins
    candidates = [*fig.texts]
    for attr in ("_suptitle", "_supxlabel", "_supylabel"):
        if getattr(fig, attr, None) is not None:
            candidates.append(getattr(fig, attr))
    for ax in [*fig.axes, *insets]:
        if not ax.get_visible():
            continue
        candidates += [*ax.texts, ax.title, ax._left_title, ax._right_title]
        candidates += [ax.xaxis.label, ax.yaxis.label, *_tick_texts(ax)]
    for leg in legends:
        candidates += [*leg.get_texts(), leg.get_title()]
    boxes, seen = [], set()
    for t in candidates:
        if id(t) in seen or not t.get_text().strip() or not _drawn(t):
            continue
        seen.add(id(t))
        if isinstance(t, Annotation) and not t._check_xy(renderer):
            continue  # clipped away: not drawn
        boxes.append(_box(_label(t), t.get_window_extent(renderer), owned.get(id(t))))
    return boxes


def _inset_box(ins, renderer) -> _Box:
    return _box(f"inset {ins.get_title(loc='left')[:30]!r}", ins.get_tightbbox(renderer), ins)


def _curves(fig, insets) -> list[tuple[str, np.ndarray, np.ndarray, Any]]:
    """(label, x, y in pixels, axes) of every labelled line inside the view of its axes."""
    out = []
    inset_ids = {id(i) for i in insets}
    for ax in fig.axes:
        if id(ax) in inset_ids or not ax.get_visible():
            continue
        for line in ax.get_lines():
            label = str(line.get_label())
            if label.startswith("_") or not line.get_visible():
                continue
            xy = np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)
            xy = xy[np.isfinite(xy).all(axis=1)]
            if len(xy) < 2:
                continue
            px = line.get_transform().transform(xy)
            frame = ax.get_window_extent()
            inside = (px[:, 0] >= frame.x0) & (px[:, 0] <= frame.x1)
            inside &= (px[:, 1] >= frame.y0) & (px[:, 1] <= frame.y1)
            if inside.sum() >= 2:
                out.append((label, px[inside, 0], px[inside, 1], ax))
    return out


def _entry_look(handle) -> Any:
    """How a legend handle is drawn: colour, dash pattern and marker (tuples for composites)."""
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if isinstance(handle, tuple):
        return tuple(_entry_look(h) for h in handle)
    if isinstance(handle, Line2D):
        ls = handle.get_linestyle()
        dashes = (
            None
            if ls in ("None", "", " ", "none")
            else tuple(handle._unscaled_dash_pattern[1] or ())
        )
        marker = handle.get_marker()
        marker = None if marker in ("None", "", " ", None) else str(marker)
        if dashes is None and marker is None:
            return None  # no handle drawn (the entry is its coloured text)
        color = tuple(np.round(to_rgba(handle.get_color()), 2))
        mface = tuple(np.round(to_rgba(handle.get_markerfacecolor()), 2)) if marker else None
        return ("line", color, dashes, marker, mface)
    if isinstance(handle, Patch):
        return ("patch", tuple(np.round(handle.get_facecolor(), 2)), handle.get_hatch())
    try:
        return ("artist", tuple(np.round(to_rgba(handle.get_facecolor()[0]), 2)))
    except (AttributeError, IndexError, TypeError, ValueError):  # not comparable
        return None


def find_problems(fig: Any, drawn: bool = False) -> list[Problem]:
    """Every layout problem of ``fig`` (empty: the figure is clean). Unless the figure was
    just ``drawn`` (saved), lays it out first as drawing would (layout engine, axis label
    positions), without rasterizing."""
    import warnings

    with warnings.catch_warnings():
        if drawn:
            return _problems(fig)
        # A layout engine that gives up on a figure far too small says so: the problems
        # found here say it to the user instead, as a usage error.
        warnings.simplefilter("ignore", UserWarning)
        fig.draw_without_rendering()
    return _problems(fig)


def _problems(fig: Any) -> list[Problem]:
    renderer = fig.canvas.get_renderer()
    dpi = fig.dpi
    slack = dpi / 72  # one point: anti-aliased edges may touch
    canvas = _Box("canvas", 0, 0, fig.bbox.width, fig.bbox.height)
    insets = _insets(fig)
    legends = _legends(fig)
    texts = _texts(fig, renderer, legends, insets)
    legend_boxes = [
        _box(f"legend {_legend_name(leg)}", leg.get_window_extent(renderer), leg) for leg in legends
    ]
    inset_boxes = [_inset_box(i, renderer) for i in insets]
    problems: list[Problem] = []

    # A legend's or inset's own texts are checked as part of their owner.
    for b in [*(t for t in texts if t.owner is None), *legend_boxes, *inset_boxes]:
        if (
            b.x0 < canvas.x0 - slack
            or b.y0 < canvas.y0 - slack
            or b.x1 > canvas.x1 + slack
            or b.y1 > canvas.y1 + slack
        ):
            problems.append(Problem("outside", b.name))

    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if a.owner is not None and a.owner is b.owner:
                continue  # inside one legend the legend lays its texts out itself
            if a.overlap(b, slack):
                problems.append(Problem("texts-overlap", f"{a.name} and {b.name}"))

    for i, leg in enumerate(legend_boxes):
        for other in [*inset_boxes, *legend_boxes[i + 1 :]]:
            if leg.overlap(other, slack):
                problems.append(Problem("legend-over", f"{leg.name} over {other.name}"))
        for t in texts:
            if t.owner is not leg.owner and leg.overlap(t, slack):
                problems.append(Problem("legend-over", f"{leg.name} over text {t.name}"))

    for ins in inset_boxes:
        for t in texts:
            if t.owner is not ins.owner and ins.overlap(t, slack):
                problems.append(Problem("inset-over", f"{ins.name} over text {t.name}"))

    for label, x, y, _ax in _curves(fig, insets):
        for cover in [*legend_boxes, *inset_boxes]:
            share = float(np.mean(cover.contains(x, y)))
            if share > HIDDEN_SHARE:
                problems.append(
                    Problem("hides-curve", f"{cover.name} hides {share:.0%} of {label!r}")
                )

    for leg in legends:
        looks: dict[Any, str] = {}
        for handle, text in zip(leg.legend_handles, leg.get_texts()):
            look = _entry_look(handle)
            name = text.get_text()
            if look is None:
                continue
            if look in looks and looks[look] != name:
                problems.append(Problem("alike", f"{looks[look]!r} and {name!r}"))
            looks.setdefault(look, name)
    return problems


def _legend_name(leg) -> str:
    title = leg.get_title().get_text()
    first = leg.get_texts()[0].get_text() if leg.get_texts() else ""
    return repr((title or first)[:30])
