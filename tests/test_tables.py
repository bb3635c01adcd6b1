"""relucli.tables, the one renderer: every writer (tabulate formats, csv, json, LaTeX),
precision and float32, asserted as exact text."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from tabulate import tabulate_formats

from relucli.tables import (
    DEFAULT_FORMAT,
    FORMATS,
    SINGLE,
    STREAMING,
    TABULATE_LIMIT,
    FormatError,
    blocks_from_rows,
    check_size,
    format_float,
    render,
)

HEADERS = ["variant", "x", "f(x)", "bounded", "n"]
# Every kind of cell: text, floats (a long one, a negative zero), booleans, an empty cell.
ROWS = [["relu", -2.0, 0.0, True, None], ["elu", 1 / 3, -0.0, False, 3]]


def rendered(headers, rows_or_blocks, fmt, precision=None, single=False, blocks=False) -> str:
    stream = io.StringIO()
    source = rows_or_blocks if blocks else blocks_from_rows(rows_or_blocks)
    render(headers, source, fmt, precision, stream, single=single)
    return stream.getvalue()


def test_the_format_list_is_every_tabulate_format_plus_the_streaming_ones():
    assert tuple(FORMATS) == (*tabulate_formats, "csv", "json")
    assert STREAMING == ("csv", "json") and DEFAULT_FORMAT == "simple"


# ---------------------------------------------------------------------- tabulate formats


def test_simple_rounds_to_6_digits_aligns_numbers_right_and_drops_the_sign_of_zero():
    assert rendered(HEADERS, ROWS, "simple") == (
        "variant           x    f(x)  bounded      n\n"
        "---------  --------  ------  ---------  ---\n"
        "relu             -2       0  yes\n"
        "elu        0.333333       0  no           3\n"
    )


def test_github():
    assert rendered(HEADERS, ROWS, "github") == (
        "| variant   |        x |   f(x) | bounded   |   n |\n"
        "|-----------|----------|--------|-----------|-----|\n"
        "| relu      |       -2 |      0 | yes       |     |\n"
        "| elu       | 0.333333 |      0 | no        |   3 |\n"
    )


def test_latex_booktabs_and_latex():
    body = (
        " variant   &        x &   f(x) & bounded   &   n \\\\\n{rule}"
        " relu      &       $-$2 &      0 & yes       &     \\\\\n"
        " elu       & 0.333333 &      0 & no        &   3 \\\\\n"
    )
    assert rendered(HEADERS, ROWS, "latex_booktabs") == (
        "\\begin{tabular}{lrrlr}\n\\toprule\n"
        + body.format(rule="\\midrule\n")
        + "\\bottomrule\n\\end{tabular}\n"
    )
    assert rendered(HEADERS, ROWS, "latex") == (
        "\\begin{tabular}{lrrlr}\n\\hline\n"
        + body.format(rule="\\hline\n")
        + "\\hline\n\\end{tabular}\n"
    )


def test_numeric_blocks_spell_infinities_and_nan():
    x = np.array([-2.0, np.inf, -np.inf, np.nan])
    assert rendered(["x", "2x"], [[x, 2 * x]], "plain", blocks=True) == (
        "   x    2x\n  -2    -4\n inf   inf\n-inf  -inf\n nan   nan\n"
    )


def test_an_empty_table_is_its_headers():
    assert rendered(["a", "b"], [], "simple") == "a    b\n---  ---\n"


@pytest.mark.parametrize("fmt", ["simple", "github", "latex_booktabs"])
def test_text_formats_refuse_tables_over_their_limit(fmt):
    message = (
        f"--format {fmt} holds the whole table in memory and 100,001 rows is over its limit"
        " of 100,000; use --format csv or --format json, which stream"
    )
    with pytest.raises(FormatError) as error:
        check_size(fmt, TABULATE_LIMIT + 1)
    assert str(error.value) == message
    column = np.zeros(TABULATE_LIMIT + 1)
    with pytest.raises(FormatError):
        rendered(["x"], [[column]], fmt, blocks=True)
    check_size(fmt, TABULATE_LIMIT)  # at the limit: fine


def test_streaming_formats_have_no_row_limit():
    check_size("csv", 10**12)
    check_size("json", 10**12)


# -------------------------------------------------------------------------------- csv


def test_csv_is_exact_keeps_the_sign_of_zero_and_leaves_empty_cells_empty():
    assert rendered(HEADERS, ROWS, "csv") == (
        "variant,x,f(x),bounded,n\nrelu,-2.0,0.0,yes,\nelu,0.3333333333333333,-0.0,no,3\n"
    )


def test_csv_numeric_blocks_are_exact_round_trips():
    x = np.array([-2.0, 1 / 3, np.inf, np.nan, -0.0, 1e-320])
    text = rendered(["x"], [[x]], "csv", blocks=True)
    assert text == "x\n-2.0\n0.3333333333333333\ninf\nnan\n-0.0\n1e-320\n"
    back = np.array([float(t) for t in text.splitlines()[1:]])
    assert np.array_equal(back, x, equal_nan=True) and np.signbit(back[4])


def test_csv_quotes_commas_quotes_and_line_breaks():
    headers = ["name, with comma", 'q"']
    columns = [["a,b", "line\nbreak"], ['say "hi"', "x"]]
    assert rendered(headers, [columns], "csv", blocks=True) == (
        '"name, with comma","q"""\n"a,b","say ""hi"""\n"line\nbreak",x\n'
    )


