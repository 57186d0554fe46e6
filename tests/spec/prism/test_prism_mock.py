"""The spec works in a third-party mock: Prism serves every operation and example.

Prism builds its answers, request validation and callbacks from the spec alone, so
these tests fail when the document uses something a third-party tool reads differently.
Only loopback callback URLs are sent (Prism really posts callbacks).
"""

from __future__ import annotations

import time

import httpx
import pytest

from citcall_contract import Citcall, spec
from citcall_contract.client.errors import CitcallBalanceError, CitcallVerificationError
from citcall_contract.contract.verify.callback_sink import CallbackReceiver, callback_kinds

pytestmark = pytest.mark.npm

AUTH = {"Authorization": "Apikey prism-key"}
CASES = [
    pytest.param(op, name, id=f"{op.operation_id}-{name}")
    for op in spec.operations().values()
    for name in op.response_examples()
]


def _request_example(operation: spec.Operation) -> dict:
    body = dict(next(iter(operation.request_examples().values())))
    body.pop("callback_url", None)  # never a non-loopback URL: Prism really posts callbacks
    return body


@pytest.mark.parametrize(("operation", "example"), CASES)
def test_every_named_example_is_served_and_validates(prism_url, operation, example):
    response = httpx.post(
        prism_url + operation.path,
        json=_request_example(operation),
        headers={**AUTH, "Prefer": f"example={example}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == operation.response_examples()[example]
    assert not list(operation.response_validator().iter_errors(body))


@pytest.mark.parametrize(
    "operation", list(spec.operations().values()), ids=lambda op: op.operation_id
)
def test_prism_enforces_the_request_schema_and_security(prism_url, operation):
    url = prism_url + operation.path
    assert httpx.post(url, json=_request_example(operation)).status_code == 401
    bad = {**_request_example(operation), "msisdn": "not a number"}
    assert httpx.post(url, json=bad, headers=AUTH).status_code == 422


def test_prism_posts_callbacks_that_validate(prism_url):
    with CallbackReceiver() as receiver:
        for operation_id, kind in callback_kinds().items():
            operation = spec.operation(operation_id)
            body = {**_request_example(operation), "callback_url": receiver.url_for(kind)}
            assert (
                httpx.post(prism_url + operation.path, json=body, headers=AUTH).status_code == 200
            )
        expected = set(callback_kinds().values())
        deadline = time.monotonic() + 10
        while {c.kind for c in receiver.caught()} < expected and time.monotonic() < deadline:
            time.sleep(0.05)
        caught = receiver.caught()
    assert {c.kind for c in caught} >= expected
    assert [c.problem for c in caught] == [None] * len(caught)


class _Prefer(httpx.HTTPTransport):
    """Asks Prism for one named example, as a test would pick a gateway outcome."""

    def __init__(self, example: str) -> None:
        super().__init__()
        self.example = example

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["Prefer"] = f"example={self.example}"
        return super().handle_request(request)


def test_the_facade_runs_every_operation_against_prism(prism_url):
    success = {
        op.operation_id: op.response_examples()["success"] for op in spec.operations().values()
    }
    with Citcall("prism-key", base_url=prism_url) as client:
        call = client.miscall("6281234567890", valid_time=300)
        assert call.trxid == success["asyncMiscall"]["trxid"]
        sms = client.sms("6281234567890", "Hello", senderid="citcall")
        assert sms.trxid == success["sendSms"]["trxid"]
        otp = client.sms_otp("6281234567890", "Your code is 4821", senderid="citcall", token="4821")
        assert otp.sms_count == success["sendSmsOtp"]["sms_count"]
        verified = client.verify(call.trxid, "6281234567890", "1234")
        assert verified.trxid == success["verifyOtp"]["trxid"]


def test_the_facade_maps_prism_failure_examples_to_errors(prism_url):
    insufficient = spec.operation("sendSms").response_examples()["insufficient_amount"]
    balance_prism = _Prefer("insufficient_amount")
    with (
        Citcall("prism-key", base_url=prism_url, transport=balance_prism) as client,
        pytest.raises(CitcallBalanceError) as balance,
    ):
        client.sms("6281234567890", "Hello", senderid="citcall")
    assert balance.value.rc == insufficient["rc"]
    with (
        Citcall("prism-key", base_url=prism_url, transport=_Prefer("invalid_token")) as client,
        pytest.raises(CitcallVerificationError),
    ):
        client.verify("20190801155256104472275025", "6281234567890", "1234")
