"""What the pytest fixtures cost: per request against a bare respx route, and to set up.

Per request: the same `httpx.Client.post(...).json()` of a valid SMS, answered once by a
bare respx route returning the spec's success example (the baseline) and once by
`citcall_mock` (the sandbox's app in-process: request checks, auth, validation,
billing, state), in the same run, interleaved, best of many short rounds (short, so a
round rarely shares its time slice with another process: async requests cross to the
mock's loop thread); the async client likewise. Prints both and the ratio (goal: at
most 3x).

Set-up: entering and leaving each fixture's context (what pytest does per test): a bare
`respx.mock`, `citcall_mock`, `citcall_sandbox` (uvicorn on a loopback port); the first
one in a process also compiles the spec's validators, so it is reported apart.

    python bench/fixture_cost.py [--calls N] [--rounds R] [--setups S]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import respx
from timing import per_call, per_call_async

from citcall_contract import spec
from citcall_contract.fixtures.mock import mocking
from citcall_contract.fixtures.sandbox import running_sandbox

GOAL = 3.0
BASE = spec.default_base_url()
URL = BASE + "/sms"
BODY = {"msisdn": "6281234567890", "senderid": "citcall", "text": "Hello World!"}
HEADERS = {"Authorization": "Apikey bench-key"}
EXAMPLE = spec.operation("sendSms").response_examples()["success"]


def per_request(calls: int, rounds: int) -> tuple[float, float]:
    client = httpx.Client(headers=HEADERS)

    def post() -> object:
        return client.post(URL, json=BODY).json()

    bare_router = respx.mock(assert_all_called=False)
    bare_router.post(URL).respond(json=EXAMPLE)
    bare, mock = [], []
    with mocking([BASE], {}) as citcall_mock:
        assert post()["rc"] == 0  # type: ignore[index]
        per_call(post, calls)  # warm-up
        for _ in range(rounds):  # interleaved, so machine noise hits both alike
            mock.append(per_call(post, calls))
            citcall_mock.reset()  # keep its state (OTPs, records) as small as in a test
            with _only(bare_router, citcall_mock.router):
                bare.append(per_call(post, calls))
    client.close()
    return min(bare), min(mock)


@contextmanager
def _only(active: respx.MockRouter, paused: respx.MockRouter) -> Iterator[None]:
    """`active` answers alone: respx asks routers in the order they started."""
    paused.stop(clear=False, reset=False)
    try:
        with active:
            yield
    finally:
        paused.start()


def per_request_async(calls: int, rounds: int) -> tuple[float, float]:
    async def run() -> tuple[float, float]:
        async with httpx.AsyncClient(headers=HEADERS) as client:

            async def post() -> object:
                return (await client.post(URL, json=BODY)).json()

            bare_router = respx.mock(assert_all_called=False)
            bare_router.post(URL).respond(json=EXAMPLE)
            bare, mock = [], []
            with mocking([BASE], {}) as citcall_mock:
                await per_call_async(post, calls)  # warm-up
                for _ in range(rounds):
                    mock.append(await per_call_async(post, calls))
                    citcall_mock.reset()
                    with _only(bare_router, citcall_mock.router):
                        bare.append(await per_call_async(post, calls))
            return min(bare), min(mock)

    return asyncio.run(run())


def setup_cost(enter: Callable[[], object], times: int) -> float:
    start = time.perf_counter()
    for _ in range(times):
        enter()
    return (time.perf_counter() - start) / times


def _bare() -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(URL).respond(json=EXAMPLE)


def _mock() -> None:
    with mocking(spec.servers(), {}):
        pass


def _sandbox() -> None:
    with running_sandbox():
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10, help="requests per round")
    parser.add_argument("--rounds", type=int, default=200, help="rounds (best is kept)")
    parser.add_argument("--setups", type=int, default=20, help="set-ups timed per fixture")
    args = parser.parse_args()

    first = time.perf_counter()
    _mock()
    first_mock = time.perf_counter() - first

    bare, mock = per_request(args.calls, args.rounds)
    abare, amock = per_request_async(args.calls, args.rounds)
    print("per request (httpx post of a valid SMS, best round):")
    print(f"  sync  bare respx route: {bare * 1e6:8.1f} us   citcall_mock: {mock * 1e6:8.1f} us")
    print(f"        ratio {mock / bare:.2f}x (goal <= {GOAL}x)")
    print(f"  async bare respx route: {abare * 1e6:8.1f} us   citcall_mock: {amock * 1e6:8.1f} us")
    print(f"        ratio {amock / abare:.2f}x (goal <= {GOAL}x)")
    print(f"set-up + teardown per test (mean of {args.setups}):")
    print(f"  bare respx.mock:   {setup_cost(_bare, args.setups) * 1e3:8.2f} ms")
    print(
        f"  citcall_mock:      {setup_cost(_mock, args.setups) * 1e3:8.2f} ms"
        f"   (first in the process: {first_mock * 1e3:.0f} ms, spec and validators loaded)"
    )
    print(f"  citcall_sandbox:   {setup_cost(_sandbox, max(1, args.setups // 4)) * 1e3:8.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
