"""Tests for relucli.numerics.special: erf, erfc, ndtr and norm_pdf against an mpmath oracle."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relucli.numerics.special import erf, erfc, ndtr, norm_pdf

FUNCS = {"erf": erf, "erfc": erfc, "ndtr": ndtr, "norm_pdf": norm_pdf}
F64_TOL_ULP = 4.0
F32_TOL_ULP = 2.0
UNDERFLOW_ABS_TOL = 1e-300
F64_TINY = mpmath.ldexp(1, -1022)  # smallest normal float64
EPS = 2.0**-52

# ---------------------------------------------------------------------------------------------
# Oracle
# ---------------------------------------------------------------------------------------------
ORACLE_DPS = 50


def _mp_erfc(v: mpmath.mpf) -> mpmath.mpf:
    # mpmath.erfc overflows internally (OverflowError) for |v| >~ 1e154; far beyond 1e10 the
    # two-term asymptotic series is exact to ~1e-20 relative, which is plenty for an oracle.
    if abs(v) < 1e10:
        return mpmath.erfc(v)
    t = mpmath.exp(-v * v) / (abs(v) * mpmath.sqrt(mpmath.pi)) * (1 - 1 / (2 * v * v))
    return t if v > 0 else 2 - t


ORACLES: dict[str, Callable[[mpmath.mpf], mpmath.mpf]] = {
    "erf": mpmath.erf,
    "erfc": _mp_erfc,
    "ndtr": lambda v: _mp_erfc(-v / mpmath.sqrt(2)) / 2,
    "norm_pdf": lambda v: mpmath.exp(-v * v / 2) / mpmath.sqrt(2 * mpmath.pi),
}


def exact(name: str, x: float) -> mpmath.mpf:
    with mpmath.workdps(ORACLE_DPS):
        return +ORACLES[name](mpmath.mpf(float(x)))


def ulp_error(computed: float, true: mpmath.mpf, mant_bits: int, emin: int) -> float:
    """|computed - true| in units of the last place of true's binade.

    mant_bits counts the implicit bit (53 for float64, 24 for float32); below 2**emin the
    subnormal spacing 2**(emin - mant_bits + 1) is used.  inf/NaN results give inf/NaN.
    """
    if not math.isfinite(computed):
        return math.inf
    with mpmath.workdps(ORACLE_DPS):
        if true == 0:
            return 0.0 if computed == 0 else math.inf
        _, e = mpmath.frexp(true)  # true = m·2**e, 1/2 <= |m| < 1
        ulp = mpmath.ldexp(1, max(e - 1, emin) - (mant_bits - 1))
        return float(abs(mpmath.mpf(computed) - true) / ulp)


def ulp64(computed: float, true: mpmath.mpf) -> float:
    return ulp_error(computed, true, 53, -1022)


def ulp32(computed: float, true: mpmath.mpf) -> float:
    return ulp_error(computed, true, 24, -126)


def test_ulp_error_helper() -> None:
    one = mpmath.mpf(1)
    assert ulp64(1.0, one) == 0.0
    assert ulp64(1.0 + EPS, one) == 1.0
    assert ulp64(1.0 - EPS / 2, one) == 0.5  # in ulps of the true value's binade
    assert ulp64(5e-324, mpmath.mpf(0)) == math.inf
    assert ulp64(2 * 5e-324, mpmath.mpf(5e-324)) == 1.0  # subnormal spacing
    assert ulp32(float(np.nextafter(np.float32(1), np.float32(2))), one) == 1.0
    assert ulp64(math.nan, one) == math.inf


# ---------------------------------------------------------------------------------------------
# Grid
# ---------------------------------------------------------------------------------------------
_SPECIAL = [0.0, 1e-300, 1e-8, 0.1, 0.5, 1, 2, 3, 5, 8, 10, 20, 26, 27, 30, 37, 38, 40, 100]
_SPECIAL += [700, 1e300]
# Region switches of the implementation (fdlibm's and the same ones scaled by √2 for ndtr)
# and where results become subnormal: both neighbours of each are included.
_EDGES = [0.25, 0.84375, 1.25, 2.8571434020996094, 6.0, 28.0, 1.1932426932522994]
_EDGES += [1.7677669529663689, 4.040610948894073, 26.55, 27.2, 37.5, 38.4]


def _grid64() -> np.ndarray:
    pts = np.array(_SPECIAL + _EDGES, dtype=np.float64)
    pts = np.concatenate([pts, np.nextafter(pts, 0.0), np.nextafter(pts, np.inf)])
    rng = np.random.default_rng(20240611)
    wide = 10.0 ** rng.uniform(-320, 308, 500)  # log-uniform over the whole float64 range
    near = 10.0 ** rng.uniform(-4, 1.7, 1500)  # log-uniform where the functions vary
    signs = rng.choice([-1.0, 1.0], wide.size + near.size)
    grid = np.concatenate([pts, -pts, np.concatenate([wide, near]) * signs])
    grid = np.concatenate([grid, rng.uniform(-40, 40, 1800)])
    return np.unique(grid)


GRID64 = _grid64()
GRID32 = np.unique(GRID64[np.abs(GRID64) < 1e38].astype(np.float32))[::2]


@cache
def oracle64(name: str) -> tuple[mpmath.mpf, ...]:
    return tuple(exact(name, x) for x in GRID64)


@cache
def oracle32(name: str) -> tuple[mpmath.mpf, ...]:
    return tuple(exact(name, x) for x in GRID32)


@pytest.fixture(autouse=True)
def _fp_errors_raise():
    """Overflow, invalid and divide-by-zero are errors everywhere in this module."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        yield


