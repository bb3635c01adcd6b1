"""What every start-up path needs from the registry, without the registry: the error a bad
spec raises and how names in specs compare.

The registry (relucli.registry) re-exports both; they live here so that the group's --help,
`relucli list` and a TAB press can catch SpecError and match names without importing the
records' machinery (dataclasses, frameworks), see issue 16.
"""

from __future__ import annotations


class SpecError(ValueError):
    """A variant spec, parameter or value the user gave is not valid (a usage error)."""


def normalize(name: str) -> str:
    """Names are case-insensitive and '-' is the same as '_'."""
    return str(name).strip().lower().replace("-", "_").replace(" ", "")


__all__ = ["SpecError", "normalize"]
