"""`verify`'s report and JUnit file never show the API key, not even JSON-escaped.

A gateway that echoes the request's `Authorization` value in its answers gets it quoted
back by the failing checks: schemathesis shows a failing value as JSON, so a key with a
quote reaches the failure text as `\\"`. The summary and the JUnit file (what the
`verify` command writes, from the run's credentials) must hide every form of it.
"""

from __future__ import annotations

import io
import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from citcall_contract import spec
from citcall_contract.contract.verify import report
from citcall_contract.contract.verify.runner import Credentials, Settings, Target, run

#: A key whose JSON form differs from the raw one (`"` becomes `\"`).
QUOTED_KEY = 'verify-k3y"quoted-0123'


def echoing_gateway() -> Starlette:
    """Answers every operation with rc 0 and the caller's `Authorization` as the trxid."""

    async def answer(request: Request) -> Response:
        echoed = request.headers.get("authorization", "")
        return Response(json.dumps({"rc": 0, "trxid": echoed}), media_type="application/json")

    return Starlette(
        routes=[Route(op.path, answer, methods=["POST"]) for op in spec.operations().values()]
    )


def test_a_quoted_key_echoed_by_the_gateway_is_hidden_in_the_report(tmp_path):
    credentials = Credentials(QUOTED_KEY)
    target = Target("http://gateway.test", credentials, app=echoing_gateway())
    result = run(target, Settings(max_examples=3, seed=1, callback_timeout=0.2))
    messages = "\n".join(failure.message for failure in result.failures)
    escaped = json.dumps(QUOTED_KEY)[1:-1]
    assert escaped in messages  # the echo reached the failures in its escaped form

    out = io.StringIO()
    report.write_summary(result, out, credentials.secrets())
    junit = tmp_path / "verify.xml"
    report.write_junit(result, junit, credentials.secrets())

    assert "FAIL POST /asynccall · response_schema_conformance" in out.getvalue()
    for text in (out.getvalue(), junit.read_text(encoding="utf-8")):
        assert "verify-k3y" not in text  # no form of the key, raw or escaped
