"""Recorded traffic held against the spec: which exchanges conform, and where the API drifted.

Each exchange (a HAR entry) is matched to its operation by URL (`matching`: the spec's
servers, the user's base URLs and the one a recording names). Its request and answer
are validated with the spec's validators and the answer is parsed with the generated
client's models, as a client would. An answer that is not the gateway's (a non-JSON
error page, a redirect, a dropped connection) is counted apart: neither drift nor a
pass. Callbacks a receiver caught (entries marked `_callback`, or POSTs to a non-API
path whose body looks like a webhook's) are checked against the webhook schemas.
Tallies are bounded (`tally`), so a file of any length is checked in constant memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from citcall_contract import spec
from citcall_contract.contract.traffic import har
from citcall_contract.contract.traffic.matching import Matcher, split_url
from citcall_contract.contract.traffic.redaction import (
    Hiding,
    otp_text_operations,
    redact_body,
    request_codes,
)
from citcall_contract.contract.traffic.tally import (
    MAX_NEW_RCS,
    NOT_GATEWAY,
    Drift,
    OperationReport,
    TrafficReport,
)
from citcall_contract.spec import codes
from citcall_contract.spec.validators import error_location

MAX_EXAMPLE_CHARS = 120
MAX_MESSAGE_CHARS = 200


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 3] + "..."


def _example(value: Any, hiding: Hiding) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        text = "(not shown)"
    return _clip(hiding.text(text), MAX_EXAMPLE_CHARS)


def _deepest(error: Any) -> Any:
    """The error that names the field: a wrapper (`anyOf`, `then`...) gives way to a reason
    deeper in the body; an `anyOf` whose branches all fail at its own place stays."""
    while error.context:
        deeper = [e for e in error.context if len(e.absolute_path) > len(error.absolute_path)]
        if not deeper and error.validator in {"anyOf", "oneOf"}:
            return error
        error = min(error.context, key=lambda e: (-len(e.absolute_path), str(e.validator)))
    return error


class SchemaCheck:
    """The spec's validator for one schema, with a compiled fast path for valid bodies.

    jsonschema-rs (when installed, as with the `sandbox` extra) only answers "valid",
    formats off; a body it refuses, or one with a field whose schema has a `format`,
    goes to the spec's own validator, which alone decides and explains a drift.
    """

    def __init__(self, ref: str) -> None:
        self.ref = ref
        self.validator = spec.validator(ref)

    def surely_valid(self, body: Any) -> bool:
        return spec.surely_valid(self.ref, body)

    def drifts(self, body: Any, direction: str, where: str, hiding: Hiding) -> list[Drift]:
        drifts = []
        for error in self.validator.iter_errors(body):
            best = _deepest(error)
            field = error_location(best)
            example = _example(best.instance, hiding)
            if best.validator == "required" and isinstance(best.instance, dict):
                missing = [name for name in best.validator_value if name not in best.instance]
                if best.absolute_path and missing:
                    field = f"{field}/{missing[0]}"
                example = "(missing)"
            message = _clip(hiding.text(str(best.message)), MAX_MESSAGE_CHARS)
            drifts.append(Drift(direction, field, str(best.validator), message, example, where))
        return drifts


@dataclass(frozen=True)
class _Plan:
    """What checking one operation's exchanges needs, worked out once per operation."""

    label: str
    request: SchemaCheck
    answer: SchemaCheck
    error_answer: SchemaCheck | None  # the spec's `default` answer, if documented
    model: Any  # the generated client's model of the answer
    otp_text: bool


