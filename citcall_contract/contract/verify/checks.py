"""Custom schemathesis checks for an API that reports outcomes by `rc`, not HTTP status.

The gateway answers every business outcome, failures included, with HTTP 200 and `rc` in
the body. Five of schemathesis' default checks judge a response by its HTTP status, so
against this API they either always fail or never can; each is replaced here by a check
of the same intent that reads `rc` instead:

- negative_data_rejection -> rc_negative_data_rejection: a request that breaks the
  schema gets rc != 0.
- positive_data_acceptance -> rc_positive_data_acceptance: a valid request with valid
  credentials is not refused as malformed or unauthorised.
- missing_required_header -> rc_missing_required_header: a request without a required
  header gets rc != 0 (an `auth` rc for `Authorization`). The spec declares no header
  parameters, so today only rc_auth_enforced's probe without credentials exercises this.
- ignored_auth -> rc_auth_enforced: missing or wrong credentials get an rc of the
  spec's `auth` category; valid Basic credentials are accepted.
- unsupported_method -> rc_unsupported_method: an undeclared method gets rc WRONG_METHOD.

Added checks: `rc_documented` (every answer carries a readable `rc`; codes not in the spec
are collected by the report as new), `success_body_conformance` (a success body validates
against the operation's schema with the project's own validators) and, in stateful
chains, `verify_finds_transaction` (`/verify` knows the `trxid` an OTP request just
returned). The runner adds `callback_conformance` (receiver.py) and `otp_round_trip`
(otp_flow.py). Codes are looked up in the spec by name or category, never listed here.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from typing import Any

import schemathesis
from schemathesis.generation.meta import REQUEST_SHAPE_PROBES, CoveragePhaseData, CoverageScenario

from citcall_contract import spec
from citcall_contract.core.authorization import Credentials, basic_header
from citcall_contract.spec import codes, rules
from citcall_contract.spec.codes import rc_named, rcs_in
from citcall_contract.spec.scenarios import forced_rc
from citcall_contract.spec.validators import error_location

#: The five default checks that assume HTTP-status semantics, and their rc-based stand-ins.
REPLACED_CHECKS: Mapping[str, str] = {
    "negative_data_rejection": "rc_negative_data_rejection",
    "positive_data_acceptance": "rc_positive_data_acceptance",
    "missing_required_header": "rc_missing_required_header",
    "ignored_auth": "rc_auth_enforced",
    "unsupported_method": "rc_unsupported_method",
}
ADDED_CHECKS = ("rc_documented", "success_body_conformance", "verify_finds_transaction")
CUSTOM_CHECKS = (*REPLACED_CHECKS.values(), *ADDED_CHECKS)

AUTH_CATEGORY = "auth"
INVALID_REQUEST_CATEGORY = "invalid_request"
#: A deliberately wrong credential; it never matches a real key.
INVALID_CREDENTIAL = "citcall-contract-invalid"


#: Credentials by `id(schema)`; schemas are unhashable, so the entry dies with the schema.
_CREDENTIALS: dict[int, Credentials] = {}


def bind_credentials(schema: Any, credentials: Credentials) -> None:
    """Tell the checks which credentials a schema's run uses (they probe with them)."""
    _CREDENTIALS[id(schema)] = credentials
    weakref.finalize(schema, _CREDENTIALS.pop, id(schema), None)


def _credentials(case: Any) -> Credentials | None:
    return _CREDENTIALS.get(id(case.operation.schema))


def spec_operation(case: Any) -> spec.Operation | None:
    """The spec's operation for `case`, or None when the run is not a Citcall one.

    The checks are registered process-wide, so they judge only schemas that
    `bind_credentials` marked and leave any other API a process tests alone.
    """
    if _credentials(case) is None:
        return None
    return spec.operation_for_path(case.operation.path, case.operation.method.lower())


