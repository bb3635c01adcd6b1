"""tests/data/framework_reference.json: its structure, and a re-measurement of what is installed.

The frameworks are not relucli dependencies, so the re-measuring tests skip in the normal test
environment; with the `frameworks` extra installed they run each framework's own functions and
autodiff again (scripts/make_framework_reference.py --measure) and require the same bits.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "make_framework_reference.py"
DATA = ROOT / "tests" / "data" / "framework_reference.json"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_framework_reference", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


mfr = _load_script()
REF = json.loads(DATA.read_text())
MEASURED = REF["frameworks"]
SPECIAL_STRINGS = {"nan", "inf", "-inf", "-0.0"}


def _entries():
    for fw, part in MEASURED.items():
        for key, entry in part["activations"].items():
            yield fw, key, entry


def test_header_names_every_framework_once():
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", REF["generated"])
    assert set(REF["platform"]) == {"machine", "system", "python", "numpy"}
    assert set(MEASURED) | set(REF["absent"]) == set(mfr.FRAMEWORKS)
    assert not set(MEASURED) & set(REF["absent"])
    assert all(isinstance(why, str) and why for why in REF["absent"].values())
    assert all(isinstance(p["version"], str) and p["version"] for p in MEASURED.values())


def test_file_is_in_its_fixed_format():
    assert DATA.read_text() == mfr.dumps(REF) + "\n"


@pytest.mark.parametrize(
    "fw,key,entry", list(_entries()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_entry_structure(fw, key, entry):
    column = mfr.FRAMEWORKS[fw][0]
    row = mfr.TABLE[key][column]
    assert entry["names"] == list(row.names)
    assert set(entry) <= {
        "names",
        "defaults",
        "params",
        "definition",
        "measured",
        "points",
        "errors",
        "output_dtype",
    }
    assert set(entry["defaults"]) <= set(row.names)
    assert isinstance(entry["params"], dict) and isinstance(entry["definition"], str)
    assert set(entry["points"]) | set(entry.get("errors", {})) == set(mfr.DTYPES)
    xs = mfr.points_for(key)
    for rows in entry["points"].values():
        assert [r[0] for r in rows] == [mfr.enc(x) for x in xs]
        for r in rows:
            assert len(r) == 3
            for v in r:
                assert (
                    v in SPECIAL_STRINGS
                    if isinstance(v, str)
                    else math.isfinite(v) and (v != 0 or math.copysign(1, v) > 0)
                )


def test_every_framework_column_is_measured_where_it_has_the_function():
    """A row of TABLE missing from a measured framework's file means the name did not resolve."""
    for fw, part in MEASURED.items():
        column = mfr.FRAMEWORKS[fw][0]
        expected = {key for key, cols in mfr.TABLE.items() if column in cols}
        assert set(part["activations"]) == expected, fw


# Differences the issue names, pinned on the file so that a regenerated file that loses one is
# noticed: (framework, key, x, gradient there in float64).
KNOWN = [
    ("torch", "leaky_relu", 0.0, 0.01),
    ("jax", "leaky_relu", 0.0, 1.0),
    ("mlx", "leaky_relu", 0.0, 1.0),
    ("tf", "leaky_relu", 0.0, float.fromhex("0x1.99999a0000000p-3")),  # 0.2 rounded to float32
    ("torch", "selu", 0.0, 1.7580993408473766),
    ("jax", "selu", 0.0, 1.7580993408473766),
    ("tf", "selu", 0.0, 1.0507009873554805),
    ("torch", "celu", 0.0, 1.0),
    ("mlx", "celu", 0.0, 0.0),
    ("keras-tf", "celu", 0.0, 2.0),
    ("torch", "hardtanh", 1.0, 0.0),
    ("jax", "hardtanh", 1.0, 1.0),
    ("mlx", "prelu", 0.0, 1.25),
    ("torch", "max_x_0", 0.0, 0.5),
    ("jax", "max_x_0", 0.0, 0.5),
    ("tf", "max_x_0", 0.0, 1.0),
    ("tf", "max_0_x", 0.0, 0.0),
    ("mlx", "max_x_0", 0.0, 0.0),
    ("mlx", "max_0_x", 0.0, 1.0),
]


@pytest.mark.parametrize("fw,key,x,grad", KNOWN)
def test_file_records_the_known_differences(fw, key, x, grad):
    if fw not in MEASURED:
        pytest.skip(f"{fw} was not measured: {REF['absent'].get(fw)}")
    m = mfr.point_map(MEASURED[fw]["activations"][key]["points"])
    assert mfr.at(m, x)[1] == grad


def test_summary_lists_the_differences():
    text = "\n".join(mfr.summary(REF))
    for heading in ("== defaults", "== gradient at each kink", "== NaN at +-inf", "== softplus"):
        assert heading in text
    if {"torch", "jax"} <= set(MEASURED):
        assert re.search(r"leaky_relu at 0: .*jax[^;]* 1 \(right\).*torch 0\.01 \(left\)", text)


def _installed(fw: str) -> str | None:
    """Why a framework cannot be re-measured here, or None."""
    needed = [mfr.VERSION_MODULE[fw].split(".")[0]]
    needed += [{"tf": "tensorflow"}.get(mfr.FRAMEWORKS[fw][1], mfr.FRAMEWORKS[fw][1])]
    for module in needed:
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install -e '.[frameworks]')"
    return None


SAMPLE = ["relu", "leaky_relu", "prelu", "selu", "celu", "relu6", "hardtanh", "hardsigmoid",
          "hardswish", "gelu", "softplus", "max_x_0", "max_0_x"]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("fw", list(mfr.FRAMEWORKS))
def test_remeasure_matches_the_file(fw):
    why = _installed(fw)
    if why:
        pytest.skip(why)
    if fw not in MEASURED:
        pytest.skip(f"{fw} is installed but the file records it absent: {REF['absent'][fw]}")
    fresh = mfr.run_subprocess(fw, SAMPLE)
    if fresh["version"] != MEASURED[fw]["version"]:
        pytest.skip(f"installed {fresh['version']}, file has {MEASURED[fw]['version']}")
    stored = MEASURED[fw]["activations"]
    sample = [key for key in SAMPLE if key in stored]
    assert sorted(fresh["activations"]) == sorted(sample)
    for key in sample:
        # Through the file's own JSON encoding, so nan, inf and -0.0 compare as strings.
        assert json.loads(json.dumps(fresh["activations"][key])) == stored[key], key
