"""Rows to text: every tabulate format, plus CSV and JSON. The only place formats live.

Formats are a registry of :class:`Writer` records (as tabulate's own format table is); the
public list, the streaming set, the -o suffix map and the LaTeX set all derive from it.

Tables arrive as blocks of columns, so CSV and JSON are formatted a block at a time (fast)
and stream (memory stays flat however long the table). tabulate needs all rows at once,
so it is refused above TABULATE_LIMIT rows with a hint to stream instead.

Text is spelled for the stream it goes to (ASCII spellings where its encoding lacks a
symbol, see textenc), and LaTeX formats write LaTeX that compiles in pdflatex.
"""

from __future__ import annotations

import itertools
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

# NumPy, json and difflib are imported where used: `relucli list`, `--help` and completion
# read this module and never need them (issue 16).
if TYPE_CHECKING:  # pragma: no cover - typing only
    from tabulate import TableFormat

from .textenc import latex_text, speller


@dataclass(frozen=True)
class Writer:
    """One output format.

    ``suffixes``: the -o suffixes this format may write (the first writer listing a suffix
    is chosen for it when no --format is given). ``streaming``: written a block at a time,
    any length. ``latex``: LaTeX that compiles (cells go through textenc.latex_text).
    ``hints``: other names people try for it, offered as suggestions, never accepted.
    """

    name: str
    suffixes: tuple[str, ...] = ()
    streaming: bool = False
    latex: bool = False
    hints: tuple[str, ...] = ()
    package: str = ""  # the LaTeX package the output needs, for the documentation


def _latex_begin(
    colwidths: list[int], colaligns: list[str], booktabs: bool = False, longtable: bool = False
) -> str:
    # A table with no rows has no alignments: one "l" per column still compiles.
    aligns = [*colaligns, *["left"] * (len(colwidths) - len(colaligns))]
    columns = "".join({"right": "r", "center": "c", "decimal": "r"}.get(a, "l") for a in aligns)
    begin = "\\begin{longtable}{" if longtable else "\\begin{tabular}{"
    return begin + columns + "}\n" + ("\\toprule" if booktabs else "\\hline")


def _latex_row(cells: list[str], colwidths: list[int], colaligns: list[str]) -> str:
    # Cells arrive padded, so widths were measured on the text as the user reads it (as
    # tabulate does): tables without symbols stay byte-identical to tabulate's.
    return "&".join(map(latex_text, cells)) + "\\\\"


def _latex_format(booktabs: bool = False, longtable: bool = False) -> TableFormat:
    from tabulate import Line, TableFormat

    end = "\\end{longtable}" if longtable else "\\end{tabular}"
    return TableFormat(
        lineabove=lambda w, a: _latex_begin(w, a, booktabs, longtable),
        linebelowheader=Line(
            "\\midrule" if booktabs else "\\hline" + ("\n\\endhead" if longtable else ""),
            "",
            "",
            "",
        ),
        linebetweenrows=None,
        linebelow=Line(("\\bottomrule\n" if booktabs else "\\hline\n") + end, "", "", ""),
        headerrow=_latex_row,
        datarow=_latex_row,
        padding=1,
        with_header_hide=None,
    )


# Our LaTeX layouts: tabulate's, with our cell text (tabulate's latex_raw would pass "_"
# and "σ" through, which pdflatex rejects; our cells are never raw LaTeX). Built when a
# table is written: importing tabulate (and its importlib.metadata) costs every command,
# figures included, tens of milliseconds.
_LATEX_OPTIONS: dict[str, dict[str, bool]] = {
    "latex": {},
    "latex_raw": {},
    "latex_booktabs": {"booktabs": True},
    "latex_longtable": {"longtable": True},
}


def _latex_layout(name: str) -> Any:
    """Our layout for a LaTeX format, else the format's name (tabulate's own layout)."""
    options = _LATEX_OPTIONS.get(name)
    return name if options is None else _latex_format(**options)


