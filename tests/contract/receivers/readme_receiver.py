from decimal import Decimal

from fastapi import FastAPI, Request, Response

from citcall_contract import CallbackError, MissedCallReport, parse_callback

app = FastAPI()
SENT: set[str] = set()  # trxids Citcall returned to this app (a table in a real app)
STATUS: dict[str, tuple[str, Decimal | None]] = {}


@app.post("/hooks/citcall/{kind}")  # kind: missed-call, sms or sms-otp
async def citcall_callback(kind: str, request: Request) -> Response:
    try:
        report = parse_callback(await request.body(), kind=kind)
    except CallbackError:  # not JSON, not a Citcall callback, hostile: refuse, never crash
        return Response(status_code=400)
    if report.trxid not in SENT:
        return Response(status_code=404)
    if isinstance(report, MissedCallReport):  # rc, dial_code: int; msisdn: 62...; delivered
        outcome = "delivered" if report.delivered else f"failed ({report.dial_code})"
        STATUS[report.trxid] = (outcome, report.price)
    else:  # SmsReport: smsStatus or smsOtpStatus; absent fields are None
        STATUS[report.trxid] = (report.result, report.price)
    return Response(status_code=204)  # duplicates too: the gateway sends again on failure
