"""`relucli eval`: f(x) of each variant at the given inputs; also the per-point table that
`relucli grad` shares."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import click
import numpy as np

from ...activation import Activation
from ...inputs import Points
from ..options import (
    CONTEXT,
    activation_options,
    long_option,
    points_from,
    points_options,
    resolve,
    specs_argument,
    table_output,
)
from ..output import TableOutput


@click.command("eval", context_settings=CONTEXT)
@specs_argument
@points_options
@activation_options
@long_option("One row per (variant, x) instead of a column per variant.")
@table_output()
def eval_cmd(
    specs, at, range_, num, step, dtype, convention, train, seed, long_, out: TableOutput
) -> None:
    """f(x) for each variant: one column per variant.

    \b
    Examples:
      relucli eval relu elu --at -2,-1,0,1
      relucli eval leaky:0.1 --range -3 3 --num 7 --format csv
    """
    acts = resolve(specs, convention=convention, train=train, seed=seed)
    points = points_from(at, range_, num, step, dtype)
    per_point_table(acts, points, lambda a, x: a(x), "f", long_, out, dtype)


def per_point_table(
    acts: Sequence[Activation],
    points: Points,
    fn: Callable[[Activation, np.ndarray], np.ndarray],
    label: str,
    long_: bool,
    out: TableOutput,
    dtype: str,
    names: Sequence[str] | None = None,
) -> None:
    """A column per variant (or with ``long_`` a row per variant and x) of ``fn(a, x)``."""
    names = names or [a.spec for a in acts]
    if long_:
        headers = ["variant", "x", f"{label}(x)"]
        total = points.size * len(acts)

        def rows():
            for a, name in zip(acts, names):
                for block in points.blocks():
                    yield [[name] * block.size, block, fn(a, block)]
    else:
        headers = ["x", *names]
        total = points.size

        def rows():
            for block in points.blocks():
                yield [block, *(fn(a, block) for a in acts)]

    out.emit_blocks(headers, rows(), total, dtype)
