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
  :meth:`Activation.kink_fixes`). The values at +-inf are NOT changed: relucli keeps the
  mathematical limits where frameworks return NaN, and NaN where a framework turns NaN
  into a number.
- ``relucli frameworks``: the table of names, defaults, definitions, kink gradients and
  values at +-inf (NaN where the framework gives NaN).
- ``relucli list``'s framework names (:func:`spellings`) and the README's kink table
  (:func:`kink_differences`, via scripts/readme_examples.py).

Adding a framework fact to a variant is one entry in its record's ``frameworks`` mapping;
a fact left out means "as relucli": relucli's defaults, its PyTorch kink rule, the
mathematical limits at +-inf, the same definition.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the registry imports this module
    from .activation import Activation
    from .registry import Variant

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
# Spellings a user may type that are not framework names here: the error says which to pick.
AMBIGUOUS = {
    "keras": ("keras-tf", "keras-jax", "keras-torch"),
    "keras3": ("keras-tf", "keras-jax", "keras-torch"),
    "keras2": ("tf-keras",),
    "tensorflow": ("tf",),
    "pytorch": ("torch",),
}

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
    it gives NaN), ``limits32`` where float32 differs from float64. ``nan``: f(NaN) where
    the framework does not give NaN (a where(x > t, ...) is false for NaN), as a constant or a
    function of the parameters. ``definition``: how the framework's formula differs
    (truncated constants, a parameter rounded to float32, ...).
    """

    names: tuple[str, ...] = ()
    defaults: Mapping[str, float | str] = field(default_factory=dict)
    forms: Mapping[str, Mapping[str, float | str]] = field(default_factory=dict)
    kinks: KinkFact = None
    limits: LimitFact = None
    limits32: LimitFact = None
    nan: float | Callable[[Params], float] | None = None
    definition: str = ""

    def kink_map(self, params: Params) -> Mapping[float, float] | None:
        return self.kinks(params) if callable(self.kinks) else self.kinks

    def limit_pairs(self, params: Params, dtype: str = "float64") -> Limits | None:
        """(f, f') at -inf and +inf where they differ from the limits, else None."""
        fact = self.limits32 if dtype == "float32" and self.limits32 is not None else self.limits
        return fact(params) if callable(fact) else fact

    def nan_value(self, params: Params) -> float:
        """f(NaN) in the framework: NaN unless the record says otherwise."""
        return NAN if self.nan is None else (self.nan(params) if callable(self.nan) else self.nan)


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


def short_list(frameworks: Iterable[str]) -> str:
    """Frameworks in table order, Keras's three backends as one "keras" when all have it."""
    fws = [f for f in FRAMEWORKS if f in set(frameworks)]
    if all(k in fws for k in KERAS):
        at = fws.index(KERAS[0])
        fws = [f for f in fws if f not in KERAS]
        fws.insert(at, "keras")
    return ", ".join(fws)


def spellings(variant: Variant) -> str:
    """What the frameworks call a variant, compactly for `relucli list`: each function name
    (a layer's where the framework has no function) with the frameworks that spell it so,
    names shared by the same frameworks together: ``hardtanh (torch); hard_tanh (jax, ...)``.
    """
    by_name: dict[str, list[str]] = {}
    for fw in FRAMEWORKS:
        facts = variant.frameworks.get(fw)
        if facts is None or not facts.names:
            continue
        last = [n.rsplit(".", 1)[-1] for n in facts.names]
        functions = [n for n in last if _form_of(n) != "layer"]
        for name in dict.fromkeys(functions or last[:1]):
            by_name.setdefault(name, []).append(fw)
    by_frameworks: dict[tuple[str, ...], list[str]] = {}
    for name, fws in by_name.items():
        by_frameworks.setdefault(tuple(fws), []).append(name)
    return "; ".join(
        f"{', '.join(names)} ({short_list(fws)})" for fws, names in by_frameworks.items()
    )


# ------------------------------------------------------------------ the comparison table

TABLE_HEADERS = (
    "variant",
    "framework",
    "name",
    "defaults",
    "f′ at kinks",
    "f(−∞)",
    "f′(−∞)",
    "f(∞)",
    "f′(∞)",
    "notes",
)


@dataclass(frozen=True)
class Row:
    """One (variant, framework) row of `relucli frameworks`; ``notes`` are the differences
    from relucli's defaults, each a sentence (the command numbers them as footnotes)."""

    cells: tuple[Any, ...]
    notes: tuple[str, ...]


def comparison(variants: Iterable[Variant]) -> list[Row]:
    """Rows for each variant (a record) and each framework that has it, from the records."""
    return [_row(v, fw) for v in variants for fw in FRAMEWORKS if v.in_framework(fw)]


def _row(variant: Variant, framework: str) -> Row:
    from .activation import Activation, _fmt  # the activation module imports the registry

    facts = variant.frameworks[framework]
    params = variant.defaults(framework)
    act = Activation(variant, params, convention=framework)
    ours = Activation(variant, params)  # relucli's kink rule at the same parameters
    notes: list[str] = []

    relucli_defaults = variant.defaults()
    for p in variant.params:
        if params[p.name] != relucli_defaults[p.name]:
            notes.append(
                f"default {p.name} = {_fmt(params[p.name])}"
                f" (relucli: {_fmt(relucli_defaults[p.name])})"
            )
    for form, values in facts.forms.items():
        spelled = [n for n in facts.names if _form_of(n) == form]
        given = ", ".join(f"{k} = {_fmt(v)}" for k, v in values.items())
        notes.append(f"{' and '.join(spelled) or form}: {given} (spec NAME@FRAMEWORK.{form})")

    kink_cells = []
    for k, (g, side), (g0, side0) in _kinks_beside(variant, params, act, ours):
        kink_cells.append(f"f′({_fmt(k)}) = {_fmt(g)}" + (f" ({side})" if side else ""))
        if g != g0:
            notes.append(
                f"{variant.name}′({_fmt(k)}) = {_said(g, side)} (relucli: {_said(g0, side0)})"
            )

    limits = _limits(ours)
    pairs = facts.limit_pairs(params) or limits
    notes += _limit_notes(pairs, limits, "")
    if facts.limits32 is not None:
        notes += _limit_notes(
            _float32(facts.limit_pairs(params, "float32") or limits),
            _float32(pairs),
            "in float32 also ",
            rel=4 * 2.0**-23,  # not an ulp or two of float32 rounding
        )
    if not math.isnan(facts.nan_value(params)):
        notes.append(f"f(NaN) = {_num(facts.nan_value(params))} (relucli: NaN)")
    if facts.definition:
        notes.append(facts.definition)
    defaults = ", ".join(f"{p.name}={_fmt(params[p.name])}" for p in variant.params)
    cells = (
        variant.name,
        framework,
        facts.names[0],
        defaults,
        "; ".join(kink_cells),
        pairs[0][0],
        pairs[0][1],
        pairs[1][0],
        pairs[1][1],
    )
    return Row(cells, tuple(notes))


def kink_differences(variant: Variant, framework: str) -> str:
    """Where the framework's gradient at a kink differs from relucli's, both at the
    framework's defaults: ``f′(0) = 1 (right branch)``, several joined by " and ", or ""."""
    from .activation import Activation, _fmt

    if not variant.in_framework(framework):
        return ""
    params = variant.defaults(framework)
    act = Activation(variant, params, convention=framework)
    ours = Activation(variant, params)
    sides = {
        "left": " (left branch)",
        "right": " (right branch)",
        "mean": " (mean of both sides)",
        "sum": " (sum of both sides)",
    }
    return " and ".join(
        f"f′({_fmt(k)}) = {_fmt(g)}{sides.get(side, '')}"
        for k, (g, side), (g0, _) in _kinks_beside(variant, params, act, ours)
        if g != g0
    )


def _kinks_beside(
    variant: Variant, params: Params, act: Activation, ours: Activation
) -> list[tuple[float, tuple[float, str], tuple[float, str]]]:
    """(kink, (f′, side) under the activation's convention, (f′, side) under relucli's)."""
    return [(k, _kink(act, k), _kink(ours, k)) for k in _kink_points(variant, params, act)]


def _kink_points(variant: Variant, params: Params, act: Activation) -> list[float]:
    """The variant's kinks, and every point where some framework's kink rule applies (CELU
    is C1 at 0 for relucli, but MLX and Keras on TF give it a gradient of its own there)."""
    points = set(act.kinks)
    for facts in variant.frameworks.values():
        points |= set(facts.kink_map(params) or {})
    return sorted(points)


def _float32(pairs: Limits) -> Limits:
    import numpy as np

    (a, b), (c, d) = pairs
    return tuple((float(np.float32(u)), float(np.float32(v))) for u, v in ((a, b), (c, d)))  # type: ignore[return-value]


def _form_of(name: str) -> str:
    if ".ops." in name:
        return "ops"
    return "layer" if name.rsplit(".", 1)[-1][:1].isupper() else ""


def _kink(act: Activation, k: float) -> tuple[float, str]:
    """f'(k) under the activation's convention, and which one-sided value it is."""
    g = float(act.grad(k))
    left, right = act.one_sided(k)

    def near(a: float, b: float) -> bool:  # the one-sided values are taken 1e-9 away
        return abs(a - b) <= 1e-6 * max(1.0, abs(b))

    if near(left, right) and near(g, left):
        return g, ""
    sides = (("left", left), ("right", right), ("mean", (left + right) / 2), ("sum", left + right))
    for side, value in sides[2:] if near(left, right) else sides:
        if near(g, value):
            return g, side
    return g, "neither"


def _said(g: float, side: str) -> str:
    """A kink gradient in a footnote: a branch by name (its value follows the parameters,
    so the note is the same for every slope), anything else with its number."""
    from .activation import _fmt

    if side in ("left", "right"):
        return f"the {side} branch"
    named = {"mean": "the mean of both sides", "sum": "the sum of both sides"}.get(side)
    return f"{_fmt(g)}, {named}" if named else _fmt(g)


def _limits(act: Activation) -> Limits:
    import numpy as np

    v, g = act.value_and_grad(np.array([-INF, INF]))
    return ((float(v[0]), float(g[0])), (float(v[1]), float(g[1])))


def _same(a: float, b: float, rel: float = 0.0) -> bool:
    if math.isnan(a) or math.isnan(b) or math.isinf(a) or math.isinf(b):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return abs(a - b) <= rel * max(abs(a), abs(b))


def _limit_notes(pairs: Limits, limits: Limits, prefix: str, rel: float = 0.0) -> list[str]:
    """One note listing where ``pairs`` differ from ``limits`` (NaN at +-inf, mostly)."""
    found, wanted = [], []
    for (pv, pg), (lv, lg), end in zip(pairs, limits, ("−∞", "∞")):
        for q, got, limit in (("f", pv, lv), ("f′", pg, lg)):
            if not _same(got, limit, rel):
                found.append(f"{q}({end}) = {_num(got)}")
                wanted.append(_num(limit))
    if not found:
        return []
    limit = "the limits" if len(wanted) > 1 else "the limit"
    return [f"{prefix}{', '.join(found)} (relucli: {limit} {', '.join(wanted)})"]


def _num(v: float) -> str:
    if v == 0:
        return "0"
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    return f"{v:.6g}"
