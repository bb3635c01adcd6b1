"""Spelling text for where it goes: a stream's encoding, or LaTeX.

Our tables and labels use a few Unicode symbols (′ σ α → ≈ − ∞ …). A terminal or pipe whose
encoding cannot hold them (``PYTHONIOENCODING=ascii``, latin-1 or EUC-JP locales) gets the
ASCII spellings below instead of an internal error; LaTeX gets macros that compile in
pdflatex with no package (article and beamer alike), and is pure ASCII.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import io
import re
import unicodedata
from collections.abc import Callable
from typing import IO

# What a reader of plain ASCII expects to see for each symbol we print.
ASCII_SPELLINGS: dict[str, str] = {
    "′": "'",
    "″": "''",
    "−": "-",
    "–": "-",
    "—": "--",
    "∞": "inf",
    "≈": "~=",
    "≠": "!=",
    "≤": "<=",
    "≥": ">=",
    "→": "->",
    "←": "<-",
    "↔": "<->",
    "×": "x",
    "·": "*",
    "±": "+/-",
    "√": "sqrt",
    "½": "1/2",
    "²": "^2",
    "³": "^3",
    "∈": " in ",
    "…": "...",
    "°": " deg",
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "eps",
    "η": "eta",
    "θ": "theta",
    "λ": "lambda",
    "μ": "mu",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
    "Δ": "Delta",
    "Σ": "Sigma",
    "Φ": "Phi",
    "Ω": "Omega",
}

# The same symbols in LaTeX: math-mode macros (kernel LaTeX, no package), or text commands.
# A math entry is written without its dollars; adjacent math pieces are joined into one.
LATEX_MATH: dict[str, str] = {
    "′": "'",
    "″": "''",
    "−": "-",
    "∞": r"\infty",
    "≈": r"\approx",
    "≠": r"\neq",
    "≤": r"\leq",
    "≥": r"\geq",
    "→": r"\to",
    "←": r"\leftarrow",
    "↔": r"\leftrightarrow",
    "×": r"\times",
    "·": r"\cdot",
    "±": r"\pm",
    "√": r"\surd",
    "½": r"\frac{1}{2}",
    "²": "^{2}",
    "³": "^{3}",
    "∈": r"\in",
    "°": r"^{\circ}",
    "α": r"\alpha",
    "β": r"\beta",
    "γ": r"\gamma",
    "δ": r"\delta",
    "ε": r"\varepsilon",
    "η": r"\eta",
    "θ": r"\theta",
    "λ": r"\lambda",
    "μ": r"\mu",
    "π": r"\pi",
    "ρ": r"\rho",
    "σ": r"\sigma",
    "τ": r"\tau",
    "φ": r"\phi",
    "χ": r"\chi",
    "ψ": r"\psi",
    "ω": r"\omega",
    "Δ": r"\Delta",
    "Σ": r"\Sigma",
    "Φ": r"\Phi",
    "Ω": r"\Omega",
}
LATEX_TEXT: dict[str, str] = {
    # tabulate's own escapes, kept so existing tables stay byte-identical
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "\\": r"\textbackslash{}",
    "<": r"\ensuremath{<}",
    ">": r"\ensuremath{>}",
    "–": "--",
    "—": "---",
    "…": r"\dots{}",
}


# ------------------------------------------------------------------------- streams


def stream_encoding(stream: IO | None) -> str:
    """The encoding text written to ``stream`` ends up in (UTF-8 when it does not say)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return "utf-8"


def speller(stream: IO | None) -> Callable[[str], str]:
    """A function that spells text so that ``stream`` can encode it: the identity for a
    UTF-8 (or UTF-16/32) stream, else each symbol the encoding lacks gets its ASCII
    spelling (σ -> sigma), box drawing its ASCII look-alike, anything else '?'."""
    return spelling_for(stream_encoding(stream))


@functools.lru_cache(maxsize=16)
def spelling_for(encoding: str) -> Callable[[str], str]:
    """As :func:`speller`, by encoding name (``"ascii"``, ``"latin-1"``, ``"euc_jp"``)."""
    name = codecs.lookup(encoding).name
    if name.startswith("utf"):
        return _same

    def can(char: str) -> bool:
        try:
            char.encode(name)
        except UnicodeEncodeError:
            return False
        return True

    @functools.lru_cache(maxsize=4096)
    def spell(text: str) -> str:
        if text.isascii() or can(text):
            return text
        return "".join(ch if can(ch) else _ascii_char(ch, can) for ch in text)

    return spell


# The codec error handler of that spelling: a stream opened (or reconfigured) with
# errors=SPELL_ERRORS writes σ as "sigma" on an ASCII terminal instead of raising
# UnicodeEncodeError, whatever wrote the text (our tables, Click's help, an error line).
SPELL_ERRORS = "relucli-spell"


