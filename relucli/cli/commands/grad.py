"""`relucli grad`: f'(x) (or df/dparam) of each variant, with --check the central
difference and the one-sided slopes at kinks."""

from __future__ import annotations

import click
import numpy as np

from ...activation import Activation
from ...inputs import Points
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
        headers = ["variant", "x", "f'(x)", "central difference", "abs error", "note"]
        total = points.size * len(acts)
        out.emit(headers, _check_rows(acts, points), total, dtype)
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


def _check_rows(acts: list[Activation], points: Points):
    for a in acts:
        for block in points.blocks():
            x = block.astype(np.float64)
            grad = a.grad(block).astype(np.float64)
            h = np.cbrt(np.finfo(block.dtype).eps) * np.maximum(1.0, np.abs(x))
            with np.errstate(all="ignore"):
                fd = (a(x + h).astype(np.float64) - a(x - h).astype(np.float64)) / (2 * h)
                err = np.abs(fd - grad)
            for xi, gi, fi, ei in zip(x.tolist(), grad.tolist(), fd.tolist(), err.tolist()):
                yield [a.spec, xi, gi, fi, ei, _kink_note(a, xi)]


def _kink_note(a: Activation, x: float) -> str:
    if x not in a.kinks:
        return ""
    tiny = 1e-9 * max(1.0, abs(x))
    left, right = float(a.grad(x - tiny)), float(a.grad(x + tiny))
    if left == right:
        return ""
    return (
        f"kink: f'(x-)={left:.6g}, f'(x+)={right:.6g}; {a.convention} uses {float(a.grad(x)):.6g}"
    )
