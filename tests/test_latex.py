"""LaTeX tables compile: every latex format of every table command, in an article and in a
Beamer frame, through pdflatex -halt-on-error.

Without pdflatex the compile tests skip on a developer's machine but FAIL under CI=true:
.ci/run installs TeX first, so in CI they can never pass by skipping.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import numpy as np
import pytest
from click.testing import CliRunner

from relucli.tables import LATEX_FORMATS, WRITERS, render
from relucli.textenc import latex_text

# What every table command prints, with the headers that once broke pdflatex (≈ in props,
# σ_w², χ, → and ≤ in depth, × in depth's fates, _ everywhere) and values with signs,
# exponents, inf and nan.
COMMANDS = {
    "eval": ["eval", "relu", "leaky", "elu", "--at", "-2,0,1e-5,-1e20,inf,-inf,nan"],
    "table": ["table", "seed", "--at", "-1,inf"],
    "grad": ["grad", "--at", "-2,0"],
    "props": ["props", "all"],
    "list": ["list"],
    "depth": ["depth", "relu", "selu", "tanh", "--layers", "3", "--width", "32", "--batch", "64"],
    "dying": ["dying", "--steps", "50"],
    "bench": ["bench", "relu", "--size", "1000", "--repeat", "1"],
}

# Every symbol we map, every character LaTeX treats specially, and text that is not ours.
SYMBOLS_HEADERS = ["σ_w²", "≈x near 0", "f′ range", "→", "−∞", "Φ λ β α χ π", "a&b%c$d#e"]
SYMBOLS_ROWS = [
    ["x·Φ(x); √(2/π)", "x < 0 ≤ y > z", "{~^\\}", "(-1, inf)", "→ inf, ×1.5/layer", "C∞", -1.5],
    ["café 日本 ½ ± ≠ ≥ ← ↔ …", "—–", "μ ε η θ ρ τ ψ ω Δ Σ Ω", "[0, inf)", "q err l≤10", "", 1e-5],
]


def latex_tables(fmt: str) -> dict[str, str]:
    runner = CliRunner()
    from relucli.cli import main

    tables = {}
    for name, args in COMMANDS.items():
        result = runner.invoke(main, [*args, "--format", fmt], catch_exceptions=False)
        assert result.exit_code == 0, (name, result.output)
        # Some commands print a line above text tables; the table is what we paste.
        text = result.stdout
        start = text.index("\\begin")
        tables[name] = text[start:]
    out = io.StringIO()
    render(SYMBOLS_HEADERS, [list(zip(*SYMBOLS_ROWS))], fmt, None, out)
    tables["symbols"] = out.getvalue()
    out = io.StringIO()
    render(["σ", "no rows"], [], fmt, None, out)
    tables["empty"] = out.getvalue()
    return tables


def require_tex(*files: str) -> None:
    missing = (
        shutil.which("pdflatex") is None
        or shutil.which("kpsewhich") is None
        or subprocess.run(["kpsewhich", *files], capture_output=True).returncode != 0
    )
    if not missing:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"pdflatex or {', '.join(files)} missing under CI=true (.ci/run installs them)")
    pytest.skip("pdflatex not installed (CI installs it: see .ci/run)")


def compile_latex(folder, name: str, source: str) -> None:
    (folder / f"{name}.tex").write_text(source, encoding="ascii")
    result = subprocess.run(
        [
            "pdflatex",
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-no-shell-escape",
            f"{name}.tex",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=300,
    )
    log = (folder / f"{name}.log").read_text(errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert result.returncode == 0 and not errors, "\n".join(errors) or result.stdout[-2000:]
    # A glyph the font lacks is only a warning in pdflatex: a table must not have one.
    assert "Missing character" not in log
    assert (folder / f"{name}.pdf").stat().st_size > 0


PREAMBLE = "\\usepackage{booktabs}\n\\usepackage{longtable}\n"


@pytest.fixture(scope="module", params=LATEX_FORMATS)
def tables(request):
    return request.param, latex_tables(request.param)


def test_tables_are_ascii(tables):
    fmt, rendered = tables
    for name, text in rendered.items():
        assert text.isascii(), (fmt, name)


def test_compiles_in_an_article(tables, tmp_path):
    require_tex("article.cls", "booktabs.sty", "longtable.sty")
    _, rendered = tables
    body = "\n\n".join(f"\\section*{{{name}}}\n{{\\tiny\n{t}}}" for name, t in rendered.items())
    compile_latex(
        tmp_path,
        "article",
        f"\\documentclass{{article}}\n{PREAMBLE}\\begin{{document}}\n{body}\n\\end{{document}}\n",
    )


def test_compiles_in_beamer_frames(tables, tmp_path):
    require_tex("beamer.cls", "booktabs.sty", "longtable.sty")
    _, rendered = tables
    frames = "\n".join(
        f"\\begin{{frame}}{{{name}}}\n\\tiny\n{t}\\end{{frame}}" for name, t in rendered.items()
    )
    compile_latex(
        tmp_path,
        "slides",
        f"\\documentclass{{beamer}}\n{PREAMBLE}\\begin{{document}}\n{frames}\n\\end{{document}}\n",
    )


# ----------------------------------------------------------------- exact spellings


@pytest.mark.parametrize(
    "text, latex",
    [
        ("  -2", "  $-$2"),
        ("-0.864665", "$-$0.864665"),
        (" inf ", " $\\infty$ "),
        ("-inf", "$-\\infty$"),
        ("1e-05", "1$\\times10^{-5}$"),
        ("-1.5e+20", "$-$1.5$\\times10^{20}$"),
        ("(-1, inf)", "($-$1, $\\infty$)"),
        ("σ_w²", "$\\sigma$\\_w$^{2}$"),
        ("≈x near 0", "$\\approx$x near 0"),
        ("f′ range", "f$'$ range"),
        ("→ inf, ×1.5/layer", "$\\to$ $\\infty$, $\\times$1.5/layer"),
        ("x·Φ(x)", "x$\\cdot\\Phi$(x)"),
        ("x < 0", "x \\ensuremath{<} 0"),
        (
            "a&b%c$d#e{f}g~h^i\\j",
            "a\\&b\\%c\\$d\\#e\\{f\\}g\\textasciitilde{}h\\^{}i\\textbackslash{}j",
        ),
        ("leaky_relu:negative_slope=-0.5", "leaky\\_relu:negative\\_slope=$-$0.5"),
        # Left alone: hyphens in words, words containing inf, nan, plain text.
        ("negative-bias", "negative-bias"),
        ("info", "info"),
        ("nan", "nan"),
        ("f'(z)=0", "f'(z)=0"),
        ("café 日本", "cafe ??"),
    ],
)
def test_latex_text(text, latex):
    assert latex_text(text) == latex


def test_tables_without_symbols_stay_as_tabulate_writes_them():
    out = io.StringIO()
    render(["x", "leaky_relu"], [[np.array([0.0, 2.0]), np.array([0.0, 2.0])]], "latex", None, out)
    assert out.getvalue() == (
        "\\begin{tabular}{rr}\n\\hline\n   x &   leaky\\_relu \\\\\n\\hline\n"
        "   0 &            0 \\\\\n   2 &            2 \\\\\n\\hline\n\\end{tabular}\n"
    )


def test_every_latex_format_is_in_the_registry():
    assert LATEX_FORMATS == ("latex", "latex_booktabs", "latex_longtable", "latex_raw")
    assert WRITERS["latex_booktabs"].package == "booktabs"
    assert WRITERS["latex_longtable"].package == "longtable"
