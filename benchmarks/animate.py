"""A 40-frame parameter sweep against one still figure of the same size.

`relucli plot elu --sweep alpha=0.1:2:40 -o sweep.gif --size 1280x720px` against
`relucli plot elu -o still.png --size 1280x720px`, each as a fresh process (startup and
imports count: that is what a user waits for), alternating turn by turn so both see the same
machine load; the medians of the repeats are compared. Target: the sweep within about 3x the
still figure. Also prints the GIF's size (target: under about 5 MB).

    python benchmarks/animate.py [--repeats N] [--variants elu,celu] [--format gif|png|webp]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from targets import at_most, report, user_env

TARGET = 3.0
SIZE_TARGET = 5 * 10**6


ENV = user_env()  # as installed for a user (the warm-up run writes the bytecode)


def timed(args: list[str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--variants", default="elu")
    parser.add_argument("--format", default="gif", choices=("gif", "png", "webp"))
    opts = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    ENV["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), ENV.get("PYTHONPATH")) if p)
    variants = opts.variants.split(",")
    base = [sys.executable, "-m", "relucli", "plot", *variants, "--size", "1280x720px"]
    sweep = [*base, "--sweep", "alpha=0.1:2:40", "-o", f"sweep.{opts.format}"]
    still = [*base, "-o", "still.png"]
    with tempfile.TemporaryDirectory() as folder:
        timed(still, folder)  # warm the file cache, bytecode and Matplotlib's font cache
        timed(sweep, folder)
        times: dict[str, list[float]] = {"sweep": [], "still": []}
        for _ in range(opts.repeats):
            times["still"].append(timed(still, folder))
            times["sweep"].append(timed(sweep, folder))
        size = (Path(folder) / f"sweep.{opts.format}").stat().st_size
    a, b = statistics.median(times["sweep"]), statistics.median(times["still"])
    ratio = a / b
    print(f"40-frame 1280x720 sweep ({opts.format}): median {a:.2f} s")
    print(f"one 1280x720 figure:              median {b:.2f} s")
    report(
        [
            at_most("animate.py", f"40-frame sweep ({opts.format}) / one figure", ratio, TARGET,
                    detail=f"{a:.2f} vs {b:.2f} s"),
            at_most("animate.py", f"sweep file size ({opts.format})", size / 1e6,
                    SIZE_TARGET / 1e6, unit=" MB"),
        ]
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
