"""relucli.quiet: no warning reaches stderr; a warning becomes one line of ours, or none."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from relucli.quiet import collected_warnings, note_for, run_quietly

ROOT = Path(__file__).resolve().parents[1]
OVERFLOW = "some results overflowed to inf (beyond the largest float of the dtype)"
GLYPH = "the font lacks some characters of the text; they are drawn as boxes"
SMALL = "the figure is too small for its labels; some may overlap (try a larger --size)"
CACHE = (
    "Matplotlib's cache folder is not writable; a temporary one is used"
    " (set MPLCONFIGDIR to a writable folder to keep it)"
)


def test_numpy_overflow_becomes_one_line():
    lines: list[str] = []

    def work():
        big = np.full(3, 1e38, dtype=np.float32)
        for _ in range(3):  # the same cause three times: one line
            big * np.float32(10)
        return "done"

    assert run_quietly(work, lines.append) == "done"
    assert lines == [OVERFLOW]


@pytest.mark.parametrize(
    "category, message, note",
    [
        (RuntimeWarning, "overflow encountered in multiply", OVERFLOW),
        (RuntimeWarning, "overflow encountered in cast", OVERFLOW),
        (RuntimeWarning, "divide by zero encountered in log", "a division by zero gave inf"),
        (RuntimeWarning, "invalid value encountered in subtract", "an invalid operation gave nan"),
        (RuntimeWarning, "underflow encountered in exp", None),
        (
            UserWarning,
            "Glyph 26085 (\\N{CJK UNIFIED IDEOGRAPH-65E5}) missing from font(s) DejaVu Sans.",
            GLYPH,
        ),
        (
            UserWarning,
            "Tight layout not applied. The left and right margins cannot be made large enough",
            SMALL,
        ),
        (
            UserWarning,
            "constrained_layout not applied because axes sizes collapsed to zero.",
            SMALL,
        ),
        (DeprecationWarning, "old API", None),
        (FutureWarning, "will change", None),
        (UserWarning, "Something odd\n  at /usr/lib/python3/x.py:12", "Something odd"),
        (UserWarning, "σ is ≈ 1", "? is ? 1"),
    ],
)
def test_notes(category, message, note):
    assert note_for(category, message) == note


def test_python_and_logged_warnings_collected_in_order():
    with collected_warnings() as notes:
        logging.getLogger("matplotlib.font_manager").warning(
            "Matplotlib created a temporary cache directory at /tmp/x because ..."
        )
        warnings.warn("Glyph 1234 missing from font(s) DejaVu Sans.", UserWarning, stacklevel=1)
        warnings.warn("deprecated", DeprecationWarning, stacklevel=1)
        np.log(np.zeros(1))
    assert notes == [CACHE, GLYPH, "a division by zero gave inf"]


def test_failure_drops_the_notes_and_propagates():
    lines: list[str] = []

    def work():
        np.float64(1e308) * 10
        raise ValueError("the real error")

    with pytest.raises(ValueError, match="the real error"):
        run_quietly(work, lines.append)
    assert lines == []


def test_state_restored_afterwards():
    filters = list(warnings.filters)
    logger = logging.getLogger("matplotlib")
    handlers, propagate = list(logger.handlers), logger.propagate
    with collected_warnings():
        pass
    assert warnings.filters == filters
    assert (logger.handlers, logger.propagate) == (handlers, propagate)


SCRIPT = """
import sys
from relucli.quiet import run_quietly

def work():
    import matplotlib  # logs its cache-directory message here
    import numpy as np
    from matplotlib.figure import Figure

    np.float32(1e38) * np.float32(10)
    fig = Figure(figsize=(0.5, 0.5))
    fig.subplots().set_title("\\u65e5\\u672c")
    fig.tight_layout()
    fig.savefig(sys.argv[1])

run_quietly(work, lambda line: print("Note:", line, file=sys.stderr))
"""


def test_nothing_but_our_lines_reach_stderr(tmp_path):
    (tmp_path / "afile").write_text("")
    # PYTHONUNBUFFERED (set on this machine, not for users) would change when stderr is
    # written; PYTHONDONTWRITEBYTECODE likewise is ours only. MPLCONFIGDIR inside a file:
    # unwritable even for root.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PYTHONWARNINGS")
    }
    env.update(PYTHONPATH=str(ROOT), MPLCONFIGDIR=str(tmp_path / "afile" / "mpl"), MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "f.png")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f"Note: {CACHE}",
        f"Note: {OVERFLOW}",
        f"Note: {GLYPH}",
        f"Note: {SMALL}",
    ]
