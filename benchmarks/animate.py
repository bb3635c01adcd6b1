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

TARGET = 3.0
SIZE_TARGET = 5 * 10**6


def timed(args: list[str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--variants", default="elu")
    parser.add_argument("--format", default="gif", choices=("gif", "png", "webp"))
    opts = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    env_path = os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])
    os.environ["PYTHONPATH"] = env_path
    variants = opts.variants.split(",")
    base = [sys.executable, "-m", "relucli", "plot", *variants, "--size", "1280x720px"]
    sweep = [*base, "--sweep", "alpha=0.1:2:40", "-o", f"sweep.{opts.format}"]
    still = [*base, "-o", "still.png"]
    with tempfile.TemporaryDirectory() as folder:
        timed(still, folder)  # warm the file cache and Matplotlib's font cache
        times: dict[str, list[float]] = {"sweep": [], "still": []}
        for _ in range(opts.repeats):
            times["still"].append(timed(still, folder))
            times["sweep"].append(timed(sweep, folder))
        size = (Path(folder) / f"sweep.{opts.format}").stat().st_size
    a, b = statistics.median(times["sweep"]), statistics.median(times["still"])
    ratio = a / b
    print(f"40-frame 1280x720 sweep ({opts.format}): median {a:.2f} s")
    print(f"one 1280x720 figure:              median {b:.2f} s")
    print(f"ratio {ratio:.2f}x (target <= {TARGET:g}x): {'ok' if ratio <= TARGET else 'SLOW'}")
    verdict = "ok" if size <= SIZE_TARGET else "LARGE"
    print(f"file size {size / 1e6:.2f} MB (target < {SIZE_TARGET / 1e6:g} MB): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
