"""The dying lab's training loop in NumPy against the same loop in PyTorch (when installed).

Both sides train the network of `relucli dying` (default scenario) from the same initial
weights on the same mini-batches: forward, loss, backward, optimizer step, and every K steps
the census of dead neurons over the whole training set. PyTorch runs in float64 like
relucli, on one thread (NumPy's small matrix products run on one thread too), with autograd.
Prints the median wall time of several repeats per variant and the ratio torch / numpy:
above 1 means NumPy is faster. Without torch it prints the NumPy timings and says so.

Then the two lab commands as a user runs them (fresh processes, default arguments,
alternating): targets `relucli depth` at most 1.0 s of CPU time (the children's user +
system time: its matrix products once ran on every core, 2.8x the CPU on a busy machine)
and `relucli dying` at most 2.5 s of wall time.

    python benchmarks/training.py [--repeats 5] [--variants relu,elu] [--cli-repeats 5]
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from targets import at_most, report, user_env

import relucli
from relucli.lab.blas import one_blas_thread
from relucli.lab.dying import (
    DEFAULT_SCENARIO,
    DEFAULT_VARIANTS,
    prepare,
    scenario_config,
    train_variant,
)


def time_numpy(spec, config, data, layers, batches) -> tuple[float, float]:
    act = relucli.get(spec)
    start = time.perf_counter()
    with one_blas_thread():  # as run_dying trains
        run = train_variant(act, config, data, layers, batches)
    return time.perf_counter() - start, run.final_loss


def time_torch(spec, config, data, layers, batches) -> tuple[float, float]:
    import torch
    import torch.nn.functional as F

    activations = {
        "relu": F.relu,
        "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
        "elu": F.elu,
        "selu": F.selu,
    }
    params = []
    for w, b in layers:
        params += [torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)]
    slopes = []
    if spec == "prelu":
        slopes = [
            torch.full((w.shape[1],), 0.25, dtype=torch.float64, requires_grad=True)
            for w, _ in layers[:-1]
        ]
    hidden = len(layers) - 1

    def forward(x):
        pre = []
        a = x
        for i in range(hidden):
            z = a @ params[2 * i] + params[2 * i + 1]
            pre.append(z)
            a = F.prelu(z, slopes[i]) if slopes else activations[spec](z)
        return a @ params[-2] + params[-1], pre

    x_all = torch.tensor(data.x)
    classes = data.classes
    y_all = torch.tensor(data.y)

    def loss_fn(out, y):
        return F.cross_entropy(out, y) if classes else F.mse_loss(out, y)

    opt_cls = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}
    if config.optimizer == "momentum":
        opt = torch.optim.SGD(params + slopes, lr=config.lr, momentum=0.9)
    else:
        opt = opt_cls[config.optimizer](params + slopes, lr=config.lr)
    index = torch.tensor(np.ascontiguousarray(batches))
    start = time.perf_counter()

    def fprime(z, i):
        # f'(z) as PyTorch autograd defines it at the kink, to count dead neurons.
        if spec == "relu":
            return (z > 0).to(z.dtype)
        if spec == "leaky_relu":
            return torch.where(z > 0, 1.0, 0.01)
        if spec == "prelu":
            return torch.where(z > 0, torch.ones_like(z), slopes[i].expand_as(z))
        scale, alpha = (1.0507009873554805, 1.6732632423543772) if spec == "selu" else (1, 1)
        return torch.where(z > 0, scale, scale * alpha * torch.exp(torch.clamp(z, max=0)))

    def census():
        # The same census as relucli's: loss, and per neuron dead (f' = 0 on every sample),
        # inactive (z <= 0 on every sample) and firing rate, over the whole training set.
        with torch.no_grad():
            out, pre = forward(x_all)
            for i, z in enumerate(pre):
                (fprime(z, i) != 0).any(dim=0)
                (z > 0).any(dim=0)
                (z > 0).sum(dim=0)
            return float(loss_fn(out, y_all))

    census()
    for step in range(1, config.steps + 1):
        idx = index[step - 1]
        out, _ = forward(x_all[idx])
        loss = loss_fn(out, y_all[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % config.every == 0 or step == config.steps:
            final = census()
    return time.perf_counter() - start, final


def command_times(repeats: int) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds of `relucli depth` and `relucli dying`, default arguments, each
    run as a fresh process as a user runs it, alternating."""
    env = user_env()
    commands = {name: [sys.executable, "-m", "relucli", name] for name in ("depth", "dying")}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as cwd:
        for argv in commands.values():  # bytecode and file cache warm, as installed
            subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
        for _ in range(repeats):
            for name, argv in commands.items():
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
                wall = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                times[name].append((wall, cpu))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--variants", default=",".join(DEFAULT_VARIANTS))
    parser.add_argument("--cli-repeats", type=int, default=5)
    args = parser.parse_args()
    config = scenario_config(DEFAULT_SCENARIO)
    data, layers, batches = prepare(config)
    try:
        import torch

        torch.set_num_threads(1)
        have_torch = True
    except ImportError:
        have_torch = False
        print("torch is not installed: timing NumPy only (pip install torch==2.13.0 to compare)")
    print(
        f"training loop of `relucli dying` ({DEFAULT_SCENARIO}): {config.depth}x{config.width}"
        f" hidden, {config.optimizer}, {config.steps} steps of {config.batch},"
        f" census every {config.every}; median of {args.repeats} runs"
    )
    print(f"{'variant':<12}{'numpy s':>10}{'torch s':>10}{'torch/numpy':>13}")
    ratios = []
    for spec in args.variants.split(","):
        np_times, torch_times = [], []
        for _ in range(args.repeats):
            # Alternate the two sides so a burst of load on a shared machine hits both.
            np_times.append(time_numpy(spec, config, data, layers, batches)[0])
            if have_torch:
                torch_times.append(time_torch(spec, config, data, layers, batches)[0])
        t_np = statistics.median(np_times)
        if have_torch:
            t_torch = statistics.median(torch_times)
            ratios.append(t_torch / t_np)
            print(f"{spec:<12}{t_np:>10.3f}{t_torch:>10.3f}{t_torch / t_np:>13.2f}")
        else:
            print(f"{spec:<12}{t_np:>10.3f}{'-':>10}{'-':>13}")
    if ratios:
        verdict = "NumPy is faster" if min(ratios) >= 1 else "NumPy is SLOWER for some variant"
        print(f"torch/numpy ratio: min {min(ratios):.2f}, median {statistics.median(ratios):.2f}"
              f" ({verdict})")  # fmt: skip
    times = command_times(args.cli_repeats)
    wall = {name: statistics.median(w for w, _ in t) for name, t in times.items()}
    cpu = {name: statistics.median(c for _, c in t) for name, t in times.items()}
    print(f"\nrelucli depth and dying, default arguments: median of {args.cli_repeats} runs")
    report(
        [
            at_most("training.py", "relucli depth, CPU", cpu["depth"], 1.0, unit=" s",
                    detail=f"wall {wall['depth']:.2f} s"),
            at_most("training.py", "relucli dying, wall", wall["dying"], 2.5, unit=" s",
                    detail=f"CPU {cpu['dying']:.2f} s"),
        ]
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
