"""Declarative records for activation variants, and turning user specs into activations.

A variant is declared once, as a :class:`Variant` record next to its kernel in one of the
``relucli/variants/`` family modules. Everything a command, lab, plot, test or the README
shows (names, aliases, parameters, formulas, ranges, properties, kink rules, default init,
training-mode and learnable facts, the PyTorch name) is read from these records, so adding
a variant is one record and one row in tests/cases.py.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .frameworks import AMBIGUOUS, FRAMEWORKS, FrameworkFacts, split
from .specs import SpecError, normalize

# No NumPy, difflib or fractions at import: the start-up paths (help, list, completion, the
# error policy) read this module and must not pay for them (issue 16).
if TYPE_CHECKING:  # pragma: no cover - typing only
    import numpy as np

    from .numerics.chunked import Kernel

# A convention is a framework: its kink gradients and, for specs without their own
# @FRAMEWORK, its defaults (relucli/frameworks.py).
CONVENTIONS = FRAMEWORKS
# Spellings of a framework's forms whose defaults may differ from its function's
# (Keras: keras.layers.LeakyReLU 0.3 vs keras.activations.leaky_relu 0.2; keras.ops.gelu tanh).
FORMS = ("function", "layer", "ops")

__all__ = [
    "CONVENTIONS",
    "Interval",
    "Param",
    "Registry",
    "SpecError",
    "Variant",
    "normalize",
    "parse_number",
]


Params = Mapping[str, Any]


@dataclass(frozen=True)
class Param:
    """One parameter of a variant, with its default and valid range."""

    name: str
    default: float | str
    doc: str
    symbol: str = ""
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    # Keras's max_value=None ("no cap") is max_value=inf here: only such params accept inf.
    allow_inf: bool = False

    @property
    def label(self) -> str:
        return self.symbol or self.name

    def range_text(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.low == -math.inf and self.high == math.inf:
            return "a finite number"
        if self.high == math.inf:
            return f"{'>' if self.low_open else '>='} {_num(self.low)}"
        if self.low == -math.inf:
            return f"{'<' if self.high_open else '<='} {_num(self.high)}"
        lb = "(" if self.low_open else "["
        rb = ")" if self.high_open else "]"
        return f"in {lb}{_num(self.low)}, {_num(self.high)}{rb}"

    def accepts(self, value: float) -> bool:
        above = value > self.low or (not self.low_open and value == self.low)
        below = value < self.high or (not self.high_open and value == self.high)
        return (
            (math.isfinite(value) or (self.allow_inf and not math.isnan(value))) and above and below
        )

    def coerce(self, variant: str, raw: Any) -> float | str:
        if self.choices:
            if not isinstance(raw, str):  # str(None) would read as the choice 'none'
                raise SpecError(
                    f"{variant}: {self.name} must be {self.range_text()}, got {type(raw).__name__}"
                )
            text = raw.strip().lower()
            if text not in self.choices:
                raise SpecError(f"{variant}: {self.name} must be {self.range_text()}, got '{raw}'")
            return text
        value = self._number(variant, raw)
        if not self.accepts(value):
            raise SpecError(
                f"{variant}: {self.name} must be {self.range_text()}, got {_num(value)}"
            )
        return value

    def _number(self, variant: str, raw: Any) -> float:
        """A real number from a string or a real scalar. bool is refused (True is not 1.0 by
        intent), and so are arrays, None and complex numbers: one-line usage errors, never a
        TypeError from float()."""
        if isinstance(raw, str):
            return parse_number(raw)
        # A NumPy scalar can exist only once NumPy is imported: ask it only then.
        numpy = sys.modules.get("numpy")
        numpy_real = numpy is not None and isinstance(raw, (numpy.integer, numpy.floating))
        real = isinstance(raw, (int, float)) or numpy_real  # np.bool_ is neither
        if not real or isinstance(raw, bool):
            raise SpecError(
                f"{variant}: {self.name} must be a real number, got {type(raw).__name__}"
            )
        return float(raw)


def _num(value: float) -> str:
    return f"{value:g}"


_DECIMAL = r"([+-]?)(?:([0-9]+)\.?([0-9]*)|\.([0-9]+))(?:e([+-]?[0-9]+))?"
_NUMBER = re.compile(rf"^{_DECIMAL}$")
_FRACTION = re.compile(rf"^{_DECIMAL}\s*/\s*{_DECIMAL}$")
# Decimal orders of magnitude: beyond 309 a quotient is over the float maximum (1.8e308);
# below -330 it is under half the smallest subnormal (4.9e-324) and rounds to zero.
_MAX_ORDER, _MIN_ORDER = 309, -330


def parse_number(text: str) -> float:
    """Parse a user's number: decimals, exponents, inf/nan and fractions such as ``1/8``.

    A fraction is exact (``1/3`` rounds once). A finite number beyond the float range
    (``1e400``, ``1e400/1``) is a SpecError saying so, decided from the exponents in
    constant time: ``1e9999999/1`` never builds a ten-million-digit integer.
    """
    cleaned = str(text).strip().lower().replace("−", "-")
    aliases = {
        "inf": math.inf,
        "+inf": math.inf,
        "-inf": -math.inf,
        "infinity": math.inf,
        "+infinity": math.inf,
        "-infinity": -math.inf,
        "nan": math.nan,
        "+nan": math.nan,
        "-nan": math.nan,
    }
    if cleaned in aliases:
        return aliases[cleaned]
    fraction = _FRACTION.match(cleaned)
    single = None if fraction else _NUMBER.match(cleaned)
    if fraction is None and single is None:
        raise SpecError(
            f"not a number: '{text}' (use decimals, 1e-3, fractions like 1/8, inf, -inf or nan)"
        )
    if single is not None:
        value = float(cleaned)  # correctly rounded, and fast whatever the exponent
        if math.isinf(value):
            raise SpecError(_out_of_range(text))
        return value
    assert fraction is not None
    (n_sign, n_digits, n_exp), (d_sign, d_digits, d_exp) = (
        _decimal(fraction.groups()[:5]),
        _decimal(fraction.groups()[5:]),
    )
    if d_digits == "":
        raise SpecError(f"not a number: '{text}' (division by zero)")
    negative = (n_sign == "-") != (d_sign == "-")
    if n_digits == "":
        return -0.0 if negative else 0.0
    # The quotient lies within a factor of 10 of 10**order: decide range before any big int.
    order = (len(n_digits) + n_exp) - (len(d_digits) + d_exp)
    if order > _MAX_ORDER:
        raise SpecError(_out_of_range(text))
    if order < _MIN_ORDER:
        return -0.0 if negative else 0.0
    shift = n_exp - d_exp  # |shift| is bounded by the digit counts and the limits above
    numerator = int(n_digits) * 10 ** max(shift, 0)
    denominator = int(d_digits) * 10 ** max(-shift, 0)
    from fractions import Fraction

    try:
        value = float(Fraction(numerator, denominator))
    except OverflowError:
        raise SpecError(_out_of_range(text)) from None
    return -value if negative else value


def _decimal(groups: tuple[str | None, ...]) -> tuple[str, str, int]:
    """(sign, significant digits without leading or trailing zeros, power of ten) such that
    the number is sign * int(digits) * 10**power; digits is "" for zero."""
    sign, whole, frac, frac_only, exponent = groups
    digits = (whole or "") + (frac or frac_only or "")
    power = int(exponent or 0) - len(frac or frac_only or "")
    stripped = digits.rstrip("0")
    power += len(digits) - len(stripped)
    return sign or "", stripped.lstrip("0"), power


def _out_of_range(text: str) -> str:
    return (
        f"number out of range: '{text}' (the largest finite number is 1.8e308;"
        " inf and -inf are accepted)"
    )


@dataclass(frozen=True)
class Interval:
    """An interval of the real line, each end closed or open (open where the end is only
    approached, never reached: ELU's -alpha, the sigmoid's 0 and 1; infinite ends are open)."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    @property
    def ends(self) -> tuple[float, float]:
        return (self.lo, self.hi)

    @property
    def open_ends(self) -> tuple[bool, bool]:
        return (self.lo_open, self.hi_open)

    @property
    def bounded(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)


