"""`relucli plot elu selu -o f.png` against minimal Matplotlib scripts drawing the same figure.

Each contender runs as a fresh process (startup and imports count: that is what a user
waits for), alternating turn by turn so both see the same machine load; the median of the
repeats is compared, for wall time and for CPU time (the children's user + system time from
getrusage, steadier on a busy machine). Two baselines draw what relucli draws at its core:
ELU and SELU, f(x) in one panel and f′(x) in a second beside it, each panel titled, with a
legend and an x label, to a PNG of the same pixel size (1920x1080). The leanest script uses
the Figure API with the Agg canvas (what relucli itself uses); the other is the pyplot
script most people write. relucli draws more on top (kinks with their one-sided slopes,
labels, and the measured layout and layout check every figure passes).
Target: relucli within 1.15x of the Figure-API script, wall and CPU time.

Until 2026-11 the baselines drew f alone, in one panel: half the figure relucli draws. That
script still runs, for the record (no target). No baseline uses a layout engine (relucli's
measured layout is its own cost).

    python benchmarks/plot.py [--repeats N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from targets import at_most, report, user_env

CURVES = """
import numpy as np
x = np.linspace(-5, 5, 4001)
neg = np.expm1(np.minimum(x, 0))
elu = np.where(x > 0, x, neg)
selu = 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * neg)
d_elu = np.where(x > 0, 1.0, neg + 1)
d_selu = 1.0507009873554805 * np.where(x > 0, 1.0, 1.6732632423543772 * (neg + 1))
"""

# f and f' side by side, as relucli draws them (after CURVES and a figure's two axes).
PANELS = """
for ax, title, (a, b) in ((f_ax, "activation  f(x)", (elu, selu)),
                          (g_ax, "derivative  f′(x)", (d_elu, d_selu))):
    ax.plot(x, a, label="elu")
    ax.plot(x, b, label="selu")
    ax.set_title(title, loc="left")
    ax.set_xlabel("x")
f_ax.legend()
"""

FIGURE_API = (
    CURVES
    + """
from matplotlib.figure import Figure
fig = Figure(figsize=(12.8, 7.2), dpi=150)
f_ax, g_ax = fig.subplots(1, 2)
"""
    + PANELS
    + """
fig.savefig("minimal.png")
"""
)

PYPLOT = (
    CURVES
    + """
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, (f_ax, g_ax) = plt.subplots(1, 2, figsize=(12.8, 7.2), dpi=150)
"""
    + PANELS
    + """
plt.savefig("minimal.png")
"""
)

# The baseline until 2026-11: f alone, in one panel (half of relucli's figure). Kept for the
# record; no target.
ONE_PANEL = (
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


ENV = user_env()  # as installed for a user (the warm-up run writes the bytecode)


def measure(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run; CPU time is steadier on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


FIGURE_API_NAME = "minimal script, Figure API"
PYPLOT_NAME = "minimal script, pyplot"
ONE_PANEL_NAME = "one panel, f only (old baseline)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    relucli = str(Path(sys.executable).parent / "relucli")
    contenders = {
        "relucli plot elu selu -o f.png": [relucli, "plot", "elu", "selu", "-o", "f.png"],
        FIGURE_API_NAME: [sys.executable, "-c", FIGURE_API],
        PYPLOT_NAME: [sys.executable, "-c", PYPLOT],
        ONE_PANEL_NAME: [sys.executable, "-c", ONE_PANEL],
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
    for name in (PYPLOT_NAME, ONE_PANEL_NAME):
        print(
            f"ratio vs {name}: wall {wall[ours] / wall[name]:.2f}x,"
            f" cpu {cpu[ours] / cpu[name]:.2f}x (no target)"
        )
    base = FIGURE_API_NAME
    report(
        [
            at_most("plot.py", "plot elu selu / Figure API, wall", wall[ours] / wall[base], 1.15,
                    detail=f"{wall[ours] * 1000:.0f} vs {wall[base] * 1000:.0f} ms"),
            at_most("plot.py", "plot elu selu / Figure API, CPU", cpu[ours] / cpu[base], 1.15,
                    detail=f"{cpu[ours] * 1000:.0f} vs {cpu[base] * 1000:.0f} ms"),
        ]
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
