"""Algebraic rectifiers of the frameworks: squareplus (JAX), sparse_plus (JAX, Keras 3),
squared ReLU, and the identity (Keras's linear, JAX's identity), each record next to its
kernel. No exponentials: square roots and polynomials, written so nothing cancels.
"""

from __future__ import annotations

import math

import numpy as np

from ..frameworks import KERAS, NAN, NAN_TAILS, facts, same_facts
from ..numerics.chunked import KernelArgs, Workspace, streaming
from ..numerics.elementwise import const, in_float64
from ..registry import Interval, Param, Variant

INF = math.inf

# ------------------------------------------------------------------------ squareplus


def squareplus_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    b = float(a.exact["b"])
    if x.dtype == np.float32:
        body = lambda x, v, g: _squareplus(x, v, g, b, w.scope("body"))  # noqa: E731
        in_float64(body, x, value, grad, w.scope("float64"))
        return
    _squareplus(x, value, grad, b, w)


def _squareplus(x, value, grad, b: float, w: Workspace) -> None:
    # (x + r)/2 with r = sqrt(x^2 + b) = hypot(x, sqrt b) (no overflow of x^2). For x < 0
    # that difference cancels (JAX's squareplus(-1e200) is inf): there it is b/(2(r + |x|)).
    # Both sides: f' = (1 + x/r)/2 = f/r, no cancellation either.
    big = np.finfo(np.float64).max
    xf = np.clip(x, -big, big, out=w.buf(0, x))
    half = np.abs(xf, out=w.buf(2, x))
    # sqrt(x^2 + b) as NumPy's SIMD sqrt (np.hypot is the C library's, element by element:
    # most of the kernel's time): within an ulp where x^2 + b neither overflows nor
    # underflows; elsewhere (|x| > 1e150, b > 1e300, |x| and b tiny) hypot, as before.
    # The choice is made per element (chunking must not change any result).
    r = w.buf(1, x)
    if 1e-300 <= b <= 1e300:
        np.minimum(half, 1e150, out=r)
        r *= r
        r += b
        np.sqrt(r, out=r)
        far = half > 1e150
        if far.any():
            r[far] = np.hypot(xf[far], math.sqrt(b))
    else:
        np.hypot(xf, math.sqrt(b), out=r)
    half *= 0.5
    half += np.multiply(r, 0.5, out=w.buf(3, x))  # (r + |x|)/2, never overflows
    left = np.divide(b / 4, half, out=w.buf(3, x))  # b/4 exact (b normal)
    np.copyto(value, half)
    np.copyto(value, left, where=xf < 0)
    if grad is not None:
        np.divide(value, r, out=grad)
    # The limits, where the clipped x gave max and b/(4 max):
    np.copyto(value, x, where=x == INF)
    np.copyto(value, 0.0, where=x == -INF)


def _d_squareplus_b(x: np.ndarray, p) -> np.ndarray:
    # d/db (x + sqrt(x^2 + b))/2 = 1/(4 sqrt(x^2 + b)).
    return 0.25 / np.hypot(x, math.sqrt(p["b"]))


SQUAREPLUS = Variant(
    name="squareplus",
    aliases=("square_plus",),
    summary="Softplus-like algebraic rectifier: (x + √(x² + b))/2.",
    formula="(x + √(x² + b))/2",
    latex=r"\tfrac{1}{2}\left(x + \sqrt{x^2 + b}\right)",
    kernel=squareplus_kernel,
    params=(Param("b", 4.0, "curvature near 0 (f(0) = √b/2)", "b", low=0.0, low_open=True),),
    range=Interval(0.0, INF, lo_open=True),
    grad_range=Interval(0.0, 1.0, True, True),
    continuity="C∞",
    monotonic=True,
    param_grads={"b": _d_squareplus_b},
    reference="Barron 2021",
    # (x + √(x² + b))/2 at -inf is (-inf + inf)/2: NaN, and the gradients are NaN too.
    frameworks={
        "jax": facts("jax.nn.squareplus", limits=NAN_TAILS),
        **same_facts(
            KERAS, facts("keras.activations.squareplus", "keras.ops.squareplus", limits=NAN_TAILS)
        ),
    },
)

# ----------------------------------------------------------------------- sparse_plus


