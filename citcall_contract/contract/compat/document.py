"""One version of the spec, read from a file or a git revision, with its `$ref`s resolvable.

Unlike `citcall_contract.spec`, nothing here is cached globally: a diff holds two documents.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citcall_contract.contract.compat import wellformed
from citcall_contract.contract.compat.sources import SpecSourceError, read_source
from citcall_contract.core.printable import printable

__all__ = ["ANNOTATIONS", "CircularReference", "Document", "SpecSourceError", "load"]

#: Keywords that describe a schema without constraining instances.
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "externalDocs",
        "xml",
        "discriminator",
        "$comment",
        "default",
        "contentMediaType",
        "contentEncoding",
    }
)


class CircularReference(ValueError):
    """A schema refers to itself; it cannot be inlined for instance generation."""


@dataclass(frozen=True)
class Document:
    """A parsed OpenAPI document and where it came from."""

    label: str
    root: Mapping[str, Any]

    @property
    def version(self) -> str:
        return str(self.root.get("info", {}).get("version", ""))

    def pointer(self, ref: str) -> Any:
        node: Any = self.root
        for raw in ref.removeprefix("#").lstrip("/").split("/") if ref not in {"#", "#/"} else []:
            part = raw.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def resolve(self, node: Any) -> Any:
        """Follow local `$ref`s until a node without one is reached."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#") or ref in seen:
                raise SpecSourceError(f"{self.label}: unsupported or circular $ref {ref!r}")
            seen.add(ref)
            node = self.pointer(ref)
        return node

    def locate(self, node: Any, pointer: str) -> str:
        """Where `node` is defined: its `$ref` target when it is a reference, else `pointer`.

        Reporting a change once at a shared component (a path item, a response) lets the
        places that use it be listed together.
        """
        ref = node.get("$ref") if isinstance(node, Mapping) else None
        return ref if isinstance(ref, str) and ref.startswith("#") else pointer

    def inline(self, schema: Any) -> Any:
        """`schema` with every local `$ref` replaced by its target and annotations dropped."""
        return self._inline(schema, ())

    def _inline(self, node: Any, stack: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [self._inline(item, stack) for item in node]
        if not isinstance(node, Mapping):
            return copy.deepcopy(node)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            if ref in stack:
                raise CircularReference(ref)
            target = self._inline(self.pointer(ref), (*stack, ref))
            siblings = {
                k: self._inline(v, stack)
                for k, v in node.items()
                if k != "$ref" and k not in ANNOTATIONS and not k.startswith("x-")
            }
            return {"allOf": [target, siblings]} if siblings else target
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key.startswith("x-") or key in ANNOTATIONS:
                continue
            if key in {"properties", "patternProperties", "$defs", "dependentSchemas"}:
                out[key] = {name: self._inline(sub, stack) for name, sub in value.items()}
            else:
                out[key] = self._inline(value, stack)
        return out


def load(source: str, root: Path | None = None) -> Document:
    """A document from a file path, `REV:PATH`, or a git revision of the source spec.

    SpecSourceError (one line) when it cannot be read or is not an OpenAPI document the
    comparison can walk: not UTF-8, not YAML, an alias bomb, a member of the wrong shape,
    a dangling `$ref`.
    """
    from citcall_contract.spec.document import YAMLAliasError, parse_yaml

    raw = read_source(source, root)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecSourceError(f"{printable(source)}: not UTF-8 text (byte {exc.start})") from None
    try:
        parsed = parse_yaml(text)
    except YAMLAliasError as exc:
        raise SpecSourceError(f"{printable(source)}: {exc}") from None
    except Exception as exc:  # PyYAML raises several error types
        first = printable(str(exc).splitlines()[0])
        raise SpecSourceError(f"{printable(source)}: not YAML or JSON ({first})") from None
    if not isinstance(parsed, Mapping) or "openapi" not in parsed:
        raise SpecSourceError(f"{printable(source)}: not an OpenAPI document")
    malformed = wellformed.problem(parsed)
    if malformed is not None:
        raise SpecSourceError(f"{printable(source)}: malformed spec: {printable(malformed)}")
    return Document(source, parsed)
