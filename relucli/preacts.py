"""Reading saved pre-activations (z, the input of a layer's activation) a block of rows at a
time, whatever their size.

A file holds one layer (``.npy``, ``.csv``, ``.tsv``) or one layer per array (``.npz``, in
file order, named by their keys). Every array is ``samples x units``: any leading axes are
folded into samples, so the units are the last axis (a PyTorch conv output (N, C, H, W) is
saved as ``z.movedim(1, -1)``). Nothing is loaded whole:

* ``.npy`` is memory-mapped (``np.load(mmap_mode="r")``);
* an ``.npz`` member stored uncompressed (``np.savez``) is memory-mapped at its offset
  inside the zip file; a compressed one (``np.savez_compressed``) is decompressed as a
  stream, a block of rows at a time;
* CSV/TSV is parsed in blocks of lines; a first line that is not all numbers is a header.

Every failure is a :class:`PreactError` with a one-line message naming the file (the
command reports it with exit code 1).
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import math
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SUFFIXES = (".npz", ".npy", ".csv", ".tsv")
# Rows are read in blocks of about this many values: 2^20 float64 values is 8 MiB, enough
# to make per-block overhead negligible and small enough that a block and the few arrays
# computed from it stay far below any memory budget.
BLOCK_VALUES = 1 << 20
# A layer wider than this would need more memory for its per-unit tallies than a block.
MAX_UNITS = 1 << 22


class PreactError(Exception):
    """A file that cannot be read as pre-activations (a runtime error, exit code 1)."""


@dataclass(frozen=True)
class Layer:
    """One layer's pre-activations in a file: where they are and how to read them.

    ``rows`` is None for CSV/TSV (known only after reading); ``nbytes`` is the amount of
    work (bytes of data) a progress bar counts for it.
    """

    name: str
    path: str
    units: int
    rows: int | None
    dtype: np.dtype
    nbytes: int
    _blocks: Callable[[int], Iterator[np.ndarray]]

    def blocks(self, max_values: int = BLOCK_VALUES) -> Iterator[np.ndarray]:
        """(rows, units) blocks in the file's dtype, at most ``max(max_values, units)``
        values each (a row is never split)."""
        return self._blocks(max(1, max_values // self.units))

    @property
    def exact_dtype(self) -> str:
        return "csv text" if self.rows is None else str(self.dtype)


def open_layers(paths: list[str]) -> list[Layer]:
    """The layers of every file, in order. Names are the ``.npz`` keys and the other files'
    stems, qualified by the file where two would be the same."""
    layers: list[Layer] = []
    for path in paths:
        suffix = Path(path).suffix.lower()
        if suffix == ".npz":
            layers += _npz_layers(path)
        elif suffix == ".npy":
            layers.append(_npy_layer(path))
        elif suffix in (".csv", ".tsv"):
            layers.append(_text_layer(path, "\t" if suffix == ".tsv" else ","))
        else:
            # The command checks suffixes up front (a usage error); this is the library's net.
            raise PreactError(f"{path}: not a pre-activation file (use {', '.join(SUFFIXES)})")
    return _unique_names(layers)


def _unique_names(layers: list[Layer]) -> list[Layer]:
    """A name met twice becomes its file's name (``run2.npy``; ``run2.npz:fc1`` for a key),
    and, still met twice (a file given twice), gets ``#2``, ``#3`` ... after it."""
    counts: dict[str, int] = {}
    for layer in layers:
        counts[layer.name] = counts.get(layer.name, 0) + 1
    renamed = []
    for layer in layers:
        if counts[layer.name] > 1:
            file = Path(layer.path).name
            name = f"{file}:{layer.name}" if file.lower().endswith(".npz") else file
            layer = dataclasses.replace(layer, name=name)
        renamed.append(layer)
    taken: dict[str, int] = {}
    unique = []
    for layer in renamed:
        taken[layer.name] = taken.get(layer.name, 0) + 1
        if taken[layer.name] > 1:
            layer = dataclasses.replace(layer, name=f"{layer.name}#{taken[layer.name]}")
        unique.append(layer)
    return unique


# ------------------------------------------------------------------------------ arrays


def _check_dtype(what: str, dtype: np.dtype) -> None:
    if dtype.kind == "b":
        raise PreactError(
            f"{what}: booleans are not pre-activations (save z itself, or cast 0/1 flags"
            " with .astype(float))"
        )
    if dtype.kind not in "iuf":
        raise PreactError(
            f"{what}: dtype {dtype} is not a real number type (use integers or float16/32/64)"
        )


