"""`relucli list`: every variant with its aliases, framework names, parameters and formula."""

from __future__ import annotations

from typing import Any

import click

from ...frameworks import spellings
from ...variants import REGISTRY
from ..options import CONTEXT, table_output
from ..output import TableOutput


@click.command("list", context_settings=CONTEXT)
@table_output()
def list_cmd(out: TableOutput) -> None:
    """Every variant: name, aliases, framework names, parameters with defaults, formula.

    The framework names are each framework's function (or layer) name and the frameworks
    spelling it so, keras for Keras 3 on all three backends; `relucli frameworks` has the
    full names and what each framework does differently.

    \b
    Example:
      relucli list --format github
    """
    rows = []
    for v in REGISTRY.variants.values():
        params = ", ".join(f"{p.name}={_default_text(p.default)}" for p in v.params)
        rows.append([v.name, ", ".join(v.aliases), spellings(v), params, v.formula])
    groups = ", ".join(REGISTRY.group_names())
    rows.append(["groups", groups, "", "", "seed is the default set"])
    out.emit(["variant", "aliases", "framework names", "parameters", "formula"], rows, len(rows))


def _default_text(value: Any) -> str:
    from ...activation import _fmt

    return _fmt(value)
