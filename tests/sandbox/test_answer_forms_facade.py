"""The facade reads every wire form the varied sandbox sends (over a loopback socket)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from citcall_contract import Citcall, CitcallVerificationError
from citcall_contract.sandbox import SandboxConfig, SandboxServer
from citcall_contract.spec.codes import rc_named
from citcall_contract.spec.rules import missed_call_otp

from .sandbox_support import API_KEY

CALLS = 12
PHONE = "6281234567890"


@pytest.fixture(scope="module")
def client() -> Iterator[Citcall]:
    config = SandboxConfig(api_key=API_KEY, answer_forms="varied")
    with (
        SandboxServer(config) as server,
        Citcall(API_KEY, base_url=server.base_url, retry=None) as citcall,
    ):
        yield citcall


def test_missed_calls_in_every_form(client):
    for send in (client.miscall, client.motp):
        calls = [send(PHONE, valid_time=60) for _ in range(CALLS)]
        assert all(missed_call_otp(call.token) for call in calls)
        assert {str(call.msisdn).lstrip("+") for call in calls} == {PHONE}
        assert {int(call.gateway) for call in calls} == {0}  # 0 and "0" alike


def test_sms_in_every_form(client):
    sent = [client.sms(PHONE, "Your parcel has shipped.", senderid="citcall") for _ in range(CALLS)]
    assert {Decimal(str(sms.price)) for sms in sent} == {Decimal(450)}
    assert {type(sms.price) for sms in sent} == {int, str}


def test_verify_in_every_form(client):
    for _ in range(CALLS):
        sms = client.sms_otp(PHONE, "Kode 4821", senderid="citcall", token="4821", valid_time=60)
        assert client.verify(sms.trxid, PHONE, "4821").trxid == sms.trxid
    for _ in range(4):  # a wrong code: rc 79 as 79 or "79"
        sms = client.sms_otp(PHONE, "Kode 4821", senderid="citcall", token="4821", valid_time=60)
        with pytest.raises(CitcallVerificationError) as refused:
            client.verify(sms.trxid, PHONE, "1111")
        assert refused.value.rc == rc_named("INVALID_TOKEN")
