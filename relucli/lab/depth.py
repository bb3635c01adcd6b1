"""Signals through depth: a deep random network beside its mean-field variance map.

A batch of N(0, 1) inputs goes through ``layers`` random dense layers of ``width`` units,

    h_l = W_l a_{l-1} + b_l,    a_l = f(h_l),    a_0 = x,

with W_l ~ N(0, sigma_w^2 / width) (the init scheme sets sigma_w^2) and b_l ~ N(0, sigma_b^2);
then a unit gradient (one random unit vector per input) is backpropagated from the last
layer. Per layer the simulation records the mean and standard deviation of the activations
a_l, the second moment q_l of the pre-activations h_l (over units and inputs), the share of
units whose gradient f'(h_l) is exactly zero, and the gradient norm |dL/da_l| (root mean
square over inputs; 1 at the last layer).

Mean-field theory (infinite width) predicts the same quantities from the variance map

    q_1 = sigma_w^2 E[x^2] + sigma_b^2 = sigma_w^2 + sigma_b^2,
    q_{l+1} = sigma_w^2 E[f(sqrt(q_l) z)^2] + sigma_b^2,          z ~ N(0, 1),

and the gradient map |dL/da_{l-1}|^2 = sigma_w^2 E[f'(sqrt(q_l) z)^2] |dL/da_l|^2. Every
expectation uses the kink-aware quadrature of :mod:`relucli.numerics.quadrature` (the one
``relucli props`` uses) on the variant's own kernel and kinks.

With ``ensemble=True`` every input gets its own network: the layer's weight matrix with the
signs of its columns flipped at random, independently per input and layer. A Gaussian matrix
with sign-flipped columns is again an exact draw of the same init, and different flips
decorrelate the inputs' fluctuations, so the batch behaves like ``batch`` independent
networks at the cost of one. Only each layer's overall scale (its Frobenius norm, relative
spread sqrt(2)/width) stays shared: 0.4% over 10 layers at width 1024; at width 64 it shows
(after 10 layers the average of 256 flipped inputs spreads 1.5x as much as that of 256
independent networks). The averages are then the ensemble averages mean-field theory
predicts, rather than one network's random walk.

The library computes and returns :class:`DepthResult`; it never prints.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..activation import Activation
from ..describe import zero_grad_share
from ..numerics.quadrature import gaussian_nodes
from ..registry import SpecError
from .blas import one_blas_thread
from .init import Init, parse_init

DEFAULT_VARIANTS = ("relu", "leaky_relu", "elu", "selu", "tanh")
INITS = ("auto", "he", "xavier", "lecun", "normal:STD")
DTYPES = ("float32", "float64")
# Above this many bytes of weights the backward pass redraws each layer's weights from its
# own seed instead of keeping all of them: memory stays O(width^2), the draws are paid twice.
_WEIGHT_CACHE_BYTES = 256 * 2**20
# The variance map is scanned for fixed points over this range of q (log-spaced).
_Q_SCAN = np.logspace(-12, 12, 25)
# |F(q) - q| below this times q is quadrature rounding (~1e-16 relative), not a sign.
_GAP_TOL = 1e-12


@dataclass(frozen=True)
class DepthConfig:
    """One experiment; every field is a command-line option."""

    layers: int = 50
    width: int = 512
    batch: int = 64
    init: str = "auto"
    bias_std: float = 0.0
    ensemble: bool = False
    dtype: str = "float32"
    seed: int = 0

    def validated(self) -> DepthConfig:
        """Self after checking every field; a SpecError names the option and its range."""
        for name in ("layers", "width", "batch"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise SpecError(f"--{name} must be an integer >= 1, got {value}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise SpecError(f"--seed must be an integer >= 0, got {self.seed}")
        if not (math.isfinite(self.bias_std) and self.bias_std >= 0):
            raise SpecError(f"--bias-std must be a finite number >= 0, got {self.bias_std:g}")
        if self.dtype not in DTYPES:
            raise SpecError(f"unknown dtype '{self.dtype}' (valid: {', '.join(DTYPES)})")
        init_for(None, self.init)
        return self


def init_for(act: Activation | None, text: str) -> Init:
    """The init scheme ``text`` (``auto`` picks the variant's customary one)."""
    key = str(text).strip().lower()
    if key == "auto":
        return Init("he" if act is None else act.variant.init)  # the record's customary init
    if key.startswith("normal:"):
        return parse_init(text)  # its own message for a bad STD
    try:
        return parse_init(text)
    except SpecError:
        raise SpecError(f"unknown init '{text}' (valid: {', '.join(INITS)})") from None


# ---------------------------------------------------------------------- mean-field theory


@dataclass(frozen=True)
class Moments:
    """Gaussian expectations of one variant at pre-activation variance q."""

    second: float  # E[f(sqrt(q) z)^2]
    mean: float  # E[f(sqrt(q) z)]
    grad_sq: float  # E[f'(sqrt(q) z)^2]
    cross: float  # E[f(x) f'(x) x] / q, x = sqrt(q) z: the derivative of `second` in q
    zero_grad: float  # P(f'(sqrt(q) z) = 0), from the variant's dead zone

    @property
    def std(self) -> float:
        # mean * mean is inf past the float range (mean**2 raises); inf - inf: the second
        # moment has diverged (StarReLU's and xIELU's x² growth), so the spread is infinite.
        var = self.second - self.mean * self.mean
        return math.inf if math.isnan(var) else math.sqrt(max(var, 0.0))


def moments(act: Activation, q: float) -> Moments:
    """E[f], E[f^2], E[f'^2] and friends under N(0, q), by kink-aware quadrature."""
    if not math.isfinite(q):
        nan = math.nan
        return Moments(math.inf, nan, nan, nan, nan)
    std = math.sqrt(q)
    x, w = gaussian_nodes(act.kinks, 0.0, std)
    f, df = act.value_and_grad(x)
    with np.errstate(over="ignore", invalid="ignore"):  # q near overflow: inf, honestly
        second = float(np.dot(w, f * f))
        mean = float(np.dot(w, f))
        grad_sq = float(np.dot(w, df * df))
        cross = float(np.dot(w, f * df * x)) / q if q > 0 else grad_sq
    return Moments(second, mean, grad_sq, cross, zero_grad_share(act, std))


def variance_map(act: Activation, sigma_w2: float, sigma_b2: float, q: float) -> float:
    """q_{l+1} = sigma_w^2 E[f(sqrt(q) z)^2] + sigma_b^2."""
    return sigma_w2 * moments(act, q).second + sigma_b2


@dataclass(frozen=True)
class MeanField:
    """The infinite-width prediction, one value per layer 1..L."""

    q: np.ndarray  # pre-activation second moment
    mean: np.ndarray  # mean of the activations
    std: np.ndarray  # standard deviation of the activations
    zero_grad: np.ndarray  # share of units with f' = 0
    grad: np.ndarray  # |dL/da_l| relative to the last layer


def mean_field(act: Activation, sigma_w2: float, sigma_b2: float, layers: int) -> MeanField:
    q = np.empty(layers)
    mean, std, dead, chi = (np.empty(layers) for _ in range(4))
    q_l = sigma_w2 + sigma_b2  # the inputs have E[x^2] = 1 and are not passed through f
    for layer in range(layers):
        m = moments(act, q_l)
        q[layer], mean[layer], std[layer], dead[layer] = q_l, m.mean, m.std, m.zero_grad
        chi[layer] = sigma_w2 * m.grad_sq
        with np.errstate(over="ignore", invalid="ignore"):
            q_l = sigma_w2 * m.second + sigma_b2
    # |dL/da_{l-1}|^2 = chi_l |dL/da_l|^2: a reversed cumulative product from the last layer.
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        grad_sq = np.concatenate([np.cumprod(chi[:0:-1])[::-1], [1.0]])
        grad = np.sqrt(grad_sq)
    return MeanField(q, mean, std, dead, grad)


@dataclass(frozen=True)
class FixedPoint:
    """Where the variance map leads from the first layer's q."""

    q: float  # the limit of q_l: a fixed point, 0, or inf
    mean: float  # mean of the activations there (nan when q is inf)
    std: float  # their standard deviation
    slope: float  # dq_{l+1}/dq_l at q (< 1 attracting, 1 marginal, > 1 repelling)
    chi: float  # per-layer gradient factor sigma_w^2 E[f'^2] there (> 1: grows backwards)
    fate: str  # where q goes, in a few words


def fixed_point(act: Activation, sigma_w2: float, sigma_b2: float) -> FixedPoint:
    """Where the variance map leads from q_1 = sigma_w^2 + sigma_b^2.

    The map F(q) = sigma_w^2 E[f(sqrt(q) z)^2] + sigma_b^2 is increasing in q for monotone
    variants, so iterating it moves monotonically towards the nearest fixed point in the
    direction of F(q_1) - q_1, or to 0 or infinity when there is none that way. Fixed
    points are bracketed on a log-spaced scan of q and refined by regula falsi. A gap
    F(q) - q below 1e-12 q counts as zero: that is the quadrature's rounding, not a sign.
    """

    def gap(q: float) -> float:
        return variance_map(act, sigma_w2, sigma_b2, q) - q

    def sign(g: float, q: float) -> int:
        return 0 if abs(g) <= _GAP_TOL * q else (1 if g > 0 else -1)

    q1 = sigma_w2 + sigma_b2
    scan = _Q_SCAN
    gaps = np.array([gap(float(q)) for q in scan])
    if np.all(np.abs(gaps) <= 1e-9 * scan):
        # Positively homogeneous f at its critical init (relu with he): F(q) = q.
        return _at(act, sigma_w2, q1, "every q is fixed")
    direction = sign(gap(q1), q1)
    if direction == 0:
        return _at(act, sigma_w2, q1, "")
    # Walk from q1 the way q moves, to the first scan point where the gap has turned.
    ahead = scan > q1 if direction > 0 else scan < q1
    order = slice(None) if direction > 0 else slice(None, None, -1)
    qs = np.concatenate([[q1], scan[ahead][order]])
    gs = np.concatenate([[gap(q1)], gaps[ahead][order]])
    signs = [sign(float(g), float(q)) for g, q in zip(gs, qs)]
    turned = next((i for i, s in enumerate(signs) if s == -direction), None)
    if turned is None:
        if direction > 0:
            big = float(scan[-1])
            growth = (gaps[-1] + big) / big  # F is ~linear at large q
            fate = f"→ inf, ×{growth:.6g}/layer" if growth > 1 + 1e-6 else "→ inf, sub-geometric"
            return FixedPoint(math.inf, math.nan, math.inf, growth, math.nan, fate)
        tiny = float(scan[0])
        ratio = (gaps[0] + tiny - sigma_b2) / tiny  # F(q) / q as q -> 0
        fate = f"→ 0, ×{ratio:.6g}/layer" if ratio < 1 - 1e-6 else "→ 0, sub-geometric"
        # At q = 0 the pre-activations are 0: every activation is f(0), with no spread.
        chi = sigma_w2 * moments(act, tiny).grad_sq
        return FixedPoint(0.0, float(act(0.0)), 0.0, ratio, chi, fate)
    before = max(i for i in range(turned) if signs[i] == direction)
    lo, hi = sorted((float(qs[before]), float(qs[turned])))
    return _at(act, sigma_w2, _bisect(gap, lo, hi), "")


def _bisect(g, lo: float, hi: float) -> float:
    """A root of g in [lo, hi] (g changes sign there): regula falsi with the Illinois
    modification, which keeps the bracket like bisection but converges in ~10 steps."""
    g_lo, g_hi = g(lo), g(hi)
    side = 0
    for _ in range(100):
        if g_lo == g_hi:
            break
        mid = (lo * g_hi - hi * g_lo) / (g_hi - g_lo)
        g_mid = g(mid)
        if g_mid == 0 or hi - lo <= 1e-14 * hi:
            return mid
        if (g_mid > 0) == (g_lo > 0):
            lo, g_lo = mid, g_mid
            if side == -1:
                g_hi /= 2
            side = -1
        else:
            hi, g_hi = mid, g_mid
            if side == 1:
                g_lo /= 2
            side = 1
        if abs(g_mid) <= 1e-15 * mid:
            return mid
    return 0.5 * (lo + hi)


def _at(act: Activation, sigma_w2: float, q: float, fate: str) -> FixedPoint:
    m = moments(act, q)
    slope = sigma_w2 * m.cross
    if not fate:
        if slope < 1 - 1e-9:
            fate = "fixed, attracting"
        elif slope <= 1 + 1e-9:
            fate = "fixed, marginal"
        else:
            fate = "fixed, repelling"
    return FixedPoint(q, m.mean, m.std, slope, sigma_w2 * m.grad_sq, fate)


# --------------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class Setup:
    """A variant with its weight and bias variances."""

    act: Activation
    init: Init
    sigma_w2: float  # weight variance times fan-in
    sigma_b2: float

    @property
    def init_text(self) -> str:
        return self.init.text


def setups_for(acts: Sequence[Activation], config: DepthConfig) -> list[Setup]:
    out = []
    for act in acts:
        init = init_for(act, config.init)
        out.append(Setup(act, init, weight_gain(init, config.width), config.bias_std**2))
    return out


def weight_gain(init: Init, width: int) -> float:
    """sigma_w^2 = fan_in * Var[W] for a square layer; exact for the named schemes (He's is 2,
    not 2.0000000000000004 from squaring sqrt(2 / fan_in))."""
    exact = {"he": 2.0, "lecun": 1.0, "xavier": 1.0}  # xavier: 2 fan_in / (fan_in + fan_out)
    if init.scheme in exact:
        return exact[init.scheme]
    std = init.std_for(width, width)
    return std * std * width


@dataclass(frozen=True)
class Trace:
    """What the simulation measured for one variant, one value per layer 1..L."""

    mean: np.ndarray
    std: np.ndarray
    q: np.ndarray
    zero_grad: np.ndarray
    grad: np.ndarray
    overflow: int | None  # first layer (1-based) whose pre-activations were not finite
    # (L, k) activation values kept per layer (simulate(values=k)), for the animated histogram
    sample: np.ndarray | None = None


def simulate(setups: Sequence[Setup], config: DepthConfig, values: int = 0) -> list[Trace]:
    """Push one batch through the network for every variant at once and backpropagate.

    All variants see the same inputs, the same standard-normal weight draws (scaled by
    their own sigma_w) and the same output gradient, so they differ only by activation and
    init. Each layer's draws come from its own child seed, so the backward pass can redraw
    them exactly instead of keeping every layer's weights. ``values``: also keep up to that
    many activation values per layer and variant (evenly strided over the batch), in
    ``Trace.sample``.
    """
    config = config.validated()
    n_var, depth, width, batch = len(setups), config.layers, config.width, config.batch
    dtype = np.dtype(config.dtype)
    seeds = np.random.SeedSequence(config.seed).spawn(depth + 2)
    scale = np.array([math.sqrt(s.sigma_w2 / width) for s in setups], dtype)[:, None, None]
    bias_std = math.sqrt(setups[0].sigma_b2) if setups else 0.0
    keep = depth * _layer_bytes(width, batch, dtype.itemsize, config.ensemble) <= (
        _WEIGHT_CACHE_BYTES
    )
    cache: dict[int, _Draws] = {}

    def draws(layer: int) -> _Draws:
        if layer in cache:
            return cache[layer]
        d = _draw_layer(seeds[layer + 2], width, batch, dtype, config.ensemble)
        if keep:
            cache[layer] = d
        return d

    x = np.random.default_rng(seeds[0]).standard_normal((batch, width), dtype=dtype)
    a = np.repeat(x[None], n_var, axis=0)  # (variants, batch, width)
    h = np.empty_like(a)
    slopes = np.empty((depth, n_var, batch, width), dtype)  # f'(h_l), for the backward pass
    stats = np.full((5, n_var, depth), np.nan)  # mean, std, q, zero_grad, grad
    overflow: list[int | None] = [None] * n_var
    stride = max(1, -(-batch * width // values)) if values else 0
    kept = np.full((n_var, depth, -(-batch * width // stride) if values else 0), np.nan)

    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for layer in range(depth):
            d = draws(layer)
            if d.flips is not None:
                a *= d.flips
            np.matmul(a.reshape(-1, width), d.weights, out=h.reshape(-1, width))
            h *= scale
            if bias_std:
                h += (bias_std * d.bias).astype(dtype)
            for v, setup in enumerate(setups):
                hv = h[v]
                if overflow[v] is None and not np.all(np.isfinite(hv)):
                    overflow[v] = layer + 1
                    stats[0, v, layer:] = np.nan
                    stats[1:3, v, layer:] = np.inf
                if overflow[v] is not None:
                    a[v] = 0  # keep inf and nan out of the shared matmul
                    slopes[layer, v] = 0
                    continue
                setup.act.value_and_grad(hv, out=(a[v], slopes[layer, v]))
                stats[0, v, layer] = np.mean(a[v], dtype=np.float64)
                stats[1, v, layer] = np.std(a[v], dtype=np.float64)
                stats[2, v, layer] = np.mean(np.square(hv, dtype=np.float64))
                stats[3, v, layer] = np.count_nonzero(slopes[layer, v] == 0) / hv.size
                if values:
                    kept[v, layer] = a[v].reshape(-1)[::stride]

        # Backward: dL/da_L is a random unit vector per input, the same for every variant.
        u = np.random.default_rng(seeds[1]).standard_normal((batch, width), dtype=dtype)
        u /= np.linalg.norm(u, axis=1, keepdims=True)
        delta = np.repeat(u[None], n_var, axis=0)
        grad_sq = np.empty((n_var, depth))
        for layer in range(depth - 1, -1, -1):
            for v in range(n_var):  # one variant at a time: a float64 copy of delta[v] only
                grad_sq[v, layer] = np.mean(np.square(delta[v], dtype=np.float64).sum(axis=1))
            if layer == 0:
                break
            delta *= slopes[layer]
            d = draws(layer)
            # h_l = (a_{l-1} * flips) @ (scale W)  =>  dL/da_{l-1} = (delta @ W^T) scale flips
            np.matmul(delta.reshape(-1, width), d.weights.T, out=h.reshape(-1, width))
            delta, h = h, delta
            delta *= scale
            if d.flips is not None:
                delta *= d.flips
        stats[4] = np.sqrt(grad_sq / grad_sq[:, -1:])

    traces = []
    for v in range(n_var):
        mean, std, q, zero_grad, grad = stats[:, v]
        if overflow[v] is not None:
            grad = np.full(depth, np.nan)  # the loss itself is not finite: no gradient
        sample = kept[v] if values else None
        traces.append(Trace(mean, std, q, zero_grad, grad, overflow[v], sample))
    return traces


def _layer_bytes(width: int, batch: int, itemsize: int, ensemble: bool) -> int:
    """Bytes of one layer's draws: weights and bias, and with --ensemble the sign flips
    and the flipped float64 biases (one per input and unit)."""
    size = width * width * itemsize + 8 * width
    return size + (batch * width * (itemsize + 8) if ensemble else 0)


# What a process holds before any work (the interpreter, NumPy, Click, relucli), and
# Matplotlib besides when a figure is drawn (measured on Linux x86-64).
BASE_BYTES = 48 * 2**20
FIGURE_BYTES = 96 * 2**20


def peak_bytes(config: DepthConfig, variants: int, figure: bool = False) -> int:
    """The peak memory of :func:`run`, from what :func:`simulate` allocates (L layers,
    V variants, batch B, width W, item size s):

    - f'(h) of every layer, kept for the backward pass: L V B W s (the term that grows);
    - the activations, pre-activations and backpropagated gradients: 3 V B W s, and the
      inputs and output gradient: 2 B W s;
    - the weight draws: every layer's when they fit in _WEIGHT_CACHE_BYTES, else one;
    - the largest temporary: one variant's float64 statistics (8 B W, twice), or, with
      --ensemble, drawing a layer's flips and biases (about 17 B W bytes at once).

    Matched against the measured peak RSS within 25% (tests/test_memory.py).
    """
    layers, width, batch = config.layers, config.width, config.batch
    s = np.dtype(config.dtype).itemsize
    per_layer = _layer_bytes(width, batch, s, config.ensemble)
    cache = layers * per_layer if layers * per_layer <= _WEIGHT_CACHE_BYTES else per_layer
    temporary = 17 * batch * width if config.ensemble else 16 * batch * width
    arrays = (layers * variants + 3 * variants + 2) * batch * width * s
    simulation = BASE_BYTES + arrays + cache + temporary
    # The figure is drawn after the simulation's arrays are freed: the larger of the two.
    return max(simulation, BASE_BYTES + FIGURE_BYTES) if figure else simulation


@dataclass(frozen=True)
class _Draws:
    weights: np.ndarray  # (width, width) standard normal, fan-in along the first axis
    bias: np.ndarray  # (width,) standard normal, or (batch, width) with flipped signs
    flips: np.ndarray | None  # (batch, width) of +-1 per input (ensemble), or None


def _draw_layer(seed, width: int, batch: int, dtype: np.dtype, ensemble: bool) -> _Draws:
    # Always the same draws in the same order, so the weights of a seed do not depend on
    # --bias-std or --ensemble.
    rng = np.random.Generator(np.random.SFC64(seed))  # ~35% faster normals than PCG64
    weights = rng.standard_normal((width, width), dtype=dtype)
    bias = rng.standard_normal(width)
    flips = None
    if ensemble:
        flips = np.where(rng.random((batch, width), dtype=dtype) < 0.5, -1, 1).astype(dtype)
        bias = bias * np.where(rng.random((batch, width)) < 0.5, -1.0, 1.0)
    return _Draws(weights, bias, flips)


# ------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class VariantDepth:
    setup: Setup
    sim: Trace
    theory: MeanField
    fixed: FixedPoint

    @property
    def act(self) -> Activation:
        return self.setup.act

    def q_error(self, layers: int | None = None) -> float:
        """max |q_sim / q_theory - 1| over the first ``layers`` layers (all when None)."""
        sim, theory = self.sim.q[:layers], self.theory.q[:layers]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            err = np.abs(sim / theory - 1)
        err[np.isnan(err)] = np.inf  # an overflow on either side is no agreement
        return float(err.max())


@dataclass(frozen=True)
class DepthResult:
    config: DepthConfig
    variants: list[VariantDepth]

    @property
    def layers(self) -> np.ndarray:
        return np.arange(1, self.config.layers + 1)


def run(acts: Sequence[Activation], config: DepthConfig, values: int = 0) -> DepthResult:
    """Simulate every variant and compute its mean-field prediction and fixed point.
    ``values``: activation values kept per layer (see :func:`simulate`)."""
    config = config.validated()
    setups = setups_for(acts, config)
    with one_blas_thread():  # width x width products: faster on one thread (lab/blas.py)
        traces = simulate(setups, config, values)
    out = []
    for setup, trace in zip(setups, traces):
        theory = mean_field(setup.act, setup.sigma_w2, setup.sigma_b2, config.layers)
        fixed = fixed_point(setup.act, setup.sigma_w2, setup.sigma_b2)
        out.append(VariantDepth(setup, trace, theory, fixed))
    return DepthResult(config, out)
