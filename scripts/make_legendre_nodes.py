"""Write relucli/numerics/_legendre.py: the 32-point Gauss-Legendre rule as float literals.

    python scripts/make_legendre_nodes.py

`relucli props` and the depth lab need these 64 numbers; computing them at run time meant
importing numpy.polynomial (and numpy.ma with it), about 40 ms of every `props`. They are
numpy.polynomial.legendre.leggauss(32) written out (repr round-trips every float64 exactly),
and tests/test_quadrature.py checks them against leggauss to the last bit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "relucli" / "numerics" / "_legendre.py"
NODES = 32


def render() -> str:
    t, w = np.polynomial.legendre.leggauss(NODES)

    def column(values: np.ndarray) -> str:
        return "".join(f"    {float(v)!r},\n" for v in values)

    return (
        f'"""The {NODES}-point Gauss-Legendre rule on [-1, 1]: numpy.polynomial.legendre.leggauss'
        f"({NODES}),\nwritten by `python scripts/make_legendre_nodes.py` (do not edit).\n"
        '"""\n\n'
        f"NODES = (\n{column(t)})\nWEIGHTS = (\n{column(w)})\n"
    )


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