# tabulate.tabulate_formats (tabulate 0.10), written out so the format registry is known
# without importing tabulate; tests/test_tables.py checks it against the installed tabulate.
TABULATE_FORMATS: tuple[str, ...] = (
    "asciidoc", "colon_grid", "double_grid", "double_outline", "fancy_grid", "fancy_outline",
    "github", "grid", "heavy_grid", "heavy_outline", "html", "jira", "latex", "latex_booktabs",
    "latex_longtable", "latex_raw", "mediawiki", "mixed_grid", "mixed_outline", "moinmoin",
    "orgtbl", "outline", "pipe", "plain", "presto", "pretty", "psql", "rounded_grid",
    "rounded_outline", "rst", "simple", "simple_grid", "simple_outline", "textile", "tsv",
    "unsafehtml", "youtrack",
)  # fmt: skip
_LATEX_PACKAGES = {"latex_booktabs": "booktabs", "latex_longtable": "longtable"}
_SUFFIXES = {
    "github": (".md", ".markdown"),
    "pipe": (".md", ".markdown"),
    "latex_booktabs": (".tex",),
    "latex": (".tex",),
    "latex_raw": (".tex",),
    "latex_longtable": (".tex",),
    "html": (".html", ".htm"),
    "unsafehtml": (".html", ".htm"),
    "rst": (".rst",),
    "orgtbl": (".org",),
    "asciidoc": (".adoc", ".asciidoc"),
    "mediawiki": (".wiki",),
    "tsv": (".tsv",),
    "textile": (".textile",),
}
_HINTS = {
    "github": ("markdown", "md", "gfm"),
    "pipe": ("markdown", "md"),
    "latex_booktabs": ("tex", "booktabs"),
    "latex": ("tex",),
    "plain": ("text", "txt"),
    "html": ("htm",),
    "orgtbl": ("org",),
    "tsv": ("tab",),
    "csv": ("comma",),
    "json": ("js",),
}

# Written first for its suffix: .tex gets booktabs, the layout the README shows for slides.
_SUFFIX_ORDER = ("csv", "json", "latex_booktabs", "github")

WRITERS: dict[str, Writer] = {
    w.name: w
    for w in (
        *(
            Writer(
                name,
                suffixes=_SUFFIXES.get(name, ()),
                latex=name in _LATEX_OPTIONS,
                hints=_HINTS.get(name, ()),
                package=_LATEX_PACKAGES.get(name, ""),
            )
            for name in TABULATE_FORMATS
        ),
        Writer("csv", suffixes=(".csv",), streaming=True, hints=_HINTS["csv"]),
        Writer("json", suffixes=(".json",), streaming=True, hints=_HINTS["json"]),
    )
}
FORMATS: tuple[str, ...] = tuple(WRITERS)
STREAMING: tuple[str, ...] = tuple(w.name for w in WRITERS.values() if w.streaming)
LATEX_FORMATS: tuple[str, ...] = tuple(w.name for w in WRITERS.values() if w.latex)
DEFAULT_FORMAT = "simple"
DEFAULT_PRECISION = 6  # significant digits in text formats when none are asked for
# -o suffix -> the format written when --format is not given (.txt and others: the default).
SUFFIX_FORMATS: dict[str, str] = {}
for _name in (*_SUFFIX_ORDER, *FORMATS):
    for _suffix in WRITERS[_name].suffixes:
        SUFFIX_FORMATS.setdefault(_suffix, _name)
TABULATE_LIMIT = 100_000
SINGLE = -1  # precision code: the shortest text that reads back as the same float32

# One sequence of values per column, all the same length; numeric columns as NumPy arrays.
Block = Sequence[Sequence[Any]]


class FormatError(ValueError):
    """A format that cannot render this table, or an unknown one (a usage error)."""


def canonical_format(name: str) -> str:
    """The format called ``name``, in any case (``CSV`` is csv); FormatError otherwise,
    with suggestions (``markdown``: did you mean 'github' or 'pipe'?)."""
    key = str(name).strip().lower().replace("-", "_")
    if key in WRITERS:
        return key
    found = [w.name for w in WRITERS.values() if key in w.hints]
    if not found:
        import difflib

        found = difflib.get_close_matches(key, FORMATS, n=2)
    hint = f"; did you mean {' or '.join(repr(f) for f in found)}?" if found else ""
    raise FormatError(f"unknown format '{name}'{hint} (formats: {', '.join(FORMATS)})")


