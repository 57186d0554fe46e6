"""check-traffic throughput, linearity and memory, against plain JSON parsing of the same file.

    python bench/check_traffic.py [--exchanges 100000] [--entry-mb 15]

Generates a JSON-lines file and the same exchanges as one HAR document (a mix of every
operation, a few drifting answers and callbacks), and a HAR file holding one entry of
`--entry-mb` megabytes. Then runs, each in a fresh process and timed from the start of
the work (imports included for check-traffic):

- the baseline: `json.loads` of every line (nothing else), and `json.load` of the big HAR;
- `check-traffic` as the command runs it (`citcall_contract.cli.main`; a large JSON-lines
  file is checked on every core), and in one process (`--serial`), on the JSON lines;
- `check-traffic` on the HAR document, and on the one big entry.

Prints exchanges/s, peak RSS (of the process and its children) and the ratio of the
baseline's time to check-traffic's (issue 21: at least 0.3 for JSON lines, and the big
entry within 3x `json.load`, i.e. a ratio of at least 0.33). Peak RSS should not grow
with the file: compare `--exchanges 10000`.
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


def _sms_answer(text: str, trxid: str, price: object) -> dict:
    """The gateway's answer to /sms and /smsotp (the price in one of its wire forms)."""
    return {
        "rc": 0,
        "info": "Ok",
        "sms_count": 1,
        "senderid": "citcall",
        "msisdn": "6281234567890",
        "text": text,
        "trxid": trxid,
        "currency": "IDR",
        "price": price,
    }


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
        resp = _sms_answer(f"Hello {n}", trxid, "450" if n % 100 else {"amount": 450})
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
        resp = _sms_answer("Code 0000", trxid, 450)
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


def generate_big_entries(folder: Path, megabytes: float) -> tuple[Path, Path]:
    """Two HAR files of one `megabytes` MB exchange: its answer one long JSON text (an
    `info` echo), or its size in structure (an answer header list, as a proxy may add)."""
    text_path, structured_path = folder / "big-text.har", folder / "big-structured.har"
    entry = _entry(0)
    filler = json.dumps({"rc": 0, "info": "x" * 100, "echo": ["y" * 90] * 10})
    copies = int(megabytes * 1e6 / len(filler))
    entry["response"]["content"]["text"] = "[" + ",".join([filler] * copies) + "]"
    text_path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    entry = _entry(0)
    header = {"name": "x-trace", "value": "z" * 20}
    entry["response"]["headers"] = [header] * int(megabytes * 1e6 / len(json.dumps(header)))
    structured_path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    return text_path, structured_path


def measure(mode: str, path: Path) -> None:
    """Run in a child process: print `seconds peak_rss_kib exchanges`."""
    started = time.perf_counter()
    if mode == "baseline":
        count = 0
        with path.open() as handle:
            for line in handle:
                json.loads(line)
                count += 1
    elif mode == "baseline-load":
        with path.open() as handle:
            json.load(handle)
        count = 1
    elif mode == "read":  # reading and checking alone: the checker built before the clock
        from citcall_contract.contract.traffic.check import TrafficChecker
        from citcall_contract.contract.traffic.files import read_entries

        checker = TrafficChecker([BASE])
        checker.warm()
        started = time.perf_counter()
        for entry in read_entries(path):
            checker.check(entry.data, entry.where)
        count = checker.report.exchanges
    else:
        import contextlib
        import io

        from citcall_contract.cli import main
        from citcall_contract.contract.traffic import parallel

        if mode == "serial":
            parallel.MIN_PART_BYTES = 1 << 62  # one process
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            main(["check-traffic", str(path), "--base-url", BASE])
        count = sum(
            int(line.split()[2])
            for line in out.getvalue().splitlines()
            if line.startswith(("POST", "callback"))
        )
    elapsed = time.perf_counter() - started
    rss = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(elapsed, rss, count)


def _child(mode: str, path: Path) -> tuple[float, int, int]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", mode, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def _row(label: str, count: int, seconds: float, rss: int, baseline: float) -> None:
    print(
        f"{label:<34} {count / seconds:>12,.0f} {rss / 1024:>8.0f}MB "
        f"{seconds:>8.2f}s {baseline / seconds:>8.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exchanges", type=int, default=100_000)
    parser.add_argument("--entry-mb", type=float, default=15.0)
    parser.add_argument("--measure", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], Path(args.measure[1]))
        return
    if args.generate:
        folder = Path(args.generate)
        generate(folder, args.exchanges)
        generate_big_entries(folder, args.entry_mb)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Generated in a child: a process's peak RSS is inherited by what it starts.
        subprocess.run(
            [sys.executable, __file__, "--generate", tmp, "--exchanges", str(args.exchanges),
             "--entry-mb", str(args.entry_mb)],
            check=True,
        )  # fmt: skip
        jsonl, har = folder / "traffic.jsonl", folder / "traffic.har"
        size = jsonl.stat().st_size / 1e6
        print(
            f"{args.exchanges} exchanges, {size:.1f} MB of JSON lines; one {args.entry_mb} MB entry"
        )
        print(f"{'run':<40} {'exchanges/s':>12} {'peak RSS':>10} {'time':>9} {'ratio':>9}")
        base_s, base_rss, _ = _child("baseline", jsonl)
        _row("json.loads per line (baseline)", args.exchanges, base_s, base_rss, base_s)
        for label, mode, path in (
            ("check-traffic JSONL", "check", jsonl),
            ("check-traffic JSONL, one process", "serial", jsonl),
            ("check-traffic HAR", "check", har),
        ):
            seconds, rss, count = _child(mode, path)
            _row(label, count, seconds, rss, base_s)
        for shape in ("text", "structured"):
            big = folder / f"big-{shape}.har"
            load_s, load_rss, _ = _child("baseline-load", big)
            _row(f"json.load, one entry ({shape})", 1, load_s, load_rss, load_s)
            seconds, rss, count = _child("check", big)
            _row(f"check-traffic, one entry ({shape})", count, seconds, rss, load_s)
            seconds, rss, count = _child("read", big)
            _row("  its reading and checking alone", count, seconds, rss, load_s)


if __name__ == "__main__":
    main()
