"""`citcall-contract verify-receiver URL`: the conformance suite for a callback receiver."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from citcall_contract.commands import arguments

HELP = (
    "Check a callback receiver: every form the gateway sends, duplicates and hostile "
    "bodies (no 5xx, no hang; 2xx for known transactions)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "url",
        metavar="URL",
        help="receiver URL (loopback unless allowed); {kind} or {alias} in it is replaced "
        "by the webhook's name (missedCallStatus) or alias (missed-call)",
    )
    arguments.repeatable(
        parser,
        "--kind",
        dest="kinds",
        metavar="K",
        help="webhook to check (repeatable; default: all of the spec's)",
    )
    parser.add_argument(
        "--max-examples",
        type=arguments.example_count,
        default=20,
        metavar="N",
        help="generated valid payloads per kind (default: %(default)s; 0: none)",
    )
    arguments.add_receiver_options(parser, "longest acceptable answer, in seconds")
    arguments.add_junit(parser)
    arguments.repeatable(
        parser,
        "--trxid",
        dest="trxids",
        metavar="[KIND=]ID",
        help="a transaction the receiver knows (repeatable); its valid callbacks must get a 2xx",
    )
    parser.add_argument(
        "--trxid-hook",
        default=None,
        metavar="MODULE:FUNCTION",
        help="a Python function (kind) -> trxid that creates a transaction the receiver knows",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed for the generated payloads")


def run(args: argparse.Namespace) -> int:
    if args.max_examples:  # generated payloads; with none, the base install is enough
        from citcall_contract.core.extras import require

        require("contract", "citcall-contract verify-receiver", modules=("hypothesis",))
    from citcall_contract.client.errors import CallbackError
    from citcall_contract.contract.receivers import suite
    from citcall_contract.core import delivery
    from citcall_contract.core.printable import printable

    def refuse(message: str) -> int:
        print(f"citcall-contract verify-receiver: {printable(message)}", file=sys.stderr)
        return 2

    try:
        settings = suite.SuiteSettings(
            kinds=tuple(args.kinds),
            max_examples=args.max_examples,
            timeout=args.timeout,
            trxids=suite.parse_trxids(args.trxids),
            make_trxid=_hook(args.trxid_hook) if args.trxid_hook else None,
            allow_hosts=tuple(args.allow_hosts),
            seed=args.seed,
        )
        out = sys.stdout
        out.write(f"citcall-contract verify-receiver: {printable(delivery.safe_url(args.url))}\n")
        if not settings.trxids and settings.make_trxid is None:
            out.write(
                "  no known transactions (--trxid, --trxid-hook): valid callbacks may get "
                "any status but a 5xx\n"
            )
        printer = suite.ProgressPrinter(out)
        result = suite.run_suite(args.url, settings, on_progress=printer)
    except (delivery.DeliveryRefused, CallbackError, _HookError) as exc:
        return refuse(str(exc))
    printer.finish()
    out.write("\n" + result.report() + "\n")
    failed = len(result.failures)
    verdict = "FAILED" if failed else "passed"
    out.write(
        f"\n{verdict}: {len(result.outcomes) - failed}/{len(result.outcomes)} deliveries "
        f"in {result.elapsed:.1f} s\n"
    )
    if args.junit is not None:
        suite.write_junit(result, args.junit)
        out.write(f"JUnit report: {args.junit}\n")
    return 0 if result.ok else 1


class _HookError(ValueError):
    """The --trxid-hook cannot be loaded."""


def _hook(spec: str) -> Callable[[str], str]:
    """The user's function, its failures turned into one-line errors."""
    import importlib

    module_name, sep, function = spec.partition(":")
    if not sep or not module_name or not function:
        raise _HookError(f"--trxid-hook: expected MODULE:FUNCTION, got {spec!r}")
    try:
        found = getattr(importlib.import_module(module_name), function)
    except (ImportError, AttributeError) as exc:
        raise _HookError(f"--trxid-hook {spec}: {exc}") from None
    if not callable(found):
        raise _HookError(f"--trxid-hook {spec}: not a function")

    def make_trxid(kind: str) -> str:
        try:
            return str(found(kind))
        except Exception as exc:
            raise _HookError(f"--trxid-hook {spec}({kind!r}) failed: {exc!r}") from None

    return make_trxid