def format_for_output(explicit_format: str | None, path: str | os.PathLike | None) -> str:
    """The format to write: an explicit --format wins (any case), else the -o suffix
    decides (.csv, .json, .tex -> latex_booktabs, .md -> github, ...; .txt, anything else,
    standard output and no -o -> the default). A --format that contradicts a suffix we
    know (--format csv -o t.json) is a FormatError (a usage error)."""
    suffix = _suffix(path)
    implied = SUFFIX_FORMATS.get(suffix)
    if explicit_format is None:
        return implied or DEFAULT_FORMAT
    fmt = canonical_format(explicit_format)
    if implied is not None and suffix not in WRITERS[fmt].suffixes:
        fits = [w.name for w in WRITERS.values() if suffix in w.suffixes]
        raise FormatError(
            f"--format {fmt} contradicts -o {os.fspath(path)} (a {suffix} file is written as"
            f" {' or '.join(fits)}); drop --format to follow the suffix, or change one of them"
        )
    return fmt


def table_output(explicit_format: str | None, path: str | os.PathLike | None) -> str:
    """Everything a table command decides about its output before any work: the format
    (:func:`format_for_output`) and, for ``-o PATH``, that the path can be written
    (``files.check_output_path``). Usage problems raise FormatError or SpecError, an
    unwritable path an OSError naming it."""
    fmt = format_for_output(explicit_format, path)
    if path is not None:
        from .files import check_output_path

        check_output_path(path)
    return fmt


def _suffix(path: str | os.PathLike | None) -> str:
    if path is None:
        return ""
    text = os.fspath(path)
    if text == "-":
        return ""
    return os.path.splitext(text)[1].lower()


def check_size(fmt: str, rows: int) -> None:
    if not WRITERS[canonical_format(fmt)].streaming and rows > TABULATE_LIMIT:
        raise FormatError(
            f"--format {fmt} holds the whole table in memory and {rows:,} rows is over its"
            f" limit of {TABULATE_LIMIT:,}; use --format csv or --format json, which stream"
        )


def blocks_from_rows(rows: Iterable[Sequence[Any]], size: int = 4096) -> Iterator[Block]:
    """Group rows into column blocks."""
    it = iter(rows)
    while chunk := list(itertools.islice(it, size)):
        yield list(zip(*chunk))


def render(
    headers: Sequence[str],
    blocks: Iterable[Block],
    fmt: str,
    precision: int | None,
    stream: IO[str],
    single: bool = False,
) -> None:
    """Write the table to ``stream``. ``precision`` is significant digits; None means the
    shortest text that reads back as the same float (csv and json), as a float32 when
    ``single``; the other formats default to 6 digits, float32 and float64 alike.

    ``fmt`` is any format name in any case. Text (headers and cells) is spelled for
    ``stream``'s encoding; LaTeX formats write pdflatex-safe ASCII."""
    writer = WRITERS[canonical_format(fmt)]
    spell = _same if writer.latex else speller(stream)
    headers = [spell(str(h)) for h in headers]
    if writer.name == "csv":
        exact = SINGLE if precision is None and single else precision
        stream.write(",".join(_csv_cell(h) for h in headers) + "\n")
        for block in blocks:
            columns = [_csv_column(c, exact, spell) for c in block]
            stream.write("\n".join(map(",".join, zip(*columns))) + "\n")
    elif writer.name == "json":
        import json

        exact = SINGLE if precision is None and single else precision
        keys = [json.dumps(h, ensure_ascii=False) + ": " for h in headers]
        first = True
        stream.write("[")
        for block in blocks:
            columns = [[k + v for v in _json_texts(c, exact, spell)] for k, c in zip(keys, block)]
            for row in zip(*columns):
                stream.write(("\n  {" if first else ",\n  {") + ", ".join(row) + "}")
                first = False
        stream.write("\n]\n" if not first else "]\n")
    else:
        digits = DEFAULT_PRECISION if precision is None else precision
        columns: list[list[Any]] = [[] for _ in headers]
        for block in blocks:
            for column, values in zip(columns, block):
                column.extend(values)
        check_size(writer.name, len(columns[0]) if columns else 0)
        # Empty cells (None) don't make a column of numbers textual.
        numeric = [
            any(_is_number(v) for v in c) and all(_is_number(v) or v is None for v in c)
            for c in columns
        ]
        if any(n and None not in c for c, n in zip(columns, numeric)):
            import numpy as np  # numeric columns take the array path (text-only tables: none)

            columns = [
                np.asarray(c) if n and None not in c else c for c, n in zip(columns, numeric)
            ]
        texts = [_texts(c, digits, False) for c in columns]
        if spell is not _same:
            texts = [t if n else list(map(spell, t)) for t, n in zip(texts, numeric)]
        body = list(zip(*texts))
        align = ["right" if n else "left" for n in numeric]
        from tabulate import tabulate

        text = tabulate(
            body,
            headers=headers,
            tablefmt=_latex_layout(writer.name),
            disable_numparse=True,
            colalign=align if body else None,
        )
        # Box-drawing formats (fancy_grid, ...) draw with characters of their own.
        stream.write(spell(text) + "\n")


