"""Write relucli/_index.py, the metadata that start-up paths read instead of the records.

    python scripts/make_index.py           # rewrite relucli/_index.py
    python scripts/make_index.py --check   # exit 1 when it is stale

The index holds, as plain literals: every variant's name, aliases, summary, formula,
framework spellings, parameters (default, its text in `relucli list`, range, choices,
synonyms) and frameworks with their forms; the group names; and every command's help
paragraph and parameters as shell completion sees them. It is written from the live records
(relucli.variants) and the real commands, so it can only be stale, never different by hand:
tests/test_index.py compares it with what this script writes.
"""

from __future__ import annotations

import argparse
import pprint
import sys
from pathlib import Path
from typing import Any

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
INDEX = ROOT / "relucli" / "_index.py"
COMMAND = "python scripts/make_index.py"

HEADER = f'''"""Written by `{COMMAND}` from the variant records and commands: do not edit.

What `relucli list`, shell completion and `relucli --help` read instead of importing the
records' kernels and NumPy (see relucli/index.py and relucli/cli/commands/__init__.py).
"""

# fmt: off
inf = float("inf")  # pprint writes an infinite default (keras_relu's max_value) as inf
'''


def variant_records() -> list[dict[str, Any]]:
    from relucli.activation import _fmt
    from relucli.frameworks import FRAMEWORKS, spellings
    from relucli.variants import REGISTRY

    return [
        {
            "name": v.name,
            "aliases": tuple(v.aliases),
            "summary": v.summary,
            "formula": v.formula,
            "spellings": spellings(v),
            "params": tuple(
                sparse(
                    {
                        "name": p.name,
                        "default": p.default,
                        "text": _fmt(p.default),
                        "range": p.range_text(),
                        "choices": tuple(p.choices),
                        "synonyms": tuple(p.synonyms),
                    }
                )
                for p in v.params
            ),
            "frameworks": tuple(f for f in FRAMEWORKS if v.in_framework(f)),
            "forms": {
                f: tuple(v.frameworks[f].forms)
                for f in FRAMEWORKS
                if v.in_framework(f) and v.frameworks[f].forms
            },
        }
        for v in REGISTRY.variants.values()
    ]


# What a record leaves out is its field's default (relucli.index, commands.stub read them so).
DEFAULTS: dict[str, Any] = {
    "choices": (),
    "synonyms": (),
    "secondary_opts": (),
    "is_flag": False,
    "count": False,
    "multiple": False,
    "nargs": 1,
    "hidden": False,
    "required": False,
    "complete": (),
    "short_help": None,
}


def sparse(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in DEFAULTS or v != DEFAULTS[k]}


def first_paragraph(text: str | None) -> str:
    """All that a command's short help is made of (click.utils.make_default_short_help)."""
    text = text or ""
    end = text.find("\n\n")
    return " ".join((text if end == -1 else text[:end]).split())


def completion(param: click.Parameter) -> tuple[Any, ...]:
    """What a parameter completes: ("specs",), ("choice", choices, case_sensitive),
    ("path", file_okay, dir_okay), ("file",) or () for nothing."""
    from relucli.cli.options import complete_specs

    custom = param._custom_shell_complete
    if custom is not None:
        if custom is not complete_specs:
            raise SystemExit(f"{param.name}: a completion function the index cannot name")
        return ("specs",)
    kind = param.type
    if isinstance(kind, click.Choice):
        return ("choice", tuple(map(str, kind.choices)), kind.case_sensitive)
    if isinstance(kind, click.Path):
        return ("path", kind.file_okay, kind.dir_okay)
    if isinstance(kind, click.File):
        return ("file",)
    if type(kind).shell_complete is not click.ParamType.shell_complete:
        raise SystemExit(f"{param.name}: a type whose completion the index cannot name")
    return ()


def param_record(param: click.Parameter) -> dict[str, Any]:
    if isinstance(param, click.Argument):
        return sparse(
            {
                "kind": "argument",
                "name": param.name,
                "nargs": param.nargs,
                "required": param.required,
                "complete": completion(param),
            }
        )
    assert isinstance(param, click.Option)
    return sparse(
        {
            "kind": "option",
            "name": param.name,
            "opts": tuple(param.opts),
            "secondary_opts": tuple(param.secondary_opts),
            "is_flag": param.is_flag,
            "count": param.count,
            "multiple": param.multiple,
            "nargs": param.nargs,
            "hidden": param.hidden,
            "help": param.help,
            "complete": completion(param),
        }
    )


def command_records() -> dict[str, dict[str, Any]]:
    from relucli.cli import main
    from relucli.cli.commands import COMMANDS
    from relucli.cli.options import CONTEXT

    out = {}
    for name in COMMANDS:
        cmd = main.get_command(click.Context(main), name)
        assert cmd is not None
        if cmd.hidden or cmd.deprecated or cmd.context_settings != CONTEXT:
            raise SystemExit(f"{name}: hidden, deprecated or own context settings: not indexed")
        out[name] = sparse(
            {
                "help": first_paragraph(cmd.help),
                "short_help": cmd.short_help,
                "params": tuple(param_record(p) for p in cmd.params),
            }
        )
    return out


def render() -> str:
    """The text of relucli/_index.py as the live records and commands make it."""
    from relucli.variants import REGISTRY

    def literal(name: str, value: Any) -> str:
        return f"{name} = {pprint.pformat(value, width=99, sort_dicts=False)}\n"

    return (
        HEADER
        + literal("VARIANTS", tuple(variant_records()))
        + "\n"
        + literal("GROUPS", tuple(REGISTRY.group_names()))
        + "\n"
        + literal("COMMANDS", command_records())
        + "# fmt: on\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the index is stale")
    args = parser.parse_args()
    text = render()
    current = INDEX.read_text(encoding="utf-8") if INDEX.exists() else ""
    if args.check:
        if text != current:
            print(f"relucli/_index.py is stale: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    if text != current:
        INDEX.write_text(text, encoding="utf-8")
        print("relucli/_index.py rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