# A record field may be a constant or a function of the parameter mapping.
Fact = Any


@dataclass(frozen=True)
class Variant:
    """Everything known about one activation function, declared in one place.

    ``kernel`` computes value and gradient together on a 1-D chunk, writing into the given
    outputs (``grad`` may be None when only values are wanted), with the scratch it may use
    passed explicitly. The fields marked *fact* are constants or functions of the parameter
    mapping (read them with :meth:`fact`), so properties follow the parameters.
    """

    name: str
    summary: str
    formula: str
    latex: str
    kernel: Kernel
    range: Fact  # Interval: the output range
    grad_range: Fact  # Interval: the range of f'
    continuity: Fact  # "C0", "C1", "C∞", or "discontinuous" (the value itself jumps)
    monotonic: Fact  # bool
    # The gradient at the kinks in PyTorch's convention (relucli's default), and JAX's where
    # it differs ("" = the same); "" for smooth variants. The README's table is made of them.
    kink_rule: str = ""
    jax_rule: str = ""
    params: tuple[Param, ...] = ()
    constants: tuple[tuple[str, float], ...] = ()
    aliases: tuple[str, ...] = ()
    kinks: Fact = ()  # tuple[float, ...]
    # tuple[float, ...]: where f itself jumps (softplus at threshold/beta, PyTorch's switch
    # to x): a breakpoint for quadrature and one-sided checks, not a kink to plot.
    jumps: Fact = ()
    dead_zones: Fact = ()  # tuple[Interval, ...]: where f'(x) = 0 exactly
    param_grads: Mapping[str, Callable[[np.ndarray, Params], np.ndarray]] = field(
        default_factory=dict
    )
    check: Callable[[Params], None] = lambda p: None
    reference: str = ""
    torch: str = ""  # the PyTorch function, or "" when PyTorch has none
    init: str = "he"  # the customary weight init (`relucli depth --init auto`)
    stochastic: bool = False  # training mode samples (RReLU); else train = eval
    learnable: str = ""  # the parameter a network learns per neuron (PReLU's weight)
    band: tuple[str, str] | None = None  # parameters bounding a random slope (plots a band)
    # "framework": PyTorch, JAX, TF, Keras or MLX has it; "research": from the literature only.
    # The groups `frameworks` and `research` are derived from it.
    origin: str = "framework"
    # framework -> what it calls this variant, its defaults, kink gradients, values at +-inf
    # (measured; relucli/frameworks.py, checked by tests/test_frameworks.py)
    frameworks: Mapping[str, FrameworkFacts] = field(default_factory=dict)

    def fact(self, name: str, params: Params) -> Any:
        value = getattr(self, name)
        return value(params) if callable(value) else value

    def param(self, name: str) -> Param:
        key = normalize(name)
        for p in self.params:
            if key == p.name or key in p.synonyms:
                return p
        choices = ", ".join(p.name for p in self.params) or "none"
        hint = _closest(key, [p.name for p in self.params])
        raise SpecError(f"unknown parameter '{name}' for {self.name}{hint} (valid: {choices})")

    def defaults(self, framework: str = "torch", form: str = "") -> dict[str, float | str]:
        """The default parameters: relucli's, or a framework's (and its form's) in their place."""
        out: dict[str, float | str] = {p.name: p.default for p in self.params}
        facts = self.frameworks.get(framework)
        if facts is not None:
            out.update(facts.defaults)
            out.update(facts.forms.get(form, {}))
        return out

    def in_framework(self, framework: str) -> bool:
        facts = self.frameworks.get(framework)
        return facts is not None and bool(facts.names)