def _same(text: str) -> str:
    return text


def _numpy() -> Any:
    """NumPy if it is imported, else None. A value can be a NumPy array or scalar only once
    NumPy is imported, so type checks ask it only then and never import it themselves."""
    return sys.modules.get("numpy")


def _is_array(values: Any) -> bool:
    np = _numpy()
    return np is not None and isinstance(values, np.ndarray)


def _scalar(v: Any) -> Any:
    """A NumPy scalar (float32 rows) as the Python number; anything else as it is."""
    np = _numpy()
    return v.item() if np is not None and isinstance(v, np.generic) else v


def _is_number(v: Any) -> bool:
    # NumPy scalars too: a float32 column arrives as np.float32 values, and as text it would
    # ignore --precision and align left. bool (and np.bool_, neither int nor np.number) is not.
    if isinstance(v, (int, float)):
        return not isinstance(v, bool)
    np = _numpy()
    return np is not None and isinstance(v, (np.integer, np.floating))


def _texts(values: Sequence[Any], precision: int | None, exact_zero: bool) -> list[str]:
    if _is_array(values):  # a numeric column: the fast path
        floats = values.astype("float64").tolist()  # type: ignore[attr-defined]
        if precision is None:
            return list(map(float.__repr__, floats))  # 'inf', '-inf', 'nan' included
        return [format_float(v, precision, exact_zero) for v in floats]
    return [_text(v, precision, exact_zero) for v in values]


def _text(v: Any, precision: int | None, exact_zero: bool = True) -> str:
    v = _scalar(v)  # a NumPy scalar (float32 rows): formatted as the Python number
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_float(v, precision, exact_zero)
    return "" if v is None else str(v)


def format_float(v: float, precision: int | None, exact_zero: bool = True) -> str:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if precision is None:
        return repr(float(v))
    if precision == SINGLE:
        import numpy as np

        return str(np.float32(v))
    if v == 0 and not exact_zero:
        return "0"  # a rounded table has no use for -0 (csv/json keep the sign bit)
    return f"{v:.{precision}g}"


def _csv_column(
    values: Sequence[Any], precision: int | None, spell: Callable[[str], str] = _same
) -> list[str]:
    texts = _texts(values, precision, True)
    if _is_array(values):
        return texts  # numbers never need quoting
    return [_csv_cell(spell(t)) for t in texts]


def _csv_cell(text: Any) -> str:
    text = str(text)
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _json_texts(
    values: Sequence[Any], precision: int | None, spell: Callable[[str], str] = _same
) -> list[str]:
    import json

    if _is_array(values):
        # JSON has no inf/nan: they are spelled as strings.
        return [t if t[-1].isdigit() else f'"{t}"' for t in _texts(values, precision, True)]
    out = []
    for v in values:
        v = _scalar(v)
        if isinstance(v, bool) or v is None:
            out.append(json.dumps(v))
        elif isinstance(v, (int, float)):
            text = _text(float(v) if isinstance(v, float) else v, precision)
            # JSON has no inf/nan: they are spelled as strings.
            out.append(text if math.isfinite(v) else f'"{text}"')
        else:
            out.append(json.dumps(spell(str(v)), ensure_ascii=False))
    return out
