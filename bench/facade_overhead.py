"""Overhead of `Citcall.sms()` over a raw `httpx.Client.post(...).json()`.

Both send the same SMS to the same `httpx.MockTransport`, which answers with the spec's
success example, so the difference is the facade's own work: argument checks, msisdn
normalisation, the generated model and request builder, rc handling and `from_dict`.
Best of many short interleaved rounds (short, so a round rarely shares its time slice
with another process on a busy machine); prints the ratio (goal: at most 1.15x).

    python bench/facade_overhead.py [--calls N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json

import httpx
from timing import per_call as _best

from citcall_contract import Citcall, spec
from citcall_contract.client.facade import DEFAULT_BASE_URL

GOAL = 1.15
ANSWER = json.dumps(spec.operation("sendSms").response_examples()["success"]).encode()
REQUEST = {"msisdn": "6281234567890", "senderid": "citcall", "text": "Hello World!"}


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=ANSWER, headers={"content-type": "application/json"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="calls per round")
    parser.add_argument("--rounds", type=int, default=100, help="rounds (best is kept)")
    args = parser.parse_args()

    transport = httpx.MockTransport(_answer)
    headers = {"Authorization": "Apikey bench-key", "Accept": "application/json"}
    raw = httpx.Client(base_url=DEFAULT_BASE_URL, transport=transport, headers=headers)
    facade = Citcall("bench-key", transport=transport)

    def raw_sms() -> object:
        return raw.post("/sms", json=REQUEST).json()

    def facade_sms() -> object:
        return facade.sms("6281234567890", "Hello World!", senderid="citcall")

    assert facade_sms().to_dict() == raw_sms()  # type: ignore[attr-defined]
    for fn in (raw_sms, facade_sms):  # warm-up
        _best(fn, args.calls // 10 or 1)
    raw_times, facade_times = [], []
    for _ in range(args.rounds):  # interleaved, so machine noise hits both alike
        raw_times.append(_best(raw_sms, args.calls))
        facade_times.append(_best(facade_sms, args.calls))
    raw.close()
    facade.close()

    best_raw, best_facade = min(raw_times), min(facade_times)
    ratio = best_facade / best_raw
    print(f"raw httpx post().json(): {best_raw * 1e6:8.1f} us/call")
    print(f"Citcall.sms():           {best_facade * 1e6:8.1f} us/call")
    print(f"ratio: {ratio:.3f}x (goal <= {GOAL}x, best of {args.rounds} x {args.calls} calls)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
