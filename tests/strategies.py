"""Hypothesis strategies for variant parameters, built from the records' Param ranges, so a
new variant's parameters are sampled with no extra code.

A number parameter draws from: its closed boundaries, 0 and +-1 where valid, powers of two,
log-uniform magnitudes from 10^lo to 10^hi (most of the float range in the accuracy sweep),
with a sign wherever negative values are valid, and values just inside a finite end. A
spec's cross-parameter check (rrelu's lower <= upper, hardtanh's min_val < max_val) filters
the draws.
"""

from __future__ import annotations

import math

from hypothesis import assume
from hypothesis import strategies as st

from relucli.registry import Param, SpecError, Variant


def number(param: Param, lo_exp: float = -300, hi_exp: float = 300) -> st.SearchStrategy:
    """Valid values of one number parameter, magnitudes from 10^lo_exp to 10^hi_exp."""
    fixed = [v for v in (0.0, 1.0, -1.0, 0.5, 2.0, 0.1, 1 / 3) if param.accepts(v)]
    for end, is_open in ((param.low, param.low_open), (param.high, param.high_open)):
        if math.isfinite(end) and not is_open:
            fixed.append(end)
    signs = [1.0, -1.0] if param.low < 0 else [1.0]
    mags = st.one_of(
        st.floats(lo_exp, hi_exp).map(lambda e: 10.0**e),
        st.integers(math.ceil(lo_exp * 3.3219), math.floor(hi_exp * 3.3219)).map(lambda k: 2.0**k),
        st.floats(1e-3, 1e3),  # plain values, not powers of two
    )
    signed = st.tuples(mags, st.sampled_from(signs)).map(lambda t: t[0] * t[1])
    if param.low > 0 and math.isfinite(param.low):
        signed = signed.map(lambda v: param.low + abs(v))
    return st.one_of(st.sampled_from(fixed), signed).filter(param.accepts)


def params(variant: Variant, lo_exp: float = -300, hi_exp: float = 300) -> st.SearchStrategy:
    """A full, valid parameter mapping for the variant (choices drawn too)."""
    fields = {
        p.name: st.sampled_from(p.choices) if p.choices else number(p, lo_exp, hi_exp)
        for p in variant.params
    }
    return st.fixed_dictionaries(fields)


def checked(variant: Variant, drawn: dict) -> dict:
    """drawn if the variant's cross-parameter check accepts it (else hypothesis rejects)."""
    try:
        variant.check(drawn)
    except SpecError:
        assume(False)
    return drawn
