"""Works on every user's system (issue 14): closed pipes and full disks with normal
buffering, closed standard streams, any terminal encoding, devices, FIFOs and /dev/stdout,
signals during a write, usage errors instead of internal errors, no warning reaching the
user, and tables that follow the -o suffix.

The subprocess tests run Python as a user's shell does. This machine sets
PYTHONUNBUFFERED=1, under which every write reaches the pipe at once, so a closed pipe or a
full disk failed inside the command, where the error policy saw it; with a user's normal
buffering the last block is written by the final flush at exit, and that is where
"Exception ignored ... BrokenPipeError" and exit 120 came from. PYTHONDONTWRITEBYTECODE is
removed as well: a user's Python writes bytecode, and nothing here may depend on it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from relucli.cli import main
from relucli.variants import REGISTRY

ROOT = Path(__file__).resolve().parent.parent


def user_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: normal buffering (see the module docstring)."""
    env = dict(os.environ)
    env.pop("PYTHONUNBUFFERED", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["MPLBACKEND"] = "Agg"
    env.update(extra)
    return env


def relucli(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    kwargs.setdefault("env", user_env())
    return subprocess.run(
        [sys.executable, "-m", "relucli", *args], timeout=timeout, text=True, **kwargs
    )


def into_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """`relucli ARGS | (exec 0<&-; ...)`: the reader has gone before anything is written."""
    read, write = os.pipe()
    os.close(read)
    try:
        return relucli(*args, stdout=write)
    finally:
        os.close(write)


# ------------------------------------------------------------------------- streams


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["props"],
        ["eval", "relu", "--at", "1"],
        ["grad", "--check", "--at", "0"],
        ["bench", "relu", "--size", "100", "--repeat", "1"],
        ["dying", "relu", "--steps", "20", "--format", "csv"],
        ["--help"],
        ["--version"],
        ["eval", "--help"],
    ],
)
def test_a_closed_pipe_ends_quietly_with_exit_0(args):
    result = into_closed_pipe(*args)
    assert result.returncode == 0, result.stderr
    # bench draws its progress label on stderr; nothing else may appear there.
    assert "Error" not in result.stderr and "Exception" not in result.stderr
    assert result.stderr in ("", "timing 1 kernels x 1 on 100 float32\n")


def test_head_on_a_long_table_ends_quietly():
    """`relucli eval ... | head -1`: the reader goes away in the middle of the stream."""
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "relucli",
            "eval",
            "relu",
            "--range",
            "-1",
            "1",
            "--num",
            "10000000",
            "--format",
            "csv",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=user_env(),
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline() == b"x,relu\n"
    child.stdout.close()
    assert child.wait(timeout=120) == 0
    assert child.stderr.read() == b""
    child.stderr.close()


def test_a_full_disk_is_one_error_line_and_exit_1():
    with open("/dev/full", "w") as full:  # a device that fails every write: safe to use
        result = relucli("eval", "relu", "--at", "1", stdout=full)
    assert result.returncode == 1
    assert result.stderr == "Error: cannot write to standard output: No space left on device\n"


@pytest.mark.parametrize(
    "args", [["eval", "relu", "--at", "1"], ["list"], ["props", "--format", "csv"]]
)
def test_closed_stdout_is_one_error_line(args):
    result = relucli(*args, stdout=None, preexec_fn=lambda: os.close(1))
    assert result.returncode == 1
    assert result.stderr == "Error: cannot write to standard output: it is closed\n"


def test_closed_stderr_still_runs_the_command():
    result = relucli("dying", "relu", "--steps", "20", stderr=None, preexec_fn=lambda: os.close(2))
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1].split()[0] == "relu"


