"""Callbacks of `citcall_mock` delivered in-process: edge cases of the guide's flows."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from citcall_contract import AsyncCitcall, Citcall

PHONE = "081234567890"


def _receiver(handler) -> Starlette:
    return Starlette(routes=[Route("/hook", handler, methods=["POST"])])


def test_an_async_handler_may_call_citcall_with_an_async_client(citcall_mock):
    async def hook(request: Request) -> JSONResponse:
        report = await request.json()
        async with AsyncCitcall("k") as client:  # e.g. an SMS after the missed call
            await client.sms(PHONE, f"Call {report['trxid'][-4:]} done", senderid="citcall")
        return JSONResponse({"ok": True})

    citcall_mock.callbacks_to(_receiver(hook), auto=True)
    with Citcall("k") as client:
        client.miscall(PHONE, callback_url="http://localhost/hook")
    [callback] = citcall_mock.callbacks()
    assert callback.status_code == 200
    assert len(citcall_mock.processed("sms")) == 1


def test_a_sync_client_on_the_mocks_loop_is_refused_with_a_clear_reason(citcall_mock):
    async def hook(request: Request) -> JSONResponse:
        with Citcall("k") as client:  # blocks the loop that would answer it
            client.sms(PHONE, "Hello", senderid="citcall")
        return JSONResponse({"ok": True})

    citcall_mock.callbacks_to(_receiver(hook), auto=True)
    with Citcall("k") as client:
        client.miscall(PHONE, callback_url="http://localhost/hook")
    callback = citcall_mock.callbacks()[0]
    assert callback.status_code == 500
    assert callback.result is not None
    assert "async client" in (callback.result.raised or "")


def test_deliver_callbacks_needs_an_app(citcall_mock):
    with pytest.raises(RuntimeError, match="callbacks_to"):
        citcall_mock.deliver_callbacks()


@pytest.mark.citcall_sandbox(allow_hosts=["shop.test"])
def test_a_callback_host_must_be_allowed_as_in_the_sandbox(citcall_mock):
    seen: list[str] = []

    async def hook(request: Request) -> JSONResponse:
        seen.append(str(request.url.path))
        return JSONResponse({})

    citcall_mock.callbacks_to(_receiver(hook))
    with Citcall("k") as client:
        client.miscall(PHONE, callback_url="https://shop.test/hook")  # allowed by the marker
        with pytest.raises(Exception, match="rc 6"):
            client.miscall(PHONE, callback_url="https://elsewhere.test/hook")
    [callback] = citcall_mock.deliver_callbacks()
    assert callback.url == "https://shop.test/hook"
    assert seen == ["/hook"]


def test_callbacks_without_a_target_are_listed_but_not_delivered(citcall_mock):
    with Citcall("k") as client:
        sent = client.sms(PHONE, "Hello", senderid="citcall", callback_url="http://localhost/x")
    [callback] = citcall_mock.callbacks()
    assert (callback.trxid, callback.kind, callback.delivered) == (sent.trxid, "smsStatus", False)
    assert callback.path == "/x"


async def test_sync_then_async_clients_share_one_sandbox_and_its_callbacks(citcall_mock):
    from starlette.responses import PlainTextResponse

    async def hook(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    import threading

    def sync_send() -> str:
        with Citcall("k") as client:  # no running loop in this thread: drives the mock's loop
            return client.miscall(PHONE, callback_url="http://localhost/hook").trxid

    found: list[str] = []
    worker = threading.Thread(target=lambda: found.append(sync_send()))
    worker.start()
    worker.join()
    async with AsyncCitcall("k") as client:  # starts the mock's loop in its thread
        second = await client.miscall(PHONE, callback_url="http://localhost/hook")
    with Citcall("k") as client:  # inside this test's loop: handed to the mock's thread
        client.verify(second.trxid, PHONE, citcall_mock.otp(second.trxid) or "")
    delivered = citcall_mock.deliver_callbacks(_receiver(hook))
    assert sorted(c.trxid for c in delivered) == sorted([found[0], second.trxid])
    assert [c.status_code for c in delivered] == [200, 200]
