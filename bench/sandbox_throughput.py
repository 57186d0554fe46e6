"""Sandbox throughput against a bare Starlette route, raw ASGI and Prism, with wrk.

    python bench/sandbox_throughput.py                 # the four side by side, POST /sms
    python bench/sandbox_throughput.py --mix           # rotate over /asynccall, /sms, /smsotp
    python bench/sandbox_throughput.py --soak 60       # 60 s with bad requests mixed in

Four servers, one process each on loopback, driven by the same `wrk -t1 -c16` load
(POST /sms with a valid body and the API key) in alternating rounds of one run; the
median round of each is compared, so a burst of other work on a shared machine does not
decide a ratio:

- raw ASGI: an app that reads the body and sends a fixed JSON answer, no framework;
- bare Starlette: one `Route` whose endpoint reads the body and returns a fixed JSON
  answer (what the sandbox would be with no checks at all);
- the sandbox (`citcall-contract sandbox`): auth, validation, scenarios, faults,
  billing, state and request records, as served;
- Prism (`prism mock`, npm), which validates requests against the same spec.

The raw and bare apps run with the sandbox's uvicorn settings
(`sandbox.server.uvicorn_config`: keep-alive, lifespan, logging, no access log, no proxy
headers) and uvicorn's own HTTP protocol. The sandbox's protocol is the sandbox's code
(head limits and time-outs, the connection cap, fault drops, one write per answer), so
it is measured as part of the sandbox; one more row, "bare (sb proto)", serves
the bare route on it too, to show the app's cost alone. Goal: the sandbox at 0.6x or
more of the bare route (exit 1 below it). Each round also reads the server's CPU time
per request, a figure that other load on a shared machine moves much less than req/s.

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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "citcall-v3.yaml"
API_KEY = "bench-key"

SMS_REQUEST = (
    "/sms",
    '{"msisdn":"6281234567890","senderid":"citcall","text":"Hello World!"}',
)
#: What the raw and bare apps answer: the size and shape of the sandbox's /sms answer.
FIXED_ANSWER = (
    b'{"rc":0,"info":"Ok","sms_count":1,"senderid":"citcall","msisdn":"6281234567890",'
    b'"text":"Hello World!","trxid":"20250101000000000000000001","currency":"IDR","price":"450"}'
)
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


def write_lua(directory: Path, bad_share: float, mix: bool = True) -> Path:
    good = GOOD_REQUESTS if mix or bad_share > 0 else [SMS_REQUEST]
    entries = [("POST", path, body, True) for path, body in good]
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


def baseline_command(port: int, app: str) -> list[str]:
    """This script, serving one of the baseline apps (`--serve`)."""
    return [sys.executable, str(Path(__file__).resolve()), "--serve", app, "--port", str(port)]


def prism_command(port: int, directory: Path) -> list[str]:
    from citcall_contract.publishing.npm_tools import tool

    # Prism reloads when its spec file changes; a private copy keeps edits in the
    # checkout from restarting it in the middle of a run.
    spec = directory / SPEC.name
    shutil.copyfile(SPEC, spec)
    return [str(tool("prism")), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)]


# Baseline apps -------------------------------------------------------------------------


async def raw_asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Reads the body and answers FIXED_ANSWER: uvicorn's own cost, no framework."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(FIXED_ANSWER)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": FIXED_ANSWER})


def bare_starlette() -> Any:
    """One Starlette route that reads the body and returns FIXED_ANSWER as JSON."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def sms(request: Request) -> Response:
        await request.body()
        return Response(FIXED_ANSWER, media_type="application/json")

    return Starlette(routes=[Route("/sms", sms, methods=["POST"])])


def serve_baseline(app_name: str, port: int) -> int:
    """Serve a baseline app with the sandbox's uvicorn settings: with uvicorn's own HTTP
    protocol, or with the sandbox's (`-sandbox-protocol`)."""
    import uvicorn

    from citcall_contract.sandbox.config import SandboxConfig
    from citcall_contract.sandbox.server import uvicorn_config

    app = raw_asgi if app_name == "raw" else bare_starlette()
    http = None if app_name.endswith("-sandbox-protocol") else "auto"
    settings = uvicorn_config(app, SandboxConfig(api_key=API_KEY), port=port, http=http)
    uvicorn.Server(settings).run()
    return 0


# Load and results ----------------------------------------------------------------------


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


_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
#: The bare route served on the sandbox's own HTTP protocol.
PROTOCOL_ROW = "bare (sb proto)"


def _percentile_ms(output: str, percent: int) -> float:
    found = re.search(rf"^\s+{percent}%\s+([0-9.]+)(us|ms|s)\b", output, re.MULTILINE)
    return float(found.group(1)) * _MS[found.group(2)] if found else float("nan")


