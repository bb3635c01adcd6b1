"""`relucli depth`: exploding, vanishing and self-normalizing signals through a deep random
network, with the mean-field variance map beside the simulation.

The library (relucli.lab.depth) computes; this module parses options and renders the tables;
relucli.plotting.depth draws the figure (Matplotlib is imported only when -o is given).
"""

from __future__ import annotations

import dataclasses
import math

import click

from ...lab.depth import DEFAULT_VARIANTS, DepthConfig, DepthResult, peak_bytes, run
from ...plotting.figure import parse_size
from ...tables import STREAMING, check_size
from ..options import (
    CONTEXT,
    NumberRange,
    Precision,
    animation_options,
    check_memory,
    dtype_option,
    figure_output_option,
    figure_size_options,
    largest_fitting,
    memory_budget_option,
    resolve,
    seed_option,
    specs_argument,
    style_option,
    table_output,
)
from ..output import TableOutput
from ._labfigure import check_lab_output, write_lab_output

_DEFAULTS = DepthConfig()
# Statistics of one random network are good to a few per cent: four digits is honest.
PRECISION = Precision(4)
# Biases far beyond the unit scale say nothing more about depth, and their square (the
# theory's sigma_b^2) must stay finite: 1e200 overflowed in the quadrature.
MAX_BIAS_STD = 1e6

LAYER_HEADERS = [
    "variant",
    "layer",
    "mean",
    "std",
    "zero grad",
    "grad norm",
    "q",
    "q theory",
    "grad theory",
]
SUMMARY_HEADERS = [
    "variant",
    "init",
    "σ_w²",
    "q*",
    "mean",
    "std",
    "slope",
    "χ",
    "fate of q",
    "q err l≤10",
    "q err all",
]
# The claim: mean-field theory and simulation agree over the first layers at width 1024.
EARLY_LAYERS = 10


@click.command("depth", context_settings=CONTEXT)
@specs_argument
@click.option(
    "--layers",
    type=click.IntRange(1, 10_000),
    default=_DEFAULTS.layers,
    show_default=True,
    metavar="L",
    help="Number of random dense layers.",
)
@click.option(
    "--width",
    type=click.IntRange(1, 8192),
    default=_DEFAULTS.width,
    show_default=True,
    metavar="W",
    help="Units per layer (the inputs have W features too).",
)
@click.option(
    "--batch",
    type=click.IntRange(1, 1_000_000),
    default=_DEFAULTS.batch,
    show_default=True,
    metavar="B",
    help="Number of N(0, 1) inputs pushed through.",
)
@click.option(
    "--init",
    default=_DEFAULTS.init,
    show_default=True,
    metavar="auto|he|xavier|lecun|normal:STD",
    help="Weight init; auto: he for the ReLU family, lecun for selu, xavier for tanh and"
    " sigmoid. normal:STD is a fixed std, whatever the width.",
)
@click.option(
    "--bias-std",
    type=NumberRange(0, MAX_BIAS_STD),
    default=_DEFAULTS.bias_std,
    show_default=True,
    metavar="S",
    help="Biases drawn from N(0, S^2).",
)
@click.option(
    "--ensemble",
    is_flag=True,
    help="Give every input its own network (the shared weights with random sign flips per"
    " input), so the statistics are an average over B networks: what mean-field theory"
    " predicts.",
)
@dtype_option(_DEFAULTS.dtype, "Precision of the simulation (the theory is always float64).")
@seed_option(
    "Random seed (weights, inputs, output gradient).", default=_DEFAULTS.seed, show_range=True
)
@click.option(
    "--every",
    type=click.IntRange(1),
    default=10,
    show_default=True,
    metavar="K",
    help="Table rows for layer 1, every K-th layer and the last.",
)
@click.option(
    "--summary",
    is_flag=True,
    help="Print only the per-variant table: fixed point of the variance map and the largest"
    " theory/simulation gap (text formats print it after the layer table).",
)
@memory_budget_option
@table_output(PRECISION, to_file=False)
@figure_output_option(
    "Also draw the figure (std and gradient norm against depth) to FILE: png, svg or"
    " pdf by suffix; a missing folder is created."
)
@style_option()
@figure_size_options
@animation_options
def depth(
    specs,
    layers,
    width,
    batch,
    init,
    bias_std,
    ensemble,
    dtype,
    seed,
    every,
    summary,
    memory_budget,
    out: TableOutput,
    output,
    style,
    size,
    dpi,
    animate,
    fps,
    loop,
    bounce,
    colors,
    frames_dir,
) -> None:
    """Signals through depth: exploding, vanishing and self-normalizing activations.

    Pushes a batch of N(0, 1) inputs through L random dense layers of width W (the same
    weight draws for every variant, scaled by its init), backpropagates a unit gradient,
    and prints per layer the mean and std of the activations, the share of units with
    zero gradient, the gradient norm relative to the last layer, and q, the mean square of
    the pre-activations, beside the mean-field prediction
    q_{l+1} = σ_w² E[f(√q_l z)²] + σ_b² (the quadrature of `relucli props`). Then, per
    variant, where that map leads (its fixed point) and the largest gap between q and its
    prediction. Default variants: relu, leaky_relu, elu, selu, tanh.

    \b
    Examples:
      relucli depth
      relucli depth relu --init xavier
      relucli depth relu --init normal:0.125 --summary
      relucli depth --width 1024 --ensemble --summary
      relucli depth selu relu -o depth.png --style neon
      relucli depth relu selu -o depth.gif --animate
    """
    config = DepthConfig(
        layers=layers,
        width=width,
        batch=batch,
        init=init,
        bias_std=bias_std,
        ensemble=ensemble,
        dtype=dtype,
        seed=seed,
    ).validated()
    acts = resolve(specs or DEFAULT_VARIANTS, default="seed")
    figsize = parse_size(size, dpi)
    animated = check_lab_output(output, animate, frames_dir)  # before any work
    _check_memory(config, len(acts), output is not None, memory_budget)
    if not summary:  # a text table too long to hold: refused before the run
        check_size(out.fmt, len(acts) * len(shown_layers(layers, every)))

    # An animation keeps up to 8192 activation values per layer for its histograms.
    result = run(acts, config, values=8192 if animated else 0)
    if summary:
        out.emit(SUMMARY_HEADERS, summary_rows(result), len(acts))
    else:
        rows = layer_rows(result, every)
        out.emit(LAYER_HEADERS, rows, len(rows))
        if out.fmt not in STREAMING:
            click.echo()
            out.emit(SUMMARY_HEADERS, summary_rows(result), len(acts))
    for v in result.variants:
        if v.sim.overflow is not None:
            click.echo(
                f"note: {v.act.spec} overflowed {config.dtype} at layer {v.sim.overflow};"
                " deeper layers show inf",
                err=True,
            )
    if animated or output is not None:
        from ...plotting.animate import depth_animation
        from ...plotting.depth import write_depth_figure

        write_lab_output(
            output,
            frames_dir,
            animation=(
                (lambda: depth_animation(result, style=style, size=figsize, dpi=dpi))
                if animated
                else None
            ),
            still=lambda path: write_depth_figure(result, path, style=style, size=figsize, dpi=dpi),
            frames="one per layer",
            how=dict(fps=fps, loop=loop, bounce=bounce, colors=colors),
        )


