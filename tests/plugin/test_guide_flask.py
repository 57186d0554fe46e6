"""The testing guide of the README, on the Flask app in `apps/flask_signup.py`."""

from __future__ import annotations

import pytest

from .apps.flask_signup import create_app

PHONE = "+6281234567890"


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def client(app, citcall_mock):
    """The app under test; `citcall_mock` answers every request it sends to Citcall."""
    return app.test_client()


def test_signup_confirms_with_the_code_from_the_sms(client, citcall_mock):
    trxid = client.post("/signup", json={"phone": PHONE}).get_json()["trxid"]
    body = {"trxid": trxid, "phone": PHONE, "code": citcall_mock.otp(trxid)}
    assert client.post("/signup/confirm", json=body).get_json() == {"confirmed": True}
    # An OTP confirms once.
    assert client.post("/signup/confirm", json=body).get_json() == {"confirmed": False}


def test_a_wrong_code_does_not_confirm(client, citcall_mock):
    trxid = client.post("/signup", json={"phone": PHONE}).get_json()["trxid"]
    wrong = "000000" if citcall_mock.otp(trxid) != "000000" else "111111"
    body = {"trxid": trxid, "phone": PHONE, "code": wrong}
    assert client.post("/signup/confirm", json=body).get_json() == {"confirmed": False}


@pytest.mark.citcall_sandbox(balance=400)  # an SMS part costs 450
def test_an_empty_balance_is_reported(client):
    answer = client.post("/signup", json={"phone": PHONE})
    assert answer.status_code == 502
    assert "rc 14" in answer.get_json()["error"]


def test_a_truncated_answer_is_not_resent(client, citcall_mock):
    citcall_mock.fail("smsotp", "truncated_json")
    assert client.post("/signup", json={"phone": PHONE}).status_code == 503
    assert len(citcall_mock.sends(PHONE)) == 1


def test_an_html_502_from_a_proxy_sent_nothing(client, citcall_mock):
    citcall_mock.fail("smsotp", "html_502")
    assert client.post("/signup", json={"phone": PHONE}).status_code == 503
    assert citcall_mock.sends(PHONE) == []


def test_the_sms_report_reaches_the_app(app, client, citcall_mock):
    citcall_mock.callbacks_to(app)
    trxid = client.post("/signup", json={"phone": PHONE}).get_json()["trxid"]
    assert citcall_mock.callbacks()[0].delivered is False  # held until delivered
    [callback] = citcall_mock.deliver_callbacks()
    assert (callback.kind, callback.status_code, callback.trxid) == ("smsOtpStatus", 200, trxid)
    assert trxid in app.config["SMS_REPORTS"]
    [delivery] = citcall_mock.state.deliveries.snapshot(trxid)
    assert delivery["delivered"] is True  # the sandbox saw the app's 200


def test_a_receiver_that_fails_gets_the_sandboxs_retries(client, citcall_mock):
    from flask import Flask

    broken = Flask("broken")

    @broken.post("/citcall/sms-report")
    def refuse() -> tuple[str, int]:
        return "down", 500

    citcall_mock.callbacks_to(broken, auto=True)
    client.post("/signup", json={"phone": PHONE})
    callbacks = citcall_mock.callbacks()
    retries = citcall_mock.config.callback_retries
    assert [c.status_code for c in callbacks] == [500] * (retries + 1)
