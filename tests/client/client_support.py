"""What several client test modules share: spec lookups and canned calls per operation."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from citcall_contract import RetryPolicy, spec

API_KEY = "k3y-DO-NOT-LEAK-7f3a9c"
#: The default number of attempts, with waits that return at once (tests never sleep).
NO_WAIT = RetryPolicy(backoff=0.0, sleep=lambda seconds: None)
SEED_MSISDN = "6281234567890"
TRXID = "20190801155256104472275025"

#: Facade method per operationId, called with valid arguments (the seed's values).
CALLS: dict[str, Callable[[Any], Any]] = {
    "asyncMiscall": lambda c: c.miscall(SEED_MSISDN),
    "motp": lambda c: c.motp(SEED_MSISDN),
    "sendSms": lambda c: c.sms(SEED_MSISDN, "Hello World!", senderid="citcall"),
    "sendSmsOtp": lambda c: c.sms_otp(SEED_MSISDN, "Your code is 4821", senderid="citcall"),
    "verifyOtp": lambda c: c.verify(TRXID, SEED_MSISDN, "4821"),
}


def path_of(operation_id: str) -> str:
    return spec.operation(operation_id).path


def success_example(operation_id: str) -> dict[str, Any]:
    example: dict[str, Any] = spec.operation(operation_id).response_examples()["success"]
    return example


def sent_body(request: httpx.Request) -> Any:
    return json.loads(request.content)


def assert_valid_request(operation_id: str, request: httpx.Request) -> dict[str, Any]:
    """The body the facade sent, after checking it against the spec's request schema."""
    body = sent_body(request)
    errors = [e.message for e in spec.operation(operation_id).request_validator().iter_errors(body)]
    assert errors == [], f"{operation_id} sent an invalid body {body}: {errors}"
    assert request.headers["content-type"] == "application/json"
    return dict(body)
