"""`diff(old, new)`: every rule over two documents, merged into one report."""

from __future__ import annotations

from citcall_contract.compat.document import Document
from citcall_contract.compat.instances import DEFAULT_INSTANCES, ExampleChecks
from citcall_contract.compat.model import Change, Report, merge
from citcall_contract.compat.names import name_changes
from citcall_contract.compat.schemas import SchemaComparer
from citcall_contract.compat.wire import WireRules


def diff(old: Document, new: Document, *, instances: int = DEFAULT_INSTANCES) -> Report:
    """Classify every change from `old` to `new`; `instances=0` skips generated instances."""
    changes: list[Change] = []
    changes += WireRules(old, new, SchemaComparer(old, new)).changes()
    changes += name_changes(old, new)
    changes += ExampleChecks(old, new, instances).changes()
    return Report(old.label, new.label, old.version, new.version, merge(changes))
