"""The command line: the `relucli` group and what becomes of every failure.

Every failure a user can cause ends as one ``Error: ...`` line on stderr with exit code 2
(usage) or 1 (runtime); no traceback reaches the user unless ``--debug`` asks for it.
The commands live in relucli.cli.commands, one module each, imported only when used;
their shared options in relucli.cli.options.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import sys

import click

from .. import __version__
from ..quiet import collected_warnings
from ..specs import SpecError
from ..tables import FormatError
from ..textenc import for_stream
from .commands import COMMANDS, CONTEXT, stub
from .output import UserError, cannot_write


class RelucliGroup(click.Group):
    """Loads each command from its module on first use (Click's lazy-group pattern), so a
    command pays only for its own imports, and turns every way a command can fail into one
    line and an exit code. The group's --help and shell completion load no command: they
    use stand-ins built from the index (commands.stub), so they start before NumPy would."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and name in COMMANDS:
            if ctx.resilient_parsing:  # only shell completion parses resiliently
                return stub(name)
            module, attribute = COMMANDS[name].split(":")
            command = getattr(importlib.import_module(f"{__name__}.commands.{module}"), attribute)
            self.add_command(command, name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Click's own, with each command's short help from the index where its module is not
        # loaded: importing every command to read its docstring cost about 100 ms.
        names = self.list_commands(ctx)
        commands = [(name, self.commands.get(name) or stub(name, params=False)) for name in names]
        commands = [(name, cmd) for name, cmd in commands if not cmd.hidden]
        limit = formatter.width - 6 - max(len(name) for name, _ in commands)
        with formatter.section("Commands"):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            found = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f"; did you mean '{found[0]}'?" if found else ""
            raise click.UsageError(
                f"no such command '{name}'{hint} (commands: {', '.join(self.list_commands(ctx))})"
            )
        return super().resolve_command(ctx, args)

    def make_context(self, info_name, args, parent=None, **extra):
        # --help and --version print while the context is made; Click itself would turn a
        # closed pipe there into exit code 1.
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except BrokenPipeError:
            raise click.exceptions.Exit(_quiet_broken_pipe()) from None

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
        _prepare_streams()
        notes: list[str] = []
        try:
            # Every warning (NumPy, Matplotlib, Python) is collected, never printed as is.
            with collected_warnings() as notes:
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
        code = _flush_stdout(code)
        if code == 0:
            for note in notes:
                _say_err(f"Note: {note}")
        _flush_stderr()
        sys.exit(code)


def _prepare_streams() -> None:
    """Standard streams a user's shell may hand us: closed ones (`>&-`, where Python leaves
    None) and encodings that lack our symbols (ASCII, latin-1, EUC-JP terminals)."""
    if sys.stdout is None:
        from ..files import ClosedStream

        _occupy(1)
        sys.stdout = ClosedStream("-")  # a write is one Error line, not an AttributeError
    if sys.stderr is None:
        _occupy(2)
        # Nowhere to report to: the work still runs, and the exit code tells the outcome.
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.stdout = for_stream(sys.stdout)
    sys.stderr = for_stream(sys.stderr)


def _occupy(fd: int) -> None:
    # Keep the closed descriptor taken (by /dev/null), so no file we open later lands on it
    # and receives what was meant for a standard stream.
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)


def _flush_stdout(code: int) -> int:
    """Flush standard output inside the error policy (with normal buffering the last block
    is written only now): a closed pipe ends quietly, any other failure (a full disk) is one
    Error line and exit 1, unless an error was reported already."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence(sys.stdout)
    except OSError as exc:
        _silence(sys.stdout)
        if code == 0:
            from ..files import STDOUT

            code = _fail(cannot_write(STDOUT, exc), 1)
    except (AttributeError, ValueError):
        pass  # replaced by a caller, or closed: nothing is pending
    return code


def _flush_stderr() -> None:
    try:
        sys.stderr.flush()
    except (OSError, AttributeError, ValueError):
        _silence(sys.stderr)


def _say_err(line: str) -> None:
    try:
        click.echo(line, err=True)
    except OSError:
        _silence(sys.stderr)  # stderr gone too: the exit code is all that is left


def _fail(message: str, code: int) -> int:
    line = " ".join(str(message).split())
    _say_err(f"Error: {line[:1].lower() + line[1:]}")
    return code


def _silence(stream: object) -> None:
    # What is still buffered for a stream that failed goes to /dev/null at exit, so Python's
    # final flush does not fail again ("Exception ignored ... BrokenPipeError", exit 120).
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # type: ignore[attr-defined]
        os.close(devnull)


def _quiet_broken_pipe() -> int:
    # The reader went away (e.g. `| head`): stop quietly.
    _silence(sys.stdout)
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