def test_csv_streams_block_after_block():
    blocks = [[np.array([1.0, 2.0])], [np.array([3.0])]]
    assert rendered(["x"], blocks, "csv", blocks=True) == "x\n1.0\n2.0\n3.0\n"


# ------------------------------------------------------------------------------- json


def test_json_types_cells_and_spells_infinities_as_strings():
    text = rendered(HEADERS, ROWS, "json")
    assert text == (
        "[\n"
        '  {"variant": "relu", "x": -2.0, "f(x)": 0.0, "bounded": true, "n": null},\n'
        '  {"variant": "elu", "x": 0.3333333333333333, "f(x)": -0.0, "bounded": false, "n": 3}\n'
        "]\n"
    )
    x = np.array([np.inf, -np.inf, np.nan, 2.0])
    special = rendered(["x"], [[x]], "json", blocks=True)
    assert json.loads(special) == [{"x": "inf"}, {"x": "-inf"}, {"x": "nan"}, {"x": 2.0}]
    assert json.loads(rendered(["x"], [["inf"], [np.inf]], "json")) == [
        {"x": "inf"},
        {"x": "inf"},
    ]


def test_json_keeps_unicode_and_joins_blocks_with_commas():
    blocks = [[["α"], np.array([1.0])], [["β"], np.array([2.0])]]
    assert rendered(["ünï", "x"], blocks, "json", blocks=True) == (
        '[\n  {"ünï": "α", "x": 1.0},\n  {"ünï": "β", "x": 2.0}\n]\n'
    )


def test_an_empty_json_table_is_an_empty_list():
    assert rendered(["x"], [], "json") == "[]\n"


# -------------------------------------------------------------------------- precision


def test_precision_is_significant_digits_in_every_format():
    x = np.array([1 / 3, -0.0, 123456.0])
    assert rendered(["x"], [[x]], "csv", 3, blocks=True) == "x\n0.333\n-0\n1.23e+05\n"
    assert rendered(["x"], [[x]], "json", 3, blocks=True) == (
        '[\n  {"x": 0.333},\n  {"x": -0},\n  {"x": 1.23e+05}\n]\n'
    )
    assert (
        rendered(["x"], [[x]], "plain", 3, blocks=True)
        == "       x\n   0.333\n       0\n1.23e+05\n"
    )
    assert rendered(["x"], [[1 / 3], [2 / 3]], "plain", 17) == (
        "                  x\n0.33333333333333331\n0.66666666666666663\n"
    )


@pytest.mark.parametrize(
    ("value", "precision", "text"),
    [
        (1 / 3, None, "0.3333333333333333"),
        (1 / 3, 4, "0.3333"),
        (-0.0, 4, "-0"),
        (1e-320, None, "1e-320"),
        (float("inf"), 3, "inf"),
        (float("-inf"), None, "-inf"),
        (float("nan"), 3, "nan"),
        (1 / 3, SINGLE, "0.33333334"),
    ],
)
def test_format_float(value, precision, text):
    assert format_float(value, precision) == text


def test_format_float_drops_the_sign_of_a_rounded_zero_only_when_asked():
    assert format_float(-0.0, 6, exact_zero=False) == "0"
    assert format_float(-0.0, None, exact_zero=False) == "-0.0"


# ---------------------------------------------------------------------------- float32


def test_float32_columns_print_the_shortest_text_of_the_float32():
    x = np.array([-2.0, 1 / 3, 0.1], dtype=np.float32)
    assert rendered(["x"], [[x]], "csv", single=True, blocks=True) == ("x\n-2.0\n0.33333334\n0.1\n")
    # Text tables show 6 significant digits by default, as float64 ones do.
    assert rendered(["x"], [[x]], "simple", single=True, blocks=True) == (
        "       x\n--------\n      -2\n0.333333\n     0.1\n"
    )
    # Without `single` the same values print as the float64 numbers they are.
    assert rendered(["x"], [[x]], "csv", blocks=True) == (
        "x\n-2.0\n0.3333333432674408\n0.10000000149011612\n"
    )


def test_precision_wins_over_float32_in_every_format():
    x = np.array([1 / 3], dtype=np.float32)
    for fmt, text in [("csv", "x\n0.333\n"), ("plain", "    x\n0.333\n")]:
        assert rendered(["x"], [[x]], fmt, 3, single=True, blocks=True) == text


def test_float32_values_in_rows_are_numbers_not_text():
    # NumPy scalars (np.float32 is no Python float) align right and take --precision.
    rows = [["a", np.float32(1 / 3)], ["b", np.float32(-2.0)]]
    assert rendered(["v", "x"], rows, "plain", 3) == "v        x\na    0.333\nb       -2\n"


# ----------------------------------------------------------------------------- blocks


def test_blocks_from_rows_groups_rows_into_columns():
    rows = [[i, str(i)] for i in range(5)]
    blocks = list(blocks_from_rows(rows, size=2))
    assert blocks == [[(0, 1), ("0", "1")], [(2, 3), ("2", "3")], [(4,), ("4",)]]
    assert list(blocks_from_rows([])) == []


def test_commands_that_draw_do_not_import_tabulate():
    # tabulate imports importlib.metadata: tens of milliseconds on every figure otherwise.
    import subprocess
    import sys

    code = "import sys, relucli.cli; print('tabulate' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "False\n"
