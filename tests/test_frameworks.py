"""The records' framework facts against the measured reference file, conventions applied by
the kernels, and the NAME@FRAMEWORK spec grammar.

Every expectation about a framework comes from tests/data/framework_reference.json (measured by
scripts/make_framework_reference.py with each framework's own autodiff), never typed here: a
record's names, defaults, kink gradients and values at +-inf must equal the measurement.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import relucli
from relucli.activation import Activation
from relucli.frameworks import FRAMEWORKS
from relucli.registry import CONVENTIONS, SpecError
from relucli.variants import REGISTRY

DATA = Path(__file__).resolve().parent / "data" / "framework_reference.json"
REF = json.loads(DATA.read_text())
MEASURED = REF["frameworks"]
DTYPES = {"float32": np.float32, "float64": np.float64}


def _key_spec(key: str) -> tuple[str, str]:
    """A reference key ("gelu:approximate=tanh") -> (variant name, parameter text)."""
    name, _, params = key.partition(":")
    return name, params


def _relucli_key(fw: str, key: str, entry) -> str | None:
    """The key as a relucli spec: itself, or, where its variant lacks a parameter the key sets,
    the record that has the parameter and lists the measured function under that framework
    (TF's ``silu:beta=1.5`` is relucli's ``swish:beta=1.5``: tf.nn.silu takes a beta)."""
    try:
        REGISTRY.parse(key)
        return key
    except SpecError:
        pass
    params = _key_spec(key)[1]
    for v in REGISTRY.variants.values():
        facts = v.frameworks.get(fw)
        if params and facts is not None and entry["names"][0] in facts.names:
            try:
                REGISTRY.parse(f"{v.name}:{params}")
            except SpecError:
                continue
            return f"{v.name}:{params}"
    return None  # a parameter no relucli record has yet


def _entries():
    """(framework, key, variant, entry) for every measured key naming a relucli variant with
    parameters relucli has (keys for variants not in relucli yet are skipped); ``key`` is the
    relucli spec of the measured call (see _relucli_key)."""
    for fw, part in MEASURED.items():
        for measured_key, entry in part["activations"].items():
            if _key_spec(measured_key)[0] not in REGISTRY.variants:
                continue
            key = _relucli_key(fw, measured_key, entry)
            if key is None:
                continue
            yield fw, key, REGISTRY.variants[_key_spec(key)[0]], entry


ENTRIES = list(_entries())
IDS = [f"{fw}-{key}" for fw, key, _, _ in ENTRIES]


def _points(entry, dtype: str) -> dict[float, tuple[float, float]]:
    out = {}
    for x, v, g in entry["points"].get(dtype, []):
        if x == "nan":
            continue
        out[float(x)] = (float(v), float(g))
    return out


def _activation(fw: str, key: str, entry) -> Activation:
    """The activation the measured call computed: the framework's defaults, then the call's
    parameters, then the key's (a key fixes the form: "gelu" is the exact one everywhere)."""
    name, params = _key_spec(key)
    act = relucli.get(f"{name}@{fw}" + (f":{params}" if params else ""))
    called = {}
    for fparam, value in entry["params"].items():
        try:
            param = act.variant.param(_PARAM.get(fparam, fparam))
        except SpecError:
            continue
        if value is not None:
            called[param.name] = _value(value)
    keyed = REGISTRY.parse(key)[1]
    fixed = {k: keyed[k] for k in (item.split("=")[0] for item in params.split(",") if params)}
    return Activation(act.variant, {**act.params, **called, **fixed}, convention=fw)


def _same(a: float, b: float, rel: float = 0.0) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= rel * max(abs(a), abs(b))


# ------------------------------------------------------------------- names and defaults


def test_every_measured_framework_is_a_convention():
    assert set(MEASURED) | set(REF["absent"]) == set(FRAMEWORKS) == set(CONVENTIONS)


