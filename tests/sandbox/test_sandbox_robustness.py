"""Arbitrary input never breaks the sandbox: every answer is 200 and valid for its schema."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citcall_contract.sandbox import SandboxConfig, create_app
from citcall_contract.sandbox.validation import checker
from citcall_contract.spec import operations

from .sandbox_support import API_KEY, AUTH

APP = create_app(SandboxConfig(api_key=API_KEY))
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    # every code point, lone surrogates included (json.dumps sends them as `\ud800`)
    | st.text(st.characters(exclude_categories=()), max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    [
        "msisdn",
        "gateway",
        "retry",
        "senderid",
        "text",
        "token",
        "trxid",
        "valid_time",
        "limit_try",
        "callback_url",
    ]
)
BODIES = st.dictionaries(FIELDS, JSON_VALUES | st.from_regex(r"\+?62[0-9]{8,14}", fullmatch=True))


async def _post(path: str, content: bytes, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await client.post(path, content=content, headers=headers)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    operation_id=st.sampled_from(sorted(operations())),
    body=BODIES | JSON_VALUES,
    raw=st.none() | st.binary(max_size=64),
    auth=st.sampled_from([AUTH, {}, {"Authorization": "Basic ???"}]),
)
def test_any_body_gets_a_valid_business_answer(operation_id, body, raw, auth):
    op = operations()[operation_id]
    content = raw if raw is not None else json.dumps(body).encode()
    response = asyncio.run(_post(op.path, content, auth))
    assert response.status_code == 200
    data = response.json()
    assert not list(op.response_validator().iter_errors(data)), data


@settings(max_examples=150, deadline=None)
@given(operation_id=st.sampled_from(sorted(operations())), body=BODIES)
def test_fast_path_never_accepts_what_the_spec_validator_refuses(operation_id, body):
    checker_ = checker(operation_id)
    spec_valid = operations()[operation_id].request_validator().is_valid(body)
    if checker_.fast_accepts(body):
        assert spec_valid, body


@pytest.mark.parametrize(
    "body",
    [
        {"msisdn": "6281234567890\n", "gateway": 0},  # Python's `$` allows a final newline
        {"msisdn": "6281234567890", "gateway": 0, "valid_time": float("inf")},
        {"msisdn": "6281234567890", "gateway": 0, "valid_time": 10**40},
        {"msisdn": "6281234567890", "gateway": 0, "callback_url": "http://127.0.0.1:1/x"},
    ],
)
def test_bodies_the_fast_path_leaves_to_the_spec_validator(body):
    checker_ = checker("asyncMiscall")
    assert not checker_.fast_accepts(body)
    spec_errors = list(operations()["asyncMiscall"].request_validator().iter_errors(body))
    assert (checker_.check(body) is None) == (not spec_errors)
