"""--size, --dpi and --style, shared by every command that draws a figure (plot, depth,
dying), and the slide options of `relucli plot` (--clean, --ylim, --legend)."""

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
        metavar="W:H|WxH",
        help="Figure size: any ratio W:H (16:9, 4:3, 1:1, drawn 7.2 in tall), inches (8x4.5)"
        " or pixels (1920x1080px). A size too small to lay out is refused, naming the"
        " smallest that works.",
    )(f)


def style_option(help: str = "Figure style.") -> Callable[[Callable], Callable]:
    return click.option(
        "--style", type=click.Choice(STYLES), default="light", show_default=True, help=help
    )


def slide_options(f: Callable) -> Callable:
    """--clean, --ylim LO HI and --legend: what slide makers expect (relucli plot)."""
    from ..plotting.layout import LEGEND_MODES

    f = click.option(
        "--legend",
        type=click.Choice(LEGEND_MODES),
        default="auto",
        show_default=True,
        metavar="WHERE",
        help="auto, inside, outside or none; auto keeps a short legend inside a panel where"
        " it hides nothing and puts a long one beside or under the panels.",
    )(f)
    f = click.option(
        "--ylim", nargs=2, metavar="LO HI", help="y range of f(x) (of f'(x) when drawn alone)."
    )(f)
    return click.option(
        "--clean",
        is_flag=True,
        help="Curves and legend only: no dead zones, kink markers, leak inset or notes.",
    )(f)
