"""The float32 exp path of ELU, SELU and CELU (relucli/numerics/exp_path.py): both paths
keep the accuracy contract and the special values, the automatic choice follows NumPy's
dispatch information and the self-check, and RELUCLI_EXP_PATH forces either.

Both paths run here in one process (``exp_path.force``), whatever this machine chose."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import cases
import numpy as np
import pytest
import test_accuracy
import test_param_accuracy
from hypothesis import given, settings
from hypothesis import strategies as st

import relucli
from relucli.numerics import exp_path

ROOT = Path(__file__).resolve().parent.parent
FAMILY = ("elu", "selu", "celu")
REFS = [r for r in test_accuracy.REFS if r.spec.split(":")[0] in FAMILY]
CASES = [c for c in cases.CASES if c.name in FAMILY]
PATHS = exp_path.PATHS


@pytest.fixture(params=PATHS)
def path(request):
    with exp_path.force(request.param):
        yield request.param


# ------------------------------------------------------------------- accuracy on both paths


@pytest.mark.parametrize("ref", REFS, ids=lambda r: r.spec)
def test_float32_values_and_gradients_match_mpmath_on_both_paths(ref, path):
    value_err, grad_err = test_accuracy._check(ref, np.float32)
    assert value_err <= 4, f"{path}: value off by {value_err} float32 ulp"
    assert grad_err <= 4, f"{path}: gradient off by {grad_err} float32 ulp"


@pytest.mark.parametrize(
    "spec",
    [
        "elu",
        "elu:alpha=0.3",
        "elu:alpha=3",
        "elu:alpha=1e-30",
        "elu:alpha=1e30",
        "elu:alpha=0",
        "selu",
        "celu",
        "celu:alpha=0.1",
        "celu:alpha=1000",
    ],
)
def test_parameter_extremes_keep_the_contract_on_both_paths(spec, path):
    name, _, rest = spec.partition(":")
    params = {"alpha": float(rest.split("=")[1])} if rest else {}
    case = next(c for c in CASES if c.name == name)
    grid = test_accuracy.GRID
    x = np.concatenate([grid, -np.linspace(0, 120, 241), [-87.5, -88.0, -95.0, -103.9]])
    worst = test_param_accuracy.measure(case, params, np.float32, x)
    assert max(worst.values()) <= case.ulps, (path, worst)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@settings(max_examples=12, deadline=None)
@given(data=st.data(), forced=st.sampled_from(PATHS))
def test_sampled_parameters_keep_the_contract_on_both_paths(case, data, forced):
    with exp_path.force(forced):
        test_param_accuracy._check(case, np.float32, data, case.param_exp)


# ------------------------------------------------------- special values, zeros, out=, chunks


@pytest.mark.parametrize("spec", FAMILY)
def test_specials_zeros_and_limits_on_both_paths(spec, path):
    x = np.array([-np.inf, -1e30, -104.5, -0.0, 0.0, 1e-45, np.inf, np.nan], np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad = relucli.get(spec).value_and_grad(x)
    with exp_path.force("table"):
        want_value, want_grad = relucli.get(spec).value_and_grad(x)
    # The limits, the kink, the signs of the zeros and NaN are the same on both paths.
    np.testing.assert_array_equal(value, want_value)
    np.testing.assert_array_equal(grad, want_grad)
    assert np.signbit(value[3:5]).tolist() == [True, False]  # alpha expm1(-0) = -0
    assert np.isnan(value[-1]) and np.isnan(grad[-1])


@pytest.mark.parametrize("spec", FAMILY)
def test_out_and_fresh_outputs_agree_bit_for_bit_across_chunks(spec, path):
    x = np.random.default_rng(5).standard_normal(200_003).astype(np.float32) * 30
    act = relucli.get(spec)
    value, grad = act.value_and_grad(x)
    v, g = np.empty_like(x), np.empty_like(x)
    act.value_and_grad(x, out=(v, g))
    np.testing.assert_array_equal(v, value)
    np.testing.assert_array_equal(g, grad)
    np.testing.assert_array_equal(act(x), value)
    np.testing.assert_array_equal(act.grad(x), grad)
    y = x.copy()
    act(y, out=y)  # in place
    np.testing.assert_array_equal(y, value)
    y = x.copy()
    act.value_and_grad(y, out=(v, y))  # the gradient over its input (m is computed there)
    np.testing.assert_array_equal(v, value)
    np.testing.assert_array_equal(y, grad)


def test_the_simd_path_matches_numpys_own_exp_and_expm1():
    # Not the tables under another name: ELU on the simd path is NumPy's float32 results.
    x = -np.linspace(0, 104, 100_001).astype(np.float32)
    with exp_path.force("simd"):
        value, grad = relucli.get("elu").value_and_grad(x)
    np.testing.assert_array_equal(value, np.expm1(x))
    with np.errstate(under="ignore"):
        np.testing.assert_array_equal(grad, np.exp(x))


# ----------------------------------------------------------------------- the automatic choice

AVX512 = {"X86_V3": True, "X86_V4": True, "AVX512F": True, "AVX512_SKX": True}
AVX2 = {"X86_V3": True, "AVX2": True, "FMA3": True, "X86_V4": False, "AVX512_SKX": False}
DISPATCH = ["X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR"]


@pytest.mark.parametrize(
    ("features", "dispatch", "baseline", "system", "machine", "want"),
    [
        (AVX512, DISPATCH, ["X86_V2"], "Linux", "x86_64", "X86_V4"),
        (AVX512, [], ["X86_V2", "X86_V3", "X86_V4"], "Linux", "x86_64", "X86_V4"),
        (AVX2, DISPATCH, ["X86_V2"], "Linux", "x86_64", None),  # the CPU lacks AVX-512
        (AVX512, ["X86_V3"], ["X86_V2"], "Linux", "x86_64", None),  # the build lacks it
        (AVX512, DISPATCH, ["X86_V2"], "Windows", "AMD64", None),  # no SVML outside Linux
        (AVX512, DISPATCH, ["X86_V2"], "Darwin", "x86_64", None),
        ({"ASIMD": True}, ["ASIMDHP"], ["NEON"], "Linux", "aarch64", None),
        # NumPy < 2.4 names the same target AVX512_SKX.
        (
            {"AVX512F": True, "AVX512_SKX": True},
            ["AVX512F", "AVX512_SKX"],
            [],
            "Linux",
            "x86_64",
            "AVX512_SKX",
        ),
        (
            {"AVX512F": True, "AVX512_SKX": False},
            ["AVX512F", "AVX512_SKX"],
            [],
            "Linux",
            "x86_64",
            None,
        ),
        ({}, [], [], "Linux", "x86_64", None),
    ],
)
def test_simd_target_follows_numpys_dispatch_information(
    features, dispatch, baseline, system, machine, want
):
    assert exp_path.simd_target(features, dispatch, baseline, system, machine) == want


@pytest.fixture
def linux_x86(monkeypatch):
    monkeypatch.setattr(exp_path.platform, "system", lambda: "Linux")
    monkeypatch.setattr(exp_path.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(exp_path, "self_check", lambda: 1.5)
    yield monkeypatch
    exp_path.reset()


def test_automatic_choice_without_avx512_is_the_table(linux_x86):
    linux_x86.setattr(exp_path, "cpu_info", lambda: (AVX2, DISPATCH, ["X86_V2"]))
    path, reason = exp_path.automatic()
    assert path == "table"
    assert reason == "no SIMD float32 expm1 in this NumPy build or CPU (needs X86_V4/SVML)"


def test_automatic_choice_with_avx512_is_simd(linux_x86):
    linux_x86.setattr(exp_path, "cpu_info", lambda: (AVX512, DISPATCH, ["X86_V2"]))
    assert exp_path.automatic() == ("simd", "X86_V4 exp/expm1 loops, self-check 1.50 ulp")


@pytest.mark.parametrize("worst", [2.7, 40.0, math.nan])
def test_a_failing_self_check_falls_back_to_the_table(linux_x86, worst):
    linux_x86.setattr(exp_path, "cpu_info", lambda: (AVX512, DISPATCH, ["X86_V2"]))
    linux_x86.setattr(exp_path, "self_check", lambda: worst)
    path, reason = exp_path.automatic()
    assert path == "table"
    assert reason == f"X86_V4 exp/expm1 loops failed the self-check ({worst:.3g} ulp)"


def test_the_environment_setting(linux_x86):
    linux_x86.setattr(exp_path, "cpu_info", lambda: (AVX2, DISPATCH, ["X86_V2"]))
    assert exp_path.choose("simd") == ("simd", "forced by RELUCLI_EXP_PATH=simd")
    assert exp_path.choose(" Table ") == ("table", "forced by RELUCLI_EXP_PATH=table")
    assert exp_path.choose("auto")[0] == exp_path.choose("")[0] == "table"
    assert exp_path.choose("fast") == (
        "table",
        "no SIMD float32 expm1 in this NumPy build or CPU (needs X86_V4/SVML)"
        " (RELUCLI_EXP_PATH='fast' is not auto, simd or table: ignored)",
    )


def test_the_decision_is_made_once_and_reset_forgets_it(linux_x86):
    calls = []
    linux_x86.setattr(exp_path, "cpu_info", lambda: calls.append(1) or (AVX512, DISPATCH, []))
    linux_x86.delenv(exp_path.ENV, raising=False)
    exp_path.reset()
    assert exp_path.current() == "simd"
    assert exp_path.describe() == "simd: X86_V4 exp/expm1 loops, self-check 1.50 ulp"
    assert exp_path.current() == "simd" and len(calls) == 1
    with exp_path.force("table"):
        assert (exp_path.current(), exp_path.describe()) == ("table", "table: forced in-process")
        with exp_path.force("simd"):
            assert exp_path.current() == "simd"
        assert exp_path.current() == "table"
    exp_path.reset()
    linux_x86.setenv(exp_path.ENV, "table")
    assert exp_path.current() == "table" and len(calls) == 1


def test_force_refuses_an_unknown_path():
    refused = pytest.raises(ValueError, match="exp path must be one of simd, table, got 'fast'")
    with refused, exp_path.force("fast"):
        pass


def test_the_self_check_passes_here_or_the_build_has_no_simd_expm1():
    worst = exp_path.self_check()
    features, dispatch, baseline = exp_path.cpu_info()
    target = exp_path.simd_target(
        features, dispatch, baseline, exp_path.platform.system(), exp_path.platform.machine()
    )
    if target is not None:  # NumPy's SIMD loops: within NumPy's documented bound
        assert worst <= exp_path.SELF_CHECK_ULPS
    else:  # scalar libm loops are within an ulp
        assert worst <= 1


# --------------------------------------------------------------- a fresh process, the switch

_CHILD = """
import sys
import numpy as np
import relucli
from relucli.numerics import exp_path
assert exp_path._decided is None  # importing relucli decides nothing
relucli.get("elu")(np.array([-1.0, 2.0]))  # float64 needs no decision either
assert exp_path._decided is None
x = -np.linspace(0, 104, 10_001).astype(np.float32)
value, grad = relucli.get("selu").value_and_grad(x)
coef = float(np.float32(relucli.variants.SELU_ALPHA) * np.float32(relucli.variants.SELU_SCALE))
x64 = x.astype(np.float64)
ulps = 0.0
for got, exact in ((value, coef * np.expm1(x64)), (grad, coef * np.exp(x64))):
    spacing = np.maximum(np.spacing(np.abs(exact).astype(np.float32)), 2.0**-149)
    ulps = max(ulps, float((np.abs(got - exact) / spacing).max()))
print(exp_path.current(), ulps <= 4, exp_path.describe(), sep="|")
"""


def _child(setting: str | None) -> list[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE")
    }
    env["PYTHONPATH"] = str(ROOT)
    env.pop(exp_path.ENV, None)
    if setting is not None:
        env[exp_path.ENV] = setting
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", _CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout.strip().split("|")


@pytest.mark.parametrize("setting", ["table", "simd"])
def test_the_environment_variable_forces_each_path_in_a_fresh_process(setting):
    assert _child(setting) == [setting, "True", f"{setting}: forced by RELUCLI_EXP_PATH={setting}"]


def test_an_invalid_setting_is_ignored_and_said_so():
    path, ok, reason = _child("fastest")
    assert ok == "True"
    assert path == exp_path.automatic()[0]
    assert reason.endswith("(RELUCLI_EXP_PATH='fastest' is not auto, simd or table: ignored)")


def test_info_prints_the_path_and_why(run):
    result = run("info")
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.startswith("exp path")]
    assert lines == [f"exp path    {exp_path.describe()}"]
    with exp_path.force("table"):
        assert "exp path    table: forced in-process\n" in run("info").stdout
