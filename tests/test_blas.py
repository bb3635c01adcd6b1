"""relucli.lab.blas: the labs' matrix products run on one OpenBLAS thread, and the thread
count is given back afterwards (a notebook keeps its threads)."""

from __future__ import annotations

import contextlib

import pytest

import relucli
from relucli.lab import blas
from relucli.lab.depth import DepthConfig, run
from relucli.lab.dying import DyingConfig, run_dying

needs_openblas = pytest.mark.skipif(
    blas.blas_threads() is None, reason="NumPy is not linked against OpenBLAS here"
)


@needs_openblas
def test_one_thread_inside_and_the_count_restored_after():
    before = blas.blas_threads()
    with blas.one_blas_thread():
        assert blas.blas_threads() == 1
        with blas.one_blas_thread():  # nested: still one, and the outer one restores
            assert blas.blas_threads() == 1
        assert blas.blas_threads() == 1
    assert blas.blas_threads() == before


@needs_openblas
def test_the_count_is_restored_when_the_block_fails():
    before = blas.blas_threads()
    with pytest.raises(ZeroDivisionError), blas.one_blas_thread():
        1 / 0  # noqa: B018
    assert blas.blas_threads() == before


@pytest.mark.parametrize("lab", ["depth", "dying"])
def test_both_labs_run_their_products_on_one_thread(monkeypatch, lab):
    seen = []

    @contextlib.contextmanager
    def spy():
        seen.append(lab)
        yield

    acts = [relucli.get("relu")]
    if lab == "depth":
        monkeypatch.setattr("relucli.lab.depth.one_blas_thread", spy)
        run(acts, DepthConfig(layers=2, width=8, batch=4))
    else:
        monkeypatch.setattr("relucli.lab.dying.one_blas_thread", spy)
        run_dying(DyingConfig(steps=2, width=4, samples=16, batch=8), acts)
    assert seen == [lab]
