"""The command line: the `relucli` group and what becomes of every failure.

Every failure a user can cause ends as one ``Error: ...`` line on stderr with exit code 2
(usage) or 1 (runtime); no traceback reaches the user unless ``--debug`` asks for it.
The commands live in relucli.cli.commands, one module each, imported only when used;
their shared options in relucli.cli.options.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import importlib
import os
import sys

import click

from .. import __version__
from ..registry import SpecError
from ..tables import FormatError
from .commands import COMMANDS
from .options import CONTEXT
from .output import UserError, cannot_write


class RelucliGroup(click.Group):
    """Loads each command from its module on first use (Click's lazy-group pattern), so a
    command pays only for its own imports, and turns every way a command can fail into one
    line and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and name in COMMANDS:
            module, attribute = COMMANDS[name].split(":")
            command = getattr(importlib.import_module(f"{__name__}.commands.{module}"), attribute)
            self.add_command(command, name)
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
                code = _fail(cannot_write(exc.filename, exc), 1)
        except MemoryError:
            code = _fail("out of memory; ask for fewer points or use --format csv", 1)
        except Exception as exc:
            if debug:
                raise
            code = _fail(
                f"internal error ({type(exc).__name__}: {exc}); please report this with the"
                " command line and the output of `relucli info` (rerun with --debug for the"
                " traceback)",
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
    NAME@FRAMEWORK (leaky@keras-tf, gelu@jax, leaky@keras-tf.layer:0.1) takes a
    framework's defaults and kink gradients. See `relucli frameworks`.

    \b
    Examples:
      relucli grad --at -2
      relucli table relu leaky:0.1 elu --at -2,0,3 --format latex
      relucli plot elu selu
    """


__all__ = ["RelucliGroup", "main"]
