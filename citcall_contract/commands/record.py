"""`citcall-contract record`: a forwarding proxy that writes redacted traffic down."""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

HELP = "Forward to an upstream gateway and record each exchange, redacted, as JSON lines."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--upstream",
        required=True,
        metavar="URL",
        help="where to forward, e.g. http://127.0.0.1:8090/gateway/v3 (your staging gateway)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8091, help="port (default: %(default)s)")
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder for traffic-*.jsonl"
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="an upstream host that is not loopback (repeatable); nothing else is contacted",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=64 * 1024,
        metavar="BYTES",
        help="larger requests or answers are refused, not forwarded (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="one exchange, answer included, may take this long (default: %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    from citcall_contract.core.extras import require

    require("contract", "citcall-contract record")
    from citcall_contract.core.hosts import LOOPBACK_HOSTS, is_allowed, url_host

    def refuse(message: str) -> int:
        print(f"citcall-contract record: {message}", file=sys.stderr)
        return 2

    if url_host(args.upstream) is None:
        return refuse(f"--upstream must be an http(s) URL with a host, not {args.upstream!r}")
    if not is_allowed(args.upstream, (*LOOPBACK_HOSTS, *args.allow_host)):
        host = url_host(args.upstream)
        return refuse(f"upstream host {host} is not loopback; name it with --allow-host {host}")
    if args.max_body_bytes < 1 or not 0 < args.timeout < float("inf"):
        return refuse("--max-body-bytes and --timeout must be positive")
    if not 0 <= args.port <= 65535:
        return refuse(f"--port must be 0-65535, not {args.port}")
    return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from citcall_contract.contract.traffic.recorder import TrafficWriter
    from citcall_contract.contract.verify.relay import Limits, Relay

    try:
        writer = TrafficWriter(args.out, args.upstream)
    except OSError as exc:
        print(f"citcall-contract record: --out {args.out}: {exc.strerror}", file=sys.stderr)
        return 2
    limits = Limits(
        max_response_bytes=args.max_body_bytes,
        max_request_bytes=args.max_body_bytes,
        timeout=args.timeout,
    )
    relay = Relay(args.upstream, limits, on_exchange=writer)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, args.port))
    except OSError as exc:
        sock.close()
        writer.close()
        print(
            f"citcall-contract record: cannot listen on {args.host}:{args.port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 2
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"citcall-contract record: http://{host}:{sock.getsockname()[1]} -> {args.upstream}, "
        f"writing {writer.path}",
        flush=True,
    )
    config = uvicorn.Config(relay, log_level="warning", access_log=False, lifespan="on")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        writer.close()
        print(f"citcall-contract record: {writer.count} exchanges in {writer.path}")
    return 0
