"""Rows to text: every tabulate format, plus CSV and JSON. The only place formats live.

Tables arrive as blocks of columns, so CSV and JSON are formatted a block at a time (fast)
and stream (memory stays flat however long the table). tabulate needs all rows at once,
so it is refused above TABULATE_LIMIT rows with a hint to stream instead.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

import numpy as np
from tabulate import tabulate, tabulate_formats

STREAMING = ("csv", "json")
FORMATS: tuple[str, ...] = (*tabulate_formats, *STREAMING)
DEFAULT_FORMAT = "simple"
DEFAULT_PRECISION = 6  # significant digits in text formats when none are asked for
TABULATE_LIMIT = 100_000
SINGLE = -1  # precision code: the shortest text that reads back as the same float32

# One sequence of values per column, all the same length; numeric columns as NumPy arrays.
Block = Sequence[Sequence[Any]]


class FormatError(ValueError):
    """A format that cannot render this table (a usage error)."""


def check_size(fmt: str, rows: int) -> None:
    if fmt not in STREAMING and rows > TABULATE_LIMIT:
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
    ``single``; tabulate formats default to 6 digits."""
    if precision is None and single:
        precision = SINGLE
    if fmt == "csv":
        stream.write(",".join(_csv_cell(h) for h in headers) + "\n")
        for block in blocks:
            columns = [_csv_column(c, precision) for c in block]
            stream.write("\n".join(map(",".join, zip(*columns))) + "\n")
    elif fmt == "json":
        keys = [json.dumps(str(h), ensure_ascii=False) + ": " for h in headers]
        first = True
        stream.write("[")
        for block in blocks:
            columns = [[k + v for v in _json_texts(c, precision)] for k, c in zip(keys, block)]
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
        check_size(fmt, len(columns[0]) if columns else 0)
        # Empty cells (None) don't make a column of numbers textual.
        numeric = [
            any(_is_number(v) for v in c) and all(_is_number(v) or v is None for v in c)
            for c in columns
        ]
        columns = [np.asarray(c) if n and None not in c else c for c, n in zip(columns, numeric)]
        body = list(zip(*(_texts(c, digits, False) for c in columns)))
        align = ["right" if n else "left" for n in numeric]
        text = tabulate(
            body,
            headers=list(headers),
            tablefmt=fmt,
            disable_numparse=True,
            colalign=align if body else None,
        )
        stream.write(text + "\n")


def _is_number(v: Any) -> bool:
    # NumPy scalars too: a float32 column arrives as np.float32 values, and as text it would
    # ignore --precision and align left.
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
        v, (bool, np.bool_)
    )


def _texts(values: Sequence[Any], precision: int | None, exact_zero: bool) -> list[str]:
    if isinstance(values, np.ndarray):  # a numeric column: the fast path
        floats = values.astype(np.float64).tolist()
        if precision is None:
            return list(map(float.__repr__, floats))  # 'inf', '-inf', 'nan' included
        return [format_float(v, precision, exact_zero) for v in floats]
    return [_text(v, precision, exact_zero) for v in values]


def _text(v: Any, precision: int | None, exact_zero: bool = True) -> str:
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
        return str(np.float32(v))
    if v == 0 and not exact_zero:
        return "0"  # a rounded table has no use for -0 (csv/json keep the sign bit)
    return f"{v:.{precision}g}"


def _csv_column(values: Sequence[Any], precision: int | None) -> list[str]:
    texts = _texts(values, precision, True)
    if isinstance(values, np.ndarray):
        return texts  # numbers never need quoting
    return [_csv_cell(t) for t in texts]


def _csv_cell(text: Any) -> str:
    text = str(text)
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _json_texts(values: Sequence[Any], precision: int | None) -> list[str]:
    if isinstance(values, np.ndarray):
        # JSON has no inf/nan: they are spelled as strings.
        return [t if t[-1].isdigit() else f'"{t}"' for t in _texts(values, precision, True)]
    out = []
    for v in values:
        if isinstance(v, bool) or v is None:
            out.append(json.dumps(v))
        elif isinstance(v, (int, float)):
            text = _text(float(v) if isinstance(v, float) else v, precision)
            # JSON has no inf/nan: they are spelled as strings.
            out.append(text if math.isfinite(v) else f'"{text}"')
        else:
            out.append(json.dumps(str(v), ensure_ascii=False))
    return out
