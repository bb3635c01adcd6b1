"""relucli.plotting.png: the PNG writer behind every relucli figure writes exactly the pixels
Matplotlib's own PNG path (Pillow) writes, as RGB when the canvas is opaque."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import relucli
from relucli.plotting.compare import PlotOptions, draw_comparison
from relucli.plotting.figure import new_figure, save_figure, style_context
from relucli.plotting.png import write_png


def read(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("shape", [(1, 1), (7, 5), (63, 2), (64, 3), (65, 130), (200, 301)])
@pytest.mark.parametrize("opaque", [True, False], ids=["opaque", "alpha"])
def test_any_image_reads_back_exactly(shape, opaque):
    rgba = np.random.default_rng(sum(shape)).integers(0, 256, (*shape, 4), dtype=np.uint8)
    if opaque:
        rgba[..., 3] = 255
    out = io.BytesIO()
    write_png(rgba, 150, out)
    image = read(out.getvalue())
    assert image.mode == ("RGB" if opaque else "RGBA")
    assert image.size == (shape[1], shape[0])
    assert np.array_equal(np.asarray(image.convert("RGBA")), rgba)
    # The resolution is recorded as Pillow records it (whole pixels per metre).
    assert image.info["dpi"] == pytest.approx((150.0124, 150.0124))
    assert not getattr(image, "text", {})  # no text chunks: no dates, no versions


def test_one_transparent_pixel_keeps_the_alpha_channel():
    rgba = np.full((10, 10, 4), 255, np.uint8)
    rgba[9, 9, 3] = 254
    out = io.BytesIO()
    write_png(rgba, 72, out)
    assert read(out.getvalue()).mode == "RGBA"


@pytest.mark.parametrize(
    ("style", "transparent"), [("light", False), ("neon", False), ("dark", True)]
)
def test_figures_have_the_pixels_matplotlib_writes(tmp_path, style, transparent):
    acts = [relucli.get("relu"), relucli.get("leaky"), relucli.get("elu")]
    with new_figure(style, (6.4, 3.6), 60) as fig:
        draw_comparison(fig, acts, PlotOptions())
        path = save_figure(fig, tmp_path / "ours.png", transparent=transparent)
    theirs = io.BytesIO()
    with style_context(style):  # as save_figure draws: under the style's own settings
        fig.savefig(theirs, format="png", transparent=transparent)
    ours = Image.open(path)
    assert ours.mode == ("RGBA" if transparent else "RGB")
    expected = np.asarray(read(theirs.getvalue()).convert("RGBA"))
    assert np.array_equal(np.asarray(ours.convert("RGBA")), expected)
