"""relucli: ReLU and its variants, evaluated, differentiated, tabulated and plotted.

>>> import relucli
>>> relucli.get("leaky:0.1")(-2.0)
array(-0.2)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .specs import SpecError

# The catalogue (kernels, NumPy) loads on first use, not with the package: `relucli --help`,
# `--version`, `list` and shell completion import relucli and must not pay for NumPy.
if TYPE_CHECKING:  # pragma: no cover - typing only
    from .activation import Activation
    from .registry import Variant


def __getattr__(name: str) -> Any:
    if name == "Activation":
        from .activation import Activation

        return Activation
    if name == "Variant":
        from .registry import Variant

        return Variant
    if name in _SUBMODULES:  # as when the package imported them itself: relucli.variants.X
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'relucli' has no attribute '{name}'")


_SUBMODULES = ("activation", "numerics", "variants")


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
    from .activation import Activation
    from .registry import CONVENTIONS
    from .variants import REGISTRY

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


def plot(
    *specs: str,
    panels: str | tuple[str, ...] = ("f", "grad"),
    layout: str = "overlay",
    style: str = "light",
    size: str | tuple[float, float] = "16:9",
    dpi: float = 100,
    title: str | None = None,
    x_range: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    legend: str = "auto",
    clean: bool = False,
    shade: tuple[str, ...] = (),
    convention: str = "torch",
) -> Any:
    """The comparison figure of ``specs`` (names, specs or groups; none: relu, leaky_relu,
    elu) as a :class:`matplotlib.figure.Figure`, for notebooks; pyplot's global state is
    left alone. The options are the CLI's (``relucli plot --help``); ``size`` is a string
    (``"4:3"``, ``"8x4.5"``) or (width, height) in inches.

    >>> fig = relucli.plot("elu", "selu", style="neon")   # doctest: +SKIP
    >>> fig.savefig("elu-selu.svg")                       # doctest: +SKIP
    """
    from .activation import Activation
    from .plotting.compare import PlotOptions, draw_comparison
    from .plotting.figure import new_figure, parse_size
    from .variants import REGISTRY

    acts: list[Activation] = []
    for spec in REGISTRY.expand(list(specs) or ["relu", "leaky_relu", "elu"], "seed"):
        variant, params = REGISTRY.parse(spec)
        act = Activation(variant, params, convention=convention)
        if act.spec not in {a.spec for a in acts}:
            acts.append(act)
    options = PlotOptions(
        x_range=x_range,
        panels=(panels,) if isinstance(panels, str) else tuple(panels),
        layout=layout,
        title=title,
        shade=tuple(shade),
        legend=legend,
        clean=clean,
        ylim=ylim,
    )
    inches = parse_size(size, dpi) if isinstance(size, str) else size
    with new_figure(style, inches, dpi) as fig:
        draw_comparison(fig, acts, options)
    return fig


def names() -> list[str]:
    """Canonical variant names, in registry order."""
    from .variants import REGISTRY

    return REGISTRY.names()


__all__ = ["Activation", "SpecError", "Variant", "__version__", "get", "names", "plot"]
