"""`citcall-contract record`: a transparent forwarding proxy that writes redacted traffic down.

The recorder is served with the sandbox's HTTP protocol (`sandbox.server.uvicorn_config`):
request heads are bounded in size and time, open connections are capped, and the relay
can drop a client's connection when the upstream dropped it (`traffic.proxy`).
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from citcall_contract.commands import arguments

if TYPE_CHECKING:
    import uvicorn

HELP = "Forward to an upstream gateway and record each exchange, redacted, as JSON lines."
PROG = "citcall-contract record"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--upstream",
        required=True,
        metavar="URL",
        help="where to forward, e.g. http://127.0.0.1:8090/gateway/v3 (your staging gateway); "
        "no user info: clients send their own Authorization",
    )
    arguments.add_bind_address(
        parser, host="127.0.0.1", port=8091, port_help="port (default: %(default)s)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder for traffic-*.jsonl (created if its parent exists)",
    )
    arguments.repeatable(
        parser,
        "--allow-host",
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
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="a client must send its request head within this time (default: %(default)s)",
    )


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def _has_userinfo(url: str) -> bool:
    try:
        return "@" in urlsplit(url).netloc
    except ValueError:
        return "@" in url


def _has_query(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(parts.query or parts.fragment or "?" in url or "#" in url)


def _check(args: argparse.Namespace) -> str | None:
    """Why the arguments cannot be used, or None."""
    from citcall_contract.core.hosts import LOOPBACK_HOSTS, is_allowed, url_host

    if _has_userinfo(args.upstream):
        return (
            "--upstream must not carry user info (user:password@): it would be sent and "
            "written down; clients send their own Authorization header"
        )
    if _has_query(args.upstream):
        return (
            "--upstream must be a base URL, without a query or fragment (it would be written down)"
        )
    if url_host(args.upstream) is None:
        return f"--upstream must be an http(s) URL with a host, not {args.upstream!r}"
    if not is_allowed(args.upstream, (*LOOPBACK_HOSTS, *args.allow_host)):
        host = url_host(args.upstream)
        return f"upstream host {host} is not loopback; name it with --allow-host {host}"
    for name in ("max_body_bytes", "timeout", "header_timeout"):
        value = getattr(args, name)
        if not 0 < value < float("inf"):
            return f"--{name.replace('_', '-')} must be a positive number, not {value}"
    if not 0 <= args.port <= 65535:
        return f"--port must be 0-65535, not {args.port}"
    return None


def run(args: argparse.Namespace) -> int:
    from citcall_contract.core.extras import require

    require("contract", PROG)
    problem = _check(args)
    if problem is not None:
        return _fail(problem)
    return _serve(args)


def uvicorn_config(app: Any, header_timeout: float = 10.0) -> uvicorn.Config:
    """The recorder's server: the sandbox's protocol and limits (head size and time,
    connections), which also lets the relay drop a client's connection."""
    from citcall_contract.sandbox.config import SandboxConfig
    from citcall_contract.sandbox.server import uvicorn_config as sandbox_uvicorn_config

    limits = SandboxConfig(header_timeout=header_timeout)
    return sandbox_uvicorn_config(app, limits, log_level="warning")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from citcall_contract.contract.traffic.proxy import TransparentRelay
    from citcall_contract.contract.traffic.recorder import TrafficWriter
    from citcall_contract.contract.verify.relay import Limits

    try:
        writer = TrafficWriter(args.out, args.upstream)
    except OSError as exc:
        return _fail(f"--out {args.out}: {exc.strerror or exc}")
    limits = Limits(
        max_response_bytes=args.max_body_bytes,
        max_request_bytes=args.max_body_bytes,
        timeout=args.timeout,
    )
    relay = TransparentRelay(args.upstream, limits, on_exchange=writer)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, args.port))
        sock.listen(2048)  # connections wait in the backlog from the banner on
    except OSError as exc:
        sock.close()
        writer.close()
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror}")
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"{PROG}: http://{host}:{sock.getsockname()[1]} -> {args.upstream}, writing {writer.path}",
        flush=True,
    )
    try:
        uvicorn.Server(uvicorn_config(relay, args.header_timeout)).run(sockets=[sock])
    finally:
        sock.close()
        writer.close()
        print(f"{PROG}: {writer.count} exchanges in {writer.path}")
    return 0
