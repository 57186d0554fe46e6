"""What `check-traffic` found, per operation, in bounded memory.

Every checked exchange lands in exactly one column: conforming; drifting (its request
or the gateway's answer breaks the spec, or the answer has an rc the spec does not
list); or not a gateway answer (an HTML 502 from a proxy, a redirect, a dropped
connection: nothing the gateway's contract can be judged on, and no pass either).
Distinct drifts and reasons are kept up to a bound; beyond it only counts grow.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

#: Distinct drifts (and distinct reasons an answer was not the gateway's) kept per operation.
MAX_DRIFTS = 200
#: Distinct unknown rc values kept per operation.
MAX_NEW_RCS = 100
#: A part of the traffic checked apart (`parallel`) keeps this many times more, so that
#: the merged parts keep what one pass keeps.
PART_SCALE = 10
NOT_GATEWAY = "not a gateway answer"


@dataclass
class Drift:
    """One way an operation's traffic broke the spec, with a (redacted) example."""

    direction: str  # request, response or callback
    field: str  # JSON pointer-ish path in the body, or a header name
    rule: str  # the schema keyword or check that failed
    message: str
    example: str
    where: str  # the first exchange that showed it
    count: int = 0


def _keep(table: dict[tuple[str, str, str], Drift], drift: Drift, limit: int) -> bool:
    """Count `drift` in `table`; False when it is new and the table is full."""
    key = (drift.direction, drift.field, drift.rule if drift.rule != NOT_GATEWAY else drift.message)
    kept = table.get(key)
    if kept is None:
        if len(table) >= limit:
            return False
        table[key] = kept = drift
    kept.count += 1
    return True


def _merge_kept(
    table: dict[tuple[str, str, str], Drift], later: dict[tuple[str, str, str], Drift], limit: int
) -> int:
    """Merge a later part's kept drifts into `table`; how many occurrences did not fit."""
    lost = 0
    for key, drift in later.items():
        kept = table.get(key)
        if kept is not None:
            kept.count += drift.count
        elif len(table) < limit:
            table[key] = drift
        else:
            lost += drift.count
    return lost


@dataclass
class OperationReport:
    exchanges: int = 0
    conforming: int = 0
    drifting: int = 0
    not_gateway: int = 0
    new_rcs: Counter[int] = field(default_factory=Counter)
    drifts: dict[tuple[str, str, str], Drift] = field(default_factory=dict)
    drifts_dropped: int = 0
    #: Why answers were not the gateway's (status, content type, recorded problem).
    not_gateway_reasons: dict[tuple[str, str, str], Drift] = field(default_factory=dict)
    #: How much more than `MAX_DRIFTS` and `MAX_NEW_RCS` is kept (`PART_SCALE` for a part).
    scale: int = 1

    def note_new_rc(self, rc: int, count: int = 1) -> None:
        """An rc the spec does not list (distinct ones kept up to `MAX_NEW_RCS`)."""
        if rc in self.new_rcs or len(self.new_rcs) < MAX_NEW_RCS * self.scale:
            self.new_rcs[rc] += count

    def add(self, drift: Drift) -> None:
        if not _keep(self.drifts, drift, MAX_DRIFTS * self.scale):
            self.drifts_dropped += 1

    def tally(self, drifts: list[Drift], foreign: Drift | None) -> None:
        """One exchange: its drifts, and why its answer was not the gateway's (if so)."""
        self.exchanges += 1
        for drift in drifts:
            self.add(drift)
        if foreign is not None:
            _keep(self.not_gateway_reasons, foreign, MAX_DRIFTS * self.scale)
        if drifts:
            self.drifting += 1
        elif foreign is not None:
            self.not_gateway += 1
        else:
            self.conforming += 1

    @property
    def ok(self) -> bool:
        return not (self.drifting or self.new_rcs or self.not_gateway)

    def merge(self, later: OperationReport) -> None:
        """Add the tallies of a later part of the traffic, checked apart with a larger
        `scale`: the same as one pass over both (counts add up; what was first seen stays
        first; the bounds hold), unless a part met even its larger bounds."""
        self.exchanges += later.exchanges
        self.conforming += later.conforming
        self.drifting += later.drifting
        self.not_gateway += later.not_gateway
        for rc, count in later.new_rcs.items():
            self.note_new_rc(rc, count)
        limit = MAX_DRIFTS * self.scale
        lost = _merge_kept(self.drifts, later.drifts, limit)
        self.drifts_dropped += later.drifts_dropped + lost
        _merge_kept(self.not_gateway_reasons, later.not_gateway_reasons, limit)


@dataclass
class TrafficReport:
    operations: dict[str, OperationReport] = field(default_factory=dict)
    skipped: int = 0  # exchanges that are not Citcall traffic
    files: list[str] = field(default_factory=list)
    scale: int = 1  # of each operation's bounds

    def operation(self, label: str) -> OperationReport:
        found = self.operations.get(label)
        if found is None:
            found = self.operations[label] = OperationReport(scale=self.scale)
        return found

    @property
    def exchanges(self) -> int:
        return sum(op.exchanges for op in self.operations.values())

    @property
    def ok(self) -> bool:
        """At least one exchange checked, and every one conforming."""
        return self.exchanges > 0 and all(op.ok for op in self.operations.values())

    @property
    def not_gateway(self) -> int:
        return sum(op.not_gateway for op in self.operations.values())

    def merge(self, later: TrafficReport) -> None:
        """Add the tallies of a later part of the traffic (see `OperationReport.merge`)."""
        self.skipped += later.skipped
        for label, op in later.operations.items():
            self.operation(label).merge(op)
