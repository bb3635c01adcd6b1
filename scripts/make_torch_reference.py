"""Regenerate tests/data/torch_reference.json from PyTorch autograd.

Run with any Python that has torch (it is not a relucli dependency):

    pip install torch==2.13.0 && python scripts/make_torch_reference.py

For every variant, at its kinks and at a few ordinary points, in float64 and float32, the
file records PyTorch's value and autograd gradient (and PReLU's weight gradient) as exact
hex floats. tests/test_reference.py requires relucli to equal them bit for bit at kinks and to agree
closely elsewhere (PyTorch is not the accuracy oracle there: mpmath is).
"""

from __future__ import annotations

import importlib
import inspect
import json
import math
from pathlib import Path

import torch
import torch.nn.functional as F

import relucli
from relucli.variants import REGISTRY

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "torch_reference.json"

ORDINARY = [-3.5, -1.0, -0.25, 0.25, 1.0, 2.5, 20.0, 25.0]

# Settings besides each variant's defaults (relucli specs).
EXTRA_SPECS = [
    "leaky_relu:negative_slope=0.2",
    "elu:alpha=0.5",
    "gelu:approximate=tanh",
    "softshrink:lambd=2",
    "hardshrink:lambd=2",
    "threshold:threshold=1,value=2",
]


def torch_function(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def cases_from_records() -> list[tuple[str, object, list[float]]]:
    """(spec, torch function of x, kinks) for every record with a torch name (PReLU, whose
    weight is a tensor, has its own rows below). relucli's parameter names are PyTorch's
    keywords, so the function is called with the spec's parameters spelled out (those its
    signature takes: F.hardsigmoid takes none, its ends are relucli's generalization)."""
    specs = [v.name for v in REGISTRY.variants.values() if v.torch] + EXTRA_SPECS
    out = []
    for spec in specs:
        act = relucli.get(spec)
        if act.variant.learnable:
            continue
        fn = torch_function(act.variant.torch)
        params = {k: v for k, v in act.params.items() if _accepts(fn, k)}
        kinks = list(act.kinks) or [0.0]
        if 0.0 in kinks and spec == act.name:
            kinks.append(-0.0)
        out.append((spec, lambda x, fn=fn, params=params: fn(x, **params), kinks))
    return out


def _accepts(fn, keyword: str) -> bool:
    try:
        return keyword in inspect.signature(fn).parameters
    except ValueError:  # a builtin without a signature (F.gelu): it takes relucli's names
        return True


def hexf(v: float) -> str:
    return "nan" if math.isnan(v) else float(v).hex()


def value_and_grad(fn, xs: list[float], dtype) -> tuple[list[str], list[str]]:
    x = torch.tensor(xs, dtype=dtype, requires_grad=True)
    y = fn(x)
    y.sum().backward()
    return [hexf(v) for v in y.tolist()], [hexf(g) for g in x.grad.tolist()]


def prelu_rows(xs: list[float], dtype) -> dict:
    values, grads, wgrads = [], [], []
    for v in xs:  # one scalar weight per point, so its gradient is per element
        x = torch.tensor([v], dtype=dtype, requires_grad=True)
        w = torch.tensor([0.25], dtype=dtype, requires_grad=True)
        y = F.prelu(x, w)
        y.sum().backward()
        values.append(hexf(y.item()))
        grads.append(hexf(x.grad.item()))
        wgrads.append(hexf(w.grad.item()))
    return {"value": values, "grad": grads, "grad_weight": wgrads}


def main() -> None:
    cases = []
    for spec, fn, kinks in cases_from_records():
        xs = kinks + ORDINARY
        for dtype, name in ((torch.float64, "float64"), (torch.float32, "float32")):
            values, grads = value_and_grad(fn, xs, dtype)
            cases.append(
                {
                    "spec": spec,
                    "dtype": name,
                    "x": [hexf(v) for v in xs],
                    "kinks": len(kinks),
                    "value": values,
                    "grad": grads,
                }
            )
    for dtype, name in ((torch.float64, "float64"), (torch.float32, "float32")):
        xs = [0.0, -0.0, *ORDINARY]
        cases.append(
            {
                "spec": "prelu",
                "dtype": name,
                "x": [hexf(v) for v in xs],
                "kinks": 2,
                **prelu_rows(xs, dtype),
            }
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"torch": torch.__version__, "cases": cases}, indent=0) + "\n")
    print(f"wrote {OUT} ({len(cases)} cases, torch {torch.__version__})")


if __name__ == "__main__":
    main()
