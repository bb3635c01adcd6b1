"""Print the measured max ulp error of every variant against mpmath (the test grid).

.venv/bin/python scripts/accuracy_report.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from tabulate import tabulate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_accuracy import REFS, _check


def main() -> None:
    rows = []
    for ref in REFS:
        v64, g64 = _check(ref, np.float64)
        v32, g32 = _check(ref, np.float32)
        rows.append([ref.spec, v64, g64, v32, g32, ref.ulps])
    headers = ["variant", "f64 value", "f64 grad", "f32 value", "f32 grad", "f64 bound"]
    print(tabulate(rows, headers, tablefmt="github", floatfmt=".2f"))


if __name__ == "__main__":
    main()
