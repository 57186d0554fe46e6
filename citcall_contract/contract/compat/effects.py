"""How a change moves the set of instances a schema accepts, and whom that breaks.

Data flows two ways. What the gateway *receives* (request bodies and parameters, a
receiver's answers to callbacks) breaks its senders when the accepted set narrows.
What the gateway *sends* (responses, callback payloads) breaks its readers when the
set widens. A change of meaning (an rc's category, a default applied on omission)
breaks readers and senders alike.
"""

from __future__ import annotations

import enum


class Effect(enum.Enum):
    WIDENED = "widened"  # accepts more than before
    NARROWED = "narrowed"  # accepts less than before
    CHANGED = "changed"  # both, or cannot tell which: treated as both
    SEMANTIC = "semantic"  # same instances, different meaning
    OMISSION = "omission"  # what an omitted value means changed (a `default`)
    NEUTRAL = "neutral"  # no instance is judged differently

    def flipped(self) -> Effect:
        """The effect seen through a `not`."""
        if self is Effect.WIDENED:
            return Effect.NARROWED
        if self is Effect.NARROWED:
            return Effect.WIDENED
        return self

    def without_widening(self) -> Effect:
        if self is Effect.WIDENED:
            return Effect.NEUTRAL
        return Effect.NARROWED if self is Effect.CHANGED else self

    def without_narrowing(self) -> Effect:
        if self is Effect.NARROWED:
            return Effect.NEUTRAL
        return Effect.WIDENED if self is Effect.CHANGED else self


class Flow(enum.Enum):
    """Which way the data goes, seen from the gateway."""

    RECEIVED = "received"  # requests; a receiver's answer to a callback
    SENT = "sent"  # responses; callback payloads

    def breaks(self, effect: Effect) -> bool:
        if effect in {Effect.CHANGED, Effect.SEMANTIC}:
            return True
        if self is Flow.RECEIVED:
            return effect in {Effect.NARROWED, Effect.OMISSION}
        return effect is Effect.WIDENED
