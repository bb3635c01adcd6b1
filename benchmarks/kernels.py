"""relucli's kernels against naive NumPy and PyTorch eager on the same arrays (issue 6).

    python benchmarks/kernels.py [--size 1e7] [--repeat 7] [--variants relu,elu,...]
    python benchmarks/kernels.py --chunks      # tune numerics.chunked.CHUNK and STREAMING_CHUNK
    python benchmarks/kernels.py --memory      # peak memory at 10^8 float32, in a subprocess

Every number is a median of --repeat wall-clock runs on one float32 N(0, 1) array, and every
ratio is taken within one run: each round times, back to back, a memory copy of the array
into a preallocated one (np.copyto: read 4 bytes, write 4 bytes per element), then each
contender. relucli runs with preallocated outputs (``out=``, the careful way) and with
fresh ones (what the PyTorch numbers also pay: page faults of new arrays). "naive" is the
textbook NumPy expression (np.where, fresh temporaries). PyTorch (when installed) is
forward = ``f(x)`` under no_grad, forward+backward = ``f(x).backward(ones)``, with 1 thread
and with its default thread count. Targets (issue 6), checked at the end:

* forward <= 1.5x copy and forward+gradient <= 2.5x copy: relu, leaky_relu, prelu, rrelu,
  relu6; forward+gradient <= 6x copy: elu, selu, celu (relucli with out=);
* PyTorch (default threads) forward+backward >= 3x relucli's forward+gradient for the seed
  variants, >= 1x for gelu, silu, mish, softplus (relucli with fresh outputs, like PyTorch).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import relucli
from relucli.numerics import chunked as kernels
from relucli.numerics import special

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the PyTorch columns are skipped
    torch = None

PIECEWISE = ("relu", "leaky_relu", "prelu", "rrelu", "relu6")
EXPONENTIAL = ("elu", "selu", "celu")
SEED7 = ("relu", "leaky_relu", "prelu", "elu", "rrelu", "selu", "relu6")
SMOOTH_TARGETS = ("gelu", "silu", "mish", "softplus")
SELU_A, SELU_S = 1.6732632423543772, 1.0507009873554805


# ------------------------------------------------------------------ naive NumPy versions


def _sig(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def _naive(name: str) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The textbook expressions: np.where on both branches, a fresh array per operation."""
    s = {"leaky_relu": 0.01, "prelu": 0.25, "rrelu": (1 / 8 + 1 / 3) / 2}.get(name)
    f32 = np.float32
    if s is not None:
        return lambda x: (np.where(x > 0, x, f32(s) * x), np.where(x > 0, f32(1), f32(s)))
    table = {
        "relu": lambda x: (np.maximum(x, 0), (x > 0).astype(x.dtype)),
        "relu6": lambda x: (np.clip(x, 0, 6), ((x > 0) & (x < 6)).astype(x.dtype)),
        "elu": lambda x: (
            np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
            np.where(x > 0, f32(1), np.exp(np.minimum(x, 0))),
        ),
        "selu": lambda x: (
            f32(SELU_S) * np.where(x > 0, x, f32(SELU_A) * np.expm1(np.minimum(x, 0))),
            f32(SELU_S) * np.where(x > 0, f32(1), f32(SELU_A) * np.exp(np.minimum(x, 0))),
        ),
        "celu": lambda x: (
            np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
            np.where(x > 0, f32(1), np.exp(np.minimum(x, 0))),
        ),
        "gelu": lambda x: (x * special.ndtr(x), special.ndtr(x) + x * special.norm_pdf(x)),
        "silu": lambda x: (x * _sig(x), _sig(x) * (1 + x * (1 - _sig(x)))),
        "mish": lambda x: _naive_mish(x),
        "softplus": lambda x: (np.logaddexp(0, x), _sig(x)),
        "hardswish": lambda x: (
            x * np.clip(x + 3, 0, 6) / 6,
            np.where(x <= -3, f32(0), np.where(x >= 3, f32(1), x / 3 + f32(0.5))),
        ),
        "sigmoid": lambda x: (_sig(x), _sig(x) * (1 - _sig(x))),
        "tanh": lambda x: (np.tanh(x), 1 - np.tanh(x) ** 2),
    }
    return table[name]


def _naive_mish(x):
    t = np.tanh(np.logaddexp(0, x))
    return x * t, t + x * _sig(x) * (1 - t * t)


# ----------------------------------------------------------------------------- PyTorch


def _torch_fn(name: str):
    weight = torch.tensor([0.25])
    return {
        "relu": F.relu,
        "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
        "prelu": lambda t: F.prelu(t, weight),
        "rrelu": lambda t: F.rrelu(t, 1 / 8, 1 / 3, training=False),
        "elu": F.elu,
        "selu": F.selu,
        "relu6": F.relu6,
        "celu": F.celu,
        "gelu": F.gelu,
        "silu": F.silu,
        "mish": F.mish,
        "softplus": F.softplus,
        "hardswish": F.hardswish,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
    }[name]


