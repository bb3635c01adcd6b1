"""No traceback for any command line; streaming output; atomic files; Ctrl-C and pipes."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relucli.cli import main
from relucli.variants import REGISTRY

FUZZ_EXAMPLES = int(os.environ.get("RELUCLI_FUZZ_EXAMPLES", "2500"))

NAMES = [*REGISTRY.names(), *REGISTRY.group_names(), *REGISTRY.aliases]
NUMBERS = [
    "0",
    "-0.0",
    "1",
    "-2",
    "1/8",
    "1e308",
    "-1e308",
    "1e-320",
    "-1e-320",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "1e999",
    "2/0",
    "abc",
    "",
    ",",
    "1,,2",
    "0x10",
    "1_000",
    "−1",
    "+3",
    ".5",
    "5.",
    "1e",
    "--",
    "-",
]
PARAMS = [
    "alpha",
    "negative_slope",
    "weight",
    "lower",
    "upper",
    "beta",
    "threshold",
    "approximate",
    "slope",
    "bogus",
]


def _mangle(draw, name: str) -> str:
    kind = draw(st.sampled_from(["same", "upper", "dash", "typo", "junk"]))
    if kind == "upper":
        return name.upper()
    if kind == "dash":
        return name.replace("_", "-")
    if kind == "typo":
        return name[:-1] + draw(st.sampled_from("xyz_")) if name else "x"
    if kind == "junk":
        return draw(st.text(max_size=6))
    return name


@st.composite
def spec(draw) -> str:
    name = _mangle(draw, draw(st.sampled_from(NAMES)))
    shape = draw(st.sampled_from(["plain", "value", "params", "colon"]))
    if shape == "value":
        return f"{name}:{draw(st.sampled_from(NUMBERS))}"
    if shape == "params":
        items = draw(
            st.lists(
                st.tuples(st.sampled_from(PARAMS), st.sampled_from([*NUMBERS, "tanh", "none"])),
                min_size=1,
                max_size=3,
            )
        )
        return f"{name}:" + ",".join(f"{k}={v}" for k, v in items)
    if shape == "colon":
        return f"{name}:"
    return name


def number_list(draw) -> str:
    return ",".join(draw(st.lists(st.sampled_from(NUMBERS), min_size=0, max_size=5)))


@st.composite
def command_line(draw) -> list[str]:
    command = draw(st.sampled_from(["eval", "grad", "table", "props", "list", "bogus", ""]))
    args = [command] if command else []
    args += draw(st.lists(spec(), max_size=3))
    for _ in range(draw(st.integers(0, 5))):
        option = draw(
            st.sampled_from(
                [
                    "--at",
                    "--range",
                    "--num",
                    "--step",
                    "--dtype",
                    "--format",
                    "--precision",
                    "--convention",
                    "--train",
                    "--seed",
                    "--long",
                    "--wrt",
                    "--check",
                    "--bogus",
                ]
            )
        )
        args.append(option)
        if option == "--at":
            args.append(number_list(draw))
        elif option == "--range":
            args += [draw(st.sampled_from(NUMBERS)), draw(st.sampled_from(NUMBERS))]
        elif option in ("--num", "--seed"):
            args.append(draw(st.sampled_from(["0", "1", "5", "-3", "abc", "1000000000000"])))
        elif option == "--step":
            args.append(draw(st.sampled_from(NUMBERS)))
        elif option == "--dtype":
            args.append(draw(st.sampled_from(["float32", "float64", "float16"])))
        elif option == "--format":
            args.append(draw(st.sampled_from(["csv", "json", "github", "latex", "plain", "x"])))
        elif option == "--precision":
            args.append(draw(st.sampled_from(["1", "6", "17", "0", "99", "x"])))
        elif option == "--convention":
            args.append(draw(st.sampled_from(["torch", "jax", "tf"])))
        elif option == "--wrt":
            args.append(draw(st.sampled_from(PARAMS)))
    return args


def _well_formed(args: list[str], stdout: str) -> None:
    fmt = args[args.index("--format") + 1] if "--format" in args else None
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(stdout)))
        assert rows and all(len(r) == len(rows[0]) for r in rows)
    elif fmt == "json":
        records = json.loads(stdout)
        assert isinstance(records, list) and all(isinstance(r, dict) for r in records)


@pytest.mark.slow
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(args=command_line())
def test_fuzzed_command_lines_never_show_a_traceback(args):
    result = CliRunner().invoke(main, args, prog_name="relucli")
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), args
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code == 0:
        _well_formed(args, result.stdout)
    else:
        assert result.stderr.startswith("Error: "), (args, result.stderr)
        assert result.stderr.count("\n") == 1, (args, result.stderr)
        assert "internal error" not in result.stderr, (args, result.stderr)


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
        ]
    )
    time.sleep(1.5)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=30)
    assert child.returncode == 130
    assert "Traceback" not in stderr


# ------------------------------------------------------- figure and lab commands

FIGURE_FUZZ_EXAMPLES = int(os.environ.get("RELUCLI_FIGURE_FUZZ_EXAMPLES", "200"))


@st.composite
def figure_command_line(draw) -> list[str]:
    command = draw(st.sampled_from(["plot", "depth", "bench"]))
    args = [command, *draw(st.lists(spec(), max_size=2))]
    if command == "plot":
        choices = {
            "--range": lambda: [draw(st.sampled_from(NUMBERS)), draw(st.sampled_from(NUMBERS))],
            "--points": lambda: [draw(st.sampled_from(["2", "50", "0", "-1", "x", "1e12"]))],
            "--panels": lambda: [draw(st.sampled_from(["f", "grad", "f,grad", "g", ""]))],
            "--layout": lambda: [draw(st.sampled_from(["overlay", "grid", "x"]))],
            "--style": lambda: [draw(st.sampled_from(["light", "dark", "neon", "pink"]))],
            "--shade": lambda: [draw(st.sampled_from(["saturation", "x"]))],
            "--size": lambda: [
                draw(
                    st.sampled_from(["2x1.5", "3x2", "0x0", "16:9", "x", "100000x100000px", "-1x2"])
                )
            ],
            "-o": lambda: [
                draw(
                    st.sampled_from(
                        ["f.png", "f.svg", "f.pdf", "f.gif", "f", "missing/dir/f.png", "."]
                    )
                )
            ],
            "--title": lambda: [draw(st.text(max_size=8))],
        }
        args += ["--dpi", "40", "--size", "3x2"]
    elif command == "depth":
        choices = {
            "--layers": lambda: [draw(st.sampled_from(["1", "3", "0", "-2", "x"]))],
            "--width": lambda: [draw(st.sampled_from(["4", "16", "0", "x"]))],
            "--batch": lambda: [draw(st.sampled_from(["2", "8", "0", "x"]))],
            "--init": lambda: [
                draw(
                    st.sampled_from(
                        [
                            "auto",
                            "he",
                            "xavier",
                            "lecun",
                            "normal:0.1",
                            "normal:-1",
                            "normal:x",
                            "bogus",
                        ]
                    )
                )
            ],
            "--bias-std": lambda: [draw(st.sampled_from(["0", "0.1", "-1", "nan", "inf"]))],
            "--every": lambda: [draw(st.sampled_from(["1", "2", "0", "x"]))],
            "--dtype": lambda: [draw(st.sampled_from(["float32", "float64", "x"]))],
            "--format": lambda: [draw(st.sampled_from(["csv", "json", "plain", "x"]))],
        }
        args += ["--layers", "4", "--width", "8", "--batch", "4"]
    else:
        choices = {
            "--size": lambda: [draw(st.sampled_from(["10", "1e3", "0", "-5", "x", "1e15"]))],
            "--repeat": lambda: [draw(st.sampled_from(["1", "2", "0", "x"]))],
            "--dtype": lambda: [draw(st.sampled_from(["float32", "float64", "x"]))],
            "--format": lambda: [draw(st.sampled_from(["csv", "json", "plain", "x"]))],
        }
        args += ["--size", "100", "--repeat", "1"]
    for option in draw(st.lists(st.sampled_from(sorted(choices)), max_size=3)):
        args += [option, *choices[option]()]
    return args


@pytest.mark.slow
@settings(
    max_examples=FIGURE_FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(args=figure_command_line())
def test_fuzzed_figure_and_lab_command_lines_never_show_a_traceback(args, tmp_path):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, args, prog_name="relucli")
    finally:
        os.chdir(cwd)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), args
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code != 0:
        assert result.stderr.splitlines()[-1].startswith("Error: "), (args, result.stderr)
        assert "internal error" not in result.stderr, (args, result.stderr)
        leftovers = [p.name for p in tmp_path.rglob("*") if p.is_file()]
        assert not any(name.endswith(".tmp") for name in leftovers), leftovers
    else:
        _well_formed(args, result.stdout)
