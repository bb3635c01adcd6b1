"""Every option shared between commands, declared once, so every command spells it the same.

Option bundles are decorators (as in sqlite-utils). The table output bundle (--format,
--precision, -o) goes further: it hands the command one ``TableOutput`` whose precision is
already decided from the command's ``Precision`` policy, so no command computes a default.
Figure options import relucli.plotting.figure only when a figure command is loaded.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from ..specs import SpecError, normalize
from ..tables import (
    DEFAULT_FORMAT,
    DEFAULT_PRECISION,
    FORMATS,
    STREAMING,
    FormatError,
    canonical_format,
)
from ..tables import table_output as decide_table_output
from .commands import CONTEXT as CONTEXT  # re-exported: every command imports it from here
from .output import TableOutput

Decorator = Callable[[Callable], Callable]

# The records, kernels and NumPy (activation, inputs, variants) are imported by the functions
# that compute: `relucli list`, `--help` and a TAB press load this module and need none of it.
if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from ..activation import Activation
    from ..inputs import Points


# ---------------------------------------------------------------------- variant specs


def complete_specs(
    ctx: click.Context | None, param: click.Parameter | None, incomplete: str
) -> list[CompletionItem]:
    """Shell completion: variant names, then groups, then aliases, each once; after
    ``NAME@`` the frameworks that have the variant (and ``.FORM`` after one with forms);
    after ``NAME:`` (or ``NAME:P=V,``) the parameter names not given yet, as ``P=``.
    Read from the index (relucli.index): a TAB press imports no kernel and no NumPy."""
    from click.shell_completion import CompletionItem

    from .. import index

    name, colon, rest = incomplete.partition(":")
    if not colon and "@" in name:
        return [CompletionItem(w) for w in _framework_words(name)]
    if colon:
        variant = index.find(name.partition("@")[0])
        if variant is None:
            return []
        head, _, word = f"{name}:{rest}".rpartition(",") if "," in rest else (name, ":", rest)
        key, eq, value = word.partition("=")
        if eq:  # a value: only a parameter with named choices has something to suggest
            param = variant.param(key)
            choices = () if param is None else param.choices
            return [
                CompletionItem(f"{incomplete[: len(incomplete) - len(value)]}{c}")
                for c in choices
                if c.startswith(value.lower())
            ]
        given = {normalize(item.partition("=")[0]) for item in rest.split(",")[:-1]}
        head += "," if "," in rest else ":"
        return [
            CompletionItem(f"{head}{p.name}=")
            for p in variant.params
            if p.name not in given and p.name.startswith(normalize(word))
        ]
    words = [*index.names(), *index.group_names(), *sorted(index.aliases())]
    prefix = normalize(incomplete)
    return [CompletionItem(w) for w in dict.fromkeys(words) if w.startswith(prefix)]


def _framework_words(word: str) -> list[str]:
    """``leaky@k`` -> leaky@keras-tf, leaky@keras-jax, ...; ``leaky@keras-tf.`` -> its forms."""
    from .. import index

    name, _, suffix = word.partition("@")
    variant = index.find(name)
    if variant is None:
        return []
    framework, dot, form = suffix.lower().partition(".")
    if dot:
        forms = variant.forms.get(framework, ())
        return [f"{name}@{framework}.{f}" for f in forms if f.startswith(form)]
    return [f"{name}@{f}" for f in variant.frameworks if f.startswith(framework)]


def specs_argument(f: Callable) -> Callable:
    return click.argument(
        "specs",
        nargs=-1,
        metavar="[VARIANT[@FRAMEWORK][:PARAMS]]...",
        shell_complete=complete_specs,
    )(f)


def resolve(
    specs: Sequence[str],
    default: str = "seed",
    convention: str = "torch",
    train: bool = False,
    seed: int | None = None,
) -> list[Activation]:
    """Specs and groups -> activations, duplicates dropped, order kept."""
    from ..activation import Activation
    from ..variants import REGISTRY

    acts: list[Activation] = []
    seen: set[str] = set()
    for spec in REGISTRY.expand(specs, default):
        variant, params, conv, framework = REGISTRY.parse_spec(spec, convention)
        act = Activation(
            variant, params, convention=conv, train=train, seed=seed, framework=framework
        )
        if act.spec not in seen:
            seen.add(act.spec)
            acts.append(act)
    return acts


# ---------------------------------------------------------------------------- numbers


class NumberRange(click.FloatRange):
    """A finite number in [min, max], parsed as every number field is (fractions such as
    1/8; out-of-float-range text rejected in constant time). NaN is refused by name, where
    FloatRange lets it through (every comparison with NaN is false)."""

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            from ..registry import parse_number

            try:
                value = parse_number(value)
            except SpecError as exc:
                self.fail(str(exc), param, ctx)
        number = float(value)
        if math.isnan(number):
            self.fail(f"nan is not a number in the range {self._describe_range()}", param, ctx)
        low = -math.inf if self.min is None else self.min
        high = math.inf if self.max is None else self.max
        if not low <= number <= high:
            self.fail(f"{number:g} is not in the range {self._describe_range()}.", param, ctx)
        return number

    def _describe_range(self) -> str:
        # 1e+06, not click's 1000000.0
        low = "" if self.min is None else f"{self.min:g}<="
        high = "" if self.max is None else f"<={self.max:g}"
        return f"{low}x{high}"


# ------------------------------------------------------------------------------ seeds

# NumPy seeds (default_rng, SeedSequence) take any integer >= 0; a negative one raised
# ValueError deep in the library. This one range is the only seed check.
SEED_RANGE = click.IntRange(min=0)


class _Seed(click.ParamType):
    """SEED_RANGE's check under the plain INTEGER name, for help texts that never showed the
    range (the error still names it)."""

    name = "integer"

    def convert(self, value, param, ctx):
        return SEED_RANGE.convert(value, param, ctx)


def seed_option(
    help: str,
    default: int | None = 0,
    show_default: bool = True,
    metavar: str | None = None,
    show_range: bool = False,
) -> Decorator:
    """--seed for every command that draws random numbers (rrelu --train, dying, depth)."""
    return click.option(
        "--seed",
        type=SEED_RANGE if show_range else _Seed(),
        default=default,
        show_default=show_default,
        metavar=metavar,
        help=help,
    )


def activation_options(f: Callable) -> Callable:
    f = seed_option("Random seed for rrelu --train.")(f)
    f = click.option(
        "--train",
        is_flag=True,
        help="RReLU in training mode: one slope per element drawn from U(lower, upper).",
    )(f)
    return convention_option(f)


def convention_option(f: Callable) -> Callable:
    """--convention torch|jax: the gradient at kinks (alone for commands without --train)."""
    from ..registry import CONVENTIONS

    return click.option(
        "--convention",
        type=click.Choice(CONVENTIONS),
        default="torch",
        show_default=True,
        metavar="FRAMEWORK",
        help=f"Defaults and gradients at kinks of {', '.join(CONVENTIONS)}"
        " (relucli frameworks shows them; NAME@FRAMEWORK sets them per variant).",
    )(f)


# ----------------------------------------------------------------------------- inputs


def dtype_option(default: str, help: str) -> Decorator:
    """--dtype float32|float64, the default listed first."""
    other = "float64" if default == "float32" else "float32"
    return click.option(
        "--dtype",
        type=click.Choice([default, other]),
        default=default,
        show_default=True,
        help=help,
    )


def points_options(f: Callable) -> Callable:
    f = dtype_option("float64", "Precision of the computation.")(f)
    f = click.option("--step", metavar="S", help="Spacing of --range points (instead of --num).")(f)
    f = click.option(
        "--num", type=int, metavar="N", help="Number of --range points [default: 11]."
    )(f)
    f = range_option("Evenly spaced inputs from LO to HI.")(f)
    return click.option(
        "--at",
        multiple=True,
        metavar="X[,X...]",
        help="Inputs: repeat or comma-separate; inf, -inf, nan and fractions (1/8) accepted.",
    )(f)


def range_option(help: str) -> Decorator:
    """--range LO HI: the inputs of a table, the x axis of a figure."""
    return click.option("--range", "range_", nargs=2, metavar="LO HI", help=help)


def long_option(help: str) -> Decorator:
    """--long: a row per (variant, x) instead of a column per variant."""
    return click.option("--long", "long_", is_flag=True, help=help)


def points_from(at: Sequence[str], range_, num, step, dtype: str) -> Points:
    from ..inputs import parse_at, parse_range

    if at and range_:
        raise SpecError("give --at or --range, not both")
    if range_:
        return parse_range(range_[0], range_[1], num, step, dtype)
    if num is not None or step is not None:
        raise SpecError("--num and --step go with --range LO HI")
    if not at:
        raise SpecError("give inputs with --at X[,X...] or --range LO HI")
    return parse_at(at, dtype)


# ----------------------------------------------------------------------- table output


@dataclass(frozen=True)
class Precision:
    """What a command prints when --precision is not given.

    ``digits`` significant digits in text formats (None: the renderer's default, 6 digits,
    float32 inputs as their shortest float32 text); csv and json print the exact round-trip
    text, unless ``every_format`` (numbers with only a few meaningful digits, e.g. timings).
    """

    digits: int | None = None
    every_format: bool = False

    def help(self) -> str:
        digits = DEFAULT_PRECISION if self.digits is None else self.digits
        where = " in every format" if self.every_format else "; csv/json: exact round-trip"
        return f"Significant digits [default: {digits}{where}]."

    def resolve(self, fmt: str, given: int | None) -> int | None:
        if given is not None:
            return given
        return None if fmt in STREAMING and not self.every_format else self.digits


EXACT = Precision()


class FormatChoice(click.Choice):
    """--format: one of FORMATS in any case (CSV is csv); an unknown name is a usage error
    with a suggestion (markdown: did you mean 'github' or 'pipe'?). A Choice, so completion
    and the fuzzer see the names."""

    def __init__(self) -> None:
        super().__init__(FORMATS)

    def convert(self, value, param, ctx):
        try:
            return canonical_format(value)
        except FormatError as exc:
            self.fail(str(exc).replace(f"unknown format '{value}'", f"'{value}'"), param, ctx)


def output_path_callback(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    """-o: an empty path is a usage error naming the option (the shell's -o "$UNSET")."""
    if value is not None and value == "":
        raise click.BadParameter("the path is empty; give a file name, or - for standard output")
    return value


def table_output(precision: Precision = EXACT, to_file: bool = True) -> Decorator:
    """--format, --precision and (``to_file``) -o FILE; the command receives ``out``, a
    TableOutput with the format and precision decided, instead of the three values.

    Decided here, once, before the command does any work: the format (an explicit --format
    wins, else the -o suffix, else the default; a contradiction is a usage error) and that
    -o can be written (exit 1 naming the path otherwise)."""

    def decorate(f: Callable) -> Callable:
        @functools.wraps(f)
        def command(*args, **kwargs):
            explicit, given = kwargs.pop("fmt"), kwargs.pop("precision")
            path = kwargs.pop("output") if to_file else None
            fmt = decide_table_output(explicit, path)
            kwargs["out"] = TableOutput(fmt, precision.resolve(fmt, given), path)
            return f(*args, **kwargs)

        if to_file:
            command = click.option(
                "-o",
                "--output",
                callback=output_path_callback,
                metavar="FILE",
                help="Write the table to FILE (atomically) instead of standard output;"
                " the suffix picks the format (.csv, .json, .tex, .md, ...).",
            )(command)
        command = click.option(
            "--precision",
            type=click.IntRange(1, 17),
            metavar="DIGITS",
            help=precision.help(),
        )(command)
        return click.option(
            "--format",
            "fmt",
            type=FormatChoice(),
            metavar="FORMAT",
            # Not click's default=: None means "not given", so the -o suffix can decide.
            help="Any tabulate format (github, latex_booktabs, ...), csv or json."
            f"  [default: {DEFAULT_FORMAT}{', or by the -o suffix' if to_file else ''}]",
        )(command)

    return decorate


# ---------------------------------------------------------------------------- figures


def figure_output_option(help: str) -> Decorator:
    """-o FILE for a figure (plot writes one; depth and dying draw one besides the table)."""
    return click.option("-o", "--output", callback=output_path_callback, metavar="FILE", help=help)


def check_figure_output(path: str | os.PathLike) -> str:
    """Everything about a figure's -o decided before any training or drawing: the format
    from the suffix (a usage error when unknown) and that the file can be written, a
    missing folder created (exit 1 naming the user's path otherwise). Returns the format."""
    from ..files import check_output_path
    from ..plotting.figure import figure_format

    fmt = figure_format(path)
    check_output_path(path, make_folder=True)
    return fmt


# The largest magnitude a figure draws: Matplotlib adds margins and tick steps to the data
# limits, which overflow to inf (an internal error) near the float maximum.
FIGURE_LIMIT = 1e300


def check_drawable(
    acts: Sequence[Activation], x_range: tuple[float, float] | None
) -> tuple[float, float] | None:
    """A usage error, before drawing, when the x range or a curve is too large to draw
    (``--range 0 1e308``, ``leaky:1e308`` whose f(-5) is -5e308). Returns x_range."""
    import numpy as np

    from ..plotting.compare import plot_range, sample_grid

    lo, hi = plot_range(acts, x_range)  # finite LO < HI, or its usage error
    if not (abs(lo) <= FIGURE_LIMIT and abs(hi) <= FIGURE_LIMIT):
        raise click.BadParameter(
            f"{lo:g} {hi:g} is too wide to draw: LO and HI must be within"
            f" -{FIGURE_LIMIT:g} to {FIGURE_LIMIT:g}",
            param_hint="'--range'",
        )
    x = sample_grid(lo, hi, 257, [k for a in acts for k in a.kinks])
    for act in acts:
        with np.errstate(all="ignore"):
            values = np.abs(np.concatenate(act.value_and_grad(x)))
        values = values[~np.isnan(values)]
        worst = float(values.max()) if values.size else 0.0
        if worst > FIGURE_LIMIT:
            raise SpecError(
                f"{act.spec} reaches {worst:.3g} in size over x = {lo:g} to {hi:g}, too large"
                f" to draw (a figure shows values up to {FIGURE_LIMIT:g}); use a smaller"
                " parameter or a narrower --range"
            )
    return x_range


def style_option(help: str = "Figure style.") -> Decorator:
    from ..plotting.figure import STYLES

    return click.option(
        "--style", type=click.Choice(STYLES), default="light", show_default=True, help=help
    )


def figure_size_options(f: Callable) -> Callable:
    from ..plotting.figure import DEFAULT_DPI, DEFAULT_SIZE

    f = click.option(
        "--dpi",
        type=NumberRange(10, 1200),
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


def title_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--title: a formula between $ signs that Matplotlib cannot parse is a usage error
    before any work, with the message of plotting.figure.check_mathtext (the one check)."""
    if value and "$" in value:
        from ..plotting.figure import check_mathtext

        check_mathtext(value)
    return value


def title_option(f: Callable) -> Callable:
    return click.option(
        "--title",
        callback=title_callback,
        metavar="TEXT",
        help="A title over the figure ($...$ is math), wrapped to fit.",
    )(f)


def slide_options(f: Callable) -> Callable:
    """--clean, --ylim LO HI and --legend: what slide makers expect (relucli plot)."""
    from ..plotting.layout import LEGEND_MODES

    f = click.option(
        "--legend",
        type=click.Choice(LEGEND_MODES),
        default="auto",
        show_default=True,
        help="Legend placement; auto keeps a short legend inside a panel where it hides"
        " nothing and puts a long one beside or under the panels.",
    )(f)
    f = click.option(
        "--ylim", nargs=2, metavar="LO HI", help="y range of f(x) (of f'(x) when drawn alone)."
    )(f)
    return click.option(
        "--clean",
        is_flag=True,
        help="Curves and legend only: no dead zones, kink markers, leak inset or notes.",
    )(f)


# ------------------------------------------------------------------------ memory budget

DEFAULT_MEMORY_BUDGET = 2 * 2**30
MEMORY_BUDGET_ENV = "RELUCLI_MEMORY_BUDGET"
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


class ByteSize(click.ParamType):
    """A number of bytes: 2GiB, 2G, 512M, 1.5g, 3e9 (K, M, G, T are powers of 1024)."""

    name = "bytes"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        text = str(value).strip().lower().replace(" ", "")
        for tail in ("ib", "b"):
            if text.endswith(tail) and text[: -len(tail)][-1:] in "kmgt0123456789.":
                text = text[: -len(tail)]
                break
        unit = text[-1:] if text[-1:] in _UNITS and text[-1:] else ""
        number = text[: len(text) - len(unit)]
        from ..registry import parse_number

        try:
            amount = parse_number(number) * _UNITS[unit]
        except SpecError:
            amount = math.nan
        if not (math.isfinite(amount) and 2**20 <= amount <= 2**60):
            self.fail(
                f"'{value}' is not a memory size from 1MiB to 1EiB (e.g. 8GiB, 512M, 3e9)",
                param,
                ctx,
            )
        return int(amount)


def memory_budget_option(f: Callable) -> Callable:
    """--memory-budget (or RELUCLI_MEMORY_BUDGET) for the commands whose memory grows with
    their options (bench, dying, depth): work whose estimated peak is over it is refused."""
    return click.option(
        "--memory-budget",
        type=ByteSize(),
        default=DEFAULT_MEMORY_BUDGET,
        envvar=MEMORY_BUDGET_ENV,
        show_envvar=True,
        metavar="BYTES",
        help="Refuse a run whose estimated peak memory is over BYTES (e.g. 8GiB) [default: 2GiB].",
    )(f)


def bytes_text(count: float) -> str:
    """1.9 GiB, 350 MiB: memory as people read it."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if count >= size:
            value = count / size
            return f"{value:.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    return f"{count / 2**10:.0f} KiB"


def largest_fitting(estimate: Callable[[int], int], budget: int, low: int, high: int) -> int:
    """The largest n in [low, high] with estimate(n) <= budget (estimate grows with n), or
    low - 1 when even ``low`` does not fit. Binary search: a few dozen estimates."""
    if estimate(low) > budget:
        return low - 1
    while low < high:
        mid = (low + high + 1) // 2
        if estimate(mid) <= budget:
            low = mid
        else:
            high = mid - 1
    return low


def check_memory(need: int, budget: int, fits: Sequence[str]) -> None:
    """A usage error (before any work) when ``need`` bytes is over ``budget``; ``fits``
    lists changes that would fit ("--size 1,000,000", ...)."""
    if need <= budget:
        return
    hint = f"; what fits: {' or '.join(fits)}" if fits else ""
    raise SpecError(
        f"this run needs about {bytes_text(need)} of memory, over the budget of"
        f" {bytes_text(budget)}{hint} (or raise --memory-budget / {MEMORY_BUDGET_ENV})"
    )


# ---------------------------------------------------------------------------- animations


def animation_options(f: Callable) -> Callable:
    """--animate, --fps, --loop, --bounce, --colors and --frames DIR (plot, dying, depth)."""
    for option in reversed(
        [
            click.option(
                "--animate",
                is_flag=True,
                help="Write an animation: GIF, APNG (.png) or WebP from the -o suffix.",
            ),
            click.option(
                "--fps",
                type=click.FloatRange(0.5, 50),
                default=12,
                show_default=True,
                metavar="N",
                help="Animation frames per second.",
            ),
            click.option(
                "--loop",
                type=click.IntRange(0, 65535),
                default=0,
                show_default=True,
                metavar="N",
                help="Times the animation plays; 0 loops forever.",
            ),
            click.option("--bounce", is_flag=True, help="Play the animation there and back."),
            click.option(
                "--colors",
                type=click.IntRange(2, 256),
                default=256,
                show_default=True,
                metavar="N",
                help="GIF palette size (one palette shared by every frame).",
            ),
            click.option(
                "--frames",
                "frames_dir",
                metavar="DIR",
                help="Also write every frame as DIR/frame-000.png ... (LaTeX's animate package).",
            ),
        ]
    ):
        f = option(f)
    return f
