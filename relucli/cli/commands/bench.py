"""`relucli bench`: what each variant costs, in ns per element and as multiples of ReLU and
of a memory copy measured in the same run. The measurement lives in relucli.bench."""

from __future__ import annotations

import math
import sys

import click

from ... import bench as timing
from ..options import (
    CONTEXT,
    Precision,
    check_memory,
    dtype_option,
    largest_fitting,
    memory_budget_option,
    resolve,
    specs_argument,
    table_output,
)
from ..output import TableOutput

# Timings are good to a few per cent on a quiet machine: three digits is honest, in csv and
# json too (more digits would be noise).
PRECISION = Precision(3, every_format=True)
MAX_SIZE = 10**10


class SizeType(click.ParamType):
    """A whole number of elements, also written 1e6 or 1_000_000."""

    name = "N"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            number = value
        else:
            try:
                parsed = float(str(value).strip())
            except ValueError:
                parsed = math.nan
            if not (math.isfinite(parsed) and parsed.is_integer()):
                self.fail(f"'{value}' is not a whole number of elements (e.g. 1000000 or 1e6)")
            number = int(parsed)
        if not 1 <= number <= MAX_SIZE:
            self.fail(f"{number} is not in the range 1 to {MAX_SIZE:,}")
        return number


@click.command("bench", context_settings=CONTEXT)
@specs_argument
@click.option(
    "--size",
    type=SizeType(),
    default=timing.DEFAULT_SIZE,
    show_default=True,
    help="Elements in the input array (1e7 reproduces benchmarks/README.md).",
)
@dtype_option("float32", "Precision of the input and outputs.")
@click.option(
    "--repeat",
    type=click.IntRange(1, 1000),
    default=timing.DEFAULT_REPEAT,
    show_default=True,
    help="Timings per variant; the median, min and max are reported.",
)
@memory_budget_option
@table_output(PRECISION)
def bench(specs, size, dtype, repeat, memory_budget, out: TableOutput) -> None:
    """Time each variant's forward pass and forward+gradient on one array.

    Per variant: ns per element, the median of --repeat runs with the fastest (min) and
    the slowest (max), and the median as a multiple of a memory copy (np.copyto into a
    preallocated array) and of ReLU timed in the same run. Outputs are preallocated;
    inputs are N(0, 1). Absolute numbers depend on the machine and its load: compare the
    ratios. Timings are printed to 3 significant digits in every format unless
    --precision says otherwise.

    The exp path column says which float32 kernel ELU, SELU and CELU (at alpha = 1) ran:
    simd (NumPy's own vectorised exp/expm1, where its build and CPU have them) or table
    (relucli's exp tables). `relucli info` says why; RELUCLI_EXP_PATH=simd|table forces
    one.

    \b
    Examples:
      relucli bench
      relucli bench all --size 1e7 --repeat 7
      relucli bench relu elu gelu --dtype float64 --format github
    """
    acts = resolve(specs, default="seed")
    largest = largest_fitting(lambda n: timing.peak_bytes(n, dtype), memory_budget, 1, MAX_SIZE)
    fits = [f"--size {largest:,}"] if largest >= 1 else []
    check_memory(timing.peak_bytes(size, dtype), memory_budget, fits)
    total = repeat * timing.steps(acts)
    label = f"timing {total // repeat} kernels x {repeat} on {size:,} {dtype}"
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        result = timing.measure(acts, size=size, dtype=dtype, repeat=repeat, progress=bar.update)
    rows = result.rows()
    out.emit(timing.HEADERS, rows, len(rows))
