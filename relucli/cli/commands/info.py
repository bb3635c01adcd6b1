"""`relucli info`: versions and platform in one block to paste into a bug report."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

import click

from ..options import CONTEXT

# Versions are read from the installed metadata: nothing is imported (matplotlib alone
# would cost a third of a second), so `info` works even where a dependency is broken.
PACKAGES = ("numpy", "matplotlib", "click", "tabulate")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _simd() -> str:
    """The SIMD extensions NumPy found on this CPU: its fast exp paths depend on them."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # NumPy < 2
        try:
            from numpy.core._multiarray_umath import __cpu_features__ as features
        except ImportError:
            return "unknown"
    wanted = ("SSE42", "AVX2", "FMA3", "AVX512F", "AVX512_SKX", "NEON", "ASIMD", "SVE")
    found = [name for name in wanted if features.get(name)]
    return " ".join(found) or "none of " + ", ".join(wanted)


def _exp_path() -> str:
    """Which float32 exp path ELU, SELU and CELU take here, and why (numerics/exp_path.py)."""
    try:
        from ...numerics.exp_path import describe
    except ImportError:  # NumPy missing or broken: the version rows above say so
        return "unknown"
    return describe()


def info_lines() -> list[tuple[str, str]]:
    from ... import __version__

    rows = [("relucli", __version__)]
    rows.append(("python", f"{platform.python_version()} ({platform.python_implementation()})"))
    rows += [(name, _version(name)) for name in PACKAGES]
    rows.append(("platform", f"{platform.system()} {platform.release()} {platform.machine()}"))
    rows.append(("numpy simd", _simd()))
    rows.append(("exp path", _exp_path()))
    rows.append(("executable", sys.executable))
    return rows


@click.command("info", context_settings=CONTEXT)
def info_cmd() -> None:
    """Versions and platform in one block, for a bug report.

    relucli, Python, NumPy, Matplotlib, Click and tabulate, the operating system, and the
    SIMD extensions NumPy uses on this CPU, and whether float32 ELU, SELU and CELU use
    NumPy's SIMD exp there or relucli's tables (RELUCLI_EXP_PATH=simd|table forces one).

    \b
    Example:
      relucli info
    """
    rows = info_lines()
    width = max(len(name) for name, _ in rows)
    click.echo("\n".join(f"{name:<{width}}  {value}" for name, value in rows))
