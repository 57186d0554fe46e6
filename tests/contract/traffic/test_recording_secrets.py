"""`record` never writes the API key or the Basic token, not even JSON-escaped.

A gateway (or a proxy's error page) may echo the request's `Authorization` value in its
answer. The recorder writes a JSON answer back as JSON, where a quote in a key becomes
`\\"`, and keeps any other answer as it came, where a PHP page writes a Basic token's `/`
as `\\/`. Every form must be gone from the recording.
"""

from __future__ import annotations

import json

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from citcall_contract.core.authorization import apikey_header, basic_header

from .traffic_support import recording

QUOTED_KEY = 'record-k3y"quoted-0123'
#: A user and key whose Basic token has a `/` in its base64.
USER, SLASHED_KEY = "citcall-user", "key-with-???-0123"
SMS = {"msisdn": "6281234567890", "senderid": "citcall", "text": "Hello"}


def echoing_gateway() -> Starlette:
    """/sms echoes the `Authorization` value in JSON; /smsotp in a PHP-style error page."""

    async def json_echo(request: Request) -> Response:
        echoed = request.headers.get("authorization", "")
        body = json.dumps({"rc": 96, "info": f"unknown credentials: {echoed}"})
        return Response(body, media_type="application/json")

    async def page_echo(request: Request) -> Response:
        headers = json.dumps({"Authorization": request.headers.get("authorization", "")})
        page = "<html><body><pre>" + headers.replace("/", "\\/") + "</pre></body></html>"
        return Response(page, status_code=502, media_type="text/html")

    return Starlette(
        routes=[
            Route("/gateway/v3/sms", json_echo, methods=["POST"]),
            Route("/gateway/v3/smsotp", page_echo, methods=["POST"]),
        ]
    )


def _recorded(tmp_path, path: str, authorization: str, echoed: str) -> tuple[str, str]:
    """The recording's one line and its answer text, after the gateway `echoed` it."""
    with (
        recording(echoing_gateway(), tmp_path / "rec") as rec,
        httpx.Client(base_url=rec.proxy, headers={"Authorization": authorization}) as client,
    ):
        assert echoed in client.post(path, json=SMS).text  # the app saw the echo
        lines = rec.writer.path.read_text(encoding="utf-8")
    [entry] = [json.loads(line) for line in lines.splitlines()]
    return lines, entry["response"]["content"]["text"]


def test_a_quoted_key_echoed_in_a_json_answer_is_not_recorded(tmp_path):
    escaped = json.dumps(QUOTED_KEY)[1:-1]
    lines, answer = _recorded(tmp_path, "/sms", apikey_header(QUOTED_KEY), escaped)
    assert "unknown credentials" in answer  # the answer was recorded...
    for text in (lines, answer, json.loads(answer)["info"]):
        assert "record-k3y" not in text  # ...without any form of the key


def test_a_basic_token_echoed_php_style_is_not_recorded(tmp_path):
    header = basic_header(USER, SLASHED_KEY)
    token = header.removeprefix("Basic ")
    assert "/" in token
    escaped = token.replace("/", "\\/")
    lines, answer = _recorded(tmp_path, "/smsotp", header, escaped)
    assert "<pre>" in answer  # the page was recorded as it came...
    for text in (lines, answer):
        assert token not in text  # ...without the token, raw or escaped
        assert escaped not in text
    assert SLASHED_KEY not in lines
