"""The index (relucli/_index.py) and what reads it: `relucli list`, shell completion and the
group's --help, which must give exactly what the records and the real commands give, while
importing no NumPy (and, for --help and --version, no command module)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.shell_completion import BashComplete
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import make_index

from relucli import index
from relucli.activation import _fmt
from relucli.cli import main
from relucli.cli.commands import COMMANDS, stub
from relucli.cli.commands import list as list_module
from relucli.cli.options import CONTEXT, table_output
from relucli.frameworks import spellings
from relucli.tables import FORMATS
from relucli.variants import REGISTRY

ROOT = Path(__file__).resolve().parent.parent


def test_the_index_is_what_the_script_writes():
    written = (ROOT / "relucli" / "_index.py").read_text(encoding="utf-8")
    assert written == make_index.render(), (
        "relucli/_index.py is stale: run `python scripts/make_index.py`"
    )


def test_the_index_answers_as_the_registry():
    assert index.names() == REGISTRY.names()
    assert index.group_names() == REGISTRY.group_names()
    assert index.aliases() == REGISTRY.aliases
    for alias, name in REGISTRY.aliases.items():
        assert index.find(alias.upper().replace("_", "-")).name == name
    assert index.find("seed") is None and index.find("nope") is None
    leaky = index.find("lrelu")
    assert leaky.param("Slope").name == "negative_slope" and leaky.param("beta") is None
    assert leaky.forms["keras-tf"] == ("layer",)
    assert index.find("keras_relu").param("max_value").default == float("inf")


# ------------------------------------------------------------------------------- list


@click.command("list", context_settings=CONTEXT)
@table_output()
def list_from_records(out) -> None:
    """`relucli list` as it was written before the index: from the live records."""
    rows = []
    for v in REGISTRY.variants.values():
        params = ", ".join(f"{p.name}={_fmt(p.default)}" for p in v.params)
        rows.append([v.name, ", ".join(v.aliases), spellings(v), params, v.formula])
    groups = ", ".join(REGISTRY.group_names())
    rows.append(["groups", groups, "", "", "seed is the default set"])
    out.emit(list_module.HEADERS, rows, len(rows))


@pytest.mark.parametrize("fmt", FORMATS)
def test_list_from_the_index_is_list_from_the_records(fmt):
    runner = CliRunner()
    expected = runner.invoke(list_from_records, ["--format", fmt])
    got = runner.invoke(main, ["list", "--format", fmt])
    assert expected.exit_code == got.exit_code == 0
    assert got.output == expected.output


# --------------------------------------------------------------------- group --help


def _real(name: str) -> click.Command:
    command = main.get_command(click.Context(main), name)
    assert command is not None
    return command


@pytest.mark.parametrize("name", COMMANDS)
def test_each_commands_short_help_from_the_index_is_its_own(name):
    real, standin = _real(name), stub(name)
    for limit in range(8, 160):
        assert standin.get_short_help_str(limit) == real.get_short_help_str(limit), limit
    assert standin.get_short_help_str() == real.get_short_help_str()


def _group(loaded: bool) -> click.Group:
    group = copy.copy(main)
    group.commands = {n: _real(n) for n in COMMANDS} if loaded else {}
    return group


@pytest.mark.parametrize("width", [40, 60, 80, 100, 200])
def test_group_help_without_loading_commands_is_the_same(width):
    runner = CliRunner()
    lazy = runner.invoke(_group(False), ["--help"], terminal_width=width)
    loaded = runner.invoke(_group(True), ["--help"], terminal_width=width)
    assert lazy.exit_code == loaded.exit_code == 0
    assert lazy.output == loaded.output
    assert "Commands:\n  bench " in lazy.output


# -------------------------------------------------------------------------- completion


def _completions(group: click.Group, args: list[str], incomplete: str) -> list[tuple]:
    complete = BashComplete(group, {}, "relucli", "_RELUCLI_COMPLETE")
    return [(c.value, c.type, c.help) for c in complete.get_completions(args, incomplete)]


def _cases(name: str) -> list[tuple[list[str], str]]:
    """Words to complete for one command: every option prefix, every option's value, the
    arguments (variant specs), and after a flag or a value."""
    real = _real(name)
    cases = [([name], ""), ([name], "-"), ([name], "--"), ([name], "e"), ([name], "elu:")]
    cases += [([name], "leaky@k"), ([name], "leaky@keras-tf."), ([name], "gelu:approximate=")]
    cases += [([name, "relu"], ""), ([name, "relu"], "--"), ([name, "--"], "-")]
    # real.params, not get_params(): that caches a help option made for the given context.
    for param in real.params:
        if not isinstance(param, click.Option):
            continue
        for opt in param.opts:
            cases.append(([name], opt[:3]))
            cases.append(([name, opt], "") if not param.is_flag else ([name, opt], "-"))
            cases.append(([name, opt, "x"] if param.nargs == 1 else [name, opt], ""))
    return cases


@pytest.mark.parametrize("name", COMMANDS)
def test_completion_from_the_index_is_completion_from_the_commands(name):
    lazy, loaded = _group(False), _group(True)
    for args, incomplete in [([], ""), ([], "-"), ([], "b"), *_cases(name)]:
        expected = _completions(loaded, list(args), incomplete)
        assert _completions(lazy, list(args), incomplete) == expected, (args, incomplete)
    assert lazy.commands == {}  # completion loaded no command


# ------------------------------------------------------------------- imports (no timing)


def _imports(args: list[str], env: dict[str, str] | None = None) -> dict:
    """Run relucli ARGS in a fresh interpreter; the modules it imported, from sys.modules."""
    code = (
        "import json, runpy, sys\n"
        f"sys.argv = ['relucli', *{args!r}]\n"
        "try:\n    runpy.run_module('relucli', run_name='__main__')\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}), file=sys.stderr)\n"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("_RELUCLI", "COMP_"))}
    environ.pop("PYTHONUNBUFFERED", None)
    environ.pop("PYTHONDONTWRITEBYTECODE", None)
    environ["PYTHONPATH"] = str(ROOT)
    environ.update(env or {})
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ, check=True
    )
    report = json.loads(out.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), out.stderr
    report["stdout"] = out.stdout
    return report


def _commands_loaded(modules: list[str]) -> list[str]:
    return [m for m in modules if m.startswith("relucli.cli.commands.")]


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["-V"], []])
def test_help_and_version_import_no_numpy_and_no_command(args):
    report = _imports(args)
    assert "numpy" not in report["modules"]
    assert _commands_loaded(report["modules"]) == []
    assert report["stdout"]


@pytest.mark.parametrize("fmt", ["simple", "csv", "json", "github", "latex_booktabs"])
def test_list_imports_no_numpy(fmt):
    report = _imports(["list", "--format", fmt])
    assert "numpy" not in report["modules"]
    assert _commands_loaded(report["modules"]) == ["relucli.cli.commands.list"]
    assert report["stdout"].count("\n") > len(REGISTRY.names())


@pytest.mark.parametrize(
    ("shell", "words", "expected"),
    [
        ("bash", "relucli plot e", "plain,elu\n"),
        ("zsh", "relucli plot e", "plain\nelu\n_\n"),
        ("fish", "relucli plot e", "plain,elu\n"),
        ("bash", "relucli gr", "plain,grad\n"),
        ("bash", "relucli grad elu:", "plain,elu:alpha=\n"),
        ("bash", "relucli table --format late", "plain,latex\n"),
        ("bash", "relucli plot --sty", "plain,--style\n"),
        ("bash", "relucli plot --style n", "plain,neon\n"),
    ],
)
def test_completion_imports_no_numpy_and_no_command(shell, words, expected):
    cword = words.split(" ")[-1] if shell == "fish" else str(len(words.split(" ")) - 1)
    env = {"_RELUCLI_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": cword}
    report = _imports([], env)
    assert "numpy" not in report["modules"]
    assert _commands_loaded(report["modules"]) == []
    assert report["stdout"].startswith(expected)
