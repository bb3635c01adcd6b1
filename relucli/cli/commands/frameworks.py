"""`relucli frameworks`: what PyTorch, JAX, Flax, TensorFlow, Keras (2, and 3 on each backend)
and MLX call each variant, their defaults, kink gradients and values at +-inf, with a footnote
per difference from relucli's defaults. The facts are the records' (relucli/frameworks.py),
measured by scripts/make_framework_reference.py."""

from __future__ import annotations

import click

from ...frameworks import TABLE_HEADERS, comparison
from ...registry import SpecError
from ...variants import REGISTRY
from ..options import CONTEXT, complete_specs, table_output
from ..output import TableOutput


@click.command("frameworks", context_settings=CONTEXT)
@click.argument("names", nargs=-1, metavar="[VARIANT]...", shell_complete=complete_specs)
@table_output()
def frameworks_cmd(names, out: TableOutput) -> None:
    """Per variant and framework: its name there, its defaults, f' at each kink and f, f' at
    -inf and +inf (NaN where the framework gives NaN), and a footnote per difference from
    relucli (every variant by default). Frameworks: torch, jax, flax, tf, tf-keras (Keras 2),
    keras-tf, keras-jax, keras-torch (Keras 3 on that backend), mlx. Take one's defaults and
    kink gradients with --convention FRAMEWORK or NAME@FRAMEWORK.

    \b
    Examples:
      relucli frameworks leaky_relu gelu selu
      relucli frameworks all --format csv
    """
    variants = []
    for spec in REGISTRY.expand(names, default="all"):
        if any(c in spec for c in ":@"):
            raise SpecError(
                f"frameworks takes variant names, got '{spec}' (it shows each framework's defaults)"
            )
        variant = REGISTRY.lookup(spec)
        if variant not in variants:
            variants.append(variant)
    rows = comparison(variants)
    numbers: dict[str, int] = {}
    below = out.takes_footnotes
    cells = []
    for row in rows:
        if below:
            marks = sorted(numbers.setdefault(n, len(numbers) + 1) for n in row.notes)
            cells.append([*row.cells, ", ".join(map(str, marks))])
        else:
            cells.append([*row.cells, "; ".join(row.notes)])
    footnotes = [f"[{i}] {note}" for note, i in numbers.items()]
    out.emit(TABLE_HEADERS, cells, len(cells), footnotes=footnotes)
