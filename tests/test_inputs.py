"""relucli.inputs: --at, --range, --num and --step into points, in blocks; exact values and
exact error messages."""

from __future__ import annotations

import numpy as np
import pytest

from relucli.inputs import BLOCK, MAX_POINTS, Points, parse_at, parse_range
from relucli.registry import SpecError


def values(points: Points) -> list[float]:
    return np.concatenate(list(points.blocks())).tolist()


# --------------------------------------------------------------------------------- --at


def test_at_takes_repeats_comma_lists_fractions_exponents_and_specials_in_order():
    points = parse_at(["-2", "0,1/2,inf", " -inf , nan ", "1e-3", "-1/8", "3/4"])
    assert points.dtype == np.float64 and points.size == 9
    assert values(points)[:5] == [-2.0, 0.0, 0.5, np.inf, -np.inf]
    assert np.isnan(values(points)[5]) and values(points)[6:] == [0.001, -0.125, 0.75]


def test_at_keeps_duplicates_and_skips_empty_items():
    assert values(parse_at(["1,1", "1,,2,"])) == [1.0, 1.0, 1.0, 2.0]


def test_at_rounds_each_value_once_in_float32():
    points = parse_at(["1/3,0.1"], "float32")
    assert points.dtype == np.float32
    assert list(points.values) == [np.float32(1 / 3), np.float32(0.1)]


def test_at_values_come_in_blocks():
    points = parse_at(["1,2,3,4,5"])
    assert [b.tolist() for b in points.blocks(block=2)] == [[1.0, 2.0], [3.0, 4.0], [5.0]]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([","], "--at needs at least one number, e.g. --at -2,0,3"),
        ([""], "--at needs at least one number, e.g. --at -2,0,3"),
        (
            ["abc"],
            "not a number: 'abc' (use decimals, 1e-3, fractions like 1/8, inf, -inf or nan)",
        ),
        (
            ["1,0x10"],
            "not a number: '0x10' (use decimals, 1e-3, fractions like 1/8, inf, -inf or nan)",
        ),
        (["1/0"], "not a number: '1/0' (division by zero)"),
    ],
)
def test_at_errors(items, message):
    with pytest.raises(SpecError) as error:
        parse_at(items)
    assert str(error.value) == message


# ----------------------------------------------------------------------------- --range


def test_range_defaults_to_11_points_equal_to_linspace():
    points = parse_range("-1", "1", None, None)
    assert points.size == 11
    assert values(points) == np.linspace(-1, 1, 11).tolist()


def test_range_with_num_and_fractions():
    assert values(parse_range("1/3", "2/3", 3, None)) == [1 / 3, 0.5, 2 / 3]
    assert values(parse_range("0", "1", 1, None)) == [0.0]


def test_range_built_in_blocks_equals_the_whole_grid_and_ends_exactly_at_hi():
    num = 2 * BLOCK + 7
    points = parse_range("-1", "1/3", num, None, "float32")
    blocks = list(points.blocks())
    assert [b.size for b in blocks] == [BLOCK, BLOCK, 7] and blocks[0].dtype == np.float32
    whole = np.concatenate(blocks)
    assert np.array_equal(whole, np.linspace(-1, 1 / 3, num).astype(np.float32))
    assert whole[-1] == np.float32(1 / 3)


def test_step_counts_points_up_to_hi_despite_rounding():
    # 1/0.1 is 9.999999999999998 in floating point: still 11 points, the last one 1.0.
    assert values(parse_range("0", "1", None, "0.1")) == [
        0.0,
        0.1,
        0.2,
        0.30000000000000004,
        0.4,
        0.5,
        0.6000000000000001,
        0.7000000000000001,
        0.8,
        0.9,
        1.0,
    ]
    assert values(parse_range("0", "1", None, "0.3")) == [0.0, 0.3, 0.6, 0.8999999999999999]
    assert values(parse_range("0", "1", None, "2")) == [0.0]
    assert values(parse_range("-2", "8", None, "2")) == [-2.0, 0.0, 2.0, 4.0, 6.0, 8.0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("1", "1", None, None), "--range needs LO < HI, got LO=1 HI=1"),
        (("2", "1", None, None), "--range needs LO < HI, got LO=2 HI=1"),
        (("0", "inf", None, None), "--range needs finite LO and HI, got 0 inf"),
        (("nan", "1", None, None), "--range needs finite LO and HI, got nan 1"),
        (("0", "1", 0, None), "--num must be at least 1, got 0"),
        (("0", "1", -3, None), "--num must be at least 1, got -3"),
        (("0", "1", 2, "0.1"), "give --num or --step, not both"),
        (("0", "1", None, "0"), "--step must be a positive number, got 0"),
        (("0", "1", None, "-1"), "--step must be a positive number, got -1"),
        (("0", "1", None, "nan"), "--step must be a positive number, got nan"),
        (
            ("0", "1e9", None, "1e-3"),
            "--step gives 1,000,000,000,001 points; the limit is 1,000,000,000",
        ),
        (
            ("0", "1", MAX_POINTS + 1, None),
            "--num gives 1,000,000,001 points; the limit is 1,000,000,000",
        ),
        (
            ("a", "1", None, None),
            "not a number: 'a' (use decimals, 1e-3, fractions like 1/8, inf, -inf or nan)",
        ),
        (
            ("0", "1", None, "x"),
            "not a number: 'x' (use decimals, 1e-3, fractions like 1/8, inf, -inf or nan)",
        ),
    ],
)
def test_range_errors(args, message):
    with pytest.raises(SpecError) as error:
        parse_range(*args)
    assert str(error.value) == message


def test_the_largest_range_allowed_is_not_materialized():
    points = parse_range("0", "1", MAX_POINTS, None)
    assert points.size == MAX_POINTS and points.values is None
    first = next(points.blocks())
    assert first.size == BLOCK and first[1] == 1 / (MAX_POINTS - 1)
