"""Animated figures: parameter sweeps and the two lab animations (relucli.plotting.animate).

Every sampled frame (first, middle, last) of a matrix of sweeps and lab animations passes the
layout checker; files are GIF, APNG or WebP with the frame count, timing and loop asked for,
byte-identical from run to run.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import relucli
from relucli.plotting.animate import (
    dying_animation,
    parse_sweep,
    sweep_activations,
    sweep_animation,
)
from relucli.plotting.compare import PlotOptions
from relucli.plotting.figure import parse_size
from relucli.registry import SpecError

sys.path.insert(0, str(Path(__file__).parent))
from layout_check import check_figure

CHECK_DPI = 50  # layout is measured in points: a low dpi lays out the same, faster
SMALL = ["--size", "480x270px", "--points", "201"]


def frames_of(path: Path) -> list[np.ndarray]:
    with Image.open(path) as im:
        out = []
        for i in range(im.n_frames):
            im.seek(i)
            out.append(np.asarray(im.convert("RGB")))
        return out


# ------------------------------------------------------------------------------ --sweep


def test_sweep_values_linear_log_and_default_frame_count():
    s = parse_sweep("alpha=0.1:2:20")
    assert s.name == "alpha" and len(s.values) == 20
    assert s.values[0] == 0.1 and s.values[-1] == 2.0
    assert np.allclose(np.diff(s.values), 0.1)
    log = parse_sweep("beta=0.1:10:3:log")
    assert np.allclose(log.values, [0.1, 1.0, 10.0]) and log.log
    assert len(parse_sweep("alpha=0:1").values) == 40
    assert parse_sweep("alpha=0.1:2:20").labels()[:2] == ["alpha = 0.10", "alpha = 0.20"]
    # Digits enough to tell neighbouring values apart, the same on every frame.
    assert parse_sweep("alpha=1/8:1/3:2").labels() == ["alpha = 0.12", "alpha = 0.33"]
    assert parse_sweep("a=0:0.01:3").labels() == ["a = 0.000", "a = 0.005", "a = 0.010"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("alpha", "--sweep 'alpha' is not PARAM=LO:HI[:FRAMES[:log]], e.g. alpha=0.1:2:24"),
        ("alpha=1:1", "--sweep 'alpha=1:1' needs finite LO and HI that differ"),
        ("alpha=0:1:1", "--sweep 'alpha=0:1:1': FRAMES must be 2 to 1000, got 1"),
        ("alpha=0:1:x", "--sweep 'alpha=0:1:x': FRAMES must be a whole number"),
        ("alpha=0:1:5:lin", "--sweep 'alpha=0:1:5:lin': the fourth field can only be 'log'"),
        ("alpha=0:1:5:log", "--sweep 'alpha=0:1:5:log': a log sweep needs LO and HI above 0"),
    ],
)
def test_bad_sweeps_are_usage_errors(text, message):
    with pytest.raises(SpecError) as err:
        parse_sweep(text)
    assert str(err.value).startswith(message)


def test_variants_share_a_parameter_by_name_or_synonym():
    acts = [relucli.get("leaky"), relucli.get("prelu")]
    frames = sweep_activations(acts, parse_sweep("alpha=0:0.5:3"))
    assert [
        [a.params.get("negative_slope", a.params.get("weight")) for a in f] for f in frames
    ] == [
        [0.0, 0.0],
        [0.25, 0.25],
        [0.5, 0.5],
    ]
    # The legend names the variant; the frame's title says the value.
    assert [a.label for a in frames[0]] == ["leaky_relu", "prelu"]
    rrelu = sweep_activations([relucli.get("rrelu")], parse_sweep("lower=0:0.2:2"))
    assert rrelu[0][0].label == "rrelu (u=1/3)"  # the other parameter still shown


def test_a_variant_without_the_parameter_is_named():
    acts = [relucli.get("elu"), relucli.get("selu"), relucli.get("leaky")]
    with pytest.raises(SpecError) as err:
        sweep_activations(acts, parse_sweep("alpha=0.1:1"))
    assert str(err.value) == "--sweep: selu has no parameter 'alpha' (it has none)"
    with pytest.raises(SpecError) as err:
        sweep_activations([relucli.get("elu")], parse_sweep("slope=0:1"))
    assert str(err.value) == "--sweep: elu has no parameter 'slope' (its parameters: alpha)"


def test_a_value_outside_the_parameter_range_is_refused():
    with pytest.raises(SpecError) as err:
        sweep_activations([relucli.get("elu")], parse_sweep("alpha=-1:1"))
    assert "alpha must be" in str(err.value)


def test_axes_are_fixed_over_the_sweep_and_the_value_is_written():
    acts = [relucli.get("elu")]
    size = parse_size("640x360px")
    with sweep_animation(acts, parse_sweep("alpha=0.1:2:5"), PlotOptions(points=201),
                         size=size, dpi=100) as anim:  # fmt: skip
        limits = []
        for i in range(anim.count):
            anim.update(i)
            limits.append([ax.get_ylim() for ax in anim.fig.axes])
            assert anim.fig._suptitle.get_text() == f"alpha = {[0.1, 0.575, 1.05, 1.525, 2][i]:.2f}"
        assert all(lim == limits[0] for lim in limits)
        # Fixed by the widest frame: ELU(alpha=2) reaches -2 at the left edge.
        assert limits[0][0][0] < -1.99 and limits[0][1][1] > 2.0


# ------------------------------------------------------------------------------ layout


SWEEPS = {
    "elu": (["elu"], "alpha=0.1:2:9"),
    "leak": (["leaky", "prelu"], "alpha=0:0.5:9"),
    "three": (["elu", "celu", "leaky:0.2"], "alpha=0.2:3:9:log"),
    "rrelu": (["rrelu"], "lower=0:0.3:9"),
}


@pytest.mark.parametrize("size", ["16:9", "4:3"])
@pytest.mark.parametrize(("name", "style"), [("elu", "light"), ("leak", "dark"),
                                             ("three", "neon"), ("rrelu", "light")])  # fmt: skip
@pytest.mark.parametrize("title", [False, True])
def test_every_sampled_sweep_frame_passes_the_layout_checker(name, style, size, title):
    specs, sweep = SWEEPS[name]
    if name == "three":  # leaky's parameter is alpha too (a synonym)
        specs = ["elu", "celu"]
    acts = [relucli.get(s) for s in specs]
    options = PlotOptions(points=401, title="Watch the negative side bend" if title else None)
    with sweep_animation(acts, parse_sweep(sweep), options, style=style,
                         size=parse_size(size), dpi=CHECK_DPI) as anim:  # fmt: skip
        for i in (0, anim.count // 2, anim.count - 1):
            anim.update(i)
            assert check_figure(anim.fig) == [], (name, size, i)


@functools.cache
def _dying(variants: tuple[str, ...]):
    from relucli.lab.dying import run_dying, scenario_config

    config = scenario_config("high-lr", steps=200, every=20)
    return run_dying(config, [relucli.get(v) for v in variants], rates=True)


@functools.cache
def _depth(variants: tuple[str, ...]):
    from relucli.lab.depth import DepthConfig, run

    return run([relucli.get(v) for v in variants], DepthConfig(layers=12, width=64), values=2048)


LAB_SETS = [("relu",), ("relu", "leaky_relu", "prelu", "elu", "selu")]


@pytest.mark.parametrize("size", ["16:9", "4:3"])
@pytest.mark.parametrize(("variants", "style"), [(LAB_SETS[0], "neon"), (LAB_SETS[1], "light")])
def test_every_sampled_dying_frame_passes_the_layout_checker(variants, style, size):
    with dying_animation(_dying(variants), "high-lr (a learning rate too high)", style=style,
                         size=parse_size(size), dpi=CHECK_DPI) as anim:  # fmt: skip
        assert anim.count == 11  # a census at step 0 and every 20 steps
        for i in (0, anim.count // 2, anim.count - 1):
            anim.update(i)
            assert check_figure(anim.fig) == [], (variants, size, i)
        anim.update(0)
        assert "after 0 steps" in anim.fig.axes[2].get_title()


@pytest.mark.parametrize("size", ["16:9", "4:3"])
@pytest.mark.parametrize(("variants", "style"), [(LAB_SETS[0], "dark"), (LAB_SETS[1], "light")])
def test_every_sampled_depth_frame_passes_the_layout_checker(variants, style, size):
    from relucli.plotting.animate import depth_animation

    with depth_animation(_depth(variants), style=style, size=parse_size(size),
                         dpi=CHECK_DPI) as anim:  # fmt: skip
        assert anim.count == 12
        for i in (0, anim.count // 2, anim.count - 1):
            anim.update(i)
            assert check_figure(anim.fig) == [], (variants, size, i)
        assert anim.fig._suptitle.get_text() == "Activations layer by layer: layer 12 of 12"


# ------------------------------------------------------------------------------ files


@pytest.mark.parametrize(("suffix", "fmt"), [(".gif", "GIF"), (".png", "PNG"), (".webp", "WEBP")])
def test_sweep_writes_an_animation_of_one_frame_per_value(run, tmp_path, suffix, fmt):
    out = tmp_path / f"elu{suffix}"
    result = run("plot", "elu", "--sweep", "alpha=0.1:2:6", "-o", str(out), "--fps", "20", *SMALL)
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out} (6 frames)\n"
    with Image.open(out) as im:
        assert im.format == fmt and im.n_frames == 6 and getattr(im, "is_animated", False)
        assert im.info["loop"] == 0 and im.size == (480, 270)
        if fmt != "WEBP":  # Pillow reports WebP timing per frame only
            assert im.info["duration"] == 50
    frames = frames_of(out)
    assert all(f.shape == (270, 480, 3) for f in frames)
    assert not np.array_equal(frames[0], frames[-1])  # the curve moves


def test_bounce_loop_and_palette_size(run, tmp_path):
    out = tmp_path / "leak.gif"
    result = run("plot", "leaky", "prelu", "--sweep", "alpha=0:0.5:5", "--bounce", "--loop", "3",
                 "--colors", "16", "-o", str(out), *SMALL)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out} (8 frames)\n"
    frames = frames_of(out)
    assert len(frames) == 8  # 0 1 2 3 4 3 2 1
    assert np.array_equal(frames[3], frames[5]) and np.array_equal(frames[1], frames[7])
    with Image.open(out) as im:
        assert im.info["loop"] == 3
    colours = np.unique(np.concatenate([f.reshape(-1, 3) for f in frames]), axis=0)
    assert len(colours) <= 16


@pytest.mark.parametrize("suffix", [".gif", ".png", ".webp"])
def test_the_same_command_gives_the_same_bytes(run, tmp_path, suffix):
    paths = [tmp_path / f"{k}{suffix}" for k in (1, 2)]
    for path in paths:
        result = run("plot", "elu", "celu", "--sweep", "alpha=0.2:2:4", "--style", "neon",
                     "-o", str(path), *SMALL)  # fmt: skip
        assert result.exit_code == 0, result.output
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_frames_folder_for_latex(run, tmp_path):
    folder = tmp_path / "frames"
    result = run("plot", "elu", "--sweep", "alpha=0.1:2:12", "--frames", str(folder), *SMALL)
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote 12 frames to {folder}\n"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"frame-{i:03d}.png" for i in range(12)]
    with Image.open(folder / "frame-000.png") as im:
        assert im.size == (480, 270) and im.mode == "RGB"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["elu", "-o", "x.gif"], "an animation needs --sweep PARAM=LO:HI[:FRAMES[:log]]"),
        (["elu", "--sweep", "alpha=0:1", "-o", "x.jpg"],
         "cannot tell the animation format of 'x.jpg' from '.jpg' (use gif, png, webp)"),
        (["elu", "--sweep", "alpha=0.1:1", "--transparent", "-o", "x.gif"],
         "--transparent does not apply to animations"),
        (["elu", "--sweep", "alpha=0.1:1", "--layout", "grid", "-o", "x.gif"],
         "--sweep draws the overlay layout: leave out --layout grid"),
        (["leaky", "elu", "--sweep", "weight=0:1", "-o", "x.gif"],
         "--sweep: leaky_relu has no parameter 'weight' (its parameters: negative_slope);"
         " elu has no parameter 'weight' (its parameters: alpha)"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2_with_one_line(run, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = run("plot", *args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_nothing(run, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run("plot", "elu", "--sweep", "alpha=0.1:1:3", "-o", str(blocker / "x.gif"), *SMALL)
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_dying_and_depth_animate_from_the_command_line(run, tmp_path):
    out = tmp_path / "dying.gif"
    result = run("dying", "relu", "elu", "--steps", "60", "--every", "20", "--animate",
                 "-o", str(out), "--size", "1280x720px", "--dpi", "100")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"wrote {out} (4 frames, one per census)" in result.output
    assert len(frames_of(out)) == 4
    out = tmp_path / "depth.png"
    result = run("depth", "relu", "selu", "--layers", "5", "--width", "32", "--animate",
                 "-o", str(out), "--size", "640x360px")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"wrote {out} (5 frames, one per layer)" in result.output
    with Image.open(out) as im:
        assert im.format == "PNG" and im.n_frames == 5
    result = run("depth", "relu", "--layers", "5", "--animate")
    assert result.exit_code == 2
    assert "--animate needs -o FILE.gif, .png (APNG) or .webp, or --frames DIR" in result.output


def test_too_many_censuses_are_refused_before_training(run, tmp_path):
    result = run("dying", "relu", "--steps", "2000", "--every", "1", "-o", str(tmp_path / "x.gif"))
    assert result.exit_code == 2
    assert result.output == (
        "Error: 2001 censuses are too many frames for an animation (at most 1000): count less"
        " often with a larger --every\n"
    )
