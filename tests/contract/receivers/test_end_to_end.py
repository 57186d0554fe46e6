"""End to end: an app configured to use the sandbox gets its real callbacks on its receiver.

The app (FastAPI or Flask, `integrator_apps`) sends through `Citcall` to `citcall_sandbox`
with its own receiver as `callback_url`; the sandbox posts the callbacks over loopback.
The same app then passes the receiver suite in-process, with the real trxids as known
transactions.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from citcall_contract import MissedCallReport, SmsReport

from .conftest import serving, serving_asgi
from .integrator_apps import ROUTES, Integration, fastapi_app, flask_app

FRAMEWORKS = [
    pytest.param(fastapi_app, serving_asgi, id="fastapi"),
    pytest.param(flask_app, serving, id="flask"),
]


@pytest.mark.parametrize(("make_app", "serve"), FRAMEWORKS)
def test_the_app_receives_its_real_callbacks_from_the_sandbox(citcall_sandbox, make_app, serve):
    integration = Integration(citcall_sandbox.api_key, citcall_sandbox.base_url)
    with serve(make_app(integration)) as base:
        integration.public_url = base
        busy = integration.send_login_code("6281000001486")  # a scenario number: busy
        sms = integration.send_sms("+6281234567890", "Your parcel has shipped.")
        otp = integration.send_sms("6281234567890", "Your code is 4821", otp=True)
        for trxid in (busy, sms, otp):
            [delivery] = citcall_sandbox.wait_for_deliveries(1, trxid=trxid)
            assert delivery["delivered"] is True, delivery
    reports = {report.trxid: report for report in integration.reports}
    assert set(reports) == {busy, sms, otp}

    call = reports[busy]
    assert isinstance(call, MissedCallReport)
    assert call.kind == "missedCallStatus"
    assert (call.rc, call.dial_code, call.dial_class, call.delivered) == (0, 486, "4xx", False)
    assert call.msisdn == "6281000001486"
    assert call.price is None or isinstance(call.price, Decimal)

    for trxid, kind in ((sms, "smsStatus"), (otp, "smsOtpStatus")):
        report = reports[trxid]
        assert isinstance(report, SmsReport)
        assert report.kind == kind
        assert isinstance(report.price, Decimal)


@pytest.mark.parametrize(("make_app", "serve"), FRAMEWORKS)
def test_the_same_app_passes_the_suite_in_process_with_real_trxids(
    citcall_sandbox, citcall_callbacks, make_app, serve
):
    integration = Integration(citcall_sandbox.api_key, citcall_sandbox.base_url)
    trxids = {
        "missedCallStatus": [integration.send_login_code("6281234567890")],
        "smsStatus": [integration.send_sms("6281234567890", "Hello")],
        "smsOtpStatus": [integration.send_sms("6281234567890", "Code 4821", otp=True)],
    }
    citcall_callbacks.paths = ROUTES
    result = citcall_callbacks.run_suite(to=make_app(integration), trxids=trxids)
    assert result.ok, result.report()
    # Unknown transactions are refused with a 404: allowed, and reported as such.
    answer = citcall_callbacks.send("sms", to=make_app(integration), trxid="1")
    assert answer.status == 404
