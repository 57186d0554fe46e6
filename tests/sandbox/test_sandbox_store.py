"""State stays bounded: capped OTP store with expiry, unique 26-digit trxids."""

from __future__ import annotations

from citcall_contract.sandbox.ids import IdFactory
from citcall_contract.sandbox.store import OtpRecord, OtpStore
from citcall_contract.spec import load_spec


def _record(trxid: str, valid_until: float = 100.0, forget_at: float = 200.0) -> OtpRecord:
    return OtpRecord(trxid, "6281234567890", "1234", valid_until, forget_at, limit_try=5)


def test_store_is_capped_oldest_first(clock):
    store = OtpStore(capacity=3, clock=clock)
    for i in range(10):
        store.put(_record(str(i), forget_at=clock() + 1000))
    assert len(store) == 3
    assert store.get("6") is None
    assert [store.get(t) is not None for t in ("7", "8", "9")] == [True, True, True]


def test_forgotten_records_are_dropped(clock):
    store = OtpStore(capacity=100, clock=clock)
    store.put(_record("a", forget_at=clock() + 10))
    store.put(_record("b", forget_at=clock() + 50))
    clock.advance(20)
    assert store.get("a") is None
    store.put(_record("c", forget_at=clock() + 50))
    assert len(store) == 2  # "a" is gone; "b" and "c" stay


async def test_app_store_never_exceeds_its_cap(make_sandbox):
    async with make_sandbox(max_transactions=5) as sandbox:
        for _ in range(20):
            await sandbox.call("asyncMiscall")
        assert len(sandbox.state.otps) == 5


def test_trxids_are_26_unique_digits():
    ids = IdFactory()
    made = [ids.trxid() for _ in range(1000)]
    assert all(len(t) == 26 and t.isdigit() for t in made)
    assert len(set(made)) == len(made)


def test_calling_number_ends_with_the_otp():
    ids = IdFactory()
    otp = ids.otp()
    number = ids.calling_number(otp)
    token = load_spec()["components"]["schemas"]["MiscallResponse"]["properties"]["token"]
    assert len(otp) == token["x-otp-digits"]
    assert number.endswith(otp)
    assert number.isdigit()
