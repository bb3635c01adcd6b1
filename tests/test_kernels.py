"""The chunk driver and the fast kernels: chunking and out= change nothing, bit for bit;
piecewise-linear kernels equal their plain vectorized formulas; memory stays flat."""

from __future__ import annotations

import tracemalloc

import cases
import numpy as np
import pytest

import relucli
from relucli.numerics import CHUNK, KernelArgs, Workspace, evaluate, exp_path

SPECS = cases.KERNEL_SPECS


def _inputs(dtype) -> np.ndarray:
    f = np.finfo(dtype)
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, 6.0, -3.0, 3.0, 20.0, f.tiny, -f.tiny]
    special += [f.smallest_subnormal, -f.smallest_subnormal, f.max, -f.max, -104.2, -700.0]
    rng = np.random.default_rng(7)
    spread = rng.standard_normal(3000) * rng.choice([0.01, 1.0, 10.0, 100.0], 3000)
    return np.concatenate([special, spread]).astype(dtype)


def _assert_same(a: np.ndarray, b: np.ndarray) -> None:
    """Bit-identical up to NaN payloads: equal values, NaN at the same places, same zero signs
    (NumPy's SIMD and scalar loops may give a NaN either sign)."""
    assert a.dtype == b.dtype
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(np.signbit(a) & ~np.isnan(a), np.signbit(b) & ~np.isnan(b))


def _run(act, x, want_grad=True, chunk=None, want_value=True):
    """evaluate() the way Activation does, with an explicit chunk size."""

    def make_args(dtype):
        rng = np.random.default_rng(act.seed) if act.train else None
        return KernelArgs(act.params, dtype, act.convention == "jax", rng)

    return evaluate(act.variant.kernel, x, make_args, want_grad, chunk=chunk, want_value=want_value)


def _acts():
    for spec in SPECS:
        for convention in ("torch", "jax"):
            yield relucli.get(spec, convention=convention)
    yield relucli.get("rrelu", train=True, seed=3)
    yield relucli.get("rrelu:lower=0.5,upper=1.5", train=True, seed=4)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("act", list(_acts()), ids=repr)
def test_chunked_evaluation_is_bit_identical_to_one_whole_array_pass(act, dtype):
    x = _inputs(dtype)
    whole_value, whole_grad = _run(act, x, chunk=x.size)
    for chunk in (97, 1000):
        value, grad = _run(act, x, chunk=chunk)
        _assert_same(value, whole_value)
        _assert_same(grad, whole_grad)
    value_only, none = _run(act, x, want_grad=False, chunk=97)
    assert none is None
    _assert_same(value_only, whole_value)
    none, grad_only = _run(act, x, chunk=97, want_value=False)
    assert none is None
    _assert_same(grad_only, whole_grad)


def _plain_piecewise_linear(x, slope, jax):
    one = x >= 0 if jax else x > 0
    grad = np.where(one, 1, slope).astype(x.dtype)
    grad[np.isnan(x)] = np.nan
    with np.errstate(over="ignore", invalid="ignore"):
        value = x * grad if slope != 0 else np.maximum(x, 0)
    return value, grad


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("jax", [False, True])
@pytest.mark.parametrize(
    ("spec", "slope"),
    [
        ("leaky_relu", 0.01),
        ("leaky_relu:0", 0.0),
        ("leaky_relu:0.2", 0.2),
        ("leaky_relu:1", 1.0),
        ("leaky_relu:3", 3.0),
        ("leaky_relu:-0.5", -0.5),
        ("prelu", 0.25),
        ("rrelu", (1 / 8 + 1 / 3) / 2),
    ],
)
def test_piecewise_linear_kernels_equal_the_plain_vectorized_formula(spec, slope, jax, dtype):
    x = _inputs(dtype)
    slope = dtype(slope) if spec != "rrelu" else (dtype(1 / 8) + dtype(1 / 3)) / 2
    value, grad = relucli.get(spec, convention="jax" if jax else "torch").value_and_grad(x)
    plain_value, plain_grad = _plain_piecewise_linear(x, slope, jax)
    np.testing.assert_array_equal(value, plain_value)
    np.testing.assert_array_equal(grad, plain_grad)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_relu_and_relu6_equal_the_plain_vectorized_formula(dtype):
    tiny = np.finfo(dtype).smallest_subnormal
    edges = [np.nextafter(6, 0), np.nextafter(6, 7), 2 * tiny, 3 * tiny, 5 * tiny, -2 * tiny]
    x = np.concatenate([_inputs(dtype), np.array(edges, dtype)])
    value, grad = relucli.get("relu").value_and_grad(x)
    np.testing.assert_array_equal(value, np.where(x > 0, x, np.where(np.isnan(x), x, 0)))
    np.testing.assert_array_equal(grad, np.where(np.isnan(x), np.nan, x > 0))
    value, grad = relucli.get("relu6").value_and_grad(x)
    np.testing.assert_array_equal(value, np.clip(x, 0, 6))
    inside = (x > 0) & (x < 6)
    np.testing.assert_array_equal(grad, np.where(np.isnan(x), np.nan, inside))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("jax", [False, True])
