"""`relucli plot`: the slide-ready comparison figure, or a gallery grid, as PNG, SVG or PDF.

Matplotlib is imported only when a figure is drawn (inside relucli.plotting), so this module
is as cheap to import as the rest of the CLI.
"""

from __future__ import annotations

from pathlib import Path

import click

from ...plotting.compare import DEFAULT_POINTS, LAYOUTS, SHADES, PlotOptions, default_filename
from ...plotting.figure import parse_size
from ...registry import SpecError, parse_number
from ..options import (
    CONTEXT,
    activation_options,
    animation_options,
    check_drawable,
    check_figure_output,
    figure_output_option,
    figure_size_options,
    range_option,
    resolve,
    slide_options,
    specs_argument,
    style_option,
    title_option,
)
from ..output import UserError, writing

# No variant given: the classic picture, sharp (ReLU), slightly angled (Leaky), smooth (ELU).
DEFAULT_SPECS = ("relu", "leaky_relu", "elu")


def _panels(text: str) -> tuple[str, ...]:
    from ...plotting.compare import PANELS

    items = tuple(p.strip().lower() for p in text.split(",") if p.strip())
    bad = [p for p in items if p not in PANELS]
    if bad or not items:
        raise SpecError(f"unknown panel '{text}' (valid: f, grad or f,grad)")
    return tuple(dict.fromkeys(items))


@click.command(
    "plot",
    context_settings=CONTEXT,
    short_help="Slide-ready figures of f(x) and f'(x): png, svg or pdf.",
)
@specs_argument
@range_option("x range [default: -5 5, widened to show every kink, e.g. ReLU6's cap at 6].")
@click.option(
    "--points",
    type=click.IntRange(2, 1_000_000),
    default=DEFAULT_POINTS,
    show_default=True,
    metavar="N",
    help="Samples over the range (kinks are always sampled exactly).",
)
@click.option(
    "--panels",
    default="f,grad",
    show_default=True,
    metavar="f,grad|f|grad",
    help="The function, its derivative, or both side by side.",
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default="overlay",
    show_default=True,
    help="All variants on shared axes, or one small panel per variant (a gallery).",
)
@style_option("Style sheet; neon is the dark, glowing slide look.")
@click.option(
    "--shade",
    type=click.Choice(SHADES),
    multiple=True,
    help="Also shade where |f'(x)| < 0.1 (dead zones, f' = 0, are always shaded).",
)
@activation_options
@figure_output_option(
    "Write to FILE; the suffix picks png, svg or pdf; a missing folder is created"
    " [default: relucli-<variants>.png]."
)
@figure_size_options
@title_option
@slide_options
@click.option("--transparent", is_flag=True, help="Transparent background (PNG, SVG, PDF).")
@click.option("--show", is_flag=True, help="Open the figure in a window (also writes with -o).")
@click.option(
    "--sweep",
    metavar="P=LO:HI",
    help="Animate parameter P of every variant (name or synonym) from LO to HI:"
    " P=LO:HI[:FRAMES[:log]], 40 frames by default; -o FILE.gif, .png (APNG) or .webp.",
)
@animation_options
def plot(
    specs,
    range_,
    points,
    panels,
    layout,
    style,
    shade,
    convention,
    train,
    seed,
    output,
    size,
    dpi,
    title,
    clean,
    ylim,
    legend,
    transparent,
    show,
    sweep,
    animate,
    fps,
    loop,
    bounce,
    colors,
    frames_dir,
) -> None:
    """Draw f(x) and f'(x) of the variants: the "Visualizing the Difference" figure.

    No variant draws ReLU (sharp), Leaky ReLU (slightly angled) and ELU (smooth). Dead zones
    (f' = 0) are shaded and labelled, jumps of f' are marked with their one-sided values,
    RReLU is drawn as its band of slopes, and a leak too small to see gets a magnified inset.
    Prints the path of the file written.

    \b
    Examples:
      relucli plot
      relucli plot elu selu -o elu-selu.svg
      relucli plot --style neon --size 16:9 -o out/relu-leaky-elu-neon.png
      relucli plot all --layout grid --panels f
      relucli plot relu relu6 --panels grad --shade saturation
      relucli plot gelu silu --clean --legend outside --ylim -1 3 -o slide.svg
      relucli plot elu --sweep alpha=0.1:2:24 -o elu-alpha.gif
      relucli plot leaky prelu --sweep alpha=0:0.5 --bounce -o leak.png
    """
    acts = resolve(specs or DEFAULT_SPECS, convention=convention, train=train, seed=seed)
    x_range = (parse_number(range_[0]), parse_number(range_[1])) if range_ else None
    check_drawable(acts, x_range)
    options = PlotOptions(
        x_range=x_range,
        points=points,
        panels=_panels(panels),
        layout=layout,
        # Control characters have no glyph; they would only draw as boxes.
        title="".join(c for c in title if c.isprintable()) if title else title,
        shade=tuple(shade),
        legend=legend,
        clean=clean,
        ylim=(parse_number(ylim[0]), parse_number(ylim[1])) if ylim else None,
    )
    figsize = parse_size(size, dpi)
    suffix = Path(output).suffix.lower() if output else ""
    if sweep is not None or animate or frames_dir is not None or suffix in (".gif", ".webp"):
        _animate(acts, specs, options, sweep, output, frames_dir, style, figsize, dpi,
                 transparent, show, fps=fps, loop=loop, bounce=bounce, colors=colors)  # fmt: skip
        return
    if output is None and show:
        _show(acts, options, style, figsize, dpi)
        return
    path = Path(output) if output else Path(default_filename(specs, acts))
    check_figure_output(path)  # format and writable path, before any drawing
    from ...plotting.compare import write_comparison

    with writing(path):
        written = write_comparison(
            acts,
            path,
            options,
            style=style,
            size=figsize,
            dpi=dpi,
            transparent=transparent,
            make_folder=True,
        )
    click.echo(f"wrote {written}")
    if show:
        _show(acts, options, style, figsize, dpi)


def _animate(acts, specs, options, sweep, output, frames_dir, style, figsize, dpi,
             transparent, show, **how) -> None:  # fmt: skip
    from ...files import check_output_path
    from ...plotting.animate import animation_format, parse_sweep

    if sweep is None:
        raise SpecError("an animation needs --sweep PARAM=LO:HI[:FRAMES[:log]]")
    if transparent or show:
        raise SpecError(f"{'--show' if show else '--transparent'} does not apply to animations")
    parsed = parse_sweep(sweep)
    if output is None and frames_dir is None:
        output = default_filename(specs, acts).removesuffix(".png") + ".gif"
    if output is not None:
        animation_format(output)  # a usage error before any drawing
        check_output_path(output, make_folder=True)  # exit 1 naming the path, before drawing
    from ...plotting.animate import sweep_animation, write_animation

    with (
        writing(output or frames_dir),
        sweep_animation(acts, parsed, options, style=style, size=figsize, dpi=dpi) as anim,
    ):
        written = write_animation(anim, output, frames_dir=frames_dir, make_folder=True, **how)
    if output is not None:
        played = 2 * anim.count - 2 if how["bounce"] and anim.count > 2 else anim.count
        click.echo(f"wrote {written[0]} ({played} frames)")
    if frames_dir is not None:
        click.echo(f"wrote {anim.count} frames to {frames_dir}")


def _show(acts, options, style, figsize, dpi) -> None:
    from ...plotting.compare import NoDisplayError, show_comparison

    try:
        show_comparison(acts, options, style=style, size=figsize, dpi=dpi)
    except NoDisplayError as exc:
        raise UserError(str(exc)) from None