def test_grid_covers_the_brief() -> None:
    for v in _SPECIAL:
        assert v in GRID64 and -v in GRID64
    assert GRID64.size > 3500
    assert GRID32.size > 1000
    assert GRID32.dtype == np.float32


# ---------------------------------------------------------------------------------------------
# Accuracy
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", FUNCS)
def test_float64_accuracy(name: str) -> None:
    got = FUNCS[name](GRID64)
    assert got.dtype == np.float64
    worst, worst_x, bad = 0.0, None, []
    for x, y, t in zip(GRID64, got, oracle64(name)):
        if abs(t) < F64_TINY:  # true value is subnormal or underflows
            if not abs(mpmath.mpf(float(y)) - t) <= UNDERFLOW_ABS_TOL:
                bad.append((x, y, t))
            continue
        err = ulp64(float(y), t)
        if not err <= F64_TOL_ULP:
            bad.append((x, y, t))
        if err > worst:
            worst, worst_x = err, x
    assert not bad, f"{name}: {len(bad)} points out of tolerance, e.g. {bad[:3]}"
    assert worst > 0.0, "suspicious: every result exact"
    print(f"{name} float64 max error {worst:.3f} ulp at x={worst_x!r}")


@pytest.mark.parametrize("name", FUNCS)
def test_float32_accuracy(name: str) -> None:
    got = FUNCS[name](GRID32)
    assert got.dtype == np.float32
    errs = [ulp32(float(y), t) for y, t in zip(got, oracle32(name))]
    worst = int(np.argmax(errs))
    assert errs[worst] <= F32_TOL_ULP, (
        f"{name}: {errs[worst]:.3f} float32 ulp at x={GRID32[worst]!r}: {got[worst]!r}"
    )


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (-20.0, "2.7536241186062336951e-89"),
        (-37.0, "5.7255712225245768227e-300"),
        (-38.0, "2.8854283600687843084e-316"),  # subnormal: absolute tolerance only
        (-8.0, "6.2209605742717841235e-16"),
        (-1.0, "0.15865525393145705141"),
        (0.0, "0.5"),
        (3.0, "0.99865010196836990547"),
    ],
)
def test_ndtr_known_values(x: float, expected: str) -> None:
    got = float(ndtr(x))
    ref = exact("ndtr", x)
    assert abs(mpmath.mpf(expected) / ref - 1) < 1e-10  # the table itself is right
    if ref < F64_TINY:
        assert abs(got - float(ref)) <= UNDERFLOW_ABS_TOL
    else:
        assert ulp64(got, ref) <= F64_TOL_ULP