def parse_wrk(output: str) -> dict[str, float]:
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"SERVER_ERRORS (\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    total = re.search(r"(\d+) requests in", output)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "requests": float(total.group(1)) if total else 0.0,
        "p50_ms": _percentile_ms(output, 50),
        "p99_ms": _percentile_ms(output, 99),
        "non_2xx": float(non_2xx.group(1)) if non_2xx else 0.0,
        "server_errors": float(errors.group(1)) if errors else 0.0,
        "socket_errors": 1.0 if socket_errors else 0.0,
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(url: str, script: Path, args: argparse.Namespace, pid: int) -> dict[str, float]:
    """One wrk round, with the server's CPU time per request: on a busy machine req/s
    moves with the other work, CPU per request much less."""
    before = cpu_seconds(pid)
    result = parse_wrk(run_wrk(url, script, args.duration, args.connections))
    used = cpu_seconds(pid) - before
    result["cpu_us"] = used / result["requests"] * 1e6 if result["requests"] else float("nan")
    return result


def show(name: str, result: dict[str, float], baseline: dict[str, float] | None = None) -> None:
    ratio = f"{result['rps'] / baseline['rps']:5.2f}x" if baseline else " " * 6
    cpu = result.get("cpu_us", float("nan"))
    print(
        f"{name:16s} {result['rps']:8.0f} req/s {ratio}  p50 {result['p50_ms']:6.2f} ms"
        f"  p99 {result['p99_ms']:6.2f} ms  server CPU {cpu:6.1f} us/req"
        f"  non-2xx {int(result['non_2xx'])}",
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
    script = write_lua(directory, 0.0, mix=args.mix)
    what = "POST /asynccall, /sms, /smsotp" if args.mix else "POST /sms"
    print(
        f"wrk -t1 -c{args.connections} -d{args.duration}s x {args.rounds} rounds, alternating; "
        f"{what}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start"
    )
    commands: dict[str, list[str]] = {}
    ports: dict[str, int] = {}
    for name in ("raw ASGI", "bare", PROTOCOL_ROW, "sandbox", "prism"):
        ports[name] = free_port()
    commands["raw ASGI"] = baseline_command(ports["raw ASGI"], "raw")
    commands["bare"] = baseline_command(ports["bare"], "bare")
    commands[PROTOCOL_ROW] = baseline_command(ports[PROTOCOL_ROW], "bare-sandbox-protocol")
    commands["sandbox"] = sandbox_command(ports["sandbox"])
    try:
        commands["prism"] = prism_command(ports["prism"], directory)
    except (LookupError, OSError, RuntimeError) as exc:
        print(f"prism: not available ({exc}); compared without it")
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    with contextlib.ExitStack() as stack:
        pids = {
            name: stack.enter_context(serving(command, ports[name])).pid
            for name, command in commands.items()
        }
        urls = {name: f"http://127.0.0.1:{ports[name]}" for name in commands}
        for url in urls.values():
            run_wrk(url, script, args.warmup, args.connections)
        for number in range(1, args.rounds + 1):
            for name, url in urls.items():
                result = measure(url, script, args, pids[name])
                rounds[name].append(result)
                show(f"{name} #{number}", result)
    median = {name: median_result(results) for name, results in rounds.items()}
    bare = median["bare"]
    load = os.getloadavg()[0]
    print(f"median round (x: req/s over the bare Starlette route's; load average {load:.2f}):")
    for name, result in median.items():
        show(name, result, bare)
    sandbox = median["sandbox"]["rps"]
    ratio = sandbox / bare["rps"]
    print(f"sandbox / bare Starlette   {ratio:5.2f}x   (goal >= {args.goal:g}x)")
    cpu = bare["cpu_us"] / median["sandbox"]["cpu_us"]
    print(f"  by server CPU per request  {cpu:5.2f}x   (less sensitive to other load)")
    print(f"sandbox / raw ASGI         {sandbox / median['raw ASGI']['rps']:5.2f}x")
    same = sandbox / median[PROTOCOL_ROW]["rps"]
    print(f"sandbox / {PROTOCOL_ROW}  {same:5.2f}x   (the app alone: both on its protocol)")
    if "prism" in median:
        print(f"sandbox / prism            {sandbox / median['prism']['rps']:5.2f}x")
    failed = any(r["non_2xx"] or r["socket_errors"] for r in median.values())
    if failed:
        print("some server answered non-2xx or lost connections: see non-2xx above")
    return 0 if ratio >= args.goal and not failed else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per server")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before measuring")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--goal", type=float, default=0.6, help="required sandbox/bare ratio")
    parser.add_argument("--mix", action="store_true", help="rotate over three operations")
    parser.add_argument("--soak", type=int, default=0, metavar="SECONDS", help="run a soak instead")
    parser.add_argument("--bad-share", type=float, default=0.3, help="share of bad requests (soak)")
    parser.add_argument(
        "--serve", choices=("raw", "bare", "bare-sandbox-protocol"), help=argparse.SUPPRESS
    )  # internal: one baseline server
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve_baseline(args.serve, args.port)
    with tempfile.TemporaryDirectory(prefix="citcall-bench-") as tmp:
        if args.soak:
            return soak(args, Path(tmp))
        return compare(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
