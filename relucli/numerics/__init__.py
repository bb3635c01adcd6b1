"""Numerical machinery under the variants: chunked evaluation with an explicit workspace
(chunked), exact elementwise building blocks (elementwise), float32 exponential tables
(exp32), erf/erfc/ndtr/norm_pdf (special) and Gaussian quadrature nodes (quadrature).

Nothing here knows about variants. ``special`` is imported on first use only: it costs
start-up time (numpy.typing).
"""

from .chunked import CHUNK, STREAMING_CHUNK, Kernel, KernelArgs, Workspace, evaluate, working_dtype

__all__ = [
    "CHUNK",
    "STREAMING_CHUNK",
    "Kernel",
    "KernelArgs",
    "Workspace",
    "evaluate",
    "working_dtype",
]
