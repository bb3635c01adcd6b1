"""The catalogue: every variant record, in the order commands list them, and the groups.

Each family module holds its records next to their kernels; this module only orders them.
Adding a variant is one record in its family module, listed here, and one row in
tests/cases.py (a test fails until both exist).
"""

from __future__ import annotations

from ..registry import Registry, Variant
from .algebraic import IDENTITY, RELU2, SPARSE_PLUS, SQUAREPLUS
from .exponential import CELU, ELU, SELU, SELU_ALPHA, SELU_SCALE
from .piecewise import HARDSWISH, HARDTANH, LEAKY_RELU, PRELU, RELU, RELU6, RRELU
from .research_piecewise import FRELU, SMELU, SRELU, STARRELU, THRESHOLDED_RELU
from .research_smooth import ELISH, HARD_ELISH, ISRLU, LISHT, PELU, TANHEXP, XIELU
from .shrink import HARDSHRINK, KERAS_RELU, SOFTSHRINK, STEP, TANHSHRINK, THRESHOLD
from .sigmoidal import HARDSIGMOID, LOGSIGMOID, SOFTSIGN, SPARSE_SIGMOID
from .smooth import GELU, MISH, SIGMOID, SILU, SOFTPLUS, TANH
from .swish import QUICK_GELU, SWISH

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
    # zoo1: the frameworks' functions. Sigmoid-like (variants/sigmoidal.py):
    HARDSIGMOID,
    SPARSE_SIGMOID,
    SOFTSIGN,
    LOGSIGMOID,
    # Shrinkage and thresholds (variants/shrink.py):
    SOFTSHRINK,
    HARDSHRINK,
    TANHSHRINK,
    THRESHOLD,
    STEP,
    KERAS_RELU,
    # Swish with β and quick_gelu (variants/swish.py):
    SWISH,
    QUICK_GELU,
    # Algebraic rectifiers and the identity (variants/algebraic.py):
    SQUAREPLUS,
    SPARSE_PLUS,
    RELU2,
    IDENTITY,
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


def _smooth(v: Variant) -> bool:
    """C∞ at the defaults, or a smooth function whose only jumps are an implementation's
    switch away from any kink (softplus: PyTorch returns x above threshold/beta, a jump of
    2e-9 at the defaults): the group is for the mathematics."""
    if _at_defaults(v, "continuity") == "C∞":
        return True
    return bool(_at_defaults(v, "jumps")) and not _at_defaults(v, "kinks")


GROUPS = {
    "seed": lambda reg: [reg.variants[n] for n in SEED],
    "all": lambda reg: list(reg.variants.values()),
    "smooth": lambda reg: [v for v in reg.variants.values() if _smooth(v)],
    "bounded": lambda reg: [v for v in reg.variants.values() if _at_defaults(v, "range").bounded],
    # From the records' origin field: in a framework (PyTorch, JAX, TF, Keras, MLX) or only
    # in the literature.
    "frameworks": lambda reg: [v for v in reg.variants.values() if v.origin == "framework"],
    "research": lambda reg: [v for v in reg.variants.values() if v.origin == "research"],
}

REGISTRY = Registry(VARIANTS, GROUPS)

__all__ = ["GROUPS", "REGISTRY", "SEED", "SELU_ALPHA", "SELU_SCALE", "VARIANTS"]
