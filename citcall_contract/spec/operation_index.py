"""The spec's operation index: each operation and callback by its operationId.

Lookups are built from `paths`, `callbacks` and `webhooks` on first use and cached.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from citcall_contract.spec.document import load_spec, pointer, resolve, row_named
from citcall_contract.spec.validators import validator

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator


@dataclass(frozen=True)
class Operation:
    """One operation of the spec, located by its operationId."""

    operation_id: str
    method: str
    path: str
    ref: str  # JSON pointer to the operation object

    @property
    def definition(self) -> Mapping[str, Any]:
        return cast(Mapping[str, Any], pointer(self.ref))

    @property
    def deprecated(self) -> bool:
        return bool(self.definition.get("deprecated", False))

    def request_media(self) -> Mapping[str, Any]:
        body = resolve(self.definition["requestBody"])
        return cast(Mapping[str, Any], resolve(body["content"]["application/json"]))

    def response_media(self, status: str = "200") -> Mapping[str, Any]:
        response = resolve(self.definition["responses"][status])
        return cast(Mapping[str, Any], resolve(response["content"]["application/json"]))

    def request_schema_ref(self) -> str:
        return _schema_ref(self.request_media(), f"{self.ref}/requestBody")

    def response_schema_ref(self, status: str = "200") -> str:
        return _schema_ref(self.response_media(status), f"{self.ref}/responses/{status}")

    def request_validator(self) -> Draft202012Validator:
        return validator(self.request_schema_ref())

    def response_validator(self, status: str = "200") -> Draft202012Validator:
        return validator(self.response_schema_ref(status))

    def request_examples(self) -> dict[str, Any]:
        return example_values(self.request_media())

    def response_examples(self, status: str = "200") -> dict[str, Any]:
        return example_values(self.response_media(status))


def _schema_ref(media: Mapping[str, Any], where: str) -> str:
    schema = media.get("schema", {})
    ref = schema.get("$ref") if isinstance(schema, Mapping) else None
    if not isinstance(ref, str):
        raise ValueError(f"{where}: schema must be a $ref to components/schemas")
    return ref


def example_values(media: Mapping[str, Any]) -> dict[str, Any]:
    """Named examples of a media type object, `$ref`s resolved, name -> value."""
    return {name: resolve(example)["value"] for name, example in media.get("examples", {}).items()}


@functools.cache
def operations() -> Mapping[str, Operation]:
    """Every operation of `paths`, keyed by operationId."""
    found: dict[str, Operation] = {}
    for path, item in load_spec()["paths"].items():
        escaped = path.replace("~", "~0").replace("/", "~1")
        for method, op in item.items():
            if method in {"get", "put", "post", "delete", "patch", "options", "head", "trace"}:
                ref = f"#/paths/{escaped}/{method}"
                found[op["operationId"]] = Operation(op["operationId"], method, path, ref)
    return found


def operation(operation_id: str) -> Operation:
    return row_named(operations(), operation_id, "operation")


def operation_for_path(path: str, method: str = "post") -> Operation | None:
    for op in operations().values():
        if op.path == path and op.method == method:
            return op
    return None


@dataclass(frozen=True)
class Webhook:
    """A callback the gateway posts: its operationId and the payload's schema."""

    name: str
    schema_ref: str

    @property
    def schema_name(self) -> str:
        return self.schema_ref.rsplit("/", 1)[-1]

    @property
    def validator(self) -> Draft202012Validator:
        return validator(self.schema_ref)


def _webhook(path_item: Any) -> Webhook:
    post = resolve(path_item)["post"]
    media = resolve(resolve(post["requestBody"])["content"]["application/json"])
    return Webhook(str(post["operationId"]), _schema_ref(media, str(post["operationId"])))


@functools.cache
def webhooks() -> Mapping[str, Webhook]:
    """The spec's `webhooks` (deliveries to the account's default URL), keyed by operationId."""
    found = (_webhook(item) for item in load_spec().get("webhooks", {}).values())
    return {hook.name: hook for hook in found}


@functools.cache
def operation_callback(operation_id: str) -> Webhook | None:
    """The callback an operation's `callbacks` declares (posted to `callback_url`), if any."""
    for expressions in operation(operation_id).definition.get("callbacks", {}).values():
        for path_item in resolve(expressions).values():
            return _webhook(path_item)
    return None
