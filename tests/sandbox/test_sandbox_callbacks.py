"""Callbacks: schema-valid payloads, allowlisted hosts only, bounded retries and queue."""

from __future__ import annotations

import pytest

from citcall_contract.core.hosts import is_allowed
from citcall_contract.sandbox import SandboxConfig
from citcall_contract.spec import operation_callback
from citcall_contract.spec.codes import rc_named
from citcall_contract.spec.scenarios import validation_rules

from .sandbox_support import VALID_BODIES


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8000/hook", True),
        ("http://127.9.9.9/hook", True),  # 127.0.0.0/8 is loopback
        ("http://[::1]:9/x", True),
        ("https://LOCALHOST/x", True),
        ("http://example.com/x", False),
        ("http://localhost.example.com/x", False),
        ("http://127.0.0.1.nip.io/x", False),
        ("http://2130706433/x", False),  # no numeric tricks: compared literally
        ("http://10.0.0.1/x", False),
        ("ftp://127.0.0.1/x", False),
        ("http://127.0.0.1:99999/x", False),
        ("http://127.0.0.1\\@example.com/x", False),  # userinfo tricks name the real host
        ("http://example.com@127.0.0.1/x", True),
        ("http://0177.0.0.1/x", False),
    ],
)
def test_allowlist_compares_hosts_literally(url, allowed):
    assert is_allowed(url, ("127.0.0.1", "localhost", "::1")) is allowed


def test_allowlist_can_be_extended_and_loopback_ips_need_a_loopback_entry():
    assert is_allowed("http://hooks.test/x", ("hooks.test",))
    assert not is_allowed("http://127.0.0.2/x", ("hooks.test",))


@pytest.mark.parametrize(
    ("operation_id", "kind"),
    [("sendSms", "smsStatus"), ("sendSmsOtp", "smsOtpStatus"), ("motp", "missedCallStatus")],
)
async def test_each_send_posts_a_schema_valid_callback(make_sandbox, receiver, operation_id, kind):
    async with make_sandbox() as sandbox:
        body = {**VALID_BODIES[operation_id], "callback_url": receiver.url}
        answer = await sandbox.call(operation_id, body)
        await sandbox.state.dispatcher.wait_idle(5)
        [delivery] = sandbox.state.deliveries.snapshot()
    [payload] = receiver.wait(1)
    assert payload["trxid"] == answer["trxid"]
    assert not list(operation_callback(operation_id).validator.iter_errors(payload))
    assert delivery["kind"] == kind
    assert delivery["delivered"] is True
    assert (delivery["attempts"], delivery["status_code"], delivery["error"]) == (1, 200, None)


async def test_disallowed_callback_host_is_refused_and_never_contacted(make_sandbox, receiver):
    # The receiver listens on loopback, which this sandbox is told not to trust.
    async with make_sandbox(callback_allow_hosts=("hooks.test",)) as sandbox:
        body = {**VALID_BODIES["asyncMiscall"], "callback_url": receiver.url}
        data = await sandbox.call("asyncMiscall", body)
        await sandbox.state.dispatcher.wait_idle(5)
        deliveries = sandbox.state.deliveries.snapshot()
    assert data["rc"] == validation_rules().callback_host_refused_rc
    assert "callback_url" in data["info"]
    assert deliveries == []
    assert receiver.wait(1, timeout=0.2) == []


async def test_retries_after_failures_with_backoff(make_sandbox, receiver):
    receiver.statuses.extend([500, 503])
    async with make_sandbox(callback_retries=3, callback_backoff=0.01) as sandbox:
        await sandbox.call("sendSms", {**VALID_BODIES["sendSms"], "callback_url": receiver.url})
        await sandbox.state.dispatcher.wait_idle(5)
        [delivery] = sandbox.state.deliveries.snapshot()
    assert len(receiver.received) == 3
    assert (delivery["attempts"], delivery["delivered"], delivery["status_code"]) == (3, True, 200)


async def test_retries_are_bounded(make_sandbox, receiver):
    receiver.statuses.extend([500] * 10)
    async with make_sandbox(callback_retries=2, callback_backoff=0.0) as sandbox:
        await sandbox.call("sendSms", {**VALID_BODIES["sendSms"], "callback_url": receiver.url})
        await sandbox.state.dispatcher.wait_idle(5)
        [delivery] = sandbox.state.deliveries.snapshot()
    assert len(receiver.received) == 3
    assert delivery["delivered"] is False
    assert delivery["error"] == "HTTP 500"


