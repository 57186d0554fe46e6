"""Sandbox throughput against Prism, and a soak run, with wrk as the load generator.

    python bench/sandbox_throughput.py                 # sandbox vs prism mock, same load
    python bench/sandbox_throughput.py --soak 60       # 60 s with bad requests mixed in

Both servers run one process on loopback with request validation on (the sandbox
always validates; `prism mock` validates requests against the same spec by default).
The same wrk Lua script (POSTs rotating over /asynccall, /sms and /smsotp) drives both
in alternating rounds in this run (the median round of each is compared, so a burst
of other work on a shared machine does not decide the ratio). The goal is a sandbox
at least 4x Prism's req/s.

The soak run sends a share of bad requests (malformed JSON, bad auth, wrong method,
invalid fields, forced rcs, callbacks to a closed port) and samples the sandbox's RSS;
it prints the number of 5xx answers (must be 0) and memory at start, end and peak.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "citcall-v3.yaml"
API_KEY = "bench-key"

GOOD_REQUESTS = [
    ("/asynccall", '{"msisdn":"6281234567890","gateway":0}'),
    ("/sms", '{"msisdn":"6281234567890","senderid":"citcall","text":"Hello World!"}'),
    (
        "/smsotp",
        '{"msisdn":"6281234567890","senderid":"citcall","text":"Your code is 4821",'
        '"token":"4821","valid_time":300,"limit_try":5}',
    ),
]
# (method, path, body, authorised): what integrators get wrong, plus forced outcomes and a
# callback to a closed loopback port (retried, then given up: the pending set stays bounded).
BAD_REQUESTS = [
    (
        "POST",
        "/sms",
        '{"msisdn":"6281234567890","senderid":"citcall","text":"Hi",'
        '"callback_url":"http://127.0.0.1:9/hook"}',
        True,
    ),
    ("POST", "/sms", '{"msisdn":"6281234567890","senderid":', True),
    ("POST", "/sms", "[1,2,3]", True),
    ("GET", "/asynccall", "", True),
    ("POST", "/asynccall", '{"msisdn":"6281234567890","gateway":0}', False),
    ("POST", "/asynccall", '{"msisdn":"12","gateway":9}', True),
    ("POST", "/sms", '{"msisdn":"6281234567890","senderid":"citcall","text":"otp 1234"}', True),
    ("POST", "/verify", '{"msisdn":"6281234567890","trxid":"1","token":"1234"}', True),
    ("POST", "/motp", '{"msisdn":"6281000000034","retry":1}', True),
    ("POST", "/nowhere", "{}", True),
]

LUA_TEMPLATE = """
local requests = {}
local auth = {["Content-Type"] = "application/json", ["Authorization"] = "Apikey %(key)s"}
local noauth = {["Content-Type"] = "application/json"}
%(entries)s
local i = 0
function request()
  i = i + 1
  local r = requests[(i %% #requests) + 1]
  return wrk.format(r[1], r[2], r[4] and auth or noauth, r[3])
end
%(soak)s
"""
SOAK_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) server_errors = 0 end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("server_errors") end
  io.write(string.format("SERVER_ERRORS %d\\n", total))
end
"""


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def write_lua(directory: Path, bad_share: float) -> Path:
    entries = [("POST", path, body, True) for path, body in GOOD_REQUESTS]
    if bad_share > 0:
        # Every bad request once, and enough good rounds for the requested share.
        rounds = max(1, round(len(BAD_REQUESTS) * (1 - bad_share) / (bad_share * len(entries))))
        entries = entries * rounds + list(BAD_REQUESTS)
    lines = [
        f"table.insert(requests, {{{_lua_string(m)}, {_lua_string(p)}, "
        f"{_lua_string(b)}, {'true' if a else 'false'}}})"
        for m, p, b, a in entries
    ]
    script = LUA_TEMPLATE % {
        "key": API_KEY,
        "entries": "\n".join(lines),
        "soak": SOAK_LUA if bad_share > 0 else "",
    }
    path = directory / ("soak.lua" if bad_share > 0 else "load.lua")
    path.write_text(script, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


@contextlib.contextmanager
def serving(command: list[str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        wait_for_port(port, process)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # only the group we started
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def sandbox_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "citcall_contract",
        "sandbox",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--api-key",
        API_KEY,
        "--log-level",
        "warning",
    ]


def prism_command(port: int, directory: Path) -> list[str]:
    from citcall_contract.publishing.npm_tools import tool

    # Prism reloads when its spec file changes; a private copy keeps edits in the
    # checkout from restarting it in the middle of a run.
    spec = directory / SPEC.name
    shutil.copyfile(SPEC, spec)
    return [str(tool("prism")), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)]


def run_wrk(url: str, script: Path, duration: int, connections: int) -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (Debian package `wrk`)")
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def parse_wrk(output: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))
    p99_match = re.search(r"99%\s+([0-9.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99 = float(p99_match.group(1)) * scale[p99_match.group(2)] if p99_match else float("nan")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"SERVER_ERRORS (\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    return {
        "rps": rps,
        "p99_ms": p99,
        "non_2xx": float(non_2xx.group(1)) if non_2xx else 0.0,
        "server_errors": float(errors.group(1)) if errors else 0.0,
        "socket_errors": 1.0 if socket_errors else 0.0,
    }


def show(name: str, result: dict[str, float]) -> None:
    print(
        f"{name:8s} {result['rps']:10.0f} req/s   p99 {result['p99_ms']:8.2f} ms   "
        f"non-2xx {int(result['non_2xx'])}",
        flush=True,
    )


def median_result(results: list[dict[str, float]]) -> dict[str, float]:
    """The round with the median req/s (the machine may be shared: one round can be unlucky)."""
    return sorted(results, key=lambda r: r["rps"])[len(results) // 2]


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


def soak(args: argparse.Namespace, directory: Path) -> int:
    script = write_lua(directory, args.bad_share)
    port = free_port()
    with serving(sandbox_command(port), port) as process:
        url = f"http://127.0.0.1:{port}"
        run_wrk(url, script, args.warmup, args.connections)
        samples: list[int] = [rss_kib(process.pid)]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(1.0):
                samples.append(rss_kib(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        result = parse_wrk(run_wrk(url, script, args.soak, args.connections))
        stop.set()
        sampler.join()
        samples.append(rss_kib(process.pid))
        alive = process.poll() is None
    start, end, peak = samples[0], samples[-1], max(samples)
    print(f"soak {args.soak} s, {args.bad_share:.0%} bad requests, {args.connections} connections")
    print(f"  throughput    {result['rps']:.0f} req/s, p99 {result['p99_ms']:.2f} ms")
    errors, non_2xx = int(result["server_errors"]), int(result["non_2xx"])
    print(f"  5xx answers   {errors}  (non-2xx, 404s included: {non_2xx})")
    print(
        f"  RSS           start {start / 1024:.1f} MiB, end {end / 1024:.1f} MiB, "
        f"peak {peak / 1024:.1f} MiB, growth {(end - start) / 1024:+.1f} MiB"
    )
    every_10s = ", ".join(f"{kib / 1024:.1f}" for kib in samples[::10])
    print(f"  RSS every 10 s (MiB): {every_10s}")
    print(f"  server alive  {alive}")
    ok = alive and result["server_errors"] == 0
    return 0 if ok else 1


def compare(args: argparse.Namespace, directory: Path) -> int:
    script = write_lua(directory, 0.0)
    sandbox_port, prism_port = free_port(), free_port()
    print(
        f"wrk -t1 -c{args.connections} -d{args.duration}s x {args.rounds} rounds, alternating; "
        "POST /asynccall, /sms, /smsotp"
    )
    rounds: dict[str, list[dict[str, float]]] = {"sandbox": [], "prism": []}
    with (
        serving(sandbox_command(sandbox_port), sandbox_port),
        serving(prism_command(prism_port, directory), prism_port),
    ):
        urls = {
            "sandbox": f"http://127.0.0.1:{sandbox_port}",
            "prism": f"http://127.0.0.1:{prism_port}",
        }
        for url in urls.values():
            run_wrk(url, script, args.warmup, args.connections)
        for number in range(1, args.rounds + 1):
            for name, url in urls.items():
                result = parse_wrk(run_wrk(url, script, args.duration, args.connections))
                rounds[name].append(result)
                show(f"{name}#{number}", result)
    sandbox, prism = median_result(rounds["sandbox"]), median_result(rounds["prism"])
    ratio = sandbox["rps"] / prism["rps"]
    print("median round:")
    show("sandbox", sandbox)
    show("prism", prism)
    print(f"ratio    {ratio:10.2f} x (goal >= {args.goal:g}x)")
    print(f"p99      sandbox {sandbox['p99_ms']:.2f} ms, prism {prism['p99_ms']:.2f} ms")
    return 0 if ratio >= args.goal else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per server")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before measuring")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--goal", type=float, default=4.0, help="required sandbox/prism ratio")
    parser.add_argument("--soak", type=int, default=0, metavar="SECONDS", help="run a soak instead")
    parser.add_argument("--bad-share", type=float, default=0.3, help="share of bad requests (soak)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="citcall-bench-") as tmp:
        if args.soak:
            return soak(args, Path(tmp))
        return compare(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
