"""`relucli depth`: the issue's claims with fixed seeds, the mean-field map against closed
forms, the table and summary, the figure, and every error with its exit code."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

import relucli
from relucli.cli.commands.depth import shown_layers
from relucli.lab.depth import (
    DEFAULT_VARIANTS,
    DepthConfig,
    fixed_point,
    init_for,
    mean_field,
    moments,
    run,
    variance_map,
)

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def acts(*specs: str):
    return [relucli.get(s) for s in specs]


def ndtr(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))


@pytest.fixture(scope="module")
def default_run():
    """The default run: five variants, width 512, one network, seed 0."""
    return run(acts(*DEFAULT_VARIANTS), DepthConfig())


@pytest.fixture(scope="module")
def wide_ensemble():
    """Width 1024 with every input on its own network: the mean-field comparison."""
    return run(acts(*DEFAULT_VARIANTS), DepthConfig(width=1024, ensemble=True))


def by_name(result, name):
    return next(v for v in result.variants if v.act.name == name)


# ------------------------------------------------------------------ the claims


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_selu_with_lecun_init_keeps_mean_0_and_std_1_at_layer_50(seed):
    (selu,) = run(acts("selu"), DepthConfig(seed=seed)).variants
    assert selu.setup.init_text == "lecun"
    assert abs(selu.sim.mean[49]) < 0.1
    assert abs(selu.sim.std[49] - 1) < 0.1


def test_selu_in_the_default_run(default_run):
    selu = by_name(default_run, "selu")
    assert abs(selu.sim.mean[-1]) < 0.1 and abs(selu.sim.std[-1] - 1) < 0.1


@pytest.fixture(scope="module")
def wide_networks():
    """relu and selu at width 1024, one network each, seeds 0 and 1."""
    return [run(acts("relu", "selu"), DepthConfig(width=1024, seed=s)) for s in (0, 1)]


@pytest.mark.slow
def test_relu_with_he_init_keeps_std_within_a_factor_2_at_layer_50(wide_networks):
    # Width 1024: one network's log-variance random-walks with spread sqrt(5 l / width), so
    # at width 512 about one seed in 50 leaves the factor 2 (see the README).
    for result in wide_networks:
        relu = by_name(result, "relu")
        assert relu.setup.init_text == "he"
        assert 0.5 < relu.sim.std[49] / relu.sim.std[0] < 2


def test_relu_with_he_init_in_the_default_run(default_run):
    relu = by_name(default_run, "relu")
    assert 0.5 < relu.sim.std[49] / relu.sim.std[0] < 2


@pytest.mark.slow
def test_relu_with_xavier_init_shrinks_more_than_10x_by_layer_50():
    (relu,) = run(acts("relu"), DepthConfig(init="xavier")).variants
    ratio = relu.sim.std[49] / relu.sim.std[0]
    assert ratio < 0.1
    # Each layer halves q, so the std shrinks by sqrt(2)^49 = 2^24.5 in theory.
    assert relu.theory.std[49] / relu.theory.std[0] == pytest.approx(2**-24.5, rel=1e-9)


@pytest.mark.slow
def test_relu_with_twice_he_std_explodes_by_more_than_a_million():
    twice_he = 2 * math.sqrt(2 / 512)  # 0.125
    (relu,) = run(acts("relu"), DepthConfig(init=f"normal:{twice_he!r}")).variants
    assert relu.setup.sigma_w2 == pytest.approx(8)
    assert relu.sim.std[49] / relu.sim.std[0] > 1e6
    assert relu.sim.overflow is None  # 2^49 is far from float32's limit
    assert relu.fixed.fate == "→ inf, ×4/layer"


@pytest.mark.slow
def test_theory_and_simulation_agree_within_10pc_over_the_first_10_layers(wide_ensemble):
    for v in wide_ensemble.variants:
        assert v.q_error(10) < 0.1, v.act.spec


@pytest.mark.slow
def test_selu_agrees_with_theory_at_every_layer(wide_ensemble):
    selu = by_name(wide_ensemble, "selu")
    assert selu.fixed.fate == "fixed, attracting"
    assert selu.q_error() < 0.1


@pytest.mark.slow
def test_selu_agrees_at_every_layer_in_one_network_too(wide_networks):
    for result in wide_networks:
        assert by_name(result, "selu").q_error() < 0.1


def test_the_ensemble_averages_like_independent_networks():
    # At width 256 one ReLU network's q wanders by ~sqrt(5 * 10 / 256) = 44% by layer 10,
    # and its inputs wander together; 512 inputs with their own sign-flipped networks
    # average that down to a few per cent (20 seeds: one network 12% to 108% off,
    # the ensemble 6.7% at worst).
    config = DepthConfig(layers=10, width=256, batch=512, ensemble=True)
    (ensemble,) = run(acts("relu"), config).variants
    (one,) = run(acts("relu"), replace(config, ensemble=False)).variants
    assert ensemble.q_error() < 0.1 < one.q_error()


def test_same_seed_same_numbers():
    config = DepthConfig(layers=6, width=32, batch=8, seed=7, bias_std=0.1, ensemble=True)
    first = run(acts("relu", "selu"), config)
    second = run(acts("relu", "selu"), config)
    for a, b in zip(first.variants, second.variants):
        for field in ("mean", "std", "q", "zero_grad", "grad"):
            assert np.array_equal(getattr(a.sim, field), getattr(b.sim, field))
    other = run(acts("relu", "selu"), DepthConfig(layers=6, width=32, batch=8, seed=8))
    assert not np.array_equal(first.variants[0].sim.q, other.variants[0].sim.q)


def test_backward_pass_redraws_the_same_weights_when_they_are_not_kept(monkeypatch):
    import relucli.lab.depth as lab

    config = DepthConfig(layers=5, width=32, batch=4, ensemble=True, bias_std=0.2)
    kept = run(acts("relu", "tanh"), config)
    monkeypatch.setattr(lab, "_WEIGHT_CACHE_BYTES", 0)
    redrawn = run(acts("relu", "tanh"), config)
    for a, b in zip(kept.variants, redrawn.variants):
        assert np.array_equal(a.sim.grad, b.sim.grad)
        assert np.array_equal(a.sim.q, b.sim.q)


def test_every_variant_sees_the_same_weights():
    # relu is positively homogeneous: scaling the weights scales every h_l by the same
    # factor per layer, so q / q_theory is the same under he and xavier.
    he = run(acts("relu"), DepthConfig(layers=8, width=64)).variants[0]
    xavier = run(acts("relu"), DepthConfig(layers=8, width=64, init="xavier")).variants[0]
    np.testing.assert_allclose(he.sim.q / he.theory.q, xavier.sim.q / xavier.theory.q, rtol=1e-5)


def test_zero_gradient_share_is_half_for_relu_and_none_for_the_others(default_run):
    for v in default_run.variants:
        expected = 0.5 if v.act.name == "relu" else 0.0
        assert abs(v.sim.zero_grad.mean() - expected) < 0.02, v.act.spec
        assert np.all(np.abs(v.sim.zero_grad - expected) < 0.1), v.act.spec
        assert np.all(v.theory.zero_grad == expected)


def test_gradient_norm_is_one_at_the_last_layer(default_run):
    for v in default_run.variants:
        assert v.sim.grad[-1] == 1.0
        assert v.theory.grad[-1] == 1.0


# ---------------------------------------------------------------- the mean-field theory


def test_variance_map_of_relu_is_half_the_variance_times_sigma_w2():
    relu = relucli.get("relu")
    for q in (1e-6, 0.3, 2.0, 1e8):
        assert variance_map(relu, 2.0, 0.0, q) == pytest.approx(q, rel=1e-13)
        assert variance_map(relu, 1.0, 0.25, q) == pytest.approx(q / 2 + 0.25, rel=1e-13)


def test_moments_of_selu_at_q_1_are_mean_0_and_variance_1():
    m = moments(relucli.get("selu"), 1.0)
    assert abs(m.mean) < 1e-15
    assert m.second == pytest.approx(1.0, abs=1e-12)
    # E[selu'(z)^2] = scale^2 (1/2 + alpha^2 e^2 Phi(-2)): the gradient factor chi at q* = 1.
    chi = SELU_SCALE**2 * (0.5 + SELU_ALPHA**2 * math.exp(2) * ndtr(-2))
    assert m.grad_sq == pytest.approx(chi, rel=1e-12)


def test_mean_field_relu_xavier_halves_q_every_layer():
    theory = mean_field(relucli.get("relu"), 1.0, 0.0, 50)
    np.testing.assert_allclose(theory.q, 0.5 ** np.arange(50), rtol=1e-12)
    np.testing.assert_allclose(theory.grad, np.sqrt(0.5) ** np.arange(49, -1, -1), rtol=1e-12)
    assert np.all(theory.zero_grad == 0.5)


def test_mean_field_leaky_relu_with_plain_he_grows_by_1_0001_per_layer():
    # He's sigma_w^2 = 2 ignores the leak: E[leaky(z)^2] = (1 + 0.01^2) / 2.
    theory = mean_field(relucli.get("leaky_relu"), 2.0, 0.0, 50)
    np.testing.assert_allclose(theory.q, 2 * 1.0001 ** np.arange(50), rtol=1e-12)


def test_fixed_points():
    selu = fixed_point(relucli.get("selu"), 1.0, 0.0)
    assert selu.q == pytest.approx(1.0, rel=1e-9)
    assert abs(selu.mean) < 1e-9 and selu.std == pytest.approx(1.0, rel=1e-9)
    assert 0 < selu.slope < 1 and selu.fate == "fixed, attracting"

    relu = fixed_point(relucli.get("relu"), 2.0, 0.0)
    assert (relu.q, relu.slope, relu.chi) == (pytest.approx(2.0), pytest.approx(1.0), 1.0)
    assert relu.fate == "every q is fixed"

    vanishing = fixed_point(relucli.get("relu"), 1.0, 0.0)
    assert (vanishing.q, vanishing.mean, vanishing.std) == (0.0, 0.0, 0.0)
    assert vanishing.fate == "→ 0, ×0.5/layer"

    # With bias, q* = sigma_b^2 / (1 - sigma_w^2 / 2) for relu.
    biased = fixed_point(relucli.get("relu"), 1.0, 0.01)
    assert biased.q == pytest.approx(0.02, rel=1e-12) and biased.fate == "fixed, attracting"

    assert fixed_point(relucli.get("tanh"), 1.0, 0.0).fate == "→ 0, sub-geometric"
    assert fixed_point(relucli.get("elu"), 2.0, 0.0).fate == "→ inf, sub-geometric"
    assert fixed_point(relucli.get("leaky_relu"), 2.0, 0.0).fate == "→ inf, ×1.0001/layer"
    # Gaps below the quadrature's rounding are not signs: relu6 and softplus with he drift
    # (imperceptibly) without a fixed point, and relu6 with a huge init saturates at one.
    assert fixed_point(relucli.get("relu6"), 2.0, 0.0).fate == "→ 0, sub-geometric"
    assert fixed_point(relucli.get("softplus"), 2.0, 0.0).fate == "→ inf, sub-geometric"
    capped = fixed_point(relucli.get("relu6"), 64.0, 0.0)
    assert capped.fate == "fixed, attracting"
    assert capped.q == pytest.approx(variance_map(relucli.get("relu6"), 64.0, 0.0, capped.q))


def test_auto_init_is_each_variants_customary_one():
    chosen = {a.name: init_for(a, "auto").text for a in acts("relu", "elu", "selu", "tanh")}
    assert chosen == {"relu": "he", "elu": "he", "selu": "lecun", "tanh": "xavier"}
    assert init_for(relucli.get("sigmoid"), "auto").text == "xavier"
    assert init_for(relucli.get("selu"), "he").text == "he"


def test_shown_layers():
    assert shown_layers(50, 10) == [1, 10, 20, 30, 40, 50]
    assert shown_layers(7, 3) == [1, 3, 6, 7]
    assert shown_layers(1, 10) == [1]


# ---------------------------------------------------------------------- the command line

SMALL = ("relu", "selu", "--layers", "4", "--width", "16", "--batch", "8", "--every", "2")
SMALL_TABLE = (
    "variant      layer      mean     std    zero grad    grad norm      q    q theory"
    "    grad theory\n"
    "---------  -------  --------  ------  -----------  -----------  -----  ----------"
    "  -------------\n"
    "relu             1    0.5574  0.8777       0.5312       0.8983  2.127           2"
    "              1\n"
    "relu             2    0.4212  0.7877       0.6172        1.034  2.059           2"
    "              1\n"
    "relu             4    0.6975   1.217       0.5156            1  4.683           2"
    "              1\n"
    "selu             1  -0.03944   1.035            0        0.966  1.064           1"
    "          1.109\n"
    "selu             2   -0.1842   1.064            0       0.9786  1.136           1"
    "          1.072\n"
    "selu             4      0.13   1.086            0            1  1.378           1"
    "              1\n"
    "\n"
    "variant    init      σ_w²    q*    mean     std    slope      χ  fate of q         "
    "   q err l≤10    q err all\n"
    "---------  ------  ------  ----  ------  ------  -------  -----  -----------------  "
    "------------  -----------\n"
    "relu       he           2     2  0.5642  0.8256        1      1  every q is fixed  "
    "        1.342        1.342\n"
    "selu       lecun        1     1       0       1   0.7826  1.072  fixed, attracting "
    "       0.7666       0.7666\n"
)


def test_table_and_summary_exact(run):
    result = run("depth", *SMALL)
    assert result.exit_code == 0
    assert result.stdout == SMALL_TABLE
    assert result.stderr == ""


def test_csv_is_the_layer_table_only(run):
    result = run("depth", *SMALL, "--format", "csv")
    lines = result.stdout.splitlines()
    assert lines[0] == "variant,layer,mean,std,zero grad,grad norm,q,q theory,grad theory"
    assert [line.split(",")[:2] for line in lines[1:]] == [
        [v, str(layer)] for v in ("relu", "selu") for layer in (1, 2, 4)
    ]
    assert lines[1].split(",")[7] == "2.0"


def test_summary_json(run):
    result = run("depth", *SMALL, "--summary", "--format", "json")
    records = json.loads(result.stdout)
    assert [r["variant"] for r in records] == ["relu", "selu"]
    assert records[0]["fate of q"] == "every q is fixed"
    assert records[1]["q*"] == pytest.approx(1.0) and records[1]["init"] == "lecun"


def test_overflow_is_reported_not_hidden(run):
    result = run(
        "depth", "relu", "--layers", "60", "--width", "64", "--init", "normal:1", "--every", "20"
    )
    assert result.exit_code == 0
    assert result.stderr == "note: relu overflowed float32 at layer 52; deeper layers show inf\n"
    rows = [line.split() for line in result.stdout.splitlines()[2:6]]
    assert [r[1] for r in rows] == ["1", "20", "40", "60"]
    assert rows[3][2:4] == ["inf", "inf"]  # std and q; mean and gradients are blank
    assert "→ inf, ×32/layer" in result.stdout


def test_figure_is_written(run, tmp_path):
    from PIL import Image

    path = tmp_path / "figs" / "depth.png"
    result = run("depth", "relu", "selu", "--layers", "5", "--width", "32", "-o", str(path))
    assert result.exit_code == 0
    assert result.stderr == f"wrote {path}\n"
    with Image.open(path) as image:
        assert image.size == (1920, 1080)
        colors = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colors) > 100  # not blank


def test_figure_svg_has_a_line_per_variant_and_theory(run, tmp_path):
    path = tmp_path / "depth.svg"
    result = run("depth", "relu", "tanh", "--layers", "5", "--width", "32", "-o", str(path))
    assert result.exit_code == 0
    svg = path.read_text()
    assert svg.count("relu · he") >= 1 and svg.count("tanh · xavier") >= 1
    assert "mean-field theory" in svg


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (
            ["--init", "bogus"],
            "Error: unknown init 'bogus' (valid: auto, he, xavier, lecun, normal:STD)\n",
            2,
        ),
        (
            ["--init", "normal:-1"],
            "Error: --init normal:STD needs a finite STD > 0, got '-1'\n",
            2,
        ),
        (
            ["--bias-std", "-1"],
            "Error: invalid value for '--bias-std': -1 is not in the range 0<=x<=1e+06.\n",
            2,
        ),
        (
            ["--layers", "0"],
            "Error: invalid value for '--layers': 0 is not in the range 1<=x<=10000.\n",
            2,
        ),
        (
            ["--width", "8192", "--batch", "100000"],
            "Error: this run needs about 827 GiB of memory, over the budget of 2.0 GiB; what"
            " fits: --batch 205 or --width 19 (or raise --memory-budget /"
            " RELUCLI_MEMORY_BUDGET)\n",
            2,
        ),
        (
            ["--seed", "-3"],
            "Error: invalid value for '--seed': -3 is not in the range x>=0.\n",
            2,
        ),
        (
            ["-o", "figure.jpg"],
            "Error: cannot tell the figure format of 'figure.jpg' from '.jpg' (use png, svg,"
            " pdf)\n",
            2,
        ),
    ],
)
def test_usage_errors(run, args, message, code):
    result = run("depth", *args)
    assert result.exit_code == code
    assert result.stderr == message
    assert result.stdout == ""


def test_unwritable_figure_is_a_runtime_error_and_leaves_nothing(run, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    target = blocker / "depth.png"
    result = run("depth", "relu", "--layers", "2", "--width", "8", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write '{target}': Not a directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_importing_the_command_does_not_import_matplotlib():
    code = "import sys, relucli.cli, relucli.cli.commands.depth; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
