"""The dying-ReLU lab: train one small network per variant and count its dead neurons.

Every variant gets the same data, the same initial weights and the same mini-batches, so
the activation is the only difference. Every ``every`` steps a census runs over a fixed
probe set (the whole training set) and records, per hidden neuron (the definitions live in
relucli.lab.census, shared with `relucli inspect`):

* **dead**: f'(z) == 0 for every probe sample. No gradient reaches the neuron's incoming
  weights or bias from any sample, so plain SGD can never move it again (only a change in
  the layers below it, or leftover optimizer momentum, can). The test uses the gradient the
  kernel actually computes, so an ELU/SELU neuron whose alpha*exp(z) underflows to 0 (z below
  about -745 in float64) counts as dead too: it is as stuck as a dead ReLU.
* **inactive**: z <= 0 for every probe sample (it never "fires"). For ReLU inactive and dead
  are the same thing; a Leaky ReLU or PReLU neuron can be inactive yet alive, since its
  negative side still passes a gradient, and may fire again later (it *recovers*).

The library only computes: it returns :class:`DyingResult`; the command renders it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..activation import Activation
from ..registry import SpecError
from .blas import one_blas_thread
from .census import UnitTally
from .data import Dataset, check_dataset, make_dataset
from .init import Init, init_layers, parse_init
from .nn import OPTIMIZERS, Network, Optimizer, loss_and_grad

DEFAULT_VARIANTS = ("relu", "leaky_relu", "prelu", "elu", "selu")
# Limits that keep a mistyped option from filling memory (a usage error names the fix).
_MAX_HISTORY = 100_000_000
_PROGRESS_EVERY = 25


@dataclass(frozen=True)
class DyingConfig:
    """One experiment: network shape, training and data. Every field is a CLI option."""

    depth: int = 2
    width: int = 32
    lr: float = 0.01
    steps: int = 1000
    batch: int = 128
    optimizer: str = "adam"
    init: str = "he"
    bias_init: float = 0.0
    data: str = "wave"
    samples: int = 1024
    seed: int = 0
    every: int = 10

    def validated(self) -> DyingConfig:
        """Self, after checking every field (SpecError names the option and valid range)."""
        for name, low in (("depth", 1), ("width", 1), ("steps", 1), ("batch", 1), ("every", 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or value < low:
                raise SpecError(f"--{name} must be an integer >= {low}, got {value}")
        if not (np.isfinite(self.lr) and self.lr > 0):
            raise SpecError(f"--lr must be a finite number > 0, got {self.lr:g}")
        if not np.isfinite(self.bias_init):
            raise SpecError(f"--bias-init must be a finite number, got {self.bias_init:g}")
        if self.optimizer not in OPTIMIZERS:
            raise SpecError(
                f"unknown optimizer '{self.optimizer}' (valid: {', '.join(OPTIMIZERS)})"
            )
        if self.samples < 2:
            raise SpecError(f"--samples must be an integer >= 2, got {self.samples}")
        check_dataset(self.data)
        parse_init(self.init)
        # Census history: one flag per neuron per census; activations: a few per batch entry.
        cells = (self.steps // self.every + 2) * self.depth * self.width
        if cells > _MAX_HISTORY:
            raise SpecError(
                f"{cells:,} census cells (steps / every x depth x width) is over the limit of"
                f" {_MAX_HISTORY:,}; use a larger --every"
            )
        return self

    @property
    def init_scheme(self) -> Init:
        return parse_init(self.init)


@dataclass(frozen=True)
class Scenario:
    """A preset that tells one part of the story: a cause of dying, or a remedy for one."""

    name: str
    summary: str
    settings: dict[str, Any] = field(default_factory=dict)
    remedy_for: str = ""  # the cause scenario a remedy changes one setting of


# The baseline is a sensible setup (He init, zero bias, Adam at lr 0.01). Each cause changes
# one setting of it, and each remedy changes one setting of a cause back.
SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("baseline", "a sensible setup: He init, zero bias, Adam at lr 0.01"),
        Scenario(
            "high-lr",
            "a learning rate 15x too high",
            {"lr": 0.15},
        ),
        Scenario(
            "negative-bias",
            "a poor init: every bias starts at -3",
            {"bias_init": -3.0},
        ),
        Scenario(
            "shifted-data",
            "inputs not centred (shifted by +3)",
            {"data": "shifted"},
        ),
        Scenario(
            "remedy-lr",
            "a 10x lower learning rate",
            {"lr": 0.015},
            remedy_for="high-lr",
        ),
        Scenario(
            "remedy-bias",
            "biases start at 0.01, as the source advises",
            {"bias_init": 0.01},
            remedy_for="negative-bias",
        ),
    )
}
DEFAULT_SCENARIO = "high-lr"


def scenario_config(name: str, **overrides: Any) -> DyingConfig:
    """The scenario's configuration, with explicit options (not None) winning."""
    if name not in SCENARIOS:
        raise SpecError(f"unknown scenario '{name}' (valid: {', '.join(SCENARIOS)})")
    scenario = SCENARIOS[name]
    settings: dict[str, Any] = {}
    if scenario.remedy_for:
        settings.update(SCENARIOS[scenario.remedy_for].settings)
    settings.update(scenario.settings)
    settings.update({k: v for k, v in overrides.items() if v is not None})
    return DyingConfig(**settings).validated()


