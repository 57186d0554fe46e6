"""The OpenAPI document, loaded once on first use, with validators compiled once.

Everything that needs a table, an example or a schema reads it from here, so the YAML
stays the only place where the contract is written down. Nothing happens at import:
PyYAML (its C loader when built with libyaml) and jsonschema are imported by the first
call that needs them, so an app that only constructs a client never pays for them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry

SPEC_FILENAME = "citcall-v3.yaml"
#: Base URI under which the document is registered; `#/components/...` refs resolve to it.
SPEC_URI = "urn:citcall-contract:citcall-v3"

_PACKAGE_DIR = Path(__file__).resolve().parent
_PACKAGED_SPEC = _PACKAGE_DIR / "openapi" / SPEC_FILENAME
_SOURCE_SPEC = _PACKAGE_DIR.parent / "openapi" / SPEC_FILENAME


def spec_path() -> Path:
    """Where the spec is: the copy in an installed wheel, else the repository's source copy."""
    if _PACKAGED_SPEC.is_file():
        return _PACKAGED_SPEC
    if _SOURCE_SPEC.is_file():
        return _SOURCE_SPEC
    raise FileNotFoundError(f"{SPEC_FILENAME} is neither packaged nor in the source tree")


def parse_yaml(text: str) -> Any:
    """YAML to Python with PyYAML's safe C loader when available (about 7x faster)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader either way


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


@functools.cache
def format_checker() -> FormatChecker:
    """The `format`s the spec uses, checked as jsonschema's `format-nongpl` extra would.

    Only `uri` is used (CallbackUrl); it is checked with rfc3986-validator, the library
    jsonschema itself uses for it, without loading the other checkers (one builds a Lark
    grammar, about a second). A test holds this set against every `format` in the spec.
    rfc3986-validator's regex ends in Python's `$`, which also matches before a final
    newline; JSON Schema means the end of the string, so a trailing newline is refused.
    """
    from jsonschema import FormatChecker
    from rfc3986_validator import validate_rfc3986

    checker = FormatChecker(formats=())

    @checker.checks("uri")
    def is_uri(instance: object) -> bool:
        if not isinstance(instance, str):
            return True
        return not instance.endswith("\n") and bool(validate_rfc3986(instance, rule="URI"))

    return checker


@dataclass(frozen=True)
class _FastPath:
    """A jsonschema-rs copy of one schema, and the fields where `format` must be checked."""

    is_valid: Callable[[Any], bool]
    format_fields: frozenset[str]


def surely_valid(ref: str, instance: Any) -> bool:
    """True only when jsonschema-rs (if installed) accepts `instance` for the schema at `ref`.

    A fast "valid" for hot paths (the sandbox, the facade, check-traffic); False means
    "ask `validator(ref)`", which decides and explains every refusal. jsonschema-rs checks
    no formats here, so a body holding a `format`-checked field is never fast-passed:
    this can never widen what the spec's own validator accepts.
    """
    fast = _fast_path(ref)
    if fast is None:
        return False
    if isinstance(instance, Mapping) and not fast.format_fields.isdisjoint(instance):
        return False
    try:
        return fast.is_valid(instance)
    except (ValueError, TypeError, OverflowError, RecursionError):  # huge ints, deep nesting
        return False


@functools.cache
def _fast_path(ref: str) -> _FastPath | None:
    try:
        import jsonschema_rs
    except ImportError:
        return None
    schema = resolve(pointer(ref))
    if not isinstance(schema, Mapping):
        return None
    properties = schema.get("properties", {})
    if _has_format({k: v for k, v in schema.items() if k != "properties"}, set()):
        return None  # a format outside the properties: the fast path cannot steer around it
    compiled = jsonschema_rs.Draft202012Validator(
        {"$ref": SPEC_URI + ref}, registry=_fast_registry(), validate_formats=False
    )
    format_fields = frozenset(k for k, v in properties.items() if _has_format(v, set()))
    return _FastPath(lambda instance: bool(compiled.is_valid(instance)), format_fields)


@functools.cache
def _fast_registry() -> Any:
    """The whole spec as a jsonschema-rs registry, so `$ref`s resolve as in the spec's."""
    import jsonschema_rs

    return jsonschema_rs.Registry([(SPEC_URI, dict(load_spec()))])


