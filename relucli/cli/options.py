"""Click pieces shared by every command: variant specs, inputs, output options, rendering.

Commands in relucli/commands/ import from here, so every command spells its options the same.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import IO

import click

from .activation import Activation
from .inputs import Points, parse_at, parse_range
from .registry import CONVENTIONS, SpecError, normalize
from .tables import DEFAULT_FORMAT, FORMATS, Block, blocks_from_rows, check_size, render
from .variants import REGISTRY

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class UserError(Exception):
    """A runtime problem to report in one line (exit 1), e.g. an unwritable output."""


# ------------------------------------------------------------------- shared options


def _complete_specs(ctx, param, incomplete: str):
    from click.shell_completion import CompletionItem

    words = [*REGISTRY.names(), *REGISTRY.group_names(), *sorted(REGISTRY.aliases)]
    seen: list[str] = []
    for w in words:
        if w.startswith(normalize(incomplete)) and w not in seen:
            seen.append(w)
    return [CompletionItem(w) for w in seen]


def specs_argument(f: Callable) -> Callable:
    return click.argument(
        "specs", nargs=-1, metavar="[VARIANT[:PARAMS]]...", shell_complete=_complete_specs
    )(f)


def activation_options(f: Callable) -> Callable:
    f = click.option(
        "--seed",
        type=int,
        default=0,
        show_default=True,
        help="Random seed for rrelu --train.",
    )(f)
    f = click.option(
        "--train",
        is_flag=True,
        help="RReLU in training mode: one slope per element drawn from U(lower, upper).",
    )(f)
    return click.option(
        "--convention",
        type=click.Choice(CONVENTIONS),
        default="torch",
        show_default=True,
        help="Gradient at kinks: PyTorch autograd, or JAX (leaky family: 1 at 0).",
    )(f)


def points_options(f: Callable) -> Callable:
    f = click.option(
        "--dtype",
        type=click.Choice(["float64", "float32"]),
        default="float64",
        show_default=True,
        help="Precision of the computation.",
    )(f)
    f = click.option("--step", metavar="S", help="Spacing of --range points (instead of --num).")(f)
    f = click.option(
        "--num", type=int, metavar="N", help="Number of --range points [default: 11]."
    )(f)
    f = click.option(
        "--range", "range_", nargs=2, metavar="LO HI", help="Evenly spaced inputs from LO to HI."
    )(f)
    return click.option(
        "--at",
        multiple=True,
        metavar="X[,X...]",
        help="Inputs: repeat or comma-separate; inf, -inf, nan and fractions (1/8) accepted.",
    )(f)


def table_format_options(default_precision: int = 6) -> Callable[[Callable], Callable]:
    """--format and --precision, spelled the same by every command that prints a table."""

    def decorate(f: Callable) -> Callable:
        f = click.option(
            "--precision",
            type=click.IntRange(1, 17),
            metavar="DIGITS",
            help=f"Significant digits [default: {default_precision}; csv/json: exact round-trip].",
        )(f)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default=DEFAULT_FORMAT,
            show_default=True,
            metavar="FORMAT",
            help="Any tabulate format (github, latex_booktabs, ...), csv or json.",
        )(f)

    return decorate


def output_options(f: Callable) -> Callable:
    """The table options plus -o FILE for the table itself."""
    f = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=False),
        metavar="FILE",
        help="Write the table to FILE (atomically) instead of standard output.",
    )(f)
    return table_format_options()(f)


def resolve(
    specs: Sequence[str],
    default: str = "seed",
    convention: str = "torch",
    train: bool = False,
    seed: int | None = None,
) -> list[Activation]:
    """Specs and groups -> activations, duplicates dropped, order kept."""
    acts: list[Activation] = []
    seen: set[str] = set()
    for spec in REGISTRY.expand(specs, default):
        variant, params = REGISTRY.parse(spec)
        act = Activation(variant, params, convention=convention, train=train, seed=seed)
        if act.spec not in seen:
            seen.add(act.spec)
            acts.append(act)
    return acts


def points_from(at: Sequence[str], range_, num, step, dtype: str) -> Points:
    if at and range_:
        raise SpecError("give --at or --range, not both")
    if range_:
        return parse_range(range_[0], range_[1], num, step, dtype)
    if num is not None or step is not None:
        raise SpecError("--num and --step go with --range LO HI")
    if not at:
        raise SpecError("give inputs with --at X[,X...] or --range LO HI")
    return parse_at(at, dtype)


@contextlib.contextmanager
def output_stream(path: str | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    from .files import atomic_output

    try:
        with atomic_output(path) as stream:
            yield stream
    except (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError) as exc:
        raise UserError(f"cannot write '{path}': {exc.strerror}") from None


def emit(headers, rows, fmt, precision, output, total_rows: int, dtype: str = "float64"):
    """Render rows (an iterable of lists) as a table in ``fmt``, to stdout or ``output``."""
    emit_blocks(headers, blocks_from_rows(rows), fmt, precision, output, total_rows, dtype)


def emit_blocks(
    headers: Sequence[str],
    blocks: Iterator[Block],
    fmt: str,
    precision: int | None,
    output: str | None,
    total_rows: int,
    dtype: str = "float64",
) -> None:
    """Render column blocks (one list per column); the fast path for long tables."""
    check_size(fmt, total_rows)
    with output_stream(output) as stream:
        render(headers, blocks, fmt, precision, stream, single=dtype == "float32")
