"""`relucli list`: every variant with its aliases, framework names, parameters and formula."""

from __future__ import annotations

import click

from ... import index
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
    # From the index (relucli.index), not the records: listing imports no kernel, no NumPy.
    rows = []
    for v in index.variants():
        params = ", ".join(f"{p.name}={p.text}" for p in v.params)
        rows.append([v.name, ", ".join(v.aliases), v.spellings, params, v.formula])
    groups = ", ".join(index.group_names())
    rows.append(["groups", groups, "", "", "seed is the default set"])
    out.emit(HEADERS, rows, len(rows))


HEADERS = ["variant", "aliases", "framework names", "parameters", "formula"]
