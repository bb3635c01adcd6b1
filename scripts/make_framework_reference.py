"""Measure what each deep-learning framework does for every elementwise activation.

Writes tests/data/framework_reference.json, the measured facts behind relucli's per-framework
conventions (issue 15, "Measured, not typed"). Nothing in the file is typed by hand: names are the
table below, defaults are read from the frameworks' own signatures, and every value and gradient
comes from the framework's own function and its own autodiff (torch.autograd, jax.vjp,
tf.GradientTape, mlx.core.vjp; Keras through its backend's autodiff). The frameworks are not
relucli dependencies; install them with the optional extra and run:

    pip install -e '.[frameworks]'
    python scripts/make_framework_reference.py            # measure and write the file
    python scripts/make_framework_reference.py --summary  # print the cross-framework differences

Each framework is measured in its own subprocess (``--measure FRAMEWORK`` prints its part as
JSON), because Keras picks its backend (KERAS_BACKEND) once per process. A framework that cannot
be imported is listed under "absent" with the reason.

Frameworks: torch, jax, flax (flax.linen), tf (tf.nn / tf.math), keras-tf, keras-jax,
keras-torch (Keras 3 on each backend; `keras.activations` functions, `keras.layers.PReLU`), mlx,
and tf-keras (the tf_keras package: Keras 2 as tf.keras was before Keras 3; its LeakyReLU, PReLU
and ThresholdedReLU are layers).

File layout (keys sorted, two-space indent, one point per line)::

    {"generated": "YYYY-MM-DD", "platform": {...}, "absent": {framework: reason},
     "frameworks": {framework: {"version": "...", "activations": {key: {
         "names": ["framework.spelling", ...],    # first one is what was measured
         "defaults": {name: {param: default}},    # from each name's signature
         "params": {param: value},                # what the measured call used
         "definition": "...",                     # note where the framework's form differs
         "measured": {quantity: value},           # derived from the points (slopes, constants)
         "output_dtype": {"float64": "float32"},  # only where the output dtype differs
         "errors": {dtype: "ExceptionType: message"},  # only where a dtype failed
         "points": {"float32": [[x, value, grad], ...], "float64": [...]}}}}}}

Keys are relucli's canonical variant names; a key with parameters uses relucli's spec syntax and
fixes only the form (``gelu`` is the exact erf form, ``gelu:approximate=tanh`` the tanh form);
all other parameters are the framework's defaults, recorded in "params". Keys for activations
relucli does not have yet: hardtanh, hardsigmoid, softsign, logsigmoid, softshrink, hardshrink,
tanhshrink, threshold (measured as threshold=1, value=0), step, squareplus, sparse_plus,
sparse_sigmoid, keras_relu (Keras's general relu, measured with negative_slope=0.1,
max_value=6, threshold=1), quick_gelu (x*sigmoid(1.702x)), relu2 (squared ReLU), identity,
``silu:beta=1.5`` (swish with beta), ``softplus:beta=2``, and max_x_0 / max_0_x (the
framework's elementwise maximum as maximum(x, 0) and maximum(0, x): the gradient at 0 of a tie
depends on the argument order in some frameworks).

Points: for every key the inputs -inf, -2, -0.5, -0.0, 0.0, 0.5, 2, inf, nan, each kink k of the
variant and k -+ 2**-10 beside it (so a kink's gradient can be told as the left, the right or
neither one-sided value), in float32 and, where the framework supports it, float64. In JSON,
numbers are shortest round-trip decimals of the exact binary value; nan, inf, -inf and -0.0 are
the strings "nan", "inf", "-inf", "-0.0". Softplus additionally records, per dtype, the smallest
x from which the framework returns exactly x with gradient exactly 1 and whether that is an
explicit switch (earlier than rounding alone would give).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import inspect
import json
import math
import os
import platform
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "framework_reference.json"

ORDINARY = (-2.0, -0.5, 0.5, 2.0)
SPECIAL = (-math.inf, math.inf, math.nan, -0.0, 0.0)
BESIDE = 2.0**-10  # exact in float32 beside every kink used here
DTYPES = ("float32", "float64")

# Frameworks measured, each with the column of TABLE it reads and the autodiff it uses.
FRAMEWORKS: dict[str, tuple[str, str]] = {
    "torch": ("torch", "torch"),
    "jax": ("jax", "jax"),
    "flax": ("flax", "jax"),
    "tf": ("tf", "tf"),
    "keras-tf": ("keras", "tf"),
    "keras-jax": ("keras", "jax"),
    "keras-torch": ("keras", "torch"),
    "mlx": ("mlx", "mlx"),
    "tf-keras": ("tf_keras", "tf"),
}
KERAS_BACKEND = {"keras-tf": "tensorflow", "keras-jax": "jax", "keras-torch": "torch"}
# The module whose version is recorded and whose import decides whether a framework is present.
VERSION_MODULE = {
    "torch": "torch",
    "jax": "jax",
    "flax": "flax",
    "tf": "tensorflow",
    "mlx": "mlx.core",
    "tf-keras": "tf_keras",
}
VERSION_MODULE.update(dict.fromkeys(KERAS_BACKEND, "keras"))

# Signature parameters that are not part of the mathematics.
NOT_MATH = {
    "inplace",
    "name",
    "parent",
    "kwargs",
    "args",
    "input",
    "x",
    "features",
    "self",
    "device",
    "out",
    "where",
}


class X:
    """Placeholder for the input among a call's positional arguments."""


class Zero:
    """Placeholder for a zero of the input's dtype (torch and tf maximum need a tensor)."""


@dataclass(frozen=True)
class Row:
    """How one framework spells one activation.

    names[0] is called (a function, or a layer class when layer=True); the other names are
    aliases and layer/module forms whose signature defaults are recorded too.
    """

    names: tuple[str, ...]
    args: tuple[Any, ...] = (X,)
    kwargs: dict[str, Any] = field(default_factory=dict)
    layer: bool = False
    note: str = ""


