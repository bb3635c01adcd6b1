"""Piecewise variants from the ReLU-family literature: StarReLU, SReLU, SmeLU, thresholded
ReLU and the flexible ReLU (FReLU). Each record sits next to its kernel; ``origin`` is
"research" (from papers: none is in PyTorch, JAX, TF 2 or MLX; thresholded ReLU was a Keras 2
layer).

Where a piece crosses zero away from x = 0 (StarReLU's s x² + b, SReLU's affine pieces with
a shifted threshold) the value is formed in double-double (numerics/doubled.py) and rounded
once, so it keeps full relative accuracy right up to its zero. float32 inputs run the
float64 body and round once (``float64_body``).

Kinks follow PyTorch's ReLU convention: the gradient at a kink is the left (x <= kink)
branch's, since PyTorch has none of these functions. As for CELU, ``kinks`` lists only
the points where f' jumps: where C1 pieces meet (StarReLU, SmeLU, xIELU, PELU, ISRLU, ELiSH)
the kink rule says that both sides agree.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..numerics.chunked import KernelArgs, Workspace
from ..numerics.doubled import affine, scaled_square_affine
from ..numerics.elementwise import in_float64
from ..registry import Interval, Param, SpecError, Variant

if TYPE_CHECKING:  # pragma: no cover - typing only
    from fractions import Fraction

INF = math.inf
_BIG = np.finfo(np.float64).max

Body = Callable[[np.ndarray, np.ndarray, "np.ndarray | None", KernelArgs], None]


def float64_body(body: Body):
    """A kernel from a float64 body: float32 chunks run it in float64, with the parameters
    as given, and round once."""

    def kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
        if x.dtype == np.float32:
            exact = Params(a.exact)  # the parameters as given, not rounded to float32
            in_float64(lambda x, v, g: body(x, v, g, exact), x, value, grad, w.scope("float64"))
        else:
            body(x, value, grad, a)

    return kernel


class Params:
    """Parameters as attributes (what a body reads from KernelArgs), from a mapping."""

    def __init__(self, params):
        self.__dict__.update(params)


def nan_like(x: np.ndarray) -> np.ndarray:
    """+0 where x is a number (infinities included), NaN where x is NaN."""
    return np.clip(x, -_BIG, _BIG) * 0.0 + 0.0


def _dd(value: Fraction) -> tuple[float, float, float]:
    """An exact rational as hi + lo + lo2 (159 bits: a product of two floats fits)."""
    from fractions import Fraction  # here: a millisecond off every start-up

    try:
        hi = float(value)
    except OverflowError:  # beyond the float range (srelu's (1 - a) t, a = -1e300, t = 1e300)
        hi = INF if value > 0 else -INF
    if not math.isfinite(hi):
        return hi, 0.0, 0.0
    lo = float(value - Fraction(hi))
    return hi, lo, float(value - Fraction(hi) - Fraction(lo))


# ------------------------------------------------------------------------ StarReLU


def _starrelu(x, value, grad, a: KernelArgs) -> None:
    s, b = float(a.scale), float(a.bias)
    r = np.maximum(x, 0.0)  # NaN kept
    rc = np.minimum(r, _BIG)
    # Plainly, s·r² + b has at most 1.5 ulp of s·r² plus half an ulp: within 4 ulp where
    # |v| >= |b|/2 (no cancellation to speak of) and r² neither overflows nor underflows.
    # The rest (the neighbourhood of the zero, extreme r) takes the double-double path;
    # x <= 0 gives b exactly (r = 0).
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        v = rc * rc
        v *= s
        v += b
        redo = (np.abs(v) < 0.5 * abs(b)) | (rc > 1e150) | ((rc < 1e-150) & (rc > 0))
    idx = np.flatnonzero(redo)
    if idx.size:
        v.reshape(-1)[idx] = scaled_square_affine(rc.reshape(-1)[idx], s, b)
    value[...] = v
    if grad is not None:
        if s == 0:
            grad[...] = nan_like(x)
        else:
            with np.errstate(over="ignore"):
                np.multiply(r, 2 * s, out=grad)  # 2s exact; s*inf = the infinite limit
            grad += 0.0  # -0 (x = -0) becomes +0


def square_relu(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # beyond the float range inf is the rounding
        return np.square(np.maximum(x, 0.0))


def _star_range(p) -> Interval:
    s, b = p["scale"], p["bias"]
    if s > 0:
        return Interval(b, INF)
    return Interval(-INF, b) if s < 0 else Interval(b, b)


def _star_grads(p) -> Interval:
    s = p["scale"]
    if s > 0:
        return Interval(0.0, INF)
    return Interval(-INF, 0.0) if s < 0 else Interval(0.0, 0.0)


STARRELU = Variant(
    name="starrelu",
    aliases=("star_relu",),
    summary="Scaled squared ReLU plus a bias (MetaFormer): s·relu(x)² + b.",
    formula="scale·max(0, x)² + bias",
    latex=r"s \max(0, x)^2 + b",
    kernel=float64_body(_starrelu),
    params=(
        Param("scale", 0.8944, "scale of the squared ReLU", "s"),
        Param("bias", -0.4472, "added constant", "b"),
    ),
    range=_star_range,
    grad_range=_star_grads,
    continuity="C1",
    monotonic=lambda p: p["scale"] >= 0,
    dead_zones=lambda p: (Interval(-INF, INF),) if p["scale"] == 0 else (Interval(-INF, 0.0),),
    param_grads={"scale": lambda x, p: square_relu(x), "bias": lambda x, p: nan_like(x) + 1},
    kink_rule="starrelu′(0) = 0 (both sides agree)",
    reference=(
        "Yu et al. 2022, MetaFormer Baselines for Vision (s = 0.8944, b = −0.4472: unit"
        " variance and zero mean for x ~ N(0, 1))"
    ),
    origin="research",
)

# --------------------------------------------------------------------------- SReLU


def _srelu_constants(p) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """(1 - a) t for each side, exactly, as hi + lo + lo2: each piece is a*x + (1 - a)*t."""
    return _srelu_constants_of(*(float(p[k]) for k in ("a_left", "t_left", "a_right", "t_right")))


@functools.lru_cache(maxsize=64)
def _srelu_constants_of(a_left: float, t_left: float, a_right: float, t_right: float):
    # Cached: exact rational arithmetic costs ~10 us, paid on every kernel call before.
    from fractions import Fraction  # here: a millisecond off every start-up

    left = (1 - Fraction(a_left)) * Fraction(t_left)
    right = (1 - Fraction(a_right)) * Fraction(t_right)
    return _dd(left), _dd(right)


def _srelu_limit(slope: float, end: float, sign: float) -> float:
    """The value at sign*inf of a piece with this slope through (t, t)."""
    return end if slope == 0 else math.copysign(INF, slope * sign)


def _srelu_piece(x, slope: float, t: float, c: tuple[float, float, float]):
    """slope*x + (1 - slope)*t exactly rounded; where the constant (1 - slope) t is beyond
    the float range (|slope t| > 1.8e308) the plain t + slope (x - t), which has an
    error of a few ulps of slope (x - t) (measured in the accuracy report) but no inf - inf."""
    if c[1] == c[2] == 0 and (slope == 0 or (abs(slope) <= 1 and math.frexp(slope)[0] == 0.5)):
        # slope a power of two (or 0) and a one-float constant: slope*x is exact (bar
        # underflow), so slope*x + c is one rounding, as affine() would give, in one pass
        # (the defaults: 0.5 x on the left, x on the right).
        return np.multiply(x, slope) + c[0]
    if math.isfinite(c[0]):
        return affine(x, slope, c)
    with np.errstate(over="ignore", invalid="ignore"):
        return t + slope * (x - t)


def _srelu(x, value, grad, a: KernelArgs) -> None:
    p = {k: float(getattr(a, k)) for k in ("t_left", "a_left", "t_right", "a_right")}
    cl, cr = _srelu_constants(p)
    xc = np.clip(x, -_BIG, _BIG)
    left = _srelu_piece(xc, p["a_left"], p["t_left"], cl)
    right = _srelu_piece(xc, p["a_right"], p["t_right"], cr)
    at_left = x <= p["t_left"]
    middle = (x > p["t_left"]) & (x <= p["t_right"])
    v = np.where(at_left, left, np.where(middle, x, right))
    v = np.where(x == -INF, _srelu_limit(p["a_left"], p["t_left"], -1), v)
    value[...] = np.where(x == INF, _srelu_limit(p["a_right"], p["t_right"], 1), v)
    if grad is not None:
        # The left branch at each kink: a_left at t_left, 1 (the middle) at t_right.
        g = np.where(at_left, p["a_left"], np.where(middle, 1.0, p["a_right"]))
        np.add(g, nan_like(x), out=grad)


def _check_srelu(p) -> None:
    if not p["t_left"] < p["t_right"]:
        raise SpecError(
            "srelu: t_left must be < t_right,"
            f" got t_left={p['t_left']:g} >= t_right={p['t_right']:g}"
        )


def _srelu_range(p) -> Interval:
    al, ar = p["a_left"], p["a_right"]
    lo = -INF if al > 0 or ar < 0 else min(p["t_left"], p["t_right"])
    hi = INF if ar > 0 or al < 0 else max(p["t_left"], p["t_right"])
    return Interval(lo, hi)


def _srelu_dead(p) -> tuple[Interval, ...]:
    zones = []
    if p["a_left"] == 0:
        zones.append(Interval(-INF, p["t_left"]))
    if p["a_right"] == 0:
        zones.append(Interval(p["t_right"], INF))
    return tuple(zones)


def _srelu_kinks(p) -> tuple[float, ...]:
    kinks = []
    if p["a_left"] != 1:
        kinks.append(p["t_left"])
    if p["a_right"] != 1:
        kinks.append(p["t_right"])
    return tuple(kinks)


def _srelu_side(side: str, what: str):
    def rule(x: np.ndarray, p) -> np.ndarray:
        t, slope = p[f"t_{side}"], p[f"a_{side}"]
        on = x <= t if side == "left" else x > t
        d = (1 - slope) * np.ones_like(x) if what == "t" else x - t
        return np.where(np.isnan(x), np.nan, np.where(on, d, 0.0))

    return rule


SRELU = Variant(
    name="srelu",
    aliases=("s_relu",),
    summary="S-shaped ReLU: identity between two thresholds, learned slopes outside.",
    formula=(
        "t_right + a_right·(x − t_right) if x ≥ t_right; x if t_left < x < t_right;"
        " t_left + a_left·(x − t_left) if x ≤ t_left"
    ),
    latex=(
        r"\begin{cases} t_r + a_r (x - t_r) & x \ge t_r \\ x & t_l < x < t_r \\"
        r" t_l + a_l (x - t_l) & x \le t_l \end{cases}"
    ),
    kernel=float64_body(_srelu),
    params=(
        Param("t_left", 0.0, "left threshold", "t_l"),
        Param("a_left", 0.5, "slope left of t_left", "a_l"),
        Param("t_right", 2.5, "right threshold", "t_r"),
        Param("a_right", 1.0, "slope right of t_right", "a_r"),
    ),
    range=_srelu_range,
    grad_range=lambda p: Interval(
        min(p["a_left"], 1.0, p["a_right"]), max(p["a_left"], 1.0, p["a_right"])
    ),
    continuity=lambda p: "C∞" if p["a_left"] == p["a_right"] == 1 else "C0",
    monotonic=lambda p: p["a_left"] >= 0 and p["a_right"] >= 0,
    kinks=_srelu_kinks,
    dead_zones=_srelu_dead,
    check=_check_srelu,
    param_grads={
        "t_left": _srelu_side("left", "t"),
        "a_left": _srelu_side("left", "a"),
        "t_right": _srelu_side("right", "t"),
        "a_right": _srelu_side("right", "a"),
    },
    kink_rule="srelu′(t_left) = a_left and srelu′(t_right) = 1 (the left branch at each kink)",
    reference=(
        "Jin et al. 2016, Deep Learning with S-shaped Rectified Linear Activation Units;"
        " defaults are keras-contrib's initializers (t_l = 0, a_l ~ U(0, 1) at its mean,"
        " t_r ~ U(0, 5) at its mean, a_r = 1)"
    ),
    origin="research",
)

# --------------------------------------------------------------------------- SmeLU


def _smelu(x, value, grad, a: KernelArgs) -> None:
    b = float(a.beta)
    u = np.clip(x, -b, b)  # NaN kept
    half = np.add(u, b)
    half *= 0.5  # (x + beta)/2: exact halving
    ratio = half / b  # (x + beta)/(2 beta), in [0, 1]: no 4*beta overflow
    mid = half * ratio  # (x + beta)²/(4 beta)
    above = x >= b
    value[...] = np.where(above, x, mid)
    if grad is not None:
        grad[...] = np.where(above, 1.0, ratio)


def _d_smelu_beta(x: np.ndarray, p) -> np.ndarray:
    # d/dbeta (x + beta)²/(4 beta) = (x + beta)(beta - x)/(4 beta²), zero outside |x| < beta
    b = p["beta"]
    u = np.clip(x, -b, b)
    return ((u + b) / (2 * b)) * ((b - u) / (2 * b))


SMELU = Variant(
    name="smelu",
    aliases=("smooth_relu",),
    summary="Smooth ReLU: 0, a quadratic bridge of half-width beta, then x (C1).",
    formula="0 if x ≤ −beta; (x + beta)²/(4·beta) if −beta < x < beta; x if x ≥ beta",
    latex=(
        r"\begin{cases} 0 & x \le -\beta \\ \frac{(x + \beta)^2}{4\beta} & |x| < \beta \\"
        r" x & x \ge \beta \end{cases}"
    ),
    kernel=float64_body(_smelu),
    params=(Param("beta", 2.0, "half-width of the quadratic part", "β", low=0.0, low_open=True),),
    range=Interval(0.0, INF),
    grad_range=Interval(0.0, 1.0),
    continuity="C1",
    monotonic=True,
    # f'' jumps at -+beta (as sparse_plus's kinks): quadrature splits there, else a
    # Gauss-Legendre piece across them is 1e-8 off in the mean.
    kinks=lambda p: (-p["beta"], p["beta"]),
    dead_zones=lambda p: (Interval(-INF, -p["beta"]),),
    param_grads={"beta": _d_smelu_beta},
    kink_rule="smelu′(−beta) = 0 and smelu′(beta) = 1 (both sides agree)",
    reference=(
        "Shamir, Lin & Coviello 2020, Smooth Activations and Reproducibility in Deep"
        " Networks (beta = 2: the default of public implementations)"
    ),
    origin="research",
)

# ------------------------------------------------------------------ thresholded ReLU


def _thresholded_relu(x, value, grad, a: KernelArgs) -> None:
    theta = float(a.theta)
    step = np.greater(x, theta).astype(np.float64)  # 0 for NaN, restored below
    np.multiply(np.maximum(x, -_BIG), step, out=value)  # -inf * 0 would be NaN; NaN kept
    value += 0.0  # the -0 of negative x times 0 becomes +0
    if grad is not None:
        np.add(step, nan_like(x), out=grad)


THRESHOLDED_RELU = Variant(
    name="thresholded_relu",
    aliases=("thresholdedrelu",),
    summary="Passes x above a threshold, zero elsewhere (a jump at theta > 0).",
    formula="x if x > theta else 0",
    latex=r"\begin{cases} x & x > \theta \\ 0 & x \le \theta \end{cases}",
    kernel=float64_body(_thresholded_relu),
    params=(Param("theta", 1.0, "threshold", "θ", low=0.0),),
    range=Interval(0.0, INF),
    grad_range=Interval(0.0, 1.0),
    continuity=lambda p: "C0" if p["theta"] == 0 else "discontinuous",
    monotonic=True,
    kinks=lambda p: (p["theta"],),
    dead_zones=lambda p: (Interval(-INF, p["theta"]),),
    param_grads={"theta": lambda x, p: np.where(np.isnan(x), np.nan, 0.0)},
    kink_rule="thresholded_relu′(theta) = 0 (the x ≤ theta branch, as Keras's x·[x > theta])",
    reference="Konda et al. 2015, Zero-bias autoencoders; Keras ThresholdedReLU (theta = 1)",
    origin="research",
)

# ------------------------------------------------------------- FReLU (flexible ReLU)


def _frelu(x, value, grad, a: KernelArgs) -> None:
    r = np.maximum(x, 0.0)  # NaN kept
    np.add(r, float(a.bias), out=value)
    if grad is not None:
        np.add(np.greater(x, 0.0), nan_like(x), out=grad)  # relu′(0) = 0


FRELU = Variant(
    name="frelu",
    aliases=("flexible_relu",),
    summary="Flexible ReLU: ReLU shifted by a learned bias b (not the funnel activation).",
    formula="max(0, x) + bias",
    latex=r"\max(0, x) + b",
    kernel=float64_body(_frelu),
    params=(Param("bias", 0.0, "learned output shift", "b"),),
    range=lambda p: Interval(p["bias"], INF),
    grad_range=Interval(0.0, 1.0),
    continuity="C0",
    monotonic=True,
    kinks=(0.0,),
    dead_zones=(Interval(-INF, 0.0),),
    param_grads={"bias": lambda x, p: np.where(np.isnan(x), np.nan, 1.0)},
    kink_rule="frelu′(0) = 0 (as relu′(0))",
    reference="Qiu, Xu & Cai 2018, FReLU: Flexible Rectified Linear Units (b starts at 0)",
    origin="research",
)
