"""The catalogue's metadata without its kernels, for the paths that must start fast.

`relucli list`, shell completion (a TAB press runs the program) and the group's `--help`
need names, aliases, groups, parameters, formulas and framework spellings, not kernels:
importing the records imports every kernel module and NumPy, which costs more than all the
rest of such a command. So these facts are also kept in relucli/_index.py, a plain literal
written from the live records and commands by ``python scripts/make_index.py``;
tests/test_index.py fails, naming that command, whenever it differs from what the script
would write. Everything that computes still reads the records (relucli.variants).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from .specs import normalize


@dataclass(frozen=True)
class ParamInfo:
    """A parameter as the index keeps it: ``text`` is its default as `relucli list` prints
    it, ``range`` its valid values in words."""

    name: str
    default: float | str
    text: str
    range: str
    choices: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class VariantInfo:
    """A variant as the index keeps it: ``spellings`` is what the frameworks call it (as
    frameworks.spellings writes it), ``frameworks`` those that have it, ``forms`` the forms
    whose defaults differ (``layer``, ``ops``) of each framework that has some."""

    name: str
    aliases: tuple[str, ...]
    summary: str
    formula: str
    spellings: str
    params: tuple[ParamInfo, ...]
    frameworks: tuple[str, ...]
    forms: dict[str, tuple[str, ...]]

    def param(self, name: str) -> ParamInfo | None:
        """The parameter called ``name`` or one of its synonyms (as Variant.param), or None."""
        key = normalize(name)
        return next((p for p in self.params if key == p.name or key in p.synonyms), None)


@functools.cache
def variants() -> tuple[VariantInfo, ...]:
    """Every variant, in registry order."""
    from ._index import VARIANTS

    return tuple(_variant(v) for v in VARIANTS)


def _variant(record: dict[str, Any]) -> VariantInfo:
    params = tuple(ParamInfo(**p) for p in record["params"])
    return VariantInfo(**{**record, "params": params})


def names() -> list[str]:
    """Canonical variant names, in registry order (REGISTRY.names())."""
    return [v.name for v in variants()]


def group_names() -> list[str]:
    """The groups, in registry order (REGISTRY.group_names())."""
    from ._index import GROUPS

    return list(GROUPS)


@functools.cache
def aliases() -> dict[str, str]:
    """Every normalized name and alias -> its canonical name (REGISTRY.aliases)."""
    return {normalize(a): v.name for v in variants() for a in (v.name, *v.aliases)}


def find(name: str) -> VariantInfo | None:
    """The variant a name or alias means (any case, '-' or '_'), or None (also for a group)."""
    canonical = aliases().get(normalize(name))
    return None if canonical is None else next(v for v in variants() if v.name == canonical)


__all__ = ["ParamInfo", "VariantInfo", "aliases", "find", "group_names", "names", "variants"]