def R(
    *names: str, args: tuple[Any, ...] = (X,), layer: bool = False, note: str = "", **kw: Any
) -> Row:
    return Row(tuple(names), args, kw, layer, note)


# Kinks per key: points where the variant (or one framework's form of it) has a corner, a jump or
# a switch of formula. Keys not listed have only 0.
KINKS: dict[str, tuple[float, ...]] = {
    "relu6": (0.0, 6.0),
    "softplus": (0.0, 20.0),
    "softplus:beta=2": (0.0, 10.0),
    "hardswish": (-3.0, 0.0, 3.0),
    "hardtanh": (-1.0, 1.0),
    "hardsigmoid": (-3.0, -2.5, 2.5, 3.0),
    "softshrink": (-0.5, 0.5),
    "hardshrink": (-0.5, 0.5),
    "threshold": (1.0,),
    "sparse_plus": (-1.0, 1.0),
    "sparse_sigmoid": (-1.0, 1.0),
    "keras_relu": (0.0, 1.0, 6.0),
}

KERAS_RELU = {"negative_slope": 0.1, "max_value": 6.0, "threshold": 1.0}

# The one table: key -> framework column -> Row. Keras rows serve keras-tf, keras-jax and
# keras-torch alike.
TABLE: dict[str, dict[str, Row]] = {
    "relu": {
        "torch": R("torch.nn.functional.relu", "torch.relu", "torch.nn.ReLU"),
        "jax": R("jax.nn.relu"),
        "flax": R("flax.linen.relu"),
        "tf": R("tf.nn.relu"),
        "keras": R("keras.activations.relu", "keras.ops.relu", "keras.layers.ReLU"),
        "mlx": R("mlx.nn.relu", "mlx.nn.ReLU"),
        "tf_keras": R("tf_keras.activations.relu", "tf_keras.layers.ReLU"),
    },
    "leaky_relu": {
        "torch": R("torch.nn.functional.leaky_relu", "torch.nn.LeakyReLU"),
        "jax": R("jax.nn.leaky_relu"),
        "flax": R("flax.linen.leaky_relu"),
        "tf": R("tf.nn.leaky_relu"),
        "keras": R(
            "keras.activations.leaky_relu", "keras.ops.leaky_relu", "keras.layers.LeakyReLU"
        ),
        "mlx": R("mlx.nn.leaky_relu", "mlx.nn.LeakyReLU"),
        "tf_keras": R("tf_keras.layers.LeakyReLU", layer=True),
    },
    "prelu": {
        "torch": R("torch.nn.PReLU", "torch.nn.functional.prelu", layer=True),
        "flax": R("flax.linen.PReLU", layer=True),
        "keras": R("keras.layers.PReLU", layer=True),
        "mlx": R("mlx.nn.PReLU", "mlx.nn.prelu", layer=True),
        "tf_keras": R("tf_keras.layers.PReLU", layer=True),
    },
    "elu": {
        "torch": R("torch.nn.functional.elu", "torch.nn.ELU"),
        "jax": R("jax.nn.elu"),
        "flax": R("flax.linen.elu"),
        "tf": R("tf.nn.elu", note="tf.nn.elu has no alpha parameter (alpha = 1)"),
        "keras": R("keras.activations.elu", "keras.ops.elu", "keras.layers.ELU"),
        "mlx": R("mlx.nn.elu", "mlx.nn.ELU"),
        "tf_keras": R("tf_keras.activations.elu", "tf_keras.layers.ELU"),
    },
    "rrelu": {
        "torch": R("torch.nn.functional.rrelu", "torch.nn.RReLU"),
    },
    "selu": {
        "torch": R("torch.nn.functional.selu", "torch.nn.SELU"),
        "jax": R("jax.nn.selu"),
        "flax": R("flax.linen.selu"),
        "tf": R("tf.nn.selu"),
        "keras": R("keras.activations.selu", "keras.ops.selu"),
        "mlx": R("mlx.nn.selu", "mlx.nn.SELU"),
        "tf_keras": R("tf_keras.activations.selu"),
    },
    "relu6": {
        "torch": R("torch.nn.functional.relu6", "torch.nn.ReLU6"),
        "jax": R("jax.nn.relu6"),
        "flax": R("flax.linen.relu6"),
        "tf": R("tf.nn.relu6"),
        "keras": R("keras.activations.relu6", "keras.ops.relu6"),
        "mlx": R("mlx.nn.relu6", "mlx.nn.ReLU6"),
    },
    "celu": {
        "torch": R("torch.nn.functional.celu", "torch.nn.CELU"),
        "jax": R("jax.nn.celu"),
        "flax": R("flax.linen.celu"),
        "keras": R("keras.activations.celu", "keras.ops.celu"),
        "mlx": R("mlx.nn.celu", "mlx.nn.CELU"),
    },
    "gelu": {
        "torch": R("torch.nn.functional.gelu", "torch.nn.GELU"),
        "jax": R("jax.nn.gelu", approximate=False),
        "flax": R("flax.linen.gelu", approximate=False),
        "tf": R("tf.nn.gelu"),
        "keras": R("keras.activations.gelu", "keras.ops.gelu", approximate=False),
        "mlx": R("mlx.nn.gelu", "mlx.nn.GELU"),
        "tf_keras": R("tf_keras.activations.gelu"),
    },
    "gelu:approximate=tanh": {
        "torch": R("torch.nn.functional.gelu", "torch.nn.GELU", approximate="tanh"),
        "jax": R("jax.nn.gelu", approximate=True),
        "flax": R("flax.linen.gelu", approximate=True),
        "tf": R("tf.nn.gelu", approximate=True),
        "keras": R("keras.activations.gelu", "keras.ops.gelu", approximate=True),
        "mlx": R("mlx.nn.gelu_approx", "mlx.nn.GELU"),
        "tf_keras": R("tf_keras.activations.gelu", approximate=True),
    },
    "quick_gelu": {
        "mlx": R("mlx.nn.gelu_fast_approx", "mlx.nn.GELU", note="x * sigmoid(1.702 x)"),
    },
    "silu": {
        "torch": R("torch.nn.functional.silu", "torch.nn.SiLU"),
        "jax": R("jax.nn.silu", "jax.nn.swish"),
        "flax": R("flax.linen.silu", "flax.linen.swish"),
        "tf": R("tf.nn.silu", "tf.nn.swish"),
        "keras": R("keras.activations.silu", "keras.activations.swish", "keras.ops.silu"),
        "mlx": R("mlx.nn.silu", "mlx.nn.SiLU"),
        "tf_keras": R("tf_keras.activations.swish"),
    },
    "silu:beta=1.5": {
        "tf": R("tf.nn.silu", "tf.nn.swish", beta=1.5, note="x * sigmoid(beta x)"),
    },
    "mish": {
        "torch": R("torch.nn.functional.mish", "torch.nn.Mish"),
        "jax": R("jax.nn.mish"),
        "keras": R("keras.activations.mish"),
        "mlx": R("mlx.nn.mish", "mlx.nn.Mish"),
        "tf_keras": R("tf_keras.activations.mish"),
    },
    "softplus": {
        "torch": R(
            "torch.nn.functional.softplus",
            "torch.nn.Softplus",
            note="x where beta*x > threshold",
        ),
        "jax": R("jax.nn.softplus"),
        "flax": R("flax.linen.softplus"),
        "tf": R("tf.nn.softplus", "tf.math.softplus"),
        "keras": R("keras.activations.softplus", "keras.ops.softplus"),
        "mlx": R("mlx.nn.softplus", "mlx.nn.Softplus"),
        "tf_keras": R("tf_keras.activations.softplus"),
    },
    "softplus:beta=2": {
        "torch": R("torch.nn.functional.softplus", "torch.nn.Softplus", beta=2.0),
    },
    "sigmoid": {
        "torch": R("torch.sigmoid", "torch.nn.Sigmoid"),
        "jax": R("jax.nn.sigmoid"),
        "flax": R("flax.linen.sigmoid"),
        "tf": R("tf.nn.sigmoid", "tf.math.sigmoid"),
        "keras": R("keras.activations.sigmoid", "keras.ops.sigmoid"),
        "mlx": R("mlx.nn.sigmoid", "mlx.nn.Sigmoid"),
        "tf_keras": R("tf_keras.activations.sigmoid"),
    },
    "tanh": {
        "torch": R("torch.tanh", "torch.nn.Tanh"),
        "jax": R("jax.nn.tanh"),
        "flax": R("flax.linen.tanh"),
        "tf": R("tf.nn.tanh", "tf.math.tanh"),
        "keras": R("keras.activations.tanh", "keras.ops.tanh"),
        "mlx": R("mlx.nn.tanh", "mlx.nn.Tanh"),
        "tf_keras": R("tf_keras.activations.tanh"),
    },
    "hardswish": {
        "torch": R("torch.nn.functional.hardswish", "torch.nn.Hardswish"),
        "jax": R("jax.nn.hard_swish", "jax.nn.hard_silu"),
        "flax": R("flax.linen.hard_swish", "flax.linen.hard_silu"),
        "keras": R(
            "keras.activations.hard_silu", "keras.activations.hard_swish", "keras.ops.hard_silu"
        ),
        "mlx": R("mlx.nn.hardswish", "mlx.nn.Hardswish"),
    },
    "hardtanh": {
        "torch": R("torch.nn.functional.hardtanh", "torch.nn.Hardtanh"),
        "jax": R("jax.nn.hard_tanh"),
        "flax": R("flax.linen.hard_tanh"),
        "keras": R("keras.activations.hard_tanh", "keras.ops.hard_tanh"),
        "mlx": R("mlx.nn.hard_tanh", "mlx.nn.HardTanh"),
    },
    "hardsigmoid": {
        "torch": R("torch.nn.functional.hardsigmoid", "torch.nn.Hardsigmoid"),
        "jax": R("jax.nn.hard_sigmoid"),
        "flax": R("flax.linen.hard_sigmoid"),
        "keras": R("keras.activations.hard_sigmoid", "keras.ops.hard_sigmoid"),
        "tf_keras": R("tf_keras.activations.hard_sigmoid"),
    },
    "softsign": {
        "torch": R("torch.nn.functional.softsign", "torch.nn.Softsign"),
        "jax": R("jax.nn.soft_sign"),
        "flax": R("flax.linen.soft_sign"),
        "tf": R("tf.nn.softsign", "tf.math.softsign"),
        "keras": R("keras.activations.softsign", "keras.ops.softsign"),
        "mlx": R("mlx.nn.softsign", "mlx.nn.Softsign"),
        "tf_keras": R("tf_keras.activations.softsign"),
    },
    "logsigmoid": {
        "torch": R("torch.nn.functional.logsigmoid", "torch.nn.LogSigmoid"),
        "jax": R("jax.nn.log_sigmoid"),
        "flax": R("flax.linen.log_sigmoid"),
        "tf": R("tf.math.log_sigmoid"),
        "keras": R("keras.activations.log_sigmoid", "keras.ops.log_sigmoid"),
        "mlx": R("mlx.nn.log_sigmoid", "mlx.nn.LogSigmoid"),
    },
    "softshrink": {
        "torch": R("torch.nn.functional.softshrink", "torch.nn.Softshrink"),
        "keras": R("keras.activations.soft_shrink", "keras.ops.soft_shrink"),
        "mlx": R("mlx.nn.softshrink", "mlx.nn.Softshrink"),
    },
    "hardshrink": {
        "torch": R("torch.nn.functional.hardshrink", "torch.nn.Hardshrink"),
        "keras": R("keras.activations.hard_shrink", "keras.ops.hard_shrink"),
        "mlx": R("mlx.nn.hard_shrink", "mlx.nn.HardShrink"),
    },
    "tanhshrink": {
        "torch": R("torch.nn.functional.tanhshrink", "torch.nn.Tanhshrink"),
        "keras": R("keras.activations.tanh_shrink", "keras.ops.tanh_shrink"),
    },
    "threshold": {
        "torch": R("torch.nn.functional.threshold", "torch.nn.Threshold", threshold=1.0, value=0.0),
        "keras": R(
            "keras.activations.threshold", "keras.ops.threshold", threshold=1.0, default_value=0.0
        ),
        "tf_keras": R("tf_keras.layers.ThresholdedReLU", layer=True),
    },
    "step": {
        "mlx": R("mlx.nn.step", "mlx.nn.Step"),
    },
    "squareplus": {
        "jax": R("jax.nn.squareplus"),
        "keras": R("keras.activations.squareplus", "keras.ops.squareplus"),
    },
    "sparse_plus": {
        "jax": R("jax.nn.sparse_plus"),
        "keras": R("keras.activations.sparse_plus", "keras.ops.sparse_plus"),
    },
    "sparse_sigmoid": {
        "jax": R("jax.nn.sparse_sigmoid"),
        "keras": R("keras.activations.sparse_sigmoid", "keras.ops.sparse_sigmoid"),
    },
    "keras_relu": {
        "keras": R("keras.activations.relu", "keras.layers.ReLU", **KERAS_RELU),
        "tf_keras": R(
            "tf_keras.activations.relu",
            "tf_keras.layers.ReLU",
            alpha=0.1,
            max_value=6.0,
            threshold=1.0,
        ),
    },
    "relu2": {
        "mlx": R("mlx.nn.relu2", "mlx.nn.ReLU2"),
    },
    "identity": {
        "torch": R("torch.nn.Identity", layer=True),
        "jax": R("jax.nn.identity"),
        "tf": R("tf.identity"),
        "keras": R("keras.activations.linear"),
        "mlx": R("mlx.nn.Identity", layer=True),
        "tf_keras": R("tf_keras.activations.linear"),
    },
    "max_x_0": {
        "torch": R("torch.maximum", args=(X, Zero)),
        "jax": R("jax.numpy.maximum", args=(X, 0.0)),
        "tf": R("tf.maximum", args=(X, Zero)),
        "keras": R("keras.ops.maximum", args=(X, 0.0)),
        "mlx": R("mlx.core.maximum", args=(X, 0.0)),
    },
    "max_0_x": {
        "torch": R("torch.maximum", args=(Zero, X)),
        "jax": R("jax.numpy.maximum", args=(0.0, X)),
        "tf": R("tf.maximum", args=(Zero, X)),
        "keras": R("keras.ops.maximum", args=(0.0, X)),
        "mlx": R("mlx.core.maximum", args=(0.0, X)),
    },
}


