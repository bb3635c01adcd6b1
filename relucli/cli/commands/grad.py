"""`relucli grad`: f'(x) (or df/dparam) of each variant, with --check the central
difference and the one-sided slopes at kinks."""

from __future__ import annotations

import click

from ...activation import Activation
from ...registry import SpecError
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
from .eval import per_point_table


@click.command("grad", context_settings=CONTEXT)
@specs_argument
@points_options
@activation_options
@click.option(
    "--wrt", metavar="PARAM", help="Differentiate with respect to a parameter (alpha, weight, ...)."
)
@click.option(
    "--check",
    is_flag=True,
    help="Add a central-difference estimate, its error, and the one-sided slopes at kinks.",
)
@long_option("One row per (variant, x).")
@table_output()
def grad_cmd(
    specs,
    at,
    range_,
    num,
    step,
    dtype,
    convention,
    train,
    seed,
    wrt,
    check,
    long_,
    out: TableOutput,
) -> None:
    """f'(x) for each variant (with --wrt, df/dparam), PyTorch's values at kinks.

    \b
    Examples:
      relucli grad --at -2
      relucli grad elu --at -1,0 --wrt alpha
      relucli grad relu leaky --at 0 --convention jax --check
    """
    acts = resolve(specs, convention=convention, train=train, seed=seed)
    points = points_from(at, range_, num, step, dtype)
    names = None
    if wrt:
        acts = _with_param(acts, wrt, explicit=bool(specs))
        names = [f"{a.spec} d/d{a.variant.param(wrt).name}" for a in acts]
        label = f"d/d{wrt}"

        def fn(a, x):
            return a.param_grad(x, wrt)
    else:
        label = "f'"

        def fn(a, x):
            return a.grad(x)

    if check:
        if wrt:
            raise SpecError("--check compares f'(x) with finite differences; drop --wrt")
        from ...describe import CHECK_HEADERS, check_rows

        total = points.size * len(acts)
        out.emit(CHECK_HEADERS, check_rows(acts, points), total, dtype)
        return
    per_point_table(acts, points, fn, label, long_, out, dtype, names)


def _with_param(acts: list[Activation], wrt: str, explicit: bool) -> list[Activation]:
    keep, missing = [], []
    for a in acts:
        try:
            p = a.variant.param(wrt)
        except SpecError:
            missing.append(a.name)
            continue
        if p.name not in a.variant.param_grads:
            missing.append(a.name)
            continue
        keep.append(a)
    if (explicit and missing) or not keep:
        who = ", ".join(missing) or "these variants"
        options = sorted({f"{a.name}:{p}" for a in acts for p in a.variant.param_grads})
        raise SpecError(
            f"{who} has no parameter '{wrt}' to differentiate"
            f" (differentiable: {', '.join(options) or 'none'})"
        )
    return keep
