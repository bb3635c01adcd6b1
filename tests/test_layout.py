"""Every kind of figure relucli draws, over a generated matrix, through the layout checker.

The matrix crosses variant sets x sizes x layouts in full and rotates styles, titles, panels
and shading through it, so every value of every axis appears many times and every size meets
every variant set. A size too small to lay out may be refused, but only with a usage error
naming the smallest size that works, and that size must then draw cleanly.

    python tests/test_layout.py      # counts of flagged figures by kind, for the whole matrix
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from layout_check import KINDS, Problem, check_figure

CHECK_DPI = 50  # layout is measured in points: a low dpi draws the same layout, faster
SIZE_DPI = 150  # pixel sizes are read at the default dpi, as the CLI reads them

VARIANT_SETS = {
    "1": ["relu"],
    "2": ["elu", "selu"],
    "3": ["relu", "leaky_relu", "elu"],
    "7-seed": ["seed"],
    "all": ["all"],
    "smooth": ["smooth"],
    "repeats": ["leaky:0.1", "leaky:0.3", "elu:alpha=0.5"],
}
SIZES = ("16:9", "4:3", "1:1", "16:10", "3:2", "400x400px", "640x360px", "3x4")
STYLES = ("light", "dark", "neon")
PANELS = (("f", "grad"), ("f",), ("grad",))
LAYOUTS = ("overlay", "grid")
LONG_TITLE = (
    "Visualizing the Difference: how ReLU, its leaky and exponential cousins and the smooth"
    " variants treat negative inputs"
)
LAB_SETS = {"1": ["relu"], "5": None, "all": ["all"]}  # None: the command's default five
LAB_SIZES = ("16:9", "4:3", "1:1", "640x360px")
# relucli inspect: (layers of synthetic pre-activations, the variants censused: the first is
# the network's, the others the what-if comparison).
INSPECT_SETS = {
    "1layer": (1, ("relu",)),
    "3layers": (3, ("relu",)),
    "compare": (3, ("relu", "seed")),
    "relu6": (2, ("relu6",)),  # saturation: units pinned at the flat upper side
}


@dataclass(frozen=True)
class Case:
    kind: str  # plot, dying, depth, inspect
    variants: str
    size: str
    style: str
    layout: str = "overlay"
    panels: tuple[str, ...] = ("f", "grad")
    title: bool = False
    shade: bool = False
    extra: str = ""  # dying: a scenario override

    @property
    def id(self) -> str:
        parts = [self.kind, self.variants, self.size, self.style]
        if self.kind == "plot":
            parts += [self.layout, "+".join(self.panels)]
            parts += ["title"] * self.title + ["shade"] * self.shade
        return "-".join(parts + ([self.extra] if self.extra else []))


def plot_cases() -> list[Case]:
    cases = []
    for k, (variants, size, layout, panels) in enumerate(
        itertools.product(VARIANT_SETS, SIZES, LAYOUTS, PANELS)
    ):
        # Rotations of 3, 2 and 5 are coprime with the 3 panel choices and with each
        # other, so styles, titles and shading meet every variant set and size.
        cases.append(
            Case(
                "plot",
                variants,
                size,
                STYLES[(k // 3 + k) % 3],
                layout,
                panels,
                title=bool((k // 2) % 2),
                shade=bool((k // 5) % 2) or variants == "smooth",
            )
        )
    return cases


def lab_cases() -> list[Case]:
    cases = []
    for k, (kind, variants, size) in enumerate(
        itertools.product(("dying", "depth"), LAB_SETS, LAB_SIZES)
    ):
        cases.append(Case(kind, variants, size, STYLES[k % 3]))
    # The figure the dying command exists for: every neuron dead.
    cases.append(Case("dying", "1", "4:3", "neon", extra="all-dead"))
    return cases


def inspect_cases() -> list[Case]:
    return [
        Case("inspect", variants, size, STYLES[k % 3])
        for k, (variants, size) in enumerate(itertools.product(INSPECT_SETS, LAB_SIZES))
    ]


MATRIX = plot_cases() + lab_cases() + inspect_cases()


def _acts(specs: list[str] | None, default: tuple[str, ...]):
    from relucli.activation import Activation
    from relucli.variants import REGISTRY

    acts, seen = [], set()
    for spec in REGISTRY.expand(specs or list(default), "seed"):
        variant, params = REGISTRY.parse(spec)
        act = Activation(variant, params)
        if act.spec not in seen:
            seen.add(act.spec)
            acts.append(act)
    return acts


@functools.cache
def _dying_result(variants: str, extra: str):
    from relucli.lab.dying import DEFAULT_VARIANTS, run_dying, scenario_config

    overrides = {"bias_init": -100.0} if extra == "all-dead" else {}
    config = scenario_config("high-lr", **overrides)  # 1000 steps, as the command runs
    return run_dying(config, _acts(LAB_SETS[variants], DEFAULT_VARIANTS))


@functools.cache
def _depth_result(variants: str):
    from relucli.lab.depth import DEFAULT_VARIANTS, DepthConfig, run

    config = DepthConfig(layers=20, width=64, batch=64)
    return run(_acts(LAB_SETS[variants], DEFAULT_VARIANTS), config)


@functools.cache
def _inspect_result(variants: str):
    import tempfile

    import numpy as np

    from relucli.lab.census import run_census
    from relucli.preacts import open_layers

    layers, specs = INSPECT_SETS[variants]
    rng = np.random.default_rng(7)
    arrays = {}
    for i in range(layers):
        units = (64, 32, 100)[i]
        # Unit offsets from far below zero (dead) to far above (saturating relu6).
        offset = np.linspace(-12.0, 9.0, units)
        arrays[f"hidden{i + 1}"] = rng.normal(size=(400, units)) * 2.0 + offset
    path = Path(tempfile.mkdtemp(prefix="relucli-layout-")) / "z.npz"
    np.savez(path, **arrays)
    return run_census(open_layers([str(path)]), _acts(list(specs), ()), keep_sample=True)


def _drawer(case: Case) -> Callable:
    if case.kind == "plot":
        from relucli.plotting.compare import PlotOptions, draw_comparison

        options = PlotOptions(
            points=801,
            panels=case.panels,
            layout=case.layout,
            title=LONG_TITLE if case.title else None,
            shade=("saturation",) if case.shade else (),
        )
        acts = _acts(VARIANT_SETS[case.variants], ("seed",))
        return lambda fig: draw_comparison(fig, acts, options)
    if case.kind == "dying":
        from relucli.plotting.dying import draw_dying

        result = _dying_result(case.variants, case.extra)
        return lambda fig: draw_dying(fig, result, "high-lr (a learning rate too high)")
    if case.kind == "inspect":
        from relucli.plotting.inspect import draw_inspect

        census = _inspect_result(case.variants)
        return lambda fig: draw_inspect(fig, census)
    from relucli.plotting.depth import draw_depth

    result = _depth_result(case.variants)
    return lambda fig: draw_depth(fig, result)


_SMALLEST = re.compile(r"smallest size that works here is (\S+)")


def _render(case: Case, size: str) -> list[Problem]:
    from relucli.plotting.figure import new_figure, parse_size

    draw = _drawer(case)
    with new_figure(case.style, parse_size(size, SIZE_DPI), CHECK_DPI) as fig:
        draw(fig)
        return check_figure(fig)


# Sizes a slide maker uses every day: a figure at these is drawn, never refused.
EVERYDAY = ("16:9", "4:3", "1:1", "16:10", "3:2")
REFUSED: dict[str, str] = {}  # case id -> the smaller size refused (for the summary)


def problems_of(case: Case) -> list[Problem]:
    """The checker's findings; a refused size is fine only when it is not an everyday size,
    the error names a size that works, and that size draws cleanly."""
    from relucli.registry import SpecError

    try:
        return _render(case, case.size)
    except SpecError as exc:
        smallest = _SMALLEST.search(str(exc))
        if smallest is None or case.size in EVERYDAY:
            return [Problem("refused", str(exc))]
        REFUSED[case.id] = smallest.group(1)
        return _render(case, smallest.group(1).rstrip(")"))
    except Exception as exc:
        return [Problem("error", f"{type(exc).__name__}: {exc}")]


@pytest.mark.slow
@pytest.mark.parametrize("case", MATRIX, ids=[c.id for c in MATRIX])
def test_figure_layout_is_clean(case):
    problems = problems_of(case)
    assert not problems, "\n".join(map(str, problems))


def test_matrix_covers_every_axis():
    plots = [c for c in MATRIX if c.kind == "plot"]
    assert {c.variants for c in plots} == set(VARIANT_SETS)
    assert {(c.variants, c.size, c.layout, c.panels) for c in plots} == set(
        itertools.product(VARIANT_SETS, SIZES, LAYOUTS, PANELS)
    )
    for axis in ("variants", "size"):
        for value in {getattr(c, axis) for c in plots}:
            mine = [c for c in plots if getattr(c, axis) == value]
            assert {c.style for c in mine} == set(STYLES), (axis, value)
            assert {c.title for c in mine} == {False, True}, (axis, value)
    assert {c.title for c in plots} == {False, True}
    assert {c.shade for c in plots} == {False, True}
    for kind in ("dying", "depth"):
        assert {c.variants for c in MATRIX if c.kind == kind} == set(LAB_SETS)
    # The whole catalogue, at every everyday size, in both layouts (never refused there).
    assert {("all", s, lay) for s in EVERYDAY for lay in LAYOUTS} <= {
        (c.variants, c.size, c.layout) for c in plots
    }
    inspect = [c for c in MATRIX if c.kind == "inspect"]
    assert {(c.variants, c.size) for c in inspect} == set(
        itertools.product(INSPECT_SETS, LAB_SIZES)
    )
    assert {c.style for c in inspect} == set(STYLES)


def main() -> int:
    by_kind = dict.fromkeys([*KINDS, "refused", "error"], 0)
    flagged = 0
    total = dict.fromkeys(by_kind, 0)
    for case in MATRIX:
        problems = problems_of(case)
        if problems:
            flagged += 1
            print(case.id, "|", "; ".join(map(str, problems[:3])), flush=True)
        for kind in by_kind:
            n = sum(p.kind == kind for p in problems)
            by_kind[kind] += n > 0
            total[kind] += n
    print(f"{flagged} of {len(MATRIX)} figures flagged")
    print(f"{len(REFUSED)} small sizes refused, naming a size that draws cleanly:")
    for size in SIZES:
        refused = [k for k in REFUSED if f"-{size}-" in k]
        if refused:
            print(f"  {size:10s} {len(refused):3d} of {sum(c.size == size for c in MATRIX)}")
    for kind in by_kind:
        print(f"  {kind:14s} {by_kind[kind]:4d} figures  {total[kind]:5d} findings")
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("MPLBACKEND", "Agg")
    raise SystemExit(main())


# ---------------------------------------------------------------- the checker itself


def _figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4), dpi=50)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def test_checker_passes_a_clean_figure():
    import numpy as np

    fig, ax = _figure()
    x = np.linspace(-5, 5, 200)
    ax.plot(x, x, label="a", color="C0")
    ax.plot(x, -x, label="b", color="C1", linestyle="--")
    ax.legend(loc="upper center")
    assert check_figure(fig) == []


def test_checker_finds_each_kind_of_problem():
    import numpy as np

    fig, ax = _figure()
    x = np.linspace(0, 1, 200)
    ax.plot(x, np.full_like(x, 0.5), label="flat", color="C0")
    ax.plot(x, x, label="rising", color="C0")  # drawn like "flat"
    ax.text(0.3, 0.9, "one label here", transform=ax.transAxes)
    ax.text(0.32, 0.9, "another label", transform=ax.transAxes)  # on top of the first
    ax.text(1.3, 0.5, "past the right edge", transform=ax.transAxes)
    ax.legend(loc="center", fontsize=40)  # big, over the middle of both lines
    ins = ax.inset_axes([0.0, 0.0, 0.3, 0.3])
    ins.set_title("inset")
    kinds = {p.kind for p in check_figure(fig)}
    assert kinds == set(KINDS)  # the inset also sits over the axis tick labels
    assert any(p.kind == "legend-over" and "inset" in p.what for p in check_figure(fig))