def _units(what: str, shape: tuple[int, ...]) -> tuple[int, int]:
    """(rows, units) of an array of ``shape`` with its leading axes folded into rows."""
    if len(shape) < 2:
        raise PreactError(
            f"{what}: a {len(shape)}-D array; save samples x units (one unit is shape (N, 1))"
        )
    units = int(shape[-1])
    rows = math.prod(shape[:-1])
    if units == 0 or rows == 0:
        raise PreactError(f"{what}: empty array of shape {shape}")
    if units > MAX_UNITS:
        raise PreactError(
            f"{what}: {units:,} units on the last axis is over the limit of {MAX_UNITS:,};"
            " the units are the last axis (move channels last)"
        )
    return rows, units


def _mapped_layer(
    name: str,
    path: str,
    what: str,
    offset: int,
    shape: tuple[int, ...],
    fortran: bool,
    dtype: np.dtype,
) -> Layer:
    """A layer whose array sits uncompressed in ``path`` at byte ``offset``.

    Each block is a fresh memory map of just its rows, unmapped once the caller lets go of
    it: a map of the whole file would keep every page it touched resident, so a 2 GB file
    would cost 2 GB of memory by the end of the pass.
    """
    _check_dtype(what, dtype)
    rows, units = _units(what, shape)
    nbytes = rows * units * dtype.itemsize
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise PreactError(f"{what}: cannot read ({_reason(exc)})") from None
    if size < offset + nbytes:
        raise PreactError(f"{what}: the array is cut short (a truncated file?)")
    if fortran and len(shape) > 1 and units > 1 and rows > 1:
        # Column-major rows are scattered over the whole file: read a small array whole.
        if nbytes > 8 * BLOCK_VALUES:
            raise PreactError(
                f"{what}: a large Fortran-ordered array; save it C-ordered (np.ascontiguousarray)"
            )
        whole = np.fromfile(path, dtype=dtype, count=rows * units, offset=offset)
        matrix = whole.reshape(shape, order="F").reshape(rows, units)
        return _memory_layer(name, path, matrix)

    def blocks(step: int) -> Iterator[np.ndarray]:
        row_bytes = units * dtype.itemsize
        for start in range(0, rows, step):
            count = min(step, rows - start)
            yield np.memmap(
                path, dtype=dtype, mode="r", offset=offset + start * row_bytes, shape=(count, units)
            )

    return Layer(name, path, units, rows, dtype, nbytes, blocks)


def _memory_layer(name: str, path: str, matrix: np.ndarray) -> Layer:
    rows, units = matrix.shape

    def blocks(step: int) -> Iterator[np.ndarray]:
        for start in range(0, rows, step):
            yield matrix[start : start + step]

    return Layer(name, path, units, rows, matrix.dtype, matrix.nbytes, blocks)


def _npy_layer(path: str) -> Layer:
    try:
        with open(path, "rb") as f:
            header = _header(f)
            offset = f.tell()
    except (OSError, ValueError, EOFError) as exc:
        raise PreactError(f"{path}: not a readable .npy file ({_reason(exc)})") from None
    if header is None:
        raise PreactError(f"{path}: not a .npy file (no NumPy magic string)")
    shape, fortran, dtype = header
    if dtype.hasobject:
        raise PreactError(f"{path}: holds Python objects, not numbers")
    return _mapped_layer(Path(path).stem, path, path, offset, shape, fortran, dtype)


def _header(f) -> tuple[tuple[int, ...], bool, np.dtype] | None:
    """(shape, fortran_order, dtype) from an open .npy stream, left at the data; None when
    the magic string is missing."""
    fmt = np.lib.format
    try:
        version = fmt.read_magic(f)
    except ValueError:
        return None
    reader = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
    return reader(f)


def _npz_layers(path: str) -> list[Layer]:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise PreactError(f"{path}: not a readable .npz file ({_reason(exc)})") from None
    layers = []
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if not members:
            raise PreactError(f"{path}: the archive holds no array")
        for member in members:
            name = member.filename.removesuffix(".npy")
            what = f"{path}[{name}]"
            try:
                layers.append(_npz_member(path, archive, member, name, what))
            except PreactError:
                raise
            except (OSError, ValueError, EOFError, zipfile.BadZipFile, NotImplementedError) as exc:
                raise PreactError(f"{what}: not a readable array ({_reason(exc)})") from None
    return layers


