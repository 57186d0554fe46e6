"""The `citcall_sandbox` fixture: a live sandbox with known credentials and its callbacks."""

from __future__ import annotations

import httpx
import pytest

from citcall_contract import Citcall
from citcall_contract.contract.receiver import CallbackReceiver
from citcall_contract.errors import CitcallBalanceError
from citcall_contract.scenarios import pricing
from citcall_contract.testing import SANDBOX_USERID

pytest_plugins = ["pytester"]


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


@pytest.mark.citcall_sandbox(
    balance=500,
    api_key="marker-key",
    userid="marker-user",
    callback_delay=0.5,
    allow_hosts=["hooks.test"],
)
def test_the_marker_configures_the_live_sandbox(citcall_sandbox):
    config = citcall_sandbox.config
    assert (citcall_sandbox.api_key, citcall_sandbox.userid) == ("marker-key", "marker-user")
    assert config.callback_delay == 0.5
    assert "hooks.test" in config.callback_allow_hosts
    assert "127.0.0.1" in config.callback_allow_hosts  # added to loopback, as the CLI does
    with Citcall("marker-key", base_url=citcall_sandbox.base_url) as client:
        client.sms("6281234567890", "Hello", senderid="citcall")
        with pytest.raises(CitcallBalanceError):
            client.sms("6281234567890", "Hello", senderid="citcall")
    assert citcall_sandbox.balance() == 50
    citcall_sandbox.reset()
    assert citcall_sandbox.balance() == 500


@pytest.mark.citcall_sandbox(ballance=5)
def test_a_misspelt_option_is_refused_by_name(request):
    with pytest.raises(TypeError, match=r"'ballance'.*balance"):
        request.getfixturevalue("citcall_sandbox")


def test_the_factory_starts_sandboxes_with_their_own_options(citcall_sandbox_factory):
    rich = citcall_sandbox_factory(api_key="rich")
    broke = citcall_sandbox_factory(api_key="broke", balance=0)
    assert rich.base_url != broke.base_url
    with Citcall("rich", base_url=rich.base_url) as client:
        client.sms("6281234567890", "Hello", senderid="citcall")
    with Citcall("broke", base_url=broke.base_url) as client, pytest.raises(CitcallBalanceError):
        client.sms("6281234567890", "Hello", senderid="citcall")


def test_the_session_sandbox_is_shared_between_tests(pytester):
    pytester.makeconftest(
        """
import pytest

@pytest.fixture(scope="session")
def citcall_sandbox_session_options():
    return {"api_key": "session-key"}
"""
    )
    pytester.makepyfile(
        """
import httpx

SEEN = []

def _sms(sandbox):
    body = {"msisdn": "6281234567890", "senderid": "citcall", "text": "Hi"}
    headers = {"Authorization": "Apikey session-key"}
    return httpx.post(sandbox.base_url + "/sms", json=body, headers=headers).json()

def test_first(citcall_sandbox_session):
    SEEN.append(citcall_sandbox_session.base_url)
    assert _sms(citcall_sandbox_session)["rc"] == 0

def test_second(citcall_sandbox_session):
    assert SEEN == [citcall_sandbox_session.base_url]
    assert _sms(citcall_sandbox_session)["rc"] == 0
"""
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_the_marker_is_registered(pytester):
    pytester.makepyfile(
        """
import pytest

@pytest.mark.citcall_sandbox(balance=1)
def test_it():
    pass
"""
    )
    pytester.runpytest_inprocess("--strict-markers", "-p", "no:cacheprovider").assert_outcomes(
        passed=1
    )


@pytest.mark.citcall_sandbox(balance=500)
def test_against_a_live_sandbox(citcall_sandbox):
    """The README's example."""
    with Citcall(citcall_sandbox.api_key, base_url=citcall_sandbox.base_url) as client:
        sent = client.miscall("6281234567890")
    [record] = citcall_sandbox.sends("6281234567890", "asynccall")
    assert record["trxid"] == sent.trxid
    assert citcall_sandbox.balance() == 500 - pricing().missed_call  # README: 500 - 179


def _refuse_real_waits(monkeypatch):
    from types import SimpleNamespace

    from citcall_contract import retry

    def refuse(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s for a retry")

    monkeypatch.setattr(retry, "time", SimpleNamespace(sleep=refuse))


def test_retries_never_sleep_under_the_sandbox_fixtures(request, monkeypatch):
    from citcall_contract import RetryPolicy

    _refuse_real_waits(monkeypatch)
    with pytest.raises(AssertionError, match="slept"):
        RetryPolicy().wait(4.0)  # no fixture yet: the real wait (refused here)
    request.getfixturevalue("citcall_sandbox")
    RetryPolicy().wait(4.0)  # under the fixture: returns at once