# ----------------------------------------------------------------------------------------------
# JSON encoding of measured floats


def enc(v: float) -> float | str:
    """A float as JSON: nan, inf, -inf and -0.0 as strings, anything else as itself."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0 and math.copysign(1.0, v) < 0:
        return "-0.0"
    return v


def dec(v: float | str) -> float:
    """Inverse of enc."""
    return float(v)


def same(a: float, b: float) -> bool:
    """Bitwise-style equality: NaN equals NaN, -0.0 differs from 0.0."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def points_for(key: str) -> list[float]:
    """The inputs measured for one key, in order (-0.0 before 0.0, nan last)."""
    xs = list(ORDINARY) + list(SPECIAL)
    for k in KINKS.get(key, (0.0,)):
        xs += [k - BESIDE, k, k + BESIDE]
    unique: dict[tuple[bool, float, bool], float] = {}
    for x in xs:
        nan = math.isnan(x)
        unique[(nan, 0.0 if nan else x, math.copysign(1.0, x) > 0)] = x
    return [unique[k] for k in sorted(unique)]


# ----------------------------------------------------------------------------------------------
# Resolving names and reading defaults

ALIASES = {"tf": "tensorflow"}


def resolve(name: str) -> Any:
    """The object a dotted user-facing name ("tf.nn.relu", "mlx.nn.PReLU") refers to."""
    parts = name.split(".")
    parts[0] = ALIASES.get(parts[0], parts[0])
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(name)


