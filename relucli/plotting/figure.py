"""Shared figure plumbing: styles, sizes, a styled Figure, and atomic saving.

Every relucli figure is drawn through these helpers so the styles, sizes, fonts and the
deterministic output settings are the same everywhere. Matplotlib is imported inside the
functions only, so importing this module (or relucli.cli) stays cheap.

Typical use (the whole drawing happens inside the ``with`` block, where the style is active)::

    from relucli.plotting.figure import glow_line, new_figure, parse_size, save_figure

    with new_figure("neon", parse_size("16:9"), dpi=150) as fig:
        ax = fig.add_subplot()
        glow_line(ax, x, y, label="relu")
        ax.legend()
        save_figure(fig, "out/relu.png")

The API: ``STYLES``, ``FORMATS``, ``SIZES``, ``DEFAULT_DPI``, ``parse_size``, ``figure_format``,
``new_figure``, ``save_figure``, ``glow_line``, ``glow_effects``, ``style_colors``.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import os
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..registry import SpecError, parse_number
from ..styles import STYLES as STYLE_REGISTRY

if TYPE_CHECKING:  # pragma: no cover - typing only; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

#: Style names, from the style registry (relucli.styles): sheets, glow and bulb colours.
STYLES: tuple[str, ...] = tuple(STYLE_REGISTRY)
#: Output formats, chosen by the file suffix.
FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
#: Named sizes in inches. At the default 150 dpi, 16:9 is 1920x1080 px and 4:3 1440x1080 px.
#: Any other ratio W:H is drawn 7.2 in tall, as these are.
SIZES: dict[str, tuple[float, float]] = {"16:9": (12.8, 7.2), "4:3": (9.6, 7.2)}
DEFAULT_SIZE = "16:9"
DEFAULT_DPI = 150
_RATIO_HEIGHT = 7.2
_MAX_PIXELS = 100 * 10**6  # 8K (7680x4320) is 33 megapixels
# Font sizes in the style sheets are tuned for the 16:9 size; other sizes scale them so a
# figure looks the same at any size (clamped: tiny figures stay readable, huge ones sane).
_REFERENCE_AREA = 12.8 * 7.2
_FONT_SCALE_LIMITS = (0.5, 1.6)

_RATIO = re.compile(r"^\s*([0-9.]+)\s*:\s*([0-9.]+)\s*$")
_SIZE = re.compile(r"^\s*([0-9.]+(?:/[0-9.]+)?)\s*[x×]\s*([0-9.]+(?:/[0-9.]+)?)\s*(px|in)?\s*$")


def parse_size(text: str | None, dpi: float = DEFAULT_DPI) -> tuple[float, float]:
    """``16:9``, ``4:3``, ``8x4.5`` (inches), ``8x4.5in`` or ``1920x1080px`` -> (width, height)
    in inches; pixels are converted with ``dpi``. Raises SpecError (a usage error)."""
    if text is None:
        text = DEFAULT_SIZE
    key = str(text).strip().lower()
    if key in SIZES:
        return SIZES[key]
    valid = "use a ratio W:H (16:9, 4:3, 1:1), WxH in inches (8x4.5) or pixels (1920x1080px)"
    ratio = _RATIO.match(key)
    if ratio:
        try:
            w, h = float(ratio.group(1)), float(ratio.group(2))
        except ValueError:
            raise SpecError(f"not a figure size: '{text}' ({valid})") from None
        if not (w > 0 and h > 0 and 1 / 20 <= w / h <= 20):
            raise SpecError(f"figure ratio '{text}' is out of range (W:H from 1:20 to 20:1)")
        return _RATIO_HEIGHT * w / h, _RATIO_HEIGHT
    match = _SIZE.match(key)
    if not match:
        raise SpecError(f"not a figure size: '{text}' ({valid})")
    try:
        width, height = parse_number(match.group(1)), parse_number(match.group(2))
    except SpecError:
        raise SpecError(f"not a figure size: '{text}' ({valid})") from None
    if match.group(3) == "px":
        width, height = width / dpi, height / dpi
    if not (0.5 <= width <= 100 and 0.5 <= height <= 100):
        raise SpecError(f"figure size '{text}' is out of range (0.5 to 100 inches each side)")
    return width, height


def figure_format(path: str | os.PathLike) -> str:
    """The output format from the file suffix; SpecError (usage error) when it is unknown."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        shown = f"'.{suffix}'" if suffix else "no suffix"
        raise SpecError(
            f"cannot tell the figure format of '{path}' from {shown} (use {', '.join(FORMATS)})"
        )
    return suffix


def _style_sheet(style: str) -> list[str]:
    """The layered sheets of ``style`` (base + colours); SpecError when it is unknown."""
    if style not in STYLES:
        raise SpecError(f"unknown style '{style}' (valid: {', '.join(STYLES)})")
    return STYLE_REGISTRY[style].sheets


