"""The spec's `pattern`s are ECMA-262: `$` is the end of the string, never "before a final
newline" as in Python's `re`. Every validator built from the spec (sandbox, parse_callback,
client) must refuse a value with a trailing newline."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from citcall_contract import (
    CallbackError,
    Citcall,
    CitcallAPIError,
    CitcallInputError,
    parse_callback,
)
from citcall_contract.spec import (
    component_schema,
    ecma_regex,
    ecma_to_python,
    load_spec,
    schema_validator,
)


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


SPEC_PATTERNS = sorted(set(_patterns(dict(load_spec()))))


@pytest.mark.parametrize(
    ("pattern", "text", "ecma"),
    [
        ("^[0-9]+$", "123", True),
        ("^[0-9]+$", "123\n", False),  # Python's `$` alone would accept this
        ("^\\d+$", "\u0663", False),  # ECMA \d is ASCII
        ("^a.b$", "a\rb", False),  # ECMA `.` excludes line terminators
        ("^a.b$", "a\u2028b", False),
        ("^a.b$", "axb", True),
        ("^\\s$", "\u00a0", True),
        ("^[$]$", "$", True),  # `$` in a class is literal
        ("^\\$$", "$", True),
        ("[^]", "\n", True),
        ("^[]", "x", False),
        ("^https?://", "https://x\n", True),  # no `$`: a prefix test
    ],
)
def test_ecma_semantics(pattern, text, ecma):
    assert bool(ecma_regex(pattern).search(text)) is ecma


@pytest.mark.parametrize("pattern", SPEC_PATTERNS)
def test_every_spec_pattern_means_the_same_in_python_and_jsonschema_rs(pattern):
    """Only `$` needs rewriting in the spec's patterns, so jsonschema-rs (the sandbox's
    fast path, ECMA-like) and the spec's validator agree."""
    translated = ecma_to_python(pattern)
    assert translated == pattern.replace("$", "(?![\\s\\S])")
    re.compile(translated)


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ("RequestMsisdn", "6281234567890\n"),
        ("Trxid", "20190801155256104472275025\n"),
        ("OtpCode", "1234\n"),
    ],
)
def test_spec_validators_refuse_a_trailing_newline(schema, value):
    validator = schema_validator(schema)
    assert validator.is_valid(value.rstrip("\n"))
    assert not validator.is_valid(value)
    assert re.search(component_schema(schema)["pattern"], value)  # what Python alone does


def test_parse_callback_refuses_a_trxid_ending_in_newline():
    payload = {
        "trxid": "20170709083044690027711524",
        "result": "DELIVERED",
        "description": "Message delivered to handset",
        "reportedDate": "2024-01-02 03:04:05",
        "currency": "IDR",
        "price": "450",
    }
    parse_callback(payload, kind="smsStatus")
    with pytest.raises(CallbackError, match="trxid"):
        parse_callback({**payload, "trxid": payload["trxid"] + "\n"}, kind="smsStatus")
    with pytest.raises(CallbackError):
        parse_callback(json.dumps({**payload, "reportedDate": "2024-01-02 03:04:05\n"}))


def test_client_never_sends_a_newline_and_refuses_one_in_a_trxid():
    sent: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"rc": 79, "info": "Invalid token"})

    with Citcall("key", transport=httpx.MockTransport(answer)) as client:
        with pytest.raises(CitcallInputError, match="trxid"):
            client.verify("20190801155256104472275025\n", "6281234567890", "1234")
        with pytest.raises(CitcallInputError, match="token"):
            client.verify("20190801155256104472275025", "6281234567890", "1234\n")
        assert sent == []
        with pytest.raises(CitcallAPIError):  # rc 79; what matters is the body sent
            client.verify("20190801155256104472275025", "6281234567890\n", "1234")
    assert [body["msisdn"] for body in sent] == ["6281234567890"]


def _formats(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["format"]} if isinstance(node.get("format"), str) else set()
        return found.union(*(_formats(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_formats(value) for value in node))
    return set()


def test_every_format_in_the_spec_is_checked() -> None:
    """The format checker knows each `format` the spec uses (a new one must be added)."""
    from citcall_contract.spec import format_checker, load_spec

    used = _formats(load_spec())
    assert used, "the spec uses no format"
    assert used <= set(format_checker().checkers), used - set(format_checker().checkers)


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://example.com/citcall/callback", True),
        ("https://example.com/citcall/callback\n", False),
        ("http://127.0.0.1:8000/cb\n", False),
        ("https://exa mple.com/", False),
    ],
)
def test_callback_url_format_has_json_schema_end_of_string(url: str, valid: bool) -> None:
    from citcall_contract.spec import schema_validator

    assert schema_validator("CallbackUrl").is_valid(url) is valid