def test_a_fifo_is_written_in_place(tmp_path):
    fifo = tmp_path / "table.fifo"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    result = relucli("eval", "relu", "--at", "-1,2", "--format", "csv", "-o", str(fifo))
    reader.join(30)
    assert result.returncode == 0, result.stderr
    assert received == ["x,relu\n-1.0,0.0\n2.0,2.0\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not replaced by a file
    assert [p.name for p in tmp_path.iterdir()] == ["table.fifo"]


def test_dev_stdout_through_a_pipe():
    result = relucli("eval", "relu", "--at", "1", "-o", "/dev/stdout", "--format", "csv")
    assert (result.returncode, result.stdout, result.stderr) == (0, "x,relu\n1.0,1.0\n", "")


# ------------------------------------------------------------------------ encodings

COMMANDS = [
    ["list"],
    ["props"],
    ["props", "all", "--format", "fancy_grid"],
    ["props", "--format", "csv"],
    ["props", "--format", "json"],
    ["eval", "relu", "elu", "--at", "-1,0,1"],
    ["grad", "relu", "leaky", "--at", "0", "--check"],
    ["table", "relu", "--at", "1", "--format", "github"],
    ["depth", "--layers", "3", "--width", "8", "--batch", "4"],
    ["depth", "--layers", "3", "--width", "8", "--batch", "4", "--summary", "--format", "csv"],
    ["bench", "relu", "--size", "100", "--repeat", "1"],
    ["dying", "relu", "--steps", "20", "--table", "layers"],
    ["info"],
    ["completion", "bash"],
    ["--help"],
    *([name, "--help"] for name in ("list", "eval", "grad", "table", "props", "depth", "dying")),
]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "euc_jp"])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_prints_in_any_encoding(args, encoding):
    result = CliRunner(charset=encoding).invoke(main, args, prog_name="relucli")
    assert result.exit_code == 0, (result.output, result.exception)
    result.stdout_bytes.decode(encoding)  # what reached the terminal is in its encoding


