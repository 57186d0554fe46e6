"""Drive schemathesis' engine over the spec against one server and tally the outcome.

The target is either an ASGI app called in-process or a base URL reached over HTTP. Every
default check stays on except the five that judge by HTTP status (see `checks`); their
rc-based stand-ins and the added checks run instead. Generated requests that carry a
`callback_url` have it pointed at a loopback receiver, whose catch is validated at the end.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from citcall_contract import spec
from citcall_contract.contract.verify.callback_sink import (
    CallbackReceiver,
    CaughtCallback,
    callback_kinds,
)
from citcall_contract.contract.verify.checks import (
    REPLACED_CHECKS,
    bind_credentials,
    response_rc,
)
from citcall_contract.contract.verify.otp_flow import run_round_trips
from citcall_contract.contract.verify.relay import Limits, Relay, ServedApp
from citcall_contract.contract.verify.results import (
    CALLBACK_TIMEOUT,
    DEFAULT_MAX_EXAMPLES,
    CheckFailure,
    Progress,
    RunResult,
    Settings,
    Target,
)
from citcall_contract.core.authorization import Credentials
from citcall_contract.spec import codes

CALLBACK_CHECK = "callback_conformance"
#: Allocations between two collections of the youngest generation during a run (the
#: interpreter's default is 700).
YOUNG_OBJECTS = 50_000


def build_config(target: Target, settings: Settings) -> Any:
    from schemathesis.config import SchemathesisConfig

    data: dict[str, Any] = {
        "base-url": target.base_url,
        "headers": {"Authorization": target.credentials.apikey_header()},
        # No example database: a run leaves no `.hypothesis/` behind in the user's directory.
        "generation": {"max-examples": settings.max_examples, "mode": "all", "database": "none"},
        "checks": {name: {"enabled": False} for name in REPLACED_CHECKS},
        "workers": settings.workers,
        # Keep testing an operation after its first failure, so every broken check shows.
        "continue-on-failure": True,
        # Traffic goes to the target only: never follow a redirect elsewhere.
        "max-redirects": 0,
        # Through the relay, the relay answers first (within `request_timeout`) and this is a
        # backstop; without one (in-process, or a bounded server) this is the limit.
        "request-timeout": settings.request_timeout + (5 if _relayed(target) else 0),
    }
    if settings.seed is not None:
        data["seed"] = settings.seed
    return SchemathesisConfig.from_dict(data)


def load_schema(target: Target, settings: Settings) -> Any:
    """The spec as a schemathesis schema bound to `target` (custom checks registered)."""
    import schemathesis

    import citcall_contract.contract.verify.checks  # noqa: F401 - registers the custom checks

    schema = schemathesis.openapi.from_path(spec.spec_path(), config=build_config(target, settings))
    if target.app is not None:
        schema.app = target.app
    bind_credentials(schema, target.credentials)
    return schema


def _point_callbacks_at(schema: Any, receiver: CallbackReceiver) -> None:
    """Rewrite a valid `callback_url` of positive cases to the receiver's path for its kind."""
    kinds = callback_kinds()
    url_validator = spec.schema_validator("CallbackUrl")

    def map_case(context: Any, case: Any) -> Any:
        meta = case.meta
        if meta is not None and meta.generation.mode.is_negative:
            return case
        operation = spec.operation_for_path(case.operation.path, case.operation.method.lower())
        body = case.body
        if operation is None or not isinstance(body, dict) or "callback_url" not in body:
            return case
        kind = kinds.get(operation.operation_id)
        if kind is not None and url_validator.is_valid(body["callback_url"]):
            case.body = {**body, "callback_url": receiver.url_for(kind)}
        return case

    schema.hook(map_case)


def _relayed(target: Target) -> bool:
    """Whether the run reaches `target` through the bounding relay (any server over HTTP
    that does not bound its own answers)."""
    return target.app is None and not target.bounded


@contextlib.contextmanager
def _bounded(
    target: Target, settings: Settings, started: float
) -> Iterator[tuple[Target, Relay | None]]:
    """Over HTTP, the target as seen through a relay that caps answers in size and time."""
    if not _relayed(target):
        yield target, None
        return
    deadline = None if settings.max_time is None else started + settings.max_time
    limits = Limits(
        max_response_bytes=settings.max_response_bytes,
        timeout=settings.request_timeout,
        deadline=deadline,
    )
    relay = Relay(target.base_url, limits)
    with ServedApp(relay) as served:
        yield dataclasses.replace(target, base_url=served.base_url), relay