# ------------------------------------------------------------------------------ memory

# What a process holds before any work (the interpreter, NumPy, Click, relucli), and
# Matplotlib and a figure besides (measured on Linux x86-64).
BASE_BYTES = 48 * 2**20
FIGURE_BYTES = 96 * 2**20
# Bytes per sample of each data set while it is made and then held (measured: the float64
# inputs and targets, and the temporaries that make them; teacher: 8 inputs and a hidden
# layer of 16).
_DATA_BYTES = {"wave": 48, "shifted": 48, "spirals": 64, "teacher": 320}


def census_count(config: DyingConfig) -> int:
    """Censuses per variant: step 0, every ``every`` steps, and the last step."""
    return 1 + config.steps // config.every + (config.steps % config.every != 0)


def peak_bytes(
    config: DyingConfig,
    variants: int,
    learns_slope: bool = False,
    history_rows: bool = False,
    figure: bool = False,
) -> int:
    """The peak memory of :func:`run_dying` (and of the command's table and figure), from
    what it allocates, over BASE_BYTES:

    - the data set: _DATA_BYTES per sample;
    - one training step on a batch of b = min(batch, samples) samples: z, f(z) and f'(z)
      of every hidden layer and two backward temporaries, (3 depth + 2) b width float64
      (three more with a learned PReLU slope);
    - the census history: a dead and an inactive flag per neuron and census, per variant
      (and the running variant's lists before they become arrays);
    - ``history_rows``: the history table's rows as Python objects;
    - ``figure``: Matplotlib and the figure, drawn after training (no step then).

    Matched against the measured peak RSS within 25% (tests/test_memory.py).
    """
    batch = min(config.batch, config.samples)
    units = config.depth * config.width
    step = (3 * config.depth + 2 + (3 if learns_slope else 0)) * batch * config.width * 8
    data = _DATA_BYTES.get(config.data, 320) * config.samples
    m = census_count(config)
    history = variants * m * (2 * units + 24) + m * (2 * units + 330)
    rows = variants * m * (100 + 40 * (6 + config.depth)) if history_rows else 0
    after = rows + (FIGURE_BYTES if figure else 0)
    return BASE_BYTES + data + history + max(step, after)


# ----------------------------------------------------------------------------- results


@dataclass
class VariantRun:
    """One variant's training history. Census arrays have one row per measured step."""

    spec: str
    steps: np.ndarray  # (m,) measured steps, 0 first
    loss: np.ndarray  # (m,) loss over the probe set
    accuracy: np.ndarray | None  # (m,) for classification
    dead: np.ndarray  # (m, units) bool
    inactive: np.ndarray  # (m, units) bool
    rate: np.ndarray  # (units,) share of probe samples with z > 0, at the end
    layer_of: np.ndarray  # (units,) hidden layer (0-based) of each unit
    prelu_slopes: list[np.ndarray] | None  # learned slope per neuron, per layer
    diverged_at: int | None = None  # first step whose loss was not finite
    # (m, units) firing rate at every census, kept only when asked (the animated figure)
    rate_history: np.ndarray | None = None

    @property
    def layers(self) -> int:
        return int(self.layer_of.max()) + 1

    def dead_pct(self, at: int = -1) -> float:
        return float(100 * self.dead[at].mean())

    def inactive_pct(self, at: int = -1) -> float:
        return float(100 * self.inactive[at].mean())

    def dead_pct_layers(self, at: int = -1) -> list[float]:
        return _per_layer(self.dead[at], self.layer_of)

    def inactive_pct_layers(self, at: int = -1) -> list[float]:
        return _per_layer(self.inactive[at], self.layer_of)

    @property
    def dead_pct_history(self) -> np.ndarray:
        return 100 * self.dead.mean(axis=1)

    @property
    def revived_units(self) -> np.ndarray:
        """Units inactive at some earlier census but firing at the last one (bool)."""
        if len(self.steps) < 2:
            return np.zeros(self.layer_of.shape, bool)
        return self.inactive[:-1].any(axis=0) & ~self.inactive[-1]

    @property
    def revived(self) -> int:
        return int(self.revived_units.sum())

    def revived_layers(self) -> list[int]:
        return [int(self.revived_units[self.layer_of == i].sum()) for i in range(self.layers)]

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])

    @property
    def final_accuracy(self) -> float | None:
        return None if self.accuracy is None else float(self.accuracy[-1])


