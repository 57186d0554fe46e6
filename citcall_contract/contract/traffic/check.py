"""Recorded traffic held against the spec: which exchanges conform, and where the API drifted.

Each exchange (a HAR entry) is matched to its operation by URL (`matching`: the spec's
servers, the user's base URLs and the one a recording names). Its request and answer
are validated with the spec's validators (`schema_check`) and the answer is parsed with
the generated client's models, as a client would. An answer that is not the gateway's
(a non-JSON error page, a redirect, a dropped connection) is counted apart: neither
drift nor a pass. Callbacks a receiver caught (entries marked `_callback`, or POSTs to
a non-API path whose body looks like a webhook's) are checked against the webhook
schemas. Tallies are bounded (`tally`), so a file of any length is checked in constant
memory; the common case (a conforming exchange) takes the shortest path.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from citcall_contract import spec
from citcall_contract.contract.traffic import har
from citcall_contract.contract.traffic.matching import Matcher, split_url
from citcall_contract.contract.traffic.redaction import (
    Hiding,
    header_secrets,
    otp_text_operations,
    redact_body,
    request_codes,
)
from citcall_contract.contract.traffic.schema_check import SchemaCheck, clip, example
from citcall_contract.contract.traffic.tally import (
    NOT_GATEWAY,
    Drift,
    OperationReport,
    TrafficReport,
)
from citcall_contract.spec import codes

#: JSON scalar types: a body of only these parses by its shape (`_parse_with_model`).
_SCALARS = frozenset({str, int, float, bool, type(None)})
#: Distinct raw rc values whose reading is remembered.
MAX_KNOWN_RCS = 1024
#: Distinct receiver URLs whose webhook (by path) is remembered.
MAX_KNOWN_URLS = 1024
#: Body shapes remembered as parsing (per model, fields and their types).
MAX_SHAPES = 1024
_NO_NOTE: dict[str, Any] = {}
_NO_AUTHORIZATION = ("request", "Authorization", "security", "no Authorization header", "-")


def _has_authorization(request: dict[str, Any]) -> bool:
    headers = request.get("headers")
    if type(headers) is not list:
        return False
    for header in headers:
        if type(header) is dict:
            name = header.get("name")
            if type(name) is str and name.lower() == "authorization":
                return True
    return False


class _RequestHiding(Hiding):
    """What to hide for one exchange, read from its request only if something is shown."""

    def __init__(self, request: dict[str, Any], text: str | None) -> None:
        self._request = request
        self._text = text

    @functools.cached_property
    def secrets(self) -> list[str]:
        return header_secrets(har.headers(self._request))

    @functools.cached_property
    def codes(self) -> tuple[str, ...]:
        return request_codes(har.decode(self._text)[0])


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

        self.matcher = Matcher(base_urls)
        self.report = TrafficReport()
        self._models = models
        self._checks: dict[str, SchemaCheck] = {}
        #: Each webhook's name and payload schema, the ones a callback is checked against.
        self._webhooks = {
            name: self._schema(hook.schema_ref) for name, hook in spec.webhooks().items()
        }
        self._plans: dict[str, _Plan] = {}
        self._otp_text = otp_text_operations()
        self._known_rcs: dict[tuple[type, object], int | None] = {}
        self._kinds_by_url: dict[str, str | None] = {}
        self._parsed_shapes: set[tuple[Any, tuple[str, ...], tuple[type, ...]]] = set()

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

    def warm(self) -> None:
        """Work out every operation's and webhook's checks now (validators compiled), so
        copies of this checker (`parallel`) start ready."""
        for operation in spec.operations().values():
            plan = self._plan(operation)
            for check in (plan.request, plan.answer, plan.error_answer):
                if check is not None:
                    check.surely_valid({})
        for check in self._webhooks.values():
            check.surely_valid({})

    def afresh(self, scale: int = 1) -> None:
        """Empty tallies (checks and caches kept) to check a part of the traffic, keeping
        `scale` times more distinct drifts."""
        self.report = TrafficReport(scale=scale)
        self.matcher.suggestions.clear()

    def check(self, entry: Mapping[str, Any], where: str) -> None:
        request = entry.get("request")
        if type(request) is not dict or not request:
            self.report.skipped += 1
            return
        method = request.get("method")
        method = method.upper() if type(method) is str else ""
        url = request.get("url")
        url = url if type(url) is str else ""
        note = entry.get("_citcall")
        if type(note) is not dict:
            note = _NO_NOTE
        if entry.get("_callback") is True or note.get("callback") is True:
            self._check_callback(request, url, where)
            return
        base = note.get("base_url")
        operation = self.matcher.operation(method, url, base)
        if operation is not None:
            plan = self._plans.get(operation.operation_id) or self._plan(operation)
            response = entry.get("response")
            if type(response) is not dict:
                response = _NO_NOTE
            self._check_operation(plan, request, response, note, where)
            return
        if method == "POST" and self._check_unmatched_post(request, url, base, where):
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
        report = self.report.operations.get(plan.label) or self.report.operation(plan.label)
        drifts: list[Drift] = []
        if not _has_authorization(request):
            drifts.append(Drift(*_NO_AUTHORIZATION, where))
        post = request.get("postData")
        text = post.get("text") if type(post) is dict else None
        if type(text) is not str:
            text = None
        hiding = _RequestHiding(request, text)
        if text is None or text not in plan.request.conforming:
            body, problem = har.decode(text)
            if problem is not None:
                drifts.append(Drift("request", "(body)", "json", problem, "-", where))
            elif plan.request.surely_valid(body):
                plan.request.remember(text)  # type: ignore[arg-type]  # decoded: a str
            else:
                shown = redact_body(body, "request", plan.otp_text, hiding.codes)
                drifts += plan.request.drifts(shown, "request", where, hiding)
        problem = note.get("problem") if note else None
        answer, foreign = self._check_answer(plan, report, response, problem, where, hiding)
        if drifts or answer or foreign:
            report.tally(drifts + answer, foreign)
        else:
            report.exchanges += 1
            report.conforming += 1

    def _check_answer(
        self,
        plan: _Plan,
        report: OperationReport,
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
        text = har.response_text(response)
        if status == 200 and text is not None and text in plan.answer.conforming:
            return [], None
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
            return [], self._foreign(reason, example(text or "", hiding), where, hiding)
        if not_json is not None:
            shown = example(text, hiding)
            return [Drift("response", "(body)", "json", not_json, shown, where)], None
        drifts = self._answer_drifts(plan.answer, plan, body, where, hiding)
        if isinstance(body, dict):
            self._note_rc(body, report, drifts, where)
        drifts += self._parse_with_model(
            plan.model, body, "response", where, hiding, valid=not drifts
        )
        if not drifts:
            plan.answer.remember(text)  # type: ignore[arg-type]  # decoded: a str
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
    def _foreign(reason: str, shown: str, where: str, hiding: Hiding) -> Drift:
        return Drift("response", "(answer)", NOT_GATEWAY, clip(hiding.text(reason)), shown, where)

    def _rc(self, raw: object) -> int | None:
        """The rc as a number when the spec does not list it, else None (also for an rc
        that is not one: the schema check names that)."""
        if not isinstance(raw, int | str):
            return None
        key = (type(raw), raw)
        if key not in self._known_rcs:
            try:
                rc = codes.parse_rc(raw)
            except ValueError:
                self._known_rcs[key] = None
            else:
                self._known_rcs[key] = None if codes.describe_rc(rc).known else rc
            if len(self._known_rcs) > MAX_KNOWN_RCS:
                self._known_rcs.clear()
                return self._rc(raw)
        return self._known_rcs[key]

    def _note_rc(
        self,
        body: Mapping[str, Any],
        report: OperationReport,
        drifts: list[Drift] | None = None,
        where: str = "",
    ) -> None:
        rc = self._rc(body.get("rc"))
        if rc is None:
            return
        report.note_new_rc(rc)
        if drifts is not None:
            message = f"rc {rc} is not in the spec's ResponseCode table"
            drifts.append(Drift("response", "rc", "ResponseCode", message, str(rc), where))

    def _parse_with_model(
        self, model: Any, body: Any, direction: str, where: str, hiding: Hiding, valid: bool
    ) -> list[Drift]:
        """The body parsed by the generated client's model, as a client parses it.

        A schema-`valid` body whose values are all scalars parses by its shape (which
        fields, of which JSON types: the models branch on nothing else once the schema
        holds), so each shape is parsed once.
        """
        if model is None or not isinstance(body, dict):
            return []
        shape = (model, tuple(body), tuple(map(type, body.values())))
        if valid and shape in self._parsed_shapes:
            return []
        try:
            model.from_dict(body)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            message = clip(hiding.text(f"{type(exc).__name__}: {exc}"))
            rule = f"{model.__name__}.from_dict"
            return [Drift(direction, "(body)", rule, message, "-", where)]
        if valid and _SCALARS.issuperset(shape[2]) and len(self._parsed_shapes) < MAX_SHAPES:
            self._parsed_shapes.add(shape)
        return []

    # -- callbacks -------------------------------------------------------------------

    def _kind_by_path(self, url: str) -> str | None:
        """The webhook a receiver's URL names in its last path segment (remembered)."""
        if url not in self._kinds_by_url:
            split = split_url(url)
            last = split[1].rsplit("/", 1)[-1] if split else ""
            named = next((name for name in self._webhooks if name.lower() == last), None)
            if len(self._kinds_by_url) >= MAX_KNOWN_URLS:
                self._kinds_by_url.clear()
            self._kinds_by_url[url] = named
        return self._kinds_by_url[url]

    def _kind_for(self, url: str, body: Any) -> str | None:
        """The webhook a callback is: by the receiver's path, else the best-fitting schema
        (a body with `trxid` and another field of a webhook is one, even missing a
        required field: that is the drift to report)."""
        named = self._kind_by_path(url)
        if named is not None:
            return named
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

    def _check_unmatched_post(
        self, request: dict[str, Any], url: str, base: object, where: str
    ) -> bool:
        """A POST outside the API: checked as a callback when its body is a webhook's."""
        if self.matcher.relative_path(url, base) in self.matcher.api_paths:
            return False  # an API path with the wrong method: not a callback
        body, problem = har.decode(har.request_text(request))
        if problem is not None or self._kind_for(url, body) is None:
            return False
        self._check_callback(request, url, where)
        return True

    def _check_callback(self, request: dict[str, Any], url: str, where: str) -> None:
        text = har.request_text(request)
        named = self._kind_by_path(url)
        if named is not None and text is not None and text in self._webhooks[named].conforming:
            report = self.report.operation(f"callback {named}")
            report.exchanges += 1
            report.conforming += 1
            return
        body, problem = har.decode(text)
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
            check = self._webhooks[kind]
            if not check.surely_valid(body):
                drifts += check.drifts(redact_body(body, "callback"), "callback", where, hiding)
            if isinstance(body, dict) and "rc" in body:
                self._note_rc(body, report, drifts, where)
            model = getattr(self._models, check.ref.rsplit("/", 1)[-1], None)
            drifts += self._parse_with_model(
                model, body, "callback", where, hiding, valid=not drifts
            )
            if not drifts and kind == named and text is not None:
                check.remember(text)
        report.tally(drifts, None)
