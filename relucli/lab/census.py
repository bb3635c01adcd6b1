"""The dead-neuron census: which units of a layer are dead, inactive, dormant or saturated.

The definitions are the dying lab's (relucli.lab.dying counts its own networks with
:class:`UnitTally`) and apply to any network's saved pre-activations z, per unit (column)
over every sample (row):

* **dead**: f'(z) == 0 for every sample, with the gradient the variant's kernel computes
  (an ELU unit whose alpha*exp(z) underflows to 0 counts). No sample sends a gradient to
  the unit's incoming weights or bias, so gradient descent cannot move it again.
* **inactive**: z <= 0 for every sample: it never fires. For ReLU the same as dead; a
  Leaky ReLU unit can be inactive yet alive.
* **dormant** (Sokar et al. 2023, "The Dormant Neuron Phenomenon in Deep Reinforcement
  Learning", ICML): the unit's mean |f(z)| over the samples is at most ``tau`` times the
  layer's average of that mean over its units (tau = 0.025 by default). A unit can be alive
  and still contribute next to nothing.
* **saturated** (variants with a zero-gradient zone on the upper side, such as relu6 for
  z >= 6): f'(z) == 0 and z > 0 for every sample. Saturated units are dead too.
* **firing rate**: the share of samples with z > 0.

Samples (rows) holding a NaN are left out of a layer's census and counted; infinite values
are kept (f(inf) and f'(inf) are the variant's limits) and counted; an infinite |f(z)| is
left out of the means that decide dormancy, and its unit is not dormant. The library only
computes; relucli.cli.commands.inspect renders the result.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..activation import Activation
from ..preacts import BLOCK_VALUES, Layer, PreactError

DORMANT_TAU = 0.025
# (share of dead units above which, level name), worst first. More than half is the source
# material's rule of thumb: a layer that far gone can no longer capture the patterns in the
# data; 10% and 20% are earlier warnings.
LEVELS: tuple[tuple[float, str], ...] = ((50.0, "critical"), (20.0, "warning"), (10.0, "watch"))
OK = "ok"
# z values kept per layer for the figure's histogram: a uniform random sample of rows.
SAMPLE_VALUES = 1 << 18
# The per-unit tallies of all variants together may use at most this much memory.
_TALLY_BYTES = 1 << 30


class UnitTally:
    """Per unit: has any sample had f'(z) != 0, and how many samples had z > 0.

    The one place the dead and inactive tests are written: the dying lab and the inspect
    census both feed it blocks of (samples, units) arrays. A NaN gradient is not zero, so it
    keeps a unit alive (callers that must not count NaN samples leave them out first).
    """

    def __init__(self, units: int):
        self.alive = np.zeros(units, bool)
        self.fires = np.zeros(units, np.int64)
        self.samples = 0

    def add(self, z: np.ndarray, grad: np.ndarray) -> None:
        self.add_grad(grad)
        self.add_z(z)

    def add_grad(self, grad: np.ndarray) -> None:
        self.alive |= (grad != 0).any(axis=0)

    def add_z(self, z: np.ndarray) -> None:
        self.fires += np.count_nonzero(z > 0, axis=0)
        self.samples += len(z)

    @property
    def dead(self) -> np.ndarray:
        return ~self.alive

    @property
    def inactive(self) -> np.ndarray:
        return self.fires == 0

    @property
    def rate(self) -> np.ndarray:
        return self.fires / self.samples


def level(dead_pct: float) -> str:
    """The warning level of a layer with ``dead_pct`` percent of its units dead."""
    return next((name for limit, name in LEVELS if dead_pct > limit), OK)


def saturates(act: Activation) -> bool:
    """True when ``act`` has a zero-gradient zone on the upper side (relu6: z >= 6)."""
    return any(z.hi == math.inf and math.isfinite(z.lo) for z in act.dead_zones)


@dataclass
class VariantCensus:
    """One activation applied to one layer's z."""

    spec: str
    dead: np.ndarray  # (units,) bool
    dormant: np.ndarray  # (units,) bool
    saturated: np.ndarray | None  # (units,) bool, for variants that saturate
    mean_abs_value: np.ndarray  # (units,) mean |f(z)| over the samples
    grad_sum: float  # sum of |f'(z)| over samples and units

    @property
    def dead_count(self) -> int:
        return int(self.dead.sum())

    @property
    def dormant_count(self) -> int:
        return int(self.dormant.sum())

    @property
    def saturated_count(self) -> int | None:
        return None if self.saturated is None else int(self.saturated.sum())


