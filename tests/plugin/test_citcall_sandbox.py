"""The `citcall_sandbox` fixture: a live sandbox with known credentials and its callbacks."""

from __future__ import annotations

import httpx

from citcall_contract import Citcall
from citcall_contract.contract.receiver import CallbackReceiver
from citcall_contract.testing import SANDBOX_USERID


def test_the_facade_talks_to_the_sandbox_and_callbacks_are_listed(citcall_sandbox):
    with (
        CallbackReceiver() as receiver,
        Citcall(citcall_sandbox.api_key, base_url=citcall_sandbox.base_url) as client,
    ):
        sent = client.miscall("6281234567890", callback_url=receiver.url_for("missedCallStatus"))
        receiver.wait_for({sent.trxid}, timeout=5)
    [delivery] = citcall_sandbox.wait_for_deliveries(1, trxid=sent.trxid)
    assert delivery["delivered"] is True
    assert delivery["url"] == receiver.url_for("missedCallStatus")
    assert [c.trxid for c in receiver.caught()] == [sent.trxid]
    assert [c.problem for c in receiver.caught()] == [None]


def test_basic_credentials_of_the_fixture_are_accepted(citcall_sandbox):
    assert citcall_sandbox.userid == SANDBOX_USERID
    with Citcall(
        citcall_sandbox.api_key, userid=citcall_sandbox.userid, base_url=citcall_sandbox.base_url
    ) as client:
        assert client.sms("6281234567890", "Hello", senderid="citcall").sms_count == 1


def test_wrong_credentials_are_refused_and_the_key_stays_out_of_repr(citcall_sandbox):
    body = {"msisdn": "6281234567890", "senderid": "citcall", "text": "Hello"}
    answer = httpx.post(
        citcall_sandbox.base_url + "/sms", json=body, headers={"Authorization": "Apikey nope"}
    ).json()
    assert answer["rc"] != 0
    assert citcall_sandbox.api_key not in repr(citcall_sandbox)
    assert citcall_sandbox.deliveries() == []
