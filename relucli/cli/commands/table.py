"""`relucli table`: outputs, gradients and boundedness, one row per (variant, x)."""

from __future__ import annotations

import click
import numpy as np

from ...describe import range_text
from ..options import (
    CONTEXT,
    activation_options,
    points_from,
    points_options,
    resolve,
    specs_argument,
    table_output,
)
from ..output import TableOutput


@click.command("table", context_settings=CONTEXT)
@specs_argument
@points_options
@activation_options
@table_output()
def table_cmd(
    specs, at, range_, num, step, dtype, convention, train, seed, out: TableOutput
) -> None:
    """Outputs, gradients and boundedness at given inputs: one row per (variant, x).

    \b
    Examples:
      relucli table relu leaky:0.1 elu --at -2,0,3
      relucli table seed --at -1,1 --format latex_booktabs
    """
    acts = resolve(specs, convention=convention, train=train, seed=seed)
    points = points_from(at, range_, num, step, dtype)
    headers = ["variant", "x", "f(x)", "f'(x)", "range", "bounded below", "bounded above"]

    def rows():
        for a in acts:
            lo, hi = a.bounds
            text = range_text(a.range)
            for block in points.blocks():
                value, grad = a.value_and_grad(block)
                for x, v, g in zip(block.tolist(), value.tolist(), grad.tolist()):
                    yield [a.spec, x, v, g, text, bool(np.isfinite(lo)), bool(np.isfinite(hi))]

    out.emit(headers, rows(), points.size * len(acts), dtype)