# ----------------------------------------------------------------------------- timing


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


class Rounds:
    """Named timings, one per round each, taken back to back; medians at the end."""

    def __init__(self) -> None:
        self.runs: dict[str, list[float]] = {}

    def time(self, key: str, fn: Callable[[], object]) -> None:
        self.runs.setdefault(key, []).append(_seconds(fn))

    def median(self, key: str, size: int) -> float:
        """Median nanoseconds per element."""
        return statistics.median(self.runs[key]) / size * 1e9


def measure(names, size: int, repeat: int) -> dict:
    x = np.random.default_rng(0).standard_normal(size).astype(np.float32)
    value, grad, copy_out = (np.empty_like(x) for _ in range(3))
    for buf in (value, grad, copy_out):
        np.copyto(buf, x)
    acts = {n: relucli.get(n) for n in names}
    naive = {n: _naive(n) for n in names}
    for n in names:  # build tables, warm caches
        acts[n].value_and_grad(x[:4096])
    r = Rounds()
    for i in range(repeat):
        print(f"  numpy round {i + 1}/{repeat}", file=sys.stderr, flush=True)
        for n in names:
            r.time("copy", lambda: np.copyto(copy_out, x))
            a = acts[n]
            r.time(f"{n} f", lambda a=a: a(x, out=value))
            r.time(f"{n} fg", lambda a=a: a.value_and_grad(x, out=(value, grad)))
            r.time(f"{n} fg fresh", lambda a=a: a.value_and_grad(x))
            with np.errstate(all="ignore"):
                r.time(f"{n} naive", lambda n=n: naive[n](x))
    result = {"size": size, "repeat": repeat, "copy": r.median("copy", size), "rows": {}}
    for n in names:
        result["rows"][n] = {
            key: r.median(f"{n} {key}".strip(), size) for key in ("f", "fg", "fg fresh", "naive")
        }
    if torch is None:
        return result
    xt = torch.from_numpy(x)
    default_threads = torch.get_num_threads()
    result["torch_threads"] = default_threads
    for threads in (1, default_threads):
        torch.set_num_threads(threads)
        rt = Rounds()
        for i in range(repeat):
            print(f"  torch {threads} thread(s), round {i + 1}/{repeat}", file=sys.stderr)
            for n in names:
                f = _torch_fn(n)
                rt.time("copy", lambda: np.copyto(copy_out, x))

                def forward(f=f):
                    with torch.no_grad():
                        return f(xt)

                def both(f=f):
                    leaf = xt.detach().requires_grad_(True)
                    y = f(leaf)
                    y.backward(torch.ones_like(y))
                    return leaf.grad

                forward(), both()  # warm up
                rt.time(f"{n} f", forward)
                rt.time(f"{n} fg", both)
        result[f"torch{threads}_copy"] = rt.median("copy", size)
        for n in names:
            row = result["rows"][n]
            row[f"torch{threads} f"] = rt.median(f"{n} f", size)
            row[f"torch{threads} fg"] = rt.median(f"{n} fg", size)
    torch.set_num_threads(default_threads)
    return result


# ----------------------------------------------------------------------------- report


def report(result: dict) -> list[str]:
    from tabulate import tabulate

    copy = result["copy"]
    have_torch = "torch_threads" in result
    headers = ["variant", "f ns", "f ×copy", "f+f' ns", "f+f' ×copy", "fresh f+f' ns"]
    headers += ["naive f+f' ns", "naive ÷ relucli"]
    if have_torch:
        n = result["torch_threads"]
        headers += ["torch1 f+b ns", f"torch{n} f+b ns", f"torch{n} ÷ relucli"]
    rows = []
    for name, row in result["rows"].items():
        line = [name, row["f"], row["f"] / copy, row["fg"], row["fg"] / copy, row["fg fresh"]]
        line += [row["naive"], row["naive"] / row["fg fresh"]]
        if have_torch:
            n = result["torch_threads"]
            line += [row["torch1 fg"], row[f"torch{n} fg"], row[f"torch{n} fg"] / row["fg fresh"]]
        rows.append(line)
    lines = [
        f"float32, {result['size']:,} elements, median of {result['repeat']};"
        f" memory copy {copy:.3f} ns/element ({8 / copy:.1f} GB/s)",
        tabulate(rows, headers=headers, floatfmt=".2f", tablefmt="github"),
    ]
    if not have_torch:
        lines.append("PyTorch is not installed: the PyTorch columns and targets were skipped.")
    lines += ["", "Targets (issue 6):", tabulate(targets(result), tablefmt="github",
              headers=["target", "measured", "met"])]  # fmt: skip
    return lines


