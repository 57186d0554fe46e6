"""The OTP round trip: a stateful step that the spec's links cannot express alone.

The `VerifyOtp` link carries `trxid` and `msisdn` from an OTP request to `/verify`, but
the code itself is not a field of the answer: for a missed call it is the last
`x-otp-digits` digits of the returned `token` (the calling number), for an SMS OTP it is
the request's own `token`. A runtime expression cannot take a substring, so this step
does what a user would: request an OTP, type a wrong code (rc INVALID_TOKEN), then the
right one (success). It runs for every operation whose 200 answer links to `/verify`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from citcall_contract import spec
from citcall_contract.contract.verify.results import RunResult, Target
from citcall_contract.spec import codes
from citcall_contract.spec.codes import rc_named
from citcall_contract.spec.rules import missed_call_otp

CHECK = "otp_round_trip"
VERIFY_OPERATION = "verifyOtp"


def otp_operations() -> list[spec.Operation]:
    """Operations whose 200 response has a link to `/verify` (read from the spec)."""
    found = []
    for op in spec.operations().values():
        response = spec.resolve(op.definition["responses"].get("200", {}))
        links = [spec.resolve(link) for link in response.get("links", {}).values()]
        if any(link.get("operationId") == VERIFY_OPERATION for link in links):
            found.append(op)
    return found


def _request(op: spec.Operation) -> dict[str, Any]:
    """The op's request example that asks the gateway to keep the code, minus callbacks."""
    examples = op.request_examples().values()
    chosen = next((e for e in examples if "valid_time" in e), next(iter(examples)))
    body = {k: v for k, v in chosen.items() if k != "callback_url"}
    body.setdefault("valid_time", 300)
    return body


def _code(request: dict[str, Any], answer: dict[str, Any]) -> str | None:
    if isinstance(request.get("token"), str):
        return str(request["token"])
    return missed_call_otp(answer.get("token"))


def _wrong(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


@contextmanager
def _client(target: Target, timeout: float) -> Iterator[httpx.Client]:
    headers = {"Authorization": target.credentials.apikey_header()}
    if target.app is not None:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Using `httpx` with")
            from starlette.testclient import TestClient

        with TestClient(target.app, base_url=target.base_url, headers=headers) as client:
            yield client
    else:
        # Over HTTP `target` is the runner's relay, which caps answers in size and time.
        with httpx.Client(
            base_url=target.base_url, headers=headers, timeout=timeout, trust_env=False
        ) as client:
            yield client


def run_round_trips(target: Target, result: RunResult, timeout: float = 10.0) -> None:
    """Add one `otp_round_trip` result per OTP operation to `result`."""
    with _client(target, timeout + 5) as client:
        for op in otp_operations():
            label = f"{op.method.upper()} {op.path}"
            result.cases[label] += 3
            try:
                problem = _round_trip(client, op)
            except httpx.HTTPError as exc:
                problem = f"the round trip could not reach the server: {exc}"
            result.add(label, CHECK, problem)


def _post(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(path.lstrip("/"), json=body)
    try:
        data = answer.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _round_trip(client: httpx.Client, op: spec.Operation) -> str | None:
    """None when the round trip behaves, else what went wrong."""
    verify_path = spec.operation(VERIFY_OPERATION).path
    request = _request(op)
    issued = _post(client, op.path, request)
    if not codes.is_success(issued.get("rc")):
        return f"the OTP request was refused: {issued or 'no JSON answer'}"
    code = _code(request, issued)
    if code is None or not isinstance(issued.get("trxid"), str):
        return f"the answer has no trxid or no code to type: {issued}"
    ids = {"trxid": issued["trxid"], "msisdn": issued.get("msisdn", request["msisdn"])}
    wrong = _post(client, verify_path, {**ids, "token": _wrong(code)})
    if wrong.get("rc") != rc_named("INVALID_TOKEN"):
        return f"a wrong code should get rc {rc_named('INVALID_TOKEN')}, got {wrong}"
    right = _post(client, verify_path, {**ids, "token": code})
    if not codes.is_success(right.get("rc")):
        return f"the right code {code} should be valid, got {right}"
    return None