async def test_unreachable_receiver_is_recorded_not_raised(make_sandbox):
    async with make_sandbox(callback_retries=1, callback_backoff=0.0) as sandbox:
        body = {**VALID_BODIES["sendSms"], "callback_url": "http://127.0.0.1:9/hook"}
        answer = await sandbox.call("sendSms", body)
        await sandbox.state.dispatcher.wait_idle(5)
        [delivery] = sandbox.state.deliveries.snapshot()
    assert answer["rc"] == 0
    assert delivery["attempts"] == 2
    assert delivery["delivered"] is False
    assert "Connect" in delivery["error"]


async def test_default_callback_url_is_used_without_callback_url(make_sandbox, receiver):
    async with make_sandbox(default_callback_url=receiver.url) as sandbox:
        answer = await sandbox.call("asyncMiscall")
        await sandbox.state.dispatcher.wait_idle(5)
    assert receiver.wait(1)[0]["trxid"] == answer["trxid"]


async def test_no_callback_without_any_url(make_sandbox):
    async with make_sandbox() as sandbox:
        await sandbox.call("sendSms")
    assert sandbox.state.deliveries.snapshot() == []


async def test_invalid_payload_is_never_sent(make_sandbox, receiver):
    async with make_sandbox() as sandbox:
        kind = operation_callback("sendSms")
        delivery = sandbox.state.dispatcher.schedule(kind, receiver.url, "1", {"trxid": "x"})
    assert delivery.done
    assert "schema" in delivery.error
    assert receiver.wait(1, timeout=0.2) == []


async def test_pending_callbacks_are_bounded(make_sandbox, receiver):
    async with make_sandbox(
        callback_delay=10, max_pending_callbacks=2, max_deliveries=3
    ) as sandbox:
        for _ in range(4):
            body = {**VALID_BODIES["sendSms"], "callback_url": receiver.url}
            assert (await sandbox.call("sendSms", body))["rc"] == 0
        deliveries = sandbox.state.deliveries.snapshot()
        assert sandbox.state.dispatcher.pending == 2
    assert len(deliveries) == 3  # the log keeps the last three
    assert [d["error"] for d in deliveries][-2:] == ["too many pending callbacks"] * 2


async def test_callback_delay_postpones_the_post(make_sandbox, receiver):
    async with make_sandbox(callback_delay=0.3) as sandbox:
        await sandbox.call("sendSms", {**VALID_BODIES["sendSms"], "callback_url": receiver.url})
        early = receiver.wait(1, timeout=0.1)
        await sandbox.state.dispatcher.wait_idle(5)
    assert early == []
    assert len(receiver.received) == 1


async def test_inspection_endpoint_lists_deliveries(make_sandbox, receiver):
    async with make_sandbox() as sandbox:
        body = {**VALID_BODIES["motp"], "callback_url": receiver.url}
        answer = await sandbox.call("motp", body)
        await sandbox.call("sendSms", {**VALID_BODIES["sendSms"], "callback_url": receiver.url})
        await sandbox.state.dispatcher.wait_idle(5)
        everything = (await sandbox.client.get("/_sandbox/deliveries")).json()
        one = (
            await sandbox.client.get("/_sandbox/deliveries", params={"trxid": answer["trxid"]})
        ).json()
        health = (await sandbox.client.get("/_sandbox/health")).json()
    assert len(everything) == 2
    assert [d["trxid"] for d in one] == [answer["trxid"]]
    keys = {"trxid", "url", "kind", "payload", "attempts", "status_code", "delivered", "error"}
    assert keys <= set(one[0])
    assert health["status"] == "ok"
    assert health["deliveries"] == 2


def test_default_callback_url_outside_the_allowlist_is_a_config_error():
    with pytest.raises(ValueError, match="default_callback_url"):
        SandboxConfig(default_callback_url="https://example.com/hook")


def test_api_key_is_not_in_the_config_repr():
    assert "s3cret" not in repr(SandboxConfig(api_key="s3cret"))


async def test_refused_request_sends_no_callback(make_sandbox, receiver):
    async with make_sandbox() as sandbox:
        body = {**VALID_BODIES["sendSms"], "text": "your otp", "callback_url": receiver.url}
        data = await sandbox.call("sendSms", body)
    assert data["rc"] == rc_named("INVALID_SMS_CONTENT")
    assert sandbox.state.deliveries.snapshot() == []


async def test_operation_without_callbacks_ignores_callback_url(make_sandbox):
    async with make_sandbox() as sandbox:
        body = {**VALID_BODIES["syncMiscall"], "callback_url": "https://example.com/hook"}
        data = await sandbox.call("syncMiscall", body)
    assert data["rc"] == 0
    assert sandbox.state.deliveries.snapshot() == []