def targets(result: dict) -> list[list[str]]:
    copy, rows = result["copy"], result["rows"]
    out = []

    def check(label, value, limit, above=False):
        ok = value >= limit if above else value <= limit
        out.append([label, f"{value:.2f}", "yes" if ok else "NO"])

    for n in PIECEWISE:
        if n in rows:
            check(f"{n} forward <= 1.5x copy", rows[n]["f"] / copy, 1.5)
            check(f"{n} forward+gradient <= 2.5x copy", rows[n]["fg"] / copy, 2.5)
    for n in EXPONENTIAL:
        if n in rows:
            check(f"{n} forward+gradient <= 6x copy", rows[n]["fg"] / copy, 6)
    if "torch_threads" in result:
        t = f"torch{result['torch_threads']} fg"
        for n in SEED7:
            if n in rows:
                check(f"{n}: PyTorch f+b / relucli >= 3", rows[n][t] / rows[n]["fg fresh"], 3, True)
        for n in SMOOTH_TARGETS:
            if n in rows:
                check(f"{n}: PyTorch f+b / relucli >= 1", rows[n][t] / rows[n]["fg fresh"], 1, True)
    return out


# ----------------------------------------------------------------------------- extras


def chunks(names, size: int, repeat: int) -> None:
    """relucli forward+gradient ×copy at several chunk sizes (kernels.CHUNK for most
    kernels, kernels.STREAMING_CHUNK for the piecewise-linear ones: both set to each size)."""
    from tabulate import tabulate

    x = np.random.default_rng(0).standard_normal(size).astype(np.float32)
    value, grad, copy_out = (np.empty_like(x) for _ in range(3))
    sizes = [1 << k for k in range(13, 19)]
    rows = {n: [n] for n in names}
    for chunk in sizes:
        kernels.CHUNK = kernels.STREAMING_CHUNK = chunk
        r = Rounds()
        for _ in range(repeat):
            for n in names:
                a = relucli.get(n)
                r.time("copy", lambda: np.copyto(copy_out, x))
                r.time(n, lambda a=a: a.value_and_grad(x, out=(value, grad)))
        for n in names:
            rows[n].append(r.median(n, size) / r.median("copy", size))
    headers = ["f+f' ×copy", *(f"2^{c.bit_length() - 1}" for c in sizes)]
    print(tabulate(list(rows.values()), headers=headers, floatfmt=".2f", tablefmt="github"))


MEMORY_CHILD = """
import sys, tracemalloc, numpy as np, relucli
name, size = sys.argv[1], int(sys.argv[2])
x = np.random.default_rng(0).standard_normal(size).astype(np.float32)
act = relucli.get(name)
act.value_and_grad(x[:10])  # build lookup tables before measuring
tracemalloc.start()
value, grad = act.value_and_grad(x)
peak = tracemalloc.get_traced_memory()[1]
print(peak, value.nbytes + grad.nbytes)
"""


def memory(names, size: int) -> bool:
    """Peak traced memory of value_and_grad on ``size`` float32, each in a fresh process:
    must stay within input + outputs + 64 MB (the input exists before the call)."""
    root = str(Path(__file__).resolve().parent.parent)
    ok = True
    print(f"peak memory of value_and_grad on {size:,} float32 (input {size * 4 / 2**20:.0f} MB):")
    for n in names:
        out = subprocess.run(
            [sys.executable, "-c", MEMORY_CHILD, n, str(size)],
            check=True,
            capture_output=True,
            text=True,
            cwd=root,
        ).stdout.split()
        peak, outputs = int(out[0]), int(out[1])
        extra = (peak - outputs) / 2**20
        met = extra <= 64
        ok &= met
        verdict = "ok" if met else "OVER"
        print(f"  {n:10s} outputs {outputs / 2**20:6.0f} MB + {extra:5.1f} MB  ({verdict})")
    return ok


def _size(text: str) -> int:
    value = float(text)
    if not (math.isfinite(value) and value.is_integer() and value >= 1):
        raise argparse.ArgumentTypeError(f"not a whole number of elements: {text}")
    return int(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=_size, default=10**7)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--variants", default=",".join(relucli.names()))
    parser.add_argument("--chunks", action="store_true", help="sweep the chunk size instead")
    parser.add_argument("--memory", action="store_true", help="peak memory at 10^8 only")
    parser.add_argument("--json", type=Path, help="also write the raw medians here")
    args = parser.parse_args()
    names = [n.strip() for n in args.variants.split(",") if n.strip()]
    if args.chunks:
        chunks(names, args.size, args.repeat)
        return 0
    if args.memory:
        return 0 if memory(names, 10**8) else 1
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}")
    result = measure(names, args.size, args.repeat)
    print("\n".join(report(result)))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print()
    memory(["relu", "elu", "silu"], 10**8)
    return 0


if __name__ == "__main__":
    sys.exit(main())