def _has_format(node: Any, seen: set[int], depth: int = 0) -> bool:
    """Whether `format` applies anywhere below `node`, following `$ref`s."""
    node = resolve(node)
    if depth > 32 or id(node) in seen:
        return depth > 32  # too deep to be sure: say yes (the safe answer)
    seen.add(id(node))
    if isinstance(node, Mapping):
        return "format" in node or any(_has_format(v, seen, depth + 1) for v in node.values())
    if isinstance(node, list):
        return any(_has_format(v, seen, depth + 1) for v in node)
    return False


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


def component_schema(name: str) -> Mapping[str, Any]:
    """`components/schemas/<name>` of the loaded spec (read-only)."""
    schema: Mapping[str, Any] = load_spec()["components"]["schemas"][name]
    return schema


#: ECMA-262 `.` outside a class: anything but a line terminator.
_ECMA_DOT = "[^\\n\\r\\u2028\\u2029]"
#: ECMA-262 `\s`: white space and line terminators (a class body, no brackets).
_ECMA_SPACE = (
    "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)


def ecma_to_python(pattern: str) -> str:
    """A JSON Schema (ECMA-262, no flags) pattern rewritten so Python's `re` (with
    `re.ASCII`) means the same: `$` is the end of the string only (Python's `$` also
    matches before a final newline), `.` excludes every line terminator, `\\s` is
    ECMA's set. `\\d`, `\\w` and `\b` are ASCII under `re.ASCII`, as in ECMA-262."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            if escaped == "s":
                out.append(_ECMA_SPACE if in_class else f"[{_ECMA_SPACE}]")
            elif escaped == "S" and not in_class:
                out.append(f"[^{_ECMA_SPACE}]")
            elif escaped == "S":
                raise ValueError(f"pattern {pattern!r}: \\S inside a class is not supported")
            else:
                out.append(char + escaped)
            i += 2
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
        elif pattern.startswith("[]", i):  # ECMA: matches nothing (Python: a literal `]`)
            out.append("(?!)")
            i += 1
        elif pattern.startswith("[^]", i):  # ECMA: any character
            out.append("[\\s\\S]")
            i += 2
        elif char == "[":
            in_class = True
            out.append(char)
            if pattern.startswith("[^", i):
                out.append("^")
                i += 1
        elif char == "$":
            out.append("(?![\\s\\S])")  # end of string; a final newline does not count
        elif char == ".":
            out.append(_ECMA_DOT)
        else:
            out.append(char)
        i += 1
    return "".join(out)


@functools.cache
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled with ECMA-262 meaning (see `ecma_to_python`); cached."""
    return re.compile(ecma_to_python(pattern), re.ASCII)


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """The `pattern` keyword with ECMA-262 semantics (jsonschema's uses Python's `$`)."""
    from jsonschema import ValidationError

    if validator.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def _validator_class() -> type[Draft202012Validator]:
    """Draft 2020-12 with an ECMA-262 `pattern`, as JSON Schema requires."""
    from jsonschema import Draft202012Validator, validators

    extended = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {"pattern": _ecma_pattern}
    )
    return cast("type[Draft202012Validator]", extended)


@functools.cache
def validator(ref: str) -> Draft202012Validator:
    """A compiled Draft 2020-12 validator (formats checked, ECMA-262 patterns) for `ref`."""
    schema = {"$ref": SPEC_URI + ref}
    cls = _validator_class()
    return cls(schema, registry=registry(), format_checker=format_checker())


def schema_validator(name: str) -> Draft202012Validator:
    """Validator for `components/schemas/<name>`."""
    return validator(f"#/components/schemas/{name}")


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
    try:
        return operations()[operation_id]
    except KeyError:
        known = ", ".join(sorted(operations()))
        raise KeyError(f"no operation {operation_id!r} in the spec (known: {known})") from None


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


def servers() -> list[str]:
    return [server["url"] for server in load_spec()["servers"]]


def default_base_url() -> str:
    """The client's default address, the first https server (`servers[0]`, the provider's
    documented address, is plain http). Docs samples use it, so they match the facade."""
    from citcall_contract.hosts import first_https_server

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
