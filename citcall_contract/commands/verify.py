"""`citcall-contract verify`: the contract suite against the embedded sandbox or a URL."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from citcall_contract.commands import arguments

if TYPE_CHECKING:
    from citcall_contract.contract.verify.results import RunResult, Settings, Target

HELP = "Run the contract suite (schemathesis, rc-based checks) against the sandbox or a URL."

#: Environment variable that may hold the API key, so it need not be on the command line.
API_KEY_ENV = "CITCALL_API_KEY"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from citcall_contract.contract.verify.results import (
        DEFAULT_MAX_EXAMPLES,
        MAX_RESPONSE_BYTES,
        MAX_TIME,
        REQUEST_TIMEOUT,
    )

    parser.add_argument(
        "--base-url",
        default=None,
        help="server to check, e.g. http://127.0.0.1:8090/gateway/v3 "
        "(default: start the embedded sandbox on a free loopback port)",
    )
    arguments.add_credentials(
        parser,
        api_key_help="API key to authenticate with "
        f"(default: ${API_KEY_ENV}, else the sandbox's key)",
        userid_help="user ID: also check Basic auth",
    )
    parser.add_argument(
        "--max-examples",
        type=arguments.positive_int,
        default=DEFAULT_MAX_EXAMPLES,
        help="generated examples per operation in the fuzzing phase (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed for reproducible runs")
    arguments.add_junit(parser)
    bounds = (
        ("--timeout", arguments.positive_float, REQUEST_TIMEOUT, "SECONDS",
         "per request: the whole answer must arrive within this time"),
        ("--max-time", arguments.positive_float, MAX_TIME, "SECONDS",
         "the whole run stops after this time and fails"),
        ("--max-response-bytes", arguments.positive_int, MAX_RESPONSE_BYTES, "BYTES",
         "a larger answer is cut off and fails the run"),
    )  # fmt: skip
    for flag, kind, default, metavar, text in bounds:
        parser.add_argument(
            flag, type=kind, default=default, metavar=metavar, help=f"{text} (default: %(default)s)"
        )
    parser.add_argument(
        "--allow-billed",
        action="store_true",
        help="allow a --base-url that is not loopback: a real gateway bills every OTP and SMS "
        "the run makes (the estimate is printed first)",
    )


def run(args: argparse.Namespace) -> int:
    from citcall_contract.core.extras import require

    require("contract", "citcall-contract verify")
    from citcall_contract.contract.verify.results import Settings, Target
    from citcall_contract.core.authorization import Credentials
    from citcall_contract.core.hosts import LOOPBACK_HOSTS, is_allowed, url_host

    settings = Settings(
        max_examples=args.max_examples,
        seed=args.seed,
        request_timeout=args.timeout,
        max_time=args.max_time,
        max_response_bytes=args.max_response_bytes,
    )
    if args.base_url is not None:
        if url_host(args.base_url) is None:
            return _refuse(f"--base-url must be an http(s) URL with a host, not {args.base_url!r}")
        billed = not is_allowed(args.base_url, LOOPBACK_HOSTS)
        if billed and not args.allow_billed:
            return _refuse(
                f"{args.base_url} is not a loopback address: a real gateway bills every OTP "
                "and SMS this run sends; add --allow-billed to run anyway"
            )
        api_key = args.api_key or os.environ.get(API_KEY_ENV)
        if not api_key:
            raise SystemExit(
                f"citcall-contract verify: --base-url needs --api-key or ${API_KEY_ENV}"
            )
        target = Target(args.base_url, Credentials(api_key, args.userid))
        return _verify(target, settings, args.junit)
    from citcall_contract.sandbox import SandboxConfig, SandboxServer

    config_kwargs = {"userid": args.userid}
    api_key = args.api_key or os.environ.get(API_KEY_ENV)
    if api_key:
        config_kwargs["api_key"] = api_key
    config = SandboxConfig(**config_kwargs)
    # Malformed probes make uvicorn log warnings; the summary reports what matters.
    with SandboxServer(config, log_level="error") as server:
        credentials = Credentials(config.api_key, config.userid)
        # Our own sandbox bounds its answers itself: no relay in between.
        target = Target(server.base_url, credentials, bounded=True)
        return _verify(target, settings, args.junit)


def _verify(target: Target, settings: Settings, junit: Path | None) -> int:
    from citcall_contract.contract.verify import report
    from citcall_contract.contract.verify.estimate import estimate
    from citcall_contract.contract.verify.runner import run as run_suite

    out = sys.stdout
    secrets = list(target.credentials.secrets())
    out.write(
        f"citcall-contract verify: {target.base_url} "
        f"({settings.max_examples} examples per operation)\n"
    )
    out.write(estimate(settings).describe() + "\n")
    out.flush()
    printer = report.ProgressPrinter(out)
    with _hypothesis_home():
        result: RunResult = run_suite(target, settings, on_progress=printer)
    printer.finish()
    report.write_summary(result, out, secrets)
    if result.requests is not None:
        out.write(f"requests sent: {result.requests}\n")
    if junit is not None:
        report.write_junit(result, junit, secrets)
        out.write(f"JUnit report: {junit}\n")
    return 0 if result.ok else 1


def _refuse(message: str) -> int:
    print(f"citcall-contract verify: {message}", file=sys.stderr)
    return 2


@contextlib.contextmanager
def _hypothesis_home() -> Iterator[None]:
    """Hypothesis keeps its files in ./.hypothesis; a run keeps them in the user's cache.

    Checking a server leaves nothing in the working directory, and there is no example
    database. What Hypothesis stores is its Unicode tables (which characters a codec can
    encode, by category), about 2 s of work that a fresh directory would repeat on every
    run; without a writable cache directory, a scratch one is used.
    """
    from hypothesis.configuration import set_hypothesis_home_dir, storage_directory

    previous = storage_directory(intent_to_write=False).home_directory
    with contextlib.ExitStack() as stack:
        home = _cache_directory()
        if home is None:
            home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="citcall-verify-")))
        set_hypothesis_home_dir(home)
        try:
            yield
        finally:
            set_hypothesis_home_dir(previous)


def _cache_directory() -> Path | None:
    """`$XDG_CACHE_HOME/citcall-contract/hypothesis` (default `~/.cache`), if it can be made."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or "")
    try:
        if not base.is_absolute():  # unset, or relative (which the XDG rules say to ignore)
            base = Path.home() / ".cache"
        home = base / "citcall-contract" / "hypothesis"
        home.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # no home directory, or not writable
        return None
    return home if os.access(home, os.W_OK) else None