@dataclass
class LayerCensus:
    name: str
    path: str
    dtype: str
    units: int
    samples: int  # samples counted (rows without NaN)
    nan_samples: int  # rows left out because they hold a NaN
    inf_values: int
    inactive: np.ndarray  # (units,) bool
    rate: np.ndarray  # (units,) firing rate
    variants: list[VariantCensus]  # the census under each activation, in the order given
    sample: np.ndarray | None = None  # (k, units) float64: rows kept for the histogram

    def under(self, index: int = 0) -> VariantCensus:
        return self.variants[index]

    def dead_pct(self, index: int = 0) -> float:
        return 100 * self.variants[index].dead_count / self.units

    def grad_mass(self, index: int = 0) -> float:
        return self.variants[index].grad_sum / (self.samples * self.units)


@dataclass
class CensusResult:
    acts: list[Activation]  # acts[0] is the network's variant, the rest candidates
    tau: float
    layers: list[LayerCensus] = field(default_factory=list)

    @property
    def units(self) -> int:
        return sum(layer.units for layer in self.layers)

    def dead(self, index: int = 0) -> int:
        return sum(layer.variants[index].dead_count for layer in self.layers)

    def dead_pct(self, index: int = 0) -> float:
        return 100 * self.dead(index) / self.units

    def grad_mass(self, index: int = 0) -> float:
        """Mean |f'(z)| over every counted sample of every unit of every layer."""
        values = sum(layer.samples * layer.units for layer in self.layers)
        return sum(layer.variants[index].grad_sum for layer in self.layers) / values

    def worst(self, index: int = 0) -> LayerCensus:
        """The layer with the largest dead share (the first of equals)."""
        return max(self.layers, key=lambda layer: layer.dead_pct(index))


def run_census(
    layers: Sequence[Layer],
    acts: Sequence[Activation],
    tau: float = DORMANT_TAU,
    keep_sample: bool = False,
    progress: Callable[[int], None] | None = None,
    block_values: int = BLOCK_VALUES,
) -> CensusResult:
    """The census of every layer under every activation (acts[0] is the network's).

    ``progress(k)`` is called as ``k`` more bytes of data are done (the total is the sum of
    the layers' ``nbytes``). ``keep_sample`` keeps a uniform random sample of rows per layer
    (seeded, so the same every run) for a figure. Raises PreactError for data that cannot
    be read or counted.
    """
    if not acts:
        raise ValueError("no activation to take the census under")
    if not (math.isfinite(tau) and tau >= 0):
        raise ValueError(f"tau must be a finite number >= 0, got {tau}")
    widest = max((layer.units for layer in layers), default=0)
    if widest * (8 + 33 * len(acts)) > _TALLY_BYTES:
        raise PreactError(
            f"{widest:,} units under {len(acts)} variants need more than"
            f" {_TALLY_BYTES >> 20} MiB of tallies; compare fewer variants"
        )
    result = CensusResult(list(acts), tau)
    with np.errstate(all="ignore"):  # inf - inf inside a kernel is its business, not a warning
        for layer in layers:
            result.layers.append(
                _layer_census(layer, acts, tau, keep_sample, progress, block_values)
            )
    return result


