"""`relucli inspect`: the dead-neuron census of the user's own network, from saved
pre-activations.

The library reads (relucli.preacts) and counts (relucli.lab.census); this module parses
options, drives the progress bar, renders the tables, colours the warning levels on a
terminal and gates with --fail-above; relucli.plotting.inspect draws the figure
(Matplotlib is imported only when -o is given).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click
import numpy as np

from ...lab.census import DORMANT_TAU, LEVELS, CensusResult, LayerCensus, level, run_census
from ...preacts import SUFFIXES, PreactError, open_layers
from ...registry import SpecError, normalize
from ...tables import STREAMING
from ...variants import REGISTRY
from ..options import (
    CONTEXT,
    Precision,
    convention_option,
    figure_output_option,
    figure_size_options,
    resolve,
    style_option,
    table_output,
)
from ..output import TableOutput, UserError, writing

TABLES = ("layers", "units", "rates")
# Shares of a few hundred units: four significant digits, as in the dying lab.
PRECISION = Precision(4)
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
_UNITS_BLOCK = 4096  # rows per block of the units table
# Terminal colours of the warning levels (click.style, only when stdout is a terminal).
COLOURS = {"ok": {"fg": "green"}, "watch": {"fg": "yellow"}, "warning": {"fg": "bright_red"},
           "critical": {"fg": "red", "bold": True}}  # fmt: skip

HELP = f"""The dead-neuron census of your own network, from its saved pre-activations.

FILE holds the pre-activations z (the inputs of the activation) of one layer (.npy, .csv,
.tsv; a CSV header is detected) or of several (.npz, one array per layer, in file order,
named by its keys). Each array is samples x units: leading axes are folded into samples, so
the units are the last axis. Files of any size are read memory-mapped or streamed, a block
of rows at a time. Samples holding a NaN are left out of their layer's census (said on
stderr, with the count of infinite values).

