"""relucli's kernels against PyTorch eager and hand-written NumPy (issues 6 and 16).

    python benchmarks/kernels.py [--size 1e7] [--rounds 5] [--variants relu,elu,...]
                                 [--only large,cliff,small]
    python benchmarks/kernels.py --chunks      # tune numerics.chunked.CHUNK and STREAMING_CHUNK
    python benchmarks/kernels.py --memory      # peak memory at 10^8 float32, in a subprocess

Three measurements, each printed as a per-variant table, then every target through
benchmarks/targets.py (one row per target, the worst variant named in its detail):

* large: value+gradient of 10^7 N(0, 1) elements, float32 and float64, with ``out=`` (every
  variant, against a memory copy, ``np.copyto`` into a preallocated array) and, for the
  variants with a PyTorch target, with fresh outputs (``act.value_and_grad(x)``) against
  PyTorch on one thread (``torch.set_num_threads(1)``), forward+backward
  ``f(leaf).backward(ones)`` (fresh outputs too). Targets: gelu, silu, mish and softplus at
  least 1.0x PyTorch, float32 and float64; the seed variants at least 2x PyTorch, float32.
* cliff: nanoseconds per element of ``value_and_grad(x, out=...)`` at 10^5 elements (100
  calls per sample) against 10^7, every variant, float32 and float64: at most 1.2x.
* small: ``value_and_grad`` on a (128, 32) float64 array (the dying lab's), 200 calls per
  sample, against PyTorch autograd on a float64 leaf, and relu against hand-written NumPy
  (``np.maximum(x, 0)`` and ``(x > 0)`` as the gradient, fresh outputs): every variant at most
  1.0x PyTorch, relu at most 1.5x NumPy. A variant PyTorch has no function for is written
  in PyTorch ops (``_torch_composite``, as a PyTorch user would write it).

Timings are interleaved (each round times every contender back to back) and reported as
medians of --rounds rounds, in process CPU time (the machine is shared: CPU time does not
count the time another process holds the core; it does count page faults). Without PyTorch
the PyTorch columns and targets are skipped, and the report says so.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from targets import Result, at_least, at_most, report

import relucli
from relucli.numerics import chunked as kernels

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the PyTorch columns and targets are skipped
    torch = None

SCRIPT = "kernels"
SEED7 = ("relu", "leaky_relu", "prelu", "elu", "rrelu", "selu", "relu6")
SMOOTH_TARGETS = ("gelu", "silu", "mish", "softplus")
SMALL_SHAPE = (128, 32)
SMALL_CALLS = 200
CLIFF_SMALL = 10**5

# ----------------------------------------------------------------------------- PyTorch


def _torch_fn(name: str):
    """PyTorch's own function for ``name`` at relucli's defaults, or None."""
    weight = torch.tensor([0.25])
    table = {
        "relu": F.relu,
        "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
        "prelu": lambda t: F.prelu(t, weight.to(t.dtype)),
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
        "hardtanh": F.hardtanh,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "hardsigmoid": F.hardsigmoid,
        "softsign": F.softsign,
        "logsigmoid": F.logsigmoid,
        "softshrink": F.softshrink,
        "hardshrink": F.hardshrink,
        "tanhshrink": F.tanhshrink,
        "threshold": lambda t: F.threshold(t, 0.0, 0.0),
    }
    if name in table:
        return table[name]
    return _torch_composite(name)


def _torch_kind(name: str) -> str:
    """ "function" (PyTorch has one) or "composite" (written in PyTorch ops)."""
    return "composite" if _torch_composite(name) is not None else "function"


def _torch_composite(name: str):
    """The variants PyTorch has no function for, written in PyTorch ops at relucli's
    defaults, the way a PyTorch user would write them (autograd differentiates each op)."""

    def hsig(t):
        return torch.clamp((t + 1) / 2, 0, 1)

    table = {
        "sparse_sigmoid": hsig,
        "step": lambda t: (
            torch.where(t > 0, 1.0, torch.where(t == 0, 0.5, 0.0)).to(t.dtype) + 0 * t
        ),
        "keras_relu": F.relu,
        "swish": lambda t: t * torch.sigmoid(t),
        "quick_gelu": lambda t: t * torch.sigmoid(1.702 * t),
        "squareplus": lambda t: (t + torch.sqrt(t * t + 4)) / 2,
        "sparse_plus": lambda t: torch.where(
            t <= -1, 0 * t, torch.where(t >= 1, t, (t + 1) ** 2 / 4)
        ),
        "relu2": lambda t: F.relu(t) ** 2,
        "identity": lambda t: t * 1,
        "starrelu": lambda t: 0.8944 * F.relu(t) ** 2 - 0.4472,
        "xielu": lambda t: torch.where(
            t > 0, 0.8 * t * t + 0.5 * t, 0.8 * (torch.expm1(torch.clamp(t, max=0)) - t) + 0.5 * t
        ),
        "pelu": lambda t: torch.where(t >= 0, t, torch.expm1(torch.clamp(t, max=0))),
        "srelu": lambda t: torch.where(t >= 2.5, t, torch.where(t <= 0, 0.5 * t, t)),
        "smelu": lambda t: torch.where(t <= -2, 0 * t, torch.where(t >= 2, t, (t + 2) ** 2 / 8)),
        "isrlu": lambda t: torch.where(t >= 0, t, t * torch.rsqrt(1 + t * t)),
        "thresholded_relu": lambda t: F.threshold(t, 1.0, 0.0),
        "elish": lambda t: (
            torch.where(t >= 0, t, torch.expm1(torch.clamp(t, max=0))) * torch.sigmoid(t)
        ),
        "hard_elish": lambda t: (
            torch.where(t >= 0, t, torch.expm1(torch.clamp(t, max=0))) * hsig(t)
        ),
        "tanhexp": lambda t: t * torch.tanh(torch.exp(t)),
        "lisht": lambda t: t * torch.tanh(t),
        "frelu": lambda t: F.relu(t) + 0.0,
    }
    return table.get(name)


def _torch_both(f, xt):
    """PyTorch forward+backward on a fresh leaf (fresh outputs, like relucli's)."""

    def both():
        leaf = xt.detach().requires_grad_(True)
        y = f(leaf)
        y.backward(torch.ones_like(y))
        return leaf.grad

    return both


# ----------------------------------------------------------------------------- timing


def _cpu(fn: Callable[[], object], calls: int = 1) -> float:
    """Process CPU seconds per call of ``fn``, over ``calls`` back-to-back calls."""
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls


class Rounds:
    """Named timings, one per round each, taken back to back; medians at the end."""

    def __init__(self) -> None:
        self.runs: dict[str, list[float]] = {}

    def time(self, key: str, fn: Callable[[], object], calls: int = 1) -> None:
        self.runs.setdefault(key, []).append(_cpu(fn, calls))

    def has(self, key: str) -> bool:
        return key in self.runs

    def median(self, key: str) -> float:
        return statistics.median(self.runs[key])


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- large and cliff


def large_and_cliff(names, size: int, rounds: int, dtype, torch_names) -> dict:
    """Per variant, ns per element: fresh f+f' at ``size``, out= f+f' at ``size`` and at
    10^5, PyTorch 1-thread f+b at ``size`` (for ``torch_names``), and a copy."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(size).astype(dtype)
    xs = rng.standard_normal(CLIFF_SMALL).astype(dtype)
    value, grad, copy_out = (np.empty_like(x) for _ in range(3))
    vs, gs = np.empty_like(xs), np.empty_like(xs)
    for buf in (value, grad, copy_out):
        np.copyto(buf, x)  # fault the pages in before timing
    acts = {n: relucli.get(n) for n in names}
    calls = max(1, size // CLIFF_SMALL)
    both = {}
    if torch is not None:
        torch.set_num_threads(1)
        xt = torch.from_numpy(x)
        for n in torch_names:
            f = _torch_fn(n)
            if f is not None:
                both[n] = _torch_both(f, xt)
                both[n]()  # warm up
    for n in names:
        acts[n].value_and_grad(xs, out=(vs, gs))  # build tables
    r = Rounds()
    for i in range(rounds):
        _note(f"  {np.dtype(dtype).name} 10^{round(math.log10(size))}: round {i + 1}/{rounds}")
        for n in names:
            a = acts[n]
            r.time("copy", lambda: np.copyto(copy_out, x))
            r.time(f"{n} out", lambda a=a: a.value_and_grad(x, out=(value, grad)))
            r.time(f"{n} small", lambda a=a: a.value_and_grad(xs, out=(vs, gs)), calls)
            if n in both:
                # Fresh outputs pay page faults, whose cost swings with the machine's memory
                # pressure: relucli and PyTorch alternate, twice, and the target uses the
                # median of these adjacent pairs' ratios.
                for _ in range(2):
                    r.time(f"{n} fresh", lambda a=a: a.value_and_grad(x))
                    r.time(f"{n} torch", both[n])
    ns = 1e9 / size
    rows = {}
    for n in names:
        row = {
            "out": r.median(f"{n} out") * ns,
            "small": r.median(f"{n} small") * 1e9 / CLIFF_SMALL,
        }
        if r.has(f"{n} torch"):
            row["fresh"] = r.median(f"{n} fresh") * ns
            row["torch"] = r.median(f"{n} torch") * ns
            pairs = zip(r.runs[f"{n} torch"], r.runs[f"{n} fresh"])
            row["speedup"] = statistics.median(t / f for t, f in pairs)
        rows[n] = row
    return {
        "dtype": np.dtype(dtype).name,
        "size": size,
        "copy": r.median("copy") * ns,
        "rows": rows,
    }


def large_table(result: dict) -> list[str]:
    from tabulate import tabulate

    copy = result["copy"]
    headers = ["variant", "out= f+f' ns", "×copy", "10^5 out= ns", "10^5 ÷ 10^7"]
    headers += ["fresh f+f' ns", "torch1 f+b ns", "torch1 ÷ relucli (paired)"]
    rows = []
    for n, row in result["rows"].items():
        line = [n, row["out"], row["out"] / copy, row["small"], row["small"] / row["out"]]
        t = row.get("torch")
        line += [row["fresh"], t, row["speedup"]] if t is not None else ["", "", ""]
        rows.append(line)
    return [
        f"{result['dtype']}, {result['size']:,} N(0, 1) elements, CPU-time medians; memory copy"
        f" {copy:.3f} ns/element",
        tabulate(rows, headers=headers, floatfmt=".2f", tablefmt="github"),
    ]


# ----------------------------------------------------------------------------- small arrays


def _hand_relu(x):
    return np.maximum(x, 0), (x > 0).astype(x.dtype)


def small(names, rounds: int) -> dict:
    """Microseconds per value_and_grad call on a (128, 32) float64 array."""
    x = np.random.default_rng(1).standard_normal(SMALL_SHAPE)
    acts = {n: relucli.get(n) for n in names}
    torch_fns = {}
    if torch is not None:
        torch.set_num_threads(1)
        xt = torch.from_numpy(x)
        for n in names:
            f = _torch_fn(n)
            if f is None:
                continue
            torch_fns[n] = (_torch_both(f, xt), _torch_kind(n))
            torch_fns[n][0]()
    for a in acts.values():
        a.value_and_grad(x)
    r = Rounds()
    for i in range(rounds):
        _note(f"  (128, 32) float64: round {i + 1}/{rounds}")
        for n in names:
            r.time(f"{n}", lambda a=acts[n]: a.value_and_grad(x), SMALL_CALLS)
            if n in torch_fns:
                r.time(f"{n} torch", torch_fns[n][0], SMALL_CALLS)
            if n == "relu":
                r.time("numpy relu", lambda: _hand_relu(x), SMALL_CALLS)
    rows = {}
    for n in names:
        row = {"relucli": r.median(n) * 1e6}
        if n in torch_fns:
            row["torch"] = r.median(f"{n} torch") * 1e6
            row["torch kind"] = torch_fns[n][1]
        rows[n] = row
    out = {"rows": rows}
    if r.has("numpy relu"):
        out["numpy relu"] = r.median("numpy relu") * 1e6
    return out


def small_table(result: dict) -> list[str]:
    from tabulate import tabulate

    rows = []
    for n, row in result["rows"].items():
        t = row.get("torch")
        kind = row.get("torch kind", "")
        rows.append([n, row["relucli"], t if t else "", kind, row["relucli"] / t if t else ""])
    lines = [
        f"(128, 32) float64, µs per value_and_grad call ({SMALL_CALLS} calls per sample),"
        " CPU-time medians",
        tabulate(
            rows,
            headers=["variant", "relucli µs", "torch f+b µs", "torch", "relucli ÷ torch"],
            floatfmt=".1f",
            tablefmt="github",
        ),
    ]
    if "numpy relu" in result:
        lines.append(f"hand-written NumPy relu: {result['numpy relu']:.1f} µs")
    return lines


# ----------------------------------------------------------------------------- targets


def _worst(ratios: dict[str, float], highest: bool) -> tuple[float, str]:
    name = (max if highest else min)(ratios, key=ratios.get)
    return ratios[name], name


def targets(large: list[dict], small_result: dict | None) -> list[Result]:
    out: list[Result] = []
    for result in large:
        dt = result["dtype"]
        rows = result["rows"]
        cliff = {n: row["small"] / row["out"] for n, row in rows.items()}
        value, name = _worst(cliff, highest=True)
        out.append(
            at_most(
                SCRIPT,
                f"no cliff: ns/element at 10^5 ÷ at 10^7, {dt}",
                value,
                1.2,
                detail=f"worst: {name} ({len(cliff)} variants)",
            )
        )
        if torch is None:
            continue
        groups = [(SMOOTH_TARGETS, 1.0, "gelu/silu/mish/softplus")]
        if dt == "float32":
            groups.append((SEED7, 2.0, "seed variants"))
        for group, limit, label in groups:
            speed = {n: rows[n]["speedup"] for n in group if "torch" in rows.get(n, {})}
            if not speed:
                continue
            value, name = _worst(speed, highest=False)
            out.append(
                at_least(
                    SCRIPT,
                    f"{label} 10^7 {dt}: torch1 f+b ÷ relucli",
                    value,
                    limit,
                    detail=f"worst: {name}",
                )
            )
    if small_result is not None:
        rows = small_result["rows"]
        if torch is not None:
            vs = {n: row["relucli"] / row["torch"] for n, row in rows.items() if "torch" in row}
            value, name = _worst(vs, highest=True)
            own = rows[name]["torch kind"]
            out.append(
                at_most(
                    SCRIPT,
                    "(128, 32) float64: relucli f+f' ÷ torch autograd f+b",
                    value,
                    1.0,
                    detail=f"worst: {name} (vs {own}), {len(vs)} variants",
                )
            )
        if "numpy relu" in small_result and "relu" in rows:
            out.append(
                at_most(
                    SCRIPT,
                    "(128, 32) float64: relu ÷ hand-written NumPy",
                    rows["relu"]["relucli"] / small_result["numpy relu"],
                    1.5,
                )
            )
    return out


# ----------------------------------------------------------------------------- extras


def chunks(names, size: int, rounds: int) -> None:
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
        for _ in range(rounds):
            for n in names:
                a = relucli.get(n)
                r.time("copy", lambda: np.copyto(copy_out, x))
                r.time(n, lambda a=a: a.value_and_grad(x, out=(value, grad)))
        for n in names:
            rows[n].append(r.median(n) / r.median("copy"))
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


def memory(names, size: int) -> Result:
    """Peak traced memory of value_and_grad on ``size`` float32, each in a fresh process,
    beyond its outputs (the input exists before the call): at most 64 MB."""
    root = str(Path(__file__).resolve().parent.parent)
    extras = {}
    for n in names:
        out = subprocess.run(
            [sys.executable, "-c", MEMORY_CHILD, n, str(size)],
            check=True,
            capture_output=True,
            text=True,
            cwd=root,
        ).stdout.split()
        extras[n] = (int(out[0]) - int(out[1])) / 2**20
    value, name = _worst(extras, highest=True)
    return at_most(
        SCRIPT,
        f"peak memory beyond the outputs, 10^{round(math.log10(size))} float32",
        value,
        64,
        unit=" MB",
        detail=f"worst: {name} of {', '.join(names)}",
    )


def _size(text: str) -> int:
    value = float(text)
    if not (math.isfinite(value) and value.is_integer() and value >= 1):
        raise argparse.ArgumentTypeError(f"not a whole number of elements: {text}")
    return int(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=_size, default=10**7)
    parser.add_argument(
        "--rounds",
        "--repeat",
        type=int,
        default=3,
        help="rounds at 10^7 (the (128, 32) section takes at least 5)",
    )
    parser.add_argument("--variants", default=",".join(relucli.names()))
    parser.add_argument(
        "--only",
        default="large,cliff,small,memory",
        help="sections to run (large and cliff are measured together)",
    )
    parser.add_argument("--chunks", action="store_true", help="sweep the chunk size instead")
    parser.add_argument("--memory", action="store_true", help="peak memory at 10^8 only")
    parser.add_argument("--json", type=Path, help="also write the raw medians here")
    args = parser.parse_args()
    names = [n.strip() for n in args.variants.split(",") if n.strip()]
    if args.chunks:
        chunks(names, args.size, args.rounds)
        return 0
    if args.memory:
        report([memory(names, 10**8)])
        return 0
    only = set(args.only.split(","))
    version = torch.__version__ if torch else "not installed"
    print(f"numpy {np.__version__}, torch {version}")
    raw: dict = {"large": []}
    lines = []
    if only & {"large", "cliff"}:
        for dtype in (np.float32, np.float64):
            # Fresh outputs and PyTorch for the variants with a 10^7 target: the rest only
            # need the cliff's out= timings (their fresh f64 runs would double the time).
            targeted = [n for n in (*SEED7, *SMOOTH_TARGETS) if n in names]
            result = large_and_cliff(names, args.size, args.rounds, dtype, targeted)
            raw["large"].append(result)
            lines += [*large_table(result), ""]
    small_result = None
    if "small" in only:
        small_result = raw["small"] = small(names, max(args.rounds, 5))
        lines += [*small_table(small_result), ""]
    print("\n".join(lines))
    results = targets(raw["large"], small_result)
    if "memory" in only:
        results.append(memory([n for n in ("relu", "elu", "silu", "gelu") if n in names], 10**8))
    if torch is None:
        print(
            "PyTorch is not installed: the PyTorch columns and these targets were skipped:"
            " gelu/silu/mish/softplus and the seed variants at 10^7 against PyTorch, and"
            " (128, 32) against PyTorch autograd.\n"
        )
    print("Targets (issue 16):")
    report(results)
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
