"""`relucli inspect`: reading saved pre-activations in bounded memory, the census
definitions (dead, inactive, dormant, saturated, firing rate), the tables, the gate, the
figure, a real trained network, and the README's snippets for saving pre-activations."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest

import relucli
from relucli.cli.commands.inspect import layers_table
from relucli.lab.census import UnitTally, level, run_census
from relucli.preacts import PreactError, open_layers

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

# Six units, eight samples, each unit one case of the definitions:
#   0 always negative (dead and inactive under relu), 1 fires on half the samples,
#   2 always positive, 3 exactly 0 (relu'(0) = 0: dead, never fires), 4 always >= 6
#   (relu6 saturates), 5 at -800 (elu's alpha*exp(z) underflows to 0: dead under elu).
Z = np.array(
    [
        [-1.0, -1.0, 2.0, 0.0, 6.0, -800.0],
        [-2.0, 1.0, 3.0, 0.0, 7.0, -800.0],
        [-3.0, -1.0, 4.0, 0.0, 8.0, -800.0],
        [-4.0, 1.0, 5.0, 0.0, 9.0, -800.0],
        [-5.0, -1.0, 2.0, 0.0, 6.0, -800.0],
        [-6.0, 1.0, 3.0, 0.0, 7.0, -800.0],
        [-7.0, -1.0, 4.0, 0.0, 8.0, -800.0],
        [-8.0, 1.0, 5.0, 0.0, 9.0, -800.0],
    ]
)


def census(z: np.ndarray, *specs: str, tmp_path: Path, convention: str = "torch", **kw):
    np.save(tmp_path / "z.npy", z)
    acts = [relucli.get(s, convention=convention) for s in specs or ("relu",)]
    return run_census(open_layers([str(tmp_path / "z.npy")]), acts, **kw).layers[0]


# ------------------------------------------------------------------------- definitions


def test_dead_inactive_and_firing_rate_under_relu(tmp_path):
    layer = census(Z, tmp_path=tmp_path)
    assert layer.under().dead.tolist() == [True, False, False, True, False, True]
    assert layer.inactive.tolist() == [True, False, False, True, False, True]
    assert layer.rate.tolist() == [0.0, 0.5, 1.0, 0.0, 1.0, 0.0]
    assert layer.samples == 8 and layer.units == 6


def test_leaky_units_are_inactive_yet_alive_and_elu_underflow_counts_as_dead(tmp_path):
    layer = census(Z, "leaky_relu", "elu", tmp_path=tmp_path)
    assert layer.variants[0].dead.tolist() == [False] * 6
    # elu'(z) = exp(z) is 0.0 in float64 at z = -800: as stuck as a dead ReLU.
    assert layer.variants[1].dead.tolist() == [False, False, False, False, False, True]
    assert layer.inactive.tolist() == [True, False, False, True, False, True]


def test_saturated_units_of_relu6_are_the_flat_upper_side(tmp_path):
    layer = census(Z, "relu6", "relu", tmp_path=tmp_path)
    relu6, relu = layer.variants
    assert relu6.saturated is not None and relu6.saturated.tolist() == [0, 0, 0, 0, 1, 0]
    assert relu6.dead.tolist() == [True, False, False, True, True, True]
    assert relu.saturated is None  # relu has no flat upper side: no column


def test_the_convention_decides_the_kink(tmp_path):
    # leaky with slope 0 at z = 0: PyTorch's gradient there is the slope (0: dead), JAX's 1.
    torch = census(Z, "leaky:0", tmp_path=tmp_path, convention="torch")
    jax = census(Z, "leaky:0", tmp_path=tmp_path, convention="jax")
    assert torch.under().dead[3] and not jax.under().dead[3]


def test_dormant_is_sokar_et_al_tau_times_the_layer_mean(tmp_path):
    # Mean |relu(z)| per unit: 0, 0.5, 3.5, 0, 7.5, 0; layer mean 11.5/6.
    layer = census(Z, tmp_path=tmp_path, tau=0.3)
    assert layer.under().mean_abs_value.tolist() == [0.0, 0.5, 3.5, 0.0, 7.5, 0.0]
    # 0.3 * 11.5/6 = 0.575: unit 1 (0.5) is dormant though alive.
    assert layer.under().dormant.tolist() == [True, True, False, True, False, True]
    assert census(Z, tmp_path=tmp_path, tau=0.25).under().dormant[1] == np.False_


def test_a_layer_whose_every_output_is_zero_is_all_dormant(tmp_path):
    layer = census(-np.ones((4, 3)), tmp_path=tmp_path)
    assert layer.under().dormant.all()


def test_nan_samples_are_left_out_and_infinities_kept(tmp_path):
    z = Z.copy()
    z[2, 1] = np.nan  # the whole sample 2 goes
    z[5, 0] = np.inf  # unit 0 fires once
    layer = census(z, tmp_path=tmp_path)
    assert (layer.samples, layer.nan_samples, layer.inf_values) == (7, 1, 1)
    assert layer.rate[0] == 1 / 7 and not layer.under().dead[0]
    assert not layer.under().dormant[0]  # an infinite output is never dormant


def test_gradient_mass_is_the_mean_abs_gradient_over_samples_and_units(tmp_path):
    rng = np.random.default_rng(3)
    z = rng.normal(size=(1000, 7)) * 3
    for spec in ("relu", "elu", "selu", "relu6"):
        layer = census(z, spec, tmp_path=tmp_path, block_values=70)
        expected = np.abs(relucli.get(spec).grad(z)).mean()
        assert layer.grad_mass() == pytest.approx(expected, rel=1e-14)


def test_blocks_do_not_change_the_census(tmp_path):
    rng = np.random.default_rng(4)
    z = rng.normal(size=(999, 13)) - 1.5
    whole = census(z, "relu", "relu6", tmp_path=tmp_path)
    small = census(z, "relu", "relu6", tmp_path=tmp_path, block_values=20)
    for a, b in zip(whole.variants, small.variants):
        assert a.dead.tolist() == b.dead.tolist()
        assert np.allclose(a.mean_abs_value, b.mean_abs_value, rtol=1e-15, atol=0)
    assert whole.rate.tolist() == small.rate.tolist()


def test_unit_tally_is_the_dying_labs_definition():
    tally = UnitTally(2)
    tally.add(np.array([[-1.0, 1.0], [0.0, -2.0]]), np.array([[0.0, 1.0], [0.0, np.nan]]))
    assert tally.dead.tolist() == [True, False]
    assert tally.inactive.tolist() == [True, False]
    assert tally.rate.tolist() == [0.0, 0.5]


def test_warning_levels():
    assert [level(p) for p in (0, 10, 10.5, 20, 20.1, 50, 50.1, 100)] == [
        "ok", "ok", "watch", "watch", "warning", "warning", "critical", "critical"
    ]  # fmt: skip


# ----------------------------------------------------------------------------- reading


def _tally(path: str) -> list[tuple[str, int, int, list[bool]]]:
    result = run_census(open_layers([path]), [relucli.get("relu")], block_values=16)
    return [(x.name, x.units, x.samples, x.under().dead.tolist()) for x in result.layers]


@pytest.mark.parametrize("save", [np.savez, np.savez_compressed], ids=["stored", "compressed"])
def test_npz_layers_in_file_order_with_leading_axes_folded(tmp_path, save):
    a = np.tile(Z, (3, 1))
    b = np.arange(-12.0, 12.0).reshape(2, 3, 4)  # (2, 3) folded into 6 samples of 4 units
    path = tmp_path / "acts.npz"
    save(path, zeta=a, alpha=b)
    assert _tally(str(path)) == [
        ("zeta", 6, 24, [True, False, False, True, False, True]),
        ("alpha", 4, 6, [False, False, False, False]),
    ]


def test_stored_npz_members_are_memory_mapped_in_place(tmp_path, monkeypatch):
    path = tmp_path / "acts.npz"
    np.savez(path, fc=Z)
    opened = []
    real = np.memmap.__new__

    def spy(cls, filename, *args, **kwargs):
        opened.append((str(filename), kwargs["offset"]))
        return real(cls, filename, *args, **kwargs)

    monkeypatch.setattr(np.memmap, "__new__", spy)
    assert _tally(str(path))[0][3] == [True, False, False, True, False, True]
    assert opened and all(name == str(path) for name, _ in opened)


def test_npy_of_any_numeric_dtype(tmp_path):
    for dtype in (np.int8, np.uint16, np.int64, np.float16, np.float32, ">f8"):
        first = 0 if np.dtype(dtype).kind == "u" else -1
        np.save(tmp_path / "z.npy", np.array([[first, 2], [0, 3]]).astype(dtype))
        assert _tally(str(tmp_path / "z.npy")) == [("z", 2, 2, [True, False])]


def test_fortran_ordered_arrays_are_read_right(tmp_path):
    np.save(tmp_path / "z.npy", np.asfortranarray(Z))
    assert _tally(str(tmp_path / "z.npy"))[0][3] == [True, False, False, True, False, True]
    np.savez_compressed(tmp_path / "z.npz", z=np.asfortranarray(Z))
    assert _tally(str(tmp_path / "z.npz"))[0][3] == [True, False, False, True, False, True]


@pytest.mark.parametrize("header", [True, False])
@pytest.mark.parametrize("suffix, sep", [(".csv", ","), (".tsv", "\t")])
def test_csv_and_tsv_with_or_without_a_header(tmp_path, header, suffix, sep):
    lines = [sep.join(f"u{i}" for i in range(6))] if header else []
    lines += [sep.join(repr(float(v)) for v in row) for row in Z]
    path = tmp_path / f"z{suffix}"
    path.write_text("\n".join(lines) + "\n\n")
    assert _tally(str(path)) == [("z", 6, 8, [True, False, False, True, False, True])]


def test_the_same_name_twice_is_qualified_by_the_file(tmp_path):
    np.save(tmp_path / "z.npy", Z)
    np.savetxt(tmp_path / "z.csv", Z, delimiter=",")
    np.savez(tmp_path / "a.npz", z=Z)
    layers = open_layers([str(tmp_path / n) for n in ("z.npy", "z.csv", "a.npz", "a.npz")])
    assert [x.name for x in layers] == ["z.npy", "z.csv", "a.npz:z", "a.npz:z#2"]


def test_blocks_hold_at_most_the_asked_number_of_values(tmp_path):
    np.save(tmp_path / "z.npy", np.zeros((100, 7)))
    sizes = [b.size for b in open_layers([str(tmp_path / "z.npy")])[0].blocks(30)]
    assert sizes == [28] * 25


def test_progress_adds_up_to_every_byte(tmp_path):
    np.savez_compressed(tmp_path / "a.npz", x=Z, y=Z[:3])
    np.savetxt(tmp_path / "b.csv", Z, delimiter=",")
    layers = open_layers([str(tmp_path / "a.npz"), str(tmp_path / "b.csv")])
    steps: list[int] = []
    run_census(layers, [relucli.get("relu")], progress=steps.append, block_values=12)
    assert (
        sum(steps)
        == sum(x.nbytes for x in layers)
        == Z.nbytes + Z[:3].nbytes + os.path.getsize(tmp_path / "b.csv")
    )


# -------------------------------------------------------------------------- bad files


def _bad_files(tmp: Path) -> dict[str, str]:
    """file name -> the exact error line."""
    (tmp / "garbage.npy").write_bytes(b"not numpy at all")
    np.save(tmp / "bools.npy", np.array([[True, False]]))
    np.save(tmp / "complex.npy", np.ones((2, 2), complex))
    np.save(tmp / "flat.npy", np.ones(5))
    np.save(tmp / "empty.npy", np.ones((0, 3)))
    np.save(tmp / "cut.npy", np.ones((100, 4)))
    with open(tmp / "cut.npy", "r+b") as f:
        f.truncate(500)
    np.savez(tmp / "objects.npz", o=np.array([[None, 1]], dtype=object))
    (tmp / "notzip.npz").write_bytes(b"PK no zip")
    with zipfile.ZipFile(tmp / "nothing.npz", "w"):
        pass
    (tmp / "ragged.csv").write_text("1,2,3\n4,5,6\n7,8\n")
    (tmp / "word.csv").write_text("a,b\n1,2\n3,x\n")
    (tmp / "blank.csv").write_text("\n\n")
    (tmp / "header.csv").write_text("a,b\n")
    (tmp / "latin1.csv").write_bytes(b"1,2\n\xff,3\n")
    return {
        "garbage.npy": "garbage.npy: not a .npy file (no NumPy magic string)",
        "bools.npy": "bools.npy: booleans are not pre-activations (save z itself, or cast 0/1"
        " flags with .astype(float))",
        "complex.npy": "complex.npy: dtype complex128 is not a real number type (use integers"
        " or float16/32/64)",
        "flat.npy": "flat.npy: a 1-D array; save samples x units (one unit is shape (N, 1))",
        "empty.npy": "empty.npy: empty array of shape (0, 3)",
        "cut.npy": "cut.npy: the array is cut short (a truncated file?)",
        "objects.npz": "objects.npz[o]: holds Python objects, not numbers",
        "notzip.npz": "notzip.npz: not a readable .npz file (File is not a zip file)",
        "nothing.npz": "nothing.npz: the archive holds no array",
        "ragged.csv": "ragged.csv, line 3: 2 columns where the first row has 3",
        "word.csv": "word.csv, line 3: not a number: 'x'",
        "blank.csv": "blank.csv: the file is empty",
        "header.csv": "header.csv: a header but no rows",
        "latin1.csv": "latin1.csv: not a UTF-8 text file ('utf-8' codec can't decode byte 0xff"
        " in position 4: invalid start byte)",
    }


def test_bad_files_are_one_line_and_exit_code_1(run, tmp_path):
    os.chdir(tmp_path)
    for name, message in _bad_files(tmp_path).items():
        result = run("inspect", name)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.npz"], "invalid value for 'FILE...': File 'missing.npz' does not exist."),
        (["z.txt"], "invalid value for 'FILE...': cannot tell the format of 'z.txt' from its"
         " suffix (use .npz, .npy, .csv, .tsv)"),
        (["z.npy", "--variant", "seed"], "--variant takes one variant, not the group 'seed'"),
        (["z.npy", "--variant", " "], "--variant needs a variant, e.g. relu or leaky:0.1"),
        (["z.npy", "--variant", "relu9"], "unknown variant 'relu9'; did you mean 'relu'?"),
        (["z.npy", "--compare", "relu", "--table", "rates"],
         "--compare prints the what-if table; drop --table (or --compare)"),
        (["z.npy", "-o", "census.gif"], "cannot tell the figure format of 'census.gif' from"
         " '.gif' (use png, svg, pdf)"),
        (["z.npy", "--fail-above", "101"], "invalid value for '--fail-above': 101.0 is not in"
         " the range 0<=x<=100."),
    ],
)  # fmt: skip
def test_usage_errors_exit_2(run, tmp_path, args, message):
    os.chdir(tmp_path)
    np.save("z.npy", Z)
    Path("z.txt").write_text("1\n")
    result = run("inspect", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert result.stderr.count("\n") == 1


# -------------------------------------------------------------------------------- CLI


def _two_layers(tmp: Path) -> None:
    np.savez(tmp / "acts.npz", fc1=Z, fc2=np.array([[1.0, -1.0], [2.0, -2.0], [-1.0, -3.0]]))


def test_layers_table(run, tmp_path):
    os.chdir(tmp_path)
    _two_layers(tmp_path)
    result = run("inspect", "acts.npz")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == textwrap.dedent("""\
        acts.npz: 2 layers, 8 units, 3 to 8 samples; variant relu (torch), dormant below tau 0.025
        layer      units    samples    dead    dead %    inactive    dormant    median firing  level
        -------  -------  ---------  ------  --------  ----------  ---------  ---------------  -------
        fc1            6          8       3        50           3          3             0.25  warning
        fc2            2          3       1        50           1          1           0.3333  warning
        total          8                  4        50           4          4             0.25  warning
        """)  # fmt: skip


def test_saturated_column_and_notes_on_stderr(run, tmp_path):
    os.chdir(tmp_path)
    z = Z.copy()
    z[0, 0], z[1, 1] = np.nan, -np.inf
    np.save("z.npy", z)
    result = run("inspect", "z.npy", "--variant", "relu6", "--format", "csv")
    assert result.stdout == (
        "layer,units,samples,dead,dead %,inactive,dormant,saturated,median firing,level\n"
        "z,6,7,4,66.66666666666667,3,3,1,0.21428571428571427,critical\n"
    )
    assert result.stderr == (
        "note: layer 'z': 1 sample holding NaN left out of the census (7 counted)\n"
        "note: layer 'z': 1 infinite value (counted; f and f' at ±inf are the variant's limits)\n"
    )


@pytest.mark.parametrize("table", ["layers", "units", "rates"])
def test_csv_and_json_round_trip_exactly(run, tmp_path, table):
    os.chdir(tmp_path)
    rng = np.random.default_rng(5)
    np.savez("acts.npz", a=rng.normal(size=(77, 9)) - 0.8, b=rng.normal(size=(31, 5)))
    rows = list(csv.DictReader(io.StringIO(run("inspect", "acts.npz", "--table", table,
                                                "--format", "csv").stdout)))  # fmt: skip
    records = json.loads(run("inspect", "acts.npz", "--table", table, "--format", "json").stdout)
    assert len(rows) == len(records) > 0
    for row, record in zip(rows, records):
        for key, text in row.items():
            value = record[key]
            if isinstance(value, float):
                assert float(text) == value
            elif isinstance(value, bool):
                assert text == ("yes" if value else "no")
            else:
                assert text == ("" if value is None else str(value))
    if table == "units":
        result = run_census(open_layers(["acts.npz"]), [relucli.get("relu")])
        rates = [r["firing rate"] for r in records]
        assert rates == np.concatenate([x.rate for x in result.layers]).tolist()


def test_compare_table_is_the_census_under_each_candidate(run, tmp_path):
    # relu6 has one dormant unit fewer than dead ones: its saturated unit outputs 6.
    os.chdir(tmp_path)
    _two_layers(tmp_path)
    result = run("inspect", "acts.npz", "--compare", "elu relu6", "--compare", "relu",
                 "--format", "csv")  # fmt: skip
    z1, z2 = Z, np.array([[1.0, -1.0], [2.0, -2.0], [-1.0, -3.0]])

    def mass(spec):
        g = [np.abs(relucli.get(spec).grad(z)) for z in (z1, z2)]
        return float((g[0].sum() + g[1].sum()) / (z1.size + z2.size))

    assert result.stdout == (
        "variant,dead,dead %,worst layer,worst dead %,dormant,gradient mass\n"
        f"relu,4,50.0,fc1,50.0,4,{mass('relu')!r}\n"
        f"elu,1,12.5,fc1,16.666666666666668,1,{mass('elu')!r}\n"
        f"relu6,5,62.5,fc1,66.66666666666667,4,{mass('relu6')!r}\n"
    )


def test_fail_above_gates_on_the_worst_layer(run, tmp_path):
    os.chdir(tmp_path)
    _two_layers(tmp_path)
    passed = run("inspect", "acts.npz", "--fail-above", "50", "--format", "csv")
    assert passed.exit_code == 0 and passed.stderr == ""
    failed = run("inspect", "acts.npz", "--fail-above", "49.5", "--format", "csv")
    assert failed.exit_code == 1
    assert failed.stdout == passed.stdout  # the table is still printed
    assert failed.stderr == (
        "Error: layer 'fc1' is 50% dead under relu, above --fail-above 49.5; 1 more layer too\n"
    )


def test_levels_are_coloured_only_when_asked(tmp_path):
    np.save(tmp_path / "z.npy", Z)
    result = run_census(open_layers([str(tmp_path / "z.npy")]), [relucli.get("relu")])
    plain = layers_table(result)[1][0][-1]
    coloured = layers_table(result, colour=True)[1][0][-1]
    assert plain == "warning"
    assert coloured == "\x1b[91mwarning\x1b[0m"


def test_no_colour_when_not_a_terminal(run, tmp_path):
    os.chdir(tmp_path)
    _two_layers(tmp_path)
    assert "\x1b[" not in run("inspect", "acts.npz").stdout


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_figure(run, tmp_path, suffix):
    os.chdir(tmp_path)
    _two_layers(tmp_path)
    result = run("inspect", "acts.npz", "--variant", "relu6", "-o", f"out/census.{suffix}")
    assert result.exit_code == 0
    assert result.stderr == f"wrote out/census.{suffix}\n"
    data = Path(f"out/census.{suffix}").read_bytes()
    assert data[:4] in (b"\x89PNG", b"<?xm", b"%PDF")


def test_inspect_help_cites_the_dormant_neuron_paper(run):
    text = run("inspect", "--help").stdout
    assert "Sokar et al. 2023" in text and "The Dormant Neuron" in text


# --------------------------------------------------------------- a real trained network


def test_digits_network_census_matches_a_direct_count(run, tmp_path):
    pytest.importorskip("sklearn", reason="scikit-learn is not installed (pip install '.[test]')")
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_digits_example as digits

    x, _, net = digits.digits_network()
    layers = digits.preactivations(net, x)
    np.savez(tmp_path / "digits.npz", **layers)
    os.chdir(tmp_path)
    result = run("inspect", "digits.npz", "--format", "json")
    records = json.loads(result.stdout)
    for record, (name, z) in zip(records, layers.items()):
        direct = int(np.count_nonzero((z <= 0).all(axis=0)))  # relu'(z) = 0 exactly for z <= 0
        assert (record["layer"], record["dead"], record["units"]) == (name, direct, z.shape[1])
        assert record["inactive"] == direct
        assert record["median firing"] == float(np.median((z > 0).mean(axis=0)))
    # The learning rate of 0.1 kills a clear share: more than half of the first layer.
    assert records[0]["dead %"] > 50
    gate = run("inspect", "digits.npz", "--fail-above", "50", "--format", "csv")
    assert gate.exit_code == 1 and "layer 'hidden1'" in gate.stderr


def test_committed_digits_example_is_what_the_readme_says():
    layers = dict(np.load(ROOT / "docs" / "examples" / "digits.npz"))
    assert list(layers) == ["hidden1", "hidden2"]
    assert [z.shape for z in layers.values()] == [(1797, 64), (1797, 32)]
    assert [int((z <= 0).all(axis=0).sum()) for z in layers.values()] == [54, 21]


# ----------------------------------------------------------------- README snippets

SNIPPETS = {"pytorch": "torch", "keras": "keras", "flax": "flax", "sklearn": "sklearn"}


def snippet(name: str) -> str:
    found = re.search(rf"<!-- snippet:{name} -->\n```python\n(.*?)```", README, re.S)
    assert found, f"README has no snippet:{name} block"
    return found.group(1)


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=[pytest.mark.slow] if n == "sklearn" else []) for n in SNIPPETS],
)
def test_readme_snippet_saves_preactivations_the_census_reads(run, tmp_path, name):
    code = snippet(name)  # present whether or not the framework is
    pytest.importorskip(SNIPPETS[name], reason=f"{SNIPPETS[name]} is not installed")
    os.chdir(tmp_path)
    exec(compile(code, f"README snippet:{name}", "exec"), {"__name__": "__snippet__"})
    result = run("inspect", "acts.npz", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 3  # two layers and total


# ------------------------------------------------------------------- bounded memory

RSS_SCRIPT = """
import resource, sys
from relucli.lab.census import run_census
from relucli.preacts import open_layers
import relucli
result = run_census(open_layers([sys.argv[1]]), [relucli.get("relu")])
layer = result.layers[0]
assert layer.samples * layer.units * 4 > 2 * 10**9, layer.samples
print(layer.under().dead_count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.slow
def test_a_2gb_npy_is_counted_in_bounded_memory(tmp_path):
    """A sparse 2 GB file (header + a hole: no disk used) goes through in under 300 MB."""
    path = tmp_path / "big.npy"
    rows, units = 2**21 + 2**18, 256  # 2.25 GiB of float32 zeros
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(
            f, {"descr": "<f4", "fortran_order": False, "shape": (rows, units)}
        )
        f.truncate(f.tell() + rows * units * 4)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    # Linux carries ru_maxrss over fork and exec: a child of this (large) pytest process
    # would report pytest's peak. A small launcher in between starts the census afresh.
    launcher = (
        "import subprocess, sys;"
        " sys.exit(subprocess.run([sys.executable, '-c', *sys.argv[1:]]).returncode)"
    )
    done = subprocess.run(
        [sys.executable, "-c", launcher, RSS_SCRIPT, str(path)],
        capture_output=True, text=True, env=env, check=True, timeout=600,
    )  # fmt: skip
    dead, peak_kib = map(int, done.stdout.split())
    assert dead == units  # every z is 0: relu'(0) = 0, all dead
    assert peak_kib < 300 * 1024, f"peak RSS {peak_kib / 1024:.0f} MiB"


def test_a_layer_with_nan_in_every_sample_cannot_be_counted(run, tmp_path):
    z = Z.copy()
    z[:, 2] = np.nan
    np.save(tmp_path / "z.npy", z)
    with pytest.raises(PreactError, match="every sample of layer 'z' holds a NaN"):
        census(z, tmp_path=tmp_path)
    os.chdir(tmp_path)
    result = run("inspect", "z.npy")
    assert (result.exit_code, result.stderr) == (
        1, "Error: z.npy: every sample of layer 'z' holds a NaN; nothing to count\n"
    )  # fmt: skip


def test_units_table_one_row_per_unit(run, tmp_path):
    os.chdir(tmp_path)
    _two_layers(tmp_path)
    result = run("inspect", "acts.npz", "--table", "units", "--variant", "relu6")
    assert result.stdout == textwrap.dedent("""\
        acts.npz: 2 layers, 8 units, 3 to 8 samples; variant relu6 (torch), dormant below tau 0.025
        layer      unit    firing rate    mean |f(z)|  dead    inactive    dormant    saturated
        -------  ------  -------------  -------------  ------  ----------  ---------  -----------
        fc1           0              0              0  yes     yes         yes        no
        fc1           1            0.5            0.5  no      no          no         no
        fc1           2              1            3.5  no      no          no         no
        fc1           3              0              0  yes     yes         yes        no
        fc1           4              1              6  yes     no          no         yes
        fc1           5              0              0  yes     yes         yes        no
        fc2           0         0.6667              1  no      no          no         no
        fc2           1              0              0  yes     yes         yes        no
        """)  # fmt: skip
