"""The places of a document where data crosses the wire: operations, callbacks, webhooks.

Each has a stable key (method and path with parameter names blanked; the callback's
parent operation, name and URL expression; the webhook's name) so that two versions can
be paired, and says which audience sends and which reads its data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from citcall_contract.contract.compat.document import Document
from citcall_contract.contract.compat.model import Audience

METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


@dataclass(frozen=True)
class Endpoint:
    """One operation object and its role.

    For a gateway operation the integrator sends the request and the client reads the
    response; for a callback or webhook the gateway sends the request and the receiver
    answers it, so both sides belong to the receiver.
    """

    kind: str  # "operation", "callback" or "webhook"
    key: tuple[str, ...]
    label: str
    pointer: str
    definition: Mapping[str, Any]
    path_item: Mapping[str, Any]
    entry: str = ""  # where it is listed (the paths, callbacks or webhooks entry)

    @property
    def listed_at(self) -> str:
        return self.entry or self.pointer

    @property
    def request_audience(self) -> Audience:
        return Audience.INTEGRATORS if self.kind == "operation" else Audience.RECEIVERS

    @property
    def response_audience(self) -> Audience:
        return Audience.CLIENTS if self.kind == "operation" else Audience.RECEIVERS

    @property
    def operation_id(self) -> str | None:
        value = self.definition.get("operationId")
        return str(value) if value is not None else None


def escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def template(path: str) -> str:
    """`/x/{id}` and `/x/{trxid}` are the same URL."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def endpoints(doc: Document) -> Iterator[Endpoint]:
    for path, raw_item in doc.root.get("paths", {}).items():
        item = doc.resolve(raw_item)
        item_pointer = doc.locate(raw_item, f"#/paths/{escape(path)}")
        for method in METHODS:
            if method not in item:
                continue
            pointer = f"{item_pointer}/{method}"
            operation = item[method]
            label = f"{method.upper()} {path}"
            yield Endpoint(
                "operation",
                ("operation", method, template(path)),
                label,
                pointer,
                operation,
                item,
                f"#/paths/{escape(path)}/{method}",
            )
            for name, raw_callback in operation.get("callbacks", {}).items():
                for expression, raw_cb_item in doc.resolve(raw_callback).items():
                    cb_item = doc.resolve(raw_cb_item)
                    cb_pointer = doc.locate(
                        raw_cb_item, f"{pointer}/callbacks/{escape(name)}/{escape(expression)}"
                    )
                    for cb_method in METHODS:
                        if cb_method in cb_item:
                            yield Endpoint(
                                "callback",
                                ("callback", method, template(path), name, expression, cb_method),
                                f"callback {name} of {label}",
                                f"{cb_pointer}/{cb_method}",
                                cb_item[cb_method],
                                cb_item,
                                f"#/paths/{escape(path)}/{method}/callbacks/{escape(name)}"
                                f"/{escape(expression)}/{cb_method}",
                            )
    for name, raw_item in doc.root.get("webhooks", {}).items():
        item = doc.resolve(raw_item)
        for method in METHODS:
            if method in item:
                yield Endpoint(
                    "webhook",
                    ("webhook", name, method),
                    f"webhook {name}",
                    doc.locate(raw_item, f"#/webhooks/{escape(name)}") + f"/{method}",
                    item[method],
                    item,
                    f"#/webhooks/{escape(name)}/{method}",
                )
