"""Start-up time of `relucli grad --at -2` against the floor of its imports.

    python benchmarks/startup.py [--runs 21]

The floor is `python -c "import numpy, click, tabulate"`: a relucli command cannot start
faster than the libraries it needs. Target (issue 6): the command within 1.25x of the floor,
median wall time of at least 10 runs of each, interleaved so that a busy spell on the
machine hits both alike. Also prints the relucli modules `grad` imports that it does not
need (from `python -X importtime`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

TARGET = 1.25
FLOOR = [sys.executable, "-c", "import numpy, click, tabulate"]
COMMAND = [sys.executable, "-m", "relucli", "grad", "--at", "-2"]
# What `grad` needs; anything else relucli imports for it is start-up time wasted.
NEEDED = {
    "relucli",
    "relucli.__main__",
    "relucli._version",
    "relucli.activation",
    "relucli.cli",
    "relucli.cli.commands",
    "relucli.cli.commands.eval",  # grad's per-point table
    "relucli.cli.commands.grad",
    "relucli.cli.options",
    "relucli.cli.output",
    "relucli.describe",
    "relucli.inputs",
    "relucli.numerics",
    "relucli.numerics.chunked",
    "relucli.numerics.elementwise",
    "relucli.numerics.exp32",
    "relucli.numerics.quadrature",
    "relucli.registry",
    "relucli.tables",
    "relucli.variants",
    "relucli.variants.exponential",
    "relucli.variants.piecewise",
    "relucli.variants.smooth",
}


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=_env())
    return time.perf_counter() - start


def _env() -> dict[str, str]:
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env


def imported_modules(cmd: list[str]) -> list[tuple[str, int]]:
    """(module, cumulative µs) for the relucli modules a command imports."""
    out = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
    ).stderr
    found = []
    for line in out.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line.split("|"))
        if name.startswith("relucli") and cumulative.isdigit():
            found.append((name, int(cumulative)))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each (median reported)")
    args = parser.parse_args()
    wall(FLOOR), wall(COMMAND)  # warm the file cache
    floor, command = [], []
    for _ in range(max(args.runs, 10)):
        floor.append(wall(FLOOR))
        command.append(wall(COMMAND))
    f, c = statistics.median(floor), statistics.median(command)
    print(f"import numpy, click, tabulate : {f * 1e3:7.1f} ms (median of {len(floor)})")
    print(f"relucli grad --at -2          : {c * 1e3:7.1f} ms")
    verdict = "meets" if c / f <= TARGET else "misses"
    print(f"ratio                         : {c / f:7.2f}x  ({verdict} the {TARGET}x target)")
    extra = [(m, us) for m, us in imported_modules(COMMAND) if m not in NEEDED]
    if extra:
        print("relucli modules `grad` imports but does not need (cumulative ms):")
        for name, us in extra:
            print(f"  {name:32s} {us / 1e3:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