@pytest.mark.parametrize("variant", list(REGISTRY.variants.values()), ids=lambda v: v.name)
def test_record_names_are_the_measured_names(variant):
    measured: dict[str, list[str]] = {}
    for fw, _, v, entry in ENTRIES:
        if v is variant:
            measured.setdefault(fw, [])
            measured[fw] += [n for n in entry["names"] if n not in measured[fw]]
    recorded = {fw: list(f.names) for fw, f in variant.frameworks.items() if f.names}
    absent = set(REF["absent"])
    assert {fw: sorted(n) for fw, n in recorded.items() if fw not in absent} == {
        fw: sorted(n) for fw, n in measured.items()
    }
    for fw, names in recorded.items():
        if fw in measured:  # the measured function first
            first = next(e for f, _, v, e in ENTRIES if f == fw and v is variant)
            assert names[0] == first["names"][0]


# Framework spellings of a parameter that are not relucli synonyms (initializers of PReLU's
# learned slope), and of values (GELU's approximate=True, Keras's "zeros" initializer).
_PARAM = {"init": "weight", "negative_slope_init": "weight", "alpha_initializer": "weight"}


def _value(value):
    if isinstance(value, bool):
        return "tanh" if value else "none"
    return {"Zeros": 0.0, "zeros": 0.0}.get(value, value) if isinstance(value, str) else value


def _form(name: str) -> str:
    last = name.rsplit(".", 1)[-1]
    if ".ops." in name:
        return "ops"
    return "layer" if last[:1].isupper() else ""


@pytest.mark.parametrize("fw,key,variant,entry", ENTRIES, ids=IDS)
def test_record_defaults_are_the_signature_defaults(fw, key, variant, entry):
    for name, defaults in entry["defaults"].items():
        expected = variant.defaults(fw, _form(name))
        for fparam, value in defaults.items():
            try:
                param = variant.param(_PARAM.get(fparam, fparam))
            except SpecError:
                continue  # a framework parameter relucli's variant has not (keras relu's max_value)
            if value is not None:
                assert expected[param.name] == _value(value), (name, fparam)


# ------------------------------------------------------- kinks and limits, as measured


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fw,key,variant,entry", ENTRIES, ids=IDS)
def test_kink_gradients_under_the_convention_are_the_measured_ones(fw, key, variant, entry, dtype):
    points = _points(entry, dtype)
    if not points:
        pytest.skip(f"{fw} has no {dtype}")
    act = _activation(fw, key, entry)
    facts = variant.frameworks[fw]
    kinks = set(act.kinks) | set(facts.kink_map(act.params) or {})
    assert kinks <= set(points) | {-0.0}
    # A framework whose definition differs (truncated constants, a float32 slope) is held to
    # its kink rule, not its digits.
    rel = 1e-5 if facts.definition else 0.0
    for k in sorted(kinks):
        for x in (k, -0.0) if k == 0 else (k,):
            got = float(act.grad(np.array([x], DTYPES[dtype]))[0])
            assert _same(got, points[x][1], rel), (x, got, points[x][1])
            both = act.value_and_grad(np.array([x], DTYPES[dtype]))[1][0]
            assert float(both) == got or math.isnan(got)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fw,key,variant,entry", ENTRIES, ids=IDS)
def test_recorded_values_at_infinity_are_the_measured_ones(fw, key, variant, entry, dtype):
    points = _points(entry, dtype)
    if not points:
        pytest.skip(f"{fw} has no {dtype}")
    act = _activation(fw, key, entry)
    facts = variant.frameworks[fw]
    pairs = facts.limit_pairs(act.params, dtype)
    if pairs is None:  # the mathematical limits, which relucli's kernel gives
        x = np.array([-math.inf, math.inf], DTYPES[dtype])
        v, g = act.value_and_grad(x)
        pairs = ((float(v[0]), float(g[0])), (float(v[1]), float(g[1])))
    ulps = 1e-5 if facts.definition else 4 * float(np.finfo(DTYPES[dtype]).eps)
    for (v, g), x in zip(pairs, (-math.inf, math.inf)):
        mv, mg = points[x]
        assert _same(v, mv, ulps) and _same(g, mg, ulps), (x, (v, g), (mv, mg))


