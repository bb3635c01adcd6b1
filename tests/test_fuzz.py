"""A grammar-based fuzzer generated from Click's own parameter metadata.

The grammar is read from the command line itself: every command of ``relucli.cli.main``,
every click.Parameter of it (its type, choices, numeric range, nargs, flag, metavar), and
the variant records (names, aliases, groups, parameter names), so a new command or option
is fuzzed without touching this file. Values are the edges of each range and just beyond,
mangled choices, extreme and malformed numbers, odd paths and odd text.

Every case runs in its own process with normal buffering, as on a user's system (see
test_user_systems.py): a fork server imports relucli and Matplotlib once, and each case is
a fork whose standard output and error are files. A case fails on a traceback, an internal
error, Python's "Exception ignored" (a failed final flush), an exit code outside
{0, 1, 2, 130}, a warning on stderr, output on stdout before an error (table commands),
a temporary file left behind, malformed csv/json, or a run over its time limit.

RELUCLI_FUZZ_CASES sets the number of cases of the default run; the slow tier runs
RELUCLI_FUZZ_CASES_SLOW (2000) more.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from test_user_systems import user_env

from relucli.cli import main
from relucli.variants import REGISTRY

CASES = int(os.environ.get("RELUCLI_FUZZ_CASES", "100"))
SLOW_CASES = int(os.environ.get("RELUCLI_FUZZ_CASES_SLOW", "2000"))
TIME_LIMIT = float(os.environ.get("RELUCLI_FUZZ_TIME_LIMIT", "90"))  # seconds per case
OK_CODES = {0, 1, 2, 130}

NUMBERS = [
    "0", "-0.0", "1", "-2", "3", "1/8", "-1/3", "2/0", "0/0", "1e308", "-1e308", "1.7976931348623157e308",
    "1e-320", "-1e-320", "5e-324", "inf", "-inf", "nan", "NaN", "1e999", "1e400/1",
    "1e9999999/1", "abc", "", " ", ",", "1,,2", "0x10", "1_000", "−1", "+3", ".5", "5.",
    "1e", "--", "-", "١",
]  # fmt: skip
TEXTS = ["", " ", "x", "日本語", "$x^2$", "$\\alpha$", "$x^$", "a\tb", "é" * 200, "%s", "{}"]
PATHS = [
    "out.png", "out.svg", "out.pdf", "out.csv", "out.json", "out.tex", "out.md", "out.txt",
    "out.gif", "OUT.PNG", "out", "-", "", "missing/dir/f.png", "missing/t.csv", "adir",
    "adir.png", "file.txt/x.png", "file.txt/t.csv", "ünï.csv", ".", "/", "link.csv",
]  # fmt: skip
EXTRA_SPEC_VALUES = ["tanh", "none", "erf", "0.5", "1e-300", "-1e-300", "1e300"]


# --------------------------------------------------------------------- the grammar


def commands() -> dict[str, click.Command]:
    ctx = click.Context(main)
    return {name: main.get_command(ctx, name) for name in main.list_commands(ctx)}


def _mangle(rng: random.Random, word: str) -> str:
    kind = rng.choice(["same", "same", "same", "upper", "dash", "typo", "junk"])
    if kind == "upper":
        return word.upper()
    if kind == "dash":
        return word.replace("_", "-")
    if kind == "typo":
        return word[:-1] + rng.choice("xyz_") if word else "x"
    if kind == "junk":
        return rng.choice(TEXTS)
    return word


def spec(rng: random.Random) -> str:
    names = [*REGISTRY.names(), *REGISTRY.group_names(), *REGISTRY.aliases]
    name = rng.choice(names)
    shape = rng.choice(["plain", "plain", "value", "params", "colon"])
    text = _mangle(rng, name)
    if shape == "plain":
        return text
    if shape == "colon":
        return f"{text}:"
    values = NUMBERS + EXTRA_SPEC_VALUES
    if shape == "value":
        return f"{text}:{rng.choice(values)}"
    try:
        params = [p.name for p in REGISTRY.lookup(name).params] or ["alpha"]
    except Exception:
        params = ["alpha"]
    items = [
        f"{_mangle(rng, rng.choice([*params, 'bogus']))}={rng.choice(values)}"
        for _ in range(rng.randint(1, 3))
    ]
    return f"{text}:" + ",".join(items)


def _range_values(kind: click.ParamType) -> list[str]:
    low, high = getattr(kind, "min", None), getattr(kind, "max", None)
    out = ["x", "", "1e400", "99999999999999999999999"]
    if low is not None:
        out += [str(low), str(low + 1), str(low - 1)]
        out += [str(low + 2)] * 2  # small values keep most runs short
    if high is not None:
        # The maximum itself is a valid but possibly long run (--steps 10000000): its
        # neighbour beyond the range is the interesting edge.
        out += [str(high + 1)]
        if high <= 64:
            out += [str(high)]
    if isinstance(kind, click.FloatRange):
        out += ["nan", "inf", "-inf", "1/8", "0.5"]
    return out


def values_for(param: click.Parameter, rng: random.Random) -> list[str]:
    """One value (or nargs values) for ``param``, derived from its metadata."""
    kind = param.type
    metavar = (param.metavar or "").strip("[]")
    if isinstance(kind, click.Choice):
        pool = [*map(str, kind.choices)] * 3 + [_mangle(rng, str(rng.choice(kind.choices)))]
        pool += ["", "x"]
    elif isinstance(kind, (click.IntRange, click.FloatRange)):
        pool = _range_values(kind)
    elif isinstance(kind, click.types.IntParamType):
        pool = ["-3", "-1", "0", "1", "2", "5", "x", "1e400", "99999999999999999999999"]
    elif isinstance(kind, click.types.FloatParamType):
        pool = NUMBERS
    elif isinstance(kind, click.Path) or metavar in ("FILE", "PATH") or param.name == "output":
        pool = PATHS
    elif kind.name in ("integer", "N"):  # seeds, sizes
        pool = ["0", "1", "10", "100", "1e3", "-1", "x", "1.5", "1e15", "99999999999999999999"]
    elif kind.name == "bytes":
        pool = ["1M", "100MiB", "2GiB", "1e30", "0", "x", "-1G", "1.5g"]
    else:
        # Free text: the metavar's alternatives (he|xavier|normal:STD, 16:9|WxH, ...), or
        # numbers and lists of numbers when it names numbers.
        pool = [*NUMBERS, *TEXTS]
        words = re.split(r"[|\[\]]", metavar)
        alternatives = [w for w in words if w and w != "..."]
        for word in alternatives:
            pool += [word] * 2
            if ":" in word:
                head = word.split(":")[0]
                pool += [f"{head}:{rng.choice(NUMBERS)}" for _ in range(3)]
            if "x" in word.lower() and word != "x":
                pool += ["2x1.5", "3x2", "0x0", "640x360px", "100000x100000px", "-1x2", "8x4.5in"]
        if "," in metavar or metavar.startswith("X"):
            pool += [",".join(rng.choices(NUMBERS, k=rng.randint(1, 4))) for _ in range(5)]
    return [rng.choice(pool) for _ in range(max(param.nargs, 1))]


@dataclass(frozen=True)
class Case:
    args: list[str]
    table: bool  # the command prints a table (has --format)
    # Where it runs: a UTF-8 pipe (most cases), an ASCII terminal, or a full disk.
    stream: str = "utf-8"


def cases(seed: int, count: int) -> Iterator[Case]:
    rng = random.Random(seed)
    table = commands()
    names = sorted(table)
    for _ in range(count):
        if rng.random() < 0.03:
            yield Case(rng.choice([[], ["--version"], ["--help"], ["bogus"], [spec(rng)]]), False)
            continue
        name = rng.choice(names)
        command = table[name]
        args = [_mangle(rng, name) if rng.random() < 0.05 else name]
        options = [p for p in command.params if isinstance(p, click.Option)]
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        for p in arguments:
            if p.nargs == -1:
                args += [spec(rng) for _ in range(rng.choice([0, 0, 1, 1, 2, 3]))]
            elif rng.random() < 0.95:
                args += values_for(p, rng)
        if rng.random() < 0.7:
            # Small work: the low end of every numeric range, so most runs take well under a
            # second; the defaults (and their long runs) are fuzzed the other 30%.
            for p in options:
                if isinstance(p.type, click.IntRange) and p.type.min is not None:
                    args += [p.opts[0], str(max(p.type.min, min(2, p.type.max or 2)))]
        for p in rng.choices(options, k=rng.randint(0, 4)) if options else []:
            if p.name == "help":
                continue
            args.append(rng.choice(p.opts))
            if not p.is_flag and not p.count:
                args += values_for(p, rng)
        if rng.random() < 0.02:
            args.append(rng.choice(["--bogus", "-z", "--", "--format"]))
        has_format = any(p.name == "fmt" for p in options)
        stream = rng.choices(["utf-8", "ascii", "full"], weights=[8, 1, 1])[0]
        yield Case(args, has_format, stream)


# --------------------------------------------------------------- the fork server

SERVER = r"""
import json, os, signal, sys, time
import matplotlib
matplotlib.use("Agg")
import matplotlib.figure, matplotlib.backends.backend_agg, matplotlib.mathtext
import click
from relucli.cli import main
ctx = click.Context(main)
for name in main.list_commands(ctx):
    main.get_command(ctx, name)  # every command module imported once, here
