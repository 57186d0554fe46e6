"""Retries only when nothing can have been processed; never after the bytes may have left."""

from __future__ import annotations

import httpx
import pytest
import respx

from citcall_contract import (
    AsyncCitcall,
    Citcall,
    CitcallConnectionError,
    CitcallOutcomeUnknownError,
    CitcallUnavailableError,
    CitcallUnknownError,
    RetryPolicy,
    spec,
)
from citcall_contract.client.facade import DEFAULT_BASE_URL
from citcall_contract.client.retry import sleeping_with
from citcall_contract.spec import codes

from .client_support import API_KEY, NO_WAIT, SEED_MSISDN, TRXID, success_example

NOT_SENT = [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout]
MAYBE_SENT = [
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
]


def _sms(client):
    return client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")


def test_a_read_timeout_sends_exactly_one_request_and_says_the_outcome_is_unknown(gateway, client):
    route = gateway.post("/sms").mock(side_effect=httpx.ReadTimeout("timed out"))

    with pytest.raises(CitcallOutcomeUnknownError) as caught:
        client.sms("081234567890", "Hello World!", senderid="citcall", callback_url="https://a.b/c")

    assert route.call_count == 1
    error = caught.value
    assert error.operation == "sendSms"
    assert error.msisdn == SEED_MSISDN
    assert error.request == {
        "msisdn": SEED_MSISDN,
        "senderid": "citcall",
        "text": "Hello World!",
        "callback_url": "https://a.b/c",
    }
    assert "outcome unknown" in str(error)
    assert "reconcile" in str(error)
    assert isinstance(error.__cause__, httpx.ReadTimeout)


@pytest.mark.parametrize("fault", MAYBE_SENT)
def test_failures_after_sending_are_never_retried(gateway, client, fault):
    route = gateway.post("/verify").mock(side_effect=fault("boom"))

    with pytest.raises(CitcallOutcomeUnknownError) as caught:
        client.verify(TRXID, SEED_MSISDN, "4821")

    assert route.call_count == 1
    assert caught.value.request["token"] == "***"  # the OTP is not repeated in errors
    assert "4821" not in str(caught.value)


@pytest.mark.parametrize("fault", NOT_SENT)
def test_connect_failures_are_retried_until_success(gateway, client, fault):
    route = gateway.post("/sms").mock(
        side_effect=[
            fault("refused"),
            fault("refused"),
            httpx.Response(200, json=success_example("sendSms")),
        ]
    )

    assert _sms(client).trxid == success_example("sendSms")["trxid"]
    assert route.call_count == 3


def test_connect_failures_give_up_after_the_policy_attempts(gateway):
    route = gateway.post("/sms").mock(side_effect=httpx.ConnectError("refused"))

    with (
        Citcall(API_KEY, retry=RetryPolicy(attempts=4, backoff=0)) as client,
        pytest.raises(CitcallConnectionError) as caught,
    ):
        _sms(client)

    assert route.call_count == 4
    assert caught.value.attempts == 4
    assert "safe to try again" in str(caught.value)


@pytest.mark.parametrize("rc", sorted(codes.retryable_rcs()))
def test_unavailable_rcs_are_retried(gateway, client, rc):
    example_name = {info.rc: info.name.lower() for info in codes.response_codes().values()}[rc]
    busy = spec.operation("sendSms").response_examples()[example_name]
    route = gateway.post("/sms").mock(
        side_effect=[
            httpx.Response(200, json=busy),
            httpx.Response(200, json=success_example("sendSms")),
        ]
    )

    assert _sms(client).sms_count == 1
    assert route.call_count == 2


def test_unavailable_rcs_give_up_with_the_rc(gateway, client):
    route = gateway.post("/sms").respond(json={"rc": 66, "info": "Maintanance in progress"})

    with pytest.raises(CitcallUnavailableError) as caught:
        _sms(client)

    assert caught.value.rc == 66
    assert route.call_count == NO_WAIT.attempts


def test_unavailable_retries_can_be_turned_off(gateway):
    route = gateway.post("/sms").respond(json={"rc": 34})

    with (
        Citcall(API_KEY, retry=RetryPolicy(retry_unavailable=False)) as client,
        pytest.raises(CitcallUnavailableError),
    ):
        _sms(client)

    assert route.call_count == 1


def test_other_rcs_are_not_retried(gateway, client):
    route = gateway.post("/sms").respond(json={"rc": 6, "info": "unknown error / failed"})

    with pytest.raises(CitcallUnknownError):
        _sms(client)

    assert route.call_count == 1


def test_backoff_is_exponential_and_capped(gateway):
    slept: list[float] = []
    gateway.post("/sms").mock(side_effect=httpx.ConnectError("refused"))
    policy = RetryPolicy(
        attempts=5, backoff=0.1, multiplier=2.0, max_backoff=0.3, jitter="none", sleep=slept.append
    )

    with Citcall(API_KEY, retry=policy) as client, pytest.raises(CitcallConnectionError):
        _sms(client)

    assert slept == pytest.approx([0.1, 0.2, 0.3, 0.3])


@pytest.mark.parametrize(
    ("jitter", "draw", "expected"),
    [("full", 0.0, 0.0), ("full", 0.5, 2.0), ("equal", 0.0, 2.0), ("equal", 0.5, 3.0)],
)
def test_jitter_spreads_the_wait_below_the_ceiling(jitter, draw, expected):
    policy = RetryPolicy(backoff=1.0, max_backoff=8.0, jitter=jitter, rng=lambda: draw)

    assert policy.ceiling(3) == 4.0
    assert policy.delay(3) == pytest.approx(expected)


