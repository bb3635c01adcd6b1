"""No warning reaches the user: a command's work runs inside ``collected_warnings`` (or
``run_quietly``), and what would have been a warning becomes at most one line of ours.

Caught: every Python warning (NumPy's floating-point RuntimeWarnings, Matplotlib's
UserWarnings such as missing glyphs or a figure too small for its layout, deprecations from
any library) and Matplotlib's logging at WARNING and above (its cache-directory message is
logged, not warned). Each distinct cause gives one line, in the order first seen; causes
that say nothing to a user (underflow, deprecations, resource warnings) give none.

No printing here: lines are handed to the caller's ``report`` (the CLI writes them to
stderr); when the work fails, the notes are dropped, so the user sees one Error line only.
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Rule:
    """Warnings of ``category`` whose message matches ``pattern`` become ``note`` (None:
    dropped silently)."""

    category: type[Warning]
    pattern: str
    note: str | None


# First match wins. Notes are plain ASCII so that any stderr can print them.
RULES: tuple[Rule, ...] = (
    Rule(RuntimeWarning, r"underflow encountered", None),
    Rule(
        RuntimeWarning,
        r"overflow encountered",
        "some results overflowed to inf (beyond the largest float of the dtype)",
    ),
    Rule(RuntimeWarning, r"divide by zero encountered", "a division by zero gave inf"),
    Rule(RuntimeWarning, r"invalid value encountered", "an invalid operation gave nan"),
    Rule(
        UserWarning,
        r"Glyph \d+ .*missing from (current )?font|Font '.*' does not have a glyph",
        "the font lacks some characters of the text; they are drawn as boxes",
    ),
    Rule(
        UserWarning,
        r"(Tight|[Cc]onstrained) ?[Ll]ayout|layout not applied|axes sizes collapsed",
        "the figure is too small for its labels; some may overlap (try a larger --size)",
    ),
    Rule(DeprecationWarning, r"", None),
    Rule(PendingDeprecationWarning, r"", None),
    Rule(FutureWarning, r"", None),
    Rule(ResourceWarning, r"", None),
    Rule(ImportWarning, r"", None),
)
# Matplotlib's logged messages, by the same kind of rule (category unused).
LOG_RULES: tuple[Rule, ...] = (
    Rule(
        UserWarning,
        r"not a writable directory|created a temporary cache directory|mkdir -p failed|"
        r"[Cc]ould not save font_manager cache|cache directory",
        "Matplotlib's cache folder is not writable; a temporary one is used"
        " (set MPLCONFIGDIR to a writable folder to keep it)",
    ),
    Rule(
        UserWarning,
        r"[Ff]ont family .* not found|findfont",
        "a font was not found; another is used",
    ),
    Rule(
        UserWarning,
        r"Glyph \d+ .*missing|does not have a glyph",
        "the font lacks some characters of the text; they are drawn as boxes",
    ),
)
LOGGERS = ("matplotlib", "PIL", "fontTools")


def note_for(category: type[Warning], message: str) -> str | None:
    """Our line for one warning (None: nothing worth saying)."""
    for rule in RULES:
        if issubclass(category, rule.category) and re.search(rule.pattern, message):
            return rule.note
    first = message.strip().splitlines()[0] if message.strip() else category.__name__
    # Anything unforeseen still reaches the user as one line, without a source path.
    return _one_line(first)


def note_for_log(message: str) -> str | None:
    for rule in LOG_RULES:
        if re.search(rule.pattern, message):
            return rule.note
    first = message.strip().splitlines()[0] if message.strip() else ""
    return _one_line(first) if first else None


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    # Library messages may carry paths and Unicode; keep them short and plain.
    line = line.encode("ascii", "replace").decode("ascii")
    return line if len(line) <= 160 else line[:157] + "..."


class _Collector(logging.Handler):
    def __init__(self, notes: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.notes = notes

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            _add(self.notes, note_for_log(record.getMessage()))


def _add(notes: list[str], note: str | None) -> None:
    if note is not None and note not in notes:
        notes.append(note)


@contextlib.contextmanager
def collected_warnings() -> Iterator[list[str]]:
    """Run the block with every warning caught; the list yielded holds, after the block,
    one line per distinct cause (empty when there was nothing to say)."""
    notes: list[str] = []
    handler = _Collector(notes)
    loggers = [logging.getLogger(name) for name in LOGGERS]
    saved = [(lg.propagate, list(lg.handlers)) for lg in loggers]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # repeated causes are merged below, not by Python
        for lg in loggers:
            lg.handlers = [handler]
            lg.propagate = False  # the root logger's "last resort" would print to stderr
        try:
            yield notes
        finally:
            for lg, (propagate, handlers) in zip(loggers, saved):
                lg.handlers = handlers
                lg.propagate = propagate
            for w in caught:
                _add(notes, note_for(w.category, str(w.message)))
    # Log notes came first as they happened; warnings are added at the end, in order.


def run_quietly(work: Callable[[], T], report: Callable[[str], None]) -> T:
    """``work()`` with no warning printed; on success each note goes to ``report`` (one
    line each), on failure the exception propagates and the notes are dropped."""
    with collected_warnings() as notes:
        result = work()
    for note in notes:
        report(note)
    return result


__all__ = ["RULES", "collected_warnings", "note_for", "run_quietly"]
