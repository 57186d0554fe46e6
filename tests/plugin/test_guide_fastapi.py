"""The testing guide of the README, on the FastAPI app in `apps/fastapi_login.py`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from .apps.fastapi_login import create_app

PHONE = "081234567890"


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def client(app, citcall_mock):
    """The app under test; `citcall_mock` answers every request it sends to Citcall."""
    with TestClient(app) as client:
        yield client


def test_login_with_the_code_of_the_missed_call(client, citcall_mock):
    started = client.post("/login", json={"phone": PHONE}).json()
    # The code the user got: the last 4 digits of the calling number the sandbox chose.
    code = citcall_mock.otp(started["trxid"])
    answer = client.post("/login/verify", json={**started, "phone": PHONE, "code": code})
    assert answer.json() == {"logged_in": True}


def test_a_wrong_code_is_refused(client, citcall_mock):
    started = client.post("/login", json={"phone": PHONE}).json()
    wrong = "1234" if citcall_mock.otp(started["trxid"]) != "1234" else "4321"
    answer = client.post("/login/verify", json={**started, "phone": PHONE, "code": wrong})
    assert answer.json() == {"logged_in": False}


def test_a_number_citcall_refuses_is_a_502(client):
    # 62810000000 + rc: the sandbox answers that rc (here 42, invalid msisdn).
    answer = client.post("/login", json={"phone": "6281000000042"})
    assert answer.status_code == 502
    assert "rc 42" in answer.json()["detail"]


@pytest.mark.citcall_sandbox(balance=0)
def test_an_empty_balance_is_reported(client):
    assert "rc 14" in client.post("/login", json={"phone": PHONE}).json()["detail"]


def test_a_lost_answer_is_not_retried_and_the_user_waits(client, citcall_mock):
    citcall_mock.fail("asynccall", "read_timeout")
    assert client.post("/login", json={"phone": PHONE}).status_code == 503
    assert len(citcall_mock.sends(PHONE)) == 1  # placed once: the app did not call again


def test_a_gateway_hiccup_is_retried_without_waiting(client, citcall_mock):
    citcall_mock.fail("asynccall", "connect_error")
    assert client.post("/login", json={"phone": PHONE}).status_code == 200
    assert len(citcall_mock.calls("asynccall")) == 2
    assert len(citcall_mock.sends(PHONE)) == 1


def test_the_call_report_reaches_the_callback_endpoint(app, client, citcall_mock):
    started = client.post("/login", json={"phone": PHONE}).json()
    [callback] = citcall_mock.deliver_callbacks(app)
    assert (callback.kind, callback.status_code) == ("missedCallStatus", 200)
    assert app.state.reports[started["trxid"]].delivered is True


def test_busy_numbers_report_an_undelivered_call_automatically(app, client, citcall_mock):
    citcall_mock.callbacks_to(app, auto=True)
    # 6281000001 + SIP code: the call ends that way.
    started = client.post("/login", json={"phone": "6281000001486"}).json()  # 486: busy
    [callback] = citcall_mock.callbacks()
    assert callback.status_code == 200
    assert app.state.reports[started["trxid"]].delivered is False
