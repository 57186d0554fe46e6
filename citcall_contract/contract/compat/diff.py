"""`diff(old, new)`: every rule over two documents, merged into one report."""

from __future__ import annotations

from pathlib import Path

from citcall_contract.contract.compat.document import Document, SpecSourceError
from citcall_contract.contract.compat.instances import DEFAULT_INSTANCES, ExampleChecks
from citcall_contract.contract.compat.model import Change, Report, merge
from citcall_contract.contract.compat.names import name_changes
from citcall_contract.contract.compat.recorded import recorded_changes
from citcall_contract.contract.compat.schemas import SchemaComparer
from citcall_contract.contract.compat.wire import WireRules
from citcall_contract.core.printable import printable


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
    try:
        return _diff(old, new, instances, recorded)
    except (KeyError, IndexError, TypeError, AttributeError, RecursionError) as exc:
        # `load` refuses the shapes the rules cannot walk; a document built by other
        # means, or a shape it does not know yet, still ends in one line, not a traceback.
        raise SpecSourceError(
            f"could not compare {printable(old.label)} with {printable(new.label)} "
            f"(is one malformed?): {type(exc).__name__}: {printable(str(exc))[:200]}"
        ) from None


def _diff(old: Document, new: Document, instances: int, recorded: Path | None) -> Report:
    structural: list[Change] = [
        *WireRules(old, new, SchemaComparer(old, new)).changes(),
        *name_changes(old, new),
    ]
    flagged = frozenset(
        (c.audience, place) for c in structural if c.breaking for place in c.contexts
    )
    by_example = list(ExampleChecks(old, new, instances, settled=flagged).changes())
    if recorded is not None:
        by_example += recorded_changes(new, recorded, old)
    return Report(old.label, new.label, old.version, new.version, merge([*structural, *by_example]))
