"""Whether a changed `pattern` accepts more, less, or other strings, told by example.

Regular-language inclusion is decidable but not cheap to implement for ECMA syntax; a
bounded, seeded sample of strings from each pattern, checked against the other, is
enough to show a difference when there is one. When no sample tells either way, the
change is reported as `CHANGED` (both ways), never as harmless.
"""

from __future__ import annotations

import functools
import re

from citcall_contract.contract.compat.effects import Effect
from citcall_contract.contract.compat.sampling import draw

SAMPLES = 120


@functools.cache
def pattern_effect(old: str, new: str) -> Effect:
    try:
        old_re, new_re = re.compile(old), re.compile(new)
    except re.error:
        return Effect.CHANGED
    from hypothesis import strategies as st

    try:
        old_strings = draw(st.from_regex(old_re), SAMPLES)
        new_strings = draw(st.from_regex(new_re), SAMPLES)
    except Exception:  # a pattern Hypothesis cannot generate from: cannot tell
        return Effect.CHANGED
    lost = any(new_re.search(s) is None for s in old_strings)  # old accepted, new refuses
    gained = any(old_re.search(s) is None for s in new_strings)  # new accepts, old refused
    if lost and not gained:
        return Effect.NARROWED
    if gained and not lost:
        return Effect.WIDENED
    return Effect.CHANGED
