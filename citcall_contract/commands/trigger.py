"""`citcall-contract trigger KIND --to URL`: post one spec-valid callback to a receiver.

Like `stripe trigger`, driven by the spec: the payload is the webhook's first named
example with `--set FIELD=VALUE` overrides (a value is parsed as JSON when it parses,
else kept as a string) and is validated before anything is sent.
"""

from __future__ import annotations

import argparse
import sys

from citcall_contract.commands import arguments

#: Characters of the receiver's answer shown.
ANSWER_SHOWN = 300

HELP = "Post one spec-valid callback (missed-call, sms, sms-otp) to a receiver URL."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kind",
        metavar="KIND",
        help="webhook of the spec: missedCallStatus, smsStatus, smsOtpStatus "
        "(or missed-call, sms, sms-otp)",
    )
    parser.add_argument(
        "--to", required=True, metavar="URL", help="receiver URL (loopback unless allowed)"
    )
    arguments.repeatable(
        parser,
        "--set",
        dest="assignments",
        metavar="FIELD=VALUE",
        help="override a field (repeatable); VALUE is JSON when it parses, else a string",
    )
    arguments.repeatable(parser, "--unset", metavar="FIELD", help="leave a field out")
    parser.add_argument(
        "--invalid",
        "--force",
        dest="invalid",
        action="store_true",
        help="send the payload even when it breaks the webhook's schema",
    )
    arguments.add_receiver_options(parser, "seconds the delivery may take")
    parser.add_argument("--print-payload", action="store_true", help="print the payload sent")


def run(args: argparse.Namespace) -> int:
    import json

    from citcall_contract.client.callback_reports import resolve_kind
    from citcall_contract.client.errors import CallbackError
    from citcall_contract.contract.receivers import payloads, suite
    from citcall_contract.core import delivery
    from citcall_contract.core.printable import printable, printable_bytes
    from citcall_contract.core.redact import hide

    def refuse(message: str) -> int:
        print(f"citcall-contract trigger: {printable(message)}", file=sys.stderr)
        return 2

    try:
        kind = resolve_kind(args.kind)
        assignments = [payloads.parse_assignment(text) for text in args.assignments]
    except (CallbackError, ValueError) as exc:
        return refuse(str(exc))
    payload = payloads.apply_overrides(
        kind, payloads.example_payload(kind), assignments, args.unset
    )
    problems = payloads.field_problems(kind, payload)
    if problems and not args.invalid:
        return refuse(f"{kind}: {problems[0]} (use --invalid to send it anyway)")
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        answer = delivery.deliver(
            args.to,
            body=body,
            headers={"Content-Type": payloads.JSON},
            timeout=args.timeout,
            allow_hosts=args.allow_hosts,
        )
    except delivery.DeliveryRefused as exc:
        return refuse(str(exc))
    # What the receiver says is shown escaped (`\x1b`, `\xff`): it never drives the terminal;
    # the URL's user information is hidden in it, as a receiver may echo its headers.
    secrets = suite.url_secrets(args.to)
    out = sys.stdout
    where = printable(delivery.safe_url(args.to))
    out.write(f"{kind} -> {where}{' (invalid on purpose)' if problems else ''}\n")
    if args.print_payload:
        out.write(f"payload: {printable_bytes(body)}\n")
    if answer.status is None:
        reason = printable(hide(answer.error or "", secrets))
        out.write(f"no answer after {answer.elapsed:.3f} s: {reason}\n")
        return 1
    out.write(f"HTTP {answer.status} in {answer.elapsed * 1000:.0f} ms\n")
    if answer.body:
        more = " ..." if answer.truncated else ""
        out.write(f"body: {suite.shown_answer(answer, secrets, ANSWER_SHOWN)}{more}\n")
    if answer.error is not None:
        out.write(f"error: {printable(hide(answer.error, secrets))}\n")
    return 0 if answer.error is None and 200 <= answer.status < 300 else 1
