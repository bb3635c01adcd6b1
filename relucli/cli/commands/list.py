"""`relucli list`: every variant with its aliases, parameters and formula."""

from __future__ import annotations

from typing import Any

import click

from ...variants import REGISTRY
from ..options import CONTEXT, table_output
from ..output import TableOutput


@click.command("list", context_settings=CONTEXT)
@table_output()
def list_cmd(out: TableOutput) -> None:
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
    out.emit(["variant", "aliases", "parameters", "formula"], rows, len(rows))


def _default_text(value: Any) -> str:
    from ...activation import _fmt

    return _fmt(value)
