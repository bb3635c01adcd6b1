"""Any terminal encoding: symbols the stream cannot encode get ASCII spellings, in tables,
csv and json alike, instead of an internal error (UnicodeEncodeError)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from relucli.tables import render
from relucli.textenc import ASCII_SPELLINGS, speller, spelling_for, stream_encoding, to_ascii

ROOT = Path(__file__).resolve().parents[1]
HEADERS = ["variant", "f′ range", "σ_w²", "≈x near 0", "fate", "x"]
ROWS = [["leaky (α=0.01)", "[−1, ∞)", "2", "yes", "→ inf, ×1.5/layer", 1.5]]


def stream(encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, newline="")


def written(out: io.TextIOWrapper) -> str:
    out.flush()
    return out.buffer.getvalue().decode(out.encoding)


def table(fmt: str, encoding: str) -> str:
    out = stream(encoding)
    columns = list(zip(*ROWS))
    columns[-1] = np.array(columns[-1])
    render(HEADERS, [columns], fmt, None, out)
    return written(out)


@pytest.mark.parametrize(
    "text, ascii_text",
    [
        ("f′", "f'"),
        ("σ_w²", "sigma_w^2"),
        ("leaky (α=0.01)", "leaky (alpha=0.01)"),
        ("→ inf", "-> inf"),
        ("≈x", "~=x"),
        ("−∞", "-inf"),
        ("x·Φ(x)", "x*Phi(x)"),
        ("q err l≤10", "q err l<=10"),
        ("λ β χ", "lambda beta chi"),
        ("café", "cafe"),
        ("日本", "??"),
        ("╒═╤╕│├─┼┤", "+=++|+-++"),  # one column each: tables keep their alignment
        ("plain ascii", "plain ascii"),
    ],
)
def test_ascii_spellings(text, ascii_text):
    assert to_ascii(text) == ascii_text
    assert spelling_for("ascii")(text) == ascii_text


def test_every_spelling_is_ascii():
    assert all(v.isascii() for v in ASCII_SPELLINGS.values())


def test_latin1_keeps_what_it_can_encode():
    spell = spelling_for("latin-1")
    assert spell("σ_w² × 2") == "sigma_w² × 2"
    assert spell("≈x near 0") == "~=x near 0"


def test_utf8_streams_are_left_alone():
    assert speller(stream("utf-8"))("σ→≈") == "σ→≈"
    assert speller(stream("UTF8"))("σ") == "σ"
    assert speller(io.StringIO())("σ") == "σ"  # no encoding: UTF-8
    assert stream_encoding(stream("latin_1")) == "iso8859-1"


def test_simple_table_in_ascii():
    assert table("simple", "ascii") == (
        "variant             f' range    sigma_w^2    ~=x near 0    fate                  x\n"
        "------------------  ----------  -----------  ------------  ------------------  ---\n"
        "leaky (alpha=0.01)  [-1, inf)   2            yes           -> inf, x1.5/layer  1.5\n"
    )


def test_simple_table_in_utf8_unchanged():
    assert table("simple", "utf-8") == (
        "variant         f′ range    σ_w²    ≈x near 0    fate                 x\n"
        "--------------  ----------  ------  -----------  -----------------  ---\n"
        "leaky (α=0.01)  [−1, ∞)     2       yes          → inf, ×1.5/layer  1.5\n"
    )


def test_fancy_grid_in_ascii_keeps_its_shape():
    rule = "+====================+============+=============+==============+====================+=====+"
    assert table("fancy_grid", "ascii") == (
        f"{rule}\n"
        "| variant            | f' range   | sigma_w^2   | ~=x near 0   | fate               |   x |\n"
        f"{rule}\n"
        "| leaky (alpha=0.01) | [-1, inf)  | 2           | yes          | -> inf, x1.5/layer | 1.5 |\n"
        f"{rule}\n"
    )


def test_csv_and_json_in_ascii():
    assert table("csv", "ascii") == (
        "variant,f' range,sigma_w^2,~=x near 0,fate,x\n"
        'leaky (alpha=0.01),"[-1, inf)",2,yes,"-> inf, x1.5/layer",1.5\n'
    )
    rows = json.loads(table("json", "ascii"))
    assert rows == [
        {
            "variant": "leaky (alpha=0.01)",
            "f' range": "[-1, inf)",
            "sigma_w^2": "2",
            "~=x near 0": "yes",
            "fate": "-> inf, x1.5/layer",
            "x": 1.5,
        }
    ]


def test_json_in_utf8_keeps_the_symbols():
    assert json.loads(table("json", "utf-8"))[0]["σ_w²"] == "2"


def test_eucjp_spells_only_what_it_lacks():
    text = table("csv", "euc_jp")
    assert text.startswith("variant,f′ range,σ_w^2,")  # Greek and ′ exist in JIS X 0208


# ---------------------------------------------------------- the commands, for real


def user_env(**extra: str) -> dict[str, str]:
    # Users have neither of these: PYTHONUNBUFFERED hides buffering bugs (a failed write
    # surfacing only at exit), PYTHONDONTWRITEBYTECODE is this machine's setting.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PYTHONIOENCODING")
    }
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


COMMANDS = [
    ["props"],
    ["props", "relu", "--format", "fancy_grid"],
    ["props", "--format", "csv"],
    ["props", "--format", "json"],
    ["list"],
    ["list", "--format", "json"],
    ["depth", "relu", "tanh", "--layers", "3", "--width", "32", "--batch", "64"],
    ["table", "seed", "--at", "-1,inf"],
]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "euc_jp"])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_commands_in_any_encoding(args, encoding):
    result = subprocess.run(
        [sys.executable, "-m", "relucli", *args],
        capture_output=True,
        env=user_env(PYTHONIOENCODING=encoding),
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (0, b"")
    text = result.stdout.decode(encoding)  # strict: every byte is in the encoding
    if encoding == "ascii":
        assert "sigma" in text or "~=" in text or "->" in text or args[0] == "table"
    if "json" in args:
        json.loads(text)
