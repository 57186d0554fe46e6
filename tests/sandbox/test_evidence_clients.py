"""Clients in the shapes the trial of public Citcall clients found, against the sandbox.

Each is small and written here, after a real one: a Go client that decodes `rc` into an
`int`, one that decodes `price` into an `int` (ali-irawan/citcall-client), a client that
reads `price` as the seed's string only, and one that drops `valid_time` (citcall-py).
Against the sandbox's canonical answers (or its old, looser verification) the bugs stay
hidden; `answer_forms="varied"` or the spec's rules make each fail, naming the field.
This is the demonstration that the mode and the rules catch real bugs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from decimal import Decimal
from typing import Any

import httpx
import pytest

from citcall_contract.sandbox import SandboxConfig, SandboxServer

from .sandbox_support import API_KEY, AUTH

PHONE = "6281234567890"
SMS = {"msisdn": PHONE, "senderid": "citcall", "text": "Your parcel has shipped."}
#: Enough answers for every form of every field to come round at least once.
CALLS = 12


class ClientBug(Exception):
    """What the client under test raised: its own error, naming the field it choked on."""


def go_decode(struct: str, body: Mapping[str, Any], types: Mapping[str, type]) -> dict[str, Any]:
    """What Go's `encoding/json` does with a struct of fixed field types: a value of
    another JSON type is an error naming the field."""
    decoded = {}
    for name, kind in types.items():
        value = body.get(name)
        if value is not None and type(value) is not kind:
            found = "string" if isinstance(value, str) else "number"
            raise ClientBug(
                f"json: cannot unmarshal {found} into Go struct field {struct}.{name} "
                f"of type {'int' if kind is int else 'string'}"
            )
        decoded[name] = value
    return decoded


class GoSmsClient:
    """A Go client: `/sms` answers decoded into a struct whose fields have fixed types."""

    def __init__(self, http: httpx.Client, types: Mapping[str, type]) -> None:
        self.http = http
        self.types = types

    def sms(self) -> dict[str, Any]:
        body = self.http.post("/sms", json=SMS).json()
        return go_decode("SmsResponse", body, self.types)


#: A Go client whose `Rc` is an `int` (one had to add a flexible type for `"00"`).
RC_AS_INT = {"rc": int, "trxid": str, "price": str}
#: ali-irawan/citcall-client's shape: `Price int`.
PRICE_AS_INT = {"trxid": str, "price": int}


class PriceAsStringClient:
    """Written against the seed's example (`"price": "450"`): strips the string."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def sms(self) -> Decimal:
        body = self.http.post("/sms", json=SMS).json()
        try:
            return Decimal(body["price"].strip())
        except AttributeError:
            raise ClientBug(f"price: expected a string, got {body['price']!r}") from None


class DropsValidTimeClient:
    """citcall-py's shape: `miscall(..., valid_time=...)` accepts the argument and never
    sends it, so the gateway keeps no code and `verify` cannot succeed."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def miscall(self, msisdn: str, valid_time: int) -> dict[str, Any]:
        body = {"msisdn": msisdn, "gateway": 0}  # valid_time dropped
        answer: dict[str, Any] = self.http.post("/asynccall", json=body).json()
        return answer

    def verify(self, trxid: str, msisdn: str, token: str) -> None:
        body = {"msisdn": msisdn, "trxid": trxid, "token": token}
        answer = self.http.post("/verify", json=body).json()
        if str(answer["rc"]).strip("0"):
            raise ClientBug(f"verify refused: rc {answer['rc']}, {answer.get('info')}")


@pytest.fixture(scope="module")
def sandboxes() -> Iterator[dict[str, httpx.Client]]:
    """HTTP clients of three loopback sandboxes: canonical, varied, and canonical with the
    pre-issue-19 verification (codes kept without `valid_time`)."""
    configs = {
        "canonical": SandboxConfig(api_key=API_KEY),
        "varied": SandboxConfig(api_key=API_KEY, answer_forms="varied"),
        "loose": SandboxConfig(api_key=API_KEY, relax=["verify-needs-valid-time"]),
    }
    with ExitStack() as stack:
        clients = {}
        for name, config in configs.items():
            server = stack.enter_context(SandboxServer(config))
            http = httpx.Client(base_url=server.base_url, headers=AUTH, trust_env=False)
            clients[name] = stack.enter_context(http)
        yield clients


def _calls(send: Any) -> None:
    for _ in range(CALLS):
        send()


def test_rc_as_int_passes_canonical_and_fails_varied_naming_rc(sandboxes):
    _calls(GoSmsClient(sandboxes["canonical"], RC_AS_INT).sms)
    with pytest.raises(ClientBug, match=r"SmsResponse\.rc of type int"):
        _calls(GoSmsClient(sandboxes["varied"], RC_AS_INT).sms)


def test_price_as_string_passes_canonical_and_fails_varied_naming_price(sandboxes):
    _calls(PriceAsStringClient(sandboxes["canonical"]).sms)
    with pytest.raises(ClientBug, match=r"^price: expected a string, got 450$"):
        _calls(PriceAsStringClient(sandboxes["varied"]).sms)


def test_price_as_int_fails_on_the_seeds_string_already(sandboxes):
    # The canonical answer is the seed's `"price": "450"`, so this shape never passes;
    # varied answers show it the integer too, which is why it looked fine in its author's
    # recordings.
    with pytest.raises(ClientBug, match=r"SmsResponse\.price of type int"):
        GoSmsClient(sandboxes["canonical"], PRICE_AS_INT).sms()
    with pytest.raises(ClientBug, match=r"SmsResponse\.price of type int"):
        _calls(GoSmsClient(sandboxes["varied"], PRICE_AS_INT).sms)


def test_dropping_valid_time_passes_a_loose_sandbox_and_fails_the_spec_naming_it(sandboxes):
    loose = DropsValidTimeClient(sandboxes["loose"])
    call = loose.miscall(PHONE, valid_time=300)
    loose.verify(call["trxid"], PHONE, call["token"][-4:])
    strict = DropsValidTimeClient(sandboxes["canonical"])
    call = strict.miscall(PHONE, valid_time=300)
    with pytest.raises(ClientBug, match=r"rc 78, Data not found!: .*valid_time"):
        strict.verify(call["trxid"], PHONE, call["token"][-4:])