import relucli.plotting.compare, relucli.plotting.depth, relucli.plotting.dying
results = os.fdopen(os.dup(1), "w")
for line in sys.stdin:
    case = json.loads(line)
    if case["stream"] == "full":
        out = os.open("/dev/full", os.O_WRONLY)  # a device that fails every write
    else:
        out = os.open(case["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    err = os.open(case["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    sys.stdout.flush()
    sys.stderr.flush()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.dup2(out, 1)
        os.dup2(err, 2)
        os.chdir(case["cwd"])
        if case["stream"] == "ascii":  # as under PYTHONIOENCODING=ascii
            sys.stdout.reconfigure(encoding="ascii", errors="strict")
            sys.stderr.reconfigure(encoding="ascii", errors="backslashreplace")
        try:
            main.main(case["args"], prog_name="relucli")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:  # what the interpreter would print, then exit 1
            import traceback
            traceback.print_exc()
            code = 1
        # The interpreter's own final flush, as at the end of a real process.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException as exc:
                os.write(2, f"Exception ignored in final flush: {exc!r}\n".encode())
                code = 120
        os._exit(code)
    os.close(out)
    os.close(err)
    deadline = start + case["limit"]
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.005)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    elapsed = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status) if status is not None else None
    results.write(json.dumps({"code": code, "elapsed": elapsed}) + "\n")
    results.flush()
