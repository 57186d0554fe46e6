"""Parse the gateway's callbacks (webhooks) into typed objects.

The callback kinds, their schemas and required fields are read from the spec's
`webhooks` once, on the first parse; validators are compiled once. Callbacks are unsigned and
the SMS and SMS OTP reports have the same fields, so a payload is matched to the kind
whose schema fits it best, and `kind=` settles it when the caller knows the source.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import citcall_v3_client.models as generated
from citcall_v3_client.models import MissedCallCallback, SmsCallback, SmsOtpCallback

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

from citcall_contract import codes, spec
from citcall_contract.errors import CallbackError

__all__ = ["Callback", "MissedCallReport", "callback_kinds", "parse_callback"]


class MissedCallReport(MissedCallCallback):
    """A missed-call callback, with the seed's delivery rule applied to `dial_code`."""

    @property
    def delivered(self) -> bool:
        """True for dial code 180, 183 or any 2xx (read from the spec's DialCode table)."""
        return codes.is_delivered(self.dial_code)


Callback = MissedCallReport | SmsCallback | SmsOtpCallback


@dataclass(frozen=True)
class _Kind:
    """One callback of the spec's `webhooks`: its schema and model."""

    name: str
    schema: str
    required: frozenset[str]
    properties: frozenset[str]
    validator: Draft202012Validator
    model: Any


@functools.cache
def callback_kinds() -> Mapping[str, _Kind]:
    """The spec's webhooks by name (`missedCallStatus`, `smsStatus`, `smsOtpStatus`)."""
    found: dict[str, _Kind] = {}
    for name, hook in spec.webhooks().items():
        schema = spec.component_schema(hook.schema_name)
        model = getattr(generated, hook.schema_name)
        found[name] = _Kind(
            name,
            hook.schema_name,
            frozenset(schema.get("required", ())),
            frozenset(schema.get("properties", {})),
            hook.validator,
            MissedCallReport if model is MissedCallCallback else model,
        )
    return found


def parse_callback(
    payload: bytes | str | Mapping[str, Any], *, kind: str | None = None
) -> Callback:
    """Validate a callback body against the spec and return its typed model.

    `payload` is the raw body (bytes or str) or decoded JSON. `kind` (a webhook name of
    the spec) skips detection; without it the SMS and SMS OTP reports, which have the
    same fields, parse as the SMS report. Unknown rc values and dial codes are kept.
    """
    data = _decode(payload)
    if kind is not None:
        kinds = callback_kinds()
        if kind not in kinds:
            known = ", ".join(kinds)
            raise CallbackError(f"unknown callback kind {kind!r} (known: {known})")
        chosen = kinds[kind]
    else:
        chosen = _detect(data)
    problems = sorted(chosen.validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if problems:
        details = "; ".join(_describe(error) for error in problems[:3])
        raise CallbackError(f"invalid {chosen.name} callback: {details}")
    result: Callback = chosen.model.from_dict(data)
    return result


def _decode(payload: object) -> dict[str, Any]:
    if isinstance(payload, bytes | bytearray | memoryview):
        try:
            payload = bytes(payload).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CallbackError(f"callback body is not UTF-8: {exc.reason}") from None
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError as exc:
            raise CallbackError(f"callback body is not JSON: {exc}") from None
    if not isinstance(payload, Mapping):
        raise CallbackError(f"callback body must be a JSON object, not {type(payload).__name__}")
    return dict(payload)


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
    where = "/".join(str(part) for part in error.absolute_path) or "body"
    message = str(error.message)
    return f"{where}: {message if len(message) <= 120 else message[:117] + '...'}"
