"""One version of the spec, read from a file or a git revision, with its `$ref`s resolvable.

Unlike `citcall_contract.spec`, nothing here is cached globally: a diff holds two documents.
"""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citcall_contract.core.checkout import SPEC_RELATIVE

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


class SpecSourceError(ValueError):
    """OLD or NEW names neither a readable spec file nor a git revision holding one."""


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
    """A document from a file path, `REV:PATH`, or a git revision of the source spec."""
    from citcall_contract.spec import parse_yaml

    path = Path(source)
    if path.is_file():
        text = path.read_text(encoding="utf-8")
    else:
        text = git_show(source if ":" in source else f"{source}:{SPEC_RELATIVE.as_posix()}", root)
    try:
        parsed = parse_yaml(text)
    except Exception as exc:  # PyYAML raises several error types
        raise SpecSourceError(f"{source}: not YAML or JSON ({str(exc).splitlines()[0]})") from None
    if not isinstance(parsed, Mapping) or "openapi" not in parsed:
        raise SpecSourceError(f"{source}: not an OpenAPI document")
    return Document(source, parsed)


def git_show(object_name: str, root: Path | None = None) -> str:
    try:
        result = subprocess.run(
            ["git", "show", object_name],  # noqa: S607 - git from PATH is the user's git
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise SpecSourceError(f"{object_name}: not a file, and git is not installed") from None
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["git show failed"])[-1]
        raise SpecSourceError(f"{object_name}: not a file nor a git revision ({reason})")
    return result.stdout
