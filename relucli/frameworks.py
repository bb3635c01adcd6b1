"""What each deep-learning framework does with a variant: its name there, its defaults, where
its definition differs, its gradient at each kink and its values at +-inf.

Every variant record carries these facts in one field, ``frameworks``: a mapping from a
framework in :data:`FRAMEWORKS` to a :class:`FrameworkFacts`. The facts are measured, not
typed from documentation: scripts/make_framework_reference.py runs each framework's own
functions and autodiff into tests/data/framework_reference.json, and tests/test_frameworks.py
checks every fact in every record against that file. Nothing here reads the file at run time.

They drive three things:

- ``--convention FRAMEWORK`` and ``NAME@FRAMEWORK`` specs: the framework's defaults and its
  gradient at each kink (written at the kink points after the kernel has run, see
  :func:`kink_gradients`). The values at +-inf are NOT changed: relucli keeps the
  mathematical limits where frameworks return NaN.
- ``relucli frameworks``: the table of names, defaults, definitions, kink gradients and
  values at +-inf (NaN where the framework gives NaN).
- ``relucli list``: the names users know from their framework.

Adding a framework fact to a variant is one entry in its record's ``frameworks`` mapping;
a fact left out means "as relucli": relucli's defaults, its PyTorch kink rule, the
mathematical limits at +-inf, the same definition.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The frameworks, in the order tables list them. Keras 3 is named with its backend because
# its kink gradients follow the backend's autodiff (leaky'(0) is 0.2 on TF and torch, 1 on
# JAX); tf-keras is Keras 2 (the tf_keras package, tf.keras before TF 2.16), still in wide use,
# with its own defaults (LeakyReLU 0.3, hard_sigmoid 0.2x + 0.5); flax.linen has PReLU (slope
# 0.01, not JAX's absent one) on JAX's autodiff.
FRAMEWORKS: tuple[str, ...] = (
    "torch",
    "jax",
    "flax",
    "tf",
    "tf-keras",
    "keras-tf",
    "keras-jax",
    "keras-torch",
    "mlx",
)
# Spellings a user may type that name no single framework: the error says which to pick.
AMBIGUOUS = {"keras": ("keras-tf", "keras-jax", "keras-torch"), "tensorflow": ("tf",)}

NAN = math.nan
INF = math.inf

Params = Mapping[str, Any]
Limits = tuple[tuple[float, float], tuple[float, float]]  # ((f, f') at -inf, (f, f') at +inf)
KinkFact = Mapping[float, float] | Callable[[Params], Mapping[float, float]] | None
LimitFact = Limits | Callable[[Params], Limits] | None


@dataclass(frozen=True)
class FrameworkFacts:
    """One framework's facts for one variant (measured; see the module docstring).

    ``names``: how the framework spells it, the measured function (or layer) first; empty when
    the framework does not have the variant. ``defaults``: relucli parameter -> the framework's
    default, where it differs from relucli's. ``forms``: other spellings whose defaults differ
    from the function's, e.g. ``{"layer": {"negative_slope": 0.3}}`` for Keras's LeakyReLU
    layer (spec ``leaky_relu@keras-tf.layer``). ``kinks``: {kink: f'(kink)} as a constant or a
    function of the parameters; None means relucli's default (PyTorch) rule. ``limits``: (f,
    f') at -inf and +inf where the framework's differ from the mathematical limits (NaN where
    it gives NaN), ``limits32`` where float32 differs from float64. ``definition``: how the
    framework's formula differs (truncated constants, a parameter rounded to float32, ...).
    """

    names: tuple[str, ...] = ()
    defaults: Mapping[str, float | str] = field(default_factory=dict)
    forms: Mapping[str, Mapping[str, float | str]] = field(default_factory=dict)
    kinks: KinkFact = None
    limits: LimitFact = None
    limits32: LimitFact = None
    definition: str = ""

    def kink_map(self, params: Params) -> Mapping[float, float] | None:
        return self.kinks(params) if callable(self.kinks) else self.kinks

    def limit_pairs(self, params: Params, dtype: str = "float64") -> Limits | None:
        """(f, f') at -inf and +inf where they differ from the limits, else None."""
        fact = self.limits32 if dtype == "float32" and self.limits32 is not None else self.limits
        return fact(params) if callable(fact) else fact


def facts(*names: str, **kw: Any) -> FrameworkFacts:
    """``facts("jax.nn.leaky_relu", kinks={0.0: 1.0})``: the records' compact spelling."""
    return FrameworkFacts(names=names, **kw)


def same_facts(frameworks: tuple[str, ...], value: FrameworkFacts) -> dict[str, FrameworkFacts]:
    """The same facts for several frameworks (Keras's three backends, JAX and Flax)."""
    return dict.fromkeys(frameworks, value)


KERAS = ("keras-tf", "keras-jax", "keras-torch")

# NaN at +-inf, the commonest framework difference: f(-inf) = NaN and f'(+-inf) = NaN (x times
# a vanishing factor: -inf * 0), as gelu, silu and mish give in every framework.
NAN_TAILS: Limits = ((NAN, NAN), (INF, NAN))


def split(suffix: str) -> tuple[str, str]:
    """``keras-tf.layer`` -> ("keras-tf", "layer"); names are case-insensitive, '_' is '-'."""
    text = suffix.strip().lower().replace("_", "-")
    framework, _, form = text.partition(".")
    return framework, form
