"""The registry: every variant has its test row, specs parse, aliases and groups resolve,
and bad specs are one-line usage errors naming the valid choices (derived, never typed)."""

from __future__ import annotations

import math

import cases
import pytest

import relucli
from relucli.registry import Interval, Param, Registry, SpecError, Variant, normalize
from relucli.variants import GROUPS, REGISTRY, SEED, VARIANTS

# ------------------------------------------------------------ one test row per variant


def test_every_variant_has_exactly_one_row_in_cases():
    rows = [c.name for c in cases.CASES]
    assert len(rows) == len(set(rows)), "a variant has two rows in tests/cases.py"
    missing = [n for n in REGISTRY.names() if n not in rows]
    unknown = [n for n in rows if n not in REGISTRY.names()]
    assert not missing, f"no row in tests/cases.py for: {', '.join(missing)}"
    assert not unknown, f"rows in tests/cases.py name no variant: {', '.join(unknown)}"


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.name)
def test_row_specs_parse_and_belong_to_their_variant(case):
    for spec in (*case.specs, *case.kernel_specs, *case.references, *dict(case.param_grads)):
        assert relucli.get(spec).name == case.name, spec


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.name)
def test_torch_name_is_the_records(case):
    record = REGISTRY.variants[case.name].torch
    assert (record or cases.NOT_IN_TORCH) == case.torch


# ------------------------------------------------------------------------ records


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_records_are_complete_and_consistent(variant):
    p = variant.defaults()
    for fact in ("range", "grad_range"):
        assert isinstance(variant.fact(fact, p), Interval)
    assert all(isinstance(z, Interval) for z in variant.fact("dead_zones", p))
    assert variant.fact("continuity", p) in ("discontinuous", "C0", "C1", "C∞")
    assert isinstance(variant.fact("monotonic", p), bool)
    assert variant.init in ("he", "xavier", "lecun")
    assert not variant.learnable or variant.learnable in p
    assert variant.band is None or set(variant.band) <= set(p)
    # A kink rule for every variant with kinks; none for the smooth ones.
    assert bool(variant.kink_rule) == (variant.fact("continuity", p) != "C∞")
    variant.check(p)  # the defaults are valid


def test_facts_may_be_constants_or_functions_of_the_parameters():
    relu = REGISTRY.variants["relu"]
    assert relu.fact("range", {}) == Interval(0.0, math.inf)
    elu = REGISTRY.variants["elu"]
    assert elu.fact("range", {"alpha": 0.5}) == Interval(-0.5, math.inf, lo_open=True)


def test_interval():
    assert Interval(0.0, 6.0).bounded and not Interval(0.0, math.inf).bounded
    assert Interval(-1.0, 1.0, True, False).open_ends == (True, False)
    assert Interval(-1.0, 1.0).ends == (-1.0, 1.0)


def test_training_learning_and_init_facts_come_from_the_records():
    stochastic = [v.name for v in VARIANTS if v.stochastic]
    for name in REGISTRY.names():
        assert relucli.get(name, train=True).train == (name in stochastic)
    learnable = {v.name: v.learnable for v in VARIANTS if v.learnable}
    for name, param in learnable.items():
        assert param in relucli.get(name).params


# --------------------------------------------------------------------------- specs


@pytest.mark.parametrize(
    ("spec", "name", "params"),
    [
        ("Leaky-ReLU", "leaky_relu", {"negative_slope": 0.01}),
        ("LEAKY:1/8", "leaky_relu", {"negative_slope": 0.125}),
        ("leaky_relu:slope=0.2", "leaky_relu", {"negative_slope": 0.2}),
        ("swish", "swish", {"beta": 1.0}),
        ("hard_tanh:min_val=-2", "hardtanh", {"min_val": -2.0, "max_val": 1.0}),
        ("hardtanh:-2,max_val=3", "hardtanh", {"min_val": -2.0, "max_val": 3.0}),
        ("gelu:approximate=TANH", "gelu", {"approximate": "tanh"}),
        (" elu : alpha = 0.5 ", "elu", {"alpha": 0.5}),
    ],
)
def test_specs_parse_names_aliases_and_values(spec, name, params):
    variant, parsed = REGISTRY.parse(spec)
    assert variant.name == name
    assert {k: parsed[k] for k in params} == params


def test_every_alias_resolves_to_its_variant():
    for v in VARIANTS:
        for alias in (v.name, *v.aliases):
            assert REGISTRY.lookup(alias.upper().replace("_", "-")) is v


def test_unknown_names_list_the_valid_choices_and_suggest_one():
    valid = f"(valid: {', '.join(REGISTRY.names())}; groups: {', '.join(REGISTRY.group_names())})"
    with pytest.raises(SpecError) as err:
        REGISTRY.parse("hardtanhh")
    assert str(err.value) == f"unknown variant 'hardtanhh'; did you mean 'hardtanh'? {valid}"
    with pytest.raises(SpecError) as err:
        REGISTRY.parse("zzz")
    assert str(err.value) == f"unknown variant 'zzz' {valid}"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("hardtanh:min_val=1", "hardtanh: min_val must be < max_val, got min_val=1 >= max_val=1"),
        ("hardtanh:max_val=inf", "hardtanh: max_val must be a finite number, got inf"),
        ("hardtanh:lo=1", "unknown parameter 'lo' for hardtanh (valid: min_val, max_val)"),
        ("hardtanh:1,2", "hardtanh: write later parameters as NAME=VALUE, got '2'"),
        ("sigmoid:1", "sigmoid takes no parameters, got 'sigmoid:1'"),
    ],
)
def test_bad_specs_are_spec_errors(spec, message):
    with pytest.raises(SpecError) as err:
        REGISTRY.parse(spec)
    assert str(err.value) == message


# -------------------------------------------------------------------------- groups


def test_groups_are_derived_from_the_records():
    assert REGISTRY.group_names() == list(GROUPS)
    assert REGISTRY.group("seed") == list(SEED)
    assert REGISTRY.group("all") == REGISTRY.names() == [v.name for v in VARIANTS]
    # C∞, or smooth but for an implementation's switch away from any kink (softplus jumps
    # by 2e-9 where PyTorch returns x above threshold/beta): the group is for the mathematics.
    smooth = [
        v.name
        for v in VARIANTS
        if v.fact("continuity", v.defaults()) == "C∞"
        or (v.fact("jumps", v.defaults()) and not v.fact("kinks", v.defaults()))
    ]
    assert "softplus" in smooth
    assert REGISTRY.group("smooth") == smooth
    bounded = [v.name for v in VARIANTS if v.fact("range", v.defaults()).bounded]
    assert REGISTRY.group("bounded") == bounded
    assert REGISTRY.expand([]) == list(SEED)
    assert REGISTRY.expand(["relu", "Bounded"]) == ["relu", *bounded]


def test_a_clash_in_the_catalogue_fails_at_construction():
    relu = REGISTRY.variants["relu"]
    with pytest.raises(ValueError, match="two records named relu"):
        Registry([relu, relu], {})
    twin = Variant(**{**relu.__dict__, "name": "twin", "aliases": ("relu",)})
    with pytest.raises(ValueError, match="alias relu names both relu and twin"):
        Registry([relu, twin], {})


def test_param_ranges_and_names():
    p = Param("beta", 1.0, "sharpness", low=0.0, low_open=True)
    assert p.range_text() == "> 0" and p.accepts(0.5) and not p.accepts(0.0)
    assert normalize(" Leaky-ReLU ") == "leaky_relu"