def test_naive_lower_tail_would_fail() -> None:
    """The test metric must be able to fail: the textbook ndtr formula is far off in the tail."""
    xs = np.array([-20.1, -26.3, -30.7, -36.9])
    naive = 0.5 * erfc(-xs * np.sqrt(0.5))
    naive_errs = [ulp64(float(y), exact("ndtr", x)) for x, y in zip(xs, naive)]
    ours = [ulp64(float(y), exact("ndtr", x)) for x, y in zip(xs, ndtr(xs))]
    assert max(naive_errs) > 10 * F64_TOL_ULP
    assert max(ours) <= F64_TOL_ULP


# ---------------------------------------------------------------------------------------------
# Special values, warnings, dtypes and shapes
# ---------------------------------------------------------------------------------------------
LIMITS = {
    "erf": {-np.inf: -1.0, np.inf: 1.0, 0.0: 0.0},
    "erfc": {-np.inf: 2.0, np.inf: 0.0, 0.0: 1.0},
    "ndtr": {-np.inf: 0.0, np.inf: 1.0, 0.0: 0.5},
    "norm_pdf": {-np.inf: 0.0, np.inf: 0.0, 0.0: 0.3989422804014327},
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", FUNCS)
def test_limits(name: str, dtype: type) -> None:
    xs = np.array(list(LIMITS[name]), dtype=dtype)
    expected = np.array(list(LIMITS[name].values()), dtype=dtype)
    got = FUNCS[name](xs)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, expected)


def test_signed_zero() -> None:
    assert np.signbit(erf(-0.0)) and not np.signbit(erf(0.0))
    assert erfc(-0.0) == 1.0 and ndtr(-0.0) == 0.5


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", FUNCS)
def test_nan_propagates(name: str, dtype: type) -> None:
    xs = np.array([np.nan, 0.3, -np.nan, np.inf, 2.0, np.nan, -30.0], dtype=dtype)
    got = FUNCS[name](xs)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(xs))
    assert np.isnan(FUNCS[name](float("nan")))


_F64 = np.finfo(np.float64)
_LARGE64 = [1e300, 1e154, 1e20, 41.0, 38.5, 27.3, 6.5, _F64.max, np.inf]
_SMALL64 = [1e-300, 2.2e-308, _F64.tiny, 5e-324, 0.0]
EXTREMES64 = np.array([*_LARGE64, *_SMALL64, np.nan])
EXTREMES64 = np.concatenate([EXTREMES64, -EXTREMES64])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", FUNCS)
def test_no_floating_point_warnings(name: str, dtype: type) -> None:
    if dtype == np.float64:
        xs = EXTREMES64
    else:
        f32 = np.finfo(np.float32)
        values = [-np.inf, -f32.max, -1e30, -41, -14, -1e-45, 0, 1e-45, f32.tiny, 14, 41, 1e30]
        xs = np.array([*values, f32.max, np.inf, np.nan], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Stricter than required: underflow too, which the functions handle internally.
        with np.errstate(all="raise"):
            got = FUNCS[name](xs)
            for x in xs:  # scalar path as well
                FUNCS[name](x)
    assert got.dtype == dtype
    assert np.array_equal(np.isnan(got), np.isnan(xs))
    assert np.all((got[~np.isnan(got)] >= -1) & (got[~np.isnan(got)] <= 2))


@pytest.mark.parametrize("name", FUNCS)
@pytest.mark.parametrize("shape", [(), (0,), (1,), (7,), (3, 4), (2, 3, 5), (2, 0, 3)])
def test_shape_and_dtype(name: str, shape: tuple[int, ...]) -> None:
    f = FUNCS[name]
    rng = np.random.default_rng(len(shape) + sum(shape))
    x = rng.uniform(-10, 10, shape)
    got = f(x)
    assert np.shape(got) == shape
    assert got.dtype == np.float64
    flat = f(x.reshape(-1))
    np.testing.assert_array_equal(np.reshape(got, -1), flat)
    got32 = f(x.astype(np.float32))
    assert np.shape(got32) == shape and got32.dtype == np.float32


@pytest.mark.parametrize("name", FUNCS)
def test_python_inputs_and_other_dtypes(name: str) -> None:
    f = FUNCS[name]
    scalar = f(0.7)
    assert isinstance(scalar, np.float64)
    assert scalar == f(np.array([0.7]))[0]
    from_list = f([0.7, -1.5, 3])
    assert isinstance(from_list, np.ndarray) and from_list.dtype == np.float64
    np.testing.assert_array_equal(from_list, f(np.array([0.7, -1.5, 3.0])))
    ints = f(np.array([-2, 0, 3]))
    assert ints.dtype == np.float64
    np.testing.assert_array_equal(ints, f(np.array([-2.0, 0.0, 3.0])))
    assert f(np.array([0.5], dtype=np.float16)).dtype == np.float16
    assert isinstance(f(np.float32(0.5)), np.float32)
    with pytest.raises(TypeError):
        f(np.array([1 + 1j]))


@pytest.mark.parametrize("name", FUNCS)
def test_float32_is_float64_rounded_once(name: str) -> None:
    f = FUNCS[name]
    np.testing.assert_array_equal(f(GRID32), f(GRID32.astype(np.float64)).astype(np.float32))


@pytest.mark.parametrize("name", FUNCS)
def test_large_and_strided_arrays_match_elementwise(name: str) -> None:
    """Region routing, chunking and strides must not change any element's value."""
    f = FUNCS[name]
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.uniform(-45, 45, 150_000), rng.standard_normal(150_000)])
    rng.shuffle(x)
    before = x.copy()
    got = f(x)
    np.testing.assert_array_equal(x, before)  # input untouched
    idx = rng.choice(x.size, 300, replace=False)
    singles = np.array([f(x[i]) for i in idx])
    np.testing.assert_array_equal(got[idx], singles)
    strided = x[::3]
    np.testing.assert_array_equal(f(strided), got[::3])
    two_d = x[:3000].reshape(60, 50)
    np.testing.assert_array_equal(f(two_d.T), got[:3000].reshape(60, 50).T)


