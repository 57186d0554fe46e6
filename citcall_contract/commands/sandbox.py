"""`citcall-contract sandbox`: serve the sandbox with uvicorn (one worker, loopback by default).

`--rules` lists the sandbox's rules (the spec's `x-sandbox-rules`) with their rc and
source and exits; it needs only the base install.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citcall_contract.sandbox.config import SandboxConfig

from citcall_contract.commands import arguments
from citcall_contract.sandbox.defaults import (
    ANSWER_FORM_MODES,
    API_KEY_ENV,
    CANONICAL_FORMS,
    DEFAULT_API_KEY,
    DEFAULT_HOST,
    DEFAULT_PORT,
)

HELP = "Run the local sandbox gateway (auth, validation, scenarios, OTPs, callbacks)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    arguments.add_bind_address(
        parser, host=DEFAULT_HOST, port=DEFAULT_PORT, port_help="default: %(default)s"
    )
    arguments.add_credentials(
        parser,
        api_key_help=f"API key to accept (default: ${API_KEY_ENV}, else {DEFAULT_API_KEY!r})",
        userid_help="user ID for Basic auth (default: any)",
    )
    parser.add_argument(
        "--balance", type=int, default=None, help="account balance in IDR (default: unlimited)"
    )
    parser.add_argument(
        "--callback-delay", type=float, default=0.0, help="seconds before a callback is posted"
    )
    parser.add_argument(
        "--callback-retries", type=int, default=3, help="extra attempts per callback (default: 3)"
    )
    arguments.repeatable(
        parser,
        "--allow-callback-host",
        metavar="HOST",
        help="also post callbacks to HOST (repeatable; loopback is always allowed)",
    )
    parser.add_argument(
        "--default-callback-url", default=None, help="callback URL for requests without one"
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="seconds every operation's answer waits (default: 0)",
    )
    parser.add_argument(
        "--slow-delay",
        type=float,
        default=None,
        metavar="SECONDS",
        help="delay of the `slow` fault number (default: the spec's)",
    )
    parser.add_argument(
        "--late-callback-delay",
        type=float,
        default=None,
        metavar="SECONDS",
        help="extra callback delay of the `late_callback` fault number (default: the spec's)",
    )
    parser.add_argument(
        "--max-connections", type=int, default=1000, help="open connections (default: 1000)"
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="time to receive a request head (default: 10)",
    )
    parser.add_argument(
        "--keep-alive-timeout",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="idle time between requests on a connection (default: 5)",
    )
    parser.add_argument(
        "--max-header-bytes",
        type=int,
        default=16 * 1024,
        help="request head size limit (default: 16384)",
    )
    parser.add_argument(
        "--answer-forms",
        choices=ANSWER_FORM_MODES,
        default=CANONICAL_FORMS,
        help="canonical: one form per field; varied: successive answers and callbacks cycle "
        "through every wire form the spec allows (x-wire-forms) (default: %(default)s)",
    )
    parser.add_argument(
        "--answer-forms-seed",
        type=int,
        default=0,
        metavar="N",
        help="where each field's cycle of forms starts (default: 0)",
    )
    arguments.repeatable(
        parser,
        "--relax",
        metavar="RULE",
        help="turn off one of the sandbox's rules (repeatable; see --rules)",
    )
    parser.add_argument(
        "--rules",
        action="store_true",
        help="list the sandbox's rules with their rc and source, then exit",
    )
    parser.add_argument("--log-level", default="info", help="uvicorn log level (default: info)")
    parser.add_argument("--access-log", action="store_true", help="log every request")


def _config(args: argparse.Namespace) -> SandboxConfig:
    from citcall_contract.core.hosts import LOOPBACK_HOSTS
    from citcall_contract.sandbox.config import SandboxConfig

    api_key = args.api_key or os.environ.get(API_KEY_ENV) or DEFAULT_API_KEY
    hosts = tuple(dict.fromkeys([*LOOPBACK_HOSTS, *args.allow_callback_host]))
    return SandboxConfig(
        api_key=api_key,
        userid=args.userid,
        balance=args.balance,
        default_callback_url=args.default_callback_url,
        callback_allow_hosts=hosts,
        callback_delay=args.callback_delay,
        callback_retries=args.callback_retries,
        latency=args.latency,
        slow_delay=args.slow_delay,
        late_callback_delay=args.late_callback_delay,
        max_connections=args.max_connections,
        header_timeout=args.header_timeout,
        keep_alive_timeout=args.keep_alive_timeout,
        max_header_bytes=args.max_header_bytes,
        answer_forms=args.answer_forms,
        answer_forms_seed=args.answer_forms_seed,
        relax=frozenset(args.relax),
    )


def _list_rules(relaxed: frozenset[str]) -> None:
    """One line per rule: name, rc, source, relaxable, what it does; then the evidence."""
    from citcall_contract.spec.rules import evidence_sources, sandbox_rules

    rules = sandbox_rules().values()
    width = max(len(rule.name) for rule in rules)
    print(f"{'RULE':<{width}}  RC  {'SOURCE':<12}  RELAX  WHAT THE SANDBOX DOES")
    for rule in rules:
        rc = "-" if rule.rc is None else str(rule.rc)
        relax = "off" if rule.name in relaxed else ("yes" if rule.relaxable else "no")
        print(f"{rule.name:<{width}}  {rc:>2}  {rule.source:<12}  {relax:<5}  {rule.summary}")
        print(f"{'':<{width}}  evidence: {rule.evidence}")
    print()
    for key, meaning in evidence_sources().items():
        print(f"{key}: {meaning}")


def run(args: argparse.Namespace) -> int:
    from citcall_contract.spec.rules import check_relaxed

    try:
        relaxed = check_relaxed(args.relax)
    except ValueError as exc:
        print(f"citcall-contract sandbox: {exc}", file=sys.stderr)
        return 2
    if args.rules:
        _list_rules(relaxed)
        return 0
    from citcall_contract.core.extras import require

    require("sandbox", "citcall-contract sandbox")
    import uvicorn

    from citcall_contract.sandbox.app import BASE_PATHS, create_app
    from citcall_contract.sandbox.server import uvicorn_config

    try:
        config = _config(args)
    except ValueError as exc:
        raise SystemExit(f"citcall-contract sandbox: {exc}") from None
    host = f"[{args.host}]" if ":" in args.host else args.host
    bases = ", ".join(base or "/" for base in BASE_PATHS)
    print(f"Citcall sandbox on http://{host}:{args.port} (operations under {bases})", flush=True)
    off = ", ".join(sorted(config.relax)) or "none"
    print(f"answer forms: {config.answer_forms}; relaxed rules: {off}", flush=True)
    settings = uvicorn_config(
        create_app(config),
        config,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=args.access_log,
    )
    uvicorn.Server(settings).run()
    return 0