def plain(v: Any) -> Any:
    """A default value as JSON (classes and other objects by name)."""
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, float):
        return enc(v)
    return getattr(v, "__name__", None) or str(v)


def signature_defaults(obj: Any) -> dict[str, Any] | None:
    """The defaults of a function's or a class constructor's mathematical parameters."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None  # builtins without a signature (torch.sigmoid, mlx.core.maximum)
    return {
        p.name: plain(p.default)
        for p in sig.parameters.values()
        if p.default is not inspect.Parameter.empty
        and p.name not in NOT_MATH
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        and not p.name.endswith(("_regularizer", "_constraint", "dtype"))
        and p.name not in ("shared_axes", "num_parameters")
    }


# ----------------------------------------------------------------------------------------------
# One adapter per autodiff: arrays in and out, and value+gradient of an elementwise function.


class Autodiff:
    """Value and gradient of an elementwise function with one framework's own autodiff."""

    def array(self, xs: np.ndarray, dtype: str) -> Any:
        raise NotImplementedError

    def zero(self, dtype: str) -> Any:
        raise NotImplementedError

    def vjp(self, fn: Callable[[Any], Any], x: Any) -> tuple[Any, Any]:
        """(fn(x), gradient of sum(fn(x))): elementwise, so one gradient per point."""
        raise NotImplementedError

    def numpy(self, a: Any) -> np.ndarray:
        return np.asarray(a)


