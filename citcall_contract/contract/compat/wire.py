"""Rules for what crosses the wire: endpoints, servers, security, parameters, bodies, statuses.

Every schema met on the way is handed to `SchemaComparer` with the flow of its data; a
change is breaking when that flow says so (`effects.Flow.breaks`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from citcall_contract.contract.compat.document import Document
from citcall_contract.contract.compat.effects import Effect, Flow
from citcall_contract.contract.compat.endpoints import Endpoint, endpoints, escape
from citcall_contract.contract.compat.model import Audience, Change
from citcall_contract.contract.compat.schemas import SchemaComparer


def _parent(key: tuple[str, ...]) -> tuple[str, ...]:
    """The key of the operation a callback belongs to: its deliveries go when it goes."""
    return ("operation", key[1], key[2])


class WireRules:
    def __init__(self, old: Document, new: Document, schemas: SchemaComparer) -> None:
        self.old = old
        self.new = new
        self.schemas = schemas

    def changes(self) -> Iterator[Change]:
        yield from self._servers(
            self.old.root.get("servers"), self.new.root.get("servers"), "#/servers", ()
        )
        old_endpoints = {e.key: e for e in endpoints(self.old)}
        new_endpoints = {e.key: e for e in endpoints(self.new)}
        for key, before in old_endpoints.items():
            after = new_endpoints.get(key)
            if after is not None:
                yield from self._endpoint(before, after)
            elif before.kind != "callback" or _parent(key) in new_endpoints:
                yield self._removed(before, new_endpoints.values())
        for key, after in new_endpoints.items():
            if key not in old_endpoints and (
                after.kind != "callback" or _parent(key) in old_endpoints
            ):
                yield Change(
                    after.request_audience,
                    False,
                    f"{after.kind}-added",
                    after.listed_at,
                    f"{after.label} added",
                    (after.label,),
                )

    # --- endpoints ----------------------------------------------------------------------

    def _removed(self, before: Endpoint, remaining: Any) -> Change:
        audience = before.request_audience
        if before.kind == "webhook" and any(
            e.kind == "webhook" and e.operation_id == before.operation_id for e in remaining
        ):
            return Change(
                audience,
                False,
                "webhook-renamed",
                before.listed_at,
                f"{before.label} listed under another name",
                (before.label,),
            )
        what = {
            "operation": "requests to it fail",
            "callback": "its deliveries stop",
            "webhook": "its deliveries stop",
        }[before.kind]
        return Change(
            audience,
            True,
            f"{before.kind}-removed",
            before.listed_at,
            f"{before.label} removed: {what}",
            (before.label,),
        )

    def _endpoint(self, before: Endpoint, after: Endpoint) -> Iterator[Change]:
        request_flow = Flow.RECEIVED if after.kind == "operation" else Flow.SENT
        response_flow = Flow.SENT if after.kind == "operation" else Flow.RECEIVED
        if not before.definition.get("deprecated") and after.definition.get("deprecated"):
            yield Change(
                after.request_audience,
                False,
                "deprecated",
                after.pointer,
                f"{after.label} deprecated",
                (after.label,),
            )
        if after.kind == "operation":
            old_servers = before.definition.get("servers") or before.path_item.get("servers")
            new_servers = after.definition.get("servers") or after.path_item.get("servers")
            if old_servers or new_servers:
                yield from self._servers(
                    old_servers or self.old.root.get("servers"),
                    new_servers or self.new.root.get("servers"),
                    f"{after.pointer}/servers",
                    (after.label,),
                )
        yield from self._security(before, after)
        yield from self._parameters(before, after, request_flow)
        yield from self._request_body(before, after, request_flow)
        yield from self._responses(before, after, response_flow)

    def _emit(
        self,
        audience: Audience,
        flow: Flow,
        effect: Effect,
        rule: str,
        where: str,
        message: str,
        context: str,
    ) -> Change:
        return Change(audience, flow.breaks(effect), rule, where, message, (context,))

    def _schema(
        self, audience: Audience, flow: Flow, old: Any, new: Any, where: str, context: str
    ) -> Iterator[Change]:
        for change in self.schemas.compare(old, new, where):
            yield self._emit(
                audience, flow, change.effect, change.rule, change.where, change.message, context
            )

    # --- servers and security -------------------------------------------------------------

    def _servers(
        self, old: Any, new: Any, where: str, contexts: tuple[str, ...]
    ) -> Iterator[Change]:
        old_urls = [s["url"] for s in old or [{"url": "/"}]]
        new_urls = [s["url"] for s in new or [{"url": "/"}]]
        for url in old_urls:
            if url not in new_urls:
                yield Change(
                    Audience.INTEGRATORS,
                    True,
                    "server-removed",
                    where,
                    f"server {url} removed",
                    contexts,
                )
        for url in new_urls:
            if url not in old_urls:
                yield Change(
                    Audience.INTEGRATORS,
                    False,
                    "server-added",
                    where,
                    f"server {url} added",
                    contexts,
                )
        if old_urls[0] != new_urls[0] and old_urls[0] in new_urls:
            yield Change(
                Audience.INTEGRATORS,
                False,
                "default-server-changed",
                where,
                f"first server {old_urls[0]} -> {new_urls[0]}",
                contexts,
            )
        for server in old or []:
            match = next((s for s in new or [] if s["url"] == server["url"]), None)
            for name, variable in server.get("variables", {}).items():
                values = set(variable.get("enum", []))
                new_values = set((match or {}).get("variables", {}).get(name, {}).get("enum", []))
                if match is not None and values and new_values and values - new_values:
                    yield Change(
                        Audience.INTEGRATORS,
                        True,
                        "server-variable-narrowed",
                        where,
                        f"{server['url']}: {name} no longer allows {sorted(values - new_values)}",
                        contexts,
                    )

    def _alternatives(self, doc: Document, endpoint: Endpoint) -> list[frozenset[str]]:
        requirements = endpoint.definition.get("security", doc.root.get("security", [{}]))
        schemes = doc.root.get("components", {}).get("securitySchemes", {})
        result = []
        for requirement in requirements or [{}]:
            parts = set()
            for name, scopes in requirement.items():
                scheme = {
                    k: v
                    for k, v in doc.resolve(schemes.get(name, {})).items()
                    if k != "description"
                }
                parts.add(json.dumps([name, scheme, sorted(scopes)], sort_keys=True))
            result.append(frozenset(parts))
        return result

    def _security(self, before: Endpoint, after: Endpoint) -> Iterator[Change]:
        old = self._alternatives(self.old, before)
        new = self._alternatives(self.new, after)
        if set(old) == set(new):
            return
        where = f"{after.pointer}/security"
        audience = after.request_audience
        if after.kind == "operation":
            # The integrator sends credentials: each old way must still satisfy some new one.
            lost = [a for a in old if not any(b <= a for b in new)]
            text = "a way of authenticating is no longer accepted"
        else:
            # The gateway authenticates to the receiver: each new way must satisfy an old one.
            lost = [b for b in new if not any(a <= b for a in old)]
            text = "the gateway may now authenticate in a way receivers do not check"
        if lost:
            names = sorted({json.loads(p)[0] for alt in lost for p in alt}) or ["none"]
            yield Change(
                audience,
                True,
                "security-narrowed",
                where,
                f"{text}: {', '.join(names)}",
                (after.label,),
            )
        else:
            yield Change(
                audience,
                False,
                "security-widened",
                where,
                "security alternatives added",
                (after.label,),
            )

    # --- parameters and bodies -------------------------------------------------------------

    def _params(
        self, doc: Document, endpoint: Endpoint
    ) -> dict[tuple[str, str], tuple[int, Mapping[str, Any]]]:
        found: dict[tuple[str, str], tuple[int, Mapping[str, Any]]] = {}
        for index, raw in enumerate(
            [*endpoint.path_item.get("parameters", []), *endpoint.definition.get("parameters", [])]
        ):
            param = doc.resolve(raw)
            name = str(param.get("name", ""))
            where = str(param.get("in", ""))
            found[(where, name.lower() if where == "header" else name)] = (index, param)
        return found

    def _parameters(self, before: Endpoint, after: Endpoint, flow: Flow) -> Iterator[Change]:
        old = self._params(self.old, before)
        new = self._params(self.new, after)
        audience = after.request_audience
        for key, (_, param) in old.items():
            where = f"{after.pointer}/parameters"
            if key not in new:
                yield self._emit(
                    audience,
                    flow,
                    Effect.WIDENED,
                    "parameter-removed",
                    where,
                    f"{key[0]} parameter {param.get('name')!r} removed",
                    after.label,
                )
                continue
            index, new_param = new[key]
            at = f"{where}/{index}"
            if bool(new_param.get("required")) and not param.get("required"):
                yield self._emit(
                    audience,
                    flow,
                    Effect.NARROWED,
                    "parameter-required",
                    at,
                    f"{key[0]} parameter {key[1]!r} now required",
                    after.label,
                )
            if param.get("required") and not new_param.get("required"):
                yield self._emit(
                    audience,
                    flow,
                    Effect.WIDENED,
                    "parameter-optional",
                    at,
                    f"{key[0]} parameter {key[1]!r} now optional",
                    after.label,
                )
            yield from self._schema(
                audience,
                flow,
                param.get("schema", {}),
                new_param.get("schema", {}),
                f"{at}/schema",
                after.label,
            )
        for key, (index, param) in new.items():
            if key not in old:
                effect = Effect.NARROWED if param.get("required") else Effect.NEUTRAL
                text = "required" if param.get("required") else "optional"
                yield self._emit(
                    audience,
                    flow,
                    effect,
                    "parameter-added",
                    f"{after.pointer}/parameters/{index}",
                    f"{text} {key[0]} parameter {key[1]!r} added",
                    after.label,
                )

    def _request_body(self, before: Endpoint, after: Endpoint, flow: Flow) -> Iterator[Change]:
        old = self.old.resolve(before.definition.get("requestBody")) or None
        new = self.new.resolve(after.definition.get("requestBody")) or None
        audience = after.request_audience
        where = self.new.locate(after.definition.get("requestBody"), f"{after.pointer}/requestBody")
        context = f"{after.label} request"
        if old is None and new is None:
            return
        if old is None:
            assert new is not None
            effect = Effect.NARROWED if new.get("required") else Effect.NEUTRAL
            yield self._emit(
                audience, flow, effect, "request-body-added", where, "request body added", context
            )
            return
        if new is None:
            yield self._emit(
                audience,
                flow,
                Effect.CHANGED,
                "request-body-removed",
                where,
                "request body removed",
                context,
            )
            return
        if new.get("required") and not old.get("required"):
            yield self._emit(
                audience,
                flow,
                Effect.NARROWED,
                "request-body-required",
                where,
                "request body now required",
                context,
            )
        if old.get("required") and not new.get("required"):
            yield self._emit(
                audience,
                flow,
                Effect.WIDENED,
                "request-body-optional",
                where,
                "request body now optional",
                context,
            )
        yield from self._content(
            audience,
            flow,
            old.get("content", {}),
            new.get("content", {}),
            f"{where}/content",
            context,
        )

    def _content(
        self,
        audience: Audience,
        flow: Flow,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        where: str,
        context: str,
    ) -> Iterator[Change]:
        for media_type, media in old.items():
            if media_type not in new:
                effect = Effect.NARROWED if new else Effect.CHANGED
                yield self._emit(
                    audience,
                    flow,
                    effect,
                    "media-type-removed",
                    where,
                    f"{media_type} removed",
                    context,
                )
                continue
            yield from self._schema(
                audience,
                flow,
                self.old.resolve(media).get("schema", {}),
                self.new.resolve(new[media_type]).get("schema", {}),
                f"{where}/{escape(media_type)}/schema",
                context,
            )
        for media_type in new:
            if media_type not in old:
                effect = Effect.WIDENED if old else Effect.CHANGED
                yield self._emit(
                    audience,
                    flow,
                    effect,
                    "media-type-added",
                    where,
                    f"{media_type} added",
                    context,
                )

    # --- responses ----------------------------------------------------------------------

    @staticmethod
    def _cover(responses: Mapping[str, Any], status: str) -> str | None:
        for candidate in (status, f"{status[0]}XX", f"{status[0]}xx", "default"):
            if candidate in responses:
                return candidate
        return None

    def _responses(self, before: Endpoint, after: Endpoint, flow: Flow) -> Iterator[Change]:
        old: Mapping[str, Any] = {
            str(k): v for k, v in before.definition.get("responses", {}).items()
        }
        new: Mapping[str, Any] = {
            str(k): v for k, v in after.definition.get("responses", {}).items()
        }
        audience = after.response_audience
        for status in sorted(set(old) | set(new)):
            where = f"{after.pointer}/responses/{status}"
            context = f"{after.label} response {status}"
            old_key = status if status in old else self._cover(old, status)
            new_key = status if status in new else self._cover(new, status)
            if old_key is None:
                yield self._emit(
                    audience,
                    flow,
                    Effect.WIDENED,
                    "status-added",
                    where,
                    f"status {status} added",
                    context,
                )
                continue
            if new_key is None:
                yield self._emit(
                    audience,
                    flow,
                    Effect.NARROWED,
                    "status-removed",
                    where,
                    f"status {status} removed",
                    context,
                )
                continue
            if status not in new:
                yield self._emit(
                    audience,
                    flow,
                    Effect.NEUTRAL,
                    "status-removed",
                    where,
                    f"status {status} now described by {new_key}",
                    context,
                )
            elif status not in old:
                yield self._emit(
                    audience,
                    flow,
                    Effect.NEUTRAL,
                    "status-added",
                    where,
                    f"status {status} added (was described by {old_key})",
                    context,
                )
            yield from self._content(
                audience,
                flow,
                self.old.resolve(old[old_key]).get("content", {}),
                self.new.resolve(new[new_key]).get("content", {}),
                self.new.locate(new[new_key], f"{after.pointer}/responses/{escape(new_key)}")
                + "/content",
                context,
            )
