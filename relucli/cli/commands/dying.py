"""`relucli dying`: train one small network per variant and watch ReLU neurons die.

The library (relucli.lab.dying) trains and counts; this module parses options, drives the
progress bar, renders the tables; relucli.plotting.dying draws the figure (Matplotlib is
imported only when -o is given).
"""

from __future__ import annotations

import dataclasses
import sys

import click

from ...lab.data import DATASETS
from ...lab.dying import (
    DEFAULT_SCENARIO,
    DEFAULT_VARIANTS,
    SCENARIOS,
    DyingConfig,
    DyingResult,
    VariantRun,
    census_count,
    peak_bytes,
    run_dying,
    scenario_config,
)
from ...lab.nn import OPTIMIZERS
from ...registry import SpecError, parse_number
from ...tables import STREAMING, check_size
from ..options import (
    CONTEXT,
    Precision,
    animation_options,
    check_memory,
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

TABLES = ("final", "layers", "history")
# Percentages of a few dozen neurons and losses of one training run: four digits is honest.
PRECISION = Precision(4)
_BASE = DyingConfig()


def _scenario_help() -> str:
    lines = []
    for s in SCENARIOS.values():
        changes = " ".join(
            f"--{k.replace('_', '-')} {f'{v:g}' if isinstance(v, float) else v}"
            for k, v in s.settings.items()
        )
        base = f"{s.remedy_for} + " if s.remedy_for else ""
        lines.append(f"  {s.name:<14} {base}{changes or 'the defaults'}: {s.summary}")
    return "\n".join(lines)


def _number(ctx, param, value):
    if value is None:
        return None
    try:
        return parse_number(value)
    except ValueError as exc:  # SpecError: reported as a usage error naming the option
        raise click.BadParameter(str(exc)) from None


HELP = f"""Train one small network per variant and count the neurons that die.

Every variant trains the same fully connected network (the same data, initial weights and
mini-batches; only the activation differs) in NumPy through the variant's value+gradient
kernel; PReLU learns one slope per neuron. Every --every steps each hidden neuron is checked
on the whole training set: DEAD when f'(z) = 0 for every sample (it gets no gradient and
cannot learn; an ELU/SELU neuron whose gradient underflows to 0 counts too), INACTIVE when
z <= 0 for every sample (it never fires; a Leaky ReLU neuron can be inactive yet alive).
REVIVED counts neurons inactive at some check that fire again at the end.

Default variants: {", ".join(DEFAULT_VARIANTS)}. Defaults: --scenario {DEFAULT_SCENARIO}; an
option given explicitly overrides the scenario. Scenarios (causes and remedies):

\b
{_scenario_help()}

\b
Examples:
  relucli dying
  relucli dying --scenario negative-bias
  relucli dying relu leaky --scenario remedy-lr --table layers
  relucli dying --table history --every 100 --format csv
  relucli dying -o dying.png --style neon
  relucli dying -o dying.gif --animate --every 25
"""


@click.command("dying", context_settings=CONTEXT, help=HELP)
@specs_argument
@click.option(
    "--scenario",
    type=click.Choice(list(SCENARIOS)),
    default=DEFAULT_SCENARIO,
    show_default=True,
    help="A preset of the options below that shows one cause of dying or one remedy.",
)
@click.option(
    "--depth",
    type=click.IntRange(1, 64),
    metavar="L",
    help=f"Hidden layers [default: {_BASE.depth}].",
)
@click.option(
    "--width",
    type=click.IntRange(1, 4096),
    metavar="W",
    help=f"Neurons per hidden layer [default: {_BASE.width}].",
)
@click.option(
    "--lr", callback=_number, metavar="RATE", help=f"Learning rate [default: {_BASE.lr:g}]."
)
@click.option(
    "--steps",
    type=click.IntRange(1, 10_000_000),
    metavar="N",
    help=f"Training steps (mini-batches) [default: {_BASE.steps}].",
)
@click.option(
    "--batch",
    type=click.IntRange(1, 1_000_000),
    metavar="B",
    help=f"Mini-batch size [default: {_BASE.batch}].",
)
@click.option(
    "--optimizer",
    type=click.Choice(OPTIMIZERS),
    help=f"SGD, SGD with momentum 0.9, or Adam, as PyTorch defines them"
    f" [default: {_BASE.optimizer}].",
)
@click.option(
    "--init",
    metavar="he|xavier|lecun|normal:STD",
    help=f"Weight init, the same for every variant [default: {_BASE.init}].",
)
@click.option(
    "--bias-init",
    callback=_number,
    metavar="VALUE",
    help=f"Initial bias of every hidden neuron; the source's remedy is 0.01"
    f" [default: {_BASE.bias_init:g}].",
)
@click.option(
    "--data",
    type=click.Choice(DATASETS),
    help=f"Synthetic task generated from --seed [default: {_BASE.data}].",
)
@click.option(
    "--samples",
    type=click.IntRange(2, 10_000_000),
    metavar="N",
    help=f"Training samples, also the probe set of the census [default: {_BASE.samples}].",
)
@seed_option(
    f"Seed of the data, the initial weights and the batches [default: {_BASE.seed}].",
    default=None,
    show_default=False,
    metavar="S",
)
@click.option(
    "--every",
    type=click.IntRange(1, 10_000_000),
    metavar="K",
    help=f"Count dead neurons every K steps [default: {_BASE.every}].",
)
@click.option(
    "--table",
    type=click.Choice(TABLES),
    default="final",
    show_default=True,
    help="final: one row per variant; layers: one per variant and hidden layer; history:"
    " one per variant and census.",
)
@memory_budget_option
@table_output(PRECISION, to_file=False)
@figure_output_option(
    "Also draw the figure (dead % and loss over steps, and the lightbulb grid of"
    " the hidden neurons) to FILE: png, svg or pdf by suffix; a missing folder is created."
)
@style_option()
@figure_size_options
@animation_options
def dying(
    specs,
    scenario,
    depth,
    width,
    lr,
    steps,
    batch,
    optimizer,
    init,
    bias_init,
    data,
    samples,
    seed,
    every,
    table,
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
    config = scenario_config(
        scenario,
        depth=depth,
        width=width,
        lr=lr,
        steps=steps,
        batch=batch,
        optimizer=optimizer,
        init=init,
        bias_init=bias_init,
        data=data,
        samples=samples,
        seed=seed,
        every=every,
    )
    acts = resolve(specs or DEFAULT_VARIANTS)
    figsize = None
    animated = check_lab_output(output, animate, frames_dir)  # before any training
    if output is not None or animated:
        from ...plotting.figure import parse_size

        figsize = parse_size(size, dpi)
    _check_memory(config, acts, table == "history", output is not None, memory_budget)
    if table == "history":  # a text table too long to hold: refused before training
        check_size(out.fmt, len(acts) * census_count(config))

    if animated:
        from ...plotting.animate import MAX_FRAMES

        censuses = 1 + -(-config.steps // config.every)  # step 0, every K, and the last
        if censuses > MAX_FRAMES:  # refused before training, not after
            raise SpecError(
                f"{censuses} censuses are too many frames for an animation (at most"
                f" {MAX_FRAMES}): count less often with a larger --every"
            )
    result = _train(config, acts, rates=animated)
    if out.fmt not in STREAMING:
        click.echo(caption(scenario, result))
    headers, rows = TABLE_BUILDERS[table](result)
    out.emit(headers, rows, len(rows))
    for run in result.runs:
        if run.diverged_at is not None:
            click.echo(
                f"note: {run.spec} diverged at step {run.diverged_at} (the loss is not finite);"
                " its numbers are from that step. Try a lower --lr.",
                err=True,
            )
    scenario_text = f"{scenario} ({SCENARIOS[scenario].summary})"
    if animated or output is not None:
        from ...plotting.animate import dying_animation
        from ...plotting.dying import write_dying_figure

        write_lab_output(
            output,
            frames_dir,
            animation=(
                (lambda: dying_animation(
                    result, scenario_text, style=style, size=figsize, dpi=dpi))
                if animated
                else None
            ),
            still=lambda path: write_dying_figure(
                result, path, scenario=scenario_text, style=style, size=figsize, dpi=dpi
            ),
            frames="one per census",
            how=dict(fps=fps, loop=loop, bounce=bounce, colors=colors),
        )  # fmt: skip


def _check_memory(config: DyingConfig, acts, history_rows: bool, figure: bool, budget: int) -> None:
    """Refuse, before training, a run whose peak (lab.dying.peak_bytes) is over budget,
    saying which single change fits: a smaller --batch, --width, --samples or --steps."""

    def need(cfg: DyingConfig) -> int:
        learns = any(a.variant.learnable for a in acts)
        return peak_bytes(cfg, len(acts), learns, history_rows, figure)

    total = need(config)
    if total <= budget:
        return
    fits = []
    for option, low in (("batch", 1), ("width", 1), ("samples", 2), ("steps", 1)):

        def estimate(n: int, option: str = option) -> int:
            return need(dataclasses.replace(config, **{option: n}))

        largest = largest_fitting(estimate, budget, low, getattr(config, option))
        if largest >= low:
            fits.append(f"--{option} {largest:,}")
    check_memory(total, budget, fits)


def _train(config: DyingConfig, acts, rates: bool = False) -> DyingResult:
    # The bar goes to stderr and only to a terminal: piped or captured output stays clean.
    if not sys.stderr.isatty():
        return run_dying(config, acts, rates=rates)
    with click.progressbar(
        length=config.steps * len(acts), label="training", file=sys.stderr
    ) as bar:
        return run_dying(config, acts, progress=bar.update, rates=rates)


def caption(scenario: str, result: DyingResult) -> str:
    """One line saying what was trained, above text tables."""
    c, d = result.config, result.dataset
    layers = f"{c.depth} hidden layer{'s' if c.depth > 1 else ''} of {c.width}"
    return (
        f"{scenario}: {d.name} ({d.task}, {len(d.x)} samples), {layers}, {c.optimizer}"
        f" lr {c.lr:g}, {c.init_scheme.text} init, bias {c.bias_init:g},"
        f" {c.steps} steps of {min(c.batch, c.samples)}, seed {c.seed}"
    )


# ------------------------------------------------------------------------------ tables


def _slope_stats(run: VariantRun, layer: int | None = None):
    if run.prelu_slopes is None:
        return None
    import numpy as np

    slopes = run.prelu_slopes if layer is None else [run.prelu_slopes[layer]]
    values = np.concatenate(slopes)
    return float(values.mean()), float(values.min()), float(values.max())


def final_table(result: DyingResult) -> tuple[list[str], list[list]]:
    classes = result.dataset.classes
    slopes = any(run.prelu_slopes is not None for run in result.runs)
    headers = ["variant", "dead %", "inactive %", "revived", "loss"]
    headers += ["accuracy"] if classes else []
    headers += ["prelu slope (mean)"] if slopes else []
    rows = []
    for run in result.runs:
        stats = _slope_stats(run)
        row = [run.spec, run.dead_pct(), run.inactive_pct(), run.revived, run.final_loss]
        row += [run.final_accuracy] if classes else []
        row += [None if stats is None else stats[0]] if slopes else []
        rows.append(row)
    return headers, rows


def layers_table(result: DyingResult) -> tuple[list[str], list[list]]:
    slopes = any(run.prelu_slopes is not None for run in result.runs)
    headers = ["variant", "layer", "neurons", "dead %", "inactive %", "revived", "firing rate"]
    headers += ["prelu slope (mean)", "slope min", "slope max"] if slopes else []
    rows = []
    for run in result.runs:
        dead, inactive, revived = (
            run.dead_pct_layers(),
            run.inactive_pct_layers(),
            run.revived_layers(),
        )
        for i in range(run.layers):
            units = run.layer_of == i
            stats = _slope_stats(run, i) or (None, None, None)
            row = [run.spec, i + 1, int(units.sum()), dead[i], inactive[i], revived[i]]
            row += [float(run.rate[units].mean())]
            rows.append(row + (list(stats) if slopes else []))
    return headers, rows


def history_table(result: DyingResult) -> tuple[list[str], list[list]]:
    classes = result.dataset.classes
    depth = result.config.depth
    headers = ["variant", "step", "dead %"]
    headers += [f"dead % L{i + 1}" for i in range(depth)] if depth > 1 else []
    headers += ["inactive %", "loss"] + (["accuracy"] if classes else [])
    rows = []
    for run in result.runs:
        for k, step in enumerate(run.steps.tolist()):
            row = [run.spec, step, run.dead_pct(k)]
            row += run.dead_pct_layers(k) if depth > 1 else []
            row += [run.inactive_pct(k), float(run.loss[k])]
            if classes:
                assert run.accuracy is not None
                row.append(float(run.accuracy[k]))
            rows.append(row)
    return headers, rows


TABLE_BUILDERS = {"final": final_table, "layers": layers_table, "history": history_table}

__all__ = ["caption", "dying", "final_table", "history_table", "layers_table"]