def _per_layer(flags: np.ndarray, layer_of: np.ndarray) -> list[float]:
    counts = np.bincount(layer_of, weights=flags.astype(float))
    sizes = np.bincount(layer_of)
    return [float(v) for v in 100 * counts / sizes]


@dataclass
class DyingResult:
    config: DyingConfig
    dataset: Dataset
    runs: list[VariantRun]


# ---------------------------------------------------------------------------- training


def batch_order(n: int, batch: int, steps: int, rng: np.random.Generator) -> np.ndarray:
    """(steps, batch) sample indices: shuffled epochs, no sample repeated within one.

    The whole table at once, for callers that want an array (the PyTorch benchmark); the
    training loop walks :class:`BatchOrder`, which draws the same indices an epoch at a time.
    """
    return np.array(list(_batches(n, batch, steps, rng))).reshape(steps, min(batch, n))


def _batches(n: int, batch: int, steps: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    if batch >= n:
        everything = np.arange(n)
        for _ in range(steps):
            yield everything
        return
    per_epoch = n // batch
    done = 0
    while done < steps:
        # One epoch's permutation: the same draws as permuting a (epochs, n) table row by
        # row, so results match the earlier whole-table version bit for bit.
        epoch = rng.permuted(np.arange(n))[: per_epoch * batch].reshape(per_epoch, batch)
        yield from epoch[: steps - done]
        done += per_epoch


@dataclass(frozen=True)
class BatchOrder:
    """The mini-batches of a run, drawn lazily an epoch at a time from a seed (memory is one
    epoch, not a table that grows with --steps: 1.6 GB at 20,000 steps before). Every
    iteration starts over from the same seed, so every variant sees the same batches."""

    n: int
    batch: int
    steps: int
    seed: np.random.SeedSequence

    def __iter__(self) -> Iterator[np.ndarray]:
        return _batches(self.n, self.batch, self.steps, np.random.default_rng(self.seed))

    def __len__(self) -> int:
        return self.steps

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        order = batch_order(self.n, self.batch, self.steps, np.random.default_rng(self.seed))
        return order if dtype is None else order.astype(dtype)


# The census walks the probe set in blocks of at most this many multiply-adds per layer, so
# its temporaries stay small (peak_bytes counts none of them): whole-set blocks (1024
# samples) saved kernel calls but cost 4x the system time in fresh allocations, measured.
# The BLAS thread count is set for the whole run by run_dying (lab/blas.py).
_BLOCK_MACS = 1 << 17


@dataclass(frozen=True)
class Census:
    """One look at every hidden neuron over the probe set (the whole training set)."""

    loss: float
    accuracy: float | None  # classification only
    dead: np.ndarray  # (units,) bool: f'(z) == 0 for every sample
    inactive: np.ndarray  # (units,) bool: z <= 0 for every sample
    rate: np.ndarray  # (units,) share of samples with z > 0


def census(net: Network, data: Dataset) -> Census:
    """Loss, accuracy and, per hidden neuron, the dead and inactive flags and firing rate."""
    n = len(data.x)
    widest = max(w.shape[0] * w.shape[1] for w in net.weights)
    block = max(1, _BLOCK_MACS // widest)
    tally = UnitTally(sum(net.hidden_sizes))  # the definitions of dead and inactive
    loss_sum, correct = 0.0, 0
    for start in range(0, n, block):
        x, y = data.x[start : start + block], data.y[start : start + block]
        fwd = net.forward(x)
        loss, _ = loss_and_grad(fwd.out, y, data.classes)
        loss_sum += loss * len(x)
        if data.classes:
            correct += int(np.count_nonzero(fwd.out.argmax(axis=1) == y))
        tally.add(np.concatenate(fwd.pre, axis=1), np.concatenate(fwd.slopes, axis=1))
    return Census(
        loss=loss_sum / n,
        accuracy=correct / n if data.classes else None,
        dead=tally.dead,
        inactive=tally.inactive,
        rate=tally.rate,
    )


def train_variant(
    act: Activation,
    config: DyingConfig,
    data: Dataset,
    layers: Sequence[tuple[np.ndarray, np.ndarray]],
    batches: Iterable[np.ndarray],
    progress: Callable[[int], None] | None = None,
    rates: bool = False,
) -> VariantRun:
    """Train one network with hidden activation ``act`` from ``layers`` (initial W, b).
    ``rates``: keep every census's firing rates too (``rate_history``)."""
    net = Network(layers, act)
    opt = Optimizer(config.optimizer, net.params, config.lr)
    layer_of = np.repeat(np.arange(config.depth), net.hidden_sizes)
    steps, losses, accs, dead, inactive, history = [], [], [], [], [], []
    rate = np.zeros(layer_of.shape)
    diverged = None
    done = 0

    def measure(step: int) -> bool:
        nonlocal rate
        seen = census(net, data)
        steps.append(step)
        losses.append(seen.loss)
        accs.append(seen.accuracy)
        dead.append(seen.dead)
        inactive.append(seen.inactive)
        rate = seen.rate
        if rates:
            history.append(rate.astype(np.float32))
        return bool(np.isfinite(seen.loss))

    # Overflow in a diverging run is reported as divergence, not as NumPy warnings.
    with np.errstate(all="ignore"):
        measure(0)
        for step, idx in zip(range(1, config.steps + 1), batches):
            fwd = net.forward(data.x[idx])
            _, d_out = loss_and_grad(fwd.out, data.y[idx], data.classes)
            net.backward(fwd, d_out)
            opt.step(net.grads)
            # Freed now, not when the next step's forward replaces them: that doubled the
            # peak (two steps' activations at once).
            del fwd, d_out
            finite = True
            if step % config.every == 0 or step == config.steps:
                finite = measure(step)
            # Report at least every _PROGRESS_EVERY steps, so a sparse census still moves
            # the bar smoothly.
            if progress is not None and (step - done >= _PROGRESS_EVERY or not finite):
                progress(step - done)
                done = step
            if not finite:
                diverged = step
                break
    if progress is not None and done < config.steps:
        progress(config.steps - done)  # a diverged run still completes its share of the bar
    return VariantRun(
        spec=act.spec,
        steps=np.array(steps),
        loss=np.array(losses),
        accuracy=np.array(accs, dtype=float) if data.classes else None,
        dead=np.array(dead),
        inactive=np.array(inactive),
        rate=rate,
        layer_of=layer_of,
        prelu_slopes=[s.copy() for s in net.prelu_slopes] if net.learns_slope else None,
        diverged_at=diverged,
        rate_history=np.array(history) if rates else None,
    )


def run_dying(
    config: DyingConfig,
    acts: Sequence[Activation],
    progress: Callable[[int], None] | None = None,
    rates: bool = False,
) -> DyingResult:
    """Train one network per activation on the same data, weights and batches.

    ``progress(k)`` is called as training advances by ``k`` steps (summed over variants,
    the total is ``config.steps * len(acts)``). ``rates``: keep every census's firing
    rates (for the animated figure).
    """
    config.validated()
    data, layers, batches = prepare(config)
    with one_blas_thread():  # small products: faster on one thread (lab/blas.py)
        runs = [train_variant(a, config, data, layers, batches, progress, rates) for a in acts]
    return DyingResult(config, data, runs)


def prepare(config: DyingConfig):
    """The data, initial weights and mini-batch order every variant shares: three
    independent streams from one seed, so changing one never shifts the others."""
    data_seed, init_seed, batch_seed = np.random.SeedSequence(config.seed).spawn(3)
    data_rng, init_rng = np.random.default_rng(data_seed), np.random.default_rng(init_seed)
    data = make_dataset(config.data, config.samples, data_rng)
    sizes = [data.inputs, *[config.width] * config.depth, data.outputs]
    layers = init_layers(init_rng, sizes, config.init_scheme, bias=config.bias_init)
    batches = BatchOrder(config.samples, config.batch, config.steps, batch_seed)
    return data, layers, batches