"""


class ForkServer:
    def __init__(self, workdir: Path) -> None:
        env = user_env(OPENBLAS_NUM_THREADS="1", MPLCONFIGDIR=str(workdir / "mplconfig"))
        self.workdir = workdir
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=workdir,
        )

    def run(self, case: Case, cwd: Path) -> tuple[int | None, float, str, str]:
        out, err = cwd.parent / f"{cwd.name}.out", cwd.parent / f"{cwd.name}.err"
        out.write_bytes(b"")
        request = {"args": case.args, "cwd": str(cwd), "out": str(out), "err": str(err)}
        request["stream"] = case.stream
        request["limit"] = TIME_LIMIT
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        stdout = out.read_bytes().decode("utf-8", "replace")
        stderr = err.read_bytes().decode("utf-8", "replace")
        return reply["code"], reply["elapsed"], stdout, stderr

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.process.stdout.close()


# ------------------------------------------------------------------ the checks

# Lines a successful run may print on stderr besides notes: progress labels, lab notes and
# the path of a figure written.
ALLOWED_STDERR = re.compile(r"^(Note: |note: |wrote |timing \d+ kernels |training)")
WARNING = re.compile(r"Warning\b|warnings\.warn|^\s*File \"|\.py:\d+|Exception ignored")


def check(case: Case, code: int | None, elapsed: float, stdout: str, stderr: str, cwd: Path):
    what = f"relucli {' '.join(map(repr, case.args))} ({case.stream})\n--- stdout\n{stdout[:2000]}\n--- stderr\n{stderr[:2000]}"
    assert code is not None, f"over the time limit ({TIME_LIMIT:g} s): {what}"
    assert code in OK_CODES, f"exit code {code}: {what}"
    assert "Traceback" not in stderr and "internal error" not in stderr, what
    lines = stderr.splitlines()
    assert not any(WARNING.search(line) for line in lines), f"a warning: {what}"
    if code in (1, 2):
        assert lines and lines[-1].startswith("Error: "), what
        assert sum(line.startswith("Error: ") for line in lines) == 1, what
        if case.table:
            assert stdout == "", f"output before an error: {what}"
    if case.stream == "ascii":
        stdout.encode("ascii")  # spelled for the terminal, never an encoding error
    if code == 0:
        assert all(ALLOWED_STDERR.match(line) for line in lines), f"unexpected stderr: {what}"
        fmt = _option(case.args, "--format")
        to_stdout = _option(case.args, "-o") in (None, "-") and case.stream != "full"
        if case.table and fmt is not None and to_stdout:
            _well_formed(fmt, stdout, what)
    leftovers = [p for p in cwd.rglob("*.tmp")]
    assert not leftovers, f"temporary files left: {leftovers}: {what}"


def _option(args: list[str], name: str) -> str | None:
    names = {name, "--output"} if name == "-o" else {name}
    value = None
    for i, arg in enumerate(args[:-1]):
        if arg in names:
            value = args[i + 1]
    return value


def _well_formed(fmt: str, stdout: str, what: str) -> None:
    if fmt.lower() == "csv":
        rows = list(csv.reader(io.StringIO(stdout)))
        assert rows and all(len(r) == len(rows[0]) for r in rows), what
    elif fmt.lower() == "json":
        records = json.loads(stdout)
        assert isinstance(records, list) and all(isinstance(r, dict) for r in records), what


def _case_dir(root: Path, i: int) -> Path:
    cwd = root / f"case{i}"
    cwd.mkdir()
    (cwd / "adir").mkdir()
    (cwd / "adir.png").mkdir()
    (cwd / "file.txt").write_text("")
    (cwd / "target.csv").write_text("old\n")
    (cwd / "link.csv").symlink_to("target.csv")
    return cwd


def fuzz(tmp_path: Path, seed: int, count: int) -> None:
    server = ForkServer(tmp_path)
    try:
        for i, case in enumerate(cases(seed, count)):
            cwd = _case_dir(tmp_path, i)
            code, elapsed, stdout, stderr = server.run(case, cwd)
            check(case, code, elapsed, stdout, stderr, cwd)
    finally:
        server.close()


# -------------------------------------------------------------------------- tests


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork server needs fork()")
def test_fuzzed_command_lines(tmp_path):
    fuzz(tmp_path, seed=14, count=CASES)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork server needs fork()")
def test_many_fuzzed_command_lines(tmp_path):
    fuzz(tmp_path, seed=1414, count=SLOW_CASES)


def test_the_grammar_covers_every_command_and_option():
    seen_commands, seen_options = set(), set()
    for case in cases(0, 3000):
        if case.args and case.args[0] in commands():
            seen_commands.add(case.args[0])
            seen_options.update(a for a in case.args if a.startswith("-"))
    table = commands()
    assert seen_commands == set(table)
    every = {
        opt
        for command in table.values()
        for p in command.params
        if isinstance(p, click.Option) and p.name != "help"
        for opt in p.opts
    }
    assert every <= seen_options, every - seen_options


@pytest.mark.parametrize(
    ("code", "stdout", "stderr"),
    [
        (1, "", "Traceback (most recent call last):\n  ...\nValueError: x\n"),
        (1, "", "Error: internal error (ValueError: x); please report this\n"),
        (120, "", "Exception ignored in final flush: BrokenPipeError()\n"),
        (0, "", "/x/numpy/core.py:12: RuntimeWarning: overflow encountered\n"),
        (2, "x,relu\n", "Error: bad\n"),
        (2, "", "Error: one\nError: two\n"),
        (None, "", ""),
        (0, "x,relu\n1.0\n1,2,3\n", ""),
    ],
    ids=["traceback", "internal", "final-flush", "warning", "output-first", "two-errors",
         "timeout", "bad-csv"],
)  # fmt: skip
def test_the_oracle_catches_each_kind_of_failure(tmp_path, code, stdout, stderr):
    case = Case(["eval", "relu", "--at", "1", "--format", "csv"], table=True)
    with pytest.raises(AssertionError):
        check(case, code, 0.1, stdout, stderr, tmp_path)


def test_the_oracle_catches_a_temporary_file_left_behind(tmp_path):
    (tmp_path / ".table.csv.abcd.tmp").write_text("")
    with pytest.raises(AssertionError, match="temporary files left"):
        check(Case(["list"], table=True), 0, 0.1, "", "", tmp_path)
