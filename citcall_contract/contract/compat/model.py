"""What a diff reports: changes, each breaking or not for one audience."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


class Audience(enum.StrEnum):
    """Who a change can break, in the order reports list them."""

    INTEGRATORS = "integrators"  # send requests to the gateway
    CLIENTS = "clients"  # read the gateway's responses
    RECEIVERS = "receivers"  # read the callbacks the gateway posts
    SDK = "sdk"  # code generated from the spec's names

    @property
    def heading(self) -> str:
        return {
            Audience.INTEGRATORS: "Integrators sending requests",
            Audience.CLIENTS: "Clients reading responses",
            Audience.RECEIVERS: "Callback receivers",
            Audience.SDK: "Generated SDK source",
        }[self]


class Verdict(enum.StrEnum):
    BREAKING = "breaking"
    COMPATIBLE = "compatible"  # changed, nothing breaks
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Change:
    """One change as one audience sees it.

    `where` is a JSON pointer into the new document (the old one for removals); `contexts`
    name the operations, callbacks or webhooks through which the audience meets it;
    `witness` is an instance that shows the break, when an example check found one.
    """

    audience: Audience
    breaking: bool
    rule: str
    where: str
    message: str
    contexts: tuple[str, ...] = ()
    witness: Any = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "audience": self.audience.value,
            "breaking": self.breaking,
            "rule": self.rule,
            "where": self.where,
            "message": self.message,
            "contexts": list(self.contexts),
        }
        if self.witness is not None:
            data["witness"] = self.witness
        return data


@dataclass
class Report:
    """Every change between two documents, grouped and classified."""

    old_label: str
    new_label: str
    old_version: str
    new_version: str
    changes: list[Change] = field(default_factory=list)

    @property
    def breaking(self) -> bool:
        return any(change.breaking for change in self.changes)

    def for_audience(self, audience: Audience) -> list[Change]:
        return [change for change in self.changes if change.audience is audience]

    def verdict(self, audience: Audience) -> Verdict:
        changes = self.for_audience(audience)
        if any(change.breaking for change in changes):
            return Verdict.BREAKING
        return Verdict.COMPATIBLE if changes else Verdict.UNCHANGED

    def verdicts(self) -> dict[str, str]:
        return {audience.value: self.verdict(audience).value for audience in Audience}

    def to_json(self) -> dict[str, Any]:
        return {
            "old": {"source": self.old_label, "version": self.old_version},
            "new": {"source": self.new_label, "version": self.new_version},
            "breaking": self.breaking,
            "verdicts": self.verdicts(),
            "changes": [change.to_json() for change in self.changes],
        }


def merge(changes: Iterable[Change]) -> list[Change]:
    """One entry per (audience, verdict, rule, place, message), contexts joined, sorted."""
    merged: dict[tuple[Any, ...], Change] = {}
    for change in changes:
        key = (change.audience, change.breaking, change.rule, change.where, change.message)
        known = merged.get(key)
        if known is None:
            merged[key] = change
            continue
        contexts = tuple(dict.fromkeys((*known.contexts, *change.contexts)))
        witness = known.witness if known.witness is not None else change.witness
        merged[key] = Change(
            known.audience,
            known.breaking,
            known.rule,
            known.where,
            known.message,
            contexts,
            witness,
        )
    order = list(Audience)
    return sorted(
        merged.values(),
        key=lambda c: (order.index(c.audience), not c.breaking, c.where, c.rule, c.message),
    )
