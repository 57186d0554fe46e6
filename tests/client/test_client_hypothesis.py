"""Arbitrary arguments give a result or CitcallInputError, and only spec-valid bodies are sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx
from hypothesis import event, given
from hypothesis import strategies as st

from citcall_contract import Citcall, CitcallInputError
from citcall_contract.client.answers import success_checker
from citcall_contract.client.facade import DEFAULT_BASE_URL
from citcall_contract.client.msisdn import normalize_msisdn

from .client_support import API_KEY, CALLS, NO_WAIT, assert_valid_request, path_of, success_example

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(max_size=8),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
)


def mostly(
    valid: st.SearchStrategy[Any], *invalid: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """Mostly `valid`, so that most examples reach the wire (Hypothesis favours 0 and 9)."""
    wrong = st.one_of(junk, *invalid)
    return st.integers(min_value=0, max_value=9).flatmap(lambda n: wrong if n == 5 else valid)


msisdns = mostly(
    st.from_regex(r"\A(\+62|0|62|0062)[ -]?8[0-9]{2}[ -]?[0-9]{3,5}[ -]?[0-9]{4}\Z"),
    st.from_regex(r"\A\+?[0-9]{1,20}\Z"),
    st.text(alphabet="0123456789+-() .x", max_size=22),
)
texts = mostly(
    st.text(min_size=1, max_size=300),
    st.sampled_from(["", "\ud800", "ok \udfff", " ", "\n"]),
)
senderids = mostly(st.text(min_size=1, max_size=16), st.text(min_size=15, max_size=30))
gateways = mostly(st.integers(min_value=0, max_value=4), st.integers(min_value=-3, max_value=9))
optional_ints = st.one_of(st.none(), mostly(st.integers(1, 20), st.integers(-3, 90_000)))
urls = st.one_of(
    st.none(),
    mostly(
        st.builds(
            "{}://{}/{}".format,
            st.sampled_from(["http", "https"]),
            st.from_regex(r"\A[a-z0-9.-]{1,20}(:[0-9]{1,5})?\Z"),
            st.text(max_size=20),
        ),
        st.text(max_size=40),
        st.builds(
            "{}://{}/{}".format,
            st.sampled_from(["ftp", "HTTP", "", "javascript"]),
            st.text(max_size=12),
            st.text(max_size=12),
        ),
    ),
)
tokens = mostly(
    st.from_regex(r"\A[0-9]{4,10}\Z"),
    st.from_regex(r"\A[0-9]{0,12}\n?\Z"),
    st.integers(0, 10**8),
)
trxids = mostly(st.from_regex(r"\A[0-9]{1,30}\Z"), st.from_regex(r"\A[0-9a-f]{0,30}\Z"))


@pytest.fixture(scope="module")
def shared_client() -> Iterator[Citcall]:
    for operation_id in CALLS:  # compile the answer checks once, outside Hypothesis's deadline
        success_checker(operation_id)
    with Citcall(API_KEY, retry=NO_WAIT) as client:
        yield client


def _check(
    client: Citcall,
    operation_id: str,
    msisdn: Any,
    call: Callable[[Citcall], Any],
) -> None:
    with respx.mock(base_url=DEFAULT_BASE_URL, assert_all_called=False) as router:
        route = router.post(path_of(operation_id)).respond(json=success_example(operation_id))
        try:
            result = call(client)
        except CitcallInputError as error:
            refused: CitcallInputError | None = error
        else:
            refused = None
    if refused is not None:
        assert not route.called, "a refused call must not send anything"
        assert refused.field in str(refused)
        event(f"refused: {refused.field}")
        return
    event("sent")
    assert route.call_count == 1
    body = assert_valid_request(operation_id, route.calls.last.request)
    assert body["msisdn"] == normalize_msisdn(msisdn)
    assert result.trxid == success_example(operation_id)["trxid"]


@given(msisdn=msisdns, gateway=gateways, url=urls, valid_time=optional_ints, tries=optional_ints)
def test_miscall_arbitrary_arguments(shared_client, msisdn, gateway, url, valid_time, tries):
    def call(c: Citcall) -> Any:
        return c.miscall(
            msisdn, gateway=gateway, callback_url=url, valid_time=valid_time, limit_try=tries
        )

    _check(shared_client, "asyncMiscall", msisdn, call)


@given(msisdn=msisdns, text=texts, senderid=senderids, url=urls)
def test_sms_arbitrary_arguments(shared_client, msisdn, text, senderid, url):
    def call(c: Citcall) -> Any:
        return c.sms(msisdn, text, senderid=senderid, callback_url=url)

    _check(shared_client, "sendSms", msisdn, call)


@given(
    msisdn=msisdns,
    text=texts,
    senderid=senderids,
    token=st.one_of(st.none(), tokens),
    valid_time=optional_ints,
    tries=optional_ints,
    url=urls,
)
def test_sms_otp_arbitrary_arguments(
    shared_client, msisdn, text, senderid, token, valid_time, tries, url
):
    def call(c: Citcall) -> Any:
        return c.sms_otp(
            msisdn,
            text,
            senderid=senderid,
            token=token,
            valid_time=valid_time,
            limit_try=tries,
            callback_url=url,
        )

    _check(shared_client, "sendSmsOtp", msisdn, call)


@given(trxid=trxids, msisdn=msisdns, token=tokens)
def test_verify_arbitrary_arguments(shared_client, trxid, msisdn, token):
    _check(shared_client, "verifyOtp", msisdn, lambda c: c.verify(trxid, msisdn, token))
