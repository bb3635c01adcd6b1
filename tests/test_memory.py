"""Memory budgets: bench, dying and depth estimate their peak from what they allocate,
refuse a run over --memory-budget (or RELUCLI_MEMORY_BUDGET) before any work, and say what
fits. The estimates are checked against the peak RSS of real runs (slow tier)."""

from __future__ import annotations

import resource
import subprocess
import sys

import numpy as np
import pytest
from test_user_systems import user_env

from relucli import bench
from relucli.lab import depth, dying
from relucli.lab.depth import DepthConfig
from relucli.lab.dying import BatchOrder, DyingConfig, batch_order, prepare


def peak_rss(*args: str) -> int:
    """Peak resident memory of `relucli ARGS` in bytes, from a fresh wrapper process (so
    that RUSAGE_CHILDREN holds this one run only)."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run([sys.executable, '-m', 'relucli', *sys.argv[1:]],"
        " stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env=user_env(),
        timeout=600,
    )
    return int(out.stdout) * 1024  # Linux reports KiB


def within(estimate: int, measured: int, share: float = 0.25) -> bool:
    return abs(estimate - measured) <= share * measured


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB is Linux's")
@pytest.mark.parametrize(
    ("args", "estimate"),
    [
        (
            ["bench", "relu", "--size", "2e7", "--repeat", "1"],
            bench.peak_bytes(20_000_000, "float32"),
        ),
        (
            ["bench", "relu", "--size", "1e7", "--repeat", "1", "--dtype", "float64"],
            bench.peak_bytes(10_000_000, "float64"),
        ),
        (
            ["depth", "relu", "elu", "--width", "1024", "--batch", "1000", "--layers", "50"],
            depth.peak_bytes(DepthConfig(width=1024, batch=1000, layers=50), 2),
        ),
        (
            ["depth", "relu", "--width", "512", "--batch", "4000", "--layers", "20", "--ensemble"],
            depth.peak_bytes(DepthConfig(width=512, batch=4000, layers=20, ensemble=True), 1),
        ),
        (
            ["dying", "relu", "--batch", "30000", "--samples", "30000", "--width", "512", "--steps", "2", "--every", "2"],
            dying.peak_bytes(
                DyingConfig(batch=30000, samples=30000, width=512, steps=2, every=2, lr=0.15), 1
            ),
        ),
        (
            ["dying", "prelu", "--batch", "20000", "--samples", "20000", "--width", "256", "--depth", "4", "--steps", "2", "--every", "2"],
            dying.peak_bytes(
                DyingConfig(batch=20000, samples=20000, width=256, depth=4, steps=2, every=2),
                1,
                learns_slope=True,
            ),
        ),
        (
            ["dying", "relu", "--samples", "1000000", "--data", "teacher", "--steps", "1"],
            dying.peak_bytes(DyingConfig(samples=1_000_000, data="teacher", steps=1), 1),
        ),
        (
            ["dying", "relu", "--steps", "10000", "--every", "1", "--width", "4096", "--depth", "1", "--samples", "2", "--batch", "1", "--lr", "0.001"],
            dying.peak_bytes(
                DyingConfig(steps=10000, every=1, width=4096, depth=1, samples=2, batch=1), 1
            ),
        ),
    ],
    ids=["bench32", "bench64", "depth", "depth-ensemble", "dying-batch", "dying-prelu",
         "dying-data", "dying-history"],
)  # fmt: skip
def test_estimates_match_the_measured_peak(args, estimate):
    measured = peak_rss(*args)
    assert within(estimate, measured), (estimate / 2**20, measured / 2**20)


def test_estimates_grow_with_the_options_that_allocate():
    assert bench.peak_bytes(10**9, "float32") == bench.BASE_BYTES + 16 * 10**9
    small, wide = DepthConfig(layers=10), DepthConfig(layers=20)
    assert depth.peak_bytes(wide, 5) > depth.peak_bytes(small, 5)
    assert dying.peak_bytes(DyingConfig(batch=512), 5) > dying.peak_bytes(DyingConfig(), 5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["bench", "--size", "1e9", "--dtype", "float64", "--memory-budget", "1G"],
            "Error: this run needs about 29.8 GiB of memory, over the budget of 1.0 GiB; what"
            " fits: --size 31,981,568 (or raise --memory-budget / RELUCLI_MEMORY_BUDGET)\n",
        ),
        (
            ["depth", "--width", "1024", "--ensemble", "--batch", "10000", "--summary"],
            "Error: this run needs about 10.5 GiB of memory, over the budget of 2.0 GiB; what"
            " fits: --batch 1,863 or --layers 5 or --width 191 (or raise --memory-budget /"
            " RELUCLI_MEMORY_BUDGET)\n",
        ),
        (
            ["dying", "--batch", "100000", "--samples", "100000", "--width", "512"],
            "Error: this run needs about 4.2 GiB of memory, over the budget of 2.0 GiB; what"
            " fits: --batch 46,410 or --width 237 or --samples 46,467 (or raise"
            " --memory-budget / RELUCLI_MEMORY_BUDGET)\n",
        ),
        (
            ["bench", "--memory-budget", "lots"],
            "Error: invalid value for '--memory-budget' (env var: 'RELUCLI_MEMORY_BUDGET'):"
            " 'lots' is not a memory size from 1MiB to 1EiB (e.g. 8GiB, 512M, 3e9)\n",
        ),
    ],
)
def test_work_over_the_budget_is_a_usage_error_saying_what_fits(run, args, message):
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_the_budget_can_be_raised_by_option_or_environment(run, monkeypatch):
    args = ["bench", "relu", "--size", "1e7", "--repeat", "1", "--format", "csv"]
    assert run(*args, "--memory-budget", "100MiB").exit_code == 2
    monkeypatch.setenv("RELUCLI_MEMORY_BUDGET", "100MiB")
    assert run(*args).exit_code == 2
    assert run(*args, "--memory-budget", "1GiB").exit_code == 0


# -------------------------------------------------- dying's batches, drawn lazily


def test_lazy_batches_are_the_whole_table_bit_for_bit():
    for n, batch, steps in [(10, 3, 7), (1024, 128, 100), (4, 8, 3), (7, 7, 5)]:
        seed = np.random.SeedSequence(5)
        lazy = BatchOrder(n, batch, steps, seed)
        table = batch_order(n, batch, steps, np.random.default_rng(seed))
        assert np.array_equal(np.array(list(lazy)), table)
        assert np.array_equal(np.asarray(lazy), table)  # the benchmark's array view
        # The same old whole-table draw: every epoch's permutation from one generator.
        if batch < n:
            per_epoch = n // batch
            epochs = -(-steps // per_epoch)
            old = np.random.default_rng(seed).permuted(np.tile(np.arange(n), (epochs, 1)), axis=1)
            expected = old[:, : per_epoch * batch].reshape(-1, batch)[:steps]
            assert np.array_equal(table, expected)


def test_every_pass_over_the_batches_starts_again():
    _, _, batches = prepare(DyingConfig(steps=50))
    assert isinstance(batches, BatchOrder) and len(batches) == 50
    first, second = list(batches), list(batches)
    assert all(np.array_equal(a, b) for a, b in zip(first, second))


def test_the_batch_order_does_not_grow_with_steps():
    # 10 million steps of 128: the old table was 10 GB; the lazy order holds one epoch.
    _, _, batches = prepare(DyingConfig(steps=10_000_000, every=10_000))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _, _ in zip(range(100), batches):
        pass
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024