def _spell_errors(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    return spelling_for(exc.encoding)(exc.object[exc.start : exc.end]), exc.end


codecs.register_error(SPELL_ERRORS, _spell_errors)


def spell_stream(stream: IO | None) -> None:
    """Make ``stream`` (a text stream such as sys.stdout) spell what its encoding lacks
    rather than raise; a no-op for UTF streams and for objects that cannot be changed."""
    if stream_encoding(stream).startswith("utf"):
        return
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        # Closed or detached: nothing will be written through it anyway.
        with contextlib.suppress(OSError, ValueError):
            reconfigure(errors=SPELL_ERRORS)


class AsciiStream(io.TextIOBase):
    """A standard stream whose encoding is ASCII, seen through a spelling proxy.

    Click treats an ASCII stdout as misconfigured and writes UTF-8 to its binary buffer
    instead (mojibake on the user's terminal); it does so only when it finds a ``buffer``,
    so this proxy writes text through the stream itself, spelled (σ -> sigma), and offers
    the binary side as ``binary``."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self.stream = stream
        self.binary = getattr(stream, "buffer", None)
        self._spell = spelling_for("ascii")

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return SPELL_ERRORS

    @property
    def name(self) -> str:
        return getattr(self.stream, "name", "<stream>")

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.stream.write(self._spell(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def fileno(self) -> int:
        return self.stream.fileno()

    def isatty(self) -> bool:
        return self.stream.isatty()


def for_stream(stream: IO[str]) -> IO[str]:
    """``stream`` made safe for any text: spelled where its encoding lacks a symbol (see
    :func:`spell_stream`), and for an ASCII stream the proxy above."""
    spell_stream(stream)
    if stream_encoding(stream) == "ascii":
        return AsciiStream(stream)  # type: ignore[return-value]
    return stream


def to_ascii(text: str) -> str:
    """``text`` with every non-ASCII character spelled in ASCII (σ_w² -> sigma_w^2)."""
    return spelling_for("ascii")(text)


def _same(text: str) -> str:
    return text


def _ascii_char(char: str, can: Callable[[str], bool]) -> str:
    spelled = ASCII_SPELLINGS.get(char)
    if spelled is not None:
        return spelled
    name = unicodedata.name(char, "")
    if name.startswith("BOX DRAWINGS"):
        # One column for one column, so tables keep their alignment.
        if " AND " not in name and name.endswith("HORIZONTAL"):
            return "=" if ("DOUBLE" in name or "HEAVY" in name) else "-"
        if " AND " not in name and name.endswith("VERTICAL"):
            return "|"
        return "+"
    decomposed = unicodedata.normalize("NFKD", char)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    if stripped and all(can(c) for c in stripped):
        return stripped  # é -> e, ﬁ -> fi
    return "?"


# --------------------------------------------------------------------------- LaTeX

# One token at a time, left to right: a number in exponent form, a minus that is a sign,
# the word inf, or a single character.
_LATEX_TOKEN = re.compile(
    r"(?P<exp>(?<![\w.])(?P<mant>\d+(?:\.\d*)?|\.\d+)e(?P<esign>[+-]?)(?P<edigits>\d+)(?![\w.]))"
    r"|(?P<minus>(?:^|(?<=[\s(\[{,;:=/]))-(?=\d|\.\d|inf\b))"
    r"|(?P<inf>(?<![\w.])inf(?![\w.]))"
    r"|(?P<char>.)",
    re.DOTALL,
)


def latex_text(text: str) -> str:
    """``text`` as LaTeX for a table cell: specials escaped, signs as math minus, ``inf`` as
    ``$\\infty$``, ``1e-05`` as ``1$\\times10^{-5}$``, Unicode symbols as macros. The result
    is ASCII and compiles in pdflatex in article and beamer with no package."""
    if text.isascii() and not _NEEDS_LATEX.search(text):
        return text
    pieces: list[tuple[bool, str]] = []  # (is math, text)
    for match in _LATEX_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "exp":
            power = match["edigits"].lstrip("0") or "0"
            sign = "-" if match["esign"] == "-" else ""
            pieces.append((False, match["mant"]))
            pieces.append((True, rf"\times10^{{{sign}{power}}}"))
        elif kind == "minus":
            pieces.append((True, "-"))
        elif kind == "inf":
            pieces.append((True, r"\infty"))
        else:
            pieces.append(_latex_char(match["char"]))
    out: list[str] = []
    math: list[str] = []
    for is_math, piece in pieces:
        if is_math:
            math.append(piece)
            continue
        if math:
            out.append("$" + "".join(math) + "$")
            math = []
        out.append(piece)
    if math:
        out.append("$" + "".join(math) + "$")
    return "".join(out)


# Cells that latex_text would change; anything else passes through untouched (fast path).
_NEEDS_LATEX = re.compile(r"[&%$#_^{}~\\<>-]|inf|\de")


def _latex_char(char: str) -> tuple[bool, str]:
    if char in LATEX_TEXT:
        return False, LATEX_TEXT[char]
    if char in LATEX_MATH:
        return True, LATEX_MATH[char]
    if char.isascii():
        return False, char
    spelled = to_ascii(char)
    return False, "".join(LATEX_TEXT.get(c, c) for c in spelled)