def test_ascii_spellings_in_tables_csv_and_json():
    run = CliRunner(charset="ascii").invoke
    props = run(main, ["props", "relu", "--format", "csv"]).output
    assert props.splitlines()[0].split(",")[2] == "f' range" and "~=x near 0" in props
    depth = run(main, ["depth", "relu", "--layers", "2", "--width", "4", "--summary"]).output
    assert "sigma_w^2" in depth and "chi" in depth
    listing = run(main, ["list", "--format", "json"]).output
    json.loads(listing)
    assert listing.isascii()


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "euc_jp"])
def test_a_real_terminal_encoding_in_a_subprocess(encoding):
    result = relucli(
        "depth", "--layers", "2", "--width", "4", "--batch", "2", "--summary",
        env=user_env(PYTHONIOENCODING=encoding), encoding=encoding,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
    # EUC-JP has Greek letters (σ stays) but no ≤; ASCII and latin-1 spell σ as sigma.
    assert ("σ_w" if encoding == "euc_jp" else "sigma_w") in result.stdout
    assert "q err l<=10" in result.stdout


# ------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["plot", "--dpi", "nan"],
            "Error: invalid value for '--dpi': nan is not a number in the range 10<=x<=1200\n",
        ),
        (
            ["eval", "rrelu", "--train", "--seed", "-1", "--at", "1"],
            "Error: invalid value for '--seed': -1 is not in the range x>=0.\n",
        ),
        (
            ["dying", "--seed", "-1"],
            "Error: invalid value for '--seed': -1 is not in the range x>=0.\n",
        ),
        (
            ["eval", "relu", "--at", "1e400/1"],
            "Error: number out of range: '1e400/1' (the largest finite number is 1.8e308; inf"
            " and -inf are accepted)\n",
        ),
        (
            ["eval", "relu", "--range", "-1e308", "1e308", "--step", "1e307"],
            "Error: --range -1e308 1e308 is too wide: HI - LO must be at most"
            " 1.7976931348623157e+308 (the largest float); narrow the range\n",
        ),
        (
            ["depth", "--bias-std", "1e200"],
            "Error: invalid value for '--bias-std': 1e+200 is not in the range 0<=x<=1e+06.\n",
        ),
        (
            ["plot", "--title", "$x^$"],
            "Error: --title has bad mathtext '$x^$': cannot parse it at character 3 (write \\$"
            " for a literal dollar)\n",
        ),
        (
            ["plot", "--title", r"$\foo$"],
            "Error: --title has bad mathtext '$\\foo$': Unknown symbol: \\foo (write \\$ for a"
            " literal dollar)\n",
        ),
        (
            ["plot", "--range", "0", "1e308"],
            "Error: invalid value for '--range': 0 1e+308 is too wide to draw: LO and HI must"
            " be within -1e+300 to 1e+300\n",
        ),
        (
            ["plot", "leaky:1e308"],
            "Error: leaky_relu:negative_slope=1e+308 reaches inf in size over x = -5 to 5, too"
            " large to draw (a figure shows values up to 1e+300); use a smaller parameter or"
            " a narrower --range\n",
        ),
        (
            ["eval", "relu", "--at", "1", "-o", ""],
            "Error: invalid value for '-o' / '--output': the path is empty; give a file"
            " name, or - for standard output\n",
        ),
        (
            ["plot", "-o", ""],
            "Error: invalid value for '-o' / '--output': the path is empty; give a file"
            " name, or - for standard output\n",
        ),
        (
            ["eval", "relu", "--at", "1", "--format", "markdown"],
            "Error: invalid value for '--format': 'markdown'; did you mean 'github' or"
            " 'pipe'? (formats: ",
        ),
        (
            ["eval", "relu", "--at", "1", "--format", "csv", "-o", "t.json"],
            "Error: --format csv contradicts -o t.json (a .json file is written as json);"
            " drop --format to follow the suffix, or change one of them\n",
        ),
        (
            ["bench", "--size", "1e9"],
            "Error: this run needs about 14.9 GiB of memory, over the budget of 2.0 GiB; what"
            " fits: --size 131,072,000 (or raise --memory-budget / RELUCLI_MEMORY_BUDGET)\n",
        ),
        (
            ["eval", "bounded:", "--at", "1"],
            f"Error: 'bounded' is a group ({', '.join(REGISTRY.group('bounded'))}); a group"
            " takes no parameters: give them to a variant (leaky:0.1)\n",
        ),
        (
            ["dying", "--steps", "100000", "--every", "1", "--table", "history"],
            "Error: --format simple holds the whole table in memory and 500,005 rows is over"
            " its limit of 100,000; use --format csv or --format json, which stream\n",
        ),
        (
            ["depth", "all", "--layers", "10000", "--every", "1", "--width", "2"],
            # one row per (variant, layer): 10,000 layers times the whole catalogue
            "Error: --format simple holds the whole table in memory and"
            f" {10_000 * len(REGISTRY.names()):,} rows is over"
            " its limit of 100,000; use --format csv or --format json, which stream\n",
        ),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_usage_errors_name_the_option_and_its_range(run, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing drawn or written


def test_a_huge_exponent_is_refused_in_constant_time():
    start = time.monotonic()
    result = relucli("eval", "relu", "--at", "1e99999999/1", timeout=60)
    # Was 23 s for 1e9999999/1 and over a minute for 1e99999999/1; the bound allows for a
    # slow, loaded machine (start-up alone is a fraction of a second).
    assert time.monotonic() - start < 15
    assert result.returncode == 2 and result.stderr.startswith("Error: number out of range")


def test_a_parameter_without_gradient_prints_no_header_before_its_error(run):
    result = run("grad", "--train", "--wrt", "lower", "--format", "csv", "--at", "1")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "Error: rrelu: parameter gradients are defined in eval mode only\n"


# ----------------------------------------------------------------------- warnings


def test_a_cjk_title_gives_one_note_not_matplotlib_warnings(tmp_path):
    result = relucli(
        "plot", "relu", "--title", "日本語", "--points", "50", "-o", str(tmp_path / "f.png")
    )
    assert result.returncode == 0
    assert result.stderr == (
        "Note: the font lacks some characters of the text; they are drawn as boxes\n"
    )


def test_an_unwritable_matplotlib_cache_gives_one_note(tmp_path):
    env = user_env(HOME="/nonexistent", MPLCONFIGDIR="/proc/relucli-unwritable")
    result = relucli("plot", "relu", "--points", "50", "-o", str(tmp_path / "f.png"), env=env)
    assert result.returncode == 0
    assert result.stderr == (
        "Note: Matplotlib's cache folder is not writable; a temporary one is used (set"
        " MPLCONFIGDIR to a writable folder to keep it)\n"
    )


@pytest.mark.parametrize("size", ["2x2", "640x360px"])
def test_small_figures_print_no_warning(tmp_path, size):
    result = relucli("plot", "--size", size, "-o", str(tmp_path / "f.png"))
    # Drawn, or (too small to lay out) refused in one line naming a size that works.
    assert result.returncode == 0 or (
        result.returncode == 2 and "smallest size that works" in result.stderr
    )
    assert "Warning" not in result.stderr and "warn" not in result.stderr


def test_an_overflowing_init_is_one_note(run):
    result = run("dying", "relu", "--steps", "10", "--init", "normal:1e308")
    assert result.exit_code == 0
    assert "Warning" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "Note: some results overflowed to inf (beyond the largest float of the dtype)"
    )