Per layer and in total, under --variant: DEAD units (f'(z) = 0 for every sample: no
gradient reaches them), INACTIVE (z <= 0 for every sample), DORMANT (mean |f(z)| at most
--tau times the layer's average over units, as in Sokar et al. 2023, "The Dormant Neuron
Phenomenon in Deep Reinforcement Learning"), SATURATED for variants with a flat upper side
(relu6: z >= 6 on every sample), and the firing rate (share of samples with z > 0) of the
units. LEVEL: {", ".join(f"{name} above {limit:g}% dead" for limit, name in reversed(LEVELS))}
(more than half dead and a layer can no longer capture the patterns in the data).

--compare asks what if: the dead share each candidate variant would have on the same z, and
the gradient mass it would pass back (mean |f'(z)| over every sample and unit).

\b
Examples:
  relucli inspect acts.npz
  relucli inspect acts.npz --compare seed
  relucli inspect acts.npz --variant relu6 --table rates --format csv
  relucli inspect acts.npz --fail-above 50 -o census.png
  relucli inspect layer1.npy layer2.csv --variant leaky:0.1 --convention jax
"""


def _check_suffix(ctx, param, files):
    for path in files:
        if Path(path).suffix.lower() not in SUFFIXES:
            raise click.BadParameter(
                f"cannot tell the format of '{path}' from its suffix (use {', '.join(SUFFIXES)})"
            )
    return files


@click.command("inspect", context_settings=CONTEXT, help=HELP)
@click.argument(
    "files",
    nargs=-1,
    required=True,
    metavar="FILE...",
    type=click.Path(exists=True, dir_okay=False),
    callback=_check_suffix,
)
@click.option(
    "--variant",
    default="relu",
    show_default=True,
    metavar="VARIANT[:PARAMS]",
    help="The activation the network applies to these pre-activations.",
)
@convention_option
@click.option(
    "--tau",
    type=click.FloatRange(0, 1),
    default=DORMANT_TAU,
    show_default=True,
    help="Dormant threshold, a share of the layer's average mean |f(z)| (Sokar et al. 2023).",
)
@click.option(
    "--compare",
    multiple=True,
    metavar="VARIANTS",
    help="What if: one row per candidate variant (specs or groups, e.g. seed; repeat the"
    " option or separate by spaces) with its dead share and gradient mass.",
)
@click.option(
    "--table",
    type=click.Choice(TABLES),
    help="layers: one row per layer and the total [default]; units: one row per unit;"
    " rates: the firing-rate distribution per layer (quantiles, never and always firing).",
)
@click.option(
    "--fail-above",
    type=click.FloatRange(0, 100),
    metavar="PCT",
    help="Exit with code 1 when a layer has more than PCT % dead units (a gate for CI).",
)
@table_output(PRECISION, to_file=False)
@figure_output_option(
    "Also draw the figure (per-layer histograms of z with the dead zone shaded, and the"
    " lightbulb grid of the units) to FILE: png, svg or pdf by suffix; a missing folder is"
    " created."
)
@style_option()
@figure_size_options
def inspect_cmd(
    files,
    variant,
    convention,
    tau,
    compare,
    table,
    fail_above,
    out: TableOutput,
    output,
    style,
    size,
    dpi,
) -> None:
    if not variant.strip():
        raise SpecError("--variant needs a variant, e.g. relu or leaky:0.1")
    if normalize(variant) in REGISTRY.group_names():
        raise SpecError(f"--variant takes one variant, not the group '{variant}'")
    if compare and table:
        raise SpecError("--compare prints the what-if table; drop --table (or --compare)")
    acts = resolve([variant], convention=convention)
    candidates = [s for item in compare for s in item.split()]
    seen = {acts[0].spec}
    for act in resolve(candidates, convention=convention) if candidates else []:
        if act.spec not in seen:
            seen.add(act.spec)
            acts.append(act)
    figsize = None
    if output is not None:
        from ...plotting.figure import figure_format, parse_size

        figure_format(output)  # usage errors before any reading
        figsize = parse_size(size, dpi)

    try:
        layers = open_layers(list(files))
        result = _census(layers, acts, tau, keep_sample=output is not None)
    except PreactError as exc:
        raise UserError(str(exc)) from None
    if out.fmt not in STREAMING:
        click.echo(caption(result, files))
    colour = out.fmt not in STREAMING and sys.stdout.isatty()
    if compare:
        headers, rows = compare_table(result)
        out.emit(headers, rows, len(rows))
    elif table == "units":
        headers, blocks, total = units_blocks(result)
        out.emit_blocks(headers, blocks, total)
    else:
        headers, rows = TABLE_BUILDERS[table or "layers"](result, colour)
        out.emit(headers, rows, len(rows))
    for note in notes(result):
        click.echo(f"note: {note}", err=True)
    if output is not None:
        from ...plotting.inspect import write_inspect_figure  # imports matplotlib

        with writing(output):
            written = write_inspect_figure(result, output, style=style, size=figsize, dpi=dpi)
        click.echo(f"wrote {written}", err=True)
    if fail_above is not None:
        gate(result, fail_above)


def _census(layers, acts, tau, keep_sample) -> CensusResult:
    # The bar goes to stderr and only to a terminal: piped or captured output stays clean.
    if not sys.stderr.isatty():
        return run_census(layers, acts, tau, keep_sample)
    total = sum(layer.nbytes for layer in layers)
    with click.progressbar(length=total, label="reading", file=sys.stderr) as bar:
        return run_census(layers, acts, tau, keep_sample, progress=bar.update)


def gate(result: CensusResult, limit: float) -> None:
    """--fail-above: one line naming the worst layer over the limit (exit code 1)."""
    over = [layer for layer in result.layers if layer.dead_pct() > limit]
    if not over:
        return
    worst = max(over, key=lambda layer: layer.dead_pct())
    more = len(over) - 1
    also = f"; {more} more layer{'s' if more > 1 else ''} too" if more else ""
    raise UserError(
        f"layer '{worst.name}' is {worst.dead_pct():.4g}% dead under {result.acts[0].spec},"
        f" above --fail-above {limit:g}{also}"
    )


def caption(result: CensusResult, files) -> str:
    """One line saying what was counted, above text tables."""
    act = result.acts[0]
    layers = len(result.layers)
    samples = sorted({layer.samples for layer in result.layers})
    counted = f"{samples[0]}" if len(samples) == 1 else f"{samples[0]} to {samples[-1]}"
    return (
        f"{', '.join(files)}: {layers} layer{'s' if layers > 1 else ''}, {result.units} units,"
        f" {counted} samples; variant {act.spec} ({act.convention}), dormant below"
        f" tau {result.tau:g}"
    )


def notes(result: CensusResult) -> list[str]:
    """NaN samples left out and infinite values kept, per layer."""
    lines = []
    for layer in result.layers:
        if layer.nan_samples:
            n = layer.nan_samples
            lines.append(
                f"layer '{layer.name}': {n} sample{'s' if n > 1 else ''} holding NaN left out"
                f" of the census ({layer.samples} counted)"
            )
        if layer.inf_values:
            n = layer.inf_values
            lines.append(
                f"layer '{layer.name}': {n} infinite value{'s' if n > 1 else ''} (counted;"
                " f and f' at ±inf are the variant's limits)"
            )
    return lines


# ------------------------------------------------------------------------------ tables


def _level_cell(pct: float, colour: bool) -> str:
    name = level(pct)
    return click.style(name, **COLOURS[name]) if colour else name


def layers_table(result: CensusResult, colour: bool = False) -> tuple[list[str], list[list]]:
    saturating = result.layers[0].under().saturated is not None
    headers = ["layer", "units", "samples", "dead", "dead %", "inactive", "dormant"]
    headers += ["saturated"] if saturating else []
    headers += ["median firing", "level"]
    rows = []
    for layer in result.layers:
        v = layer.under()
        row = [layer.name, layer.units, layer.samples, v.dead_count, layer.dead_pct()]
        row += [int(layer.inactive.sum()), v.dormant_count]
        row += [v.saturated_count] if saturating else []
        row += [float(np.median(layer.rate)), _level_cell(layer.dead_pct(), colour)]
        rows.append(row)
    if len(result.layers) > 1:
        rates = np.concatenate([layer.rate for layer in result.layers])
        pct = result.dead_pct()
        row = ["total", result.units, None, result.dead(), pct]
        row += [sum(int(layer.inactive.sum()) for layer in result.layers)]
        row += [sum(layer.under().dormant_count for layer in result.layers)]
        if saturating:
            row += [sum(int(layer.under().saturated_count or 0) for layer in result.layers)]
        row += [float(np.median(rates)), _level_cell(pct, colour)]
        rows.append(row)
    return headers, rows


def units_blocks(result: CensusResult) -> tuple[list[str], Iterator[list], int]:
    """One row per unit, as column blocks (the numbers as arrays: the fast path of the
    renderer, for layers of any width)."""
    saturating = result.layers[0].under().saturated is not None
    headers = ["layer", "unit", "firing rate", "mean |f(z)|", "dead", "inactive", "dormant"]
    headers += ["saturated"] if saturating else []

    def blocks() -> Iterator[list]:
        for layer in result.layers:
            v = layer.under()
            for start in range(0, layer.units, _UNITS_BLOCK):
                stop = min(start + _UNITS_BLOCK, layer.units)
                flags = [v.dead, layer.inactive, v.dormant]
                flags += [v.saturated] if v.saturated is not None else []
                yield [
                    [layer.name] * (stop - start),
                    list(range(start, stop)),  # ints, not floats: a list, not an array
                    layer.rate[start:stop],
                    v.mean_abs_value[start:stop],
                    *(f[start:stop].tolist() for f in flags),
                ]

    return headers, blocks(), result.units


def rates_table(result: CensusResult, colour: bool = False) -> tuple[list[str], list[list]]:
    """The firing-rate distribution per layer: units that never and always fire, quantiles."""
    headers = ["layer", "units", "never", "always", "min"]
    headers += [f"q{round(100 * q)}" if q != 0.5 else "median" for q in QUANTILES]
    headers += ["max"]

    def row(name: str, rate: np.ndarray) -> list:
        quantiles = np.quantile(rate, QUANTILES).tolist()
        never, always = int((rate == 0).sum()), int((rate == 1).sum())
        return [name, len(rate), never, always, float(rate.min()), *quantiles, float(rate.max())]

    rows = [row(layer.name, layer.rate) for layer in result.layers]
    if len(result.layers) > 1:
        rows.append(row("total", np.concatenate([layer.rate for layer in result.layers])))
    return headers, rows


def compare_table(result: CensusResult) -> tuple[list[str], list[list]]:
    headers = ["variant", "dead", "dead %", "worst layer", "worst dead %", "dormant"]
    headers += ["gradient mass"]
    rows = []
    for i, act in enumerate(result.acts):
        worst: LayerCensus = result.worst(i)
        dormant = sum(layer.variants[i].dormant_count for layer in result.layers)
        rows.append(
            [
                act.spec,
                result.dead(i),
                result.dead_pct(i),
                worst.name,
                worst.dead_pct(i),
                dormant,
                result.grad_mass(i),
            ]
        )
    return headers, rows


TABLE_BUILDERS = {"layers": layers_table, "rates": rates_table}

__all__ = ["caption", "compare_table", "inspect_cmd", "layers_table", "rates_table", "units_blocks"]
