"""Recorded gateway bodies must still hold under the new spec.

A recording is evidence of what the real gateway sends: a NEW spec that refuses one
would make clients and receivers generated from it reject real traffic, so each refusal
is breaking. Layout (as `tests/data/recorded/`): `DIR/<operationId>/*.json` holds response
bodies of that operation (its `200` JSON schema), `DIR/<webhook>/*.json` callback
payloads (by webhook name or operationId).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citcall_contract.contract.compat.document import Document, SpecSourceError
from citcall_contract.contract.compat.endpoints import endpoints
from citcall_contract.contract.compat.model import Audience, Change
from citcall_contract.contract.compat.sources import read_file
from citcall_contract.core import strict_json
from citcall_contract.core.printable import printable
from citcall_contract.spec.validators import error_location

#: A gateway body is under a kilobyte; a recording past this is not one.
MAX_BODY_BYTES = 1024 * 1024


def _targets(doc: Document) -> dict[str, tuple[Audience, str, Any]]:
    """Recording folder name -> (audience, place, schema)."""
    found: dict[str, tuple[Audience, str, Any]] = {}
    for endpoint in endpoints(doc):
        definition = endpoint.definition
        if endpoint.kind == "operation":
            response = doc.resolve(definition.get("responses", {}).get("200")) or {}
            media = doc.resolve(response.get("content", {}).get("application/json")) or {}
            if endpoint.operation_id and "schema" in media:
                place = f"{endpoint.label} response 200"
                found[endpoint.operation_id] = (Audience.CLIENTS, place, media["schema"])
        elif endpoint.kind == "webhook":
            body = doc.resolve(definition.get("requestBody")) or {}
            media = doc.resolve(body.get("content", {}).get("application/json")) or {}
            if "schema" in media:
                entry = (Audience.RECEIVERS, f"{endpoint.label} request", media["schema"])
                found[endpoint.key[1]] = entry
                if endpoint.operation_id:
                    found.setdefault(endpoint.operation_id, entry)
    return found


def recorded_changes(
    new: Document, directory: Path, old: Document | None = None
) -> Iterator[Change]:
    """A breaking change per recorded body NEW refuses.

    SpecSourceError when a body cannot be read (not UTF-8, not JSON, too large or deep),
    and when nothing was checked: no folder names an operation or webhook of NEW (or of
    OLD, whose removal the structural rules report), so a misspelt layout never passes.
    """
    from citcall_contract.spec.validators import standalone_validator

    targets = _targets(new)
    known = set(targets) | (set(_targets(old)) if old is not None else set())
    matched = False
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        if folder.name not in known:
            continue
        bodies = sorted(folder.glob("*.json"))
        matched = matched or bool(bodies)
        if folder.name not in targets:
            continue  # the operation or webhook is gone: the structural rules report that
        audience, place, schema = targets[folder.name]
        validator = standalone_validator(new.inline(schema))
        for path in bodies:
            body = _read_body(path)
            try:
                error = next(iter(validator.iter_errors(body)), None)
            except RecursionError:
                raise SpecSourceError(f"{printable(str(path))}: nested too deeply") from None
            if error is not None:
                at = error_location(error)
                yield Change(
                    audience,
                    True,
                    "recorded-body-refused",
                    str(path),
                    f"a recorded gateway body no longer validates: {at}: {error.message}",
                    (place,),
                    body,
                )
    if not matched:
        raise SpecSourceError(
            f"--recorded {printable(str(directory))}: nothing to check; expected "
            f"DIR/<operationId or webhook>/*.json, e.g. DIR/{min(targets, default='sendSms')}/"
        )


def _read_body(path: Path) -> Any:
    raw = read_file(path, MAX_BODY_BYTES)
    try:
        return strict_json.loads(raw)
    except ValueError as exc:  # not UTF-8, not JSON, NaN, nested too deeply
        reason = printable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise SpecSourceError(f"{printable(str(path))}: not a JSON body ({reason})") from None
