"""`relucli plot` and relucli.plotting: figures checked as images, not just as files.

Pixel sizes, backgrounds, the presence of every variant's line, the teaching annotations
(dead zones, kinks, the leak inset, the RReLU band), committed baselines compared with a
tolerance, deterministic output, and every error with its exact message and exit code.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import relucli
from relucli.plotting.compare import (
    PlotOptions,
    default_filename,
    draw_comparison,
    plot_range,
    sample_grid,
)
from relucli.plotting.figure import (
    SIZES,
    STYLES,
    figure_format,
    new_figure,
    parse_size,
    save_figure,
    style_colors,
)
from relucli.registry import SpecError

BASELINE = Path(__file__).parent / "baseline"
ROOT = Path(__file__).resolve().parent.parent
SMOOTH = ["gelu", "silu", "mish", "softplus", "sigmoid", "tanh"]
DEFAULT_LABELS = ["relu", "leaky_relu (α=0.01)", "elu (α=1)"]
BACKGROUND = {"light": (255, 255, 255), "dark": (0x1C, 0x1F, 0x26), "neon": (0x07, 0x0B, 0x18)}


def pixels(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA"))


def hex_rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def has_color(image: np.ndarray, rgb: tuple[int, int, int]) -> bool:
    return bool(np.all(image[..., :3] == rgb, axis=-1).any())


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---------------------------------------------------------------- import discipline


@pytest.mark.parametrize(
    "code",
    [
        "import relucli.cli",
        "from relucli.cli import main\n"
        "try:\n    main(['grad', '--at', '-2'])\nexcept SystemExit:\n    pass",
        "import relucli.cli.commands.plot, relucli.plotting.figure, relucli.plotting.compare",
    ],
    ids=["import-cli", "grad-at-minus-2", "import-plot-modules"],
)
def test_matplotlib_is_imported_only_when_a_figure_is_drawn(code):
    probe = code + "\nimport sys\nprint(sorted(m for m in sys.modules if m.startswith('matp')))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.splitlines()[-1] == "[]"


def test_drawing_never_imports_pyplot(tmp_path):
    probe = (
        "from relucli.cli import main\n"
        f"try:\n    main(['plot', '--dpi', '20', '-o', {str(tmp_path / 'f.png')!r}])\n"
        "except SystemExit:\n    pass\n"
        "import sys\nprint('matplotlib.pyplot' in sys.modules, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.splitlines()[-1] == "False True"


# ---------------------------------------------------------------- the command


def test_default_plot_writes_relu_leaky_elu_in_the_current_folder(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("plot", "--dpi", "20")
    assert result.exit_code == 0
    assert result.stdout == "wrote relucli-relu-leaky_relu-elu.png\n"
    assert leftovers(tmp_path) == ["relucli-relu-leaky_relu-elu.png"]


def test_default_filename_follows_the_specs_typed():
    acts = [relucli.get("leaky:0.1"), relucli.get("elu:alpha=0.5")]
    assert default_filename(["leaky:0.1", "elu:alpha=0.5"], acts) == (
        "relucli-leaky-0.1-elu-alpha-0.5.png"
    )
    assert default_filename([], acts) == "relucli-leaky_relu-elu.png"


def test_missing_output_folder_is_created_and_the_path_printed(run, tmp_path):
    target = tmp_path / "out" / "deeper" / "relu-leaky-elu-neon.png"
    result = run("plot", "--style", "neon", "--size", "16:9", "--dpi", "20", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == f"wrote {target}\n"
    assert target.is_file()


@pytest.mark.parametrize(
    ("size", "dpi", "expected"),
    [
        ("16:9", "150", (1920, 1080)),
        ("4:3", "40", (384, 288)),
        ("8x4.5", "30", (240, 135)),
        ("960x540px", "150", (960, 540)),
        ("320x180px", "72", (320, 180)),
    ],
)
def test_pixel_size_follows_size_and_dpi(run, tmp_path, size, dpi, expected):
    target = tmp_path / "f.png"
    result = run("plot", "elu", "selu", "--size", size, "--dpi", dpi, "-o", str(target))
    assert result.exit_code == 0
    image = pixels(target)
    assert (image.shape[1], image.shape[0]) == expected


@pytest.mark.parametrize("style", STYLES)
def test_each_style_has_its_background_and_draws_every_line(run, tmp_path, style):
    target = tmp_path / f"{style}.png"
    assert run("plot", "--style", style, "--dpi", "60", "-o", str(target)).exit_code == 0
    image = pixels(target)
    assert tuple(image[0, 0, :3]) == BACKGROUND[style]  # a corner is figure background
    assert tuple(image[-1, -1, :3]) == BACKGROUND[style]
    # Not blank: many colours, and each variant's line colour is drawn.
    assert len(np.unique(image.reshape(-1, 4), axis=0)) > 200
    for color in style_colors(style)[:3]:
        assert has_color(image, hex_rgb(color)), f"{style}: no pixel of line colour {color}"


def test_transparent_png_has_a_clear_background(run, tmp_path):
    target = tmp_path / "t.png"
    assert run("plot", "--transparent", "--dpi", "20", "-o", str(target)).exit_code == 0
    assert pixels(target)[0, 0, 3] == 0


def test_svg_has_one_labelled_path_per_variant_and_panel(run, tmp_path):
    target = tmp_path / "f.svg"
    result = run("plot", "relu", "leaky:0.1", "elu", "rrelu", "-o", str(target))
    assert result.exit_code == 0
    ids = re.findall(r'<g id="((?:f|grad)-[^"]*)"', target.read_text(encoding="utf-8"))
    assert sorted(ids) == sorted(
        f"{panel}-{name}"
        for panel in ("f", "grad")
        for name in ("relu", "leaky_relu_negative_slope_0.1", "elu", "rrelu")
    )


@pytest.mark.parametrize(
    ("suffix", "style", "magic"),
    [("svg", "neon", b"<?xml"), ("png", "neon", b"\x89PNG"), ("pdf", "light", b"%PDF-")],
)
def test_output_is_byte_for_byte_deterministic(run, tmp_path, suffix, style, magic):
    first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
    for target in (first, second):
        result = run("plot", "--style", style, "--panels", "f", "--dpi", "30", "-o", str(target))
        assert result.exit_code == 0
    assert first.read_bytes().startswith(magic)
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("suffix", ["pdf", "svg"])
@pytest.mark.parametrize(
    "args",
    [
        ["plot", "seed", "--style", "neon", "--title", "Slide $\\alpha$"],
        ["dying", "relu", "elu", "--steps", "20", "--size", "4:3"],
        ["depth", "relu", "selu", "--layers", "4", "--width", "16"],
    ],
    ids=["plot", "dying", "depth"],
)
def test_pdf_and_svg_are_byte_identical_from_run_to_run(tmp_path, args, suffix):
    # Separate processes with different hash seeds: nothing may depend on either.
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"{seed}.{suffix}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "MPLBACKEND": "Agg"}
        subprocess.run(
            [sys.executable, "-m", "relucli", *args, "--dpi", "40", "-o", str(target)],
            check=True,
            capture_output=True,
            cwd=ROOT,
            env=env,
        )
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_text_stays_editable_in_svg_and_pdf(run, tmp_path):
    svg, pdf = tmp_path / "f.svg", tmp_path / "f.pdf"
    for target in (svg, pdf):
        assert run("plot", "elu", "--dpi", "30", "-o", str(target)).exit_code == 0
    text = svg.read_text()
    assert "<text" in text and "elu (α=1)" in text  # text elements, not glyph outlines
    assert b"/FontFile2" in pdf.read_bytes()  # embedded TrueType (pdf.fonttype 42)


# ---------------------------------------------------------------- errors


def test_unknown_suffix_is_a_usage_error_and_writes_nothing(run, tmp_path):
    result = run("plot", "-o", str(tmp_path / "f.jpg"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: cannot tell the figure format of '{tmp_path / 'f.jpg'}' from '.jpg'"
        " (use png, svg, pdf)\n"
    )
    assert result.stdout == ""
    assert leftovers(tmp_path) == []


def test_no_suffix_is_a_usage_error(run, tmp_path):
    result = run("plot", "-o", str(tmp_path / "figure"))
    assert result.exit_code == 2
    assert "from no suffix (use png, svg, pdf)" in result.stderr
    assert leftovers(tmp_path) == []


def test_unwritable_folder_is_a_runtime_error_and_leaves_nothing(run, tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    result = run("plot", "--dpi", "20", "-o", str(blocker / "f.png"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write '{blocker / 'f.png'}': Not a directory\n"
    assert leftovers(tmp_path) == ["afile"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "f.png"
    target.write_bytes(b"old figure")

    def broken_savefig(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    from matplotlib.figure import Figure

    monkeypatch.setattr(Figure, "savefig", broken_savefig)
    with new_figure("light", (4, 3), 20) as fig, pytest.raises(OSError):
        save_figure(fig, target)
    assert target.read_bytes() == b"old figure"
    assert leftovers(tmp_path) == ["f.png"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--size", "wide"],
            "not a figure size: 'wide' (use a ratio W:H (16:9, 4:3, 1:1), WxH in inches (8x4.5)"
            " or pixels (1920x1080px))",
        ),
        (["--size", "3:0"], "figure ratio '3:0' is out of range (W:H from 1:20 to 20:1)"),
        (
            ["elu", "--size", "400x200px"],
            "a 2.67x1.33 in (400x200 px) figure is too small to lay this out legibly (outside:"
            " 'derivative f′(x)'); the smallest size that works here is 3.2x1.6in"
            " (480x240px at 150 dpi)",
        ),
        (
            ["--title", "$x^$"],
            "--title has bad mathtext '$x^$': cannot parse it at character 3"
            " (write \\$ for a literal dollar)",
        ),
        (
            ["--title", "$\\foo$"],
            "--title has bad mathtext '$\\foo$': Unknown symbol: \\foo"
            " (write \\$ for a literal dollar)",
        ),
        (["--ylim", "3", "1"], "--ylim needs finite LO < HI, got 3 1"),
        (["--size", "0.1x2"], "figure size '0.1x2' is out of range (0.5 to 100 inches each side)"),
        (
            ["--size", "100x100", "--dpi", "600"],
            "a 60000x60000 px figure is too large (at most 100 megapixels; lower --size or --dpi)",
        ),
        (["--panels", "f,hess"], "unknown panel 'f,hess' (valid: f, grad or f,grad)"),
        (["--range", "5", "-5"], "--range needs finite LO < HI, got 5 -5"),
        (["--range", "-inf", "5"], "--range needs finite LO < HI, got -inf 5"),
        (["swishy"], "unknown variant 'swishy'; did you mean 'swish'?"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(run, tmp_path, args, message):
    result = run("plot", *args, "-o", str(tmp_path / "f.png"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert result.stderr.count("\n") == 1
    assert leftovers(tmp_path) == []


def test_show_without_a_display_says_so_after_writing_the_file(run, tmp_path):
    # conftest sets MPLBACKEND=Agg: pyplot cannot open a window here.
    target = tmp_path / "f.png"
    result = run("plot", "--show", "--dpi", "20", "-o", str(target))
    assert result.exit_code == 1
    assert result.stdout == f"wrote {target}\n"
    assert result.stderr == (
        "Error: --show needs a window, but Matplotlib's backend here is 'agg' (no display?);"
        " write a file with -o FILE instead\n"
    )
    assert target.is_file()


# ---------------------------------------------------------------- what the figure teaches


def draw(specs, style="light", **options):
    """Draw into a small figure and return it (the caller inspects its artists)."""
    acts = [relucli.get(s) for s in specs]
    with new_figure(style, (12.8, 7.2), 20) as fig:
        draw_comparison(fig, acts, PlotOptions(**options))
    return fig


def texts(ax) -> list[str]:
    found = [t.get_text() for t in ax.texts]
    legend = ax.get_legend()
    legends = [legend] if legend else []
    legends += [a for a in ax.get_children() if type(a).__name__ == "Legend"]
    for leg in legends:
        found += [leg.get_title().get_text(), *(t.get_text() for t in leg.get_texts())]
    return found


def texts_of(legend) -> list[str]:
    return [legend.get_title().get_text(), *(t.get_text() for t in legend.get_texts())]


def test_default_figure_labels_variants_dead_zone_kinks_and_leak():
    fig = draw(["relu", "leaky_relu", "elu"])
    f_ax, grad_ax = fig.axes
    (inset,) = f_ax.child_axes
    assert f_ax.get_title(loc="left") == "activation  f(x)"
    assert grad_ax.get_title(loc="left") == "derivative  f′(x)"
    # The curves' legend: inside f(x) where it hides nothing, or out of the panels.
    legends = [f_ax.get_legend(), *fig.legends]
    assert next([t.get_text() for t in leg.get_texts()] for leg in legends if leg) == (
        DEFAULT_LABELS
    )
    jumps = [leg for leg in fig.legends if leg.get_title().get_text().startswith("f′ jumps")]
    grad_texts = texts(grad_ax) + [t for leg in jumps for t in texts_of(leg)]
    assert "dead zone\nf′ = 0: relu" in grad_texts
    assert "f′ jumps at x = 0 (torch)\n○ left → right limit, ● used" in grad_texts
    assert "relu: 0 → 1, ● 0" in grad_texts
    assert "leaky_relu: 0.01 → 1, ● 0.01" in grad_texts
    assert "leaky_relu: f′ = 0.01 for x < 0\n(a leak, not zero)" in grad_texts
    # ELU (alpha = 1) has no jump in f': it is listed nowhere among the kinks.
    assert not any(t.startswith("elu") for t in grad_texts)
    # The leak of slope 0.01 gets a magnified inset that says it is magnified.
    assert inset.get_title(loc="left") == "the leaky_relu leak\n(y magnified ×15)"


def test_jax_convention_changes_the_value_used_at_the_kink():
    acts = [relucli.get("leaky", convention="jax")]
    with new_figure("light", (12.8, 7.2), 20) as fig:
        draw_comparison(fig, acts, PlotOptions(panels=("grad",)))
    assert "leaky_relu: 0.01 → 1, ● 1" in texts(fig.axes[0])
    assert "f′ jumps at x = 0 (jax)\n○ left → right limit, ● used" in texts(fig.axes[0])


def test_relu6_widens_the_range_and_labels_both_dead_zones():
    assert plot_range([relucli.get("relu6")], None) == (-7.0, 7.0)
    fig = draw(["relu", "relu6"], panels=("grad",))
    (ax,) = fig.axes
    assert ax.get_xlim() == (-7.0, 7.0)
    assert "dead zone\nf′ = 0: relu, relu6" in texts(ax)
    assert "dead zone: relu6 →" in texts(ax)
    assert "relu6 at 6: 1 → 0, ● 0" in texts(ax)


def test_no_leak_inset_when_every_negative_side_is_visible():
    fig = draw(["elu", "selu"])
    assert [ax.child_axes for ax in fig.axes] == [[], []]
    assert "selu: 1.76 → 1.05, ● 1.76" in texts(fig.axes[1])


# A leak is a nonzero slope for x < 0 too small to see. StarReLU's negative side is flat at
# its bias and hard ELiSH's is flat below -1 (f' = 0): neither is a leak.
LEAKS_ALONE = ["leaky_relu"]
LEAKS_IN_ALL = ["leaky_relu", "gelu", "silu", "mish", "softplus", "sigmoid", "swish",
                "quick_gelu", "elish", "tanhexp"]  # fmt: skip


def test_exactly_the_variants_with_a_faint_slope_for_x_below_0_are_leaks():
    from relucli.plotting.curves import faint_curves, sample
    from relucli.styles import STYLES as REGISTRY

    acts = [relucli.get(name) for name in relucli.names()]
    alone = []
    for act in acts:  # `relucli plot NAME`, and the variant's gallery cell
        lo, hi = plot_range([act], None)
        curves = sample([act], lo, hi, 4001, REGISTRY["light"].looks(1))
        if faint_curves(curves):
            alone.append(act.name)
        for c in curves:
            neg = c.x < 0
            assert bool(faint_curves(curves)) <= bool(np.all(c.grad[neg] != 0)), act.name
    assert alone == LEAKS_ALONE
    lo, hi = plot_range(acts, None)
    curves = sample(acts, lo, hi, 4001, REGISTRY["light"].looks(len(acts)))
    faint = faint_curves(curves)
    assert [c.act.name for c in curves if id(c) in faint] == LEAKS_IN_ALL
    in_cells = [c.act.name for c in curves if faint_curves([c])]
    assert in_cells == LEAKS_ALONE


def test_the_gallery_labels_only_real_leaks_and_never_a_zero_slope():
    acts = [relucli.get(name) for name in relucli.names()]
    with new_figure("light", (12.8, 7.2), 60) as fig:
        draw_comparison(fig, acts, PlotOptions(layout="grid"), check=False)
    labelled = {}
    for ax in fig.axes:
        for text in ax.texts:
            if "leak" in text.get_text():
                labelled[ax.get_title()] = text.get_text()
    assert list(labelled) == ["leaky_relu (α=0.01)"]
    assert labelled["leaky_relu (α=0.01)"] == "leak f′ = 0.01"
    for ax in fig.axes:
        for text in ax.texts:
            assert not re.search(r"f′ = [−-]?0(?![.\d])", text.get_text()), text.get_text()


def test_a_leak_note_gives_a_nonzero_slope_for_every_leaking_variant():
    for name in LEAKS_ALONE:
        fig = draw([name], panels=("grad",))
        notes = [t for t in texts(fig.axes[0]) if "a leak" in t]
        assert notes, name
        for note in notes:
            assert not re.search(r"f′ = [−-]?0(?![.\d])", note), note


def test_rrelu_is_a_band_of_slopes_with_its_eval_line():
    fig = draw(["rrelu"], panels=("f",))
    (ax,) = fig.axes
    (band,) = ax.collections  # fill_between: between the lower and upper slope lines
    y = band.get_paths()[0].vertices[:, 1]
    assert y.min() == pytest.approx(-5 / 3)  # upper slope 1/3 at x = -5
    (line,) = [ln for ln in ax.get_lines() if ln.get_gid() == "f-rrelu"]
    assert line.get_ydata()[0] == pytest.approx(-5 * (1 / 8 + 1 / 3) / 2)  # eval slope


def test_rrelu_train_draws_seeded_samples_inside_the_band():
    act = relucli.get("rrelu", train=True, seed=3)
    with new_figure("light", (8, 4.5), 20) as fig:
        draw_comparison(fig, [act], PlotOptions(panels=("grad",)))
    (ax,) = fig.axes
    (points,) = [c for c in ax.collections if c.get_gid() == "grad-rrelu"]
    slopes = points.get_offsets()[:, 1]
    negative = points.get_offsets()[:, 0] < 0
    assert np.all((slopes[negative] >= 1 / 8) & (slopes[negative] <= 1 / 3))
    assert len(np.unique(slopes[negative])) > 10  # sampled, not the eval constant


def test_saturation_shading_is_announced_only_when_something_saturates():
    hatched = "hatched along a curve: saturation, 0 < |f′| < 0.1"
    notes = [t.get_text() for t in draw(["elu"], panels=("grad",), shade=("saturation",)).texts]
    assert hatched in notes
    fig = draw(["relu"], panels=("grad",), shade=("saturation",))
    assert hatched not in [t.get_text() for t in fig.texts]


def test_saturation_hatching_cannot_dominate_a_panel():
    # Six smooth variants saturate over most of x < 0: the hatching stays a strip along f' = 0.
    fig = draw(SMOOTH, panels=("grad",), shade=("saturation",))
    (ax,) = fig.axes
    hatched = [c for c in ax.collections if c.get_hatch()]
    assert len(hatched) == 6
    y0, y1 = ax.get_ylim()
    tops = [np.max(c.get_paths()[0].vertices[:, 1]) for c in hatched]
    bottoms = [np.min(c.get_paths()[0].vertices[:, 1]) for c in hatched]
    assert (max(tops) - min(bottoms)) / (y1 - y0) < 0.25


def test_grid_layout_has_one_titled_panel_per_variant():
    acts = [relucli.get(n) for n in relucli.names()]
    with new_figure("neon", SIZES["16:9"], 20) as fig:
        draw_comparison(fig, acts, PlotOptions(layout="grid"))
    visible = [ax for ax in fig.axes if ax.get_visible()]
    # Titles wrap to the cell's width: at spaces, and a name wider than a small cell after
    # its underscores (inside the word: no space there).
    titles = [ax.get_title().replace("_\n", "_").replace("\n", " ") for ax in visible]
    assert titles == [a.label for a in acts]
    # A break after an underscore only where the word alone is wider than the cell: xIELU's
    # "(α_p=0.8, α_n=0.8, β=0.5)" breaks at a space, never as "α_" / "n=0.8".
    xielu = next(ax.get_title() for ax, a in zip(visible, acts) if a.variant.name == "xielu")
    assert "_\n" not in xielu and "\n" in xielu
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "f(x)",
        "f′(x)",
        "dead zone (f′ = 0)",
    ]


def test_grid_of_derivatives_alone_says_the_curves_are_f_prime():
    fig = draw(["relu", "elu"], layout="grid", panels=("grad",))
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "f′(x)",
        "dead zone (f′ = 0)",
    ]


def test_clean_draws_curves_and_legend_only():
    fig = draw(["relu", "leaky_relu", "elu"], clean=True)
    f_ax, grad_ax = fig.axes
    assert f_ax.child_axes == [] and fig.texts == []
    assert texts(grad_ax) == [] or all(t in DEFAULT_LABELS for t in texts(grad_ax))
    assert not any(c.get_gid() is None and c.get_alpha() == 0.13 for c in grad_ax.patches)


def test_ylim_sets_the_f_panel_and_legend_none_draws_no_legend():
    fig = draw(["elu", "selu"], ylim=(-3.0, 4.0), legend="none")
    f_ax, grad_ax = fig.axes
    assert f_ax.get_ylim() == (-3.0, 4.0) and grad_ax.get_ylim() != (-3.0, 4.0)
    assert f_ax.get_legend() is None and fig.legends == []


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_legend_outside_and_inside(where):
    fig = draw(["elu", "selu"], legend=where)
    outside = [texts_of(leg) for leg in fig.legends]
    if where == "outside":
        assert outside == [["", "elu (α=1)", "selu"]]
    else:
        assert outside == [] and fig.axes[0].get_legend() is not None


def test_any_ratio_is_a_size_7_2_inches_tall():
    assert parse_size("1:1") == (7.2, 7.2)
    assert parse_size("16:10") == pytest.approx((11.52, 7.2))
    assert parse_size("3:2") == pytest.approx((10.8, 7.2))
    assert parse_size("21:9") == pytest.approx((16.8, 7.2))


def test_notebook_api_returns_a_figure_without_pyplot():
    code = (
        "import sys, relucli\n"
        "assert 'matplotlib' not in sys.modules\n"
        "fig = relucli.plot('elu', 'selu', style='neon', size='4:3', dpi=20)\n"
        "print(type(fig).__name__, [t.get_text() for t in fig.axes[0].get_legend().get_texts()],"
        " 'matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.splitlines()[-1] == "Figure ['elu (α=1)', 'selu'] False"


# ---------------------------------------------------------------- sampling and helpers


def test_kinks_are_in_the_sample_grid_exactly():
    x = sample_grid(-5.0, 5.0, 4, [0.0, 6.0, 1 / 3])
    even = np.linspace(-5.0, 5.0, 4).tolist()
    assert x.tolist() == [*even[:2], 0.0, 1 / 3, *even[2:]]


@settings(max_examples=60, deadline=None)
@given(
    lo=st.floats(-100, 0, allow_nan=False),
    width=st.floats(0.01, 100),
    points=st.integers(2, 500),
    kinks=st.lists(st.floats(-200, 200), max_size=5),
)
def test_sample_grid_is_sorted_unique_with_ends_and_inner_kinks(lo, width, points, kinks):
    hi = lo + width
    x = sample_grid(lo, hi, points, kinks)
    assert x[0] == lo and x[-1] == hi
    assert np.all(np.diff(x) > 0)
    assert all(k in x for k in kinks if lo < k < hi)


@pytest.mark.parametrize(
    ("text", "dpi", "inches"),
    [
        ("16:9", 150, (12.8, 7.2)),
        ("4:3", 150, (9.6, 7.2)),
        ("8x4.5", 150, (8.0, 4.5)),
        ("8X4.5in", 150, (8.0, 4.5)),
        ("1920x1080px", 150, (12.8, 7.2)),
        ("640x480px", 80, (8.0, 6.0)),
    ],
)
def test_parse_size(text, dpi, inches):
    assert parse_size(text, dpi) == pytest.approx(inches)


@pytest.mark.parametrize(
    ("path", "fmt"), [("a.png", "png"), ("dir.v2/A.SVG", "svg"), ("x.pdf", "pdf")]
)
def test_figure_format_from_suffix(path, fmt):
    assert figure_format(path) == fmt


def test_figure_format_rejects_others_naming_the_valid_ones():
    with pytest.raises(SpecError, match=r"^cannot tell .* from '\.jpg' \(use png, svg, pdf\)$"):
        figure_format("a.jpg")


def test_styles_are_used_by_dotted_name_and_restore_rcparams():
    import matplotlib

    before = dict(matplotlib.rcParams)
    for style in STYLES:
        with new_figure(style, (4, 3), 20) as fig:
            assert fig.get_facecolor()[:3] == pytest.approx(
                tuple(v / 255 for v in BACKGROUND[style])
            )
            assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"
            assert matplotlib.rcParams["svg.hashsalt"] == "relucli"
    assert dict(matplotlib.rcParams) == before
    unknown = r"unknown style 'pastel' \(valid: light, dark, neon\)"
    with pytest.raises(SpecError, match=unknown), new_figure("pastel"):
        pass


def test_light_and_dark_palettes_differ_in_grayscale():
    # Every pair of colours, so every colour x dash look stays apart in grayscale print.
    for style in ("light", "dark"):
        rgb = np.array([hex_rgb(c) for c in style_colors(style)], float)
        luma = rgb @ [0.299, 0.587, 0.114]
        assert len(luma) == 8
        assert np.min(np.abs(np.subtract.outer(luma, luma))[np.triu_indices(8, 1)]) > 15


def test_every_variant_today_and_forty_more_get_distinct_looks():
    from relucli.styles import DASHES
    from relucli.styles import STYLES as REGISTRY

    for style in REGISTRY.values():
        looks = style.looks(56)
        assert len(set(looks)) == 56  # the whole palette x dash product
        assert {c for c, _ in looks} == set(style.palette)
        assert {d for _, d in looks} == set(DASHES)
    light = REGISTRY["light"].looks(3)  # the first lines differ in dash too, for print
    assert len({d for _, d in light}) == 3


def test_looks_grow_with_the_catalogue_every_variant_of_all_distinct():
    from relucli.styles import DASHES, dashes
    from relucli.styles import STYLES as REGISTRY

    n_all = len(relucli.names())
    derived = dashes(12)
    assert derived[:7] == DASHES and len(set(derived)) == 12
    for style in REGISTRY.values():
        assert len(set(style.looks(n_all))) == n_all
        for n in (57, 80, 81, 200):  # past the hand-tuned product: derived dashes
            looks = style.looks(n)
            assert len(set(looks)) == n
            assert {c for c, _ in looks} == set(style.palette)  # colour-blind-safe palette only
        assert style.looks(56) == style.looks(80)[:56]  # growing never restyles the first 56


def test_style_registry_reads_the_palette_from_the_colour_sheets():
    from relucli.styles import STYLES as REGISTRY

    for name, style in REGISTRY.items():
        assert style.sheets == ["relucli.styles.base", f"relucli.styles.{name}"]
        assert [c.lower() for c in style.palette] == [c.lower() for c in style_colors(name)]
    assert REGISTRY["neon"].glow and not REGISTRY["light"].glow
    assert REGISTRY["neon"].bulbs.halo and not REGISTRY["light"].bulbs.halo


def test_curves_are_numbers_computed_without_matplotlib():
    code = (
        "import sys, relucli\n"
        "from relucli.plotting.curves import sample, plot_range, faint_curves, dead_zones\n"
        "from relucli.styles import STYLES\n"
        "acts = [relucli.get(n) for n in ('relu', 'leaky_relu', 'relu6')]\n"
        "lo, hi = plot_range(acts, None)\n"
        "curves = sample(acts, lo, hi, 11, STYLES['light'].looks(3))\n"
        "print(lo, hi, [len(c.kinks) for c in curves], len(faint_curves(curves)),"
        " sorted(dead_zones(curves, lo, hi)), 'matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.splitlines()[-1] == "-7.0 7.0 [1, 1, 2] 1 [(-7.0, 0.0), (6.0, 7.0)] False"


# ---------------------------------------------------------------- committed baselines

BASELINES = {
    "default-light.png": ["plot", "--dpi", "60"],
    "default-neon.png": ["plot", "--style", "neon", "--dpi", "60"],
    "gallery-grid.png": ["plot", "all", "--layout", "grid", "--dpi", "60"],
}


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_figure_matches_its_committed_baseline(run, tmp_path, name):
    from matplotlib.testing.compare import compare_images

    actual = tmp_path / name
    assert run(*BASELINES[name], "-o", str(actual)).exit_code == 0
    expected = BASELINE / name
    assert expected.is_file(), f"missing baseline {expected}: run `make figures`"
    # Text rendering may differ by a few grey levels between FreeType builds.
    assert compare_images(str(expected), str(actual), tol=3) is None


def test_baselines_are_regenerated_by_make_figures():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_figures
    finally:
        sys.path.pop(0)
    regenerated = {command for command in make_figures.EXTRA}
    assert regenerated == {
        "relucli " + " ".join(args) + f" -o tests/baseline/{name}"
        for name, args in BASELINES.items()
    }
