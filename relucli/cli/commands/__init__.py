"""Every command, one module each. The group (relucli.cli) imports a command's module only
when that command runs or its own help is shown, so start-up costs only what the command
needs. The group's --help and shell completion import none: they read each command's help
paragraph and parameters from the index (relucli/_index.py, see :func:`stub`).

Adding a command: a module here, one row below ("module:attribute" of the click command),
then `python scripts/make_index.py` (tests/test_index.py reminds you).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    import click

# Every command's (and the group's) context settings; options.py re-exports it.
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

COMMANDS: dict[str, str] = {
    "bench": "bench:bench",
    "completion": "completion:completion_cmd",
    "depth": "depth:depth",
    "dying": "dying:dying",
    "eval": "eval:eval_cmd",
    "frameworks": "frameworks:frameworks_cmd",
    "grad": "grad:grad_cmd",
    "info": "info:info_cmd",
    "inspect": "inspect:inspect_cmd",
    "list": "list:list_cmd",
    "plot": "plot:plot",
    "props": "props:props_cmd",
    "table": "table:table_cmd",
}


def stub(name: str, params: bool = True) -> click.Command:
    """A stand-in for command ``name``, built from the index without importing its module:
    its help paragraph (all the group's --help shows of it) and its parameters as shell
    completion sees them (names, flags, arity, choices, paths, variant specs). It never runs:
    the group hands it out only to --help and to completion (tests/test_index.py checks that
    both give what the real command gives). Without ``params`` (all --help needs) it is
    quicker to build."""
    import click

    from ..._index import COMMANDS as INDEX

    record = INDEX[name]
    return click.Command(
        name,
        context_settings=CONTEXT,
        help=record["help"],
        short_help=record.get("short_help"),
        params=[_param(p) for p in record["params"]] if params else [],
    )


def _param(record: dict[str, Any]) -> click.Parameter:
    import click

    from ..options import complete_specs

    kind, *details = record.get("complete") or ("",)
    types = {
        "choice": lambda: click.Choice(details[0], case_sensitive=details[1]),
        "path": lambda: click.Path(file_okay=details[0], dir_okay=details[1]),
        "file": lambda: click.File(),
    }
    common: dict[str, Any] = {
        "type": types[kind]() if kind in types else None,
        "shell_complete": complete_specs if kind == "specs" else None,
    }
    if record["kind"] == "argument":
        return click.Argument(
            [record["name"]],
            nargs=record.get("nargs", 1),
            required=record.get("required", False),
            **common,
        )
    # The index leaves out what is a field's default (scripts/make_index.py, DEFAULTS).
    if record.get("is_flag"):
        common = {"is_flag": True}
    elif record.get("count"):
        common = {"count": True}
    else:
        common.update(nargs=record.get("nargs", 1), multiple=record.get("multiple", False))
    option = click.Option(
        [record["name"], *record["opts"]],
        help=record.get("help"),
        hidden=record.get("hidden", False),
        **common,
    )
    # Not list(): in this package `list` (like `eval`) is the name of a command module.
    option.secondary_opts = [*record.get("secondary_opts", ())]
    return option
