"""An activation: a variant record bound to parameter values and a kink convention."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from .numerics.chunked import KernelArgs, evaluate
from .registry import CONVENTIONS, Interval, SpecError, Variant


class Activation:
    """A variant with its parameters: call it, differentiate it, read its properties.

    >>> import relucli
    >>> elu = relucli.get("elu:alpha=0.5")
    >>> float(elu(-1.0)), float(elu.grad(-1.0))
    (-0.3160602794142788, 0.18393972058572117)
    """

    def __init__(
        self,
        variant: Variant,
        params: Mapping[str, Any] | None = None,
        convention: str = "torch",
        train: bool = False,
        seed: int | None = None,
    ):
        if convention not in CONVENTIONS:
            raise SpecError(f"unknown convention '{convention}' (valid: {', '.join(CONVENTIONS)})")
        self.variant = variant
        self.params: dict[str, Any] = {**variant.defaults(), **(params or {})}
        self.convention = convention
        # Only stochastic variants (RReLU) sample; for the others training mode is eval mode.
        self.train = train and variant.stochastic
        self.seed = seed

    # ------------------------------------------------------------------ evaluation
    def value_and_grad(
        self, x, out: tuple[np.ndarray | None, np.ndarray | None] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """f(x) and f'(x) from one pass of the variant's kernel."""
        value, grad = self._run(x, True, out)
        assert grad is not None
        return value, grad

    def __call__(self, x, out: np.ndarray | None = None) -> np.ndarray:
        return self._run(x, False, (out, None))[0]

    def grad(self, x, out: np.ndarray | None = None) -> np.ndarray:
        """df/dx, with the convention's value at kinks (the values stay in a chunk of
        scratch: no full-size array is allocated for them)."""
        grad = self._run(x, True, (None, out), want_value=False)[1]
        assert grad is not None
        return grad

    def param_grad(self, x, name: str) -> np.ndarray:
        """df/dp for the parameter ``name`` (aliases accepted), elementwise."""
        param = self.variant.param(name)
        rule = self.variant.param_grads.get(param.name)
        if rule is None:
            raise SpecError(f"{self.name}: no gradient with respect to '{param.name}'")
        if self.train:
            raise SpecError(f"{self.name}: parameter gradients are defined in eval mode only")
        x = _real(x)
        dtype = np.float32 if x.dtype == np.float32 else np.float64
        with np.errstate(over="ignore"):  # beyond float32's max, inf is the exact rounding
            return np.asarray(rule(x.astype(np.float64), self.params)).astype(dtype)

    def _run(self, x, want_grad, out, want_value=True):
        x = _real(x)

        def make_args(dtype):
            rng = np.random.default_rng(self.seed) if self.train else None
            return KernelArgs(self.params, dtype, self.convention == "jax", rng)

        return evaluate(self.variant.kernel, x, make_args, want_grad, out, want_value=want_value)

    def one_sided(self, x: float) -> tuple[float, float]:
        """(f'(x-), f'(x+)): the gradient just left and right of x (four ulps away, at
        least 1e-300),
        whatever the convention picks at x itself.

        The step is as small as the float64 grid allows: a branch that changes on a short
        scale (CELU's exp(x/alpha) for alpha = 1e-4 varies by 1e-5 over a step of 1e-9)
        still gives its limit at x, not a value some way off."""
        # Not below 1e-300: a branch chosen by beta*x > t must see the step (beta*5e-324
        # is 0 for beta < 1/2).
        step = max(4 * float(np.spacing(abs(x))), 1e-300)
        return float(self.grad(x - step)), float(self.grad(x + step))

    # ------------------------------------------------------------------ description
    @property
    def name(self) -> str:
        return self.variant.name

    @property
    def spec(self) -> str:
        """The shortest spec that recreates this activation (defaults left out)."""
        changed = [
            f"{p.name}={_fmt(self.params[p.name])}"
            for p in self.variant.params
            if self.params[p.name] != p.default
        ]
        return self.name + (":" + ",".join(changed) if changed else "")

    @property
    def label(self) -> str:
        """A legend label with the parameters: ``leaky_relu (α=0.01)``."""
        shown = [f"{p.label}={_fmt(self.params[p.name])}" for p in self.variant.params]
        mode = ["train"] if self.train else []
        inner = ", ".join(shown + mode)
        return f"{self.name} ({inner})" if inner else self.name

    @property
    def range(self) -> Interval:
        """The output range for these parameters."""
        return self.variant.fact("range", self.params)

    @property
    def grad_range(self) -> Interval:
        return self.variant.fact("grad_range", self.params)

    @property
    def bounds(self) -> tuple[float, float]:
        """The output range's (infimum, supremum)."""
        return self.range.ends

    @property
    def grad_bounds(self) -> tuple[float, float]:
        return self.grad_range.ends

    @property
    def range_open(self) -> tuple[bool, bool]:
        return self.range.open_ends

    @property
    def grad_range_open(self) -> tuple[bool, bool]:
        return self.grad_range.open_ends

    @property
    def kinks(self) -> tuple[float, ...]:
        return tuple(self.variant.fact("kinks", self.params))

    @property
    def jumps(self) -> tuple[float, ...]:
        """Where f itself jumps (softplus at threshold/beta)."""
        return tuple(self.variant.fact("jumps", self.params))

    @property
    def dead_zones(self) -> tuple[Interval, ...]:
        """Intervals where f'(x) = 0 exactly (not merely underflowing)."""
        return tuple(self.variant.fact("dead_zones", self.params))

    @property
    def dead_zone(self) -> tuple[tuple[float, float], ...]:
        """The dead zones as (lo, hi) pairs."""
        return tuple(z.ends for z in self.dead_zones)

    @property
    def continuity(self) -> str:
        return self.variant.fact("continuity", self.params)

    @property
    def monotonic(self) -> bool:
        return self.variant.fact("monotonic", self.params)

    @property
    def formula(self) -> str:
        return self.variant.formula

    @property
    def latex(self) -> str:
        return self.variant.latex

    @property
    def kink_rule(self) -> str:
        if self.convention == "jax" and self.variant.jax_rule:
            return self.variant.jax_rule
        return self.variant.kink_rule or "smooth: no kink"

    def __repr__(self) -> str:
        return f"Activation({self.spec!r}, convention={self.convention!r})"


def _real(x) -> np.ndarray:
    """x as an array of real numbers. Complex input would lose its imaginary part (after a
    ComplexWarning), strings and objects would raise a TypeError deep in NumPy: neither is
    an activation's input, so both are one-line usage errors."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise SpecError(f"input must be real numbers, got {x.dtype.name} values")
    return x


def _fmt(value: Any) -> str:
    """Short text for a parameter value that still reads back exactly where it can: 1/3
    rather than 0.333333 (specs accept fractions)."""
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        short = f"{value:.6g}"
        if float(short) != value:
            ratio = Fraction(value).limit_denominator(1000)
            if float(ratio) == value:
                return f"{ratio.numerator}/{ratio.denominator}"
        return short
    return str(value)
