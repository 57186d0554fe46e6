"""`citcall_mock.fail(op, kind)`: transport faults on demand, what was processed, no sleeping."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest

from citcall_contract import AsyncCitcall, Citcall, RetryPolicy, retry, scenarios
from citcall_contract.errors import (
    CitcallConnectionError,
    CitcallOutcomeUnknownError,
    CitcallResponseError,
)
from citcall_contract.fixtures.faults import faults

PHONE = "081234567890"


@pytest.fixture(autouse=True)
def _no_real_sleep(monkeypatch):
    """A retry that really sleeps fails the test: the fixture's switch must be in force.

    The retry module's `time` is replaced by a stand-in whose `sleep` raises, so the sync
    clients' own waits are caught and nothing else is touched; an async wait is refused
    when no switch (`sleeping_with`) is in force, since it would reach `asyncio.sleep`.
    """

    def refuse(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s for a retry")

    real_wait_async = RetryPolicy.wait_async

    async def refuse_async(self: RetryPolicy, seconds: float) -> None:
        if self._sleeper() is None:
            raise AssertionError(f"would sleep {seconds} s for a retry")
        await real_wait_async(self, seconds)

    monkeypatch.setattr(retry, "time", SimpleNamespace(sleep=refuse))
    monkeypatch.setattr(RetryPolicy, "wait_async", refuse_async)


async def test_the_guard_catches_a_real_retry_wait():
    with pytest.raises(AssertionError, match="slept"):
        RetryPolicy().wait(0.5)  # outside the fixtures: the real wait, refused here
    with pytest.raises(AssertionError, match="would sleep"):
        await RetryPolicy().wait_async(0.5)


def _miscall() -> object:
    with Citcall("k") as client:
        return client.miscall(PHONE)


def test_a_connect_error_is_retried_at_once_and_sent_once(citcall_mock):
    citcall_mock.fail("asynccall", "connect_error")
    _miscall()
    assert len(citcall_mock.calls("asynccall")) == 2
    assert len(citcall_mock.sends(PHONE)) == 1


def test_connect_errors_beyond_the_retries_reach_the_app_and_nothing_is_processed(citcall_mock):
    citcall_mock.fail("asynccall", "connect_error", times=3)
    with pytest.raises(CitcallConnectionError):
        _miscall()
    assert citcall_mock.sends(PHONE) == []


@pytest.mark.parametrize("kind", ["read_timeout", "slow", "drop_after"])
def test_a_fault_after_processing_is_outcome_unknown_and_never_resent(citcall_mock, kind):
    citcall_mock.fail("asynccall", kind)
    with pytest.raises(CitcallOutcomeUnknownError):
        _miscall()
    assert len(citcall_mock.calls("asynccall")) == 1
    [sent] = citcall_mock.sends(PHONE)  # processed: billed and kept, once
    assert citcall_mock.otp(sent["trxid"]) is not None


def test_a_truncated_body_is_a_response_error_after_processing(citcall_mock):
    citcall_mock.fail("sms", "truncated_json")
    with Citcall("k") as client, pytest.raises(CitcallResponseError) as failed:
        client.sms(PHONE, "Hello", senderid="citcall")
    assert failed.value.status_code == 200
    assert len(citcall_mock.sends(PHONE)) == 1


def test_an_html_502_is_a_response_error_and_nothing_was_processed(citcall_mock):
    citcall_mock.fail("asynccall", "html_502")
    with pytest.raises(CitcallResponseError) as failed:
        _miscall()
    assert failed.value.status_code == 502
    assert "502 Bad Gateway" in failed.value.snippet
    assert len(citcall_mock.calls("asynccall")) == 1
    assert citcall_mock.sends(PHONE) == []


def test_drop_before_processing_leaves_nothing_processed(citcall_mock):
    citcall_mock.fail("asynccall", "drop_before")
    with pytest.raises(CitcallOutcomeUnknownError):  # the client cannot know; never resent
        _miscall()
    assert citcall_mock.sends(PHONE) == []


async def test_unavailable_twice_then_success_for_an_async_client(citcall_mock):
    citcall_mock.fail("sms", "unavailable", times=2)
    async with AsyncCitcall("k") as client:
        sent = await client.sms(PHONE, "Hello", senderid="citcall")
    assert len(citcall_mock.calls("sms")) == 3
    assert [p["trxid"] for p in citcall_mock.sends(PHONE)] == [sent.trxid]


def test_faults_are_used_up_in_order_and_only_on_their_operation(citcall_mock):
    citcall_mock.fail("sms", "html_502")
    citcall_mock.fail("sms", "read_timeout")
    _miscall()  # another operation: untouched
    url = "https://gateway.citcall.com/v3/sms"
    body = {"msisdn": "6281234567890", "senderid": "citcall", "text": "Hi"}
    headers = {"Authorization": "Apikey k"}
    assert httpx.post(url, json=body, headers=headers).status_code == 502
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(url, json=body, headers=headers)
    assert httpx.post(url, json=body, headers=headers).json()["rc"] == 0
    assert [p["operation"] for p in citcall_mock.processed()] == [
        "asyncMiscall",
        "sendSms",
        "sendSms",
    ]


def test_a_canned_answer_skips_the_sandbox_and_its_faults(citcall_mock):
    citcall_mock.respond("asynccall")
    citcall_mock.fail("asynccall", "connect_error")  # the mock's own fault comes first
    citcall_mock.fail("asynccall", "drop_after")  # the sandbox's: never reached
    _miscall()
    assert len(citcall_mock.calls("asynccall")) == 2
    assert citcall_mock.processed("asynccall") == []  # canned: nothing reached the sandbox


def test_injected_faults_are_the_sandboxs_and_logged_by_it(citcall_mock):
    citcall_mock.fail("asynccall", "drop_after")
    with pytest.raises(CitcallOutcomeUnknownError):
        _miscall()
    [record] = citcall_mock.requests(PHONE, "asynccall")
    assert (record["fault"], record["processed"]) == ("drop_after", True)


def test_injected_faults_wait_for_a_request_that_passes_the_checks(citcall_mock):
    citcall_mock.strict = False
    citcall_mock.fail("sms", "html_502")
    url = "https://gateway.citcall.com/v3/sms"
    headers = {"Authorization": "Apikey k"}
    bad = {"msisdn": "0812", "senderid": "citcall", "text": "Hi"}
    assert httpx.post(url, json=bad, headers=headers).json()["rc"] == 42  # refused first
    good = {**bad, "msisdn": "6281234567890"}
    assert httpx.post(url, json=good, headers=headers).status_code == 502


def test_unknown_fault_names_and_counts_are_refused(citcall_mock):
    with pytest.raises(KeyError, match="read_timeout"):
        citcall_mock.fail("sms", "meteor")
    with pytest.raises(ValueError, match="times"):
        citcall_mock.fail("sms", "html_502", times=0)


def test_each_fault_says_whether_it_strikes_after_processing():
    processed = {name for name, fault in faults().items() if fault.processed}
    assert processed == {"slow", "drop_after", "truncated_json"}
    # Every name but the in-process connect_error is one of the sandbox's fault rows.
    assert set(faults()) - {"connect_error"} <= set(scenarios.faults())


def _number(name: str) -> str:
    return scenarios.fault_named(name).msisdn


def test_the_sandboxs_fault_numbers_work_in_process_too(citcall_mock):
    with Citcall("k") as client:
        sent = client.miscall(_number("unavailable_then_ok"))  # rc 34 twice, retried at once
        with pytest.raises(CitcallOutcomeUnknownError):
            client.miscall(_number("drop_after"))
        with pytest.raises(CitcallOutcomeUnknownError):
            client.miscall(_number("slow"))  # a read time-out in-process, without the wait
        with pytest.raises(CitcallResponseError):
            client.miscall(_number("html_502"))
    assert [r["trxid"] for r in citcall_mock.sends(_number("unavailable_then_ok"))] == [sent.trxid]
    assert len(citcall_mock.requests(_number("unavailable_then_ok"))) == 3
    assert len(citcall_mock.sends(_number("drop_after"))) == 1
    assert len(citcall_mock.sends(_number("slow"))) == 1
    assert citcall_mock.sends(_number("html_502")) == []


def test_a_duplicate_callback_number_reaches_the_app_twice(citcall_mock):
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    seen: list[bytes] = []

    async def hook(request: Request) -> PlainTextResponse:
        seen.append(await request.body())
        return PlainTextResponse("ok")

    receiver = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    citcall_mock.callbacks_to(receiver, auto=True)
    with Citcall("k") as client:
        client.miscall(_number("duplicate_callback"), callback_url="http://localhost/hook")
    callbacks = citcall_mock.callbacks()
    assert [c.status_code for c in callbacks] == [200, 200]
    assert len(seen) == 2
    assert seen[0] == seen[1]