@pytest.mark.parametrize(("lo", "hi"), [(-1.0, 1.0), (0.0, 6.0), (-2.5, -0.5)])
def test_hardtanh_equals_the_plain_vectorized_formula(lo, hi, jax, dtype):
    edges = [lo, hi, np.nextafter(lo, -9), np.nextafter(lo, 9), np.nextafter(hi, 9)]
    x = np.concatenate([_inputs(dtype), np.array(edges, dtype)])
    act = relucli.get(f"hardtanh:min_val={lo},max_val={hi}", convention="jax" if jax else "torch")
    value, grad = act.value_and_grad(x)
    np.testing.assert_array_equal(value, np.clip(x, dtype(lo), dtype(hi)))
    inside = (x >= lo) & (x <= hi) if jax else (x > lo) & (x < hi)
    np.testing.assert_array_equal(grad, np.where(np.isnan(x), np.nan, inside))
    assert not np.signbit(grad[~np.isnan(grad)]).any()


@pytest.mark.parametrize("path", exp_path.PATHS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("spec", "coef"), [("elu", 1.0), ("elu:alpha=0.5", 0.5), ("selu", None)])
def test_float32_exponential_family_is_within_two_ulp_on_and_between_grid_points(
    spec, coef, dtype, path
):
    """ELU and SELU read exp and expm1 off a 2^-11 grid in float32 on the "table" path
    (numerics/exp32.py): check every grid point, its float neighbours and the midpoints
    (where the rounding to the grid flips) against float64 NumPy, far more accurate than
    float32's ulp. The "simd" path (NumPy's float32 exp/expm1, up to 2.4 ulp; ELU and
    SELU within 2.6 and 3.1 ulp over every float32 in [-104, 0]) is held to the 4-ulp
    contract, in ulps of the subnormal grid below the smallest normal."""
    grid = -np.arange(0, 104 * 2048 + 1, 7) / 2048
    around = [grid, grid + 2**-12, grid - 2**-12, grid + 2**-13, grid * (1 + 2**-23)]
    rng = np.random.default_rng(11)
    tail = -(10.0 ** rng.uniform(-45, 2.02, 50_000))
    x = np.concatenate([*around, tail]).astype(dtype)
    x = x[(x >= -104) & (x <= 0)]
    with exp_path.force(path):
        value, grad = relucli.get(spec).value_and_grad(x)
    if coef is None:  # SELU: PyTorch's float32 scale*alpha, and the result scaled by it
        coef = float(dtype(relucli.variants.SELU_SCALE) * dtype(relucli.variants.SELU_ALPHA))
    x64 = x.astype(np.float64)
    exact_value, exact_grad = coef * np.expm1(x64), coef * np.exp(x64)
    simd = path == "simd" and dtype == np.float32 and coef != 0.5  # alpha = 0.5: tables
    bound, subnormal_bound = (4, 4) if simd or dtype == np.float64 else (2, 1)
    for got, exact in ((value, exact_value), (grad, exact_grad)):
        normal = np.abs(exact) >= np.finfo(dtype).tiny
        ulps = np.abs(got[normal] - exact[normal]) / np.spacing(np.abs(exact[normal]).astype(dtype))
        assert ulps.max() <= bound
        tiny = np.finfo(dtype).smallest_subnormal
        assert np.all(np.abs(got[~normal] - exact[~normal]) <= subnormal_bound * tiny)


def test_zero_signs_follow_pytorch():
    x = np.array([-0.0, 0.0])
    value, grad = relucli.get("relu").value_and_grad(x)
    assert np.signbit(value).tolist() == [True, False]  # relu(-0) = -0, as torch.relu
    assert np.signbit(grad).tolist() == [False, False]  # relu'(+-0) = +0
    value, grad = relucli.get("relu6").value_and_grad(x)
    assert np.signbit(value).tolist() == [True, False]
    assert np.signbit(grad).tolist() == [False, False]
    for dtype in (np.float64, np.float32):
        value, grad = relucli.get("leaky_relu").value_and_grad(x.astype(dtype))
        assert np.signbit(value).tolist() == [True, False]  # -0 * 0.01 = -0, as PyTorch
        assert grad.tolist() == [dtype(0.01)] * 2
        for spec in ("elu", "selu", "celu"):
            value, grad = relucli.get(spec).value_and_grad(x.astype(dtype))
            assert np.signbit(value).tolist() == [True, False], spec  # alpha expm1(-0) = -0


