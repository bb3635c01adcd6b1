"""`relucli props`: ranges, boundedness, smoothness, dead zones and N(0, 1) moments per
variant; also range_text, which `relucli table` shares."""

from __future__ import annotations

import click
import numpy as np

from ...activation import Activation
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
    from ...stats import identity_near_zero, normal_moments, zero_grad_share

    acts = resolve(specs, default="seed")
    headers = [
        "variant",
        "range",
        "f' range",
        "bounded",
        "continuity",
        "monotonic",
        "dead zone (f'=0)",
        "≈x near 0",
        "E[f(z)]",
        "Var[f(z)]",
        "P(f'(z)=0)",
    ]
    rows = []
    for a in acts:
        mean, var = normal_moments(a)
        lo, hi = a.bounds
        bounded = {(True, True): "both", (True, False): "below", (False, True): "above"}.get(
            (bool(np.isfinite(lo)), bool(np.isfinite(hi))), "no"
        )
        rows.append(
            [
                a.spec,
                range_text(a),
                range_text(a, a.grad_bounds, a.grad_range_open),
                bounded,
                a.continuity,
                a.monotonic,
                dead_zone_text(a),
                identity_near_zero(a),
                _snap(mean),
                _snap(var),
                _snap(zero_grad_share(a)),
            ]
        )
    out.emit(headers, rows, len(rows))


def range_text(
    a: Activation,
    bounds: tuple[float, float] | None = None,
    open_ends: tuple[bool, bool] | None = None,
) -> str:
    from ...tables import format_float

    lo, hi = a.bounds if bounds is None else bounds
    lo_open, hi_open = a.range_open if open_ends is None else open_ends
    left = "(" if lo_open or not np.isfinite(lo) else "["
    right = ")" if hi_open or not np.isfinite(hi) else "]"
    return f"{left}{format_float(lo, 6)}, {format_float(hi, 6)}{right}"


def _snap(value: float) -> float:
    # Quadrature is exact to ~1e-16; below 1e-12 what is left is rounding, not the moment.
    return 0.0 if abs(value) < 1e-12 else value


def dead_zone_text(a: Activation) -> str:
    parts = []
    for lo, hi in a.dead_zone:
        if lo == -np.inf:
            parts.append(f"x < {hi:g}")
        elif hi == np.inf:
            parts.append(f"x > {lo:g}")
        else:
            parts.append(f"{lo:g} < x < {hi:g}")
    return ", ".join(parts) or "none"