def response_rc(response: Any) -> int | None:
    """The response's rc, or None when the body is not JSON or has no readable rc."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or "rc" not in body:
        return None
    try:
        return codes.parse_rc(body["rc"])
    except ValueError:
        return None


def _require_rc(response: Any) -> int:
    rc = response_rc(response)
    if rc is None:
        raise AssertionError(f"HTTP {response.status_code} without a readable `rc` in a JSON body")
    return rc


def _describe(rc: int) -> str:
    info = codes.describe_rc(rc)
    return f"rc {rc} ({info.name})"


def _is_negative(case: Any) -> bool:
    meta = case.meta
    return meta is not None and meta.generation.mode.is_negative


def _sent_body_is_valid(case: Any) -> bool:
    """Whether the body that was sent validates: a negated body can become valid again."""
    operation = spec_operation(case)
    if operation is None or not isinstance(case.body, dict):
        return False
    # jsonschema-rs first: it only ever says "valid" when the spec's validator would.
    if spec.surely_valid(operation.request_schema_ref(), case.body):
        return True
    return bool(operation.request_validator().is_valid(case.body))


def _negative_elsewhere(case: Any) -> bool:
    meta = case.meta
    return meta is not None and any(
        component.mode.is_negative
        for location, component in meta.components.items()
        if location.name.lower() != "body"
    )


def _coverage_scenario(case: Any) -> CoveragePhaseData | None:
    meta = case.meta
    if meta is None or not isinstance(meta.phase.data, CoveragePhaseData):
        return None
    return meta.phase.data


def _sent_authorization(response: Any) -> str | None:
    value = response.request.headers.get("Authorization")
    return value if isinstance(value, str) else None


@schemathesis.check
def rc_negative_data_rejection(ctx: Any, response: Any, case: Any) -> bool | None:
    """Replaces negative_data_rejection: input that breaks the schema must not succeed."""
    if not _is_negative(case) or spec_operation(case) is None:
        return None
    if _sent_body_is_valid(case) and not _negative_elsewhere(case):
        return None  # the negation did not survive serialisation: the request is valid
    scenario = _coverage_scenario(case)
    if scenario is not None and scenario.scenario in REQUEST_SHAPE_PROBES:
        return None  # wrong method or content type: only a server error is a finding here
    rc = _require_rc(response)
    if codes.is_success(rc):
        detail = ""
        data = case.meta.phase.data
        description = getattr(data, "description", None)
        if description:
            detail = f"\nInvalid component: {description}"
        raise AssertionError(
            f"Invalid data should have been rejected with rc != 0, got rc 0{detail}"
        )
    return None


def _is_forced_scenario(case: Any) -> bool:
    """A sandbox test number that forces an rc (`x-sandbox-scenarios.force_rc_prefix`)."""
    msisdn = _body_field(case, "msisdn")
    return isinstance(msisdn, str) and forced_rc(msisdn) is not None


def _body_field(case: Any, name: str) -> Any:
    return case.body.get(name) if isinstance(case.body, dict) else None


def _refuses_otp_text(operation: spec.Operation) -> bool:
    """Whether the operation's request schema carries `x-otp-words` (only /sms does)."""
    name = operation.request_schema_ref().rsplit("/", 1)[-1]
    return "x-otp-words" in spec.component_schema(name)


def _excused_refusal(case: Any, operation: spec.Operation, rc: int) -> bool:
    """Refusals of valid data that the spec documents outside the JSON Schema.

    `x-national-digits` (rc INVALID_MSISDN), `x-otp-words` (INVALID_SMS_CONTENT) and a
    closed sender ID, which is the account's state rather than the request's shape.
    """
    if rc == rc_named("INVALID_MSISDN"):
        msisdn = _body_field(case, "msisdn")
        return isinstance(msisdn, str) and not rules.national_length_ok(msisdn)
    if rc == rc_named("INVALID_SMS_CONTENT"):
        return _refuses_otp_text(operation) and rules.looks_like_otp(_body_field(case, "text"))
    return rc == rc_named("SENDERID_CLOSED")


@schemathesis.check
def rc_positive_data_acceptance(ctx: Any, response: Any, case: Any) -> bool | None:
    """Replaces positive_data_acceptance: valid input must not be refused as malformed."""
    meta = case.meta
    operation = spec_operation(case)
    if meta is None or not meta.generation.mode.is_positive or operation is None:
        return None
    credentials = _credentials(case)
    sent = _sent_authorization(response)
    if credentials is None or sent not in (credentials.apikey_header(), credentials.basic_header()):
        return None  # not our valid credentials: rc_auth_enforced judges this response
    if not _sent_body_is_valid(case) or _is_forced_scenario(case):
        return None
    rc = _require_rc(response)
    refused = rcs_in(AUTH_CATEGORY) | rcs_in(INVALID_REQUEST_CATEGORY)
    if rc in refused and not _excused_refusal(case, operation, rc):
        raise AssertionError(
            f"Valid data should have been accepted, got {_describe(rc)}: "
            f"{codes.describe_rc(rc).description}"
        )
    return None


