"""The command line, through click's CliRunner: exact output, exact errors, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest

from relucli.cli import main
from relucli.tables import FORMATS
from relucli.variants import REGISTRY

GRAD_AT_MINUS_2 = """\
  x    relu    leaky_relu    prelu       elu     rrelu      selu    relu6
---  ------  ------------  -------  --------  --------  --------  -------
 -2       0          0.01     0.25  0.135335  0.229167  0.237933        0
"""


def test_grad_at_minus_2_prints_the_seven_seed_variants(run):
    result = run("grad", "--at", "-2")
    assert result.exit_code == 0
    assert result.stdout == GRAD_AT_MINUS_2
    assert result.stderr == ""


def test_grad_csv_is_exact_round_trip(run):
    result = run("grad", "--at", "-2", "--format", "csv")
    assert result.stdout == (
        "x,relu,leaky_relu,prelu,elu,rrelu,selu,relu6\n"
        "-2.0,0.0,0.01,0.25,0.1353352832366127,0.22916666666666666,0.2379328722516818,0.0\n"
    )


def test_eval_comma_lists_repeats_fractions_and_specials(run):
    result = run(
        "eval", "relu", "leaky:1/10", "--at", "-2,1/2", "--at", "inf,-inf,nan", "--format", "csv"
    )
    assert result.stdout == (
        "x,relu,leaky_relu:negative_slope=0.1\n"
        "-2.0,0.0,-0.2\n"
        "0.5,0.5,0.5\n"
        "inf,inf,inf\n"
        "-inf,0.0,-inf\n"
        "nan,nan,nan\n"
    )


def test_eval_range_with_num_and_step_and_long(run):
    by_num = run("eval", "relu6", "--range", "-2", "8", "--num", "6", "--format", "csv")
    by_step = run("eval", "relu6", "--range", "-2", "8", "--step", "2", "--format", "csv")
    expected = "x,relu6\n-2.0,0.0\n0.0,0.0\n2.0,2.0\n4.0,4.0\n6.0,6.0\n8.0,6.0\n"
    assert by_num.stdout == expected
    assert by_step.stdout == expected
    long = run("eval", "relu", "elu", "--at", "-1,1", "--long", "--format", "csv")
    assert long.stdout == (
        "variant,x,f(x)\nrelu,-1.0,0.0\nrelu,1.0,1.0\nelu,-1.0,-0.6321205588285577\nelu,1.0,1.0\n"
    )


def test_float32_computes_in_float32(run):
    result = run("eval", "elu", "--at", "-1,0.1", "--dtype", "float32", "--format", "csv")
    # Shortest text that reads back as the same float32.
    assert result.stdout == "x,elu\n-1.0,-0.63212055\n0.1,0.1\n"


def test_float32_text_tables_take_precision_and_align_right(run):
    # eval/grad columns of float32 used to reach tabulate as text: --precision ignored.
    result = run("eval", "elu", "--at", "-1,1/3", "--dtype", "float32", "--precision", "3")
    assert result.stdout == "    x     elu\n-----  ------\n   -1  -0.632\n0.333   0.333\n"
    # Without --precision, 6 significant digits, as float64 tables show.
    default = run("eval", "elu", "--at", "-1,1/3", "--dtype", "float32", "--format", "plain")
    assert default.stdout == "       x        elu\n      -1  -0.632121\n0.333333   0.333333\n"


def test_json_parses_and_spells_infinities_as_strings(run):
    result = run("eval", "relu", "--at", "-inf,2", "--format", "json")
    assert json.loads(result.stdout) == [{"x": "-inf", "relu": 0.0}, {"x": 2.0, "relu": 2.0}]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders(run, fmt):
    result = run("table", "relu", "elu", "--at", "-1,0,2", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert "elu" in result.stdout
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert len(rows) == 7 and rows[0][:4] == ["variant", "x", "f(x)", "f'(x)"]
    if fmt == "json":
        assert len(json.loads(result.stdout)) == 6


def test_table_shows_outputs_gradients_and_boundedness(run):
    result = run("table", "relu", "leaky:0.1", "elu", "--at", "-2,0,3", "--format", "github")
    assert (
        result.stdout
        == """\