def _check_memory(config: DepthConfig, variants: int, figure: bool, budget: int) -> None:
    """Refuse, before any work, a run whose peak (lab.depth.peak_bytes) is over budget,
    saying which single change fits: a smaller --batch, --layers or --width, or no
    --ensemble."""
    need = peak_bytes(config, variants, figure)
    if need <= budget:
        return
    fits = []
    for option in ("batch", "layers", "width"):

        def estimate(n: int, option: str = option) -> int:
            return peak_bytes(dataclasses.replace(config, **{option: n}), variants, figure)

        largest = largest_fitting(estimate, budget, 1, getattr(config, option))
        if largest >= 1:
            fits.append(f"--{option} {largest:,}")
    if config.ensemble:
        plain = dataclasses.replace(config, ensemble=False)
        if peak_bytes(plain, variants, figure) <= budget:
            fits.append("no --ensemble")
    check_memory(need, budget, fits)


def shown_layers(layers: int, every: int) -> list[int]:
    """Layer 1, every ``every``-th layer, and the last."""
    return sorted({1, *range(every, layers + 1, every), layers})


def layer_rows(result: DepthResult, every: int) -> list[list]:
    rows = []
    for v in result.variants:
        sim, theory = v.sim, v.theory
        for layer in shown_layers(result.config.layers, every):
            i = layer - 1
            rows.append(
                [
                    v.act.spec,
                    layer,
                    _num(sim.mean[i]),
                    _num(sim.std[i]),
                    _num(sim.zero_grad[i]),
                    _num(sim.grad[i]),
                    _num(sim.q[i]),
                    _num(theory.q[i]),
                    _num(theory.grad[i]),
                ]
            )
    return rows


def summary_rows(result: DepthResult) -> list[list]:
    rows = []
    for v in result.variants:
        f = v.fixed
        rows.append(
            [
                v.act.spec,
                v.setup.init_text,
                _num(v.setup.sigma_w2),
                _num(f.q),
                _num(_snap(f.mean, f.std)),
                _num(f.std),
                _num(f.slope),
                _num(f.chi),
                f.fate,
                _num(v.q_error(EARLY_LAYERS)),
                _num(v.q_error()),
            ]
        )
    return rows


def _num(value: float) -> float | None:
    # Undefined (nan) is a blank cell rather than "nan".
    value = float(value)
    return None if math.isnan(value) else value


def _snap(mean: float, std: float) -> float:
    # A quadrature mean below 1e-12 of the std is rounding (SELU's 5e-17), not a mean.
    return 0.0 if abs(mean) <= 1e-12 * std else mean


__all__ = ["depth", "layer_rows", "shown_layers", "summary_rows"]
