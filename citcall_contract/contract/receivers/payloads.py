"""Callback payloads a receiver must handle, built from the spec's webhooks.

One place builds what `trigger` posts and what `verify-receiver` delivers:

- `example_payload` / `apply_overrides`: a webhook's first named example with `--set`
  overrides, and `field_problems` to refuse an override that breaks the schema;
- `valid_variants`: every spec-valid form the gateway is known to send (rc as integer and
  as `"00"`, price and dial code as strings and numbers, msisdn with and without `+`, only
  the required fields, all fields, each dial-code class, each call outcome of
  `x-sandbox-scenarios`), each checked against the webhook's schema;
- `hostile_deliveries`: bodies a receiver must refuse without crashing;
- `generated_payloads`: more valid payloads from hypothesis-jsonschema (the `contract` extra).

Field names, forms and tables come from the schemas, the DialCode table and the scenarios;
nothing here lists them again.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from citcall_contract import spec
from citcall_contract.client.callback_reports import callback_kinds
from citcall_contract.spec import codes, scenarios
from citcall_contract.spec.validators import error_location

JSON = "application/json"
#: Size of the oversized hostile body.
ONE_MEGABYTE = 1024 * 1024
#: Largest generated number where the schema sets no `maximum` (prices): 10^12.
LARGEST_GENERATED_NUMBER = 10**12


@dataclass(frozen=True)
class Variant:
    """A named, spec-valid payload of one webhook kind."""

    name: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class HostileDelivery:
    """A body (and Content-Type) a receiver must refuse or ignore, never crash on."""

    name: str
    body: bytes
    content_type: str = JSON


# --- the spec's view of a webhook -----------------------------------------------------------


def webhook_examples(kind: str) -> dict[str, dict[str, Any]]:
    """The named examples of a webhook's request body, in the spec's order."""
    for item in spec.load_spec().get("webhooks", {}).values():
        post = spec.resolve(item)["post"]
        if post.get("operationId") == kind:
            body = spec.resolve(post["requestBody"])
            examples = spec.example_values(body["content"]["application/json"])
            return {name: dict(value) for name, value in examples.items()}
    raise KeyError(f"no webhook {kind!r} in the spec")


def example_payload(kind: str) -> dict[str, Any]:
    """The webhook's first named example (what `trigger` sends without overrides)."""
    return dict(next(iter(webhook_examples(kind).values())))


def _schema(kind: str) -> Mapping[str, Any]:
    return spec.component_schema(callback_kinds()[kind].schema)


def _property(kind: str, name: str) -> Mapping[str, Any]:
    node: Mapping[str, Any] = spec.resolve(_schema(kind).get("properties", {}).get(name, {}))
    return node


def _types(node: Any) -> set[str]:
    """Every JSON type a (sub)schema admits, following `$ref` and `anyOf` / `oneOf`."""
    node = spec.resolve(node)
    found: set[str] = set()
    if not isinstance(node, Mapping):
        return found
    declared = node.get("type")
    if isinstance(declared, str):
        found.add(declared)
    elif isinstance(declared, list):
        found.update(declared)
    for key in ("anyOf", "oneOf"):
        for member in node.get(key, ()):
            found |= _types(member)
    return found


def field_problems(kind: str, payload: Mapping[str, Any]) -> list[str]:
    """Why `payload` breaks the webhook's schema, one line per problem naming the field."""
    problems = []
    for error in callback_kinds()[kind].validator.iter_errors(dict(payload)):
        message = str(error.message)
        message = message if len(message) <= 160 else message[:157] + "..."
        problems.append(f"field `{error_location(error)}`: {message}")
    return sorted(problems)


# --- overrides (`--set FIELD=VALUE`) --------------------------------------------------------