@schemathesis.check
def rc_missing_required_header(ctx: Any, response: Any, case: Any) -> bool | None:
    """Replaces missing_required_header: a missing required header is refused by rc."""
    data = _coverage_scenario(case)
    if data is None or data.scenario != CoverageScenario.MISSING_PARAMETER:
        return None
    if data.parameter_location is None or data.parameter_location.name.lower() != "header":
        return None
    if spec_operation(case) is None or not data.parameter:
        return None
    rc = _require_rc(response)
    if data.parameter.lower() == "authorization" and rc not in rcs_in(AUTH_CATEGORY):
        raise AssertionError(
            f"A request without `Authorization` should get an auth rc, got {_describe(rc)}"
        )
    if codes.is_success(rc):
        raise AssertionError(f"A request without the `{data.parameter}` header got rc 0")
    return None


def _is_method_probe(case: Any) -> bool:
    data = _coverage_scenario(case)
    return data is not None and data.scenario == CoverageScenario.UNSPECIFIED_HTTP_METHOD


@schemathesis.check
def rc_unsupported_method(ctx: Any, response: Any, case: Any) -> bool | None:
    """Replaces unsupported_method: an undeclared method gets the wrong-method rc."""
    if not _is_method_probe(case) or spec_operation(case) is None:
        return None
    method = str(response.request.method).upper()
    if method in {"HEAD", "OPTIONS"}:
        return None  # answered by the HTTP layer; HEAD has no body to carry an rc
    rc = _require_rc(response)
    expected = rc_named("WRONG_METHOD")
    if rc != expected:
        raise AssertionError(
            f"Unsupported method {method} should get {_describe(expected)}, got {_describe(rc)}"
        )
    return None


@schemathesis.check
class rc_auth_enforced:
    """Replaces ignored_auth: once per operation, probe with no and with wrong credentials.

    (Lower-case: schemathesis reports a check class under its class name.)

    A probe repeats an accepted request with the `Authorization` header removed, with an
    unknown API key and with unknown Basic credentials; each must be answered with an
    auth rc. With a user ID, valid Basic credentials must be accepted too.
    """

    def __init__(self) -> None:
        self._done: set[str] = set()
        self._lock = threading.Lock()

    def after_response(self, ctx: Any, response: Any, case: Any) -> bool | None:
        credentials = _credentials(case)
        if credentials is None or _is_negative(case) or spec_operation(case) is None:
            return None
        if response_rc(response) is None or not codes.is_success(response_rc(response)):
            return None
        with self._lock:
            if case.operation.label in self._done:
                return None
            self._done.add(case.operation.label)
        for label, header in self._probes(credentials):
            rc = response_rc(_send_probe(ctx, case, header))
            if rc is None or rc not in rcs_in(AUTH_CATEGORY):
                got = "no readable rc" if rc is None else _describe(rc)
                raise AssertionError(f"A request with {label} should get an auth rc, got {got}")
        valid_basic = credentials.basic_header()
        if valid_basic is not None:
            rc = response_rc(_send_probe(ctx, case, valid_basic))
            if rc is None or rc in rcs_in(AUTH_CATEGORY):
                got = "no readable rc" if rc is None else _describe(rc)
                raise AssertionError(f"Valid Basic credentials should be accepted, got {got}")
        return None

    @staticmethod
    def _probes(credentials: Credentials) -> list[tuple[str, str | None]]:
        userid = credentials.userid or INVALID_CREDENTIAL
        return [
            ("no Authorization header", None),
            ("an unknown API key", f"Apikey {INVALID_CREDENTIAL}"),
            ("a malformed Authorization header", "Token"),
            ("unknown Basic credentials", basic_header(INVALID_CREDENTIAL, INVALID_CREDENTIAL)),
            ("a wrong Basic password", basic_header(userid, INVALID_CREDENTIAL)),
        ]


