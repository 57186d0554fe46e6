"""Recorded traffic held against the spec: which exchanges conform, and where the API drifted.

Each exchange (a HAR entry) is matched to its operation by URL: any of the spec's
`servers` or a base URL the user gives, repeated and trailing slashes ignored the way
the gateway ignores them. Its request and answer are validated with the spec's
validators and the answer is parsed with the generated client's models, as a client
would. Callbacks a receiver caught (entries marked `_callback`, or POSTs to a non-API
path whose body is a webhook's) are checked against the webhook schemas. Tallies are
bounded, so a file of any length is checked in constant memory.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from citcall_contract import spec
from citcall_contract.contract.traffic.redaction import (
    header_secrets,
    otp_text_operations,
    redact_body,
    redact_text,
)
from citcall_contract.spec import codes

#: Distinct drifts kept per operation; beyond that only counts grow.
MAX_DRIFTS = 200
#: Distinct unknown rc values kept per operation.
MAX_NEW_RCS = 100
MAX_EXAMPLE_CHARS = 120
_SLASHES = re.compile(r"/{2,}")


@dataclass
class Drift:
    """One way an operation's traffic broke the spec, with a (redacted) example."""

    direction: str  # request, response or callback
    field: str  # JSON pointer-ish path in the body, or a header name
    rule: str  # the schema keyword or check that failed
    message: str
    example: str
    where: str  # the first exchange that showed it
    count: int = 0


@dataclass
class OperationReport:
    exchanges: int = 0
    conforming: int = 0
    drifting: int = 0
    new_rcs: Counter[int] = field(default_factory=Counter)
    drifts: dict[tuple[str, str, str], Drift] = field(default_factory=dict)
    drifts_dropped: int = 0

    def add(self, drift: Drift) -> None:
        key = (drift.direction, drift.field, drift.rule)
        kept = self.drifts.get(key)
        if kept is None:
            if len(self.drifts) >= MAX_DRIFTS:
                self.drifts_dropped += 1
                return
            self.drifts[key] = kept = drift
        kept.count += 1


@dataclass
class TrafficReport:
    operations: dict[str, OperationReport] = field(default_factory=dict)
    skipped: int = 0  # exchanges that are not Citcall traffic
    files: list[str] = field(default_factory=list)

    def operation(self, label: str) -> OperationReport:
        return self.operations.setdefault(label, OperationReport())

    @property
    def exchanges(self) -> int:
        return sum(op.exchanges for op in self.operations.values())

    @property
    def ok(self) -> bool:
        return not any(op.drifting or op.new_rcs for op in self.operations.values())


def _normalise_path(path: str) -> str:
    collapsed = _SLASHES.sub("/", path)
    return collapsed.rstrip("/") or "/"


@dataclass(frozen=True)
class Base:
    scheme: str
    netloc: str
    path: str


def parse_base(url: str) -> Base:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"not an http(s) base URL: {url!r}")
    path = _normalise_path(parts.path)
    return Base(parts.scheme, parts.netloc.lower(), "" if path == "/" else path)


