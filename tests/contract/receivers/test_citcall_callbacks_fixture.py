"""The `citcall_callbacks` fixture: one callback or the whole suite, against the app itself."""

from __future__ import annotations

import pytest

from citcall_contract import CallbackError
from citcall_contract.fixtures.callback_fixture import CitcallCallbacks

from . import receivers


@pytest.fixture
def citcall_receiver():
    """Overridden as an integrator would: the Flask app under test, in-process."""
    return receivers.flask_receiver()


def test_the_fixture_yields_a_sender_for_the_overridden_receiver(citcall_callbacks):
    assert isinstance(citcall_callbacks, CitcallCallbacks)
    citcall_callbacks.paths = receivers.PATHS
    answer = citcall_callbacks.send("missed-call", rc="00", price=179, msisdn="6281234567890")
    assert answer.status == 200
    [report] = receivers.RECORDED
    assert (report.rc, report.price, report.msisdn) == (0, 179, "6281234567890")
    [(kind, payload, seen)] = citcall_callbacks.sent
    assert (kind, payload["rc"], seen) == ("missedCallStatus", "00", answer)


def test_an_override_that_breaks_the_spec_is_refused_naming_the_field(citcall_callbacks):
    with pytest.raises(CallbackError, match="field `price`"):
        citcall_callbacks.send("sms", path="/citcall/sms", price="free")
    assert citcall_callbacks.sent == []
    answer = citcall_callbacks.send("sms", path="/citcall/sms", price="free", invalid=True)
    assert answer.status == 400  # the receiver refused it, as it should


def test_raw_bodies_and_content_types_can_be_sent(citcall_callbacks):
    answer = citcall_callbacks.send("sms", path="/citcall/sms", body=b"[" * 1000 + b"]" * 1000)
    assert answer.status == 400


def test_run_suite_returns_a_result_to_assert_on(citcall_callbacks):
    citcall_callbacks.paths = {"sms": "/citcall/sms"}
    result = citcall_callbacks.run_suite(kinds=["sms"], trxids=["42"])
    assert result.ok, result.report()
    assert result.kinds() == ["smsStatus"]


def test_run_suite_against_another_receiver_fails_with_the_payload(citcall_callbacks):
    citcall_callbacks.paths = receivers.PATHS
    broken = receivers.fastapi_receiver(receivers.BROKEN["crashes on numeric price"])
    result = citcall_callbacks.run_suite(to=broken, kinds=["sms-otp"], max_examples=0)
    assert not result.ok
    assert "smsOtpStatus / forms / price as number" in result.failing_payloads()


def test_without_a_receiver_the_fixture_says_what_to_do():
    with pytest.raises(ValueError, match="citcall_receiver"):
        CitcallCallbacks().send("sms")


def test_paths_may_be_keyed_by_alias(citcall_callbacks):
    citcall_callbacks.paths = {"missed-call": "/citcall/missed-call", "sms": "/citcall/sms"}
    assert citcall_callbacks.send("missed-call").status == 200
    assert citcall_callbacks.send("smsStatus").status == 200
    assert [r.kind for r in receivers.RECORDED] == ["missedCallStatus", "smsStatus"]
