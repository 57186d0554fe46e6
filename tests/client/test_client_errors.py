"""Errors by rc (from the spec's table), and answers that are not the gateway's JSON."""

from __future__ import annotations

import json

import httpx
import pytest

from citcall_contract import (
    CitcallAPIError,
    CitcallError,
    CitcallOutcomeUnknownError,
    CitcallResponseError,
    CitcallUnavailableError,
    spec,
)
from citcall_contract.client.errors import CATEGORY_ERRORS, error_class_for
from citcall_contract.spec import codes

from .client_support import CALLS, NO_WAIT, SEED_MSISDN, path_of

FAILURE_CODES = [rc for rc, info in codes.response_codes().items() if info.category != "success"]


def _named_failure_examples():
    return [
        pytest.param(operation_id, example, id=f"{operation_id}-{name}")
        for operation_id in sorted(CALLS)
        for name, example in spec.operation(operation_id).response_examples().items()
        if not codes.is_success(example["rc"])
    ]


def test_every_rc_in_the_spec_has_an_error_class():
    categories = {info.category for info in codes.response_codes().values()}
    assert categories - {codes.SUCCESS_CATEGORY} <= set(CATEGORY_ERRORS)
    for rc in FAILURE_CODES:
        cls = error_class_for(rc)
        assert cls is CATEGORY_ERRORS[codes.describe_rc(rc).category]
        assert issubclass(cls, CitcallAPIError)
        assert cls is not CitcallAPIError


def test_the_classes_group_codes_by_meaning():
    # Spot checks against the seed's wording, so a wrong category in the YAML shows up.
    assert error_class_for(96).__name__ == "CitcallAuthError"  # apikey not found
    assert error_class_for(14).__name__ == "CitcallBalanceError"  # insuficient amount
    assert error_class_for(66).__name__ == "CitcallUnavailableError"  # maintenance
    assert error_class_for(79).__name__ == "CitcallVerificationError"  # invalid token
    assert error_class_for(42).__name__ == "CitcallInvalidRequestError"  # invalid msisdn
    assert error_class_for(6).__name__ == "CitcallUnknownError"  # unknown error / failed


@pytest.mark.parametrize("rc", FAILURE_CODES)
@pytest.mark.parametrize("as_string", [False, True], ids=["int", "str"])
def test_every_rc_raises_its_class(gateway, client, rc, as_string):
    raw = f"{rc:02d}" if as_string else rc
    route = gateway.post("/sms").respond(json={"rc": raw, "info": "text", "trxid": "123"})

    with pytest.raises(error_class_for(rc)) as caught:
        client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    assert (caught.value.rc, caught.value.info, caught.value.trxid) == (rc, "text", "123")
    assert caught.value.operation == "sendSms"
    expected_requests = NO_WAIT.attempts if rc in codes.retryable_rcs() else 1
    assert route.call_count == expected_requests


@pytest.mark.parametrize(("operation_id", "example"), _named_failure_examples())
def test_named_failure_examples_raise_their_class(gateway, client, operation_id, example):
    gateway.post(path_of(operation_id)).respond(json=example)
    rc = codes.parse_rc(example["rc"])

    with pytest.raises(error_class_for(rc)) as caught:
        CALLS[operation_id](client)

    assert caught.value.rc == rc
    assert caught.value.info == example.get("info")
    assert str(rc) in str(caught.value)


@pytest.mark.parametrize("raw", [555, "123", 1])
def test_unknown_rc_raises_the_base_class_with_the_code(gateway, client, raw):
    gateway.post("/asynccall").respond(json={"rc": raw, "info": "new code"})

    with pytest.raises(CitcallAPIError) as caught:
        client.miscall(SEED_MSISDN)

    assert type(caught.value) is CitcallAPIError
    assert caught.value.rc == int(raw)
    assert caught.value.info == "new code"


def test_html_error_page_raises_with_status_and_snippet(gateway, client):
    op = spec.operation("sendSms").definition["responses"]["default"]
    html = spec.resolve(op)["content"]["text/html"]["examples"]["bad_gateway_page"]["value"]
    route = gateway.post("/sms").respond(502, text=html, headers={"content-type": "text/html"})

    with pytest.raises(CitcallResponseError) as caught:
        client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    error = caught.value
    assert not isinstance(error, json.JSONDecodeError)
    assert isinstance(error, CitcallError)
    assert error.status_code == 502
    assert "502 Bad Gateway" in error.snippet
    assert "502" in str(error)
    assert route.call_count == 1  # the proxy may have forwarded it: never resent