| variant                       |   x |      f(x) |    f'(x) | range       | bounded below   | bounded above   |
|-------------------------------|-----|-----------|----------|-------------|-----------------|-----------------|
| relu                          |  -2 |         0 |        0 | [0, inf)    | yes             | no              |
| relu                          |   0 |         0 |        0 | [0, inf)    | yes             | no              |
| relu                          |   3 |         3 |        1 | [0, inf)    | yes             | no              |
| leaky_relu:negative_slope=0.1 |  -2 |      -0.2 |      0.1 | (-inf, inf) | no              | no              |
| leaky_relu:negative_slope=0.1 |   0 |         0 |      0.1 | (-inf, inf) | no              | no              |
| leaky_relu:negative_slope=0.1 |   3 |         3 |        1 | (-inf, inf) | no              | no              |
| elu                           |  -2 | -0.864665 | 0.135335 | (-1, inf)   | yes             | no              |
| elu                           |   0 |         0 |        1 | (-1, inf)   | yes             | no              |
| elu                           |   3 |         3 |        1 | (-1, inf)   | yes             | no              |
"""
    )


def test_latex_for_slides(run):
    result = run("eval", "relu", "leaky", "--at", "-1,1", "--format", "latex_booktabs")
    assert result.stdout == (
        "\\begin{tabular}{rrr}\n\\toprule\n   x &   relu &   leaky\\_relu \\\\\n\\midrule\n"
        "  $-$1 &      0 &        $-$0.01 \\\\\n   1 &      1 &            1 \\\\\n"
        "\\bottomrule\n\\end{tabular}\n"
    )


def test_precision_sets_significant_digits(run):
    result = run("eval", "elu", "--at", "-1", "--precision", "3", "--format", "plain")
    assert result.stdout == "  x     elu\n -1  -0.632\n"


def test_grad_with_respect_to_parameters(run):
    result = run("grad", "--wrt", "alpha", "--at", "-1,0", "--format", "csv")
    assert result.stdout == (
        "x,leaky_relu d/dnegative_slope,prelu d/dweight,elu d/dalpha\n"
        "-1.0,-1.0,-1.0,-0.6321205588285577\n0.0,0.0,0.0,0.0\n"
    )


def test_grad_convention_and_check_show_one_sided_slopes_at_kinks(run):
    result = run(
        "grad", "relu", "leaky", "--at", "0,2", "--check", "--format", "csv", "--precision", "6"
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "variant,x,f'(x),central difference,abs error,note"
    assert lines[1] == "relu,0,0,0.5,0.5,\"kink: f'(x-)=0, f'(x+)=1; torch uses 0\""
    assert lines[3] == (
        "leaky_relu,0,0.01,0.505,0.495,\"kink: f'(x-)=0.01, f'(x+)=1; torch uses 0.01\""
    )
    jax = run("grad", "leaky", "--at", "0", "--convention", "jax", "--format", "csv")
    assert jax.stdout == "x,leaky_relu\n0.0,1.0\n"


def test_rrelu_training_mode_is_seeded(run):
    a = run("grad", "rrelu", "--at", "-1,-1,-1", "--train", "--seed", "3", "--format", "csv")
    b = run("grad", "rrelu", "--at", "-1,-1,-1", "--train", "--seed", "3", "--format", "csv")
    c = run("grad", "rrelu", "--at", "-1,-1,-1", "--train", "--seed", "4", "--format", "csv")
    assert a.stdout == b.stdout != c.stdout
    slopes = [float(line.split(",")[1]) for line in a.stdout.splitlines()[1:]]
    assert len(set(slopes)) == 3 and all(1 / 8 <= s <= 1 / 3 for s in slopes)


def test_props_selu_self_normalizes_and_half_of_relu_is_dead(run):
    result = run("props", "relu", "selu", "relu6", "--format", "csv", "--precision", "6")
    rows = {r["variant"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["selu"]["E[f(z)]"] == "0" and rows["selu"]["Var[f(z)]"] == "1"
    assert rows["relu"]["P(f'(z)=0)"] == "0.5"
    assert rows["relu"]["E[f(z)]"] == "0.398942"  # 1/sqrt(2 pi)
    assert rows["relu6"]["dead zone (f'=0)"] == "x < 0, x > 6"
    assert rows["relu6"]["range"] == "[0, 6]" and rows["relu6"]["bounded"] == "both"
    assert rows["selu"]["range"] == "(-1.7581, inf)"


def test_props_default_table(run):
    result = run("props")
    assert result.exit_code == 0
    _header, _rule, *rows = result.stdout.splitlines()
    assert [r.split()[0] for r in rows] == [
        "relu",
        "leaky_relu",
        "prelu",
        "elu",
        "rrelu",
        "selu",
        "relu6",
    ]


def test_list_shows_names_aliases_parameters_formulas(run):
    result = run("list", "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["variant", "aliases", "framework names", "parameters", "formula"]
    assert rows[2] == [
        "leaky_relu",
        "leaky, lrelu, leakyrelu",
        "leaky_relu (torch, jax, flax, tf, keras, mlx); LeakyReLU (tf-keras)",
        "negative_slope=0.01",
        "x if x > 0 else negative_slope·x",
    ]
    names = {row[0]: row[2] for row in rows[1:]}
    # A function name before a layer's; names the same frameworks share, together; Keras 3
    # as "keras" only where all three backends have it.
    assert names["hardswish"] == "hardswish (torch, mlx); hard_swish, hard_silu (jax, flax, keras)"
    assert names["identity"] == (
        "Identity (torch, mlx); identity (jax, tf); linear (tf-keras, keras)"
    )
    assert names["hardtanh"] == "hardtanh (torch); hard_tanh (jax, flax, keras, mlx)"
    assert names["swish"] == "silu, swish (tf)"
    assert names["rrelu"] == "rrelu (torch)"
    assert rows[-1][0] == "groups" and rows[-1][2] == ""


def test_version(run):
    assert run("--version").stdout == "relucli, version 0.1.0\n"


@pytest.mark.parametrize("command", ["list", "eval", "grad", "table", "props"])
def test_every_help_has_an_example(run, command):
    result = run(command, "-h")
    assert result.exit_code == 0
    assert "Example" in result.stdout and f"relucli {command}" in result.stdout


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["grad", "seluu", "--at", "1"],
            "Error: unknown variant 'seluu'; did you mean 'selu'?"
            f" (valid: {', '.join(REGISTRY.names())}; groups: {', '.join(REGISTRY.group_names())})\n",
        ),
        (
            ["eval", "elu:alhpa=1", "--at", "1"],
            "Error: unknown parameter 'alhpa' for elu; did you mean 'alpha'? (valid: alpha)\n",
        ),
        (
            ["eval", "relu", "--at", "abc"],
            "Error: not a number: 'abc' (use decimals, 1e-3, fractions like 1/8, inf, -inf or"
            " nan)\n",
        ),
        (["eval", "relu", "--range", "2", "1"], "Error: --range needs LO < HI, got LO=2 HI=1\n"),
        (
            ["eval", "relu", "--range", "0", "inf"],
            "Error: --range needs finite LO and HI, got 0 inf\n",
        ),
        (
            ["eval", "relu", "--range", "0", "1", "--num", "0"],
            "Error: --num must be at least 1, got 0\n",
        ),
        (
            ["eval", "relu", "--range", "0", "1", "--num", "2000000000"],
            "Error: --num gives 2,000,000,000 points; the limit is 1,000,000,000\n",
        ),
        (["eval", "relu"], "Error: give inputs with --at X[,X...] or --range LO HI\n"),
        (
            ["eval", "relu", "--at", "1", "--range", "0", "1"],
            "Error: give --at or --range, not both\n",
        ),
        (
            ["eval", "relu", "--at", "1", "--num", "3"],
            "Error: --num and --step go with --range LO HI\n",
        ),
        (
            ["grad", "relu", "--at", "1", "--wrt", "alpha"],
            "Error: relu has no parameter 'alpha' to differentiate (differentiable: none)\n",
        ),
        (
            ["eval", "rrelu:lower=0.5,upper=0.1", "--at", "1"],
            "Error: rrelu: lower must be <= upper, got lower=0.5 > upper=0.1\n",
        ),
        (["plott"], "Error: no such command 'plott'; did you mean 'plot'?"),
        (
            ["eval", "relu", "--at", "1", "--dtype", "float16"],
            "Error: invalid value for '--dtype': 'float16' is not one of 'float64', 'float32'.\n",
        ),
        (
            ["eval", "relu", "--range", "-1e9", "1e9", "--step", "1e-3", "--format", "github"],
            "Error: --step gives 2,000,000,000,001 points; the limit is 1,000,000,000\n",
        ),
        (
            ["eval", "relu", "--range", "0", "1", "--num", "200000", "--format", "github"],
            "Error: --format github holds the whole table in memory and 200,000 rows is over its"
            " limit of 100,000; use --format csv or --format json, which stream\n",
        ),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


SEED_ERROR = "Error: invalid value for '--seed': -1 is not in the range x>=0.\n"


@pytest.mark.parametrize(
    "args",
    [
        ["dying", "--seed", "-1"],
        ["depth", "--seed", "-1"],
        ["eval", "rrelu", "--train", "--seed", "-1", "--at", "-1"],
        ["grad", "rrelu", "--train", "--seed", "-1", "--at", "-1"],
        ["table", "rrelu", "--train", "--seed", "-1", "--at", "-1"],
        ["plot", "rrelu", "--train", "--seed", "-1"],
    ],
    ids=lambda args: args[0],
)
def test_a_negative_seed_is_the_same_usage_error_for_every_command(run, args):
    # dying and rrelu --train used to pass -1 to NumPy and end in "internal error", exit 1.
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", SEED_ERROR)


def test_every_seed_numpy_takes_is_accepted(run):
    big = str(2**128)  # SeedSequence takes integers of any size
    result = run("eval", "rrelu", "--train", "--seed", big, "--at", "-1", "--format", "csv")
    assert result.exit_code == 0 and result.stdout.startswith("x,rrelu\n-1.0,-0.")


@pytest.mark.parametrize("command", ["list", "eval", "grad", "table", "props", "bench"])
def test_table_commands_share_one_output_bundle(command):
    # The same --format and -o everywhere a table is the whole output.
    import click

    def declared(name):
        params = {p.name: p for p in main.get_command(click.Context(main), name).params}
        return [params[k].to_info_dict() for k in ("fmt", "output")]

    assert declared(command) == declared("eval")


@pytest.mark.parametrize(
    ("command", "digits"),
    [
        ("list", "[default: 6; csv/json: exact round-trip]"),
        ("eval", "[default: 6; csv/json: exact round-trip]"),
        ("grad", "[default: 6; csv/json: exact round-trip]"),
        ("table", "[default: 6; csv/json: exact round-trip]"),
        ("props", "[default: 6; csv/json: exact round-trip]"),
        ("dying", "[default: 4; csv/json: exact round-trip]"),
        ("depth", "[default: 4; csv/json: exact round-trip]"),
        ("bench", "[default: 3 in every format]"),
    ],
)
def test_each_command_states_its_precision_default(command, digits):
    import click

    params = {p.name: p for p in main.get_command(click.Context(main), command).params}
    assert params["precision"].help == f"Significant digits {digits}."


def test_precision_policies_decide_the_digits_once():
    from relucli.cli.options import EXACT, Precision

    lab, timing = Precision(4), Precision(3, every_format=True)
    assert [EXACT.resolve(f, None) for f in ("simple", "csv", "json")] == [None, None, None]
    assert [lab.resolve(f, None) for f in ("simple", "csv", "json")] == [4, None, None]
    assert [timing.resolve(f, None) for f in ("simple", "csv", "json")] == [3, 3, 3]
    assert [p.resolve("csv", 8) for p in (EXACT, lab, timing)] == [8, 8, 8]


def test_lab_tables_round_to_4_digits_in_text_and_stay_exact_in_csv(run):
    args = ["dying", "relu", "--steps", "20"]
    assert run(*args, "--format", "plain").stdout.splitlines()[1:] == [
        "variant      dead %    inactive %    revived    loss",
        "relu          53.12         53.12          4   1.051",
    ]
    header, row = run(*args, "--format", "csv").stdout.splitlines()
    cells = row.split(",")
    assert header == "variant,dead %,inactive %,revived,loss"
    assert cells[:4] == ["relu", "53.125", "53.125", "4"]
    # The loss at full precision (its last digits depend on the BLAS, not on relucli).
    assert f"{float(cells[4]):.4g}" == "1.051" and len(cells[4]) > 12


def test_unwritable_output_is_a_runtime_error_and_leaves_nothing(run, tmp_path):
    target = tmp_path / "missing" / "out.csv"
    result = run("eval", "relu", "--at", "1", "--format", "csv", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write '{target}': No such file or directory\n"
    assert not target.parent.exists()


def test_output_file_is_written_atomically(run, tmp_path):
    target = tmp_path / "grad.csv"
    target.write_text("old\n")
    result = run("grad", "--at", "-2", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text().startswith("x,relu,leaky_relu")
    assert [p.name for p in tmp_path.iterdir()] == ["grad.csv"]


def test_internal_errors_are_one_line_unless_debug(monkeypatch, run):
    import relucli.cli.commands.eval as command

    def boom(*args, **kwargs):
        raise ZeroDivisionError("synthetic")

    monkeypatch.setattr(command, "resolve", boom)
    result = run("eval", "relu", "--at", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: internal error (ZeroDivisionError: synthetic); please report this with the"
        " command line and the output of `relucli info` (rerun with --debug for the"
        " traceback)\n"
    )
    with pytest.raises(ZeroDivisionError):
        run("--debug", "eval", "relu", "--at", "1")


def test_shell_completion_of_variant_names():
    from relucli.cli import main as group
    from relucli.cli.options import complete_specs

    names = [c.value for c in complete_specs(None, None, "le")]
    assert names == ["leaky_relu", "leaky", "leakyrelu"]
    assert group is main


# ---------------------------------------------------------------- real processes


def _relucli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "relucli", *args], capture_output=True, text=True, **kwargs
    )


def test_the_console_script_is_the_group():
    import importlib
    import re
    from pathlib import Path

    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    target = re.search(r'^relucli = "([\w.]+):(\w+)"$', pyproject, re.M)
    assert target is not None and target.groups() == ("relucli.cli", "main")
    assert getattr(importlib.import_module(target[1]), target[2]) is main


def test_python_m_relucli_runs():
    result = _relucli("grad", "--at", "-2")
    assert result.returncode == 0 and result.stdout == GRAD_AT_MINUS_2


def test_import_cli_and_grad_do_not_import_matplotlib():
    code = (
        "import sys, relucli.cli\n"
        "from relucli.cli import main\n"
        "try:\n    main(['grad', '--at', '-2'])\nexcept SystemExit:\n    pass\n"
        "print('matplotlib' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.endswith("False\n"), result.stderr


def test_commands_load_lazily_from_one_table():
    # `import relucli.cli` loads no command; `grad` loads its own module (and eval's
    # per-point table), never a lab, a figure module or matplotlib.
    code = (
        "import sys, relucli.cli\n"
        "before = sorted(m for m in sys.modules if m.startswith('relucli.cli.commands.'))\n"
        "try:\n    relucli.cli.main(['grad', '--at', '-2'])\nexcept SystemExit:\n    pass\n"
        "after = sorted(m for m in sys.modules if m.startswith(('relucli.cli.commands.',"
        " 'relucli.lab', 'relucli.plotting', 'matplotlib')))\n"
        "print(before, after)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == (
        "[] ['relucli.cli.commands.eval', 'relucli.cli.commands.grad']"
    ), result.stderr


def test_the_command_table_names_every_command_module():
    from pathlib import Path

    import click

    import relucli.cli.commands as commands

    modules = sorted(p.stem for p in Path(commands.__file__).parent.glob("[!_]*.py"))
    assert sorted(c.split(":")[0] for c in commands.COMMANDS.values()) == modules
    for name in commands.COMMANDS:
        command = main.get_command(click.Context(main), name)
        assert isinstance(command, click.Command) and command.name == name


def test_output_piped_into_head_ends_quietly():
    shell = (
        f"{sys.executable} -m relucli eval relu --range -1 1 --num 2000000 --format csv | head -3"
    )
    result = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True)
    second = repr(float(np.linspace(-1, 1, 2000000)[1]))
    assert result.stdout == f"x,relu\n-1.0,0.0\n{second},0.0\n"
    assert result.stderr == ""
    assert result.returncode == 0
