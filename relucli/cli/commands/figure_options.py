"""--size, --dpi and --style, shared by every command that draws a figure (plot, depth,
dying)."""

from __future__ import annotations

from collections.abc import Callable

import click

from ..plotting.figure import DEFAULT_DPI, DEFAULT_SIZE, STYLES


def figure_size_options(f: Callable) -> Callable:
    f = click.option(
        "--dpi",
        type=click.FloatRange(10, 1200),
        default=DEFAULT_DPI,
        show_default=True,
        help="Dots per inch (16:9 at 150 dpi is 1920x1080 px).",
    )(f)
    return click.option(
        "--size",
        default=DEFAULT_SIZE,
        show_default=True,
        metavar="16:9|4:3|WxH",
        help="Figure size: a slide ratio, inches (8x4.5) or pixels (1920x1080px).",
    )(f)


def style_option(help: str = "Figure style.") -> Callable[[Callable], Callable]:
    return click.option(
        "--style", type=click.Choice(STYLES), default="light", show_default=True, help=help
    )
