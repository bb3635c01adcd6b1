"""The writer registry: format names, the -o suffix, and float32 tables like float64 ones."""

from __future__ import annotations

import io

import numpy as np
import pytest
from tabulate import tabulate_formats

from relucli.tables import (
    DEFAULT_FORMAT,
    FORMATS,
    LATEX_FORMATS,
    STREAMING,
    SUFFIX_FORMATS,
    WRITERS,
    FormatError,
    canonical_format,
    format_for_output,
    render,
    table_output,
)


def test_public_lists_derive_from_the_registry():
    assert (*tabulate_formats, "csv", "json") == FORMATS  # the order --help shows
    assert STREAMING == ("csv", "json")
    assert LATEX_FORMATS == ("latex", "latex_booktabs", "latex_longtable", "latex_raw")
    assert DEFAULT_FORMAT == "simple" and DEFAULT_FORMAT in WRITERS
    assert all(WRITERS[f].name == f for f in FORMATS)


@pytest.mark.parametrize(
    "name, fmt",
    [("CSV", "csv"), ("Json", "json"), ("GitHub", "github"), ("LATEX_BOOKTABS", "latex_booktabs")],
)
def test_names_are_case_insensitive(name, fmt):
    assert canonical_format(name) == fmt


def test_hyphen_for_underscore():
    assert canonical_format("latex-booktabs") == "latex_booktabs"


@pytest.mark.parametrize(
    "name, hint",
    [
        ("markdown", "; did you mean 'github' or 'pipe'?"),
        ("md", "; did you mean 'github' or 'pipe'?"),
        ("tex", "; did you mean 'latex' or 'latex_booktabs'?"),
        ("jsn", "; did you mean 'json'?"),
        ("gihub", "; did you mean 'github'?"),
        ("xyzzy", ""),
    ],
)
def test_unknown_names_get_suggestions(name, hint):
    with pytest.raises(FormatError) as caught:
        canonical_format(name)
    assert str(caught.value) == f"unknown format '{name}'{hint} (formats: {', '.join(FORMATS)})"


@pytest.mark.parametrize(
    "path, fmt",
    [
        ("t.csv", "csv"),
        ("T.CSV", "csv"),
        ("out/t.json", "json"),
        ("t.tex", "latex_booktabs"),
        ("t.md", "github"),
        ("t.html", "html"),
        ("t.tsv", "tsv"),
        ("t.rst", "rst"),
        ("t.txt", DEFAULT_FORMAT),
        ("t.dat", DEFAULT_FORMAT),
        ("table", DEFAULT_FORMAT),
        ("-", DEFAULT_FORMAT),
        (None, DEFAULT_FORMAT),
    ],
)
def test_suffix_chooses_the_format(path, fmt):
    assert format_for_output(None, path) == fmt


@pytest.mark.parametrize(
    "explicit, path, fmt",
    [
        ("csv", "t.csv", "csv"),
        ("CSV", None, "csv"),
        ("latex", "t.tex", "latex"),  # any latex format fits .tex
        ("latex_longtable", "t.tex", "latex_longtable"),
        ("pipe", "t.md", "pipe"),
        ("json", "t.txt", "json"),  # .txt and unknown suffixes hold any text
        ("grid", "t.dat", "grid"),
        ("github", "-", "github"),
    ],
)
def test_explicit_format_wins(explicit, path, fmt):
    assert format_for_output(explicit, path) == fmt


@pytest.mark.parametrize(
    "explicit, path, message",
    [
        (
            "csv",
            "t.json",
            "--format csv contradicts -o t.json (a .json file is written as json); drop"
            " --format to follow the suffix, or change one of them",
        ),
        (
            "github",
            "t.tex",
            "--format github contradicts -o t.tex (a .tex file is written as latex or"
            " latex_booktabs or latex_longtable or latex_raw); drop --format to follow the"
            " suffix, or change one of them",
        ),
        (
            "latex",
            "t.csv",
            "--format latex contradicts -o t.csv (a .csv file is written as csv); drop"
            " --format to follow the suffix, or change one of them",
        ),
    ],
)
def test_contradiction_is_a_usage_error(explicit, path, message):
    with pytest.raises(FormatError) as caught:
        format_for_output(explicit, path)
    assert str(caught.value) == message


def test_every_suffix_has_a_writer_that_lists_it():
    assert SUFFIX_FORMATS[".tex"] == "latex_booktabs"
    for suffix, fmt in SUFFIX_FORMATS.items():
        assert suffix in WRITERS[fmt].suffixes


# ------------------------------------------------------------------ float32 tables


def rendered(dtype, fmt="simple", precision=None) -> str:
    x = np.array([-1.0, 0.5, 1e-7, np.inf], dtype=dtype)
    y = np.array([-0.6321205588285577, 0.5, 1e-7, np.inf], dtype=dtype)
    out = io.StringIO()
    render(["x", "elu"], [[x, y]], fmt, precision, out, single=dtype == np.float32)
    return out.getvalue()


def test_float32_table_like_float64():
    expected = (
        "    x        elu\n"
        "-----  ---------\n"
        "   -1  -0.632121\n"
        "  0.5        0.5\n"
        "1e-07      1e-07\n"
        "  inf        inf\n"
    )
    assert rendered(np.float64) == expected
    assert rendered(np.float32) == expected


def test_float32_table_honours_precision():
    assert rendered(np.float32, "github", 3) == (
        "|     x |    elu |\n"
        "|-------|--------|\n"
        "|    -1 | -0.632 |\n"
        "|   0.5 |    0.5 |\n"
        "| 1e-07 |  1e-07 |\n"
        "|   inf |    inf |\n"
    )


def test_float32_csv_keeps_the_shortest_float32_text():
    assert rendered(np.float32, "csv") == (
        "x,elu\n-1.0,-0.63212055\n0.5,0.5\n1e-07,1e-07\ninf,inf\n"
    )


def test_float32_scalars_in_rows_are_numbers():
    out = io.StringIO()
    rows = [["relu", np.float32(0.1), np.int64(3)], ["elu", np.float32(-2.5), np.int64(12)]]
    render(["v", "x", "n"], [list(zip(*rows))], "simple", 3, out)
    assert out.getvalue() == "v        x    n\n----  ----  ---\nrelu   0.1    3\nelu   -2.5   12\n"
    out = io.StringIO()
    render(["v", "x"], [[["relu"], [np.float32(0.1)]]], "json", None, out, single=True)
    assert out.getvalue() == '[\n  {"v": "relu", "x": 0.1}\n]\n'


def test_render_accepts_any_case():
    out = io.StringIO()
    render(["x"], [[np.array([1.0])]], "CSV", None, out)
    assert out.getvalue() == "x\n1.0\n"


def test_table_output_checks_the_path_before_work(tmp_path):
    (tmp_path / "afile").write_text("")
    assert table_output(None, tmp_path / "t.csv") == "csv"
    assert table_output("GitHub", None) == "github"
    with pytest.raises(NotADirectoryError) as caught:
        table_output(None, str(tmp_path / "afile" / "t.csv"))
    assert caught.value.filename == str(tmp_path / "afile" / "t.csv")
    with pytest.raises(FormatError, match="contradicts"):
        table_output("csv", tmp_path / "t.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]
