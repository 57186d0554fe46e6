"""`Citcall` and `AsyncCitcall`: a thin facade over the generated client.

The generated package holds the models (`to_dict` builds a request body, `from_dict`
reads an answer); the spec gives each operation's path and response schema. The facade
adds what a person sending billed traffic needs: argument checks before any I/O, auth,
errors by rc, retries and failover only when nothing can have been processed, bounded
answers (size and an overall deadline), and errors that never leak the API key. All
of that lives in `_Core`, which does no I/O, so the sync and async classes only differ
in the few lines that send, read and wait. The generated models (and asyncio) are
imported by the first call that needs them: constructing a client costs about what
importing httpx does.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import re
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar, cast

import httpx

if TYPE_CHECKING:
    from citcall_v3_client.models import MiscallResponse, SmsResponse, VerifyResponse

from citcall_contract import __version__, spec
from citcall_contract.client import answers, inputs
from citcall_contract.client.addresses import (
    DEFAULT_BASE_URL,
    check_base_urls,
    display,
    settings_from_env,
)
from citcall_contract.client.answers import MAX_ANSWER_BYTES
from citcall_contract.client.deadline import CALL_DEADLINE
from citcall_contract.client.errors import (
    CitcallAPIError,
    CitcallConnectionError,
    CitcallError,
    CitcallInputError,
    CitcallOutcomeUnknownError,
    CitcallResponseError,
    CitcallUnavailableError,
    error_class_for,
)
from citcall_contract.client.msisdn import normalize_msisdn
from citcall_contract.client.retry import NOT_SENT_FINAL, NOT_SENT_RETRYABLE, RetryPolicy
from citcall_contract.core import strict_json
from citcall_contract.core.authorization import Credentials
from citcall_contract.core.redact import Redactor
from citcall_contract.spec import codes
from citcall_contract.spec.rules import keeps_otp

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE",
    "DEFAULT_RETRY",
    "DEFAULT_TIMEOUT",
    "MAX_ANSWER_BYTES",
    "AsyncCitcall",
    "Citcall",
]

logger = logging.getLogger("citcall_contract.client.facade")
logger.addHandler(logging.NullHandler())  # a library: silent unless the app configures logging

#: Connect quickly or fail (a connect failure is retried); give the gateway time to answer.
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
#: Seconds one facade call may take in all: every attempt, host and wait included.
DEFAULT_DEADLINE = 30.0
#: The policy when `retry` is omitted; `retry=None` means a single attempt.
DEFAULT_RETRY = RetryPolicy()
NO_RETRY = RetryPolicy(attempts=1)
#: Failures that prove the request never left for this host: the next host may be tried.
FAILOVER_ERRORS: tuple[type[httpx.TransportError], ...] = (httpx.ConnectError, httpx.ConnectTimeout)

T = TypeVar("T")
_SNIPPET_CHARS = 160
_WHITESPACE = re.compile(r"\s+")
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")  # visible ASCII: no header injection
_IDENTITY = frozenset({"", "identity"})


@dataclass(slots=True)
class _Call(Generic[T]):
    """One prepared send: what to put on the wire and how to read the answer."""

    operation: str
    msisdn: str
    method: str
    path: str
    body: dict[str, Any]
    content: bytes
    parse: Callable[[Mapping[str, Any]], T]
    attempt: int = 0  # the round being sent, 1-based: set by `_send`


class _TryAgain(Exception):
    """Internal: an attempt failed in a way that proves nothing was processed."""

    def __init__(
        self,
        error: CitcallError,
        *,
        reason: str = "",
        hosts: tuple[str, ...] = (),
        unavailable: bool = False,
    ) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason
        self.hosts = hosts
        self.unavailable = unavailable


@dataclass(slots=True)
class _Send:
    """Step: send `request` to host `index`; the reply is the streamed response."""

    request: httpx.Request
    index: int


class _Read:
    """Step: read the body of `response`; the reply is its bytes.

    The driver calls `start`, `add` per chunk and `content`; the body is capped at
    MAX_ANSWER_BYTES and by the call's deadline, and refused when encoded.
    """

    __slots__ = ("_chunks", "_size", "call", "core", "deadline_at", "index", "response")

    def __init__(
        self,
        core: _Core,
        call: _Call[Any],
        response: httpx.Response,
        index: int,
        deadline_at: float,
    ) -> None:
        self.core, self.call, self.response = core, call, response
        self.index, self.deadline_at = index, deadline_at
        self._chunks: list[bytes] = []
        self._size = 0

    def start(self) -> None:
        self.core.before_body(self.call, self.response, self.index, self.deadline_at)

    def add(self, chunk: bytes) -> None:
        self._size += len(chunk)
        self._chunks.append(chunk)
        if self._size > MAX_ANSWER_BYTES:
            status = self.response.status_code
            raise self.core.too_large(self.call, status, b"".join(self._chunks), self.index)
        if time.monotonic() > self.deadline_at:
            raise self.core.deadline_passed(self.call, self.index)

    def content(self) -> bytes:
        return self._chunks[0] if len(self._chunks) == 1 else b"".join(self._chunks)


@dataclass(slots=True)
class _Wait:
    """Step: wait `seconds` before the next attempt; no reply."""

    seconds: float


_Step = _Send | _Read | _Wait


class _Plan(Generic[T]):
    """A call's plan as its driver advances it: the next step, then the result."""

    __slots__ = ("_result", "_steps")

    def __init__(self, steps: Generator[_Step, Any, T]) -> None:
        self._steps = steps
        self._result: T | None = None

    def next(
        self, reply: httpx.Response | bytes | None = None, failure: Exception | None = None
    ) -> _Step | None:
        """The next step, given the last one's reply or failure; None when the plan is done."""
        try:
            return self._steps.throw(failure) if failure else self._steps.send(reply)
        except StopIteration as done:
            self._result = done.value
            return None

    def result(self) -> T:
        """What the plan returned (once `next` has returned None)."""
        return cast(T, self._result)