@streaming
def sparse_plus_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    # 0 for x <= -1, (x + 1)^2/4 between, x for x >= 1. With c = clip(x, -1, 1) and
    # q = (c + 1)^2/4: q >= x everywhere below 1 ((x + 1)^2 - 4x = (x - 1)^2) and q = 1 <= x
    # above, so max(q, x) picks the branch.
    c = np.clip(x, -1, 1, out=w.buf(0, x))  # NaN stays NaN
    c += const(x, 1)
    q = np.multiply(c, c, out=w.buf(1, x))
    q *= const(x, 0.25)
    np.maximum(q, x, out=value)
    if grad is not None:
        np.multiply(c, const(x, 0.5), out=grad)  # (c + 1)/2: 0, (x + 1)/2, 1


# The values are right at +-inf, the gradients NaN (a where() whose unused branch is NaN there).
_SPARSE_PLUS_LIMITS = ((0.0, NAN), (INF, NAN))

SPARSE_PLUS = Variant(
    name="sparse_plus",
    aliases=("sparseplus",),
    summary="JAX's sparse plus: 0 below −1, the parabola (x + 1)²/4, x above 1.",
    formula="0 if x ≤ −1, (x + 1)²/4 if −1 < x < 1, x if x ≥ 1",
    latex=r"\begin{cases} 0 & x \le -1 \\ \tfrac{1}{4}(x + 1)^2 & -1 < x < 1"
    r" \\ x & x \ge 1 \end{cases}",
    kernel=sparse_plus_kernel,
    range=Interval(0.0, INF),
    grad_range=Interval(0.0, 1.0),
    continuity="C1",
    monotonic=True,
    kinks=(-1.0, 1.0),  # f'' jumps there
    dead_zones=(Interval(-INF, -1.0),),
    kink_rule="sparse_plus′(−1) = 0 and sparse_plus′(1) = 1 (both sides agree)",
    reference="Martins & Astudillo 2016 (sparsemax's); jax.nn.sparse_plus",
    frameworks={
        "jax": facts("jax.nn.sparse_plus", limits=_SPARSE_PLUS_LIMITS),
        **same_facts(
            KERAS,
            facts(
                "keras.activations.sparse_plus", "keras.ops.sparse_plus", limits=_SPARSE_PLUS_LIMITS
            ),
        ),
    },
)

# ---------------------------------------------------------------------- squared ReLU


@streaming
def relu2_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    r = np.maximum(x, w.full(0, x), out=w.buf(0, x))  # NaN stays NaN
    with np.errstate(over="ignore"):  # x^2 past the float range: inf is the rounding
        np.multiply(r, r, out=value)
        if grad is not None:
            np.multiply(r, const(x, 2), out=grad)
    if grad is not None:
        grad += const(x, 0)  # 2·(-0) = -0 becomes +0


RELU2 = Variant(
    name="relu2",
    aliases=("squared_relu", "relu_squared", "square_relu"),
    summary="Squared ReLU (Primer): max(0, x)², smooth at 0 to first order.",
    formula="max(0, x)²",
    latex=r"\max(0, x)^2",
    kernel=relu2_kernel,
    range=Interval(0.0, INF),
    grad_range=Interval(0.0, INF),
    continuity="C1",
    monotonic=True,
    kinks=(0.0,),  # f'' jumps there
    dead_zones=(Interval(-INF, 0.0),),
    kink_rule="relu2′(0) = 0 (both sides agree)",
    reference="So et al. 2021",
    frameworks={"mlx": facts("mlx.nn.relu2", "mlx.nn.ReLU2")},
    # MLX ships it (mlx.nn.relu2, measured); PyTorch, JAX, TF and Keras leave it to models.
)

# -------------------------------------------------------------------------- identity


@streaming
def identity_kernel(x, value, grad, a: KernelArgs, w: Workspace) -> None:
    np.copyto(value, x)
    if grad is not None:
        np.equal(x, x, out=grad, casting="unsafe")  # 1, 0 for NaN...
        np.copyto(grad, x, where=grad == 0)  # ...which becomes NaN


IDENTITY = Variant(
    name="identity",
    aliases=("linear",),
    summary="The identity (Keras's linear): no activation, the baseline.",
    formula="x",
    latex="x",
    kernel=identity_kernel,
    range=Interval(-INF, INF),
    grad_range=Interval(1.0, 1.0),
    continuity="C∞",
    monotonic=True,
    init="lecun",  # a linear unit keeps the variance with 1/fan_in
    frameworks={
        "torch": facts("torch.nn.Identity"),
        "jax": facts("jax.nn.identity"),
        "tf": facts("tf.identity"),
        "tf-keras": facts("tf_keras.activations.linear"),
        **same_facts(KERAS, facts("keras.activations.linear")),
        "mlx": facts("mlx.nn.Identity"),
    },
)
