"""`relucli plot elu selu -o f.png` against minimal Matplotlib scripts drawing the same curves.

Each contender runs as a fresh process (startup and imports count: that is what a user
waits for), alternating turn by turn so both see the same machine load; the median of the
repeats is compared. Two baselines: the leanest script (the Figure API with the Agg canvas,
what relucli itself uses) and the script most people write (pyplot). Both draw ELU and SELU
on one axes to a PNG of the same pixel size (1920x1080); relucli draws more (f and f′,
kinks, labels, and the layout check every figure passes). Target: relucli within 1.15x
of the Figure-API script, wall and CPU time.

    python benchmarks/plot.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CURVES = """
import numpy as np
x = np.linspace(-5, 5, 4001)
neg = np.expm1(np.minimum(x, 0))
elu = np.where(x > 0, x, neg)
selu = 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * neg)
"""

FIGURE_API = (
    CURVES
    + """
from matplotlib.figure import Figure
fig = Figure(figsize=(12.8, 7.2), dpi=150)
ax = fig.add_subplot()
ax.plot(x, elu, label="elu")
ax.plot(x, selu, label="selu")
ax.legend()
fig.savefig("minimal.png")
"""
)

PYPLOT = (
    CURVES
    + """
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
plt.figure(figsize=(12.8, 7.2), dpi=150)
plt.plot(x, elu, label="elu")
plt.plot(x, selu, label="selu")
plt.legend()
plt.savefig("minimal.png")
"""
)


# As installed for a user: Python caches compiled bytecode (the warm-up run writes it), so
# neither side pays for compiling its modules on every run.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run; CPU time is steadier on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    relucli = str(Path(sys.executable).parent / "relucli")
    contenders = {
        "relucli plot elu selu -o f.png": [relucli, "plot", "elu", "selu", "-o", "f.png"],
        "minimal script, Figure API": [sys.executable, "-c", FIGURE_API],
        "minimal script, pyplot": [sys.executable, "-c", PYPLOT],
    }
    walls: dict[str, list[float]] = {name: [] for name in contenders}
    cpus: dict[str, list[float]] = {name: [] for name in contenders}
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        for argv in contenders.values():  # warm the file cache and the font cache
            measure(argv, cwd)
        for _ in range(args.repeats):
            for name, argv in contenders.items():
                elapsed, cpu = measure(argv, cwd)
                walls[name].append(elapsed)
                cpus[name].append(cpu)
        from PIL import Image

        with Image.open(cwd / "f.png") as ours, Image.open(cwd / "minimal.png") as theirs:
            assert ours.size == theirs.size == (1920, 1080), (ours.size, theirs.size)
    wall = {name: statistics.median(t) for name, t in walls.items()}
    cpu = {name: statistics.median(t) for name, t in cpus.items()}
    ours = "relucli plot elu selu -o f.png"
    print(f"median of {args.repeats} runs each, 1920x1080 PNG, fresh process per run")
    print(f"  {'':34s} {'wall':>8s} {'cpu':>8s}")
    for name in contenders:
        print(f"  {name:34s} {wall[name] * 1000:6.0f}ms {cpu[name] * 1000:6.0f}ms")
    for baseline, note in (
        ("minimal script, Figure API", " (target <= 1.15x)"),
        ("minimal script, pyplot", ""),
    ):
        print(
            f"ratio vs {baseline.split(', ')[1]:10s} wall {wall[ours] / wall[baseline]:.2f}x,"
            f" cpu {cpu[ours] / cpu[baseline]:.2f}x{note}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