@pytest.mark.parametrize("fw,key,variant,entry", ENTRIES, ids=IDS)
def test_values_and_gradients_at_ordinary_points_are_the_measured_ones(fw, key, variant, entry):
    facts = variant.frameworks[fw]
    rel = 1e-4 if facts.definition else 1e-5  # truncated constants, float32 parameters
    act = _activation(fw, key, entry)
    kinks = set(act.kinks) | set(facts.kink_map(act.params) or {})
    # The definition is read in the widest dtype measured: in float32 the frameworks' own
    # rounding shows (x − tanh(x) cancels near 0: 6% off at 2^-10 in every framework).
    dtype = "float64" if _points(entry, "float64") else "float32"
    for x, (v, g) in _points(entry, dtype).items():
        if math.isinf(x) or x in kinks:
            continue
        got_v, got_g = (float(a[0]) for a in act.value_and_grad(np.array([x], DTYPES[dtype])))
        assert abs(got_v - v) <= rel * abs(v) + 1e-30, (x, got_v, v)
        assert abs(got_g - g) <= rel * abs(g) + 1e-30, (x, got_g, g)


@pytest.mark.parametrize("fw,key,variant,entry", ENTRIES, ids=IDS)
def test_recorded_value_at_nan_is_the_measured_one(fw, key, variant, entry):
    act = _activation(fw, key, entry)
    recorded = variant.frameworks[fw].nan_value(act.params)
    for dtype in DTYPES:
        for x, v, _ in entry["points"].get(dtype, []):
            if x == "nan":
                assert _same(recorded, float(v)), (dtype, recorded, v)


def test_a_framework_variant_is_in_a_framework():
    """The `frameworks` group (origin "framework") holds only variants some framework has."""
    for v in REGISTRY.variants.values():
        if v.origin == "framework":
            assert any(v.in_framework(fw) for fw in FRAMEWORKS), v.name


# ------------------------------------------------------- the convention in the kernels


def test_the_default_convention_runs_the_bare_kernel():
    for v in REGISTRY.variants.values():
        assert Activation(v)._kernel is v.kernel
        # JAX's rule is the kernels' own (KernelArgs.jax): no fix-up either.
        assert Activation(v, v.defaults("jax"), convention="jax")._kernel is v.kernel


def test_kink_fix_follows_the_parameters_and_every_shape_and_chunk():
    act = relucli.get("prelu@mlx:0.1")
    x = np.zeros((3, 5), np.float32)
    x[1, 2] = -1.0
    grad = act.grad(x)
    assert grad.dtype == np.float32 and grad.shape == (3, 5)
    assert grad[0, 0] == np.float32(1.1) and grad[1, 2] == np.float32(0.1)
    jax = relucli.get("hardtanh@keras-jax:min_val=-2,max_val=3")
    assert jax.grad(np.array([-2.0, 3.0, np.nan])).tolist()[:2] == [1.0, 1.0]
    assert math.isnan(jax.grad(np.array([np.nan]))[0])
    big = np.zeros(300_000)  # several chunks
    assert (relucli.get("celu", convention="mlx").grad(big) == 0).all()


def test_convention_sets_defaults_and_spec_keeps_its_own_framework():
    assert relucli.get("leaky", convention="keras-tf").params == {"negative_slope": 0.2}
    assert relucli.get("leaky", convention="keras-tf").spec == "leaky_relu"
    assert relucli.get("gelu", convention="jax").params == {"approximate": "tanh"}
    # A spec's own @FRAMEWORK wins over the convention.
    act = relucli.get("leaky@torch", convention="keras-tf")
    assert act.convention == "torch" and act.params == {"negative_slope": 0.01}
    # Variants the framework lacks keep relucli's defaults under --convention.
    assert relucli.get("rrelu", convention="mlx").params == {"lower": 0.125, "upper": 1 / 3}