class Matcher:
    """URL -> the spec's operation, for the spec's servers and the given base URLs."""

    def __init__(self, base_urls: Iterable[str] = ()) -> None:
        self.bases = [parse_base(url) for url in (*base_urls, *spec.servers())]
        self.by_path = {(op.path, op.method.upper()): op for op in spec.operations().values()}
        self.api_paths = {op.path for op in spec.operations().values()}

    def operation(self, method: str, url: str) -> spec.Operation | None:
        relative = self.relative_path(url)
        if relative is None:
            return None
        return self.by_path.get((relative, method.upper()))

    def relative_path(self, url: str) -> str | None:
        """The path under a known base (normalised), or None when no base serves `url`."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        path = _normalise_path(parts.path)
        netloc = parts.netloc.lower()
        for base in self.bases:
            if netloc != base.netloc or parts.scheme != base.scheme:
                continue
            if path == base.path or path.startswith(base.path + "/"):
                return path[len(base.path) :] or "/"
        return None


def _headers(message: Mapping[str, Any]) -> list[tuple[str, str]]:
    found = []
    for header in message.get("headers") or ():
        if isinstance(header, Mapping):
            found.append((str(header.get("name", "")), str(header.get("value", ""))))
    return found


def _request_text(entry: Mapping[str, Any]) -> str | None:
    post = (entry.get("request") or {}).get("postData")
    if isinstance(post, Mapping) and isinstance(post.get("text"), str):
        return str(post["text"])
    return None


def _response_text(entry: Mapping[str, Any]) -> str | None:
    content = (entry.get("response") or {}).get("content")
    if not isinstance(content, Mapping) or not isinstance(content.get("text"), str):
        return None
    text = str(content["text"])
    if content.get("encoding") == "base64":
        import base64
        import binascii

        try:
            return base64.b64decode(text).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
    return text


def _decode(text: str | None) -> tuple[Any, str | None]:
    """(JSON value, None) or (None, why it is not JSON)."""
    if text is None:
        return None, "no body recorded"
    try:
        return json.loads(text), None
    except ValueError:
        return None, "body is not JSON"
    except RecursionError:
        return None, "body nested too deeply"


def _pointer(path: Iterable[Any]) -> str:
    return "/".join(str(part) for part in path) or "(body)"


def _example(value: Any, secrets: list[str]) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    text = redact_text(text, secrets)
    return text if len(text) <= MAX_EXAMPLE_CHARS else text[: MAX_EXAMPLE_CHARS - 3] + "..."


def _deepest(error: Any) -> Any:
    """The error that names the field: a wrapper (`anyOf`, `then`...) gives way to a reason
    deeper in the body; an `anyOf` whose branches all fail at its own place stays."""
    while error.context:
        deeper = [e for e in error.context if len(e.absolute_path) > len(error.absolute_path)]
        if not deeper and error.validator in {"anyOf", "oneOf"}:
            return error
        error = min(error.context, key=lambda e: (-len(e.absolute_path), str(e.validator)))
    return error


def _schema_drifts(
    validator: Any, body: Any, direction: str, where: str, secrets: list[str]
) -> list[Drift]:
    drifts = []
    for error in validator.iter_errors(body):
        best = _deepest(error)
        path = list(best.absolute_path)
        example = _example(best.instance, secrets)
        if best.validator == "required" and isinstance(best.instance, dict):
            missing = [name for name in best.validator_value if name not in best.instance]
            path += missing[:1]
            example = "(missing)"
        message = redact_text(str(best.message), secrets)
        if len(message) > 200:
            message = message[:197] + "..."
        drifts.append(
            Drift(direction, _pointer(path), str(best.validator), message, example, where)
        )
    return drifts


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

    def drifts(self, body: Any, direction: str, where: str, secrets: list[str]) -> list[Drift]:
        if self.surely_valid(body):
            return []
        return _schema_drifts(self.validator, body, direction, where, secrets)


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

    def _schema(self, ref: str) -> SchemaCheck:
        check = self._checks.get(ref)
        if check is None:
            check = self._checks[ref] = SchemaCheck(ref)
        return check

    def check(self, entry: Mapping[str, Any], where: str) -> None:
        request = entry.get("request")
        if not isinstance(request, Mapping):
            self.report.skipped += 1
            return
        method = str(request.get("method", "")).upper()
        url = str(request.get("url", ""))
        headers = _headers(request)
        secrets = header_secrets(headers)
        if self._is_marked_callback(entry):
            self._check_callback(entry, url, where, secrets)
            return
        operation = self.matcher.operation(method, url)
        if operation is not None:
            self._check_operation(operation, entry, headers, where, secrets)
            return
        if method == "POST" and self._check_unmatched_post(entry, url, where, secrets):
            return
        self.report.skipped += 1

    # -- operations ------------------------------------------------------------------

    def _check_operation(
        self,
        operation: spec.Operation,
        entry: Mapping[str, Any],
        headers: list[tuple[str, str]],
        where: str,
        secrets: list[str],
    ) -> None:
        label = f"{operation.method.upper()} {operation.path}"
        report = self.report.operation(label)
        report.exchanges += 1
        otp_text = operation.operation_id in otp_text_operations()
        drifts: list[Drift] = []
        if not any(name.lower() == "authorization" for name, _ in headers):
            drifts.append(
                Drift("request", "Authorization", "security", "no Authorization header", "-", where)
            )
        body, problem = _decode(_request_text(entry))
        if problem is not None:
            drifts.append(Drift("request", "(body)", "json", problem, "-", where))
        else:
            body = redact_body(body, "request", otp_text)
            check = self._schema(operation.request_schema_ref())
            drifts += check.drifts(body, "request", where, secrets)
        drifts += self._check_answer(operation, entry, where, secrets, otp_text, report)
        for drift in drifts:
            report.add(drift)
        if drifts:
            report.drifting += 1
        else:
            report.conforming += 1

    def _check_answer(
        self,
        operation: spec.Operation,
        entry: Mapping[str, Any],
        where: str,
        secrets: list[str],
        otp_text: bool,
        report: OperationReport,
    ) -> list[Drift]:
        response = entry.get("response")
        status = response.get("status") if isinstance(response, Mapping) else None
        if not isinstance(status, int) or status <= 0:
            citcall = entry.get("_citcall")
            problem = citcall.get("problem") if isinstance(citcall, Mapping) else None
            message = f"no usable answer: {problem}" if problem else "no answer recorded"
            message = redact_text(str(message), secrets)
            return [Drift("response", "(status)", "answer", message, "-", where)]
        text = _response_text(entry)
        if status != 200:
            # The spec's `default`: from a proxy or maintenance page; JSON then has `rc`.
            body, problem = _decode(text)
            documented = "default" in operation.definition.get("responses", {})
            if problem is None and isinstance(body, dict) and "rc" in body and documented:
                self._note_rc(body, report)
                check = self._schema(operation.response_schema_ref("default"))
                return check.drifts(body, "response", where, secrets)
            return []
        body, problem = _decode(text)
        if problem is not None:
            return [Drift("response", "(body)", "json", problem, _example(text, secrets), where)]
        body = redact_body(body, "response", otp_text)
        drifts = self._schema(operation.response_schema_ref()).drifts(
            body, "response", where, secrets
        )
        if isinstance(body, dict):
            self._note_rc(body, report, drifts, where)
        model_name = operation.response_schema_ref().rsplit("/", 1)[-1]
        drifts += self._parse_with_model(model_name, body, "response", where, secrets)
        return drifts

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

    def _parse_with_model(
        self, model_name: str, body: Any, direction: str, where: str, secrets: list[str]
    ) -> list[Drift]:
        model = getattr(self._models, model_name, None)
        if model is None or not isinstance(body, dict):
            return []
        try:
            model.from_dict(body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            message = redact_text(f"{type(exc).__name__}: {exc}", secrets)
            return [Drift(direction, "(body)", f"{model_name}.from_dict", message, "-", where)]
        return []

    # -- callbacks -------------------------------------------------------------------

    @staticmethod
    def _is_marked_callback(entry: Mapping[str, Any]) -> bool:
        marker = entry.get("_callback")
        citcall = entry.get("_citcall")
        return marker is True or (isinstance(citcall, Mapping) and citcall.get("callback") is True)

    def _kind_for(self, url: str, body: Any) -> str | None:
        """The webhook a callback is: by the receiver's path, else the best-fitting schema."""
        last = _normalise_path(urlsplit(url).path).rsplit("/", 1)[-1]
        if last in self._webhooks:
            return last
        if not isinstance(body, dict):
            return None
        fits = [name for name, kind in self._webhooks.items() if kind.required <= set(body)]
        if not fits:
            return None
        return min(fits, key=lambda n: len(set(body) - self._webhooks[n].properties))

    def _check_unmatched_post(
        self, entry: Mapping[str, Any], url: str, where: str, secrets: list[str]
    ) -> bool:
        """A POST outside the API: checked as a callback when its body is a webhook's."""
        if self.matcher.relative_path(url) in self.matcher.api_paths:
            return False  # an API path with the wrong method: not a callback
        body, problem = _decode(_request_text(entry))
        if problem is not None or self._kind_for(url, body) is None:
            return False
        self._check_callback(entry, url, where, secrets)
        return True

    def _check_callback(
        self, entry: Mapping[str, Any], url: str, where: str, secrets: list[str]
    ) -> None:
        body, problem = _decode(_request_text(entry))
        kind = self._kind_for(url, body)
        label = f"callback {kind or 'unknown'}"
        report = self.report.operation(label)
        report.exchanges += 1
        drifts: list[Drift] = []
        if problem is not None:
            drifts.append(Drift("callback", "(body)", "json", problem, "-", where))
        elif kind is None:
            message = "matches no webhook of the spec"
            drifts.append(Drift("callback", "(body)", "webhook", message, "-", where))
        else:
            body = redact_body(body, "callback")
            hook = self._webhooks[kind]
            ref = spec.webhooks()[kind].schema_ref
            drifts += self._schema(ref).drifts(body, "callback", where, secrets)
            if isinstance(body, dict) and "rc" in body:
                self._note_rc(body, report, drifts, where)
            drifts += self._parse_with_model(hook.schema, body, "callback", where, secrets)
        for drift in drifts:
            report.add(drift)
        if drifts:
            report.drifting += 1
        else:
            report.conforming += 1