def test_the_default_policy_jitters_within_half_and_all_of_the_ceiling():
    delays = {RetryPolicy().delay(2) for _ in range(50)}

    assert all(0.5 <= d <= 1.0 for d in delays)
    assert len(delays) > 1  # not every client comes back at the same instant


def test_retry_policy_rejects_nonsense():
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)
    with pytest.raises(ValueError, match="backoff"):
        RetryPolicy(backoff=-1)
    with pytest.raises(ValueError, match="jitter"):
        RetryPolicy(jitter="sometimes")  # type: ignore[arg-type]
    assert RetryPolicy(max_backoff=30, jitter="none").delay(10_000) == 30


@pytest.mark.parametrize("field", ["backoff", "multiplier", "max_backoff"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_retry_policy_refuses_values_that_are_not_finite(field, value):
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**{field: value})


def test_retry_none_means_a_single_attempt(gateway):
    route = gateway.post("/sms").mock(side_effect=httpx.ConnectError("refused"))

    with Citcall(API_KEY, retry=None) as client, pytest.raises(CitcallConnectionError) as caught:
        _sms(client)

    assert route.call_count == 1
    assert caught.value.attempts == 1


def test_an_omitted_retry_uses_the_default_policy(gateway):
    route = gateway.post("/sms").mock(side_effect=httpx.ConnectError("refused"))

    with (
        sleeping_with(lambda seconds: None),
        Citcall(API_KEY) as client,
        pytest.raises(CitcallConnectionError),
    ):
        _sms(client)

    assert route.call_count == RetryPolicy().attempts


def test_sleeping_with_replaces_the_wait_of_policies_without_their_own(gateway):
    slept: list[float] = []
    own: list[float] = []
    gateway.post("/sms").mock(side_effect=httpx.ConnectError("refused"))

    with sleeping_with(slept.append):
        for policy in (RetryPolicy(jitter="none"), RetryPolicy(sleep=own.append)):
            with Citcall(API_KEY, retry=policy) as client, pytest.raises(CitcallConnectionError):
                _sms(client)

    assert slept == [0.5, 1.0]
    assert len(own) == 2


async def test_async_clients_await_an_injected_async_sleep():
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    policy = RetryPolicy(jitter="none", sleep=fake_sleep)
    with respx.mock(base_url=DEFAULT_BASE_URL) as router:
        router.post("/sms").mock(side_effect=httpx.ConnectError("refused"))
        async with AsyncCitcall(API_KEY, retry=policy) as client:
            with pytest.raises(CitcallConnectionError):
                await client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    assert slept == [0.5, 1.0]


def test_unsupported_protocol_is_not_retried(gateway):
    route = gateway.post("/sms").mock(side_effect=httpx.UnsupportedProtocol("nope"))

    with Citcall(API_KEY, retry=NO_WAIT) as client, pytest.raises(CitcallConnectionError):
        _sms(client)

    assert route.call_count == 1


async def test_async_read_timeout_is_sent_once_and_connect_errors_are_retried():
    with respx.mock(base_url=DEFAULT_BASE_URL) as router:
        timeout = router.post("/verify").mock(side_effect=httpx.ReadTimeout("slow"))
        flaky = router.post("/sms").mock(
            side_effect=[
                httpx.ConnectError("refused"),
                httpx.Response(200, json=success_example("sendSms")),
            ]
        )
        async with AsyncCitcall(API_KEY, retry=NO_WAIT) as client:
            with pytest.raises(CitcallOutcomeUnknownError):
                await client.verify(TRXID, SEED_MSISDN, "4821")
            result = await client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    assert timeout.call_count == 1
    assert flaky.call_count == 2
    assert result.sms_count == 1


async def test_async_unavailable_is_retried():
    with respx.mock(base_url=DEFAULT_BASE_URL) as router:
        route = router.post("/asynccall").mock(
            side_effect=[
                httpx.Response(200, json={"rc": 34}),
                httpx.Response(200, json=success_example("asyncMiscall")),
            ]
        )
        async with AsyncCitcall(API_KEY, retry=NO_WAIT) as client:
            result = await client.miscall(SEED_MSISDN)

    assert route.call_count == 2
    assert result.token == success_example("asyncMiscall")["token"]


def test_no_retry_waits_past_the_call_deadline(gateway):
    slept: list[float] = []
    route = gateway.post("/sms").mock(side_effect=httpx.ConnectError("refused"))
    policy = RetryPolicy(
        attempts=5, backoff=50.0, max_backoff=50.0, jitter="none", sleep=slept.append
    )

    with (
        Citcall(API_KEY, retry=policy, deadline=10.0) as client,
        pytest.raises(CitcallConnectionError) as caught,
    ):
        _sms(client)

    assert route.call_count == 1
    assert slept == []
    assert caught.value.attempts == 1


def test_unavailable_retries_stop_at_the_deadline_with_the_rc(gateway):
    route = gateway.post("/sms").respond(json={"rc": 34})
    policy = RetryPolicy(attempts=5, backoff=50.0, max_backoff=50.0, jitter="none", sleep=print)

    with (
        Citcall(API_KEY, retry=policy, deadline=10.0) as client,
        pytest.raises(CitcallUnavailableError),
    ):
        _sms(client)

    assert route.call_count == 1
