"""Numbers a user types: out of float range is a usage error, decided in constant time."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from relucli.inputs import parse_at, parse_range
from relucli.registry import SpecError, parse_number

OUT = "(the largest finite number is 1.8e308; inf and -inf are accepted)"


@pytest.mark.parametrize(
    "text, value",
    [
        ("1/8", 0.125),
        ("-1/3", -1 / 3),
        ("0.1/0.3", 1 / 3),  # exact: 0.1/0.3 in floats is 0.33333333333333337
        ("+.5e+2/-2", -25.0),
        ("00012.500e-1/0.0250", 50.0),
        ("1e9999999/1e9999998", 10.0),  # huge but in range: still exact and fast
        ("1e310/1e10", 1e300),
        ("1.7976931348623157e308/1", 1.7976931348623157e308),
        ("1.7976931348623158e308", 1.7976931348623157e308),  # rounds down to the maximum
        ("4.9e-324/1", 5e-324),
        ("1e-330/1e-10", 1e-320),
        ("1/1e400", 0.0),  # underflow rounds to zero, as float('1e-400') does
        ("1e-400", 0.0),
        ("−3", -3.0),
        (" 1 / 4 ", 0.25),
    ],
)
def test_numbers(text, value):
    assert parse_number(text) == value


def test_signed_zero_and_nan():
    assert math.copysign(1, parse_number("-0/5")) == -1
    assert math.copysign(1, parse_number("-1/1e999")) == -1
    assert all(math.isnan(parse_number(t)) for t in ("nan", "+nan", "-nan"))


@pytest.mark.parametrize(
    "text",
    ["1e400", "1e400/1", "-1e308/0.1", "1.7976931348623159e308", "1e9999999/1", "1e99999999/1"],
)
def test_out_of_range_is_a_usage_error(text):
    with pytest.raises(SpecError) as caught:
        parse_number(text)
    assert str(caught.value) == f"number out of range: '{text}' {OUT}"


def test_huge_exponents_parse_in_constant_time():
    # Fraction('1e99999999') builds a 100-million-digit integer (over a minute).
    start = time.perf_counter()
    for text in ("1e99999999/1", "1/1e-99999999"):
        with pytest.raises(SpecError, match="out of range"):
            parse_number(text)
    assert parse_number("1e-99999999/1") == 0.0
    assert parse_number("1e99999999/1e99999998") == 10.0
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("text", ["abc", "1e", "1/2/3", "1_0", "inf/2", "", "0x10"])
def test_not_numbers(text):
    with pytest.raises(SpecError, match="not a number"):
        parse_number(text)


def test_division_by_zero():
    with pytest.raises(SpecError, match=r"^not a number: '0\.0/0' \(division by zero\)$"):
        parse_number("0.0/0")


# --------------------------------------------------------------------------- inputs


def test_range_wider_than_the_float_range():
    with pytest.raises(SpecError) as caught:
        parse_range("-1e308", "1e308", None, "1e307")
    assert str(caught.value) == (
        "--range -1e308 1e308 is too wide: HI - LO must be at most 1.7976931348623157e+308"
        " (the largest float); narrow the range"
    )


def test_range_near_the_maximum_is_fine():
    points = parse_range("0", "1e308", 3, None)
    assert np.concatenate(list(points.blocks())).tolist() == [0.0, 5e307, 1e308]


def test_subnormal_step_is_refused_without_overflow():
    with pytest.raises(SpecError) as caught:
        parse_range("0", "1", None, "1e-320")
    assert str(caught.value) == "--step gives more than 1e308 points; the limit is 1,000,000,000"


def test_float32_inputs_beyond_its_range():
    with pytest.raises(SpecError) as caught:
        parse_at(["1,1e39"], "float32")
    assert str(caught.value) == (
        "--at 1e39 is beyond the float32 range (the largest finite float32 is 3.4028235e+38);"
        " use --dtype float64, or inf"
    )
    with pytest.raises(SpecError) as caught:
        parse_range("0", "1e39", None, None, "float32")
    assert str(caught.value) == (
        "--range 0 1e39 is beyond the float32 range: LO and HI must lie within -3.4028235e+38"
        " and 3.4028235e+38 (or use --dtype float64)"
    )
    edge = np.concatenate(list(parse_at(["3.4028235e38,-inf"], "float32").blocks()))
    assert edge.dtype == np.float32 and edge.tolist() == [3.4028234663852886e38, -math.inf]
