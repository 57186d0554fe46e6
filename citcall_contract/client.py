"""`Citcall` and `AsyncCitcall`: a thin facade over the generated client.

The generated package holds the models (`to_dict` builds a request body, `from_dict`
reads an answer); the spec gives each operation's path. The facade adds what a person
sending billed traffic needs: argument checks before any I/O, auth, errors by rc,
retries only when nothing can have been processed, and errors that never leak the API
key. All of that lives in `_Core`, which does no I/O, so the sync and async classes
only differ in the few lines that send and sleep.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

import httpx
from citcall_v3_client.models import (
    MiscallRequest,
    MiscallResponse,
    SmsOtpRequest,
    SmsRequest,
    SmsResponse,
    VerifyRequest,
    VerifyResponse,
)
from citcall_v3_client.types import UNSET

from citcall_contract import __version__, codes, inputs, spec
from citcall_contract.auth import Credentials
from citcall_contract.errors import (
    CitcallAPIError,
    CitcallConnectionError,
    CitcallInputError,
    CitcallOutcomeUnknownError,
    CitcallResponseError,
    CitcallUnavailableError,
    error_class_for,
)
from citcall_contract.msisdn import normalize_msisdn
from citcall_contract.retry import NOT_SENT_FINAL, NOT_SENT_RETRYABLE, RetryPolicy
from citcall_contract.spec_servers import SERVERS

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_RETRY", "DEFAULT_TIMEOUT", "AsyncCitcall", "Citcall"]

logger = logging.getLogger("citcall_contract.client")
logger.addHandler(logging.NullHandler())  # a library: silent unless the app configures logging

#: `servers[0]` of the spec: the address in the provider's documentation.
DEFAULT_BASE_URL = SERVERS[0]
#: Connect quickly or fail (a connect failure is retried); give the gateway time to answer.
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
#: The policy when `retry` is omitted; `retry=None` means a single attempt.
DEFAULT_RETRY = RetryPolicy()
NO_RETRY = RetryPolicy(attempts=1)

T = TypeVar("T")
_MASKED_BODY_FIELDS = frozenset({"token"})  # OTP codes: not needed to reconcile a send
_SNIPPET_CHARS = 160
_WHITESPACE = re.compile(r"\s+")
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")  # visible ASCII: no header injection


@dataclass(slots=True)
class _Call(Generic[T]):
    """One prepared send: what to put on the wire and how to read the answer."""

    operation: str
    msisdn: str
    kwargs: dict[str, Any]
    parse: Callable[[Mapping[str, Any]], T]

    def body_for_errors(self) -> dict[str, Any]:
        body: dict[str, Any] = self.kwargs["json"]
        return {k: ("***" if k in _MASKED_BODY_FIELDS else v) for k, v in body.items()}


class _RequestModel(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


@functools.cache
def _route(operation_id: str) -> tuple[str, str]:
    """(method, path) of an operation, read from the spec once per operation."""
    found = spec.operation(operation_id)
    return found.method.upper(), found.path.lstrip("/")


def _prepare(
    operation: str, body: _RequestModel, msisdn: str, parse: Callable[[Any], T]
) -> _Call[T]:
    method, path = _route(operation)
    # A relative path joins onto base_url's path (`.../v3` + `sms`); httpx sets the
    # `application/json` Content-Type for `json=`.
    kwargs = {"method": method, "url": path, "json": body.to_dict()}
    return _Call(operation, msisdn, kwargs, parse)


class _Core:
    """Everything but I/O: credentials, request building, answer reading, retry decisions."""

    def __init__(
        self,
        api_key: object,
        userid: object,
        base_url: str,
        retry: RetryPolicy | None,
    ) -> None:
        if not isinstance(api_key, str) or not _HEADER_SAFE.fullmatch(api_key):
            raise CitcallInputError("api_key", "must be a non-empty string of visible ASCII")
        if userid is not None and (
            not isinstance(userid, str) or not _HEADER_SAFE.fullmatch(userid) or ":" in userid
        ):
            raise CitcallInputError("userid", "must be a non-empty string without ':' or spaces")
        login = Credentials(api_key, userid)
        self.scheme = "Apikey" if userid is None else "Basic"
        self.authorization = login.header()
        self._secrets = login.secrets()
        self.userid = userid
        self.base_url = base_url
        self.retry = retry if retry is not None else NO_RETRY

    def client_options(self, timeout: float | httpx.Timeout | None) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "timeout": timeout,
            "headers": {
                "Authorization": self.authorization,
                "Accept": "application/json",
                "User-Agent": f"citcall-contract/{__version__}",
            },
            "follow_redirects": False,
        }

    def describe(self, cls_name: str) -> str:
        who = f", userid={self.userid!r}" if self.userid is not None else ""
        return f"{cls_name}(base_url={self.base_url!r}, auth={self.scheme}{who})"

    # Request building: checks first, so bad input never reaches the wire.

    def miscall(
        self,
        msisdn: object,
        gateway: object,
        callback_url: object,
        valid_time: object,
        limit_try: object,
    ) -> _Call[MiscallResponse]:
        number = normalize_msisdn(msisdn)
        route = inputs.check_gateway(gateway)
        url = inputs.check_callback_url(callback_url)
        keep, tries = self._verification(valid_time, limit_try)
        body = MiscallRequest(
            msisdn=number,
            gateway=route,
            callback_url=UNSET if url is None else url,
            valid_time=UNSET if keep is None else keep,
            limit_try=UNSET if tries is None else tries,
        )
        return _prepare("asyncMiscall", body, number, MiscallResponse.from_dict)

    def sms(
        self, msisdn: object, text: object, senderid: object, callback_url: object
    ) -> _Call[SmsResponse]:
        number = normalize_msisdn(msisdn)
        body = SmsRequest(
            msisdn=number,
            senderid=inputs.check_senderid(senderid),
            text=inputs.check_sms_text(text),
        )
        url = inputs.check_callback_url(callback_url)
        if url is not None:
            body.callback_url = url
        return _prepare("sendSms", body, number, SmsResponse.from_dict)

    def sms_otp(
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

    def verify(self, trxid: object, msisdn: object, token: object) -> _Call[VerifyResponse]:
        transaction = inputs.check_trxid(trxid)
        number = normalize_msisdn(msisdn)
        code = inputs.check_otp_code(token)
        body = VerifyRequest(msisdn=number, trxid=transaction, token=code)
        return _prepare("verifyOtp", body, number, VerifyResponse.from_dict)

    @staticmethod
    def _verification(valid_time: object, limit_try: object) -> tuple[int | None, int | None]:
        keep = inputs.check_valid_time(valid_time)
        tries = inputs.check_limit_try(limit_try)
        if tries is not None and keep is None:
            raise CitcallInputError("limit_try", "only applies with valid_time (the OTP is kept)")
        return keep, tries

    # Reading answers.

    def read(self, call: _Call[T], response: httpx.Response) -> T:
        """The parsed success model, or the error the answer stands for."""
        status = response.status_code
        try:
            data = json.loads(response.content)
        except ValueError:  # JSONDecodeError, UnicodeDecodeError
            raise self._bad_answer(call, response, "body is not JSON") from None
        if not isinstance(data, dict) or "rc" not in data:
            raise self._bad_answer(call, response, "body has no rc")
        try:
            rc = codes.parse_rc(data["rc"])
        except ValueError:
            raise self._bad_answer(call, response, "rc is not a code") from None
        if rc in codes.rcs_in(codes.SUCCESS_CATEGORY):
            if status != httpx.codes.OK:
                raise self._bad_answer(call, response, "success rc with an error status")
            try:
                return call.parse(data)
            except (KeyError, TypeError, ValueError, AttributeError):
                raise self._bad_answer(call, response, "success body of the wrong shape") from None
        raise self.api_error(call, rc, data)

    @staticmethod
    def api_error(call: _Call[Any], rc: int, data: Mapping[str, Any]) -> CitcallAPIError:
        info, trxid = data.get("info"), data.get("trxid")
        return error_class_for(rc)(
            rc,
            info if isinstance(info, str) else None,
            trxid if isinstance(trxid, str) else None,
            operation=call.operation,
            response=data,
        )

    def _bad_answer(
        self, call: _Call[Any], response: httpx.Response, problem: str
    ) -> CitcallResponseError:
        return CitcallResponseError(
            call.operation,
            call.msisdn,
            call.body_for_errors(),
            status_code=response.status_code,
            snippet=self._redact(response.content[: _SNIPPET_CHARS * 4]),
            problem=problem,
        )

    def _redact(self, raw: bytes) -> str:
        """The start of a body, one line, with any echo of the credentials removed."""
        text = _WHITESPACE.sub(" ", raw.decode("utf-8", "replace")).strip()
        for secret in self._secrets:
            text = text.replace(secret, "[secret]")
        return text[:_SNIPPET_CHARS]

    # Retry decisions: each returns the delay before the next attempt, or raises.

    def after_transport_error(
        self, call: _Call[Any], exc: httpx.RequestError, attempt: int
    ) -> float:
        reason = self._redact(f"{type(exc).__name__}: {exc}".encode())
        if isinstance(exc, NOT_SENT_RETRYABLE) and self.retry.can_retry(attempt):
            delay = self.retry.delay(attempt)
            logger.info(
                "%s to %s: %s before sending, retry %d in %.2fs",
                call.operation, call.msisdn, reason, attempt, delay,
            )  # fmt: skip
            return delay
        if isinstance(exc, NOT_SENT_RETRYABLE + NOT_SENT_FINAL):
            raise CitcallConnectionError(call.operation, attempt, reason) from exc
        logger.warning("%s to %s: outcome unknown: %s", call.operation, call.msisdn, reason)
        raise CitcallOutcomeUnknownError(
            call.operation, call.msisdn, call.body_for_errors(), reason
        ) from exc

    def after_unavailable(
        self, call: _Call[Any], exc: CitcallUnavailableError, attempt: int
    ) -> float:
        if not (self.retry.retry_unavailable and self.retry.can_retry(attempt)):
            raise exc
        delay = self.retry.delay(attempt)
        logger.info(
            "%s to %s: rc %d (not processed), retry %d in %.2fs",
            call.operation, call.msisdn, exc.rc, attempt, delay,
        )  # fmt: skip
        return delay


class Citcall:
    """Synchronous client of the Citcall v3 gateway.

    With `userid`, requests use `Authorization: Basic base64(userid:api_key)`; without,
    `Authorization: Apikey <api_key>`. `transport` (an httpx transport) is passed to the
    one `httpx.Client` the facade owns, for tests and custom networking.
    """

    def __init__(
        self,
        api_key: str,
        *,
        userid: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = DEFAULT_RETRY,
    ) -> None:
        self._core = _Core(api_key, userid, base_url, retry)
        self._http = httpx.Client(transport=transport, **self._core.client_options(timeout))

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
        return self._send(self._core.miscall(msisdn, gateway, callback_url, valid_time, limit_try))

    def sms(
        self, msisdn: str, text: str, *, senderid: str, callback_url: str | None = None
    ) -> SmsResponse:
        """Send an SMS (`/sms`)."""
        return self._send(self._core.sms(msisdn, text, senderid, callback_url))

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
        call = self._core.sms_otp(
            msisdn, text, senderid, token, valid_time, limit_try, callback_url
        )
        return self._send(call)

    def verify(self, trxid: str, msisdn: str, token: str) -> VerifyResponse:
        """Check the code a user typed (`/verify`); a wrong code raises CitcallVerificationError."""
        return self._send(self._core.verify(trxid, msisdn, token))

    def _send(self, call: _Call[T]) -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.request(**call.kwargs)
            except httpx.RequestError as exc:
                self._core.retry.wait(self._core.after_transport_error(call, exc, attempt))
                continue
            try:
                return self._core.read(call, response)
            except CitcallUnavailableError as exc:
                self._core.retry.wait(self._core.after_unavailable(call, exc, attempt))

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
    """Asynchronous client: the API of `Citcall` with `async` methods."""

    def __init__(
        self,
        api_key: str,
        *,
        userid: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = DEFAULT_RETRY,
    ) -> None:
        self._core = _Core(api_key, userid, base_url, retry)
        self._http = httpx.AsyncClient(transport=transport, **self._core.client_options(timeout))

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
        call = self._core.miscall(msisdn, gateway, callback_url, valid_time, limit_try)
        return await self._send(call)

    async def sms(
        self, msisdn: str, text: str, *, senderid: str, callback_url: str | None = None
    ) -> SmsResponse:
        """Send an SMS (`/sms`)."""
        return await self._send(self._core.sms(msisdn, text, senderid, callback_url))

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
        call = self._core.sms_otp(
            msisdn, text, senderid, token, valid_time, limit_try, callback_url
        )
        return await self._send(call)

    async def verify(self, trxid: str, msisdn: str, token: str) -> VerifyResponse:
        """Check the code a user typed (`/verify`); a wrong code raises CitcallVerificationError."""
        return await self._send(self._core.verify(trxid, msisdn, token))

    async def _send(self, call: _Call[T]) -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._http.request(**call.kwargs)
            except httpx.RequestError as exc:
                delay = self._core.after_transport_error(call, exc, attempt)
                await self._core.retry.wait_async(delay)
                continue
            try:
                return self._core.read(call, response)
            except CitcallUnavailableError as exc:
                await self._core.retry.wait_async(self._core.after_unavailable(call, exc, attempt))

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
