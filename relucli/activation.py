"""An activation: a variant record bound to parameter values and a kink convention."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .numerics.chunked import KernelArgs, _in_float64, chunk_for, evaluate, evaluate_chunk
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
        framework: str = "",
    ):
        if convention not in CONVENTIONS:
            raise SpecError(f"unknown convention '{convention}' (valid: {', '.join(CONVENTIONS)})")
        self.variant = variant
        self.params: dict[str, Any] = {**variant.defaults(), **(params or {})}
        self.convention = convention
        # The spec's own @FRAMEWORK[.FORM] ("" when the convention came from --convention):
        # shown in ``spec``, so `leaky leaky@keras-tf` are two columns.
        self.framework = framework
        # Only stochastic variants (RReLU) sample; for the others training mode is eval mode.
        self.train = train and variant.stochastic
        self.seed = seed
        self._kernel = _with_kinks(variant.kernel, self.kink_fixes())
        self._fast_for: dict[str, Any] | None = None
        self._fast_cache: dict[np.dtype, tuple[Any, KernelArgs, int]] = {}

    # ------------------------------------------------------------------ evaluation
    def value_and_grad(
        self, x, out: tuple[np.ndarray | None, np.ndarray | None] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """f(x) and f'(x) from one pass of the variant's kernel."""
        if out is None and type(x) is np.ndarray:
            fast = self._fast.get(x.dtype)
            if fast is not None and 0 < x.size <= fast[2] and x.flags.c_contiguous:
                return evaluate_chunk(fast[0], x, fast[1])  # type: ignore[return-value]
        value, grad = self._run(x, True, out)
        assert grad is not None
        return value, grad

    def __call__(self, x, out: np.ndarray | None = None) -> np.ndarray:
        if out is None and type(x) is np.ndarray:
            fast = self._fast.get(x.dtype)
            if fast is not None and 0 < x.size <= fast[2] and x.flags.c_contiguous:
                return evaluate_chunk(fast[0], x, fast[1], want_grad=False)[0]  # type: ignore[return-value]
        return self._run(x, False, (out, None))[0]

    def grad(self, x, out: np.ndarray | None = None) -> np.ndarray:
        """df/dx, with the convention's value at kinks (the values stay in a chunk of
        scratch: no full-size array is allocated for them)."""
        if out is None and type(x) is np.ndarray:
            fast = self._fast.get(x.dtype)
            if fast is not None and 0 < x.size <= fast[2] and x.flags.c_contiguous:
                return evaluate_chunk(fast[0], x, fast[1], want_value=False)[1]  # type: ignore[return-value]
        grad = self._run(x, True, (None, out), want_value=False)[1]
        assert grad is not None
        return grad

    @property
    def _fast(self) -> dict[np.dtype, tuple[Any, KernelArgs, int]]:
        """(kernel, arguments, largest size) of the one-chunk path per working dtype: built
        once (the arguments' checks and casts cost microseconds), rebuilt if ``params`` is
        changed in place. Empty in training mode, whose generator is new on every call."""
        if self._fast_for != self.params:
            self._fast_cache = {}
            if not self.train:
                jax = self.convention == "jax"
                for dtype in (np.dtype(np.float32), np.dtype(np.float64)):
                    args = KernelArgs(self.params, dtype, jax)
                    kernel = self._kernel
                    if not args.fits:
                        kernel = _in_float64(kernel, KernelArgs(self.params, np.float64, jax))
                    self._fast_cache[dtype] = (kernel, args, chunk_for(self._kernel, dtype))
            self._fast_for = dict(self.params)
        return self._fast_cache

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
            if not self.train:  # the arguments built once per dtype (see _fast)
                return self._fast[np.dtype(dtype)][1]
            rng = np.random.default_rng(self.seed)
            return KernelArgs(self.params, dtype, self.convention == "jax", rng)

        return evaluate(self._kernel, x, make_args, want_grad, out, want_value=want_value)

    def kink_fixes(self) -> tuple[tuple[float, float], ...]:
        """(kink, f'(kink)) pairs the convention writes over the kernel's gradient.

        Kernels compute PyTorch's kink gradients (and JAX's, told by ``KernelArgs.jax``); any
        other rule comes from the record's measured facts for the convention and is written
        at the kink points after the kernel has run. None under the default convention, nor
        where the kernel already gives the framework's value, so those paths cost nothing
        extra; RReLU's training mode has random slopes, not a kink rule.
        """
        facts = self.variant.frameworks.get(self.convention)
        if self.convention == "torch" or self.train or facts is None:
            return ()
        kinks = facts.kink_map(self.params)
        if not kinks:
            return ()
        # Only where the kernel's own rule gives another value (under jax the kernels
        # already take JAX's branch): one tiny kernel call, once per activation.
        at = np.array(sorted(kinks))
        jax = self.convention == "jax"
        _, own = evaluate(
            self.variant.kernel, at, lambda dtype: KernelArgs(self.params, dtype, jax)
        )
        assert own is not None
        return tuple((float(k), float(kinks[k])) for k, g in zip(at, own) if float(g) != kinks[k])

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
        """The shortest spec that recreates this activation under its convention (defaults,
        the convention's or the spec's @FRAMEWORK's, left out)."""
        framework, _, form = self.framework.partition(".")
        if framework:
            defaults = self.variant.defaults(framework, form)
        elif self.variant.in_framework(self.convention):
            defaults = self.variant.defaults(self.convention)
        else:
            defaults = self.variant.defaults()
        changed = [
            f"{p.name}={_fmt(self.params[p.name])}"
            for p in self.variant.params
            if self.params[p.name] != defaults[p.name]
        ]
        name = self.name + (f"@{self.framework}" if self.framework else "")
        return name + (":" + ",".join(changed) if changed else "")

    @property
    def label(self) -> str:
        """A legend label with the parameters: ``leaky_relu (α=0.01)``, and the spec's own
        framework: ``leaky_relu@keras-jax (α=0.2)``."""
        shown = [f"{p.label}={_fmt(self.params[p.name])}" for p in self.variant.params]
        mode = ["train"] if self.train else []
        inner = ", ".join(shown + mode)
        name = self.name + (f"@{self.framework}" if self.framework else "")
        return f"{name} ({inner})" if inner else name

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
        fixes = self.kink_fixes()
        if fixes and self.convention != "jax":
            at = " and ".join(f"{self.name}′({_fmt(k)}) = {_fmt(g)}" for k, g in fixes)
            return f"{at} ({self.convention})"
        return self.variant.kink_rule or "smooth: no kink"

    def __repr__(self) -> str:
        return f"Activation({self.spec!r}, convention={self.convention!r})"


def _with_kinks(kernel, fixes: tuple[tuple[float, float], ...]):
    """``kernel``, then each kink's gradient written where x is that kink (NaN never is)."""
    if not fixes:
        return kernel

    def fixed(x, value, grad, a: KernelArgs, w) -> None:
        kernel(x, value, grad, a, w)
        if grad is None:
            return
        hit = w.scope("kinks").buf(0, x, np.bool_)
        for kink, slope in fixes:
            # The kink as the kernel saw it: parameters are cast to the working dtype.
            np.equal(x, x.dtype.type(kink), out=hit)
            np.copyto(grad, x.dtype.type(slope), where=hit)

    fixed.streaming = getattr(kernel, "streaming", False)  # type: ignore[attr-defined]
    return fixed


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
            from fractions import Fraction  # here: 1.3 ms that most commands never need

            ratio = Fraction(value).limit_denominator(1000)
            if float(ratio) == value:
                return f"{ratio.numerator}/{ratio.denominator}"
        return short
    return str(value)
