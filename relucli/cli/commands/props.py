"""`relucli props`: ranges, boundedness, smoothness, dead zones and N(0, 1) moments per
variant (the rows come from relucli.describe)."""

from __future__ import annotations

import click

from ..options import CONTEXT, resolve, specs_argument, table_output
from ..output import TableOutput


@click.command("props", context_settings=CONTEXT)
@specs_argument
@table_output()
def props_cmd(specs, out: TableOutput) -> None:
    """Per variant: output and gradient ranges, boundedness, smoothness, monotonicity, the
    zero-gradient ("dead") region, and E[f(z)], Var[f(z)], P(f'(z) = 0) for z ~ N(0, 1).

    \b
    Examples:
      relucli props
      relucli props all --format github
    """
    from ...describe import PROPS_HEADERS, props_row

    acts = resolve(specs, default="seed")
    rows = [props_row(a) for a in acts]
    out.emit(PROPS_HEADERS, rows, len(rows))
