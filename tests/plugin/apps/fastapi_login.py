"""A small FastAPI app that logs users in with a Citcall missed-call OTP.

The README's testing guide is built on it (`tests/plugin/test_guide_fastapi.py`): the
app sends the call with `AsyncCitcall`, verifies the code the user typed, and receives
Citcall's delivery report on its own callback endpoint.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel

from citcall_contract import (
    AsyncCitcall,
    CallbackError,
    CitcallAPIError,
    CitcallError,
    CitcallInputError,
    CitcallOutcomeUnknownError,
    CitcallVerificationError,
    parse_callback,
)

CALLBACK_URL = "http://localhost:8000/citcall/callback"


class Login(BaseModel):
    phone: str


class Code(BaseModel):
    trxid: str
    phone: str
    code: str


def create_app(api_key: str = "app-key") -> FastAPI:
    app = FastAPI()
    reports: dict[str, Any] = {}
    app.state.reports = reports  # trxid -> the call's delivery report

    @app.post("/login")
    async def login(body: Login) -> dict[str, str]:
        async with AsyncCitcall(api_key) as citcall:
            try:
                call = await citcall.miscall(body.phone, callback_url=CALLBACK_URL)
            except CitcallInputError as exc:
                raise HTTPException(422, f"invalid {exc.field}") from exc
            except CitcallOutcomeUnknownError as exc:
                # The call may have been placed: never call again at once (a second OTP, billed).
                raise HTTPException(503, "the call may be on its way; wait for it") from exc
            except CitcallAPIError as exc:
                raise HTTPException(502, f"citcall refused the call (rc {exc.rc})") from exc
            except CitcallError as exc:
                raise HTTPException(503, "citcall cannot be reached; try again") from exc
        # The user sees the calling number without its last 4 digits (the OTP).
        return {"trxid": call.trxid, "number_starts_with": call.token[:-4]}

    @app.post("/login/verify")
    async def verify(body: Code) -> dict[str, bool]:
        async with AsyncCitcall(api_key) as citcall:
            try:
                await citcall.verify(body.trxid, body.phone, body.code)
            except CitcallVerificationError:
                return {"logged_in": False}
        return {"logged_in": True}

    @app.post("/citcall/callback")
    async def callback(request: Request) -> dict[str, str]:
        try:
            report = parse_callback(await request.body())
        except CallbackError as exc:
            raise HTTPException(400, "not a Citcall callback") from exc
        reports[str(report.trxid)] = report
        return {"status": "ok"}

    return app
