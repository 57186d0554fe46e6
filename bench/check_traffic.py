"""check-traffic throughput and memory on a 100,000-exchange file, against plain JSON parsing.

    python bench/check_traffic.py [--exchanges 100000]

Generates a JSON-lines file and the same exchanges as one HAR document (a mix of every
operation, a few drifting answers and callbacks), then runs, each in a fresh process:
the baseline (`json.loads` of every line, nothing else), `check-traffic` on the JSON
lines and `check-traffic` on the HAR. Prints exchanges/s, peak RSS and the ratio to the
baseline. Peak RSS should not grow with the file: compare `--exchanges 10000`.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE = "http://127.0.0.1:8090/gateway/v3"
HEADERS = [{"name": "Authorization", "value": "<redacted>"}]


def _entry(n: int) -> dict:
    kind = n % 6
    trxid = f"{20260101000000000000000000 + n}"
    if kind == 0:
        path, req = "asynccall", {"msisdn": "6281234567890", "gateway": 0}
        resp = {
            "rc": 0,
            "trxid": trxid,
            "msisdn": "+6281234567890",
            "token": "622130400000",
            "gateway": 0,
        }
    elif kind == 1:
        path, req = "sms", {"msisdn": "6281234567890", "senderid": "citcall", "text": f"Hello {n}"}
        resp = {
            "rc": 0,
            "info": "Ok",
            "sms_count": 1,
            "senderid": "citcall",
            "msisdn": "6281234567890",
            "text": f"Hello {n}",
            "trxid": trxid,
            "currency": "IDR",
            "price": "450" if n % 100 else {"amount": 450},
        }
    elif kind == 2:
        path, req = (
            "smsotp",
            {
                "msisdn": "6281234567890",
                "senderid": "citcall",
                "text": "Code 0000",
                "token": "0000",
            },
        )
        resp = {
            "rc": 0,
            "info": "Ok",
            "sms_count": 1,
            "senderid": "citcall",
            "msisdn": "6281234567890",
            "text": "Code 0000",
            "trxid": trxid,
            "currency": "IDR",
            "price": 450,
        }
    elif kind == 3:
        path, req = "verify", {"msisdn": "6281234567890", "trxid": trxid, "token": "0000"}
        resp = {"rc": 79, "info": "Invalid token"} if n % 50 else {"rc": 55}
    elif kind == 4:
        path, req = "motp", {"msisdn": "6281234567890", "retry": 1}
        resp = {
            "rc": "00",
            "trxid": trxid,
            "msisdn": "+6281234567890",
            "token": "02150120000",
            "gateway": 1,
        }
    else:
        return {
            "_callback": True,
            "request": {
                "method": "POST",
                "url": "http://127.0.0.1:8000/missedCallStatus",
                "headers": [],
                "postData": {
                    "mimeType": "application/json",
                    "text": json.dumps(
                        {
                            "rc": 0,
                            "trxid": trxid,
                            "result": "Success",
                            "token": "02150120000",
                            "price": "179",
                        }
                    ),
                },
            },
            "response": {"status": 200, "content": {"size": 0, "text": ""}},
        }
    return {
        "startedDateTime": "2026-01-01T00:00:00Z",
        "time": 3.2,
        "request": {
            "method": "POST",
            "url": f"{BASE}/{path}",
            "headers": HEADERS,
            "postData": {"mimeType": "application/json", "text": json.dumps(req)},
        },
        "response": {
            "status": 200,
            "headers": [],
            "content": {"mimeType": "application/json", "text": json.dumps(resp)},
        },
    }


def generate(folder: Path, count: int) -> tuple[Path, Path]:
    jsonl, har = folder / "traffic.jsonl", folder / "traffic.har"
    with jsonl.open("w") as lines, har.open("w") as doc:
        doc.write('{"log": {"version": "1.2", "creator": {"name": "bench"}, "entries": [\n')
        for n in range(count):
            line = json.dumps(_entry(n))
            lines.write(line + "\n")
            doc.write(("," if n else "") + line + "\n")
        doc.write("]}}\n")
    return jsonl, har


def measure(mode: str, path: Path) -> None:
    """Run in a child process: print `seconds peak_rss_kib exchanges`."""
    started = time.perf_counter()
    if mode == "baseline":
        count = 0
        with path.open() as handle:
            for line in handle:
                json.loads(line)
                count += 1
    else:
        from citcall_contract.contract.traffic.check import TrafficChecker
        from citcall_contract.contract.traffic.files import read_entries

        checker = TrafficChecker([BASE])
        for entry in read_entries(path):
            checker.check(entry.data, entry.where)
        count = checker.report.exchanges
    elapsed = time.perf_counter() - started
    print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, count)


def _child(mode: str, path: Path) -> tuple[float, int, int]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", mode, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exchanges", type=int, default=100_000)
    parser.add_argument("--measure", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], Path(args.measure[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        jsonl, har = generate(Path(tmp), args.exchanges)
        size = jsonl.stat().st_size / 1e6
        print(f"{args.exchanges} exchanges, {size:.1f} MB of JSON lines")
        base_s, base_rss, _ = _child("baseline", jsonl)
        print(f"{'run':<22} {'exchanges/s':>12} {'peak RSS':>10} {'time vs baseline':>17}")
        print(
            f"{'json.loads per line':<22} {args.exchanges / base_s:>12,.0f} "
            f"{base_rss / 1024:>8.0f}MB {1:>16.1f}x"
        )
        for label, mode, path in (
            ("check-traffic JSONL", "check", jsonl),
            ("check-traffic HAR", "check", har),
        ):
            seconds, rss, count = _child(mode, path)
            print(
                f"{label:<22} {count / seconds:>12,.0f} {rss / 1024:>8.0f}MB "
                f"{seconds / base_s:>16.1f}x"
            )


if __name__ == "__main__":
    main()