# --------------------------------------------------------------------------- spec grammar


@pytest.mark.parametrize(
    "spec,params,convention,shown",
    [
        ("leaky_relu@keras-tf", {"negative_slope": 0.2}, "keras-tf", "leaky_relu@keras-tf"),
        ("leaky@keras-tf.layer", {"negative_slope": 0.3}, "keras-tf", "leaky_relu@keras-tf.layer"),
        (
            "LReLU@Keras_JAX.Layer",
            {"negative_slope": 0.3},
            "keras-jax",
            "leaky_relu@keras-jax.layer",
        ),
        ("leaky@tf-keras", {"negative_slope": 0.3}, "tf-keras", "leaky_relu@tf-keras"),
        ("leaky@tf:0.1", {"negative_slope": 0.1}, "tf", "leaky_relu@tf:negative_slope=0.1"),
        ("leaky@tf.function", {"negative_slope": 0.2}, "tf", "leaky_relu@tf"),
        ("gelu@jax", {"approximate": "tanh"}, "jax", "gelu@jax"),
        ("gelu@keras-tf", {"approximate": "none"}, "keras-tf", "gelu@keras-tf"),
        ("gelu@keras-tf.ops", {"approximate": "tanh"}, "keras-tf", "gelu@keras-tf.ops"),
        ("gelu@jax:approximate=none", {"approximate": "none"}, "jax", "gelu@jax:approximate=none"),
        ("prelu@keras-torch", {"weight": 0.0}, "keras-torch", "prelu@keras-torch"),
        ("prelu@flax", {"weight": 0.01}, "flax", "prelu@flax"),
        ("leaky@torch.layer", {"negative_slope": 0.01}, "torch", "leaky_relu@torch.layer"),
    ],
)
def test_framework_specs(spec, params, convention, shown):
    act = relucli.get(spec)
    assert (act.params, act.convention, act.spec) == (params, convention, shown)
    parsed = REGISTRY.parse(spec)[1]
    assert parsed == params


@pytest.mark.parametrize(
    "spec,message",
    [
        (
            "leaky@keras",
            "'leaky@keras': keras is ambiguous, name one of keras-tf, keras-jax, keras-torch",
        ),
        (
            "leaky@tensorflow",
            "unknown framework 'tensorflow' in 'leaky@tensorflow'; did you mean 'tf'? (valid:"
            " torch, jax, flax, tf, tf-keras, keras-tf, keras-jax, keras-torch, mlx)",
        ),
        (
            "leaky@pytorch",
            "unknown framework 'pytorch' in 'leaky@pytorch'; did you mean 'torch'? (valid: torch,"
            " jax, flax, tf, tf-keras, keras-tf, keras-jax, keras-torch, mlx)",
        ),
        (
            "leaky:0.1@tf",
            "write @FRAMEWORK before the parameters, e.g. 'leaky@tf:0.1', got 'leaky:0.1@tf'",
        ),
        ("rrelu@mlx", "'rrelu@mlx': mlx has no rrelu (frameworks that have it: torch)"),
        (
            "mish@tf",
            "'mish@tf': tf has no mish (frameworks that have it: torch, jax, tf-keras, keras-tf, keras-jax, keras-torch, mlx)",
        ),
        (
            "leaky@keras-tf.layr",
            "unknown form 'layr' in 'leaky@keras-tf.layr'; did you mean 'layer'? (valid: function,"
            " layer, ops)",
        ),
        ("leaky@tf:2,zz=1", "unknown parameter 'zz' for leaky_relu (valid: negative_slope)"),
    ],
)
def test_framework_spec_errors(spec, message):
    with pytest.raises(SpecError) as info:
        relucli.get(spec)
    assert str(info.value) == message


def test_unknown_convention_lists_every_framework():
    with pytest.raises(SpecError, match=r"unknown convention 'keras' \(valid: torch, jax, flax,"):
        relucli.get("relu", convention="keras")


