"""Parse the gateway's callbacks (webhooks) into plain, typed values for a receiver.

The gateway sends the same fact in several forms: `rc` as `0` or `"00"`, `price` and
`dial_code` as strings or numbers, `msisdn` with or without `+`, and only some fields.
`parse_callback` validates a body against the spec's webhook schema and returns one
normalised view: `rc` an int, `price` a `Decimal`, `dial_code` an int with its class and
`delivered`, `msisdn` in the client's form (`6281234567890`), absent fields `None`; the
payload as received stays available as `.raw`.

The kinds, schemas and required fields are read from the spec's `webhooks` on the first
parse. Callbacks are unsigned (anyone can post anything to a receiver), so a hostile body
(not UTF-8, not JSON, NaN, duplicate keys, lone surrogates, deep nesting, oversized) is a
`CallbackError`, never another exception. The SMS and SMS OTP reports have the same
fields, so a payload is matched to the kind whose schema fits it best; `kind=` settles it.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

from citcall_contract import spec
from citcall_contract.client.errors import CallbackError
from citcall_contract.core import strict_json
from citcall_contract.spec import codes, rules
from citcall_contract.spec.validators import error_location

__all__ = [
    "MAX_CALLBACK_BYTES",
    "Callback",
    "CallbackReport",
    "MissedCallReport",
    "SmsReport",
    "callback_kinds",
    "kind_alias",
    "parse_callback",
    "resolve_kind",
]

#: Largest body parsed; the gateway's callbacks are a few hundred bytes.
MAX_CALLBACK_BYTES = 64 * 1024
#: Deepest JSON nesting accepted; callbacks are flat objects.
MAX_NESTING = 32
#: Largest integer accepted anywhere in a body (about 30 digits); codes have three.
MAX_INT_BITS = 100


@dataclass(frozen=True)
class CallbackReport:
    """What every callback has: its kind, `trxid`, `result`, `price` and the raw payload."""

    #: The spec's webhook name: `missedCallStatus`, `smsStatus` or `smsOtpStatus`.
    kind: str
    trxid: str
    result: str
    #: The billed price in `currency` (SMS) or the account's currency, None when absent.
    price: Decimal | None
    #: The payload as received (read-only), unknown fields included.
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """A copy of the payload as received."""
        return dict(self.raw)

    def __getitem__(self, name: str) -> Any:
        """A field of the raw payload, e.g. one the spec does not (yet) describe."""
        return self.raw[name]


@dataclass(frozen=True)
class MissedCallReport(CallbackReport):
    """The outcome of a missed call (`missedCallStatus`)."""

    rc: int
    #: The end user's number as the client sends it: country code and digits, no `+`.
    msisdn: str | None
    via: str | None
    #: The calling number; the OTP is its last four digits.
    token: str | None
    #: The SIP code of the call (None when absent); unknown codes are kept.
    dial_code: int | None
    dial_status: str | None
    call_status: str | None

    @property
    def dial(self) -> codes.DialCodeInfo | None:
        """The spec's entry for `dial_code` (an unknown code keeps its class's meaning)."""
        return None if self.dial_code is None else codes.describe_dial_code(self.dial_code)

    @property
    def dial_class(self) -> str | None:
        """`1xx` ... `6xx`, or None without a dial code."""
        dial = self.dial
        return None if dial is None else dial.code_class

    @property
    def delivered(self) -> bool:
        """True for dial code 180, 183 or any 2xx (the spec's `DialCode` rule)."""
        dial = self.dial
        return dial is not None and dial.delivered

    @property
    def succeeded(self) -> bool:
        """True when `rc` is a success code (`0`, sent as `0` or `"00"`)."""
        return codes.describe_rc(self.rc).category == codes.SUCCESS_CATEGORY


@dataclass(frozen=True)
class SmsReport(CallbackReport):
    """A delivery report of an SMS (`smsStatus`) or SMS OTP (`smsOtpStatus`): see `kind`."""

    description: str | None
    #: `yyyy-mm-dd hh:mm:ss` as sent; `reported_at` is the parsed time.
    reported_date: str | None
    currency: str | None

    @property
    def reported_at(self) -> datetime | None:
        """`reported_date` as a naive datetime (the gateway gives no zone), None if unreadable."""
        if self.reported_date is None:
            return None
        try:
            return datetime.strptime(self.reported_date, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return None


Callback = MissedCallReport | SmsReport


@dataclass(frozen=True)
class _Kind:
    """One callback of the spec's `webhooks`: its schema and report class."""

    name: str
    schema: str
    required: frozenset[str]
    properties: frozenset[str]
    validator: Draft202012Validator
    model: type[CallbackReport]


@functools.cache
def callback_kinds() -> Mapping[str, _Kind]:
    """The spec's webhooks by name (`missedCallStatus`, `smsStatus`, `smsOtpStatus`)."""
    found: dict[str, _Kind] = {}
    for name, hook in spec.webhooks().items():
        schema = spec.component_schema(hook.schema_name)
        properties = frozenset(schema.get("properties", {}))
        found[name] = _Kind(
            name,
            hook.schema_name,
            frozenset(schema.get("required", ())),
            properties,
            hook.validator,
            MissedCallReport if "dial_code" in properties else SmsReport,
        )
    return found


def kind_alias(name: str) -> str:
    """A webhook's short name: `missedCallStatus` -> `missed-call`, `smsOtpStatus` -> `sms-otp`."""
    stem = name.removesuffix("Status")
    return re.sub(r"(?<!^)([A-Z])", r"-\1", stem).lower()


def resolve_kind(name: str) -> str:
    """A webhook name from its spec name, short alias or schema name; CallbackError otherwise."""
    kinds = callback_kinds()
    for kind in kinds.values():
        if name in (kind.name, kind_alias(kind.name), kind.schema):
            return kind.name
    known = ", ".join(f"{k} ({kind_alias(k)})" for k in kinds)
    raise CallbackError(f"unknown callback kind {name!r} (known: {known})")


def parse_callback(
    payload: bytes | str | Mapping[str, Any], *, kind: str | None = None
) -> Callback:
    """Validate a callback body against the spec and return its normalised report.

    `payload` is the raw body (bytes or str, preferred: the parse is then hardened) or
    decoded JSON. `kind` (a webhook name or alias) skips detection; without it the SMS and
    SMS OTP reports, which have the same fields, parse as the SMS report. Unknown rc
    values and dial codes are kept. Raises `CallbackError` for anything else.
    """
    try:
        data = _decode(payload)
        chosen = callback_kinds()[resolve_kind(kind)] if kind is not None else _detect(data)
        problems = sorted(
            chosen.validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]
        )
        if problems:
            details = "; ".join(_describe(error) for error in problems[:3])
            raise CallbackError(f"invalid {chosen.name} callback: {details}")
        return _report(chosen, data)
    except (RecursionError, ValueError) as exc:  # nesting or numbers beyond Python's limits
        if isinstance(exc, CallbackError):
            raise
        raise CallbackError(f"callback body cannot be read safely: {type(exc).__name__}") from None


# --- decoding: bytes -> a flat JSON object, hostile input refused ----------------------------


def _decode(payload: object) -> dict[str, Any]:
    if isinstance(payload, bytes | bytearray | memoryview):
        raw = bytes(payload)
        if len(raw) > MAX_CALLBACK_BYTES:
            raise CallbackError(f"callback body larger than {MAX_CALLBACK_BYTES} bytes")
        try:
            payload = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CallbackError(f"callback body is not UTF-8: {exc.reason}") from None
    if isinstance(payload, str):
        if len(payload) > MAX_CALLBACK_BYTES:
            raise CallbackError(f"callback body larger than {MAX_CALLBACK_BYTES} bytes")
        brackets = payload.count("[") + payload.count("{")
        if brackets > MAX_NESTING and _nesting(payload) > MAX_NESTING:
            raise CallbackError(f"callback body is nested deeper than {MAX_NESTING} levels")
        try:
            payload = strict_json.loads(payload, object_pairs_hook=_unique_keys)
        except CallbackError:
            raise
        except ValueError as exc:
            raise CallbackError(f"callback body is not JSON: {exc}") from None
    if not isinstance(payload, Mapping):
        raise CallbackError(f"callback body must be a JSON object, not {type(payload).__name__}")
    data = dict(payload)
    _check_text(data)
    return data


def _nesting(text: str) -> int:
    """How deep `[` / `{` nest, counted without parsing (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse `{"trxid": "1", "trxid": "2"}`: parsers disagree on which one counts."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise CallbackError(f"callback body repeats the field {_safe(key)}")
        found[key] = value
    return found


def _check_text(data: Mapping[str, Any]) -> None:
    """Strings encodable as UTF-8 (no lone surrogate such as `"\\ud800"`), bounded numbers."""
    stack: list[tuple[str, Any]] = [(str(key), value) for key, value in data.items()]
    stack += [("(a field name)", key) for key in data]
    seen = 0
    while stack:
        where, value = stack.pop()
        seen += 1
        if seen > 10_000:
            raise CallbackError("callback body has too many values")
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise CallbackError(f"{_safe(where)}: not valid Unicode (lone surrogate)") from None
        elif isinstance(value, Mapping):
            stack += [(where, key) for key in value]
            stack += [(where, item) for item in value.values()]
        elif isinstance(value, list | tuple):
            stack += [(where, item) for item in value]
        elif isinstance(value, float) and not math.isfinite(value):
            raise CallbackError(f"{_safe(where)}: {value} is not a finite number")
        elif isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise CallbackError(f"{_safe(where)}: number too large")


def _safe(text: str) -> str:
    """A field name for a message: printable, short, never a lone surrogate."""
    shown = text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
    return repr(shown if len(shown) <= 40 else shown[:37] + "...")


def _detect(data: Mapping[str, Any]) -> _Kind:
    """The kind whose required fields are present and whose fields explain most keys."""
    keys = set(data)
    kinds = callback_kinds().values()
    fitting = [k for k in kinds if k.required <= keys]
    if not fitting:
        closest = min(kinds, key=lambda k: len(k.required - keys))
        missing = ", ".join(sorted(closest.required - keys))
        raise CallbackError(f"not a known callback: missing {missing} (for {closest.name})")
    # Spec order breaks ties (`min` keeps the first of equal keys).
    return min(fitting, key=lambda k: (len(keys - k.properties), -len(keys & k.properties)))


def _describe(error: Any) -> str:
    where = error_location(error)
    message = str(error.message)
    return f"{where}: {message if len(message) <= 120 else message[:117] + '...'}"


# --- the normalised view ---


def _report(kind: _Kind, data: dict[str, Any]) -> Callback:
    raw = MappingProxyType(data)
    common = {
        "kind": kind.name,
        "trxid": data["trxid"],
        "result": data["result"],
        "price": _decimal(data.get("price")),
        "raw": raw,
    }
    if kind.model is MissedCallReport:
        msisdn = data.get("msisdn")
        return MissedCallReport(
            **common,
            rc=codes.parse_rc(data["rc"]),
            msisdn=None if msisdn is None else rules.international_msisdn(msisdn),
            via=data.get("via"),
            token=data.get("token"),
            dial_code=None if data.get("dial_code") is None else int(data["dial_code"]),
            dial_status=data.get("dial_status"),
            call_status=data.get("call_status"),
        )
    return SmsReport(
        **common,
        description=data.get("description"),
        reported_date=data.get("reportedDate"),
        currency=data.get("currency"),
    )


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        exact = isinstance(value, str | int | Decimal)
        number = Decimal(value) if exact else Decimal(repr(value))  # type: ignore[arg-type]
    except (InvalidOperation, ValueError, TypeError):
        raise CallbackError(f"price: {value!r} is not a number") from None
    if not number.is_finite():
        raise CallbackError(f"price: {value!r} is not a finite number")
    return number
