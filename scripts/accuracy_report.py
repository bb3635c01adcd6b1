"""Print the worst ulp error of every variant against mpmath, per parameter regime: value,
gradient and each parameter gradient, float64 and float32 (the README's accuracy table).

    .venv/bin/python scripts/accuracy_report.py [--samples 6] [--seed 13]

Parameters are drawn per regime from each record's Param ranges (so new variants appear
with no change here): the defaults; powers of two 2^-20 .. 2^20; other values 10^-3 .. 10^3;
tiny 10^-300 .. 10^-30; huge 10^30 .. 10^300; negative values where valid. Inputs: 40
log-uniform magnitudes of either sign over the whole float range, 40 in [-40, 40], and
40 at each parameter's scale (p*u and u/p). The errors are measured as in
tests/test_param_accuracy.py (ulps of the exact result; of the largest term where a
gradient crosses zero; subnormal results in ulps of the smallest subnormal).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
from tabulate import tabulate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import cases
from test_param_accuracy import measure

from relucli.registry import Param, SpecError
from relucli.variants import REGISTRY

REGIMES = ("defaults", "powers of two", "other", "tiny", "huge", "negative")


def draw(param: Param, regime: str, rng: np.random.Generator) -> float | str | None:
    """One value of the parameter in the regime, or None when the regime has none valid."""
    if param.choices:
        return str(rng.choice(param.choices))
    if regime == "negative" and param.low >= 0:
        return None
    sign = -1.0 if regime == "negative" else 1.0
    for _ in range(50):
        if regime == "powers of two":
            value = float(2.0 ** int(rng.integers(-20, 21)))
        elif regime == "tiny":
            value = 10.0 ** rng.uniform(-300, -30)
        elif regime == "huge":
            value = 10.0 ** rng.uniform(30, 300)
        else:
            value = 10.0 ** rng.uniform(-3, 3)
        value *= sign
        if param.accepts(value):
            return value
    return None


def parameter_sets(variant, regime: str, samples: int, rng) -> list[dict]:
    out: list[dict] = []
    if regime == "defaults":
        # Every combination of the choice parameters (gelu's approximate), numbers at
        # their defaults.
        combos = [variant.defaults()]
        for p in variant.params:
            if p.choices:
                combos = [{**c, p.name: choice} for c in combos for choice in p.choices]
        return combos
    for _ in range(samples):
        values = {p.name: draw(p, regime, rng) for p in variant.params}
        numeric = [p for p in variant.params if not p.choices]
        if all(values[p.name] is None for p in numeric):
            return []
        values = {k: (v if v is not None else variant.param(k).default) for k, v in values.items()}
        # Cross-parameter checks (lower <= upper, min_val < max_val): order the draws.
        for pair in (("lower", "upper"), ("min_val", "max_val")):
            if set(pair) <= set(values):
                lo, hi = sorted((values[pair[0]], values[pair[1]]))
                values[pair[0]], values[pair[1]] = lo, hi
        try:
            variant.check(values)
        except SpecError:
            continue
        out.append(values)
    return out


def inputs(params: dict, rng: np.random.Generator) -> np.ndarray:
    parts = [
        rng.choice([-1.0, 1.0], 40) * 10.0 ** rng.uniform(-320, 308, 40),
        rng.uniform(-40, 40, 40),
    ]
    for v in params.values():
        if isinstance(v, float) and v != 0 and math.isfinite(v):
            parts += [rng.uniform(-50, 50, 20) * abs(v), rng.uniform(-800, 50, 20) / abs(v)]
    with np.errstate(over="ignore"):
        x = np.concatenate(parts)
    return x[np.isfinite(x)]


def _cell(worst: dict[str, float], key: str) -> str:
    if key != "params":
        return f"{worst.get(key, 0.0):.2f}"
    grads = {k: v for k, v in worst.items() if k.startswith("d/d")}
    if not grads:
        return ""
    name, err = max(grads.items(), key=lambda kv: kv[1])
    return f"{err:.2f} ({name[3:]})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=6, help="parameter sets per regime")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--variants", nargs="*", help="only these (default: all)")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    rows = []
    for case in cases.CASES:
        if args.variants and case.name not in args.variants:
            continue
        variant = REGISTRY.variants[case.name]
        groups = []
        # A row without an mpmath model for other parameters: its defaults only.
        regimes = REGIMES if cases.model(case) is not None else ("defaults",)
        for regime in regimes:
            sets = parameter_sets(variant, regime, args.samples, rng)
            if regime == "defaults" and len(sets) > 1:  # one row per choice (gelu's tanh)
                for s in sets:
                    choice = ",".join(f"{k}={v}" for k, v in s.items() if isinstance(v, str))
                    groups.append((f"defaults, {choice}", [s]))
            elif sets:
                groups.append((regime, sets))
        for label, sets in groups:
            worst = {np.float64: {}, np.float32: {}}
            for params in sets:
                x = inputs(params, rng)
                for dtype in (np.float64, np.float32):
                    try:
                        got = measure(case, params, dtype, x)
                    except (FloatingPointError, ValueError, OverflowError) as err:  # failed
                        got = {"value": math.inf, "grad": math.inf}
                        print(f"{case.name} {params} {dtype.__name__}: {err}", file=sys.stderr)
                    for k, v in got.items():
                        worst[dtype][k] = max(worst[dtype].get(k, 0.0), v)
            rows.append(
                [case.name, label]
                + [
                    _cell(worst[d], k)
                    for d in (np.float64, np.float32)
                    for k in ("value", "grad", "params")
                ]
                + [case.ulps]
            )
    headers = ["variant", "parameters", "f64 value", "f64 f'", "f64 df/dp"]
    headers += ["f32 value", "f32 f'", "f32 df/dp", "bound"]
    print(tabulate(rows, headers, tablefmt="github", disable_numparse=True))


if __name__ == "__main__":
    main()
