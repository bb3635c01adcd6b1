"""The README is a specification: every example in it is run and must print exactly what
the README shows, and every command, option, variant and group is documented there."""

from __future__ import annotations

import doctest
import re
import sys
from pathlib import Path

import click
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import readme_examples

from relucli.cli import main
from relucli.variants import REGISTRY

README = readme_examples.README.read_text(encoding="utf-8")
EXAMPLES = readme_examples.examples(README)


@pytest.fixture(scope="module")
def workdir():
    return readme_examples.workdir()


def test_readme_has_the_two_setup_commands():
    setup = README.split("## Set up", 1)[1].split("##", 1)[0]
    assert "make demo" in setup and "make test" in setup


# The wide depth runs take seconds each: they belong to the slow tier (make test).
SLOW = ("--width 1024",)


@pytest.mark.parametrize(
    "example",
    [
        pytest.param(e, marks=[pytest.mark.slow] if any(s in e.command for s in SLOW) else [])
        for e in EXAMPLES
    ],
    ids=[e.command for e in EXAMPLES],
)
def test_readme_example_prints_what_the_readme_shows(example, workdir):
    assert readme_examples.run(example.command, workdir) == example.expected


def test_readme_kink_table_is_generated_from_the_records():
    # Regenerate with `python scripts/readme_examples.py --update`.
    assert readme_examples.with_kink_table(README) == README


def test_readme_python_session_runs():
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for i, block in enumerate(blocks):
        runner.run(parser.get_doctest(block, {}, f"README python block {i}", None, 0))
    assert runner.failures == 0 and runner.tries > 0


CTX = click.Context(main)
COMMANDS = main.list_commands(CTX)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_option_is_in_the_readme(name):
    assert f"relucli {name}" in README
    command = main.get_command(CTX, name)
    for param in command.params:
        if isinstance(param, click.Option):
            longest = max(param.opts, key=len)
            if longest not in ("--help",):
                assert longest in README, f"{name} {longest} is not documented in README.md"


@pytest.mark.parametrize("name", [*REGISTRY.names(), *REGISTRY.group_names()])
def test_every_variant_and_group_is_in_the_readme(name):
    assert re.search(rf"\b{name}\b", README)
