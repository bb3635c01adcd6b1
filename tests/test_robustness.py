"""Extreme inputs, streaming output, atomic files, Ctrl-C (the fuzzer is test_fuzz.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from children import default_sigint

# The fuzzers that lived here (in-process, hand-written grammars) are replaced by
# tests/test_fuzz.py, whose grammar is read from Click's parameter metadata and whose
# cases run in processes with normal buffering.


# ------------------------------------------------------------------------- inputs


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("1e308", "1e+308,1e+308\n"),
        ("-1e-320", "-1e-320,-1e-322\n"),
        ("-0.0", "-0.0,-0.0\n"),
        ("1,1,1", "1.0,1.0\n1.0,1.0\n1.0,1.0\n"),
    ],
)
def test_extreme_and_repeated_inputs(run, at, expected):
    result = run("eval", "leaky", "--at", at, "--format", "csv")
    assert result.stdout == "x,leaky_relu\n" + expected


def test_an_empty_list_of_inputs_is_a_usage_error(run):
    result = run("eval", "relu", "--at", ",")
    assert result.exit_code == 2
    assert result.stderr == "Error: --at needs at least one number, e.g. --at -2,0,3\n"


def test_a_very_long_list_of_inputs(run):
    values = ",".join(str(i) for i in range(-5000, 5000))
    result = run("eval", "relu", "--at", values, "--format", "csv")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 10001


def test_specs_with_odd_spacing_and_case(run):
    result = run("eval", " ELU : Alpha = 1/2 ", "--at", "-1", "--format", "csv")
    assert result.stdout == "x,elu:alpha=0.5\n-1.0,-0.31606027941427883\n"


@pytest.mark.parametrize(
    ("spec", "ok"),
    [
        ("rrelu:lower=0,upper=0", True),
        ("elu:alpha=0", True),
        ("celu:alpha=1e-300", True),
        ("softplus:beta=1e-300", True),
        ("softplus:threshold=-1e308", True),
        ("leaky:1e308", True),
        ("rrelu:lower=-1e-300", False),
        ("softplus:beta=-0.0", False),
    ],
)
def test_parameter_values_at_and_beyond_their_edges(run, spec, ok):
    result = run("table", spec, "--at", "-inf,-1,0,1,inf,nan", "--format", "csv")
    assert result.exit_code == (0 if ok else 2), result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ files and streams


def test_a_failed_write_leaves_the_old_file_intact(run, tmp_path, monkeypatch):
    import relucli.tables as tables

    target = tmp_path / "table.csv"
    target.write_text("precious\n")
    real = tables.render

    def half_then_fail(headers, blocks, fmt, precision, stream, single=False):
        stream.write("x,relu\n1,")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("relucli.cli.output.render", half_then_fail)
    result = run("eval", "relu", "--at", "1", "--format", "csv", "-o", str(target))
    assert result.exit_code == 1
    # The error names the user's path (not the temporary file, not nothing).
    assert result.stderr == f"Error: cannot write '{target}': No space left on device\n"
    assert target.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]
    assert tables.render is real


def _child(args: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "relucli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def _peak_rss_mb(args: list[str]) -> float:
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run([sys.executable, '-m', 'relucli', *sys.argv[1:]],"
        " stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return float(out.stdout)


@pytest.mark.slow
def test_long_csv_streams_in_flat_memory():
    small = _peak_rss_mb(
        ["eval", "relu", "--range", "-1", "1", "--num", "10000", "--format", "csv"]
    )
    large = _peak_rss_mb(
        ["eval", "relu", "--range", "-1", "1", "--num", "1000000", "--format", "csv"]
    )
    assert large < 200
    assert large - small < 40  # 100x the rows, nearly the same memory


def test_ctrl_c_exits_130_without_traceback():
    child = _child(
        [
            "eval",
            "relu",
            "--range",
            "-1",
            "1",
            "--num",
            "100000000",
            "--format",
            "csv",
            "-o",
            os.devnull,
        ],
        preexec_fn=default_sigint,
    )
    time.sleep(1.5)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=30)
    assert child.returncode == 130
    assert "Traceback" not in stderr
