"""The OpenAPI document: found, parsed once on first use, and registered for `$ref`s.

Nothing happens at import: PyYAML (its C loader when built with libyaml) and
`referencing` are imported by the first call that needs them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from referencing import Registry

SPEC_FILENAME = "citcall-v3.yaml"
#: Base URI under which the document is registered; `#/components/...` refs resolve to it.
SPEC_URI = "urn:citcall-contract:citcall-v3"

T = TypeVar("T")

_PACKAGE_DIR = Path(__file__).resolve().parents[1]
_PACKAGED_SPEC = _PACKAGE_DIR / "openapi" / SPEC_FILENAME
_SOURCE_SPEC = _PACKAGE_DIR.parent / "openapi" / SPEC_FILENAME


def spec_path() -> Path:
    """Where the spec is: the copy in an installed wheel, else the repository's source copy."""
    if _PACKAGED_SPEC.is_file():
        return _PACKAGED_SPEC
    if _SOURCE_SPEC.is_file():
        return _SOURCE_SPEC
    raise FileNotFoundError(f"{SPEC_FILENAME} is neither packaged nor in the source tree")


#: Nodes YAML aliases may add when the document is read as a tree (every consumer here
#: walks trees). The spec uses no alias; a shared snippet reused a few hundred times fits.
MAX_ALIAS_NODES = 100_000


class YAMLAliasError(ValueError):
    """The document's aliases expand past `MAX_ALIAS_NODES` (an alias bomb) or into themselves."""


def parse_yaml(text: str) -> Any:
    """YAML to Python with PyYAML's safe C loader when available (about 7x faster).

    Aliases are bounded: PyYAML shares an aliased node rather than copying it, so nine
    levels of nine aliases parse at once and then make every walk over the tree (a
    diff, a deep copy, a validator) visit 9^9 nodes. A document with an anchor (`&`) is
    composed first and its expanded size counted before it is built; one without any
    takes the plain path.
    """
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if "&" not in text:  # no anchor, so no alias can resolve to anything
        return yaml.load(text, Loader=loader_class)  # noqa: S506 - a safe loader either way
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_aliases(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_aliases(root: Any) -> None:
    """Raise YAMLAliasError when aliases add more than MAX_ALIAS_NODES or form a cycle.

    Counts each distinct node's expanded size once (iteratively: nesting may be deep).
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # the ancestors of the node being visited
    distinct = 0
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] - distinct > MAX_ALIAS_NODES:
                raise YAMLAliasError(
                    f"YAML aliases expand to more than {MAX_ALIAS_NODES} extra nodes "
                    "(an alias bomb?); refused"
                )
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise YAMLAliasError("a YAML alias refers to a node that contains it; refused")
        open_nodes.add(key)
        distinct += 1
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _children(node: Any) -> list[Any]:
    value = node.value
    if not isinstance(value, list):
        return []  # a scalar
    if value and isinstance(value[0], tuple):  # a mapping: (key, value) pairs
        return [part for pair in value for part in pair]
    return list(value)


@functools.cache
def load_spec() -> Mapping[str, Any]:
    """The parsed document. Cached: callers must not mutate it."""
    return cast(Mapping[str, Any], parse_yaml(spec_path().read_text(encoding="utf-8")))


@functools.cache
def registry() -> Registry[Any]:
    """A referencing registry holding the whole document, so every `$ref` resolves."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resource: Resource[Any] = DRAFT202012.create_resource(dict(load_spec()))
    return cast("Registry[Any]", Registry().with_resource(SPEC_URI, resource))


def resolve(node: Any) -> Any:
    """Follow local `$ref`s (to components) until a non-reference node is reached."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
            raise ValueError(f"unsupported or circular $ref: {ref!r}")
        seen.add(ref)
        node = pointer(ref)
    return node


def pointer(ref: str) -> Any:
    """The node at a local JSON pointer such as `#/components/schemas/Rc`."""
    node: Any = load_spec()
    for raw in ref.removeprefix("#/").split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def row_named(table: Mapping[str, T], name: str, what: str) -> T:
    """`table[name]` for a table read from the spec; a KeyError naming `what` and the
    names the spec does have otherwise, so a typo is fixed from the message alone."""
    try:
        return table[name]
    except KeyError:
        known = ", ".join(sorted(table))
        raise KeyError(f"no {what} {name!r} in the spec (known: {known})") from None


def component_schema(name: str) -> Mapping[str, Any]:
    """`components/schemas/<name>` of the loaded spec (read-only)."""
    schema: Mapping[str, Any] = load_spec()["components"]["schemas"][name]
    return schema


def servers() -> list[str]:
    return [server["url"] for server in load_spec()["servers"]]


def default_base_url() -> str:
    """The client's default address, the first https server (`servers[0]`, the provider's
    documented address, is plain http). Docs samples use it, so they match the facade."""
    from citcall_contract.core.hosts import first_https_server

    return first_https_server(servers())


def iter_named_examples() -> Iterator[tuple[str, str, Any]]:
    """Every named example of the document as (location, schema ref, value).

    Covers request bodies, responses, callbacks and webhooks, so one test can prove that
    each example validates against the schema it illustrates.
    """
    yield from _walk_examples(load_spec(), "#")


def _walk_examples(node: Any, where: str) -> Iterator[tuple[str, str, Any]]:
    if isinstance(node, Mapping):
        schema = node.get("schema")
        examples = node.get("examples")
        if isinstance(schema, Mapping) and isinstance(examples, Mapping) and "$ref" in schema:
            for name, example in examples.items():
                yield f"{where}/examples/{name}", schema["$ref"], resolve(example)["value"]
        for key, value in node.items():
            if key not in {"examples", "schema"}:
                yield from _walk_examples(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk_examples(value, f"{where}/{index}")