# --------------------------------------------------------------- relucli frameworks


@pytest.fixture
def run():
    from click.testing import CliRunner

    from relucli.cli import main

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), prog_name="relucli", catch_exceptions=False)

    return invoke


def test_frameworks_csv_is_exact(run):
    result = run("frameworks", "celu", "--format", "csv")
    assert result.exit_code == 0
    head = "variant,framework,name,defaults,f′ at kinks,f(−∞),f′(−∞),f(∞),f′(∞),notes\n"
    assert result.stdout == head + (
        "celu,torch,torch.nn.functional.celu,alpha=1,f′(0) = 1,-1.0,0.0,inf,1.0,\n"
        "celu,jax,jax.nn.celu,alpha=1,f′(0) = 1,-1.0,0.0,inf,1.0,\n"
        "celu,flax,flax.linen.celu,alpha=1,f′(0) = 1,-1.0,0.0,inf,1.0,\n"
        "celu,keras-tf,keras.activations.celu,alpha=1,f′(0) = 2 (sum),-1.0,0.0,inf,1.0,"
        '"celu′(0) = 2, the sum of both sides (relucli: 1)"\n'
        "celu,keras-jax,keras.activations.celu,alpha=1,f′(0) = 1,-1.0,0.0,inf,1.0,\n"
        "celu,keras-torch,keras.activations.celu,alpha=1,f′(0) = 1,-1.0,0.0,inf,1.0,\n"
        "celu,mlx,mlx.nn.celu,alpha=1,f′(0) = 0 (neither),-1.0,0.0,inf,1.0,"
        "celu′(0) = 0 (relucli: 1)\n"
    )


def test_frameworks_json_is_exact(run):
    result = run("frameworks", "leaky", "--format", "json")
    rows = json.loads(result.stdout)
    assert [r["framework"] for r in rows] == list(FRAMEWORKS)
    assert rows[8] == {
        "variant": "leaky_relu",
        "framework": "mlx",
        "name": "mlx.nn.leaky_relu",
        "defaults": "negative_slope=0.01",
        "f′ at kinks": "f′(0) = 1 (right)",
        "f(−∞)": "-inf",
        "f′(−∞)": 1.0,
        "f(∞)": "inf",
        "f′(∞)": 1.0,
        "notes": "leaky_relu′(0) = the right branch (relucli: the left branch);"
        " f′(−∞) = 1 (relucli: the limit 0.01)",
    }
    assert rows[6]["notes"] == (
        "default negative_slope = 0.2 (relucli: 0.01);"
        " keras.layers.LeakyReLU: negative_slope = 0.3 (spec NAME@FRAMEWORK.layer);"
        " leaky_relu′(0) = the right branch (relucli: the left branch)"
    )


def test_frameworks_text_formats_number_their_footnotes(run):
    result = run("frameworks", "gelu", "selu")
    table, _, notes = result.stdout.partition("\n\n")
    lines = notes.splitlines()
    assert lines[0] == ("[1] f(−∞) = NaN, f′(−∞) = NaN, f′(∞) = NaN (relucli: the limits 0, 0, 1)")
    assert [line.split("]")[0] for line in lines] == [f"[{i}" for i in range(1, len(lines) + 1)]
    cited = {
        int(m)
        for row in table.splitlines()[2:]
        for m in row.split("  ")[-1].split(", ")
        if m.strip().isdigit()
    }
    assert cited == set(range(1, len(lines) + 1))


def _measured_entry(variant, fw: str, params: dict):
    """The reference entry that measured ``variant`` at ``params`` (the framework's defaults)."""
    for f, key, v, entry in ENTRIES:
        if f != fw or v is not variant:
            continue
        act = _activation(fw, key, entry)
        if act.params == params:
            return entry
    return None


