"""`verify-receiver`: the conformance suite for an integrator's callback receiver.

The gateway posts callbacks in every form the spec allows (rc `0` or `"00"`, price and
dial code as strings or numbers, msisdn with or without `+`, only some fields), retries
them, and anyone can post anything to an unsigned endpoint. For each webhook kind the
suite delivers the valid forms (`callback_payloads.valid_variants`), generated valid
payloads, one payload twice, and hostile bodies, through `citcall_contract.core.delivery` (a
loopback URL or an in-process ASGI/WSGI app), and judges every answer by the rules:

- no answer is a 5xx, none takes longer than the timeout or drops the connection;
- a valid payload of a transaction the receiver knows (trxids given by the user, or made
  by a hook) gets a 2xx, duplicates included.

Nothing here imports the sandbox: the suite judges any receiver.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from citcall_contract.client.callback_reports import callback_kinds, kind_alias, resolve_kind
from citcall_contract.contract.receivers import payloads
from citcall_contract.core import delivery
from citcall_contract.core.authorization import basic_credentials
from citcall_contract.core.printable import printable, printable_bytes
from citcall_contract.core.redact import hide

#: Columns of the table, in order.
CHECKS = ("forms", "generated", "duplicate", "hostile")
DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_EXAMPLES = 20
#: After this many deliveries without an answer the rest are not sent (bounded run time).
DEFAULT_MAX_TIMEOUTS = 3
#: Seconds a whole run may take; the deliveries left after it are not sent (and fail).
DEFAULT_RUN_LIMIT = 600.0
#: Bytes of a receiver's answer kept for the report.
ANSWER_BYTES = 2048
#: Characters of a payload shown in a report; valid payloads are far smaller.
SHOWN_PAYLOAD = 4000

#: Start of the made-up trxids of valid deliveries when the user names none (digits only).
UNKNOWN_TRXID_PREFIX = "99000000000000000000"
#: Makes a transaction the receiver knows for a kind and returns its trxid.
TrxidHook = Callable[[str], str]


@dataclass(frozen=True)
class SuiteSettings:
    """What to deliver and how strictly; see `run_suite`."""

    kinds: tuple[str, ...] = ()
    max_examples: int = DEFAULT_MAX_EXAMPLES
    timeout: float = DEFAULT_TIMEOUT
    #: kind -> trxids the receiver knows; the key "*" applies to every kind.
    trxids: Mapping[str, Sequence[str]] = field(default_factory=dict)
    make_trxid: TrxidHook | None = None
    allow_hosts: tuple[str, ...] = ()
    seed: int | None = None
    max_timeouts: int = DEFAULT_MAX_TIMEOUTS
    run_limit: float = DEFAULT_RUN_LIMIT
    #: Path per kind for an in-process app (or appended to a URL); "{kind}" in a URL also works.
    paths: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """One delivery of the suite."""

    kind: str
    check: str
    name: str
    body: bytes = field(repr=False)  # up to 1 MB; `describe_failure` shows it
    content_type: str
    #: True when the payload is valid and its trxid known: the answer must be a 2xx.
    expect_2xx: bool


@dataclass(frozen=True)
class Outcome:
    """A case and how the receiver answered it; `problem` is None when it passed."""

    case: Case
    answer: delivery.DeliveryResult | None
    problem: str | None
    #: The start of the answer's body as reports show it (secrets hidden, escaped).
    shown_answer: str = ""

    @property
    def passed(self) -> bool:
        return self.problem is None


@dataclass
class SuiteResult:
    """Every outcome of a run, and the verdict."""

    target: str
    outcomes: list[Outcome] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.outcomes) and all(o.passed for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]

    def kinds(self) -> list[str]:
        return list(dict.fromkeys(o.case.kind for o in self.outcomes))

    def cell(self, kind: str, check: str) -> tuple[int, int]:
        """(passed, total) for one kind and check."""
        found = [o for o in self.outcomes if o.case.kind == kind and o.case.check == check]
        return sum(o.passed for o in found), len(found)

    def failing_payloads(self) -> list[str]:
        """The names of failing cases, `kind / check / name`, for assertions and reports."""
        return [f"{o.case.kind} / {o.case.check} / {o.case.name}" for o in self.failures]

    def table(self) -> str:
        return summary_table(self)

    def report(self) -> str:
        """The table and every failure with its payload (what `verify-receiver` prints)."""
        lines = [self.table()]
        lines += [describe_failure(o) for o in self.failures]
        return "\n".join(lines)


# --- building the cases ---


class _Trxids:
    """Trxids for valid deliveries: the user's (cycled), the hook's, or unique made-up ones.

    Made-up trxids differ per delivery, so only the duplicate check repeats one.
    """

    def __init__(self, settings: SuiteSettings) -> None:
        self._hook = settings.make_trxid
        self._cycles: dict[str, Iterator[str]] = {}
        self._counter = itertools.count(1)
        for kind in callback_kinds():
            given = [*settings.trxids.get(kind, ()), *settings.trxids.get("*", ())]
            if given:
                self._cycles[kind] = itertools.cycle(given)

    def next(self, kind: str) -> tuple[str, bool]:
        """A trxid for the next valid delivery, and whether the receiver knows it."""
        if self._hook is not None:
            return str(self._hook(kind)), True
        cycle = self._cycles.get(kind)
        if cycle is not None:
            return next(cycle), True
        return self.made_up(), False

    def made_up(self) -> str:
        """A trxid no receiver knows, different from every other one of the run."""
        return f"{UNKNOWN_TRXID_PREFIX}{next(self._counter):06d}"


def build_cases(kind: str, settings: SuiteSettings, trxids: _Trxids) -> list[Case]:
    """Every delivery of one kind, in the order they are sent."""

    def valid(check: str, name: str, payload: Mapping[str, Any]) -> Case:
        trxid, known = trxids.next(kind)
        body = {**payload, "trxid": trxid}
        return Case(kind, check, name, _json(body), payloads.JSON, known)

    cases = [valid("forms", v.name, v.payload) for v in payloads.valid_variants(kind)]
    generated = payloads.generated_payloads(kind, settings.max_examples, settings.seed)
    cases += [valid("generated", f"generated #{i + 1}", p) for i, p in enumerate(generated)]
    first = valid("duplicate", "first delivery", payloads.full_payload(kind))
    cases += [first, Case(kind, "duplicate", "same payload again", *_rest(first))]
    cases += [
        Case(kind, "hostile", h.name, h.body, h.content_type, False)
        for h in payloads.hostile_deliveries(kind, trxids.made_up)
    ]
    return cases


def _rest(case: Case) -> tuple[bytes, str, bool]:
    return case.body, case.content_type, case.expect_2xx


def _json(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


# --- running ---


def run_suite(
    target: delivery.Target,
    settings: SuiteSettings | None = None,
    on_progress: Callable[[Outcome], None] | None = None,
) -> SuiteResult:
    """Deliver every case of every kind to `target` (a URL or an ASGI/WSGI app), in order.

    Raises `delivery.DeliveryRefused` (nothing sent) for a URL outside the allowlist and
    `CallbackError` for an unknown kind.
    """
    settings = settings or SuiteSettings()
    kinds = [resolve_kind(k) for k in settings.kinds] or list(callback_kinds())
    for kind in kinds:  # refuse a bad target before anything is sent
        _check_target(target, kind, settings)
    trxids = _Trxids(settings)
    secrets = url_secrets(target)
    result = SuiteResult(_shown_target(target))
    started = time.perf_counter()
    timeouts = 0
    for kind in kinds:
        for case in build_cases(kind, settings, trxids):
            if timeouts >= settings.max_timeouts:
                outcome = Outcome(
                    case, None, f"not sent: the receiver did not answer {timeouts} times"
                )
            elif time.perf_counter() - started > settings.run_limit:
                outcome = Outcome(
                    case, None, f"not sent: the run took longer than {settings.run_limit:g} s"
                )
            else:
                answer = _send(target, case, settings)
                timeouts += answer.error is not None and answer.error.startswith("timed out")
                problem = judge(case, answer, settings.timeout)
                answer = _hidden(answer, secrets)
                shown = None if problem is None else printable(hide(problem, secrets))
                outcome = Outcome(case, answer, shown, shown_answer(answer, secrets, 160))
            result.outcomes.append(outcome)
            if on_progress is not None:
                on_progress(outcome)
    result.elapsed = time.perf_counter() - started
    return result


def _check_target(target: delivery.Target, kind: str, settings: SuiteSettings) -> None:
    url, path = _where(target, kind, settings)
    delivery.check_target(url, path=path, allow_hosts=settings.allow_hosts)


def _where(target: delivery.Target, kind: str, settings: SuiteSettings) -> tuple[Any, str]:
    path = settings.paths.get(kind, "")
    if isinstance(target, str):
        return target.replace("{kind}", kind).replace("{alias}", kind_alias(kind)), path
    return target, path


def _send(target: delivery.Target, case: Case, settings: SuiteSettings) -> delivery.DeliveryResult:
    where, path = _where(target, case.kind, settings)
    return delivery.deliver(
        where,
        body=case.body,
        path=path,
        headers={"Content-Type": case.content_type},
        timeout=settings.timeout,
        max_body=ANSWER_BYTES,
        allow_hosts=settings.allow_hosts,
    )


def judge(case: Case, answer: delivery.DeliveryResult, timeout: float) -> str | None:
    """The rule the answer breaks, or None."""
    if answer.error is not None:
        return f"no complete answer: {answer.error}"
    status = answer.status
    if status is None:
        return "no answer"
    if status >= 500:
        raised = f", the app raised {answer.raised}" if answer.raised else ""
        return f"HTTP {status} (a server error){raised}"
    if answer.elapsed > timeout:
        return f"answered after {answer.elapsed:.2f} s (timeout {timeout:g} s)"
    if case.expect_2xx and not 200 <= status < 300:
        return f"HTTP {status} for a valid callback of a known transaction (expected a 2xx)"
    return None


def url_secrets(target: delivery.Target) -> list[str]:
    """User name, password and the Basic token httpx sends for them, of a URL target:
    never shown, even if an error quotes them or the receiver echoes its headers."""
    if not isinstance(target, str):
        return []
    from urllib.parse import unquote, urlsplit

    try:
        parts = urlsplit(target)
    except ValueError:
        return []
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    if not user and not password:
        return []
    token = basic_credentials(user, password)
    return [s for s in (token, password, parts.password, user, parts.username) if s]


def shown_answer(answer: delivery.DeliveryResult, secrets: Sequence[str], limit: int) -> str:
    """The start of an answer's body for a terminal or a report: the target's secrets
    hidden, control characters and invalid UTF-8 escaped (`core.printable`)."""
    return printable(hide(answer.body.decode("utf-8", errors="backslashreplace"), secrets), limit)


def _hidden(answer: delivery.DeliveryResult, secrets: list[str]) -> delivery.DeliveryResult:
    """The answer as reports keep it: a failing receiver may echo the credentials it got."""
    if not secrets:
        return answer
    body = hide(answer.text, secrets)
    error = None if answer.error is None else hide(answer.error, secrets)
    raised = None if answer.raised is None else hide(answer.raised, secrets)
    if (body, error, raised) == (answer.text, answer.error, answer.raised):
        return answer
    return dataclasses.replace(answer, body=body.encode(), error=error, raised=raised)


def _shown_target(target: delivery.Target) -> str:
    if isinstance(target, str):
        return delivery.safe_url(target)
    return f"in-process {delivery.app_interface(target).upper()} app {type(target).__name__}"


# --- reporting ---


def summary_table(result: SuiteResult) -> str:
    """Kinds down, checks across: `ok n` or `FAIL failed/total` per cell."""
    kinds = result.kinds()
    width = max([len("kind"), *(len(k) for k in kinds)])
    lines = [f"{'kind':<{width}}" + "".join(f"  {check:<12}" for check in CHECKS)]
    for kind in kinds:
        cells = []
        for check in CHECKS:
            passed, total = result.cell(kind, check)
            text = (
                "-"
                if total == 0
                else f"ok {total}"
                if passed == total
                else (f"FAIL {total - passed}/{total}")
            )
            cells.append(f"  {text:<12}")
        lines.append(f"{kind:<{width}}" + "".join(cells))
    return "\n".join(lines)


def describe_failure(outcome: Outcome) -> str:
    """A failing case: what broke, and the payload in full (large bodies cut)."""
    case = outcome.case
    lines = [f"FAIL {case.kind} / {case.check} / {case.name}: {outcome.problem}"]
    lines.append(f"  Content-Type: {case.content_type}")
    lines.append(f"  payload: {_shown_body(case.body)}")
    answer = outcome.answer
    if answer is not None and answer.status is not None:
        lines.append(f"  answer: HTTP {answer.status} {outcome.shown_answer}")
    return "\n".join(lines)


def _shown_body(body: bytes) -> str:
    """The body as sent, JSON shown with `\\u` escapes so no control character reaches a
    terminal; a body that is not JSON is shown with its unprintable characters escaped."""
    if not body:
        return "(empty)"
    try:
        text = json.dumps(json.loads(body), ensure_ascii=True)
    except (ValueError, RecursionError):
        text = printable_bytes(body)
    if len(text) > SHOWN_PAYLOAD:
        return f"{text[:SHOWN_PAYLOAD]}... ({len(body)} bytes in all)"
    return text


class ProgressPrinter:
    """One line per (kind, check): a dot per passing delivery, F per failing one."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._group: tuple[str, str] | None = None

    def __call__(self, outcome: Outcome) -> None:
        group = (outcome.case.kind, outcome.case.check)
        if group != self._group:
            if self._group is not None:
                self._out.write("\n")
            self._out.write(f"  {group[0]:<17} {group[1]:<10} ")
            self._group = group
        self._out.write("." if outcome.passed else "F")
        self._out.flush()

    def finish(self) -> None:
        if self._group is not None:
            self._out.write("\n")
            self._group = None


def write_junit(result: SuiteResult, path: Path) -> None:
    """One test case per delivery, grouped by kind; failures carry the payload."""
    suites = ET.Element("testsuites", name="citcall-contract verify-receiver")
    for kind in result.kinds():
        outcomes = [o for o in result.outcomes if o.case.kind == kind]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=kind,
            tests=str(len(outcomes)),
            failures=str(sum(not o.passed for o in outcomes)),
        )
        for outcome in outcomes:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{kind}.{outcome.case.check}",
                name=outcome.case.name,
                time=f"{outcome.answer.elapsed if outcome.answer else 0.0:.3f}",
            )
            if outcome.problem is not None:
                failure = ET.SubElement(case, "failure", message=outcome.problem)
                failure.text = describe_failure(outcome)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(suites)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def parse_trxids(values: Iterable[str]) -> dict[str, list[str]]:
    """`--trxid ID` (every kind) or `--trxid KIND=ID` -> kind -> trxids."""
    found: dict[str, list[str]] = {}
    for value in values:
        kind, sep, trxid = value.rpartition("=")
        key = resolve_kind(kind) if sep else "*"
        found.setdefault(key, []).append(trxid if sep else value)
    return found
