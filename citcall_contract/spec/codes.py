"""The rc and dial-code tables, read from the spec's `ResponseCode` and `DialCode` schemas.

Unknown codes are first-class here: the gateway may add codes at any time, so lookups
answer with an "unknown" entry instead of raising.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from citcall_contract.spec import component_schema

SUCCESS_CATEGORY = "success"
UNKNOWN_CATEGORY = "unknown"
#: Category of codes that describe a temporary state of the gateway (safe to retry).
UNAVAILABLE_CATEGORY = "unavailable"


@dataclass(frozen=True)
class ResponseCodeInfo:
    """One row of the rc table."""

    rc: int
    name: str
    description: str
    category: str
    known: bool = True


@dataclass(frozen=True)
class DialCodeInfo:
    """One SIP dial code, with its class and whether a missed call counts as delivered."""

    code: int
    name: str
    description: str
    code_class: str
    class_name: str
    delivered: bool
    known: bool = True


@functools.cache
def response_codes() -> Mapping[int, ResponseCodeInfo]:
    """Every rc the spec documents, in the spec's order."""
    schema = component_schema("ResponseCode")
    rows = zip(
        schema["enum"],
        schema["x-enum-varnames"],
        schema["x-enum-descriptions"],
        schema["x-enum-categories"],
        strict=True,
    )
    return {rc: ResponseCodeInfo(rc, name, text, category) for rc, name, text, category in rows}


@functools.cache
def _rc_by_name() -> Mapping[str, int]:
    return {info.name: rc for rc, info in response_codes().items()}


def rc_named(name: str) -> int:
    """The rc whose `x-enum-varnames` entry is `name` (KeyError names the unknown one)."""
    try:
        return _rc_by_name()[name]
    except KeyError:
        raise KeyError(f"the spec's ResponseCode has no {name!r}") from None


@functools.cache
def rcs_in(category: str) -> frozenset[int]:
    """Every documented rc of an `x-enum-categories` category."""
    return frozenset(info.rc for info in response_codes().values() if info.category == category)


def parse_rc(raw: object) -> int:
    """The integer value of an rc as it arrives (`0`, `79`, `"00"`); ValueError otherwise."""
    if isinstance(raw, bool):
        raise ValueError(f"rc must be an integer or a digit string, not {raw!r}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        return int(raw)
    raise ValueError(f"rc must be an integer or a digit string, not {raw!r}")


def describe_rc(rc: int) -> ResponseCodeInfo:
    """The table's row for `rc`, or an "unknown" row for a code the spec does not list."""
    known = response_codes().get(rc)
    if known is not None:
        return known
    return ResponseCodeInfo(
        rc, f"RC_{rc}", f"Code {rc} is not in the spec.", UNKNOWN_CATEGORY, False
    )


def is_success(raw: object) -> bool:
    try:
        return describe_rc(parse_rc(raw)).category == SUCCESS_CATEGORY
    except ValueError:
        return False


def retryable_rcs() -> frozenset[int]:
    """Codes for a temporary gateway state (34, 66): the request was not processed."""
    return rcs_in(UNAVAILABLE_CATEGORY)


@functools.cache
def _dial_classes() -> Mapping[str, tuple[str, bool]]:
    classes = component_schema("DialCode")["x-dial-code-classes"]
    return {row["class"]: (row["name"], bool(row["delivered"])) for row in classes}


@functools.cache
def dial_codes() -> Mapping[int, DialCodeInfo]:
    """All SIP codes of the seed's appendix, in the spec's order."""
    schema = component_schema("DialCode")
    delivered_codes = set(schema["x-delivered-dial-codes"])
    rows = zip(
        schema["enum"], schema["x-enum-varnames"], schema["x-enum-descriptions"], strict=True
    )
    return {code: _dial_info(code, name, text, delivered_codes) for code, name, text in rows}


def _dial_info(code: int, name: str, text: str, delivered_codes: set[int]) -> DialCodeInfo:
    code_class = f"{code // 100}xx"
    class_name, class_delivered = _dial_classes().get(code_class, ("Unknown class", False))
    delivered = code in delivered_codes or class_delivered
    return DialCodeInfo(code, name, text, code_class, class_name, delivered)


def describe_dial_code(code: int) -> DialCodeInfo:
    """The spec's entry for a dial code; an unknown code keeps its class's meaning."""
    known = dial_codes().get(code)
    if known is not None:
        return known
    schema = component_schema("DialCode")
    info = _dial_info(
        code, f"DIAL_{code}", f"SIP code {code}.", set(schema["x-delivered-dial-codes"])
    )
    return DialCodeInfo(**{**info.__dict__, "known": False})


def is_delivered(dial_code: object) -> bool:
    """The seed's rule: 180, 183 and every 2xx code mean the missed call was delivered."""
    try:
        code = parse_rc(dial_code)
    except ValueError:
        return False
    return describe_dial_code(code).delivered
