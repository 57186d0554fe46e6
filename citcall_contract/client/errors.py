"""Exceptions of the facade, and the mapping from an rc to its exception class.

The hierarchy (a test holds this tree against the classes):

    CitcallError                      every error the facade raises
    ├── CitcallInputError             an argument refused before anything was sent (ValueError)
    ├── CallbackError                 a callback body the spec does not allow (ValueError)
    ├── CitcallConnectionError        the request never reached the gateway: safe to resend
    ├── CitcallOutcomeUnknownError    it may have been processed: reconcile, never resend blindly
    │   └── CitcallResponseError      an answer that is not the gateway's JSON (status, shape)
    └── CitcallAPIError               the gateway answered an rc other than success
        ├── CitcallAuthError          category `auth`: credentials refused
        ├── CitcallInvalidRequestError  category `invalid_request`: the content refused
        ├── CitcallBalanceError       category `balance`: the balance does not cover it
        ├── CitcallUnavailableError   category `unavailable`: nothing processed, retried first
        ├── CitcallVerificationError  category `verification`: an OTP check failed
        └── CitcallUnknownError       category `unknown`: the gateway's own "failed"

The `CitcallAPIError` subclasses group rc values by the category the spec gives each code
(`x-enum-categories` of `ResponseCode`), so the rc table itself is never copied here:
a code moves between classes by editing the YAML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from citcall_contract.spec import codes


class CitcallError(Exception):
    """Base of every error the facade raises."""


class CitcallInputError(CitcallError, ValueError):
    """An argument was refused before anything was sent; `field` names it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


class CallbackError(CitcallError, ValueError):
    """A callback payload is not JSON or does not match any callback schema of the spec."""


class CitcallConnectionError(CitcallError):
    """The request never reached the gateway (connect error or time-out, after retries).

    Nothing was processed, so sending it again later is safe. `hosts` lists the base
    URLs that were tried (primary first).
    """

    def __init__(
        self, operation: str, attempts: int, reason: str, hosts: Sequence[str] = ()
    ) -> None:
        tried = f" (tried {', '.join(hosts)})" if hosts else ""
        super().__init__(
            f"{operation}: could not reach the gateway after {attempts} attempt(s){tried}: "
            f"{reason}; nothing was sent, it is safe to try again"
        )
        self.operation = operation
        self.attempts = attempts
        self.reason = reason
        self.hosts = tuple(hosts)


RECONCILE_HINT = (
    "the gateway may have processed this request: do not resend blindly; reconcile by "
    "the callback for this msisdn (or by trxid) before sending again"
)


class CitcallOutcomeUnknownError(CitcallError):
    """The request may have reached the gateway, but its answer was lost or unreadable.

    It is never resent automatically (that could bill or send twice). `operation`,
    `msisdn`, `host` (the base URL it went to) and `request` (the JSON body, OTP codes
    masked) identify the send so the caller can reconcile it through the callback or
    the gateway's records.
    """

    def __init__(
        self,
        operation: str,
        msisdn: str,
        request: Mapping[str, Any],
        reason: str,
        *,
        host: str | None = None,
    ) -> None:
        at = f" at {host}" if host else ""
        super().__init__(
            f"{operation} to {msisdn}{at}: outcome unknown ({reason}); {RECONCILE_HINT}"
        )
        self.operation = operation
        self.msisdn = msisdn
        self.request = dict(request)
        self.reason = reason
        self.host = host


class CitcallResponseError(CitcallOutcomeUnknownError):
    """The answer had an unexpected HTTP status or a body that is not the gateway's JSON.

    Typically a proxy's HTML error page, a truncated or oversized body, or a success
    body without the fields the spec requires; `status_code` and `snippet` (the start
    of the body, secrets removed) say what came back.
    """

    def __init__(
        self,
        operation: str,
        msisdn: str,
        request: Mapping[str, Any],
        *,
        status_code: int,
        snippet: str,
        problem: str,
        host: str | None = None,
    ) -> None:
        reason = f"HTTP {status_code}, {problem}: {snippet!r}"
        super().__init__(operation, msisdn, request, reason, host=host)
        self.status_code = status_code
        self.snippet = snippet
        self.problem = problem


class CitcallAPIError(CitcallError):
    """The gateway answered with an rc other than success.

    Raised as such for a code the spec does not know; known codes raise the subclass of
    their category.
    """

    category: ClassVar[str | None] = None

    def __init__(
        self,
        rc: int,
        info: str | None = None,
        trxid: str | None = None,
        *,
        operation: str = "",
        response: Mapping[str, Any] | None = None,
    ) -> None:
        entry = codes.describe_rc(rc)
        text = info if info is not None else entry.description
        where = f"{operation}: " if operation else ""
        super().__init__(f"{where}rc {rc} ({entry.name}): {text}")
        self.rc = rc
        self.info = info
        self.trxid = trxid
        self.operation = operation
        self.response: dict[str, Any] = dict(response or {})


class CitcallAuthError(CitcallAPIError):
    """Credentials refused (wrong key, password or user ID)."""

    category = "auth"


class CitcallInvalidRequestError(CitcallAPIError):
    """The gateway refused the request's content (number, text, sender ID, gateway...)."""

    category = "invalid_request"


class CitcallBalanceError(CitcallAPIError):
    """The account's balance does not cover the send."""

    category = "balance"


class CitcallUnavailableError(CitcallAPIError):
    """Service unavailable or maintenance: nothing was processed, retrying is safe."""

    category = codes.UNAVAILABLE_CATEGORY


class CitcallVerificationError(CitcallAPIError):
    """An OTP check failed: no such transaction, wrong or expired code, too many tries."""

    category = "verification"


class CitcallUnknownError(CitcallAPIError):
    """The gateway's own "unknown error / failed" code."""

    category = codes.UNKNOWN_CATEGORY


#: Exception class per rc category of the spec (`x-enum-categories`).
CATEGORY_ERRORS: Mapping[str, type[CitcallAPIError]] = {
    cls.category: cls for cls in CitcallAPIError.__subclasses__() if cls.category is not None
}


def error_class_for(rc: int) -> type[CitcallAPIError]:
    """The class raised for `rc`: its category's class, or CitcallAPIError when unknown."""
    entry = codes.describe_rc(rc)
    if not entry.known:
        return CitcallAPIError
    return CATEGORY_ERRORS.get(entry.category, CitcallAPIError)
