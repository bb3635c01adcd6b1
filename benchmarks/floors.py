"""The floors under the issue-16 targets that relucli misses: what no implementation built on
the same libraries can beat, measured side by side with the target's own baseline.

    python benchmarks/floors.py [--rounds 15]

Each row is a lower bound, measured, against the limit of a target; a floor above its limit
(MISS) means the target cannot be met by any code that keeps relucli's dependencies and
accuracy contract, not just by relucli's:

1. Start-up. `relucli --help`, `--version`, `list` and shell completion must parse their
   arguments, and Click is how relucli does that: `python -c "import click"` against
   `python -c "import numpy"` is the floor of the 0.5x targets. `list` in a tabulate format
   also imports tabulate (which reads its own version through importlib.metadata at
   import): `import click, tabulate` is the floor of those.
2. float32 ELU and SELU value+gradient with out=, against np.copyto, on NumPy's SIMD
   exp/expm1: the fewest NumPy calls that give both outputs, with none of relucli's
   machinery (no checks, no conventions, one preallocated chunk of scratch): ELU is
   min(0, x), exp, expm1, max(·, x) (4 calls); SELU is those less the max, plus alpha*scale
   on both outputs and scale*x above 0 (at least 3 more calls: a masked copy costs 5-10 ns
   per element on random signs, so the blend is arithmetic).

Timings: CPU time (process_time) of the fastest of three back-to-back runs, medians over
the rounds, every round interleaving the floor and its baseline (start-up: wall time of
fresh processes with the bytecode cache on, as on users' machines, medians).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from targets import at_most, report, user_env

SCRIPT = "floors"
CHUNK = 1 << 16


def _wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=user_env())
    return time.perf_counter() - start


def startup(rounds: int) -> list:
    codes = ["pass", "import numpy", "import click", "import click, tabulate"]
    for code in codes:  # warm the caches
        _wall(code)
    times: dict[str, list[float]] = {c: [] for c in codes}
    for _ in range(rounds):
        for code in codes:
            times[code].append(_wall(code))
    med = {c: statistics.median(t) for c, t in times.items()}
    for c in codes:
        print(f"  python -c {c!r:28} {med[c] * 1e3:6.1f} ms")
    numpy = med["import numpy"]
    return [
        at_most(
            SCRIPT,
            "floor of --help/--version/completion: import click",
            med["import click"] / numpy,
            0.5,
            detail="vs import numpy",
        ),
        at_most(
            SCRIPT,
            "floor of list (tabulate formats): import click, tabulate",
            med["import click, tabulate"] / numpy,
            0.5,
            detail="vs import numpy",
        ),
    ]


def _best(fn) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def _chunked(x, value, grad, body) -> None:
    for s in range(0, x.size, CHUNK):
        body(x[s : s + CHUNK], value[s : s + CHUNK], grad[s : s + CHUNK])


def elu_floor(x, v, g) -> None:
    np.minimum(x, 0, out=v)
    np.exp(v, out=g)
    np.expm1(v, out=v)
    np.maximum(v, x, out=v)


SELU_COEF, SELU_SCALE = np.float32(1.7580993408473766), np.float32(1.0507009873554805)
_scratch = np.empty(CHUNK, np.float32)


def selu_floor(x, v, g) -> None:
    np.minimum(x, 0, out=v)
    np.exp(v, out=g)
    np.expm1(v, out=v)
    v *= SELU_COEF
    g *= SELU_COEF
    t = np.maximum(x, 0, out=_scratch[: x.size])  # scale*max(x, 0) added: one call fewer
    t *= SELU_SCALE  # than relucli, which also needs g = scale above 0 (two more)
    v += t


def kernels(rounds: int, size: int) -> list:
    x = np.random.default_rng(0).standard_normal(size).astype(np.float32)
    v, g, c = np.empty_like(x), np.empty_like(x), np.empty_like(x)
    for buf in (v, g, c):
        np.copyto(buf, x)
    import relucli

    acts = {k: relucli.get(k) for k in ("elu", "selu")}
    ratios: dict[str, list[float]] = {k: [] for k in ("elu", "selu", "relucli elu", "relucli selu")}
    for _ in range(rounds):
        copy = _best(lambda: np.copyto(c, x))
        ratios["elu"].append(_best(lambda: _chunked(x, v, g, elu_floor)) / copy)
        ratios["selu"].append(_best(lambda: _chunked(x, v, g, selu_floor)) / copy)
        for k, act in acts.items():
            ratios[f"relucli {k}"].append(
                _best(lambda a=act: a.value_and_grad(x, out=(v, g))) / copy
            )
    med = {k: statistics.median(r) for k, r in ratios.items()}
    return [
        at_most(
            SCRIPT,
            f"floor of float32 {k} f+f' out= (bare NumPy calls) / np.copyto",
            med[k],
            5.0,
            detail=f"relucli {med['relucli ' + k]:.2f}x in the same rounds",
        )
        for k in ("elu", "selu")
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--size", type=float, default=1e7)
    args = parser.parse_args()
    print("start-up, median wall time of fresh processes:")
    results = startup(args.rounds)
    results += kernels(args.rounds, int(args.size))
    print()
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
