"""Where a command's results go: a table to standard output or a file, a figure to a file,
and the one wording of a failed write."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from ..tables import WRITERS, Block, blocks_from_rows, canonical_format, check_size, render
from ..textenc import speller

# Formats whose output is a document of its own (data, markup): no text may follow the table,
# so notes go in a column instead of footnotes under it.
_SELF_CONTAINED = ("tsv", "html", "unsafehtml", "mediawiki")


class UserError(Exception):
    """A runtime problem to report in one line (exit 1), e.g. an unwritable output."""


def cannot_write(path: object, exc: OSError) -> str:
    """The message for a failed write; ``path`` may be None when the OS did not say, and
    "-" is standard output."""
    where = " to standard output" if path == "-" else f" '{path}'" if path else ""
    return f"cannot write{where}: {exc.strerror or exc}"


@contextlib.contextmanager
def writing(path: object) -> Iterator[None]:
    """Report a failed write of ``path`` as one line naming it (exit 1). A closed pipe is not
    a failure: it goes on to the group, which ends quietly."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise UserError(cannot_write(path, exc)) from None


@contextlib.contextmanager
def output_stream(path: str | None) -> Iterator[IO[str]]:
    """Standard output (None or "-"), or ``path`` as files.open_output writes it: atomically
    for a regular file (nothing left behind on failure), in place for a device or FIFO."""
    from ..files import STDOUT, open_output

    target = path or STDOUT
    with writing(target), open_output(target) as stream:
        yield stream


@dataclass(frozen=True)
class TableOutput:
    """The table output bundle: format, precision (None: exact) and path (None: stdout),
    decided once by options.table_output."""

    fmt: str
    precision: int | None = None
    path: str | None = None

    @property
    def takes_footnotes(self) -> bool:
        """Whether text may follow the table (plain-text formats, not csv, json or LaTeX)."""
        writer = WRITERS[canonical_format(self.fmt)]
        return not (writer.streaming or writer.latex or writer.name in _SELF_CONTAINED)

    def emit(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        total_rows: int,
        dtype: str = "float64",
        footnotes: Sequence[str] = (),
    ) -> None:
        """Render rows (an iterable of lists), then ``footnotes`` (a line each, after a blank
        line) where the format ``takes_footnotes``."""
        self.emit_blocks(headers, blocks_from_rows(rows), total_rows, dtype, footnotes)

    def emit_blocks(
        self,
        headers: Sequence[str],
        blocks: Iterable[Block],
        total_rows: int,
        dtype: str = "float64",
        footnotes: Sequence[str] = (),
    ) -> None:
        """Render column blocks (one list per column); the fast path for long tables."""
        check_size(self.fmt, total_rows)
        # The first block is computed before anything is written, so a failure in the work
        # (a parameter that has no gradient, ...) is an error line with nothing before it.
        pending = iter(blocks)
        first = next(pending, None)
        blocks = pending if first is None else itertools.chain([first], pending)
        with output_stream(self.path) as stream:
            render(headers, blocks, self.fmt, self.precision, stream, single=dtype == "float32")
            if footnotes and self.takes_footnotes:
                spell = speller(stream)
                stream.write("\n" + "".join(spell(line) + "\n" for line in footnotes))