class _RequestModel(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


@functools.cache
def _route(operation_id: str) -> tuple[str, str]:
    """(method, path) of an operation, read from the spec once per operation."""
    found = spec.operation(operation_id)
    return found.method.upper(), found.path.lstrip("/")


@functools.cache
def _success_rcs() -> frozenset[int]:
    return codes.rcs_in(codes.SUCCESS_CATEGORY)


def _encode(body: Mapping[str, Any]) -> bytes:
    """The JSON httpx's `json=` would send (compact, UTF-8, no NaN)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _prepare(
    operation: str, body: _RequestModel, msisdn: str, parse: Callable[[Any], T]
) -> _Call[T]:
    method, path = _route(operation)
    data = body.to_dict()
    return _Call(operation, msisdn, method, path, data, _encode(data), parse)


def _check_deadline(deadline: object) -> float:
    if deadline is None:
        return math.inf
    if isinstance(deadline, bool) or not isinstance(deadline, int | float):
        raise CitcallInputError(
            "deadline", f"must be a number of seconds or None, not {deadline!r}"
        )
    if not math.isfinite(deadline) or deadline <= 0:
        raise CitcallInputError("deadline", f"must be a positive finite number, not {deadline!r}")
    return float(deadline)


class _Core:
    """Everything but I/O: credentials, hosts, request building, answers, retry decisions."""

    def __init__(
        self,
        api_key: object,
        userid: object,
        base_url: object,
        retry: object,
        timeout: float | httpx.Timeout | None,
        deadline: object,
        allow_insecure_http: bool,
    ) -> None:
        if not isinstance(api_key, str) or not _HEADER_SAFE.fullmatch(api_key):
            raise CitcallInputError("api_key", "must be a non-empty string of visible ASCII")
        if userid is not None and (
            not isinstance(userid, str) or not _HEADER_SAFE.fullmatch(userid) or ":" in userid
        ):
            raise CitcallInputError("userid", "must be a non-empty string without ':' or spaces")
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise CitcallInputError("retry", "must be a RetryPolicy, or None for no retries")
        login = Credentials(api_key, userid)
        self.scheme = "Apikey" if userid is None else "Basic"
        self.authorization = login.header()
        self.redactor = Redactor(login.secrets())
        self.userid = userid
        self.hosts = check_base_urls(base_url, allow_insecure_http)
        self.shown_hosts = tuple(display(host) for host in self.hosts)
        self.retry = retry if retry is not None else NO_RETRY
        self.deadline = _check_deadline(deadline)
        self.timeout = httpx.Timeout(timeout)
        waits = (self.timeout.connect, self.timeout.read, self.timeout.write, self.timeout.pool)
        self._longest_wait = max(math.inf if w is None else w for w in waits)
        self._urls: dict[tuple[int, str], httpx.URL] = {}

    def client_options(self) -> dict[str, Any]:
        return {
            "timeout": self.timeout,
            "headers": {
                "Authorization": self.authorization,
                "Accept": "application/json",
                "Accept-Encoding": "identity",  # the size cap counts the bytes received
                "Content-Type": "application/json",
                "User-Agent": f"citcall-contract/{__version__}",
            },
            "follow_redirects": False,
        }

    def describe(self, cls_name: str) -> str:
        who = f", userid={self.userid!r}" if self.userid is not None else ""
        hosts = self.shown_hosts[0] if len(self.shown_hosts) == 1 else list(self.shown_hosts)
        return f"{cls_name}(base_url={hosts!r}, auth={self.scheme}{who})"

    # Building a call: checks first, so bad input never reaches the wire. Nothing is sent
    # here; `plan` sends.

    def build_miscall(
        self,
        msisdn: object,
        gateway: object,
        callback_url: object,
        valid_time: object,
        limit_try: object,
        operation: str = "asyncMiscall",
    ) -> _Call[MiscallResponse]:
        number = normalize_msisdn(msisdn)
        route = inputs.check_gateway(gateway)
        url = inputs.check_callback_url(callback_url)
        keep, tries = self._verification(valid_time, limit_try)
        from citcall_v3_client.models import MiscallRequest, MiscallResponse
        from citcall_v3_client.types import UNSET

        body = MiscallRequest(
            msisdn=number,
            gateway=route,
            callback_url=UNSET if url is None else url,
            valid_time=UNSET if keep is None else keep,
            limit_try=UNSET if tries is None else tries,
        )
        return _prepare(operation, body, number, MiscallResponse.from_dict)

    def build_sms(
        self, msisdn: object, text: object, senderid: object, callback_url: object
    ) -> _Call[SmsResponse]:
        number = normalize_msisdn(msisdn)
        from citcall_v3_client.models import SmsRequest, SmsResponse

        body = SmsRequest(
            msisdn=number,
            senderid=inputs.check_senderid(senderid),
            text=inputs.check_sms_text(text),
        )
        url = inputs.check_callback_url(callback_url)
        if url is not None:
            body.callback_url = url
        return _prepare("sendSms", body, number, SmsResponse.from_dict)

    def build_sms_otp(
        self,
        msisdn: object,
        text: object,
        senderid: object,
        token: object,
        valid_time: object,
        limit_try: object,
        callback_url: object,
    ) -> _Call[SmsResponse]:
        number = normalize_msisdn(msisdn)
        sender = inputs.check_senderid(senderid)
        message = inputs.check_sms_text(text)
        code = None if token is None else inputs.check_otp_code(token)
        keep, tries = self._verification(valid_time, limit_try)
        url = inputs.check_callback_url(callback_url)
        from citcall_v3_client.models import SmsOtpRequest, SmsResponse
        from citcall_v3_client.types import UNSET

        body = SmsOtpRequest(
            msisdn=number,
            senderid=sender,
            text=message,
            token=UNSET if code is None else code,
            valid_time=UNSET if keep is None else keep,
            limit_try=UNSET if tries is None else tries,
            callback_url=UNSET if url is None else url,
        )
        return _prepare("sendSmsOtp", body, number, SmsResponse.from_dict)

    def build_verify(self, trxid: object, msisdn: object, token: object) -> _Call[VerifyResponse]:
        transaction = inputs.check_trxid(trxid)
        number = normalize_msisdn(msisdn)
        code = inputs.check_otp_code(token)
        from citcall_v3_client.models import VerifyRequest, VerifyResponse

        body = VerifyRequest(msisdn=number, trxid=transaction, token=code)
        return _prepare("verifyOtp", body, number, VerifyResponse.from_dict)

    @staticmethod
    def _verification(valid_time: object, limit_try: object) -> tuple[int | None, int | None]:
        keep = inputs.check_valid_time(valid_time)
        tries = inputs.check_limit_try(limit_try)
        if tries is not None and not keeps_otp({"valid_time": keep}):
            raise CitcallInputError("limit_try", "only applies with valid_time (the OTP is kept)")
        return keep, tries

    # Sending: one plan for both clients. It never touches the network: it yields the
    # steps a driver performs (send a request, read a body, wait before a retry) and gets
    # back each result or the transport error it raised, so the retry, failover and
    # outcome rules are written once and `Citcall` and `AsyncCitcall` differ only in
    # how they perform a step.

    def plan(
        self, http: httpx.Client | httpx.AsyncClient, call: _Call[T], deadline_at: float
    ) -> Generator[_Step, Any, T]:
        """Every attempt of `call`; another only when nothing can have been processed."""
        attempt = 0
        while True:
            attempt += 1
            call.attempt = attempt
            try:
                return (yield from self._round(http, call, deadline_at))
            except _TryAgain as again:
                outcome = self.retry_delay(call, again, attempt, deadline_at)
            if isinstance(outcome, BaseException):
                raise outcome
            yield _Wait(outcome)

    def _round(
        self, http: httpx.Client | httpx.AsyncClient, call: _Call[T], deadline_at: float
    ) -> Generator[_Step, Any, T]:
        """One round over the hosts: the next host only when the request never left."""
        for index in range(len(self.hosts)):
            request = self.host_request(http, call, index, deadline_at)
            try:
                response = yield _Send(request, index)
            except httpx.RequestError as exc:
                if self.fails_over(call, exc, index):
                    continue
                raise self.transport_failure(call, exc, index, deadline_at)  # noqa: B904 (_chain sets the cause)
            try:
                content = yield _Read(self, call, response, index, deadline_at)
            except httpx.RequestError as exc:
                raise self.transport_failure(call, exc, index, deadline_at)  # noqa: B904 (_chain sets the cause)
            return self.read(call, response.status_code, content, index)
        raise AssertionError("unreachable: the last host never fails over")

    # Which URL, how long each wait may take.

    def deadline_at(self) -> float:
        return time.monotonic() + self.deadline

    def url(self, index: int, path: str) -> httpx.URL:
        key = (index, path)
        found = self._urls.get(key)
        if found is None:
            found = self._urls[key] = httpx.URL(f"{self.hosts[index]}/{path}")
        return found

    def host_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        call: _Call[Any],
        index: int,
        deadline_at: float,
    ) -> httpx.Request:
        """The request for host `index`, each network wait capped by the time left."""
        remaining = deadline_at - time.monotonic()
        if remaining <= 0:
            raise CitcallConnectionError(
                call.operation,
                call.attempt,
                f"the {self.deadline:g} s deadline passed before sending",
                self.shown_hosts[:index],
            )
        url = self.url(index, call.path)
        if remaining >= self._longest_wait:
            return http.build_request(call.method, url, content=call.content)
        capped = httpx.Timeout(
            connect=_cap(self.timeout.connect, remaining),
            read=_cap(self.timeout.read, remaining),
            write=_cap(self.timeout.write, remaining),
            pool=_cap(self.timeout.pool, remaining),
        )
        return http.build_request(call.method, url, content=call.content, timeout=capped)

    def fails_over(self, call: _Call[Any], exc: httpx.RequestError, index: int) -> bool:
        """True when the request never left for host `index` and another host is left."""
        if not isinstance(exc, FAILOVER_ERRORS) or index + 1 >= len(self.hosts):
            return False
        logger.info(
            "%s to %s: %s unreachable (%s), trying %s",
            call.operation, call.msisdn, self.shown_hosts[index],
            type(exc).__name__, self.shown_hosts[index + 1],
        )  # fmt: skip
        return True

    def before_body(
        self, call: _Call[Any], response: httpx.Response, index: int, deadline_at: float
    ) -> None:
        """Refuse encoded bodies (the cap counts raw bytes); bound body reads by the deadline."""
        encoding = response.headers.get("content-encoding")
        if encoding is not None and encoding.strip().lower() not in _IDENTITY:
            raise self.bad_answer(
                call, response.status_code, b"", index, f"{encoding!r}-encoded body (not asked for)"
            )
        timeouts = response.request.extensions.get("timeout")
        if isinstance(timeouts, dict):
            remaining = max(deadline_at - time.monotonic(), 0.001)
            read = timeouts.get("read")
            if read is None or read > remaining:
                timeouts["read"] = remaining

    def too_large(self, call: _Call[Any], status: int, start: bytes, index: int) -> Exception:
        return self.bad_answer(
            call, status, start, index, f"body larger than {MAX_ANSWER_BYTES} bytes"
        )

    def deadline_passed(self, call: _Call[Any], index: int | None) -> CitcallOutcomeUnknownError:
        host = None if index is None else self.shown_hosts[index]
        reason = f"no complete answer within the {self.deadline:g} s deadline"
        logger.warning("%s to %s: outcome unknown: %s", call.operation, call.msisdn, reason)
        return CitcallOutcomeUnknownError(
            call.operation, call.msisdn, self.redactor.request(call.body), reason, host=host
        )

    # Reading answers.

    def read(self, call: _Call[T], status: int, content: bytes, index: int) -> T:
        """The parsed success model, or the error the answer stands for."""
        if status != httpx.codes.OK:
            raise self.bad_answer(call, status, content, index, _status_problem(status, content))
        try:
            data = strict_json.loads(content)
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, too deep
            raise self.bad_answer(
                call, status, content, index, f"body is not JSON ({exc})"
            ) from None
        if not isinstance(data, dict) or "rc" not in data:
            raise self.bad_answer(call, status, content, index, "body has no rc")
        try:
            rc = codes.parse_rc(data["rc"])
        except ValueError:
            raise self.bad_answer(call, status, content, index, "rc is not a code") from None
        if rc in _success_rcs():
            problem = answers.success_checker(call.operation)(data)
            if problem is not None:
                wrong = f"success body of the wrong shape: {problem}"
                raise self.bad_answer(call, status, content, index, wrong)
            try:
                return call.parse(data)
            except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
                wrong = "success body of the wrong shape"
                raise self.bad_answer(call, status, content, index, wrong) from None
        error = self.api_error(call, rc, data)
        if isinstance(error, CitcallUnavailableError):
            raise _TryAgain(error, unavailable=True)
        raise error

    def api_error(self, call: _Call[Any], rc: int, data: Mapping[str, Any]) -> CitcallAPIError:
        shown = self.redactor.deep(data)
        info, trxid = shown.get("info"), shown.get("trxid")
        return error_class_for(rc)(
            rc,
            info if isinstance(info, str) else None,
            trxid if isinstance(trxid, str) else None,
            operation=call.operation,
            response=shown,
        )

    def bad_answer(
        self, call: _Call[Any], status: int, content: bytes, index: int, problem: str
    ) -> CitcallResponseError:
        return CitcallResponseError(
            call.operation,
            call.msisdn,
            self.redactor.request(call.body),
            status_code=status,
            snippet=self._snippet(content),
            problem=self.redactor.text(problem),
            host=self.shown_hosts[index],
        )

    def _snippet(self, raw: bytes) -> str:
        """The start of a body, one line, with any echo of the credentials removed."""
        text = self.redactor.truncated(raw.decode("utf-8", "replace"))
        return _WHITESPACE.sub(" ", text).strip()[:_SNIPPET_CHARS]

    # Failures and retry decisions.

    def transport_failure(
        self, call: _Call[Any], exc: httpx.RequestError, index: int, deadline_at: float
    ) -> CitcallError | _TryAgain:
        """What a transport error on host `index` means: retry, not sent, or outcome unknown."""
        reason = self.redactor.text(f"{type(exc).__name__}: {exc}")
        if isinstance(exc, httpx.TimeoutException) and time.monotonic() >= deadline_at - 0.01:
            reason += f" (at the call's {self.deadline:g} s deadline)"
        hosts = self.shown_hosts[: index + 1]
        error: CitcallError | _TryAgain
        if isinstance(exc, NOT_SENT_RETRYABLE):
            not_sent = CitcallConnectionError(call.operation, call.attempt, reason, hosts)
            error = _TryAgain(not_sent, reason=reason, hosts=hosts)
        elif isinstance(exc, NOT_SENT_FINAL):
            error = CitcallConnectionError(call.operation, call.attempt, reason, hosts)
        else:
            logger.warning("%s to %s: outcome unknown: %s", call.operation, call.msisdn, reason)
            error = CitcallOutcomeUnknownError(
                call.operation,
                call.msisdn,
                self.redactor.request(call.body),
                reason,
                host=self.shown_hosts[index],
            )
        self._chain(error.error if isinstance(error, _TryAgain) else error, exc)
        return error

    def _chain(self, error: BaseException, cause: BaseException) -> None:
        """Keep the transport error as the cause unless its text would show a secret."""
        error.__suppress_context__ = True
        error.__cause__ = cause if self.redactor.text(str(cause)) == str(cause) else None

    def retry_delay(
        self, call: _Call[Any], again: _TryAgain, attempt: int, deadline_at: float
    ) -> float | CitcallError:
        """Seconds to wait before attempt `attempt + 1`, or the error to raise instead."""
        policy = self.retry
        allowed = policy.can_retry(attempt) and (policy.retry_unavailable or not again.unavailable)
        delay = policy.delay(attempt) if allowed else 0.0
        if allowed and time.monotonic() + delay < deadline_at:
            what = f"{again.reason} before sending"
            if isinstance(again.error, CitcallAPIError):
                what = f"rc {again.error.rc} (not processed)"
            logger.info(
                "%s to %s: %s, retry %d in %.2fs",
                call.operation, call.msisdn, what, attempt, delay,
            )  # fmt: skip
            return delay
        if again.unavailable:
            return again.error
        error = CitcallConnectionError(call.operation, attempt, again.reason, again.hosts)
        error.__cause__, error.__suppress_context__ = again.error.__cause__, True
        return error


def _env_options(environ: Mapping[str, str] | None, options: Mapping[str, Any]) -> dict[str, Any]:
    """Constructor arguments from the environment, `options` winning."""
    return {**settings_from_env(os.environ if environ is None else environ), **options}


def _cap(wait: float | None, remaining: float) -> float:
    return remaining if wait is None else min(wait, remaining)


def _status_problem(status: int, content: bytes) -> str:
    """Why an error status is outcome-unknown, with the rc its body claims (if any)."""
    problem = "error status (something between client and gateway answered)"
    try:
        data = strict_json.loads(content)
        if isinstance(data, dict) and "rc" in data:
            return f"{problem}; body says rc {codes.parse_rc(data['rc'])}"
    except ValueError:
        pass
    return problem


class Citcall:
    """Synchronous client of the Citcall v3 gateway.

    With `userid`, requests use `Authorization: Basic base64(userid:api_key)`; without,
    `Authorization: Apikey <api_key>`. `base_url` is one URL or a sequence (primary
    first; the next is tried only when the connection could not be made). `retry`
    omitted is `DEFAULT_RETRY`; `retry=None` means one attempt. `deadline` bounds the
    whole call in seconds (None: no bound), the answer's head included: by default
    every socket wait is cut to the time left (`client.deadline`). `transport` (an httpx
    transport) is passed to the one `httpx.Client` the facade owns, for tests and custom
    networking; its waits are bounded per wait (the `timeout`), not by the deadline.
    """

    def __init__(
        self,
        api_key: str,
        *,
        userid: str | None = None,
        base_url: str | Sequence[str] = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = DEFAULT_RETRY,
        deadline: float | None = DEFAULT_DEADLINE,
        allow_insecure_http: bool = False,
    ) -> None:
        self._core = _Core(api_key, userid, base_url, retry, timeout, deadline, allow_insecure_http)
        if transport is None:
            from citcall_contract.client.sync_transport import bounded_transport

            transport = bounded_transport()
        self._http = httpx.Client(transport=transport, **self._core.client_options())

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **options: Any) -> Self:
        """A client configured by `CITCALL_API_KEY`, `CITCALL_USERID`, `CITCALL_BASE_URL`
        (comma-separated, primary first) and `CITCALL_ALLOW_INSECURE_HTTP`; `options`
        (any constructor argument) win over the environment. An empty or blank variable
        is an error naming it, never a fall back to the default (production) host."""
        return cls(**_env_options(environ, options))

    def __repr__(self) -> str:
        return self._core.describe(type(self).__name__)

    def miscall(
        self,
        msisdn: str,
        *,
        gateway: int = 0,
        callback_url: str | None = None,
        valid_time: int | None = None,
        limit_try: int | None = None,
    ) -> MiscallResponse:
        """Place a missed-call OTP (`/asynccall`); the OTP is the last 4 digits of `.token`."""
        call = self._core.build_miscall(msisdn, gateway, callback_url, valid_time, limit_try)
        return self._send(call)

    def motp(
        self,
        msisdn: str,
        *,
        gateway: int = 0,
        callback_url: str | None = None,
        valid_time: int | None = None,
        limit_try: int | None = None,
    ) -> MiscallResponse:
        """`miscall` through `/motp`, the name the official SDK 3.4 uses."""
        call = self._core.build_miscall(
            msisdn, gateway, callback_url, valid_time, limit_try, "motp"
        )
        return self._send(call)

    def sms(
        self, msisdn: str, text: str, *, senderid: str, callback_url: str | None = None
    ) -> SmsResponse:
        """Send an SMS (`/sms`)."""
        return self._send(self._core.build_sms(msisdn, text, senderid, callback_url))

    def sms_otp(
        self,
        msisdn: str,
        text: str,
        *,
        senderid: str,
        token: str | None = None,
        valid_time: int | None = None,
        limit_try: int | None = None,
        callback_url: str | None = None,
    ) -> SmsResponse:
        """Send an OTP by SMS (`/smsotp`); with `valid_time` the gateway keeps it for verify."""
        call = self._core.build_sms_otp(
            msisdn, text, senderid, token, valid_time, limit_try, callback_url
        )
        return self._send(call)

    def verify(self, trxid: str, msisdn: str, token: str) -> VerifyResponse:
        """Check the code a user typed (`/verify`); a wrong code raises CitcallVerificationError."""
        return self._send(self._core.build_verify(trxid, msisdn, token))

    def _send(self, call: _Call[T]) -> T:
        """Perform the plan's steps; every socket wait is bounded by the deadline."""
        deadline_at = self._core.deadline_at()
        plan = _Plan(self._core.plan(self._http, call, deadline_at))
        bound = CALL_DEADLINE.set(deadline_at if math.isfinite(deadline_at) else None)
        try:
            step = plan.next()
            while step is not None:
                reply, failure = None, None
                try:
                    reply = self._perform(step)
                except httpx.RequestError as exc:
                    failure = exc
                step = plan.next(reply, failure)
        finally:
            CALL_DEADLINE.reset(bound)
        return plan.result()

    def _perform(self, step: _Step) -> httpx.Response | bytes | None:
        if isinstance(step, _Send):
            return self._http.send(step.request, stream=True)
        if isinstance(step, _Read):
            try:
                step.start()
                for chunk in step.response.iter_bytes():
                    step.add(chunk)
                return step.content()
            finally:
                step.response.close()
        self._core.retry.wait(step.seconds)
        return None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncCitcall:
    """Asynchronous client: the API of `Citcall` with `async` methods.

    The deadline is exact here: the whole call is cancelled when it passes.
    """

    def __init__(
        self,
        api_key: str,
        *,
        userid: str | None = None,
        base_url: str | Sequence[str] = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = DEFAULT_RETRY,
        deadline: float | None = DEFAULT_DEADLINE,
        allow_insecure_http: bool = False,
    ) -> None:
        self._core = _Core(api_key, userid, base_url, retry, timeout, deadline, allow_insecure_http)
        self._http = httpx.AsyncClient(transport=transport, **self._core.client_options())

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **options: Any) -> Self:
        """`Citcall.from_env`, async."""
        return cls(**_env_options(environ, options))

    def __repr__(self) -> str:
        return self._core.describe(type(self).__name__)

    async def miscall(
        self,
        msisdn: str,
        *,
        gateway: int = 0,
        callback_url: str | None = None,
        valid_time: int | None = None,
        limit_try: int | None = None,
    ) -> MiscallResponse:
        """Place a missed-call OTP (`/asynccall`); the OTP is the last 4 digits of `.token`."""
        call = self._core.build_miscall(msisdn, gateway, callback_url, valid_time, limit_try)
        return await self._send(call)

    async def motp(
        self,
        msisdn: str,
        *,
        gateway: int = 0,
        callback_url: str | None = None,
        valid_time: int | None = None,
        limit_try: int | None = None,
    ) -> MiscallResponse:
        """`miscall` through `/motp`, the name the official SDK 3.4 uses."""
        call = self._core.build_miscall(
            msisdn, gateway, callback_url, valid_time, limit_try, "motp"
        )
        return await self._send(call)

    async def sms(
        self, msisdn: str, text: str, *, senderid: str, callback_url: str | None = None
    ) -> SmsResponse:
        """Send an SMS (`/sms`)."""
        return await self._send(self._core.build_sms(msisdn, text, senderid, callback_url))

    async def sms_otp(
        self,
        msisdn: str,
        text: str,
        *,
        senderid: str,
        token: str | None = None,
        valid_time: int | None = None,
        limit_try: int | None = None,
        callback_url: str | None = None,
    ) -> SmsResponse:
        """Send an OTP by SMS (`/smsotp`); with `valid_time` the gateway keeps it for verify."""
        call = self._core.build_sms_otp(
            msisdn, text, senderid, token, valid_time, limit_try, callback_url
        )
        return await self._send(call)

    async def verify(self, trxid: str, msisdn: str, token: str) -> VerifyResponse:
        """Check the code a user typed (`/verify`); a wrong code raises CitcallVerificationError."""
        return await self._send(self._core.build_verify(trxid, msisdn, token))

    async def _send(self, call: _Call[T]) -> T:
        """Perform the plan's steps, each cancelled when the deadline passes."""
        deadline_at = self._core.deadline_at()
        plan = _Plan(self._core.plan(self._http, call, deadline_at))
        step = plan.next()
        while step is not None:
            reply, failure = None, None
            try:
                reply = await self._perform(step, call, deadline_at)
            except httpx.RequestError as exc:
                failure = exc
            step = plan.next(reply, failure)
        return plan.result()

    async def _perform(
        self, step: _Step, call: _Call[Any], deadline_at: float
    ) -> httpx.Response | bytes | None:
        if isinstance(step, _Wait):
            await self._core.retry.wait_async(step.seconds)
            return None
        if math.isinf(deadline_at):
            return await self._exchange(step)
        import asyncio  # here, not at import: only async callers pay for it

        try:
            async with asyncio.timeout(max(deadline_at - time.monotonic(), 0.0)):
                return await self._exchange(step)
        except TimeoutError:
            error = self._core.deadline_passed(call, step.index)
        raise error

    async def _exchange(self, step: _Send | _Read) -> httpx.Response | bytes:
        if isinstance(step, _Send):
            return await self._http.send(step.request, stream=True)
        try:
            step.start()
            async for chunk in step.response.aiter_bytes():
                step.add(chunk)
            return step.content()
        finally:
            await step.response.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
