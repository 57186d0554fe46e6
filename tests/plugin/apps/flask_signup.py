"""A small Flask app that confirms a phone number with an SMS OTP through Citcall.

The README's testing guide uses it next to the FastAPI app
(`tests/plugin/test_guide_flask.py`): a synchronous `Citcall` client, `/smsotp` with a
code the app chooses, `/verify`, and the SMS delivery report on a callback endpoint.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from citcall_contract import (
    CallbackError,
    Citcall,
    CitcallAPIError,
    CitcallError,
    CitcallOutcomeUnknownError,
    CitcallVerificationError,
    parse_callback,
)

CALLBACK_URL = "http://127.0.0.1:5000/citcall/sms-report"


def create_app(api_key: str = "app-key") -> Flask:
    app = Flask(__name__)
    reports: dict[str, Any] = {}
    app.config["SMS_REPORTS"] = reports  # trxid -> the SMS delivery report

    @app.post("/signup")
    def signup() -> ResponseReturnValue:
        phone = request.get_json()["phone"]
        code = f"{secrets.randbelow(10**6):06d}"
        with Citcall(api_key) as citcall:
            try:
                sent = citcall.sms_otp(
                    phone,
                    f"Your signup code is {code}",
                    senderid="citcall",
                    token=code,
                    valid_time=300,
                    callback_url=CALLBACK_URL,
                )
            except CitcallOutcomeUnknownError:
                return jsonify(error="the SMS may be on its way; wait for it"), 503
            except CitcallAPIError as exc:
                return jsonify(error=f"citcall refused the SMS (rc {exc.rc})"), 502
            except CitcallError:
                return jsonify(error="citcall cannot be reached; try again"), 503
        return jsonify(trxid=sent.trxid)

    @app.post("/signup/confirm")
    def confirm() -> ResponseReturnValue:
        body = request.get_json()
        with Citcall(api_key) as citcall:
            try:
                citcall.verify(body["trxid"], body["phone"], body["code"])
            except CitcallVerificationError:
                return jsonify(confirmed=False)
        return jsonify(confirmed=True)

    @app.post("/citcall/sms-report")
    def sms_report() -> ResponseReturnValue:
        try:
            report = parse_callback(request.get_data())
        except CallbackError:
            return jsonify(error="not a Citcall callback"), 400
        reports[str(report.trxid)] = report
        return jsonify(status="ok")

    return app
