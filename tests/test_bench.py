"""`relucli bench` and relucli.bench: the table, its ratios and its errors. Timings come from
a fake clock, so every number is exact; nothing here depends on how fast the machine is."""

from __future__ import annotations

import json

import pytest

import relucli
from relucli import bench
from relucli.numerics import exp_path


class FakeClock:
    """Each timing (two clock reads) lasts the next of ``ns_per_element``, cycling."""

    def __init__(self, ns_per_element: list[float], size: int):
        self.durations = [ns * size * 1e-9 for ns in ns_per_element]
        self.now = 0.0
        self.reads = 0

    def __call__(self) -> float:
        if self.reads % 2:
            self.now += self.durations[(self.reads // 2) % len(self.durations)]
        self.reads += 1
        return self.now


# One repeat, in measuring order: copy, then forward and forward+gradient per kernel.
RELU_ELU = [0.5, 0.6, 1.2, 3.0, 4.2]


@pytest.fixture
def fake_clock(monkeypatch):
    def install(ns_per_element, size):
        clock = FakeClock(ns_per_element, size)
        monkeypatch.setattr(bench, "CLOCK", clock)
        return clock

    return install


def test_ratios_are_to_the_copy_and_to_relu_of_the_same_run(fake_clock):
    fake_clock(RELU_ELU, 1000)
    result = bench.measure([relucli.get("relu"), relucli.get("elu")], size=1000, repeat=3)
    copy, relu, elu = (list(map(_round, row)) for row in result.rows())
    assert copy == ["memory copy", 0.5, 0.5, 0.5, 1.0, None, None, None, None, None, ""]
    assert relu == ["relu", 0.6, 0.6, 0.6, 1.2, 1.2, 1.2, 1.2, 1.0, 2.4, ""]
    assert elu == ["elu", 3.0, 3.0, 3.0, 6.0, 4.2, 4.2, 4.2, 3.5, 8.4, exp_path.current()]


def test_relu_is_timed_as_the_reference_even_when_not_asked_for(fake_clock):
    fake_clock(RELU_ELU, 500)  # copy, relu (reference), elu
    steps = []
    result = bench.measure([relucli.get("elu")], size=500, repeat=2, progress=steps.append)
    assert [row[0] for row in result.rows()] == ["memory copy", "elu"]
    assert _round(result.rows()[1][4]) == 6.0  # 3 ns against the copy's 0.5
    assert steps == [1] * 2 * bench.steps([relucli.get("elu")]) and bench.steps([]) == 1


def test_the_median_min_and_max_of_the_repeats_are_reported(fake_clock):
    # Three repeats of (copy, relu fwd, relu both): copies take 1, 3, 2 ns; relu's forward
    # 4, 5, 9 and its forward+gradient 6, 8, 7.
    fake_clock([1, 4, 6, 3, 5, 8, 2, 9, 7], 100)
    result = bench.measure([relucli.get("relu")], size=100, repeat=3)
    copy, relu = (list(map(_round, row)) for row in result.rows())
    assert copy == ["memory copy", 2.0, 1.0, 3.0, 1.0, None, None, None, None, None, ""]
    # Ratios are of medians: 5 / 2 and 7 / 2.
    assert relu == ["relu", 5.0, 4.0, 9.0, 2.5, 7.0, 6.0, 8.0, 1.0, 3.5, ""]


def test_float64_moves_twice_the_bytes(fake_clock):
    fake_clock(RELU_ELU, 1000)
    result = bench.measure([relucli.get("relu")], size=1000, dtype="float64", repeat=1)
    assert result.dtype == "float64" and _round(result.rows()[1][1]) == 0.6


def test_measure_refuses_an_empty_run():
    with pytest.raises(ValueError):
        bench.measure([relucli.get("relu")], size=0)


def test_bench_prints_the_table(run, fake_clock):
    fake_clock(RELU_ELU, 1000)
    with exp_path.force("table"):  # the column names the path ELU's float32 kernel took
        result = run("bench", "relu", "elu", "--size", "1e3", "--repeat", "3")
    assert result.exit_code == 0
    assert result.stdout == (
        "variant        f ns/el    f min    f max    f ×copy    f+f' ns/el    f+f' min"
        "    f+f' max    f+f' ×relu    f+f' ×copy  exp path\n"
        "-----------  ---------  -------  -------  ---------  ------------  ----------"
        "  ----------  ------------  ------------  ----------\n"
        "memory copy        0.5      0.5      0.5          1\n"
        "relu               0.6      0.6      0.6        1.2           1.2         1.2"
        "         1.2             1           2.4\n"
        "elu                  3        3        3          6           4.2         4.2"
        "         4.2           3.5           8.4  table\n"
    )
    assert "timing 2 kernels x 3 on 1,000 float32" in result.stderr


def test_the_exp_path_column_names_only_kernels_that_follow_it(fake_clock):
    specs = ["elu", "elu:alpha=0.5", "selu", "celu", "celu:2", "gelu"]
    for path in ("simd", "table"):
        fake_clock(RELU_ELU, 100)
        with exp_path.force(path):
            result = bench.measure([relucli.get(s) for s in specs], size=100, repeat=1)
            wide = bench.measure([relucli.get("elu")], size=100, dtype="float64", repeat=1)
        assert [row[-1] for row in result.rows()] == ["", path, "", path, path, "", ""]
        assert [row[-1] for row in wide.rows()] == ["", ""]  # float64 never depends on it


def test_bench_formats_like_every_table(run, fake_clock):
    fake_clock(RELU_ELU, 100)
    result = run("bench", "relu", "elu", "--size", "100", "--repeat", "1", "--format", "json")
    rows = json.loads(result.stdout)
    assert [r["variant"] for r in rows] == ["memory copy", "relu", "elu"]
    assert list(rows[2]) == bench.HEADERS
    assert rows[0]["f+f' ns/el"] is None
    fake_clock(RELU_ELU, 100)
    csv = run("bench", "relu", "elu", "--size", "100", "--repeat", "1", "--format", "csv")
    assert csv.stdout.splitlines()[1] == "memory copy,0.5,0.5,0.5,1,,,,,,"
    assert csv.stdout.splitlines()[3] == f"elu,3,3,3,6,4.2,4.2,4.2,3.5,8.4,{exp_path.current()}"


def test_bench_prints_3_digits_in_every_format_as_its_help_says(run, fake_clock):
    # The help (and README) used to promise 6 digits and exact csv while bench printed 3.
    help_text = run("bench", "--help").stdout
    assert "  --precision DIGITS         Significant digits [default: 3 in every format].\n" in (
        help_text
    )
    words = " ".join(help_text.split())
    assert "Timings are printed to 3 significant digits in every format unless" in words
    rows = {}
    for fmt in ("plain", "csv", "json"):
        fake_clock([0.3, 0.7, 1.1], 100)  # copy, relu forward, relu forward+gradient
        rows[fmt] = run("bench", "relu", "--size", "100", "--repeat", "1", "--format", fmt).stdout
    # 0.7 / 0.3 = 2.3333 and 1.1 / 0.3 = 3.6667, to 3 digits in every format.
    assert rows["plain"].splitlines()[2].split() == (
        ["relu", "0.7", "0.7", "0.7", "2.33", "1.1", "1.1", "1.1", "1", "3.67"]
    )
    assert rows["csv"].splitlines()[2] == "relu,0.7,0.7,0.7,2.33,1.1,1.1,1.1,1,3.67,"
    assert json.loads(rows["json"])[1]["f+f' ×copy"] == 3.67
    fake_clock([0.3, 0.7, 1.1], 100)
    more = run(
        "bench", "relu", "--size", "100", "--repeat", "1", "--format", "csv", "--precision", "6"
    )
    assert more.stdout.splitlines()[2] == "relu,0.7,0.7,0.7,2.33333,1.1,1.1,1.1,1,3.66667,"


def test_bench_defaults_to_the_seed_variants(run, fake_clock):
    fake_clock([1.0] * 15, 1000)
    result = run("bench", "--size", "1000", "--repeat", "1", "--format", "csv")
    names = [line.split(",")[0] for line in result.stdout.splitlines()[1:]]
    assert names == ["memory copy", *relucli.variants.SEED]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--size", "abc"],
            "Error: invalid value for '--size': 'abc' is not a whole number of elements"
            " (e.g. 1000000 or 1e6)",
        ),
        (["--size", "1.5"], "Error: invalid value for '--size': '1.5' is not a whole number"),
        (["--size", "0"], "Error: invalid value for '--size': 0 is not in the range 1 to"),
        (["--repeat", "0"], "Error: invalid value for '--repeat': 0 is not in the range"),
        (["--dtype", "float16"], "Error: invalid value for '--dtype': 'float16' is not one of"),
        (["relux"], "Error: unknown variant 'relux'; did you mean 'relu'?"),
    ],
)
def test_bench_usage_errors(run, args, message):
    result = run("bench", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stdout == ""


def _round(v):
    return v if v is None or isinstance(v, str) else round(v, 4)