class TrafficChecker:
    """Feed it HAR entries with `check(entry, where)`; read `report` at the end."""

    def __init__(self, base_urls: Iterable[str] = ()) -> None:
        import citcall_v3_client.models as models

        from citcall_contract.client.callback_reports import callback_kinds

        self.matcher = Matcher(base_urls)
        self.report = TrafficReport()
        self._models = models
        self._webhooks = callback_kinds()
        self._checks: dict[str, SchemaCheck] = {}
        self._plans: dict[str, _Plan] = {}
        self._otp_text = otp_text_operations()

    def _schema(self, ref: str) -> SchemaCheck:
        check = self._checks.get(ref)
        if check is None:
            check = self._checks[ref] = SchemaCheck(ref)
        return check

    def _plan(self, operation: spec.Operation) -> _Plan:
        plan = self._plans.get(operation.operation_id)
        if plan is None:
            answer_ref = operation.response_schema_ref()
            documented = "default" in operation.definition.get("responses", {})
            plan = self._plans[operation.operation_id] = _Plan(
                label=f"{operation.method.upper()} {operation.path}",
                request=self._schema(operation.request_schema_ref()),
                answer=self._schema(answer_ref),
                error_answer=(
                    self._schema(operation.response_schema_ref("default")) if documented else None
                ),
                model=getattr(self._models, answer_ref.rsplit("/", 1)[-1], None),
                otp_text=operation.operation_id in self._otp_text,
            )
        return plan

    def check(self, entry: Mapping[str, Any], where: str) -> None:
        request = har.part(entry, "request")
        if not request:
            self.report.skipped += 1
            return
        method = har.text(request.get("method")).upper()
        url = har.text(request.get("url"))
        note = har.part(entry, "_citcall")
        if "base_url" in note:
            self.matcher.add_recorded_base(note["base_url"])
        if har.marked_callback(entry, note):
            self._check_callback(request, url, where)
            return
        operation = self.matcher.operation(method, url)
        if operation is not None:
            response = har.part(entry, "response")
            self._check_operation(self._plan(operation), request, response, note, where)
            return
        if method == "POST" and self._check_unmatched_post(request, url, where):
            return
        self.report.skipped += 1
        self.matcher.note_skipped(url)

    # -- operations ------------------------------------------------------------------

    def _check_operation(
        self,
        plan: _Plan,
        request: dict[str, Any],
        response: dict[str, Any],
        note: dict[str, Any],
        where: str,
    ) -> None:
        report = self.report.operation(plan.label)
        headers = har.headers(request)
        drifts: list[Drift] = []
        if har.header(headers, "authorization") is None:
            drifts.append(
                Drift("request", "Authorization", "security", "no Authorization header", "-", where)
            )
        body, problem = har.decode(har.request_text(request))
        hiding = Hiding(headers, request_codes(body))
        if problem is not None:
            drifts.append(Drift("request", "(body)", "json", problem, "-", where))
        elif not plan.request.surely_valid(body):
            shown = redact_body(body, "request", plan.otp_text, hiding.codes)
            drifts += plan.request.drifts(shown, "request", where, hiding)
        answer, foreign = self._check_answer(plan, response, note.get("problem"), where, hiding)
        report.tally(drifts + answer, foreign)

    def _check_answer(
        self,
        plan: _Plan,
        response: dict[str, Any],
        problem: Any,
        where: str,
        hiding: Hiding,
    ) -> tuple[list[Drift], Drift | None]:
        """The answer's drifts, or why it is not the gateway's answer."""
        status = har.status(response)
        if problem is not None or status is None:
            reason = f"no usable answer: {problem}" if problem else "no answer recorded"
            return [], self._foreign(reason, "-", where, hiding)
        report = self.report.operation(plan.label)
        text = har.response_text(response)
        body, not_json = har.decode(text)
        if status != 200:
            # The spec's `default`: a gateway error has `rc`; a proxy's page or a redirect
            # is not the gateway's answer at all.
            if not_json is None and isinstance(body, dict) and "rc" in body and plan.error_answer:
                self._note_rc(body, report)
                return self._answer_drifts(plan.error_answer, plan, body, where, hiding), None
            kind = har.header(har.headers(response), "content-type") or "no content type"
            shape = "not JSON" if not_json is not None else "JSON without rc"
            reason = f"HTTP {status} ({kind.split(';')[0].strip()}): {shape}"
            return [], self._foreign(reason, _example(text or "", hiding), where, hiding)
        if not_json is not None:
            example = _example(text, hiding)
            return [Drift("response", "(body)", "json", not_json, example, where)], None
        drifts = self._answer_drifts(plan.answer, plan, body, where, hiding)
        if isinstance(body, dict):
            self._note_rc(body, report, drifts, where)
        drifts += self._parse_with_model(plan.model, body, "response", where, hiding)
        return drifts, None

    @staticmethod
    def _answer_drifts(
        check: SchemaCheck, plan: _Plan, body: Any, where: str, hiding: Hiding
    ) -> list[Drift]:
        if check.surely_valid(body):
            return []
        shown = redact_body(body, "response", plan.otp_text, hiding.codes)
        return check.drifts(shown, "response", where, hiding)

    @staticmethod
    def _foreign(reason: str, example: str, where: str, hiding: Hiding) -> Drift:
        message = _clip(hiding.text(reason), MAX_MESSAGE_CHARS)
        return Drift("response", "(answer)", NOT_GATEWAY, message, example, where)

    def _note_rc(
        self,
        body: Mapping[str, Any],
        report: OperationReport,
        drifts: list[Drift] | None = None,
        where: str = "",
    ) -> None:
        try:
            rc = codes.parse_rc(body.get("rc"))
        except ValueError:
            return  # the schema check names the field
        if not codes.describe_rc(rc).known:
            if rc in report.new_rcs or len(report.new_rcs) < MAX_NEW_RCS:
                report.new_rcs[rc] += 1
            if drifts is not None:
                message = f"rc {rc} is not in the spec's ResponseCode table"
                drifts.append(Drift("response", "rc", "ResponseCode", message, str(rc), where))

    @staticmethod
    def _parse_with_model(
        model: Any, body: Any, direction: str, where: str, hiding: Hiding
    ) -> list[Drift]:
        if model is None or not isinstance(body, dict):
            return []
        try:
            model.from_dict(body)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            message = _clip(hiding.text(f"{type(exc).__name__}: {exc}"), MAX_MESSAGE_CHARS)
            rule = f"{model.__name__}.from_dict"
            return [Drift(direction, "(body)", rule, message, "-", where)]
        return []

    # -- callbacks -------------------------------------------------------------------

    def _kind_for(self, url: str, body: Any) -> str | None:
        """The webhook a callback is: by the receiver's path, else the best-fitting schema
        (a body with `trxid` and another field of a webhook is one, even missing a
        required field: that is the drift to report)."""
        split = split_url(url)
        last = split[1].rsplit("/", 1)[-1] if split else ""
        for name in self._webhooks:
            if name.lower() == last:
                return name
        if not isinstance(body, dict) or "trxid" not in body:
            return None
        keys = set(body)
        fits = [name for name, kind in self._webhooks.items() if len(keys & kind.properties) >= 2]
        if not fits:
            return None
        return max(
            fits,
            key=lambda n: (
                len(self._webhooks[n].required & keys),
                -len(keys - self._webhooks[n].properties),
            ),
        )

    def _check_unmatched_post(self, request: dict[str, Any], url: str, where: str) -> bool:
        """A POST outside the API: checked as a callback when its body is a webhook's."""
        if self.matcher.relative_path(url) in self.matcher.api_paths:
            return False  # an API path with the wrong method: not a callback
        body, problem = har.decode(har.request_text(request))
        if problem is not None or self._kind_for(url, body) is None:
            return False
        self._check_callback(request, url, where)
        return True

    def _check_callback(self, request: dict[str, Any], url: str, where: str) -> None:
        body, problem = har.decode(har.request_text(request))
        kind = self._kind_for(url, body)
        report = self.report.operation(f"callback {kind or 'unknown'}")
        hiding = Hiding(har.headers(request))
        drifts: list[Drift] = []
        if problem is not None:
            drifts.append(Drift("callback", "(body)", "json", problem, "-", where))
        elif kind is None:
            message = "matches no webhook of the spec"
            drifts.append(Drift("callback", "(body)", "webhook", message, "-", where))
        else:
            check = self._schema(spec.webhooks()[kind].schema_ref)
            if not check.surely_valid(body):
                drifts += check.drifts(redact_body(body, "callback"), "callback", where, hiding)
            if isinstance(body, dict) and "rc" in body:
                self._note_rc(body, report, drifts, where)
            model = getattr(self._models, self._webhooks[kind].schema, None)
            drifts += self._parse_with_model(model, body, "callback", where, hiding)
        report.tally(drifts, None)
