"""The catalogue: every variant record, in the order commands list them, and the groups.

Each family module holds its records next to their kernels; this module only orders them.
Adding a variant is one record in its family module, listed here, and one row in
tests/cases.py (a test fails until both exist).
"""

from __future__ import annotations

from ..registry import Registry, Variant
from .exponential import CELU, ELU, SELU, SELU_ALPHA, SELU_SCALE
from .piecewise import HARDSWISH, HARDTANH, LEAKY_RELU, PRELU, RELU, RELU6, RRELU
from .research_piecewise import FRELU, SMELU, SRELU, STARRELU, THRESHOLDED_RELU
from .research_smooth import ELISH, HARD_ELISH, ISRLU, LISHT, PELU, TANHEXP, XIELU
from .smooth import GELU, MISH, SIGMOID, SILU, SOFTPLUS, TANH

VARIANTS: tuple[Variant, ...] = (
    RELU,
    LEAKY_RELU,
    PRELU,
    ELU,
    RRELU,
    SELU,
    RELU6,
    CELU,
    GELU,
    SILU,
    MISH,
    SOFTPLUS,
    HARDSWISH,
    HARDTANH,
    SIGMOID,
    TANH,
    # The ReLU-family literature (origin "research"): research_piecewise, research_smooth.
    STARRELU,
    XIELU,
    PELU,
    SRELU,
    SMELU,
    ISRLU,
    THRESHOLDED_RELU,
    ELISH,
    HARD_ELISH,
    TANHEXP,
    LISHT,
    FRELU,
)

# The seven variants of the source material: the default set of every command.
SEED = ("relu", "leaky_relu", "prelu", "elu", "rrelu", "selu", "relu6")


def _at_defaults(v: Variant, fact: str):
    return v.fact(fact, v.defaults())


GROUPS = {
    "seed": lambda reg: [reg.variants[n] for n in SEED],
    "all": lambda reg: list(reg.variants.values()),
    "smooth": lambda reg: [
        v for v in reg.variants.values() if _at_defaults(v, "continuity") == "C∞"
    ],
    "bounded": lambda reg: [v for v in reg.variants.values() if _at_defaults(v, "range").bounded],
}

REGISTRY = Registry(VARIANTS, GROUPS)

__all__ = ["GROUPS", "REGISTRY", "SEED", "SELU_ALPHA", "SELU_SCALE", "VARIANTS"]
