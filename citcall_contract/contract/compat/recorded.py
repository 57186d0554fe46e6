"""Recorded gateway bodies must still hold under the new spec.

A recording is evidence of what the real gateway sends: a NEW spec that refuses one
would make clients and receivers generated from it reject real traffic, so each refusal
is breaking. Layout (as `tests/data/recorded/`): `DIR/<operationId>/*.json` holds response
bodies of that operation (its `200` JSON schema), `DIR/<webhook>/*.json` callback
payloads (by webhook name or operationId).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citcall_contract.contract.compat.document import Document
from citcall_contract.contract.compat.endpoints import endpoints
from citcall_contract.contract.compat.model import Audience, Change
from citcall_contract.spec.validators import error_location


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


def recorded_changes(new: Document, directory: Path) -> Iterator[Change]:
    from jsonschema import Draft202012Validator

    from citcall_contract.spec import format_checker

    targets = _targets(new)
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        if folder.name not in targets:
            continue  # the operation or webhook is gone: the structural rules report that
        audience, place, schema = targets[folder.name]
        validator = Draft202012Validator(new.inline(schema), format_checker=format_checker())
        for path in sorted(folder.glob("*.json")):
            body = json.loads(path.read_text(encoding="utf-8"))
            error = next(iter(validator.iter_errors(body)), None)
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
