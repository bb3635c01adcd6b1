"""relucli: ReLU and its variants, evaluated, differentiated, tabulated and plotted.

>>> import relucli
>>> relucli.get("leaky:0.1")(-2.0)
array(-0.2)
"""

from __future__ import annotations

from ._version import __version__
from .activation import Activation
from .registry import CONVENTIONS, SpecError, Variant
from .variants import REGISTRY


def get(
    spec: str,
    *,
    convention: str = "torch",
    train: bool = False,
    seed: int | None = None,
    **params: float | str,
) -> Activation:
    """An activation from a spec (``"elu:alpha=0.5"``, ``"leaky_relu@keras-tf"``) and/or
    keyword parameters. ``convention`` (a framework) sets the kink gradients and, unless the
    spec names its own ``@FRAMEWORK``, the defaults."""
    if convention not in CONVENTIONS:
        raise SpecError(f"unknown convention '{convention}' (valid: {', '.join(CONVENTIONS)})")
    variant, parsed, convention, framework = REGISTRY.parse_spec(spec, convention)
    for key, raw in params.items():
        param = variant.param(key)
        parsed[param.name] = param.coerce(variant.name, raw)
    variant.check(parsed)
    return Activation(
        variant, parsed, convention=convention, train=train, seed=seed, framework=framework
    )


def names() -> list[str]:
    """Canonical variant names, in registry order."""
    return REGISTRY.names()


__all__ = ["Activation", "SpecError", "Variant", "__version__", "get", "names"]
