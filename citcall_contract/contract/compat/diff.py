"""`diff(old, new)`: every rule over two documents, merged into one report."""

from __future__ import annotations

from pathlib import Path

from citcall_contract.contract.compat.document import Document
from citcall_contract.contract.compat.instances import DEFAULT_INSTANCES, ExampleChecks
from citcall_contract.contract.compat.model import Change, Report, merge
from citcall_contract.contract.compat.names import name_changes
from citcall_contract.contract.compat.recorded import recorded_changes
from citcall_contract.contract.compat.schemas import SchemaComparer
from citcall_contract.contract.compat.wire import WireRules


def diff(
    old: Document,
    new: Document,
    *,
    instances: int = DEFAULT_INSTANCES,
    recorded: Path | None = None,
) -> Report:
    """Classify every change from `old` to `new`; `instances=0` skips generated instances;
    `recorded` is a folder of recorded gateway bodies that NEW must still accept.

    A generated instance that breaks is reported only where the structural rules found no
    break for the same audience and place: it is the backstop for what they miss
    (conditions, combinations), not a second report of what they already say.
    """
    structural: list[Change] = [
        *WireRules(old, new, SchemaComparer(old, new)).changes(),
        *name_changes(old, new),
    ]
    flagged = frozenset(
        (c.audience, place) for c in structural if c.breaking for place in c.contexts
    )
    by_example = list(ExampleChecks(old, new, instances, settled=flagged).changes())
    if recorded is not None:
        by_example += recorded_changes(new, recorded)
    return Report(old.label, new.label, old.version, new.version, merge([*structural, *by_example]))
