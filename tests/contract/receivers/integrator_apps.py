"""Two small integrations (FastAPI and Flask) as an app would write them: they send OTPs and
SMS through `Citcall` (pointed at the sandbox) and receive the callbacks on their own routes,
answering 404 for a transaction they did not start and 200 for one they did.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fastapi import FastAPI, Request, Response
from flask import Flask, request

from citcall_contract import CallbackError, Citcall, parse_callback
from citcall_contract.client.callback_reports import Callback

ROUTES = {
    "missedCallStatus": "/hooks/citcall/missed-call",
    "smsStatus": "/hooks/citcall/sms",
    "smsOtpStatus": "/hooks/citcall/sms-otp",
}


@dataclass
class Integration:
    """The app's state: its Citcall client settings, what it sent and what came back."""

    api_key: str = field(repr=False)
    gateway_url: str
    public_url: str = "http://127.0.0.1:9"  # where the gateway reaches this app (set by tests)
    sent: set[str] = field(default_factory=set)
    reports: list[Callback] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send_login_code(self, msisdn: str) -> str:
        with Citcall(self.api_key, base_url=self.gateway_url) as citcall:
            call = citcall.miscall(
                msisdn, callback_url=self.public_url + ROUTES["missedCallStatus"]
            )
        with self.lock:
            self.sent.add(call.trxid)
        return call.trxid

    def send_sms(self, msisdn: str, text: str, *, otp: bool = False) -> str:
        kind = "smsOtpStatus" if otp else "smsStatus"
        with Citcall(self.api_key, base_url=self.gateway_url) as citcall:
            send = citcall.sms_otp if otp else citcall.sms
            answer = send(
                msisdn, text, senderid="citcall", callback_url=self.public_url + ROUTES[kind]
            )
        with self.lock:
            self.sent.add(answer.trxid)
        return answer.trxid

    def receive(self, kind: str, body: bytes) -> int:
        """The receiver: any 2xx for a report of a known transaction, duplicates included."""
        try:
            report = parse_callback(body, kind=kind)
        except CallbackError:
            return 400
        with self.lock:
            if report.trxid not in self.sent:
                return 404
            self.reports.append(report)
        return 200


def fastapi_app(integration: Integration) -> FastAPI:
    app = FastAPI()

    def route(kind: str):
        async def receive(posted: Request) -> Response:
            return Response(status_code=integration.receive(kind, await posted.body()))

        return receive

    for kind, path in ROUTES.items():
        app.add_api_route(path, route(kind), methods=["POST"])
    return app


def flask_app(integration: Integration) -> Flask:
    app = Flask(__name__)

    def route(kind: str):
        def receive() -> tuple[str, int]:
            return "", integration.receive(kind, request.get_data())

        return receive

    for kind, path in ROUTES.items():
        app.add_url_rule(path, endpoint=kind, view_func=route(kind), methods=["POST"])
    return app