def test_frameworks_table_shows_the_measured_kinks_and_limits(run):
    rows = json.loads(run("frameworks", "all", "--format", "json").stdout)
    checked = 0
    for row in rows:
        variant = REGISTRY.variants[row["variant"]]
        fw = row["framework"]
        entry = _measured_entry(variant, fw, variant.defaults(fw))
        if entry is None:
            continue
        points = _points(entry, "float64") or _points(entry, "float32")
        for col, x, i in (("f(−∞)", -math.inf, 0), ("f′(−∞)", -math.inf, 1)):
            assert _same(float(row[col]), points[x][i], 1e-5), (row, col)
        for col, x, i in (("f(∞)", math.inf, 0), ("f′(∞)", math.inf, 1)):
            assert _same(float(row[col]), points[x][i], 1e-5), (row, col)
        for cell in filter(None, row["f′ at kinks"].split("; ")):
            at, _, rest = cell.partition(") = ")
            k, g = float(at.removeprefix("f′(")), float(Fraction(rest.split(" ")[0]))
            assert _same(g, points[k][1], 1e-5), (row, cell)
        checked += 1
    assert checked >= 100


def test_frameworks_takes_names_only(run):
    result = run("frameworks", "leaky:0.1")
    assert result.exit_code == 2
    assert "frameworks takes variant names, got 'leaky:0.1'" in result.stderr


def test_completion_offers_frameworks_after_at():
    from relucli.cli.options import complete_specs

    def words(text: str) -> list[str]:
        return [c.value for c in complete_specs(None, None, text)]

    assert words("leaky@k") == ["leaky@keras-tf", "leaky@keras-jax", "leaky@keras-torch"]
    assert words("rrelu@") == ["rrelu@torch"]
    assert words("leaky@keras-tf.") == ["leaky@keras-tf.layer"]
    assert words("gelu@jax.") == []
    assert words("leaky@tf:") == ["leaky@tf:negative_slope="]
    assert words("nope@") == []


def test_learned_slopes_follow_the_framework_kink_rule_per_neuron():
    from relucli.lab.nn import Network

    layers = [(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))]
    z = np.array([[0.0, 0.0, -1.0], [1.0, 0.0, 0.0]])
    expected = {
        "prelu@mlx": [[1.1, 1.2, 0.3], [1.0, 1.2, 1.3]],
        "prelu@flax": [[1.0, 1.0, 0.3], [1.0, 1.0, 1.0]],
        "prelu@keras-tf": [[0.1, 0.2, 0.3], [1.0, 0.2, 0.3]],
        "prelu": [[0.1, 0.2, 0.3], [1.0, 0.2, 0.3]],
    }
    for spec, grad in expected.items():
        net = Network(layers, relucli.get(spec))
        net.prelu_slopes[0][...] = [0.1, 0.2, 0.3]
        assert net.activate(z, 0)[1].tolist() == grad, spec


@pytest.mark.parametrize("variant", list(REGISTRY.variants.values()), ids=lambda v: v.name)
def test_every_recorded_form_is_a_measured_spelling(variant):
    for fw, facts in variant.frameworks.items():
        measured = {
            name
            for f, _, v, entry in ENTRIES
            if f == fw and v is variant
            for name in entry["defaults"]
        }
        for form in facts.forms:
            assert any(_form(name) == form for name in measured), (fw, form)


def test_kink_differences_name_the_value_and_the_side_at_the_frameworks_defaults():
    from relucli.frameworks import kink_differences

    v = REGISTRY.variants
    assert kink_differences(v["celu"], "keras-tf") == "f′(0) = 2 (sum of both sides)"
    assert kink_differences(v["celu"], "mlx") == "f′(0) = 0"
    assert kink_differences(v["prelu"], "mlx") == "f′(0) = 1.25 (sum of both sides)"
    assert kink_differences(v["hardsigmoid"], "tf-keras") == (
        "f′(-2.5) = 0.2 (right branch) and f′(2.5) = 0.2 (left branch)"
    )
    assert kink_differences(v["leaky_relu"], "tf") == ""  # the slope, as relucli
    assert kink_differences(v["rrelu"], "mlx") == ""  # mlx has no rrelu
