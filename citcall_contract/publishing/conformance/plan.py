"""What a conformance program is asked to do, from the spec, and how its report is judged.

The program gets a plan (JSON): the sandbox's address and keys, one request per
operation, a forced-rc number per rc category, every named response example, and rc
forms to parse. It reports what the SDK answered (the rc as an integer, the documented
success test, each example after a round trip through the SDK's model); this module
decides which check passed, so the judging is written once for every language.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citcall_contract import spec
from citcall_contract.spec import codes, rules, scenarios

#: The ordinary test number: success on every operation, a missed call answered.
PLAN_MSISDN = "6281234567890"

#: The operation a forced-rc number is sent to (any would do: scenarios apply to all).
FORCED_OPERATION = "sendSms"

#: `valid_time` of the missed call whose OTP is verified.
OTP_VALID_TIME = 300


@dataclass(frozen=True)
class Outcome:
    """One cell of the matrix."""

    ok: bool
    detail: str = ""


def _request(operation_id: str) -> dict[str, Any]:
    """The operation's first request example, without a callback URL (nothing listens)."""
    examples = spec.operation(operation_id).request_examples()
    body = dict(copy.deepcopy(next(iter(examples.values()))))
    body.pop("callback_url", None)
    body["msisdn"] = PLAN_MSISDN
    return body


def _categories() -> dict[str, int]:
    """One rc per `x-enum-categories` category: the lowest."""
    found: dict[str, int] = {}
    for info in codes.response_codes().values():
        found[info.category] = min(found.get(info.category, info.rc), info.rc)
    return found


def _forced_msisdn(rc: int) -> str:
    return f"{scenarios.scenarios()['force_rc_prefix']}{rc:02d}"


def _response_model(operation_id: str) -> str:
    return spec.operation(operation_id).response_schema_ref().rsplit("/", 1)[1]


def _rc_forms() -> list[int | str]:
    """Both forms of success, a known failure in both forms and a code the spec lacks."""
    failure = codes.rc_named("INVALID_TOKEN")
    unknown = next(rc for rc in range(100, 1000) if rc not in codes.response_codes())
    return [0, "00", failure, f"{failure:02d}", unknown]


def build_plan(base_url: str, api_key: str, userid: str) -> dict[str, Any]:
    """The data a program runs on (secrets included: the file stays in a private temp dir)."""
    operations = spec.operations()
    forced = []
    for category, rc in _categories().items():
        request = _request(FORCED_OPERATION)
        request["msisdn"] = _forced_msisdn(rc)
        forced.append(
            {"category": category, "rc": rc, "operation": FORCED_OPERATION, "request": request}
        )
    return {
        "base_url": base_url,
        "api_key": api_key,
        "userid": userid,
        "msisdn": PLAN_MSISDN,
        "otp_digits": rules.otp_digits(),
        "valid_time": OTP_VALID_TIME,
        # verifyOtp needs a live transaction: the verify_otp step covers it.
        "requests": {op: _request(op) for op in operations if op != "verifyOtp"},
        "forced": forced,
        "examples": {
            op: {
                "model": _response_model(op),
                "examples": [
                    {"name": name, "value": value}
                    for name, value in operation.response_examples().items()
                ],
            }
            for op, operation in operations.items()
        },
        "rc_forms": _rc_forms(),
    }


# --- judging ----------------------------------------------------------------------------------


def check_names(plan: Mapping[str, Any]) -> list[str]:
    """The matrix's rows, in order."""
    names = ["Apikey auth", "Basic auth"]
    names += [f"call {op}" for op in plan["requests"]]
    names += ["missed call, then verify the OTP from token", "wrong code is rc 79"]
    names += [f"forced rc {f['rc']} ({f['category']})" for f in plan["forced"]]
    names += [f"examples of {op}" for op in plan["examples"]]
    names.append('rc 0 and "00" are success')
    return names


def judge(plan: Mapping[str, Any], report: Mapping[str, Any] | None) -> dict[str, Outcome]:
    """Every check of `check_names` -> its outcome, from the program's report."""
    steps: Mapping[str, Any] = (report or {}).get("steps", {})
    results: dict[str, Outcome] = {}
    names = iter(check_names(plan))
    success = codes.rc_named("SUCCESS")
    results[next(names)] = _expect(steps.get("apikey_auth"), success)
    results[next(names)] = _expect(steps.get("basic_auth"), success)
    for op in plan["requests"]:
        results[next(names)] = _expect(steps.get(f"call:{op}"), success)
    results[next(names)] = _expect(steps.get("verify_otp"), success)
    results[next(names)] = _expect(steps.get("wrong_code"), codes.rc_named("INVALID_TOKEN"))
    for forced in plan["forced"]:
        results[next(names)] = _expect(steps.get(f"forced:{forced['category']}"), forced["rc"])
    for op, group in plan["examples"].items():
        results[next(names)] = _examples(steps.get(f"examples:{op}"), group["examples"])
    forms = [{"name": repr(rc), "value": {"rc": rc}} for rc in plan["rc_forms"]]
    results[next(names)] = _examples(steps.get("rc_forms"), forms)
    return results


def _expect(observed: Mapping[str, Any] | None, rc: int) -> Outcome:
    if observed is None:
        return Outcome(False, "not run")
    if observed.get("error"):
        return Outcome(False, str(observed["error"])[:200])
    wanted = codes.is_success(rc)
    if observed.get("code") != rc or observed.get("success") is not wanted:
        return Outcome(
            False,
            f"rc {observed.get('code')!r}, success {observed.get('success')!r}; "
            f"expected rc {rc}, success {wanted}",
        )
    return Outcome(True)


def _examples(observed: Mapping[str, Any] | None, examples: list[dict[str, Any]]) -> Outcome:
    if observed is None:
        return Outcome(False, "not run")
    parsed = observed.get("parsed") or []
    if len(parsed) != len(examples):
        return Outcome(False, f"{len(parsed)} of {len(examples)} examples reported")
    for example, seen in zip(examples, parsed, strict=True):
        problem = _example_problem(example["value"], seen)
        if problem:
            return Outcome(False, f"{example['name']}: {problem}")
    return Outcome(True)


def _example_problem(value: Mapping[str, Any], seen: Mapping[str, Any]) -> str | None:
    if seen.get("error"):
        return str(seen["error"])[:200]
    rc = codes.parse_rc(value["rc"])
    if seen.get("code") != rc:
        return f"rc read as {seen.get('code')!r}, sent {value['rc']!r}"
    if seen.get("success") is not codes.is_success(value["rc"]):
        return f"success test says {seen.get('success')!r} for rc {value['rc']!r}"
    if "json" in seen:
        back = seen["json"]
        if isinstance(back, Mapping):
            # Unset optional fields may come back as explicit nulls.
            back = {k: v for k, v in back.items() if k in value or v is not None}
        if back != value:
            return f"round trip gave {back!r}"
    return None