def _closest(word: str, choices: Iterable[str]) -> str:
    import difflib

    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{found[0]}'?" if found else ""


def _framework(variant: Variant, suffix: str, spec: str) -> tuple[str, str]:
    """The (framework, form) of a spec's ``@`` suffix, or a SpecError naming the valid ones."""
    framework, form = split(suffix)
    meant = AMBIGUOUS.get(framework, ())
    if len(meant) > 1:
        raise SpecError(f"'{spec}': {framework} is ambiguous, name one of {', '.join(meant)}")
    if framework not in FRAMEWORKS:
        hint = f"; did you mean '{meant[0]}'?" if meant else _closest(framework, FRAMEWORKS)
        raise SpecError(
            f"unknown framework '{framework}' in '{spec}'{hint} (valid: {', '.join(FRAMEWORKS)})"
        )
    if form and form not in FORMS:
        hint = _closest(form, FORMS)
        raise SpecError(f"unknown form '{form}' in '{spec}'{hint} (valid: {', '.join(FORMS)})")
    if not variant.in_framework(framework):
        where = [f for f in FRAMEWORKS if variant.in_framework(f)]
        raise SpecError(
            f"'{spec}': {framework} has no {variant.name}"
            f" (frameworks that have it: {', '.join(where) or 'none'})"
        )
    return framework, "" if form == "function" else form