@functools.cache
def _style_rc(style: str) -> dict[str, Any]:
    """The rcParams of ``style``'s layered sheets, read once per process.

    What ``matplotlib.style.context(sheets)`` applies, without importing matplotlib.style:
    that module parses Matplotlib's whole style library on import (about 30 files), which
    relucli never uses; and a figure enters its style twice (drawing, saving)."""
    import matplotlib

    rc: dict[str, Any] = {}
    for sheet in _style_sheet(style):
        package, _, name = sheet.rpartition(".")
        path = resources.files(package) / f"{name}.mplstyle"
        rc.update(matplotlib.rc_params_from_file(path, use_default_template=False))
    return rc


def style_context(style: str) -> contextlib.AbstractContextManager:
    """``style`` active for the block (Matplotlib's settings restored after)."""
    import matplotlib

    return matplotlib.rc_context(_style_rc(style))


def check_mathtext(text: str, what: str = "--title") -> None:
    """SpecError (a usage error) naming the problem when ``text`` has $...$ math that
    Matplotlib cannot parse; plain text (a lone "$5") passes."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser
    from matplotlib.text import Text

    if not Text()._preprocess_math(text)[1]:
        return
    try:
        MathTextParser("path").parse(text, 72, FontProperties())
    except ValueError as exc:
        # The last line is "<Kind>Exception: <reason>, found ... (at char N), (line..)".
        last = str(exc).strip().splitlines()[-1]
        reason = re.sub(r"^\w*Exception: |,? found .*$|\s*\(at char.*$", "", last)
        at = re.search(r"\(at char (\d+)\)", last)
        if (len(reason) > 60 or not reason) and at:  # pyparsing lists every token expected
            reason = f"cannot parse it at character {int(at.group(1)) + 1}"
        raise SpecError(
            f"{what} has bad mathtext '{text}': {reason} (write \\$ for a literal dollar)"
        ) from None


@contextlib.contextmanager
def new_figure(
    style: str = "light",
    size: tuple[float, float] = SIZES[DEFAULT_SIZE],
    dpi: float = DEFAULT_DPI,
    *,
    window: bool = False,
) -> Iterator[Figure]:
    """A Matplotlib Figure (Agg canvas, no pyplot) with ``style`` active inside the block.

    Draw everything inside the ``with`` block: Matplotlib reads colours, fonts and line
    widths from the style when each artist is created. The figure remembers its style, so
    :func:`save_figure` and :func:`glow_line` can be called with the figure alone.
    ``window=True`` makes the figure through pyplot instead, for ``--show`` only.
    """
    import matplotlib

    _style_sheet(style)  # an unknown style is a usage error before anything else
    pixels = size[0] * dpi * size[1] * dpi
    if pixels > _MAX_PIXELS:
        raise SpecError(
            f"a {size[0] * dpi:.0f}x{size[1] * dpi:.0f} px figure is too large"
            f" (at most {_MAX_PIXELS // 10**6} megapixels; lower --size or --dpi)"
        )
    scale = math.sqrt(size[0] * size[1] / _REFERENCE_AREA)
    scale = min(max(scale, _FONT_SCALE_LIMITS[0]), _FONT_SCALE_LIMITS[1])
    with style_context(style):
        matplotlib.rcParams["font.size"] *= scale
        matplotlib.rcParams["lines.linewidth"] *= scale
        if window:
            import matplotlib.pyplot as plt

            fig = plt.figure(figsize=size, dpi=dpi)
        else:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            fig = Figure(figsize=size, dpi=dpi)
            FigureCanvasAgg(fig)
        fig.relucli_style = style  # type: ignore[attr-defined]
        yield fig


def style_colors(style: str | None = None) -> list[str]:
    """The line colours of ``style`` (or of the active style inside new_figure), in order."""
    import matplotlib

    def cycle() -> list[str]:
        return [str(c) for c in matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]]

    if style is None:
        return cycle()
    with style_context(style):
        return cycle()


def glow_effects(fig: Figure, color: Any, width: float) -> list:
    """Path effects that make a line of ``width`` glow, or [] when the figure's style does
    not glow. Use on artists drawn apart from :func:`glow_line`, such as legend lines."""
    strokes = _glow(fig)
    if not strokes:
        return []
    from matplotlib import patheffects

    halo = [
        patheffects.Stroke(linewidth=width * (1 + k), foreground=color, alpha=a) for k, a in strokes
    ]
    return [*halo, patheffects.Normal()]


def _glow(fig: Any) -> tuple[tuple[float, float], ...]:
    style = STYLE_REGISTRY.get(getattr(fig, "relucli_style", ""))
    return style.glow if style else ()


def glow_line(
    ax: Axes,
    x: Sequence[float],
    y: Sequence[float],
    *,
    glow_zorder: float | None = None,
    glow_width: float | None = None,
    **kwargs: Any,
) -> Line2D:
    """``ax.plot(x, y, **kwargs)``, returning its one Line2D. In glowing styles (neon) a halo
    (faint wide strokes, one unlabelled artist) is drawn under it at ``glow_zorder``
    (default: just below the line). Give all halos of a figure one low ``glow_zorder`` to
    keep them under every line, so lines that coincide stay visible side by side. The halo's
    size follows ``glow_width`` (default: the line's width)."""
    (line,) = ax.plot(x, y, **kwargs)
    if _glow(ax.figure):
        width = glow_width or line.get_linewidth()
        (halo,) = ax.plot(
            x,
            y,
            color=line.get_color(),
            linewidth=width,
            solid_capstyle="round",
            zorder=line.get_zorder() - 0.01 if glow_zorder is None else glow_zorder,
            label="_nolegend_",
        )
        halo.set_path_effects(glow_effects(ax.figure, line.get_color(), width)[:-1])
    return line


def write_figure(
    draw: Callable[[Figure], None],
    path: str | os.PathLike,
    *,
    style: str = "light",
    size: tuple[float, float] | None = None,
    dpi: float = DEFAULT_DPI,
    transparent: bool = False,
    make_folder: bool = True,
) -> Path:
    """``draw(fig)`` into a new figure of ``style`` and ``size`` (default 16:9), written
    atomically to ``path`` by :func:`save_figure`, its layout checked on the drawing saved
    (``draw`` also draws the trial figures that find a size that works, when one is too
    small). Returns the path written."""
    with new_figure(style, size or SIZES[DEFAULT_SIZE], dpi) as fig:
        draw(fig)
        return save_figure(fig, path, transparent=transparent, make_folder=make_folder, check=draw)


class _Discard:
    """A file that keeps nothing: savefig's raw RGBA copy, when the canvas is read instead."""

    def write(self, data: Any) -> int:
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:  # Matplotlib asks for a file handle
        return 0


def save_figure(
    fig: Figure,
    path: str | os.PathLike,
    *,
    transparent: bool = False,
    make_folder: bool = False,
    check: Callable[[Figure], None] | None = None,
) -> Path:
    """Write ``fig`` to ``path`` atomically (temporary file beside it, then rename).

    The format comes from the suffix (png, svg, pdf; anything else is a SpecError). Output is
    deterministic: no dates or software versions in the metadata, fixed SVG ids. A missing
    folder is created when ``make_folder`` is true; otherwise, and for any unwritable
    target, the OSError propagates and no partial file is left. Returns the path written.

    ``check``: the function that drew ``fig``. The figure's layout is then checked on the
    drawing made for the file (no second drawing) and a figure too small to lay out is
    refused (SpecError naming a size that works, see layout.require_clean); nothing is
    written then.
    """
    from ..files import atomic_output

    target = Path(path)
    fmt = figure_format(target)
    metadata: dict[str, Any] = {
        "png": {},  # relucli.plotting.png writes no text chunks
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
    }[fmt]
    if make_folder and not os.path.lexists(target.parent):
        target.parent.mkdir(parents=True)
    style = getattr(fig, "relucli_style", "light")
    buffer = io.BytesIO()
    with style_context(style), warnings.catch_warnings():
        # A character the font lacks (an emoji in --title) draws as a box: not worth a warning.
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        # A figure far too small for constrained layout: the check below refuses it.
        warnings.filterwarnings("ignore", "constrained_layout not applied", UserWarning)
        if fmt == "png":
            # Drawn by Agg exactly as Matplotlib's PNG path draws it, then encoded here,
            # in a third of Pillow's time (see relucli.plotting.png): the same pixels.
            fig.savefig(_Discard(), format="rgba", transparent=transparent)
            from .png import write_png

            drawn = fig.canvas.renderer  # the renderer savefig drew on, at its dpi
            write_png(np.asarray(drawn.buffer_rgba()), drawn.dpi, buffer)
        else:
            fig.savefig(buffer, format=fmt, transparent=transparent, metadata=metadata)
        if check is not None:
            from .layout import require_clean
            from .measure import find_problems

            # Measured with the Agg renderer: after a PNG, on the drawing just made; after
            # SVG or PDF (whose renderers place labels by their own metrics), drawn anew.
            problems = find_problems(fig, drawn=fmt == "png")
            if problems:
                require_clean(fig, check, problems)
    with atomic_output(target, "wb") as stream:
        stream.write(buffer.getbuffer())
    return target
