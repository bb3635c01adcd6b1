"""What the lab commands (`dying`, `depth`) share about their figure: the -o checks made
before any work, and writing the still figure or the animation once the run is done."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import Any

import click

from ..options import check_figure_output
from ..output import writing


def check_lab_output(output: str | None, animate: bool, frames_dir: str | None) -> bool:
    """Whether an animation is asked for; a bad -o (format, unwritable path) is refused
    before any training or simulation."""
    from ...plotting.animate import wants_animation

    animated = wants_animation(output, animate, frames_dir)
    if output is not None:
        if animated:  # the format is checked by wants_animation
            from ...files import check_output_path

            check_output_path(output, make_folder=True)
        else:
            check_figure_output(output)  # format and writable path
    return animated


def write_lab_output(
    output: str | None,
    frames_dir: str | None,
    *,
    animation: Callable[[], contextlib.AbstractContextManager] | None,
    still: Callable[[str], os.PathLike | str],
    frames: str,
    how: dict[str, Any],
) -> None:
    """Write the animation (``animation`` given: its frames to ``output`` and/or
    ``frames_dir``) or the still figure (``still(output)``), each reported on stderr in one
    line; ``frames`` says what a frame is ("one per layer")."""
    if animation is not None:
        from ...plotting.animate import write_animation

        with writing(output or frames_dir), animation() as anim:
            written = write_animation(anim, output, frames_dir=frames_dir, make_folder=True, **how)
        if output is not None:
            click.echo(f"wrote {written[0]} ({anim.count} frames, {frames})", err=True)
        if frames_dir is not None:
            click.echo(f"wrote {anim.count} frames to {frames_dir}", err=True)
    elif output is not None:
        with writing(output):
            written_path = still(output)
        click.echo(f"wrote {written_path}", err=True)
