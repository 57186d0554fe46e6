"""Hostile input against the sandbox: every refusal comes before any state change, never a 5xx.

The table holds the reproductions of the hardening issue (lone surrogates, a newline
after a valid msisdn, deep nesting, huge numbers...) and what the sandbox must answer.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citcall_contract.sandbox import SandboxConfig, create_app
from citcall_contract.spec import operation, operations
from citcall_contract.spec.codes import is_success, rc_named

from .sandbox_support import API_KEY, AUTH, VALID_BODIES

BALANCE = 1_000_000
INVALID_JSON = rc_named("INVALID_JSON_FORMAT")
INVALID_MSISDN = rc_named("INVALID_MSISDN")
MISSING = rc_named("MISSING_PARAMETER")
SMS = VALID_BODIES["sendSms"]
SMS_OTP = VALID_BODIES["sendSmsOtp"]
MOTP = VALID_BODIES["motp"]


def _raw(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()  # ensure_ascii: a lone surrogate becomes `\ud800`


#: (operation, raw body, expected rc, what the info must say)
TABLE: list[tuple[str, bytes, int, str]] = [
    ("sendSms", _raw({**SMS, "text": "hi \ud800"}), INVALID_JSON, "text"),
    ("sendSms", _raw({**SMS, "senderid": "a\udfff"}), INVALID_JSON, "senderid"),
    ("sendSmsOtp", _raw({**SMS_OTP, "text": "Use 4821 \ud800"}), INVALID_JSON, "text"),
    ("sendSmsOtp", _raw({**SMS_OTP, "senderid": "\udc00x"}), INVALID_JSON, "senderid"),
    ("sendSmsOtp", _raw({**SMS_OTP, "token": "\ud800"}), INVALID_JSON, "token"),
    ("motp", _raw({**MOTP, "callback_url": "http://127.0.0.1/\ud800"}), INVALID_JSON, "callback"),
    ("motp", _raw({**MOTP, "x": {"y": ["\ud800"]}}), INVALID_JSON, "x.y[0]"),
    ("motp", _raw({**MOTP, "\ud800": 1}), INVALID_JSON, "key"),
    ("verifyOtp", _raw({**VALID_BODIES["verifyOtp"], "trxid": "1\ud800"}), INVALID_JSON, "trxid"),
    ("motp", _raw({**MOTP, "msisdn": "6281234567890\n"}), INVALID_MSISDN, "digits"),
    ("sendSms", _raw({**SMS, "msisdn": "6281234567890\n"}), INVALID_MSISDN, "digits"),
    ("motp", _raw({**MOTP, "msisdn": "٦٢٨١٢٣٤٥٦٧٨٩٠"}), INVALID_MSISDN, "digits"),
    ("motp", _raw({**MOTP, "msisdn": "0812"}), INVALID_MSISDN, "Indonesia (62) have 11-16"),
    ("verifyOtp", _raw({**VALID_BODIES["verifyOtp"], "trxid": "123\n"}), MISSING, "trxid"),
    ("verifyOtp", _raw({**VALID_BODIES["verifyOtp"], "token": "1234\n"}), MISSING, "token"),
    ("motp", b"[" * 5000 + b"]" * 5000, INVALID_JSON, ""),
    ("motp", b'{"msisdn":"6281234567890","retry":1,"x":' + b"[" * 5000, INVALID_JSON, ""),
    ("motp", b'{"msisdn":"6281234567890","retry":1e999}', rc_named("INVALID_GATEWAY"), "retry"),
    ("motp", b'{"msisdn":"6281234567890","retry":NaN}', INVALID_JSON, ""),
    ("motp", b'{"msisdn":"6281234567890","retry":' + b"9" * 5000 + b"}", INVALID_JSON, ""),
    ("motp", b"\xff\xfe{}", INVALID_JSON, ""),
    ("motp", b'{"msisdn":"6281234567890","retry":1,"valid_time":10e40}', MISSING, "valid_time"),
    ("sendSms", _raw({**SMS, "text": "a" * 60_000}), 0, ""),
]


async def _post(app: Any, path: str, content: bytes) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await client.post(path, content=content, headers=AUTH)


def _state(app: Any) -> tuple[Any, ...]:
    state = app.state.sandbox
    return (
        state.balance.remaining,
        len(state.otps),
        len(state.deliveries),
        len(state.sends()),
        state.dispatcher.pending,
    )


@pytest.mark.parametrize(("operation_id", "raw", "rc", "says"), TABLE)
async def test_hostile_table(operation_id, raw, rc, says):
    app = create_app(SandboxConfig(api_key=API_KEY, balance=BALANCE))
    before = _state(app)
    response = await _post(app, operation(operation_id).path, raw)
    assert response.status_code == 200, response.text
    data = response.json()
    if rc == 0:
        assert is_success(data["rc"]), data
        return
    assert data["rc"] == rc, data
    assert says in data["info"], data
    assert _state(app) == before  # refused before anything changed
    assert not list(operation(operation_id).response_validator().iter_errors(data))


TEXT = st.text(st.characters(exclude_categories=()), max_size=12) | st.sampled_from(
    ["\ud800", "a\udfff", "\ud83d\ude00", "6281234567890\n", "0812"]
)
VALUES = TEXT | st.integers() | st.none() | st.booleans() | st.lists(TEXT, max_size=2)
FIELD_NAMES = st.sampled_from(
    ["msisdn", "senderid", "text", "token", "trxid", "gateway", "retry", "callback_url"]
)
APP = create_app(SandboxConfig(api_key=API_KEY, balance=BALANCE))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    operation_id=st.sampled_from(sorted(operations())),
    changes=st.dictionaries(FIELD_NAMES, VALUES, max_size=3),
)
def test_any_refusal_leaves_the_state_as_it_was(operation_id, changes):
    """Generated strings include lone surrogates; a refused request never bills, keeps an
    OTP or queues a callback, and no answer is a 5xx."""
    body = {**VALID_BODIES[operation_id], **changes}
    before = _state(APP)
    response = asyncio.run(_post(APP, operation(operation_id).path, _raw(body)))
    assert response.status_code == 200, response.text
    data = response.json()
    if not is_success(data["rc"]):
        assert _state(APP)[:4] == before[:4], (body, data)
    assert not list(operation(operation_id).response_validator().iter_errors(data)), data


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"msisdn": "6281234567890"}, "gateway or retry"),
        ({"msisdn": "6281234567890", "gateway": 1, "retry": 1}, "gateway and retry both given"),
        ({"msisdn": "0812", "retry": 1}, "0812 is 62812 in international form, 5 digits"),
        ({"msisdn": "62-812", "retry": 1}, "characters other than digits"),
        ({"msisdn": "6281234567890", "retry": 9}, "retry must be an integer 0-4"),
        (
            {"msisdn": "6281234567890", "retry": 1, "valid_time": 99999},
            "valid_time must be at most",
        ),
        ({"msisdn": "6281234567890", "retry": 1, "limit_try": 0}, "limit_try must be at least 1"),
        ({"msisdn": "6281234567890", "retry": 1, "valid_time": "5"}, "must be of type integer"),
    ],
)
async def test_messages_name_the_rule_after_the_gateways_wording(make_sandbox, body, says):
    async with make_sandbox() as sandbox:
        data = await sandbox.call("motp", body)
    assert says in data["info"], data
    wording = {
        rc_named("MISSING_PARAMETER"): ("missing parameter", "invalid parameter"),
        rc_named("INVALID_MSISDN"): ("invalid msisdn",),
        rc_named("INVALID_GATEWAY"): ("Invailid Gateway",),
    }[data["rc"]]
    assert data["info"].startswith(wording), data


async def test_senderid_bound_is_named(make_sandbox):
    async with make_sandbox() as sandbox:
        data = await sandbox.call("sendSms", {**SMS, "senderid": "x" * 20})
    assert "senderid must have at most 16 characters, got 20" in data["info"]
