"""The dying-ReLU lab: the source's claims with fixed seeds, the definitions of dead and
inactive, the training loop's gradients, bit-for-bit reproducibility, and the command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import relucli
from relucli.lab.data import DATASETS, Dataset, make_dataset
from relucli.lab.dying import (
    DEFAULT_VARIANTS,
    SCENARIOS,
    DyingConfig,
    VariantRun,
    batch_order,
    census,
    run_dying,
    scenario_config,
)
from relucli.lab.init import init_layers, init_std, parse_init
from relucli.lab.nn import Network, Optimizer, loss_and_grad
from relucli.registry import SpecError

ACTS = [relucli.get(s) for s in DEFAULT_VARIANTS]


@pytest.fixture(scope="module")
def scenario():
    """Each preset trained once per test module (about 2.5 s each), by name."""
    cache = {}

    def get(name: str):
        if name not in cache:
            cache[name] = {r.spec: r for r in run_dying(scenario_config(name), ACTS).runs}
        return cache[name]

    return get


# --------------------------------------------------------------------- the source's claims


@pytest.mark.parametrize("name", ["high-lr", "negative-bias"])
def test_relu_dies_and_the_variants_survive(scenario, name):
    runs = scenario(name)
    assert runs["relu"].dead_pct() > 50
    assert runs["leaky_relu"].dead_pct() == 0
    assert runs["prelu"].dead_pct() == 0
    assert runs["elu"].dead_pct() < 10
    assert runs["selu"].dead_pct() < 10
    # "Clearly worse": at least twice every other variant's loss.
    relu_loss = runs["relu"].final_loss
    for spec in ("leaky_relu", "prelu", "elu", "selu"):
        assert relu_loss > 2 * runs[spec].final_loss, spec


def test_the_seed_0_numbers_the_readme_shows(scenario):
    high, negative = scenario("high-lr"), scenario("negative-bias")
    assert round(high["relu"].dead_pct(), 4) == 57.8125  # 37 of 64 neurons
    assert round(negative["relu"].dead_pct(), 4) == 85.9375  # 55 of 64
    # ReLU with 86% dead predicts the mean: the loss of a constant, 1 (standardized target).
    assert negative["relu"].final_loss == pytest.approx(1.0, abs=1e-3)
    assert high["relu"].dead_pct_layers() == [25.0, 90.625]


def test_a_lower_learning_rate_lowers_relus_dead_share(scenario):
    high, remedy = scenario("high-lr")["relu"], scenario("remedy-lr")["relu"]
    assert remedy.dead_pct() < 10 < 50 < high.dead_pct()
    assert remedy.final_loss < high.final_loss / 10


def test_a_bias_of_001_lowers_relus_dead_share(scenario):
    negative, remedy = scenario("negative-bias")["relu"], scenario("remedy-bias")["relu"]
    assert remedy.dead_pct() < 10 < 50 < negative.dead_pct()
    assert remedy.final_loss < negative.final_loss / 10


def test_relu_is_dead_exactly_when_inactive_and_dead_neurons_never_come_back(scenario):
    relu = scenario("negative-bias")["relu"]
    assert np.array_equal(relu.dead, relu.inactive)  # relu'(z) = 0 exactly when z <= 0
    # A first-layer neuron dead from the start never had a gradient, so no momentum either,
    # and its inputs never change: it stays dead for good.
    first = relu.layer_of == 0
    dead_at_start = relu.dead[0] & first
    assert dead_at_start.any() and relu.dead[:, dead_at_start].all()


def test_leaky_neurons_go_inactive_yet_revive(scenario):
    leaky = scenario("negative-bias")["leaky_relu"]
    assert leaky.inactive_pct() > 50 and leaky.dead_pct() == 0
    assert leaky.revived > 0


def test_prelu_learns_its_slopes(scenario):
    prelu = scenario("high-lr")["prelu"]
    slopes = np.concatenate(prelu.prelu_slopes)
    assert slopes.shape == (64,)
    assert np.all(slopes != 0.25)  # every neuron moved away from PyTorch's initial 0.25
    assert scenario("high-lr")["relu"].prelu_slopes is None


# ------------------------------------------------------------------ dead versus inactive


def _one_layer(act: str, bias: float, w: float = 1.0) -> tuple[Network, Dataset]:
    x = np.linspace(-1, 1, 21)[:, None]
    data = Dataset("wave", x, np.zeros((21, 1)), classes=0)
    layers = [(np.array([[w, w]]), np.array([bias, 0.5])), (np.ones((2, 1)), np.zeros(1))]
    return Network(layers, relucli.get(act)), data


@pytest.mark.parametrize(
    ("act", "bias", "dead", "inactive"),
    [
        ("relu", -5.0, True, True),  # z <= -4 everywhere: f' = 0, stuck
        ("relu", 0.5, False, False),
        ("leaky_relu", -5.0, False, True),  # never fires, but f' = 0.01: alive
        ("prelu", -5.0, False, True),
        ("elu", -30.0, False, True),  # f' = e^z ~ 1e-13: tiny, not zero
        ("elu", -800.0, True, True),  # e^z underflows to 0: counted as dead
        ("selu", -800.0, True, True),
    ],
)
def test_census_tells_dead_from_inactive(act, bias, dead, inactive):
    net, data = _one_layer(act, bias)
    seen = census(net, data)
    assert seen.dead.tolist() == [dead, False]
    assert seen.inactive.tolist() == [inactive, False]


def test_firing_rate_is_the_share_of_samples_with_positive_z():
    # z = x and x + 0.5 on 21 points from -1 to 1: 10 and 15 of them positive.
    net, data = _one_layer("relu", 0.0)
    assert census(net, data).rate.tolist() == [10 / 21, 15 / 21]


def test_revived_counts_neurons_inactive_earlier_that_fire_at_the_end():
    inactive = np.array([[True, True, False], [False, True, True], [False, True, False]])
    run = VariantRun(
        spec="leaky_relu",
        steps=np.arange(3),
        loss=np.ones(3),
        accuracy=None,
        dead=np.zeros((3, 3), bool),
        inactive=inactive,
        rate=np.zeros(3),
        layer_of=np.array([0, 0, 1]),
        prelu_slopes=None,
    )
    assert run.revived_units.tolist() == [True, False, True]
    assert run.revived == 2 and run.revived_layers() == [1, 1]
    assert run.inactive_pct_layers() == [50.0, 0.0]


# -------------------------------------------------------------------- the training loop


@pytest.mark.parametrize("spec", ["relu", "leaky_relu", "prelu", "elu", "selu", "gelu"])
@pytest.mark.parametrize("data_name", ["wave", "spirals"])
def test_backward_matches_central_differences(spec, data_name):
    rng = np.random.default_rng(1)
    data = make_dataset(data_name, 16, rng)
    layers = init_layers(rng, [data.inputs, 5, 4, data.outputs], "he", bias=0.1)
    net = Network(layers, relucli.get(spec))
    if net.learns_slope:
        net.prelu_slopes[0][...] = rng.uniform(-0.5, 0.5, 5)

    def loss() -> float:
        return loss_and_grad(net.forward(data.x).out, data.y, data.classes)[0]

    fwd = net.forward(data.x)
    net.backward(fwd, loss_and_grad(fwd.out, data.y, data.classes)[1])
    analytic = net.grads.copy()
    numeric = np.empty_like(analytic)
    h = 1e-6
    for i in range(net.params.size):  # a loop over 60-odd parameters, in a test only
        keep = net.params[i]
        net.params[i] = keep + h
        up = loss()
        net.params[i] = keep - h
        numeric[i] = (up - loss()) / (2 * h)
        net.params[i] = keep
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


def test_adams_first_step_moves_every_parameter_by_the_learning_rate():
    params = np.array([1.0, 2.0, 3.0])
    opt = Optimizer("adam", params, 0.1)
    opt.step(np.array([0.5, -2.0, 1e-3]))
    np.testing.assert_allclose(params, [0.9, 2.1, 2.9], rtol=0, atol=1e-6)


def test_sgd_and_momentum_steps():
    params = np.array([1.0])
    sgd = Optimizer("sgd", params, 0.5)
    sgd.step(np.array([2.0]))
    assert params.tolist() == [0.0]
    params = np.array([0.0])
    momentum = Optimizer("momentum", params, 1.0)
    momentum.step(np.array([1.0]))
    momentum.step(np.array([1.0]))
    assert params.tolist() == [-(1.0 + 1.9)]  # buffers 1, then 0.9 * 1 + 1


def test_batches_cover_each_epoch_without_repeats():
    order = batch_order(10, 3, 7, np.random.default_rng(0))
    assert order.shape == (7, 3)
    for epoch in (order[0:3], order[3:6]):
        assert len(set(epoch.ravel().tolist())) == 9
    assert batch_order(4, 8, 2, np.random.default_rng(0)).tolist() == [[0, 1, 2, 3]] * 2


def test_every_variant_gets_the_same_start():
    result = run_dying(DyingConfig(steps=1, every=1), [relucli.get("relu"), relucli.get("elu")])
    relu, elu = result.runs
    # The same weights and data: before any step the first layer's z is the same array for
    # both, so the same neurons fire (deeper layers see different activations).
    first = relu.layer_of == 0
    assert np.array_equal(relu.inactive[0][first], elu.inactive[0][first])
    assert relu.loss[0] != elu.loss[0]


def test_same_seed_same_numbers_bit_for_bit():
    config = DyingConfig(steps=60, every=20, lr=0.15)
    first, again = run_dying(config, ACTS), run_dying(config, ACTS)
    for a, b in zip(first.runs, again.runs):
        for field in ("loss", "dead", "inactive", "rate", "steps"):
            assert np.array_equal(getattr(a, field), getattr(b, field)), (a.spec, field)
        assert a.loss.tobytes() == b.loss.tobytes()
    other = run_dying(DyingConfig(steps=60, every=20, lr=0.15, seed=1), ACTS)
    assert not np.array_equal(first.runs[0].loss, other.runs[0].loss)


def test_progress_reports_every_step_once_even_when_a_run_diverges():
    seen = []
    config = DyingConfig(steps=50, every=7, optimizer="sgd", lr=1e6)
    result = run_dying(config, [relucli.get("relu"), relucli.get("selu")], progress=seen.append)
    assert sum(seen) == 100
    assert any(run.diverged_at is not None for run in result.runs)


# ---------------------------------------------------------------- data, init, scenarios


def test_data_sets():
    rng = np.random.default_rng(0)
    wave = make_dataset("wave", 2000, rng)
    assert wave.x.shape == (2000, 2) and wave.y.shape == (2000, 1)
    assert abs(wave.y.mean()) < 1e-12 and wave.y.std() == pytest.approx(1)
    shifted = make_dataset("shifted", 2000, np.random.default_rng(0))
    np.testing.assert_allclose(shifted.x - 3, wave.x)
    spirals = make_dataset("spirals", 100, rng)
    assert spirals.classes == 2 and np.bincount(spirals.y).tolist() == [50, 50]
    assert make_dataset("teacher", 10, rng).x.shape == (10, 8)
    assert DATASETS == ("wave", "shifted", "spirals", "teacher")


def test_init_schemes():
    assert init_std("he", 32, 16) == 0.25
    assert init_std("lecun", 4, 9) == 0.5
    assert init_std("xavier", 3, 5) == 0.5
    assert init_std("normal:1/8", 3, 5) == 0.125
    with pytest.raises(SpecError, match=r"^unknown init 'glorot' \(valid: he, xavier, lecun, "):
        parse_init("glorot")
    with pytest.raises(SpecError, match=r"^--init normal:STD needs a finite STD > 0, got '0'$"):
        parse_init("normal:0")


def test_scenarios_change_one_setting_and_explicit_options_win():
    base = DyingConfig()
    assert scenario_config("baseline") == base
    assert scenario_config("high-lr").lr == 0.15
    assert scenario_config("remedy-lr").lr == 0.015
    assert scenario_config("negative-bias").bias_init == -3.0
    assert scenario_config("remedy-bias").bias_init == 0.01
    assert scenario_config("shifted-data").data == "shifted"
    assert scenario_config("high-lr", lr=0.3, seed=4).lr == 0.3
    assert set(SCENARIOS) == {
        "baseline",
        "high-lr",
        "negative-bias",
        "shifted-data",
        "remedy-lr",
        "remedy-bias",
    }


# ------------------------------------------------------------------------- the command

SHORT = """\
high-lr: wave (regression, 1024 samples), 2 hidden layers of 32, adam lr 0.15, he init, \
bias 0, 30 steps of 128, seed 0
variant       dead %    inactive %    revived    loss    prelu slope (mean)
----------  --------  ------------  ---------  ------  --------------------
relu           54.69         54.69          4  0.9422
leaky_relu         0            50          5  0.8049
prelu              0         15.62          8  0.4062               -0.2834
"""


def test_command_prints_the_final_table(run):
    result = run("dying", "relu", "leaky", "prelu", "--steps", "30", "--every", "10")
    assert result.exit_code == 0
    assert result.stdout == SHORT
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_command_layers_and_history_tables(run):
    layers = run("dying", "relu", "--steps", "20", "--table", "layers", "--format", "csv")
    assert layers.stdout.splitlines() == [
        "variant,layer,neurons,dead %,inactive %,revived,firing rate",
        "relu,1,32,15.625,15.625,4,0.197784423828125",
        "relu,2,32,90.625,90.625,0,0.0361328125",
    ]
    history = run("dying", "relu", "elu", "--steps", "20", "--every", "10", "--table",
                  "history", "--format", "csv")  # fmt: skip
    lines = history.stdout.splitlines()
    assert lines[0] == "variant,step,dead %,dead % L1,dead % L2,inactive %,loss"
    assert [line.split(",")[:2] for line in lines[1:]] == [
        ["relu", "0"], ["relu", "10"], ["relu", "20"], ["elu", "0"], ["elu", "10"], ["elu", "20"]
    ]  # fmt: skip


def test_command_json_has_accuracy_for_classification(run):
    result = run("dying", "elu", "--steps", "10", "--data", "spirals", "--format", "json")
    (row,) = json.loads(result.stdout)
    assert set(row) == {"variant", "dead %", "inactive %", "revived", "loss", "accuracy"}
    assert 0 <= row["accuracy"] <= 1


SCENARIO_CHOICES = (
    "'baseline', 'high-lr', 'negative-bias', 'shifted-data', 'remedy-lr', 'remedy-bias'"
)
NUMBERS = "(use decimals, 1e-3, fractions like 1/8, inf, -inf or nan)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scenario", "fast-lr"],
         f"invalid value for '--scenario': 'fast-lr' is not one of {SCENARIO_CHOICES}."),
        (["--init", "glorot"], "unknown init 'glorot' (valid: he, xavier, lecun, normal:STD)"),
        (["--init", "normal:-1"], "--init normal:STD needs a finite STD > 0, got '-1'"),
        (["--lr", "0"], "--lr must be a finite number > 0, got 0"),
        (["--lr", "fast"], f"invalid value for '--lr': not a number: 'fast' {NUMBERS}"),
        (["--bias-init", "inf"], "--bias-init must be a finite number, got inf"),
        (["--every", "0"], "invalid value for '--every': 0 is not in the range 1<=x<=10000000."),
        (["-o", "dying.jpg"],
         "cannot tell the figure format of 'dying.jpg' from '.jpg' (use png, svg, pdf)"),
        (["--steps", "10000000", "--every", "1"],
         "640,000,128 census cells (steps / every x depth x width) is over the limit of"
         " 100,000,000; use a larger --every"),
    ],
)  # fmt: skip
def test_command_usage_errors(run, args, message):
    result = run("dying", *args)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""


def test_command_unknown_variant_is_a_usage_error(run):
    result = run("dying", "relux")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unknown variant 'relux'; did you mean 'relu'?")


def test_command_reports_an_unwritable_figure_path(run, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run("dying", "relu", "--steps", "5", "-o", str(blocker / "dying.png"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot write '{blocker / 'dying.png'}': ")


def test_command_draws_the_figure(run, tmp_path):
    path = tmp_path / "figs" / "dying.png"
    result = run("dying", "relu", "elu", "--steps", "20", "-o", str(path), "--size", "800x450px")
    assert result.exit_code == 0
    assert result.stderr == f"wrote {path}\n"
    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 800 and int.from_bytes(png[20:24], "big") == 450
    assert not list(path.parent.glob(".*.tmp"))  # written atomically, no leftovers


def test_command_notes_a_diverged_run(run):
    result = run("dying", "selu", "--optimizer", "sgd", "--lr", "1e6", "--steps", "20")
    assert result.exit_code == 0
    assert "note: selu diverged at step 10 (the loss is not finite)" in result.stderr


def test_importing_the_command_does_not_import_matplotlib():
    code = (
        "import sys, relucli.cli, relucli.cli.commands.dying, relucli.lab.dying\n"
        "assert 'matplotlib' not in sys.modules and 'torch' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("module", ["dying", "nn", "data", "init"])
def test_the_library_never_prints_exits_or_imports_the_ui(module):
    source = (Path(relucli.__file__).parent / "lab" / f"{module}.py").read_text()
    for word in ("import click", "matplotlib", "print(", "sys.exit", "input("):
        assert word not in source, word