class TorchAD(Autodiff):
    def __init__(self) -> None:
        import torch

        self.torch = torch

    def array(self, xs: np.ndarray, dtype: str) -> Any:
        return self.torch.tensor(xs.astype(dtype), dtype=getattr(self.torch, dtype))

    def zero(self, dtype: str) -> Any:
        return self.torch.zeros((), dtype=getattr(self.torch, dtype))

    def vjp(self, fn: Callable[[Any], Any], x: Any) -> tuple[Any, Any]:
        x = x.clone().requires_grad_(True)
        y = fn(x)
        (g,) = self.torch.autograd.grad(y, x, self.torch.ones_like(y))
        return y.detach(), g

    def numpy(self, a: Any) -> np.ndarray:
        return a.detach().numpy()


class JaxAD(Autodiff):
    def __init__(self) -> None:
        import jax

        jax.config.update("jax_enable_x64", True)  # else float64 arrays are silently float32
        jax.config.update("jax_platforms", "cpu")
        self.jax = jax
        self.jnp = jax.numpy

    def array(self, xs: np.ndarray, dtype: str) -> Any:
        return self.jnp.asarray(xs.astype(dtype))

    def zero(self, dtype: str) -> Any:
        return self.jnp.zeros((), dtype=dtype)

    def vjp(self, fn: Callable[[Any], Any], x: Any) -> tuple[Any, Any]:
        y, back = self.jax.vjp(fn, x)
        (g,) = back(self.jnp.ones_like(y))
        return y, g


class TfAD(Autodiff):
    def __init__(self) -> None:
        import tensorflow as tf

        self.tf = tf

    def array(self, xs: np.ndarray, dtype: str) -> Any:
        return self.tf.constant(xs.astype(dtype))

    def zero(self, dtype: str) -> Any:
        return self.tf.zeros((), dtype=dtype)

    def vjp(self, fn: Callable[[Any], Any], x: Any) -> tuple[Any, Any]:
        with self.tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
        g = tape.gradient(y, x, output_gradients=self.tf.ones_like(y))
        return y, g

    def numpy(self, a: Any) -> np.ndarray:
        return np.asarray(a)


class MlxAD(Autodiff):
    def __init__(self) -> None:
        import mlx.core as mx

        self.mx = mx

    def array(self, xs: np.ndarray, dtype: str) -> Any:
        return self.mx.array(xs.astype(dtype), dtype=getattr(self.mx, dtype))

    def zero(self, dtype: str) -> Any:
        return self.mx.zeros((), dtype=getattr(self.mx, dtype))

    def vjp(self, fn: Callable[[Any], Any], x: Any) -> tuple[Any, Any]:
        y = fn(x)
        (_,), (g,) = self.mx.vjp(lambda a: [fn(a)], [x], [self.mx.ones_like(y)])
        return y, g

    def numpy(self, a: Any) -> np.ndarray:
        return np.array(a)


AUTODIFF = {"torch": TorchAD, "jax": JaxAD, "tf": TfAD, "mlx": MlxAD}


def make_layer(column: str, cls: Any, ad: Autodiff, x: Any, dtype: str) -> Callable[[Any], Any]:
    """An instance of a layer class with its default initial weights, as a function of x."""
    if column == "torch":
        return cls().to(getattr(ad.torch, dtype))  # type: ignore[attr-defined]
    if column == "mlx":
        return cls()
    if column in ("keras", "tf_keras"):
        layer = cls(dtype=dtype)
        layer(x)  # build (create the weights) outside any autodiff trace
        return layer
    if column == "flax":
        module = cls()
        variables = module.init(ad.jax.random.PRNGKey(0), x)  # type: ignore[attr-defined]
        return lambda a: module.apply(variables, a)
    raise ValueError(column)


def dtype_name(a: Any) -> str:
    """The short dtype name of a framework array ("float32")."""
    found = re.search(r"(b?float|int|uint|complex)\d+", str(getattr(a, "dtype", "")))
    return found.group(0) if found else str(getattr(a, "dtype", ""))


def callable_for(row: Row, column: str, ad: Autodiff, x: Any, dtype: str) -> Callable[[Any], Any]:
    target = resolve(row.names[0])
    if row.layer:
        return make_layer(column, target, ad, x, dtype)

    def fn(a: Any) -> Any:
        args = [a if p is X else ad.zero(dtype) if p is Zero else p for p in row.args]
        return target(*args, **row.kwargs)

    return fn


def value_grad(
    row: Row, column: str, ad: Autodiff, xs: Sequence[float], dtype: str
) -> tuple[np.ndarray, np.ndarray, str]:
    x = ad.array(np.array(xs, dtype=np.float64), dtype)
    y, g = ad.vjp(callable_for(row, column, ad, x, dtype), x)
    return ad.numpy(y).astype(np.float64), ad.numpy(g).astype(np.float64), dtype_name(y)