def _send_probe(ctx: Any, case: Any, authorization: str | None) -> Any:
    """Send `case` again through the run's own transport with another `Authorization`."""
    kwargs = dict(ctx.internals.transport_kwargs or {})
    headers = {
        key: value
        for key, value in dict(kwargs.pop("headers", None) or {}).items()
        if key.lower() != "authorization"
    }
    case_headers = {
        k: v for k, v in dict(case.headers or {}).items() if k.lower() != "authorization"
    }
    if authorization is not None:
        headers["Authorization"] = authorization
    probe = case.derive(headers=case_headers)
    if case.operation.app is not None:
        kwargs.setdefault("app", case.operation.app)
    kwargs.pop("session", None)
    ctx.internals.record_case(parent_id=case.id, case=probe)
    probe_response = case.operation.schema.transport.send(probe, headers=headers, **kwargs)
    ctx.internals.record_response(case_id=probe.id, response=probe_response)
    return probe_response


@schemathesis.check
def rc_documented(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every JSON answer carries a readable rc (an unknown one is reported as new, not failed)."""
    if spec_operation(case) is None or response.status_code != 200:
        return None
    if str(response.request.method).upper() in {"HEAD", "OPTIONS"}:
        return None
    _require_rc(response)
    return None


@schemathesis.check
def success_body_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    """A success (rc 0 or "00") body validates against the operation's 200 schema."""
    operation = spec_operation(case)
    if operation is None or response.status_code != 200:
        return None
    rc = response_rc(response)
    if rc is None or not codes.is_success(rc):
        return None
    body = response.json()
    if spec.surely_valid(operation.response_schema_ref(), body):
        return None  # jsonschema-rs: a fast "valid", never wider than the spec's validator
    errors = sorted(operation.response_validator().iter_errors(body), key=str)
    if errors:
        lines = [f"`{error_location(e)}`: {e.message}" for e in errors]
        raise AssertionError(
            f"Success body of {operation.operation_id} breaks {operation.response_schema_ref()}:\n"
            + "\n".join(lines[:5])
        )
    return None


#: Transactions a `/verify` already answered with success: by the spec's `verify-once`
#: rule the code is spent, so a later `/verify` of them may answer "not found" (bounded).
_VERIFIED: dict[str, None] = {}
_VERIFIED_LIMIT = 10_000
_LOCK = threading.Lock()


def _remember_verified(response: Any, case: Any) -> None:
    body = case.body if isinstance(case.body, dict) else {}
    rc = response_rc(response)
    if rc is not None and codes.is_success(rc) and isinstance(body.get("trxid"), str):
        with _LOCK:
            _VERIFIED[body["trxid"]] = None
            while len(_VERIFIED) > _VERIFIED_LIMIT:
                del _VERIFIED[next(iter(_VERIFIED))]


@schemathesis.check
def verify_finds_transaction(ctx: Any, response: Any, case: Any) -> bool | None:
    """In a stateful chain, `/verify` finds the `trxid` an OTP request just returned
    (unless an earlier `/verify` already spent its code)."""
    operation = spec_operation(case)
    if operation is None or operation.operation_id != "verifyOtp":
        return None
    _remember_verified(response, case)
    parent = ctx.internals.find_parent(case_id=case.id)
    if parent is None or not isinstance(parent.body, dict) or "valid_time" not in parent.body:
        return None
    parent_response = ctx.internals.find_response(case_id=parent.id)
    if parent_response is None or not codes.is_success(response_rc(parent_response)):
        return None
    body = case.body if isinstance(case.body, dict) else {}
    issued = parent_response.json()
    if body.get("trxid") != issued.get("trxid") or body.get("msisdn") != issued.get("msisdn"):
        return None  # not the spec's link (schemathesis also infers links of its own)
    token = body.get("token")
    if token is not None and (
        token == parent.body.get("token") or token == rules.missed_call_otp(issued.get("token"))
    ):
        return None  # the right code: an earlier /verify in the chain may have spent it
    rc = _require_rc(response)
    if rc == rc_named("DATA_NOT_FOUND") and body.get("trxid") not in _VERIFIED:
        raise AssertionError(
            f"/verify did not find trxid {body.get('trxid')} that {parent.operation.label} just "
            f"returned\nOTP request: {parent.body}\nVerification: {body}"
        )
    return None