def test_rrelu_training_draws_one_float64_uniform_per_element_from_the_seed():
    x = -np.arange(1.0, 200_001.0)  # several chunks
    lower, upper = 1 / 8, 1 / 3
    value, grad = relucli.get("rrelu", train=True, seed=11).value_and_grad(x)
    slope = lower + (upper - lower) * np.random.default_rng(11).random(x.size)
    np.testing.assert_array_equal(grad, slope)
    np.testing.assert_array_equal(value, x * slope)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", ["relu", "elu", "silu", "gelu"])
def test_out_arrays_are_filled_and_returned(spec, dtype):
    act = relucli.get(spec)
    x = _inputs(dtype)[:2400].reshape(40, 60)
    value, grad = np.empty_like(x), np.empty_like(x)
    got_value, got_grad = act.value_and_grad(x, out=(value, grad))
    assert got_value is value and got_grad is grad
    expected_value, expected_grad = act.value_and_grad(x)
    np.testing.assert_array_equal(value, expected_value)
    np.testing.assert_array_equal(grad, expected_grad)
    only = np.empty_like(x)
    assert act(x, out=only) is only
    np.testing.assert_array_equal(only, expected_value)
    g = np.empty_like(x)
    assert act.grad(x, out=g) is g
    np.testing.assert_array_equal(g, expected_grad)


def test_out_array_of_the_wrong_kind_is_refused():
    act = relucli.get("relu")
    x = np.zeros(10)
    with pytest.raises(ValueError) as err:
        act(x, out=np.empty(10, np.float32))
    assert str(err.value) == (
        "out= array must be C-contiguous float64 of shape (10,), got float32 of shape (10,)"
    )
    with pytest.raises(ValueError):
        act(x, out=np.empty(20)[::2])


@pytest.mark.parametrize("spec", ["relu", "leaky_relu", "elu", "selu", "silu", "softplus"])
def test_memory_is_the_outputs_plus_a_fixed_workspace(spec):
    x = np.random.default_rng(0).standard_normal(8_000_000).astype(np.float32)  # 32 MB
    act = relucli.get(spec)
    act.value_and_grad(x[:10])  # lookup tables are built once per process: not counted
    tracemalloc.start()
    try:
        value, grad = act.value_and_grad(x)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    outputs = value.nbytes + grad.nbytes
    # The workspace is a few dozen chunk-sized arrays whatever the input size.
    assert peak - outputs < 16 * 2**20
    tracemalloc.start()
    try:
        grad = act.grad(x)  # the values stay in a chunk of scratch
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak - grad.nbytes < 16 * 2**20  # a full-size value array would be 32 MB


def test_kernels_work_on_nd_arrays_without_a_workspace():
    # relucli/lab/nn.py calls the PReLU kernel directly: (batch, width) with one slope per column.
    z = np.array([[-2.0, -2.0, 3.0], [0.0, -1.0, -0.0]])
    slope = np.array([0.1, 0.5, 0.25])
    value, grad = np.empty_like(z), np.empty_like(z)
    act = relucli.get("prelu")
    act.variant.kernel(z, value, grad, KernelArgs({"weight": slope}, z.dtype, False), Workspace(0))
    np.testing.assert_array_equal(value, [[-0.2, -1.0, 3.0], [0.0, -0.5, -0.0]])
    np.testing.assert_array_equal(grad, [[0.1, 0.5, 1.0], [0.1, 0.5, 0.25]])


def test_workspace_slots_are_reused_and_never_shared():
    w = Workspace(CHUNK)
    x = np.zeros(100, np.float32)
    a, b = w.buf(0, x), w.buf(1, x)
    assert w.buf(0, x) is a
    assert not np.shares_memory(a, b)
    assert w.buf(0, x, np.float64).dtype == np.float64
    ones = w.full(1.0, x)
    assert ones.tolist() == [1.0] * 100 and not ones.flags.writeable
    bigger = np.zeros(2 * CHUNK, np.float32)
    assert w.buf(0, bigger).shape == (2 * CHUNK,)


# ------------------------------------------- the workspace outlives the call, one per thread


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("act", [a for a in _acts() if not a.train], ids=repr)
def test_the_one_chunk_fast_path_equals_the_chunk_loop(act, dtype):
    # Fresh outputs on one chunk skip evaluate(); out= always goes through it.
    x = _inputs(dtype).reshape(7, -1)
    value, grad = act.value_and_grad(x)
    assert value.shape == grad.shape == x.shape
    out = (np.empty_like(x), np.empty_like(x))
    act.value_and_grad(x, out=out)
    _assert_same(value, out[0])
    _assert_same(grad, out[1])
    _assert_same(act(x), out[0])
    _assert_same(act.grad(x), out[1])