@pytest.mark.parametrize(
    ("status", "content"),
    [
        pytest.param(200, b'{"rc":0,"info":"Ok","sms_count":1,"trx', id="truncated-json"),
        pytest.param(200, b"", id="empty"),
        pytest.param(200, b"[1, 2]", id="not-an-object"),
        pytest.param(200, b'{"info": "Ok"}', id="no-rc"),
        pytest.param(200, b'{"rc": "zero"}', id="rc-not-a-code"),
        pytest.param(200, b"\xff\xfe\x00garbage", id="not-utf8"),
        pytest.param(500, b'{"rc": 0}', id="success-rc-with-error-status"),
        pytest.param(404, b"Not Found", id="unexpected-status"),
    ],
)
def test_unreadable_answers_raise_a_response_error(gateway, client, status, content):
    route = gateway.post("/sms").respond(status, content=content)

    with pytest.raises(CitcallResponseError) as caught:
        client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    assert caught.value.status_code == status
    assert f"HTTP {status}" in str(caught.value)
    # An unreadable answer may follow a processed send: the error says how to reconcile.
    assert isinstance(caught.value, CitcallOutcomeUnknownError)
    assert caught.value.request["msisdn"] == SEED_MSISDN
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [(500, {"rc": 34}), (502, {"rc": 34}), (503, {"rc": 66}), (500, {"rc": 6}), (500, {"rc": 0})],
)
def test_an_error_status_is_never_resent_and_its_outcome_is_unknown(gateway, client, status, body):
    # Issue 9.2: a proxy may have forwarded the request before answering with an error
    # status, whatever rc its body claims: resending could send and bill twice.
    route = gateway.post("/sms").mock(
        side_effect=[
            httpx.Response(status, json=body),
            httpx.Response(200, json=spec.operation("sendSms").response_examples()["success"]),
        ]
    )

    with pytest.raises(CitcallResponseError) as caught:
        client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    assert route.call_count == 1
    assert not isinstance(caught.value, CitcallAPIError)
    assert caught.value.status_code == status
    assert f"rc {body['rc']}" in str(caught.value)


def test_rc_errors_keep_the_whole_response(gateway, client):
    body = {"rc": 14, "info": "insuficient amount", "extra": "kept"}
    gateway.post("/sms").respond(json=body)

    with pytest.raises(CitcallAPIError) as caught:
        client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    assert caught.value.response == body
    assert not isinstance(caught.value, CitcallUnavailableError)


def _documented_tree() -> dict[str, str | None]:
    """class name -> parent name, as the tree in `client/errors.py`'s docstring draws it."""
    import re

    from citcall_contract.client import errors

    doc = errors.__doc__ or ""
    lines = doc[doc.index("    CitcallError ") :].split("\n\n")[0].splitlines()
    parents: dict[str, str | None] = {}
    stack: list[str] = []
    for line in lines:
        found = re.match(r"^(?P<prefix>[ │├└─]*?)(?P<name>[A-Z]\w+)\s", line + " ")
        assert found, line
        depth = (len(found["prefix"]) - 4) // 4
        del stack[depth:]
        parents[found["name"]] = stack[-1] if stack else None
        stack.append(found["name"])
    return parents


def test_the_docstring_tree_is_the_class_hierarchy():
    """Issue 17: the exception tree in `errors.py`'s docstring is the source of the README's;
    this holds it against the classes (every class drawn, each under its real parent)."""
    from citcall_contract.client import errors

    documented = _documented_tree()
    real: dict[str, str | None] = {}
    todo = [CitcallError]
    while todo:
        cls = todo.pop()
        parent = next((b for b in cls.__bases__ if issubclass(b, CitcallError)), None)
        real[cls.__name__] = None if parent is None else parent.__name__
        todo += cls.__subclasses__()
    assert documented == real
    assert all(getattr(errors, name).__module__ == errors.__name__ for name in real)