def _layer_census(
    layer: Layer,
    acts: Sequence[Activation],
    tau: float,
    keep_sample: bool,
    progress: Callable[[int], None] | None,
    block_values: int,
) -> LayerCensus:
    units = layer.units
    tallies = [UnitTally(units) for _ in acts]
    upper = [np.zeros(units, np.int64) if saturates(a) else None for a in acts]
    abs_value = [np.zeros(units) for _ in acts]  # sums of the finite |f(z)|
    unbounded = [np.zeros(units, bool) for _ in acts]  # some |f(z)| was infinite
    grad_sum = [0.0 for _ in acts]
    nan_rows = inf_values = 0
    keep = max(1, SAMPLE_VALUES // units)
    rng = np.random.default_rng(0)
    kept = np.empty((0, units))
    kept_keys = np.empty(0)
    floating = layer.dtype.kind == "f"
    reported = 0
    try:
        for raw in layer.blocks(block_values):
            # Big-endian data in native order, so float32 is computed in float32.
            z = raw if raw.dtype.isnative else raw.astype(raw.dtype.newbyteorder("="))
            if floating:
                bad = np.isnan(z).any(axis=1)
                if bad.any():
                    nan_rows += int(bad.sum())
                    z = z[~bad]
                infinite = int(np.count_nonzero(np.isinf(z)))
                inf_values += infinite
                has_inf = infinite > 0
            else:
                has_inf = False
            positive = z > 0
            for i, act in enumerate(acts):
                value, grad = act.value_and_grad(z)
                tallies[i].add_grad(grad)
                if i == 0:
                    tallies[0].add_z(z)
                else:
                    tallies[i].samples += len(z)
                counts = upper[i]
                if counts is not None:
                    counts += np.count_nonzero((grad == 0) & positive, axis=0)
                np.abs(value, out=value)
                if has_inf:
                    # An unbounded output is not dormant; keep it out of the layer's mean.
                    infinite = np.isinf(value)
                    unbounded[i] |= infinite.any(axis=0)
                    value[infinite] = 0
                abs_value[i] += value.sum(axis=0, dtype=np.float64)
                grad_sum[i] += float(np.abs(grad, out=grad).sum(dtype=np.float64))
            if keep_sample and len(z):
                keys = np.concatenate([kept_keys, rng.random(len(z))])
                rows = np.concatenate([kept, np.asarray(z, np.float64)])
                if len(keys) > keep:
                    chosen = np.sort(np.argpartition(keys, keep - 1)[:keep])
                    keys, rows = keys[chosen], rows[chosen]
                kept_keys, kept = keys, rows
            if progress is not None:
                done = raw.nbytes if layer.rows is not None else 0
                if done:
                    progress(done)
                    reported += done
            del raw, z, positive
    except PreactError:
        raise
    except (OSError, ValueError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        reason = " ".join(str(getattr(exc, "strerror", None) or exc).split())
        raise PreactError(f"{layer.path}: cannot read layer '{layer.name}' ({reason})") from None
    if progress is not None and reported < layer.nbytes:
        progress(layer.nbytes - reported)  # CSV: its bytes, once parsed
    samples = tallies[0].samples
    if samples == 0:
        raise PreactError(
            f"{layer.path}: every sample of layer '{layer.name}' holds a NaN; nothing to count"
        )
    variants = []
    for i, act in enumerate(acts):
        mean_abs = abs_value[i] / samples
        counts = upper[i]
        variants.append(
            VariantCensus(
                spec=act.spec,
                dead=tallies[i].dead,
                # At most tau times the layer average (Sokar et al.): a layer whose every
                # output is 0 is all dormant, as it should be.
                dormant=(mean_abs <= tau * mean_abs.mean()) & ~unbounded[i],
                saturated=None if counts is None else counts == samples,
                mean_abs_value=mean_abs,
                grad_sum=grad_sum[i],
            )
        )
    return LayerCensus(
        name=layer.name,
        path=layer.path,
        dtype=layer.exact_dtype,
        units=units,
        samples=samples,
        nan_samples=nan_rows,
        inf_values=inf_values,
        inactive=tallies[0].inactive,
        rate=tallies[0].rate,
        variants=variants,
        sample=kept if keep_sample else None,
    )


__all__ = [
    "DORMANT_TAU",
    "LEVELS",
    "CensusResult",
    "LayerCensus",
    "UnitTally",
    "VariantCensus",
    "level",
    "run_census",
    "saturates",
]
