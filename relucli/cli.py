"""The command line: parse options, call the library, render rows. Nothing else lives here.

Every failure a user can cause ends as one ``Error: ...`` line on stderr with exit code 2
(usage) or 1 (runtime); no traceback reaches the user unless ``--debug`` asks for it.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import os
import sys
from typing import Any

import click
import numpy as np

from . import __version__
from .activation import Activation
from .cliutil import (
    CONTEXT,
    UserError,
    activation_options,
    emit,
    emit_blocks,
    output_options,
    points_from,
    points_options,
    resolve,
    specs_argument,
)
from .describe import CHECK_HEADERS, PROPS_HEADERS, check_rows, props_row, range_text
from .registry import SpecError
from .tables import FormatError
from .variants import REGISTRY

# Commands in their own modules, imported only when used: start-up stays at the cost of
# NumPy, Click and tabulate for the commands that need neither figures nor labs.
LAZY_COMMANDS = ("plot", "dying", "depth", "bench")


class RelucliGroup(click.Group):
    """Runs a command and turns every way it can fail into one line and an exit code."""

    def list_commands(self, ctx):
        import importlib.util

        lazy = [n for n in LAZY_COMMANDS if importlib.util.find_spec(f"relucli.commands.{n}")]
        return sorted({*super().list_commands(ctx), *lazy})

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None and name in self.list_commands(ctx):
            import importlib

            command = getattr(importlib.import_module(f"relucli.commands.{name}"), name)
            self.add_command(command)
        return command

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            found = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f"; did you mean '{found[0]}'?" if found else ""
            raise click.UsageError(
                f"no such command '{name}'{hint} (commands: {', '.join(self.list_commands(ctx))})"
            )
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        # Caught here, before click's own handler turns a closed pipe into exit code 1.
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise click.exceptions.Exit(_quiet_broken_pipe()) from None

    def main(self, args=None, prog_name=None, **extra):  # type: ignore[override]
        argv = list(sys.argv[1:] if args is None else args)
        if not argv:
            argv = ["--help"]  # a bare `relucli` is a request for help, not a mistake
        debug = "--debug" in argv or os.environ.get("RELUCLI_DEBUG", "") not in ("", "0")
        try:
            result = super().main(
                args=argv, prog_name=prog_name or "relucli", standalone_mode=False, **extra
            )
            code = result if isinstance(result, int) else 0
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except click.Abort:
            code = 130  # Ctrl-C: click turns KeyboardInterrupt into Abort
        except click.ClickException as exc:
            code = _fail(exc.format_message(), exc.exit_code)
        except (SpecError, FormatError) as exc:
            code = _fail(str(exc), 2)
        except BrokenPipeError:
            code = _quiet_broken_pipe()
        except UserError as exc:
            code = _fail(str(exc), 1)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                code = _quiet_broken_pipe()
            else:
                code = _fail(_describe_os_error(exc), 1)
        except MemoryError:
            code = _fail("out of memory; ask for fewer points or use --format csv", 1)
        except Exception as exc:
            if debug:
                raise
            code = _fail(
                f"internal error ({type(exc).__name__}: {exc}); please report this with the"
                " command line (rerun with --debug for the traceback)",
                1,
            )
        sys.exit(code)


def _fail(message: str, code: int) -> int:
    line = " ".join(str(message).split())
    click.echo(f"Error: {line[:1].lower() + line[1:]}", err=True)
    return code


def _quiet_broken_pipe() -> int:
    # The reader went away (e.g. `| head`): stop quietly, and keep Python's final flush of
    # stdout from raising again at exit.
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


def _describe_os_error(exc: OSError) -> str:
    where = f" '{exc.filename}'" if exc.filename else ""
    return f"cannot write{where}: {exc.strerror or exc}"


# ------------------------------------------------------------------------ the group


@click.group(cls=RelucliGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="relucli")
@click.option("--debug", is_flag=True, help="Show the full traceback of an internal error.")
def main(debug: bool) -> None:
    """A command-line lab for ReLU and its variants.

    Evaluate and differentiate ReLU, Leaky ReLU, PReLU, ELU, RReLU, SELU, ReLU6 and more;
    print tables; draw slide-ready figures; watch neurons die.

    \b
    Variants are NAME[:VALUE | :PARAM=VALUE[,PARAM=VALUE]], e.g. leaky:0.1, elu:alpha=0.5,
    or a group: seed (the default seven), all, smooth, bounded. See `relucli list`.

    \b
    Examples:
      relucli grad --at -2
      relucli table relu leaky:0.1 elu --at -2,0,3 --format latex
      relucli plot elu selu
    """


# ------------------------------------------------------------------------- commands


@main.command("list", context_settings=CONTEXT)
@output_options
def list_cmd(fmt: str, precision: int | None, output: str | None) -> None:
    """Every variant: name, aliases, parameters with defaults, formula.

    \b
    Example:
      relucli list --format github
    """
    rows = []
    for v in REGISTRY.variants.values():
        params = ", ".join(f"{p.name}={_default_text(p.default)}" for p in v.params)
        rows.append([v.name, ", ".join(v.aliases), params, v.formula])
    rows.append(["groups", ", ".join(REGISTRY.group_names()), "", "seed is the default set"])
    emit(["variant", "aliases", "parameters", "formula"], rows, fmt, precision, output, len(rows))


def _default_text(value: Any) -> str:
    from .activation import _fmt

    return _fmt(value)


@main.command("eval", context_settings=CONTEXT)
@specs_argument
@points_options
@activation_options
@click.option(
    "--long",
    "long_",
    is_flag=True,
    help="One row per (variant, x) instead of a column per variant.",
)
@output_options
def eval_cmd(
    specs, at, range_, num, step, dtype, convention, train, seed, long_, fmt, precision, output
) -> None:
    """f(x) for each variant: one column per variant.

    \b
    Examples:
      relucli eval relu elu --at -2,-1,0,1
      relucli eval leaky:0.1 --range -3 3 --num 7 --format csv
    """
    acts = resolve(specs, convention=convention, train=train, seed=seed)
    points = points_from(at, range_, num, step, dtype)
    _per_point_table(acts, points, lambda a, x: a(x), "f", long_, fmt, precision, output, dtype)


@main.command("grad", context_settings=CONTEXT)
@specs_argument
@points_options
@activation_options
@click.option(
    "--wrt", metavar="PARAM", help="Differentiate with respect to a parameter (alpha, weight, ...)."
)
@click.option(
    "--check",
    is_flag=True,
    help="Add a central-difference estimate, its error, and the one-sided slopes at kinks.",
)
@click.option("--long", "long_", is_flag=True, help="One row per (variant, x).")
@output_options
def grad_cmd(
    specs,
    at,
    range_,
    num,
    step,
    dtype,
    convention,
    train,
    seed,
    wrt,
    check,
    long_,
    fmt,
    precision,
    output,
) -> None:
    """f'(x) for each variant (with --wrt, df/dparam), PyTorch's values at kinks.

    \b
    Examples:
      relucli grad --at -2
      relucli grad elu --at -1,0 --wrt alpha
      relucli grad relu leaky --at 0 --convention jax --check
    """
    acts = resolve(specs, convention=convention, train=train, seed=seed)
    points = points_from(at, range_, num, step, dtype)
    names = None
    if wrt:
        acts = _with_param(acts, wrt, explicit=bool(specs))
        names = [f"{a.spec} d/d{a.variant.param(wrt).name}" for a in acts]
        label = f"d/d{wrt}"

        def fn(a, x):
            return a.param_grad(x, wrt)
    else:
        label = "f'"

        def fn(a, x):
            return a.grad(x)

    if check:
        if wrt:
            raise SpecError("--check compares f'(x) with finite differences; drop --wrt")
        total = points.size * len(acts)
        emit(CHECK_HEADERS, check_rows(acts, points), fmt, precision, output, total, dtype)
        return
    _per_point_table(acts, points, fn, label, long_, fmt, precision, output, dtype, names)


def _with_param(acts: list[Activation], wrt: str, explicit: bool) -> list[Activation]:
    keep, missing = [], []
    for a in acts:
        try:
            p = a.variant.param(wrt)
        except SpecError:
            missing.append(a.name)
            continue
        if p.name not in a.variant.param_grads:
            missing.append(a.name)
            continue
        keep.append(a)
    if (explicit and missing) or not keep:
        who = ", ".join(missing) or "these variants"
        options = sorted({f"{a.name}:{p}" for a in acts for p in a.variant.param_grads})
        raise SpecError(
            f"{who} has no parameter '{wrt}' to differentiate"
            f" (differentiable: {', '.join(options) or 'none'})"
        )
    return keep


def _per_point_table(
    acts, points, fn, label, long_, fmt, precision, output, dtype, names=None
) -> None:
    names = names or [a.spec for a in acts]
    if long_:
        headers = ["variant", "x", f"{label}(x)"]
        total = points.size * len(acts)

        def rows():
            for a, name in zip(acts, names):
                for block in points.blocks():
                    yield [[name] * block.size, block, fn(a, block)]
    else:
        headers = ["x", *names]
        total = points.size

        def rows():
            for block in points.blocks():
                yield [block, *(fn(a, block) for a in acts)]

    emit_blocks(headers, rows(), fmt, precision, output, total, dtype)


@main.command("table", context_settings=CONTEXT)
@specs_argument
@points_options
@activation_options
@output_options
def table_cmd(
    specs, at, range_, num, step, dtype, convention, train, seed, fmt, precision, output
) -> None:
    """Outputs, gradients and boundedness at given inputs: one row per (variant, x).

    \b
    Examples:
      relucli table relu leaky:0.1 elu --at -2,0,3
      relucli table seed --at -1,1 --format latex_booktabs
    """
    acts = resolve(specs, convention=convention, train=train, seed=seed)
    points = points_from(at, range_, num, step, dtype)
    headers = ["variant", "x", "f(x)", "f'(x)", "range", "bounded below", "bounded above"]

    def rows():
        for a in acts:
            lo, hi = a.bounds
            text = range_text(a.range)
            for block in points.blocks():
                value, grad = a.value_and_grad(block)
                for x, v, g in zip(block.tolist(), value.tolist(), grad.tolist()):
                    yield [a.spec, x, v, g, text, bool(np.isfinite(lo)), bool(np.isfinite(hi))]

    emit(headers, rows(), fmt, precision, output, points.size * len(acts), dtype)


@main.command("props", context_settings=CONTEXT)
@specs_argument
@output_options
def props_cmd(specs, fmt, precision, output) -> None:
    """Per variant: output and gradient ranges, boundedness, smoothness, monotonicity, the
    zero-gradient ("dead") region, and E[f(z)], Var[f(z)], P(f'(z) = 0) for z ~ N(0, 1).

    \b
    Examples:
      relucli props
      relucli props all --format github
    """
    acts = resolve(specs, default="seed")
    rows = [props_row(a) for a in acts]
    emit(PROPS_HEADERS, rows, fmt, precision, output, len(rows))