def softplus_switch(row: Row, column: str, ad: Autodiff, dtype: str) -> dict[str, Any]:
    """Where softplus starts returning exactly x, and its gradient exactly 1.

    Each is the smallest float of the dtype from which on (checked on a grid up to 64, then
    bisected to adjacent floats) the framework gives exactly x (or 1). "by_rounding_from" is
    where the correctly rounded softplus and sigmoid reach x and 1 by rounding alone (on the
    grid); "earlier_than_rounding" marks a framework point more than 0.5 before it: an explicit
    switch of formula (PyTorch's threshold, TensorFlow's log(eps) + 2) or a less accurate
    formula (1 + exp(-x) rounding to 1).
    """
    np_dtype = np.dtype(dtype).type
    grid = np.arange(0.0, 64.0, 1 / 16)
    eps = float(np.finfo(np_dtype).eps)
    natural = {  # float64 evaluations are accurate enough to tell where rounding lands
        "value": np.log1p(np.exp(-grid)) < np.spacing(grid.astype(dtype)).astype(float) / 2,
        "grad": np.exp(-grid) < eps / 4,
    }

    def hits(v: np.ndarray) -> dict[str, np.ndarray]:
        vals, grads, _ = value_grad(row, column, ad, list(v), dtype)
        xs = v.astype(dtype).astype(np.float64)
        return {"value": vals == xs, "grad": grads == 1.0}

    on_grid = hits(grid)
    out: dict[str, Any] = {}
    for what in ("value", "grad"):
        h = on_grid[what]
        nat = grid[np.flatnonzero(~natural[what])[-1] + 1]
        if not h[-1]:
            out[what] = {
                "exact_from": None,
                "by_rounding_from": enc(nat),
                "earlier_than_rounding": False,
            }
            continue
        first = int(np.flatnonzero(~h)[-1]) + 1 if not h.all() else 0
        lo, hi = np_dtype(grid[max(first - 1, 0)]), np_dtype(grid[first])
        while first and np.nextafter(lo, hi) != hi:  # bisect down to adjacent floats
            mid = np_dtype((float(lo) + float(hi)) / 2)
            if hits(np.array([mid], dtype=np.float64))[what][0]:
                hi = mid
            else:
                lo = mid
        out[what] = {
            "exact_from": enc(float(hi)),
            "by_rounding_from": enc(float(nat)),
            "earlier_than_rounding": bool(float(hi) < nat - 0.5),
        }
    return out


def derived(key: str, pts: dict[str, list[list[Any]]]) -> dict[str, Any]:
    """Quantities read off the points that tell a framework's form apart."""
    m = point_map(pts)
    if not m:
        return {}
    base = key.split(":")[0]
    out: dict[str, Any] = {}
    if base in ("leaky_relu", "prelu", "rrelu"):
        out["negative_slope"] = enc(at(m, -2.0)[1])
    if base in ("elu", "celu"):
        out["alpha"] = enc(-at(m, -math.inf)[0])
    if base == "selu":
        out["scale"] = enc(at(m, 2.0)[1])
        out["scale_alpha"] = enc(-at(m, -math.inf)[0])
    if base == "hardsigmoid":
        v0, g0 = at(m, 0.0)
        out["slope"], out["intercept"] = enc(g0), enc(v0)
        out["zero_at"], out["one_at"] = enc(-v0 / g0), enc((1 - v0) / g0)
    return out


def definition_note(key: str, row: Row, measured: dict[str, Any]) -> str:
    if key.split(":")[0] == "hardsigmoid" and "slope" in measured:
        return (
            f"clip({measured['slope']!r}*x + {measured['intercept']!r}, 0, 1) "
            f"(0 below {measured['zero_at']!r}, 1 above {measured['one_at']!r})"
        )
    return row.note


def measure_framework(framework: str, keys: Sequence[str] | None = None) -> dict[str, Any]:
    """Everything measured for one framework (run in a process of its own)."""
    column, autodiff = FRAMEWORKS[framework]
    if framework in KERAS_BACKEND:
        os.environ["KERAS_BACKEND"] = KERAS_BACKEND[framework]
    ad = AUTODIFF[autodiff]()
    version = importlib.import_module(VERSION_MODULE[framework]).__version__
    if framework in KERAS_BACKEND:
        import keras

        assert keras.backend.backend() == KERAS_BACKEND[framework]
        version = f"keras {version} on {autodiff} {backend_version(autodiff)}"
    elif framework == "tf-keras":
        version = f"tf_keras {version} on tf {backend_version(autodiff)}"
    acts: dict[str, Any] = {}
    for key, columns in TABLE.items():
        if (keys is not None and key not in keys) or column not in columns:
            continue
        row = columns[column]
        try:
            resolve(row.names[0])
        except (ImportError, AttributeError):
            continue  # this version of the framework does not have it
        entry: dict[str, Any] = {"names": list(row.names), "definition": row.note}
        defaults = {}
        for name in row.names:
            try:
                d = signature_defaults(resolve(name))
            except (ImportError, AttributeError):
                continue
            if d:
                defaults[name] = d
        entry["defaults"] = defaults
        # The measured call's own defaults; a builtin without a signature (F.gelu) takes those
        # of its module form (nn.GELU), which it shares.
        own = signature_defaults(resolve(row.names[0]))
        params = dict(
            next((defaults[n] for n in row.names if n in defaults), {}) if own is None else own
        )
        params.update({k: plain(v) for k, v in row.kwargs.items()})
        entry["params"] = params
        xs = points_for(key)
        points, errors, out_dtypes = {}, {}, {}
        for dtype in DTYPES:
            try:
                vals, grads, out_dtype = value_grad(row, column, ad, xs, dtype)
            except Exception as e:  # a dtype the framework refuses is a fact to record
                errors[dtype] = f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"
                continue
            x_in = np.array(xs, dtype=np.float64).astype(dtype).astype(np.float64)
            points[dtype] = [[enc(a), enc(b), enc(c)] for a, b, c in zip(x_in, vals, grads)]
            if out_dtype != dtype:
                out_dtypes[dtype] = out_dtype
        entry["points"] = points
        if errors:
            entry["errors"] = errors
        if out_dtypes:
            entry["output_dtype"] = out_dtypes
        entry["measured"] = derived(key, points)
        if key == "softplus":
            entry["measured"]["switch_to_x"] = {
                dtype: softplus_switch(row, column, ad, dtype) for dtype in points
            }
        entry["definition"] = definition_note(key, row, entry["measured"])
        acts[key] = entry
    return {"version": version, "activations": acts}