def _npz_member(
    path: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, what: str
) -> Layer:
    with archive.open(member) as stream:
        header = _header(stream)
        if header is None:
            raise PreactError(f"{what}: not a .npy array inside the .npz")
        shape, fortran, dtype = header
        data_start = stream.tell()
    if dtype.hasobject:
        raise PreactError(f"{what}: holds Python objects, not numbers")
    if member.compress_type == zipfile.ZIP_STORED:
        # np.savez stores members as they are: map the bytes where they sit in the zip.
        offset = _member_data_offset(path, member) + data_start
        return _mapped_layer(name, path, what, offset, shape, fortran, dtype)
    _check_dtype(what, dtype)
    rows, units = _units(what, shape)
    row_bytes = units * dtype.itemsize
    if fortran and units > 1 and rows > 1:
        # Column-major data cannot be streamed by rows; a small array is read whole.
        if rows * row_bytes > 8 * BLOCK_VALUES:
            raise PreactError(
                f"{what}: a large compressed Fortran-ordered array; save it C-ordered"
                " (np.ascontiguousarray) or uncompressed (np.savez)"
            )
        with archive.open(member) as stream:
            _header(stream)
            data = _read_exactly(stream, rows * row_bytes, what)
        matrix = np.frombuffer(data, dtype).reshape(shape, order="F").reshape(rows, units)
        return _memory_layer(name, path, matrix)

    def blocks(step: int) -> Iterator[np.ndarray]:
        # Reopened per pass: a zip member stream cannot seek back cheaply.
        with zipfile.ZipFile(path) as again, again.open(member.filename) as stream:
            _header(stream)
            for start in range(0, rows, step):
                count = min(step, rows - start)
                data = _read_exactly(stream, count * row_bytes, what)
                yield np.frombuffer(data, dtype).reshape(count, units)

    return Layer(name, path, units, rows, dtype, rows * row_bytes, blocks)


def _member_data_offset(path: str, member: zipfile.ZipInfo) -> int:
    """Where a stored member's bytes start: after its local header (30 bytes, the name and
    an extra field whose length may differ from the central directory's)."""
    with open(path, "rb") as f:
        f.seek(member.header_offset)
        local = f.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise PreactError(f"{path}: a damaged zip archive (bad local header)")
    name_len = int.from_bytes(local[26:28], "little")
    extra_len = int.from_bytes(local[28:30], "little")
    return member.header_offset + 30 + name_len + extra_len


def _read_exactly(stream, size: int, what: str) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise PreactError(f"{what}: the array is cut short (a truncated file?)")
    return data


# -------------------------------------------------------------------------------- text


def _text_layer(path: str, delimiter: str) -> Layer:
    try:
        with open(path, encoding="utf-8") as f:
            first = _first_line(f)
        size = os.path.getsize(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise PreactError(f"{path}: not a readable text file ({_reason(exc)})") from None
    if first is None:
        raise PreactError(f"{path}: the file is empty")
    line = first[1]
    cells = line.split(delimiter)
    header = not all(_is_number(c) for c in cells)
    units = len(cells)
    if units > MAX_UNITS:
        raise PreactError(f"{path}: {units:,} columns is over the limit of {MAX_UNITS:,}")

    def blocks(step: int) -> Iterator[np.ndarray]:
        with open(path, encoding="utf-8") as f:
            lines = _numbered(f)
            if header:
                next(lines)
            seen = 0
            while True:
                chunk = list(itertools.islice(lines, step))
                if not chunk:
                    break
                block = _parse_block(path, chunk, delimiter, units)
                seen += len(block)
                yield block
            if seen == 0:
                raise PreactError(f"{path}: a header but no rows")

    return Layer(Path(path).stem, path, units, None, np.dtype(np.float64), size, blocks)


def _numbered(f: io.TextIOBase) -> Iterator[tuple[int, str]]:
    """(line number, text) of the non-blank lines."""
    try:
        for number, line in enumerate(f, 1):
            if line.strip():
                yield number, line
    except UnicodeDecodeError as exc:
        raise PreactError(f"{f.name}: not a UTF-8 text file ({_reason(exc)})") from None


def _first_line(f: io.TextIOBase) -> tuple[int, str] | None:
    return next(_numbered(f), None)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_block(path: str, chunk: list[tuple[int, str]], delimiter: str, units: int):
    try:
        block = np.loadtxt(
            [line for _, line in chunk], delimiter=delimiter, dtype=np.float64, ndmin=2
        )
    except ValueError:
        # Find the first bad line, to name it (only on the error path).
        for number, line in chunk:
            cells = line.rstrip("\r\n").split(delimiter)
            if len(cells) != units:
                raise PreactError(
                    f"{path}, line {number}: {len(cells)} columns where the first row has {units}"
                ) from None
            bad = next((c for c in cells if not _is_number(c)), None)
            if bad is not None:
                raise PreactError(f"{path}, line {number}: not a number: '{bad.strip()}'") from None
        raise PreactError(f"{path}: cannot parse lines {chunk[0][0]}-{chunk[-1][0]}") from None
    if block.shape[1] != units:
        number = chunk[0][0]
        raise PreactError(
            f"{path}, line {number}: {block.shape[1]} columns where the first row has {units}"
        )
    return block


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())
