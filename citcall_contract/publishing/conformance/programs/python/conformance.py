"""Conformance program for the python SDK (citcall-contract sdk python --check).

It holds no data: the plan (base URL, keys, numbers, examples) comes from the JSON file in
argv[3]; what the SDK answered goes to the JSON file in argv[4], judged by the kit.
argv[1] is the SDK's directory and argv[2] its package name.
"""

from __future__ import annotations

import functools
import importlib
import json
import sys
from collections.abc import Callable
from typing import Any

sdk_dir, package, plan_file, report_file = sys.argv[1:5]
sys.path.insert(0, sdk_dir)
sdk: Any = importlib.import_module(package)
with open(plan_file, encoding="utf-8") as stream:
    plan: dict[str, Any] = json.load(stream)


def client(basic: bool) -> Any:
    """Auth as the README documents it: key and prefix, or Basic userid:key."""
    if basic:
        config = sdk.Configuration(
            host=plan["base_url"], username=plan["userid"], password=plan["api_key"]
        )
    else:
        config = sdk.Configuration(
            host=plan["base_url"],
            api_key={"Apikey": plan["api_key"]},
            api_key_prefix={"Apikey": "Apikey"},
        )
    return sdk.ApiClient(config)


def succeeded(rc: Any) -> bool:
    """The one success test: `.rc` is the scalar as sent, 0 or "00"."""
    return int(rc) == 0


def observe(rc: Any) -> dict[str, Any]:
    digits = isinstance(rc, int) or (isinstance(rc, str) and rc.isdigit())
    return {"code": int(rc) if digits else None, "success": succeeded(rc), "error": None}


def failed(error: BaseException) -> dict[str, Any]:
    return {"code": None, "success": None, "error": f"{type(error).__name__}: {error}"}


def call(api_client: Any, operation: str, body: dict[str, Any]) -> Any:
    missed = sdk.MissedCallOTPApi(api_client)
    sms = sdk.SMSApi(api_client)
    calls: dict[str, Callable[[], Any]] = {
        "asyncMiscall": lambda: missed.async_miscall(sdk.MiscallRequest.from_dict(body)),
        "motp": lambda: missed.motp(sdk.MiscallRequest.from_dict(body)),
        "syncMiscall": lambda: missed.sync_miscall(sdk.CallRequest.from_dict(body)),
        "sendSms": lambda: sms.send_sms(sdk.SmsRequest.from_dict(body)),
        "sendSmsOtp": lambda: sms.send_sms_otp(sdk.SmsOtpRequest.from_dict(body)),
    }
    return calls[operation]()


def step(action: Callable[[], Any]) -> dict[str, Any]:
    try:
        return observe(action().rc)
    except Exception as error:  # every failure is reported, not raised
        return failed(error)


def missed_call_otp(api_client: Any) -> tuple[str, str]:
    """A missed call kept for /verify; the OTP ends its token."""
    request = sdk.MiscallRequest(msisdn=plan["msisdn"], gateway=0, valid_time=plan["valid_time"])
    sent = sdk.MissedCallOTPApi(api_client).async_miscall(request)
    if not succeeded(sent.rc):
        raise RuntimeError(f"missed call refused: rc {sent.rc!r}")
    return sent.trxid, sent.token[-plan["otp_digits"] :]


def verify(api_client: Any, trxid: str, code: str) -> Any:
    request = sdk.VerifyRequest(trxid=trxid, msisdn=plan["msisdn"], token=code)
    return sdk.VerificationApi(api_client).verify_otp(request)


def parse(model: str, value: dict[str, Any]) -> dict[str, Any]:
    try:
        parsed = getattr(sdk, model).from_json(json.dumps(value))
        return {**observe(parsed.rc), "json": json.loads(parsed.to_json())}
    except Exception as error:
        return failed(error)


def wrong_code(api_client: Any) -> Any:
    trxid, otp = missed_call_otp(api_client)
    wrong = "0" * len(otp) if otp != "0" * len(otp) else "1" * len(otp)
    return verify(api_client, trxid, wrong)


def main() -> None:
    apikey, basic = client(basic=False), client(basic=True)
    steps: dict[str, Any] = {
        "apikey_auth": step(lambda: call(apikey, "sendSms", plan["requests"]["sendSms"])),
        "basic_auth": step(lambda: call(basic, "sendSms", plan["requests"]["sendSms"])),
    }
    for operation, body in plan["requests"].items():
        steps[f"call:{operation}"] = step(functools.partial(call, apikey, operation, body))
    steps["verify_otp"] = step(lambda: verify(apikey, *missed_call_otp(apikey)))
    steps["wrong_code"] = step(lambda: wrong_code(apikey))
    for forced in plan["forced"]:
        steps[f"forced:{forced['category']}"] = step(
            functools.partial(call, apikey, forced["operation"], forced["request"])
        )
    for operation, group in plan["examples"].items():
        parsed = [
            {"name": example["name"], **parse(group["model"], example["value"])}
            for example in group["examples"]
        ]
        steps[f"examples:{operation}"] = {"parsed": parsed}
    steps["rc_forms"] = {"parsed": [parse("ErrorResponse", {"rc": rc}) for rc in plan["rc_forms"]]}
    with open(report_file, "w", encoding="utf-8") as stream:
        json.dump({"steps": steps}, stream)


main()
