"""Callback receivers for the suite's tests: correct ones, and ones broken the way public
integrations are (each fails on one form the gateway really sends).

A receiver is made by `fastapi_receiver(handle)` or `flask_receiver(handle)`, where
`handle(kind, body) -> int` returns the status to answer and may raise (a crash: 500).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable

from fastapi import FastAPI, Request, Response
from flask import Flask, request

from citcall_contract import CallbackError, parse_callback

Handler = Callable[[str, bytes], int]
#: Set by the tests at teardown so that hanging receivers let their threads go.
RELEASE = threading.Event()
#: The URL paths of the receivers, one per webhook kind (as an integrator would route them).
PATHS = {
    "missedCallStatus": "/citcall/missed-call",
    "smsStatus": "/citcall/sms",
    "smsOtpStatus": "/citcall/sms-otp",
}
KIND_OF_PATH = {path: kind for kind, path in PATHS.items()}


def correct(kind: str, body: bytes) -> int:
    """The reference receiver: parse_callback on the raw body, 400 for what is not a callback."""
    try:
        report = parse_callback(body, kind=kind)
    except CallbackError:
        return 400
    RECORDED.append(report)
    return 200


RECORDED: list = []


def _loads(body: bytes) -> dict:
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("not an object")  # a 4xx, not a crash: see `broken`
    return data


def broken(check: Callable[[str, dict], None]) -> Handler:
    """A receiver that answers 400 for what is not JSON, and crashes inside `check`."""

    def handle(kind: str, body: bytes) -> int:
        try:
            data = _loads(body)
        except ValueError:
            return 400
        if "trxid" not in data or "result" not in data:
            return 400
        check(kind, data)
        return 200

    return handle


def _rc_must_be_int(kind: str, data: dict) -> None:
    if kind == "missedCallStatus" and "rc" in data:
        code: int = data["rc"]
        if not isinstance(code, int):
            raise TypeError(f"rc must be an int, got {code!r}")


def _price_must_be_string(kind: str, data: dict) -> None:
    if "price" in data:
        data["price"].isdigit()  # AttributeError for a numeric price


def _msisdn_with_plus(kind: str, data: dict) -> None:
    if "msisdn" in data:
        data["msisdn"].index("+")  # ValueError without the +


def _every_field_present(kind: str, data: dict) -> None:
    if kind == "missedCallStatus":
        data["msisdn"], data["dial_code"], data["price"]
    else:
        data["price"], data["currency"]


_SEEN: set[str] = set()
_SEEN_LOCK = threading.Lock()


def _unique_trxid(kind: str, data: dict) -> None:
    with _SEEN_LOCK:
        key = f"{kind}:{data['trxid']}"
        if key in _SEEN:
            raise RuntimeError(f"duplicate key {key}")  # an INSERT without ON CONFLICT
        _SEEN.add(key)


def _hang(kind: str, data: dict) -> None:
    RELEASE.wait(30)


BROKEN: dict[str, Handler] = {
    "crashes on rc as string": broken(_rc_must_be_int),
    "crashes on numeric price": broken(_price_must_be_string),
    "crashes on msisdn without +": broken(_msisdn_with_plus),
    "crashes on missing optional fields": broken(_every_field_present),
    "crashes on a duplicate": broken(_unique_trxid),
    "hangs": broken(_hang),
}


def strict_rc(kind: str, body: bytes) -> int:
    """Answers 400 (no crash) to rc "00": fails only where the trxid is known."""
    try:
        data = _loads(body)
    except ValueError:
        return 400
    if kind == "missedCallStatus" and not isinstance(data.get("rc"), int):
        return 400
    return 200


def reset() -> None:
    RECORDED.clear()
    with _SEEN_LOCK:
        _SEEN.clear()


def fastapi_receiver(handle: Handler = correct):
    """A FastAPI app with one route per kind, calling `handle` with the raw body."""
    app = FastAPI()

    async def receive(posted: Request) -> Response:
        kind = KIND_OF_PATH[posted.url.path]
        body = await posted.body()
        if handle is BROKEN["hangs"]:
            await asyncio.sleep(30)
        status = handle(kind, body)
        return Response(status_code=status)

    for path in PATHS.values():
        app.add_api_route(path, receive, methods=["POST"])
    return app


def flask_receiver(handle: Handler = correct):
    """A Flask app with one route per kind, calling `handle` with the raw body."""
    app = Flask(__name__)

    def receive() -> tuple[str, int]:
        kind = KIND_OF_PATH[request.path]
        return "", handle(kind, request.get_data())

    for path in PATHS.values():
        app.add_url_rule(path, endpoint=path, view_func=receive, methods=["POST"])
    return app