def backend_version(autodiff: str) -> str:
    return importlib.import_module({"tf": "tensorflow"}.get(autodiff, autodiff)).__version__


# ----------------------------------------------------------------------------------------------
# Driving the subprocesses and writing the file


def run_subprocess(framework: str, keys: Sequence[str] | None = None) -> dict[str, Any]:
    """Measure one framework in a fresh interpreter; raises RuntimeError with the reason."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", JAX_PLATFORMS="cpu")
    env.pop("KERAS_BACKEND", None)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", framework]
    if keys is not None:
        cmd += ["--keys", ",".join(keys)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
        raise RuntimeError(lines[-1] if lines else f"exit {proc.returncode}")
    return json.loads(proc.stdout)


def dumps(obj: Any, indent: int = 0) -> str:
    """Deterministic JSON: sorted keys, two-space indent, a list of scalars on one line."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {dumps(obj[k], indent + 1)}" for k in sorted(obj)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list):
        if all(not isinstance(v, dict | list) for v in obj):
            return json.dumps(obj)
        return "[\n" + ",\n".join(inner + dumps(v, indent + 1) for v in obj) + "\n" + pad + "]"
    return json.dumps(obj)


def build(frameworks: Sequence[str], previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole file: the given frameworks measured, the others kept from previous."""
    out: dict[str, Any] = {
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        "platform": {
            "machine": platform.machine(),
            "system": platform.system(),
            "python": platform.python_version(),
            "numpy": np.__version__,
        },
        "frameworks": {},
        "absent": {},
    }
    for part in ("frameworks", "absent"):
        kept = (previous or {}).get(part, {})
        out[part] = {fw: v for fw, v in kept.items() if fw in FRAMEWORKS and fw not in frameworks}
    for fw in frameworks:
        print(f"measuring {fw} ...", file=sys.stderr)
        try:
            out["frameworks"][fw] = run_subprocess(fw)
        except RuntimeError as e:
            out["absent"][fw] = str(e)
    return out


# ----------------------------------------------------------------------------------------------
# Summary of the differences


def load(path: Path = OUT) -> dict[str, Any]:
    return json.loads(path.read_text())


def point_map(points: dict[str, list[list[Any]]]) -> dict[float | str, tuple[float, float]]:
    """One entry's points as {encoded x: (value, grad)}, float64 where measured, else float32.

    Keyed by the encoded x, because -0.0 and 0.0 are one key as floats; look up with at().
    """
    rows = points.get("float64") or points.get("float32") or []
    return {x: (dec(v), dec(g)) for x, v, g in rows}


def at(m: dict[float | str, tuple[float, float]], x: float) -> tuple[float, float]:
    return m[enc(x)]


def fmt(v: float) -> str:
    if math.isnan(v):
        return "nan"
    if v == 0:
        return "-0" if math.copysign(1, v) < 0 else "0"
    return f"{v:.6g}"


def side(g: float, left: float, right: float) -> str:
    """Whether a kink's gradient is the left, the right or neither one-sided gradient."""
    scale = max(abs(left), abs(right), 1.0)
    tol = 8 * BESIDE * scale
    if abs(left - right) <= tol:
        return "smooth" if abs(g - left) <= tol else "other"
    if abs(g - left) <= tol:
        return "left"
    if abs(g - right) <= tol:
        return "right"
    if abs(g - (left + right) / 2) <= tol:
        return "mean"
    return "other"


# Keys whose kink gradient is a parameter, so values differ with the defaults; only the side counts.
PARAM_SLOPE = ("leaky_relu", "prelu")


def _sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# Double-precision formulas, accurate to a few ulp at the ordinary points (|x| <= 2), to tell a
# float64 result that was computed in float32 (a relative error near 1e-8) from a float64 one.
FLOAT64_CHECK: dict[str, Callable[[float], float]] = {
    "sigmoid": _sig,
    "tanh": math.tanh,
    "silu": lambda x: x * _sig(x),
    "softplus": lambda x: math.log1p(math.exp(x)),
    "logsigmoid": lambda x: -math.log1p(math.exp(-x)),
    "softsign": lambda x: x / (1 + abs(x)),
    "mish": lambda x: x * math.tanh(math.log1p(math.exp(x))),
    "gelu": lambda x: 0.5 * x * (1 + math.erf(x / math.sqrt(2))),
    "gelu:approximate=tanh": lambda x: (
        0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    ),
    "quick_gelu": lambda x: x * _sig(1.702 * x),
    "elu": lambda x: x if x > 0 else math.expm1(x),
    "celu": lambda x: x if x > 0 else math.expm1(x),
}


def grouped(cells: dict[str, str]) -> str:
    """Frameworks with the same cell joined: "torch/jax 0.5; tf 1"."""
    groups: dict[str, list[str]] = {}
    for fw, cell in cells.items():
        groups.setdefault(cell, []).append(fw)
    return "; ".join(f"{'/'.join(fws)} {cell}" for cell, fws in groups.items())


def summary(data: dict[str, Any]) -> list[str]:
    """The cross-framework differences in a reference file, one line per fact."""
    fws = data["frameworks"]
    lines = ["measured: " + "; ".join(f"{fw} {fws[fw]['version']}" for fw in fws)]
    lines += [f"absent: {fw}: {why}" for fw, why in sorted(data["absent"].items())]
    keys = [k for k in TABLE if any(k in fws[fw]["activations"] for fw in fws)]

    def entries(key: str) -> dict[str, dict[str, Any]]:
        return {fw: fws[fw]["activations"][key] for fw in fws if key in fws[fw]["activations"]}

    def show(d: dict[str, Any]) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(d.items())) or "-"

    lines.append(
        "\n== defaults, where frameworks differ (the measured call's; other forms after |)"
    )
    for key in keys:
        cells = {}
        for fw, e in entries(key).items():
            other = [
                f"{n.rsplit('.', 1)[-1]}: {show(d)}"
                for n, d in e["defaults"].items()
                if d != e["params"]
            ]
            cells[fw] = show(e["params"]) + (" | " + "; ".join(other) if other else "")
        if len(set(cells.values())) > 1:
            lines.append(f"  {key}: {grouped(cells)}")

    lines.append("\n== definitions and constants read off the points, where frameworks differ")
    for key in keys:
        cells = {}
        for fw, e in entries(key).items():
            meas = {k: v for k, v in e["measured"].items() if k != "switch_to_x"}
            if meas or e["definition"]:
                cells[fw] = (e["definition"] + " " if e["definition"] else "") + show(meas)
        if len(set(cells.values())) > 1 or (cells and len(cells) < len(entries(key))):
            lines.append(f"  {key}: {grouped(cells)}")

    lines.append("\n== gradient at each kink, and which one-sided gradient it equals")
    for key in keys:
        for k in KINKS.get(key, (0.0,)):
            cells = {}
            for fw, e in entries(key).items():
                m = point_map(e["points"])
                g, gl, gr = at(m, k)[1], at(m, k - BESIDE)[1], at(m, k + BESIDE)[1]
                cells[fw] = f"{fmt(g)} ({side(g, gl, gr)})"
            sides = {c.split(" ")[1] for c in cells.values()}
            if len(sides) > 1 or (len(set(cells.values())) > 1 and key not in PARAM_SLOPE):
                lines.append(f"  {key} at {fmt(k)}: {grouped(cells)}")

    lines.append("\n== NaN at +-inf (float32 and float64 alike unless marked)")
    for key in keys:
        for x in (math.inf, -math.inf):
            cells = {}
            for fw, e in entries(key).items():
                per_dtype = {}
                for dtype, rows in e["points"].items():
                    v, g = next((v, g) for xs, v, g in rows if dec(xs) == x)
                    per_dtype[dtype] = "/".join(
                        n for n, c in (("value", v), ("grad", g)) if c == "nan"
                    )
                if len(set(per_dtype.values())) == 1:
                    cells[fw] = next(iter(per_dtype.values())) or "ok"
                else:
                    cells[fw] = ", ".join(f"{d}: {w or 'ok'}" for d, w in sorted(per_dtype.items()))
            if any(c != "ok" for c in cells.values()):
                lines.append(f"  {key} at {fmt(x)}: {grouped(cells)}")

    lines.append("\n== signed zero: value -0.0 at x = -0.0, or gradient at -0.0 != at +0.0")
    for key in keys:
        cells = {}
        for fw, e in entries(key).items():
            m = point_map(e["points"])
            (vm, gm), (_, gp) = at(m, -0.0), at(m, 0.0)
            notes = []
            if vm == 0 and math.copysign(1.0, vm) < 0:
                notes.append("f(-0)=-0")
            if not same(gm, gp):
                notes.append(f"f'(-0)={fmt(gm)} f'(+0)={fmt(gp)}")
            cells[fw] = " ".join(notes) or "f(-0)=+0"
        if len(set(cells.values())) > 1 or any("f'" in c for c in cells.values()):
            lines.append(f"  {key}: {grouped(cells)}")

    lines.append(
        "\n== softplus: value exactly x / gradient exactly 1 from (* = before rounding would)"
    )
    for fw, e in entries("softplus").items():
        cells = []
        for dtype, both in sorted(e["measured"].get("switch_to_x", {}).items()):
            for what, s in sorted(both.items(), reverse=True):
                if s["exact_from"] is None:
                    cells.append(f"{dtype} {what} never")
                    continue
                star = "*" if s["earlier_than_rounding"] else ""
                cells.append(f"{dtype} {what} {fmt(dec(s['exact_from']))}{star}")
        lines.append(f"  {fw:12} " + ", ".join(cells))

    lines.append("\n== float64 values off by more than 1e-12 relative at -2, -0.5, 0.5, 2")
    for key, exact in FLOAT64_CHECK.items():
        cells = {}
        for fw, e in entries(key).items():
            rows = e["points"].get("float64", [])
            errs = [abs(dec(v) / exact(x) - 1) for x, v, _ in rows if x in ORDINARY]
            if errs and max(errs) > 1e-12:
                cells[fw] = f"{max(errs):.1e}"
        if cells:
            lines.append(f"  {key}: {grouped(cells)}")

    lines.append("\n== output dtype differs from the input's, or a dtype fails")
    for key in keys:
        for fw, e in entries(key).items():
            if e.get("output_dtype"):
                lines.append(f"  {key} {fw}: output {show(e['output_dtype'])}")
            if e.get("errors"):
                lines.append(f"  {key} {fw}: {show(e['errors'])}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--measure", choices=sorted(FRAMEWORKS), help="internal: one framework")
    ap.add_argument("--keys", help="with --measure: comma-separated keys only")
    ap.add_argument(
        "--frameworks",
        default=",".join(FRAMEWORKS),
        help="comma-separated; the others are kept from the existing file",
    )
    ap.add_argument("--summary", action="store_true", help="print the differences in the file")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    a = ap.parse_args(argv)
    if a.measure:
        keys = a.keys.split(",") if a.keys else None
        print(json.dumps(measure_framework(a.measure, keys), sort_keys=True))
        return 0
    if a.summary:
        print("\n".join(summary(load(a.output))))
        return 0
    chosen = a.frameworks.split(",")
    unknown = sorted(set(chosen) - set(FRAMEWORKS))
    if unknown:
        ap.error(f"unknown framework {', '.join(unknown)} (choose from {', '.join(FRAMEWORKS)})")
    data = build(chosen, load(a.output) if a.output.exists() else None)
    a.output.write_text(dumps(data) + "\n")
    print(f"wrote {a.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