def parse_assignment(text: str) -> tuple[str, str]:
    """`FIELD=VALUE` -> (field, raw value); ValueError naming the problem."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"expected FIELD=VALUE, got {text!r}")
    return name.strip(), value


def apply_overrides(
    kind: str,
    payload: Mapping[str, Any],
    assignments: Sequence[tuple[str, str]],
    unset: Sequence[str] = (),
) -> dict[str, Any]:
    """`payload` with each (field, raw) set: the value parsed as JSON when it parses, else
    the string; when only the string form fits the field's schema (`msisdn=6281...`), the
    string is kept. `unset` fields are removed."""
    result = dict(payload)
    for name, raw in assignments:
        candidates: list[Any] = []
        with contextlib.suppress(ValueError):
            candidates.append(json.loads(raw))
        candidates.append(raw)
        chosen = candidates[0]
        for value in candidates:
            if not _field_errors(kind, {**result, name: value}, name):
                chosen = value
                break
        result[name] = chosen
    for name in unset:
        result.pop(name, None)
    return result


def _field_errors(kind: str, payload: Mapping[str, Any], name: str) -> bool:
    validator = callback_kinds()[kind].validator
    return any(
        list(error.absolute_path)[:1] == [name] for error in validator.iter_errors(dict(payload))
    )


# --- the valid forms ---


def full_payload(kind: str) -> dict[str, Any]:
    """Every property of the webhook: the examples merged, gaps filled by property examples."""
    merged: dict[str, Any] = {}
    for example in webhook_examples(kind).values():
        for name, value in example.items():
            merged.setdefault(name, value)
    for name in _schema(kind).get("properties", {}):
        if name not in merged:
            node = _property(kind, name)
            if "example" in node:
                merged[name] = node["example"]
    return merged


def required_payload(kind: str) -> dict[str, Any]:
    required = set(_schema(kind).get("required", ()))
    return {k: v for k, v in full_payload(kind).items() if k in required}


def _number_and_string_fields(kind: str) -> list[str]:
    """Properties that arrive both as a number and as a digit string (rc, price, dial_code)."""
    fields = []
    for name in _schema(kind).get("properties", {}):
        types = _types(_property(kind, name))
        if "string" in types and types & {"integer", "number"}:
            fields.append(name)
    return fields


def _plus_optional_fields(kind: str) -> list[str]:
    """String properties whose pattern allows an optional leading `+` (msisdn)."""
    return [
        name
        for name in _schema(kind).get("properties", {})
        if str(_property(kind, name).get("pattern", "")).startswith("^\\+?")
    ]


def _as_number(value: Any) -> int | float:
    text = str(value)
    return int(text) if text.isdigit() else float(text)


def _as_string(value: Any) -> str:
    """The digit-string form the gateway sends: `"00"` for rc 0, `"200"`, `"179"`."""
    if isinstance(value, int) and 0 <= value < 10:
        return f"{value:02d}"
    return str(value)


def valid_variants(kind: str) -> list[Variant]:
    """Every spec-valid form of the webhook the gateway is known to send, each validated."""
    full = full_payload(kind)
    found: list[Variant] = [
        *(Variant(f"example {name}", value) for name, value in webhook_examples(kind).items()),
        Variant("all fields", full),
        Variant("only required fields", required_payload(kind)),
    ]
    for name in _number_and_string_fields(kind):
        found.append(Variant(f"{name} as number", {**full, name: _as_number(full[name])}))
        found.append(Variant(f"{name} as string", {**full, name: _as_string(full[name])}))
    if "price" in full:
        found.append(Variant("price with decimals (number)", {**full, "price": 179.5}))
        found.append(Variant("price with decimals (string)", {**full, "price": "179.50"}))
    for name in _plus_optional_fields(kind):
        digits = str(full[name]).lstrip("+")
        found.append(Variant(f"{name} with +", {**full, name: "+" + digits}))
        found.append(Variant(f"{name} without +", {**full, name: digits}))
    if "rc" in full:
        found += _rc_variants(full)
    if "dial_code" in full:
        found += list(_dial_code_variants(full))
    found.append(Variant("an unknown extra field", {**full, "x_new_field": "added later"}))
    for variant in found:
        problems = field_problems(kind, variant.payload)
        if problems:  # the spec and these forms disagree: a bug here, not in the receiver
            raise AssertionError(f"{kind} variant {variant.name!r} is invalid: {problems}")
    return found


def _rc_variants(full: Mapping[str, Any]) -> list[Variant]:
    known = codes.response_codes()
    failure = next(rc for rc in known if rc != 0)
    unknown = next(rc for rc in range(max(known) + 1, 1000) if rc not in known)
    return [
        Variant(f"rc {failure} (a failure code)", {**full, "rc": failure}),
        Variant(f"rc {unknown} (not in the spec)", {**full, "rc": unknown}),
        Variant(f"rc {unknown} as string", {**full, "rc": str(unknown)}),
    ]


def _dial_code_variants(full: Mapping[str, Any]) -> Iterator[Variant]:
    table = codes.dial_codes()
    by_class: dict[str, int] = {}
    for code, info in table.items():
        by_class.setdefault(info.code_class, code)
    for code_class, code in by_class.items():
        yield Variant(f"dial_code {code} ({code_class})", {**full, "dial_code": str(code)})
        first = int(code_class[0]) * 100
        unknown = next((c for c in range(first, first + 100) if c not in table), None)
        if unknown is not None:
            yield Variant(
                f"dial_code {unknown} ({code_class}, not in the spec)",
                {**full, "dial_code": str(unknown)},
            )
    for outcome in scenarios.call_outcomes().values():
        yield Variant(
            f"call outcome {outcome.name}",
            {
                **full,
                "dial_code": str(outcome.dial_code),
                "dial_status": outcome.dial_status,
                "call_status": outcome.call_status,
                "result": outcome.result,
            },
        )


# --- hostile bodies ---


def hostile_deliveries(
    kind: str, new_trxid: Callable[[], str] | None = None
) -> list[HostileDelivery]:
    """Deliveries a receiver must answer without a 5xx, a hang or a dropped connection.

    Each is `full_payload(kind)` with one thing broken, and its own trxid from `new_trxid`
    when given (so that one case cannot disturb the next).
    """

    def base() -> dict[str, Any]:
        full = full_payload(kind)
        return full if new_trxid is None else {**full, "trxid": new_trxid()}

    def encoded(payload: Any) -> bytes:
        return json.dumps(payload).encode()

    found = [
        HostileDelivery("not JSON", b"this is not JSON {"),
        HostileDelivery("a JSON array", encoded([base()])),
        HostileDelivery("empty body", b""),
        HostileDelivery("wrong Content-Type (text/plain)", encoded(base()), "text/plain"),
        HostileDelivery("1 MB body", encoded({**base(), "padding": "x" * ONE_MEGABYTE})),
    ]
    for name in sorted(_schema(kind).get("required", ())):
        missing = {k: v for k, v in base().items() if k != name}
        found.append(HostileDelivery(f"missing {name}", encoded(missing)))
        types = _types(_property(kind, name))
        wrong: Any = 12345 if types == {"string"} else {"unexpected": ["object"]}
        found.append(HostileDelivery(f"wrong type for {name}", encoded({**base(), name: wrong})))
    return found


# --- generated valid payloads ---


def generated_payloads(kind: str, count: int, seed: int | None = None) -> list[dict[str, Any]]:
    """Up to `count` valid payloads generated by hypothesis from the webhook's schema.

    The webhook schemas use a small part of JSON Schema (objects, strings with patterns,
    bounded numbers, enums, `anyOf`), which `payload_strategy` covers; each value is
    checked with the spec's own validator before it is kept.
    """
    if count <= 0:
        return []
    import importlib.util

    if importlib.util.find_spec("hypothesis") is None:
        from citcall_contract.core.extras import MissingExtra

        raise MissingExtra(
            "generated callback payloads (max examples > 0)", "contract", "hypothesis"
        )
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    strategy = payload_strategy(_schema(kind))
    validator = callback_kinds()[kind].validator
    found: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: dict[str, Any]) -> None:
        if len(found) < count and not list(validator.iter_errors(value)):
            found.append(value)

    if seed is not None:
        collect = hypothesis_seed(seed)(collect)
    collect()
    return found


def payload_strategy(node: Any) -> Any:
    """A hypothesis strategy for the JSON Schema subset the webhook schemas use.

    Patterns are matched in full (`$` of a JSON Schema pattern never matches before a
    final newline, Python's does); numbers are finite and, without a `maximum`, at most
    `LARGEST_GENERATED_NUMBER` (a price of 10^60 IDR is spec-valid but no gateway sends it).
    """
    from hypothesis import strategies as st

    node = spec.resolve(node)
    if not isinstance(node, Mapping):
        raise ValueError(f"unsupported schema node: {node!r}")
    if "enum" in node:
        return st.sampled_from(list(node["enum"]))
    if "const" in node:
        return st.just(node["const"])
    for key in ("anyOf", "oneOf"):
        if key in node:
            return st.one_of([payload_strategy(member) for member in node[key]])
    kind = node.get("type")
    if kind == "object":
        properties = {k: payload_strategy(v) for k, v in node.get("properties", {}).items()}
        required = [k for k in node.get("required", ()) if k in properties]
        optional = {k: v for k, v in properties.items() if k not in required}
        return st.fixed_dictionaries({k: properties[k] for k in required}, optional=optional)
    if kind == "string":
        pattern = node.get("pattern")
        if pattern is not None:
            return st.from_regex(pattern.rstrip("$").lstrip("^"), fullmatch=True)
        return st.text(min_size=node.get("minLength", 0), max_size=node.get("maxLength", 40))
    if kind in ("integer", "number"):
        low = node.get("minimum")
        high = node.get("maximum", LARGEST_GENERATED_NUMBER)
        integers = st.integers(low, high)
        if kind == "integer":
            return integers
        return st.one_of(integers, st.floats(low, high, allow_nan=False, allow_infinity=False))
    if kind == "boolean":
        return st.booleans()
    raise ValueError(f"unsupported schema node: {dict(node)!r}")