def test_parameters_changed_in_place_are_seen_by_the_fast_path():
    act = relucli.get("leaky_relu")
    x = np.array([-2.0, 3.0])
    assert act(x).tolist() == [-0.02, 3.0]
    act.params["negative_slope"] = 0.5
    assert act(x).tolist() == [-1.0, 3.0]
    assert act.value_and_grad(x)[1].tolist() == [0.5, 1.0]


def test_training_mode_draws_anew_on_every_call_on_the_fast_path_too():
    act = relucli.get("rrelu", train=True, seed=5)
    x = -np.ones(1000)
    first, again = act.value_and_grad(x), act.value_and_grad(x)
    np.testing.assert_array_equal(first[0], again[0])  # one seed: the same stream each call
    assert len(np.unique(first[1])) > 900


def test_a_thread_reuses_its_workspace_between_calls():
    from relucli.numerics import chunked

    act = relucli.get("silu")
    x = np.linspace(-5, 5, 3 * CHUNK, dtype=np.float32)
    act.value_and_grad(x)
    kept = list(chunked._LOCAL.idle)
    act.value_and_grad(x)
    assert chunked._LOCAL.idle == kept and len(kept) == 1


def test_a_call_nested_in_a_kernel_borrows_another_workspace():
    from relucli.numerics import chunked

    seen = []
    relu = relucli.get("relu")

    def outer(x, value, grad, a, w):
        seen.append(w)
        np.copyto(w.buf(0, x), x)
        inner = evaluate(relu.variant.kernel, -x, lambda d: KernelArgs({}, d, False))[0]
        # The inner call must not have written over this call's scratch.
        np.testing.assert_array_equal(w.buf(0, x), x)
        np.add(w.buf(0, x), inner, out=value)
        grad[...] = 1

    x = np.linspace(-1, 1, 1001)
    value, _ = evaluate(outer, x, lambda d: KernelArgs({}, d, False))
    np.testing.assert_array_equal(value, np.maximum(x, 0))  # x + relu(-x)
    assert len(chunked._LOCAL.idle) <= chunked._KEEP


def test_view_caches_stay_bounded_over_many_input_sizes():
    from relucli.numerics import chunked

    act = relucli.get("gelu")
    for n in range(1, 3 * Workspace.MAX_VIEWS):
        act.value_and_grad(np.ones(n, np.float32))
    for work in chunked._LOCAL.idle:
        stack = [work]
        while stack:
            w = stack.pop()
            assert len(w._views) <= Workspace.MAX_VIEWS
            assert len(w._consts[0]) <= Workspace.MAX_VIEWS
            stack.extend(w._scopes.values())


def test_variants_run_in_many_threads_at_once_give_the_single_thread_results():
    import threading

    specs = relucli.names()
    rng = np.random.default_rng(11)
    inputs = []
    for dtype in (np.float32, np.float64):
        big = np.concatenate([_inputs(dtype), rng.standard_normal(2 * CHUNK).astype(dtype)])
        inputs += [big, _inputs(dtype)[: 128 * 16].reshape(128, 16)]
    acts = [relucli.get(s) for s in specs]
    expected = {
        (i, j): a.value_and_grad(x) for i, a in enumerate(acts) for j, x in enumerate(inputs)
    }
    failures: list[str] = []

    def work(seed: int) -> None:
        order = np.random.default_rng(seed).permutation(len(expected))
        keys = list(expected)
        for k in order:
            i, j = keys[k]
            value, grad = acts[i].value_and_grad(inputs[j])
            want_value, want_grad = expected[i, j]
            for got, want in ((value, want_value), (grad, want_grad)):
                # As _assert_same: equal, NaN at the same places, same zero signs.
                same = np.array_equal(got, want, equal_nan=True) and np.array_equal(
                    np.signbit(got) & ~np.isnan(got), np.signbit(want) & ~np.isnan(want)
                )
                if not same:
                    failures.append(f"{specs[i]} input {j}")

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_a_parameter_sweep_keeps_a_bounded_number_of_constant_chunks():
    from relucli.numerics import chunked

    x = np.linspace(-30, 30, 1000)
    for k in range(3 * Workspace.MAX_CONSTS):
        # softplus's threshold becomes a constant chunk of its own.
        relucli.get(f"softplus:threshold={k + 0.5}").value_and_grad(x)
    for work in chunked._LOCAL.idle:
        assert len(work._consts[1]) <= Workspace.MAX_CONSTS