def run(
    target: Target,
    settings: Settings | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> RunResult:
    """Run the contract suite against `target` and return the tallies.

    Over HTTP every request goes through a loopback relay (unless `target.bounded`): an
    answer larger than `settings.max_response_bytes` or slower than
    `settings.request_timeout` is cut off and reported as an error, and after
    `settings.max_time` nothing more is sent.
    """
    from schemathesis.engine import events, from_schema

    settings = settings or Settings()
    result = RunResult()
    started = time.monotonic()
    is_local = target.is_local
    unreachable = None if target.app is not None else _unreachable(target, settings)
    if unreachable is not None:
        result.errors.append(f"cannot reach {target.base_url}: {unreachable}")
        result.elapsed = time.monotonic() - started
        return result
    expected: dict[str, str] = {}  # trxid -> operation label, for callbacks we asked for
    with (
        contextlib.ExitStack() as stack,
        CallbackReceiver() as receiver,
        _bounded(target, settings, started) as (sent_to, relay),
    ):
        schema = load_schema(sent_to, settings)
        _point_callbacks_at(schema, receiver)
        stack.enter_context(_fewer_collections())
        stream = from_schema(schema).execute()
        # schemathesis' own `max-time` turns a run into repeated cycles until the time is
        # up; the run's deadline is a stop signal instead (the relay refuses late requests).
        timer = _stop_at_deadline(stream, settings.max_time)
        for event in stream:
            if isinstance(event, events.ScenarioFinished):
                _tally(event, result, receiver, expected)
                if on_progress is not None:
                    failed = any(
                        n.failure_info for ns in event.recorder.checks.values() for n in ns
                    )
                    cases = len(event.recorder.cases)
                    on_progress(Progress(event.phase.value, event.recorder.label, cases, failed))
            elif isinstance(event, events.NonFatalError):
                result.errors.append(f"{event.label}: {event.info.title}: {event.info.message}")
            elif isinstance(event, events.FatalError):
                result.errors.append(f"fatal: {event.exception}")
        if timer is not None:
            timer.cancel()
        caught = receiver.wait_for(
            set(expected) if is_local else set(), timeout=settings.callback_timeout
        )
        _tally_callbacks(caught, expected, is_local, result)
        run_round_trips(sent_to, result, settings.request_timeout)
        if relay is not None:
            _tally_relay(relay, result)
    if settings.max_time is not None and time.monotonic() - started > settings.max_time:
        result.errors.append(f"the run took longer than --max-time {settings.max_time:g} s")
    result.elapsed = time.monotonic() - started
    return result


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Cheaper garbage collection while cases are generated, restored afterwards.

    Each generated case allocates thousands of short-lived objects, so the collector runs
    every few hundred allocations, and its passes walk everything loaded (schemathesis,
    hypothesis, the spec): a tenth of a run. Freezing what is loaded keeps it out of the
    passes, and a larger first generation makes them rarer.
    """
    thresholds = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0  # (someone else's frozen objects are theirs to thaw)
    if freeze:
        gc.freeze()
    gc.set_threshold(max(thresholds[0], YOUNG_OBJECTS), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if freeze:
            gc.unfreeze()


def _unreachable(target: Target, settings: Settings) -> str | None:
    """Why no TCP connection to the target opens (None when one does): fail fast, once."""
    parts = urlsplit(target.base_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), settings.request_timeout):
            return None
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def _stop_at_deadline(stream: Any, max_time: float | None) -> threading.Timer | None:
    if max_time is None:
        return None
    timer = threading.Timer(max_time, stream.stop)
    timer.daemon = True
    timer.start()
    return timer


def _tally_relay(relay: Relay, result: RunResult) -> None:
    """Answers the relay had to cut off (too big, too slow) fail the run, once per kind."""
    result.requests = relay.count
    for problem in relay.problems:
        result.errors.append(f"server: {problem}")
    hidden = relay.problem_count - len(relay.problems)
    if hidden > 0:
        result.errors.append(f"server: {hidden} more answers cut off")


def _tally(
    event: Any, result: RunResult, receiver: CallbackReceiver, expected: dict[str, str]
) -> None:
    recorder = event.recorder
    for case_id, node in recorder.cases.items():
        case = node.value
        label = case.operation.label
        result.cases[label] += 1
        interaction = recorder.interactions.get(case_id)
        response = interaction.response if interaction is not None else None
        if response is None:
            continue
        rc = _recorded_rc(response)
        if rc is not None and not codes.describe_rc(rc).known:
            result.new_codes[label].add(rc)
        body = case.body if isinstance(case.body, dict) else {}
        url = body.get("callback_url")
        if isinstance(url, str) and url.startswith(receiver.base_url) and rc is not None:
            trxid = _recorded_json(response).get("trxid")
            if codes.is_success(rc) and isinstance(trxid, str):
                expected[trxid] = label
    for case_id, nodes in recorder.checks.items():
        label = recorder.cases[case_id].value.operation.label
        for check in nodes:
            message = check.failure_info.failure.message if check.failure_info else None
            title = check.failure_info.failure.title if check.failure_info else None
            result.add(label, check.name, f"{title}: {message}" if check.failure_info else None)


def _recorded_json(response: Any) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _recorded_rc(response: Any) -> int | None:
    data = _recorded_json(response)
    try:
        return codes.parse_rc(data["rc"]) if "rc" in data else None
    except ValueError:
        return None


def _tally_callbacks(
    caught: list[CaughtCallback], expected: dict[str, str], required: bool, result: RunResult
) -> None:
    result.callbacks_caught = len(caught)
    for callback in caught:
        label = expected.get(callback.trxid or "", f"callback {callback.kind}")
        result.add(
            label, CALLBACK_CHECK, callback.problem and f"{callback.kind}: {callback.problem}"
        )
    if required:
        arrived = {c.trxid for c in caught}
        for trxid, label in expected.items():
            if trxid not in arrived:
                result.add(label, CALLBACK_CHECK, f"no callback arrived for trxid {trxid}")


__all__ = [
    "CALLBACK_TIMEOUT",
    "DEFAULT_MAX_EXAMPLES",
    "CheckFailure",
    "Credentials",
    "Progress",
    "RunResult",
    "Settings",
    "Target",
    "response_rc",
    "run",
]