class Registry:
    """Canonical names, aliases and groups, and the parsing of ``NAME[:...]`` specs.

    ``groups`` maps a group name to a function of the registry giving its variants.
    """

    def __init__(self, variants: Iterable[Variant], groups: Mapping[str, Callable]):
        self.variants: dict[str, Variant] = {}
        self.aliases: dict[str, str] = {}
        for v in variants:
            # A clash is a programming error in the catalogue, caught at import.
            if v.name in self.variants:
                raise ValueError(f"two records named {v.name}")
            self.variants[v.name] = v
            for alias in (v.name, *v.aliases):
                key = normalize(alias)
                if self.aliases.get(key, v.name) != v.name:
                    raise ValueError(f"alias {alias} names both {self.aliases[key]} and {v.name}")
                self.aliases[key] = v.name
        self._groups = groups

    def names(self) -> list[str]:
        return list(self.variants)

    def group_names(self) -> list[str]:
        return list(self._groups)

    def group(self, name: str) -> list[str]:
        return [v.name for v in self._groups[name](self)]

    def lookup(self, name: str) -> Variant:
        key = normalize(name)
        if key in self.aliases:
            return self.variants[self.aliases[key]]
        if key in self._groups:  # `bounded:` or `seed:0.1`: a group has no parameters
            raise SpecError(
                f"'{name}' is a group ({', '.join(self.group(key))}); a group takes no"
                " parameters: give them to a variant (leaky:0.1)"
            )
        hint = _closest(key, list(self.aliases) + list(self._groups))
        raise SpecError(
            f"unknown variant '{name}'{hint} (valid: {', '.join(self.names())};"
            f" groups: {', '.join(self._groups)})"
        )

    def parse(self, spec: str) -> tuple[Variant, dict[str, float | str]]:
        """``leaky:0.1``, ``elu:alpha=0.5``, ``rrelu:lower=1/10,upper=0.3`` -> (variant, params);
        ``leaky@keras-tf`` takes that framework's defaults (see :meth:`parse_spec`)."""
        variant, params, _, _ = self.parse_spec(spec)
        return variant, params

    def parse_spec(
        self, spec: str, convention: str = "torch"
    ) -> tuple[Variant, dict[str, float | str], str, str]:
        """``NAME[@FRAMEWORK[.FORM]][:PARAMS]`` -> (variant, params, convention, framework).

        ``@FRAMEWORK`` (``leaky_relu@keras-tf``, ``gelu@jax``) takes that framework's defaults
        and kink gradients; ``.FORM`` picks a form whose defaults differ (``@keras-tf.layer``:
        keras.layers.LeakyReLU's 0.3); parameters after it override them
        (``leaky@tf:0.1``). Without ``@`` the defaults are ``convention``'s, where the
        framework has the variant (else relucli's). ``framework`` is the ``@`` suffix as
        normalized ("" without one).
        """
        head, _, rest = str(spec).partition(":")
        if "@" in rest:
            raise SpecError(
                f"write @FRAMEWORK before the parameters, e.g. '{head}@{rest.partition('@')[2]}"
                f":{rest.partition('@')[0]}', got '{spec}'"
            )
        name, at, suffix = head.partition("@")
        variant = self.lookup(name)
        form = ""
        if at:
            convention, form = _framework(variant, suffix, spec)
            params = variant.defaults(convention, form)
            suffix = convention + (f".{form}" if form else "")
        else:
            params = variant.defaults(convention)
            suffix = ""
        rest = rest.strip()
        if rest:
            if not variant.params:
                raise SpecError(f"{variant.name} takes no parameters, got '{spec}'")
            for position, item in enumerate(rest.split(",")):
                key, eq, raw = item.partition("=")
                if not eq:
                    if position > 0:
                        raise SpecError(
                            f"{variant.name}: write later parameters as NAME=VALUE, got '{item}'"
                        )
                    param, raw = variant.params[0], key
                else:
                    param = variant.param(key)
                params[param.name] = param.coerce(variant.name, raw)
        variant.check(params)
        return variant, params, convention, suffix

    def expand(self, specs: Iterable[str], default: str = "seed") -> list[str]:
        """Expand group names; an empty list means the default group."""
        out: list[str] = []
        items = [s for s in specs if str(s).strip()] or [default]
        for spec in items:
            key = normalize(spec)
            if key in self._groups:
                out.extend(self.group(key))
            else:
                out.append(spec)
        return out
