"""The structural rules backed by example.

Generated instances: what an old sender may send must still be accepted (instances of the
OLD schema of data the gateway receives validate under NEW), and what the new gateway may
send must have been expected (instances of the NEW schema of data it sends validate under
OLD). Instances come from schemathesis' generator (Hypothesis, derandomized), a bounded
count of them, from
schemas inlined from their document and read closed-world (objects get only the properties
they name). Named examples: each example of OLD documents real traffic, so it must still
validate under NEW's schema for the same place.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema.exceptions import SchemaError

from citcall_contract.contract.compat.document import CircularReference, Document
from citcall_contract.contract.compat.effects import Flow
from citcall_contract.contract.compat.endpoints import Endpoint, endpoints, escape
from citcall_contract.contract.compat.model import Audience, Change
from citcall_contract.spec.validators import error_location

#: Instances drawn per schema and direction.
DEFAULT_INSTANCES = 25
_JSON = "json"


def _closed(schema: Any) -> Any:
    """Objects that name properties get no others; conditions and negations are left alone."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in {"properties", "patternProperties"}:
            out[key] = {name: _closed(sub) for name, sub in value.items()}
        elif key in {"items", "additionalProperties", "anyOf", "oneOf", "prefixItems"}:
            out[key] = _closed(value)
        else:
            out[key] = value
    if "properties" in out and "additionalProperties" not in out and "allOf" not in out:
        out["additionalProperties"] = False
    return out


@functools.cache
def _instances(schema_json: str, count: int) -> tuple[str, ...]:
    """Instances of a schema drawn by schemathesis' generator (positive mode).

    The schema becomes the request body of a one-operation document, which is how
    schemathesis' public API generates data; its generator supports the keywords the
    spec uses (`if`/`then`/`else`, `anyOf`, formats, patterns).
    """
    import schemathesis
    from schemathesis import GenerationMode

    from citcall_contract.contract.compat.sampling import draw

    media = {"application/json": {"schema": json.loads(schema_json)}}
    operation = {
        "requestBody": {"required": True, "content": media},
        "responses": {"200": {"description": "ok"}},
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "instances", "version": "0"},
        "paths": {"/instances": {"post": operation}},
    }
    try:
        schema = schemathesis.openapi.from_dict(document)
        strategy = schema["/instances"]["POST"].as_strategy(generation_mode=GenerationMode.POSITIVE)
        return tuple(json.dumps(case.body) for case in draw(strategy, count))
    except Exception:  # an unsatisfiable or unsupported schema: nothing to learn by example
        return ()


def _key(schema: Any) -> str:
    return json.dumps(schema, sort_keys=True)


def _validator(schema: Any) -> Any:
    from citcall_contract.spec.validators import standalone_validator

    return standalone_validator(schema)


def _media(doc: Document, holder: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    if not holder:
        return {}
    content = doc.resolve(holder).get("content", {})
    return {mt: doc.resolve(media) for mt, media in content.items() if _JSON in mt}


def _places(
    doc: Document, endpoint: Endpoint
) -> Iterator[tuple[str, str, bool, Mapping[str, Any]]]:
    """(place, pointer, is_request, media object) for each JSON body of an endpoint."""
    body = endpoint.definition.get("requestBody")
    body_pointer = doc.locate(body, f"{endpoint.pointer}/requestBody")
    for mt, media in _media(doc, body).items():
        yield f"requestBody/{mt}", f"{body_pointer}/content/{escape(mt)}", True, media
    for status, response in endpoint.definition.get("responses", {}).items():
        pointer = doc.locate(response, f"{endpoint.pointer}/responses/{status}")
        for mt, media in _media(doc, response).items():
            yield f"responses/{status}/{mt}", f"{pointer}/content/{escape(mt)}", False, media


class ExampleChecks:
    def __init__(
        self,
        old: Document,
        new: Document,
        count: int = DEFAULT_INSTANCES,
        settled: frozenset[tuple[Audience, str]] = frozenset(),
    ) -> None:
        """`settled`: (audience, place) pairs already known to break; no instances drawn there."""
        self.old = old
        self.new = new
        self.count = count
        self.settled = settled

    def changes(self) -> Iterator[Change]:
        new_endpoints = {e.key: e for e in endpoints(self.new)}
        for before in endpoints(self.old):
            after = new_endpoints.get(before.key)
            if after is None:
                continue
            new_places = {place: (at, media) for place, at, _, media in _places(self.new, after)}
            for place, _, is_request, old_media in _places(self.old, before):
                if place not in new_places or "schema" not in new_places[place][1]:
                    continue
                where, new_media = new_places[place]
                audience = after.request_audience if is_request else after.response_audience
                if after.kind == "operation":
                    flow = Flow.RECEIVED if is_request else Flow.SENT
                else:
                    flow = Flow.SENT if is_request else Flow.RECEIVED
                part = "request" if is_request else f"response {place.split('/')[1]}"
                context = f"{after.label} {part}"
                try:
                    old_schema = self.old.inline(old_media.get("schema", {}))
                    new_schema = self.new.inline(new_media["schema"])
                except CircularReference:
                    continue
                draw = (
                    self.count > 0
                    and (audience, context) not in self.settled
                    and _key(old_schema) != _key(new_schema)
                )
                try:
                    found = list(self._named(old_media, new_schema, flow, audience, where, context))
                    if draw:
                        found += self._generated(
                            old_schema, new_schema, flow, audience, where, context
                        )
                except (SchemaError, re.error):
                    continue  # a schema jsonschema cannot use: the structural rules judge it
                yield from found

    def _named(
        self,
        media: Mapping[str, Any],
        schema: Any,
        flow: Flow,
        audience: Audience,
        where: str,
        context: str,
    ) -> Iterator[Change]:
        """An old example refused by NEW: breaking where the gateway receives such data (old
        senders send it); where the gateway sends it, NEW only documents less than was seen
        (readers built on OLD are fine), reported so that the example gets re-checked."""
        examples = {
            name: self.old.resolve(ex).get("value")
            for name, ex in media.get("examples", {}).items()
        }
        if "example" in media:
            examples["example"] = media["example"]
        validator = _validator(schema)
        for name, value in examples.items():
            error = next(iter(validator.iter_errors(value)), None)
            if error is not None:
                path = error_location(error)
                yield Change(
                    audience,
                    flow is Flow.RECEIVED,
                    "example-refused",
                    f"{where}/examples/{escape(name)}",
                    f"old example {name!r} no longer validates: {path}: {error.message}",
                    (context,),
                    value,
                )

    def _generated(
        self,
        old_schema: Any,
        new_schema: Any,
        flow: Flow,
        audience: Audience,
        where: str,
        context: str,
    ) -> Iterator[Change]:
        if flow is Flow.RECEIVED:
            source, target, text = (
                old_schema,
                new_schema,
                "what an old sender may send is refused by NEW",
            )
        else:
            source, target, text = (
                new_schema,
                old_schema,
                "what NEW may send was not expected by OLD readers",
            )
        validator = _validator(target)
        own = _validator(source)
        for raw in _instances(json.dumps(_closed(source), sort_keys=True), self.count):
            instance = json.loads(raw)
            if not own.is_valid(instance):
                continue  # the generator missed its own schema: no evidence either way
            error = next(iter(validator.iter_errors(instance)), None)
            if error is not None:
                path = error_location(error)
                yield Change(
                    audience,
                    True,
                    "instance-refused",
                    f"{where}/schema",
                    f"{text}: {path}: {error.message}",
                    (context,),
                    instance,
                )
                return