def test_threads_do_not_share_scratch() -> None:
    """Scratch buffers are per thread; NumPy releases the GIL, so sharing them would corrupt."""
    rng = np.random.default_rng(11)
    inputs = [rng.uniform(-40, 40, 200_000) * (i + 1) / 4 for i in range(4)]
    expected = [ndtr(x) for x in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            for got, want in zip(pool.map(ndtr, inputs), expected):
                np.testing.assert_array_equal(got, want)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------
# Mostly where the functions vary, plus the whole finite range.
finite64 = st.one_of(
    st.floats(-45, 45), st.floats(-2, 2), st.floats(allow_nan=False, allow_infinity=False)
)


@settings(max_examples=200, deadline=None)
@given(finite64)
def test_erf_is_odd(x: float) -> None:
    a, b = erf(x), erf(-x)
    assert a == -b and np.signbit(a) != np.signbit(b)


@settings(max_examples=200, deadline=None)
@given(finite64)
def test_norm_pdf_is_even(x: float) -> None:
    assert norm_pdf(x) == norm_pdf(-x)


@settings(max_examples=200, deadline=None)
@given(st.floats(-30, 30))
def test_erf_plus_erfc_is_one(x: float) -> None:
    # Holds everywhere: where erfc is tiny, erf rounds to ±1 and erfc to 0 or 2.
    assert abs(math.fsum([float(erf(x)), float(erfc(x)), -1.0])) <= 2 * EPS


@settings(max_examples=200, deadline=None)
@given(st.floats(-40, 40))
def test_ndtr_symmetry(x: float) -> None:
    assert abs(math.fsum([float(ndtr(x)), float(ndtr(-x)), -1.0])) <= 2 * EPS


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-45, 45), min_size=2, max_size=300))
def test_ndtr_monotone(xs: list[float]) -> None:
    y = ndtr(np.sort(np.array(xs)))
    assert np.all(np.diff(y) >= 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-10, 10, width=32), min_size=1, max_size=50))
def test_float32_property(xs: list[float]) -> None:
    x32 = np.array(xs, dtype=np.float32)
    y = ndtr(x32)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, ndtr(x32.astype(np.float64)).astype(np.float32))
    assert np.all((y >= 0) & (y <= 1))