# --------------------------------------------------------------- output paths


@pytest.mark.parametrize("command", ["dying", "depth"])
def test_lab_figures_check_their_folder_before_the_run(tmp_path, command):
    blocker = tmp_path / "file.txt"
    blocker.write_text("")
    target = blocker / "figure.png"
    start = time.monotonic()
    heavy = ["--steps", "100000"] if command == "dying" else ["--layers", "2000"]
    result = relucli(command, "relu", *heavy, "-o", str(target))
    assert time.monotonic() - start < 20  # refused before minutes of work
    assert result.returncode == 1
    assert result.stderr == f"Error: cannot write '{target}': Not a directory\n"
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["dying", "relu"], ["depth", "relu"], ["plot"]])
def test_a_directory_as_figure_names_the_users_path(run, tmp_path, command):
    folder = tmp_path / "figure.png"
    folder.mkdir()
    result = run(*command, "-o", str(folder))
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write '{folder}': Is a directory\n"


def _wait_for_temporary(folder: Path, child: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and child.poll() is None:
        if any(p.name.endswith(".tmp") for p in folder.iterdir()):
            return
        time.sleep(0.002)
    raise AssertionError("no temporary file appeared")


@pytest.mark.parametrize(
    "args",
    [
        ["eval", "relu", "--range", "-1", "1", "--num", "100000000", "-o", "table.csv"],
        ["plot", "all", "--points", "200000", "-o", "figure.svg"],
    ],
    ids=["table", "figure"],
)
def test_sigterm_during_a_write_leaves_no_temporary_file(tmp_path, args):
    child = subprocess.Popen(
        [sys.executable, "-m", "relucli", *args],
        cwd=tmp_path,
        env=user_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _wait_for_temporary(tmp_path, child)
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGTERM
    assert b"Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- table formats


@pytest.mark.parametrize(
    ("name", "first_line"),
    [
        ("t.csv", "x,relu"),
        ("t.json", "["),
        ("t.tex", "\\begin{tabular}{rr}"),
        ("t.md", "|   x |   relu |"),
        ("t.txt", "  x    relu"),
    ],
)
def test_tables_follow_the_output_suffix(run, tmp_path, name, first_line):
    target = tmp_path / name
    result = run("eval", "relu", "--at", "1", "-o", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert target.read_text().splitlines()[0] == first_line


def test_format_names_in_any_case(run):
    assert run("eval", "relu", "--at", "1", "--format", "CSV").stdout == "x,relu\n1.0,1.0\n"
    assert run("eval", "relu", "--at", "1", "--format", "Json", "-o", "-").exit_code == 0


def test_csv_and_json_files_parse(run, tmp_path):
    run("props", "-o", str(tmp_path / "p.csv"))
    run("props", "-o", str(tmp_path / "p.json"))
    rows = list(csv.reader(io.StringIO((tmp_path / "p.csv").read_text())))
    records = json.loads((tmp_path / "p.json").read_text())
    assert len(rows) == len(records) + 1 == 8
